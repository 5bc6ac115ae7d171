// Where callpop listens for the phones' call alerts (one listener for every phone).

import { $ } from "../dom.js";
import { listenProblem, report } from "./checks.js";

const obj = (v) => (v && typeof v === "object" && !Array.isArray(v) ? v : {});

export class ListenAddress {
  constructor() {
    this.input = $("#push-listen");
    this.errorEl = $("#push-listen-error");
    this.section = $("#alerts-section");
    this.input.addEventListener("input", () => this.setError(""));
    this.base = {};
  }

  setError(message) {
    this.errorEl.textContent = message || "";
    this.errorEl.hidden = !message;
    if (message) this.input.setAttribute("aria-invalid", "true");
    else this.input.removeAttribute("aria-invalid");
  }

  load(push) {
    this.base = obj(push);
    this.input.value = this.base.listen || "";
  }

  /** Shown only while some phone on the page can send call alerts. */
  show(visible) {
    this.section.hidden = !visible;
  }

  collect() {
    return { ...this.base, listen: this.input.value.trim() };
  }

  problems() {
    const problem = listenProblem(this.input.value);
    // Rust checks it whether or not a phone uses it: never hide a problem that blocks Save.
    if (problem) this.section.hidden = false;
    return report([[this, problem]]);
  }
}
