//! Direct and attended transfers.

use callpop_phone_sim::xuc::{CallId, CallState, CommandOutcome, UserData, XucSim};
use serde_json::json;

use crate::common::{start_default, Cti};

/// Alice talking with 0101; answers the call.
async fn talking(sim: &XucSim, cti: &mut Cti) -> CallId {
    let call = sim
        .ring("alice", "0101", "Ann", UserData::new())
        .expect("rings");
    sim.answer_at_phone(call).expect("answers");
    cti.event("EventRinging").await;
    cti.event("EventEstablished").await;
    call
}

#[tokio::test]
async fn a_direct_transfer_releases_the_call_from_the_phone() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    let call = talking(&sim, &mut cti).await;
    let unique_id = sim.call(call).expect("talking").unique_id;
    cti.command("directTransfer", json!({"destination": "1001"}))
        .await;
    let released = cti.event("EventReleased").await;
    assert_eq!(released["uniqueId"], unique_id.as_str());
    assert!(sim.calls().is_empty());
    let transfer = &sim.sessions()[0].commands[0];
    assert_eq!(transfer.outcome, CommandOutcome::Done);
    assert_eq!(transfer.message["destination"], "1001");
}

#[tokio::test]
async fn an_attended_transfer_holds_consults_and_completes() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    let first = talking(&sim, &mut cti).await;
    let first_id = sim.call(first).expect("talking").unique_id;

    cti.command("attendedTransfer", json!({"destination": "1002"}))
        .await;
    let held = cti.event("EventOnHold").await;
    assert_eq!(held["uniqueId"], first_id.as_str());
    let dialing = cti.event("EventDialing").await;
    assert_eq!(dialing["otherDN"], "1002");
    let consult = sim
        .calls()
        .into_iter()
        .find(|c| c.consult_for == Some(first))
        .expect("a consultation call");
    assert_eq!(consult.state, CallState::Dialing);

    // A second transfer while one is in progress is ignored.
    cti.command("attendedTransfer", json!({"destination": "1003"}))
        .await;
    assert!(cti
        .barrier()
        .await
        .iter()
        .all(|m| m["msgType"] != "PhoneEvent"));

    sim.remote_answer(consult.id)
        .expect("the colleague answers");
    cti.event("EventEstablished").await;
    cti.command("completeTransfer", json!({})).await;
    let first_release = cti.event("EventReleased").await;
    assert_eq!(first_release["uniqueId"], consult.unique_id.as_str());
    let second_release = cti.event("EventReleased").await;
    assert_eq!(second_release["uniqueId"], first_id.as_str());
    assert!(sim.calls().is_empty());

    let outcomes: Vec<(String, CommandOutcome)> = sim.sessions()[0]
        .commands
        .iter()
        .map(|c| (c.command.clone().unwrap_or_default(), c.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("attendedTransfer".to_owned(), CommandOutcome::Done),
            ("attendedTransfer".to_owned(), CommandOutcome::Ignored),
            ("completeTransfer".to_owned(), CommandOutcome::Done),
        ]
    );
}

#[tokio::test]
async fn a_cancelled_transfer_returns_to_the_held_call() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    let first = talking(&sim, &mut cti).await;
    cti.command("attendedTransfer", json!({"destination": "1002"}))
        .await;
    cti.event("EventOnHold").await;
    cti.event("EventDialing").await;
    cti.command("cancelTransfer", json!({})).await;
    let released = cti.event("EventReleased").await;
    assert_eq!(released["otherDN"], "1002");
    let back = cti.event("EventEstablished").await;
    assert_eq!(back["otherDN"], "0101");
    let calls = sim.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].id, first);
    assert_eq!(calls[0].state, CallState::Established);
}

#[tokio::test]
async fn transfers_need_a_destination() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    talking(&sim, &mut cti).await;
    for command in ["directTransfer", "attendedTransfer"] {
        cti.command(command, json!({})).await;
        assert!(cti.expect("Error").await["Error"]
            .as_str()
            .is_some_and(|e| e.contains("destination")));
    }
    assert_eq!(sim.calls()[0].state, CallState::Established);
}
