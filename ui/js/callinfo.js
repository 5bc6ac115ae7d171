// Pieces of a call both windows show: what the phone system attached to it (a XiVO queue, the
// number dialled...) and the contact's CRM link.

import * as api from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

/** The names the PBX's own facts go by (crates/phone xivo call_info): shown first. */
const FIRST = ["Queue", "Number dialled"];

/** `info` as [name, value] pairs, the system's facts first, empty values left out. */
export function infoEntries(info) {
  if (!info || typeof info !== "object") return [];
  const entries = Object.entries(info).filter(([k, v]) => k && v !== null && v !== undefined && String(v).trim());
  const rank = (k) => (FIRST.includes(k) ? FIRST.indexOf(k) : FIRST.length);
  return entries
    .map(([k, v]) => [String(k), String(v)])
    .sort((a, b) => rank(a[0]) - rank(b[0]));
}

/** A definition list of `info`, or null when there is nothing to show. */
export function infoList(info, cls = "call-info") {
  const entries = infoEntries(info);
  if (!entries.length) return null;
  return h(
    "dl",
    { class: cls, "aria-label": t("common-call-info") },
    entries.map(([name, value]) =>
      h("div", { class: "call-info-item", dataset: { info: name } }, h("dt", {}, name), h("dd", { title: value }, value)),
    ),
  );
}

/** Only web pages open from a call: never a file or a script. */
export function safeLink(link) {
  if (typeof link !== "string" || !link.trim()) return null;
  try {
    const url = new URL(link.trim());
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * The "Open in CRM" link button: opens the contact's page in the browser. Failures go to
 * `onError(message)`.
 */
export function crmLink(link, onError, { keepFocus = false } = {}) {
  const href = safeLink(link);
  if (!href) return null;
  const a = h(
    "a",
    {
      class: "btn btn-small btn-link crm-link",
      href,
      target: "_blank",
      rel: "noopener noreferrer",
      title: t("common-open-crm-title", { link: href }),
      dataset: { action: "open_link" },
    },
    t("common-open-crm"),
  );
  if (keepFocus) a.addEventListener("mousedown", (e) => e.preventDefault());
  a.addEventListener("click", async (e) => {
    e.preventDefault();
    try {
      await api.openLink(href);
    } catch (err) {
      onError(err.message);
    }
  });
  return a;
}
