// Where passwords are kept: the system keyring, or (only if the user chooses it, when there is
// no keyring) this run's memory.

import { $ } from "../dom.js";
import { t } from "../i18n.js";

export class Keyring {
  constructor() {
    this.warning = $("#keyring-warning");
    this.warningText = $("#keyring-warning-text");
    this.keepInMemory = $("#keep-in-memory");
    this.status = $("#keyring-status");
    this.section = $("#keyring-section");
  }

  load(keyring, settings) {
    const missing = !!keyring && keyring.available === false;
    this.available = !missing;
    this.warning.hidden = !missing;
    this.warningText.textContent = (keyring && keyring.message) || t("settings-keyring-missing");
    this.keepInMemory.checked = !!(settings && settings.keep_passcode_in_memory_without_keyring);
    this.section.hidden = missing;
    this.status.textContent = (keyring && keyring.message) || t("settings-keyring-fine");
  }

  keepPasswordsInMemory() {
    return this.keepInMemory.checked;
  }
}
