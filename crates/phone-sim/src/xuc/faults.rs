//! Fault injection: the ways a real xuc server misbehaves that a client must survive.

use serde::{Deserialize, Serialize};

/// How `auth/login` refuses everyone, right password or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginRefusal {
    /// 401 `InvalidCredentials`, as if the password had been changed on the PBX.
    InvalidCredentials,
    /// 500 `UnhandledError`, as when xuc cannot reach its configuration database.
    ServerError,
}

/// The fault switches, all off by default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Faults {
    /// Refuse every login this way.
    pub(crate) login_refusal: Option<LoginRefusal>,
    /// Answer every new websocket with `LoggedOnError` and close it.
    pub(crate) refuse_sessions: bool,
    /// Reply to pings (off: pings are still counted as activity, but never answered).
    pub(crate) answer_pings: bool,
    /// Drop every websocket right after it has sent this many messages.
    pub(crate) drop_after: Option<u32>,
}

impl Default for Faults {
    fn default() -> Self {
        Faults {
            login_refusal: None,
            refuse_sessions: false,
            answer_pings: true,
            drop_after: None,
        }
    }
}

/// Text sent by [`super::XucSim::send_malformed`]: a `PhoneEvent` cut off mid-object, the way
/// a proxy that truncates frames would deliver it.
pub const MALFORMED_MESSAGE: &str =
    r#"{"msgType":"PhoneEvent","ctiMessage":{"eventType":"EventRinging","DN":"10"#;
