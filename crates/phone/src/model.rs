//! The vocabulary every phone system shares: lines, their states, call direction and hints.
//!
//! Backends translate their own wire formats (Grandstream JSON, AMI events, xuc messages,
//! Yealink pushes) into these types; the call tracker, the session and the desktop shell only
//! ever see these. Keeping them here, apart from any backend, is what lets one tracker serve
//! every phone system.

use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// The state of one line, as the phone names it.
///
/// `Other` keeps the phone's own word for states we do not know (Android models report
/// `transfer`, `conference`, `ending`, ...): they must never crash anything, and showing the
/// phone's word is more honest than guessing.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LineState {
    Idle,
    /// An incoming call is ringing.
    Ringing,
    /// An outgoing call is ringing at the other end (ringback).
    Calling,
    /// Digits are being entered for an outgoing call.
    Dialing,
    Connected,
    OnHold,
    Failed,
    Other(String),
}

impl LineState {
    /// Maps the phone's word; unknown words are kept as they are, trimmed and lower-cased.
    pub fn from_phone(word: &str) -> Self {
        let word = word.trim().to_ascii_lowercase();
        match word.as_str() {
            "idle" | "" => Self::Idle,
            "ringing" | "incoming" => Self::Ringing,
            "calling" | "ringback" => Self::Calling,
            "dialing" => Self::Dialing,
            "connected" | "talking" => Self::Connected,
            "onhold" | "hold" | "held" => Self::OnHold,
            "failed" | "fail" => Self::Failed,
            _ => Self::Other(word),
        }
    }

    /// The word callpop prints (`status --json`, the UI), the phone's own for `Other`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Idle => "idle",
            Self::Ringing => "ringing",
            Self::Calling => "calling",
            Self::Dialing => "dialing",
            Self::Connected => "connected",
            Self::OnHold => "onhold",
            Self::Failed => "failed",
            Self::Other(word) => word,
        }
    }

    /// True when a call occupies the line in any way.
    pub fn is_busy(&self) -> bool {
        !matches!(self, Self::Idle)
    }
}

impl Serialize for LineState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for LineState {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let word = String::deserialize(d)?;
        Ok(Self::from_phone(&word))
    }
}

/// One line (or call appearance) of the phone, as every backend reports it.
///
/// Grandstream reads it from `api-get_line_status`; event backends (Asterisk AMI, XiVO xuc,
/// Yealink pushes) keep such a picture from the events they receive. The tracker only ever
/// sees complete snapshots of these, whatever the source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    /// 1-based line number as the phone counts it.
    #[serde(rename = "line")]
    pub index: u32,
    pub state: LineState,
    /// The other party's display name; often empty while ringing; may be any UTF-8.
    #[serde(rename = "name")]
    pub remote_name: String,
    #[serde(rename = "number")]
    pub remote_number: String,
    /// Account index as the phone reports it (0- or 1-based depending on the model), absent
    /// when the phone sends `""`.
    pub account: Option<u32>,
    /// The line with focus: phone operations act on it.
    pub active: bool,
    /// In a conference (newer firmware only; false when not reported).
    pub conference: bool,
    /// The phone system's own id for the call on this line (an Asterisk channel's Linkedid,
    /// a xuc `uniqueId`, a Yealink `call_id`); empty when the source has none (Grandstream's
    /// line status). A different id on a busy line means a different call.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub call_id: String,
    /// What the phone system attaches to the call for the person taking it (a XiVO call's
    /// `userData`: the queue, the number dialled, CRM fields), by name. Empty for most.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub info: BTreeMap<String, String>,
}

impl Line {
    /// The line with names and numbers made safe to show ([`crate::text::for_display`]).
    pub fn for_display(mut self) -> Self {
        self.remote_name = crate::text::for_display(&self.remote_name);
        self.remote_number = crate::text::for_display(&self.remote_number);
        for value in self.info.values_mut() {
            *value = crate::text::for_display(value);
        }
        self
    }

    /// An idle line with nothing on it.
    pub fn idle(index: u32) -> Self {
        Self {
            index,
            state: LineState::Idle,
            remote_name: String::new(),
            remote_number: String::new(),
            account: None,
            active: false,
            conference: false,
            call_id: String::new(),
            info: BTreeMap::new(),
        }
    }
}

/// Which way a call goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Incoming,
    Outgoing,
    /// First seen already connected (callpop started mid-call, or the ring fell between polls).
    Unknown,
}

/// What a hint says happened to a call.
///
/// Hints come from the phone's Action URL pushes (and can come from any source that tells of
/// call events without a complete picture of the lines). Names are matched leniently
/// ([`HintKind::from_name`]): the short path words callpop's own URLs use (`in`, `est`,
/// `miss`...), Grandstream's and Yealink's event names (`incoming_call`,
/// `call_established`...). Anything else is kept as [`HintKind::Other`]: it still makes the
/// session look at the phone, but it never changes a call by itself.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum HintKind {
    Incoming,
    Outgoing,
    Established,
    Terminated,
    Missed,
    /// The call was declined at the phone (Grandstream's "Rejected" Action URL).
    Rejected,
    /// Another phone took the call (a ring group; AMI hang-up cause 26).
    AnsweredElsewhere,
    Hold,
    Unhold,
    /// An event callpop has no meaning for (`offhook`, `dnd_on`...), lower-cased, at most 32
    /// letters and digits.
    Other(String),
}

impl HintKind {
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
            "end" | "terminated" | "terminatedcall" | "callterminated" | "ended" | "hangup" => {
                Self::Terminated
            }
            "rej" | "rejected" | "reject" | "rejectedcall" | "callrejected" => Self::Rejected,
            "else" | "answeredelsewhere" | "elsewhere" => Self::AnsweredElsewhere,
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
            Self::Rejected => "rej",
            Self::AnsweredElsewhere => "else",
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
            Self::Rejected => "rejected",
            Self::AnsweredElsewhere => "answered_elsewhere",
            Self::Hold => "hold",
            Self::Unhold => "unhold",
            Self::Other(word) => word,
        }
    }
}

impl HintKind {
    /// Whether it says the call is over.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Terminated | Self::Missed | Self::Rejected | Self::AnsweredElsewhere
        )
    }
}

impl fmt::Display for HintKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for HintKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One call event as a source told it, without the rest of the picture: a trigger to look at
/// the phone, and details that fill gaps (see [`crate::tracker`]). Every text is decoded,
/// trimmed and free of control characters; a variable the phone left as its literal
/// placeholder (`$display_remote`) is empty here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallHint {
    pub kind: HintKind,
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

impl CallHint {
    /// The hint with names and numbers made safe to show ([`crate::text::for_display`]).
    pub fn for_display(&self) -> Self {
        Self {
            number: crate::text::for_display(&self.number),
            name: crate::text::for_display(&self.name),
            ..self.clone()
        }
    }

    /// An event with nothing but its kind, to fill in.
    pub fn new(kind: HintKind) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_are_lenient() {
        for (name, kind) in [
            ("in", HintKind::Incoming),
            ("Incoming_Call", HintKind::Incoming),
            ("call-established", HintKind::Established),
            ("est", HintKind::Established),
            ("end", HintKind::Terminated),
            ("missed_call", HintKind::Missed),
            ("UNHOLD", HintKind::Unhold),
        ] {
            assert_eq!(HintKind::from_name(name), kind, "{name}");
        }
        assert_eq!(
            HintKind::from_name("off-hook"),
            HintKind::Other("offhook".into())
        );
        for kind in [
            HintKind::Incoming,
            HintKind::Outgoing,
            HintKind::Established,
            HintKind::Terminated,
            HintKind::Missed,
            HintKind::Rejected,
            HintKind::AnsweredElsewhere,
            HintKind::Hold,
            HintKind::Unhold,
        ] {
            assert_eq!(HintKind::from_name(kind.path_word()), kind);
            assert_eq!(HintKind::from_name(kind.as_str()), kind);
        }
    }
}
