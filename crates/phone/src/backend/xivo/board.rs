//! From xuc's `PhoneEvent`s to complete snapshots of the lines.
//!
//! xuc reports each call's changes; the tracker wants the whole picture every time. The board
//! keeps that picture: one [`Line`] per call in progress, numbered from 1 in the order calls
//! appear, and a call keeps its number until it is released, also across reconnects (a
//! resync keeps the numbers of the calls it finds again). That matters: the tracker knows a
//! call by its line and its id, so a call that moved to another line after a reconnect would
//! end and ring again.
//!
//! # Which id names a call
//!
//! [`Line::call_id`] is the event's **`uniqueId`** (Asterisk's id of the user's own channel),
//! not `linkedId` (the id of the whole call across all its channels):
//! - `uniqueId` is what xuc's commands name (`answer`, `hangup`, `hold`), so the call
//!   callpop shows is exactly the one its buttons act on;
//! - two calls on one phone never share a `uniqueId`, while they can share a `linkedId` (a
//!   call a colleague transfers back while its first leg is still being released, a queue call
//!   offered to the same user twice);
//! - the user's leg is what the desk worker sees: when that leg ends the call is over for
//!   them, even if the caller goes on talking to a colleague under the same `linkedId`.
//!
//! An event without a `uniqueId` falls back to its `linkedId`; an event with neither cannot
//! be tied to a call and changes nothing.
//!
//! States: `EventRinging` → ringing, `EventDialing` → calling (the far end rings),
//! `EventEstablished` → connected, `EventOnHold` → on hold, `EventReleased` → the line is
//! gone. The other party comes from `otherDN` / `otherDName` (kept when a later event leaves
//! them empty), what the call carries from `userData` ([`super::call_info`]).

use super::call_info::{info_of, MAX_FIELDS};
use super::messages::{EventType, PhoneEvent, UserConfig};
use crate::model::{Line, LineState};
use std::collections::BTreeMap;

/// Most calls kept at once: a desk phone has a handful of call appearances, and a broken or
/// hostile server must not grow the picture without bound.
pub(crate) const MAX_CALLS: usize = 16;

/// One call in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
struct BoardCall {
    /// `uniqueId` (or `linkedId`), see the module documentation.
    key: String,
    state: LineState,
    number: String,
    name: String,
    info: BTreeMap<String, String>,
}

/// The calls, the user and Do Not Disturb as xuc last reported them.
#[derive(Clone, Debug, Default)]
pub(crate) struct Board {
    /// Calls by line number.
    calls: BTreeMap<u32, BoardCall>,
    /// The user's line number (`DN`), once an event told it.
    dn: Option<String>,
    dnd: Option<bool>,
    line_count: Option<usize>,
    /// `PhoneStatusUpdate`'s last word (`AVAILABLE`, `INDISPONIBLE`...).
    phone_status: Option<String>,
}

impl Board {
    /// Takes in one event; returns whether the lines changed.
    pub(crate) fn apply(&mut self, event: &PhoneEvent) -> bool {
        if !event.dn.trim().is_empty() {
            self.dn = Some(event.dn.trim().to_owned());
        }
        let Some(key) = key_of(event) else {
            tracing::debug!("xuc: a phone event without uniqueId or linkedId, ignored");
            return false;
        };
        let state = match &event.event {
            EventType::Released => return self.release(&key),
            EventType::Other(word) => {
                tracing::debug!("xuc: phone event {word} has no meaning for callpop");
                return false;
            }
            known => state_of(known),
        };
        let index = match self.line_of(&key) {
            Some(index) => index,
            None => {
                if self.calls.len() >= MAX_CALLS {
                    tracing::warn!("xuc reports more than {MAX_CALLS} calls; ignoring the rest");
                    return false;
                }
                let index = self.free_line();
                self.calls.insert(
                    index,
                    BoardCall {
                        key,
                        state: state.clone(),
                        number: String::new(),
                        name: String::new(),
                        info: BTreeMap::new(),
                    },
                );
                index
            }
        };
        let Some(call) = self.calls.get_mut(&index) else {
            return false;
        };
        let before = call.clone();
        call.state = state;
        update(call, event);
        *call != before
    }

    /// Replaces the calls with what `CurrentCallsPhoneEvents` says, keeping the line of every
    /// call seen before.
    pub(crate) fn resync(&mut self, events: &[PhoneEvent]) {
        let mut kept = BTreeMap::new();
        let mut fresh = Vec::new();
        for event in events {
            if !event.dn.trim().is_empty() {
                self.dn = Some(event.dn.trim().to_owned());
            }
            let Some(key) = key_of(event) else { continue };
            if matches!(event.event, EventType::Released | EventType::Other(_)) {
                continue;
            }
            match self.line_of(&key) {
                Some(index) if !kept.contains_key(&index) => {
                    if let Some(mut call) = self.calls.get(&index).cloned() {
                        call.state = state_of(&event.event);
                        update(&mut call, event);
                        kept.insert(index, call);
                    }
                }
                // The same call twice in one answer: the first entry counts.
                Some(_) => {}
                None => fresh.push((key, event)),
            }
        }
        self.calls = kept;
        for (key, event) in fresh {
            if self.calls.len() >= MAX_CALLS || self.line_of(&key).is_some() {
                continue;
            }
            let mut call = BoardCall {
                key,
                state: state_of(&event.event),
                number: String::new(),
                name: String::new(),
                info: BTreeMap::new(),
            };
            update(&mut call, event);
            let index = self.free_line();
            self.calls.insert(index, call);
        }
    }

    /// Takes in a `UserConfigUpdate`; returns whether Do Not Disturb changed.
    pub(crate) fn apply_user(&mut self, config: &UserConfig) -> bool {
        if config.lines.is_some() {
            self.line_count = config.lines;
        }
        match config.dnd {
            Some(dnd) if self.dnd != Some(dnd) => {
                self.dnd = Some(dnd);
                true
            }
            _ => false,
        }
    }

    pub(crate) fn set_phone_status(&mut self, status: &str) {
        self.phone_status = Some(status.trim().to_owned());
    }

    /// Every call's line, by line number.
    pub(crate) fn lines(&self) -> Vec<Line> {
        self.calls
            .iter()
            .map(|(index, call)| Line {
                state: call.state.clone(),
                remote_name: call.name.clone(),
                remote_number: call.number.clone(),
                // The line the person talks or dials on is the one the phone acts on.
                active: matches!(call.state, LineState::Connected | LineState::Calling),
                call_id: call.key.clone(),
                info: call.info.clone(),
                ..Line::idle(*index)
            })
            .collect()
    }

    /// The state of the call whose `uniqueId` (or fallback id) is `key`.
    pub(crate) fn state_of(&self, key: &str) -> Option<LineState> {
        self.calls
            .values()
            .find(|c| c.key == key)
            .map(|c| c.state.clone())
    }

    /// Keys of the calls in `state`.
    pub(crate) fn calls_in(&self, state: &LineState) -> Vec<String> {
        self.calls
            .values()
            .filter(|c| &c.state == state)
            .map(|c| c.key.clone())
            .collect()
    }

    /// The key of the call on line `index`.
    pub(crate) fn key_on(&self, index: u32) -> Option<&str> {
        self.calls.get(&index).map(|c| c.key.as_str())
    }

    pub(crate) fn dnd(&self) -> Option<bool> {
        self.dnd
    }

    pub(crate) fn dn(&self) -> Option<&str> {
        self.dn.as_deref()
    }

    pub(crate) fn line_count(&self) -> Option<usize> {
        self.line_count
    }

    pub(crate) fn phone_status(&self) -> Option<&str> {
        self.phone_status.as_deref()
    }

    fn release(&mut self, key: &str) -> bool {
        match self.line_of(key) {
            Some(index) => self.calls.remove(&index).is_some(),
            None => false,
        }
    }

    fn line_of(&self, key: &str) -> Option<u32> {
        self.calls
            .iter()
            .find(|(_, c)| c.key == key)
            .map(|(index, _)| *index)
    }

    /// The lowest line number no call uses.
    fn free_line(&self) -> u32 {
        (1..)
            .find(|index| !self.calls.contains_key(index))
            .unwrap_or(u32::MAX)
    }
}

/// The id a call goes by (see the module documentation).
fn key_of(event: &PhoneEvent) -> Option<String> {
    [&event.unique_id, &event.linked_id]
        .into_iter()
        .map(|id| id.trim())
        .find(|id| !id.is_empty())
        .map(str::to_owned)
}

fn state_of(event: &EventType) -> LineState {
    match event {
        EventType::Ringing => LineState::Ringing,
        EventType::Dialing => LineState::Calling,
        EventType::Established => LineState::Connected,
        EventType::OnHold => LineState::OnHold,
        EventType::Released => LineState::Idle,
        EventType::Other(word) => LineState::Other(word.to_ascii_lowercase()),
    }
}

/// The other party and what the call carries, from the latest event that says.
fn update(call: &mut BoardCall, event: &PhoneEvent) {
    if !event.other_dn.trim().is_empty() {
        call.number = event.other_dn.trim().to_owned();
    }
    let name = clean_name(&event.other_name);
    if !name.is_empty() {
        call.name = name;
    }
    // Each event carries the call's whole userData; setData only adds to it. Merging keeps
    // what an earlier event showed when a later one is sparser.
    for (key, value) in info_of(event) {
        if call.info.len() < MAX_FIELDS || call.info.contains_key(&key) {
            call.info.insert(key, value);
        }
    }
}

fn clean_name(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::super::messages::CallDirection;
    use super::*;

    fn event(kind: EventType, unique_id: &str, other: &str) -> PhoneEvent {
        PhoneEvent {
            event: kind,
            dn: "1000".into(),
            other_dn: other.into(),
            other_name: String::new(),
            linked_id: format!("L{unique_id}"),
            unique_id: unique_id.into(),
            queue: None,
            direction: Some(CallDirection::Incoming),
            user_data: BTreeMap::new(),
        }
    }

    fn states(board: &Board) -> Vec<(u32, LineState, String)> {
        board
            .lines()
            .into_iter()
            .map(|l| (l.index, l.state, l.call_id))
            .collect()
    }

    #[test]
    fn a_call_keeps_its_line_from_ring_to_release() {
        let mut board = Board::default();
        assert!(board.apply(&event(EventType::Ringing, "1.1", "0612")));
        assert!(board.apply(&event(EventType::Ringing, "1.2", "0613")));
        assert!(board.apply(&event(EventType::Established, "1.2", "")));
        assert_eq!(
            states(&board),
            [
                (1, LineState::Ringing, "1.1".to_owned()),
                (2, LineState::Connected, "1.2".to_owned())
            ]
        );
        // The number is kept when a later event leaves it out.
        assert_eq!(board.lines()[1].remote_number, "0613");
        assert!(board.apply(&event(EventType::Released, "1.1", "")));
        assert_eq!(
            states(&board),
            [(2, LineState::Connected, "1.2".to_owned())]
        );
        // A repeated event changes nothing, a release of an unknown call neither.
        assert!(!board.apply(&event(EventType::Established, "1.2", "0613")));
        assert!(!board.apply(&event(EventType::Released, "9.9", "")));
        // The next call takes the free line.
        assert!(board.apply(&event(EventType::Dialing, "1.3", "42")));
        assert_eq!(board.lines()[0].index, 1);
        assert_eq!(board.lines()[0].state, LineState::Calling);
        assert_eq!(board.dn(), Some("1000"));
    }

    #[test]
    fn a_resync_keeps_known_calls_on_their_lines() {
        let mut board = Board::default();
        board.apply(&event(EventType::Ringing, "1.1", "0612"));
        board.apply(&event(EventType::Established, "1.2", "0613"));
        board.apply(&event(EventType::Established, "1.3", "0614"));
        // 1.1 ended while callpop was away; 1.3 went on hold; 1.4 is new.
        board.resync(&[
            event(EventType::Ringing, "1.4", "0615"),
            event(EventType::OnHold, "1.3", "0614"),
        ]);
        assert_eq!(
            states(&board),
            [
                (1, LineState::Ringing, "1.4".to_owned()),
                (3, LineState::OnHold, "1.3".to_owned())
            ]
        );
        board.resync(&[]);
        assert!(board.lines().is_empty());
    }

    #[test]
    fn unusable_events_change_nothing_and_calls_are_bounded() {
        let mut board = Board::default();
        let mut no_ids = event(EventType::Ringing, "", "0612");
        no_ids.linked_id.clear();
        assert!(!board.apply(&no_ids));
        assert!(!board.apply(&event(EventType::Other("EventX".into()), "1.1", "")));
        assert!(board.lines().is_empty());
        // Without uniqueId the linkedId names the call.
        assert!(board.apply(&event(EventType::Ringing, "", "0612")));
        assert_eq!(board.lines()[0].call_id, "L");
        for i in 0..100 {
            board.apply(&event(EventType::Ringing, &format!("2.{i}"), "1"));
        }
        assert_eq!(board.lines().len(), MAX_CALLS);
    }

    #[test]
    fn dnd_changes_are_told_apart_from_repeats() {
        let mut board = Board::default();
        let on = UserConfig {
            dnd: Some(true),
            lines: Some(1),
        };
        assert!(board.apply_user(&on));
        assert!(!board.apply_user(&on));
        assert!(!board.apply_user(&UserConfig::default()));
        assert_eq!(board.dnd(), Some(true));
        assert_eq!(board.line_count(), Some(1));
        assert!(board.apply_user(&UserConfig {
            dnd: Some(false),
            ..UserConfig::default()
        }));
        assert_eq!(board.line_count(), Some(1));
    }
}
