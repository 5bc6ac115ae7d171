// The global hotkey that dials the selected number: typed ("Ctrl+Alt+D") or pressed.

import { $ } from "../dom.js";
import { hotkeyProblem, report } from "./checks.js";

const MODIFIER_KEYS = new Set(["Control", "Alt", "Shift", "Meta", "OS", "AltGraph", "Super", "Hyper"]);

function keyName(e) {
  if (/^Key[A-Z]$/.test(e.code)) return e.code.slice(3);
  if (/^Digit[0-9]$/.test(e.code)) return e.code.slice(5);
  if (/^F\d{1,2}$/.test(e.key)) return e.key;
  if (e.key === " ") return "Space";
  if (e.key.length === 1) return e.key.toUpperCase();
  return e.key;
}

export class Hotkey {
  constructor() {
    this.input = $("#hotkey");
    this.errorEl = $("#hotkey-error");
    // Pressing a combination with Ctrl, Alt or Super writes it out; plain keys type as usual.
    this.input.addEventListener("keydown", (e) => {
      if (!(e.ctrlKey || e.altKey || e.metaKey) || MODIFIER_KEYS.has(e.key)) return;
      e.preventDefault();
      const parts = [];
      if (e.ctrlKey) parts.push("Ctrl");
      if (e.altKey) parts.push("Alt");
      if (e.shiftKey) parts.push("Shift");
      if (e.metaKey) parts.push("Super");
      parts.push(keyName(e));
      this.input.value = parts.join("+");
      this.input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    this.input.addEventListener("input", () => this.setError(""));
  }

  setError(message) {
    this.errorEl.textContent = message || "";
    this.errorEl.hidden = !message;
    if (message) this.input.setAttribute("aria-invalid", "true");
    else this.input.removeAttribute("aria-invalid");
  }

  load(value) {
    this.input.value = value || "";
  }

  value() {
    return this.input.value.trim();
  }

  problems() {
    return report([[this, hotkeyProblem(this.input.value)]]);
  }
}
