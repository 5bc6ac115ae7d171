//! What a session publishes about its phone: the link, the lines, the calls, push health.

use crate::account::PhoneAccount;
use crate::backend::{BackendKind, Capabilities};
use crate::error::{Params, PhoneError};
use crate::model::Line;
use crate::tracker::ActiveCall;
use serde::Serialize;
use std::time::Duration;

/// How callpop's link to the phone is doing.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Connection {
    /// Not heard from the phone yet.
    Connecting,
    Online,
    /// The phone did not answer (or answered nonsense); callpop retries by itself.
    Offline {
        error: PhoneError,
        retry_in_ms: u64,
    },
    /// Something only the user can fix; callpop waits for new settings.
    NeedsAttention {
        error: PhoneError,
    },
    Stopped,
}

/// Whether the phone's pushes can be relied on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PushState {
    /// No push listener: polling only.
    #[default]
    Off,
    /// Listening, no push arrived yet: polling at the normal interval meanwhile.
    Waiting,
    /// Pushes arrive: the phone is read rarely, to reconcile.
    Healthy,
    /// Pushes stopped or cannot arrive: polling at the normal interval.
    Silent,
}

/// What the UI shows about push, and how often the phone is read because of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PushHealth {
    pub state: PushState,
    /// One sentence for the user, in English; empty when push is off.
    pub message: String,
    /// What the sentence says, for the app's catalog (`push-<code>`): `waiting`, `healthy`,
    /// `silent` (with a `reason`), `unannounced`; empty when push is off.
    pub code: &'static str,
    /// The values the sentence is made of: `seconds` (how often the phone is read), `reason`.
    pub params: Params,
    /// How often line status is read at the moment.
    pub poll_interval_ms: u64,
}

/// The slow side of adaptive polling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PushTiming {
    /// Interval while pushes are healthy and no call is in progress.
    pub reconcile: Duration,
    /// How long a call change seen by a poll may wait for its push before pushes count as
    /// silent (real phones push about a second after the event).
    pub grace: Duration,
}

impl Default for PushTiming {
    fn default() -> Self {
        Self {
            reconcile: Duration::from_secs(30),
            grace: Duration::from_secs(2),
        }
    }
}

/// The latest picture of the phone, for the tray, the windows and `status`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhoneState {
    pub kind: BackendKind,
    /// Where the phone is, for people ("10.0.0.5", "pbx.example.com (PJSIP/201)").
    pub label: String,
    /// What this phone system can do; the UI offers nothing else.
    pub capabilities: Capabilities,
    pub connection: Connection,
    pub lines: Vec<Line>,
    pub calls: Vec<ActiveCall>,
    /// How many looks at the phone the session has made (reads, or reports on a connection).
    pub polls: u64,
    pub push: PushHealth,
    /// Do Not Disturb, when the system can tell.
    pub dnd: Option<bool>,
    /// The phone's SIP accounts with their registration, as last read (on connecting, then
    /// every [`ACCOUNTS_EVERY`]); empty until read, or when the system has none to choose.
    pub accounts: Vec<PhoneAccount>,
}

/// How often a phone's accounts are read again: registration changes seldom, and this
/// costs the phone one request a half minute rather than one per poll.
pub const ACCOUNTS_EVERY: Duration = Duration::from_secs(30);

impl PhoneState {
    pub(crate) fn initial(
        kind: BackendKind,
        label: String,
        capabilities: Capabilities,
        interval: Duration,
    ) -> Self {
        Self {
            kind,
            label,
            capabilities,
            connection: Connection::Connecting,
            lines: Vec::new(),
            calls: Vec::new(),
            polls: 0,
            push: PushHealth {
                state: PushState::Off,
                message: String::new(),
                code: "",
                params: Params::new(),
                poll_interval_ms: millis(interval),
            },
            dnd: None,
            accounts: Vec::new(),
        }
    }

    /// The phone as a whole, from its lines: what `callpop status` prints first.
    pub fn summary(&self) -> &'static str {
        use crate::model::LineState;
        if self.lines.iter().any(|l| l.state == LineState::Ringing) {
            "ringing"
        } else if self.lines.iter().any(|l| l.state.is_busy()) {
            "busy"
        } else {
            "available"
        }
    }
}

/// Whole milliseconds, at least 50 (no busy loops from a zero interval).
pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(50)
}
