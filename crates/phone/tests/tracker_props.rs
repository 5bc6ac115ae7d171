//! Property tests of the call tracker over random sequences of line snapshots.
//!
//! Whatever the phone reports, in whatever order and with whatever gaps between polls:
//! every ring ends exactly once (`ended` after `connected`, or `missed`), no call rings twice,
//! no event follows a call's end, and no event is made up for a line that was never busy.

use callpop_phone::model::{Line, LineState};
use callpop_phone::tracker::{CallEvent, CallEventKind, CallTracker};
use proptest::prelude::*;
use std::collections::BTreeMap;

const STATES: &[&str] = &[
    "idle",
    "idle",
    "ringing",
    "calling",
    "connected",
    "onhold",
    "failed",
    "transfer",
];
const NUMBERS: &[&str] = &["", "203", "+15555550100", "0049301234"];

/// One snapshot: for each of up to 4 lines, (present, state, number). Absent lines model phones
/// that report fewer lines.
fn snapshot() -> impl Strategy<Value = Vec<(bool, usize, usize)>> {
    prop::collection::vec(
        (prop::bool::weighted(0.9), 0..STATES.len(), 0..NUMBERS.len()),
        1..=4,
    )
}

fn to_lines(spec: &[(bool, usize, usize)]) -> Vec<Line> {
    spec.iter()
        .enumerate()
        .filter(|(_, (present, _, _))| *present)
        .map(|(i, (_, state, number))| Line {
            state: LineState::from_phone(STATES[*state]),
            remote_number: NUMBERS[*number].to_owned(),
            ..Line::idle(i as u32 + 1)
        })
        .collect()
}

type Timeline = (Vec<Vec<Line>>, Vec<(usize, CallEvent)>);

/// Runs the sequence and a final all-idle snapshot; returns the snapshots and the
/// (snapshot index, event) pairs.
fn run(sequence: &[Vec<(bool, usize, usize)>]) -> Timeline {
    let mut tracker = CallTracker::with_id_prefix("p");
    let mut snapshots: Vec<Vec<Line>> = sequence.iter().map(|s| to_lines(s)).collect();
    snapshots.push((1..=4).map(Line::idle).collect());
    let mut events = Vec::new();
    for (k, lines) in snapshots.iter().enumerate() {
        for e in tracker.observe(lines) {
            events.push((k, e));
        }
    }
    assert_eq!(tracker.calls().count(), 0, "calls left open after all-idle");
    (snapshots, events)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_call_has_a_sane_life(sequence in prop::collection::vec(snapshot(), 0..30)) {
        let (snapshots, events) = run(&sequence);
        let mut by_call: BTreeMap<String, Vec<(usize, &CallEvent)>> = BTreeMap::new();
        for (k, e) in &events {
            by_call.entry(e.call.to_string()).or_default().push((*k, e));
        }
        for (id, life) in &by_call {
            let kinds: Vec<CallEventKind> = life.iter().map(|(_, e)| e.event).collect();
            // Exactly one final event, and it is the last.
            let finals = kinds.iter().filter(|k| k.is_final()).count();
            prop_assert_eq!(finals, 1, "call {} events {:?}", id, kinds);
            prop_assert!(kinds.last().is_some_and(|k| k.is_final()));
            // Ringing at most once, and only as the first event.
            let rings = kinds.iter().filter(|k| **k == CallEventKind::Ringing).count();
            prop_assert!(rings <= 1 && (rings == 0 || kinds[0] == CallEventKind::Ringing),
                "call {} events {:?}", id, kinds);
            // A ring ends as missed exactly when it was never connected.
            if kinds[0] == CallEventKind::Ringing {
                let connected = kinds.contains(&CallEventKind::Connected);
                let end = kinds[kinds.len() - 1];
                prop_assert_eq!(end == CallEventKind::Missed, !connected, "{:?}", kinds);
            } else {
                prop_assert!(!kinds.contains(&CallEventKind::Missed), "{:?}", kinds);
            }
            // Connected once at most; held/resumed alternate.
            prop_assert!(kinds.iter().filter(|k| **k == CallEventKind::Connected).count() <= 1);
            let mut held = false;
            for k in &kinds {
                match k {
                    CallEventKind::Held => { prop_assert!(!held, "{:?}", kinds); held = true; }
                    CallEventKind::Resumed => { prop_assert!(held, "{:?}", kinds); held = false; }
                    _ => {}
                }
            }
            // One line per call.
            prop_assert!(life.iter().all(|(_, e)| e.line == life[0].1.line));
            // The call existed: its first event comes from a snapshot where its line was busy
            // in a state that can start a call.
            let (k0, first) = life[0];
            let state = snapshots[k0]
                .iter()
                .find(|l| l.index == first.line)
                .map(|l| l.state.clone());
            prop_assert!(
                matches!(
                    state,
                    Some(LineState::Ringing | LineState::Calling | LineState::Connected | LineState::OnHold)
                ),
                "call {} started from {:?}", id, state
            );
        }
    }

    #[test]
    fn idle_only_phones_produce_nothing(lines in 1usize..8, polls in 1usize..20) {
        let mut tracker = CallTracker::with_id_prefix("p");
        for _ in 0..polls {
            let snapshot: Vec<Line> = (1..=lines as u32).map(Line::idle).collect();
            prop_assert!(tracker.observe(&snapshot).is_empty());
        }
    }

    #[test]
    fn repeating_a_snapshot_adds_nothing(sequence in prop::collection::vec(snapshot(), 1..15)) {
        let mut tracker = CallTracker::with_id_prefix("p");
        for spec in &sequence {
            let lines = to_lines(spec);
            tracker.observe(&lines);
            prop_assert!(tracker.observe(&lines).is_empty(), "second look at {:?}", lines);
        }
    }
}
