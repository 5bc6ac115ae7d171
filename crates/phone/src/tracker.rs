//! The one call tracker: line snapshots in, call events out.
//!
//! Everything that learns about calls (the poller's snapshots, pushed Action URL events that
//! trigger a re-read) goes through one `CallTracker`, so a call pops up once however many
//! sources saw it. The tracker is a pure reducer: no I/O, no clock, no randomness after
//! construction, which is what makes it property-testable.
//!
//! Between two polls a lot can happen (a short ring, an answer and a hold); the tracker infers
//! the events a person would expect: a ring that went idle without being answered is `missed`,
//! a ringing line found on hold was `connected` and then `held`.

use crate::models::{Line, LineState};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// A call's stable identifier for the lifetime of the process (and distinct across restarts).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CallId(String);

impl CallId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallEventKind {
    /// An incoming call started ringing.
    Ringing,
    /// An outgoing call started (dialing or ringback).
    Dialing,
    /// The call was answered (by either side).
    Connected,
    Held,
    Resumed,
    /// A call that was connected (or an outgoing attempt) is over.
    Ended,
    /// An incoming call rang and stopped without being answered.
    Missed,
}

impl CallEventKind {
    pub fn is_final(self) -> bool {
        matches!(self, Self::Ended | Self::Missed)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Incoming,
    Outgoing,
    /// First seen already connected (callpop started mid-call, or the ring fell between polls).
    Unknown,
}

/// What happened to a call, with the details known at that moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallEvent {
    pub event: CallEventKind,
    pub call: CallId,
    pub line: u32,
    pub number: String,
    pub name: String,
    pub direction: Direction,
    pub account: Option<u32>,
}

/// Where a tracked call stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CallPhase {
    Ringing,
    Dialing,
    Connected,
    Held,
}

/// A call in progress, as the tracker knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ActiveCall {
    pub call: CallId,
    pub line: u32,
    pub phase: CallPhase,
    pub direction: Direction,
    pub number: String,
    pub name: String,
    pub account: Option<u32>,
    /// Whether it was ever connected: decides `ended` against `missed`.
    pub answered: bool,
}

/// See the module documentation.
#[derive(Debug)]
pub struct CallTracker {
    /// Calls by line number.
    calls: BTreeMap<u32, ActiveCall>,
    id_prefix: String,
    next_id: u64,
}

impl Default for CallTracker {
    fn default() -> Self {
        Self::new()
    }
}

impl CallTracker {
    /// A tracker whose call ids are unique across restarts (random prefix).
    pub fn new() -> Self {
        Self::with_id_prefix(format!("{:06x}", rand::random::<u32>() & 0xff_ffff))
    }

    /// A tracker with predictable ids (`<prefix>-1`, `<prefix>-2`...), for tests.
    pub fn with_id_prefix(prefix: impl Into<String>) -> Self {
        Self {
            calls: BTreeMap::new(),
            id_prefix: prefix.into(),
            next_id: 0,
        }
    }

    /// The calls in progress, by line.
    pub fn calls(&self) -> impl Iterator<Item = &ActiveCall> {
        self.calls.values()
    }

    /// The call on `line`, if any.
    pub fn call_on(&self, line: u32) -> Option<&ActiveCall> {
        self.calls.get(&line)
    }

    /// Feeds one complete snapshot of the phone's lines. A line missing from the snapshot is
    /// idle (phones report fewer lines after a reconfiguration).
    pub fn observe(&mut self, lines: &[Line]) -> Vec<CallEvent> {
        let mut events = Vec::new();
        for line in lines {
            self.step(line, &mut events);
        }
        let gone: Vec<u32> = self
            .calls
            .keys()
            .copied()
            .filter(|index| !lines.iter().any(|l| l.index == *index))
            .collect();
        for index in gone {
            self.step(&Line::idle(index), &mut events);
        }
        events
    }

    /// Ends every call, e.g. when the phone rebooted or callpop lost it for good: the UI must
    /// not keep showing a call window for a call nobody can see any more.
    pub fn clear(&mut self) -> Vec<CallEvent> {
        let lines: Vec<u32> = self.calls.keys().copied().collect();
        let mut events = Vec::new();
        for index in lines {
            self.step(&Line::idle(index), &mut events);
        }
        events
    }

    /// Adds details a push carried (the display name, often missing from line status while
    /// ringing) to the call on `line`, without emitting anything.
    pub fn fill_details(&mut self, line: u32, number: &str, name: &str) {
        if let Some(call) = self.calls.get_mut(&line) {
            if call.name.is_empty() && !name.is_empty() {
                call.name = name.to_owned();
            }
            if call.number.is_empty() && !number.is_empty() {
                call.number = number.to_owned();
            }
        }
    }

    fn step(&mut self, line: &Line, events: &mut Vec<CallEvent>) {
        if let Some(call) = self.calls.get(&line.index) {
            if is_another_call(call, line) {
                self.finish(line.index, events);
            }
        }
        let Some(call) = self.calls.get_mut(&line.index) else {
            self.start(line, events);
            return;
        };
        refresh_details(call, line);
        use CallPhase as P;
        match (&line.state, call.phase) {
            (LineState::Idle | LineState::Failed, _) => self.finish(line.index, events),
            (LineState::Connected, P::Ringing | P::Dialing) => {
                call.phase = P::Connected;
                call.answered = true;
                events.push(event_of(call, CallEventKind::Connected));
            }
            (LineState::Connected, P::Held) => {
                call.phase = P::Connected;
                events.push(event_of(call, CallEventKind::Resumed));
            }
            (LineState::OnHold, P::Ringing | P::Dialing) => {
                // Answered and held between two looks.
                call.phase = P::Held;
                call.answered = true;
                events.push(event_of(call, CallEventKind::Connected));
                events.push(event_of(call, CallEventKind::Held));
            }
            (LineState::OnHold, P::Connected) => {
                call.phase = P::Held;
                events.push(event_of(call, CallEventKind::Held));
            }
            // Same phase as before, or a state we do not know (`transfer`, `conference`...):
            // the call goes on, nothing to announce.
            _ => {}
        }
    }

    /// Opens a call for a line seen busy with no call tracked on it.
    fn start(&mut self, line: &Line, events: &mut Vec<CallEvent>) {
        let (phase, direction, entry): (CallPhase, Direction, &[CallEventKind]) = match line.state
        {
            LineState::Ringing => (
                CallPhase::Ringing,
                Direction::Incoming,
                &[CallEventKind::Ringing],
            ),
            LineState::Calling | LineState::Dialing => (
                CallPhase::Dialing,
                Direction::Outgoing,
                &[CallEventKind::Dialing],
            ),
            LineState::Connected => (
                CallPhase::Connected,
                Direction::Unknown,
                &[CallEventKind::Connected],
            ),
            LineState::OnHold => (
                CallPhase::Held,
                Direction::Unknown,
                &[CallEventKind::Connected, CallEventKind::Held],
            ),
            // Idle, failed or unknown with no call: nothing that can be shown as a call.
            LineState::Idle | LineState::Failed | LineState::Other(_) => return,
        };
        self.next_id += 1;
        let call = ActiveCall {
            call: CallId(format!("{}-{}", self.id_prefix, self.next_id)),
            line: line.index,
            phase,
            direction,
            number: line.remote_number.clone(),
            name: line.remote_name.clone(),
            account: line.account,
            answered: matches!(phase, CallPhase::Connected | CallPhase::Held),
        };
        events.extend(entry.iter().map(|kind| event_of(&call, *kind)));
        self.calls.insert(line.index, call);
    }

    fn finish(&mut self, index: u32, events: &mut Vec<CallEvent>) {
        if let Some(call) = self.calls.remove(&index) {
            let kind = if call.direction == Direction::Incoming && !call.answered {
                CallEventKind::Missed
            } else {
                CallEventKind::Ended
            };
            events.push(event_of(&call, kind));
        }
    }
}

/// Whether the line now carries a different call than the one tracked on it: a call that
/// ended and a new one that started between two looks.
fn is_another_call(call: &ActiveCall, line: &Line) -> bool {
    match &line.state {
        LineState::Ringing => {
            call.phase != CallPhase::Ringing
                || (!call.number.is_empty()
                    && !line.remote_number.is_empty()
                    && call.number != line.remote_number)
        }
        LineState::Calling | LineState::Dialing => call.phase != CallPhase::Dialing,
        _ => false,
    }
}

/// Keeps the freshest details: names often arrive a poll after the ring; a transfer changes
/// the other party of a connected call.
fn refresh_details(call: &mut ActiveCall, line: &Line) {
    if !line.remote_number.is_empty() {
        call.number.clone_from(&line.remote_number);
    }
    if !line.remote_name.is_empty() {
        call.name.clone_from(&line.remote_name);
    }
    if line.account.is_some() {
        call.account = line.account;
    }
}

fn event_of(call: &ActiveCall, kind: CallEventKind) -> CallEvent {
    CallEvent {
        event: kind,
        call: call.call.clone(),
        line: call.line,
        number: call.number.clone(),
        name: call.name.clone(),
        direction: call.direction,
        account: call.account,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CallEventKind::*;

    fn line(index: u32, state: &str, number: &str, name: &str) -> Line {
        Line {
            state: LineState::from_phone(state),
            remote_number: number.into(),
            remote_name: name.into(),
            ..Line::idle(index)
        }
    }

    fn kinds(events: &[CallEvent]) -> Vec<CallEventKind> {
        events.iter().map(|e| e.event).collect()
    }

    #[test]
    fn incoming_answered_held_resumed_ended() {
        let mut t = CallTracker::with_id_prefix("t");
        let ring = t.observe(&[line(1, "ringing", "+15555550100", "")]);
        assert_eq!(kinds(&ring), [Ringing]);
        assert_eq!(ring[0].call.as_str(), "t-1");
        // Same ring seen again, name filled in: nothing new to announce.
        assert!(t
            .observe(&[line(1, "ringing", "+15555550100", "Ann Lee")])
            .is_empty());
        let steps = [
            ("connected", Connected),
            ("onhold", Held),
            ("connected", Resumed),
            ("idle", Ended),
        ];
        for (state, expected) in steps {
            let ev = t.observe(&[line(1, state, "+15555550100", "Ann Lee")]);
            assert_eq!(kinds(&ev), [expected], "{state}");
            assert_eq!(ev[0].call.as_str(), "t-1");
            assert_eq!(ev[0].name, "Ann Lee");
        }
    }

    #[test]
    fn unanswered_ring_is_missed_once() {
        let mut t = CallTracker::with_id_prefix("t");
        t.observe(&[line(1, "ringing", "203", "")]);
        assert_eq!(kinds(&t.observe(&[line(1, "idle", "", "")])), [Missed]);
        assert!(t.observe(&[line(1, "idle", "", "")]).is_empty());
    }

    #[test]
    fn calls_on_several_lines_are_independent() {
        let mut t = CallTracker::with_id_prefix("t");
        t.observe(&[line(1, "connected", "203", ""), line(2, "idle", "", "")]);
        let ev = t.observe(&[line(1, "connected", "203", ""), line(2, "ringing", "204", "")]);
        assert_eq!(kinds(&ev), [Ringing]);
        assert_eq!(ev[0].line, 2);
        let ev = t.observe(&[line(1, "idle", "", ""), line(2, "connected", "204", "")]);
        assert_eq!(kinds(&ev), [Ended, Connected]);
        assert_ne!(ev[0].call, ev[1].call);
    }

    #[test]
    fn changes_between_polls_are_inferred() {
        let mut t = CallTracker::with_id_prefix("t");
        t.observe(&[line(1, "ringing", "203", "")]);
        // Answered and put on hold between two polls.
        assert_eq!(
            kinds(&t.observe(&[line(1, "onhold", "203", "")])),
            [Connected, Held]
        );
        // Hung up and a new call rang on the same line between two polls.
        let ev = t.observe(&[line(1, "ringing", "555", "")]);
        assert_eq!(kinds(&ev), [Ended, Ringing]);
        assert_ne!(ev[0].call, ev[1].call);
        // One ring replaced by another caller.
        assert_eq!(
            kinds(&t.observe(&[line(1, "ringing", "777", "")])),
            [Missed, Ringing]
        );
    }

    #[test]
    fn outgoing_call_and_unknown_states() {
        let mut t = CallTracker::with_id_prefix("t");
        assert!(t.observe(&[line(1, "transfer", "", "")]).is_empty());
        assert_eq!(kinds(&t.observe(&[line(1, "calling", "203", "")])), [Dialing]);
        assert!(t.observe(&[line(1, "conference", "203", "")]).is_empty());
        assert_eq!(kinds(&t.observe(&[line(1, "connected", "203", "")])), [Connected]);
        // The line vanishing from the snapshot ends the call.
        assert_eq!(kinds(&t.observe(&[])), [Ended]);
        // An outgoing call that fails is ended, not missed.
        t.observe(&[line(1, "calling", "204", "")]);
        assert_eq!(kinds(&t.observe(&[line(1, "failed", "204", "")])), [Ended]);
        assert!(t.observe(&[line(1, "idle", "", "")]).is_empty());
    }

    #[test]
    fn clear_ends_everything() {
        let mut t = CallTracker::with_id_prefix("t");
        t.observe(&[line(1, "ringing", "1", ""), line(2, "connected", "2", "")]);
        assert_eq!(kinds(&t.clear()), [Missed, Ended]);
        assert_eq!(t.calls().count(), 0);
    }

    #[test]
    fn pushed_details_fill_gaps_only() {
        let mut t = CallTracker::with_id_prefix("t");
        t.observe(&[line(1, "ringing", "203", "")]);
        t.fill_details(1, "999", "Ann Lee");
        let call = t.call_on(1).expect("call");
        assert_eq!((call.number.as_str(), call.name.as_str()), ("203", "Ann Lee"));
    }
}
