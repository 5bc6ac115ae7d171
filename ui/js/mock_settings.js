// Fake settings commands for looking at settings.html in a plain browser
// (`settings.html?mock=phones`); js/mock.js routes the settings commands here. The answers
// have the shapes of src-tauri/src/commands/settings.rs (SettingsView, ConnectionReport,
// {kind, message, fingerprint?} errors) and behave roughly like the app.
//
// Scenarios:
//   settings   one Grandstream phone over http, password stored, push on, keyring fine
//   nokeyring  no keyring (password kept in memory), an accepted certificate that changed
//   phones     a Grandstream phone, an Asterisk PBX, a XiVO PBX and a Yealink phone
//   contacts   one phone and all four kinds of caller-name sources
//   https      a Grandstream phone over https seen for the first time (certificate_unknown)
//   firstrun   nothing set up yet (the first start)
// Parameters: `proposed=1` adds what the page can use but the app does not send yet
// (kinds[].setup_help, contact_sources[].password_stored); `slow=1` makes commands slower.

const FP_NEW = "3F:A2:9C:41:07:BE:55:D0:18:6A:E4:C9:72:0B:3D:8F:91:2C:6E:A7:44:F0:1B:DA:58:C3:7E:09:B6:25:E1:4D";
const FP_OLD = "A1:0C:77:3B:E2:94:5F:06:CB:18:D3:4A:60:9E:F2:27:85:B1:0D:C6:39:74:AE:53:1F:E8:02:9B:46:7D:C0:5A";
const PC = "192.168.1.20";

const clone = (v) => JSON.parse(JSON.stringify(v));
const fail = (kind, message, extra = {}) => Promise.reject({ kind, message, ...extra });

/** The checklist of crates/phone/src/backend/checklist.rs: a Grandstream's items, all with
 * one finding, except those a test can never prove. */
const CHECK_ITEMS = ["action_uri", "allowed_ip", "popup_off", "click_to_dial", "action_url"];
function checklistOf(finding, status) {
  return {
    computer_ip: "192.168.1.20",
    items: CHECK_ITEMS.map((id) => {
      if (finding !== "untested" && (id === "click_to_dial" || id === "popup_off")) return { id, status: "unknown", finding: "cannot_check" };
      if (finding !== "untested" && id === "action_url") return { id, status: "unknown", finding: "test_alerts" };
      return { id, status, finding };
    }),
  };
}

/** setup_help() of crates/phone/src/backend/mod.rs. */
const SETUP_HELP = {
  grandstream: [
    "On the phone's web page, open Network > Remote Control and set \"Action URI Support\" to Enabled.",
    "Add this computer's address to \"Action URI Allowed IP List\" (or any).",
    "Set \"Remote Control Pop up Window Support\" to Disabled, or the phone asks on its screen before every action.",
    "For dialing from callpop, enable \"Click-To-Dial Feature\" (P-value 1561).",
  ],
  asterisk: [
    "In /etc/asterisk/manager.conf, enable the manager interface (enabled = yes, port = 5038).",
    "Add an account for callpop, e.g. [callpop] with a secret, read = call and write = call,originate,reporting.",
    "Allow this computer with permit = its address/255.255.255.255 (after deny = 0.0.0.0/0.0.0.0).",
    "Reload with `asterisk -rx \"manager reload\"`. Enter the desk phone's device as Asterisk names it, such as PJSIP/201.",
  ],
  xivo: [
    "Use the address of the XiVO CTI server (xuc), e.g. https://xivo.example.com.",
    "Log in with your own CTI user name and password, the ones of the XiVO web assistant.",
    "Your user needs a line (a phone) in XiVO: calls on that line are the ones callpop shows.",
  ],
  yealink: [
    "On the phone's web page, Features > Remote Control: add this computer's address to \"Action URI Allow IP List\" (features.action_uri_limit_ip).",
    "The first time callpop sends a command, the phone asks \"Allow remote control?\" on its screen: press OK (or set features.show_action_uri_option = 0 to stop the question).",
    "Under Features > Action URL, paste the lines callpop shows below: Yealink phones tell callpop of calls only this way.",
    "Use the web page's user (admin by default) and its password.",
  ],
};

const KIND_NAMES = { grandstream: "Grandstream phone", asterisk: "Asterisk PBX", xivo: "XiVO PBX", yealink: "Yealink phone" };

/** PhoneSystem::new(kind): the Rust defaults. */
function blankSystem(kind) {
  switch (kind) {
    case "grandstream":
      return { kind, url: "", login: { method: "passcode" }, cert_sha256: null, poll_interval_ms: 1000, connect_timeout_ms: 3000, request_timeout_ms: 5000, push: false, push_token: "" };
    case "asterisk":
      return { kind, host: "", port: 5038, username: "", md5: true, device: "", context: "from-internal", auto_answer: false, connect_timeout_ms: 3000 };
    case "xivo":
      return { kind, url: "", username: "", cert_sha256: null };
    default:
      return { kind: "yealink", url: "", username: "admin", cert_sha256: null, poll_interval_ms: 10000, connect_timeout_ms: 3000, request_timeout_ms: 5000, push_token: "", outgoing_uri: "" };
  }
}

function token(seed) {
  const chars = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  let out = "";
  let n = seed * 7919 + 17;
  for (let i = 0; i < 32; i += 1) {
    n = (n * 1103515245 + 12345) % 2147483648;
    out += chars[n % chars.length];
  }
  return out;
}

function phone(id, name, kind, fields) {
  return { id, name, ...blankSystem(kind), ...fields };
}

const GS = (fields = {}) =>
  phone("phone", "", "grandstream", { url: "http://10.0.0.5", push: true, push_token: token(1), ...fields });

function scenarioSettings(scenario) {
  const settings = {
    version: 2,
    dialing: { country: "US", outside_line_prefix: "9", international_prefix: "" },
    hotkey: "Ctrl+Alt+D",
    crm: { template: "https://crm.example.com/search?phone={e164}&name={name}", when: "answer" },
    push: { listen: "0.0.0.0:8787" },
    start_at_login: true,
    keep_passcode_in_memory_without_keyring: false,
    phones: [],
    future_option: { kept: "as is" },
  };
  switch (scenario) {
    case "firstrun":
      settings.start_at_login = false;
      settings.crm = { template: "", when: "off" };
      settings.dialing.outside_line_prefix = "";
      break;
    case "https":
      settings.phones = [GS({ url: "https://10.0.0.5", push: false })];
      break;
    case "nokeyring":
      settings.phones = [GS({ url: "https://10.0.0.5", cert_sha256: FP_OLD })];
      settings.keep_passcode_in_memory_without_keyring = true;
      break;
    case "phones":
      settings.phones = [
        GS({ name: "Front desk" }),
        phone("phone-2", "Sales line", "asterisk", { host: "pbx.example.com", username: "callpop", device: "PJSIP/201", auto_answer: true }),
        phone("phone-3", "", "xivo", { url: "https://xivo.example.com", username: "ann" }),
        phone("phone-4", "Back office", "yealink", { url: "https://192.168.1.60", push_token: token(4), outgoing_uri: "1001@pbx.example.com", cert_sha256: FP_NEW }),
      ];
      break;
    default:
      settings.phones = [GS()];
      break;
  }
  return settings;
}

function scenarioContacts(scenario) {
  const contacts = {
    sources: [],
    lookup_deadline_ms: 500,
    remote_cache_secs: 600,
    negative_cache_secs: 60,
    file_check_secs: 10,
    carddav_sync_secs: 900,
  };
  if (scenario === "contacts") {
    contacts.sources = [
      { kind: "file", enabled: true, path: "/home/ann/Documents/office.vcf", format: "auto" },
      { kind: "carddav", enabled: true, url: "https://cloud.example.com/remote.php/dav/addressbooks/users/ann/contacts/", username: "ann", name: "Work", timeout_secs: 30 },
      {
        kind: "ldap",
        enabled: true,
        url: "ldaps://dc1.corp.example.com",
        starttls: false,
        base_dn: "OU=Staff,DC=corp,DC=example,DC=com",
        bind_dn: "reader@corp.example.com",
        phone_attributes: ["telephoneNumber", "mobile", "ipPhone"],
        name_attributes: ["displayName", "cn"],
        organization_attributes: ["company"],
        extra_filter: "(objectClass=person)",
        timeout_ms: 3000,
        size_limit: 25,
      },
      {
        kind: "crm",
        enabled: false,
        url_template: "https://crm.example.com/api/lookup?phone={e164}",
        auth: "bearer",
        username: "",
        name_pointer: "/results/0/displayName",
        organization_pointer: "/results/0/company",
        link_pointer: "",
        id_pointer: "/results/0/id",
        timeout_ms: 3000,
        max_body_bytes: 262144,
      },
    ];
  }
  return contacts;
}

/** push::setup_lines: the seven Action URLs of a Grandstream phone. */
function pushLines(profile, listen) {
  const port = String(listen || "").split(":").pop() || "8787";
  const fields = [
    ["Incoming Call", "in"],
    ["Outgoing Call", "out"],
    ["Established Call", "est"],
    ["Terminated Call", "end"],
    ["Missed Call", "miss"],
    ["Hold", "hold"],
    ["Unhold", "unhold"],
  ];
  return fields.map(([label, word]) => `${label}: http://${PC}:${port}/cp/${profile.push_token}/${word}?n=$remote&d=$display_remote&c=$call-id&r=$calldirection`);
}

function addressOf(p) {
  return String((p.kind === "asterisk" ? p.host : p.url) || "").trim();
}

function hostOf(p) {
  return addressOf(p).replace(/^https?:\/\//, "").replace(/[/:].*$/, "");
}

/** PhoneId::next_free. */
function nextFreeId(phones) {
  for (let n = 1; ; n += 1) {
    const id = n === 1 ? "phone" : `phone-${n}`;
    if (!phones.some((p) => p.id === id)) return id;
  }
}

/** A few of Settings::validate's refusals, with its words. */
function refusal(settings) {
  for (const p of settings.phones) {
    if (p.kind === "grandstream" && p.login && p.login.method === "session" && !String(p.login.username || "").trim()) return "The login needs a user name";
    if (p.kind === "asterisk" && p.host && !/^[A-Za-z0-9/\-_.@]+\/[A-Za-z0-9\-_.@]+$/.test(p.device || "")) {
      return `The device “${p.device}” is not usable: write it the way Asterisk names it, such as PJSIP/201 or SIP/201`;
    }
    if ("url" in p && /\?/.test(p.url || "")) return `The phone address "${p.url}" is not usable: it must be just the phone's address; put the passcode in the passcode field`;
  }
  const ids = settings.phones.map((p) => p.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) return `Two phones are named “${dup}”`;
  if (!String(settings.hotkey || "").trim()) return "The dial hotkey is empty: choose a key combination such as Ctrl+Alt+D";
  if (!/^[A-Z]{2}$/.test(settings.dialing.country || "") || settings.dialing.country === "XX") {
    return `“${settings.dialing.country}” is not a known country: enter the desk's country as two letters, such as US, DE, GB or FR`;
  }
  return null;
}

function mockPreview(text, rules) {
  const raw = String(text || "").trim();
  if (!raw) return "Nothing to dial: no text was selected";
  const digits = raw.replace(/[^\d+*#]/g, "");
  if (!/\d/.test(digits)) return `No phone number found in “${raw.slice(0, 40)}”`;
  if (/^[*#]/.test(digits) || digits.replace(/\D/g, "").length <= 6) return `${raw} → dials ${digits} (internal, no outside line)`;
  const outside = (rules && rules.outside_line_prefix) || "";
  const parts = [];
  if (outside) parts.push(outside);
  if (digits.startsWith("+1")) parts.push("1", digits.slice(2, 5), digits.slice(5, 8), digits.slice(8));
  else if (digits.startsWith("+")) parts.push((rules && rules.international_prefix) || "011", digits.slice(1));
  else if (digits.length === 10) parts.push("1", digits.slice(0, 3), digits.slice(3, 6), digits.slice(6));
  else parts.push(digits);
  return `${raw} → dials ${parts.join(" ")}`;
}

/** Command handlers for the settings window: get_settings, save_settings, ... */
export function settingsMock(scenario, params = new URLSearchParams()) {
  const proposed = params.get("proposed") === "1";
  const slow = params.get("slow") === "1" ? 4 : 1;
  const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms * slow));
  const keyringOk = scenario !== "nokeyring";

  let settings = scenarioSettings(scenario);
  let contacts = scenarioContacts(scenario);
  // Which phones have a password (keyring, or memory without one); the passwords themselves.
  const secrets = new Map(scenario === "https" || scenario === "firstrun" ? [] : settings.phones.map((p) => [p.id, "1234"]));
  const contactSecrets = new Set(scenario === "contacts" ? [1, 2] : []);

  function view() {
    const kinds = Object.keys(KIND_NAMES).map((kind) => {
      const entry = { kind, name: KIND_NAMES[kind], blank: { id: nextFreeId(settings.phones), name: "", ...blankSystem(kind) } };
      if (proposed) entry.setup_help = SETUP_HELP[kind];
      return entry;
    });
    const out = {
      settings: clone(settings),
      phones: settings.phones.map((p) => ({
        id: p.id,
        password_stored: secrets.has(p.id),
        // As the app does today: the lines for configured Grandstream phones.
        push_lines: p.kind === "grandstream" && addressOf(p) ? pushLines(p, settings.push.listen) : [],
        setup_help: SETUP_HELP[p.kind] || [],
      })),
      kinds,
      keyring: keyringOk
        ? { available: true, message: "" }
        : { available: false, message: "No system keyring is available (no Secret Service is running), so callpop cannot store passwords. You will be asked for them each time callpop starts." },
      settings_path: "/home/ann/.config/callpop/settings.toml",
      contacts: clone(contacts),
    };
    if (proposed) out.contact_sources = contacts.sources.map((_, i) => ({ password_stored: contactSecrets.has(i) }));
    return out;
  }

  const saved = (id) => settings.phones.find((p) => p.id === id);

  return {
    async get_settings() {
      await wait(60);
      return view();
    },

    async save_settings({ settings: next, passwords, contacts: nextContacts, contact_passwords: contactPasswords }) {
      await wait(300);
      const problem = refusal(next);
      if (problem) return fail("invalid_settings", problem);
      const before = settings;
      settings = clone(next);
      settings.phones.forEach((p, i) => {
        if ((p.kind === "grandstream" || p.kind === "yealink") && !p.push_token) p.push_token = token(10 + i);
      });
      for (const gone of before.phones.filter((old) => !settings.phones.some((p) => p.id === old.id))) secrets.delete(gone.id);
      for (const [id, password] of Object.entries(passwords || {})) {
        if (password && saved(id)) {
          if (!keyringOk && !settings.keep_passcode_in_memory_without_keyring) {
            return fail("keyring", "No system keyring is available, so the password cannot be stored. Tick “Keep passwords in memory until I quit” to use it until callpop quits.");
          }
          secrets.set(id, password);
        }
      }
      if (nextContacts) {
        contacts = clone(nextContacts);
        contactSecrets.clear();
        if (proposed) for (const index of Object.keys(contactPasswords || {})) contactSecrets.add(Number(index));
      }
      return view();
    },

    async test_connection({ phone: p, password }) {
      await wait(700);
      const host = hostOf(p);
      if (!addressOf(p)) return fail("bad_address", `The phone address "" is not usable: no address is set`);
      const pinned = (saved(p.id) && saved(p.id).cert_sha256) || null;
      if (p.kind !== "asterisk" && /^https:/i.test(addressOf(p)) && p.kind !== "xivo" && p.cert_sha256 !== FP_NEW) {
        if (p.cert_sha256 || pinned) {
          const expected = p.cert_sha256 || pinned;
          return fail(
            "certificate_changed",
            `The phone at ${host} presents a different certificate than the one you accepted (accepted ${expected}, now ${FP_NEW}). If the phone was replaced or re-keyed, accept the new one in Settings; otherwise something may be impersonating the phone.`,
            { fingerprint: FP_NEW },
          );
        }
        return fail(
          "certificate_unknown",
          `The phone at ${host} presents a certificate callpop has not seen before (SHA-256 ${FP_NEW}). Compare it with the one shown on the phone's web page, then accept it in Settings.`,
          { fingerprint: FP_NEW },
        );
      }
      if (!password && !secrets.has(p.id)) return fail("no_passcode", "Enter the password first.");
      if (password === "wrong") {
        return fail("passcode_rejected", "The phone rejected the passcode (2 tries left before the phone locks). Check it in Settings; callpop will not try again until you change it.");
      }
      switch (p.kind) {
        case "asterisk":
          return { model: "Asterisk 22.1.0", lines: 1, message: `Connected to Asterisk 22.1.0 at ${host} as ${p.username}; ${p.device} is known to the PBX.` };
        case "xivo":
          return { model: "XiVO 2024.05", lines: 1, message: `Connected to XiVO at ${host} as ${p.username}: line 201.` };
        case "yealink":
          return { model: "SIP-T54W", lines: 16, message: "Connected to SIP-T54W: 16 lines." };
        default:
          if (password === "refused") {
            return fail("remote_control_denied", "The phone refused remote control (403).", { checklist: checklistOf("refused", "failing") });
          }
          return { model: "GXP2170", lines: 4, message: "Connected to GXP2170: 4 lines, 2 accounts.", checklist: checklistOf("answered", "ok") };
      }
    },

    async accept_certificate({ phone: id, fingerprint }) {
      await wait(100);
      const p = saved(id);
      if (!p) return fail("bad_request", "Save the phone first.");
      if (p.kind === "asterisk") return fail("bad_request", "callpop talks to Asterisk without a certificate.");
      p.cert_sha256 = fingerprint;
      return null;
    },

    async setup_checklist({ phone: p }) {
      return p.kind === "grandstream" && addressOf(p) ? checklistOf("untested", "unknown") : null;
    },

    async test_push({ phone: id }) {
      const pushing = settings.phones.some((p) => (p.kind === "grandstream" && p.push) || p.kind === "yealink");
      if (!pushing) return fail("push_off", "Push is off. Turn on \"Receive pushes from the phone\", save, then test again.");
      await wait(1500);
      const p = saved(id);
      return `Push works: the phone (${p ? hostOf(p) : "10.0.0.5"}) reported “incoming” for 201 (Reception).`;
    },

    async preview_dialing({ text, rules }) {
      await wait(30);
      return mockPreview(text, rules);
    },
  };
}
