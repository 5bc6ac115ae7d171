// Words for people, in their language: one Fluent catalog (ui/i18n/<locale>/*.ftl) shared with
// the Rust side, which hands the pages the catalog of the locale callpop runs in (the system
// locale unless Settings chooses one). English fills any message a translation lacks.
//
//   import { t } from "./i18n.js";
//   t("call-ringing", { name: "Ann" })

import { FluentBundle, FluentResource } from "../vendor/fluent-bundle/index.js";
import * as api from "./api.js";
import { bootCatalog } from "./boot.js";

async function loadCatalog() {
  const handed = bootCatalog();
  if (handed) return handed;
  if (api.available && !api.isMock) {
    try {
      return await api.invoke("catalog");
    } catch (err) {
      console.warn("callpop: no catalog from the app", err);
    }
  }
  // Outside the app (mock previews): read the files next to the pages.
  const lang = new URLSearchParams(location.search).get("lang") || "en";
  const read = async (locale) => {
    const parts = await Promise.all(
      ["common", "main", "call", "settings", "app"].map(async (file) => {
        try {
          const response = await fetch(`i18n/${locale}/${file}.ftl`);
          return response.ok ? await response.text() : "";
        } catch {
          return "";
        }
      }),
    );
    return parts.join("\n");
  };
  return { locale: lang, messages: await read(lang), fallback: await read("en") };
}

function bundleOf(locale, text) {
  const bundle = new FluentBundle(locale, { useIsolating: false });
  const errors = bundle.addResource(new FluentResource(text || ""));
  if (errors.length) console.warn(`callpop: ${errors.length} broken messages in ${locale}`);
  return bundle;
}

const catalog = await loadCatalog();
/** The locale the pages speak, e.g. "en" or "ru". */
export const locale = catalog.locale || "en";
document.documentElement.lang = locale;
const main = bundleOf(locale, catalog.messages);
const fallback = bundleOf("en", catalog.fallback);

/** The message `id` with `args` filled in; the id itself when no catalog has it. */
export function t(id, args) {
  for (const bundle of [main, fallback]) {
    const message = bundle.getMessage(id);
    if (message && message.value) {
      return bundle.formatPattern(message.value, args);
    }
  }
  console.warn(`callpop: no message "${id}"`);
  return id;
}

/** Whether the catalog has the message `id`. */
export function has(id) {
  return [main, fallback].some((bundle) => {
    const message = bundle.getMessage(id);
    return !!(message && message.value);
  });
}

/** `id` with `args`, or null when the catalog lacks it or its values do not fit it. */
function said(id, args) {
  if (!has(id)) return null;
  try {
    return t(id, args);
  } catch (err) {
    console.warn(`callpop: message "${id}" does not fit its values`, err);
    return null;
  }
}

/**
 * The words for an error from the app (`{kind, message, params}`): the catalog's
 * `error-<kind>` with its values where the catalog has it (a refusal: `refusal-<refusal>`,
 * its own sentence), else the message as sent (the app already says it in this page's
 * language).
 */
export function errorText(err) {
  if (!err) return "";
  const params = err.params && typeof err.params === "object" ? err.params : null;
  const id = err.kind === "refused" && params && params.refusal ? `refusal-${params.refusal}` : `error-${err.kind}`;
  const own = err.kind && params ? said(id, params) : null;
  return own || err.message || "";
}

/** The sentence about a phone's pushes: `push-<code>` with its values, else as sent. */
export function pushText(push) {
  if (!push) return "";
  const own = push.code && push.params && typeof push.params === "object" ? said(`push-${push.code}`, push.params) : null;
  return own || push.message || "";
}

// Errors of every command are said by kind too.
api.useErrorWords(errorText);

/** Fills every element with `data-i18n="id"` (its text) in `root`. */
export function translatePage(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) {
    node.textContent = t(node.dataset.i18n);
  }
  for (const node of root.querySelectorAll("[data-i18n-placeholder]")) {
    node.placeholder = t(node.dataset.i18nPlaceholder);
  }
  for (const node of root.querySelectorAll("[data-i18n-title]")) {
    node.title = t(node.dataset.i18nTitle);
  }
  for (const node of root.querySelectorAll("[data-i18n-aria-label]")) {
    node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
  }
}
