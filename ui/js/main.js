// Main window: the phones and their state, the calls with their buttons, dialing, and the
// recent calls. Each part lives in its own file; this one wires them to the app's state and
// events, and handles the keyboard.

import * as api from "./api.js";
import { t, translatePage } from "./i18n.js";
import { $, h, replace, setText, setTone, showMessage } from "./dom.js";
import { DIAL_CHARS } from "./dialpad.js";
import { callerLabels, startTicker } from "./format.js";
import { createCallList } from "./calls.js";
import { createPhones } from "./phones.js";
import { createDial } from "./dial.js";
import { createHistory } from "./history.js";

api.useWords(t);
translatePage();

const el = {
  header: $("#connection"),
  dot: $("#conn-dot"),
  label: $("#conn-label"),
  phone: $("#conn-phone"),
  dnd: $("#conn-dnd"),
  demo: $("#conn-demo"),
  message: $("#conn-message"),
  retry: $("#conn-retry"),
  settings: $("#conn-settings"),
  problems: $("#problems"),
  problemList: $("#problem-list"),
  notices: $("#app-notices"),
  callsSection: $("#calls-section"),
  calls: $("#calls"),
  hints: $("#shortcut-hints"),
  section: $("#phones"),
  linesTitle: $("#lines-title"),
  lines: $("#lines"),
  phonesError: $("#phones-error"),
  tabs: $("#tabs"),
  tabPhone: $("#tab-phone"),
  tabRecent: $("#tab-recent"),
  panelPhone: $("#panel-phone"),
  panelRecent: $("#panel-recent"),
  missedBadge: $("#missed-badge"),
  footerError: $("#footer-error"),
  keyMessage: $("#key-message"),
  hotkeyHint: $("#hotkey-hint"),
  settingsButton: $("#btn-settings"),
  announcer: $("#announcer"),
};

let view = null;
const announced = new Set();

// ---------- Settings ----------

async function openSettings() {
  showMessage(el.footerError, "");
  try {
    await api.invoke("open_window", { name: "settings" });
  } catch (err) {
    showMessage(el.footerError, err.message);
  }
}
el.settingsButton.addEventListener("click", openSettings);
el.settings.addEventListener("click", openSettings);

// ---------- Parts ----------

const phones = createPhones(el, {
  onSettings: openSettings,
  onError: (message) => showMessage(el.phonesError, message),
});
const callList = createCallList(el.calls);
const dial = createDial();
const history = createHistory({
  dialText: (text) => dial.dialText(text),
  isShown: () => !el.panelRecent.hidden,
});

// ---------- Tabs ----------

function selectTab(name, { focus = false, filter } = {}) {
  const recent = name === "recent" && view && view.history_available;
  el.tabPhone.setAttribute("aria-selected", String(!recent));
  el.tabRecent.setAttribute("aria-selected", String(recent));
  el.tabPhone.tabIndex = recent ? -1 : 0;
  el.tabRecent.tabIndex = recent ? 0 : -1;
  el.panelPhone.hidden = recent;
  el.panelRecent.hidden = !recent;
  if (focus) (recent ? el.tabRecent : el.tabPhone).focus();
  if (recent) history.shown(filter);
}

el.tabPhone.addEventListener("click", () => selectTab("phone"));
el.tabRecent.addEventListener("click", () => selectTab("recent"));
el.tabs.addEventListener("keydown", (e) => {
  if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) {
    e.preventDefault();
    const toRecent = e.key === "ArrowRight" || e.key === "End";
    selectTab(toRecent ? "recent" : "phone", { focus: true });
  }
});

/** The tray's "N missed calls", the `#missed` link or the `show-missed` event. */
let wantMissed = location.hash === "#missed";
/** `?tab=recent` opens the recent calls (for links and screenshots). */
let wantRecent = new URLSearchParams(location.search).get("tab") === "recent";
function showMissed() {
  if (view && view.history_available) {
    wantMissed = false;
    selectTab("recent", { filter: "unresolved" });
  } else {
    wantMissed = true;
  }
}
window.addEventListener("hashchange", () => {
  if (location.hash === "#missed") showMissed();
});

// ---------- Problems ----------

/** The app's own lines of kind "…-info" are news, not problems: e.g. which keys the desktop
 *  gave the dial hotkey. They are shown apart, without the "Problems" heading. */
const isNotice = (p) => p.kind.endsWith("-info");

/** Next to a hotkey that cannot work: the same dial, one click away (the tray has it too). */
function hotkeyWay(p) {
  if (p.kind !== "hotkey") return null;
  const dial = () => api.invoke("dial_clipboard").catch((err) => showMessage(el.footerError, err.message));
  return [" ", h("button", { type: "button", class: "btn btn-small", dataset: { action: "dial-clipboard" }, onclick: dial }, t("main-dial-clipboard"))];
}

function renderProblems(v) {
  const all = v.problems || [];
  const line = (p, tone) => h("li", { class: "msg", dataset: { tone, kind: p.kind } }, p.message, hotkeyWay(p));
  const items = all.filter((p) => !isNotice(p)).map((p) => line(p, "warn"));
  replace(el.problemList, items);
  el.problems.hidden = items.length === 0;
  const notices = all.filter(isNotice).map((p) => line(p, "info"));
  replace(el.notices, notices);
  el.notices.hidden = notices.length === 0;
}

// ---------- Calls ----------

function renderCalls(v) {
  const shown = callList.update(v);
  el.callsSection.hidden = shown.length === 0;
  el.callsSection.dataset.count = String(shown.length);
  el.hints.hidden = shown.length === 0;
}

function renderHints() {
  const keys = [
    ["A", "main-key-answer"],
    ["R", "main-key-reject"],
    ["H", "main-key-hold"],
    ["M", "main-key-mute"],
    ["E", "main-key-end"],
  ];
  replace(
    el.hints,
    h("span", {}, t("main-keys")),
    " ",
    keys.map(([key, id]) => [h("span", {}, h("kbd", {}, key), " ", t(id)), " "]),
  );
}

// ---------- Missed badge ----------

function renderMissed(v) {
  const count = Number(v.missed) || 0;
  el.tabs.hidden = !v.history_available;
  if (!v.history_available && !el.panelRecent.hidden) selectTab("phone");
  setText(el.missedBadge, count > 0 ? String(count) : "");
  el.missedBadge.hidden = count === 0;
  el.missedBadge.dataset.count = String(count);
  el.missedBadge.setAttribute("aria-label", t("main-missed-count", { count }));
  el.tabRecent.dataset.missed = String(count);
  history.setMissed(count);
}

// ---------- Footer ----------

function renderFooter(v) {
  // A hotkey that does not work (or whose keys the desktop chose, said above) is not
  // advertised here: the main window's notice tells what is true.
  const hotkeyLine = (v.problems || []).some((p) => p.kind === "hotkey" || p.kind === "hotkey-info");
  const hint = v.hotkey && !hotkeyLine ? t("main-hotkey-hint", { hotkey: v.hotkey }) : "";
  setText(el.hotkeyHint, hint);
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
  const several = (v.phones || []).length > 1;
  for (const call of v.calls || []) {
    if (call.phase === "ringing" && !announced.has(call.call)) {
      announced.add(call.call);
      const who = callerLabels(call);
      const caller = who.subtitle ? t("main-announce-caller", { name: who.title, number: who.subtitle }) : who.title;
      announce(
        several
          ? t("main-announce-ringing-on", { caller, phone: call.phone_name })
          : t("main-announce-ringing", { caller }),
      );
    }
  }
}

// ---------- Keyboard ----------

function isTypingTarget(target) {
  return !!(target && target.closest && target.closest("input, textarea, select, [contenteditable]"));
}

const IDLE_KEY_MESSAGES = {
  a: "main-key-idle-answer",
  r: "main-key-idle-reject",
  h: "main-key-idle-hold",
  m: "main-key-idle-mute",
  e: "main-key-idle-end",
};
let keyMessageTimer = null;

document.addEventListener("keydown", (e) => {
  if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
  if (isTypingTarget(e.target)) return;
  const key = e.key.toLowerCase();
  if (IDLE_KEY_MESSAGES[key]) {
    e.preventDefault();
    if (e.repeat) return;
    if (!callList.press(key)) {
      clearTimeout(keyMessageTimer);
      showMessage(el.keyMessage, t(IDLE_KEY_MESSAGES[key]), "info");
      keyMessageTimer = setTimeout(() => showMessage(el.keyMessage, ""), 3000);
    }
    return;
  }
  // Digits typed anywhere go into the number field.
  const number = dial.input;
  if (DIAL_CHARS.test(e.key)) {
    e.preventDefault();
    if (el.panelPhone.hidden) selectTab("phone");
    number.focus();
    number.setSelectionRange(number.value.length, number.value.length);
    dial.dialpad.insert(e.key);
  } else if (e.key === "Backspace" && number.value && !el.panelPhone.hidden) {
    e.preventDefault();
    number.setSelectionRange(number.value.length, number.value.length);
    dial.dialpad.backspace();
  } else if (e.key === "Escape" && number.value && !el.panelPhone.hidden) {
    e.preventDefault();
    dial.dialpad.clear();
  }
});

// ---------- State ----------

function render(v) {
  if (!v || typeof v !== "object") return;
  const before = view;
  view = v;
  phones.render(v);
  renderProblems(v);
  renderCalls(v);
  dial.render(v);
  renderMissed(v);
  renderFooter(v);
  announceNewRinging(v);
  tick();
  if (wantMissed && v.history_available) showMissed();
  else if (wantRecent && v.history_available) {
    wantRecent = false;
    selectTab("recent");
  }
  // The missed count moves when a call is missed, called back or marked done elsewhere.
  if (before && before.missed !== v.missed) history.refresh();
}

const tick = startTicker(document, (now) => phones.tick(now));

async function start() {
  renderHints();
  if (!api.available) {
    setText(el.label, t("main-no-app"));
    setTone(el.header, "offline");
    api.explainIfMissing($("#main"));
    el.settingsButton.hidden = true;
    return;
  }
  setText(el.label, t("main-starting"));
  let gotEvent = false;
  await api.listen(
    "phone-state",
    (payload) => {
      gotEvent = true;
      render(payload);
    },
    (err) => showMessage(el.footerError, t("main-no-updates", { message: err.message })),
  );
  await api.listen("call-event", (e) => {
    if (!e) return;
    if (e.event === "missed") {
      const who = callerLabels(e);
      announce(t("main-announce-missed", { caller: who.title }));
    }
    if (e.event === "ended" || e.event === "missed") history.refresh();
  });
  // Failed actions from the tray or the hotkey (e.g. "No phone number found in …").
  await api.listen("app-message", (message) => {
    const text = typeof message === "string" ? message : message && message.message;
    if (text) showMessage(el.footerError, text, "warn");
  });
  await api.listen("show-missed", () => showMissed());
  try {
    const v = await api.invoke("get_state");
    if (!gotEvent) render(v);
  } catch (err) {
    setText(el.label, t("main-no-state"));
    setText(el.message, err.message);
    el.message.hidden = false;
    setTone(el.header, "offline");
  }
}

start();
