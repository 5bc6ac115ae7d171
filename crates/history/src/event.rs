//! What the desktop glue tells the history: one [`Observed`] per call event.
//!
//! These types are the history's own, not the phone core's: the core is being reshaped for
//! several phone systems, and the history must not break with it. The glue maps each call
//! event of the core onto an [`Observed`], stamping the time it saw the event.
//!
//! What the history relies on:
//! - Events of one call arrive in order, but any event may be delivered again (duplicates,
//!   replays after a reconnect). Recording the same event twice changes nothing.
//! - A call may be seen only partly: an [`Step::Ended`] with no ring before it (a missed call
//!   known only from a push), or a [`Step::Connected`] first (callpop started mid-call). The
//!   row is created by whichever event comes first.
//! - [`CallKey`] names the call the same way for every event of it, and should be the phone
//!   system's own id (SIP Call-ID, AMI Linkedid, xuc linkedId) where there is one, so that a
//!   restart mid-call continues the same row instead of starting a second one.

use serde::{Deserialize, Serialize};

/// Which call an event is about. Unique in the history: a second row with the same key is
/// never created, which is what makes duplicated and replayed events harmless.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CallKey {
    /// The phone system: `grandstream`, `yealink`, `ami`, `xuc`, `demo`, …
    pub source: String,
    /// The phone or endpoint within that system: MAC address, AMI endpoint, xuc user name.
    pub device_id: String,
    /// That system's id for the call. Must not be empty: an event that cannot be told apart
    /// from other calls' events cannot be recorded safely.
    pub source_call_id: String,
}

impl CallKey {
    pub fn new(
        source: impl Into<String>,
        device_id: impl Into<String>,
        source_call_id: impl Into<String>,
    ) -> Self {
        Self {
            source: source.into(),
            device_id: device_id.into(),
            source_call_id: source_call_id.into(),
        }
    }
}

/// Who called whom. `Unknown` when callpop first saw the call already connected; a later event
/// that knows the direction fills it in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
    Unknown,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
            Direction::Unknown => "unknown",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "in" => Direction::In,
            "out" => Direction::Out,
            "unknown" => Direction::Unknown,
            _ => return None,
        })
    }
}

/// How a call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Someone talked: the call was connected at this phone.
    Answered,
    /// An incoming call rang here and stopped without being answered anywhere.
    Missed,
    /// The user declined an incoming call.
    Rejected,
    /// The other side was busy.
    Busy,
    /// The call could not be set up (network, PBX or number error).
    Failed,
    /// An outgoing call given up before the other side answered.
    Cancelled,
    /// An incoming call taken by another phone (group, queue, pickup): not missed, nobody
    /// needs to call back.
    AnsweredElsewhere,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Missed => "missed",
            Outcome::Rejected => "rejected",
            Outcome::Busy => "busy",
            Outcome::Failed => "failed",
            Outcome::Cancelled => "cancelled",
            Outcome::AnsweredElsewhere => "answered_elsewhere",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "answered" => Outcome::Answered,
            "missed" => Outcome::Missed,
            "rejected" => Outcome::Rejected,
            "busy" => Outcome::Busy,
            "failed" => Outcome::Failed,
            "cancelled" => Outcome::Cancelled,
            "answered_elsewhere" => Outcome::AnsweredElsewhere,
            _ => return None,
        })
    }
}

/// What happened to the call at [`Observed::at_ms`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// An incoming call started ringing.
    Ringing,
    /// An outgoing call was placed (dialing or ringback).
    Dialing,
    /// The call was answered (by either side). A `Connected` while the call is on hold is
    /// taken as the end of the hold: some phones report it so instead of a resume.
    Connected,
    Held,
    Resumed,
    /// The call is over.
    Ended(Outcome),
}

/// One call event as the glue saw it.
///
/// Number and name fields fill in what the history does not know yet (the first non-empty
/// value wins); they never overwrite. That keeps a replayed older event from undoing a newer
/// one, and the phone's own number for a call does not change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observed {
    /// When it happened, unix milliseconds (UTC), as stamped by the glue.
    pub at_ms: i64,
    pub key: CallKey,
    /// The phone's line or account, counted from 1, when known. (The Grandstream tracker's
    /// line 0, "known only from a push", should be passed as `None`.)
    pub line: Option<u32>,
    pub direction: Direction,
    pub step: Step,
    /// The other party's number exactly as the phone or PBX showed it; empty when anonymous.
    pub number: String,
    /// The number in E.164 form, when the glue could parse it.
    pub e164: Option<String>,
    /// The key that says "same person" for missed-call resolution: E.164 when known, else the
    /// last national digits (the phone core's number rules). When it is `None`, `e164` is
    /// used; when both are `None` the call can only be resolved by hand.
    pub match_key: Option<String>,
    /// The name the phone or PBX showed (a snapshot; contact lookup comes later).
    pub name: String,
}
