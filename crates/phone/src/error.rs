//! Everything that can go wrong talking to a phone, in words a desk worker can act on.
//!
//! Each variant says what failed and what to do about it. None of them ever holds the passcode:
//! text that comes from outside (`UnexpectedAnswer::excerpt`, a [`Refusal`]'s `reason`) is cut
//! short, stripped of control characters and scrubbed of the secret before it is stored.

use crate::refusal::Refusal;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// One value a message is made of, kept apart from the sentence so that the app can say the
/// sentence in the user's language (its catalog has one message per kind, with these values
/// as variables). Numbers stay numbers: the plural form of the words around them depends on
/// them. An optional value that is not known is the text `unknown` (or `none` for a reason),
/// which the catalog's messages select on.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Param {
    Number(f64),
    Text(String),
}

// Numbers here are counts and seconds, never NaN: equality is reflexive.
impl Eq for Param {}

impl From<u32> for Param {
    fn from(n: u32) -> Self {
        Self::Number(f64::from(n))
    }
}

impl From<u64> for Param {
    fn from(n: u64) -> Self {
        // Counts and intervals: far below 2^53, where f64 stops being exact.
        Self::Number(n as f64)
    }
}

impl From<f64> for Param {
    fn from(n: f64) -> Self {
        Self::Number(n)
    }
}

impl From<&str> for Param {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<String> for Param {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

/// The values of one message, by the name its sentence uses (`host`, `minutes`, ...).
pub type Params = BTreeMap<&'static str, Param>;

/// Seconds rounded to a tenth, as messages show them ("2.5 s").
pub fn seconds_param(d: Duration) -> Param {
    Param::Number(tenths(d))
}

/// Seconds rounded to a tenth (`2.5`, `5`), as messages write them.
pub(crate) fn tenths(d: Duration) -> f64 {
    (d.as_secs_f64() * 10.0).round() / 10.0
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("The phone rejected the passcode{}. Check it in Settings; callpop will not try again until you change it.", tries_left_text(*.tries_left))]
    PasscodeRejected { tries_left: Option<u32> },

    #[error("The phone has locked remote access after too many wrong passcodes{}. callpop tries once more when the lock ends; if the passcode in Settings is wrong, correct it now.", lock_text(*.minutes))]
    LockedOut { minutes: Option<u32> },

    #[error("The phone refused remote control from this computer. On the phone's web page open Network > Remote Control, set \"Action URI Support\" to Enabled and add this computer's address to \"Action URI Allowed IP List\".")]
    RemoteControlDenied,

    #[error("The phone ended callpop's login session. callpop logs in again by itself; if this persists, check the user name and password in Settings.")]
    SessionExpired,

    #[error(
        "The phone does not offer {function} (firmware too old, or the feature is switched off)."
    )]
    NotSupported { function: String },

    #[error("The phone refused to {action}{}.", reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default())]
    CommandRefused {
        action: String,
        reason: Option<String>,
    },

    #[error("Cannot reach the phone at {host}: {reason}. Check that the phone is on and the address in Settings is right.")]
    Unreachable { host: String, reason: String },

    #[error("The phone at {host} did not answer within {}. It may be busy or in power save; callpop keeps trying.", seconds(*.after))]
    Timeout { host: String, after: Duration },

    #[error("The phone at {host} presents a certificate callpop has not seen before (SHA-256 {fingerprint}). Compare it with the one shown on the phone's web page, then accept it in Settings.")]
    CertificateUnknown { host: String, fingerprint: String },

    #[error("The phone at {host} presents a different certificate than the one you accepted (accepted {expected}, now {actual}). If the phone was replaced or re-keyed, accept the new one in Settings; otherwise something may be impersonating the phone.")]
    CertificateChanged {
        host: String,
        expected: String,
        actual: String,
    },

    #[error("The phone gave an answer callpop does not understand to {function} ({excerpt}). Is {host} really the phone's address?")]
    UnexpectedAnswer {
        host: String,
        function: String,
        excerpt: String,
    },

    #[error("The phone address \"{0}\" is not usable: {1}")]
    BadAddress(String, String),

    #[error("The phone has no account {account} (it has {}). Choose another account to call from.", plural(*.count, "account", "accounts"))]
    AccountUnknown { account: u32, count: u32 },

    #[error("Account {account} “{name}” is not registered, so it cannot call now. Choose another account, or check the account on the phone.")]
    AccountUnregistered { account: u32, name: String },

    /// callpop (or the phone system) declined, for the reason the [`Refusal`] names.
    #[error("{0}")]
    Refused(Refusal),
}

impl From<Refusal> for PhoneError {
    fn from(r: Refusal) -> Self {
        Self::Refused(r)
    }
}

impl PhoneError {
    /// A stable machine-readable name for the UI and `--json` output. Every refusal is
    /// `refused`; which one it is, is the `refusal` value of [`PhoneError::params`].
    pub fn kind(&self) -> &'static str {
        match self {
            Self::PasscodeRejected { .. } => "passcode_rejected",
            Self::LockedOut { .. } => "locked_out",
            Self::RemoteControlDenied => "remote_control_denied",
            Self::SessionExpired => "session_expired",
            Self::NotSupported { .. } => "not_supported",
            Self::CommandRefused { .. } => "command_refused",
            Self::Unreachable { .. } => "unreachable",
            Self::Timeout { .. } => "timeout",
            Self::CertificateUnknown { .. } => "certificate_unknown",
            Self::CertificateChanged { .. } => "certificate_changed",
            Self::UnexpectedAnswer { .. } => "unexpected_answer",
            Self::BadAddress(..) => "bad_address",
            Self::AccountUnknown { .. } => "account_unknown",
            Self::AccountUnregistered { .. } => "account_unregistered",
            Self::Refused(..) => "refused",
        }
    }

    /// The catalog message that says this error: `error-<kind>`, or `refusal-<kind>` of the
    /// refusal (one message per sentence: the refusals have no sentence in common).
    pub fn message_id(&self) -> String {
        match self {
            Self::Refused(r) => format!("refusal-{}", r.kind()),
            other => format!("error-{}", other.kind()),
        }
    }

    /// The values the message is made of, by name; with [`PhoneError::message_id`] they say
    /// everything the English [`Display`](std::fmt::Display) text says, so the app can say it
    /// in the user's language (its catalog message uses these names). An unknown number of
    /// tries or minutes is `unknown`, a missing reason `none`. A refusal adds its kind as
    /// `refusal`.
    pub fn params(&self) -> Params {
        let mut p = Params::new();
        let text = |s: &str| Param::Text(s.to_owned());
        match self {
            Self::PasscodeRejected { tries_left } => {
                p.insert(
                    "tries_left",
                    tries_left.map_or_else(|| text("unknown"), Param::from),
                );
            }
            Self::LockedOut { minutes } => {
                p.insert(
                    "minutes",
                    minutes.map_or_else(|| text("unknown"), Param::from),
                );
            }
            Self::RemoteControlDenied | Self::SessionExpired => {}
            Self::NotSupported { function } => {
                p.insert("function", text(function));
            }
            Self::CommandRefused { action, reason } => {
                p.insert("action", text(action));
                p.insert("reason", text(reason.as_deref().unwrap_or("none")));
            }
            Self::Unreachable { host, reason } => {
                p.insert("host", text(host));
                p.insert("reason", text(reason));
            }
            Self::Timeout { host, after } => {
                p.insert("host", text(host));
                p.insert("seconds", seconds_param(*after));
            }
            Self::CertificateUnknown { host, fingerprint } => {
                p.insert("host", text(host));
                p.insert("fingerprint", text(fingerprint));
            }
            Self::CertificateChanged {
                host,
                expected,
                actual,
            } => {
                p.insert("host", text(host));
                p.insert("expected", text(expected));
                p.insert("actual", text(actual));
            }
            Self::UnexpectedAnswer {
                host,
                function,
                excerpt,
            } => {
                p.insert("host", text(host));
                p.insert("function", text(function));
                p.insert("excerpt", text(excerpt));
            }
            Self::BadAddress(address, reason) => {
                p.insert("address", text(address));
                p.insert("reason", text(reason));
            }
            Self::AccountUnknown { account, count } => {
                p.insert("account", Param::from(*account));
                p.insert("count", Param::from(*count));
            }
            Self::AccountUnregistered { account, name } => {
                p.insert("account", Param::from(*account));
                p.insert("name", text(name));
            }
            Self::Refused(r) => {
                p = r.params();
                p.insert("refusal", text(r.kind()));
            }
        }
        p
    }

    /// Errors that no amount of retrying fixes: the user has to change something first.
    /// The poller stops on these instead of hammering the phone (and locking it out).
    pub fn needs_user(&self) -> bool {
        matches!(
            self,
            Self::PasscodeRejected { .. }
                | Self::CertificateUnknown { .. }
                | Self::CertificateChanged { .. }
                | Self::BadAddress(..)
        )
    }

    /// The phone locked its remote access (maybe because of someone else's wrong passwords):
    /// nothing is sent until the lock ends, then one try finds out whether the login is good.
    pub fn is_lock_out(&self) -> bool {
        matches!(self, Self::LockedOut { .. })
    }

    /// Errors that mean "the phone is not there right now": retried with back-off.
    pub fn is_connectivity(&self) -> bool {
        matches!(self, Self::Unreachable { .. } | Self::Timeout { .. })
    }
}

/// `{"kind": "...", "message": "...", "params": {...}}`: the kind to pick an icon, an action
/// or the words of the user's language, the English message, and the values it is made of.
impl Serialize for PhoneError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("PhoneError", 3)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        st.serialize_field("params", &self.params())?;
        st.end()
    }
}

fn tries_left_text(tries: Option<u32>) -> String {
    match tries {
        Some(0) => " (no tries left before the phone locks)".to_owned(),
        Some(1) => " (1 try left before the phone locks)".to_owned(),
        Some(n) => format!(" ({n} tries left before the phone locks)"),
        None => String::new(),
    }
}

/// `1 account`, `3 accounts`.
pub(crate) fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn lock_text(minutes: Option<u32>) -> String {
    match minutes {
        Some(1) => " for 1 minute".to_owned(),
        Some(m) => format!(" for {m} minutes"),
        None => String::new(),
    }
}

fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// Makes a short, printable excerpt of something the phone sent, with `secret` removed.
///
/// Phones answer HTML pages, truncated JSON or binary junk; the user needs a hint of what came
/// back, not a page of markup, and never the passcode (some firmware echoes the query string).
pub fn excerpt(raw: &str, secret: Option<&str>) -> String {
    const MAX: usize = 80;
    let text = match secret {
        Some(secret) => scrub(raw, secret),
        None => raw.to_owned(),
    };
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let collapsed = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        return "an empty answer".to_owned();
    }
    let mut out: String = collapsed.chars().take(MAX).collect();
    if collapsed.chars().count() > MAX {
        out.push('…');
    }
    format!("\"{out}\"")
}

/// `text` without `secret` in any of the forms it travels in: as typed, percent-encoded (as
/// in a URL's query, which is where the passcode goes, and in either hex case), and
/// form-encoded (spaces as `+`). Phones and HTTP libraries echo URLs back in errors.
pub fn scrub(text: &str, secret: &str) -> String {
    if secret.is_empty() {
        return text.to_owned();
    }
    let mut out = text.to_owned();
    let encoded_upper: String = secret
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let mut forms = vec![
        secret.to_owned(),
        encoded_upper.clone(),
        encoded_upper.to_ascii_lowercase(),
        form.clone(),
        form.to_ascii_lowercase(),
        percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
            .to_string(),
    ];
    // Longest first, so a longer form is not left half-replaced by a shorter one.
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms.dedup();
    for form in forms.iter().filter(|f| !f.is_empty()) {
        out = out.replace(form.as_str(), "•••");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_to_do() {
        let e = PhoneError::PasscodeRejected {
            tries_left: Some(3),
        };
        assert!(e.to_string().contains("3 tries left"));
        let e = PhoneError::LockedOut { minutes: Some(5) };
        assert!(e.to_string().contains("5 minutes"));
        let json = serde_json::to_value(PhoneError::RemoteControlDenied).expect("json");
        assert_eq!(json["kind"], "remote_control_denied");
        assert!(json["message"]
            .as_str()
            .is_some_and(|m| m.contains("Action URI Support")));
    }

    #[test]
    fn params_hold_every_value_the_message_shows() {
        let e = PhoneError::LockedOut { minutes: Some(5) };
        assert_eq!(e.params()["minutes"], Param::Number(5.0));
        let e = PhoneError::PasscodeRejected { tries_left: None };
        assert_eq!(e.params()["tries_left"], Param::Text("unknown".into()));
        let e = PhoneError::Timeout {
            host: "10.0.0.5".into(),
            after: Duration::from_millis(2540),
        };
        assert_eq!(e.params()["seconds"], Param::Number(2.5));
        let e = PhoneError::CertificateChanged {
            host: "10.0.0.5".into(),
            expected: "AA".into(),
            actual: "BB".into(),
        };
        let json = serde_json::to_value(&e).expect("json");
        assert_eq!(json["kind"], "certificate_changed");
        assert_eq!(json["params"]["host"], "10.0.0.5");
        assert_eq!(json["params"]["expected"], "AA");
        assert_eq!(json["params"]["actual"], "BB");
        // Every text value is somewhere in the English message too.
        for (name, value) in e.params() {
            if let Param::Text(text) = value {
                assert!(e.to_string().contains(&text), "{name}");
            }
        }
    }

    #[test]
    fn a_refusal_is_refused_and_names_its_sentence() {
        let e = PhoneError::from(Refusal::OtherCallFirst {
            action: crate::ActionKind::Hold,
            line: 2,
        });
        let json = serde_json::to_value(&e).expect("json");
        // The kind stays `refused` for every refusal: the UI and `--json` rely on it.
        assert_eq!(json["kind"], "refused");
        assert_eq!(json["params"]["refusal"], "other_call_first");
        assert_eq!(json["params"]["action"], "hold");
        assert_eq!(json["params"]["line"], 2.0);
        assert_eq!(e.message_id(), "refusal-other_call_first");
        assert!(json["message"]
            .as_str()
            .is_some_and(|m| m.contains("put on hold another call than the one on line 2")));
        assert_eq!(
            PhoneError::SessionExpired.message_id(),
            "error-session_expired"
        );
    }

    #[test]
    fn excerpt_is_short_clean_and_secret_free() {
        let raw = format!(
            "<html>\n\t<body>passcode=hunter2 {}</body>",
            "x".repeat(500)
        );
        let e = excerpt(&raw, Some("hunter2"));
        assert!(!e.contains("hunter2"));
        assert!(!e.contains('\n'));
        assert!(e.chars().count() <= 84);
        assert_eq!(excerpt("  ", None), "an empty answer");
    }

    #[test]
    fn an_encoded_passcode_is_scrubbed_too() {
        let secret = "q@zx w/yk+1";
        for echoed in [
            "GET /cgi-bin/api?passcode=q%40zx%20w%2Fyk%2B1 failed",
            "passcode=q%40zx+w%2Fyk%2B1",
            "passcode=q%40zx%20w%2fyk%2b1",
            "passcode=q@zx w/yk+1",
        ] {
            let shown = excerpt(echoed, Some(secret));
            assert!(!shown.contains("zx"), "{echoed} -> {shown}");
        }
    }
}
