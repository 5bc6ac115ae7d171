// Test connection for one phone, with the settings as typed (nothing is saved), and the
// HTTPS certificate flow: an unknown or changed certificate is shown with its fingerprint to
// compare with the phone's own web page, and accepted only by an explicit click.

import * as api from "../api.js";
import { h, replace, showMessage } from "../dom.js";
import { t } from "../i18n.js";

const CERT_KINDS = new Set(["certificate_unknown", "certificate_changed"]);
const FINGERPRINT = /\b[0-9A-F]{2}(?::[0-9A-F]{2}){31}\b/gi;
const PASSWORD_KINDS = new Set(["no_passcode", "no_password", "passcode_rejected"]);

/** Every fingerprint in a message, upper case, in order, without repeats. */
function fingerprintsIn(message) {
  return Array.from(new Set(String(message).match(FINGERPRINT) || [])).map((f) => f.toUpperCase());
}

/**
 * card: {phoneId, id(base), check() (true when the fields are fine), collect(), password(),
 * isSaved(), setCertificate(fingerprint|null), certificateSaved(fingerprint), certificate(),
 * focusPassword(), showChecklist(checklist) (what the test proved, see checklist.js)}.
 * Returns {node}.
 */
export function connectionTest(card) {
  const hint = h("span", { class: "hint", id: card.id("test-connection-hint") }, t("settings-test-connection-hint"));
  const button = h(
    "button",
    { type: "button", class: "btn btn-primary", id: card.id("test-connection"), "aria-describedby": hint.id, dataset: { phone: card.phoneId, action: "test-connection" } },
    t("settings-test-connection"),
  );
  const result = h("div", { class: "result-box", id: card.id("test-result"), "aria-live": "polite", dataset: { phone: card.phoneId } });

  async function run() {
    if (!card.check()) return;
    button.disabled = true;
    replace(result, h("p", { class: "msg", dataset: { tone: "info" } }, t("settings-test-contacting")));
    try {
      const report = (await api.invoke("test_connection", { phone: card.collect(), password: card.password() })) || {};
      showSuccess(report);
      card.showChecklist(report.checklist);
    } catch (err) {
      showError(err);
      card.showChecklist(err && err.checklist);
    } finally {
      button.disabled = false;
      result.scrollIntoView({ block: "nearest" });
    }
  }

  function showSuccess(report) {
    const message = report.message || t("settings-test-connected", { model: report.model || "", lines: Number(report.lines) || 0 });
    replace(result, h("p", { class: "msg", dataset: { tone: "ok" } }, message));
  }

  function showError(err) {
    const isCert = CERT_KINDS.has(err.kind);
    const parts = [h("p", { class: "msg", dataset: { tone: isCert ? "warn" : "error" } }, err.message)];
    if (isCert) parts.push(...certificateChoice(err));
    replace(result, parts);
    if (PASSWORD_KINDS.has(err.kind)) card.focusPassword();
  }

  function certificateChoice(err) {
    // The error carries the fingerprint to accept; the message may name the old one too.
    const prints = fingerprintsIn(err.message);
    if (typeof err.fingerprint === "string" && err.fingerprint) {
      const given = err.fingerprint.toUpperCase();
      const i = prints.indexOf(given);
      if (i >= 0) prints.splice(i, 1);
      prints.push(given);
    }
    if (!prints.length) return [];
    const accept = prints[prints.length - 1];
    const out = [];
    if (err.kind === "certificate_changed" && prints.length >= 2) {
      out.push(
        h("span", { class: "field-label" }, t("settings-cert-before")),
        h("code", { class: "fingerprint mono" }, prints[0]),
        h("span", { class: "field-label" }, t("settings-cert-now")),
        h("code", { class: "fingerprint mono", dataset: { phone: card.phoneId, field: "offered_fingerprint" } }, accept),
      );
    } else {
      out.push(
        h("span", { class: "field-label" }, t("settings-cert-fingerprint")),
        h("code", { class: "fingerprint mono", dataset: { phone: card.phoneId, field: "offered_fingerprint" } }, accept),
      );
    }
    const acceptError = h("p", { class: "msg", role: "alert", hidden: true });
    const acceptButton = h(
      "button",
      { type: "button", class: "btn btn-primary", id: card.id("cert-accept"), dataset: { phone: card.phoneId, action: "accept-certificate" } },
      err.kind === "certificate_changed" ? t("settings-cert-accept-new") : t("settings-cert-accept"),
    );
    acceptButton.addEventListener("click", async () => {
      acceptButton.disabled = true;
      showMessage(acceptError, "");
      const before = card.certificate();
      // Pinned in the form at once, so the test below and the next Save use it. A saved
      // phone is also told now, so it reconnects without waiting for Save.
      card.setCertificate(accept);
      if (card.isSaved()) {
        try {
          await api.invoke("accept_certificate", { phone: card.phoneId, fingerprint: accept });
          card.certificateSaved(accept);
        } catch (acceptErr) {
          // "Save the phone first": the phone on the page differs from the saved one; the
          // pin in the form is enough, Save keeps it.
          if (acceptErr.kind !== "bad_request") {
            card.setCertificate(before);
            showMessage(acceptError, acceptErr.message);
            acceptButton.disabled = false;
            return;
          }
        }
      }
      await run();
    });
    out.push(h("p", { class: "hint" }, t("settings-cert-compare")), h("div", {}, acceptButton), acceptError);
    return out;
  }

  button.addEventListener("click", run);
  const node = h("div", { class: "field test-connection" }, h("div", { class: "field-inline" }, button, hint), result);
  return { node, run };
}
