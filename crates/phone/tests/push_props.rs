//! Property tests of push handling: the request parser over arbitrary bytes, the tracker over
//! random mixes of snapshots and pushes, and a model of a phone whose pushes are lost,
//! duplicated and late, checked against what the user must see (one truth).

use callpop_phone::model::{CallHint, HintKind};
use callpop_phone::model::{Line, LineState};
use callpop_phone::push::parse::{head_end, parse_push, request_target, MAX_HEAD};
use callpop_phone::tracker::{CallEvent, CallEventKind, CallTracker};
use proptest::prelude::*;
use std::collections::BTreeMap;

const TOKEN: &str = "propTOKENpropTOKENprop123";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn parser_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..(MAX_HEAD + 200))) {
        let _ = head_end(&bytes);
        let _ = request_target(&bytes);
        let _ = parse_push(&bytes, TOKEN);
    }

    #[test]
    fn parser_never_panics_near_valid_requests(
        event in "[a-z_-]{0,12}",
        query in "[ -~\u{80}-\u{10ffff}]{0,200}",
        tail in prop::sample::select(vec![" HTTP/1.1\r\n\r\n", " HTTP/1.0\n\n", "\r\n\r\n", " HTTP/1.1 HTTP/1.1\r\n", ""]),
    ) {
        let head = format!("GET /cp/{TOKEN}/{event}?{query}{tail}");
        if let Ok(e) = parse_push(head.as_bytes(), TOKEN) {
            for text in [&e.number, &e.name, &e.call_id, &e.local] {
                prop_assert!(!text.chars().any(char::is_control), "{:?}", text);
                prop_assert!(text.chars().count() <= 128);
                prop_assert_eq!(text.trim(), text.as_str());
            }
        }
        // The wrong token never parses, whatever follows.
        let wrong = format!("GET /cp/x{TOKEN}/{event}?{query}{tail}");
        prop_assert!(parse_push(wrong.as_bytes(), TOKEN).is_err());
    }
}

// ---- the tracker over arbitrary snapshots and pushes ----------------------------------------

const STATES: &[&str] = &[
    "idle",
    "idle",
    "ringing",
    "calling",
    "connected",
    "onhold",
    "failed",
];
const NUMBERS: &[&str] = &["", "203", "+15555550100", "0049301234"];
const KINDS: &[&str] = &[
    "in", "out", "est", "end", "miss", "hold", "unhold", "offhook",
];
const IDS: &[&str] = &["", "a", "b", "c"];

#[derive(Clone, Debug)]
enum Step {
    Snapshot(Vec<(bool, usize, usize)>),
    Push(usize, usize, usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        prop::collection::vec(
            (prop::bool::weighted(0.9), 0..STATES.len(), 0..NUMBERS.len()),
            1..=3
        )
        .prop_map(Step::Snapshot),
        (0..KINDS.len(), 0..NUMBERS.len(), 0..IDS.len()).prop_map(|(k, n, i)| Step::Push(k, n, i)),
    ]
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

fn pushed(kind: &str, number: &str, id: &str) -> CallHint {
    CallHint {
        number: number.to_owned(),
        call_id: id.to_owned(),
        ..CallHint::new(HintKind::from_name(kind))
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Whatever pushes arrive, in whatever order: every call still ends exactly once, rings at
    /// most once, and a call known only from pushes is one lone `missed` on line 0.
    #[test]
    fn every_call_has_a_sane_life_with_pushes(steps in prop::collection::vec(step(), 0..40)) {
        let mut tracker = CallTracker::with_id_prefix("p");
        let mut events: Vec<CallEvent> = Vec::new();
        for s in &steps {
            match s {
                Step::Snapshot(spec) => events.extend(tracker.observe(&to_lines(spec))),
                Step::Push(k, n, i) => events.extend(tracker.push(&pushed(KINDS[*k], NUMBERS[*n], IDS[*i]))),
            }
        }
        events.extend(tracker.observe(&(1..=3).map(Line::idle).collect::<Vec<_>>()));
        prop_assert_eq!(tracker.calls().count(), 0);
        let mut by_call: BTreeMap<String, Vec<&CallEvent>> = BTreeMap::new();
        for e in &events {
            by_call.entry(e.call.to_string()).or_default().push(e);
        }
        for (id, life) in &by_call {
            let kinds: Vec<CallEventKind> = life.iter().map(|e| e.event).collect();
            prop_assert_eq!(kinds.iter().filter(|k| k.is_final()).count(), 1, "{} {:?}", id, kinds);
            prop_assert!(kinds.last().is_some_and(|k| k.is_final()));
            let rings = kinds.iter().filter(|k| **k == CallEventKind::Ringing).count();
            prop_assert!(rings <= 1 && (rings == 0 || kinds[0] == CallEventKind::Ringing), "{:?}", kinds);
            prop_assert!(kinds.iter().filter(|k| **k == CallEventKind::Connected).count() <= 1);
            if life[0].line == 0 {
                prop_assert_eq!(&kinds, &vec![CallEventKind::Missed], "a pushed-only call");
            } else {
                prop_assert!(life.iter().all(|e| e.line == life[0].line));
                if kinds.contains(&CallEventKind::Missed) {
                    prop_assert_eq!(kinds[0], CallEventKind::Ringing, "{:?}", kinds);
                    prop_assert!(!kinds.contains(&CallEventKind::Connected), "{:?}", kinds);
                }
            }
        }
    }

    /// A push repeated at once adds nothing.
    #[test]
    fn a_repeated_push_adds_nothing(steps in prop::collection::vec(step(), 0..30), k in 0..KINDS.len(), n in 0..NUMBERS.len(), i in 0..IDS.len()) {
        let mut tracker = CallTracker::with_id_prefix("p");
        for s in &steps {
            match s {
                Step::Snapshot(spec) => { tracker.observe(&to_lines(spec)); }
                Step::Push(k, n, i) => { tracker.push(&pushed(KINDS[*k], NUMBERS[*n], IDS[*i])); }
            }
        }
        let push = pushed(KINDS[k], NUMBERS[n], IDS[i]);
        tracker.push(&push);
        prop_assert!(tracker.push(&push).is_empty());
    }
}

// ---- a model phone: what the user must see ---------------------------------------------------

/// One call on a model phone, in ticks.
#[derive(Clone, Debug)]
struct ModelCall {
    line: u32,
    number: String,
    ring_from: u32,
    /// First tick it no longer rings.
    ring_to: u32,
    /// Connected until this tick (exclusive) when answered.
    talk_to: Option<u32>,
}

impl ModelCall {
    fn end(&self) -> u32 {
        self.talk_to.unwrap_or(self.ring_to)
    }

    fn state_at(&self, t: u32) -> Option<&'static str> {
        if t < self.ring_from || t >= self.end() {
            None
        } else if t < self.ring_to {
            Some("ringing")
        } else {
            Some("connected")
        }
    }
}

/// A push on its way: the tick it arrives, and what it says.
#[derive(Clone, Debug)]
struct InFlight {
    at: u32,
    kind: &'static str,
    call: usize,
}

/// Per line: calls as (gap before, ring ticks, answered, talk ticks); per push: (lost,
/// duplicated, delay); per tick: whether the poller looks.
type Plan = (
    Vec<Vec<(u32, u32, bool, u32)>>,
    Vec<(bool, bool, u32)>,
    Vec<bool>,
);

fn plan() -> impl Strategy<Value = Plan> {
    (
        prop::collection::vec(
            prop::collection::vec((1u32..4, 1u32..4, any::<bool>(), 1u32..4), 1..5),
            1..=2,
        ),
        prop::collection::vec(
            (
                prop::bool::weighted(0.25),
                prop::bool::weighted(0.2),
                0u32..5,
            ),
            64,
        ),
        prop::collection::vec(prop::bool::weighted(0.4), 64),
    )
}

fn build(lines: &[Vec<(u32, u32, bool, u32)>]) -> Vec<ModelCall> {
    let mut calls = Vec::new();
    for (l, specs) in lines.iter().enumerate() {
        let mut t = 0;
        for (gap, ring, answered, talk) in specs {
            let ring_from = t + gap;
            let ring_to = ring_from + ring;
            let talk_to = answered.then_some(ring_to + talk);
            let call = ModelCall {
                line: l as u32 + 1,
                number: format!("55501{:02}", calls.len()),
                ring_from,
                ring_to,
                talk_to,
            };
            t = call.end();
            calls.push(call);
        }
    }
    calls
}

fn snapshot(calls: &[ModelCall], lines: usize, t: u32) -> Vec<Line> {
    (1..=lines as u32)
        .map(|index| {
            match calls
                .iter()
                .find(|c| c.line == index && c.state_at(t).is_some())
            {
                Some(c) => Line {
                    state: LineState::from_phone(c.state_at(t).unwrap_or("idle")),
                    remote_number: c.number.clone(),
                    ..Line::idle(index)
                },
                None => Line::idle(index),
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(800))]

    /// Poll and push feed one tracker: every call rings at most once and is missed at most
    /// once, whichever source saw it first, twice, late or never; an unanswered call the phone
    /// told callpop about in any way is exactly one missed call; an answered call seen
    /// connected is never missed; and no event is made up.
    #[test]
    fn one_truth_with_lost_duplicated_and_late_pushes((lines, faults, polls) in plan()) {
        let calls = build(&lines);
        let horizon = calls.iter().map(ModelCall::end).max().unwrap_or(0) + 8;
        // The pushes the phone sends, with the faults applied.
        let mut flight: Vec<InFlight> = Vec::new();
        let mut fault = faults.iter().cycle();
        for (i, c) in calls.iter().enumerate() {
            let mut sent = vec![(c.ring_from, "in")];
            match c.talk_to {
                Some(end) => sent.extend([(c.ring_to, "est"), (end, "end")]),
                None => sent.push((c.ring_to, "miss")),
            }
            for (at, kind) in sent {
                let (lost, dup, delay) = *fault.next().unwrap_or(&(false, false, 0));
                if lost { continue; }
                flight.push(InFlight { at: at + delay, kind, call: i });
                if dup { flight.push(InFlight { at: at + delay + 1, kind, call: i }); }
            }
        }
        flight.sort_by_key(|p| p.at);
        let mut tracker = CallTracker::with_id_prefix("m");
        let mut events: Vec<CallEvent> = Vec::new();
        let mut seen: BTreeMap<usize, Vec<&'static str>> = BTreeMap::new();
        let mut pushed_to: BTreeMap<usize, bool> = BTreeMap::new();
        let n_lines = lines.len();
        for t in 0..horizon {
            for p in flight.iter().filter(|p| p.at == t) {
                let c = &calls[p.call];
                events.extend(tracker.push(&pushed(p.kind, &c.number, &format!("id{}", p.call))));
                pushed_to.insert(p.call, true);
                // The poller reads line status right after each push.
                events.extend(tracker.observe(&snapshot(&calls, n_lines, t)));
                for (i, c) in calls.iter().enumerate() {
                    if let Some(s) = c.state_at(t) { seen.entry(i).or_default().push(s); }
                }
            }
            if polls.get(t as usize % polls.len()).copied().unwrap_or(false) {
                events.extend(tracker.observe(&snapshot(&calls, n_lines, t)));
                for (i, c) in calls.iter().enumerate() {
                    if let Some(s) = c.state_at(t) { seen.entry(i).or_default().push(s); }
                }
            }
        }
        // The last looks settle what pushes left open.
        for _ in 0..2 {
            events.extend(tracker.observe(&snapshot(&calls, n_lines, horizon)));
        }
        let story = || {
            let shown: Vec<_> = events.iter().map(|e| (e.event, e.line, e.number.as_str(), e.call.as_str())).collect();
            format!("calls {calls:?}, pushes {flight:?}, events {shown:?}")
        };
        let count = |i: usize, kind: CallEventKind| {
            events.iter().filter(|e| e.event == kind && e.number == calls[i].number).count()
        };
        for e in &events {
            prop_assert!(calls.iter().any(|c| c.number == e.number), "made-up call {:?}", e);
        }
        for (i, c) in calls.iter().enumerate() {
            let s = seen.get(&i).cloned().unwrap_or_default();
            let rings = count(i, CallEventKind::Ringing);
            let missed = count(i, CallEventKind::Missed);
            prop_assert!(rings <= 1, "call {} rang {} times", i, rings);
            prop_assert!(missed <= 1, "call {} missed {} times; {}", i, missed, story());
            prop_assert!(rings == 0 || s.contains(&"ringing"), "ring without a snapshot showing it");
            let told = !s.is_empty() || pushed_to.contains_key(&i);
            if c.talk_to.is_none() && told {
                prop_assert_eq!(missed, 1, "unanswered call {} seen {:?}; {}", i, s, story());
            }
            if !told {
                prop_assert!(events.iter().all(|e| e.number != c.number), "event for a call nobody saw");
            }
            if c.talk_to.is_some() && s.contains(&"connected") {
                prop_assert_eq!(missed, 0, "answered call {} counted missed; {}", i, story());
            }
        }
    }
}
