//! Demo mode: a PBX with a life of its own, so the app's `--demo asterisk` shows popups
//! without an Asterisk.
//!
//! About every 20 s (the first time after ~3 s) a demo contact calls the first endpoint. Half
//! of the calls are picked up at the phone after 3-6 s and end after 20-40 s (the caller hangs
//! up); the others ring until the caller gives up after 12 s (a missed call). Originates
//! answer by themselves in demo mode (see `originate.rs`), so click-to-dial works too.

use std::sync::Weak;
use std::time::Duration;

use rand::seq::IndexedRandom;
use rand::Rng;

use crate::DEMO_CONTACTS;

use super::model::Party;
use super::shared::Shared;

const FIRST_CALL_AFTER: Duration = Duration::from_secs(3);
const RING_FOR: Duration = Duration::from_secs(12);

fn millis(range: std::ops::RangeInclusive<u64>) -> Duration {
    Duration::from_millis(rand::rng().random_range(range))
}

/// Runs demo calls until the simulator goes away.
pub(crate) async fn run(shared: Weak<Shared>) {
    tokio::time::sleep(FIRST_CALL_AFTER).await;
    loop {
        let (name, number) = *DEMO_CONTACTS
            .choose(&mut rand::rng())
            .unwrap_or(&("", "+15555550199"));
        let picked_up = rand::rng().random_bool(0.5);
        let call = {
            let Some(shared) = shared.upgrade() else {
                return;
            };
            let Some(to) = shared.cfg.endpoints.first().map(|e| e.device()) else {
                return;
            };
            shared.with_pbx(|pbx| pbx.ring(number, name, &[to.as_str()]))
        };
        match call {
            Ok(call) => {
                tracing::info!(number, name, "demo call");
                if picked_up {
                    tokio::time::sleep(millis(3_000..=6_000)).await;
                    let Some(s) = shared.upgrade() else { return };
                    if s.with_pbx(|pbx| pbx.answer(call, None)).is_ok() {
                        drop(s);
                        tokio::time::sleep(millis(20_000..=40_000)).await;
                        let Some(s) = shared.upgrade() else { return };
                        let _ = s.with_pbx(|pbx| pbx.hangup(call, Party::Remote));
                    }
                } else {
                    tokio::time::sleep(RING_FOR).await;
                    let Some(s) = shared.upgrade() else { return };
                    let _ = s.with_pbx(|pbx| pbx.give_up(call));
                }
            }
            Err(e) => tracing::debug!("demo call skipped: {e}"),
        }
        tokio::time::sleep(millis(15_000..=25_000)).await;
    }
}
