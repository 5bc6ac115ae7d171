//! Demo mode: a simulated phone system inside the app, so a newcomer sees everything work
//! without hardware. Calls come in about every 20 seconds and outgoing calls are answered.

use super::state::AppState;
use callpop_phone::settings::{GrandstreamSettings, PhoneId, PhoneProfile, PhoneSystem};
use callpop_phone::{BackendKind, Secret};
use callpop_phone_sim::{PhoneSim, SimAuth, SimConfig};

pub const PASSCODE: &str = "demo";

/// The running simulator of demo mode.
pub enum Demo {
    Grandstream(PhoneSim),
}

/// Starts the simulated phone system once; returns the profile to watch it with and its
/// password.
pub async fn ensure_started(
    state: &AppState,
    kind: BackendKind,
) -> Result<(PhoneProfile, Secret), String> {
    let mut slot = state.demo.lock().await;
    if slot.is_none() {
        *slot = Some(start(kind).await?);
    }
    match slot.as_ref() {
        Some(Demo::Grandstream(sim)) => Ok((
            PhoneProfile {
                id: PhoneId::first(),
                name: "Demo phone".to_owned(),
                system: PhoneSystem::Grandstream(GrandstreamSettings {
                    url: sim.url(),
                    ..GrandstreamSettings::default()
                }),
            },
            Secret::new(PASSCODE),
        )),
        None => Err("The demo phone could not start.".to_owned()),
    }
}

async fn start(kind: BackendKind) -> Result<Demo, String> {
    match kind {
        BackendKind::Grandstream => {
            let config = SimConfig {
                auth: SimAuth::Passcode(PASSCODE.to_owned()),
                demo: true,
                ..SimConfig::default()
            };
            let sim = PhoneSim::start(config)
                .await
                .map_err(|e| format!("The demo phone could not start: {e}"))?;
            tracing::info!("demo phone running at {}", sim.url());
            Ok(Demo::Grandstream(sim))
        }
        other => Err(format!(
            "The {} demo is not available in this build yet.",
            other.display_name()
        )),
    }
}
