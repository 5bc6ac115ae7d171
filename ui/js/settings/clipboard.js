// Copying text for the user: through the app first (the webview's clipboard API is not always
// allowed), then the browser's, then the old select-and-copy.

import * as api from "../api.js";

/** Copies `text`; resolves true when it worked. */
export async function copyText(text) {
  try {
    await api.invoke("copy_text", { text });
    return true;
  } catch {
    // Not in this app version (or the mock): try the webview.
  }
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Fall through to the oldest way.
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
