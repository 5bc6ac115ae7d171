//! Missed calls stay on the badge until somebody deals with them: each resolution rule, and
//! the edge cases around it.

mod common;

use callpop_history::{CallFilter, CallQuery, History, Outcome, ResolvedHow, Step};
use common::{fresh_history, TestCall};

const NUMBER: &str = "+1 416 555 0123";

fn missed(history: &History, id: &str, at: i64) -> callpop_history::CallId {
    TestCall::incoming(id, NUMBER).record(
        history,
        &[
            (at, Step::Ringing),
            (at + 20_000, Step::Ended(Outcome::Missed)),
        ],
    )
}

fn resolution(
    history: &History,
    id: callpop_history::CallId,
) -> Option<callpop_history::Resolution> {
    history.get(id).expect("get").expect("row").resolution
}

#[test]
fn calling_back_resolves_the_missed_call_when_the_call_is_placed() {
    let (_dir, history) = fresh_history();
    let missed_id = missed(&history, "m1", 1_000);
    assert_eq!(history.unresolved_missed_count().expect("count"), 1);

    // Written differently, same match key: it is the same person.
    let callback = TestCall::outgoing("cb", "+14165550123");
    let callback_id = callback.record(&history, &[(60_000, Step::Dialing)]);

    let resolved = resolution(&history, missed_id).expect("resolved");
    assert_eq!(resolved.how, ResolvedHow::Callback);
    assert_eq!(resolved.by, Some(callback_id));
    assert_eq!(resolved.at_ms, 60_000);
    assert_eq!(history.unresolved_missed_count().expect("count"), 0);

    // Nobody answered the callback: the user still did what they could.
    callback.record(&history, &[(90_000, Step::Ended(Outcome::Cancelled))]);
    assert!(resolution(&history, missed_id).is_some());
}

#[test]
fn answering_the_next_call_from_that_number_resolves_it() {
    let (_dir, history) = fresh_history();
    let missed_id = missed(&history, "m1", 1_000);
    let next = TestCall::incoming("next", NUMBER);
    next.record(&history, &[(100_000, Step::Ringing)]);
    assert_eq!(
        resolution(&history, missed_id),
        None,
        "ringing is not answering"
    );
    let next_id = next.record(&history, &[(104_000, Step::Connected)]);

    let resolved = resolution(&history, missed_id).expect("resolved");
    assert_eq!(resolved.how, ResolvedHow::AnsweredLater);
    assert_eq!(resolved.by, Some(next_id));
    assert_eq!(resolved.at_ms, 104_000);
}

#[test]
fn a_later_call_that_is_missed_too_resolves_nothing() {
    let (_dir, history) = fresh_history();
    let first = missed(&history, "m1", 1_000);
    let second = missed(&history, "m2", 100_000);
    let rejected = TestCall::incoming("r", NUMBER).record(
        &history,
        &[
            (200_000, Step::Ringing),
            (201_000, Step::Ended(Outcome::Rejected)),
        ],
    );
    assert_eq!(resolution(&history, first), None);
    assert_eq!(resolution(&history, second), None);
    assert_eq!(resolution(&history, rejected), None);
    assert_eq!(history.unresolved_missed_count().expect("count"), 2);
}

#[test]
fn one_callback_resolves_every_missed_call_from_that_number() {
    let (_dir, history) = fresh_history();
    let first = missed(&history, "m1", 1_000);
    let second = missed(&history, "m2", 50_000);
    let other_person = TestCall::incoming("o", "+1 416 555 9999")
        .record(&history, &[(60_000, Step::Ended(Outcome::Missed))]);
    let callback_id = TestCall::outgoing("cb", NUMBER).record(&history, &[(90_000, Step::Dialing)]);

    for id in [first, second] {
        assert_eq!(
            resolution(&history, id).and_then(|r| r.by),
            Some(callback_id)
        );
    }
    assert_eq!(resolution(&history, other_person), None);
    assert_eq!(history.unresolved_missed_count().expect("count"), 1);
}

#[test]
fn a_call_placed_before_the_missed_call_does_not_resolve_it_in_either_arrival_order() {
    // The earlier callback recorded first, the missed call learned of later.
    let (_dir, history) = fresh_history();
    TestCall::outgoing("early", NUMBER).record(
        &history,
        &[(1_000, Step::Dialing), (5_000, Step::Ended(Outcome::Busy))],
    );
    let late_push =
        TestCall::incoming("m", NUMBER).record(&history, &[(10_000, Step::Ended(Outcome::Missed))]);
    assert_eq!(resolution(&history, late_push), None);

    // The missed call recorded first, an answered call that happened before it learned later.
    let (_dir, history) = fresh_history();
    let missed_id = missed(&history, "m", 100_000);
    TestCall::incoming("earlier", NUMBER).record(
        &history,
        &[
            (50_000, Step::Connected),
            (60_000, Step::Ended(Outcome::Answered)),
        ],
    );
    assert_eq!(resolution(&history, missed_id), None);
    assert_eq!(history.unresolved_missed_count().expect("count"), 1);
}

#[test]
fn a_missed_call_learned_of_after_its_callback_is_resolved_at_once() {
    let (_dir, history) = fresh_history();
    let callback_id = TestCall::outgoing("cb", NUMBER).record(
        &history,
        &[
            (30_000, Step::Dialing),
            (40_000, Step::Ended(Outcome::Answered)),
        ],
    );
    // A missed call known only from a late push, stamped before the callback.
    let missed_id =
        TestCall::incoming("m", NUMBER).record(&history, &[(10_000, Step::Ended(Outcome::Missed))]);
    let resolved = resolution(&history, missed_id).expect("resolved");
    assert_eq!(resolved.by, Some(callback_id));
    assert_eq!(resolved.how, ResolvedHow::Callback);
    assert_eq!(history.unresolved_missed_count().expect("count"), 0);
}

#[test]
fn an_anonymous_missed_call_is_resolved_only_by_hand() {
    let (_dir, history) = fresh_history();
    let anonymous = TestCall::anonymous("anon").record(
        &history,
        &[
            (1_000, Step::Ringing),
            (9_000, Step::Ended(Outcome::Missed)),
        ],
    );
    // Other anonymous calls, answered or placed, say nothing about who called.
    TestCall::anonymous("anon2").record(
        &history,
        &[
            (20_000, Step::Connected),
            (30_000, Step::Ended(Outcome::Answered)),
        ],
    );
    TestCall::outgoing("out", "").record(&history, &[(40_000, Step::Dialing)]);
    assert_eq!(resolution(&history, anonymous), None);

    assert_eq!(history.mark_resolved(&[anonymous]).expect("mark"), 1);
    let resolved = resolution(&history, anonymous).expect("resolved");
    assert_eq!(resolved.how, ResolvedHow::Manual);
    assert_eq!(resolved.by, None);
    assert_eq!(history.unresolved_missed_count().expect("count"), 0);
    assert_eq!(
        history.mark_resolved(&[anonymous]).expect("again"),
        0,
        "an already resolved call keeps its first resolution"
    );
}

#[test]
fn marking_done_only_touches_missed_calls() {
    let (_dir, history) = fresh_history();
    let answered = TestCall::incoming("a", NUMBER).record(
        &history,
        &[(1, Step::Connected), (2, Step::Ended(Outcome::Answered))],
    );
    assert_eq!(
        history
            .mark_resolved(&[answered, callpop_history::CallId(999)])
            .expect("mark"),
        0
    );
    assert_eq!(resolution(&history, answered), None);
}

#[test]
fn seeing_a_missed_call_is_not_resolving_it() {
    let (_dir, history) = fresh_history();
    let first = missed(&history, "m1", 1_000);
    let second = missed(&history, "m2", 2_000);
    assert_eq!(history.unseen_missed_count().expect("unseen"), 2);

    assert_eq!(history.mark_seen(&[first, second]).expect("seen"), 2);
    assert_eq!(history.unseen_missed_count().expect("unseen"), 0);
    assert_eq!(history.unresolved_missed_count().expect("badge"), 2);
    assert!(history.get(first).expect("get").expect("row").seen);
    assert_eq!(history.mark_seen(&[first]).expect("again"), 0);

    TestCall::outgoing("cb", NUMBER).record(&history, &[(5_000, Step::Dialing)]);
    assert_eq!(history.unresolved_missed_count().expect("badge"), 0);
}

#[test]
fn the_unresolved_filter_lists_what_the_badge_counts() {
    let (_dir, history) = fresh_history();
    let open = missed(&history, "m1", 1_000);
    let done = TestCall::incoming("m2", "+44 20 7946 0000")
        .record(&history, &[(2_000, Step::Ended(Outcome::Missed))]);
    history.mark_resolved(&[done]).expect("mark");
    TestCall::incoming("a", "+33 1 23 45 67 89").record(
        &history,
        &[
            (3_000, Step::Connected),
            (4_000, Step::Ended(Outcome::Answered)),
        ],
    );

    let ids = |filter| -> Vec<_> {
        history
            .list(&CallQuery::filtered(filter), None, 50)
            .expect("list")
            .calls
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    assert_eq!(ids(CallFilter::Unresolved), [open]);
    assert_eq!(ids(CallFilter::Missed), [done, open]);
    assert_eq!(ids(CallFilter::All).len(), 3);
    assert_eq!(history.unresolved_missed_count().expect("badge"), 1);
}

#[test]
fn deleting_the_callback_keeps_the_missed_call_resolved() {
    let (_dir, history) = fresh_history();
    let missed_id = missed(&history, "m1", 1_000);
    let callback = TestCall::outgoing("cb", NUMBER).record(&history, &[(60_000, Step::Dialing)]);
    assert_eq!(history.delete(&[callback]).expect("delete"), 1);
    let resolved = resolution(&history, missed_id).expect("still resolved");
    assert_eq!(resolved.how, ResolvedHow::Callback);
    assert_eq!(resolved.by, None, "the resolving call is gone");
    assert_eq!(history.get(callback).expect("get"), None);
}

#[test]
fn an_interrupted_missed_call_is_resolved_by_a_callback_made_after_it() {
    let (_dir, history) = fresh_history();
    let ringing = TestCall::incoming("m", NUMBER).record(&history, &[(1_000, Step::Ringing)]);
    // callpop is killed; on the next start the user has already called back from the phone.
    let callback = TestCall::outgoing("cb", NUMBER).record(
        &history,
        &[
            (50_000, Step::Dialing),
            (60_000, Step::Ended(Outcome::Answered)),
        ],
    );
    assert_eq!(
        resolution(&history, ringing),
        None,
        "still ringing: not missed yet"
    );
    history.close_unfinished().expect("close");
    assert_eq!(
        resolution(&history, ringing).and_then(|r| r.by),
        Some(callback)
    );
}
