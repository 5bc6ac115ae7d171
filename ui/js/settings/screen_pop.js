// Opening the caller's record in a CRM when a call rings or is answered: when, and the web
// address with placeholders (crates/phone/src/crm.rs).

import { $ } from "../dom.js";
import { t } from "../i18n.js";
import { placeholderChips } from "./fields.js";
import { templateProblem, report } from "./checks.js";

/** The placeholders crm.rs fills in, with what each becomes. */
const PLACEHOLDERS = [
  ["{number}", "settings-crm-placeholder-number"],
  ["{e164}", "settings-crm-placeholder-e164"],
  ["{digits}", "settings-crm-placeholder-digits"],
  ["{national}", "settings-crm-placeholder-national"],
  ["{name}", "settings-crm-placeholder-name"],
];
const KNOWN = PLACEHOLDERS.map(([p]) => p.slice(1, -1));

const obj = (v) => (v && typeof v === "object" && !Array.isArray(v) ? v : {});

export class ScreenPop {
  constructor() {
    this.when = $("#crm-when");
    this.template = $("#crm-template");
    this.errorEl = $("#crm-template-error");
    this.input = this.template;
    $("#crm-chips").replaceWith(
      placeholderChips(
        this.template,
        PLACEHOLDERS.map(([p, id]) => [p, t(id)]),
        t("settings-insert-placeholder-group"),
      ),
    );
    this.template.addEventListener("input", () => this.setError(""));
    this.when.addEventListener("change", () => {
      this.setError("");
      this.sync();
    });
    this.base = {};
  }

  setError(message) {
    this.errorEl.textContent = message || "";
    this.errorEl.hidden = !message;
    if (message) this.template.setAttribute("aria-invalid", "true");
    else this.template.removeAttribute("aria-invalid");
  }

  /** The address only matters while the screen pop is on. */
  sync() {
    this.template.closest(".field").classList.toggle("is-off", this.when.value === "off");
  }

  load(crm) {
    this.base = obj(crm);
    this.when.value = ["off", "ring", "answer"].includes(this.base.when) ? this.base.when : "off";
    this.template.value = this.base.template || "";
    this.sync();
  }

  collect() {
    return { ...this.base, template: this.template.value.trim(), when: this.when.value };
  }

  problems() {
    const problem = this.when.value === "off" ? "" : templateProblem(this.template.value, KNOWN);
    return report([[this, problem]]);
  }
}
