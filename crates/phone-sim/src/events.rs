//! Call events the line state machine emits, named like Grandstream's Action URL events.
//!
//! They exist so that everything reacting to calls (Action URL pushes, the demo's scripted
//! remote party) hears about transitions from one place, in the order they happened.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A phone event an Action URL can be configured for (Grandstream's names, P-values 8308-8325).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PushEvent {
    /// A call starts ringing (P8310).
    Incoming,
    /// An outgoing call starts (P8311).
    Outgoing,
    /// A call is connected, incoming or outgoing (P8313).
    Established,
    /// A call that was connected, held or dialling ends (P8314).
    Terminated,
    /// A ringing call ends without being answered (P8312).
    Missed,
    /// A call is put on hold (P8324).
    Hold,
    /// A held call is resumed (P8325).
    Unhold,
    /// The phone goes off hook: a call is answered or dialled (P8308).
    OffHook,
    /// The phone goes back on hook: the last call ended (P8309).
    OnHook,
}

impl PushEvent {
    /// Every event, in a stable order.
    pub const ALL: [PushEvent; 9] = [
        PushEvent::Incoming,
        PushEvent::Outgoing,
        PushEvent::Established,
        PushEvent::Terminated,
        PushEvent::Missed,
        PushEvent::Hold,
        PushEvent::Unhold,
        PushEvent::OffHook,
        PushEvent::OnHook,
    ];

    /// The lowercase name used by the control API and in serialized records.
    pub fn as_str(self) -> &'static str {
        match self {
            PushEvent::Incoming => "incoming",
            PushEvent::Outgoing => "outgoing",
            PushEvent::Established => "established",
            PushEvent::Terminated => "terminated",
            PushEvent::Missed => "missed",
            PushEvent::Hold => "hold",
            PushEvent::Unhold => "unhold",
            PushEvent::OffHook => "offhook",
            PushEvent::OnHook => "onhook",
        }
    }
}

impl fmt::Display for PushEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name is not one of [`PushEvent::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown event {0:?}")]
pub struct UnknownEvent(pub String);

impl FromStr for PushEvent {
    type Err = UnknownEvent;

    /// Accepts the control API's names and a few spellings seen in phone menus
    /// (`incoming_call`, `off-hook`, ...).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm: String = s
            .chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .collect::<String>()
            .to_ascii_lowercase();
        let event = match norm.as_str() {
            "incoming" | "incomingcall" => PushEvent::Incoming,
            "outgoing" | "outgoingcall" => PushEvent::Outgoing,
            "established" | "establishedcall" => PushEvent::Established,
            "terminated" | "terminatedcall" => PushEvent::Terminated,
            "missed" | "missedcall" => PushEvent::Missed,
            "hold" => PushEvent::Hold,
            "unhold" => PushEvent::Unhold,
            "offhook" => PushEvent::OffHook,
            "onhook" => PushEvent::OnHook,
            _ => return Err(UnknownEvent(s.to_owned())),
        };
        Ok(event)
    }
}

/// Who placed a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallDirection {
    /// The remote party called this phone.
    Incoming,
    /// This phone called the remote party.
    Outgoing,
}

impl CallDirection {
    /// Lowercase name, as substituted for `$calldirection`.
    pub fn as_str(self) -> &'static str {
        match self {
            CallDirection::Incoming => "incoming",
            CallDirection::Outgoing => "outgoing",
        }
    }
}

/// The call an event is about, frozen at the moment of the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallInfo {
    /// Stable identifier of the call, the same in every event of that call.
    pub call_id: String,
    /// Who placed it.
    pub direction: CallDirection,
    /// Remote number as dialled or presented.
    pub remote_number: String,
    /// Remote display name; often empty.
    pub remote_name: String,
    /// 0-based account index.
    pub account: u32,
    /// Time since the call was established, if it was.
    pub duration: Option<Duration>,
}

/// One transition of the phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallEvent {
    /// What happened.
    pub event: PushEvent,
    /// 1-based line the call is on.
    pub line: u32,
    /// The call concerned.
    pub call: CallInfo,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for event in PushEvent::ALL {
            assert_eq!(event.as_str().parse::<PushEvent>(), Ok(event));
        }
        assert_eq!(
            "Incoming_Call".parse::<PushEvent>(),
            Ok(PushEvent::Incoming)
        );
        assert_eq!("off-hook".parse::<PushEvent>(), Ok(PushEvent::OffHook));
        assert!("ringing".parse::<PushEvent>().is_err());
    }
}
