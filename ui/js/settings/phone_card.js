// One phone on the settings page: its system's fields, its password, the accepted
// certificate, how to set it up, Test connection, call alerts, its name, and Remove.
//
// Ids: the first phone keeps the page's historic ids (#phone-url, #passcode, #passcode-hint,
// #poll-interval, #test-connection, #test-result); other phones add `--<phone id>`
// (#phone-url--phone-2). Every input also has data-phone="<id>" data-field="<field>", every
// button data-phone and data-action.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { idsFor, passwordField, selectField, textField, disclosure, confirmBox } from "./fields.js";
import { kindForm, kindName, hasCertificate, addressOf } from "./phone_kinds.js";
import { connectionTest } from "./phone_test.js";
import { pushBlock } from "./phone_push.js";
import { setupChecklist } from "./checklist.js";
import { report } from "./checks.js";

const clone = (v) => JSON.parse(JSON.stringify(v));

/**
 * opts: profile (working copy), first (keeps the historic ids), multi (more than one phone
 * on the page), saved (the saved profile with this id, or null), extras (phones[i] of the
 * view: password_stored, push_lines, setup_help), kinds, keyringAvailable, typedPassword,
 * helpFor(kind) (setup steps for a phone not saved yet), onChange(), onRemove(card),
 * onKindChange(card, kind).
 */
export class PhoneCard {
  constructor(opts) {
    this.opts = opts;
    this.profile = clone(opts.profile);
    this.phoneId = this.profile.id;
    this.cert = this.profile.cert_sha256 ?? null;
    this.suffix = opts.first ? "" : `--${this.phoneId}`;
    this.root = h("fieldset", { class: "phone-card", id: `phone-card${this.suffix}`, dataset: { phone: this.phoneId, kind: this.profile.kind } });
    this.build();
  }

  id(base) {
    return `${base}${this.suffix}`;
  }

  ids(base) {
    return idsFor(base, this.suffix);
  }

  data(field) {
    return { phone: this.phoneId, field };
  }

  isSaved() {
    return !!this.opts.saved;
  }

  build() {
    const p = this.profile;
    const extras = this.opts.extras || {};
    this.legendName = h("span", { class: "phone-title" });
    this.legendKind = h("span", { class: "kind-tag" }, kindName(p.kind, this.opts.kinds));
    const legend = h("legend", {}, this.legendName, " ", this.legendKind);

    const kindChoice = this.isSaved() ? null : this.kindSelect();

    this.passwordField = passwordField({
      ids: this.ids("passcode"),
      showId: this.id("passcode-show"),
      label: "",
      hint: "",
      data: this.data("password"),
    });
    if (this.opts.typedPassword) this.passwordField.input.value = this.opts.typedPassword;

    const build = kindForm(p.kind);
    this.form = build
      ? build({
          profile: p,
          ids: (base) => this.ids(base),
          id: (base) => this.id(base),
          data: (field) => this.data(field),
          password: this.passwordField,
          onLoginChange: () => this.updatePassword(),
        })
      : null;

    const name = textField({
      ids: this.ids("phone-name"),
      label: t("settings-phone-name"),
      hint: t("settings-phone-name-hint"),
      value: p.name || "",
      data: this.data("name"),
    });
    this.nameField = name;
    name.input.addEventListener("input", () => this.updateTitle());
    if (this.form) this.form.address.input.addEventListener("input", () => this.updateTitle());

    this.certBox = h("div", { class: "field cert-field", id: this.id("cert-field") });
    // Desk phones: the checklist that Test connection ticks; PBXs: the steps.
    this.checklist =
      this.form && (p.kind === "grandstream" || p.kind === "yealink")
        ? setupChecklist({ id: (base) => this.id(base), phoneId: this.phoneId, kind: p.kind, firstRun: !this.isSaved(), collect: () => this.collect() })
        : null;
    if (this.checklist) this.form.address.input.addEventListener("input", () => this.checklist.refresh());
    const help = this.checklist ? this.checklist.node : this.helpBlock();
    this.test = this.form ? connectionTest(this) : null;
    this.push =
      this.form && (p.kind === "grandstream" || p.kind === "yealink")
        ? pushBlock({
            id: (base) => this.id(base),
            data: (field) => this.data(field),
            phoneId: this.phoneId,
            kind: p.kind,
            enabled: !!p.push,
            lines: Array.isArray(extras.push_lines) ? extras.push_lines : [],
            savedOn: !!this.opts.saved && addressOf(this.opts.saved) !== "" && (p.kind === "yealink" || !!this.opts.saved.push),
            onAlertTest: (ok, message) => this.checklist && this.checklist.showAlerts(ok, message),
          })
        : null;

    const removeButton = h(
      "button",
      { type: "button", class: "btn btn-link btn-remove", id: this.id("remove-phone"), dataset: { phone: this.phoneId, action: "remove-phone" } },
      t("settings-phone-remove"),
    );
    this.removeRow = h("div", { class: "card-foot" }, removeButton);
    removeButton.addEventListener("click", () => this.askRemove(removeButton));

    const body = this.form
      ? [
          kindChoice ? kindChoice.root : null,
          this.form.nodes,
          hasCertificate(p.kind) ? this.certBox : null,
          help,
          this.test.node,
          this.push ? this.push.node : null,
          this.form.advanced ? this.form.advanced.node : null,
          name.root,
        ]
      : [h("p", { class: "msg", dataset: { tone: "warn" } }, t("settings-phone-unknown-kind", { kind: p.kind }))];
    this.root.replaceChildren(legend, ...body.flat().filter(Boolean), this.removeRow);
    this.root.dataset.kind = p.kind;
    this.updateTitle();
    this.updatePassword();
    this.updateCert();
  }

  /** For a phone not saved yet: which system it is. Saved phones are removed and added. */
  kindSelect() {
    const field = selectField({
      ids: this.ids("phone-kind"),
      label: t("settings-phone-kind"),
      hint: t("settings-phone-kind-hint"),
      options: this.opts.kinds.map((k) => [k.kind, kindName(k.kind, this.opts.kinds)]),
      value: this.profile.kind,
      data: this.data("kind"),
    });
    field.input.addEventListener("change", () => this.opts.onKindChange(this, field.input.value));
    return field;
  }

  helpBlock() {
    const extras = this.opts.extras || {};
    const steps = Array.isArray(extras.setup_help) && extras.setup_help.length ? extras.setup_help : this.opts.helpFor(this.profile.kind);
    if (!steps || !steps.length) return null;
    return disclosure(
      t("settings-setup-help", { kind: this.profile.kind }),
      h("ol", { class: "setup-steps" }, steps.map((step) => h("li", {}, step))),
      { className: "setup-help", id: this.id("setup-help") },
    );
  }

  /** The legend: "Desk phone" when it is the only one, else its name or address. */
  updateTitle() {
    const p = this.profile;
    let title;
    if (!this.opts.multi) {
      title = t("settings-phone-title-single", { kind: p.kind });
    } else {
      const name = this.nameField ? this.nameField.input.value.trim() : "";
      const address = this.form ? this.form.address.input.value.trim() : addressOf(p);
      title = name || address || t("settings-phone-title-new");
    }
    this.legendName.textContent = title;
  }

  /** What to call this phone in a sentence: its name, else its address, else its system. */
  displayName() {
    const name = this.nameField ? this.nameField.input.value.trim() : "";
    const address = this.form ? this.form.address.input.value.trim() : addressOf(this.profile);
    return name || address || kindName(this.profile.kind, this.opts.kinds);
  }

  setMulti(multi) {
    this.opts.multi = multi;
    this.updateTitle();
  }

  /** Label and hint of the password, from the system, the login type and what is stored. */
  updatePassword() {
    if (!this.form) return;
    const secret = this.form.secretWord();
    const field = this.passwordField;
    field.labelEl.textContent = t("settings-password-label", { secret });
    const stored = !!(this.opts.extras && this.opts.extras.password_stored);
    let hint;
    if (stored) {
      hint = this.opts.keyringAvailable ? t("settings-password-stored", { secret }) : t("settings-password-in-memory", { secret });
    } else {
      hint = t(this.form.missingHint());
    }
    field.setHint(hint);
  }

  /** What Test connection proved about the phone's switches (from its answer or error). */
  showChecklist(checklist) {
    if (this.checklist) this.checklist.showTested(checklist);
  }

  certificate() {
    return this.cert;
  }

  setCertificate(fingerprint) {
    this.cert = fingerprint || null;
    this.updateCert();
    this.opts.onChange();
  }

  /** The app stored this certificate for the saved phone (accept_certificate). */
  certificateSaved(fingerprint) {
    if (this.opts.saved) this.opts.saved.cert_sha256 = fingerprint;
    this.updateCert();
  }

  updateCert() {
    const box = this.certBox;
    if (!box) return;
    box.hidden = !this.cert;
    if (!this.cert) {
      box.replaceChildren();
      return;
    }
    const forget = h(
      "button",
      { type: "button", class: "btn btn-small", id: this.id("cert-forget"), dataset: { phone: this.phoneId, action: "forget-certificate" }, "aria-describedby": this.id("cert-forget-hint") },
      t("settings-cert-forget"),
    );
    forget.addEventListener("click", () => {
      this.setCertificate(null);
      if (this.form) this.form.address.input.focus();
    });
    const unsaved = !this.opts.saved || (this.opts.saved.cert_sha256 ?? null) !== this.cert;
    box.replaceChildren(
      h("span", { class: "field-label" }, t("settings-cert-current")),
      h("div", { class: "field-inline" }, h("code", { class: "fingerprint mono", id: this.id("cert-current"), dataset: this.data("cert_sha256") }, this.cert), forget),
      h("p", { class: "hint", id: this.id("cert-forget-hint") }, unsaved ? t("settings-cert-unsaved") : t("settings-cert-forget-hint")),
    );
  }

  askRemove(button) {
    const typed = this.hasTyped();
    if (!this.isSaved() && !typed) {
      this.opts.onRemove(this);
      return;
    }
    const stored = !!(this.opts.extras && this.opts.extras.password_stored);
    const name = this.displayName();
    button.hidden = true;
    const box = confirmBox({
      question: this.isSaved()
        ? t(stored ? "settings-phone-remove-confirm-stored" : "settings-phone-remove-confirm", { name })
        : t("settings-phone-remove-confirm-new", { name }),
      confirmText: t("settings-phone-remove-yes"),
      keepText: t("settings-phone-remove-no"),
      onConfirm: () => this.opts.onRemove(this),
      onKeep: () => {
        button.hidden = false;
        button.focus();
      },
    });
    this.removeRow.append(box);
    box.focusSafe();
  }

  /** Whether anything was typed into a phone not saved yet (removing it then asks first). */
  hasTyped() {
    if (this.passwordField.input.value) return true;
    if (!this.form) return false;
    return this.form.address.input.value.trim() !== "" || this.nameField.input.value.trim() !== "";
  }

  password() {
    const value = this.passwordField.input.value;
    return value === "" ? null : value;
  }

  focusPassword() {
    this.passwordField.input.focus();
  }

  /** The profile as typed, with every field this page does not show kept as it was. */
  collect() {
    const profile = clone(this.profile);
    if (!this.form) return profile;
    this.form.read(profile);
    if (this.push) this.push.read(profile);
    profile.name = this.nameField.input.value.trim();
    if (hasCertificate(profile.kind)) profile.cert_sha256 = this.cert;
    return profile;
  }

  /** Whether this phone, as typed, sends call alerts to callpop's listener. */
  sendsAlerts() {
    const kind = this.profile.kind;
    return kind === "yealink" || (kind === "grandstream" && !!this.collect().push);
  }

  /** Shows every problem next to its field; returns the inputs that have one. */
  problems() {
    if (!this.form) return [];
    const bad = report(this.form.checks());
    // A problem inside a folded block (the timeouts) must be visible to be fixed.
    for (const input of bad) {
      const details = input.closest("details");
      if (details) details.open = true;
    }
    return bad;
  }

  /** For Test connection: true when the fields are fine, else focuses the first problem. */
  check() {
    const bad = this.problems();
    if (bad.length) bad[0].focus();
    return bad.length === 0;
  }
}
