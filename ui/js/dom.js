// Tiny DOM helpers: build elements without innerHTML, so text from the phone (caller names,
// error messages) is never interpreted as markup.

/**
 * h("button", {class: "btn", onclick: fn, disabled: true}, "Answer")
 * Attributes: `class`, `text`, `on<event>` (listener), `dataset` (object; null entries are
 * left out), booleans toggle
 * the attribute, null/undefined/false skip it. Children: nodes, strings, arrays, null.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key === "dataset") {
      for (const [name, data] of Object.entries(value)) {
        if (data !== null && data !== undefined) el.dataset[name] = String(data);
      }
    }
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replaces all children of `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

/** Shows `message` in `el` (role=alert area next to a control), or hides it when empty. */
export function showMessage(el, message, tone = "error") {
  if (!el) return;
  el.textContent = message || "";
  el.hidden = !message;
  el.dataset.tone = tone;
}

/** Sets a button's enabled state. */
export function setEnabled(button, enabled) {
  button.disabled = !enabled;
}

/** Calls `fn` `wait` ms after the last call. */
export function debounce(fn, wait) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}

/** Sets text only when it changed, so live regions do not re-announce the same words. */
export function setText(node, text) {
  const value = text == null ? "" : String(text);
  if (node.textContent !== value) node.textContent = value;
}

/** Replaces the `tone-*` class of `node` (state colours, see css/app.css). */
export function setTone(node, tone) {
  for (const cls of Array.from(node.classList)) {
    if (cls.startsWith("tone-")) node.classList.remove(cls);
  }
  node.classList.add(`tone-${tone}`);
}

/** Remembers a small value across windows and restarts; quietly forgets without storage. */
export const stored = {
  get(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      if (value === null || value === undefined) localStorage.removeItem(key);
      else localStorage.setItem(key, String(value));
    } catch {
      // Storage may be unavailable: the choice is just not remembered.
    }
  },
};
