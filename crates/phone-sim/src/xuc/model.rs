//! The simulator's view of calls and users, as tests read it back.
//!
//! Names follow xuc's wire vocabulary (seed `003`, "Phone API"): a call is seen from one user's
//! line (`DN`), the other party is `otherDN` / `otherDName`, and Asterisk's channel ids appear
//! as `linkedId` (the whole call) and `uniqueId` (the user's channel).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Data attached to a call: `XIVO_*` system variables and `USR_*` user variables, sent as
/// `userData` in every `PhoneEvent`.
pub type UserData = BTreeMap<String, String>;

/// The simulator's handle on one call (never reused, also across restarts). Not a xuc field:
/// clients see `linkedId` and `uniqueId` instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CallId(pub u64);

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where a call stands on the user's phone. Ended calls disappear from
/// [`super::XucSim::calls`] (their last event was `EventReleased`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallState {
    /// Incoming, the phone rings (`EventRinging`).
    Ringing,
    /// Outgoing, the far end rings (`EventDialing`).
    Dialing,
    /// Talking (`EventEstablished`).
    Established,
    /// Held by the user (`EventOnHold`).
    OnHold,
}

impl CallState {
    /// The `eventType` a `PhoneEvent` (or a `CurrentCallsPhoneEvents` entry) reports for it.
    pub fn event_type(self) -> &'static str {
        match self {
            CallState::Ringing => "EventRinging",
            CallState::Dialing => "EventDialing",
            CallState::Established => "EventEstablished",
            CallState::OnHold => "EventOnHold",
        }
    }
}

impl fmt::Display for CallState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CallState::Ringing => "ringing",
            CallState::Dialing => "dialing",
            CallState::Established => "established",
            CallState::OnHold => "on hold",
        })
    }
}

/// `callDirection` of a `PhoneEvent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallDirection {
    /// Someone called the user.
    Incoming,
    /// The user called out.
    Outgoing,
}

impl CallDirection {
    /// The wire value, `Incoming` or `Outgoing`.
    pub fn as_str(self) -> &'static str {
        match self {
            CallDirection::Incoming => "Incoming",
            CallDirection::Outgoing => "Outgoing",
        }
    }
}

/// One call in progress on a user's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct XucCall {
    /// Simulator handle, for the control methods.
    pub id: CallId,
    /// Login of the user whose line carries the call.
    pub user: String,
    /// That user's line number (`DN`).
    pub dn: String,
    /// `callDirection`.
    pub direction: CallDirection,
    /// `otherDN`: the caller's number (incoming) or the number dialled (outgoing).
    pub other_dn: String,
    /// `otherDName`: the caller's name, empty when unknown.
    pub other_name: String,
    /// `linkedId`: Asterisk's id of the whole call.
    pub linked_id: String,
    /// `uniqueId`: Asterisk's id of the user's channel (what `hangup` etc. may name).
    pub unique_id: String,
    /// Current state.
    pub state: CallState,
    /// `queueName`, for calls distributed by a queue.
    pub queue_name: Option<String>,
    /// `userData`.
    pub user_data: UserData,
    /// For the consultation call of an attended transfer: the held call it will be joined to.
    pub consult_for: Option<CallId>,
}

/// The kinds of call forwarding xuc exposes (`naFwd`, `uncFwd`, `busyFwd`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForwardKind {
    /// Forward on no answer (`naFwd`).
    NoAnswer,
    /// Unconditional forward (`uncFwd`).
    Unconditional,
    /// Forward on busy (`busyFwd`).
    Busy,
}

/// One forward setting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forward {
    /// Whether it applies.
    pub enabled: bool,
    /// Where calls go; kept when disabled, as XiVO does.
    pub destination: String,
}

/// `PhoneStatusUpdate` status, with its numeric code from xuc's `Cti.PhoneStatus` (used by
/// `PhoneHintStatusEvent`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PhoneStatus {
    /// No call: ready to receive calls.
    Available,
    /// At least one call in progress (talking or dialing).
    Calling,
    /// Busy; not produced by the simulator (kept for completeness of the wire vocabulary).
    Busy,
    /// The phone is unavailable and cannot receive calls.
    Indisponible,
    /// Ringing, no other call.
    Ringing,
    /// Ringing while another call is in progress.
    BusyAndRinging,
    /// Every call in progress is on hold.
    OnHold,
}

impl PhoneStatus {
    /// The `status` string of `PhoneStatusUpdate`.
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneStatus::Available => "AVAILABLE",
            PhoneStatus::Calling => "CALLING",
            PhoneStatus::Busy => "BUSY",
            PhoneStatus::Indisponible => "INDISPONIBLE",
            PhoneStatus::Ringing => "RINGING",
            PhoneStatus::BusyAndRinging => "BUSY_AND_RINGING",
            PhoneStatus::OnHold => "ONHOLD",
        }
    }

    /// The numeric `status` of `PhoneHintStatusEvent` (xuc's `cti.js`, `Cti.PhoneStatus`).
    pub fn code(self) -> i32 {
        match self {
            PhoneStatus::Available => 0,
            PhoneStatus::Calling => 1,
            PhoneStatus::Busy => 2,
            PhoneStatus::Indisponible => 4,
            PhoneStatus::Ringing => 8,
            PhoneStatus::BusyAndRinging => 9,
            PhoneStatus::OnHold => 16,
        }
    }
}

/// A user's settings and phone state as the simulator holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct XucUserState {
    /// CTI login.
    pub login: String,
    /// Line number.
    pub dn: String,
    /// Full name.
    pub name: String,
    /// Do Not Disturb.
    pub dnd: bool,
    /// Forward on no answer.
    pub no_answer_forward: Forward,
    /// Unconditional forward.
    pub unconditional_forward: Forward,
    /// Forward on busy.
    pub busy_forward: Forward,
    /// The phone status last announced.
    pub phone_status: PhoneStatus,
    /// Open websocket sessions of this user.
    pub sessions: usize,
}
