// "Recent calls": the call history, newest first, searchable, with the missed calls still to
// deal with one click away. Each call can be called back, its number copied, a note kept,
// and a missed call marked done. Shown missed calls are marked seen.

import * as api from "./api.js";
import { $, $$, debounce, h, replace, setText, showMessage } from "./dom.js";
import { t } from "./i18n.js";
import { callTime, formatDuration, describeDuration } from "./format.js";

const PAGE = 30;
const FILTERS = ["all", "missed", "unresolved"];

/** How a call went, for the icon and the word next to it. */
function outcomeOf(record) {
  const dir = record.direction;
  switch (record.state) {
    case "ringing":
      return { icon: dir === "out" ? "out" : "in", word: dir === "out" ? t("main-outcome-calling") : t("main-outcome-ringing") };
    case "active":
      return { icon: dir === "out" ? "out" : "in", word: t("main-outcome-active") };
    case "answered":
      if (dir === "out") return { icon: "out", word: t("main-outcome-outgoing") };
      if (dir === "in") return { icon: "in", word: t("main-outcome-incoming") };
      return { icon: "in", word: t("main-outcome-answered") };
    case "missed":
      return { icon: "missed", word: t("main-outcome-missed") };
    case "rejected":
      return { icon: "blocked", word: t("main-outcome-rejected") };
    case "busy":
      return { icon: "blocked", word: t("main-outcome-busy") };
    case "failed":
      return { icon: "blocked", word: t("main-outcome-failed") };
    case "cancelled":
      return { icon: "out", word: t("main-outcome-cancelled") };
    case "answered_elsewhere":
      return { icon: "in", word: t("main-outcome-answered-elsewhere") };
    default:
      return { icon: dir === "out" ? "out" : "in", word: String(record.state || "") };
  }
}

const ICON_PATHS = {
  in: "M15 5 5 15M5 8v7h7",
  out: "M5 15 15 5M8 5h7v7",
  missed: "M3 7l6 6 4-4 4 4M13 13h4V9",
  blocked: "M5 5l10 10M15 5 5 15",
};

function icon(kind) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 20 20");
  svg.setAttribute("class", "history-icon-svg");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICON_PATHS[kind] || ICON_PATHS.in);
  svg.append(path);
  return svg;
}

/** An ISO time for <time datetime>, or nothing for a time that is not one. */
function isoTime(ms) {
  const date = new Date(Number(ms));
  return Number.isFinite(date.getTime()) ? date.toISOString() : null;
}

const needsAttention = (r) => r.state === "missed" && !r.resolution;

function resolutionText(record) {
  if (record.state !== "missed") return "";
  if (!record.resolution) return t("main-history-todo");
  const how = record.resolution.how;
  if (how === "callback") return t("main-history-called-back");
  if (how === "answered_later") return t("main-history-answered-later");
  return t("main-history-done");
}

function who(record) {
  const name = (record.contact && record.contact.name) || (record.name || "").trim();
  const number = (record.display_number || record.number || "").trim();
  if (name && number && name !== number) return { title: name, number };
  if (name || number) return { title: name || number, number: "" };
  return { title: t("main-history-unknown-number"), number: "" };
}

/**
 * Wires the "Recent calls" panel (its elements are in index.html).
 * - dialText(text): dials with the main window's chosen phone, resolves to what is called.
 * - isShown(): whether the panel is on screen (only then are missed calls marked seen).
 */
export function createHistory({ dialText, isShown }) {
  const el = {
    search: $("#history-search"),
    filters: $$("#history-filter [data-filter]"),
    todoCount: $("#history-todo-count"),
    status: $("#history-status"),
    list: $("#history-list"),
    empty: $("#history-empty"),
    more: $("#history-more"),
    exportBtn: $("#history-export"),
    doneAll: $("#history-done-all"),
    exported: $("#history-exported"),
  };
  const state = {
    text: "",
    filter: "all",
    items: [],
    next: null,
    loaded: false,
    loading: false,
    seq: 0,
    error: null,
    /** The call whose note is being edited: refreshes wait until it is saved or dropped. */
    editing: null,
    refreshWanted: false,
  };
  const sentSeen = new Set();
  let statusTimer = null;

  const query = () => ({ text: state.text, filter: state.filter });

  function flash(message, tone = "ok") {
    clearTimeout(statusTimer);
    showMessage(el.status, message, tone);
    if (message && tone !== "error") statusTimer = setTimeout(() => showMessage(el.status, ""), 5000);
  }

  // ---------- loading ----------

  async function load({ append = false } = {}) {
    const mine = ++state.seq;
    state.loading = true;
    const limit = append ? PAGE : Math.min(1000, Math.max(PAGE, state.items.length));
    const slow = setTimeout(() => {
      if (mine === state.seq && !append) el.list.setAttribute("aria-busy", "true");
    }, 300);
    el.more.disabled = true;
    try {
      const page = await api.invoke("list_calls", { query: query(), after: append ? state.next : null, limit });
      if (mine !== state.seq) return;
      const calls = (page && page.calls) || [];
      state.items = append ? state.items.concat(calls.filter((c) => !state.items.some((x) => x.id === c.id))) : calls;
      state.next = (page && page.next) || null;
      state.error = null;
      state.loaded = true;
      render();
      markSeen();
    } catch (err) {
      if (mine !== state.seq) return;
      state.error = err;
      render();
    } finally {
      clearTimeout(slow);
      if (mine === state.seq) {
        state.loading = false;
        el.list.removeAttribute("aria-busy");
        el.more.disabled = false;
      }
    }
  }

  /** Reloads what is shown (after a call ended, a note, a change of the missed count). */
  function refresh() {
    if (!state.loaded) return;
    if (state.editing !== null) {
      state.refreshWanted = true;
      return;
    }
    load();
  }

  /** Missed calls on screen are no longer new. */
  async function markSeen() {
    if (!isShown() || document.visibilityState === "hidden") return;
    const ids = state.items.filter((r) => r.state === "missed" && !r.seen && !sentSeen.has(r.id)).map((r) => r.id);
    if (!ids.length) return;
    ids.forEach((id) => sentSeen.add(id));
    try {
      await api.invoke("mark_calls_seen", { ids });
    } catch (err) {
      ids.forEach((id) => sentSeen.delete(id));
      console.warn("callpop: cannot mark calls seen", err);
    }
  }

  // ---------- rendering ----------

  function render() {
    const focus = rememberFocus();
    replace(el.list, state.items.map(row));
    restoreFocus(focus);

    let empty = "";
    if (state.error) empty = "";
    else if (!state.items.length && state.loaded) {
      if (state.text.trim()) empty = t("main-history-no-match", { text: state.text.trim() });
      else empty = t(`main-history-empty-${state.filter}`);
    }
    setText(el.empty, empty);
    el.empty.hidden = !empty;
    el.empty.dataset.filter = state.filter;
    if (state.error) {
      showMessage(el.status, t("main-history-error", { message: state.error.message }), "error");
    } else if (el.status.dataset.tone === "error") {
      showMessage(el.status, "");
    }
    el.more.hidden = !state.next;
    const todo = state.items.filter(needsAttention);
    el.doneAll.hidden = !(state.filter === "unresolved" && todo.length > 1);
    el.exportBtn.disabled = !state.items.length;
    for (const b of el.filters) b.setAttribute("aria-pressed", String(b.dataset.filter === state.filter));
  }

  function row(record) {
    const person = who(record);
    const outcome = outcomeOf(record);
    const when = callTime(record.started_at_ms);
    const duration =
      record.answered_at_ms != null && record.ended_at_ms != null ? Math.max(0, record.ended_at_ms - record.answered_at_ms) : null;
    const attention = needsAttention(record);
    const isNew = record.state === "missed" && !record.seen;
    const resolution = resolutionText(record);
    const number = (record.number || "").trim();

    const actions = [];
    if (number) {
      actions.push(
        small("dial", t("main-history-call"), t("main-history-call-title", { number }), async (b) => {
          b.disabled = true;
          try {
            const shown = await dialText(number);
            flash(t("main-dial-calling", { number: shown }));
          } catch (err) {
            flash(err.message, "error");
          } finally {
            b.disabled = false;
          }
        }),
        small("copy_number", t("main-history-copy"), t("main-history-copy-title", { number }), async () => {
          try {
            await api.invoke("copy_text", { text: number });
            flash(t("main-history-copied", { number }));
          } catch (err) {
            flash(err.message, "error");
          }
        }),
      );
    }
    actions.push(
      small("edit_note", record.note ? t("main-history-edit-note") : t("main-history-add-note"), null, () => openNote(record)),
    );
    if (attention) {
      actions.push(
        small("mark_done", t("main-history-mark-done"), t("main-history-mark-done-title"), () => markDone([record.id])),
      );
    }
    // Screen readers hear whose call a button is about ("Call, Ann Lee").
    for (const b of actions) b.setAttribute("aria-describedby", `call-${record.id}-who`);

    const li = h(
      "li",
      {
        class: `history-row${attention ? " needs-attention" : ""}${isNew ? " is-new" : ""}`,
        dataset: {
          id: String(record.id),
          state: record.state,
          direction: record.direction,
          seen: String(!!record.seen),
          resolved: record.state === "missed" ? String(!!record.resolution) : null,
        },
      },
      h("span", { class: `history-icon icon-${outcome.icon}` }, icon(outcome.icon)),
      h(
        "div",
        { class: "history-main" },
        h(
          "div",
          { class: "history-top" },
          h("span", { class: "history-who", id: `call-${record.id}-who`, title: person.title }, person.title),
          isNew ? h("span", { class: "badge badge-new", dataset: { state: "new" } }, t("main-history-new")) : null,
          h("time", { class: "history-time", datetime: isoTime(record.started_at_ms), title: when.full }, when.short),
        ),
        h(
          "div",
          { class: "history-meta" },
          person.number ? h("span", { class: "history-number" }, person.number) : null,
          h("span", { class: "history-outcome", dataset: { kind: outcome.icon } }, outcome.word),
          duration !== null && duration >= 1000
            ? h("span", { class: "history-duration", "aria-label": describeDuration(duration) }, formatDuration(duration))
            : null,
          resolution ? h("span", { class: "history-resolution", dataset: { state: record.resolution ? "done" : "todo" } }, resolution) : null,
        ),
        record.note ? h("p", { class: "history-note", dataset: { kind: "note" } }, record.note) : null,
        h("div", { class: "history-note-editor", hidden: true }),
        h("div", { class: "history-actions" }, actions),
      ),
    );
    return li;
  }

  function small(action, label, title, onclick) {
    const b = h("button", { type: "button", class: "btn btn-small", title, dataset: { action } }, label);
    b.addEventListener("click", () => onclick(b));
    return b;
  }

  // ---------- notes ----------

  function openNote(record) {
    const li = el.list.querySelector(`[data-id="${record.id}"]`);
    if (!li) return;
    const editor = li.querySelector(".history-note-editor");
    const shown = li.querySelector(".history-note");
    const buttons = li.querySelector(".history-actions");
    state.editing = record.id;
    const id = `note-${record.id}`;
    const area = h("textarea", { id, rows: "3", maxlength: "2000", class: "history-note-input" });
    area.value = record.note || "";
    const error = h("p", { class: "field-error", role: "alert", hidden: true });
    const save = h("button", { type: "button", class: "btn btn-small btn-primary", dataset: { action: "save_note" } }, t("main-history-save-note"));
    const cancel = h("button", { type: "button", class: "btn btn-small", dataset: { action: "cancel_note" } }, t("main-history-cancel-note"));
    replace(
      editor,
      h("label", { for: id, class: "visually-hidden" }, t("main-history-note-label", { who: who(record).title })),
      area,
      error,
      h("div", { class: "history-note-buttons" }, save, cancel, h("span", { class: "hint" }, t("main-history-note-keys"))),
    );
    editor.hidden = false;
    buttons.hidden = true;
    if (shown) shown.hidden = true;

    const close = (returnFocus) => {
      state.editing = null;
      editor.hidden = true;
      replace(editor);
      buttons.hidden = false;
      if (shown) shown.hidden = false;
      if (returnFocus) {
        const b = li.querySelector('[data-action="edit_note"]');
        if (b) b.focus();
      }
      if (state.refreshWanted) {
        state.refreshWanted = false;
        load();
      }
    };
    const submit = async () => {
      const note = area.value.trim();
      save.disabled = true;
      try {
        await api.invoke("set_call_note", { id: record.id, note });
        record.note = note;
        state.editing = null;
        const fresh = row(record);
        li.replaceWith(fresh);
        const b = fresh.querySelector('[data-action="edit_note"]');
        if (b) b.focus();
        flash(note ? t("main-history-note-saved") : t("main-history-note-removed"));
        if (state.refreshWanted) {
          state.refreshWanted = false;
          load();
        }
      } catch (err) {
        showMessage(error, err.message);
        save.disabled = false;
      }
    };
    save.addEventListener("click", submit);
    cancel.addEventListener("click", () => close(true));
    area.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        submit();
      } else if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        close(true);
      }
    });
    area.focus();
  }

  // ---------- done, export ----------

  async function markDone(ids) {
    if (!ids.length) return;
    try {
      const n = await api.invoke("mark_calls_done", { ids });
      flash(t("main-history-marked-done", { count: typeof n === "number" ? n : ids.length }));
      // Keep the focus in the list: on the next row's first button, if any.
      load();
    } catch (err) {
      flash(err.message, "error");
    }
  }

  el.doneAll.addEventListener("click", () => markDone(state.items.filter(needsAttention).map((r) => r.id)));

  el.exportBtn.addEventListener("click", async () => {
    el.exportBtn.disabled = true;
    showMessage(el.exported, "");
    try {
      const path = await api.invoke("export_calls", { query: query() });
      replace(el.exported, t("main-history-exported"), " ", h("code", { class: "history-path" }, String(path)));
      el.exported.hidden = false;
      el.exported.dataset.tone = "ok";
    } catch (err) {
      showMessage(el.exported, err.message, "error");
    } finally {
      el.exportBtn.disabled = !state.items.length;
    }
  });

  // ---------- search and filter ----------

  const searchLater = debounce(() => {
    state.text = el.search.value;
    load();
  }, 250);
  el.search.addEventListener("input", searchLater);
  el.search.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && el.search.value) {
      e.preventDefault();
      e.stopPropagation();
      el.search.value = "";
      state.text = "";
      load();
    }
  });

  function setFilter(filter) {
    if (!FILTERS.includes(filter)) return;
    state.filter = filter;
    render();
    load();
  }
  for (const b of el.filters) b.addEventListener("click", () => setFilter(b.dataset.filter));

  el.more.addEventListener("click", () => load({ append: true }));

  // ---------- focus across re-renders ----------

  function rememberFocus() {
    const active = document.activeElement;
    if (!active || !el.list.contains(active)) return null;
    const li = active.closest("[data-id]");
    return li ? { id: li.dataset.id, action: active.dataset.action } : null;
  }

  function restoreFocus(focus) {
    if (!focus) return;
    const li = el.list.querySelector(`[data-id="${focus.id}"]`);
    const target = li && (li.querySelector(`[data-action="${focus.action}"]`) || li.querySelector("button"));
    if (target) target.focus();
    else if (el.list.querySelector("button")) el.list.querySelector("button").focus();
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") markSeen();
  });

  return {
    /** The panel came on screen: load it the first time, else mark what it shows as seen. */
    shown(filter) {
      const changed = !!filter && filter !== state.filter;
      if (changed) state.filter = filter;
      render();
      if (!state.loaded || changed) load();
      else markSeen();
    },
    refresh,
    /** The number of missed calls to deal with, for the To do filter. */
    setMissed(count) {
      setText(el.todoCount, count > 0 ? String(count) : "");
      el.todoCount.hidden = !(count > 0);
    },
  };
}
