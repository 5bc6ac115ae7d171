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
//!
//! Pushed Action URL events ([`CallTracker::push`]) are triggers, not truth: the caller reads
//! line status right after each push and feeds it to [`CallTracker::observe`]. A push only
//! ties the phone's call id to the call a snapshot shows, fills in details line status lacks
//! (the name while ringing, the direction), and remembers finished calls so that late or
//! repeated pushes change nothing. Two cases turn pushes into events, because no snapshot can
//! show them any more:
//! - a pushed `missed` for a call no snapshot showed (a short ring between two polls): one
//!   `missed` event with the pushed number and name, on line 0 (unknown);
//! - a pushed `incoming` whose call the next two snapshots do not show, and that no push said
//!   was answered or rejected meanwhile: the same lone `missed` event (its `missed` push was
//!   lost). [`CallTracker::awaits_confirmation`] tells the poller to take that second look
//!   soon.

use crate::model::{CallHint, Direction, HintKind, Line, LineState};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;

/// Finished calls remembered, so that late and repeated pushes for them change nothing.
const FINISHED_MEMORY: usize = 64;
/// Pushes waiting for the next snapshot; more are not legitimate traffic.
const MAX_PENDING: usize = 16;
/// Snapshots that must not show a pushed ring before it counts as missed without its
/// `missed` push.
const CONFIRM_SNAPSHOTS: u64 = 2;
/// How many snapshots after a call ended a push without a call id may still be a late push
/// for it rather than news of another call from the same number.
const LATE_PUSH_SNAPSHOTS: u64 = 32;

/// A call's stable identifier for the lifetime of the process (and distinct across restarts).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CallId(String);

impl CallId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A call id handed back by the windows (commands name calls by these strings).
impl From<String> for CallId {
    fn from(id: String) -> Self {
        Self(id)
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

/// How a call ended, on the final event (`ended` or `missed`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Connected, then hung up by either side.
    Answered,
    /// An incoming call rang and stopped unanswered.
    Missed,
    /// The desk worker declined it (from callpop, or the phone said so).
    Rejected,
    /// An outgoing call abandoned before anyone answered.
    Cancelled,
    /// An outgoing call the phone reported failed (busy, unreachable).
    Failed,
    /// Another phone of a ring group took it.
    AnsweredElsewhere,
    /// callpop lost sight of the phone for long enough that it cannot tell how the call ended.
    Lost,
}

/// What happened to a call, with the details known at that moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallEvent {
    pub event: CallEventKind,
    pub call: CallId,
    /// 1-based line; 0 for a missed call known only from a push (pushes carry no line).
    pub line: u32,
    pub number: String,
    pub name: String,
    pub direction: Direction,
    pub account: Option<u32>,
    /// The phone system's own id for the call (a pushed `$call-id`, an AMI Linkedid, a xuc
    /// `uniqueId`); empty when the source gave none.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source_call_id: String,
    /// On the final event: how the call ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
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
    /// Whether it was ever connected (or a push said it was answered or rejected): decides
    /// `ended` against `missed`.
    pub answered: bool,
    /// The phone system's own id for the call, when known (see [`CallEvent::source_call_id`]).
    pub source_call_id: String,
    /// What the system attached to the call ([`Line::info`]), latest known.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub info: BTreeMap<String, String>,
    /// How it ended, when someone said so before the line went idle (the user rejected it, a
    /// ring-group colleague took it).
    #[serde(skip)]
    pub end_hint: Option<Outcome>,
}

/// See the module documentation.
#[derive(Debug)]
pub struct CallTracker {
    /// Calls by line number.
    calls: BTreeMap<u32, ActiveCall>,
    id_prefix: String,
    next_id: u64,
    /// The phone's call id pushed for the call on a line.
    links: BTreeMap<u32, String>,
    /// Lines whose call a push said is over: whatever the next snapshot shows there is not it.
    over: BTreeSet<u32>,
    /// Pushes about calls no snapshot has shown yet, settled by the next [`Self::observe`].
    pending: Vec<Pending>,
    /// Recently finished calls, newest last.
    finished: VecDeque<Finished>,
    /// Snapshots observed so far: the tracker's only sense of time.
    snapshots: u64,
}

/// What pushes said about a call not seen in a snapshot yet.
#[derive(Debug, Clone)]
struct Pending {
    call_id: String,
    number: String,
    name: String,
    direction: Option<Direction>,
    /// An `incoming` push arrived for it.
    rang: bool,
    /// A push said it was answered, put on hold or ended by someone (not missed).
    handled: bool,
    /// Snapshots since the push that did not show the call.
    unseen: u64,
}

/// A call that is over, as pushes may still refer to it.
#[derive(Debug, Clone)]
struct Finished {
    /// Empty while no push named it.
    call_id: String,
    number: String,
    missed: bool,
    /// Whether an event was emitted for it (false for a call only a `terminated` push told of).
    shown: bool,
    /// The snapshot count when it ended.
    at: u64,
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
            links: BTreeMap::new(),
            over: BTreeSet::new(),
            pending: Vec::new(),
            finished: VecDeque::new(),
            snapshots: 0,
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
        self.snapshots += 1;
        self.follow_moved_calls(lines);
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
        self.settle_pending(&mut events);
        events
    }

    /// A call the system names by id that now shows on another line (a new connection of an
    /// event backend numbers its lines afresh) is the same call: it moves with its id instead
    /// of ending on one line and ringing again on another.
    fn follow_moved_calls(&mut self, lines: &[Line]) {
        let moves: Vec<(u32, u32)> = lines
            .iter()
            .filter(|l| l.state.is_busy() && !l.call_id.is_empty())
            .filter_map(|l| {
                let from = self
                    .calls
                    .values()
                    .find(|c| c.source_call_id == l.call_id && c.line != l.index)?
                    .line;
                // Only onto a line that holds no other tracked call.
                (!self.calls.contains_key(&l.index)).then_some((from, l.index))
            })
            .collect();
        for (from, to) in moves {
            if let Some(mut call) = self.calls.remove(&from) {
                call.line = to;
                self.calls.insert(to, call);
                if let Some(link) = self.links.remove(&from) {
                    self.links.insert(to, link);
                }
                if self.over.remove(&from) {
                    self.over.insert(to);
                }
            }
        }
    }

    /// Ends every call, e.g. when the phone rebooted: the UI must not keep showing a call
    /// window for a call nobody can see any more.
    pub fn clear(&mut self) -> Vec<CallEvent> {
        let lines: Vec<u32> = self.calls.keys().copied().collect();
        let mut events = Vec::new();
        for index in lines {
            self.step(&Line::idle(index), &mut events);
        }
        events
    }

    /// Ends every call as [`Outcome::Lost`]: callpop has not heard from the phone for so long
    /// that it cannot tell how they ended. Unlike [`Self::clear`], a ring does not turn into
    /// a missed call (it may well have been answered on the phone meanwhile).
    pub fn lose_all(&mut self) -> Vec<CallEvent> {
        for call in self.calls.values_mut() {
            call.end_hint = Some(Outcome::Lost);
        }
        self.clear()
    }

    /// Takes back [`Self::mark_rejected`] (the phone refused to reject it).
    pub fn unmark_rejected(&mut self, call: &CallId) {
        if let Some(active) = self.calls.values_mut().find(|c| &c.call == call) {
            if active.end_hint == Some(Outcome::Rejected) {
                active.end_hint = None;
            }
        }
    }

    /// The desk worker rejected this call from callpop: when it ends it is `rejected`, not
    /// missed.
    pub fn mark_rejected(&mut self, call: &CallId) {
        if let Some(active) = self.calls.values_mut().find(|c| &c.call == call) {
            active.end_hint = Some(Outcome::Rejected);
        }
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

    /// Takes in a pushed event. The caller must read line status right after and pass it to
    /// [`Self::observe`]: that snapshot decides what happened (see the module documentation).
    ///
    /// Returns the events the push alone proves: a lone `missed` for a call no snapshot
    /// showed, once; nothing for a push about a known, finished or repeated call.
    pub fn push(&mut self, push: &CallHint) -> Vec<CallEvent> {
        let mut events = Vec::new();
        if matches!(push.kind, HintKind::Other(_)) {
            return events;
        }
        // Ids first (certain), then numbers (a best guess), for both calls in progress and
        // finished ones: a late push for a finished call must not be taken for a new call
        // from the same number.
        let by_id = self
            .active_by_id(push)
            .map(Ok)
            .or_else(|| self.finished_by_id(push).map(Err));
        let found = by_id.or_else(|| {
            self.active_by_number(push)
                .map(Ok)
                .or_else(|| self.finished_by_number(push).map(Err))
        });
        if let Some(Ok(line)) = found {
            self.link(line, push);
            return events;
        }
        if let Some(Err(index)) = found {
            if let Some(number) = self.finished_again(index, push) {
                events.push(self.lone_missed(&number, &push.name, &push.call_id));
            }
            return events;
        }
        let p = match self.take_pending(push) {
            Some(mut p) => {
                p.absorb(push);
                p
            }
            None => Pending::from(push),
        };
        match push.kind {
            HintKind::Missed => {
                events.push(self.lone_missed(&p.number, &p.name, &p.call_id));
                self.remember(p.call_id, p.number, true, true);
            }
            HintKind::Terminated | HintKind::Rejected | HintKind::AnsweredElsewhere => {
                self.remember(p.call_id, p.number, false, false)
            }
            _ => {
                if self.pending.len() >= MAX_PENDING {
                    self.pending.remove(0);
                }
                self.pending.push(p);
            }
        }
        events
    }

    /// A push about the finished call at `index`: ties it to the pushed id. Returns the
    /// number to show when that call is still to be shown as missed (only pushes knew of it,
    /// and a `terminated` came before its `missed`).
    fn finished_again(&mut self, index: usize, push: &CallHint) -> Option<String> {
        let done = self.finished.get_mut(index)?;
        if done.call_id.is_empty() {
            done.call_id.clone_from(&push.call_id);
        }
        if push.kind != HintKind::Missed || done.shown {
            return None;
        }
        done.shown = true;
        done.missed = true;
        Some(if push.number.is_empty() {
            done.number.clone()
        } else {
            push.number.clone()
        })
    }

    /// The call in progress the push's call id is tied to.
    fn active_by_id(&self, push: &CallHint) -> Option<u32> {
        if push.call_id.is_empty() {
            return None;
        }
        self.links
            .iter()
            .find(|(_, id)| **id == push.call_id)
            .map(|(line, _)| *line)
            // A source that names its calls in its lines (AMI, xuc) needs no pushed link.
            .or_else(|| {
                self.calls
                    .values()
                    .find(|c| c.source_call_id == push.call_id)
                    .map(|c| c.line)
            })
    }

    /// A call in progress not tied to a call id yet, with the pushed number; or, when numbers
    /// are missing, the only such call in a state that fits the push.
    fn active_by_number(&self, push: &CallHint) -> Option<u32> {
        let untied = || {
            self.calls
                .values()
                .filter(|c| !self.links.contains_key(&c.line))
        };
        if let Some(call) = untied().find(|c| same_number(&c.number, &push.number)) {
            return Some(call.line);
        }
        // A push that says a call is over must name it (by id or number): an anonymous
        // `terminated` may be about a call callpop never saw, and taking it for the call in
        // progress would end that call.
        if push.kind.is_final() {
            return None;
        }
        let mut loose = untied().filter(|c| {
            (c.number.is_empty() || push.number.is_empty()) && fits(c.phase, &push.kind)
        });
        match (loose.next(), loose.next()) {
            (Some(only), None) => Some(only.line),
            _ => None,
        }
    }

    fn finished_by_id(&self, push: &CallHint) -> Option<usize> {
        if push.call_id.is_empty() {
            return None;
        }
        self.finished
            .iter()
            .rposition(|f| f.call_id == push.call_id)
    }

    /// For a final push: a recently finished call with the same number that ended the same
    /// way and that no push named by another id.
    fn finished_by_number(&self, push: &CallHint) -> Option<usize> {
        let missed = match push.kind {
            HintKind::Missed => true,
            HintKind::Terminated => false,
            _ => return None,
        };
        // A call named by another id is another call; without an id, numbers must do.
        let anonymous = push.call_id.is_empty();
        self.recent(&push.number, |f| {
            (anonymous || f.call_id.is_empty()) && f.missed == missed
        })
    }

    /// The newest call with this number that ended within the last [`LATE_PUSH_SNAPSHOTS`]
    /// snapshots (older ones are other calls from the same number, not late pushes) and
    /// passes `also`. Without a number on either side, only anonymous calls can be meant.
    fn recent(&self, number: &str, also: impl Fn(&Finished) -> bool) -> Option<usize> {
        self.finished.iter().rposition(|f| {
            let same = if number.is_empty() {
                f.number.is_empty()
            } else {
                same_number(&f.number, number)
            };
            same && f.at + LATE_PUSH_SNAPSHOTS >= self.snapshots && also(f)
        })
    }

    fn take_pending(&mut self, push: &CallHint) -> Option<Pending> {
        let index = self.pending.iter().position(|p| {
            if !push.call_id.is_empty() && !p.call_id.is_empty() {
                p.call_id == push.call_id
            } else {
                same_number(&p.number, &push.number)
            }
        })?;
        Some(self.pending.remove(index))
    }

    /// Ties the call on `line` to the pushed call id and fills gaps from the push. A push that
    /// says the call was answered or rejected keeps it from counting as missed, and one that
    /// says it is over makes the next snapshot treat a busy line as another call.
    fn link(&mut self, line: u32, push: &CallHint) {
        if !push.call_id.is_empty() {
            self.links.insert(line, push.call_id.clone());
        }
        self.fill_details(line, &push.number, &push.name);
        if let Some(call) = self.calls.get_mut(&line) {
            if call.direction == Direction::Unknown {
                if let Some(direction) = push.direction.or_else(|| kind_direction(&push.kind)) {
                    call.direction = direction;
                }
            }
            if matches!(
                push.kind,
                HintKind::Established | HintKind::Hold | HintKind::Unhold | HintKind::Terminated
            ) {
                call.answered = true;
            }
            match push.kind {
                HintKind::Rejected if !call.answered => call.end_hint = Some(Outcome::Rejected),
                HintKind::AnsweredElsewhere if !call.answered => {
                    call.end_hint = Some(Outcome::AnsweredElsewhere)
                }
                _ => {}
            }
            if call.source_call_id.is_empty() && !push.call_id.is_empty() {
                call.source_call_id.clone_from(&push.call_id);
            }
        }
        if push.kind.is_final() {
            self.over.insert(line);
        }
    }

    /// A new call takes over what pushes said about it before any snapshot showed it:
    /// details for its first event, and its call id.
    fn claim_pending(&mut self, call: &mut ActiveCall) {
        let fitting = |p: &Pending| match call.phase {
            CallPhase::Ringing => p.rang,
            CallPhase::Dialing => p.direction == Some(Direction::Outgoing),
            CallPhase::Connected | CallPhase::Held => true,
        };
        let by_number = self
            .pending
            .iter()
            .position(|p| same_number(&p.number, &call.number));
        let index = by_number.or_else(|| {
            let mut loose = self
                .pending
                .iter()
                .enumerate()
                .filter(|(_, p)| (p.number.is_empty() || call.number.is_empty()) && fitting(p));
            match (loose.next(), loose.next()) {
                (Some((only, _)), None) => Some(only),
                _ => None,
            }
        });
        let Some(index) = index else {
            return;
        };
        let p = self.pending.remove(index);
        if call.name.is_empty() {
            call.name = p.name;
        }
        if call.number.is_empty() {
            call.number = p.number;
        }
        if call.direction == Direction::Unknown {
            if let Some(direction) = p.direction {
                call.direction = direction;
            }
        }
        if !p.call_id.is_empty() {
            if call.source_call_id.is_empty() {
                call.source_call_id.clone_from(&p.call_id);
            }
            self.links.insert(call.line, p.call_id);
        }
    }

    /// Whether the line now shows a number a push announced as a new call, while the call
    /// tracked there had another number: the tracked call ended and that one took the line
    /// between two looks (which line status alone cannot tell from a transfer).
    fn announced_elsewhere(&self, call: &ActiveCall, line: &Line) -> bool {
        line.state.is_busy()
            && !line.remote_number.is_empty()
            && !same_number(&call.number, &line.remote_number)
            && self
                .pending
                .iter()
                .any(|p| same_number(&p.number, &line.remote_number))
    }

    /// Pushes the last snapshot did not confirm are about calls already over: a ring no push
    /// said was answered or rejected is a missed call; anything else is only remembered.
    fn settle_pending(&mut self, events: &mut Vec<CallEvent>) {
        for p in std::mem::take(&mut self.pending) {
            // A ring whose number a snapshot shows on a line now (a call that changed number
            // between two looks): not missed, and that call stands for it.
            if self
                .calls
                .values()
                .any(|c| same_number(&c.number, &p.number))
            {
                continue;
            }
            // A late push for a call a snapshot already saw end, or a ring whose number a
            // snapshot just showed answered.
            if let Some(i) = self.recent(&p.number, |f| f.call_id.is_empty() || !f.missed) {
                if let Some(f) = self.finished.get_mut(i) {
                    if f.call_id.is_empty() {
                        f.call_id.clone_from(&p.call_id);
                    }
                }
                continue;
            }
            let missed = p.rang && !p.handled;
            if missed && p.unseen + 1 < CONFIRM_SNAPSHOTS {
                // Pushes come late and out of order: give an `established` or `terminated`
                // push for it one more look to arrive before calling the ring missed.
                self.pending.push(Pending {
                    unseen: p.unseen + 1,
                    ..p
                });
                continue;
            }
            if missed {
                events.push(self.lone_missed(&p.number, &p.name, &p.call_id));
            }
            self.remember(p.call_id, p.number, missed, missed);
        }
    }

    /// Whether a pushed ring waits for one more snapshot to be settled (see
    /// [`CallTracker::push`]): the poller then looks again soon.
    pub fn awaits_confirmation(&self) -> bool {
        self.pending.iter().any(|p| p.rang && !p.handled)
    }

    /// The one event of a missed call known only from pushes (line 0: pushes carry none).
    fn lone_missed(&mut self, number: &str, name: &str, source_call_id: &str) -> CallEvent {
        self.next_id += 1;
        CallEvent {
            event: CallEventKind::Missed,
            call: CallId(format!("{}-{}", self.id_prefix, self.next_id)),
            line: 0,
            number: number.to_owned(),
            name: name.to_owned(),
            direction: Direction::Incoming,
            account: None,
            source_call_id: source_call_id.to_owned(),
            outcome: Some(Outcome::Missed),
        }
    }

    fn remember(&mut self, call_id: String, number: String, missed: bool, shown: bool) {
        if self.finished.len() >= FINISHED_MEMORY {
            self.finished.pop_front();
        }
        self.finished.push_back(Finished {
            call_id,
            number,
            missed,
            shown,
            at: self.snapshots,
        });
    }

    fn step(&mut self, line: &Line, events: &mut Vec<CallEvent>) {
        if let Some(call) = self.calls.get(&line.index) {
            if self.over.contains(&line.index)
                || is_another_call(call, line)
                || self.announced_elsewhere(call, line)
            {
                self.finish(line.index, false, events);
            }
        }
        let Some(call) = self.calls.get_mut(&line.index) else {
            self.start(line, events);
            return;
        };
        refresh_details(call, line);
        use CallPhase as P;
        match (&line.state, call.phase) {
            (LineState::Idle, _) => self.finish(line.index, false, events),
            (LineState::Failed, _) => self.finish(line.index, true, events),
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
        let (phase, direction, entry): (CallPhase, Direction, &[CallEventKind]) = match line.state {
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
        let mut call = ActiveCall {
            call: CallId(format!("{}-{}", self.id_prefix, self.next_id)),
            line: line.index,
            phase,
            direction,
            number: line.remote_number.clone(),
            name: line.remote_name.clone(),
            account: line.account,
            answered: matches!(phase, CallPhase::Connected | CallPhase::Held),
            source_call_id: line.call_id.clone(),
            info: line.info.clone(),
            end_hint: None,
        };
        self.claim_pending(&mut call);
        events.extend(entry.iter().map(|kind| event_of(&call, *kind)));
        self.calls.insert(line.index, call);
    }

    /// Ends the call on `index`; `failed` when the line showed `failed` rather than idle.
    fn finish(&mut self, index: u32, failed: bool, events: &mut Vec<CallEvent>) {
        if let Some(call) = self.calls.remove(&index) {
            let outcome = match call.end_hint {
                Some(hint) => hint,
                None if call.answered => Outcome::Answered,
                None if call.direction == Direction::Incoming => Outcome::Missed,
                None if failed => Outcome::Failed,
                None => Outcome::Cancelled,
            };
            let missed = outcome == Outcome::Missed;
            let kind = if missed {
                CallEventKind::Missed
            } else {
                CallEventKind::Ended
            };
            let mut event = event_of(&call, kind);
            event.outcome = Some(outcome);
            events.push(event);
            self.over.remove(&index);
            let call_id = self.links.remove(&index).unwrap_or_default();
            self.remember(call_id, call.number, missed, true);
        }
    }
}

/// Whether the line now carries a different call than the one tracked on it: a call that
/// ended and a new one that started between two looks.
///
/// A ring found answered keeps its caller's number, so another number there is another call
/// (the ring was missed). An outgoing call may well be answered by another number than the
/// one dialled (a hunt group), and a connected call changes number on a transfer: those stay.
fn is_another_call(call: &ActiveCall, line: &Line) -> bool {
    if line.state.is_busy()
        && !call.source_call_id.is_empty()
        && !line.call_id.is_empty()
        && call.source_call_id != line.call_id
    {
        return true;
    }
    let other_number = !call.number.is_empty()
        && !line.remote_number.is_empty()
        && call.number != line.remote_number;
    match &line.state {
        LineState::Ringing => call.phase != CallPhase::Ringing || other_number,
        LineState::Calling | LineState::Dialing => call.phase != CallPhase::Dialing,
        LineState::Connected | LineState::OnHold => {
            call.phase == CallPhase::Ringing
                && other_number
                && !same_number(&call.number, &line.remote_number)
        }
        _ => false,
    }
}

impl Pending {
    fn from(push: &CallHint) -> Self {
        let mut p = Self {
            call_id: String::new(),
            number: String::new(),
            name: String::new(),
            direction: None,
            rang: false,
            handled: false,
            unseen: 0,
        };
        p.absorb(push);
        p
    }

    /// Adds what one more push about the same call says.
    fn absorb(&mut self, push: &CallHint) {
        if self.call_id.is_empty() {
            self.call_id.clone_from(&push.call_id);
        }
        if self.number.is_empty() {
            self.number.clone_from(&push.number);
        }
        if self.name.is_empty() {
            self.name.clone_from(&push.name);
        }
        if self.direction.is_none() {
            self.direction = push.direction.or_else(|| kind_direction(&push.kind));
        }
        match push.kind {
            HintKind::Incoming => self.rang = true,
            HintKind::Established
            | HintKind::Hold
            | HintKind::Unhold
            | HintKind::Terminated
            | HintKind::Rejected
            | HintKind::AnsweredElsewhere => self.handled = true,
            HintKind::Outgoing | HintKind::Missed | HintKind::Other(_) => {}
        }
    }
}

/// The direction an event implies by itself.
fn kind_direction(kind: &HintKind) -> Option<Direction> {
    match kind {
        HintKind::Incoming | HintKind::Missed => Some(Direction::Incoming),
        HintKind::Outgoing => Some(Direction::Outgoing),
        _ => None,
    }
}

/// Whether a call in `phase` can be the subject of a push of `kind`.
fn fits(phase: CallPhase, kind: &HintKind) -> bool {
    match kind {
        HintKind::Incoming | HintKind::Missed => phase == CallPhase::Ringing,
        HintKind::Outgoing => phase == CallPhase::Dialing,
        HintKind::Hold | HintKind::Unhold => {
            matches!(phase, CallPhase::Connected | CallPhase::Held)
        }
        HintKind::Rejected | HintKind::AnsweredElsewhere => phase == CallPhase::Ringing,
        HintKind::Established | HintKind::Terminated | HintKind::Other(_) => true,
    }
}

/// Whether two numbers from the same phone name the same party, however each source wrote
/// it: line status, pushes and PBX events format one caller differently (`+442079460018`,
/// `02079460018`, `sip:02079460018@10.0.0.1`). Compared are the digits of the number itself
/// (the user part of a SIP or tel URI), without leading zeros (trunk and international
/// prefixes); equal, or for 6 digits or more one ending in the other (`+15555550100` and
/// `5555550100`). Empty numbers match nothing. Deliberately simpler than
/// [`crate::number::same_number`] (address-book matching under the dialing rules): both texts
/// come from the same phone, and this runs on every push.
pub(crate) fn same_number(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let (a, b) = (comparable_digits(a), comparable_digits(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    short == long || (short.len() >= 6 && long.ends_with(short.as_str()))
}

/// The digits that identify a number: the user part of a `sip:`/`sips:`/`tel:` URI (not the
/// host, whose digits are an IP address), without leading zeros.
fn comparable_digits(text: &str) -> String {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let user = ["sips:", "sip:", "tel:"]
        .iter()
        .find(|scheme| lower.starts_with(*scheme))
        .map_or(text, |scheme| {
            let rest = &text[scheme.len()..];
            rest.split(['@', ';']).next().unwrap_or(rest)
        });
    let digits: String = user.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').to_owned()
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
    if !line.info.is_empty() {
        call.info.clone_from(&line.info);
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
        source_call_id: call.source_call_id.clone(),
        outcome: None,
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
        let ev = t.observe(&[
            line(1, "connected", "203", ""),
            line(2, "ringing", "204", ""),
        ]);
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
        assert_eq!(
            kinds(&t.observe(&[line(1, "calling", "203", "")])),
            [Dialing]
        );
        assert!(t.observe(&[line(1, "conference", "203", "")]).is_empty());
        assert_eq!(
            kinds(&t.observe(&[line(1, "connected", "203", "")])),
            [Connected]
        );
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
        assert_eq!(
            (call.number.as_str(), call.name.as_str()),
            ("203", "Ann Lee")
        );
    }

    fn pushed(kind: &str, number: &str, name: &str, id: &str) -> CallHint {
        CallHint {
            number: number.into(),
            name: name.into(),
            call_id: id.into(),
            ..CallHint::new(HintKind::from_name(kind))
        }
    }

    #[test]
    fn push_then_poll_pops_once_with_the_pushed_name() {
        let mut t = CallTracker::with_id_prefix("t");
        assert!(t.push(&pushed("in", "203", "Ann Lee", "x1")).is_empty());
        let ring = t.observe(&[line(1, "ringing", "203", "")]);
        assert_eq!(kinds(&ring), [Ringing]);
        assert_eq!(ring[0].name, "Ann Lee");
        assert_eq!(ring[0].direction, Direction::Incoming);
        // The same push again, and the missed push before the poll sees the end: nothing.
        assert!(t.push(&pushed("in", "203", "Ann Lee", "x1")).is_empty());
        assert!(t.push(&pushed("miss", "203", "Ann Lee", "x1")).is_empty());
        assert_eq!(kinds(&t.observe(&[line(1, "idle", "", "")])), [Missed]);
        assert!(t.push(&pushed("miss", "203", "Ann Lee", "x1")).is_empty());
        assert!(t.observe(&[line(1, "idle", "", "")]).is_empty());
    }

    #[test]
    fn poll_then_push_and_pushes_later_than_the_end() {
        let mut t = CallTracker::with_id_prefix("t");
        assert_eq!(
            kinds(&t.observe(&[line(1, "ringing", "203", "")])),
            [Ringing]
        );
        assert!(t.push(&pushed("in", "203", "Ann Lee", "x1")).is_empty());
        assert_eq!(t.call_on(1).map(|c| c.name.as_str()), Some("Ann Lee"));
        assert_eq!(kinds(&t.observe(&[line(1, "idle", "", "")])), [Missed]);
        // A ring the poller saw start and end before any of its pushes arrived.
        assert_eq!(
            kinds(&t.observe(&[line(2, "ringing", "555", "")])),
            [Ringing]
        );
        assert_eq!(kinds(&t.observe(&[line(2, "idle", "", "")])), [Missed]);
        assert!(t.push(&pushed("in", "555", "", "y1")).is_empty());
        assert!(t.observe(&[line(2, "idle", "", "")]).is_empty());
        assert!(t.push(&pushed("miss", "555", "", "y1")).is_empty());
        assert!(t.push(&pushed("miss", "555", "", "y1")).is_empty());
    }

    #[test]
    fn a_missed_push_for_an_unseen_call_is_one_missed_call() {
        let mut t = CallTracker::with_id_prefix("t");
        let ev = t.push(&pushed("missed", "+15555550100", "Bo", "z1"));
        assert_eq!(kinds(&ev), [Missed]);
        assert_eq!(
            (ev[0].line, ev[0].number.as_str(), ev[0].name.as_str()),
            (0, "+15555550100", "Bo")
        );
        assert!(t
            .push(&pushed("missed", "+15555550100", "Bo", "z1"))
            .is_empty());
        // Its late incoming push changes nothing either.
        assert!(t.push(&pushed("in", "+15555550100", "Bo", "z1")).is_empty());
        assert!(t.observe(&[line(1, "idle", "", "")]).is_empty());
        // Without call ids, a repeat of the same number right after is the same push.
        assert_eq!(kinds(&t.push(&pushed("missed", "777", "", ""))), [Missed]);
        assert!(t.push(&pushed("missed", "777", "", "")).is_empty());
    }

    #[test]
    fn an_incoming_push_whose_ring_is_already_over_is_missed_once() {
        let mut t = CallTracker::with_id_prefix("t");
        assert!(t.push(&pushed("in", "203", "Ann", "x1")).is_empty());
        assert!(t.observe(&[line(1, "idle", "", "")]).is_empty());
        assert!(t.awaits_confirmation());
        let ev = t.observe(&[line(1, "idle", "", "")]);
        assert_eq!(kinds(&ev), [Missed]);
        assert_eq!((ev[0].line, ev[0].name.as_str()), (0, "Ann"));
        assert!(!t.awaits_confirmation());
        assert!(t.push(&pushed("miss", "203", "Ann", "x1")).is_empty());
        // Answered (or rejected) before the poller could look: no missed call, even when
        // that push comes a snapshot late.
        assert!(t.push(&pushed("in", "204", "", "x2")).is_empty());
        assert!(t.observe(&[line(1, "idle", "", "")]).is_empty());
        assert!(t.push(&pushed("est", "204", "", "x2")).is_empty());
        assert!(t.observe(&[line(1, "idle", "", "")]).is_empty());
        assert!(t.observe(&[line(1, "idle", "", "")]).is_empty());
        // Told "terminated" first, then "missed": still one missed call.
        assert!(t.push(&pushed("end", "205", "", "x3")).is_empty());
        assert_eq!(kinds(&t.push(&pushed("miss", "205", "", "x3"))), [Missed]);
        assert!(t.push(&pushed("miss", "205", "", "x3")).is_empty());
    }

    #[test]
    fn pushes_give_direction_and_tie_outgoing_calls() {
        let mut t = CallTracker::with_id_prefix("t");
        let mut est = pushed("est", "203", "", "x1");
        est.direction = Some(Direction::Incoming);
        assert!(t.push(&est).is_empty());
        let ev = t.observe(&[line(1, "connected", "203", "")]);
        assert_eq!(kinds(&ev), [Connected]);
        assert_eq!(ev[0].direction, Direction::Incoming);
        assert!(t.push(&pushed("out", "555", "", "x2")).is_empty());
        let ev = t.observe(&[
            line(1, "connected", "203", ""),
            line(2, "calling", "555", ""),
        ]);
        assert_eq!(kinds(&ev), [Dialing]);
        assert!(t.push(&pushed("end", "555", "", "x2")).is_empty());
        assert_eq!(
            kinds(&t.observe(&[line(1, "connected", "203", "")])),
            [Ended]
        );
        assert!(t.push(&pushed("end", "555", "", "x2")).is_empty());
        // Events callpop has no meaning for never change a call.
        assert!(t.push(&pushed("offhook", "203", "", "x1")).is_empty());
    }

    #[test]
    fn numbers_match_despite_formats() {
        assert!(same_number("+15555550100", "5555550100"));
        assert!(same_number("+1 555 555 0100", "+15555550100"));
        assert!(!same_number("203", "1203"));
        assert!(!same_number("", ""));
        assert!(!same_number("anonymous", "unknown"));
        assert!(same_number("anonymous", "anonymous"));
    }

    #[test]
    fn pushes_tell_what_snapshots_cannot() {
        let mut t = CallTracker::with_id_prefix("t");
        // Answered and hung up between two polls: the push says it was answered.
        t.observe(&[line(1, "ringing", "203", "")]);
        assert!(t.push(&pushed("est", "203", "", "x1")).is_empty());
        assert_eq!(kinds(&t.observe(&[line(1, "idle", "", "")])), [Ended]);
        // A missed ring and the next caller, answered, on the same line between two polls.
        t.observe(&[line(1, "ringing", "204", "")]);
        assert!(t.push(&pushed("miss", "204", "", "x2")).is_empty());
        let ev = t.observe(&[line(1, "connected", "555", "")]);
        assert_eq!(kinds(&ev), [Missed, Connected]);
        assert_eq!(
            (ev[0].number.as_str(), ev[1].number.as_str()),
            ("204", "555")
        );
    }

    #[test]
    fn a_number_written_differently_by_push_and_line_status_is_one_call() {
        // Line status shows the national form, the push the international one (a UK desk).
        let mut t = CallTracker::with_id_prefix("t");
        assert_eq!(
            kinds(&t.observe(&[line(1, "ringing", "02079460018", "")])),
            [Ringing]
        );
        assert_eq!(kinds(&t.observe(&[line(1, "idle", "", "")])), [Missed]);
        // Its late missed push is the same call: no second missed call.
        assert!(t.push(&pushed("miss", "+442079460018", "", "")).is_empty());
        // A ring announced by push in one form and shown by line status in another is the
        // call the push announced: answered, it is never reported missed afterwards.
        assert!(t
            .push(&pushed("in", "+44 20 7946 0019", "Bo", ""))
            .is_empty());
        let ev = t.observe(&[line(2, "ringing", "02079460019", "")]);
        assert_eq!((kinds(&ev), ev[0].name.as_str()), (vec![Ringing], "Bo"));
        t.observe(&[line(2, "connected", "02079460019", "")]);
        t.observe(&[line(2, "idle", "", "")]);
        for _ in 0..3 {
            assert!(t.observe(&[line(2, "idle", "", "")]).is_empty());
        }
        // SIP URIs from pushes name the same number (the host's digits are not the number).
        assert!(same_number("sip:203@10.0.0.1", "203"));
        assert!(!same_number("sip:203@10.0.0.1", "2031000"));
    }

    #[test]
    fn a_push_with_no_number_never_ends_the_call_in_progress() {
        let mut t = CallTracker::with_id_prefix("t");
        t.observe(&[line(1, "connected", "203", "")]);
        assert!(t.push(&pushed("end", "", "", "")).is_empty());
        assert!(t.observe(&[line(1, "connected", "203", "")]).is_empty());
        assert!(t.push(&pushed("miss", "", "", "")).len() <= 1);
        assert!(t.observe(&[line(1, "connected", "203", "")]).is_empty());
        assert_eq!(t.calls().count(), 1);
    }

    #[test]
    fn outcomes_say_how_calls_ended() {
        let mut t = CallTracker::with_id_prefix("t");
        let ring = t.observe(&[line(1, "ringing", "203", "")]);
        t.mark_rejected(&ring[0].call);
        let ev = t.observe(&[line(1, "idle", "", "")]);
        assert_eq!(kinds(&ev), [Ended], "a rejected call is not a missed one");
        assert_eq!(ev[0].outcome, Some(Outcome::Rejected));

        t.observe(&[line(1, "calling", "204", "")]);
        let ev = t.observe(&[line(1, "idle", "", "")]);
        assert_eq!(ev[0].outcome, Some(Outcome::Cancelled));
        t.observe(&[line(1, "calling", "204", "")]);
        assert_eq!(
            t.observe(&[line(1, "failed", "204", "")])[0].outcome,
            Some(Outcome::Failed)
        );
        t.observe(&[line(1, "connected", "205", "")]);
        assert_eq!(
            t.observe(&[line(1, "idle", "", "")])[0].outcome,
            Some(Outcome::Answered)
        );
        // A ring-group colleague took it: not missed either.
        t.observe(&[line(1, "ringing", "206", "")]);
        assert!(t.push(&pushed("else", "206", "", "")).is_empty());
        let ev = t.observe(&[line(1, "idle", "", "")]);
        assert_eq!(
            (kinds(&ev), ev[0].outcome),
            (vec![Ended], Some(Outcome::AnsweredElsewhere))
        );
        // Out of sight for too long: lost, never reported missed.
        t.observe(&[line(1, "ringing", "207", "")]);
        let ev = t.lose_all();
        assert_eq!(
            (kinds(&ev), ev[0].outcome),
            (vec![Ended], Some(Outcome::Lost))
        );
    }

    #[test]
    fn a_call_that_shows_on_another_line_with_its_id_is_the_same_call() {
        let mut t = CallTracker::with_id_prefix("t");
        let on = |index: u32, state: &str, id: &str| Line {
            call_id: id.into(),
            ..line(index, state, "203", "")
        };
        let ring = t.observe(&[on(3, "ringing", "a")]);
        // A reconnect numbers the lines afresh: the ring is on line 1 now.
        assert!(t.observe(&[on(1, "ringing", "a")]).is_empty());
        assert_eq!(
            t.call_on(1).map(|c| c.call.clone()),
            Some(ring[0].call.clone())
        );
        let ev = t.observe(&[on(1, "connected", "a")]);
        assert_eq!((kinds(&ev), ev[0].line), (vec![Connected], 1));
    }

    #[test]
    fn a_new_call_id_on_a_busy_line_is_another_call() {
        let mut t = CallTracker::with_id_prefix("t");
        let with_id = |state: &str, id: &str| Line {
            call_id: id.into(),
            ..line(1, state, "203", "")
        };
        let first = t.observe(&[with_id("connected", "a")]);
        assert_eq!(first[0].source_call_id, "a");
        let ev = t.observe(&[with_id("connected", "b")]);
        assert_eq!(kinds(&ev), [Ended, Connected]);
        assert_eq!(ev[1].source_call_id, "b");
    }

    #[test]
    fn a_ring_found_answered_by_another_caller_was_missed() {
        let mut t = CallTracker::with_id_prefix("t");
        t.observe(&[line(1, "ringing", "203", "")]);
        assert_eq!(
            kinds(&t.observe(&[line(1, "connected", "555", "")])),
            [Missed, Connected]
        );
        // An outgoing call answered by another number (a hunt group) is the same call.
        t.observe(&[
            line(1, "connected", "555", ""),
            line(2, "calling", "600", ""),
        ]);
        assert_eq!(
            kinds(&t.observe(&[
                line(1, "connected", "555", ""),
                line(2, "connected", "203", "")
            ])),
            [Connected]
        );
    }
}
