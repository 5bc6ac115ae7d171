//! What clients sent, kept for tests: "the client logged in exactly once", "answer named this
//! uniqueId". Passwords are never kept: a login attempt records only the login and the outcome,
//! and any field of a websocket message whose name mentions a password is replaced by `***`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// At most this many login attempts and sessions are kept (oldest dropped first), and at most
/// this many commands per session, so a long demo run does not grow without bound.
pub const MAX_XUC_RECORDS: usize = 10_000;

/// Which authentication endpoint was called.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthEndpoint {
    /// `POST /xuc/api/2.0/auth/login`.
    Login,
    /// `GET /xuc/api/2.0/auth/check`.
    Check,
    /// The websocket `GET /xuc/api/2.0/cti?token=...` (checked before the upgrade).
    Cti,
}

/// How an authentication request was answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthOutcome {
    /// A token was issued.
    Accepted,
    /// `InvalidCredentials`: unknown login or wrong password.
    InvalidCredentials,
    /// `InvalidJson`: the body was not `{"login": "...", "password": "..."}`.
    InvalidJson,
    /// Refused by an injected fault ([`super::LoginRefusal`]).
    Refused,
    /// No token: `auth/check` without an `Authorization: Bearer` header, `cti` without
    /// `?token=`.
    MissingToken,
    /// An unknown token (never issued, or issued before a restart).
    InvalidToken,
    /// An expired token.
    TokenExpired,
}

/// One authentication request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct XucAuthRecord {
    /// Endpoint called.
    pub endpoint: AuthEndpoint,
    /// The login sent (login) or the token's owner (check, cti), when known.
    pub login: Option<String>,
    /// The answer.
    pub outcome: AuthOutcome,
}

/// What the server did with a websocket message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandOutcome {
    /// Carried out.
    Done,
    /// Accepted but without effect, as xuc does when the phone's state does not allow it (no
    /// ringing call to answer, ...) or for commands the simulator does not model.
    Ignored,
    /// Answered with an `Error` message (unparsable, unknown command, missing argument).
    Rejected,
}

/// One websocket message other than a ping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct XucCommandRecord {
    /// `command` of a `web` message, `None` when the message was unparsable.
    pub command: Option<String>,
    /// The whole message (passwords scrubbed), or the raw text when it was not JSON.
    pub message: Value,
    /// What the server did.
    pub outcome: CommandOutcome,
    /// Why, for ignored and rejected messages.
    pub note: Option<String>,
}

/// One websocket session (one connection of one user).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct XucSessionRecord {
    /// Session number, from 1 in connection order.
    pub id: u64,
    /// The user the token belonged to.
    pub login: String,
    /// Whether the socket is still open.
    pub open: bool,
    /// Pings received (counted, not listed: clients send one every 5 s).
    pub pings: u64,
    /// Every other message, oldest first.
    pub commands: Vec<XucCommandRecord>,
    /// Why the session ended, once it has.
    pub ended: Option<String>,
}
