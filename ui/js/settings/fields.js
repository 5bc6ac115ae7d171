// Building blocks for the settings form: every input gets a visible label, its explanation
// and a place for its problem right below it, tied together with aria-describedby so a
// screen reader reads them with the field. No innerHTML: values and messages may come from
// a phone or a server.

import { h } from "../dom.js";
import { t } from "../i18n.js";

/**
 * The ids of one field. The first phone keeps the page's historic ids (`phone-url`,
 * `passcode`, `passcode-hint`); everything else adds a suffix (`--phone-2`, `--s3`).
 */
export function idsFor(base, suffix = "") {
  return { id: `${base}${suffix}`, hint: `${base}-hint${suffix}`, error: `${base}-error${suffix}` };
}

/** Shows `message` below the field (or clears it) and marks the input as invalid. */
function setError(field, message) {
  field.errorEl.textContent = message || "";
  field.errorEl.hidden = !message;
  field.errorEl.dataset.tone = "error";
  if (message) field.input.setAttribute("aria-invalid", "true");
  else field.input.removeAttribute("aria-invalid");
}

function makeField(root, input, hintEl, errorEl) {
  const field = { root, input, hintEl, errorEl };
  field.setError = (message) => setError(field, message);
  field.setHint = (text) => {
    if (hintEl) {
      hintEl.textContent = text || "";
      hintEl.hidden = !text;
    }
  };
  // Typing again takes the complaint away; it comes back on the next check.
  input.addEventListener("input", () => {
    if (errorEl && !errorEl.hidden) setError(field, "");
  });
  return field;
}

function describedBy(ids, hint) {
  return [hint ? ids.hint : null, ids.error].filter(Boolean).join(" ");
}

/**
 * A labelled text input.
 * opts: ids (from idsFor), label, hint, value, placeholder, type ("text"|"password"|"number"),
 *   inputmode, data (dataset), mono, attrs (extra attributes), unit (text after the input),
 *   after (a node after the input, e.g. a Show button).
 */
export function textField(opts) {
  const { ids } = opts;
  const input = h("input", {
    type: opts.type || "text",
    id: ids.id,
    value: opts.value == null ? null : String(opts.value),
    placeholder: opts.placeholder || null,
    inputmode: opts.inputmode || null,
    autocomplete: opts.autocomplete || "off",
    spellcheck: "false",
    class: [opts.short ? "short" : "", opts.mono ? "mono" : ""].filter(Boolean).join(" ") || null,
    "aria-describedby": describedBy(ids, opts.hint != null),
    dataset: opts.data,
    ...(opts.attrs || {}),
  });
  if (opts.value != null) input.value = String(opts.value);
  const hintEl = opts.hint != null ? h("p", { class: "hint", id: ids.hint }, opts.hint) : null;
  if (hintEl && !opts.hint) hintEl.hidden = true;
  const errorEl = h("p", { class: "msg", id: ids.error, role: "alert", hidden: true });
  const control =
    opts.unit || opts.after ? h("div", { class: "field-inline" }, input, opts.unit ? h("span", {}, opts.unit) : null, opts.after || null) : input;
  const root = h("div", { class: "field" }, h("label", { for: ids.id }, opts.label), control, hintEl, errorEl);
  return makeField(root, input, hintEl, errorEl);
}

/** A number of seconds, shown and typed as seconds, kept in milliseconds. */
export function secondsField(opts) {
  const ms = Number(opts.ms);
  const field = textField({
    ...opts,
    type: "number",
    short: true,
    value: Number.isFinite(ms) && ms > 0 ? String(ms / 1000) : "",
    unit: t("settings-unit-seconds"),
    attrs: { min: String(opts.min), max: String(opts.max), step: String(opts.step || 0.25), inputmode: "decimal" },
  });
  field.readMs = () => Math.round(Number(field.input.value) * 1000);
  return field;
}

/** A password or passcode, with a Show/Hide button (`showId`). Never pre-filled. */
export function passwordField(opts) {
  const { field: _field, ...owner } = opts.data || {};
  const show = h(
    "button",
    { type: "button", class: "btn btn-small", id: opts.showId || null, "aria-pressed": "false", "aria-controls": opts.ids.id, dataset: { ...owner, action: "show-password" } },
    t("settings-show"),
  );
  const field = textField({ ...opts, type: "password", autocomplete: "new-password", after: show });
  show.addEventListener("click", () => {
    const showing = field.input.type === "password";
    field.input.type = showing ? "text" : "password";
    show.textContent = showing ? t("settings-hide") : t("settings-show");
    show.setAttribute("aria-pressed", String(showing));
  });
  field.labelEl = field.root.querySelector("label");
  return field;
}

/** A checkbox with its label to the right and an optional explanation below. */
export function checkField(opts) {
  const { ids } = opts;
  const input = h("input", {
    type: "checkbox",
    id: ids.id,
    "aria-describedby": opts.hint ? ids.hint : null,
    dataset: opts.data,
  });
  input.checked = !!opts.checked;
  const hintEl = opts.hint ? h("p", { class: "hint choice-hint", id: ids.hint }, opts.hint) : null;
  const root = h("div", { class: "field" }, h("label", { class: "choice" }, input, h("span", {}, opts.label)), hintEl);
  const errorEl = h("p", { class: "msg", id: ids.error, role: "alert", hidden: true });
  root.append(errorEl);
  return makeField(root, input, hintEl, errorEl);
}

/** A labelled select. `options`: [[value, text], ...]. */
export function selectField(opts) {
  const { ids } = opts;
  const input = h(
    "select",
    { id: ids.id, "aria-describedby": describedBy(ids, !!opts.hint), dataset: opts.data },
    opts.options.map(([value, text]) => h("option", { value }, text)),
  );
  input.value = opts.value;
  const hintEl = opts.hint ? h("p", { class: "hint", id: ids.hint }, opts.hint) : null;
  const errorEl = h("p", { class: "msg", id: ids.error, role: "alert", hidden: true });
  const root = h("div", { class: "field" }, h("label", { for: ids.id }, opts.label), input, hintEl, errorEl);
  return makeField(root, input, hintEl, errorEl);
}

/**
 * Radio buttons in a group with a visible caption. `options`: [[value, text, idBase]].
 * Returns a field whose `input` is the first radio (for focus) and `value()` the choice.
 */
export function radioField(opts) {
  const radios = opts.options.map(([value, text, id]) => {
    const radio = h("input", { type: "radio", name: opts.name, value, id, dataset: opts.data });
    radio.checked = value === opts.value;
    return { radio, label: h("label", { class: "choice" }, radio, " ", h("span", {}, text)) };
  });
  const root = h(
    "fieldset",
    { class: "choices", id: opts.id || null },
    h("legend", { class: "field-label" }, opts.label),
    radios.map((r) => r.label),
  );
  const errorEl = h("p", { class: "msg", role: "alert", hidden: true });
  root.append(errorEl);
  const field = makeField(root, radios[0].radio, null, errorEl);
  field.value = () => (radios.find((r) => r.radio.checked) || radios[0]).radio.value;
  field.radios = radios.map((r) => r.radio);
  return field;
}

/**
 * Placeholder chips that insert their text at the caret of `input` (or its end).
 * `items`: [[text, description]].
 */
export function placeholderChips(input, items, groupLabel, onInsert) {
  let selection = null;
  const remember = () => {
    selection = [input.selectionStart, input.selectionEnd];
  };
  input.addEventListener("keyup", remember);
  input.addEventListener("mouseup", remember);
  input.addEventListener("blur", remember);
  const chips = items.map(([text, description]) =>
    h(
      "button",
      {
        type: "button",
        class: "chip",
        title: description,
        "aria-label": t("settings-insert-placeholder", { placeholder: text, description }),
        onclick: () => {
          const len = input.value.length;
          const [start, end] = selection || [len, len];
          input.setRangeText(text, start ?? len, end ?? len, "end");
          input.focus();
          remember();
          input.dispatchEvent(new Event("input", { bubbles: true }));
          if (onInsert) onInsert();
        },
      },
      text,
    ),
  );
  return h("div", { class: "chips", role: "group", "aria-label": groupLabel }, chips);
}

/** A collapsible block: `summary` text, then `children`. */
export function disclosure(summary, children, { open = false, className = "", id = null } = {}) {
  const details = h("details", { class: `disclosure ${className}`.trim(), id }, h("summary", {}, summary), h("div", { class: "disclosure-body" }, children));
  details.open = open;
  return details;
}

/**
 * An inline "are you sure" in place of a dialog: `question`, a confirming button and a
 * button that keeps things as they were. Focus moves to the safe choice.
 */
export function confirmBox({ question, confirmText, keepText, onConfirm, onKeep }) {
  const keep = h("button", { type: "button", class: "btn btn-small" }, keepText);
  const confirm = h("button", { type: "button", class: "btn btn-small btn-danger" }, confirmText);
  const box = h("div", { class: "msg confirm-box", role: "alertdialog", dataset: { tone: "warn" } }, h("p", {}, question), h("div", { class: "field-inline" }, confirm, keep));
  keep.addEventListener("click", () => {
    box.remove();
    onKeep();
  });
  confirm.addEventListener("click", () => {
    box.remove();
    onConfirm();
  });
  box.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      box.remove();
      onKeep();
    }
  });
  box.focusSafe = () => keep.focus();
  return box;
}
