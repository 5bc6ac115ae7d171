// Settings window: phones, call alerts, dialing, caller names, CRM, hotkey, start at login.
// Edits `get_settings()` and saves it whole with `save_settings`; fields this page does not
// know are sent back as they came. Each part of the page lives in js/settings/*.js.

import * as api from "./api.js";
import { $, showMessage } from "./dom.js";
import { t, translatePage } from "./i18n.js";
import { PhoneList } from "./settings/phones.js";
import { ContactSources } from "./settings/contacts.js";
import { Dialing } from "./settings/dialing.js";
import { Hotkey } from "./settings/hotkey.js";
import { ScreenPop } from "./settings/screen_pop.js";
import { Keyring } from "./settings/keyring.js";
import { ListenAddress } from "./settings/listen.js";

const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const obj = (v) => (v && typeof v === "object" && !Array.isArray(v) ? v : {});

api.useWords(t);
translatePage();

const el = {
  form: $("#form"),
  main: $("#main"),
  footer: $(".settings-footer"),
  loadError: $("#load-error"),
  contactsSection: $("#contacts-section"),
  startAtLogin: $("#start-at-login"),
  language: $("#language"),
  settingsPath: $("#settings-path"),
  saveError: $("#save-error"),
  saveNote: $("#save-note"),
  saveStatus: $("#save-status"),
  cancel: $("#cancel"),
  save: $("#save"),
};

/** The last answer from get_settings / save_settings. */
let loaded = null;

const phones = new PhoneList(
  {
    list: $("#phone-list"),
    empty: $("#phones-empty"),
    status: $("#phones-status"),
    addLabel: $("#add-phone-label"),
    addKind: $("#add-phone-kind"),
    addButton: $("#add-phone-button"),
  },
  () => changed(),
);
const contacts = new ContactSources(
  {
    list: $("#source-list"),
    empty: $("#sources-empty"),
    orderHint: $("#sources-order-hint"),
    status: $("#sources-status"),
    addKind: $("#add-source-kind"),
    addButton: $("#add-source-button"),
  },
  () => changed(),
);
const dialing = new Dialing();
const hotkey = new Hotkey();
const screenPop = new ScreenPop();
const keyring = new Keyring();
const listen = new ListenAddress();

// ---------- Filling the page ----------

function fill(view) {
  loaded = view;
  const s = obj(view.settings);
  keyring.load(view.keyring, s);
  phones.load(view);
  listen.load(s.push);
  listen.show(phones.usesPush());
  dialing.load(s.dialing);
  el.contactsSection.hidden = !view.contacts;
  contacts.load(view);
  screenPop.load(s.crm);
  hotkey.load(s.hotkey);
  el.startAtLogin.checked = !!s.start_at_login;
  fillLanguage(s.language);
  el.settingsPath.textContent = view.settings_path ? t("settings-file-location", { path: view.settings_path }) : "";
}

/** The language select; a language only a newer callpop offers is kept as it is. */
function fillLanguage(language) {
  const value = typeof language === "string" && language ? language : "auto";
  if (![...el.language.options].some((o) => o.value === value)) {
    el.language.append(new Option(value, value));
  }
  el.language.value = value;
}

// ---------- Reading the page ----------

/** The settings as typed, on top of the loaded ones (unknown fields go back unchanged). */
function collect() {
  const s = clone(obj(loaded && loaded.settings));
  s.phones = phones.collect();
  s.push = listen.collect();
  s.dialing = dialing.collect();
  s.hotkey = hotkey.value();
  s.crm = screenPop.collect();
  s.start_at_login = el.startAtLogin.checked;
  s.language = el.language.value;
  s.keep_passcode_in_memory_without_keyring = keyring.keepPasswordsInMemory();
  return s;
}

/** Every problem the page can see, shown next to its field; the inputs, in page order. */
function problems() {
  return [...phones.problems(), ...listen.problems(), ...dialing.problems(), ...contacts.problems(), ...screenPop.problems(), ...hotkey.problems()];
}

// ---------- Save / cancel ----------

function changed() {
  if (!loaded) return;
  el.saveStatus.textContent = "";
  el.cancel.textContent = t("settings-cancel");
  listen.show(phones.usesPush());
}

async function save() {
  if (!loaded) return;
  showMessage(el.saveError, "");
  showMessage(el.saveNote, "");
  const bad = problems();
  if (bad.length) {
    bad[0].focus();
    showMessage(el.saveError, t("settings-save-fix", { count: bad.length }));
    return;
  }
  const args = { settings: collect(), passwords: phones.passwords() };
  const contactSettings = contacts.collect();
  let contactPasswordsTyped = 0;
  if (contactSettings) {
    args.contacts = contactSettings;
    args.contact_passwords = contacts.passwords();
    contactPasswordsTyped = Object.keys(args.contact_passwords).length;
  }
  el.save.disabled = true;
  el.saveStatus.textContent = t("settings-saving");
  const languageOf = (settings) => obj(settings).language || "auto";
  const languageBefore = languageOf(loaded.settings);
  try {
    const view = await api.invoke("save_settings", args);
    fill(view);
    el.saveStatus.textContent = t("settings-saved");
    // Another language: this page says everything again in it, once "Saved." was seen.
    if (languageOf(view.settings) !== languageBefore) setTimeout(() => location.reload(), 800);
    el.cancel.textContent = t("settings-close");
    // An app that does not report stored contact passwords did not store them either.
    if (contactPasswordsTyped && !Array.isArray(view.contact_sources)) {
      showMessage(el.saveNote, t("settings-save-contact-passwords-dropped", { count: contactPasswordsTyped }), "warn");
    }
  } catch (err) {
    el.saveStatus.textContent = "";
    let message;
    if (err.kind === "invalid_settings") message = t("settings-save-refused", { message: err.message });
    else if (err.kind === "keyring") message = t("settings-save-password-failed", { message: err.message });
    else message = t("settings-save-failed", { message: err.message });
    showMessage(el.saveError, message);
  } finally {
    el.save.disabled = false;
  }
}

async function cancel() {
  try {
    await api.closeWindow();
  } catch (err) {
    showMessage(el.saveError, err.message);
  }
}

// ---------- Wiring ----------

/** Typing that changes nothing to save: the sample number, the lines to copy. */
function isScratch(target) {
  return target.id === "dial-sample" || (target.dataset && target.dataset.field === "push_line");
}

function wire() {
  el.form.addEventListener("submit", (e) => {
    e.preventDefault();
    save();
  });
  for (const type of ["input", "change"]) {
    el.form.addEventListener(type, (e) => {
      if (!isScratch(e.target)) changed();
    });
  }
  // Ctrl+S saves, as in most editors.
  document.addEventListener("keydown", (e) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "s") {
      e.preventDefault();
      save();
    }
  });
  el.cancel.addEventListener("click", cancel);
}

async function start() {
  if (!api.available) {
    api.explainIfMissing(el.main);
    el.footer.hidden = true;
    return;
  }
  wire();
  el.save.disabled = true;
  try {
    fill(await api.invoke("get_settings"));
    el.save.disabled = false;
  } catch (err) {
    showMessage(el.loadError, t("settings-load-failed", { message: err.message }));
  }
}

start();
