// The phones: the header's overall state, and one block per phone with its connection, Do
// Not Disturb, push health, lines, and its accounts' registration. One phone is shown without a block of its own (its
// state is the header's), so the common case looks as plain as ever.

import * as api from "./api.js";
import { h, replace, setText, setTone } from "./dom.js";
import { errorText, pushText, t } from "./i18n.js";
import { accountsList } from "./accounts.js";
import { callerLabels, connectionInfo, lineStateInfo, phaseInfo, retryText } from "./format.js";

/** What to say under a state that has no error message of its own. */
function quietMessage(state) {
  if (state === "stopped") return t("main-connection-stopped");
  if (state === "not_configured") return t("main-connection-not-configured");
  return "";
}

/** A phone the user must do something about in Settings. */
function wantsSettings(phone) {
  const state = phone.connection && phone.connection.state;
  return state === "needs_attention" || state === "not_configured";
}

// ---------- Lines ----------

function lineRow(line, call) {
  const info = call ? phaseInfo(call.phase) : lineStateInfo(line.state);
  // A line the phone calls "calling" is an outgoing call ringing at the other end.
  const label = call && call.phase === "dialing" ? t("common-line-calling") : info.label;
  const who = callerLabels(call || { name: line.name, number: line.number });
  const flags = [];
  if (call && call.muted) flags.push(t("common-muted"));
  if (line.conference) flags.push(t("main-line-conference"));
  const hasWho = !!(call || line.name || line.number);
  return h(
    "li",
    {
      class: `line-row tone-${info.tone}`,
      dataset: { line: String(line.line), state: call ? call.phase : String(line.state), call: call ? call.call : null },
    },
    h("span", { class: "line-num" }, t("main-line", { line: line.line })),
    h(
      "div",
      { class: "line-who" },
      hasWho ? h("div", { class: "line-name", title: who.title }, who.title) : h("div", { class: "line-number" }, "—"),
      hasWho && who.subtitle ? h("div", { class: "line-number" }, who.subtitle) : null,
    ),
    h(
      "div",
      { class: "line-side" },
      h("span", { class: `badge tone-${info.tone}` }, label),
      flags.length ? h("span", { class: "line-flags" }, flags.join(" · ")) : null,
    ),
  );
}

/** A call of a phone without lines (a PBX): who and where it stands. */
function callRow(call) {
  const info = phaseInfo(call.phase);
  const who = callerLabels(call);
  return h(
    "li",
    { class: `line-row line-row-call tone-${info.tone}`, dataset: { call: call.call, state: call.phase } },
    h(
      "div",
      { class: "line-who" },
      h("div", { class: "line-name", title: who.title }, who.title),
      who.subtitle ? h("div", { class: "line-number" }, who.subtitle) : null,
    ),
    h("div", { class: "line-side" }, h("span", { class: `badge tone-${info.tone}` }, info.label)),
  );
}

function summaryRow(text, state) {
  return h("li", { class: "line-row idle-summary", dataset: { state } }, h("span", { class: "dot tone-idle", "aria-hidden": "true" }), text);
}

function freeLinesText(idle, total) {
  if (idle.length === total && total > 1) return t("main-lines-all-free", { count: total });
  if (idle.length === 1) return t("main-line-free", { line: idle[0] });
  return t("main-lines-free", { lines: idle.slice(0, -1).join(", "), last: idle[idle.length - 1] });
}

/** The rows for one phone's lines (or, for a phone without lines, its calls). */
function lineRows(phone, calls) {
  const online = phone.connection && phone.connection.state === "online";
  const mine = calls.filter((c) => c.phone === phone.id);
  if (!online) {
    const state = phone.connection && phone.connection.state;
    // What to do about a phone that needs attention is in its message; no line talk there.
    if (state === "not_configured" || state === "needs_attention") return [];
    return [summaryRow(t("main-lines-unknown"), "unknown")];
  }
  const lines = (phone.lines || []).slice().sort((a, b) => a.line - b.line);
  if (!lines.length) {
    if (!mine.length) return [summaryRow(t("main-no-calls-now"), "idle")];
    return mine.map(callRow);
  }
  const rows = [];
  const idle = [];
  for (const line of lines) {
    const call = mine.find((c) => c.line === line.line);
    if (!call && line.state === "idle") idle.push(line.line);
    else rows.push(lineRow(line, call));
  }
  // Calls on lines the phone did not list (should not happen, but never hide a call).
  for (const call of mine) {
    if (!lines.some((l) => l.line === call.line)) {
      rows.push(lineRow({ line: call.line, state: call.phase, name: call.name, number: call.number }, call));
    }
  }
  if (idle.length) rows.push(summaryRow(freeLinesText(idle, lines.length), "idle"));
  return rows;
}

// ---------- Do Not Disturb and push ----------

/** Phones whose Do Not Disturb change is on its way. */
const dndBusy = new Set();

function dndSwitch(phone, onError) {
  const online = phone.connection && phone.connection.state === "online";
  // Only a phone callpop can reach can change it; the header says when it is on.
  if (!phone.capabilities || !phone.capabilities.dnd || !online) return null;
  const on = phone.dnd === true;
  const known = phone.dnd === true || phone.dnd === false;
  const button = h(
    "button",
    {
      type: "button",
      class: "switch",
      role: "switch",
      "aria-checked": String(on),
      title: on ? t("main-dnd-on-title") : t("main-dnd-off-title"),
      dataset: { action: "set_dnd", phone: phone.id, state: known ? (on ? "on" : "off") : "unknown" },
    },
    h("span", { class: "switch-track", "aria-hidden": "true" }, h("span", { class: "switch-thumb" })),
    h("span", { class: "switch-label" }, t("main-dnd")),
  );
  if (dndBusy.has(phone.id)) button.setAttribute("aria-busy", "true");
  button.addEventListener("click", async () => {
    // Not disabled while the phone answers: a disabled button would lose the keyboard focus.
    if (dndBusy.has(phone.id)) return;
    dndBusy.add(phone.id);
    button.setAttribute("aria-busy", "true");
    onError("");
    try {
      await api.invoke("set_dnd", { phone: phone.id, on: !on });
    } catch (err) {
      onError(err.message);
    } finally {
      dndBusy.delete(phone.id);
      button.removeAttribute("aria-busy");
    }
  });
  return button;
}

function pushLine(phone) {
  const push = phone.push;
  if (!push || push.state === "off" || !push.message) return null;
  const tone = push.state === "silent" ? "warn" : "quiet";
  return h("p", { class: "push-health", dataset: { kind: "push", state: push.state, tone } }, pushText(push));
}

// ---------- Header ----------

function overall(phones) {
  const states = phones.map((p) => (p.connection && p.connection.state) || "connecting");
  const online = states.filter((s) => s === "online").length;
  let tone = "online";
  if (states.includes("needs_attention")) tone = "attention";
  else if (online < phones.length) tone = states.every((s) => s === "connecting") ? "idle" : "offline";
  let label;
  if (online === phones.length) label = t("main-phones-all-connected", { count: phones.length });
  else if (online === 0) label = t("main-phones-none-connected", { count: phones.length });
  else label = t("main-phones-some-connected", { online, count: phones.length });
  const state = online === phones.length ? "online" : online === 0 ? "offline" : "partial";
  return { tone, label, state };
}

/**
 * Renders the header and the phone blocks. `el` holds the header's elements and `lines` (the
 * container of every phone's lines); `onSettings` opens Settings; `onError` shows a failure.
 * Returns the time (Date.now() based) of the next reconnect attempt to count down, or null.
 */
export function createPhones(el, { onSettings, onError }) {
  let retries = [];

  function renderHeader(view) {
    const phones = view.phones || [];
    el.demo.hidden = !view.demo;
    el.header.dataset.phones = String(phones.length);
    if (phones.length <= 1) {
      const phone = phones[0] || null;
      const conn = phone ? phone.connection || { state: "connecting" } : { state: "not_configured" };
      const info = connectionInfo(conn.state);
      setTone(el.header, info.tone);
      el.header.dataset.state = conn.state;
      el.header.dataset.kind = (conn.error && conn.error.kind) || "";
      el.dot.classList.toggle("pulse", conn.state === "connecting");
      setText(el.label, info.label);
      setText(el.phone, phone ? phoneTitle(phone) : "");
      el.dnd.hidden = !(phone && phone.dnd === true);
      const message = (conn.error && errorText(conn.error)) || quietMessage(conn.state);
      setText(el.message, message);
      el.message.hidden = !message;
      el.settings.hidden = !(phone ? wantsSettings(phone) : true);
    } else {
      const all = overall(phones);
      setTone(el.header, all.tone);
      el.header.dataset.state = all.state;
      el.header.dataset.kind = "";
      el.dot.classList.toggle("pulse", phones.every((p) => p.connection && p.connection.state === "connecting"));
      setText(el.label, all.label);
      setText(el.phone, "");
      el.dnd.hidden = true;
      const problems = phones.filter((p) => p.connection && p.connection.state !== "online" && p.connection.state !== "connecting");
      const message = problems.length === 1 ? t("main-phone-problem", { phone: problems[0].name }) : problems.length > 1 ? t("main-phones-problems", { count: problems.length }) : "";
      setText(el.message, message);
      el.message.hidden = !message;
      el.settings.hidden = true;
    }
  }

  function phoneTitle(phone) {
    return phone.kind_name ? t("main-phone-title", { name: phone.name, kind: phone.kind_name }) : phone.name;
  }

  /** The block of one phone among several. */
  function phoneBlock(phone, calls) {
    const conn = phone.connection || { state: "connecting" };
    const info = connectionInfo(conn.state);
    const message = (conn.error && errorText(conn.error)) || quietMessage(conn.state);
    const retry = h("p", { class: "connection-retry", dataset: { retryPhone: phone.id } });
    const settings = wantsSettings(phone)
      ? h("button", { type: "button", class: "btn btn-small btn-primary", dataset: { action: "open_settings", phone: phone.id } }, t("main-open-settings"))
      : null;
    if (settings) settings.addEventListener("click", onSettings);
    const titleId = `phone-${phone.id}-title`.replace(/[^A-Za-z0-9_-]/g, "_");
    return h(
      "article",
      {
        class: `phone-block tone-${info.tone}`,
        "aria-labelledby": titleId,
        dataset: { phone: phone.id, kind: phone.kind, state: conn.state, errorKind: (conn.error && conn.error.kind) || null },
      },
      h(
        "header",
        { class: "phone-head" },
        h("span", { class: `dot tone-${info.tone}${conn.state === "connecting" ? " pulse" : ""}`, "aria-hidden": "true" }),
        h(
          "div",
          { class: "phone-title" },
          h("h3", { id: titleId }, phone.name),
          phone.kind_name ? h("span", { class: "phone-kind" }, phone.kind_name) : null,
        ),
        h("span", { class: `badge tone-${info.tone}`, dataset: { state: conn.state } }, info.label),
      ),
      message ? h("p", { class: "phone-message" }, message) : null,
      retry,
      settings,
      phoneExtras(phone),
      linesList(phone, calls),
      accountsList(phone),
    );
  }

  function linesList(phone, calls) {
    const rows = lineRows(phone, calls);
    return rows.length ? h("ul", { class: "lines", dataset: { phone: phone.id } }, rows) : null;
  }

  function phoneExtras(phone) {
    const dnd = dndSwitch(phone, onError);
    const push = pushLine(phone);
    if (!dnd && !push) return null;
    return h("div", { class: "phone-extras" }, dnd, push);
  }

  function renderBody(view) {
    const phones = view.phones || [];
    const calls = view.calls || [];
    const noLines = phones.length === 1 && !(phones[0].lines || []).length && phones[0].connection && phones[0].connection.state === "online";
    el.linesTitle.textContent =
      phones.length > 1 ? t("main-phones-title") : noLines ? t("main-phone-calls-title", { phone: phones[0].name }) : t("main-lines-title");
    el.section.hidden = false;
    if (phones.length === 0) {
      el.linesTitle.textContent = t("main-lines-title");
      replace(el.lines, h("p", { class: "empty-state", dataset: { state: "no_phone" } }, t("main-no-phone")));
    } else if (phones.length === 1) {
      const phone = phones[0];
      const rows = lineRows(phone, calls);
      const extras = phoneExtras(phone);
      // Nothing to show until the phone is reached: say so rather than leave the tab blank.
      const waiting = !extras && !rows.length ? h("p", { class: "empty-state", dataset: { state: "waiting" } }, t("main-phone-waiting", { phone: phone.name })) : null;
      replace(el.lines, extras, rows.length ? h("ul", { class: "lines", dataset: { phone: phone.id } }, rows) : null, accountsList(phone), waiting);
    } else {
      replace(el.lines, phones.map((p) => phoneBlock(p, calls)));
    }
  }

  return {
    render(view) {
      const focus = rememberFocus(el.lines);
      renderHeader(view);
      renderBody(view);
      restoreFocus(el.lines, focus);
      const now = Date.now();
      retries = (view.phones || [])
        .filter((p) => p.connection && p.connection.state === "offline" && Number.isFinite(p.connection.retry_in_ms))
        .map((p) => ({ phone: p.id, at: now + p.connection.retry_in_ms }));
      this.tick(now);
    },
    /** Counts the reconnect attempts down (called every second). */
    tick(now) {
      const single = retries.length === 1 && el.header.dataset.phones === "1";
      if (single) {
        setText(el.retry, retryText(retries[0].at - now));
        el.retry.hidden = false;
      } else {
        el.retry.hidden = true;
      }
      for (const node of el.lines.querySelectorAll("[data-retry-phone]")) {
        const r = retries.find((x) => x.phone === node.dataset.retryPhone);
        setText(node, r ? retryText(r.at - now) : "");
        node.hidden = !r;
      }
    },
  };
}

// Phone blocks are rebuilt on each state; the switch or button that had focus gets it back.
function rememberFocus(root) {
  const active = document.activeElement;
  if (!active || !root.contains(active)) return null;
  return { action: active.dataset.action, phone: active.dataset.phone };
}

function restoreFocus(root, focus) {
  if (!focus || !focus.action) return;
  const selector = `[data-action="${focus.action}"]${focus.phone ? `[data-phone="${CSS.escape(focus.phone)}"]` : ""}`;
  const node = root.querySelector(selector);
  if (node) node.focus();
}
