// The first-run checklist of a phone: each switch to set on the phone's web page, where it
// is, this computer's IP address to enter there (with a Copy button), and what the last
// Test connection proved about each switch: green when proven, red with what to do when the
// phone's answer shows it wrong, "check it on the phone" when only a call or a key press
// could prove it (a test never does either). The items and findings come from the app
// (callpop_phone::backend::checklist); the words are here and in ui/i18n.

import * as api from "../api.js";
import { h, debounce, showMessage } from "../dom.js";
import { t } from "../i18n.js";
import { copyText } from "./clipboard.js";

/** The status word a screen reader and a colour-blind reader get, beside the mark. */
const STATUS_WORD = {
  untested: "settings-checklist-status-untested",
  ok: "settings-checklist-status-ok",
  failing: "settings-checklist-status-failing",
  unknown: "settings-checklist-status-unknown",
};

/** Messages a Yealink words its own way (its page and parameter names). */
const YEALINK_WORDS = new Set([
  "allowed_ip",
  "allowed_ip-where",
  "popup_off",
  "popup_off-where",
  "action_url",
  "action_url-where",
  "found-refused-ip",
  "found-waiting",
  "ip-hint",
]);

/** The mark in the circle: a number before the test, then the outcome. */
function markOf(status, index) {
  if (status === "ok") return "✓";
  if (status === "failing") return "✕";
  if (status === "unknown") return "?";
  return String(index + 1);
}

/**
 * ctx: id(base), phoneId, kind ("grandstream" or "yealink"), firstRun (no saved phone yet: shown open and first),
 * collect() (the profile as typed), address() (the address as typed).
 * Returns {node, refresh(), showTested(checklist), showAlerts(ok, message)} or null for
 * systems without a checklist.
 */
export function setupChecklist(ctx) {
  const state = { checklist: null, alerts: null };
  /** The message `base` of this checklist, in this system's words where it has its own. */
  const word = (base, args) => t(ctx.kind === "yealink" && YEALINK_WORDS.has(base) ? `settings-checklist-yealink-${base}` : `settings-checklist-${base}`, args);
  const list = h("ol", { class: "checklist", id: ctx.id("setup-checklist-items") });
  const ipValue = h("code", { class: "mono computer-ip", id: ctx.id("computer-ip"), dataset: { phone: ctx.phoneId } });
  const copyStatus = h("span", { class: "msg copy-status", "aria-live": "polite", hidden: true });
  const copyButton = h(
    "button",
    { type: "button", class: "btn btn-small", id: ctx.id("computer-ip-copy"), "aria-label": t("settings-checklist-copy-ip"), dataset: { phone: ctx.phoneId, action: "copy-computer-ip" } },
    t("settings-copy"),
  );
  copyButton.addEventListener("click", async () => {
    const ip = state.checklist && state.checklist.computer_ip;
    if (!ip) return;
    const ok = await copyText(ip);
    showMessage(copyStatus, ok ? t("settings-checklist-ip-copied") : t("settings-push-copy-failed"), ok ? "ok" : "error");
  });
  const ipHint = h("p", { class: "hint", id: ctx.id("computer-ip-hint") });
  const ipRow = h(
    "div",
    { class: "computer-ip-row" },
    h("span", { class: "field-label" }, t("settings-checklist-ip-label")),
    h("div", { class: "field-inline" }, ipValue, copyButton, copyStatus),
    ipHint,
  );
  const intro = h("p", { class: "hint" }, t("settings-checklist-intro"));

  const body = [intro, ipRow, list];
  let node;
  if (ctx.firstRun) {
    node = h(
      "section",
      { class: "setup-checklist first-run", id: ctx.id("setup-checklist"), "aria-labelledby": ctx.id("setup-checklist-title"), dataset: { phone: ctx.phoneId } },
      h("h3", { class: "subhead", id: ctx.id("setup-checklist-title") }, t("settings-checklist-title")),
      body,
    );
  } else {
    node = h("details", { class: "disclosure setup-checklist", id: ctx.id("setup-checklist"), dataset: { phone: ctx.phoneId } }, h("summary", {}, t("settings-checklist-title")), h("div", { class: "disclosure-body" }, body));
  }

  function ip() {
    return (state.checklist && state.checklist.computer_ip) || "";
  }

  /** One item's sentence: what to do, or what the test found. */
  function note(item) {
    const args = { ip: ip() || t("settings-checklist-ip-unknown") };
    if (item.id === "action_url" && state.alerts) {
      return state.alerts.ok ? t("settings-checklist-alerts-ok") : t("settings-checklist-alerts-failing", { message: state.alerts.message });
    }
    switch (item.finding) {
      case "answered":
        return t("settings-checklist-found-answered");
      case "held":
        return t("settings-checklist-found-held");
      case "refused":
        return word(`found-refused-${item.id === "allowed_ip" ? "ip" : "uri"}`, args);
      case "waiting":
        return word("found-waiting");
      case "not_reached":
        return t("settings-checklist-found-not-reached");
      case "cannot_check":
        return t(`settings-checklist-cannot-${item.id === "click_to_dial" ? "dial" : "popup"}`);
      case "test_alerts":
        return t("settings-checklist-found-test-alerts");
      default:
        return "";
    }
  }

  function statusOf(item) {
    if (item.id === "action_url" && state.alerts) return state.alerts.ok ? "ok" : "failing";
    // Not reached: nothing is known yet, so it stays a numbered step to do.
    return item.finding === "untested" || item.finding === "not_reached" ? "untested" : item.status;
  }

  function render() {
    const checklist = state.checklist;
    node.hidden = !checklist;
    if (!checklist) return;
    const shownIp = ip();
    ipValue.textContent = shownIp || t("settings-checklist-ip-unknown");
    copyButton.disabled = !shownIp;
    ipHint.textContent = shownIp ? word("ip-hint") : t("settings-checklist-ip-missing");
    list.replaceChildren(
      ...checklist.items.map((item, index) => {
        const status = statusOf(item);
        const args = { ip: shownIp || t("settings-checklist-ip-unknown") };
        const text = note(item);
        return h(
          "li",
          { class: "check-item", id: ctx.id(`check-${item.id}`), dataset: { item: item.id, status, phone: ctx.phoneId } },
          h("span", { class: "check-mark", "aria-hidden": "true" }, markOf(status, index)),
          h(
            "div",
            { class: "check-text" },
            h("div", { class: "check-head" }, h("strong", { class: "check-title" }, word(item.id, args)), h("span", { class: status === "untested" ? "check-status visually-hidden" : "check-status" }, t(STATUS_WORD[status]))),
            h("p", { class: "check-where" }, word(`${item.id}-where`, args)),
            text ? h("p", { class: "check-note" }, text) : null,
          ),
        );
      }),
    );
  }

  /** The untested list for the phone as typed (its address decides this computer's IP). */
  const refresh = debounce(async () => {
    try {
      state.checklist = await api.invoke("setup_checklist", { phone: ctx.collect() });
    } catch {
      state.checklist = null;
    }
    state.alerts = null;
    render();
  }, 300);

  node.hidden = true;
  refresh();
  return {
    node,
    refresh,
    /** What Test connection proved (from its answer or its error). */
    showTested(checklist) {
      if (!checklist || !Array.isArray(checklist.items)) return;
      state.checklist = checklist;
      if (node.tagName === "DETAILS") node.open = true;
      render();
    },
    /** What Test call alerts found: the Action URL item follows it. */
    showAlerts(ok, message) {
      state.alerts = { ok, message: String(message || "") };
      render();
    },
  };
}
