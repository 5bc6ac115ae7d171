//! What clients sent, so tests can assert on the wire traffic itself: which keys, how often,
//! with which login. The password is never kept: a record says only which user name came and
//! whether the password was right.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::access::LoginCheck;
use super::keys::YealinkKey;
use crate::params::Params;
use crate::record::duration_ms;

/// Requests kept at most (oldest dropped first).
pub const MAX_YEALINK_RECORDS: usize = 100_000;

/// What became of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YealinkOutcome {
    /// Answered by an injected fault.
    Fault,
    /// `401`: no or wrong login.
    Unauthorized,
    /// `403`: the login is locked.
    Locked,
    /// `403`: Action URI is off or the address is not in `features.action_uri_limit_ip`.
    Forbidden,
    /// Held for the "Allow remote control?" prompt (answered once the prompt is).
    Prompted,
    /// Carried out (`200`).
    Done,
    /// Not an Action URI path (`404`).
    NotFound,
}

/// One request as the phone received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YealinkRequest {
    /// Position in the log since start (survives clearing).
    pub seq: u64,
    /// Path without the query (`/servlet`).
    pub path: String,
    /// Decoded query parameters, in order.
    pub params: Params,
    /// What `key=` asked for, parsed.
    pub keys: Vec<YealinkKey>,
    /// Whether it was `phonecfg=get`.
    pub phonecfg: bool,
    /// The Basic auth user name, when one came.
    pub user: Option<String>,
    /// What the login check said.
    pub login: LoginCheck,
    /// The client's address.
    pub peer: Option<SocketAddr>,
    /// What became of it (as decided when it arrived; `Prompted` ones may still be refused).
    pub outcome: YealinkOutcome,
    /// Time since the simulator started, serialized as milliseconds.
    #[serde(rename = "elapsed_ms", with = "duration_ms")]
    pub elapsed: Duration,
}

/// The bounded log.
#[derive(Debug, Default)]
pub(crate) struct Records {
    next_seq: u64,
    entries: VecDeque<YealinkRequest>,
}

impl Records {
    pub(crate) fn push(&mut self, mut request: YealinkRequest) {
        request.seq = self.next_seq;
        self.next_seq += 1;
        if self.entries.len() >= MAX_YEALINK_RECORDS {
            self.entries.pop_front();
        }
        self.entries.push_back(request);
    }

    pub(crate) fn snapshot(&self) -> Vec<YealinkRequest> {
        self.entries.iter().cloned().collect()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}
