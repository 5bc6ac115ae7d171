//! Blind and attended transfers through a session.

use crate::common::*;
use callpop_phone::tracker::{CallEvent, CallEventKind, Outcome};
use callpop_phone::{Action, Session};
use callpop_phone_sim::xuc::{CallState, UserData, XucSim};
use tokio::sync::broadcast;

/// A connected incoming call from 0612; its connected event.
async fn in_conversation(sim: &XucSim, events: &mut broadcast::Receiver<CallEvent>) -> CallEvent {
    let call = sim
        .ring("alice", "0612", "Caller", UserData::new())
        .expect("rings");
    expect_event(events, CallEventKind::Ringing).await;
    sim.answer_at_phone(call).expect("answered");
    expect_event(events, CallEventKind::Connected).await
}

/// Two events, in any order, sorted by line.
async fn two_events(events: &mut broadcast::Receiver<CallEvent>) -> Vec<CallEvent> {
    let mut seen = vec![next_event(events).await, next_event(events).await];
    seen.sort_by_key(|e| e.line);
    seen
}

#[tokio::test]
async fn a_blind_transfer_hands_the_call_over() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    let connected = in_conversation(&sim, &mut events).await;
    session
        .act(
            Some(&connected.call),
            Action::Transfer {
                to: "1001".to_owned(),
            },
        )
        .await
        .expect("transferred");
    let ended = expect_event(&mut events, CallEventKind::Ended).await;
    assert_eq!(ended.call, connected.call);
    assert_eq!(ended.outcome, Some(Outcome::Answered));
    let sent = commands_named(&sim, "directTransfer");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["destination"], "1001");
}

async fn consult(
    session: &Session,
    sim: &XucSim,
    events: &mut broadcast::Receiver<CallEvent>,
) -> (CallEvent, CallEvent) {
    let connected = in_conversation(sim, events).await;
    session
        .act(
            Some(&connected.call),
            Action::ConsultTransfer {
                to: "1002".to_owned(),
            },
        )
        .await
        .expect("consultation started");
    let seen = two_events(events).await;
    assert_eq!(seen[0].event, CallEventKind::Held);
    assert_eq!(seen[0].call, connected.call);
    assert_eq!(seen[1].event, CallEventKind::Dialing);
    assert_eq!(seen[1].number, "1002");
    assert_eq!(
        commands_named(sim, "attendedTransfer")[0]["destination"],
        "1002"
    );
    let consultation = seen[1].clone();
    let consult_call = sim
        .calls()
        .into_iter()
        .find(|c| c.unique_id == consultation.source_call_id)
        .expect("the consultation call")
        .id;
    sim.remote_answer(consult_call)
        .expect("consulted party answers");
    let answered = expect_event(events, CallEventKind::Connected).await;
    assert_eq!(answered.call, consultation.call);
    (connected, consultation)
}

#[tokio::test]
async fn an_attended_transfer_consults_then_joins_both_parties() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    let (original, consultation) = consult(&session, &sim, &mut events).await;
    session
        .act(Some(&original.call), Action::CompleteTransfer)
        .await
        .expect("completed");
    let ended = two_events(&mut events).await;
    assert!(
        ended.iter().all(|e| e.event == CallEventKind::Ended),
        "{ended:?}"
    );
    assert_eq!(ended[0].call, original.call);
    assert_eq!(ended[1].call, consultation.call);
    assert!(sim.calls().is_empty());
    assert_eq!(commands_named(&sim, "completeTransfer").len(), 1);
}

#[tokio::test]
async fn a_cancelled_transfer_goes_back_to_the_caller() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    let (original, consultation) = consult(&session, &sim, &mut events).await;
    session
        .act(Some(&consultation.call), Action::CancelTransfer)
        .await
        .expect("cancelled");
    let seen = two_events(&mut events).await;
    assert_eq!(
        seen.iter()
            .map(|e| (e.call.clone(), e.event))
            .collect::<Vec<_>>(),
        [
            (original.call.clone(), CallEventKind::Resumed),
            (consultation.call.clone(), CallEventKind::Ended)
        ]
    );
    let calls = sim.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].state, CallState::Established);
}

#[tokio::test]
async fn a_held_call_is_not_transferred_and_nothing_completes_without_a_consultation() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    let connected = in_conversation(&sim, &mut events).await;
    let refused = session
        .act(Some(&connected.call), Action::CompleteTransfer)
        .await
        .expect_err("no consultation");
    assert!(
        refused.to_string().contains("No transfer is in progress"),
        "{refused}"
    );
    session
        .act(Some(&connected.call), Action::Hold)
        .await
        .expect("held");
    expect_event(&mut events, CallEventKind::Held).await;
    let refused = session
        .act(
            Some(&connected.call),
            Action::Transfer {
                to: "1001".to_owned(),
            },
        )
        .await
        .expect_err("held");
    assert!(
        refused.to_string().contains("resume this call first"),
        "{refused}"
    );
    assert!(commands_named(&sim, "directTransfer").is_empty());
    assert!(commands_named(&sim, "completeTransfer").is_empty());
}

#[tokio::test]
async fn a_command_without_effect_is_reported_not_assumed() {
    let sim = sim().await;
    let xivo = std::sync::Arc::new(
        callpop_phone::backend::xivo::Xivo::with_timing(
            &settings(&sim.url(), "alice"),
            callpop_phone::Secret::new("alice"),
            std::sync::Arc::new(callpop_phone::RejectedLogins::in_memory()),
            callpop_phone::backend::xivo::XivoTiming {
                confirm_within: std::time::Duration::from_millis(500),
                ..fast()
            },
        )
        .expect("backend"),
    );
    let (session, mut events) = watch(xivo).await;
    // Two separate calls, one held: no consultation, so xuc has no transfer to complete and
    // does nothing.
    let held = in_conversation(&sim, &mut events).await;
    sim.ring("alice", "0699", "", UserData::new())
        .expect("rings");
    let second = expect_event(&mut events, CallEventKind::Ringing).await;
    session
        .act(Some(&second.call), Action::Answer)
        .await
        .expect("answered");
    two_events(&mut events).await;
    let error = session
        .act(Some(&held.call), Action::CompleteTransfer)
        .await
        .expect_err("nothing happened");
    assert!(error.to_string().contains("reported no change"), "{error}");
    assert_eq!(commands_named(&sim, "completeTransfer").len(), 1);
    assert_eq!(sim.calls().len(), 2);
}
