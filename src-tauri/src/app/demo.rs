//! Demo mode: a simulated phone inside the app, so a newcomer sees everything work without
//! hardware. It rings about every 20 seconds and answers outgoing calls after a ring.

use super::state::AppState;
use callpop_phone_sim::{PhoneSim, SimAuth, SimConfig};

pub const PASSCODE: &str = "demo";

/// Starts the simulated phone once; returns its address.
pub async fn ensure_started(state: &AppState) -> Result<String, String> {
    let mut slot = state.demo_phone.lock().await;
    if let Some(sim) = slot.as_ref() {
        return Ok(sim.url());
    }
    let config = SimConfig {
        auth: SimAuth::Passcode(PASSCODE.to_owned()),
        demo: true,
        ..SimConfig::default()
    };
    let sim = PhoneSim::start(config)
        .await
        .map_err(|e| format!("The demo phone could not start: {e}"))?;
    let url = sim.url();
    tracing::info!("demo phone running at {url}");
    *slot = Some(sim);
    Ok(url)
}
