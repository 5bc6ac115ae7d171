//! Everything that can go wrong talking to a phone, in words a desk worker can act on.
//!
//! Each variant says what failed and what to do about it. None of them ever holds the passcode:
//! the only text that comes from outside is `UnexpectedAnswer::excerpt`, which is cut short,
//! stripped of control characters and scrubbed of the secret before it is stored.

use serde::Serialize;
use std::time::Duration;

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

    #[error("{0}")]
    Refused(String),
}

impl PhoneError {
    /// A stable machine-readable name for the UI and `--json` output.
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
            Self::Refused(..) => "refused",
        }
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

/// The UI gets `{"kind": "...", "message": "..."}`: the kind to pick an icon or action, the
/// message to show as is.
impl Serialize for PhoneError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("PhoneError", 2)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.to_string())?;
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
