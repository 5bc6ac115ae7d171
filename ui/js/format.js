// Words and numbers for people: timers, caller names, state labels, dates. Every word comes
// from the Fluent catalog (js/i18n.js); this file only decides which message to use.

import { t, locale } from "./i18n.js";

const pad2 = (n) => String(n).padStart(2, "0");

/** 754000 → "12:34", 3723000 → "1:02:03". Negative or missing → "00:00". */
export function formatDuration(ms) {
  const total = Math.max(0, Math.floor((Number(ms) || 0) / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad2(minutes)}:${pad2(seconds)}` : `${pad2(minutes)}:${pad2(seconds)}`;
}

/** Spoken form for screen readers: "12 minutes 34 seconds". */
export function describeDuration(ms) {
  const total = Math.max(0, Math.floor((Number(ms) || 0) / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const parts = [];
  if (hours) parts.push(t("common-duration-hours", { count: hours }));
  if (minutes) parts.push(t("common-duration-minutes", { count: minutes }));
  if (seconds || parts.length === 0) parts.push(t("common-duration-seconds", { count: seconds }));
  return parts.join(" ");
}

/** How long a call has been connected, or null when it has no start time. */
export function elapsedSince(connectedAtMs, now = Date.now()) {
  if (connectedAtMs === null || connectedAtMs === undefined) return null;
  return Math.max(0, now - Number(connectedAtMs));
}

const clean = (s) => (typeof s === "string" ? s.trim() : "");

/** The number as people read it: the formatted one, else the raw one. */
export function callNumber(call) {
  return clean(call && call.display_number) || clean(call && call.number);
}

/**
 * What to show big for a call (a CallView, a PhoneEvent or a line): the contact's name, else
 * the name the phone gave, else the number, else "Unknown caller". `subtitle` is the number
 * when a name is shown (empty otherwise); `organization` comes from the contact.
 */
export function callerLabels(call) {
  const contact = call && call.contact && typeof call.contact === "object" ? call.contact : null;
  const name = clean(contact && contact.name) || clean(call && call.name);
  const number = callNumber(call);
  const organization = clean(contact && contact.organization);
  if (name && number && name !== number) return { title: name, subtitle: number, organization };
  if (name || number) return { title: name || number, subtitle: "", organization };
  return { title: t("common-unknown-caller"), subtitle: "", organization };
}

/** Call phase → tone (CSS class, matching the tray icons) and label. */
const PHASE_TONES = { ringing: "ringing", dialing: "ringing", connected: "incall", held: "hold" };

export function phaseInfo(phase) {
  const tone = PHASE_TONES[phase] || "idle";
  const label = PHASE_TONES[phase] ? t(`common-phase-${phase}`) : capitalize(phase || "unknown");
  return { tone, label };
}

const LINE_TONES = {
  idle: "idle",
  ringing: "ringing",
  calling: "ringing",
  dialing: "ringing",
  connected: "incall",
  onhold: "hold",
  failed: "failed",
};

/** Line state word from the phone → tone and label; unknown words are shown as they are. */
export function lineStateInfo(state) {
  const word = String(state || "unknown");
  if (LINE_TONES[word]) return { tone: LINE_TONES[word], label: t(`common-line-${word}`) };
  return { tone: "other", label: capitalize(word) };
}

const CONNECTION_TONES = {
  connecting: "idle",
  online: "online",
  offline: "offline",
  needs_attention: "attention",
  stopped: "offline",
  not_configured: "offline",
};

/** A phone's connection state → tone and label ("Connected", "Phone not reachable"...). */
export function connectionInfo(state) {
  const word = String(state || "unknown");
  if (CONNECTION_TONES[word]) {
    return { tone: CONNECTION_TONES[word], label: t(`common-connection-${word.replace(/_/g, "-")}`) };
  }
  return { tone: "offline", label: capitalize(word) };
}

export function capitalize(word) {
  const s = String(word).replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "Trying again in 8 s" / "in 1 min 5 s" / "Trying again now…" */
export function retryText(ms) {
  if (ms <= 500) return t("common-retry-now");
  const s = Math.max(0, Math.ceil(ms / 1000));
  return t("common-retry-in", { minutes: Math.floor(s / 60), seconds: s % 60 });
}

const sameDay = (a, b) =>
  a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

function formatter(options) {
  try {
    return new Intl.DateTimeFormat(locale, options);
  } catch {
    return new Intl.DateTimeFormat("en", options);
  }
}
const TIME = formatter({ hour: "numeric", minute: "2-digit" });
const DATE = formatter({ day: "numeric", month: "short" });
const DATE_YEAR = formatter({ day: "numeric", month: "short", year: "numeric" });
const FULL = formatter({ dateStyle: "full", timeStyle: "short" });

/**
 * When a call was, short: "14:32" today, "Yesterday", "12 Mar" this year, "12 Mar 2023"
 * before. `full` is the whole date and time (for a tooltip and screen readers).
 */
export function callTime(ms, now = new Date()) {
  const when = new Date(Number(ms));
  if (!Number.isFinite(when.getTime())) return { short: "", full: "" };
  const full = FULL.format(when);
  if (sameDay(when, now)) return { short: TIME.format(when), full };
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (sameDay(when, yesterday)) return { short: t("common-yesterday"), full };
  const short = when.getFullYear() === now.getFullYear() ? DATE.format(when) : DATE_YEAR.format(when);
  return { short, full };
}

/**
 * Every second, refreshes elements that carry `data-since` (epoch ms): their text becomes the
 * running duration. Returns a function to call after re-rendering (updates at once).
 */
export function startTicker(root = document, extra) {
  const tick = () => {
    const now = Date.now();
    for (const el of root.querySelectorAll("[data-since]")) {
      const since = Number(el.dataset.since);
      if (!Number.isFinite(since)) continue;
      const text = formatDuration(now - since);
      if (el.textContent !== text) {
        el.textContent = text;
        el.setAttribute("aria-label", describeDuration(now - since));
      }
    }
    if (extra) extra(now);
  };
  tick();
  setInterval(tick, 1000);
  return tick;
}
