// The list of phones: one card per phone, Add (with a choice of system), Remove. One phone
// looks like the old one-phone page: a single "Desk phone" box, no numbering. On a first
// run (no phone yet) a new phone is ready to be filled in.

import { h, replace } from "../dom.js";
import { t } from "../i18n.js";
import { PhoneCard } from "./phone_card.js";
import { kindName } from "./phone_kinds.js";

/** Most phones one callpop watches (MAX_PHONES in crates/phone/src/settings). */
const MAX_PHONES = 32;
const FIRST_ID = "phone";

const clone = (v) => JSON.parse(JSON.stringify(v));

/** The first free id among phone, phone-2, phone-3... (PhoneId::next_free). */
function nextFreeId(taken) {
  for (let n = 1; n <= MAX_PHONES * 4; n += 1) {
    const candidate = n === 1 ? FIRST_ID : `${FIRST_ID}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
  return `${FIRST_ID}-${Date.now()}`;
}

export class PhoneList {
  /** el: {list, empty, status, addLabel, addKind, addButton}; onChange() after any edit. */
  constructor(el, onChange) {
    this.el = el;
    this.onChange = onChange;
    this.cards = [];
    this.view = null;
    el.addButton.addEventListener("click", () => this.add(el.addKind.value));
  }

  /** Shows the phones of a get_settings / save_settings answer. */
  load(view) {
    this.view = view;
    this.kinds = Array.isArray(view.kinds) ? view.kinds : [];
    this.saved = Array.isArray(view.settings && view.settings.phones) ? view.settings.phones : [];
    this.extras = new Map((Array.isArray(view.phones) ? view.phones : []).map((x) => [x.id, x]));
    replace(this.el.addKind, this.kinds.map((k) => h("option", { value: k.kind }, kindName(k.kind, this.kinds))));
    this.cards = [];
    const profiles = this.saved.map(clone);
    if (!profiles.length) {
      const first = this.blank(this.kinds.find((k) => k.kind === "grandstream") || this.kinds[0]);
      if (first) profiles.push(first);
    }
    for (const [i, profile] of profiles.entries()) this.cards.push(this.makeCard(profile, { first: i === 0 }));
    this.render();
  }

  savedProfile(id) {
    return this.saved.find((p) => p.id === id) || null;
  }

  /** A new profile of `kind` with an id no phone on the page, saved or removed, has. */
  blank(kind) {
    if (!kind || !kind.blank) return null;
    const taken = new Set([...this.saved.map((p) => p.id), ...this.cards.map((c) => c.phoneId)]);
    const profile = clone(kind.blank);
    if (!profile.id || taken.has(profile.id)) profile.id = nextFreeId(taken);
    return profile;
  }

  /** Setup steps for a phone not saved yet: the system's own, or those of a saved phone. */
  helpFor(kind) {
    const known = this.kinds.find((k) => k.kind === kind);
    if (known && Array.isArray(known.setup_help)) return known.setup_help;
    for (const profile of this.saved) {
      const extras = this.extras.get(profile.id);
      if (profile.kind === kind && extras && Array.isArray(extras.setup_help)) return extras.setup_help;
    }
    return [];
  }

  makeCard(profile, { first, typedPassword = "" }) {
    const saved = this.savedProfile(profile.id);
    return new PhoneCard({
      profile,
      first,
      multi: false,
      saved: saved && saved.kind === profile.kind ? saved : null,
      extras: saved && saved.kind === profile.kind ? this.extras.get(profile.id) : null,
      kinds: this.kinds,
      keyringAvailable: !(this.view.keyring && this.view.keyring.available === false),
      typedPassword,
      helpFor: (kind) => this.helpFor(kind),
      onChange: () => this.onChange(),
      onRemove: (card) => this.remove(card),
      onKindChange: (card, kind) => this.changeKind(card, kind),
    });
  }

  render() {
    const multi = this.cards.length > 1;
    for (const card of this.cards) card.setMulti(multi);
    replace(this.el.list, this.cards.map((c) => c.root));
    this.el.empty.hidden = this.cards.length > 0;
    this.el.addLabel.textContent = this.cards.length ? t("settings-phone-add-another") : t("settings-phone-add-first");
    const full = this.cards.length >= MAX_PHONES;
    this.el.addButton.disabled = full || !this.kinds.length;
    this.el.addKind.disabled = full || !this.kinds.length;
  }

  add(kindValue) {
    const kind = this.kinds.find((k) => k.kind === kindValue);
    const profile = this.blank(kind);
    if (!profile) return;
    const card = this.makeCard(profile, { first: this.cards.length === 0 });
    this.cards.push(card);
    this.render();
    this.onChange();
    this.announce(t("settings-phone-added", { kind: kindName(kind.kind, this.kinds) }));
    card.root.scrollIntoView({ block: "start" });
    const firstInput = card.root.querySelector("input, select");
    if (firstInput) firstInput.focus();
  }

  remove(card) {
    const index = this.cards.indexOf(card);
    if (index < 0) return;
    const name = card.displayName();
    this.cards.splice(index, 1);
    // The new first phone takes over the historic ids.
    if (index === 0 && this.cards.length) this.cards[0] = this.rebuilt(this.cards[0], { first: true });
    this.render();
    this.onChange();
    this.announce(card.isSaved() ? t("settings-phone-removed-saved", { name }) : t("settings-phone-removed", { name }));
    this.el.addKind.focus();
  }

  changeKind(card, kindValue) {
    const kind = this.kinds.find((k) => k.kind === kindValue);
    if (!kind) return;
    const index = this.cards.indexOf(card);
    const profile = { ...clone(kind.blank), id: card.phoneId, name: card.nameField.input.value.trim() };
    const fresh = this.makeCard(profile, { first: index === 0 });
    this.cards[index] = fresh;
    this.render();
    this.onChange();
    const select = fresh.root.querySelector('select[data-field="kind"]');
    if (select) select.focus();
  }

  /** The same phone drawn again (other ids), keeping what was typed. */
  rebuilt(card, { first }) {
    return this.makeCard(card.collect(), { first, typedPassword: card.passwordField.input.value });
  }

  announce(text) {
    this.el.status.textContent = text;
  }

  /** The phones as typed, in order. */
  collect() {
    return this.cards.map((c) => c.collect());
  }

  /** Passwords typed in, by phone id (empty ones keep what is stored). */
  passwords() {
    const out = {};
    for (const card of this.cards) {
      const password = card.password();
      if (password !== null) out[card.phoneId] = password;
    }
    return out;
  }

  /** Every problem shown next to its field; the inputs with one, in page order. */
  problems() {
    return this.cards.flatMap((c) => c.problems());
  }

  /** Whether any phone on the page sends call alerts (the listen address matters then). */
  usesPush() {
    return this.cards.some((c) => c.sendsAlerts());
  }
}
