//! The events a Yealink phone can push an Action URL for, named as in its configuration
//! files (`action_url.incoming_call`, ...) and web page (Features > Action URL).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An event the phone sends an Action URL for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YealinkEvent {
    /// A call starts ringing (`action_url.incoming_call`).
    IncomingCall,
    /// The phone places a call (`action_url.outgoing_call`).
    OutgoingCall,
    /// A call is connected, incoming or outgoing (`action_url.call_established`).
    CallEstablished,
    /// A call that was connected, held or placed ends (`action_url.call_terminated`); also
    /// sent after a rejected ring.
    CallTerminated,
    /// A ringing call ends without being answered (`action_url.missed_call`).
    MissedCall,
    /// A ringing call is declined at the phone or by Action URI
    /// (`action_url.reject_incoming_call`).
    RejectIncomingCall,
    /// A call is put on hold (`action_url.hold`).
    Hold,
    /// A held call is resumed (`action_url.unhold`).
    Unhold,
    /// The microphone is muted (`action_url.mute`).
    Mute,
    /// The microphone is unmuted (`action_url.unmute`).
    Unmute,
    /// Do Not Disturb is switched on (`action_url.dnd_on`).
    DndOn,
    /// Do Not Disturb is switched off (`action_url.dnd_off`).
    DndOff,
    /// The first call starts (`action_url.idle_to_busy`).
    IdleToBusy,
    /// The last call ends (`action_url.busy_to_idle`).
    BusyToIdle,
}

impl YealinkEvent {
    /// Every event, in a stable order.
    pub const ALL: [YealinkEvent; 14] = [
        YealinkEvent::IncomingCall,
        YealinkEvent::OutgoingCall,
        YealinkEvent::CallEstablished,
        YealinkEvent::CallTerminated,
        YealinkEvent::MissedCall,
        YealinkEvent::RejectIncomingCall,
        YealinkEvent::Hold,
        YealinkEvent::Unhold,
        YealinkEvent::Mute,
        YealinkEvent::Unmute,
        YealinkEvent::DndOn,
        YealinkEvent::DndOff,
        YealinkEvent::IdleToBusy,
        YealinkEvent::BusyToIdle,
    ];

    /// The name after `action_url.` in the phone's configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            YealinkEvent::IncomingCall => "incoming_call",
            YealinkEvent::OutgoingCall => "outgoing_call",
            YealinkEvent::CallEstablished => "call_established",
            YealinkEvent::CallTerminated => "call_terminated",
            YealinkEvent::MissedCall => "missed_call",
            YealinkEvent::RejectIncomingCall => "reject_incoming_call",
            YealinkEvent::Hold => "hold",
            YealinkEvent::Unhold => "unhold",
            YealinkEvent::Mute => "mute",
            YealinkEvent::Unmute => "unmute",
            YealinkEvent::DndOn => "dnd_on",
            YealinkEvent::DndOff => "dnd_off",
            YealinkEvent::IdleToBusy => "idle_to_busy",
            YealinkEvent::BusyToIdle => "busy_to_idle",
        }
    }

    /// Whether the event is about one call (and so fills in `$call_id`, `$remote`, ...).
    pub fn is_about_a_call(self) -> bool {
        !matches!(
            self,
            YealinkEvent::DndOn
                | YealinkEvent::DndOff
                | YealinkEvent::IdleToBusy
                | YealinkEvent::BusyToIdle
        )
    }
}

impl fmt::Display for YealinkEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The name is not one of [`YealinkEvent::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown Yealink Action URL event {0:?}")]
pub struct UnknownYealinkEvent(pub String);

impl FromStr for YealinkEvent {
    type Err = UnknownYealinkEvent;

    /// Accepts `incoming_call` and the full parameter name `action_url.incoming_call`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        let name = trimmed.strip_prefix("action_url.").unwrap_or(trimmed);
        YealinkEvent::ALL
            .into_iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| UnknownYealinkEvent(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for event in YealinkEvent::ALL {
            assert_eq!(event.as_str().parse::<YealinkEvent>(), Ok(event));
        }
        assert_eq!(
            "action_url.call_established".parse::<YealinkEvent>(),
            Ok(YealinkEvent::CallEstablished)
        );
        assert!("ringing".parse::<YealinkEvent>().is_err());
    }
}
