// A phone's SIP accounts as people read them: "Account 2 · Sales (1002)", and whether each is
// registered (only a registered account can call or be called). Shared by the main window's
// phone blocks and the dial pad's account picker.

import { h } from "./dom.js";
import { t } from "./i18n.js";

/** The phone's accounts, when it can dial from a chosen one and has listed them. */
export function accountsOf(phone) {
  if (!phone || !phone.capabilities || !phone.capabilities.choose_account) return [];
  return Array.isArray(phone.accounts) ? phone.accounts : [];
}

/** What the phone calls the account: "Sales (1002)", "1002", or "" when it names it nothing. */
function nameOf(account) {
  const name = String(account.name || "").trim();
  const user = String(account.user || "").trim();
  if (name && user && name !== user) return `${name} (${user})`;
  return name || user;
}

/** "Account 2 · Sales (1002)", as the phone's screen numbers it. */
export function accountLabel(account) {
  const number = t("main-account", { account: account.number });
  const name = nameOf(account);
  return name ? `${number} · ${name}` : number;
}

/** The list of a phone's accounts with their registration, or null when there is none. */
export function accountsList(phone) {
  const accounts = accountsOf(phone);
  if (!accounts.length) return null;
  return h(
    "ul",
    { class: "accounts", "aria-label": t("main-accounts-title"), dataset: { phone: phone.id } },
    accounts.map((account) => {
      const registered = account.registered === true;
      return h(
        "li",
        {
          class: `account-row${registered ? "" : " account-unregistered"}`,
          dataset: { account: String(account.index), registered: String(registered) },
          title: registered ? null : t("main-account-unregistered-title"),
        },
        h("span", { class: `dot tone-${registered ? "incall" : "offline"}`, "aria-hidden": "true" }),
        h("span", { class: "account-name" }, accountLabel(account)),
        h("span", { class: "account-state" }, registered ? t("main-account-registered") : t("main-account-unregistered")),
      );
    }),
  );
}
