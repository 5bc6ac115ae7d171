// The small always-on-top call window: one call, big, with its buttons; no keyboard needed.
// Which call: `?call=<id>`, else the first call in the state (then it sticks to that one).
// Below it, every other live call on the same phone, one row each with its own buttons
// (js/callrows.js); the window grows to show them. When the call ends the window says how,
// and the app closes it (or shows the next call).

import * as api from "./api.js";
import { t, translatePage } from "./i18n.js";
import { $, h, replace, setText, setTone } from "./dom.js";
import { callerLabels, formatDuration, startTicker } from "./format.js";
import { createActionBar, SHORTCUTS } from "./actions.js";
import { crmLink, infoList } from "./callinfo.js";
import { createCallRows } from "./callrows.js";
import { bootView } from "./boot.js";

api.useWords(t);
translatePage();

const el = {
  root: $("#call"),
  state: $("#call-state"),
  muted: $("#call-muted"),
  timer: $("#call-timer"),
  name: $("#caller-name"),
  number: $("#caller-number"),
  extra: $("#caller-extra"),
  org: $("#caller-org"),
  phone: $("#call-phone"),
  link: $("#call-link"),
  infoSlot: $("#call-info-slot"),
  actions: $("#call-actions"),
  error: $("#call-error"),
  errorText: $("#call-error-text"),
  errorClose: $("#call-error-close"),
  band: $(".call-band"),
  body: $("#call-who"),
  others: $("#call-others"),
};

const rows = createCallRows(el.others, $("#call-others-title"), $("#call-rows"));
/** The window's height with one call (the Rust side opens it so); more calls add theirs. */
const ONE_CALL_HEIGHT = 260;
let askedHeight = null;

const params = new URLSearchParams(location.search);
let callId = params.get("call") || null;
/** The last known state of our call (kept after it ends, to show who it was). */
let call = null;
let severalPhones = false;
let phoneHasLines = true;
/** How the call ended once it is gone: an outcome word (answered, missed, rejected...). */
let ended = null;
let endedDuration = null;
let errorTimer = null;
let shownLink = undefined;
let shownInfo = undefined;

function showError(message) {
  clearTimeout(errorTimer);
  el.errorText.textContent = message || "";
  el.error.hidden = !message;
  if (message) errorTimer = setTimeout(() => showError(""), 8000);
}
el.errorClose.addEventListener("click", () => showError(""));

const bar = createActionBar({
  keepFocus: true,
  onError: (message) => showError(message),
  onTransferOpen: (open) => el.root.classList.toggle("transferring", open),
});

// ---------- Words ----------

function bandText(c) {
  const phase = ["ringing", "dialing", "connected", "held"].includes(c.phase) ? c.phase : "other";
  const id = `call-band-${phase}`;
  const state = phoneHasLines ? t(`${id}-line`, { line: c.line }) : t(id);
  // With several phones, which one rings matters as much as who calls.
  return severalPhones && c.phone_name ? t("call-band-on-phone", { state, phone: c.phone_name }) : state;
}

const OUTCOMES = ["answered", "missed", "rejected", "cancelled", "failed", "answered_elsewhere", "lost"];

function outcomeWord(outcome) {
  const known = OUTCOMES.includes(outcome) ? outcome : "answered";
  return t(`call-outcome-${known.replace(/_/g, "-")}`);
}

// ---------- Rendering ----------

function renderWho() {
  const who = callerLabels(call);
  setText(el.name, who.title);
  el.name.title = who.title;
  setText(el.number, who.subtitle);
  el.number.hidden = !who.subtitle;

  setText(el.org, who.organization);
  el.org.hidden = !who.organization;
  // After the call, the band no longer names the phone: the line under the number does.
  const phoneText = severalPhones && ended && call.phone_name ? t("call-on-phone", { phone: call.phone_name }) : "";
  setText(el.phone, phoneText);
  el.phone.hidden = !phoneText;
  const link = call.contact && call.contact.link ? call.contact.link : null;
  if (link !== shownLink) {
    shownLink = link;
    replace(el.link, crmLink(link, showError, { keepFocus: true }));
  }
  el.link.hidden = !el.link.childElementCount;
  el.extra.hidden = el.org.hidden && el.phone.hidden && el.link.hidden;

  const infoKey = JSON.stringify(call.info || {});
  if (infoKey !== shownInfo) {
    shownInfo = infoKey;
    replace(el.infoSlot, infoList(call.info, "call-info call-info-inline"));
  }
  return who;
}

function renderEnded() {
  el.root.dataset.phase = "ended";
  el.root.dataset.outcome = ended;
  el.root.classList.remove("transferring");
  setTone(el.root, ended === "answered" ? "offline" : ended === "missed" || ended === "lost" ? "attention" : "offline");
  el.timer.hidden = true;
  delete el.timer.dataset.since;
  el.muted.hidden = true;
  const word = outcomeWord(ended);
  setText(el.state, word);
  let note = "";
  if (ended === "answered" && endedDuration !== null) note = t("call-lasted", { duration: formatDuration(endedDuration) });
  else if (ended === "lost") note = t("call-lost-note");
  if (el.actions.dataset.shown !== "ended") {
    el.actions.dataset.shown = "ended";
    const close = h("button", { type: "button", class: "btn", title: t("call-close-title"), dataset: { action: "close" } }, t("call-close"));
    // The app closes this window by itself; this is for when it does not.
    close.addEventListener("mousedown", (e) => e.preventDefault());
    close.addEventListener("click", async () => {
      try {
        await api.closeWindow();
      } catch (err) {
        showError(err.message);
      }
    });
    replace(el.actions, h("p", { class: "call-ended-note", id: "call-ended-note" }, note), close);
  }
  return word;
}

function render() {
  if (!call) {
    setTone(el.root, "idle");
    el.root.dataset.phase = ended ? "ended" : "none";
    setText(el.state, ended ? outcomeWord(ended) : t("call-none"));
    setText(el.name, ended ? outcomeWord(ended) : t("call-none-now"));
    setText(el.number, "");
    el.extra.hidden = true;
    el.timer.hidden = true;
    el.muted.hidden = true;
    replace(el.actions);
    el.actions.dataset.shown = "none";
    document.title = t("call-window-title");
    return;
  }

  const who = renderWho();
  if (ended) {
    const word = renderEnded();
    document.title = t("call-title", { state: word, who: who.title });
    return;
  }

  const tone = { ringing: "ringing", dialing: "ringing", connected: "incall", held: "hold" }[call.phase] || "idle";
  setTone(el.root, tone);
  el.root.dataset.phase = call.phase;
  el.root.dataset.call = call.call;
  el.root.dataset.line = String(call.line);
  el.root.dataset.direction = call.direction;
  delete el.root.dataset.outcome;
  const band = bandText(call);
  setText(el.state, band);
  el.muted.hidden = !call.muted;
  const timed = call.connected_at_ms != null && (call.phase === "connected" || call.phase === "held");
  el.timer.hidden = !timed;
  if (timed) el.timer.dataset.since = String(call.connected_at_ms);
  else delete el.timer.dataset.since;

  if (el.actions.dataset.shown !== "bar") {
    el.actions.dataset.shown = "bar";
    replace(el.actions, bar.el);
  }
  bar.update(call);
  document.title = t("call-title", { state: band, who: who.title });
  tick();
}

// ---------- State ----------

/** True while `ended` is only a guess (the call left the state before its final event). */
let endedGuessed = false;

/**
 * The call is over. The new state (without the call) and the final `call-event` come in
 * either order: a guess made from the state gives way to the event's outcome.
 */
function markEnded(outcome) {
  if (ended && !(endedGuessed && outcome)) return;
  const guess = call && !call.answered && call.direction === "incoming" ? "missed" : "answered";
  if (!ended) endedDuration = call && call.connected_at_ms != null ? Date.now() - call.connected_at_ms : null;
  ended = outcome || guess;
  endedGuessed = !outcome;
  delete el.actions.dataset.shown;
}

function onState(view) {
  if (!view) return;
  const calls = view.calls || [];
  const phones = view.phones || [];
  if (!ended) {
    severalPhones = phones.length > 1;
    if (!callId && calls.length) callId = calls[0].call;
    const found = callId ? calls.find((c) => c.call === callId) : null;
    if (found) {
      call = found;
      const phone = phones.find((p) => p.id === found.phone);
      phoneHasLines = !phone || (phone.lines || []).length > 0;
    } else if (callId && call) {
      // Gone from the state: the Rust side closes this window shortly (or shows another call).
      markEnded(null);
    }
    render();
  }
  // The other calls of the same phone stay live, even after this window's call ended.
  const others = call ? calls.filter((c) => c.phone === call.phone && c.call !== call.call) : [];
  const shown = rows.update(others, { hasLines: phoneHasLines });
  el.root.classList.toggle("several", shown > 0);
  tick();
  fitWindow();
  sayDrawn();
}

let saidDrawn = false;
/**
 * Tells the app, once, that this page is on screen (two frames after the first drawing), so
 * it takes away the card it drew in the page's place while the page loaded
 * (src-tauri/src/app/call_card.rs).
 */
function sayDrawn() {
  if (saidDrawn || !api.available || api.isMock) return;
  saidDrawn = true;
  requestAnimationFrame(() =>
    requestAnimationFrame(() => api.invoke("call_window_ready").catch((err) => console.warn("callpop: call window card:", err))),
  );
}

/**
 * Asks the app for the height this window needs: the one-call size, plus the other calls'
 * rows when there are any (the app keeps it on the screen; past its limit the rows scroll).
 */
function fitWindow() {
  // Nothing to fit before the first state (the window may not have its size yet either).
  if (!call) return;
  let height = ONE_CALL_HEIGHT;
  if (!el.others.hidden) {
    // Natural heights: with other calls the call's own part does not stretch, and the rows'
    // section is measured by what it holds (it may be squeezed to scroll).
    const px = (node, prop) => parseFloat(getComputedStyle(node)[prop]) || 0;
    const tall = (node) => node.getBoundingClientRect().height;
    const hero = px(el.root, "borderTopWidth") + tall(el.band) + tall(el.body) + tall(el.actions);
    let others = px(el.others, "paddingTop") + px(el.others, "paddingBottom") + px(el.others, "borderTopWidth");
    for (const child of el.others.children) {
      others += tall(child) + px(child, "marginTop") + px(child, "marginBottom");
    }
    height = Math.ceil(hero + others);
  }
  // The window opens at its one-call size: it is touched only when it must change (a
  // resize for nothing could move it, or take the focus from where the person types).
  const current = askedHeight === null ? window.innerHeight || ONE_CALL_HEIGHT : askedHeight;
  if (Math.abs(height - current) < 2) return;
  askedHeight = height;
  api.invoke("fit_call_window", { height }).catch((err) => console.warn("callpop: cannot fit the call window:", err));
}

const tick = startTicker(document);
// A row's error line, a contact's name arriving: the window follows what it holds.
if (typeof ResizeObserver === "function") {
  const refit = new ResizeObserver(() => fitWindow());
  refit.observe($("#call-rows"));
  refit.observe(el.body);
}

// ---------- Keyboard (when the window has focus) ----------

document.addEventListener("keydown", (e) => {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing || e.repeat) return;
  if (e.target && e.target.closest && e.target.closest("input, textarea, select")) return;
  const wanted = SHORTCUTS[e.key.toLowerCase()];
  if (!wanted) return;
  // In another call's row (reached by Tab), the keys act on that call.
  const row = e.target && e.target.closest ? e.target.closest("li.call-row") : null;
  if (row) {
    if (wanted.some((a) => rows.press(row.dataset.call, a))) e.preventDefault();
    return;
  }
  if (!call || ended) return;
  const action = wanted.find((a) => (call.actions || []).includes(a));
  if (action) {
    e.preventDefault();
    bar.press(action);
  }
});

async function start() {
  if (!api.available) {
    setTone(el.root, "offline");
    setText(el.state, t("call-no-app"));
    setText(el.name, t("call-no-app-title"));
    setText(el.number, t("call-no-app-text"));
    return;
  }
  // Drawn at once from what the app handed the window (js/boot.js), then kept up to date.
  const handed = bootView(callId);
  if (handed) onState(handed);
  else setText(el.state, t("call-loading"));
  let gotEvent = false;
  await api.listen(
    "phone-state",
    (view) => {
      gotEvent = true;
      onState(view);
    },
    (err) => showError(t("call-no-updates", { message: err.message })),
  );
  await api.listen("call-event", (e) => {
    if (!e || !callId || e.call !== callId) return;
    if (e.event === "ended" || e.event === "missed") {
      markEnded(e.outcome || (e.event === "missed" ? "missed" : null));
      render();
      fitWindow();
    }
  });
  try {
    const view = await api.invoke("get_state");
    if (!gotEvent) onState(view);
  } catch (err) {
    setText(el.state, t("call-cannot-read"));
    showError(err.message);
    sayDrawn();
  }
}

start();
