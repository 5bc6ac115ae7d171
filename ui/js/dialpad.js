// The number field with its dial pad and live "will dial" preview.

import { h } from "./dom.js";
import { t } from "./i18n.js";

const KEYS = [
  ["1", ""], ["2", "ABC"], ["3", "DEF"],
  ["4", "GHI"], ["5", "JKL"], ["6", "MNO"],
  ["7", "PQRS"], ["8", "TUV"], ["9", "WXYZ"],
  ["*", ""], ["0", "+"], ["#", ""],
];

/** Characters that typed anywhere in the window go into the number field. */
export const DIAL_CHARS = /^[0-9*#+]$/;

/**
 * Wires the dial pad.
 * - input: the number field; pad: the container for the keys;
 * - preview(text) → Promise<string>: what will be dialled (shown under the field);
 * - onChange(text): after each edit (e.g. to enable the Call button);
 * - onDial(): Enter in the field.
 */
export function setupDialpad({ input, pad, previewEl, preview, onChange, onDial }) {
  let seq = 0;

  const showPreview = (text, tone) => {
    previewEl.textContent = text;
    previewEl.dataset.tone = tone || "";
  };

  let timer = null;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  };
  // Stops a pending or running preview from overwriting a status shown meanwhile.
  const cancelPreview = () => {
    clearTimeout(timer);
    seq++;
  };

  const run = async () => {
    const text = input.value;
    const mine = ++seq;
    if (!text.trim()) {
      showPreview("", "");
      return;
    }
    try {
      const result = await preview(text);
      if (mine !== seq) return;
      const sentence = String(result || "");
      // Successful previews read "… → dials …"; anything else is a sentence saying what is wrong.
      showPreview(sentence, sentence.includes("→") ? "" : "warn");
    } catch (err) {
      if (mine !== seq) return;
      showPreview(err.message, "warn");
    }
  };

  const changed = () => {
    onChange(input.value);
    refresh();
  };

  const insert = (chars) => {
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    input.setRangeText(chars, start, end, "end");
    changed();
  };

  const backspace = () => {
    if (!input.value) return;
    const start = input.selectionStart ?? input.value.length;
    const end = input.selectionEnd ?? input.value.length;
    if (start !== end) input.setRangeText("", start, end, "end");
    else if (start > 0) input.setRangeText("", start - 1, start, "end");
    changed();
  };

  const clear = () => {
    input.value = "";
    changed();
  };

  for (const [digit, letters] of KEYS) {
    const label = digit === "*" ? t("main-key-star") : digit === "#" ? t("main-key-hash") : digit;
    const key = h(
      "button",
      { type: "button", class: "btn key", "aria-label": label, dataset: { key: digit } },
      digit,
      h("small", { "aria-hidden": "true" }, letters || "\u00a0"),
    );
    // Keep the focus where it is (usually the number field) when clicking with the mouse;
    // keyboard users can still Tab to a key and press Enter or Space.
    key.addEventListener("mousedown", (e) => e.preventDefault());
    key.addEventListener("click", () => insert(digit));
    pad.append(key);
  }

  input.addEventListener("input", changed);
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.isComposing) {
      e.preventDefault();
      onDial();
    } else if (e.key === "Escape") {
      if (input.value) {
        e.preventDefault();
        clear();
      }
    }
  });

  return {
    insert,
    backspace,
    clear,
    refresh,
    cancelPreview,
    /** Shows a status (e.g. "Calling …") where the preview goes, until the next edit. */
    showStatus(text, tone) {
      cancelPreview();
      showPreview(text, tone);
    },
  };
}
