// Dialing rules (country, outside line, international prefix) with a live preview of what
// the phone would dial for a sample number, computed by the Rust side (preview_dialing).

import * as api from "../api.js";
import { h, $, replace, debounce } from "../dom.js";
import { t, locale } from "../i18n.js";
import { countryProblem, report } from "./checks.js";

const COUNTRY_CODES = [
  "AU", "AT", "BE", "BR", "CA", "CZ", "DK", "FI", "FR", "DE", "HK", "IN", "IE", "IL", "IT", "JP", "LU", "MX",
  "NL", "NZ", "NO", "PL", "PT", "SG", "ZA", "ES", "SE", "CH", "AE", "GB", "US",
];
const OTHER = "__other";

const obj = (v) => (v && typeof v === "object" && !Array.isArray(v) ? v : {});

/** Country names in the page's language (the code when the engine cannot name it). */
function countryNames() {
  let names = null;
  try {
    names = new Intl.DisplayNames([locale, "en"], { type: "region" });
  } catch {
    names = null;
  }
  return COUNTRY_CODES.map((code) => [code, (names && names.of(code)) || code]).sort((a, b) => a[1].localeCompare(b[1], locale));
}

export class Dialing {
  constructor() {
    this.el = {
      country: $("#country"),
      countryOther: $("#country-other"),
      outside: $("#outside-prefix"),
      intl: $("#intl-prefix"),
      sample: $("#dial-sample"),
      preview: $("#dial-preview"),
    };
    this.countryField = {
      input: this.el.countryOther,
      errorEl: $("#country-error"),
      setError: (message) => {
        const e = this.countryField.errorEl;
        e.textContent = message || "";
        e.hidden = !message;
        if (message) this.el.countryOther.setAttribute("aria-invalid", "true");
        else this.el.countryOther.removeAttribute("aria-invalid");
      },
    };
    this.base = {};
    this.seq = 0;
    replace(
      this.el.country,
      countryNames().map(([code, name]) => h("option", { value: code }, t("settings-country-option", { name, code }))),
      h("option", { value: OTHER }, t("settings-country-other")),
    );
    this.refresh = debounce(() => this.preview(), 200);
    for (const input of [this.el.sample, this.el.outside, this.el.intl, this.el.countryOther]) {
      input.addEventListener("input", this.refresh);
    }
    // Enter in the sample number only refreshes the preview; it does not save.
    this.el.sample.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        this.preview();
      }
    });
    this.el.country.addEventListener("change", () => {
      const other = this.el.country.value === OTHER;
      this.el.countryOther.hidden = !other;
      if (other) this.el.countryOther.focus();
      this.refresh();
    });
  }

  load(dialing) {
    this.base = obj(dialing);
    const code = String(this.base.country || "US").toUpperCase();
    if (COUNTRY_CODES.includes(code)) {
      this.el.country.value = code;
      this.el.countryOther.hidden = true;
      this.el.countryOther.value = "";
    } else {
      this.el.country.value = OTHER;
      this.el.countryOther.value = code;
      this.el.countryOther.hidden = false;
    }
    this.el.outside.value = this.base.outside_line_prefix || "";
    this.el.intl.value = this.base.international_prefix || "";
    this.preview();
  }

  country() {
    return this.el.country.value === OTHER ? this.el.countryOther.value.trim().toUpperCase() : this.el.country.value;
  }

  /** The rules as typed, on top of the loaded ones. */
  collect() {
    return {
      ...this.base,
      country: this.country(),
      outside_line_prefix: this.el.outside.value.trim(),
      international_prefix: this.el.intl.value.trim(),
    };
  }

  problems() {
    return report([[this.countryField, this.el.country.value === OTHER ? countryProblem(this.country()) : ""]]);
  }

  async preview() {
    const mine = ++this.seq;
    let text;
    let tone = "";
    try {
      text = String(await api.invoke("preview_dialing", { text: this.el.sample.value, rules: this.collect() }));
      if (!text.includes("→")) tone = "warn";
    } catch (err) {
      text = err.message;
      tone = "warn";
    }
    if (mine !== this.seq) return;
    this.el.preview.textContent = text;
    this.el.preview.dataset.tone = tone;
  }
}
