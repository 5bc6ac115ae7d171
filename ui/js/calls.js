// The main window's calls: one card per call in `view.calls`, most urgent first (ringing,
// then connected), each with exactly the buttons its `actions` list. Cards are kept per call
// id and updated in place, so focus and a half-typed transfer number survive new states.

import { h, replace, setText, setTone } from "./dom.js";
import { t } from "./i18n.js";
import { callerLabels, phaseInfo } from "./format.js";
import { byRelevance, createActionBar, shortcutTarget } from "./actions.js";
import { crmLink, infoList } from "./callinfo.js";

/** The ids the keyboard shortcuts' buttons carry (the buttons A, R, H, M and E press). */
const SHORTCUT_IDS = {
  a: "btn-answer",
  r: "btn-reject",
  h: "btn-hold",
  m: "btn-mute",
  e: "btn-hangup",
};

function createCard() {
  const badge = h("span", { class: "badge" });
  const where = h("span", { class: "call-card-where" });
  const muted = h("span", { class: "badge badge-muted", dataset: { state: "muted" }, hidden: true }, t("common-muted"));
  const timer = h("span", { class: "timer", role: "timer", hidden: true });
  const name = h("h3", { class: "call-card-name" });
  const number = h("div", { class: "call-card-number" });
  const org = h("span", { class: "call-card-org" });
  const orgRow = h("div", { class: "call-card-org-row" });
  const infoSlot = h("div", { class: "call-card-info" });
  const error = h("p", { class: "msg action-error", role: "alert", hidden: true });
  const bar = createActionBar({ errorEl: error });
  const el = h(
    "li",
    { class: "call-card" },
    h("div", { class: "call-card-head" }, badge, where, muted, timer),
    h("div", { class: "call-card-who" }, name, number, orgRow),
    infoSlot,
    bar.el,
    error,
  );
  let shown = { link: null, org: null, info: null };

  function update(call, { severalPhones, hasLines }) {
    const info = phaseInfo(call.phase);
    setTone(el, info.tone);
    el.dataset.call = call.call;
    el.dataset.phase = call.phase;
    el.dataset.direction = call.direction;
    el.dataset.phone = call.phone;
    setTone(badge, info.tone);
    setText(badge, call.phase === "ringing" && call.direction === "incoming" ? t("common-incoming-call") : info.label);

    const line = hasLines ? t("main-call-line", { line: call.line }) : "";
    let placeText = line;
    if (severalPhones) placeText = line ? t("main-call-phone-line", { phone: call.phone_name, line: call.line }) : call.phone_name;
    setText(where, placeText);
    where.hidden = !placeText;

    muted.hidden = !call.muted;
    const timed = call.connected_at_ms != null && (call.phase === "connected" || call.phase === "held");
    timer.hidden = !timed;
    if (timed) timer.dataset.since = String(call.connected_at_ms);
    else delete timer.dataset.since;

    const who = callerLabels(call);
    setText(name, who.title);
    name.title = who.title;
    setText(number, who.subtitle);
    number.hidden = !who.subtitle;

    const link = call.contact && call.contact.link ? call.contact.link : null;
    if (link !== shown.link || who.organization !== shown.org) {
      shown.link = link;
      shown.org = who.organization;
      setText(org, who.organization);
      replace(
        orgRow,
        who.organization ? org : null,
        crmLink(link, (message) => bar.showError(message)),
      );
      orgRow.hidden = orgRow.childElementCount === 0;
    }
    const infoKey = JSON.stringify(call.info || {});
    if (infoKey !== shown.info) {
      shown.info = infoKey;
      replace(infoSlot, infoList(call.info));
      infoSlot.hidden = infoSlot.childElementCount === 0;
    }
    bar.update(call);
  }

  return { el, bar, update };
}

/**
 * Keeps `list` (a <ul>) showing `view.calls`. `update(view)` returns the calls in the order
 * shown; `press(key)` acts for a shortcut key (false when no call offers it).
 */
export function createCallList(list) {
  const cards = new Map();
  let calls = [];

  function update(view) {
    const phones = view.phones || [];
    const severalPhones = phones.length > 1;
    calls = byRelevance(view.calls || []);
    const seen = new Set();
    const focused = document.activeElement;
    calls.forEach((call, i) => {
      seen.add(call.call);
      let card = cards.get(call.call);
      if (!card) {
        card = createCard();
        cards.set(call.call, card);
      }
      const phone = phones.find((p) => p.id === call.phone);
      // A phone system without lines (a PBX) has line numbers that mean nothing to people.
      const hasLines = !phone || (phone.lines || []).length > 0;
      card.update(call, { severalPhones, hasLines });
      if (list.children[i] !== card.el) list.insertBefore(card.el, list.children[i] || null);
    });
    for (const [id, card] of cards) {
      if (!seen.has(id)) {
        card.el.remove();
        cards.delete(id);
      }
    }
    if (focused && focused.isConnected && focused !== document.activeElement) focused.focus();

    // The buttons the shortcut keys press carry the old fixed ids (#btn-hangup...).
    for (const id of Object.values(SHORTCUT_IDS)) {
      const old = document.getElementById(id);
      if (old && list.contains(old)) old.removeAttribute("id");
    }
    for (const [key, id] of Object.entries(SHORTCUT_IDS)) {
      const target = shortcutTarget(calls, key);
      const card = target && cards.get(target.call.call);
      const button = card && card.bar.button(target.action);
      if (button) button.id = id;
    }
    return calls;
  }

  /** Acts for shortcut `key` on the most relevant call offering it. */
  function press(key) {
    const target = shortcutTarget(calls, key);
    if (!target) return false;
    const card = cards.get(target.call.call);
    return !!(card && card.bar.press(target.action));
  }

  return { update, press };
}
