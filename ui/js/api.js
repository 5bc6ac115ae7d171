// The one place that talks to the Rust side.
//
// Every command rejects with `{kind, message}`; whatever the Rust side (or Tauri itself) throws
// is normalised to that shape so pages can always show `message`.
//
// Outside the app (a plain browser), `window.__TAURI__` is missing. With `?mock=<scenario>` in
// the URL the pages run against js/mock.js (for screenshots and manual checks); without it they
// show a clear "open this from callpop" message instead of failing.

import { createMock } from "./mock.js";

const params = new URLSearchParams(location.search);

// `?theme=dark|light` forces a theme (the pages otherwise follow the system).
const theme = params.get("theme");
if (theme === "dark" || theme === "light") {
  document.documentElement.dataset.theme = theme;
}

function pickBackend() {
  const tauri = window.__TAURI__;
  if (tauri && tauri.core && typeof tauri.core.invoke === "function") {
    return {
      kind: "tauri",
      invoke: (name, args) => tauri.core.invoke(name, args),
      listen: (name, cb) => tauri.event.listen(name, cb),
      currentWindow: () => tauri.window.getCurrentWindow(),
    };
  }
  const scenario = params.get("mock");
  if (scenario) return createMock(scenario, params);
  return null;
}

const backend = pickBackend();
if (!backend) {
  console.info(
    "callpop: no app here. For a preview with fake data add ?mock=ringing, incall, offline, attention, setup, settings or nokeyring (and &theme=dark).",
  );
}

/** True when commands can be sent (inside the app, or with a mock). */
export const available = backend !== null;
/** True when running against js/mock.js. */
export const isMock = backend !== null && backend.kind === "mock";

export const NO_APP_MESSAGE =
  "This page is part of the callpop app and only works inside it. Start callpop and open this window from its tray icon.";

/** Turns anything thrown by invoke into `{kind, message}`. */
export function toError(err) {
  if (err && typeof err === "object" && typeof err.message === "string" && err.message) {
    return { ...err, kind: typeof err.kind === "string" ? err.kind : "error", message: err.message };
  }
  if (typeof err === "string" && err) return { kind: "error", message: err };
  return { kind: "error", message: "Something went wrong, and callpop did not say what." };
}

/** Sends a command; rejects with `{kind, message}`. */
export async function invoke(name, args = {}) {
  if (!backend) throw { kind: "no_app", message: NO_APP_MESSAGE };
  try {
    return await backend.invoke(name, args);
  } catch (err) {
    const error = toError(err);
    console.warn(`callpop: ${name} failed:`, error);
    throw error;
  }
}

/**
 * Listens for an event; `cb` gets the payload. Returns a function that stops listening.
 * Never throws: a failed subscription is logged and reported through `onError`.
 */
export async function listen(name, cb, onError) {
  if (!backend) return () => {};
  try {
    return await backend.listen(name, (event) => cb(event ? event.payload : undefined));
  } catch (err) {
    const error = toError(err);
    console.warn(`callpop: cannot listen for ${name}:`, error);
    if (onError) onError(error);
    return () => {};
  }
}

/**
 * Closes this window; falls back to hiding it. Rejects with `{kind, message}` if neither works
 * (e.g. the window permissions are missing).
 */
export async function closeWindow() {
  if (!backend) throw { kind: "no_app", message: NO_APP_MESSAGE };
  let win;
  try {
    win = backend.currentWindow();
  } catch (err) {
    throw toError(err);
  }
  try {
    await win.close();
  } catch (closeErr) {
    try {
      await win.hide();
    } catch {
      const error = toError(closeErr);
      throw { kind: error.kind, message: `Could not close this window: ${error.message}` };
    }
  }
}

/**
 * For pages opened outside the app: replaces `main` with an explanation. Returns true when the
 * page should stop there.
 */
export function explainIfMissing(main) {
  if (available) return false;
  main.replaceChildren();
  const box = document.createElement("div");
  box.className = "no-app";
  box.setAttribute("role", "alert");
  const title = document.createElement("h1");
  title.textContent = "callpop is not running here";
  const text = document.createElement("p");
  text.textContent = NO_APP_MESSAGE;
  box.append(title, text);
  main.append(box);
  return true;
}
