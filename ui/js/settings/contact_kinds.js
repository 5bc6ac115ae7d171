// The fields of each place caller names come from, as crates/contacts/src/settings.rs has
// them: a file (vCard or CSV), a CardDAV address book, an LDAP directory, a CRM lookup URL.
// Passwords are not part of these settings (the keyring keeps them); the card adds a password
// field where the source needs one and the page sends it next to the settings.
//
// ctx (from contacts.js): source (working copy), ids(base), id(base), data(field),
// password (the card's password field, or null), onAuthChange.

import { t } from "../i18n.js";
import { textField, selectField, checkField, placeholderChips, disclosure } from "./fields.js";
import * as check from "./checks.js";

/** The kinds in the order the page proposes them: local and fast first. */
export const SOURCE_KINDS = ["file", "carddav", "ldap", "crm"];

const NAMES = {
  file: "settings-source-file",
  carddav: "settings-source-carddav",
  ldap: "settings-source-ldap",
  crm: "settings-source-crm",
};

export function sourceKindName(kind) {
  return NAMES[kind] ? t(NAMES[kind]) : kind;
}

/**
 * A new source with the Rust defaults (FileSourceSettings::default() and friends), for when
 * the view does not bring its own blanks.
 */
export function blankSource(kind) {
  switch (kind) {
    case "file":
      return { kind, enabled: true, path: "", format: "auto" };
    case "carddav":
      return { kind, enabled: true, url: "", username: "", name: "", timeout_secs: 30 };
    case "ldap":
      return {
        kind,
        enabled: true,
        url: "",
        starttls: false,
        base_dn: "",
        bind_dn: "",
        phone_attributes: ["telephoneNumber", "mobile", "homePhone", "ipPhone", "otherTelephone"],
        name_attributes: ["displayName", "cn"],
        organization_attributes: ["company", "o"],
        extra_filter: "",
        timeout_ms: 3000,
        size_limit: 25,
      };
    case "crm":
      return {
        kind,
        enabled: true,
        url_template: "",
        auth: "none",
        username: "",
        name_pointer: "/name",
        organization_pointer: "",
        link_pointer: "",
        id_pointer: "/id",
        timeout_ms: 3000,
        max_body_bytes: 262144,
      };
    default:
      return null;
  }
}

/** Whether the source asks for a password (or token) at all. */
export function needsPassword(kind) {
  return kind === "carddav" || kind === "ldap" || kind === "crm";
}

/** The short label shown in the card's title: the file name, the book, the server. */
export function sourceSummary(source) {
  const lastPart = (text) =>
    String(text || "")
      .trim()
      .replace(/[/\\]+$/, "")
      .split(/[/\\]/)
      .pop() || "";
  switch (source.kind) {
    case "file":
      return lastPart(source.path);
    case "carddav":
      return String(source.name || "").trim() || lastPart(source.url);
    case "ldap":
      return String(source.url || "").trim().replace(/^ldaps?:\/\//i, "");
    case "crm": {
      try {
        return new URL(String(source.url_template || "").replace(/[{}]/g, "")).host;
      } catch {
        return "";
      }
    }
    default:
      return "";
  }
}

const list = (text) =>
  String(text)
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function file(ctx) {
  const s = ctx.source;
  const path = textField({
    ids: ctx.ids("contact-path"),
    label: t("settings-file-path"),
    hint: t("settings-file-path-hint"),
    placeholder: t("settings-file-path-placeholder"),
    value: s.path || "",
    data: ctx.data("path"),
  });
  const format = selectField({
    ids: ctx.ids("contact-format"),
    label: t("settings-file-format"),
    options: [
      ["auto", t("settings-file-format-auto")],
      ["vcard", t("settings-file-format-vcard")],
      ["csv", t("settings-file-format-csv")],
    ],
    value: ["auto", "vcard", "csv"].includes(s.format) ? s.format : "auto",
    data: ctx.data("format"),
  });
  return {
    intro: t("settings-file-intro"),
    nodes: [path.root, format.root],
    watch: [path.input],
    read(out) {
      out.path = path.input.value.trim();
      out.format = format.input.value;
    },
    checks: () => [[path, check.filePathProblem(path.input.value)]],
  };
}

function carddav(ctx) {
  const s = ctx.source;
  const url = textField({
    ids: ctx.ids("contact-url"),
    label: t("settings-carddav-url"),
    hint: t("settings-carddav-url-hint"),
    placeholder: "https://cloud.example.com/remote.php/dav/addressbooks/users/anna/contacts/",
    inputmode: "url",
    value: s.url || "",
    data: ctx.data("url"),
  });
  const username = textField({
    ids: ctx.ids("contact-username"),
    label: t("settings-carddav-username"),
    hint: t("settings-carddav-username-hint"),
    value: s.username || "",
    data: ctx.data("username"),
  });
  const name = textField({
    ids: ctx.ids("contact-book-name"),
    label: t("settings-carddav-name"),
    hint: t("settings-carddav-name-hint"),
    value: s.name || "",
    data: ctx.data("name"),
  });
  return {
    intro: t("settings-carddav-intro"),
    nodes: [url.root, username.root, ctx.password.root, name.root],
    watch: [url.input, name.input],
    secretWord: () => "password",
    read(out) {
      out.url = url.input.value.trim();
      out.username = username.input.value.trim();
      out.name = name.input.value.trim();
    },
    checks: () => [[url, check.webAddressProblem(url.input.value, "https://cloud.example.com/remote.php/dav/addressbooks/users/anna/contacts/")]],
  };
}

function ldap(ctx) {
  const s = ctx.source;
  const url = textField({
    ids: ctx.ids("contact-url"),
    label: t("settings-ldap-url"),
    hint: t("settings-ldap-url-hint"),
    placeholder: "ldaps://dc1.example.com",
    inputmode: "url",
    value: s.url || "",
    data: ctx.data("url"),
  });
  const starttls = checkField({
    ids: ctx.ids("contact-starttls"),
    label: t("settings-ldap-starttls"),
    hint: t("settings-ldap-starttls-hint"),
    checked: !!s.starttls,
    data: ctx.data("starttls"),
  });
  const baseDn = textField({
    ids: ctx.ids("contact-base-dn"),
    label: t("settings-ldap-base"),
    hint: t("settings-ldap-base-hint"),
    placeholder: "ou=people,dc=example,dc=com",
    value: s.base_dn || "",
    data: ctx.data("base_dn"),
  });
  const bindDn = textField({
    ids: ctx.ids("contact-bind-dn"),
    label: t("settings-ldap-bind"),
    hint: t("settings-ldap-bind-hint"),
    placeholder: "cn=reader,dc=example,dc=com",
    value: s.bind_dn || "",
    data: ctx.data("bind_dn"),
  });
  const listField = (base, field, label, hint, values) =>
    textField({ ids: ctx.ids(base), label, hint, value: (Array.isArray(values) ? values : []).join(", "), data: ctx.data(field), mono: true });
  const phones = listField("contact-phone-attributes", "phone_attributes", t("settings-ldap-phone-attrs"), t("settings-ldap-phone-attrs-hint"), s.phone_attributes);
  const names = listField("contact-name-attributes", "name_attributes", t("settings-ldap-name-attrs"), t("settings-ldap-name-attrs-hint"), s.name_attributes);
  const orgs = listField("contact-organization-attributes", "organization_attributes", t("settings-ldap-org-attrs"), t("settings-ldap-org-attrs-hint"), s.organization_attributes);
  const filter = textField({
    ids: ctx.ids("contact-extra-filter"),
    label: t("settings-ldap-filter"),
    hint: t("settings-ldap-filter-hint"),
    placeholder: "(objectClass=person)",
    value: s.extra_filter || "",
    data: ctx.data("extra_filter"),
    mono: true,
  });
  const attributes = disclosure(t("settings-ldap-attributes"), [phones.root, names.root, orgs.root, filter.root], { id: ctx.id("contact-attributes") });
  return {
    intro: t("settings-ldap-intro"),
    nodes: [url.root, starttls.root, baseDn.root, bindDn.root, ctx.password.root, attributes],
    watch: [url.input],
    secretWord: () => "password",
    read(out) {
      out.url = url.input.value.trim();
      out.starttls = starttls.input.checked;
      out.base_dn = baseDn.input.value.trim();
      out.bind_dn = bindDn.input.value.trim();
      out.phone_attributes = list(phones.input.value);
      out.name_attributes = list(names.input.value);
      out.organization_attributes = list(orgs.input.value);
      out.extra_filter = filter.input.value.trim();
    },
    checks: () => [
      [url, check.ldapAddressProblem(url.input.value)],
      [baseDn, check.requiredProblem(baseDn.input.value, "settings-error-ldap-base")],
      [phones, list(phones.input.value).length ? "" : t("settings-error-ldap-phone-attrs")],
      [names, list(names.input.value).length ? "" : t("settings-error-ldap-name-attrs")],
      [filter, filter.input.value.trim() && !/^\(.*\)$/.test(filter.input.value.trim()) ? t("settings-error-ldap-filter") : ""],
    ],
  };
}

/** The placeholders the CRM lookup fills in (crates/contacts), with what each becomes. */
const LOOKUP_PLACEHOLDERS = [
  ["{e164}", "settings-lookup-placeholder-e164"],
  ["{e164_digits}", "settings-lookup-placeholder-e164-digits"],
  ["{national}", "settings-lookup-placeholder-national"],
  ["{number}", "settings-lookup-placeholder-number"],
];

function crm(ctx) {
  const s = ctx.source;
  const url = textField({
    ids: ctx.ids("contact-url"),
    label: t("settings-lookup-url"),
    hint: t("settings-lookup-url-hint"),
    placeholder: "https://crm.example.com/api/lookup?phone={e164}",
    inputmode: "url",
    value: s.url_template || "",
    data: ctx.data("url_template"),
    mono: true,
  });
  url.root.insertBefore(
    placeholderChips(
      url.input,
      LOOKUP_PLACEHOLDERS.map(([p, id]) => [p, t(id)]),
      t("settings-insert-placeholder-group"),
    ),
    url.errorEl,
  );
  const auth = selectField({
    ids: ctx.ids("contact-auth"),
    label: t("settings-lookup-auth"),
    options: [
      ["none", t("settings-lookup-auth-none")],
      ["bearer", t("settings-lookup-auth-bearer")],
      ["basic", t("settings-lookup-auth-basic")],
    ],
    value: ["none", "bearer", "basic"].includes(s.auth) ? s.auth : "none",
    data: ctx.data("auth"),
  });
  const username = textField({
    ids: ctx.ids("contact-username"),
    label: t("settings-lookup-username"),
    value: s.username || "",
    data: ctx.data("username"),
  });
  const pointer = (base, field, label, hint, value, placeholder) =>
    textField({ ids: ctx.ids(base), label, hint, value: value || "", placeholder, data: ctx.data(field), mono: true });
  const name = pointer("contact-name-pointer", "name_pointer", t("settings-lookup-name"), t("settings-lookup-name-hint"), s.name_pointer, "/name");
  const org = pointer("contact-organization-pointer", "organization_pointer", t("settings-lookup-org"), t("settings-lookup-optional-hint"), s.organization_pointer, "/company");
  const link = pointer("contact-link-pointer", "link_pointer", t("settings-lookup-link"), t("settings-lookup-optional-hint"), s.link_pointer, "/url");
  const id = pointer("contact-id-pointer", "id_pointer", t("settings-lookup-id"), t("settings-lookup-id-hint"), s.id_pointer, "/id");
  const more = disclosure(t("settings-lookup-more"), [org.root, link.root, id.root], { id: ctx.id("contact-more") });
  const sync = () => {
    username.root.hidden = auth.input.value !== "basic";
    ctx.password.root.hidden = auth.input.value === "none";
    ctx.onAuthChange();
  };
  auth.input.addEventListener("change", sync);
  return {
    intro: t("settings-lookup-intro"),
    nodes: [url.root, auth.root, username.root, ctx.password.root, name.root, more],
    watch: [url.input],
    init: sync,
    secretWord: () => (auth.input.value === "bearer" ? "token" : "password"),
    usesPassword: () => auth.input.value !== "none",
    read(out) {
      out.url_template = url.input.value.trim();
      out.auth = auth.input.value;
      out.username = username.input.value.trim();
      out.name_pointer = name.input.value.trim();
      out.organization_pointer = org.input.value.trim();
      out.link_pointer = link.input.value.trim();
      out.id_pointer = id.input.value.trim();
    },
    checks: () => [
      [url, check.templateProblem(url.input.value, LOOKUP_PLACEHOLDERS.map(([p]) => p.slice(1, -1)))],
      [username, auth.input.value === "basic" ? check.userProblem(username.input.value) : ""],
      [name, check.pointerProblem(name.input.value, true)],
      [org, check.pointerProblem(org.input.value, false)],
      [link, check.pointerProblem(link.input.value, false)],
      [id, check.pointerProblem(id.input.value, false)],
    ],
  };
}

const FORMS = { file, carddav, ldap, crm };

export function sourceForm(kind) {
  return FORMS[kind] || null;
}
