// The one place that talks to the Rust side.
//
// Every command rejects with `{kind, message}`; whatever the Rust side (or Tauri itself) throws
// is normalised to that shape so pages can always show `message`.
//
// Outside the app (a plain browser), `window.__TAURI__` is missing. With `?mock=<scenario>` in
// the URL the pages run against js/mock.js (for screenshots and manual checks); without it they
// show a clear "open this from callpop" message instead of failing.

const params = new URLSearchParams(location.search);

// `?theme=dark|light` forces a theme (the pages otherwise follow the system).
const theme = params.get("theme");
if (theme === "dark" || theme === "light") {
  document.documentElement.dataset.theme = theme;
}

// The mock is loaded only for a preview that asks for it: inside the app it would be parsed
// on every page load (a call window's too) for nothing.
async function pickBackend() {
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
  if (scenario) {
    const { createMock } = await import("./mock.js");
    return createMock(scenario, params);
  }
  return null;
}

const backend = await pickBackend();
if (!backend) {
  console.info("callpop: no app here. For a preview with fake data add ?mock=<scenario> (see ui/README.md) and &theme=dark.");
}

// Words for the few sentences this file says itself. js/i18n.js imports this file, so it
// cannot import i18n.js back: the pages hand over their `t` with `useWords(t)`.
const ENGLISH = {
  "common-no-app-title": "callpop is not running here",
  "common-no-app": "This page is part of the callpop app and only works inside it. Start callpop and open this window from its tray icon.",
  "common-error-unknown": "Something went wrong, and callpop did not say what.",
  "common-error-close-window": "Could not close this window: { $message }",
};
let words = (id, args) => (ENGLISH[id] || id).replace("{ $message }", (args && args.message) || "");

/** English only; kept for pages that still import it (prefer `invoke`'s error message). */
export const NO_APP_MESSAGE = ENGLISH["common-no-app"];

/** Lets this file speak the page's language: pass `t` from js/i18n.js. */
export function useWords(t) {
  words = t;
}

// How an error from the app is said: by its kind from the catalog (js/i18n.js hands its
// `errorText` over, as it cannot be imported here), else its message as sent.
let errorWords = (err) => err.message;

/** Lets command errors be said from the catalog by kind: pass `errorText` from js/i18n.js. */
export function useErrorWords(fn) {
  errorWords = fn;
}

/** True when commands can be sent (inside the app, or with a mock). */
export const available = backend !== null;
/** True when running against js/mock.js. */
export const isMock = backend !== null && backend.kind === "mock";


/** Turns anything thrown by invoke into `{kind, message}`. */
export function toError(err) {
  if (err && typeof err === "object" && typeof err.message === "string" && err.message) {
    return { ...err, kind: typeof err.kind === "string" ? err.kind : "error", message: errorWords(err) || err.message };
  }
  if (typeof err === "string" && err) return { kind: "error", message: err };
  return { kind: "error", message: words("common-error-unknown") };
}

/** Sends a command; rejects with `{kind, message}`. */
export async function invoke(name, args = {}) {
  if (!backend) throw { kind: "no_app", message: words("common-no-app") };
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
  if (!backend) throw { kind: "no_app", message: words("common-no-app") };
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
      throw { kind: error.kind, message: words("common-error-close-window", { message: error.message }) };
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
  title.textContent = words("common-no-app-title");
  const text = document.createElement("p");
  text.textContent = words("common-no-app");
  box.append(title, text);
  main.append(box);
  return true;
}

/**
 * Gives this window the keyboard (the call window opens without focus, so typing a transfer
 * number needs it). Never throws: without focus the user can still click the field.
 */
export async function focusWindow() {
  if (!backend) return;
  try {
    await backend.currentWindow().setFocus();
  } catch (err) {
    console.warn("callpop: cannot focus this window:", toError(err));
  }
}

/**
 * Opens a web page (a contact's CRM page) in the user's browser, through Tauri's opener
 * plugin. Rejects with `{kind, message}`.
 */
export async function openLink(url) {
  if (!backend) throw { kind: "no_app", message: words("common-no-app") };
  if (backend.kind === "mock") return backend.openLink(url);
  return invoke("plugin:opener|open_url", { url });
}
