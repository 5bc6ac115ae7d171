// Caller names: the places names come from, in priority order (move up/down), each on or
// off, added and removed here. Saved as `contacts` (ContactsSettings); passwords typed for a
// source are sent separately, by the source's position in the saved list.

import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { idsFor, passwordField, confirmBox } from "./fields.js";
import { SOURCE_KINDS, sourceKindName, sourceForm, blankSource, needsPassword, sourceSummary } from "./contact_kinds.js";
import { report } from "./checks.js";

const clone = (v) => JSON.parse(JSON.stringify(v));
const obj = (v) => (v && typeof v === "object" && !Array.isArray(v) ? v : {});

class SourceCard {
  /** opts: source, key (stable on this page: s1, s2...), extras ({password_stored}|null), onChange, onMove, onRemove. */
  constructor(opts) {
    this.opts = opts;
    this.source = clone(opts.source);
    this.suffix = `--${opts.key}`;
    this.kind = this.source.kind;
    this.titleId = this.id("source-title");
    this.root = h("li", { class: "source-item", id: this.id("source"), dataset: { sourceKind: this.kind, sourceKey: opts.key } });
    this.card = h("div", { class: "source-card", role: "group", "aria-labelledby": this.titleId });
    this.root.append(this.card);
    this.build();
  }

  id(base) {
    return `${base}${this.suffix}`;
  }

  data(field) {
    return { source: this.opts.key, sourceKind: this.kind, field };
  }

  build() {
    const s = this.source;
    this.summary = h("span", { class: "source-summary" });
    const title = h("h3", { class: "source-title", id: this.titleId }, sourceKindName(this.kind), " ", this.summary);

    this.enabled = h("input", { type: "checkbox", id: this.id("source-enabled"), dataset: this.data("enabled") });
    this.enabled.checked = s.enabled !== false;
    this.enabled.addEventListener("change", () => this.syncEnabled());
    const enabledLabel = h("label", { class: "choice source-enabled" }, this.enabled, h("span", {}, t("settings-source-enabled")));

    this.up = h("button", { type: "button", class: "btn btn-small", id: this.id("source-up"), dataset: { source: this.opts.key, action: "move-up" } }, t("settings-source-up"));
    this.down = h("button", { type: "button", class: "btn btn-small", id: this.id("source-down"), dataset: { source: this.opts.key, action: "move-down" } }, t("settings-source-down"));
    this.up.addEventListener("click", () => this.opts.onMove(this, -1, this.up));
    this.down.addEventListener("click", () => this.opts.onMove(this, 1, this.down));

    this.passwordField = needsPassword(this.kind)
      ? passwordField({ ids: idsFor("contact-password", this.suffix), showId: this.id("contact-password-show"), label: "", hint: "", data: this.data("password") })
      : null;

    const build = sourceForm(this.kind);
    this.form = build
      ? build({
          source: s,
          ids: (base) => idsFor(base, this.suffix),
          id: (base) => this.id(base),
          data: (field) => this.data(field),
          password: this.passwordField,
          onAuthChange: () => this.updatePassword(),
        })
      : null;

    const removeButton = h("button", { type: "button", class: "btn btn-link btn-remove", id: this.id("source-remove"), dataset: { source: this.opts.key, action: "remove-source" } }, t("settings-source-remove"));
    this.removeRow = h("div", { class: "card-foot" }, removeButton);
    removeButton.addEventListener("click", () => this.askRemove(removeButton));

    const intro = this.form ? h("p", { class: "hint" }, this.form.intro) : h("p", { class: "msg", dataset: { tone: "warn" } }, t("settings-source-unknown", { kind: this.kind }));
    this.body = h("div", { class: "source-body" }, this.form ? this.form.nodes : null);
    this.rank = h("span", { class: "source-rank", "aria-hidden": "true" });
    replace(
      this.card,
      h(
        "div",
        { class: "source-head" },
        this.rank,
        title,
        h("div", { class: "source-moves", role: "group", "aria-label": t("settings-source-order", { name: sourceKindName(this.kind) }) }, this.up, this.down),
      ),
      intro,
      enabledLabel,
      this.body,
      this.removeRow,
    );
    if (this.form) {
      for (const input of this.form.watch || []) input.addEventListener("input", () => this.updateSummary());
      if (this.form.init) this.form.init();
    }
    this.updateSummary();
    this.updatePassword();
    this.syncEnabled();
  }

  syncEnabled() {
    this.card.classList.toggle("is-off", !this.enabled.checked);
  }

  updateSummary() {
    this.summary.textContent = this.form ? sourceSummary(this.collect()) : "";
  }

  updatePassword() {
    if (!this.passwordField || !this.form) return;
    const secret = this.form.secretWord ? this.form.secretWord() : "password";
    this.passwordField.labelEl.textContent = t("settings-password-label", { secret });
    const extras = this.opts.extras;
    let hint;
    if (extras && extras.password_stored) hint = t("settings-password-stored", { secret });
    else if (extras) hint = t("settings-source-password-missing", { secret });
    else hint = t("settings-source-password-unknown", { secret });
    this.passwordField.setHint(hint);
  }

  /** Place in the list (0-based) of `count`: the ends cannot move further. */
  setPosition(index, count) {
    this.root.dataset.source = String(index);
    this.rank.textContent = String(index + 1);
    this.up.disabled = index === 0;
    this.down.disabled = index === count - 1;
    this.up.setAttribute("aria-label", t("settings-source-up-label", { name: this.name() }));
    this.down.setAttribute("aria-label", t("settings-source-down-label", { name: this.name() }));
  }

  name() {
    const summary = this.summary.textContent;
    return summary ? t("settings-source-named", { kind: sourceKindName(this.kind), name: summary }) : sourceKindName(this.kind);
  }

  askRemove(button) {
    button.hidden = true;
    const box = confirmBox({
      question: t("settings-source-remove-confirm", { name: this.name() }),
      confirmText: t("settings-source-remove-yes"),
      keepText: t("settings-source-remove-no"),
      onConfirm: () => this.opts.onRemove(this),
      onKeep: () => {
        button.hidden = false;
        button.focus();
      },
    });
    this.removeRow.append(box);
    box.focusSafe();
  }

  password() {
    if (!this.passwordField) return null;
    if (this.form && this.form.usesPassword && !this.form.usesPassword()) return null;
    const value = this.passwordField.input.value;
    return value === "" ? null : value;
  }

  collect() {
    const out = clone(this.source);
    out.enabled = this.enabled.checked;
    if (this.form) this.form.read(out);
    return out;
  }

  problems() {
    if (!this.form) return [];
    const bad = report(this.form.checks());
    for (const input of bad) {
      const details = input.closest("details");
      if (details) details.open = true;
    }
    return bad;
  }
}

export class ContactSources {
  /** el: {list, empty, status, addKind, addButton}; onChange() after any edit. */
  constructor(el, onChange) {
    this.el = el;
    this.onChange = onChange;
    this.cards = [];
    this.seq = 0;
    replace(el.addKind, SOURCE_KINDS.map((kind) => h("option", { value: kind }, sourceKindName(kind))));
    el.addButton.addEventListener("click", () => this.add(el.addKind.value));
  }

  /** view.contacts (ContactsSettings); view.contact_sources (per source {password_stored}), when the app sends it. */
  load(view) {
    this.base = obj(view.contacts);
    this.present = !!view.contacts;
    const sources = Array.isArray(this.base.sources) ? this.base.sources : [];
    const extras = Array.isArray(view.contact_sources) ? view.contact_sources : null;
    this.blanks = new Map((Array.isArray(view.contact_kinds) ? view.contact_kinds : []).map((k) => [k.kind, k.blank]));
    this.cards = sources.map((source, i) => this.makeCard(source, extras ? obj(extras[i]) : null));
    this.render();
  }

  makeCard(source, extras) {
    this.seq += 1;
    return new SourceCard({
      source,
      key: `s${this.seq}`,
      extras,
      onMove: (card, delta, button) => this.move(card, delta, button),
      onRemove: (card) => this.remove(card),
    });
  }

  render() {
    replace(this.el.list, this.cards.map((c) => c.root));
    this.cards.forEach((card, i) => card.setPosition(i, this.cards.length));
    this.el.list.hidden = this.cards.length === 0;
    this.el.empty.hidden = this.cards.length > 0;
    this.el.orderHint.hidden = this.cards.length < 2;
  }

  add(kind) {
    const blank = this.blanks.has(kind) ? { ...clone(this.blanks.get(kind)), kind } : blankSource(kind);
    if (!blank) return;
    // A new source is not stored yet: no password to keep.
    const card = this.makeCard(blank, { password_stored: false });
    this.cards.push(card);
    this.render();
    this.onChange();
    this.el.status.textContent = t("settings-source-added", { kind: sourceKindName(kind) });
    card.root.scrollIntoView({ block: "start" });
    const first = card.body.querySelector("input, select");
    if (first) first.focus();
  }

  move(card, delta, button) {
    const from = this.cards.indexOf(card);
    const to = from + delta;
    if (from < 0 || to < 0 || to >= this.cards.length) return;
    this.cards.splice(from, 1);
    this.cards.splice(to, 0, card);
    this.render();
    this.onChange();
    this.el.status.textContent = t("settings-source-moved", { name: card.name(), position: to + 1, count: this.cards.length });
    // Keep the keyboard where it was; at an end, on the button that still works.
    const target = button.disabled ? (button === card.up ? card.down : card.up) : button;
    target.focus();
  }

  remove(card) {
    const index = this.cards.indexOf(card);
    if (index < 0) return;
    const name = card.name();
    this.cards.splice(index, 1);
    this.render();
    this.onChange();
    this.el.status.textContent = t("settings-source-removed", { name });
    this.el.addKind.focus();
  }

  /** The contacts settings as typed; null when the app did not send any (nothing to save). */
  collect() {
    if (!this.present) return null;
    return { ...clone(this.base), sources: this.cards.map((c) => c.collect()) };
  }

  /** Passwords typed in, by the source's position in `collect().sources` ("0", "1"...). */
  passwords() {
    const out = {};
    this.cards.forEach((card, i) => {
      const password = card.password();
      if (password !== null) out[String(i)] = password;
    });
    return out;
  }

  problems() {
    return this.cards.flatMap((c) => c.problems());
  }
}
