//! Demo mode rings by itself.

use std::time::Duration;

use callpop_phone_sim::{LineState, SimConfig, DEMO_CONTACTS};

use crate::common::{fast_config, start};

#[tokio::test]
async fn demo_phone_rings_with_a_demo_contact() {
    let sim = start(SimConfig {
        demo: true,
        ..fast_config()
    })
    .await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(6);
    let ringing = loop {
        if let Some(line) = sim
            .lines()
            .into_iter()
            .find(|l| l.state == LineState::Ringing)
        {
            break line;
        }
        assert!(tokio::time::Instant::now() < deadline, "no demo call");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(DEMO_CONTACTS
        .iter()
        .any(|(name, number)| *name == ringing.remote_name && *number == ringing.remote_number));
}
