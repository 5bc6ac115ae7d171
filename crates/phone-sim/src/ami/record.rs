//! The log of actions clients sent, so tests can assert on the traffic itself ("the client
//! sent exactly one Login"). Secrets (`Secret:`, `Key:`) are never stored, only whether the
//! login they belonged to was accepted.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::sync::lock;

use super::wire::Message;

/// Records kept at most; the oldest go first.
pub const MAX_ACTIONS: usize = 100_000;

/// What stands in the record instead of a secret.
pub const HIDDEN: &str = "<hidden>";

/// One message a client sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedAction {
    /// Position since start (survives clearing).
    pub seq: u64,
    /// The session (connection) it came on, numbered from 1.
    pub session: u64,
    /// The client's address.
    pub peer: SocketAddr,
    /// The `Action:` value as sent (empty when missing).
    pub action: String,
    /// Its `ActionID`, if any.
    pub action_id: Option<String>,
    /// Every header in order; `Secret` and `Key` values replaced by `<hidden>`.
    pub headers: Vec<(String, String)>,
    /// For `Login`: whether it was accepted.
    pub login_accepted: Option<bool>,
    /// Time since the simulator started, serialized as milliseconds.
    #[serde(rename = "elapsed_ms", with = "crate::record::duration_ms")]
    pub elapsed: Duration,
}

impl RecordedAction {
    /// The first value of `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether this is `action` (case-insensitive, as Asterisk matches actions).
    pub fn is(&self, action: &str) -> bool {
        self.action.eq_ignore_ascii_case(action)
    }
}

/// The bounded, thread-safe log.
#[derive(Debug)]
pub(crate) struct ActionLog {
    started: Instant,
    inner: Mutex<(u64, VecDeque<RecordedAction>)>,
}

impl ActionLog {
    pub(crate) fn new(started: Instant) -> ActionLog {
        ActionLog {
            started,
            inner: Mutex::new((0, VecDeque::new())),
        }
    }

    /// Records `message` from `session`; returns its sequence number.
    pub(crate) fn push(&self, session: u64, peer: SocketAddr, message: &Message) -> u64 {
        let headers = message
            .headers()
            .iter()
            .map(|(k, v)| {
                let secret = k.eq_ignore_ascii_case("Secret") || k.eq_ignore_ascii_case("Key");
                let v = if secret { HIDDEN.to_owned() } else { v.clone() };
                (k.clone(), v)
            })
            .collect();
        let action_id = Some(message.get("ActionID"))
            .filter(|id| !id.is_empty())
            .map(str::to_owned);
        let mut log = lock(&self.inner);
        let seq = log.0;
        log.0 += 1;
        if log.1.len() >= MAX_ACTIONS {
            log.1.pop_front();
        }
        log.1.push_back(RecordedAction {
            seq,
            session,
            peer,
            action: message.get_non_empty("Action").to_owned(),
            action_id,
            headers,
            login_accepted: None,
            elapsed: self.started.elapsed(),
        });
        seq
    }

    /// Notes whether the login recorded as `seq` was accepted.
    pub(crate) fn login_outcome(&self, seq: u64, accepted: bool) {
        let mut log = lock(&self.inner);
        if let Some(entry) = log.1.iter_mut().rev().find(|e| e.seq == seq) {
            entry.login_accepted = Some(accepted);
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedAction> {
        lock(&self.inner).1.iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        lock(&self.inner).1.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_hidden() {
        let log = ActionLog::new(Instant::now());
        let peer: SocketAddr = "127.0.0.1:1".parse().expect("address");
        let m = Message::from_pairs(&[
            ("Action", "Login"),
            ("Username", "callpop"),
            ("Secret", "s3cret"),
            ("ActionID", "l1"),
        ]);
        let seq = log.push(1, peer, &m);
        log.login_outcome(seq, true);
        let entry = &log.snapshot()[0];
        assert_eq!(entry.header("secret"), Some(HIDDEN));
        assert_eq!(entry.action_id.as_deref(), Some("l1"));
        assert_eq!(entry.login_accepted, Some(true));
        assert!(!format!("{entry:?}").contains("s3cret"));
    }
}
