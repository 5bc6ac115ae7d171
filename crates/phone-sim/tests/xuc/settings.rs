//! DND, forwards, phone hints and phone availability.

use callpop_phone_sim::xuc::{Forward, PhoneStatus, UserData, XucSimError};
use serde_json::{json, Value};

use crate::common::{start_default, Cti};

#[tokio::test]
async fn dnd_is_announced_and_keeps_calls_away() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    let mut other = Cti::open(&sim, "alice").await;
    cti.command("dnd", json!({"state": true})).await;
    for session in [&mut cti, &mut other] {
        let update = session.expect("UserConfigUpdate").await;
        assert_eq!(update["dndEnabled"], true);
        assert_eq!(update["userId"], 1);
        // A partial update: identity and untouched forwards are null.
        assert_eq!(update["fullName"], Value::Null);
        assert_eq!(update["naFwdDestination"], Value::Null);
    }
    assert!(sim.users()[0].dnd);
    let refused = sim.ring("alice", "0101", "", UserData::new());
    assert!(matches!(refused, Err(XucSimError::DoNotDisturb(ref u)) if u == "alice"));
    assert!(
        cti.barrier().await.is_empty(),
        "no event for a refused call"
    );

    cti.command("dnd", json!({"state": false})).await;
    assert_eq!(cti.expect("UserConfigUpdate").await["dndEnabled"], false);
    sim.ring("alice", "0101", "", UserData::new())
        .expect("rings again");
    cti.event("EventRinging").await;
}

#[tokio::test]
async fn dnd_set_at_the_phone_is_announced_too() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "bob").await;
    sim.set_dnd("bob", true).expect("bob exists");
    assert_eq!(cti.expect("UserConfigUpdate").await["dndEnabled"], true);
    assert!(matches!(
        sim.set_dnd("nobody", true),
        Err(XucSimError::NoSuchUser(_))
    ));
}

#[tokio::test]
async fn forwards_are_announced_with_their_destination() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    cti.command(
        "uncFwd",
        json!({"destination": "0611223344", "state": true}),
    )
    .await;
    let update = cti.expect("UserConfigUpdate").await;
    assert_eq!(update["uncFwdEnabled"], true);
    assert_eq!(update["uncFwdDestination"], "0611223344");
    assert_eq!(update["naFwdDestination"], Value::Null);
    assert_eq!(update["busyFwdDestination"], Value::Null);
    assert_eq!(
        sim.users()[0].unconditional_forward,
        Forward {
            enabled: true,
            destination: "0611223344".to_owned()
        }
    );
    let refused = sim.ring("alice", "0101", "", UserData::new());
    assert!(
        matches!(refused, Err(XucSimError::Forwarded { ref destination, .. }) if destination == "0611223344")
    );

    // Disabling keeps the destination, like XiVO.
    cti.command(
        "uncFwd",
        json!({"destination": "0611223344", "state": false}),
    )
    .await;
    let update = cti.expect("UserConfigUpdate").await;
    assert_eq!(update["uncFwdEnabled"], false);
    assert_eq!(update["uncFwdDestination"], "0611223344");
    let call = sim
        .ring("alice", "0101", "", UserData::new())
        .expect("rings");
    cti.event("EventRinging").await;
    sim.caller_gives_up(call).expect("gives up");
    cti.event("EventReleased").await;

    cti.command("naFwd", json!({"state": true})).await;
    assert!(cti.expect("Error").await["Error"]
        .as_str()
        .is_some_and(|e| e.contains("destination")));
}

#[tokio::test]
async fn forward_on_busy_applies_only_while_busy() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    cti.command("busyFwd", json!({"destination": "1001", "state": true}))
        .await;
    assert_eq!(cti.expect("UserConfigUpdate").await["busyFwdEnabled"], true);
    let first = sim
        .ring("alice", "0101", "", UserData::new())
        .expect("not busy yet");
    sim.answer_at_phone(first).expect("answers");
    assert!(matches!(
        sim.ring("alice", "0202", "", UserData::new()),
        Err(XucSimError::Forwarded { .. })
    ));
}

#[tokio::test]
async fn forward_on_no_answer_releases_an_unanswered_call() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    cti.command("naFwd", json!({"destination": "0699", "state": true}))
        .await;
    let update = cti.expect("UserConfigUpdate").await;
    assert_eq!(update["naFwdEnabled"], true);
    assert_eq!(update["naFwdDestination"], "0699");
    sim.ring("alice", "0101", "", UserData::new())
        .expect("rings");
    cti.event("EventRinging").await;
    // After no_answer_forward_after (100 ms in these tests) the call goes elsewhere.
    let released = cti.event("EventReleased").await;
    assert_eq!(released["otherDN"], "0101");
    assert!(sim.calls().is_empty());
}

#[tokio::test]
async fn phone_hints_report_the_status_of_subscribed_lines() {
    let sim = start_default().await;
    let mut bob = Cti::open(&sim, "bob").await;
    bob.command(
        "subscribeToPhoneHints",
        json!({"phoneNumbers": ["1000", "5555"]}),
    )
    .await;
    // An initial event for the known line only.
    assert_eq!(
        bob.barrier().await,
        [json!({"msgType": "PhoneHintStatusEvent", "ctiMessage": {"number": "1000", "status": 0}})]
    );
    let call = sim
        .ring("alice", "0101", "", UserData::new())
        .expect("rings");
    let hints: Vec<i64> = bob
        .barrier()
        .await
        .iter()
        .map(|m| {
            assert_eq!(m["msgType"], "PhoneHintStatusEvent");
            m["ctiMessage"]["status"].as_i64().unwrap_or(-100)
        })
        .collect();
    assert_eq!(hints, [8]);
    bob.command("unsubscribeFromAllPhoneHints", json!({})).await;
    assert!(bob.barrier().await.is_empty());
    sim.answer_at_phone(call).expect("answers");
    assert!(bob.barrier().await.is_empty());
}

#[tokio::test]
async fn an_unavailable_phone_is_indisponible_and_takes_no_calls() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    sim.set_phone_available("alice", false)
        .expect("alice exists");
    assert_eq!(
        cti.expect("PhoneStatusUpdate").await,
        json!({"status": "INDISPONIBLE"})
    );
    assert_eq!(sim.users()[0].phone_status, PhoneStatus::Indisponible);
    assert!(matches!(
        sim.ring("alice", "0101", "", UserData::new()),
        Err(XucSimError::PhoneUnavailable(_))
    ));
    sim.set_phone_available("alice", true)
        .expect("alice exists");
    assert_eq!(
        cti.expect("PhoneStatusUpdate").await,
        json!({"status": "AVAILABLE"})
    );
}
