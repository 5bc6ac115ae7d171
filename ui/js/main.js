// Main window: connection, lines, call controls, dialing, problems.

import * as api from "./api.js";
import { h, $, replace, setText, showMessage } from "./dom.js";
import { setupDialpad, DIAL_CHARS } from "./dialpad.js";
import {
  callerLabels,
  connectionInfo,
  formatRetry,
  lineCaller,
  lineStateInfo,
  phaseInfo,
  startTicker,
} from "./format.js";

const el = {
  connection: $("#connection"),
  connDot: $("#conn-dot"),
  connLabel: $("#conn-label"),
  connPhone: $("#conn-phone"),
  connDemo: $("#conn-demo"),
  connMessage: $("#conn-message"),
  connRetry: $("#conn-retry"),
  connSettings: $("#conn-settings"),
  problems: $("#problems"),
  problemList: $("#problem-list"),
  lines: $("#lines"),
  answer: $("#btn-answer"),
  reject: $("#btn-reject"),
  hold: $("#btn-hold"),
  mute: $("#btn-mute"),
  hangup: $("#btn-hangup"),
  actionError: $("#action-error"),
  number: $("#number"),
  call: $("#btn-call"),
  preview: $("#dial-preview"),
  padToggle: $("#pad-toggle"),
  pad: $("#dialpad"),
  footerError: $("#footer-error"),
  hotkeyHint: $("#hotkey-hint"),
  settings: $("#btn-settings"),
  announcer: $("#announcer"),
};

let view = null;
let retryAt = null;
const announced = new Set();
let actionErrorTimer = null;

// ---------- Connection ----------

const CONNECTION_TEXT = {
  connecting: "",
  online: "",
  stopped: "callpop is not watching the phone right now.",
  not_configured: "Enter your phone's address in Settings to get started.",
};

function setTone(node, tone) {
  node.className = node.className.replace(/\btone-\S+/g, "").trim() + ` tone-${tone}`;
}

function renderConnection(v) {
  const conn = v.connection || { state: "connecting" };
  const info = connectionInfo(conn.state);
  setTone(el.connection, info.tone);
  el.connDot.classList.toggle("pulse", conn.state === "connecting");
  setText(el.connLabel, info.label);
  setText(el.connPhone, v.phone_label ? `Phone ${v.phone_label}` : "");
  el.connDemo.hidden = !v.demo;

  const message = (conn.error && conn.error.message) || CONNECTION_TEXT[conn.state] || "";
  setText(el.connMessage, message);
  el.connMessage.hidden = !message;

  retryAt = conn.state === "offline" && Number.isFinite(conn.retry_in_ms) ? Date.now() + conn.retry_in_ms : null;
  updateRetry(Date.now());

  el.connSettings.hidden = !(conn.state === "needs_attention" || conn.state === "not_configured");
}

function updateRetry(now) {
  if (retryAt === null) {
    el.connRetry.hidden = true;
    return;
  }
  const left = retryAt - now;
  el.connRetry.textContent = left > 500 ? `Trying again in ${formatRetry(left)}` : "Trying again now…";
  el.connRetry.hidden = false;
}

// ---------- Problems ----------

function renderProblems(v) {
  const items = (v.problems || []).map((p) => ({ message: p.message, tone: "warn" }));
  if (v.push && v.push.state === "silent" && v.push.message) {
    items.push({ message: v.push.message, tone: "warn" });
  }
  replace(
    el.problemList,
    items.map((p) => h("li", { class: "msg", dataset: { tone: p.tone } }, p.message)),
  );
  el.problems.hidden = items.length === 0;
}

// ---------- Lines ----------

function callOnLine(v, line) {
  return (v.calls || []).find((c) => c.line === line);
}

function lineRow(line, call, ringingCount) {
  const info = call ? phaseInfo(call.phase) : lineStateInfo(line.state);
  // A line the phone calls "calling" is an outgoing call ringing at the other end.
  const label = call && call.phase === "dialing" ? "Calling" : info.label;
  const who = lineCaller(line, call);
  const showTimer = call && call.connected_at_ms != null && (call.phase === "connected" || call.phase === "held");

  const flags = [];
  if (call && call.direction === "incoming" && call.phase === "ringing") flags.push("Incoming");
  if (call && call.muted) flags.push("Muted");
  if (line.conference) flags.push("Conference");

  const extra =
    call && call.phase === "ringing" && ringingCount > 1
      ? h(
          "div",
          { class: "line-extra" },
          h("button", { type: "button", class: "btn btn-small btn-answer", onclick: () => act(null, () => api.invoke("answer", { line: call.line })) }, `Answer line ${call.line}`),
          h("button", { type: "button", class: "btn btn-small btn-reject", onclick: () => act(null, () => api.invoke("reject", { line: call.line })) }, `Reject line ${call.line}`),
        )
      : null;

  const hasWho = !!(call || line.name || line.number);
  return h(
    "li",
    { class: `line-row tone-${info.tone}` },
    h("span", { class: "line-num" }, `Line ${line.line}`),
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
      showTimer ? h("span", { class: "timer", role: "timer", dataset: { since: String(call.connected_at_ms) } }, "") : null,
      flags.length ? h("span", { class: "line-flags" }, flags.join(" · ")) : null,
    ),
    extra,
  );
}

function renderLines(v) {
  // While the phone cannot be read, its last line list would be stale: say so instead.
  const online = v.connection && v.connection.state === "online";
  const lines = online ? (v.lines || []).slice().sort((a, b) => a.line - b.line) : [];
  const calls = online ? v.calls || [] : [];
  const ringingCount = calls.filter((c) => c.phase === "ringing").length;
  const rows = [];
  const idle = [];

  for (const line of lines) {
    const call = callOnLine(v, line.line);
    if (!call && line.state === "idle") idle.push(line.line);
    else rows.push(lineRow(line, call, ringingCount));
  }
  // Calls on lines the phone did not list (should not happen, but never hide a call).
  for (const call of calls) {
    if (!lines.some((l) => l.line === call.line)) {
      rows.push(lineRow({ line: call.line, state: call.phase, name: call.name, number: call.number }, call, ringingCount));
    }
  }

  if (idle.length) {
    let text;
    if (idle.length === lines.length && lines.length > 1) text = `All ${lines.length} lines are free`;
    else if (idle.length === 1) text = `Line ${idle[0]} is free`;
    else text = `Lines ${idle.slice(0, -1).join(", ")} and ${idle[idle.length - 1]} are free`;
    rows.push(h("li", { class: "line-row idle-summary" }, h("span", { class: "dot tone-idle", "aria-hidden": "true" }), text));
  }
  if (rows.length === 0) {
    const state = v.connection && v.connection.state;
    rows.push(
      h(
        "li",
        { class: "line-row idle-summary" },
        state === "online" ? "The phone reports no lines." : "Lines unknown until callpop reaches the phone again.",
      ),
    );
  }
  replace(el.lines, rows);
}

// ---------- Call controls ----------

function pick(v) {
  const calls = v ? v.calls || [] : [];
  return {
    ringing: calls.find((c) => c.phase === "ringing"),
    connected: calls.find((c) => c.phase === "connected"),
    dialing: calls.find((c) => c.phase === "dialing"),
    held: calls.find((c) => c.phase === "held"),
  };
}

function renderActions(v) {
  const { ringing, connected, dialing, held } = pick(v);

  el.answer.disabled = !ringing;
  el.reject.disabled = !ringing;
  el.answer.title = ringing ? `Answer ${callerLabels(ringing).title} on line ${ringing.line} (key A)` : "Answer the ringing call (key A)";

  const resume = !connected && !!held;
  el.hold.disabled = !(connected || held);
  el.hold.textContent = resume ? "Resume" : "Hold";
  el.hold.setAttribute("aria-pressed", String(resume));
  el.hold.title = resume ? "Take the call off hold (key H)" : "Put the call on hold (key H)";

  const muted = !!(connected && connected.muted);
  el.mute.disabled = !connected;
  el.mute.textContent = muted ? "Unmute" : "Mute";
  el.mute.setAttribute("aria-pressed", String(muted));
  el.mute.title = muted ? "Turn your microphone back on (key M)" : "Mute your microphone (key M)";

  el.hangup.disabled = !(connected || dialing || held);
}

/** Runs a command from a button; shows its error under the call controls. */
async function act(button, run) {
  clearActionError();
  if (button) button.disabled = true;
  try {
    return await run();
  } catch (err) {
    showActionError(err.message);
    return undefined;
  } finally {
    if (view) renderActions(view);
    else if (button) button.disabled = false;
  }
}

function showActionError(message, tone = "error") {
  clearTimeout(actionErrorTimer);
  showMessage(el.actionError, message, tone);
  if (tone === "info") actionErrorTimer = setTimeout(clearActionError, 3000);
}

function clearActionError() {
  clearTimeout(actionErrorTimer);
  showMessage(el.actionError, "");
}

const ACTIONS = {
  a: {
    button: el.answer,
    idle: "No call is ringing.",
    run: () => api.invoke("answer", { line: pick(view).ringing ? pick(view).ringing.line : null }),
  },
  r: {
    button: el.reject,
    idle: "No call is ringing.",
    run: () => api.invoke("reject", { line: pick(view).ringing ? pick(view).ringing.line : null }),
  },
  h: { button: el.hold, idle: "There is no call to hold.", run: () => api.invoke("toggle_hold") },
  m: {
    button: el.mute,
    idle: "There is no call in progress to mute.",
    run: async () => {
      const muted = await api.invoke("toggle_mute");
      // Show the answer at once; the next phone-state confirms it.
      const { connected } = pick(view);
      if (connected && typeof muted === "boolean") {
        connected.muted = muted;
        renderLines(view);
      }
      return muted;
    },
  },
  e: { button: el.hangup, idle: "There is no call to hang up.", run: () => api.invoke("hang_up") },
};

for (const action of Object.values(ACTIONS)) {
  action.button.addEventListener("click", () => act(action.button, action.run));
}

// ---------- Dialing ----------

const dialpad = setupDialpad({
  input: el.number,
  pad: el.pad,
  previewEl: el.preview,
  preview: (text) => api.invoke("preview_number", { text }),
  onChange: (text) => {
    el.call.disabled = !text.trim();
  },
  onDial: dial,
});

async function dial() {
  const text = el.number.value;
  if (!text.trim()) {
    dialpad.showStatus("Type or paste a number first.", "warn");
    return;
  }
  el.call.disabled = true;
  dialpad.showStatus("Calling…", "");
  try {
    const result = await api.invoke("dial", { text });
    const shown = (result && (result.display || result.dial)) || text.trim();
    el.number.value = "";
    dialpad.showStatus(`Calling ${shown}`, "ok");
  } catch (err) {
    dialpad.showStatus(err.message, "error");
  } finally {
    el.call.disabled = !el.number.value.trim();
  }
}

el.call.addEventListener("click", dial);

const PAD_KEY = "callpop.dialpad.open";
function setPadOpen(open) {
  el.pad.hidden = !open;
  el.padToggle.setAttribute("aria-expanded", String(open));
  el.padToggle.textContent = open ? "Hide dial pad" : "Show dial pad";
  try {
    localStorage.setItem(PAD_KEY, open ? "1" : "0");
  } catch {
    // Storage may be unavailable; the pad just will not remember.
  }
}
el.padToggle.addEventListener("click", () => setPadOpen(el.pad.hidden));
{
  let open = false;
  try {
    open = localStorage.getItem(PAD_KEY) === "1";
  } catch {
    open = false;
  }
  if (new URLSearchParams(location.search).get("pad") === "1") open = true;
  setPadOpen(open);
}

// ---------- Keyboard ----------

function isTypingTarget(target) {
  return !!(target && target.closest && target.closest("input, textarea, select, [contenteditable]"));
}

document.addEventListener("keydown", (e) => {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
  if (isTypingTarget(e.target)) return;

  const action = ACTIONS[e.key.toLowerCase()];
  if (action) {
    e.preventDefault();
    if (e.repeat) return;
    if (action.button.disabled) showActionError(action.idle, "info");
    else action.button.click();
    return;
  }
  // Digits typed anywhere go into the number field.
  if (DIAL_CHARS.test(e.key)) {
    e.preventDefault();
    el.number.focus();
    el.number.setSelectionRange(el.number.value.length, el.number.value.length);
    dialpad.insert(e.key);
  } else if (e.key === "Backspace" && el.number.value) {
    e.preventDefault();
    el.number.setSelectionRange(el.number.value.length, el.number.value.length);
    dialpad.backspace();
  } else if (e.key === "Escape" && el.number.value) {
    e.preventDefault();
    dialpad.clear();
  }
});

// ---------- Settings / footer ----------

async function openSettings() {
  showMessage(el.footerError, "");
  try {
    await api.invoke("open_window", { name: "settings" });
  } catch (err) {
    showMessage(el.footerError, err.message);
  }
}
el.settings.addEventListener("click", openSettings);
el.connSettings.addEventListener("click", openSettings);

function renderFooter(v) {
  el.hotkeyHint.textContent = v.hotkey ? `Call selected text: ${v.hotkey}` : "";
}

// ---------- Announcements ----------

function announce(text) {
  el.announcer.textContent = "";
  // A fresh text node after a tick makes screen readers read it even if it repeats.
  setTimeout(() => {
    el.announcer.textContent = text;
  }, 50);
}

function announceNewRinging(v) {
  for (const call of v.calls || []) {
    if (call.phase === "ringing" && !announced.has(call.call)) {
      announced.add(call.call);
      const who = callerLabels(call);
      announce(`Incoming call from ${who.title}${who.subtitle ? `, ${who.subtitle}` : ""}, line ${call.line}. Press A to answer, R to reject.`);
    }
  }
}

// ---------- State ----------

function render(v) {
  if (!v || typeof v !== "object") return;
  view = v;
  renderConnection(v);
  renderProblems(v);
  renderLines(v);
  renderActions(v);
  renderFooter(v);
  announceNewRinging(v);
  tick();
}

const tick = startTicker(document, updateRetry);

async function start() {
  if (!api.available) {
    el.connLabel.textContent = "Not running inside callpop";
    setTone(el.connection, "offline");
    api.explainIfMissing($("#main"));
    el.settings.hidden = true;
    return;
  }
  let gotEvent = false;
  await api.listen(
    "phone-state",
    (payload) => {
      gotEvent = true;
      render(payload);
    },
    (err) => showMessage(el.footerError, `callpop will not update this window by itself: ${err.message}`),
  );
  await api.listen("call-event", (e) => {
    if (e && e.event === "missed") {
      const who = callerLabels(e);
      announce(`Missed call from ${who.title}.`);
    }
  });
  // Failed actions from the tray or the hotkey (e.g. "No phone number found in …").
  await api.listen("app-message", (message) => {
    const text = typeof message === "string" ? message : message && message.message;
    if (text) showMessage(el.footerError, text, "warn");
  });
  try {
    const v = await api.invoke("get_state");
    if (!gotEvent) render(v);
  } catch (err) {
    el.connLabel.textContent = "Cannot read the phone's state";
    el.connMessage.textContent = err.message;
    el.connMessage.hidden = false;
    setTone(el.connection, "offline");
  }
}

start();
