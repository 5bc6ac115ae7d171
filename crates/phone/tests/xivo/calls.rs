//! Calls through a session: what the desk worker sees and what the buttons do.

use crate::common::*;
use callpop_phone::backend::xivo::{NUMBER_DIALLED, QUEUE};
use callpop_phone::backend::ForwardCase;
use callpop_phone::tracker::{CallEventKind, CallPhase, Outcome};
use callpop_phone::{Action, DialMethod, Direction, LineState};
use callpop_phone_sim::xuc::{CallState, UserData};
use std::time::Duration;

#[tokio::test]
async fn ring_answer_hold_resume_hang_up() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    let call = sim
        .ring("alice", "0427466347", "Bruce Wail", UserData::new())
        .expect("rings");
    let unique_id = sim.call(call).expect("call").unique_id;

    let ringing = expect_event(&mut events, CallEventKind::Ringing).await;
    assert_eq!(ringing.number, "0427466347");
    assert_eq!(ringing.name, "Bruce Wail");
    assert_eq!(ringing.direction, Direction::Incoming);
    assert_eq!(ringing.source_call_id, unique_id);
    let id = ringing.call.clone();

    session
        .act(Some(&id), Action::Answer)
        .await
        .expect("answered");
    expect_event(&mut events, CallEventKind::Connected).await;
    assert_eq!(sim.call(call).expect("call").state, CallState::Established);
    // The answer named the call.
    let answers = commands_named(&sim, "answer");
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0]["uniqueId"], unique_id.as_str());

    session.act(Some(&id), Action::Hold).await.expect("held");
    expect_event(&mut events, CallEventKind::Held).await;
    assert_eq!(sim.call(call).expect("call").state, CallState::OnHold);
    session
        .act(Some(&id), Action::Resume)
        .await
        .expect("resumed");
    expect_event(&mut events, CallEventKind::Resumed).await;
    assert_eq!(sim.call(call).expect("call").state, CallState::Established);

    session
        .act(Some(&id), Action::HangUp)
        .await
        .expect("hung up");
    let ended = expect_event(&mut events, CallEventKind::Ended).await;
    assert_eq!(ended.outcome, Some(Outcome::Answered));
    assert!(sim.calls().is_empty());
    assert_eq!(
        commands_named(&sim, "hangup")[0]["uniqueId"],
        unique_id.as_str()
    );
    let state = session.current();
    assert!(
        state.lines.is_empty() && state.calls.is_empty(),
        "{state:?}"
    );
}

#[tokio::test]
async fn hold_and_resume_never_toggle_the_wrong_way() {
    let sim = sim().await;
    let xivo = alice(&sim);
    let (session, mut events) = watch(xivo.clone()).await;
    let call = sim
        .ring("alice", "0612", "", UserData::new())
        .expect("rings");
    expect_event(&mut events, CallEventKind::Ringing).await;
    sim.answer_at_phone(call).expect("answered");
    let connected = expect_event(&mut events, CallEventKind::Connected).await;
    // The session refuses Resume on a connected call; the backend itself sends nothing
    // either (xuc's hold is a toggle and would put the call on hold).
    let state = session.current();
    let target = callpop_phone::backend::Target {
        call: state.calls.first(),
        lines: &state.lines,
        calls: &state.calls,
    };
    use callpop_phone::Backend as _;
    xivo.perform(&Action::Resume, &target)
        .await
        .expect("nothing to do");
    sim.hold(call).expect("held at the phone");
    expect_event(&mut events, CallEventKind::Held).await;
    let state = session.current();
    let target = callpop_phone::backend::Target {
        call: state.calls.first(),
        lines: &state.lines,
        calls: &state.calls,
    };
    xivo.perform(&Action::Hold, &target)
        .await
        .expect("nothing to do");
    assert!(commands_named(&sim, "hold").is_empty());
    assert_eq!(sim.call(call).expect("call").state, CallState::OnHold);
    // The session's own rule says the same in words.
    let refused = session
        .act(Some(&connected.call), Action::Hold)
        .await
        .expect_err("not connected");
    assert!(refused.to_string().contains("connected call"), "{refused}");
}

#[tokio::test]
async fn a_caller_who_gives_up_is_a_missed_call() {
    let sim = sim().await;
    let (_session, mut events) = watch(alice(&sim)).await;
    let call = sim
        .ring("alice", "0612345678", "Jane Black", UserData::new())
        .expect("rings");
    expect_event(&mut events, CallEventKind::Ringing).await;
    sim.caller_gives_up(call).expect("gives up");
    let missed = expect_event(&mut events, CallEventKind::Missed).await;
    assert_eq!(missed.outcome, Some(Outcome::Missed));
    assert_eq!(missed.number, "0612345678");
    assert_eq!(missed.name, "Jane Black");
}

#[tokio::test]
async fn rejecting_a_ring_hangs_it_up_and_is_not_missed() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    sim.ring("alice", "0612", "", UserData::new())
        .expect("rings");
    let ringing = expect_event(&mut events, CallEventKind::Ringing).await;
    session
        .act(Some(&ringing.call), Action::Reject)
        .await
        .expect("rejected");
    let ended = expect_event(&mut events, CallEventKind::Ended).await;
    assert_eq!(ended.outcome, Some(Outcome::Rejected));
    assert_eq!(
        commands_named(&sim, "hangup")[0]["uniqueId"],
        ringing.source_call_id.as_str()
    );
}

#[tokio::test]
async fn dialing_out_shows_once_the_pbx_places_the_call() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    let method = session.dial("+33612345678").await.expect("dialed");
    assert_eq!(method, DialMethod::Pbx);
    let dialing = expect_event(&mut events, CallEventKind::Dialing).await;
    assert_eq!(dialing.number, "+33612345678");
    assert_eq!(dialing.direction, Direction::Outgoing);
    let dials = commands_named(&sim, "dial");
    assert_eq!(dials.len(), 1);
    assert_eq!(dials[0]["destination"], "+33612345678");
    assert_eq!(
        session.current().lines[0].state,
        LineState::Calling,
        "the far end rings"
    );
    let call = sim.calls()[0].id;
    sim.remote_answer(call).expect("far end answers");
    let connected = expect_event(&mut events, CallEventKind::Connected).await;
    assert_eq!(connected.call, dialing.call);
    sim.hang_up_remote(call).expect("far end hangs up");
    let ended = expect_event(&mut events, CallEventKind::Ended).await;
    assert_eq!(ended.outcome, Some(Outcome::Answered));
}

#[tokio::test]
async fn an_abandoned_dial_is_cancelled() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    session.dial("0612").await.expect("dialed");
    let dialing = expect_event(&mut events, CallEventKind::Dialing).await;
    session
        .act(Some(&dialing.call), Action::HangUp)
        .await
        .expect("abandoned");
    let ended = expect_event(&mut events, CallEventKind::Ended).await;
    assert_eq!(ended.outcome, Some(Outcome::Cancelled));
}

#[tokio::test]
async fn what_the_call_carries_shows_with_readable_names() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    let data: UserData = [
        ("USR_customer_id", "C-4711"),
        ("USR_TICKET", "T-12"),
        ("XIVO_DSTNUM", "0123053012"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    sim.ring_from_queue("alice", "sales", "0427466347", "Bruce Wail", data)
        .expect("rings");
    let ringing = expect_event(&mut events, CallEventKind::Ringing).await;
    let call = session
        .current()
        .calls
        .into_iter()
        .find(|c| c.call == ringing.call)
        .expect("tracked");
    let shown: Vec<(&str, &str)> = call
        .info
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        shown,
        [
            ("Customer id", "C-4711"),
            (NUMBER_DIALLED, "0123053012"),
            (QUEUE, "sales"),
            ("Ticket", "T-12"),
        ]
    );
    // The dialplan's own variables (context, user id, caller number) stay out.
    assert!(call.info.keys().all(|k| !k.contains("XIVO")));
    assert_eq!(session.current().lines[0].info, call.info);
}

#[tokio::test]
async fn two_calls_at_once_each_action_reaches_its_own_call() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    let first = sim
        .ring("alice", "0611", "First", UserData::new())
        .expect("rings");
    let first_ring = expect_event(&mut events, CallEventKind::Ringing).await;
    session
        .act(Some(&first_ring.call), Action::Answer)
        .await
        .expect("answered");
    expect_event(&mut events, CallEventKind::Connected).await;

    let second = sim
        .ring("alice", "0622", "Second", UserData::new())
        .expect("rings");
    let second_ring = expect_event(&mut events, CallEventKind::Ringing).await;
    assert_ne!(first_ring.line, second_ring.line);
    assert_eq!(second_ring.number, "0622");
    // Answering the second puts the first on hold (as desk phones do).
    session
        .act(Some(&second_ring.call), Action::Answer)
        .await
        .expect("answered");
    let mut seen = [next_event(&mut events).await, next_event(&mut events).await];
    seen.sort_by_key(|e| e.line);
    assert_eq!(
        seen.iter()
            .map(|e| (e.call.clone(), e.event))
            .collect::<Vec<_>>(),
        [
            (first_ring.call.clone(), CallEventKind::Held),
            (second_ring.call.clone(), CallEventKind::Connected)
        ]
    );
    assert_eq!(sim.call(first).expect("first").state, CallState::OnHold);
    assert_eq!(
        sim.call(second).expect("second").state,
        CallState::Established
    );

    // Hanging up the held call ends that one, not the one in conversation.
    session
        .act(Some(&first_ring.call), Action::HangUp)
        .await
        .expect("hung up");
    let ended = expect_event(&mut events, CallEventKind::Ended).await;
    assert_eq!(ended.call, first_ring.call);
    assert!(sim.call(first).is_none());
    assert_eq!(
        sim.call(second).expect("second").state,
        CallState::Established
    );
    let kept = call_with(&session, &second_ring.source_call_id);
    assert_eq!(kept.phase, CallPhase::Connected);
    assert_eq!(kept.line, second_ring.line, "a call keeps its line");
}

#[tokio::test]
async fn do_not_disturb_from_callpop_and_from_the_phone() {
    let sim = sim().await;
    let (session, _events) = watch(alice(&sim)).await;
    assert_eq!(session.current().dnd, Some(false));
    session
        .act(None, Action::SetDnd { on: true })
        .await
        .expect("DND on");
    wait_state(&session, "DND on", |s| s.dnd == Some(true)).await;
    assert!(sim.users().iter().any(|u| u.login == "alice" && u.dnd));
    assert_eq!(commands_named(&sim, "dnd")[0]["state"], true);
    // Set on the phone itself: callpop follows.
    sim.set_dnd("alice", false).expect("DND off at the phone");
    wait_state(&session, "DND off", |s| s.dnd == Some(false)).await;
    // Asking for what already is sends nothing.
    session
        .act(None, Action::SetDnd { on: false })
        .await
        .expect("already off");
    assert_eq!(commands_named(&sim, "dnd").len(), 1);
    // With DND on, calls do not reach the phone; the simulator says so.
    session
        .act(None, Action::SetDnd { on: true })
        .await
        .expect("DND on");
    assert!(sim.ring("alice", "0612", "", UserData::new()).is_err());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(session.current().calls.is_empty());
}

#[tokio::test]
async fn mute_is_not_offered() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    let call = sim
        .ring("alice", "0612", "", UserData::new())
        .expect("rings");
    sim.answer_at_phone(call).expect("answered");
    expect_event(&mut events, CallEventKind::Ringing).await;
    let connected = expect_event(&mut events, CallEventKind::Connected).await;
    let tracked = call_with(&session, &connected.source_call_id);
    let offered = session.offered(&tracked);
    assert!(
        !offered.contains(&callpop_phone::ActionKind::Mute),
        "{offered:?}"
    );
    assert!(offered.contains(&callpop_phone::ActionKind::Transfer));
    let refused = session
        .act(Some(&connected.call), Action::Mute)
        .await
        .expect_err("no mute");
    assert!(refused.to_string().contains("mute"), "{refused}");
}

#[tokio::test]
async fn call_forwarding_on_and_off_in_each_case() {
    let sim = sim().await;
    let (session, _events) = watch(alice(&sim)).await;
    let alice_now = || {
        sim.users()
            .into_iter()
            .find(|u| u.login == "alice")
            .expect("alice")
    };
    session
        .act(
            None,
            Action::SetForward {
                case: ForwardCase::Always,
                to: Some("0612345678".into()),
            },
        )
        .await
        .expect("forward always");
    until("the unconditional forward", || {
        let u = alice_now();
        u.unconditional_forward.enabled && u.unconditional_forward.destination == "0612345678"
    })
    .await;
    session
        .act(
            None,
            Action::SetForward {
                case: ForwardCase::NoAnswer,
                to: Some("2000".into()),
            },
        )
        .await
        .expect("forward on no answer");
    session
        .act(
            None,
            Action::SetForward {
                case: ForwardCase::Busy,
                to: Some("2001".into()),
            },
        )
        .await
        .expect("forward when busy");
    until("the other forwards", || {
        let u = alice_now();
        u.no_answer_forward.enabled && u.busy_forward.destination == "2001"
    })
    .await;
    session
        .act(
            None,
            Action::SetForward {
                case: ForwardCase::Always,
                to: None,
            },
        )
        .await
        .expect("forward off");
    until("the unconditional forward off", || {
        !alice_now().unconditional_forward.enabled
    })
    .await;
    assert_eq!(commands_named(&sim, "uncFwd").len(), 2);
    assert_eq!(commands_named(&sim, "naFwd")[0]["destination"], "2000");
}
