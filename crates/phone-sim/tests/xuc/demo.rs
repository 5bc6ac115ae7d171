//! Demo mode: demo callers ring whoever has the CTI open, and calls end by themselves.

use std::time::Duration;

use callpop_phone_sim::xuc::{XucDemo, XucSimConfig};
use callpop_phone_sim::DEMO_CONTACTS;
use serde_json::json;

use crate::common::{config, start, Cti};

fn quick_demo() -> XucDemo {
    XucDemo {
        first_call_after: Duration::from_millis(10),
        min_gap: Duration::from_secs(3600),
        max_gap: Duration::from_secs(3600),
        ring_for: Duration::from_millis(100),
        min_call: Duration::from_millis(50),
        max_call: Duration::from_millis(100),
    }
}

#[tokio::test]
async fn a_demo_caller_rings_and_gives_up() {
    let sim = start(XucSimConfig {
        demo: Some(quick_demo()),
        ..config()
    })
    .await;
    let mut cti = Cti::open(&sim, "bob").await;
    let ringing = cti.event("EventRinging").await;
    assert_eq!(
        ringing["DN"], "1001",
        "only a user with the CTI open is rung"
    );
    assert!(DEMO_CONTACTS
        .iter()
        .any(|(name, number)| ringing["otherDN"] == *number && ringing["otherDName"] == *name));
    let released = cti.event("EventReleased").await;
    assert_eq!(released["uniqueId"], ringing["uniqueId"]);
}

#[tokio::test]
async fn answered_demo_calls_and_outgoing_calls_end_by_themselves() {
    let sim = start(XucSimConfig {
        demo: Some(XucDemo {
            first_call_after: Duration::from_secs(3600),
            ..quick_demo()
        }),
        remote_answer_after: Some(Duration::from_millis(20)),
        ..config()
    })
    .await;
    let mut cti = Cti::open(&sim, "alice").await;
    cti.command("dial", json!({"destination": "0612"})).await;
    cti.event("EventDialing").await;
    cti.event("EventEstablished").await;
    cti.event("EventReleased").await;
    assert!(sim.calls().is_empty());
}
