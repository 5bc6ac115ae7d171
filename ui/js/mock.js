// A fake backend for looking at the pages in a plain browser: `index.html?mock=ringing`.
// Scenarios: ringing, incall, offline, attention, setup, settings, nokeyring.
// Commands behave roughly like the app (answer connects the call, hold toggles, ...), so the
// pages can be clicked through. Only used when `window.__TAURI__` is missing.

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const clone = (v) => JSON.parse(JSON.stringify(v));

const ANN = { name: "Ann Lee", number: "+14165550123", display_number: "+1 416-555-0123" };
const MUELLER = { name: "Müller Logistik GmbH – Zentrale", number: "+49301234567", display_number: "+49 30 1234567" };
const FP_NEW = "3F:A2:9C:41:07:BE:55:D0:18:6A:E4:C9:72:0B:3D:8F:91:2C:6E:A7:44:F0:1B:DA:58:C3:7E:09:B6:25:E1:4D";
const FP_OLD = "A1:0C:77:3B:E2:94:5F:06:CB:18:D3:4A:60:9E:F2:27:85:B1:0D:C6:39:74:AE:53:1F:E8:02:9B:46:7D:C0:5A";

function baseView() {
  return {
    connection: { state: "online" },
    phone_label: "10.0.0.5",
    demo: false,
    lines: [1, 2, 3, 4].map((line) => ({ line, state: "idle", name: "", number: "", account: 0, active: false, conference: false })),
    calls: [],
    problems: [],
    hotkey: "Ctrl+Alt+D",
    push: { state: "healthy", message: "The phone tells callpop about calls as they happen." },
  };
}

function scenarioView(scenario) {
  const v = baseView();
  const now = Date.now();
  switch (scenario) {
    case "ringing":
      Object.assign(v.lines[0], { state: "ringing", name: ANN.name, number: ANN.number, active: true });
      v.calls.push({ call: "7c41e2-1", line: 1, phase: "ringing", direction: "incoming", ...ANN, account: 0, answered: false, muted: false, connected_at_ms: null });
      break;
    case "incall":
      Object.assign(v.lines[0], { state: "connected", name: MUELLER.name, number: MUELLER.number, active: true });
      Object.assign(v.lines[1], { state: "onhold", name: ANN.name, number: ANN.number });
      v.calls.push({ call: "7c41e2-2", line: 1, phase: "connected", direction: "outgoing", ...MUELLER, account: 0, answered: true, muted: false, connected_at_ms: now - 754000 });
      v.calls.push({ call: "7c41e2-1", line: 2, phase: "held", direction: "incoming", ...ANN, account: 0, answered: true, muted: false, connected_at_ms: now - 3723000 });
      break;
    case "offline":
      v.connection = {
        state: "offline",
        error: { kind: "unreachable", message: "Cannot reach the phone at 10.0.0.5: connection refused. Check that the phone is on and the address in Settings is right." },
        retry_in_ms: 8000,
      };
      v.lines = [];
      v.problems = [
        { kind: "settings_file_broken", message: "The settings file could not be read (line 4: expected a value). It was kept aside as settings.json.broken and callpop started with default settings." },
        { kind: "hotkey_unavailable", message: "The hotkey Ctrl+Alt+D is already used by another program. Pick another one in Settings." },
      ];
      v.push = { state: "silent", message: "The phone has not reported a call for a while. Check the Action URL settings on the phone." };
      break;
    case "attention":
      v.connection = {
        state: "needs_attention",
        error: { kind: "remote_control_denied", message: "The phone refused remote control from this computer. On the phone's web page open Network > Remote Control, set \"Action URI Support\" to Enabled and add this computer's address to \"Action URI Allowed IP List\"." },
      };
      break;
    case "setup":
      v.connection = { state: "not_configured" };
      v.phone_label = "";
      v.lines = [];
      v.push = { state: "off", message: "" };
      break;
    default:
      break;
  }
  return v;
}

function settingsView(scenario) {
  const keyringOk = scenario !== "nokeyring";
  return {
    settings: {
      phone: {
        url: "https://10.0.0.5",
        // The contract says `type`; the Rust side tags it `method`: the page handles both.
        login: scenario === "nokeyring" ? { method: "passcode" } : { type: "passcode" },
        cert_sha256: scenario === "nokeyring" ? FP_OLD : null,
        poll_interval_ms: 1000,
        connect_timeout_ms: 3000,
        request_timeout_ms: 5000,
      },
      dialing: { country: "US", outside_line_prefix: "9", international_prefix: "" },
      hotkey: "Ctrl+Alt+D",
      crm: { template: "https://crm.example.com/search?phone={e164}&name={name}", when: "answer" },
      push: { enabled: true, listen: "0.0.0.0:8765", token: "c2f1d9" },
      start_at_login: true,
      keep_passcode_in_memory_without_keyring: false,
      future_option: { kept: "as is" },
    },
    passcode_stored: true,
    keyring: keyringOk
      ? { available: true, message: "Passcodes are kept in the system keyring (Secret Service)." }
      : { available: false, message: "No system keyring is available (no Secret Service is running), so callpop cannot store the passcode. You will be asked for it each time callpop starts." },
    settings_path: "/home/ann/.config/callpop/settings.json",
    push_lines: [
      "Incoming call:  http://192.168.1.20:8765/push/c2f1d9?event=incoming&line=$active_line&number=$remote",
      "Established:    http://192.168.1.20:8765/push/c2f1d9?event=established&line=$active_line",
      "Terminated:     http://192.168.1.20:8765/push/c2f1d9?event=terminated&line=$active_line",
    ],
  };
}

function mockPreview(text, rules) {
  const raw = String(text || "").trim();
  if (!raw) return "Nothing to dial: no text was selected";
  const digits = raw.replace(/[^\d+*#]/g, "");
  if (!/\d/.test(digits)) return `No phone number found in “${raw.slice(0, 40)}”`;
  if (/^[*#]/.test(digits) || digits.replace(/\D/g, "").length <= 6) {
    return `${raw} → dials ${digits} (internal, no outside line)`;
  }
  const outside = (rules && rules.outside_line_prefix) || "";
  const parts = [];
  if (outside) parts.push(outside);
  if (digits.startsWith("+1")) parts.push("1", digits.slice(2, 5), digits.slice(5, 8), digits.slice(8));
  else if (digits.startsWith("+")) parts.push((rules && rules.international_prefix) || "011", digits.slice(1));
  else if (digits.length === 10) parts.push("1", digits.slice(0, 3), digits.slice(3, 6), digits.slice(6));
  else parts.push(digits);
  return `${raw} → dials ${parts.join(" ")}`;
}

export function createMock(scenario, params) {
  let view = scenarioView(scenario);
  let settings = settingsView(scenario);
  let acceptedCert = settings.settings.phone.cert_sha256;
  const listeners = new Map();
  let nextCall = 3;

  const emit = (name, payload) => {
    for (const cb of listeners.get(name) || []) cb({ event: name, id: 0, payload: clone(payload) });
  };
  const changed = () => emit("phone-state", view);
  const eventFor = (event, call) => emit("call-event", { event, call: call.call, line: call.line, number: call.number, name: call.name, direction: call.direction });
  const lineOf = (n) => view.lines.find((l) => l.line === n);
  const fail = (kind, message, extra = {}) => Promise.reject({ kind, message, ...extra });
  const activeCall = () => view.calls.find((c) => c.phase === "connected") || view.calls.find((c) => c.phase === "dialing") || view.calls.find((c) => c.phase === "held");
  const setLine = (n, patch) => { const l = lineOf(n); if (l) Object.assign(l, patch); };
  const endCall = (call, event) => {
    view.calls = view.calls.filter((c) => c !== call);
    setLine(call.line, { state: "idle", name: "", number: "", active: false });
    eventFor(event, call);
    changed();
  };

  const commands = {
    async get_state() { return view; },
    async answer({ line }) {
      const call = view.calls.find((c) => c.phase === "ringing" && (line == null || c.line === line));
      if (!call) return fail("command_refused", "The phone refused to answer: no call is ringing.");
      for (const other of view.calls) if (other.phase === "connected") { other.phase = "held"; setLine(other.line, { state: "onhold" }); }
      Object.assign(call, { phase: "connected", answered: true, connected_at_ms: Date.now() });
      setLine(call.line, { state: "connected", active: true });
      eventFor("connected", call);
      changed();
      return null;
    },
    async reject({ line }) {
      const call = view.calls.find((c) => c.phase === "ringing" && (line == null || c.line === line));
      if (!call) return fail("command_refused", "The phone refused to reject: no call is ringing.");
      endCall(call, "missed");
      return null;
    },
    async hang_up() {
      const call = activeCall();
      if (!call) return fail("command_refused", "The phone refused to hang up: there is no call.");
      endCall(call, "ended");
      return null;
    },
    async toggle_hold() {
      const connected = view.calls.find((c) => c.phase === "connected");
      const held = view.calls.find((c) => c.phase === "held");
      if (connected) { connected.phase = "held"; setLine(connected.line, { state: "onhold" }); eventFor("held", connected); }
      else if (held) { held.phase = "connected"; setLine(held.line, { state: "connected" }); eventFor("resumed", held); }
      else return fail("command_refused", "The phone refused to hold: there is no call.");
      changed();
      return null;
    },
    async toggle_mute() {
      const call = view.calls.find((c) => c.phase === "connected");
      if (!call) return fail("command_refused", "The phone refused to mute: there is no call in progress.");
      call.muted = !call.muted;
      changed();
      return call.muted;
    },
    async preview_number({ text }) {
      await wait(40);
      return mockPreview(text, settings.settings.dialing);
    },
    async dial({ text }) {
      const preview = mockPreview(text, settings.settings.dialing);
      if (!preview.includes("→")) return fail("invalid_number", preview);
      if (view.connection.state !== "online") return fail("unreachable", "Cannot reach the phone at 10.0.0.5: connection refused. Check that the phone is on and the address in Settings is right.");
      const free = view.lines.find((l) => l.state === "idle");
      if (!free) return fail("command_refused", "The phone refused to dial: all lines are busy.");
      const call = { call: `7c41e2-${nextCall++}`, line: free.line, phase: "dialing", direction: "outgoing", name: "", number: text.trim(), display_number: text.trim(), account: 0, answered: false, muted: false, connected_at_ms: null };
      view.calls.push(call);
      setLine(free.line, { state: "calling", number: call.number, active: true });
      eventFor("dialing", call);
      changed();
      setTimeout(() => {
        if (!view.calls.includes(call) || call.phase !== "dialing") return;
        Object.assign(call, { phase: "connected", answered: true, connected_at_ms: Date.now() });
        setLine(call.line, { state: "connected" });
        eventFor("connected", call);
        changed();
      }, 2500);
      return { display: call.display_number, dial: preview.split("→ dials ")[1] };
    },
    async open_window({ name }) {
      console.info(`mock: open_window(${name})`);
      return null;
    },
    async get_settings() { await wait(60); return settings; },
    async save_settings({ settings: next, passcode }) {
      await wait(300);
      if (!/^https?:\/\/\S+/i.test(next.phone.url || "")) {
        return fail("invalid_settings", "The phone address must start with http:// or https://, like https://10.0.0.5");
      }
      if (!/^[A-Z]{2}$/.test(next.dialing.country || "") || next.dialing.country === "XX") {
        return fail("invalid_settings", `“${next.dialing.country}” is not a known country: enter the desk's country as two letters, such as US, DE, GB or FR`);
      }
      settings = { ...settings, settings: clone(next), passcode_stored: settings.passcode_stored || !!passcode };
      if (!next.push.enabled) settings.push_lines = [];
      return settings;
    },
    async test_connection({ settings: s, passcode }) {
      await wait(700);
      const url = s.phone.url || "";
      if (!/^https?:\/\//i.test(url)) return fail("bad_address", `The phone address "${url}" is not usable: it must start with http:// or https://`);
      if (url.startsWith("https:") && acceptedCert !== FP_NEW && s.phone.cert_sha256 !== FP_NEW) {
        if (acceptedCert) {
          return fail("certificate_changed", `The phone at 10.0.0.5 presents a different certificate than the one you accepted (accepted ${acceptedCert}, now ${FP_NEW}). If the phone was replaced or re-keyed, accept the new one in Settings; otherwise something may be impersonating the phone.`, { fingerprint: FP_NEW });
        }
        return fail("certificate_unknown", `The phone at 10.0.0.5 presents a certificate callpop has not seen before (SHA-256 ${FP_NEW}). Compare it with the one shown on the phone's web page, then accept it in Settings.`, { fingerprint: FP_NEW });
      }
      if (passcode === "wrong") return fail("passcode_rejected", "The phone rejected the passcode (2 tries left). Check it in Settings; callpop will not try again until you change it.");
      return {
        model: "GXP2170",
        lines: 6,
        accounts: [
          { id: 0, name: "Reception", sip_id: "201", registered: true },
          { id: 1, name: "Support queue", sip_id: "250", registered: false },
        ],
        message: "Connected to GXP2170: 6 lines, 2 accounts",
      };
    },
    async accept_certificate({ fingerprint }) { await wait(100); acceptedCert = fingerprint; return null; },
    async preview_dialing({ text, rules }) { await wait(30); return mockPreview(text, rules); },
    async test_push() {
      await wait(1500);
      return "The phone reached callpop at 192.168.1.20:8765 just now: push works.";
    },
  };

  // `&do=answer,toggle_mute` runs commands one after another once the page is up, so
  // screenshots can show what a page looks like after an action (e.g. `do=reject`).
  const script = (params.get("do") || "").split(",").filter(Boolean);
  if (script.length) {
    (async () => {
      for (const name of script) {
        await wait(400);
        try {
          await commands[name]?.({});
        } catch (err) {
          console.warn("mock script:", name, err);
        }
      }
    })();
  }

  return {
    kind: "mock",
    async invoke(name, args) {
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
        async close() { console.info("mock: window closed"); document.title = `[closed] ${document.title}`; },
        async hide() { console.info("mock: window hidden"); },
      };
    },
  };
}
