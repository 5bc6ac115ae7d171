//! How one event moves one call along: a pure function from (what is stored, event) to what
//! should be stored, so the rules can be read and tested without a database.
//!
//! The rules, and why:
//! - Any event may be the first: the call starts in `Ringing` and the event is applied to it
//!   (a `Connected` first makes it active, an `Ended` first makes it ended at once).
//! - Once ended, a call stays ended: later events are replays and change nothing, except for
//!   a call closed by [`interrupt`] at start-up (callpop was not running when it ended). Real
//!   news about such a call means the guess was wrong: it is reopened and the event applied.
//! - Once connected, a call ends `Answered` whatever the phone calls its end: somebody talked.
//!   An outgoing call "missed" is `Cancelled` (missed means a caller the user owes a call).
//! - Times only move forward: every event's time is raised to the newest time already applied,
//!   so `started <= answered <= ended` and holds never overlap, and `held_ms` can never exceed
//!   the connected time. A `Held`/`Resumed` older than the newest applied event is a replay of
//!   an old event and is ignored, so a replay cannot add a hold that did not happen.
//! - Number, name, line and direction are filled in when unknown and never overwritten.

use crate::call_record::CallState;
use crate::event::{Direction, Observed, Outcome, Step};

/// The lifecycle part of a stored call (user fields such as note and seen live elsewhere).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tracked {
    pub direction: Direction,
    pub state: CallState,
    pub line: Option<u32>,
    pub number: String,
    pub e164: Option<String>,
    pub match_key: Option<String>,
    pub name: String,
    pub started_at: i64,
    pub answered_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub held_ms: i64,
    pub held_since: Option<i64>,
    pub last_event_at: i64,
    pub interrupted: bool,
}

/// The call as first recorded from `event`, whatever step it is.
pub(crate) fn start(event: &Observed) -> Tracked {
    let at = event.at_ms;
    let blank = Tracked {
        direction: Direction::Unknown,
        state: CallState::Ringing,
        line: None,
        number: String::new(),
        e164: None,
        match_key: None,
        name: String::new(),
        started_at: at,
        answered_at: None,
        ended_at: None,
        held_ms: 0,
        held_since: None,
        last_event_at: at,
        interrupted: false,
    };
    advance(&blank, event)
}

/// The call after `event`. Equal to `prev` when the event adds nothing.
pub(crate) fn advance(prev: &Tracked, event: &Observed) -> Tracked {
    let mut call = prev.clone();
    fill_in(&mut call, event);

    if call.state.is_ended() {
        if !call.interrupted {
            return call;
        }
        reopen(&mut call);
    }

    let stale = event.at_ms < call.last_event_at;
    let at = event.at_ms.max(call.last_event_at);
    call.last_event_at = at;

    match event.step {
        Step::Ringing | Step::Dialing => {}
        Step::Connected => match call.state {
            CallState::Ringing => connect(&mut call, at),
            _ if !stale => end_hold(&mut call, at),
            _ => {}
        },
        Step::Held => match call.state {
            CallState::Ringing => {
                connect(&mut call, at);
                call.held_since = Some(at);
            }
            _ if !stale && call.held_since.is_none() => call.held_since = Some(at),
            _ => {}
        },
        Step::Resumed => match call.state {
            CallState::Ringing => connect(&mut call, at),
            _ if !stale => end_hold(&mut call, at),
            _ => {}
        },
        Step::Ended(outcome) => finish(&mut call, outcome, at),
    }
    call
}

/// Closes a call that was still ringing or active when callpop stopped, at the last moment
/// callpop knew it was going. Connected calls become `Answered`; unanswered incoming calls
/// become `Missed` (better a missed call the user can dismiss than one never shown);
/// unanswered outgoing calls become `Cancelled`. Ended calls are returned unchanged.
pub(crate) fn interrupt(prev: &Tracked) -> Tracked {
    let mut call = prev.clone();
    if call.state.is_ended() {
        return call;
    }
    let outcome = if call.answered_at.is_some() {
        Outcome::Answered
    } else if call.direction == Direction::Out {
        Outcome::Cancelled
    } else {
        Outcome::Missed
    };
    let at = call.last_event_at;
    finish(&mut call, outcome, at);
    call.interrupted = true;
    call
}

fn fill_in(call: &mut Tracked, event: &Observed) {
    if call.line.is_none() {
        call.line = event.line;
    }
    if call.number.is_empty() && !event.number.is_empty() {
        call.number.clone_from(&event.number);
    }
    if call.e164.is_none() {
        call.e164 = non_empty(&event.e164);
    }
    if call.match_key.is_none() {
        call.match_key = non_empty(&event.match_key).or_else(|| call.e164.clone());
    }
    if call.name.is_empty() && !event.name.is_empty() {
        call.name.clone_from(&event.name);
    }
    if call.direction == Direction::Unknown {
        call.direction = match (event.direction, event.step) {
            (Direction::Unknown, Step::Ringing) => Direction::In,
            (Direction::Unknown, Step::Dialing) => Direction::Out,
            (known, _) => known,
        };
    }
}

fn non_empty(text: &Option<String>) -> Option<String> {
    text.as_ref().filter(|t| !t.trim().is_empty()).cloned()
}

fn reopen(call: &mut Tracked) {
    call.interrupted = false;
    call.ended_at = None;
    call.state = if call.answered_at.is_some() {
        CallState::Active
    } else {
        CallState::Ringing
    };
}

fn connect(call: &mut Tracked, at: i64) {
    call.state = CallState::Active;
    call.answered_at = Some(at);
}

fn end_hold(call: &mut Tracked, at: i64) {
    if let Some(since) = call.held_since.take() {
        call.held_ms += (at - since).max(0);
    }
}

fn finish(call: &mut Tracked, reported: Outcome, at: i64) {
    let outcome = if call.answered_at.is_some() {
        Outcome::Answered
    } else if reported == Outcome::Missed && call.direction == Direction::Out {
        Outcome::Cancelled
    } else {
        reported
    };
    if call.direction == Direction::Unknown
        && matches!(
            outcome,
            Outcome::Missed | Outcome::Rejected | Outcome::AnsweredElsewhere
        )
    {
        call.direction = Direction::In;
    }
    end_hold(call, at);
    call.ended_at = Some(at);
    call.state = CallState::Ended(outcome);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::CallKey;
    use proptest::prelude::*;

    fn event(at_ms: i64, step: Step) -> Observed {
        Observed {
            at_ms,
            key: CallKey::new("demo", "phone", "c1"),
            line: Some(1),
            direction: Direction::Unknown,
            step,
            number: "+1 416 555 0123".into(),
            e164: Some("+14165550123".into()),
            match_key: None,
            name: "Zoë".into(),
        }
    }

    fn run(events: &[Observed]) -> Tracked {
        let mut call = start(&events[0]);
        for e in &events[1..] {
            call = advance(&call, e);
        }
        call
    }

    #[test]
    fn ring_answer_hold_resume_end_sums_the_hold() {
        let call = run(&[
            event(1_000, Step::Ringing),
            event(3_000, Step::Connected),
            event(10_000, Step::Held),
            event(14_000, Step::Resumed),
            event(20_000, Step::Held),
            event(21_500, Step::Ended(Outcome::Answered)),
        ]);
        assert_eq!(call.direction, Direction::In);
        assert_eq!(call.state, CallState::Ended(Outcome::Answered));
        assert_eq!(call.started_at, 1_000);
        assert_eq!(call.answered_at, Some(3_000));
        assert_eq!(call.ended_at, Some(21_500));
        assert_eq!(
            call.held_ms,
            4_000 + 1_500,
            "a hold running at the end counts"
        );
        assert_eq!(call.held_since, None);
        assert_eq!(call.match_key.as_deref(), Some("+14165550123"));
    }

    #[test]
    fn a_replayed_hold_after_resume_adds_no_hold() {
        let held = event(10_000, Step::Held);
        let resumed = event(14_000, Step::Resumed);
        let call = run(&[
            event(1_000, Step::Connected),
            held.clone(),
            resumed.clone(),
            held,
            resumed,
            event(30_000, Step::Ended(Outcome::Answered)),
        ]);
        assert_eq!(call.held_ms, 4_000);
    }

    #[test]
    fn connected_while_held_ends_the_hold() {
        let call = run(&[
            event(0, Step::Connected),
            event(1_000, Step::Held),
            event(3_000, Step::Connected),
            event(9_000, Step::Ended(Outcome::Answered)),
        ]);
        assert_eq!(call.held_ms, 2_000);
    }

    #[test]
    fn an_answered_call_ends_answered_whatever_the_phone_calls_it() {
        let call = run(&[
            event(0, Step::Ringing),
            event(1, Step::Connected),
            event(2, Step::Ended(Outcome::Missed)),
        ]);
        assert_eq!(call.state, CallState::Ended(Outcome::Answered));
    }

    #[test]
    fn an_outgoing_call_is_never_missed() {
        let mut dial = event(0, Step::Dialing);
        dial.direction = Direction::Out;
        let call = run(&[dial, event(5, Step::Ended(Outcome::Missed))]);
        assert_eq!(call.state, CallState::Ended(Outcome::Cancelled));
    }

    #[test]
    fn an_ended_call_ignores_later_events() {
        let ended = run(&[
            event(0, Step::Ringing),
            event(5, Step::Ended(Outcome::Missed)),
        ]);
        for step in [
            Step::Ringing,
            Step::Connected,
            Step::Held,
            Step::Ended(Outcome::Answered),
        ] {
            assert_eq!(advance(&ended, &event(9, step)), ended, "{step:?}");
        }
    }

    #[test]
    fn first_sighting_connected_or_ended_creates_the_call() {
        let connected = start(&event(7, Step::Connected));
        assert_eq!(connected.state, CallState::Active);
        assert_eq!(connected.direction, Direction::Unknown);
        assert_eq!(connected.answered_at, Some(7));

        let missed = start(&event(9, Step::Ended(Outcome::Missed)));
        assert_eq!(missed.state, CallState::Ended(Outcome::Missed));
        assert_eq!(
            missed.direction,
            Direction::In,
            "only incoming calls are missed"
        );
        assert_eq!((missed.started_at, missed.ended_at), (9, Some(9)));
    }

    #[test]
    fn times_that_go_backwards_are_raised() {
        let call = run(&[
            event(10_000, Step::Ringing),
            event(8_000, Step::Connected),
            event(7_000, Step::Ended(Outcome::Answered)),
        ]);
        assert_eq!(call.answered_at, Some(10_000));
        assert_eq!(call.ended_at, Some(10_000));
    }

    #[test]
    fn interrupted_calls_get_a_guessed_outcome_and_reopen_on_news() {
        let ringing = start(&event(100, Step::Ringing));
        let closed = interrupt(&ringing);
        assert_eq!(closed.state, CallState::Ended(Outcome::Missed));
        assert!(closed.interrupted);
        assert_eq!(closed.ended_at, Some(100));

        let answered = advance(&closed, &event(200, Step::Connected));
        assert_eq!(answered.state, CallState::Active);
        assert!(!answered.interrupted);
        assert_eq!(answered.ended_at, None);

        let held = run(&[event(0, Step::Connected), event(50, Step::Held)]);
        let closed = interrupt(&held);
        assert_eq!(closed.state, CallState::Ended(Outcome::Answered));
        assert_eq!(closed.held_ms, 0, "the hold ends at the last known moment");
        assert_eq!(closed.ended_at, Some(50));
    }

    fn any_step() -> impl Strategy<Value = Step> {
        prop_oneof![
            Just(Step::Ringing),
            Just(Step::Dialing),
            Just(Step::Connected),
            Just(Step::Held),
            Just(Step::Resumed),
            prop_oneof![
                Just(Outcome::Answered),
                Just(Outcome::Missed),
                Just(Outcome::Rejected),
                Just(Outcome::Busy),
                Just(Outcome::Failed),
                Just(Outcome::Cancelled),
                Just(Outcome::AnsweredElsewhere),
            ]
            .prop_map(Step::Ended),
        ]
    }

    fn any_events() -> impl Strategy<Value = Vec<Observed>> {
        prop::collection::vec((0i64..5_000, any_step(), any::<bool>()), 1..12).prop_map(|raw| {
            raw.into_iter()
                .map(|(at, step, out)| {
                    let mut e = event(at, step);
                    e.direction = if out {
                        Direction::Out
                    } else {
                        Direction::Unknown
                    };
                    e
                })
                .collect()
        })
    }

    fn assert_consistent(call: &Tracked) {
        assert!(call.answered_at.is_none_or(|a| a >= call.started_at));
        let floor = call.answered_at.unwrap_or(call.started_at);
        assert!(call.ended_at.is_none_or(|e| e >= floor));
        assert_eq!(call.ended_at.is_some(), call.state.is_ended());
        assert!(call.held_ms >= 0);
        if let (Some(a), Some(e)) = (call.answered_at, call.ended_at) {
            assert!(call.held_ms <= e - a, "held {} of {}", call.held_ms, e - a);
        }
        if call.state.is_ended() {
            assert_eq!(call.held_since, None);
        }
        if call.held_ms > 0 || call.held_since.is_some() {
            assert!(call.answered_at.is_some());
        }
        if call.state == CallState::Active {
            assert!(call.answered_at.is_some());
        }
    }

    proptest! {
        /// Whatever arrives, the call stays consistent, and after an `Ended` it is ended for
        /// good with the outcome fixed.
        #[test]
        fn any_sequence_keeps_the_call_consistent_and_ended_is_final(events in any_events()) {
            let mut call = start(&events[0]);
            assert_consistent(&call);
            let mut ended: Option<Tracked> = call.state.is_ended().then(|| call.clone());
            for e in &events[1..] {
                call = advance(&call, e);
                assert_consistent(&call);
                if let Some(first_end) = &ended {
                    prop_assert_eq!(call.state, first_end.state);
                    prop_assert_eq!(call.ended_at, first_end.ended_at);
                    prop_assert_eq!(call.held_ms, first_end.held_ms);
                } else if call.state.is_ended() {
                    ended = Some(call.clone());
                }
            }
        }

        /// Delivering every event twice gives the same call as delivering it once.
        #[test]
        fn duplicates_change_nothing(events in any_events()) {
            let once = run(&events);
            let twice: Vec<Observed> = events.iter().flat_map(|e| [e.clone(), e.clone()]).collect();
            prop_assert_eq!(run(&twice), once);
        }

        /// Closing at start-up and then hearing nothing more leaves a consistent ended call.
        #[test]
        fn interrupting_any_call_leaves_it_consistent(events in any_events()) {
            let closed = interrupt(&run(&events));
            assert_consistent(&closed);
            prop_assert!(closed.state.is_ended());
            prop_assert_eq!(closed.ended_at.map(|e| e >= closed.last_event_at), Some(true));
        }
    }
}
