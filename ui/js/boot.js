// What the app handed this page with it (src-tauri/src/app/window_boot.rs): the catalog and
// the app's state at the moment it made the window. A call window is made when a call rings,
// and draws the call from this at once instead of waiting for round trips to the app; it then
// catches up through the usual events and `get_state`.
//
// Only fresh: a window the app reuses for the next call keeps the script of its first page.

/** How old the handed state may be and still be drawn (a page loads in well under this). */
const FRESH_MS = 5000;

function freshBoot() {
  const boot = window.__CALLPOP_BOOT__;
  if (!boot || typeof boot !== "object" || typeof boot.at !== "number") return null;
  return Math.abs(Date.now() - boot.at) < FRESH_MS ? boot : null;
}

const boot = freshBoot();

/** The catalog handed with the page (`{locale, messages, fallback}`), or null. */
export function bootCatalog() {
  const catalog = boot && boot.catalog;
  return catalog && typeof catalog.messages === "string" ? catalog : null;
}

/** The app's state handed with the page, if it was made for `call` (null: ask the app). */
export function bootView(call) {
  if (!boot || !boot.view || typeof boot.view !== "object") return null;
  return !call || boot.call === call ? boot.view : null;
}
