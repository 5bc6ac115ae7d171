// What a call offers, as buttons: one per entry of the call's `actions` (the Rust side decides
// which; this file only draws them), plus the inline "Transfer to" form. Shared by the main
// window's call cards and the call window.

import * as api from "./api.js";
import { h, showMessage } from "./dom.js";
import { t } from "./i18n.js";

/**
 * How each action looks: CSS class, the key that presses it (A/R/H/M/E) and its messages
 * (`common-action-<name>` for the label, `-title` for the tooltip).
 */
export const ACTIONS = {
  answer: { cls: "btn-answer", key: "A" },
  reject: { cls: "btn-reject", key: "R" },
  hold: { cls: "btn-hold", key: "H" },
  resume: { cls: "btn-hold btn-resume", key: "H" },
  mute: { cls: "btn-mute", key: "M" },
  unmute: { cls: "btn-mute btn-unmute", key: "M" },
  complete_transfer: { cls: "btn-primary", key: null },
  cancel_transfer: { cls: "", key: null },
  hang_up: { cls: "btn-hangup", key: "E" },
};
/** Actions that need a number: they share one "Transfer…" button that opens the form. */
export const TRANSFERS = ["transfer", "consult_transfer"];

/** Which actions each shortcut key presses, in order of preference. */
export const SHORTCUTS = {
  a: ["answer"],
  r: ["reject"],
  h: ["hold", "resume"],
  m: ["mute", "unmute"],
  e: ["hang_up"],
};

/** Calls in the order the keys and the eye look for them: ringing first, then connected. */
const PRIORITY = { ringing: 0, connected: 1, dialing: 2, held: 3 };
export function byRelevance(calls) {
  return (calls || [])
    .map((call, index) => ({ call, index }))
    .sort((a, b) => (PRIORITY[a.call.phase] ?? 9) - (PRIORITY[b.call.phase] ?? 9) || a.index - b.index)
    .map((x) => x.call);
}

/** The call and action a shortcut key acts on, or null when no call offers it. */
export function shortcutTarget(calls, key) {
  const wanted = SHORTCUTS[key];
  if (!wanted) return null;
  for (const call of byRelevance(calls)) {
    const action = wanted.find((a) => (call.actions || []).includes(a));
    if (action) return { call, action };
  }
  return null;
}

/** Sends one action for one call; rejects with `{kind, message}`. */
export function act(callId, action, to) {
  const args = { call: callId, action };
  if (to !== undefined) args.to = to;
  return api.invoke("act", args);
}

/**
 * The buttons of one call and its transfer form, updated in place so focus and a half-typed
 * transfer number survive each new state.
 *
 * options:
 * - keepFocus: true in the call window, which must work without taking keyboard focus (clicks
 *   do not move focus there);
 * - onTransferOpen(open): the form was opened or closed (the call window hides its buttons);
 * - errorEl: where failures are shown (role=alert), else the bar's own message line;
 * - onError(message, kind): instead of errorEl, the page shows failures itself.
 */
export function createActionBar({ keepFocus = false, onTransferOpen, errorEl, onError } = {}) {
  let call = null;
  let transferOpen = false;
  const busy = new Set();
  const buttons = new Map();

  const root = h("div", { class: "action-bar" });
  const row = h("div", { class: "call-buttons", role: "group", "aria-label": t("common-call-controls") });
  const ownError = h("p", { class: "msg action-error", role: "alert", hidden: true });
  const errorBox = errorEl || ownError;
  const report = (message, kind) => {
    if (onError) return onError(message, kind);
    showMessage(errorBox, message);
    errorBox.dataset.kind = kind || "";
  };

  // ---- the transfer form ----
  const formId = `transfer-${Math.random().toString(36).slice(2, 9)}`;
  const inputId = `${formId}-to`;
  const hintId = `${formId}-error`;
  const input = h("input", {
    id: inputId,
    class: "transfer-input",
    type: "text",
    inputmode: "tel",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: t("common-transfer-placeholder"),
    "aria-describedby": hintId,
    dataset: { field: "transfer_to" },
  });
  const inputError = h("p", { id: hintId, class: "field-error", role: "alert", hidden: true });
  const blind = formButton("transfer", "btn-primary", () => submitTransfer("transfer"));
  const consult = formButton("consult_transfer", "", () => submitTransfer("consult_transfer"));
  const close = formButton("hide_transfer", "btn-link", () => setTransferOpen(false, true));
  const form = h(
    "form",
    { class: "transfer-form", id: formId, hidden: true, novalidate: true, "aria-label": t("common-transfer-form") },
    h("label", { for: inputId, class: "transfer-label" }, t("common-transfer-to")),
    input,
    inputError,
    h("div", { class: "transfer-buttons" }, blind, consult, close),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const offered = call ? call.actions || [] : [];
    submitTransfer(offered.includes("transfer") ? "transfer" : "consult_transfer");
  });
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      setTransferOpen(false, true);
    }
  });
  input.addEventListener("input", () => showFieldError(""));

  const opener = makeButton("show_transfer", "btn-transfer", () => setTransferOpen(!transferOpen, false));
  opener.setAttribute("aria-controls", formId);
  opener.setAttribute("aria-expanded", "false");

  root.append(row, form);
  if (!errorEl && !onError) root.append(ownError);

  function formButton(action, cls, onclick) {
    const b = h(
      "button",
      { type: "button", class: `btn btn-small ${cls}`.trim(), dataset: { action } },
      t(`common-action-${action.replace(/_/g, "-")}`),
    );
    b.addEventListener("click", onclick);
    return b;
  }

  function makeButton(action, cls, onclick) {
    const info = ACTIONS[action];
    const name = action.replace(/_/g, "-");
    const b = h(
      "button",
      {
        type: "button",
        class: `btn ${cls}`.trim(),
        title: t(`common-action-${name}-title`),
        "aria-keyshortcuts": info && info.key ? info.key : null,
        dataset: { action },
      },
      t(`common-action-${name}`),
    );
    if (keepFocus) b.addEventListener("mousedown", (e) => e.preventDefault());
    b.addEventListener("click", onclick);
    return b;
  }

  function buttonFor(action) {
    if (!buttons.has(action)) {
      const info = ACTIONS[action] || { cls: "" };
      buttons.set(action, makeButton(action, info.cls, () => run(action)));
    }
    return buttons.get(action);
  }

  function showFieldError(message) {
    showMessage(inputError, message);
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }

  function setTransferOpen(open, returnFocus) {
    transferOpen = open;
    form.hidden = !open;
    opener.setAttribute("aria-expanded", String(open));
    if (open) {
      showFieldError("");
      if (keepFocus) api.focusWindow();
      setTimeout(() => input.focus(), 0);
    } else if (returnFocus && opener.isConnected && !opener.hidden) {
      opener.focus();
    }
    if (onTransferOpen) onTransferOpen(open);
    render();
  }

  async function submitTransfer(action) {
    const to = input.value.trim();
    if (!to) {
      showFieldError(t("common-transfer-empty"));
      input.focus();
      return;
    }
    showFieldError("");
    const done = await run(action, to, (err) => {
      // A number the Rust side cannot use is the field's fault: say it next to the field.
      if (err.kind === "bad_number" || err.kind === "invalid_number") {
        showFieldError(err.message);
        input.focus();
        return true;
      }
      return false;
    });
    if (done) {
      input.value = "";
      setTransferOpen(false, false);
    }
  }

  /** Runs an action; true when the phone took it. */
  async function run(action, to, fieldError) {
    if (!call || busy.has(action)) return false;
    const id = call.call;
    report("");
    busy.add(action);
    render();
    try {
      await act(id, action, to);
      return true;
    } catch (err) {
      if (!(fieldError && fieldError(err))) report(err.message, err.kind || "error");
      return false;
    } finally {
      busy.delete(action);
      render();
    }
  }

  function render() {
    const offered = call ? call.actions || [] : [];
    const wanted = [];
    let transferShown = false;
    for (const action of offered) {
      if (TRANSFERS.includes(action)) {
        if (!transferShown) wanted.push(opener);
        transferShown = true;
      } else {
        wanted.push(buttonFor(action));
      }
    }
    const focused = document.activeElement;
    // Reuse the buttons already there, in the new order; the focused one keeps its focus.
    wanted.forEach((b, i) => {
      if (row.children[i] !== b) row.insertBefore(b, row.children[i] || null);
    });
    while (row.children.length > wanted.length) row.lastChild.remove();
    if (focused && focused !== document.activeElement && focused.isConnected) focused.focus();

    for (const [action, b] of buttons) b.disabled = busy.has(action);
    blind.hidden = !offered.includes("transfer");
    consult.hidden = !offered.includes("consult_transfer");
    blind.disabled = busy.has("transfer") || busy.has("consult_transfer");
    consult.disabled = blind.disabled;
    if (!transferShown && transferOpen) {
      transferOpen = false;
      form.hidden = true;
      opener.setAttribute("aria-expanded", "false");
      if (onTransferOpen) onTransferOpen(false);
    }
    row.hidden = wanted.length === 0;
    row.dataset.count = String(wanted.length);
  }

  return {
    el: root,
    row,
    /** Shows what `next` offers (a CallView). */
    update(next) {
      call = next;
      render();
    },
    /** Presses the button of `action` (a shortcut key); false when the call does not offer it. */
    press(action) {
      if (!call || !(call.actions || []).includes(action)) return false;
      run(action);
      return true;
    },
    /** The button for `action`, when shown. */
    button(action) {
      const b = buttons.get(action);
      return b && b.isConnected ? b : null;
    },
    showError(message) {
      report(message, message ? "error" : "");
    },
    get transferOpen() {
      return transferOpen;
    },
  };
}
