//! The call table a Yealink backend keeps from the phone's pushes.
//!
//! A Yealink cannot be asked what its lines show: its Action URL pushes are the only source
//! of call state. Pushes come about a second late, one at a time, and may be lost, repeated
//! or (rarely) reordered, so the table is careful:
//! - every call is keyed by the phone's `$call_id` and keeps the line number it got when it
//!   appeared (the lowest free one) until it ends, so the tracker sees it move only when it
//!   really does;
//! - `incoming`/`outgoing` start a call; `established`, `hold` and `unhold` move it, and
//!   start it when its first push was lost; `terminated`, `missed`, `rejected` end it;
//! - a call id that ended is remembered, so a repeated or late push for it changes nothing,
//!   and a push repeated for a call in progress changes nothing either (`established` never
//!   moves a held call back, `incoming` never resets a connected one);
//! - `busy_to_idle` says the phone has no call any more: every call ends (its `terminated`
//!   was lost), except one that started ringing less than [`IDLE_GUARD`] ago, in case that
//!   ring overtook the idle push;
//! - a call still ringing after [`MAX_RING`] is dropped: no ring lasts that long, its
//!   `missed` push was lost.
//!
//! Numbers are kept as the number only: `$remote` is often the SIP URI
//! (`sip:+15555550100@pbx`).

use crate::model::{CallHint, HintKind, Line, LineState};
use crate::tracker::same_number;
use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

/// Ended call ids remembered for late and repeated pushes.
const FINISHED_MEMORY: usize = 64;
/// Calls kept at most: more is not a desk phone (T5x phones hold ten).
const MAX_CALLS: usize = 16;
/// A ring this new survives a `busy_to_idle` push (which may be a late one).
pub const IDLE_GUARD: Duration = Duration::from_secs(1);
/// A call ringing (either way) for longer than this is over: SIP gives up on an unanswered
/// INVITE after three minutes.
pub const MAX_RING: Duration = Duration::from_secs(4 * 60);

/// One call as the pushes told it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct TableCall {
    /// The phone's `$call_id`; empty when the pushes carried none.
    call_id: String,
    line: u32,
    state: LineState,
    number: String,
    name: String,
    /// When it started ringing, for [`MAX_RING`].
    since: Instant,
}

/// See the module documentation.
#[derive(Debug, Default)]
pub struct CallTable {
    calls: Vec<TableCall>,
    finished: VecDeque<String>,
}

impl CallTable {
    /// Takes in one push; returns whether the table changed.
    pub fn apply(&mut self, hint: &CallHint, now: Instant) -> bool {
        let number = number_of(&hint.number);
        if !hint.call_id.is_empty() && self.finished.contains(&hint.call_id) {
            return false;
        }
        let found = self.find(&hint.call_id, &number);
        match &hint.kind {
            HintKind::Incoming => self.start_or_fill(found, hint, &number, LineState::Ringing, now),
            HintKind::Outgoing => self.start_or_fill(found, hint, &number, LineState::Calling, now),
            HintKind::Established => {
                self.advance(found, hint, &number, LineState::Connected, now, |s| {
                    matches!(
                        s,
                        LineState::Ringing | LineState::Calling | LineState::Dialing
                    )
                })
            }
            HintKind::Hold => self.advance(found, hint, &number, LineState::OnHold, now, |s| {
                !matches!(s, LineState::OnHold)
            }),
            HintKind::Unhold => {
                self.advance(found, hint, &number, LineState::Connected, now, |s| {
                    !matches!(s, LineState::Connected)
                })
            }
            HintKind::Terminated
            | HintKind::Missed
            | HintKind::Rejected
            | HintKind::AnsweredElsewhere => {
                let changed = match found {
                    Some(index) => {
                        self.end(index);
                        true
                    }
                    None => false,
                };
                self.remember(&hint.call_id);
                changed
            }
            HintKind::Other(word) if is_idle(word) => self.idle(now),
            HintKind::Other(_) => false,
        }
    }

    /// Drops calls that have rung longer than [`MAX_RING`]; returns whether any did.
    pub fn expire(&mut self, now: Instant) -> bool {
        let stale: Vec<usize> = self
            .calls
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                matches!(c.state, LineState::Ringing | LineState::Calling)
                    && now.saturating_duration_since(c.since) >= MAX_RING
            })
            .map(|(i, _)| i)
            .collect();
        for index in stale.iter().rev() {
            tracing::info!("a call rang for minutes without news from the phone: dropping it");
            self.end(*index);
        }
        !stale.is_empty()
    }

    /// Forgets every call (callpop lost sight of the phone for so long that the session
    /// ended them).
    pub fn clear(&mut self) {
        while !self.calls.is_empty() {
            self.end(0);
        }
    }

    /// Every call as a line, by line number. Lines without a call are not listed (the
    /// tracker takes a missing line as idle).
    pub fn lines(&self) -> Vec<Line> {
        let mut lines: Vec<Line> = self
            .calls
            .iter()
            .map(|c| Line {
                index: c.line,
                state: c.state.clone(),
                remote_name: c.name.clone(),
                remote_number: c.number.clone(),
                account: None,
                active: c.state == LineState::Connected,
                conference: false,
                call_id: c.call_id.clone(),
                info: BTreeMap::new(),
            })
            .collect();
        lines.sort_by_key(|l| l.index);
        lines
    }

    pub fn len(&self) -> usize {
        self.calls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// The call a push is about: by id; without one, the only call with its number.
    fn find(&self, call_id: &str, number: &str) -> Option<usize> {
        if !call_id.is_empty() {
            return self.calls.iter().position(|c| c.call_id == call_id);
        }
        let mut matching = self
            .calls
            .iter()
            .enumerate()
            .filter(|(_, c)| c.call_id.is_empty() && same_number(&c.number, number));
        match (matching.next(), matching.next()) {
            (Some((index, _)), None) => Some(index),
            _ => None,
        }
    }

    fn start_or_fill(
        &mut self,
        found: Option<usize>,
        hint: &CallHint,
        number: &str,
        state: LineState,
        now: Instant,
    ) -> bool {
        match found {
            Some(index) => self.fill(index, hint, number),
            None => self.start(hint, number, state, now),
        }
    }

    /// Moves the call to `to` when `from` says its state allows it; starts it there when
    /// its earlier pushes were lost.
    fn advance(
        &mut self,
        found: Option<usize>,
        hint: &CallHint,
        number: &str,
        to: LineState,
        now: Instant,
        from: impl Fn(&LineState) -> bool,
    ) -> bool {
        let Some(index) = found else {
            return self.start(hint, number, to, now);
        };
        let mut changed = self.fill(index, hint, number);
        let call = &mut self.calls[index];
        if from(&call.state) {
            call.state = to;
            changed = true;
        }
        changed
    }

    fn start(&mut self, hint: &CallHint, number: &str, state: LineState, now: Instant) -> bool {
        if self.calls.len() >= MAX_CALLS {
            tracing::warn!("more calls pushed than a desk phone holds: ignoring one");
            return false;
        }
        let line = (1..)
            .find(|l| !self.calls.iter().any(|c| c.line == *l))
            .unwrap_or(1);
        self.calls.push(TableCall {
            call_id: hint.call_id.clone(),
            line,
            state,
            number: number.to_owned(),
            name: hint.name.clone(),
            since: now,
        });
        true
    }

    /// Fills in what the call lacked (a name arrives with a later push).
    fn fill(&mut self, index: usize, hint: &CallHint, number: &str) -> bool {
        let call = &mut self.calls[index];
        let mut changed = false;
        if call.name.is_empty() && !hint.name.is_empty() {
            call.name.clone_from(&hint.name);
            changed = true;
        }
        if call.number.is_empty() && !number.is_empty() {
            call.number = number.to_owned();
            changed = true;
        }
        changed
    }

    fn end(&mut self, index: usize) {
        let call = self.calls.remove(index);
        self.remember(&call.call_id);
    }

    fn remember(&mut self, call_id: &str) {
        if call_id.is_empty() || self.finished.iter().any(|id| id == call_id) {
            return;
        }
        if self.finished.len() >= FINISHED_MEMORY {
            self.finished.pop_front();
        }
        self.finished.push_back(call_id.to_owned());
    }

    /// The phone went idle: every call is over but a ring younger than [`IDLE_GUARD`].
    fn idle(&mut self, now: Instant) -> bool {
        let before = self.calls.len();
        let stale: Vec<usize> = self
            .calls
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                !matches!(c.state, LineState::Ringing | LineState::Calling)
                    || now.saturating_duration_since(c.since) >= IDLE_GUARD
            })
            .map(|(i, _)| i)
            .collect();
        for index in stale.iter().rev() {
            self.end(*index);
        }
        self.calls.len() != before
    }
}

/// `busy_to_idle` (callpop's own word) or Yealink's name for it.
fn is_idle(word: &str) -> bool {
    matches!(word, "idle" | "busytoidle")
}

/// The number in `$remote`: the user part of `sip:user@host` (or `user@host`), else the text
/// as it came (`+` kept).
pub fn number_of(remote: &str) -> String {
    let text = remote.trim();
    let lower = text.to_ascii_lowercase();
    let text = ["sips:", "sip:", "tel:"]
        .iter()
        .find(|scheme| lower.starts_with(*scheme))
        .map_or(text, |scheme| &text[scheme.len()..]);
    let user = text.split([';', '>']).next().unwrap_or(text);
    let user = user.rsplit_once('@').map_or(user, |(u, _)| u);
    user.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hint(kind: HintKind, id: &str, number: &str) -> CallHint {
        CallHint {
            number: number.into(),
            call_id: id.into(),
            ..CallHint::new(kind)
        }
    }

    fn states(table: &CallTable) -> Vec<(u32, LineState, String)> {
        table
            .lines()
            .into_iter()
            .map(|l| (l.index, l.state, l.call_id))
            .collect()
    }

    #[test]
    fn numbers_come_out_of_sip_uris() {
        assert_eq!(
            number_of("sip:+15555550100@pbx.example.com"),
            "+15555550100"
        );
        assert_eq!(number_of("SIPS:203@10.0.0.1;user=phone"), "203");
        assert_eq!(number_of("203@10.0.0.1"), "203");
        assert_eq!(number_of("+1 555 0100"), "+1 555 0100");
        assert_eq!(number_of(""), "");
    }

    #[test]
    fn a_call_lives_from_its_first_push_to_its_last() {
        let now = Instant::now();
        let mut t = CallTable::default();
        assert!(t.apply(&hint(HintKind::Incoming, "7", "sip:201@pbx"), now));
        let lines = t.lines();
        assert_eq!(lines[0].remote_number, "201");
        assert_eq!(lines[0].state, LineState::Ringing);
        assert!(!lines[0].active);
        assert!(
            !t.apply(&hint(HintKind::Incoming, "7", "sip:201@pbx"), now),
            "repeat"
        );
        assert!(t.apply(&hint(HintKind::Established, "7", ""), now));
        assert!(t.lines()[0].active);
        assert!(t.apply(&hint(HintKind::Hold, "7", ""), now));
        assert!(!t.apply(&hint(HintKind::Established, "7", ""), now), "late");
        assert_eq!(t.lines()[0].state, LineState::OnHold);
        assert!(t.apply(&hint(HintKind::Unhold, "7", ""), now));
        assert!(t.apply(&hint(HintKind::Terminated, "7", ""), now));
        assert!(t.is_empty());
        for late in [HintKind::Incoming, HintKind::Established, HintKind::Missed] {
            assert!(
                !t.apply(&hint(late, "7", "201"), now),
                "a finished call stays finished"
            );
        }
    }

    #[test]
    fn lines_are_stable_per_call() {
        let now = Instant::now();
        let mut t = CallTable::default();
        t.apply(&hint(HintKind::Incoming, "a", "201"), now);
        t.apply(&hint(HintKind::Incoming, "b", "202"), now);
        t.apply(&hint(HintKind::Outgoing, "c", "203"), now);
        t.apply(&hint(HintKind::Rejected, "a", ""), now);
        t.apply(&hint(HintKind::Established, "c", ""), now);
        assert_eq!(
            states(&t),
            [
                (2, LineState::Ringing, "b".into()),
                (3, LineState::Connected, "c".into())
            ]
        );
        t.apply(&hint(HintKind::Incoming, "d", "204"), now);
        assert_eq!(t.lines()[0].index, 1, "the free line is reused");
    }

    #[test]
    fn lost_first_pushes_start_the_call_where_it_is() {
        let now = Instant::now();
        let mut t = CallTable::default();
        assert!(t.apply(&hint(HintKind::Established, "x", "201"), now));
        assert!(t.apply(&hint(HintKind::Hold, "y", "202"), now));
        assert_eq!(
            states(&t),
            [
                (1, LineState::Connected, "x".into()),
                (2, LineState::OnHold, "y".into())
            ]
        );
        // A `terminated` overtaking its `incoming`: the call never appears.
        assert!(!t.apply(&hint(HintKind::Terminated, "z", "203"), now));
        assert!(!t.apply(&hint(HintKind::Incoming, "z", "203"), now));
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn pushes_without_an_id_go_by_number() {
        let now = Instant::now();
        let mut t = CallTable::default();
        t.apply(&hint(HintKind::Incoming, "", "sip:201@pbx"), now);
        t.apply(&hint(HintKind::Established, "", "201"), now);
        assert_eq!(t.lines()[0].state, LineState::Connected);
        assert!(
            !t.apply(&hint(HintKind::Terminated, "", "999"), now),
            "another number"
        );
        assert!(t.apply(&hint(HintKind::Terminated, "", "201"), now));
        assert!(t.is_empty());
    }

    #[test]
    fn busy_to_idle_ends_calls_whose_end_was_lost_but_not_new_rings() {
        let start = Instant::now();
        let mut t = CallTable::default();
        t.apply(&hint(HintKind::Incoming, "old ring", "200"), start);
        let later = start + IDLE_GUARD;
        t.apply(&hint(HintKind::Established, "talking", "201"), later);
        t.apply(&hint(HintKind::Incoming, "new ring", "202"), later);
        assert!(t.apply(&hint(HintKind::Other("busytoidle".into()), "", ""), later));
        assert_eq!(states(&t), [(3, LineState::Ringing, "new ring".into())]);
        assert!(!t.apply(&hint(HintKind::Other("dndon".into()), "", ""), later));
    }

    #[test]
    fn rings_do_not_last_forever() {
        let start = Instant::now();
        let mut t = CallTable::default();
        t.apply(&hint(HintKind::Incoming, "r", "201"), start);
        t.apply(&hint(HintKind::Established, "c", "202"), start);
        assert!(!t.expire(start + MAX_RING - Duration::from_secs(1)));
        assert!(t.expire(start + MAX_RING));
        assert_eq!(states(&t), [(2, LineState::Connected, "c".into())]);
        t.clear();
        assert!(t.is_empty());
        assert!(
            !t.apply(&hint(HintKind::Unhold, "c", ""), start),
            "cleared calls are over"
        );
    }
}
