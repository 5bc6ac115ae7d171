//! Recording call events into a real history file: duplicates, partial and out-of-order
//! sightings, hold time, restarts.

mod common;

use callpop_history::{CallKey, CallState, Direction, History, HistoryError, Outcome, Step};
use common::{fresh_history, row_count, TestCall};

#[test]
fn a_full_incoming_call_is_one_complete_row() {
    let (_dir, history) = fresh_history();
    let call = TestCall::incoming("c1", "+1 416 555 0123").named("Zoë");
    let id = call.record(
        &history,
        &[
            (1_000, Step::Ringing),
            (4_000, Step::Connected),
            (9_000, Step::Ended(Outcome::Answered)),
        ],
    );
    let stored = history.get(id).expect("get").expect("stored");
    assert_eq!(stored.state, CallState::Ended(Outcome::Answered));
    assert_eq!(stored.direction, Direction::In);
    assert_eq!(stored.number, "+1 416 555 0123");
    assert_eq!(stored.e164.as_deref(), Some("+14165550123"));
    assert_eq!(stored.name, "Zoë");
    assert_eq!(stored.line, Some(1));
    assert_eq!(
        (
            stored.started_at_ms,
            stored.answered_at_ms,
            stored.ended_at_ms
        ),
        (1_000, Some(4_000), Some(9_000))
    );
    assert!(stored.seen, "only missed calls start unseen");
    assert!(!stored.interrupted);
    assert!(stored.updated_at_ms >= stored.created_at_ms);
}

#[test]
fn duplicated_and_replayed_events_add_nothing() {
    let (_dir, history) = fresh_history();
    let call = TestCall::incoming("c1", "+1 416 555 0123");
    let events = [
        call.event(1_000, Step::Ringing),
        call.event(2_000, Step::Connected),
        call.event(3_000, Step::Held),
        call.event(5_000, Step::Resumed),
        call.event(9_000, Step::Ended(Outcome::Answered)),
    ];
    for event in &events {
        assert!(history.record(event).expect("first").changed);
        assert!(
            !history.record(event).expect("duplicate").changed,
            "{:?} twice",
            event.step
        );
    }
    let before = history.find(&call.key).expect("find").expect("recorded");
    for event in &events {
        assert!(!history.record(event).expect("replay").changed);
    }
    let after = history.find(&call.key).expect("find").expect("recorded");
    assert_eq!(
        after, before,
        "a replay changes nothing, not even updated_at"
    );
    assert_eq!(row_count(&history), 1);
    assert_eq!(after.held_ms, 2_000);
}

#[test]
fn the_same_call_id_on_another_device_or_source_is_another_call() {
    let (_dir, history) = fresh_history();
    let first = TestCall::incoming("same", "201");
    let mut other_device = first.clone();
    other_device.key.device_id = "phone-2".into();
    let mut other_source = first.clone();
    other_source.key.source = "ami".into();
    for call in [&first, &other_device, &other_source] {
        call.record(&history, &[(1, Step::Ringing)]);
    }
    assert_eq!(row_count(&history), 3);
}

#[test]
fn an_ended_without_a_ring_creates_the_call() {
    let (_dir, history) = fresh_history();
    let call = TestCall::incoming("push-only", "+49 30 1234567").named("Müller");
    let id = call.record(&history, &[(5_000, Step::Ended(Outcome::Missed))]);
    let stored = history.get(id).expect("get").expect("stored");
    assert_eq!(stored.state, CallState::Ended(Outcome::Missed));
    assert_eq!(
        (stored.started_at_ms, stored.ended_at_ms),
        (5_000, Some(5_000))
    );
    assert!(!stored.seen, "a new missed call is unseen");
    assert_eq!(history.unresolved_missed_count().expect("count"), 1);
}

#[test]
fn a_call_first_seen_connected_has_unknown_direction_until_told() {
    let (_dir, history) = fresh_history();
    let mut call = TestCall::new("mid", Direction::Unknown, "203");
    let id = call.record(&history, &[(1_000, Step::Connected)]);
    let stored = history.get(id).expect("get").expect("stored");
    assert_eq!(stored.state, CallState::Active);
    assert_eq!(stored.direction, Direction::Unknown);
    assert_eq!(stored.answered_at_ms, Some(1_000));

    call.direction = Direction::Out;
    call.record(&history, &[(2_000, Step::Ended(Outcome::Answered))]);
    let stored = history.get(id).expect("get").expect("stored");
    assert_eq!(
        stored.direction,
        Direction::Out,
        "filled in by a later event"
    );
    assert_eq!(stored.state, CallState::Ended(Outcome::Answered));
}

#[test]
fn number_and_name_fill_in_but_never_overwrite() {
    let (_dir, history) = fresh_history();
    let bare = TestCall::anonymous("c1");
    let id = bare.record(&history, &[(1, Step::Ringing)]);
    let known = TestCall::incoming("c1", "+1 416 555 0123").named("Виталик");
    known.record(&history, &[(2, Step::Connected)]);
    let other = TestCall::incoming("c1", "+44 20 7946 0000").named("Someone else");
    other.record(&history, &[(3, Step::Ended(Outcome::Answered))]);

    let stored = history.get(id).expect("get").expect("stored");
    assert_eq!(stored.number, "+1 416 555 0123");
    assert_eq!(stored.name, "Виталик");
    assert_eq!(stored.match_key.as_deref(), Some("+14165550123"));
    let found = history
        .list(&callpop_history::CallQuery::search("5550123"), None, 10)
        .expect("search");
    assert_eq!(found.calls.len(), 1, "the filled-in number is searchable");
}

#[test]
fn hold_time_is_summed_over_every_hold_and_a_hold_running_at_the_end() {
    let (_dir, history) = fresh_history();
    let call = TestCall::outgoing("c1", "+1 416 555 0123");
    let id = call.record(
        &history,
        &[
            (0, Step::Dialing),
            (1_000, Step::Connected),
            (10_000, Step::Held),
            (13_000, Step::Resumed),
            (20_000, Step::Held),
            (20_500, Step::Held),
            (25_000, Step::Resumed),
            (25_000, Step::Resumed),
            (30_000, Step::Held),
        ],
    );
    let on_hold = history.get(id).expect("get").expect("stored");
    assert_eq!(on_hold.held_ms, 8_000);
    assert_eq!(on_hold.on_hold_since_ms, Some(30_000));

    call.record(&history, &[(31_000, Step::Ended(Outcome::Answered))]);
    let ended = history.get(id).expect("get").expect("stored");
    assert_eq!(ended.held_ms, 9_000);
    assert_eq!(ended.on_hold_since_ms, None);
}

#[test]
fn an_event_without_a_complete_key_is_refused() {
    let (_dir, history) = fresh_history();
    let mut event = TestCall::incoming("c1", "201").event(1, Step::Ringing);
    event.key.source_call_id.clear();
    let error = history.record(&event).expect_err("refused");
    assert!(matches!(error, HistoryError::IncompleteKey(_)), "{error}");
    assert_eq!(row_count(&history), 0);
}

#[test]
fn is_recorded_and_find_answer_by_key() {
    let (_dir, history) = fresh_history();
    let call = TestCall::incoming("sip-call-id@pbx", "201");
    assert!(!history.is_recorded(&call.key).expect("asked"));
    assert_eq!(history.find(&call.key).expect("asked"), None);
    let id = call.record(&history, &[(1, Step::Ringing)]);
    assert!(history.is_recorded(&call.key).expect("asked"));
    assert_eq!(
        history.find(&call.key).expect("asked").map(|c| c.id),
        Some(id)
    );
    let elsewhere = CallKey::new("demo", "phone-2", "sip-call-id@pbx");
    assert!(!history.is_recorded(&elsewhere).expect("asked"));
}

#[test]
fn close_unfinished_guesses_each_outcome_and_marks_it_interrupted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("history.sqlite3");
    let (ringing_in, dialing, talking, done) = {
        let history = History::open(&path).expect("open");
        let ringing_in = TestCall::incoming("ring", "+1 416 555 0001");
        ringing_in.record(&history, &[(1_000, Step::Ringing), (1_500, Step::Ringing)]);
        let dialing = TestCall::outgoing("dial", "+1 416 555 0002");
        dialing.record(&history, &[(2_000, Step::Dialing)]);
        let talking = TestCall::incoming("talk", "+1 416 555 0003");
        talking.record(
            &history,
            &[
                (3_000, Step::Ringing),
                (3_500, Step::Connected),
                (4_000, Step::Held),
            ],
        );
        let done = TestCall::incoming("done", "+1 416 555 0004");
        done.record(
            &history,
            &[(100, Step::Ringing), (200, Step::Ended(Outcome::Rejected))],
        );
        (ringing_in, dialing, talking, done)
        // The history is dropped here without any end: as if callpop was killed.
    };

    let history = History::open(&path).expect("reopen");
    assert_eq!(history.unfinished().expect("unfinished").len(), 3);
    let closed = history.close_unfinished().expect("close");
    assert_eq!(closed.len(), 3);
    assert!(history.unfinished().expect("unfinished").is_empty());

    let ring = history.find(&ringing_in.key).expect("find").expect("row");
    assert_eq!(ring.state, CallState::Ended(Outcome::Missed));
    assert_eq!(
        ring.ended_at_ms,
        Some(1_500),
        "the last moment it was known ringing"
    );
    assert!(ring.interrupted);
    assert!(!ring.seen);

    let dial = history.find(&dialing.key).expect("find").expect("row");
    assert_eq!(dial.state, CallState::Ended(Outcome::Cancelled));
    assert!(dial.interrupted);

    let talk = history.find(&talking.key).expect("find").expect("row");
    assert_eq!(talk.state, CallState::Ended(Outcome::Answered));
    assert_eq!(talk.ended_at_ms, Some(4_000));
    assert_eq!(talk.on_hold_since_ms, None);

    let untouched = history.find(&done.key).expect("find").expect("row");
    assert_eq!(untouched.state, CallState::Ended(Outcome::Rejected));
    assert!(!untouched.interrupted);

    assert!(history.close_unfinished().expect("again").is_empty());
    assert_eq!(history.unresolved_missed_count().expect("count"), 1);
}

#[test]
fn a_call_still_going_after_a_restart_continues_its_row() {
    let (_dir, history) = fresh_history();
    let call = TestCall::incoming("Linkedid-1700000000.42", "+1 416 555 0123");
    let id = call.record(&history, &[(1_000, Step::Ringing)]);
    history.close_unfinished().expect("close at start");
    assert_eq!(history.unresolved_missed_count().expect("count"), 1);

    // The PBX still reports the call, now answered: the guess "missed" was wrong.
    let continued = call.record(&history, &[(5_000, Step::Connected)]);
    assert_eq!(continued, id, "no second row");
    let stored = history.get(id).expect("get").expect("row");
    assert_eq!(stored.state, CallState::Active);
    assert!(!stored.interrupted);
    assert_eq!(stored.ended_at_ms, None);
    assert!(stored.seen);
    assert_eq!(history.unresolved_missed_count().expect("count"), 0);

    call.record(&history, &[(9_000, Step::Ended(Outcome::Answered))]);
    let stored = history.get(id).expect("get").expect("row");
    assert_eq!(stored.state, CallState::Ended(Outcome::Answered));
    assert_eq!(stored.ended_at_ms, Some(9_000));
    assert_eq!(row_count(&history), 1);
}

#[test]
fn record_all_is_all_or_nothing() {
    let (_dir, history) = fresh_history();
    let good = TestCall::incoming("ok", "201");
    let mut bad = TestCall::incoming("bad", "202").event(2, Step::Ringing);
    bad.key.device_id.clear();
    let error = history
        .record_all(&[good.event(1, Step::Ringing), bad])
        .expect_err("refused");
    assert!(matches!(error, HistoryError::IncompleteKey(_)));
    assert_eq!(row_count(&history), 0);

    let recorded = history
        .record_all(&[
            good.event(1, Step::Ringing),
            good.event(1, Step::Ringing),
            good.event(2, Step::Ended(Outcome::Missed)),
        ])
        .expect("recorded");
    assert_eq!(
        recorded.iter().map(|r| r.changed).collect::<Vec<_>>(),
        [true, false, true]
    );
    assert_eq!(row_count(&history), 1);
}

#[test]
fn many_threads_recording_the_same_calls_make_one_row_each() {
    let (_dir, history) = fresh_history();
    let history = std::sync::Arc::new(history);
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let history = history.clone();
            std::thread::spawn(move || {
                for n in 0..50 {
                    let call = TestCall::incoming(&format!("c{n}"), "+1 416 555 0123");
                    call.record(
                        &history,
                        &[
                            (n * 10, Step::Ringing),
                            (n * 10 + 1, Step::Connected),
                            (n * 10 + 5, Step::Ended(Outcome::Answered)),
                        ],
                    );
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("thread");
    }
    assert_eq!(row_count(&history), 50);
    let page = history
        .list(&callpop_history::CallQuery::default(), None, 100)
        .expect("list");
    assert!(page
        .calls
        .iter()
        .all(|c| c.state == CallState::Ended(Outcome::Answered)));
}
