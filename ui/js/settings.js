// Settings window: edits `get_settings().settings`, keeping fields it does not know about.

import * as api from "./api.js";
import { h, $, replace, showMessage, debounce } from "./dom.js";

const COUNTRIES = [
  ["AU", "Australia"], ["AT", "Austria"], ["BE", "Belgium"], ["BR", "Brazil"], ["CA", "Canada"],
  ["CZ", "Czechia"], ["DK", "Denmark"], ["FI", "Finland"], ["FR", "France"], ["DE", "Germany"],
  ["HK", "Hong Kong"], ["IN", "India"], ["IE", "Ireland"], ["IL", "Israel"], ["IT", "Italy"],
  ["JP", "Japan"], ["LU", "Luxembourg"], ["MX", "Mexico"], ["NL", "Netherlands"], ["NZ", "New Zealand"],
  ["NO", "Norway"], ["PL", "Poland"], ["PT", "Portugal"], ["SG", "Singapore"], ["ZA", "South Africa"],
  ["ES", "Spain"], ["SE", "Sweden"], ["CH", "Switzerland"], ["AE", "United Arab Emirates"],
  ["GB", "United Kingdom"], ["US", "United States"],
];
const OTHER = "__other";

const PLACEHOLDERS = [
  ["{number}", "The number as the phone reported it"],
  ["{e164}", "International form, like +14165550123"],
  ["{digits}", "Digits only, like 14165550123"],
  ["{national}", "As dialled inside its own country, like 4165550123"],
  ["{name}", "The caller's name, if the phone knows it"],
];

const CERT_KINDS = new Set(["certificate_unknown", "certificate_changed"]);
const FINGERPRINT = /\b[0-9A-F]{2}(?::[0-9A-F]{2}){31}\b/gi;

const el = {
  form: $("#form"),
  main: $("#main"),
  loadError: $("#load-error"),
  keyringWarning: $("#keyring-warning"),
  keyringWarningText: $("#keyring-warning-text"),
  keepInMemory: $("#keep-in-memory"),
  url: $("#phone-url"),
  urlError: $("#phone-url-error"),
  loginPasscode: $("#login-passcode"),
  loginSession: $("#login-session"),
  usernameField: $("#username-field"),
  username: $("#username"),
  passcode: $("#passcode"),
  passcodeLabel: $("#passcode-label"),
  passcodeShow: $("#passcode-show"),
  passcodeHint: $("#passcode-hint"),
  poll: $("#poll-interval"),
  pollError: $("#poll-error"),
  certField: $("#cert-field"),
  certCurrent: $("#cert-current"),
  certForget: $("#cert-forget"),
  testConnection: $("#test-connection"),
  testResult: $("#test-result"),
  country: $("#country"),
  countryOther: $("#country-other"),
  outside: $("#outside-prefix"),
  intl: $("#intl-prefix"),
  sample: $("#dial-sample"),
  dialPreview: $("#dial-preview"),
  hotkey: $("#hotkey"),
  startAtLogin: $("#start-at-login"),
  crmWhen: $("#crm-when"),
  crmTemplate: $("#crm-template"),
  crmChips: $("#crm-chips"),
  pushEnabled: $("#push-enabled"),
  pushListen: $("#push-listen"),
  pushLines: $("#push-lines"),
  pushCopy: $("#push-copy"),
  pushTest: $("#push-test"),
  pushResult: $("#push-result"),
  keyringStatus: $("#keyring-status"),
  settingsPath: $("#settings-path"),
  saveError: $("#save-error"),
  saveStatus: $("#save-status"),
  cancel: $("#cancel"),
  save: $("#save"),
};

const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const obj = (v) => (v && typeof v === "object" && !Array.isArray(v) ? v : {});

/** The last answer from get_settings / save_settings. */
let loaded = null;
/** A certificate accepted or forgotten here (undefined: unchanged). */
let certOverride;
let dirty = false;

// ---------- Filling the form ----------

// The login is a tagged object, `{type: "passcode"}` or `{type: "session", username}`; the
// tag is read from either `type` or `method` and written back under the name it came with.
function loginTagKey(login) {
  return "method" in login && !("type" in login) ? "method" : "type";
}

function loginTypeOf(login) {
  return login.type || login.method || "passcode";
}

function fillCountries() {
  replace(
    el.country,
    COUNTRIES.map(([code, name]) => h("option", { value: code }, `${name} (${code})`)),
    h("option", { value: OTHER }, "Other…"),
  );
}

function setCountry(code) {
  const upper = String(code || "").toUpperCase();
  if (COUNTRIES.some(([c]) => c === upper)) {
    el.country.value = upper;
    el.countryOther.hidden = true;
  } else {
    el.country.value = OTHER;
    el.countryOther.value = upper;
    el.countryOther.hidden = false;
  }
}

function country() {
  return el.country.value === OTHER ? el.countryOther.value.trim().toUpperCase() : el.country.value;
}

function currentCert() {
  if (certOverride !== undefined) return certOverride;
  return loaded ? obj(loaded.settings.phone).cert_sha256 ?? null : null;
}

function loginType() {
  return el.loginSession.checked ? "session" : "passcode";
}

function updateLoginFields() {
  const session = loginType() === "session";
  el.usernameField.hidden = !session;
  el.passcodeLabel.textContent = session ? "Password" : "Passcode";
  updatePasscodeHint();
}

function updatePasscodeHint() {
  if (!loaded) return;
  const word = loginType() === "session" ? "password" : "passcode";
  let text;
  if (loaded.passcode_stored) {
    const where = loaded.keyring && loaded.keyring.available === false ? "kept in memory until you quit" : "stored in the keyring";
    text = `A ${word} is ${where}. Leave this empty to keep it, or type a new one.`;
  } else {
    text = `No ${word} is stored yet. Enter the one you use on the phone's web page.`;
  }
  el.passcodeHint.textContent = text;
}

function updateCert() {
  const cert = currentCert();
  el.certField.hidden = !cert;
  el.certCurrent.textContent = cert || "";
}

function updatePushFields() {
  el.pushListen.disabled = !el.pushEnabled.checked;
  const savedOn = !!(loaded && obj(loaded.settings.push).enabled);
  el.pushTest.disabled = !savedOn;
  el.pushTest.title = savedOn ? "Ask the phone to send a test alert" : "Turn this on and save first";
}

function fill(resp) {
  loaded = resp;
  certOverride = undefined;
  const s = obj(resp.settings);
  const phone = obj(s.phone);
  const login = obj(phone.login);
  const loginKind = loginTypeOf(login);
  const dialing = obj(s.dialing);
  const crm = obj(s.crm);
  const push = obj(s.push);

  el.url.value = phone.url || "";
  el.loginSession.checked = loginKind === "session";
  el.loginPasscode.checked = loginKind !== "session";
  el.username.value = login.username || "";
  el.passcode.value = "";
  const ms = Number(phone.poll_interval_ms);
  el.poll.value = Number.isFinite(ms) && ms > 0 ? String(ms / 1000) : "1";

  setCountry(dialing.country || "US");
  el.outside.value = dialing.outside_line_prefix || "";
  el.intl.value = dialing.international_prefix || "";

  el.hotkey.value = s.hotkey || "";
  el.startAtLogin.checked = !!s.start_at_login;
  el.crmWhen.value = ["off", "ring", "answer"].includes(crm.when) ? crm.when : "off";
  el.crmTemplate.value = crm.template || "";

  el.pushEnabled.checked = !!push.enabled;
  el.pushListen.value = push.listen || "";
  const lines = Array.isArray(resp.push_lines) ? resp.push_lines : [];
  el.pushLines.value = lines.join("\n");
  el.pushLines.rows = Math.max(2, Math.min(6, lines.length));
  el.pushLines.placeholder = push.enabled
    ? "The phone's lines appear here once callpop is listening."
    : "Turn this on and save; the lines to paste into the phone appear here.";
  el.pushCopy.disabled = lines.length === 0;

  const keyring = obj(resp.keyring);
  const noKeyring = keyring.available === false;
  el.keyringWarning.hidden = !noKeyring;
  el.keyringWarningText.textContent = keyring.message || "No keyring is available to store the passcode.";
  el.keepInMemory.checked = !!s.keep_passcode_in_memory_without_keyring;
  el.keyringStatus.closest("fieldset").hidden = noKeyring;
  el.keyringStatus.textContent = keyring.message || "Passcodes are kept in the system keyring, never in the settings file.";

  el.settingsPath.textContent = resp.settings_path ? `Settings file: ${resp.settings_path}` : "";

  updateLoginFields();
  updateCert();
  updatePushFields();
  refreshPreview();
}

// ---------- Reading the form ----------

/** The settings as typed, on top of the loaded ones (unknown fields go back unchanged). */
function collect() {
  const s = clone(obj(loaded && loaded.settings));
  const phone = { ...obj(s.phone) };
  const oldLogin = obj(phone.login);
  const type = loginType();
  phone.url = el.url.value.trim();
  const tag = loginTagKey(oldLogin);
  const same = loginTypeOf(oldLogin) === type ? oldLogin : {};
  phone.login =
    type === "session"
      ? { ...same, [tag]: "session", username: el.username.value.trim() }
      : { ...same, [tag]: "passcode" };
  const seconds = Number(el.poll.value);
  phone.poll_interval_ms = Math.round(seconds * 1000);
  phone.cert_sha256 = currentCert();
  s.phone = phone;

  s.dialing = {
    ...obj(s.dialing),
    country: country(),
    outside_line_prefix: el.outside.value.trim(),
    international_prefix: el.intl.value.trim(),
  };
  s.hotkey = el.hotkey.value.trim();
  s.crm = { ...obj(s.crm), template: el.crmTemplate.value.trim(), when: el.crmWhen.value };
  s.push = { ...obj(s.push), enabled: el.pushEnabled.checked, listen: el.pushListen.value.trim() };
  s.start_at_login = el.startAtLogin.checked;
  s.keep_passcode_in_memory_without_keyring = el.keepInMemory.checked;
  return s;
}

function passcode() {
  return el.passcode.value === "" ? null : el.passcode.value;
}

function fieldError(input, errorEl, message) {
  showMessage(errorEl, message);
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

/** Checks what can be checked here; focuses the first problem. True when fine. */
function validate({ onlyPhone = false } = {}) {
  const problems = [];
  const url = el.url.value.trim();
  let urlMessage = "";
  if (!url) urlMessage = "Enter the phone's address, like https://192.168.1.50";
  else if (!/^https?:\/\/\S+$/i.test(url)) urlMessage = "The address must start with http:// or https://, like https://192.168.1.50";
  fieldError(el.url, el.urlError, urlMessage);
  if (urlMessage) problems.push(el.url);

  if (!onlyPhone) {
    const seconds = Number(el.poll.value);
    const pollMessage =
      el.poll.value === "" || !Number.isFinite(seconds) || seconds < 0.25 || seconds > 60
        ? "Enter a number of seconds from 0.25 to 60."
        : "";
    fieldError(el.poll, el.pollError, pollMessage);
    if (pollMessage) problems.push(el.poll);
  }
  if (problems.length) problems[0].focus();
  return problems.length === 0;
}

// ---------- Dialing preview ----------

let previewSeq = 0;
const refreshPreview = debounce(async () => {
  const mine = ++previewSeq;
  const rules = {
    ...obj(loaded && obj(loaded.settings).dialing),
    country: country(),
    outside_line_prefix: el.outside.value.trim(),
    international_prefix: el.intl.value.trim(),
  };
  try {
    const text = String(await api.invoke("preview_dialing", { text: el.sample.value, rules }));
    if (mine !== previewSeq) return;
    el.dialPreview.textContent = text;
    el.dialPreview.dataset.tone = text.includes("→") ? "" : "warn";
  } catch (err) {
    if (mine !== previewSeq) return;
    el.dialPreview.textContent = err.message;
    el.dialPreview.dataset.tone = "warn";
  }
}, 200);

// ---------- Test connection ----------

function fingerprints(message) {
  return Array.from(new Set(String(message).match(FINGERPRINT) || [])).map((f) => f.toUpperCase());
}

async function testConnection() {
  if (!validate({ onlyPhone: true })) return;
  el.testConnection.disabled = true;
  replace(el.testResult, h("p", { class: "msg", dataset: { tone: "info" } }, "Contacting the phone…"));
  try {
    const result = await api.invoke("test_connection", { settings: collect(), passcode: passcode() });
    showTestSuccess(result || {});
  } catch (err) {
    showTestError(err);
  } finally {
    el.testConnection.disabled = false;
    el.testResult.scrollIntoView({ block: "nearest" });
  }
}

function showTestSuccess(result) {
  const accounts = Array.isArray(result.accounts) ? result.accounts : [];
  replace(
    el.testResult,
    h("p", { class: "msg", dataset: { tone: "ok" } }, result.message || "Connected."),
    h(
      "ul",
      {},
      result.model ? h("li", {}, `Model: ${result.model}`) : null,
      result.lines != null ? h("li", {}, `Lines: ${result.lines}`) : null,
      accounts.length
        ? h(
            "li",
            {},
            `Accounts:`,
            h(
              "ul",
              {},
              accounts.map((a) =>
                h(
                  "li",
                  {},
                  `${a.name || `Account ${a.id}`}${a.sip_id ? ` (${a.sip_id})` : ""}: `,
                  h("strong", {}, a.registered ? "registered" : "not registered"),
                ),
              ),
            ),
          )
        : null,
    ),
  );
}

function showTestError(err) {
  const tone = CERT_KINDS.has(err.kind) ? "warn" : "error";
  const parts = [h("p", { class: "msg", dataset: { tone } }, err.message)];
  if (CERT_KINDS.has(err.kind)) {
    // The error carries the fingerprint to accept; older builds only have it in the message.
    const prints = fingerprints(err.message);
    if (typeof err.fingerprint === "string" && err.fingerprint) {
      const given = err.fingerprint.toUpperCase();
      const i = prints.indexOf(given);
      if (i >= 0) prints.splice(i, 1);
      prints.push(given);
    }
    const accept = prints.length ? prints[prints.length - 1] : null;
    if (err.kind === "certificate_changed" && prints.length >= 2) {
      parts.push(
        h("span", { class: "field-label" }, "Accepted before"),
        h("code", { class: "fingerprint mono" }, prints[0]),
        h("span", { class: "field-label" }, "The phone shows now"),
        h("code", { class: "fingerprint mono" }, accept),
      );
    } else if (accept) {
      parts.push(h("span", { class: "field-label" }, "Certificate fingerprint (SHA-256)"), h("code", { class: "fingerprint mono" }, accept));
    }
    if (accept) {
      const acceptError = h("p", { class: "msg", role: "alert", hidden: true });
      const button = h(
        "button",
        { type: "button", class: "btn btn-primary" },
        err.kind === "certificate_changed" ? "Accept the new certificate" : "Accept this certificate",
      );
      button.addEventListener("click", async () => {
        button.disabled = true;
        showMessage(acceptError, "");
        try {
          await api.invoke("accept_certificate", { fingerprint: accept });
          certOverride = accept;
          updateCert();
          markDirty();
          await testConnection();
        } catch (acceptErr) {
          showMessage(acceptError, acceptErr.message);
          button.disabled = false;
        }
      });
      parts.push(
        h("p", { class: "hint" }, "Compare it with the fingerprint on the phone's web page before accepting."),
        h("div", {}, button),
        acceptError,
      );
    }
  }
  replace(el.testResult, parts);
  if (err.kind === "no_passcode") el.passcode.focus();
}

// ---------- Save / cancel ----------

function markDirty() {
  if (!loaded) return;
  dirty = true;
  el.saveStatus.textContent = "";
  el.cancel.textContent = "Cancel";
}

async function save() {
  if (!loaded) return;
  showMessage(el.saveError, "");
  if (!validate()) {
    showMessage(el.saveError, "Please correct the marked fields.");
    return;
  }
  el.save.disabled = true;
  el.saveStatus.textContent = "Saving…";
  try {
    const resp = await api.invoke("save_settings", { settings: collect(), passcode: passcode() });
    fill(resp);
    dirty = false;
    el.saveStatus.textContent = "Saved.";
    el.cancel.textContent = "Close";
  } catch (err) {
    el.saveStatus.textContent = "";
    showMessage(el.saveError, err.kind === "invalid_settings" ? `Not saved: ${err.message}` : `Could not save: ${err.message}`);
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

// ---------- Small helpers for fields ----------

const MODIFIER_KEYS = new Set(["Control", "Alt", "Shift", "Meta", "OS", "AltGraph", "Super", "Hyper"]);

function keyName(e) {
  if (/^Key[A-Z]$/.test(e.code)) return e.code.slice(3);
  if (/^Digit[0-9]$/.test(e.code)) return e.code.slice(5);
  if (/^F\d{1,2}$/.test(e.key)) return e.key;
  if (e.key === " ") return "Space";
  if (e.key.length === 1) return e.key.toUpperCase();
  return e.key;
}

/** Pressing a combination in the hotkey field writes it out ("Ctrl+Alt+D"). */
function captureHotkey(e) {
  if (!(e.ctrlKey || e.altKey || e.metaKey) || MODIFIER_KEYS.has(e.key)) return;
  e.preventDefault();
  const parts = [];
  if (e.ctrlKey) parts.push("Ctrl");
  if (e.altKey) parts.push("Alt");
  if (e.shiftKey) parts.push("Shift");
  if (e.metaKey) parts.push("Super");
  parts.push(keyName(e));
  el.hotkey.value = parts.join("+");
  markDirty();
}

function setupChips() {
  let selection = null;
  const remember = () => {
    selection = [el.crmTemplate.selectionStart, el.crmTemplate.selectionEnd];
  };
  el.crmTemplate.addEventListener("keyup", remember);
  el.crmTemplate.addEventListener("mouseup", remember);
  el.crmTemplate.addEventListener("blur", remember);
  for (const [text, description] of PLACEHOLDERS) {
    const chip = h("button", { type: "button", class: "chip", title: description, "aria-label": `Insert ${text}: ${description}` }, text);
    chip.addEventListener("click", () => {
      const len = el.crmTemplate.value.length;
      const [start, end] = selection || [len, len];
      el.crmTemplate.setRangeText(text, start ?? len, end ?? len, "end");
      el.crmTemplate.focus();
      remember();
      markDirty();
    });
    el.crmChips.append(chip);
  }
}

async function copyPushLines() {
  const text = el.pushLines.value;
  if (!text) return;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    el.pushLines.focus();
    el.pushLines.select();
    document.execCommand("copy");
  }
  showMessage(el.pushResult, "Copied. Paste them into the phone's Action URL settings.", "ok");
}

async function testPush() {
  el.pushTest.disabled = true;
  showMessage(el.pushResult, "Waiting for the phone to answer… this can take a few seconds.", "info");
  try {
    const message = await api.invoke("test_push");
    showMessage(el.pushResult, String(message || "The phone reached callpop."), "ok");
  } catch (err) {
    showMessage(el.pushResult, err.message, "error");
  } finally {
    updatePushFields();
  }
}

// ---------- Wiring ----------

function wire() {
  el.form.addEventListener("submit", (e) => {
    e.preventDefault();
    save();
  });
  el.form.addEventListener("input", (e) => {
    if (e.target !== el.sample) markDirty();
  });
  el.form.addEventListener("change", (e) => {
    if (e.target !== el.sample) markDirty();
  });
  // Enter in the sample number only refreshes the preview, it does not save.
  el.sample.addEventListener("keydown", (e) => {
    if (e.key === "Enter") e.preventDefault();
  });
  for (const input of [el.sample, el.outside, el.intl, el.countryOther]) {
    input.addEventListener("input", refreshPreview);
  }
  el.country.addEventListener("change", () => {
    const other = el.country.value === OTHER;
    el.countryOther.hidden = !other;
    if (other) el.countryOther.focus();
    refreshPreview();
  });
  el.loginPasscode.addEventListener("change", updateLoginFields);
  el.loginSession.addEventListener("change", updateLoginFields);
  el.passcodeShow.addEventListener("click", () => {
    const show = el.passcode.type === "password";
    el.passcode.type = show ? "text" : "password";
    el.passcodeShow.textContent = show ? "Hide" : "Show";
    el.passcodeShow.setAttribute("aria-pressed", String(show));
  });
  el.url.addEventListener("input", () => fieldError(el.url, el.urlError, ""));
  el.poll.addEventListener("input", () => fieldError(el.poll, el.pollError, ""));
  el.certForget.addEventListener("click", () => {
    certOverride = null;
    updateCert();
    markDirty();
    el.url.focus();
  });
  el.testConnection.addEventListener("click", testConnection);
  el.hotkey.addEventListener("keydown", captureHotkey);
  el.pushEnabled.addEventListener("change", updatePushFields);
  el.pushCopy.addEventListener("click", copyPushLines);
  el.pushTest.addEventListener("click", testPush);
  el.cancel.addEventListener("click", cancel);
  setupChips();
}

async function start() {
  fillCountries();
  if (!api.available) {
    api.explainIfMissing(el.main);
    el.form.querySelector(".settings-footer").hidden = true;
    return;
  }
  wire();
  el.save.disabled = true;
  try {
    fill(await api.invoke("get_settings"));
    el.save.disabled = false;
  } catch (err) {
    showMessage(el.loadError, `Cannot load the settings: ${err.message}`);
  }
}

start();
