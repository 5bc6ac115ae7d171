// "Call a number": the number field, its dial pad and preview, the phone to call from (when
// several phones can dial; the choice is remembered), the account to call from (when that
// phone has several), and the hotkey's pending dial notice.

import * as api from "./api.js";
import { $, h, replace, stored } from "./dom.js";
import { t } from "./i18n.js";
import { setupDialpad } from "./dialpad.js";
import { createAccountPicker } from "./dial_account.js";

const PAD_KEY = "callpop.dialpad.open";
const PHONE_KEY = "callpop.dial.phone";

export function createDial() {
  const el = {
    number: $("#number"),
    call: $("#btn-call"),
    preview: $("#dial-preview"),
    padToggle: $("#pad-toggle"),
    pad: $("#dialpad"),
    fromRow: $("#dial-from"),
    phone: $("#dial-phone"),
    accountRow: $("#dial-account-row"),
    account: $("#dial-account"),
    pending: $("#pending-dial"),
    section: $("#dial-section"),
  };
  let dialers = [];
  const accounts = createAccountPicker({ row: el.accountRow, select: el.account });

  const dialpad = setupDialpad({
    input: el.number,
    pad: el.pad,
    previewEl: el.preview,
    preview: (text) => api.invoke("preview_number", { text }),
    onChange: (text) => {
      el.call.disabled = !text.trim();
    },
    onDial: dial,
  });

  /** The phone id to dial on, or undefined for the app's choice (the first that can dial). */
  function chosenPhone() {
    if (dialers.length < 2) return undefined;
    return el.phone.value || undefined;
  }

  /** The phone the next dial goes to, when the window can tell (one dialer, or the chosen one). */
  function currentPhone() {
    if (dialers.length === 1) return dialers[0];
    return dialers.find((p) => p.id === el.phone.value) || null;
  }

  /** Dials `text` on the chosen phone; resolves to what is being called, rejects `{kind, message}`. */
  async function dialText(text) {
    const args = { text };
    const phone = chosenPhone();
    if (phone) args.phone = phone;
    const account = accounts.value();
    if (account !== undefined) {
      args.account = account;
      // The account belongs to this phone: the dial must not go to another one.
      args.phone = currentPhone().id;
    }
    const result = await api.invoke("dial", args);
    return (result && (result.display || result.dial)) || text.trim();
  }

  async function dial() {
    const text = el.number.value;
    if (!text.trim()) {
      dialpad.showStatus(t("main-dial-empty"), "warn");
      return;
    }
    el.call.disabled = true;
    dialpad.showStatus(t("main-dial-calling-now"), "");
    try {
      const shown = await dialText(text);
      el.number.value = "";
      dialpad.showStatus(t("main-dial-calling", { number: shown }), "ok");
    } catch (err) {
      dialpad.showStatus(err.message, "error");
    } finally {
      el.call.disabled = !el.number.value.trim();
    }
  }
  el.call.addEventListener("click", dial);

  function setPadOpen(open) {
    el.pad.hidden = !open;
    el.padToggle.setAttribute("aria-expanded", String(open));
    el.padToggle.textContent = open ? t("main-pad-hide") : t("main-pad-show");
    stored.set(PAD_KEY, open ? "1" : "0");
  }
  el.padToggle.addEventListener("click", () => setPadOpen(el.pad.hidden));
  setPadOpen(stored.get(PAD_KEY) === "1" || new URLSearchParams(location.search).get("pad") === "1");

  el.phone.addEventListener("change", () => {
    stored.set(PHONE_KEY, el.phone.value);
    accounts.render(currentPhone());
  });

  function renderPhones(view) {
    dialers = (view.phones || []).filter((p) => p.capabilities && p.capabilities.dial);
    // No phone that can dial (none set up, or none reached yet): no field that can only fail.
    el.section.hidden = dialers.length === 0;
    el.fromRow.hidden = dialers.length < 2;
    if (dialers.length < 2) {
      accounts.render(currentPhone());
      return;
    }
    const wanted = el.phone.value || stored.get(PHONE_KEY);
    const key = dialers.map((p) => `${p.id}\u0000${p.name}\u0000${p.connection && p.connection.state}`).join("\u0001");
    if (el.phone.dataset.key !== key) {
      el.phone.dataset.key = key;
      replace(
        el.phone,
        dialers.map((p) => {
          const online = p.connection && p.connection.state === "online";
          return h("option", { value: p.id }, online ? p.name : t("main-dial-phone-offline", { phone: p.name }));
        }),
      );
    }
    const fallback = dialers.find((p) => p.connection && p.connection.state === "online") || dialers[0];
    el.phone.value = dialers.some((p) => p.id === wanted) ? wanted : fallback.id;
    accounts.render(currentPhone());
  }

  function renderPending(view) {
    const pending = view.pending_dial;
    el.pending.hidden = !pending;
    if (!pending) return;
    const others = (pending.others || []).filter(Boolean);
    replace(
      el.pending,
      h("p", { class: "pending-title" }, t("main-pending-dial", { number: pending.display })),
      others.length ? h("p", {}, t("main-pending-others", { count: others.length, numbers: others.join(", ") })) : null,
      h("p", { class: "hint" }, t("main-pending-cancel")),
    );
  }

  return {
    render(view) {
      renderPhones(view);
      renderPending(view);
    },
    dialText,
    dialpad,
    input: el.number,
  };
}
