// The fields of each phone system, exactly as its settings struct has them
// (crates/phone/src/settings/profile.rs): GrandstreamSettings, AsteriskSettings,
// XivoSettings, YealinkSettings. Each form builds its fields in the order a person fills
// them in, reads them back into the profile (fields it does not show are kept as they were)
// and lists its checks.
//
// ctx (from phone_card.js): profile (the working copy), ids(base), id(base), data(field),
// password (the card's password field, placed where the system asks for it), onLoginChange.

import { t } from "../i18n.js";
import { textField, secondsField, checkField, radioField, disclosure } from "./fields.js";
import * as check from "./checks.js";
import { dialAccountField } from "./account.js";

/** The systems this page can set up, with the name people know them by. */
export const KIND_NAMES = {
  grandstream: "settings-kind-grandstream",
  asterisk: "settings-kind-asterisk",
  xivo: "settings-kind-xivo",
  yealink: "settings-kind-yealink",
};

export function kindName(kind, kinds = []) {
  if (KIND_NAMES[kind]) return t(KIND_NAMES[kind]);
  const known = kinds.find((k) => k.kind === kind);
  return known ? known.name : kind;
}

/** Whether a system keeps an accepted HTTPS certificate (`cert_sha256`). */
export function hasCertificate(kind) {
  return kind === "grandstream" || kind === "xivo" || kind === "yealink";
}

/** The address the system is reached at, as typed. */
export function addressOf(profile) {
  return String((profile.kind === "asterisk" ? profile.host : profile.url) || "").trim();
}

// The login is a tagged object, `{method: "passcode"}` or `{method: "session", username}`
// (older pages wrote `type`): read from either, written back under the name it came with.
function loginTypeOf(login) {
  return (login && (login.method || login.type)) || "passcode";
}
function loginTagKey(login) {
  return login && "type" in login && !("method" in login) ? "type" : "method";
}

/** Connection and request limits, tucked away: most people never need them. */
function timeoutFields(ctx, p, { request = true } = {}) {
  const connect = secondsField({
    ids: ctx.ids("connect-timeout"),
    label: t("settings-connect-timeout"),
    hint: t("settings-connect-timeout-hint"),
    ms: p.connect_timeout_ms,
    min: 0.5,
    max: 60,
    step: 0.5,
    data: ctx.data("connect_timeout"),
  });
  const req = request
    ? secondsField({
        ids: ctx.ids("request-timeout"),
        label: t("settings-request-timeout"),
        hint: t("settings-request-timeout-hint"),
        ms: p.request_timeout_ms,
        min: 1,
        max: 120,
        step: 0.5,
        data: ctx.data("request_timeout"),
      })
    : null;
  const node = disclosure(t("settings-timeouts-summary"), [connect.root, req ? req.root : null], { className: "timeouts", id: ctx.id("timeouts") });
  return {
    node,
    read(profile) {
      profile.connect_timeout_ms = connect.readMs();
      if (req) profile.request_timeout_ms = req.readMs();
    },
    checks() {
      const list = [[connect, check.secondsProblem(connect.input.value, 0.5, 60)]];
      if (req) list.push([req, check.requestTimeoutProblem(req.input.value, connect.input.value)]);
      return list;
    },
    open() {
      node.open = true;
    },
  };
}

function grandstream(ctx) {
  const p = ctx.profile;
  const login = p.login || {};
  const url = textField({
    ids: ctx.ids("phone-url"),
    label: t("settings-gs-address"),
    hint: t("settings-gs-address-hint"),
    placeholder: "https://192.168.1.50",
    inputmode: "url",
    value: p.url || "",
    data: ctx.data("url"),
  });
  const loginField = radioField({
    id: ctx.id("login-type"),
    name: ctx.id("login"),
    label: t("settings-gs-login"),
    value: loginTypeOf(login) === "session" ? "session" : "passcode",
    options: [
      ["passcode", t("settings-gs-login-passcode"), ctx.id("login-passcode")],
      ["session", t("settings-gs-login-session"), ctx.id("login-session")],
    ],
    data: ctx.data("login"),
  });
  const username = textField({
    ids: ctx.ids("username"),
    label: t("settings-gs-username"),
    placeholder: "admin",
    value: login.username || "",
    data: ctx.data("username"),
  });
  username.root.id = ctx.id("username-field");
  const poll = secondsField({
    ids: ctx.ids("poll-interval"),
    label: t("settings-gs-poll"),
    hint: t("settings-gs-poll-hint"),
    ms: p.poll_interval_ms,
    min: 0.25,
    max: 60,
    data: ctx.data("poll_interval"),
  });
  const timeouts = timeoutFields(ctx, p);
  const account = dialAccountField(ctx);
  const session = () => loginField.value() === "session";
  const syncLogin = () => {
    username.root.hidden = !session();
    ctx.onLoginChange();
  };
  for (const radio of loginField.radios) radio.addEventListener("change", syncLogin);
  username.root.hidden = !session();

  return {
    nodes: [url.root, loginField.root, username.root, ctx.password.root, account.root, poll.root],
    advanced: timeouts,
    address: url,
    secretWord: () => (session() ? "password" : "passcode"),
    missingHint: () => (session() ? "settings-password-missing-grandstream-session" : "settings-password-missing-grandstream-passcode"),
    read(profile) {
      profile.url = url.input.value.trim();
      const old = p.login || {};
      const tag = loginTagKey(old);
      const same = loginTypeOf(old) === loginField.value() ? old : {};
      profile.login = session()
        ? { ...same, [tag]: "session", username: username.input.value.trim() }
        : { ...same, [tag]: "passcode" };
      if (!session()) delete profile.login.username;
      profile.poll_interval_ms = poll.readMs();
      account.read(profile);
      timeouts.read(profile);
    },
    checks() {
      return [
        [url, check.addressProblem(url.input.value, "https://192.168.1.50")],
        [username, session() ? check.userProblem(username.input.value) : ""],
        [poll, check.secondsProblem(poll.input.value, 0.25, 60)],
        ...timeouts.checks(),
      ];
    },
  };
}

function asterisk(ctx) {
  const p = ctx.profile;
  const host = textField({
    ids: ctx.ids("phone-url"),
    label: t("settings-ast-host"),
    hint: t("settings-ast-host-hint"),
    placeholder: "pbx.example.com",
    inputmode: "url",
    value: p.host || "",
    data: ctx.data("host"),
  });
  const port = textField({
    ids: ctx.ids("port"),
    label: t("settings-ast-port"),
    hint: t("settings-ast-port-hint"),
    type: "number",
    short: true,
    value: p.port == null ? "5038" : String(p.port),
    attrs: { min: "1", max: "65535", step: "1", inputmode: "numeric" },
    data: ctx.data("port"),
  });
  const username = textField({
    ids: ctx.ids("username"),
    label: t("settings-ast-username"),
    hint: t("settings-ast-username-hint"),
    placeholder: "callpop",
    value: p.username || "",
    data: ctx.data("username"),
  });
  const md5 = checkField({
    ids: ctx.ids("md5"),
    label: t("settings-ast-md5"),
    hint: t("settings-ast-md5-hint"),
    checked: p.md5 !== false,
    data: ctx.data("md5"),
  });
  const device = textField({
    ids: ctx.ids("device"),
    label: t("settings-ast-device"),
    hint: t("settings-ast-device-hint"),
    placeholder: "PJSIP/201",
    value: p.device || "",
    data: ctx.data("device"),
  });
  const context = textField({
    ids: ctx.ids("context"),
    label: t("settings-ast-context"),
    hint: t("settings-ast-context-hint"),
    placeholder: "from-internal",
    value: p.context || "",
    data: ctx.data("context"),
  });
  const autoAnswer = checkField({
    ids: ctx.ids("auto-answer"),
    label: t("settings-ast-auto-answer"),
    hint: t("settings-ast-auto-answer-hint"),
    checked: !!p.auto_answer,
    data: ctx.data("auto_answer"),
  });
  const timeouts = timeoutFields(ctx, p, { request: false });
  return {
    nodes: [host.root, port.root, username.root, ctx.password.root, md5.root, device.root, context.root, autoAnswer.root],
    advanced: timeouts,
    address: host,
    secretWord: () => "password",
    missingHint: () => "settings-password-missing-asterisk",
    read(profile) {
      profile.host = host.input.value.trim();
      profile.port = Number(port.input.value);
      profile.username = username.input.value.trim();
      profile.md5 = md5.input.checked;
      profile.device = device.input.value.trim();
      profile.context = context.input.value.trim();
      profile.auto_answer = autoAnswer.input.checked;
      timeouts.read(profile);
    },
    checks() {
      return [
        [host, check.hostProblem(host.input.value)],
        [port, check.portProblem(port.input.value)],
        [username, check.userProblem(username.input.value)],
        [device, check.deviceProblem(device.input.value)],
        [context, check.contextProblem(context.input.value)],
        ...timeouts.checks(),
      ];
    },
  };
}

function xivo(ctx) {
  const p = ctx.profile;
  const url = textField({
    ids: ctx.ids("phone-url"),
    label: t("settings-xivo-url"),
    hint: t("settings-xivo-url-hint"),
    placeholder: "https://xivo.example.com",
    inputmode: "url",
    value: p.url || "",
    data: ctx.data("url"),
  });
  const username = textField({
    ids: ctx.ids("username"),
    label: t("settings-xivo-username"),
    hint: t("settings-xivo-username-hint"),
    value: p.username || "",
    data: ctx.data("username"),
  });
  return {
    nodes: [url.root, username.root, ctx.password.root],
    advanced: null,
    address: url,
    secretWord: () => "password",
    missingHint: () => "settings-password-missing-xivo",
    read(profile) {
      profile.url = url.input.value.trim();
      profile.username = username.input.value.trim();
    },
    checks() {
      return [
        [url, check.addressProblem(url.input.value, "https://xivo.example.com")],
        [username, check.userProblem(username.input.value)],
      ];
    },
  };
}

function yealink(ctx) {
  const p = ctx.profile;
  const url = textField({
    ids: ctx.ids("phone-url"),
    label: t("settings-yl-address"),
    hint: t("settings-yl-address-hint"),
    placeholder: "https://192.168.1.60",
    inputmode: "url",
    value: p.url || "",
    data: ctx.data("url"),
  });
  const username = textField({
    ids: ctx.ids("username"),
    label: t("settings-yl-username"),
    hint: t("settings-yl-username-hint"),
    placeholder: "admin",
    value: p.username || "",
    data: ctx.data("username"),
  });
  const outgoing = textField({
    ids: ctx.ids("outgoing-uri"),
    label: t("settings-yl-outgoing"),
    hint: t("settings-yl-outgoing-hint"),
    placeholder: "1001@pbx.example.com",
    value: p.outgoing_uri || "",
    data: ctx.data("outgoing_uri"),
  });
  const poll = secondsField({
    ids: ctx.ids("poll-interval"),
    label: t("settings-yl-poll"),
    hint: t("settings-yl-poll-hint"),
    ms: p.poll_interval_ms,
    min: 0.25,
    max: 60,
    step: 1,
    data: ctx.data("poll_interval"),
  });
  const timeouts = timeoutFields(ctx, p);
  return {
    nodes: [url.root, username.root, ctx.password.root, outgoing.root, poll.root],
    advanced: timeouts,
    address: url,
    secretWord: () => "password",
    missingHint: () => "settings-password-missing-yealink",
    read(profile) {
      profile.url = url.input.value.trim();
      profile.username = username.input.value.trim();
      profile.outgoing_uri = outgoing.input.value.trim();
      profile.poll_interval_ms = poll.readMs();
      timeouts.read(profile);
    },
    checks() {
      return [
        [url, check.addressProblem(url.input.value, "https://192.168.1.60")],
        [username, check.userProblem(username.input.value)],
        [poll, check.secondsProblem(poll.input.value, 0.25, 60)],
        ...timeouts.checks(),
      ];
    },
  };
}

const FORMS = { grandstream, asterisk, xivo, yealink };

/** The form for `kind`, or null for a system this page does not know (kept as it is). */
export function kindForm(kind) {
  return FORMS[kind] || null;
}
