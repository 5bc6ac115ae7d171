//! What a phone pushed: one Action URL request, reduced to the call event it announces.

use crate::tracker::Direction;
use serde::{Serialize, Serializer};
use std::fmt;
use std::net::IpAddr;
use std::time::Instant;

/// The event an Action URL announces.
///
/// Names are matched leniently ([`PushKind::from_name`]): the short path words callpop's own
/// URLs use (`in`, `est`, `miss`...), Grandstream's and Yealink's event names
/// (`incoming_call`, `call_established`...). Anything else is kept as [`PushKind::Other`]:
/// it still makes the poller look at the phone, but it never changes a call by itself.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PushKind {
    Incoming,
    Outgoing,
    Established,
    Terminated,
    Missed,
    Hold,
    Unhold,
    /// An event callpop has no meaning for (`offhook`, `dnd_on`...), lower-cased, at most 32
    /// letters and digits.
    Other(String),
}

impl PushKind {
    /// Reads an event name; case, `_`, `-` and spaces do not matter.
    pub fn from_name(name: &str) -> Self {
        let norm: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(32)
            .collect::<String>()
            .to_ascii_lowercase();
        match norm.as_str() {
            "in" | "incoming" | "incomingcall" | "ring" | "ringing" => Self::Incoming,
            "out" | "outgoing" | "outgoingcall" | "dial" | "dialing" => Self::Outgoing,
            "est" | "established" | "establishedcall" | "callestablished" | "answered"
            | "connected" => Self::Established,
            "end" | "terminated" | "terminatedcall" | "callterminated" | "ended" | "hangup"
            | "rejected" | "reject" => Self::Terminated,
            "miss" | "missed" | "missedcall" => Self::Missed,
            "hold" | "held" | "callhold" => Self::Hold,
            "unhold" | "resume" | "resumed" | "callunhold" => Self::Unhold,
            _ => Self::Other(norm),
        }
    }

    /// The short word callpop's Action URLs carry in their path.
    pub fn path_word(&self) -> &str {
        match self {
            Self::Incoming => "in",
            Self::Outgoing => "out",
            Self::Established => "est",
            Self::Terminated => "end",
            Self::Missed => "miss",
            Self::Hold => "hold",
            Self::Unhold => "unhold",
            Self::Other(word) => word,
        }
    }

    /// The name callpop prints (`incoming`, `missed`...).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Incoming => "incoming",
            Self::Outgoing => "outgoing",
            Self::Established => "established",
            Self::Terminated => "terminated",
            Self::Missed => "missed",
            Self::Hold => "hold",
            Self::Unhold => "unhold",
            Self::Other(word) => word,
        }
    }
}

impl fmt::Display for PushKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for PushKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One call event as the phone pushed it. Every text is decoded, trimmed and free of control
/// characters; a variable the phone left as its literal placeholder (`$display_remote`) is
/// empty here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PushedEvent {
    pub kind: PushKind,
    /// The other party's number (`$remote`), `+` kept as sent.
    pub number: String,
    /// The other party's display name (`$display_remote`), any UTF-8.
    pub name: String,
    /// The phone's id for the call (`$call-id`, Yealink `$call_id`): ties the pushes of one
    /// call together.
    pub call_id: String,
    /// The phone's own account (`$local` / `$active_user`).
    pub local: String,
    /// `$calldirection`, when the URL carries it and the phone filled it in.
    pub direction: Option<Direction>,
}

impl PushedEvent {
    /// An event with nothing but its kind, to fill in.
    pub fn new(kind: PushKind) -> Self {
        Self {
            kind,
            number: String::new(),
            name: String::new(),
            call_id: String::new(),
            local: String::new(),
            direction: None,
        }
    }
}

/// A push as the listener received it: from the configured phone, with the right token.
#[derive(Clone, Debug, Serialize)]
pub struct ReceivedPush {
    pub event: PushedEvent,
    /// The sender, always one of the phone's addresses.
    pub from: IpAddr,
    /// When the request was complete (for latency measurements).
    #[serde(skip)]
    pub at: Instant,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_are_lenient() {
        for (name, kind) in [
            ("in", PushKind::Incoming),
            ("Incoming_Call", PushKind::Incoming),
            ("call-established", PushKind::Established),
            ("est", PushKind::Established),
            ("end", PushKind::Terminated),
            ("missed_call", PushKind::Missed),
            ("UNHOLD", PushKind::Unhold),
        ] {
            assert_eq!(PushKind::from_name(name), kind, "{name}");
        }
        assert_eq!(
            PushKind::from_name("off-hook"),
            PushKind::Other("offhook".into())
        );
        for kind in [
            PushKind::Incoming,
            PushKind::Outgoing,
            PushKind::Established,
            PushKind::Terminated,
            PushKind::Missed,
            PushKind::Hold,
            PushKind::Unhold,
        ] {
            assert_eq!(PushKind::from_name(kind.path_word()), kind);
            assert_eq!(PushKind::from_name(kind.as_str()), kind);
        }
    }
}
