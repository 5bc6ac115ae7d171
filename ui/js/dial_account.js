// "From account": which of the phone's SIP accounts a dial goes out from. Offered only when the
// phone can choose and has more than one account; preselected with the account chosen here
// last for that phone, else the one in Settings, else the phone's first. Accounts that are not
// registered are listed but cannot be chosen: they cannot call.

import { h, replace } from "./dom.js";
import { t } from "./i18n.js";
import { accountLabel, accountsOf } from "./accounts.js";

export function createAccountPicker({ row, select }) {
  /** Phone id → the account index chosen here (for this window's life). */
  const chosen = new Map();
  let phone = null;
  let offered = [];

  select.addEventListener("change", () => {
    if (phone) chosen.set(phone.id, Number(select.value));
  });

  const usable = (index) => offered.some((a) => a.index === index && a.registered === true);

  return {
    /** Shows the accounts of `current` (the phone the next dial goes to), or hides the row. */
    render(current) {
      phone = current || null;
      offered = accountsOf(phone);
      row.hidden = offered.length < 2;
      if (row.hidden) return;
      const key = offered.map((a) => `${a.index}\u0000${accountLabel(a)}\u0000${a.registered}`).join("\u0001");
      const keyed = `${phone.id}\u0002${key}`;
      if (select.dataset.key !== keyed) {
        select.dataset.key = keyed;
        replace(
          select,
          offered.map((a) => {
            const label = accountLabel(a);
            const registered = a.registered === true;
            return h(
              "option",
              { value: String(a.index), disabled: !registered, dataset: { registered: String(registered) } },
              registered ? label : t("main-dial-account-unregistered", { account: label }),
            );
          }),
        );
      }
      const candidates = [chosen.get(phone.id), phone.dial_account, ...offered.map((a) => a.index)];
      const pick = candidates.find((index) => Number.isInteger(index) && usable(index));
      select.value = String(pick ?? offered[0].index);
    },
    /** The account index to dial from, or undefined when no picker is shown. */
    value() {
      if (row.hidden || !phone) return undefined;
      const index = Number(select.value);
      return Number.isInteger(index) ? index : undefined;
    },
  };
}
