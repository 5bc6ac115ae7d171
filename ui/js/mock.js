// A fake backend for looking at the pages in a plain browser: `index.html?mock=ringing`.
// Only used when `window.__TAURI__` is missing. The state has the app's shapes (AppView,
// PhoneView, CallView, CallRecord: see ui/README.md), and the commands behave roughly like the
// app (answer connects the call, hold holds it, a consultation puts the caller on hold...), so
// the pages can be clicked through. The settings page's commands are answered by
// js/mock_settings.js (`settingsMock(scenario, params)`), loaded when first needed.
//
// Scenarios: see SCENARIOS below and ui/README.md.

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const clone = (v) => JSON.parse(JSON.stringify(v));
const MINUTE = 60000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The commands js/mock_settings.js answers. */
const SETTINGS_COMMANDS = ["get_settings", "save_settings", "test_connection", "accept_certificate", "test_push", "preview_dialing", "setup_checklist"];

// ---------- People ----------

const ANN = {
  name: "Ann Lee",
  number: "+14165550123",
  display_number: "+1 416-555-0123",
  contact: { name: "Ann Lee", organization: "Lee & Partners Architects", source: "crm", link: "https://crm.example.com/contacts/4711" },
};
const MUELLER = {
  name: "Müller Logistik GmbH – Zentrale",
  number: "+49301234567",
  display_number: "+49 30 1234567",
  contact: { name: "Jonas Müller", organization: "Müller Logistik GmbH", source: "vcard:office.vcf", link: null },
};
const BOB = { name: "Bob Stone", number: "203", display_number: "203", contact: null };
const UNKNOWN = { name: "", number: "+442079460958", display_number: "+44 20 7946 0958", contact: null };
const JANE = {
  name: "Jane Black",
  number: "+33142685300",
  display_number: "+33 1 42 68 53 00",
  contact: { name: "Jane Black", organization: "Atelier Noir", source: "ldap", link: "https://crm.example.com/contacts/981" },
};
const SUPPORT = { name: "Support desk", number: "2043", display_number: "2043", contact: null };

// ---------- Phones ----------

const ALL_CAPS = { dial: true, answer: true, reject: true, hang_up: true, hold: true, mute: true, transfer: true, attended_transfer: true, dnd: true };

function grandstream(over = {}) {
  return {
    id: "desk",
    name: "Front desk",
    kind: "grandstream",
    kind_name: "Grandstream phone",
    label: "10.0.0.5",
    connection: { state: "online" },
    lines: [1, 2, 3, 4].map((line) => ({ line, state: "idle", name: "", number: "", account: 0, active: false, conference: false })),
    push: { state: "healthy", message: "The phone tells callpop about calls as they happen.", poll_interval_ms: 30000 },
    dnd: false,
    capabilities: { ...ALL_CAPS, attended_transfer: false },
    ...over,
  };
}

function asterisk(over = {}) {
  return {
    id: "pbx",
    name: "Office PBX",
    kind: "asterisk",
    kind_name: "Asterisk PBX",
    label: "pbx.office.lan",
    connection: { state: "online" },
    lines: [],
    push: { state: "off", message: "", poll_interval_ms: 0 },
    dnd: null,
    capabilities: { ...ALL_CAPS, hold: false, mute: false, attended_transfer: false, dnd: false },
    ...over,
  };
}

function xivo(over = {}) {
  return {
    id: "xivo",
    name: "Sales line",
    kind: "xivo",
    kind_name: "XiVO PBX",
    label: "xivo.example.com",
    connection: { state: "online" },
    lines: [],
    push: { state: "off", message: "", poll_interval_ms: 0 },
    dnd: false,
    capabilities: { ...ALL_CAPS, mute: false },
    ...over,
  };
}

// ---------- Calls ----------

let nextCallNo = 1;
function call(phone, person, over = {}) {
  return {
    call: `c${nextCallNo++}`,
    line: 1,
    phase: "ringing",
    direction: "incoming",
    number: person.number,
    name: person.name,
    account: 0,
    answered: false,
    source_call_id: "",
    phone: phone.id,
    phone_name: phone.name,
    display_number: person.display_number,
    contact: person.contact,
    muted: false,
    connected_at_ms: null,
    ...over,
  };
}

/** What the Rust side offers (crates/phone session::offered_actions), plus the mock's own rule
 * that a consultation's held caller can also be taken back (cancel_transfer). */
function offeredActions(c, caps) {
  const by = {
    ringing: ["answer", "reject"],
    dialing: ["hang_up"],
    connected: ["hold", c.muted ? "unmute" : "mute", "transfer", "consult_transfer", "hang_up"],
    held: c.consulting ? ["resume", "complete_transfer", "cancel_transfer", "hang_up"] : ["resume", "transfer", "complete_transfer", "hang_up"],
  };
  const allowed = {
    answer: caps.answer,
    reject: caps.reject,
    hang_up: caps.hang_up,
    hold: caps.hold,
    resume: caps.hold,
    mute: caps.mute,
    unmute: caps.mute,
    transfer: caps.transfer,
    consult_transfer: caps.attended_transfer,
    complete_transfer: caps.attended_transfer,
    cancel_transfer: caps.attended_transfer,
  };
  return (by[c.phase] || []).filter((a) => allowed[a]);
}

// ---------- History ----------

function record(id, person, startedAgo, over = {}) {
  const now = Date.now();
  const started = now - startedAgo;
  const state = over.state || "answered";
  const answered = state === "answered" ? started + 8000 : null;
  return {
    id,
    key: { source: "grandstream", device_id: "000B82AABBCC", source_call_id: `h${id}` },
    line: 1,
    direction: "in",
    state,
    number: person.number,
    e164: person.number.startsWith("+") ? person.number : null,
    match_key: null,
    name: person.name,
    contact: person.contact ? { name: person.contact.name, source: person.contact.source, reference: null } : null,
    started_at_ms: started,
    answered_at_ms: answered,
    ended_at_ms: state === "answered" ? answered + (over.talk_ms || 3 * MINUTE + 12000) : started + 25000,
    held_ms: 0,
    on_hold_since_ms: null,
    last_event_at_ms: started,
    interrupted: false,
    seen: true,
    resolution: null,
    note: "",
    created_at_ms: started,
    updated_at_ms: started,
    ...over,
  };
}

function richHistory() {
  const list = [
    record(101, UNKNOWN, 12 * MINUTE, { state: "missed", seen: false }),
    record(100, ANN, 48 * MINUTE, { state: "missed", seen: false, note: "Wants the revised floor plan before Friday." }),
    record(99, BOB, 2 * HOUR, { direction: "out", talk_ms: 95000 }),
    record(98, MUELLER, 3 * HOUR, { talk_ms: 14 * MINUTE + 3000, note: "Delivery moved to the 14th. Confirm by mail." }),
    record(97, JANE, DAY + 2 * HOUR, { state: "missed", resolution: { at_ms: Date.now() - DAY, how: "callback", by: 96 } }),
    record(96, JANE, DAY + HOUR, { direction: "out", talk_ms: 6 * MINUTE }),
    record(95, { name: "", number: "", display_number: "", contact: null }, DAY + 5 * HOUR, { state: "missed", resolution: { at_ms: Date.now() - DAY, how: "manual", by: null } }),
    record(94, SUPPORT, 2 * DAY, { direction: "out", state: "cancelled" }),
    record(93, ANN, 3 * DAY, { state: "answered_elsewhere" }),
    record(92, BOB, 4 * DAY, { state: "rejected" }),
    record(91, MUELLER, 40 * DAY, { state: "missed", seen: true }),
  ];
  // Older, plain calls: enough for "Show more".
  for (let i = 0; i < 36; i++) {
    const person = [ANN, BOB, MUELLER, JANE, SUPPORT][i % 5];
    list.push(record(90 - i, person, (5 + i) * DAY + i * HOUR, { direction: i % 3 ? "in" : "out", talk_ms: (i + 1) * 41000 }));
  }
  return list;
}

// ---------- Scenarios ----------

function baseState() {
  return {
    phones: [grandstream()],
    calls: [],
    demo: false,
    problems: [],
    hotkey: "Ctrl+Alt+D",
    pending_dial: null,
    history_available: true,
    history: richHistory(),
  };
}

function setLine(phone, n, patch) {
  const line = phone.lines.find((l) => l.line === n);
  if (line) Object.assign(line, patch);
}

const SCENARIOS = {
  /** An incoming call with a contact and a CRM link. */
  ringing(s) {
    const desk = s.phones[0];
    s.calls.push(call(desk, ANN));
    setLine(desk, 1, { state: "ringing", name: ANN.name, number: ANN.number, active: true });
  },
  /** A connected call and a held call. */
  incall(s) {
    const desk = s.phones[0];
    const now = Date.now();
    s.calls.push(call(desk, MUELLER, { phase: "connected", direction: "outgoing", answered: true, connected_at_ms: now - 754000 }));
    s.calls.push(call(desk, ANN, { line: 2, phase: "held", answered: true, connected_at_ms: now - 3723000 }));
    setLine(desk, 1, { state: "connected", name: MUELLER.name, number: MUELLER.number, active: true });
    setLine(desk, 2, { state: "onhold", name: ANN.name, number: ANN.number });
  },
  /** Phone unreachable, app problems, silent push. */
  offline(s) {
    s.phones[0] = grandstream({
      connection: {
        state: "offline",
        error: { kind: "unreachable", message: "Cannot reach the phone at 10.0.0.5: connection refused. Check that the phone is on and the address in Settings is right." },
        retry_in_ms: 8000,
      },
      lines: [],
      push: { state: "silent", message: "The phone has not reported a call for a while. Check the Action URL settings on the phone.", poll_interval_ms: 1000 },
    });
    s.problems = [
      { kind: "settings_file_broken", message: "The settings file could not be read (line 4: expected a value). It was kept aside as settings.toml.broken and callpop started with default settings." },
      { kind: "hotkey_unavailable", message: "The hotkey Ctrl+Alt+D is already used by another program. Pick another one in Settings." },
    ];
  },
  /** Remote control refused on the phone. */
  attention(s) {
    s.phones[0] = grandstream({
      connection: {
        state: "needs_attention",
        error: { kind: "remote_control_denied", message: "The phone refused remote control from this computer. On the phone's web page open Network > Remote Control, set \"Action URI Support\" to Enabled and add this computer's address to \"Action URI Allowed IP List\"." },
      },
      lines: [],
    });
  },
  /** No password stored for the phone. */
  nopassword(s) {
    s.phones[0] = grandstream({
      connection: { state: "needs_attention", error: { kind: "no_password", message: "No password is stored for Front desk. Enter it in Settings." } },
      lines: [],
      push: { state: "off", message: "", poll_interval_ms: 0 },
      dnd: null,
      capabilities: {},
    });
  },
  /** Nothing configured yet. */
  setup(s) {
    s.phones = [];
    s.history = [];
  },
  /** Two phones: a Grandstream with a call in progress and an Asterisk PBX (no lines) ringing. */
  twophones(s) {
    const desk = s.phones[0];
    const pbx = asterisk();
    s.phones.push(pbx);
    desk.dnd = false;
    s.calls.push(call(desk, MUELLER, { phase: "connected", direction: "outgoing", answered: true, connected_at_ms: Date.now() - 95000 }));
    setLine(desk, 1, { state: "connected", name: MUELLER.name, number: MUELLER.number, active: true });
    s.calls.push(call(pbx, JANE));
  },
  /** Two phones in trouble: one unreachable, one without a password. */
  phonesdown(s) {
    s.phones = [
      grandstream({
        connection: { state: "offline", error: { kind: "unreachable", message: "Cannot reach the phone at 10.0.0.5: timed out after 3 s. Check that the phone is on and the address in Settings is right." }, retry_in_ms: 65000 },
        lines: [],
        push: { state: "silent", message: "The phone has not reported a call for a while. Check the Action URL settings on the phone.", poll_interval_ms: 1000 },
      }),
      asterisk({ connection: { state: "needs_attention", error: { kind: "no_password", message: "No password is stored for Office PBX. Enter it in Settings." } }, capabilities: {} }),
      xivo({ dnd: true }),
    ];
  },
  /** A XiVO call with what the PBX attached, in a consultation transfer. */
  xivo(s) {
    const sales = xivo();
    s.phones = [sales];
    const now = Date.now();
    s.calls.push(
      call(sales, JANE, {
        phase: "held",
        answered: true,
        connected_at_ms: now - 4 * MINUTE,
        consulting: true,
        info: { Queue: "Sales", "Number dialled": "0800 123 456", "Ticket no": "A-12", "Customer tier": "Gold" },
      }),
    );
    s.calls.push(call(sales, SUPPORT, { line: 2, phase: "connected", direction: "outgoing", answered: true, connected_at_ms: now - 40000 }));
  },
  /** A XiVO call ringing with its queue and the number dialled. */
  xivoring(s) {
    const sales = xivo();
    s.phones = [sales];
    s.calls.push(call(sales, UNKNOWN, { info: { Queue: "Sales", "Number dialled": "0800 123 456", "Ticket no": "A-12" } }));
  },
  /** The hotkey found a number and will dial it in a moment. */
  pending(s) {
    s.pending_dial = { display: "+1 416-555-0123", others: ["+49 30 901820", "203"] };
  },
  /** Recent calls with missed, unresolved and answered calls and notes (opens that tab). */
  history() {},
  /** The history is there but empty. */
  emptyhistory(s) {
    s.history = [];
  },
  /** No call history at all (its database could not be opened). */
  nohistory(s) {
    s.history_available = false;
    s.history = [];
    s.problems = [{ kind: "history_unavailable", message: "The call history could not be opened (disk full). Calls still ring and can be answered; they are just not kept." }];
  },
  /** The demo phone. */
  demo(s) {
    s.demo = true;
    s.phones[0].label = "";
    s.phones[0].name = "Demo phone";
  },
};

export const SCENARIO_NAMES = Object.keys(SCENARIOS);

// ---------- The mock backend ----------

export function createMock(scenario, params) {
  const s = baseState();
  (SCENARIOS[scenario] || (() => {}))(s);
  const listeners = new Map();
  let settingsHandlers = null;

  const emit = (name, payload) => {
    for (const cb of listeners.get(name) || []) cb({ event: name, id: 0, payload: clone(payload) });
  };
  const phoneOf = (c) => s.phones.find((p) => p.id === c.phone);
  const online = (p) => p && p.connection.state === "online";

  function view() {
    const missed = s.history.filter((r) => r.state === "missed" && !r.resolution).length;
    const calls = s.calls.map((c) => {
      const phone = phoneOf(c);
      const out = { ...c, actions: online(phone) ? offeredActions(c, phone.capabilities || {}) : [] };
      delete out.consulting;
      if (!out.info || !Object.keys(out.info).length) delete out.info;
      return out;
    });
    const ringing = calls.find((c) => c.phase === "ringing");
    const mood = ringing ? "ringing" : calls.some((c) => c.phase === "connected" || c.phase === "dialing") ? "in_call" : calls.length ? "on_hold" : s.phones.some(online) ? "idle" : "offline";
    return {
      phones: s.phones,
      calls,
      demo: s.demo,
      problems: s.problems,
      hotkey: s.hotkey,
      pending_dial: s.pending_dial,
      missed,
      history_available: s.history_available,
      headline: ringing ? `Ringing: ${ringing.name || ringing.display_number}` : "Phone connected",
      mood,
    };
  }
  const changed = () => emit("phone-state", view());
  const fail = (kind, message, extra = {}) => Promise.reject({ kind, message, ...extra });

  function lineState(phase) {
    return { ringing: "ringing", dialing: "calling", connected: "connected", held: "onhold" }[phase] || "idle";
  }
  function syncLine(c, gone = false) {
    const phone = phoneOf(c);
    if (!phone || !phone.lines.length) return;
    if (gone) setLine(phone, c.line, { state: "idle", name: "", number: "", active: false });
    else setLine(phone, c.line, { state: lineState(c.phase), name: c.name, number: c.number, active: true });
  }
  function event(kind, c, outcome) {
    const payload = { phone: c.phone, at_ms: Date.now(), event: kind, call: c.call, line: c.line, number: c.number, name: c.name, direction: c.direction, account: 0 };
    if (outcome) payload.outcome = outcome;
    emit("call-event", payload);
  }
  function setPhase(c, phase) {
    c.phase = phase;
    if (phase === "connected" && !c.answered) {
      c.answered = true;
      c.connected_at_ms = Date.now();
    }
    syncLine(c);
  }
  /** A call is over: out of the state, into the history. */
  function end(c, outcome) {
    s.calls = s.calls.filter((x) => x !== c);
    syncLine(c, true);
    const id = Math.max(0, ...s.history.map((r) => r.id)) + 1;
    const person = { name: c.name, number: c.number, display_number: c.display_number, contact: c.contact };
    const state = outcome === "lost" ? "answered" : outcome;
    s.history.unshift(
      record(id, person, c.connected_at_ms ? Date.now() - c.connected_at_ms : 20000, {
        state,
        direction: c.direction === "outgoing" ? "out" : "in",
        seen: outcome !== "missed",
        ended_at_ms: Date.now(),
      }),
    );
    // The app's order: the new state first, then the call's final event.
    changed();
    event(outcome === "missed" ? "missed" : "ended", c, outcome);
  }
  function freeLine(phone) {
    if (!phone.lines.length) return Math.max(0, ...s.calls.filter((c) => c.phone === phone.id).map((c) => c.line)) + 1;
    const free = phone.lines.find((l) => l.state === "idle" && !s.calls.some((c) => c.phone === phone.id && c.line === l.line));
    return free ? free.line : null;
  }
  function placeCall(phone, number, over = {}) {
    const line = freeLine(phone);
    if (line === null) return null;
    const c = call(phone, { name: "", number, display_number: number, contact: null }, { line, phase: "dialing", direction: "outgoing", ...over });
    s.calls.push(c);
    syncLine(c);
    event("dialing", c);
    setTimeout(() => {
      if (!s.calls.includes(c) || c.phase !== "dialing") return;
      setPhase(c, "connected");
      event("connected", c);
      changed();
    }, 2500);
    return c;
  }
  function mockPreview(text) {
    const raw = String(text || "").trim();
    if (!raw) return "Nothing to dial: no text was selected";
    const digits = raw.replace(/[^\d+*#]/g, "");
    if (!/\d/.test(digits)) return `No phone number found in “${raw.slice(0, 40)}”`;
    if (/^[*#]/.test(digits) || digits.replace(/\D/g, "").length <= 6) return `${raw} → dials ${digits} (internal, no outside line)`;
    if (digits.startsWith("+1")) return `${raw} → dials 9 1 ${digits.slice(2, 5)} ${digits.slice(5, 8)} ${digits.slice(8)}`;
    if (digits.startsWith("+")) return `${raw} → dials 9 011 ${digits.slice(1)}`;
    return `${raw} → dials 9 ${digits}`;
  }

  const act = {
    answer(c) {
      for (const other of s.calls) if (other !== c && other.phone === c.phone && other.phase === "connected") setPhase(other, "held");
      setPhase(c, "connected");
      event("connected", c);
    },
    reject: (c) => end(c, "rejected"),
    hang_up: (c) => end(c, c.answered ? "answered" : c.direction === "outgoing" ? "cancelled" : "missed"),
    hold(c) {
      setPhase(c, "held");
      event("held", c);
    },
    resume(c) {
      for (const other of s.calls) if (other !== c && other.phone === c.phone && other.phase === "connected") setPhase(other, "held");
      c.consulting = false;
      setPhase(c, "connected");
      event("resumed", c);
    },
    mute(c) {
      c.muted = true;
    },
    unmute(c) {
      c.muted = false;
    },
    transfer(c, to) {
      end(c, "answered");
      console.info(`mock: transferred to ${to}`);
    },
    consult_transfer(c, to) {
      setPhase(c, "held");
      c.consulting = true;
      placeCall(phoneOf(c), to);
    },
    complete_transfer(c) {
      const consult = s.calls.find((x) => x !== c && x.phone === c.phone && x.direction === "outgoing");
      if (consult) end(consult, "answered");
      end(c, "answered");
    },
    cancel_transfer(c) {
      const consult = s.calls.find((x) => x !== c && x.phone === c.phone && x.direction === "outgoing");
      if (consult) end(consult, "answered");
      this.resume(c);
    },
  };

  function listCalls({ query, after, limit }) {
    const q = query || {};
    const text = String(q.text || "").trim().toLowerCase();
    const digits = text.replace(/\D/g, "");
    let list = s.history.slice().sort((a, b) => b.started_at_ms - a.started_at_ms || b.id - a.id);
    if (q.filter === "missed") list = list.filter((r) => r.state === "missed");
    if (q.filter === "unresolved") list = list.filter((r) => r.state === "missed" && !r.resolution);
    if (text) {
      list = list.filter((r) => {
        const words = `${r.name} ${r.contact ? r.contact.name : ""} ${r.note}`.toLowerCase();
        return words.includes(text) || (digits.length >= 2 && r.number.replace(/\D/g, "").includes(digits));
      });
    }
    if (after) {
      list = list.filter((r) => r.started_at_ms < after.started_at_ms || (r.started_at_ms === after.started_at_ms && r.id < after.id));
    }
    const n = Math.max(1, Math.min(1000, limit || 50));
    const page = list.slice(0, n);
    const last = page[page.length - 1];
    return { calls: page, next: list.length > n && last ? { started_at_ms: last.started_at_ms, id: last.id } : null };
  }

  const commands = {
    async get_state() {
      return view();
    },
    async act({ call: id, action, to }) {
      await wait(120);
      const c = s.calls.find((x) => x.call === id);
      if (!c) return fail("call_over", "That call is already over.");
      const phone = phoneOf(c);
      if (!offeredActions(c, phone.capabilities).includes(action)) {
        return fail("not_offered", `The phone cannot ${action.replace(/_/g, " ")} this call right now.`);
      }
      if (action === "transfer" || action === "consult_transfer") {
        const digits = String(to || "").replace(/[^\d+*#]/g, "");
        if (!/\d/.test(digits)) return fail("bad_number", `There is no phone number in “${String(to || "").slice(0, 40)}”.`);
        if (digits === "666") return fail("command_refused", "The PBX refused the transfer: extension 666 does not exist.");
      }
      act[action](c, to);
      changed();
      return null;
    },
    async dial({ text, phone: phoneId }) {
      await wait(150);
      const preview = mockPreview(text);
      if (!preview.includes("→")) return fail("bad_number", preview);
      const phone = phoneId ? s.phones.find((p) => p.id === phoneId) : s.phones.find((p) => online(p) && p.capabilities.dial);
      if (!phone) return fail("not_configured", "No phone is connected yet. Set up your phone in Settings.");
      if (!online(phone)) return fail("unreachable", `Cannot reach ${phone.name}: connection refused. Check that the phone is on and the address in Settings is right.`);
      const c = placeCall(phone, String(text).trim());
      if (!c) return fail("command_refused", "The phone refused to dial: all lines are busy.");
      changed();
      return { display: c.display_number, dial: preview.split("→ dials ")[1] };
    },
    async set_dnd({ phone: id, on }) {
      await wait(200);
      const phone = s.phones.find((p) => p.id === id);
      if (!phone) return fail("not_configured", "That phone is not set up.");
      phone.dnd = !!on;
      changed();
      return null;
    },
    async preview_number({ text }) {
      await wait(40);
      return mockPreview(text);
    },
    async copy_text({ text }) {
      console.info(`mock: copied ${text}`);
      return null;
    },
    async list_calls(args) {
      await wait(120);
      if (!s.history_available) return fail("no_history", "The call history is not available (see the problem shown in the main window).");
      return listCalls(args);
    },
    async set_call_note({ id, note }) {
      await wait(80);
      const r = s.history.find((x) => x.id === id);
      if (r) r.note = String(note).slice(0, 2000);
      changed();
      return null;
    },
    async mark_calls_done({ ids }) {
      await wait(80);
      let n = 0;
      for (const r of s.history) {
        if (ids.includes(r.id) && r.state === "missed" && !r.resolution) {
          r.resolution = { at_ms: Date.now(), how: "manual", by: null };
          n++;
        }
      }
      changed();
      return n;
    },
    async mark_calls_seen({ ids }) {
      let n = 0;
      for (const r of s.history) {
        if (ids.includes(r.id) && !r.seen) {
          r.seen = true;
          n++;
        }
      }
      return n;
    },
    async export_calls() {
      await wait(300);
      return `/home/ann/Downloads/callpop-calls-${Math.floor(Date.now() / 1000)}.csv`;
    },
    async fit_call_window() {
      return null;
    },
    async open_window({ name }) {
      console.info(`mock: open_window(${name})`);
      return null;
    },
  };

  async function settingsCommand(name, args) {
    if (!settingsHandlers) {
      try {
        const mod = await import("./mock_settings.js");
        settingsHandlers = mod.settingsMock(scenario, params);
      } catch (err) {
        console.warn("mock: js/mock_settings.js is not usable:", err);
        return fail("mock_missing", "The settings page's mock (js/mock_settings.js) is not there yet.");
      }
    }
    const handler = settingsHandlers && settingsHandlers[name];
    if (!handler) return fail("unknown_command", `The settings mock does not answer ${name}.`);
    return handler(args);
  }

  // `&do=answer,mute,click:show_transfer` runs steps one after another once the page is up,
  // so screenshots can show what a page looks like after an action. A step is an action for
  // the most relevant call that offers it, `missed`/`lost` (the caller gives up / the phone
  // goes away), `ring` (a new call from Bob), `click:<data-action>` (a click on the page) or
  // `focus:<css selector>`, `type:<text>` (into the focused field) or `key:<key>` (a key
  // press, e.g. key:a).
  const script = (params.get("do") || "").split(",").filter(Boolean);
  if (script.length) {
    (async () => {
      await wait(500);
      for (const step of script) {
        await wait(400);
        try {
          if (step.startsWith("focus:")) {
            const target = document.querySelector(decodeURIComponent(step.slice(6)));
            if (target) target.focus();
          } else if (step.startsWith("key:")) {
            const key = step.slice(4);
            (document.activeElement || document.body).dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));
          } else if (step.startsWith("type:")) {
            const field = document.activeElement;
            if (field && "value" in field) {
              field.value = decodeURIComponent(step.slice(5));
              field.dispatchEvent(new Event("input", { bubbles: true }));
            }
          } else if (step.startsWith("click:")) {
            const target = document.querySelector(`[data-action="${step.slice(6)}"]`);
            if (target) target.click();
          } else if (step === "missed" || step === "lost") {
            const c = s.calls[0];
            if (c) end(c, step);
          } else if (step === "ring") {
            const desk = s.phones[0];
            const c = call(desk, BOB, { line: freeLine(desk) || 1 });
            s.calls.push(c);
            syncLine(c);
            event("ringing", c);
            changed();
          } else {
            const order = { ringing: 0, connected: 1, dialing: 2, held: 3 };
            const c = s.calls
              .slice()
              .sort((a, b) => order[a.phase] - order[b.phase])
              .find((x) => offeredActions(x, phoneOf(x).capabilities).includes(step));
            if (c) await commands.act({ call: c.call, action: step, to: "201" });
          }
        } catch (err) {
          console.warn("mock script:", step, err);
        }
      }
    })();
  }

  return {
    kind: "mock",
    async invoke(name, args) {
      if (SETTINGS_COMMANDS.includes(name)) return clone(await settingsCommand(name, args || {}));
      const command = commands[name];
      if (!command) return fail("unknown_command", `The mock does not know the command ${name}.`);
      return clone(await command(args || {}));
    },
    async listen(name, cb) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name).add(cb);
      return () => listeners.get(name).delete(cb);
    },
    currentWindow() {
      return {
        async close() {
          console.info("mock: window closed");
          document.title = `[closed] ${document.title}`;
        },
        async hide() {
          console.info("mock: window hidden");
        },
        async setFocus() {
          window.focus();
        },
      };
    },
    async openLink(url) {
      console.info(`mock: open ${url}`);
      return null;
    },
  };
}
