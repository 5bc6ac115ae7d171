// Call alerts pushed by the phone (Action URL): the lines to paste into the phone, each with
// its own Copy button (each goes into its own field on the phone's web page), and Test push.
// Grandstream phones may use them (a switch); Yealink phones only learn of calls this way.

import * as api from "../api.js";
import { h, showMessage } from "../dom.js";
import { t } from "../i18n.js";
import { checkField, disclosure } from "./fields.js";
import { copyText } from "./clipboard.js";

/** "Incoming Call: http://..." → {label, url}; anything else (an explanation) → null. */
function splitLine(line) {
  const match = /^(.+?):\s+(https?:\/\/\S+)$/.exec(String(line).trim());
  return match ? { label: match[1], url: match[2] } : null;
}

/**
 * ctx: id(base), data(field), phoneId, kind, enabled (push on, as typed), lines (from the
 * view), savedOn (push on in the saved settings: the listener knows this phone), onChange,
 * onAlertTest(ok, message) (what Test call alerts found, for the checklist; optional).
 * Returns {node, read(profile)}.
 */
export function pushBlock(ctx) {
  const optional = ctx.kind === "grandstream";
  const status = h("p", { class: "msg", id: ctx.id("push-result"), "aria-live": "polite", hidden: true });

  const toggle = optional
    ? checkField({
        ids: { id: ctx.id("push-enabled"), hint: ctx.id("push-enabled-hint"), error: ctx.id("push-enabled-error") },
        label: t("settings-push-toggle"),
        hint: t("settings-push-toggle-hint"),
        checked: ctx.enabled,
        data: ctx.data("push"),
      })
    : null;

  const copyButton = (text, label, action) => {
    const button = h("button", { type: "button", class: "btn btn-small", "aria-label": label, dataset: { phone: ctx.phoneId, action } }, t("settings-copy"));
    button.addEventListener("click", async () => {
      const ok = await copyText(text);
      showMessage(status, ok ? t("settings-push-copied") : t("settings-push-copy-failed"), ok ? "ok" : "error");
    });
    return button;
  };

  const parsed = ctx.lines.map((line) => ({ line, parts: splitLine(line) }));
  const usable = parsed.filter((p) => p.parts);
  const notes = parsed.filter((p) => !p.parts).map((p) => h("p", { class: "msg", dataset: { tone: "warn" } }, p.line));
  const rows = usable.map(({ parts }, i) => {
    const inputId = `${ctx.id("push-line")}-${i + 1}`;
    const input = h("input", { type: "text", id: inputId, class: "mono", readonly: true, value: parts.url, dataset: { phone: ctx.phoneId, field: "push_line" } });
    input.value = parts.url;
    input.addEventListener("focus", () => input.select());
    // Enter here must not save the whole page.
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") e.preventDefault();
    });
    return h(
      "div",
      { class: "push-line" },
      h("label", { for: inputId, class: "push-line-label" }, parts.label),
      h("div", { class: "field-inline" }, input, copyButton(parts.url, t("settings-copy-line", { label: parts.label }), "copy-push-line")),
    );
  });

  const testButton = h("button", { type: "button", class: "btn btn-small", id: ctx.id("push-test"), dataset: { phone: ctx.phoneId, action: "test-push" } }, t("settings-push-test"));
  const testHint = h("span", { class: "hint", id: ctx.id("push-test-hint") });
  testButton.setAttribute("aria-describedby", testHint.id);
  const canTest = ctx.savedOn;
  testButton.disabled = !canTest;
  testHint.textContent = canTest ? t("settings-push-test-hint") : t("settings-push-test-save-first");
  testButton.addEventListener("click", async () => {
    testButton.disabled = true;
    showMessage(status, t("settings-push-waiting"), "info");
    try {
      const message = await api.invoke("test_push", { phone: ctx.phoneId });
      showMessage(status, String(message || t("settings-push-works")), "ok");
      if (ctx.onAlertTest) ctx.onAlertTest(true, message);
    } catch (err) {
      showMessage(status, err.message, "error");
      if (ctx.onAlertTest) ctx.onAlertTest(false, err.message);
    } finally {
      testButton.disabled = false;
    }
  });

  const buttons = [];
  if (usable.length > 1) {
    buttons.push(copyButton(usable.map((u) => `${u.parts.label}: ${u.parts.url}`).join("\n"), t("settings-copy-all-lines"), "copy-push-lines"));
    buttons[0].textContent = t("settings-copy-all");
    buttons[0].id = ctx.id("push-copy");
  }
  buttons.push(testButton);

  const where = h("p", { class: "hint" }, optional ? t("settings-push-where-grandstream") : t("settings-push-where-yealink"));
  const empty = h("p", { class: "hint" }, ctx.savedOn ? t("settings-push-no-lines-saved") : t("settings-push-no-lines"));
  // Once the phone is set up (saved with alerts on), the lines are folded away: they are
  // needed again only for a new or reset phone.
  const rowsBox = usable.length
    ? disclosure(t("settings-push-lines-summary", { count: usable.length }), [where, rows], { open: !ctx.savedOn, className: "push-lines-list", id: ctx.id("push-lines-list") })
    : null;
  const linesBox = h(
    "div",
    { class: "push-lines", id: ctx.id("push-lines"), dataset: { phone: ctx.phoneId } },
    rowsBox || (notes.length ? null : empty),
    notes,
    h("div", { class: "field-inline push-buttons" }, buttons, testHint),
    status,
  );

  const node = h(
    "div",
    { class: "push-block" },
    h("h3", { class: "subhead" }, t("settings-push-heading")),
    optional ? null : h("p", { class: "hint" }, t("settings-push-yealink-intro")),
    toggle ? toggle.root : null,
    linesBox,
  );
  const sync = () => {
    linesBox.hidden = !!toggle && !toggle.input.checked;
  };
  if (toggle) toggle.input.addEventListener("change", sync);
  sync();

  return {
    node,
    read(profile) {
      if (toggle) profile.push = toggle.input.checked;
    },
  };
}
