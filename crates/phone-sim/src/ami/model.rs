//! The PBX's nouns: channels, bridges and calls, and the public snapshots of them.

use std::fmt;
use std::time::Instant;

use serde::{Deserialize, Serialize};

/// Identifies a call the simulator knows: every channel with one `Linkedid`. Returned by the
/// scenario methods of [`super::AmiSim`] and their control routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CallId(pub u64);

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "call {}", self.0)
    }
}

/// Who ends an established call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Party {
    /// The desk phone's side (the endpoint that answered, or that placed the call).
    Phone,
    /// The other side (the caller on the trunk, or the number dialled).
    Remote,
}

/// Asterisk channel states (`ChannelState` / `ChannelStateDesc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChanState {
    /// 0: created, nothing happened yet.
    Down,
    /// 4: an incoming channel waiting to be answered.
    Ring,
    /// 5: an outgoing channel whose far end is alerting.
    Ringing,
    /// 6: answered.
    Up,
}

impl ChanState {
    pub(crate) fn number(self) -> u8 {
        match self {
            ChanState::Down => 0,
            ChanState::Ring => 4,
            ChanState::Ringing => 5,
            ChanState::Up => 6,
        }
    }

    pub(crate) fn desc(self) -> &'static str {
        match self {
            ChanState::Down => "Down",
            ChanState::Ring => "Ring",
            ChanState::Ringing => "Ringing",
            ChanState::Up => "Up",
        }
    }
}

/// A caller ID or connected line: number and name, each possibly unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Id {
    pub(crate) num: Option<String>,
    pub(crate) name: Option<String>,
}

impl Id {
    /// Empty strings count as unknown, like a SIP `From` without a display name.
    pub(crate) fn new(num: &str, name: &str) -> Id {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        Id {
            num: some(num),
            name: some(name),
        }
    }

    pub(crate) fn num_text(&self) -> &str {
        self.num.as_deref().unwrap_or("<unknown>")
    }

    pub(crate) fn name_text(&self) -> &str {
        self.name.as_deref().unwrap_or("<unknown>")
    }
}

/// One channel, as Asterisk's snapshot of it.
#[derive(Debug, Clone)]
pub(crate) struct Channel {
    pub(crate) name: String,
    /// `PJSIP/100`: whose device state this channel counts towards.
    pub(crate) device: String,
    pub(crate) state: ChanState,
    pub(crate) caller: Id,
    pub(crate) connected: Id,
    pub(crate) context: String,
    pub(crate) exten: String,
    pub(crate) priority: u32,
    pub(crate) uniqueid: String,
    pub(crate) linkedid: String,
    /// Application and data, for `CoreShowChannels` and `Status`.
    pub(crate) app: String,
    pub(crate) app_data: String,
    pub(crate) created: Instant,
    pub(crate) bridge: Option<String>,
    /// Receiving music on hold (the peer put it on hold).
    pub(crate) held: bool,
    /// Whether the channel runs dialplan (the `Dial()` caller) rather than being a dialled leg.
    pub(crate) runs_dialplan: bool,
    /// The SIP Call-ID, shown to the peer as `BRIDGEPVTCALLID`.
    pub(crate) sip_call_id: String,
    pub(crate) vars: Vec<(String, String)>,
    pub(crate) call: CallId,
}

impl Channel {
    /// The standard channel fields in Asterisk's order, each name prefixed (`Dest` for the
    /// dialled side of `DialBegin`).
    pub(crate) fn state_lines(&self, prefix: &str) -> String {
        let fields: [(&str, &str); 14] = [
            ("Channel", &self.name),
            ("ChannelState", ""),
            ("ChannelStateDesc", self.state.desc()),
            ("CallerIDNum", self.caller.num_text()),
            ("CallerIDName", self.caller.name_text()),
            ("ConnectedLineNum", self.connected.num_text()),
            ("ConnectedLineName", self.connected.name_text()),
            ("Language", "en"),
            ("AccountCode", ""),
            ("Context", &self.context),
            ("Exten", &self.exten),
            ("Priority", ""),
            ("Uniqueid", &self.uniqueid),
            ("Linkedid", &self.linkedid),
        ];
        let mut out = String::with_capacity(512);
        for (name, value) in fields {
            let value = match name {
                "ChannelState" => self.state.number().to_string(),
                "Priority" => self.priority.to_string(),
                _ => value.to_owned(),
            };
            out.push_str(prefix);
            out.push_str(name);
            out.push_str(": ");
            out.push_str(&value);
            out.push_str("\r\n");
        }
        out
    }

    /// `HH:MM:SS` since creation, as `CoreShowChannel`'s `Duration`.
    pub(crate) fn duration_text(&self) -> String {
        let secs = self.created.elapsed().as_secs();
        format!(
            "{:02}:{:02}:{:02}",
            secs / 3600,
            (secs % 3600) / 60,
            secs % 60
        )
    }

    pub(crate) fn info(&self) -> ChannelInfo {
        ChannelInfo {
            name: self.name.clone(),
            device: self.device.clone(),
            state: self.state.number(),
            state_desc: self.state.desc().to_owned(),
            caller_id_num: self.caller.num_text().to_owned(),
            caller_id_name: self.caller.name_text().to_owned(),
            connected_line_num: self.connected.num_text().to_owned(),
            connected_line_name: self.connected.name_text().to_owned(),
            context: self.context.clone(),
            exten: self.exten.clone(),
            priority: self.priority,
            uniqueid: self.uniqueid.clone(),
            linkedid: self.linkedid.clone(),
            application: self.app.clone(),
            application_data: self.app_data.clone(),
            bridge_id: self.bridge.clone(),
            on_hold: self.held,
            call: self.call,
        }
    }
}

/// A two-party bridge.
#[derive(Debug, Clone)]
pub(crate) struct Bridge {
    pub(crate) uniqueid: String,
    /// `simple_bridge` while it forms, `native_rtp` once media flows (as captured).
    pub(crate) technology: &'static str,
    pub(crate) members: usize,
}

impl Bridge {
    pub(crate) fn lines(&self) -> String {
        format!(
            "BridgeUniqueid: {}\r\nBridgeType: basic\r\nBridgeTechnology: {}\r\n\
             BridgeCreator: <unknown>\r\nBridgeName: <unknown>\r\nBridgeNumChannels: {}\r\n\
             BridgeVideoSourceMode: none\r\n",
            self.uniqueid, self.technology, self.members
        )
    }
}

/// A channel as the simulator reports it ([`super::AmiSim::channels`], `/control/channels`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelInfo {
    /// `PJSIP/100-00000003`.
    pub name: String,
    /// `PJSIP/100`.
    pub device: String,
    /// `ChannelState` (0 Down, 4 Ring, 5 Ringing, 6 Up).
    pub state: u8,
    /// `ChannelStateDesc`.
    pub state_desc: String,
    /// `CallerIDNum` (`<unknown>` when unknown).
    pub caller_id_num: String,
    /// `CallerIDName`.
    pub caller_id_name: String,
    /// `ConnectedLineNum`.
    pub connected_line_num: String,
    /// `ConnectedLineName`.
    pub connected_line_name: String,
    /// Dialplan context.
    pub context: String,
    /// Dialplan extension.
    pub exten: String,
    /// Dialplan priority.
    pub priority: u32,
    /// `Uniqueid`.
    pub uniqueid: String,
    /// `Linkedid`.
    pub linkedid: String,
    /// Application running (`Dial`, `AppDial`, ...).
    pub application: String,
    /// Its data.
    pub application_data: String,
    /// The bridge the channel is in.
    pub bridge_id: Option<String>,
    /// Whether the channel hears music on hold.
    pub on_hold: bool,
    /// The call it belongs to.
    pub call: CallId,
}

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallPhase {
    /// An originate rings the desk phone first.
    Originating,
    /// Someone is being dialled (the desk phone for inbound calls, the far end for outbound).
    Ringing,
    /// Two channels are bridged.
    Connected,
    /// An originated channel runs an application without a peer.
    Up,
    /// Over.
    Ended,
}

/// A call as the simulator reports it ([`super::AmiSim::calls`], `/control/calls`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallInfo {
    /// Its id.
    pub id: CallId,
    /// Where it stands.
    pub phase: CallPhase,
    /// `inbound` (from the trunk), `originate` or `outbound` (dialled at the phone).
    pub direction: String,
    /// The `Linkedid` of its channels.
    pub linkedid: String,
    /// The desk phone's channel, once there is one.
    pub phone_channel: Option<String>,
    /// Names of its live channels.
    pub channels: Vec<String>,
    /// Hangup cause once ended.
    pub cause: Option<u32>,
}
