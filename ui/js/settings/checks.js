// What the page can check before saving, with the words to show next to the field. Each
// check returns "" when the value is fine. They follow the Rust side's rules
// (crates/phone/src/settings, crates/phone/src/address.rs, crates/phone/src/crm.rs) so that
// a problem is caught where it was typed; the Rust side checks again and has the last word.

import { t } from "../i18n.js";

/**
 * A phone or server address as the core's parse_phone_url takes it: a bare IP or host
 * (`192.168.1.50`), with a port (`192.168.1.50:8080`), or an `http://`/`https://` URL;
 * no login, no query string. tests/e2e/tests/firstrun.rs holds both to the same answers.
 */
export function addressProblem(value, example) {
  const text = value.trim();
  if (!text) return t("settings-error-address-missing", { example });
  const withScheme = text.includes("://") ? text : `http://${text}`;
  let url;
  try {
    url = new URL(withScheme);
  } catch {
    return t("settings-error-address-invalid", { example });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return t("settings-error-address-scheme", { example });
  if (!url.hostname) return t("settings-error-address-invalid", { example });
  if (url.username || url.password) return t("settings-error-address-login");
  // As the core: a query string is refused (even an empty one), a "?" after "#" is not one.
  if (text.split("#")[0].includes("?")) return t("settings-error-address-query");
  return "";
}

/** A host name or IP address without a scheme (Asterisk). */
export function hostProblem(value) {
  const text = value.trim();
  if (!text) return t("settings-error-host-missing");
  if (!/^[A-Za-z0-9.\-:[\]]+$/.test(text)) return t("settings-error-host-invalid");
  return "";
}

export function portProblem(value) {
  const text = String(value).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 65535) return t("settings-error-port");
  return "";
}

/** A number of seconds typed in a field, between `min` and `max`. */
export function secondsProblem(value, min, max) {
  const text = String(value).trim();
  const n = Number(text);
  if (text === "" || !Number.isFinite(n) || n < min || n > max) return t("settings-error-seconds", { min, max });
  return "";
}

/** The request limit must also be at least the connection limit. */
export function requestTimeoutProblem(requestSeconds, connectSeconds) {
  const range = secondsProblem(requestSeconds, 1, 120);
  if (range) return range;
  if (Number(requestSeconds) < Number(connectSeconds)) return t("settings-error-request-timeout");
  return "";
}

export function userProblem(value) {
  const text = value.trim();
  if (!text) return t("settings-error-user-missing");
  // Control characters never belong in a login (a pasted line break, a tab).
  if (Array.from(text).some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)) return t("settings-error-user-invalid");
  return "";
}

/** An Asterisk device such as PJSIP/201. */
export function deviceProblem(value) {
  const text = value.trim();
  const ok = text.includes("/") && !text.startsWith("/") && !text.endsWith("/") && /^[A-Za-z0-9/\-_.@]+$/.test(text);
  return ok ? "" : t("settings-error-device");
}

export function contextProblem(value) {
  return /^[A-Za-z0-9_-]+$/.test(value.trim()) ? "" : t("settings-error-context");
}

/** Where the phones send their call alerts: an IP address and a port, like 0.0.0.0:8787. */
export function listenProblem(value) {
  const text = value.trim();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/.exec(text);
  const v6 = /^\[[0-9A-Fa-f:.]+\]:(\d{1,5})$/.exec(text);
  let port = null;
  if (v4 && v4.slice(1, 5).every((part) => Number(part) <= 255)) port = Number(v4[5]);
  else if (v6) port = Number(v6[1]);
  if (port === null || port < 1 || port > 65535) return t("settings-error-listen");
  return "";
}

export function hotkeyProblem(value) {
  return value.trim() ? "" : t("settings-error-hotkey");
}

export function countryProblem(code) {
  return /^[A-Za-z]{2}$/.test(code) ? "" : t("settings-error-country");
}

/** The placeholders in a template, or an error message when its braces do not pair up. */
function placeholdersOf(template) {
  const names = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf("{", i);
    const close = template.indexOf("}", i);
    if (open < 0 && close < 0) break;
    if (close >= 0 && (open < 0 || close < open)) return { error: t("settings-error-template-unopened") };
    const end = template.indexOf("}", open + 1);
    const nextOpen = template.indexOf("{", open + 1);
    if (end < 0 || (nextOpen >= 0 && nextOpen < end)) return { error: t("settings-error-template-unclosed") };
    names.push(template.slice(open + 1, end).trim().toLowerCase());
    i = end + 1;
  }
  return { names };
}

/** A web address with placeholders; `known` are the placeholder names it may use. */
export function templateProblem(value, known) {
  const text = value.trim();
  if (!text) return t("settings-error-template-missing");
  if (!/^https?:\/\/[^/\s]/i.test(text)) return t("settings-error-template-scheme");
  const { names, error } = placeholdersOf(text);
  if (error) return error;
  const unknown = names.find((name) => !known.includes(name));
  if (unknown !== undefined) {
    return t("settings-error-template-unknown", { placeholder: `{${unknown}}`, known: known.map((k) => `{${k}}`).join(", ") });
  }
  return "";
}

export function webAddressProblem(value, example) {
  const text = value.trim();
  if (!text) return t("settings-error-web-missing", { example });
  let url;
  try {
    url = new URL(text);
  } catch {
    return t("settings-error-web-invalid", { example });
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) return t("settings-error-web-invalid", { example });
  return "";
}

export function ldapAddressProblem(value) {
  const text = value.trim();
  if (!text) return t("settings-error-ldap-missing");
  if (!/^ldaps?:\/\/[^/\s]+/i.test(text)) return t("settings-error-ldap-invalid");
  return "";
}

export function requiredProblem(value, messageId) {
  return value.trim() ? "" : t(messageId);
}

/** A JSON pointer: empty (when allowed) or starting with a slash, like /name. */
export function pointerProblem(value, required) {
  const text = value.trim();
  if (!text) return required ? t("settings-error-pointer-missing") : "";
  return text.startsWith("/") ? "" : t("settings-error-pointer-invalid");
}

/** A full path to a file: /home/ann/contacts.vcf (or C:\... on Windows). */
export function filePathProblem(value) {
  const text = value.trim();
  if (!text) return t("settings-error-file-missing");
  if (!/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(text)) return t("settings-error-file-relative");
  return "";
}

/**
 * Runs `checks` ([field, problem] pairs; field = {setError, input}), shows every problem next
 * to its field and returns the inputs that have one, in page order.
 */
export function report(checks) {
  const bad = [];
  for (const [field, problem] of checks) {
    if (!field) continue;
    field.setError(problem);
    if (problem) bad.push(field.input);
  }
  return bad;
}
