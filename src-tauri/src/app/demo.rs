//! Demo mode: a simulated phone system inside the app, so a newcomer sees everything work
//! without hardware (`callpop --demo`, or `--demo asterisk|xivo|yealink`). Calls come in
//! about every 20 seconds, some are answered at the phone, some missed; outgoing calls are
//! answered.

use super::state::AppState;
use callpop_phone::settings::{
    AsteriskSettings, GrandstreamSettings, PhoneId, PhoneProfile, PhoneSystem, PushSettings,
    XivoSettings, YealinkSettings,
};
use callpop_phone::{BackendKind, Secret};
use callpop_phone_sim::ami::{AmiSim, AmiSimConfig};
use callpop_phone_sim::xuc::{XucDemo, XucSim, XucSimConfig};
use callpop_phone_sim::yealink::{YealinkEvent, YealinkSim, YealinkSimConfig};
use callpop_phone_sim::{PhoneSim, SimAuth, SimConfig, DEMO_CONTACTS};
use std::time::Duration;

pub const PASSCODE: &str = "demo";
/// The Yealink demo's push token (pushes only ever go to loopback).
const YEALINK_TOKEN: &str = "demoyealinkdemoyealinkdemo0001";

/// The running simulator of demo mode.
pub enum Demo {
    Grandstream(PhoneSim),
    Asterisk(AmiSim),
    Xivo(XucSim),
    Yealink(YealinkSim),
}

/// The push listener of demo mode: loopback, any free port (the demo phone is on loopback).
pub fn push_settings() -> PushSettings {
    PushSettings {
        listen: "127.0.0.1:0".to_owned(),
    }
}

/// Starts the simulated phone system once; returns the profile to watch it with and its
/// password.
pub async fn ensure_started(
    app: &tauri::AppHandle,
    kind: BackendKind,
) -> Result<(PhoneProfile, Secret), String> {
    let state = tauri::Manager::state::<AppState>(app);
    let mut slot = state.demo.lock().await;
    if slot.is_none() {
        *slot = Some(start(kind).await?);
        if kind == BackendKind::Yealink {
            tauri::async_runtime::spawn(yealink_calls(app.clone()));
        }
    }
    let demo = slot
        .as_ref()
        .ok_or_else(|| "The demo phone could not start.".to_owned())?;
    let (name, system, secret) = match demo {
        Demo::Grandstream(sim) => (
            "Demo phone",
            PhoneSystem::Grandstream(GrandstreamSettings {
                url: sim.url(),
                ..GrandstreamSettings::default()
            }),
            PASSCODE,
        ),
        Demo::Asterisk(sim) => (
            "Demo PBX",
            PhoneSystem::Asterisk(AsteriskSettings {
                host: sim.addr().ip().to_string(),
                port: sim.addr().port(),
                username: "callpop".to_owned(),
                md5: true,
                device: "PJSIP/100".to_owned(),
                context: "internal".to_owned(),
                auto_answer: true,
                ..AsteriskSettings::default()
            }),
            "s3cret",
        ),
        Demo::Xivo(sim) => (
            "Demo XiVO",
            PhoneSystem::Xivo(XivoSettings {
                url: sim.url(),
                username: "alice".to_owned(),
                cert_sha256: None,
            }),
            "alice",
        ),
        Demo::Yealink(sim) => (
            "Demo Yealink",
            PhoneSystem::Yealink(YealinkSettings {
                url: sim.url(),
                username: "admin".to_owned(),
                poll_interval_ms: 5000,
                push_token: YEALINK_TOKEN.to_owned(),
                ..YealinkSettings::default()
            }),
            "admin",
        ),
    };
    Ok((
        PhoneProfile {
            id: PhoneId::first(),
            name: name.to_owned(),
            system,
        },
        Secret::new(secret),
    ))
}

/// After the phones started: a Yealink demo phone learns where to push (the listener's port
/// is only known now).
pub async fn connect_pushes(state: &AppState) {
    let demo = state.demo.lock().await;
    let (Some(Demo::Yealink(sim)), Some(listener)) = (demo.as_ref(), state.sessions.listener())
    else {
        return;
    };
    let addr = listener.local_addr();
    for line in callpop_phone::backend::yealink::action_url_lines(addr, YEALINK_TOKEN) {
        if let Ok(event) = line.parameter.parse::<YealinkEvent>() {
            sim.set_action_url(event, Some(line.url.clone()));
        }
    }
}

async fn start(kind: BackendKind) -> Result<Demo, String> {
    let failed = |e: &dyn std::fmt::Display| format!("The demo phone could not start: {e}");
    let demo = match kind {
        BackendKind::Grandstream => Demo::Grandstream(
            PhoneSim::start(SimConfig {
                auth: SimAuth::Passcode(PASSCODE.to_owned()),
                demo: true,
                ..SimConfig::default()
            })
            .await
            .map_err(|e| failed(&e))?,
        ),
        BackendKind::Asterisk => Demo::Asterisk(
            AmiSim::start(AmiSimConfig {
                demo: true,
                control_bind: None,
                far_end_answer_delay: Some(Duration::from_secs(3)),
                ..AmiSimConfig::default()
            })
            .await
            .map_err(|e| failed(&e))?,
        ),
        BackendKind::Xivo => Demo::Xivo(
            XucSim::start(XucSimConfig {
                demo: Some(XucDemo::default()),
                ..XucSimConfig::default()
            })
            .await
            .map_err(|e| failed(&e))?,
        ),
        BackendKind::Yealink => {
            let sim = YealinkSim::start(YealinkSimConfig {
                password: "admin".to_owned(),
                ..YealinkSimConfig::default()
            })
            .await
            .map_err(|e| failed(&e))?;
            Demo::Yealink(sim)
        }
    };
    tracing::info!("demo {} running", kind.display_name());
    Ok(demo)
}

/// The Yealink simulator has no life of its own: demo callers ring it every 20 seconds and
/// give up after 12 if nobody answers.
async fn yealink_calls(app: tauri::AppHandle) {
    let mut n = 0usize;
    tokio::time::sleep(Duration::from_secs(4)).await;
    loop {
        let (name, number) = DEMO_CONTACTS[n % DEMO_CONTACTS.len()];
        n += 1;
        let call = {
            let state = tauri::Manager::state::<AppState>(&app);
            let demo = state.demo.lock().await;
            match demo.as_ref() {
                Some(Demo::Yealink(sim)) => sim.ring(number, name, 0).ok(),
                _ => return,
            }
        };
        tokio::time::sleep(Duration::from_secs(12)).await;
        if let Some(call) = call {
            let state = tauri::Manager::state::<AppState>(&app);
            let demo = state.demo.lock().await;
            if let Some(Demo::Yealink(sim)) = demo.as_ref() {
                // Picked up at the phone meanwhile: then it goes on.
                let _ = sim.give_up(&call);
            }
        }
        tokio::time::sleep(Duration::from_secs(8)).await;
    }
}
