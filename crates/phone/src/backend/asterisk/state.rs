//! The desk phone's calls as the PBX's events tell them: every channel of the configured
//! device is a line, and each change makes a complete snapshot for the one call tracker.
//!
//! Asterisk reports channels, not calls. The desk worker's calls are the channels of their
//! device (`PJSIP/201-0000000a` for `PJSIP/201`), each with its own state, the other party as
//! the channel's *connected line*, and a `Linkedid` shared by every channel of one call,
//! which becomes [`Line::call_id`] so the tracker tells calls apart.
//!
//! What a channel's state means depends on how the channel came to be:
//! - **incoming** (a `Dial()` rang the phone: `DialBegin` with a calling channel): `Ringing`
//!   rings the desk phone, `Up` is answered;
//! - **outgoing** (the phone called the PBX: created in state `Ring`): it calls until the far
//!   end answers;
//! - **originated** (click-to-dial: the PBX rings the desk phone *first*, then dials the
//!   number; `DialBegin` without a calling channel, or a `ChannelId` callpop chose): while the
//!   desk phone rings this is an outgoing call being *dialled*, not an incoming one (nobody
//!   is calling the desk worker; they asked for this call), and once they pick up it is
//!   *calling* until the number answers. Showing it as ringing would pop up a call window
//!   for the desk worker's own click and, unanswered, log a missed call from themselves.
//!
//! Hold comes as `Hold`/`Unhold` on the desk phone's channel. Missed calls are not decided
//! here: a line that disappears while ringing is missed, which the tracker infers. What only
//! the hang-up cause can tell is said first, as a hint: another phone of a ring group took
//! the call (cause 26), or the desk phone declined it (17 busy, 21 rejected).
//!
//! Line numbers stay with a channel while it lives, also across reconnects: the tracker
//! follows calls by line, so a call must not move lines because callpop reconnected.

use super::config::Device;
use super::wire::Message;
use crate::backend::Report;
use crate::model::{CallHint, Direction, HintKind, Line, LineState};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Hang-up causes (Q.850) with a meaning for the desk worker.
const CAUSE_USER_BUSY: u32 = 17;
const CAUSE_CALL_REJECTED: u32 = 21;
const CAUSE_ANSWERED_ELSEWHERE: u32 = 26;
/// Causes that say an outgoing call did not get through (rather than being abandoned).
const FAILED_CAUSES: [u32; 11] = [1, 2, 3, 17, 20, 21, 27, 28, 34, 38, 42];
/// `DialStatus` values of a dial that did not get through.
const FAILED_DIALS: [&str; 4] = ["BUSY", "CONGESTION", "CHANUNAVAIL", "NOANSWER"];
/// The caller-id name click-to-dial shows on the desk phone, `callpop: 0301234567`. It names
/// the number being dialled for the person at the phone; on the line it is no one's name.
pub(crate) const DIAL_LABEL: &str = "callpop: ";
/// Longest name or number kept from an event.
const MAX_TEXT: usize = 256;
/// Channels of one device tracked at most: a desk phone has a handful of calls; more are not
/// legitimate traffic.
const MAX_CHANNELS: usize = 64;
/// Originate channel ids remembered.
const MAX_OWN_IDS: usize = 32;

/// Asterisk's channel states (`ChannelState`, `ChannelStateDesc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ChanState {
    Down,
    /// Off-hook, dialling: the phone is entering digits (analog and some SIP setups).
    Dialing,
    /// 4: a call came in to Asterisk on this channel and waits to be answered.
    Ring,
    /// 5: Asterisk called out on this channel and the far end is alerting.
    Ringing,
    Up,
    Busy,
    Unknown,
}

impl ChanState {
    /// From `ChannelState` (the number), else `ChannelStateDesc`.
    fn read(message: &Message, prefix: &str) -> Option<Self> {
        let number = message.get(&format!("{prefix}ChannelState"));
        let desc = message.get(&format!("{prefix}ChannelStateDesc"));
        let by_number = number
            .and_then(|n| n.trim().parse::<u8>().ok())
            .map(|n| match n {
                0 => Self::Down,
                2 | 3 | 8 => Self::Dialing,
                4 => Self::Ring,
                5 | 9 => Self::Ringing,
                6 => Self::Up,
                7 => Self::Busy,
                _ => Self::Unknown,
            });
        by_number.or_else(|| {
            desc.map(|d| match d.trim().to_ascii_lowercase().as_str() {
                "down" => Self::Down,
                "offhook" | "dialing" | "dialing offhook" => Self::Dialing,
                "ring" => Self::Ring,
                "ringing" | "pre-ring" => Self::Ringing,
                "up" => Self::Up,
                "busy" => Self::Busy,
                _ => Self::Unknown,
            })
        })
    }
}

/// How the channel came to be (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    Incoming,
    Outgoing,
    Originated,
}

/// One channel of the desk phone.
#[derive(Clone, Debug)]
struct Chan {
    name: String,
    uniqueid: String,
    linkedid: String,
    state: ChanState,
    origin: Origin,
    /// The other party, from the connected line.
    number: String,
    name_shown: String,
    /// What the phone dialled (its extension when it called out), for before the far end
    /// tells who it is.
    dialed: String,
    held: bool,
    bridged: bool,
    /// A `Dial()` this channel runs has not ended yet.
    dialing: bool,
    /// A `Dial()` this channel ran was answered.
    dial_answered: bool,
    /// How this channel's last `Dial()` ended.
    dial_status: String,
    /// The other party's channel, from `DialBegin`, `DialEnd` or a shared bridge.
    peer: Option<String>,
    bridge_id: Option<String>,
    line: Option<u32>,
}

impl Chan {
    /// What the line shows; `None` while the channel is nothing a person would call a call
    /// yet (an incoming leg before the phone rings).
    fn line_state(&self) -> Option<LineState> {
        match (self.origin, self.state) {
            (_, ChanState::Unknown) => None,
            (Origin::Incoming, ChanState::Down) => None,
            (Origin::Incoming, ChanState::Ring | ChanState::Ringing) => Some(LineState::Ringing),
            (Origin::Incoming, ChanState::Dialing) => Some(LineState::Dialing),
            (Origin::Outgoing, ChanState::Down | ChanState::Dialing) => Some(LineState::Dialing),
            (Origin::Outgoing, ChanState::Ring | ChanState::Ringing) => Some(LineState::Calling),
            (Origin::Originated, ChanState::Down | ChanState::Ring | ChanState::Ringing) => {
                Some(LineState::Dialing)
            }
            (Origin::Originated, ChanState::Dialing) => Some(LineState::Dialing),
            (_, ChanState::Busy) => Some(LineState::Failed),
            (_, ChanState::Up) => Some(self.up_state()),
        }
    }

    fn up_state(&self) -> LineState {
        if self.held {
            return LineState::OnHold;
        }
        let still_calling = !self.bridged
            && (self.dialing || (self.origin == Origin::Originated && !self.dial_answered));
        if self.origin != Origin::Incoming && still_calling {
            LineState::Calling
        } else {
            LineState::Connected
        }
    }

    fn remote(&self) -> (String, String) {
        let mut number = self.number.clone();
        if number.is_empty() && self.origin != Origin::Incoming {
            number.clone_from(&self.dialed);
        }
        let mut name = self.name_shown.clone();
        if name.starts_with(DIAL_LABEL) {
            name.clear();
        }
        (number, name)
    }

    fn line(&self) -> Option<Line> {
        let index = self.line?;
        let state = self.line_state()?;
        let (remote_number, remote_name) = self.remote();
        Some(Line {
            state,
            remote_name,
            remote_number,
            call_id: self.linkedid.clone(),
            ..Line::idle(index)
        })
    }

    /// Takes in the channel fields an event carries (with `prefix` for `Dest…` fields).
    fn refresh(&mut self, message: &Message, prefix: &str) {
        let field = |name: &str| message.get(&format!("{prefix}{name}"));
        if let Some(state) = ChanState::read(message, prefix) {
            self.state = state;
        }
        if let Some(linkedid) = field("Linkedid").filter(|l| !l.is_empty()) {
            self.linkedid = clean(linkedid);
        }
        if let Some(number) = field("ConnectedLineNum") {
            self.number = party(number);
        }
        if let Some(name) = field("ConnectedLineName") {
            self.name_shown = party(name);
        }
    }
}

/// `<unknown>` (Asterisk's word for nothing) is empty; text is bounded.
fn party(value: &str) -> String {
    let value = value.trim();
    if value.eq_ignore_ascii_case("<unknown>") {
        return String::new();
    }
    clean(value)
}

fn clean(value: &str) -> String {
    value.trim().chars().take(MAX_TEXT).collect()
}

/// What a `CoreShowChannel` (or the fields of any event) says about a channel.
fn chan_from(message: &Message, prefix: &str, origin: Origin) -> Chan {
    let field = |name: &str| clean(message.value(&format!("{prefix}{name}")));
    let uniqueid = field("Uniqueid");
    let linkedid = match field("Linkedid") {
        l if l.is_empty() => uniqueid.clone(),
        l => l,
    };
    let exten = field("Exten");
    let mut chan = Chan {
        name: field("Channel"),
        uniqueid,
        linkedid,
        state: ChanState::Down,
        origin,
        number: String::new(),
        name_shown: String::new(),
        dialed: if exten == "s" { String::new() } else { exten },
        held: false,
        bridged: false,
        dialing: false,
        dial_answered: false,
        dial_status: String::new(),
        peer: None,
        bridge_id: None,
        line: None,
    };
    chan.refresh(message, prefix);
    chan
}

/// A channel of the desk phone, as actions need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MyChannel {
    pub name: String,
    pub uniqueid: String,
    pub linkedid: String,
    /// The other party's channel, when events told.
    pub peer: Option<String>,
    /// Whether it rings the desk phone with a call for the desk worker.
    pub ringing_in: bool,
}

/// The desk phone's channels. Shared by the connection (which applies events) and the
/// backend (whose actions look channels up); it outlives connections, so line numbers do.
#[derive(Debug)]
pub(crate) struct Book {
    device: Device,
    /// By `Uniqueid`.
    channels: BTreeMap<String, Chan>,
    /// `ChannelId`s of callpop's own originates, with the number dialled: their channels are
    /// click-to-dial calls to that number from their very first event.
    own_ids: VecDeque<(String, String)>,
    /// The last snapshot reported: unchanged pictures are not reported again.
    last: Option<Vec<Line>>,
    /// Counts resyncs: a connection only applies events while its resync is the latest.
    generation: u64,
}

impl Book {
    pub(crate) fn new(device: Device) -> Self {
        Self {
            device,
            channels: BTreeMap::new(),
            own_ids: VecDeque::new(),
            last: Some(Vec::new()),
            generation: 0,
        }
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// callpop is about to originate with this `ChannelId` to call `number`.
    pub(crate) fn expect_own(&mut self, channel_id: &str, number: &str) {
        if self.own_ids.len() >= MAX_OWN_IDS {
            self.own_ids.pop_front();
        }
        self.own_ids
            .push_back((channel_id.to_owned(), number.to_owned()));
    }

    fn is_own(&self, uniqueid: &str) -> bool {
        self.own_number(uniqueid).is_some()
    }

    /// The number callpop's own originate with this id dials.
    fn own_number(&self, uniqueid: &str) -> Option<&str> {
        self.own_ids
            .iter()
            .find(|(id, _)| id == uniqueid)
            .map(|(_, number)| number.as_str())
    }

    /// Rebuilds the picture from a `CoreShowChannels` list after (re)connecting. Channels
    /// still there keep their line and what only events could tell (hold, how they started);
    /// the rest is taken from the list. Returns the complete snapshot.
    pub(crate) fn resync(&mut self, items: &[Message]) -> Vec<Line> {
        self.generation += 1;
        let mut fresh = BTreeMap::new();
        for item in items {
            let name = item.value("Channel");
            if !self.device.owns(name) || fresh.len() >= MAX_CHANNELS {
                continue;
            }
            let app = item.value("Application");
            let uniqueid = item.value("Uniqueid");
            let state = ChanState::read(item, "");
            let origin = if self.is_own(uniqueid) || app.eq_ignore_ascii_case("AppDial2") {
                Origin::Originated
            } else if state == Some(ChanState::Ring) || app.eq_ignore_ascii_case("Dial") {
                Origin::Outgoing
            } else {
                Origin::Incoming
            };
            let mut chan = chan_from(item, "", origin);
            if let Some(number) = self.own_number(&chan.uniqueid) {
                chan.dialed = clean(number);
            }
            let bridge = item.value("BridgeId").trim();
            chan.bridged = !bridge.is_empty();
            chan.bridge_id = chan.bridged.then(|| clean(bridge));
            chan.dialing = app.eq_ignore_ascii_case("Dial") && !chan.bridged;
            if let Some(old) = self.channels.get(&chan.uniqueid) {
                chan.origin = old.origin;
                chan.held = old.held && chan.state == ChanState::Up;
                chan.dial_answered = old.dial_answered;
                chan.peer.clone_from(&old.peer);
                chan.line = old.line;
                if chan.dialed.is_empty() {
                    chan.dialed.clone_from(&old.dialed);
                }
            }
            fresh.insert(chan.uniqueid.clone(), chan);
        }
        // The peers of bridged channels, from the list itself.
        for chan in fresh.values_mut() {
            let Some(bridge) = &chan.bridge_id else {
                continue;
            };
            let mut others = items.iter().filter(|i| {
                i.value("BridgeId").trim() == bridge && i.value("Uniqueid") != chan.uniqueid
            });
            if let (Some(peer), None) = (others.next(), others.next()) {
                chan.peer = Some(clean(peer.value("Channel")));
            }
        }
        self.channels = fresh;
        self.assign_lines();
        let lines = self.lines();
        self.last = Some(lines.clone());
        lines
    }

    /// Applies one event; returns what to report (hints first, then the new picture when it
    /// changed).
    pub(crate) fn apply(&mut self, event: &Message) -> Vec<Report> {
        let mut reports = Vec::new();
        let Some(name) = event.event() else {
            return reports;
        };
        let channel = event.value("Channel");
        let mine = self.device.owns(channel);
        match name.to_ascii_lowercase().as_str() {
            "newchannel" if mine => {
                let origin = match ChanState::read(event, "") {
                    _ if self.is_own(event.value("Uniqueid")) => Origin::Originated,
                    Some(ChanState::Ring | ChanState::Dialing) => Origin::Outgoing,
                    _ => Origin::Incoming,
                };
                self.upsert(event, "", origin);
            }
            "dialbegin" => self.dial_begin(event, mine),
            "dialend" => self.dial_end(event, mine),
            "bridgeenter" => self.bridge_enter(event, mine),
            "bridgeleave" if mine => {
                if let Some(chan) = self.upsert(event, "", Origin::Incoming) {
                    chan.bridged = false;
                    chan.bridge_id = None;
                }
            }
            "hold" | "unhold" if mine => {
                let on = name.eq_ignore_ascii_case("hold");
                if let Some(chan) = self.upsert(event, "", Origin::Incoming) {
                    chan.held = on;
                }
            }
            "hangup" if mine => self.hang_up(event, &mut reports),
            "rename" => {
                let new_name = event.value("Newname");
                let uniqueid = event.value("Uniqueid");
                if self.device.owns(new_name) {
                    if let Some(chan) = self.channels.get_mut(uniqueid) {
                        chan.name = clean(new_name);
                    }
                } else if mine {
                    // No longer the desk phone's channel (a masquerade): the call left it.
                    self.channels.remove(uniqueid);
                }
            }
            // Every other event about the desk phone's channel carries its current state and
            // connected line (`Newstate`, `NewConnectedLine`, `NewCallerid`...).
            _ if mine && event.get("Uniqueid").is_some() => {
                self.upsert(event, "", Origin::Incoming);
            }
            _ => {}
        }
        self.assign_lines();
        let lines = self.lines();
        if self.last.as_ref() != Some(&lines) {
            self.last = Some(lines.clone());
            reports.push(Report::Lines(lines));
        }
        reports
    }

    /// The channel an event is about, created when first seen (events that came before a
    /// resync, or after a missed `Newchannel`); refreshed from the event's fields.
    fn upsert(&mut self, event: &Message, prefix: &str, origin: Origin) -> Option<&mut Chan> {
        let uniqueid = clean(event.value(&format!("{prefix}Uniqueid")));
        if uniqueid.is_empty() {
            return None;
        }
        if !self.channels.contains_key(&uniqueid) {
            if self.channels.len() >= MAX_CHANNELS {
                return None;
            }
            let origin = if self.is_own(&uniqueid) {
                Origin::Originated
            } else {
                origin
            };
            let mut chan = chan_from(event, prefix, origin);
            if let Some(number) = self.own_number(&uniqueid) {
                chan.dialed = clean(number);
            }
            self.channels.insert(uniqueid.clone(), chan);
        }
        let chan = self.channels.get_mut(&uniqueid)?;
        chan.refresh(event, prefix);
        let name = event.value(&format!("{prefix}Channel"));
        if !name.is_empty() {
            chan.name = clean(name);
        }
        Some(chan)
    }

    fn dial_begin(&mut self, event: &Message, caller_mine: bool) {
        let caller = clean(event.value("Channel"));
        let dest = clean(event.value("DestChannel"));
        if self.device.owns(&dest) {
            let originated = caller.is_empty();
            if let Some(chan) = self.upsert(event, "Dest", Origin::Incoming) {
                if originated {
                    chan.origin = Origin::Originated;
                } else {
                    chan.peer = Some(caller.clone());
                }
            }
        }
        if caller_mine {
            if let Some(chan) = self.upsert(event, "", Origin::Outgoing) {
                chan.dialing = true;
                chan.dial_answered = false;
                chan.dial_status.clear();
                if !dest.is_empty() {
                    chan.peer = Some(dest);
                }
            }
        }
    }

    fn dial_end(&mut self, event: &Message, caller_mine: bool) {
        let dest = clean(event.value("DestChannel"));
        if self.device.owns(&dest) {
            self.upsert(event, "Dest", Origin::Incoming);
        }
        if caller_mine {
            let status = clean(event.value("DialStatus")).to_ascii_uppercase();
            if let Some(chan) = self.upsert(event, "", Origin::Outgoing) {
                chan.dialing = false;
                if status == "ANSWER" {
                    chan.dial_answered = true;
                    if !dest.is_empty() {
                        chan.peer = Some(dest);
                    }
                }
                chan.dial_status = status;
            }
        }
    }

    fn bridge_enter(&mut self, event: &Message, mine: bool) {
        let bridge = clean(event.value("BridgeUniqueid"));
        let channel = clean(event.value("Channel"));
        if mine {
            // Whoever is already in the bridge is the other party.
            let already: Vec<String> = self
                .channels
                .values()
                .filter(|c| c.bridge_id.as_deref() == Some(bridge.as_str()))
                .map(|c| c.name.clone())
                .collect();
            if let Some(chan) = self.upsert(event, "", Origin::Incoming) {
                chan.bridged = true;
                chan.bridge_id = Some(bridge);
                if let [only] = already.as_slice() {
                    chan.peer = Some(only.clone());
                }
            }
        } else if !bridge.is_empty() {
            // Another channel joins a bridge of the desk phone's: that is its peer now.
            for chan in self.channels.values_mut() {
                if chan.bridge_id.as_deref() == Some(bridge.as_str()) {
                    chan.peer = Some(channel.clone());
                }
            }
        }
    }

    fn hang_up(&mut self, event: &Message, reports: &mut Vec<Report>) {
        let uniqueid = event.value("Uniqueid");
        let Some(chan) = self.channels.remove(uniqueid) else {
            return;
        };
        let Some(state) = chan.line_state().filter(|_| chan.line.is_some()) else {
            return;
        };
        let cause = event.value("Cause").trim().parse::<u32>().unwrap_or(0);
        let (number, name) = chan.remote();
        let hint = |kind: HintKind| CallHint {
            number: number.clone(),
            name: name.clone(),
            call_id: chan.linkedid.clone(),
            direction: Some(Direction::Incoming),
            ..CallHint::new(kind)
        };
        match (chan.origin, &state) {
            (Origin::Incoming, LineState::Ringing) => match cause {
                CAUSE_ANSWERED_ELSEWHERE => {
                    reports.push(Report::Hint(hint(HintKind::AnsweredElsewhere)))
                }
                CAUSE_USER_BUSY | CAUSE_CALL_REJECTED => {
                    reports.push(Report::Hint(hint(HintKind::Rejected)))
                }
                _ => {}
            },
            // A call the desk worker placed that did not get through: shown as failed before
            // it goes, so it is logged as failed rather than abandoned.
            (Origin::Outgoing | Origin::Originated, LineState::Calling) => {
                let failed = FAILED_DIALS.contains(&chan.dial_status.as_str())
                    || FAILED_CAUSES.contains(&cause);
                if failed {
                    let mut failed_chan = chan.clone();
                    failed_chan.state = ChanState::Busy;
                    self.channels.insert(chan.uniqueid.clone(), failed_chan);
                    let lines = self.lines();
                    self.channels.remove(&chan.uniqueid);
                    self.last = Some(lines.clone());
                    reports.push(Report::Lines(lines));
                }
            }
            _ => {}
        }
    }

    /// Gives every visible channel without a line the lowest free line number.
    fn assign_lines(&mut self) {
        let mut taken: BTreeSet<u32> = self.channels.values().filter_map(|c| c.line).collect();
        for chan in self.channels.values_mut() {
            if chan.line.is_none() && chan.line_state().is_some() {
                let free = (1..).find(|n| !taken.contains(n)).unwrap_or(1);
                taken.insert(free);
                chan.line = Some(free);
            }
        }
    }

    /// The complete picture: every visible channel, by line.
    pub(crate) fn lines(&self) -> Vec<Line> {
        let mut lines: Vec<Line> = self.channels.values().filter_map(Chan::line).collect();
        lines.sort_by_key(|l| l.index);
        lines
    }

    /// The desk phone's channel for the call on `line` with the PBX's id `call_id` (empty
    /// when unknown): by both when they agree, else by the call id alone.
    pub(crate) fn channel_for(&self, line: u32, call_id: &str) -> Option<MyChannel> {
        let exact = self
            .channels
            .values()
            .find(|c| c.line == Some(line) && (call_id.is_empty() || c.linkedid == call_id));
        let by_id = || {
            let mut same = self
                .channels
                .values()
                .filter(|c| !call_id.is_empty() && c.linkedid == call_id);
            match (same.next(), same.next()) {
                (Some(only), None) => Some(only),
                _ => None,
            }
        };
        exact.or_else(by_id).map(|c| MyChannel {
            name: c.name.clone(),
            uniqueid: c.uniqueid.clone(),
            linkedid: c.linkedid.clone(),
            peer: c.peer.clone(),
            ringing_in: c.origin == Origin::Incoming && c.line_state() == Some(LineState::Ringing),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device() -> Device {
        Device::parse("PJSIP/201").expect("device")
    }

    /// An event about a channel, in the shape Asterisk sends.
    fn ev(name: &str, channel: &str, uniqueid: &str, state: u8, extra: &[(&str, &str)]) -> Message {
        let desc = match state {
            0 => "Down",
            4 => "Ring",
            5 => "Ringing",
            6 => "Up",
            _ => "Unknown",
        };
        let state = state.to_string();
        let mut pairs: Vec<(&str, &str)> = vec![
            ("Event", name),
            ("Channel", channel),
            ("ChannelState", &state),
            ("ChannelStateDesc", desc),
            ("Uniqueid", uniqueid),
            ("Linkedid", "L1"),
        ];
        pairs.extend_from_slice(extra);
        Message::from_pairs(&pairs)
    }

    fn last_lines(reports: &[Report]) -> Option<&Vec<Line>> {
        reports.iter().rev().find_map(|r| match r {
            Report::Lines(l) => Some(l),
            Report::Hint(_) => None,
        })
    }

    fn caller() -> [(&'static str, &'static str); 2] {
        [
            ("ConnectedLineNum", "+4930123456"),
            ("ConnectedLineName", "Jane Customer"),
        ]
    }

    #[test]
    fn an_incoming_call_rings_is_answered_held_and_ends() {
        let mut book = Book::new(device());
        let me = "PJSIP/201-00000003";
        assert!(book.apply(&ev("Newchannel", me, "u3", 0, &[])).is_empty());
        let dial = Message::from_pairs(&[
            ("Event", "DialBegin"),
            ("Channel", "PJSIP/trunk-00000002"),
            ("Uniqueid", "u2"),
            ("DestChannel", me),
            ("DestChannelState", "0"),
            ("DestUniqueid", "u3"),
            ("DestLinkedid", "L1"),
            ("DestConnectedLineNum", "+4930123456"),
        ]);
        assert!(book.apply(&dial).is_empty(), "not ringing yet");
        let ring = book.apply(&ev("Newstate", me, "u3", 5, &caller()));
        let lines = last_lines(&ring).expect("a snapshot");
        assert_eq!(lines.len(), 1);
        assert_eq!(
            (
                lines[0].index,
                &lines[0].state,
                lines[0].remote_number.as_str(),
                lines[0].remote_name.as_str(),
                lines[0].call_id.as_str()
            ),
            (1, &LineState::Ringing, "+4930123456", "Jane Customer", "L1")
        );
        let up = book.apply(&ev("Newstate", me, "u3", 6, &caller()));
        assert_eq!(
            last_lines(&up).expect("snapshot")[0].state,
            LineState::Connected
        );
        let held = book.apply(&ev("Hold", me, "u3", 6, &caller()));
        assert_eq!(
            last_lines(&held).expect("snapshot")[0].state,
            LineState::OnHold
        );
        assert!(
            book.apply(&ev("VarSet", me, "u3", 6, &caller())).is_empty(),
            "an unchanged picture is not reported again"
        );
        let back = book.apply(&ev("Unhold", me, "u3", 6, &caller()));
        assert_eq!(
            last_lines(&back).expect("snapshot")[0].state,
            LineState::Connected
        );
        let gone = book.apply(&ev("Hangup", me, "u3", 6, &[("Cause", "16")]));
        assert_eq!(gone, vec![Report::Lines(Vec::new())]);
        assert_eq!(book.channel_for(1, "L1"), None, "nothing left to act on");
    }

    #[test]
    fn hang_up_causes_say_what_snapshots_cannot() {
        let mut book = Book::new(device());
        let me = "PJSIP/201-00000001";
        book.apply(&ev("Newstate", me, "u1", 5, &caller()));
        let reports = book.apply(&ev("Hangup", me, "u1", 5, &[("Cause", "26")]));
        match reports.as_slice() {
            [Report::Hint(hint), Report::Lines(lines)] => {
                assert_eq!(hint.kind, HintKind::AnsweredElsewhere);
                assert_eq!(
                    (hint.call_id.as_str(), hint.number.as_str()),
                    ("L1", "+4930123456")
                );
                assert!(lines.is_empty());
            }
            other => panic!("hint, then the snapshot without the line: {other:?}"),
        }
        book.apply(&ev("Newstate", me, "u2", 5, &caller()));
        let reports = book.apply(&ev("Hangup", me, "u2", 5, &[("Cause", "21")]));
        assert!(matches!(&reports[0], Report::Hint(h) if h.kind == HintKind::Rejected));
        // The caller giving up (127) is left to the tracker: a missed call.
        book.apply(&ev("Newstate", me, "u3", 5, &caller()));
        let reports = book.apply(&ev("Hangup", me, "u3", 5, &[("Cause", "127")]));
        assert_eq!(reports, vec![Report::Lines(Vec::new())]);
    }

    #[test]
    fn click_to_dial_is_dialing_then_calling_then_connected() {
        let mut book = Book::new(device());
        book.expect_own("callpop-x-1", "0301234567");
        let me = "PJSIP/201-00000004";
        let new = ev("Newchannel", me, "callpop-x-1", 0, &[]);
        let first = book.apply(&new);
        let lines = last_lines(&first).expect("shown at once: callpop asked for it");
        assert_eq!(
            (&lines[0].state, lines[0].remote_number.as_str()),
            (&LineState::Dialing, "0301234567"),
            "with the number dialled, before the PBX says it"
        );
        let named = book.apply(&ev(
            "NewConnectedLine",
            me,
            "callpop-x-1",
            0,
            &[
                ("ConnectedLineNum", "0301234567"),
                ("ConnectedLineName", "callpop: 0301234567"),
            ],
        ));
        assert!(named.is_empty(), "callpop's own label is no one's name");
        assert_eq!(book.lines()[0].remote_name, "");
        // The desk phone rings for it: still dialling, never an incoming ring.
        assert!(book
            .apply(&ev("Newstate", me, "callpop-x-1", 5, &[]))
            .is_empty());
        let up = book.apply(&ev("Newstate", me, "callpop-x-1", 6, &[]));
        assert_eq!(
            last_lines(&up).expect("snapshot")[0].state,
            LineState::Calling
        );
        let dial = Message::from_pairs(&[
            ("Event", "DialBegin"),
            ("Channel", me),
            ("ChannelState", "6"),
            ("Uniqueid", "callpop-x-1"),
            ("DestChannel", "PJSIP/trunk-00000005"),
            ("DestUniqueid", "u5"),
        ]);
        assert!(book.apply(&dial).is_empty(), "still calling");
        let bridged = book.apply(&Message::from_pairs(&[
            ("Event", "BridgeEnter"),
            ("BridgeUniqueid", "b1"),
            ("Channel", me),
            ("ChannelState", "6"),
            ("Uniqueid", "callpop-x-1"),
        ]));
        assert_eq!(
            last_lines(&bridged).expect("snapshot")[0].state,
            LineState::Connected
        );
        let chan = book.channel_for(1, "L1").expect("found");
        assert_eq!(chan.peer.as_deref(), Some("PJSIP/trunk-00000005"));
        assert!(!chan.ringing_in);
    }

    #[test]
    fn an_originate_by_someone_else_is_known_by_its_dial_without_a_caller() {
        let mut book = Book::new(device());
        let me = "PJSIP/201-00000009";
        assert!(book.apply(&ev("Newchannel", me, "u9", 0, &[])).is_empty());
        let dial = book.apply(&Message::from_pairs(&[
            ("Event", "DialBegin"),
            ("DestChannel", me),
            ("DestChannelState", "0"),
            ("DestUniqueid", "u9"),
        ]));
        assert_eq!(
            last_lines(&dial).expect("snapshot")[0].state,
            LineState::Dialing
        );
        assert!(
            book.apply(&ev("Newstate", me, "u9", 5, &[])).is_empty(),
            "the desk phone ringing for it is still dialling"
        );
    }

    #[test]
    fn an_outgoing_call_that_fails_is_shown_failed_before_it_goes() {
        let mut book = Book::new(device());
        let me = "PJSIP/201-00000002";
        let calling = book.apply(&ev("Newchannel", me, "u2", 4, &[("Exten", "0301234567")]));
        let line = &last_lines(&calling).expect("snapshot")[0];
        assert_eq!(
            (&line.state, line.remote_number.as_str()),
            (&LineState::Calling, "0301234567")
        );
        book.apply(&Message::from_pairs(&[
            ("Event", "DialEnd"),
            ("Channel", me),
            ("Uniqueid", "u2"),
            ("DestChannel", "PJSIP/trunk-00000003"),
            ("DialStatus", "BUSY"),
        ]));
        let reports = book.apply(&ev("Hangup", me, "u2", 4, &[("Cause", "17")]));
        assert_eq!(reports.len(), 2);
        assert_eq!(
            last_lines(&reports[..1]).expect("failed")[0].state,
            LineState::Failed
        );
        assert_eq!(reports[1], Report::Lines(Vec::new()));
    }

    #[test]
    fn lines_stay_with_their_channels_across_a_resync() {
        let mut book = Book::new(device());
        book.apply(&ev("Newstate", "PJSIP/201-1", "u1", 6, &[]));
        book.apply(&ev("Newstate", "PJSIP/201-2", "u2", 6, &[]));
        book.apply(&ev("Hold", "PJSIP/201-2", "u2", 6, &[]));
        book.apply(&ev("Hangup", "PJSIP/201-1", "u1", 6, &[]));
        // Reconnected: line 2 is still line 2 (and still on hold, which the list cannot
        // tell), a call that came meanwhile takes line 1, other devices are not lines.
        let list = [
            Message::from_pairs(&[
                ("Event", "CoreShowChannel"),
                ("Channel", "PJSIP/201-2"),
                ("ChannelState", "6"),
                ("Uniqueid", "u2"),
                ("Linkedid", "L1"),
                ("Application", "AppDial"),
                ("BridgeId", "b2"),
            ]),
            Message::from_pairs(&[
                ("Event", "CoreShowChannel"),
                ("Channel", "PJSIP/trunk-7"),
                ("ChannelState", "6"),
                ("Uniqueid", "u7"),
                ("Application", "Dial"),
                ("BridgeId", "b2"),
            ]),
            Message::from_pairs(&[
                ("Event", "CoreShowChannel"),
                ("Channel", "PJSIP/201-3"),
                ("ChannelState", "5"),
                ("Uniqueid", "u3"),
                ("Linkedid", "L3"),
                ("Application", "AppDial"),
                ("ConnectedLineNum", "555"),
            ]),
            Message::from_pairs(&[
                ("Event", "CoreShowChannel"),
                ("Channel", "PJSIP/100-9"),
                ("ChannelState", "5"),
                ("Uniqueid", "u9"),
            ]),
        ];
        let lines = book.resync(&list);
        let shown: Vec<(u32, LineState)> =
            lines.iter().map(|l| (l.index, l.state.clone())).collect();
        assert_eq!(shown, vec![(1, LineState::Ringing), (2, LineState::OnHold)]);
        assert_eq!(
            book.channel_for(2, "L1").and_then(|c| c.peer).as_deref(),
            Some("PJSIP/trunk-7"),
            "the list's bridge tells the peer"
        );
        assert!(book.channel_for(1, "L3").is_some_and(|c| c.ringing_in));
    }

    #[test]
    fn malformed_events_change_nothing() {
        let mut book = Book::new(device());
        for event in [
            Message::from_pairs(&[("Event", "Newstate")]),
            Message::from_pairs(&[("Event", "Hangup"), ("Channel", "PJSIP/201-1")]),
            Message::from_pairs(&[("Event", "DialBegin"), ("DestChannel", "PJSIP/201-1")]),
            Message::from_pairs(&[
                ("Event", "Newstate"),
                ("Channel", "PJSIP/201-1"),
                ("Uniqueid", "u"),
                ("ChannelState", "x"),
            ]),
            Message::from_pairs(&[("Response", "Success")]),
            Message::from_pairs(&[
                ("Event", "SomethingNew"),
                ("Channel", "PJSIP/201-1"),
                ("Uniqueid", "u"),
            ]),
        ] {
            assert!(book.apply(&event).is_empty(), "{event:?}");
        }
        // Endless channels of one device are bounded.
        let mut book = Book::new(device());
        for i in 0..(MAX_CHANNELS + 10) {
            book.apply(&ev(
                "Newstate",
                &format!("PJSIP/201-{i}"),
                &format!("x{i}"),
                6,
                &[],
            ));
        }
        assert_eq!(book.lines().len(), MAX_CHANNELS);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;
        use proptest::sample::select;

        /// An event built from the names and values the state looks at, each header present
        /// or not: every shape a confused or hostile PBX could send.
        fn event() -> impl Strategy<Value = Message> {
            let name = select(vec![
                "Newchannel",
                "Newstate",
                "NewConnectedLine",
                "Hangup",
                "DialBegin",
                "DialEnd",
                "BridgeEnter",
                "BridgeLeave",
                "Hold",
                "Unhold",
                "Rename",
                "CoreShowChannel",
                "Whatever",
            ]);
            let channel = select(vec![
                "PJSIP/201-1",
                "PJSIP/201-2",
                "pjsip/201-3",
                "PJSIP/trunk-1",
                "PJSIP/2010-1",
                "",
                "\u{0}garbage",
            ]);
            let id = select(vec!["u1", "u2", "u3", "t1", ""]);
            let state = select(vec!["0", "4", "5", "6", "7", "3", "x", ""]);
            let other = select(vec![
                ("Cause", "26"),
                ("Cause", "17"),
                ("Cause", "21"),
                ("Cause", "127"),
                ("Cause", "nonsense"),
                ("DialStatus", "ANSWER"),
                ("DialStatus", "BUSY"),
                ("BridgeUniqueid", "b1"),
                ("ConnectedLineNum", "<unknown>"),
                ("ConnectedLineNum", "+4930123456"),
                ("ConnectedLineName", "callpop: 1"),
                ("Linkedid", "L2"),
                ("Newname", "PJSIP/201-9"),
                ("Newname", "Local/x"),
                ("Exten", "s"),
            ]);
            (
                name,
                proptest::option::of(channel.clone()),
                proptest::option::of(id.clone()),
                proptest::option::of(state),
                proptest::option::of(channel),
                proptest::option::of(id),
                proptest::collection::vec(other, 0..4),
            )
                .prop_map(|(name, channel, id, state, dest, dest_id, others)| {
                    let mut pairs = vec![("Event", name)];
                    pairs.extend(channel.map(|c| ("Channel", c)));
                    pairs.extend(id.map(|u| ("Uniqueid", u)));
                    pairs.extend(state.map(|st| ("ChannelState", st)));
                    pairs.extend(dest.map(|d| ("DestChannel", d)));
                    pairs.extend(dest_id.map(|u| ("DestUniqueid", u)));
                    pairs.extend(others);
                    Message::from_pairs(&pairs)
                })
        }

        fn sane(lines: &[Line]) -> bool {
            lines.windows(2).all(|w| w[0].index < w[1].index)
                && lines.iter().all(|l| l.index >= 1 && l.state.is_busy())
                && lines.len() <= MAX_CHANNELS
        }

        proptest! {
            #[test]
            fn any_events_leave_a_sane_picture(events in proptest::collection::vec(event(), 0..120)) {
                let mut book = Book::new(device());
                for (n, event) in events.iter().enumerate() {
                    for report in book.apply(event) {
                        if let Report::Lines(lines) = report {
                            prop_assert!(sane(&lines), "{lines:?}");
                        }
                    }
                    if n == events.len() / 2 {
                        // A resync in the middle, from a list made of the same events.
                        let lines = book.resync(&events[..n]);
                        prop_assert!(sane(&lines), "{lines:?}");
                    }
                }
                // Every line shown is one an action can find.
                for line in book.lines() {
                    prop_assert!(book.channel_for(line.index, &line.call_id).is_some());
                }
            }
        }
    }
}
