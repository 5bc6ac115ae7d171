// Words and numbers for people: timers, caller names, state labels.

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
  const parts = [];
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours) parts.push(`${hours} hour${hours === 1 ? "" : "s"}`);
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  if (seconds || parts.length === 0) parts.push(`${seconds} second${seconds === 1 ? "" : "s"}`);
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
 * What to show big: the caller's name, else the number, else "Unknown caller".
 * `subtitle` is the number when the name is shown (empty otherwise).
 */
export function callerLabels(call) {
  const name = clean(call && call.name);
  const number = callNumber(call);
  if (name && number && name !== number) return { title: name, subtitle: number };
  if (name || number) return { title: name || number, subtitle: "" };
  return { title: "Unknown caller", subtitle: "" };
}

/** For line rows: caller name and number from a line (no formatted number there). */
export function lineCaller(line, call) {
  if (call) return callerLabels(call);
  return callerLabels({ name: line && line.name, number: line && line.number });
}

/** Call phase → tone (CSS class, matching the tray icons) and label. */
export const PHASES = {
  ringing: { tone: "ringing", label: "Ringing" },
  dialing: { tone: "ringing", label: "Calling" },
  connected: { tone: "incall", label: "In call" },
  held: { tone: "hold", label: "On hold" },
};

export function phaseInfo(phase) {
  return PHASES[phase] || { tone: "idle", label: capitalize(phase || "Unknown") };
}

const LINE_STATES = {
  idle: { tone: "idle", label: "Idle" },
  ringing: { tone: "ringing", label: "Ringing" },
  calling: { tone: "ringing", label: "Calling" },
  dialing: { tone: "ringing", label: "Dialing" },
  connected: { tone: "incall", label: "In call" },
  onhold: { tone: "hold", label: "On hold" },
  failed: { tone: "failed", label: "Call failed" },
};

/** Line state word from the phone → tone and label; unknown words are shown as they are. */
export function lineStateInfo(state) {
  return LINE_STATES[state] || { tone: "other", label: capitalize(String(state || "unknown")) };
}

const CONNECTION = {
  connecting: { tone: "idle", label: "Connecting…" },
  online: { tone: "online", label: "Connected" },
  offline: { tone: "offline", label: "Phone not reachable" },
  needs_attention: { tone: "attention", label: "Needs your attention" },
  stopped: { tone: "offline", label: "Stopped" },
  not_configured: { tone: "offline", label: "Not set up yet" },
};

export function connectionInfo(state) {
  return CONNECTION[state] || { tone: "offline", label: capitalize(String(state || "unknown")) };
}

export function capitalize(word) {
  const s = String(word).replace(/_/g, " ");
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "in 8 s", "in 1 min 5 s" */
export function formatRetry(ms) {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
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
      if (el.textContent !== text) el.textContent = text;
      el.setAttribute("aria-label", describeDuration(now - since));
    }
    if (extra) extra(now);
  };
  tick();
  setInterval(tick, 1000);
  return tick;
}
