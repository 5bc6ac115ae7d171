//! Calls as the desk worker sees them: the simulator's Asterisk events through the backend
//! and a real session's tracker, as call events.

use super::common::*;
use callpop_phone::{CallEventKind::*, Direction, Outcome};
use callpop_phone_sim::ami::{AmiSimConfig, Party, CALL_REJECTED, USER_BUSY};

#[tokio::test]
async fn an_incoming_call_rings_is_answered_held_resumed_and_hung_up() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let call = sim.ring("+4930123456", "Jane Customer", ME).expect("rings");
    let ring = w.expect(Ringing).await;
    let linkedid = sim.call(call).expect("known").linkedid;
    assert_eq!(
        (
            ring.number.as_str(),
            ring.name.as_str(),
            ring.direction,
            ring.line,
            ring.source_call_id.as_str()
        ),
        (
            "+4930123456",
            "Jane Customer",
            Direction::Incoming,
            1,
            linkedid.as_str()
        )
    );
    sim.answer(call).expect("answers");
    assert_eq!(w.expect(Connected).await.call, ring.call);
    sim.hold(call).expect("holds");
    assert_eq!(w.expect(Held).await.call, ring.call);
    sim.unhold(call).expect("resumes");
    assert_eq!(w.expect(Resumed).await.call, ring.call);
    sim.hangup(call, Party::Remote).expect("hangs up");
    let end = w.expect(Ended).await;
    assert_eq!(
        (end.call, end.outcome),
        (ring.call, Some(Outcome::Answered))
    );
    assert!(w.session.current().calls.is_empty());
    assert!(w.pending().is_empty(), "one event per change");
}

#[tokio::test]
async fn a_caller_who_gives_up_is_a_missed_call() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let call = sim.ring("+4930123456", "", ME).expect("rings");
    let ring = w.expect(Ringing).await;
    sim.give_up(call).expect("gives up");
    let missed = w.expect(Missed).await;
    assert_eq!(
        (missed.call, missed.outcome, missed.number.as_str()),
        (ring.call, Some(Outcome::Missed), "+4930123456")
    );
}

#[tokio::test]
async fn a_ring_group_call_a_colleague_took_is_not_missed() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let call = sim
        .ring_group("+4930123456", "Jane Customer", &[ME, COLLEAGUE])
        .expect("rings both");
    let ring = w.expect(Ringing).await;
    sim.answered_elsewhere(call).expect("the colleague answers");
    let end = w.expect(Ended).await;
    assert_eq!(
        (end.call, end.outcome),
        (ring.call, Some(Outcome::AnsweredElsewhere))
    );
    // The colleague's conversation is none of the desk worker's business.
    sim.hangup(call, Party::Remote).expect("hangs up");
    sim.ring("555", "", ME).expect("rings again");
    assert_eq!(w.expect(Ringing).await.number, "555");
}

/// The backend's hint names the call by its `Linkedid`: the tracker finds the call by that id
/// even when the caller has no number (matching by number alone would take it for a missed
/// call, or for another call from the same number).
#[tokio::test]
async fn an_anonymous_ring_group_call_a_colleague_took_is_not_missed_either() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    // Another call from a known number rings meanwhile: the hint must find the right one.
    let known = sim.ring("+4930555555", "Known", ME).expect("rings");
    let first = w.expect(Ringing).await;
    let call = sim
        .ring_group("", "", &[ME, COLLEAGUE])
        .expect("rings both");
    let ring = w.expect(Ringing).await;
    assert_eq!(ring.number, "");
    sim.answered_elsewhere(call).expect("the colleague answers");
    let end = w.expect(Ended).await;
    assert_eq!(
        (end.call, end.outcome),
        (ring.call, Some(Outcome::AnsweredElsewhere))
    );
    sim.give_up(known).expect("gives up");
    assert_eq!(w.expect(Missed).await.call, first.call);
}

#[tokio::test]
async fn a_call_declined_at_the_desk_phone_is_rejected_not_missed() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    for cause in [USER_BUSY, CALL_REJECTED] {
        let call = sim.ring("+4930123456", "", ME).expect("rings");
        let ring = w.expect(Ringing).await;
        sim.reject(call, cause).expect("declines");
        let end = w.expect(Ended).await;
        assert_eq!(
            (end.call, end.outcome),
            (ring.call, Some(Outcome::Rejected)),
            "cause {cause}"
        );
    }
}

#[tokio::test]
async fn calls_of_other_phones_are_not_the_desk_workers() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let theirs = sim.ring("+4930999999", "Other", COLLEAGUE).expect("rings");
    sim.answer(theirs).expect("answers");
    let mine = sim.ring("+4930123456", "Jane", ME).expect("rings");
    let ring = w.expect(Ringing).await;
    assert_eq!(ring.number, "+4930123456");
    sim.give_up(mine).expect("gives up");
    w.expect(Missed).await;
    sim.hangup(theirs, Party::Remote).expect("hangs up");
    sim.ring("777", "", ME).expect("rings");
    assert_eq!(
        w.expect(Ringing).await.number,
        "777",
        "nothing came of the colleague's call meanwhile"
    );
}

#[tokio::test]
async fn a_call_dialled_at_the_desk_phone_is_outgoing() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let call = sim.dial(ME, "0301234567").expect("dials");
    let out = w.expect(Dialing).await;
    assert_eq!(
        (out.direction, out.number.as_str()),
        (Direction::Outgoing, "0301234567")
    );
    // The far end answers by itself in the fast configuration.
    assert_eq!(w.expect(Connected).await.call, out.call);
    sim.hangup(call, Party::Phone).expect("hangs up");
    let end = w.expect(Ended).await;
    assert_eq!(end.outcome, Some(Outcome::Answered));
}

#[tokio::test]
async fn an_outgoing_call_to_a_busy_number_failed() {
    let sim = start(AmiSimConfig {
        far_end_answer_delay: None,
        ..fast()
    })
    .await;
    let mut w = Watch::online(backend(&sim)).await;
    let call = sim.dial(ME, "0301234567").expect("dials");
    let out = w.expect(Dialing).await;
    sim.reject(call, USER_BUSY).expect("the far end is busy");
    let end = w.expect(Ended).await;
    assert_eq!((end.call, end.outcome), (out.call, Some(Outcome::Failed)));
}

#[tokio::test]
async fn two_calls_are_two_lines() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let first = sim.ring("+4930111111", "First", ME).expect("rings");
    let a = w.expect(Ringing).await;
    sim.answer(first).expect("answers");
    w.expect(Connected).await;
    let second = sim.ring("+4930222222", "Second", ME).expect("rings");
    let b = w.expect(Ringing).await;
    assert_eq!((a.line, b.line), (1, 2));
    assert_ne!(a.source_call_id, b.source_call_id);
    sim.hangup(first, Party::Remote).expect("hangs up");
    let end = w.expect(Ended).await;
    assert_eq!(end.call, a.call);
    // The second call keeps its line while the first is gone.
    sim.answer(second).expect("answers");
    let connected = w.expect(Connected).await;
    assert_eq!((connected.call, connected.line), (b.call, 2));
}
