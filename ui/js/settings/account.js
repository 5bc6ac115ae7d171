// "Call out from": the account of a Grandstream phone that dials go out from unless the dial
// pad picks another (GrandstreamSettings::dial_account, numbered as the phone's screen numbers
// accounts, from 1; empty: the phone's default). The choices are the accounts callpop last
// read from the phone, with their registration; before callpop has reached it, only the
// phone's default (and the account already set) can be chosen.

import * as api from "../api.js";
import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { selectField } from "./fields.js";
import { accountLabel } from "../accounts.js";

/** The field for `ctx` (see phone_kinds.js); `read(profile)` puts the choice in the profile. */
export function dialAccountField(ctx) {
  const saved = Number.isInteger(ctx.profile.dial_account) && ctx.profile.dial_account > 0 ? ctx.profile.dial_account : null;
  const data = ctx.data("dial_account");
  const field = selectField({
    ids: ctx.ids("dial-account"),
    label: t("settings-gs-account"),
    hint: t("settings-gs-account-hint"),
    value: "",
    options: [["", t("settings-gs-account-default")]],
    data,
  });

  /** Fills the choices from `accounts` (may be empty), keeping what is selected. */
  function fill(accounts) {
    const wanted = field.input.value || (saved ? String(saved) : "");
    const options = [h("option", { value: "" }, t("settings-gs-account-default"))];
    for (const account of accounts) {
      const label = accountLabel(account);
      options.push(
        h(
          "option",
          { value: String(account.number), dataset: { registered: String(account.registered === true) } },
          account.registered === true ? label : t("main-dial-account-unregistered", { account: label }),
        ),
      );
    }
    // An account set before, that the phone does not list (now): kept, not silently dropped.
    if (wanted && !accounts.some((a) => String(a.number) === wanted)) {
      options.push(h("option", { value: wanted }, t("main-account", { account: Number(wanted) })));
    }
    replace(field.input, options);
    field.input.value = wanted;
  }
  fill([]);

  // The accounts as the app last read them from this phone (none for a phone not saved yet).
  api
    .invoke("get_state")
    .then((view) => {
      const phone = ((view && view.phones) || []).find((p) => p.id === data.phone);
      if (phone && Array.isArray(phone.accounts)) fill(phone.accounts);
    })
    .catch(() => {});

  return {
    root: field.root,
    field,
    read(profile) {
      const value = Number(field.input.value);
      profile.dial_account = Number.isInteger(value) && value > 0 ? value : null;
    },
  };
}
