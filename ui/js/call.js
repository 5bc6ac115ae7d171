// The small always-on-top call window: one call, big buttons, no keyboard needed.
// Which call: `?call=<id>`, else the first call in the state (then it sticks to that one).

import * as api from "./api.js";
import { h, $, replace, setText } from "./dom.js";
import { callerLabels, formatDuration, phaseInfo, startTicker } from "./format.js";

const el = {
  root: $("#call"),
  state: $("#call-state"),
  muted: $("#call-muted"),
  timer: $("#call-timer"),
  who: $("#call-who"),
  name: $("#caller-name"),
  number: $("#caller-number"),
  actions: $("#call-actions"),
  error: $("#call-error"),
  errorText: $("#call-error-text"),
  errorClose: $("#call-error-close"),
};

const params = new URLSearchParams(location.search);
let callId = params.get("call") || null;
/** The last known state of our call (kept after it ends, to show who it was). */
let call = null;
/** "ended" | "missed" once the call is gone. */
let endedAs = null;
let endedDuration = null;
let shownPhase = null;
let errorTimer = null;

function setTone(tone) {
  el.root.className = `call tone-${tone}`;
}

function showError(message) {
  clearTimeout(errorTimer);
  el.errorText.textContent = message;
  el.error.hidden = !message;
  if (message) errorTimer = setTimeout(() => showError(""), 8000);
}
el.errorClose.addEventListener("click", () => showError(""));

async function run(button, command, args) {
  showError("");
  if (button) button.disabled = true;
  try {
    return await api.invoke(command, args);
  } catch (err) {
    showError(err.message);
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

function button(cls, label, title, onclick, extra = {}) {
  const b = h("button", { type: "button", class: `btn ${cls}`, title, ...extra }, label);
  // The window must work without keyboard focus: act on the click, do not ask for focus.
  b.addEventListener("mousedown", (e) => e.preventDefault());
  b.addEventListener("click", () => onclick(b));
  return b;
}

let muteButton = null;

function updateMute() {
  if (!muteButton) return;
  const muted = !!(call && call.muted);
  muteButton.textContent = muted ? "Unmute" : "Mute";
  muteButton.title = muted ? "Turn your microphone back on" : "Mute your microphone";
  muteButton.setAttribute("aria-pressed", String(muted));
}

function renderActions(phase) {
  if (phase === shownPhase) {
    updateMute();
    return;
  }
  shownPhase = phase;
  muteButton = null;
  const line = call ? call.line : null;
  let buttons = [];
  switch (phase) {
    case "ringing":
      buttons = [
        button("btn-answer", "Answer", "Answer this call", (b) => run(b, "answer", { line })),
        button("btn-reject", "Reject", "Reject this call", (b) => run(b, "reject", { line })),
      ];
      break;
    case "dialing":
      buttons = [button("btn-hangup", "Hang up", "Stop calling", (b) => run(b, "hang_up"))];
      break;
    case "connected":
      buttons = [
        button("btn-hold", "Hold", "Put the call on hold", (b) => run(b, "toggle_hold"), { "aria-pressed": "false" }),
        (muteButton = button("btn-mute", "Mute", "Mute your microphone", toggleMute, { "aria-pressed": "false" })),
        button("btn-hangup", "Hang up", "End the call", (b) => run(b, "hang_up")),
      ];
      break;
    case "held":
      buttons = [
        button("btn-hold", "Resume", "Take the call off hold", (b) => run(b, "toggle_hold"), { "aria-pressed": "true" }),
        button("btn-hangup", "Hang up", "End the call", (b) => run(b, "hang_up")),
      ];
      break;
    case "ended": {
      const text =
        endedAs === "missed"
          ? "Not answered"
          : endedDuration !== null
            ? `Lasted ${formatDuration(endedDuration)}`
            : "";
      buttons = [
        text ? h("p", { class: "call-ended-note" }, text) : null,
        // The app closes this window by itself; this is for when it does not.
        button("", "Close", "Close this window", async (b) => {
          try {
            await api.closeWindow();
          } catch (err) {
            showError(err.message);
          }
        }),
      ];
      break;
    }
    default:
      buttons = [h("p", { class: "call-ended-note" }, "No call right now")];
  }
  replace(el.actions, buttons);
  updateMute();
}

async function toggleMute(b) {
  const muted = await run(b, "toggle_mute");
  if (typeof muted === "boolean" && call) {
    call.muted = muted;
    render();
  }
}

function bandText(c) {
  const line = `Line ${c.line}`;
  switch (c.phase) {
    case "ringing":
      return `Incoming call · ${line}`;
    case "dialing":
      return `Calling… · ${line}`;
    case "connected":
      return `In call · ${line}`;
    case "held":
      return `ON HOLD · ${line}`;
    default:
      return `${phaseInfo(c.phase).label} · ${line}`;
  }
}

function render() {
  if (!call) {
    setTone("idle");
    el.state.textContent = endedAs ? "Call ended" : "No call";
    setText(el.name, endedAs ? "Call ended" : "No call right now");
    setText(el.number, "");
    el.timer.hidden = true;
    el.muted.hidden = true;
    renderActions(endedAs ? "ended" : "none");
    document.title = "callpop";
    return;
  }

  const who = callerLabels(call);
  setText(el.name, who.title);
  el.name.title = who.title;
  setText(el.number, who.subtitle);

  if (endedAs) {
    setTone("offline");
    el.state.textContent = endedAs === "missed" ? "Missed call" : "Call ended";
    el.timer.hidden = true;
    delete el.timer.dataset.since;
    el.muted.hidden = true;
    renderActions("ended");
    document.title = `${el.state.textContent}: ${who.title}`;
    return;
  }

  const info = phaseInfo(call.phase);
  setTone(info.tone);
  el.state.textContent = bandText(call);
  el.muted.hidden = !(call.muted && call.phase === "connected");
  const timed = call.connected_at_ms != null && (call.phase === "connected" || call.phase === "held");
  el.timer.hidden = !timed;
  if (timed) el.timer.dataset.since = String(call.connected_at_ms);
  else delete el.timer.dataset.since;
  renderActions(call.phase);
  document.title = `${info.label}: ${who.title}`;
  tick();
}

function markEnded(kind) {
  if (endedAs) return;
  endedAs = kind || (call && !call.answered && call.direction === "incoming" ? "missed" : "ended");
  endedDuration = call && call.connected_at_ms != null ? Date.now() - call.connected_at_ms : null;
}

function onState(view) {
  if (!view || endedAs) return;
  const calls = view.calls || [];
  if (!callId && calls.length) callId = calls[0].call;
  const found = callId ? calls.find((c) => c.call === callId) : null;
  if (found) {
    call = found;
  } else if (callId) {
    // Gone from the state: the Rust side closes this window shortly.
    markEnded(null);
  }
  render();
}

const tick = startTicker(document);

async function start() {
  if (!api.available) {
    setTone("offline");
    el.state.textContent = "Not running inside callpop";
    el.name.textContent = "No calls to show";
    el.number.textContent = "Start callpop to see calls here.";
    return;
  }
  let gotEvent = false;
  await api.listen(
    "phone-state",
    (view) => {
      gotEvent = true;
      onState(view);
    },
    (err) => showError(`This window will not update by itself: ${err.message}`),
  );
  await api.listen("call-event", (e) => {
    if (!e || !callId || e.call !== callId) return;
    if (e.event === "ended" || e.event === "missed") {
      markEnded(e.event);
      render();
    }
  });
  try {
    const view = await api.invoke("get_state");
    if (!gotEvent) onState(view);
  } catch (err) {
    el.state.textContent = "Cannot read the call";
    showError(err.message);
  }
}

start();
