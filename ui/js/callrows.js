// The call window's other calls: every other live call on the same phone, one row each, in
// line order (the order of the phone's line keys, so rows do not jump when a call changes
// state). Each row has exactly the buttons of its own call (the Rust side decides which, and
// acts on that call's line), and its own error line: "Resume" on line 3 resumes line 3's call.

import { h, setText, setTone } from "./dom.js";
import { t } from "./i18n.js";
import { callerLabels, phaseInfo } from "./format.js";
import { createActionBar } from "./actions.js";

/** The state word of a row: "Incoming call" for a ringing incoming call, else the phase's. */
function stateLabel(call) {
  if (call.phase === "ringing" && call.direction === "incoming") return t("common-incoming-call");
  return phaseInfo(call.phase).label;
}

function createRow() {
  const line = h("span", { class: "call-row-line" });
  const name = h("span", { class: "call-row-name" });
  const state = h("span", { class: "badge call-row-state" });
  const timer = h("span", { class: "timer call-row-timer", role: "timer", hidden: true });
  const number = h("div", { class: "call-row-number" });
  const muted = h("span", { class: "badge badge-muted", dataset: { state: "muted" }, hidden: true }, t("common-muted"));
  const sub = h("div", { class: "call-row-sub" }, number, muted);
  const error = h("p", { class: "msg action-error call-row-error", role: "alert", hidden: true });
  const bar = createActionBar({ keepFocus: true, errorEl: error });
  const el = h(
    "li",
    { class: "call-row", role: "group" },
    h("div", { class: "call-row-head" }, line, name, state, timer),
    sub,
    bar.el,
    error,
  );

  function update(call, { hasLines }) {
    const info = phaseInfo(call.phase);
    setTone(el, info.tone);
    setTone(state, info.tone);
    el.dataset.call = call.call;
    el.dataset.phase = call.phase;
    el.dataset.direction = call.direction;
    el.dataset.line = String(call.line);

    const lineText = hasLines ? t("call-row-line", { line: call.line }) : "";
    setText(line, lineText);
    line.hidden = !lineText;
    const who = callerLabels(call);
    setText(name, who.title);
    name.title = who.title;
    setText(number, who.subtitle);
    number.hidden = !who.subtitle;
    const word = stateLabel(call);
    setText(state, word);
    muted.hidden = !call.muted;
    sub.hidden = number.hidden && muted.hidden;

    const timed = call.connected_at_ms != null && (call.phase === "connected" || call.phase === "held");
    timer.hidden = !timed;
    if (timed) timer.dataset.since = String(call.connected_at_ms);
    else delete timer.dataset.since;

    // A screen reader entering the row hears whose call its buttons act on.
    const label = hasLines
      ? t("call-row-label-line", { who: who.title, line: call.line, state: word })
      : t("call-row-label", { who: who.title, state: word });
    if (el.getAttribute("aria-label") !== label) el.setAttribute("aria-label", label);
    bar.update(call);
  }

  return { el, update, bar };
}

/**
 * Keeps `section` (with its heading `title` and list `list`) showing the other calls.
 * `update(calls, {hasLines})` takes the calls to list (already without the window's own
 * call) and returns how many it shows; `press(callId, action)` presses a row's button (a
 * shortcut key while that row has the focus), false when its call does not offer it.
 */
export function createCallRows(section, title, list) {
  const rows = new Map();

  function update(calls, { hasLines }) {
    const shown = [...(calls || [])].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    const focused = document.activeElement;
    const seen = new Set();
    shown.forEach((call, i) => {
      seen.add(call.call);
      let row = rows.get(call.call);
      if (!row) {
        row = createRow();
        rows.set(call.call, row);
      }
      row.update(call, { hasLines });
      if (list.children[i] !== row.el) list.insertBefore(row.el, list.children[i] || null);
    });
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.el.remove();
        rows.delete(id);
      }
    }
    if (focused && focused.isConnected && focused !== document.activeElement) focused.focus();
    setText(title, t("call-others-title", { count: shown.length }));
    section.hidden = shown.length === 0;
    return shown.length;
  }

  function press(callId, action) {
    const row = rows.get(callId);
    return !!(row && row.bar.press(action));
  }

  return { update, press };
}
