//! Starts (and brings in line, after a settings change) the watched phones, and publishes
//! what they report to the windows and the tray.

use super::calls::CallExtras;
use super::state::AppState;
use super::view::{AppView, ConnectionView, PhoneInput};
use super::{demo, tray};
use crate::secrets;
use callpop_phone::connect::{self, Overrides};
use callpop_phone::error::Params;
use callpop_phone::sessions::NotWatched;
use callpop_phone::settings::{PhoneId, PhoneProfile};
use callpop_phone::Secret;
use std::collections::HashMap;
use tauri::{AppHandle, Emitter, Manager};

/// The phones to watch: the settings' (the first one at the command line's address, when one
/// was given), or the demo phone system.
async fn phones_to_watch(
    app: &AppHandle,
    state: &AppState,
) -> Result<(Vec<PhoneProfile>, HashMap<PhoneId, Secret>), String> {
    if let Some(kind) = state.launch.demo {
        let (profile, secret) = demo::ensure_started(app, kind).await?;
        let secrets = HashMap::from([(profile.id.clone(), secret)]);
        return Ok((vec![profile], secrets));
    }
    let mut phones = state.settings().phones;
    if let Some(address) = &state.launch.address {
        let overrides = Overrides {
            address: Some(address.clone()),
            ..Overrides::default()
        };
        if let Some(first) = phones.first_mut() {
            *first = connect::with_overrides(first, &overrides);
        }
    }
    let mut secrets = HashMap::new();
    for (i, phone) in phones.iter().enumerate() {
        if !phone.is_configured() {
            continue;
        }
        if let Some(secret) = find_secret(state, &phone.id, i == 0).await {
            secrets.insert(phone.id.clone(), secret);
        }
    }
    Ok((phones, secrets))
}

/// Brings the watched phones in line with the current settings.
pub async fn restart(app: &AppHandle) {
    let state = app.state::<AppState>();
    crate::i18n::use_language(&state.settings().language);
    match phones_to_watch(app, &state).await {
        Ok((phones, secrets)) => {
            state.set_problem("demo", None);
            let push = match state.launch.demo {
                Some(_) => demo::push_settings(),
                None => state.settings().push,
            };
            state
                .sessions
                .apply(&phones, &push, |p| secrets.get(&p.id).cloned())
                .await;
            demo::connect_pushes(&state).await;
            // Nothing can work without a password: ask now rather than wait for the user to
            // notice the grey tray icon (or to find no tray at all on desktops without one).
            let missing = state
                .sessions
                .not_watched()
                .iter()
                .any(|(_, why)| *why == NotWatched::NoSecret);
            if missing {
                super::windows::show_settings(app);
            }
        }
        Err(message) => state.set_problem("demo", Some(message)),
    }
    publish(app);
}

/// Stops every phone.
pub async fn stop(state: &AppState) {
    state.sessions.shutdown().await;
}

/// A phone's password: `CALLPOP_PASSCODE` (scripts, tests; the first phone only), the
/// keyring, or this run's memory.
pub async fn find_secret(state: &AppState, id: &PhoneId, first: bool) -> Option<Secret> {
    if first {
        if let Some(secret) = secrets::from_env() {
            return Some(secret);
        }
    }
    let account = id.to_string();
    let from_keyring = tauri::async_runtime::spawn_blocking(move || secrets::load(&account)).await;
    match from_keyring {
        Ok(Ok(Some(secret))) => {
            state.set_problem("keyring", None);
            return Some(secret);
        }
        Ok(Ok(None)) => state.set_problem("keyring", None),
        Ok(Err(e)) => state.set_problem("keyring", Some(e.text())),
        Err(e) => tracing::warn!("keyring task failed: {e}"),
    }
    state
        .memory_secrets
        .lock()
        .ok()
        .and_then(|s| s.get(id).cloned())
}

/// Has the view rebuilt and sent to the windows and the tray (when it changed); returns at
/// once. One thread does the sending, in order, so a change made anywhere is never
/// overwritten by an older view built elsewhere at the same moment.
pub fn publish(app: &AppHandle) {
    app.state::<AppState>().publisher.ask();
}

/// Starts the thread behind [`publish`].
pub fn start_publishing(app: &AppHandle) {
    let app = app.clone();
    let started = std::thread::Builder::new()
        .name("callpop-publish".into())
        .spawn(move || {
            let state = app.state::<AppState>();
            state.publisher.serve(
                || current_view(&app),
                |view| {
                    tray::update(&app, view);
                    if let Err(e) = app.emit("phone-state", view) {
                        tracing::warn!("cannot send state to windows: {e}");
                    }
                },
            )
        });
    if let Err(e) = started {
        tracing::error!("cannot start the thread that updates the windows: {e}");
    }
}

/// The view as of now, from the sessions (what [`publish`] sends; a window made in the
/// middle of handling a call event needs it before it is published).
pub fn current_view(app: &AppHandle) -> AppView {
    let state = app.state::<AppState>();
    let settings = state.settings();
    let watched = state.sessions.watched();
    let not_watched = state.sessions.not_watched();
    let extras: CallExtras = state.extras.lock().map(|e| e.clone()).unwrap_or_default();
    let states: Vec<_> = watched.iter().map(|w| w.session.current()).collect();
    let mut inputs: Vec<PhoneInput<'_>> = Vec::new();
    for (w, s) in watched.iter().zip(&states) {
        inputs.push(PhoneInput {
            profile: &w.profile,
            state: Some(s),
            override_connection: None,
            muted: s
                .calls
                .iter()
                .filter(|c| w.session.is_muted(&c.call))
                .map(|c| c.call.clone())
                .collect(),
        });
    }
    for (profile, why) in &not_watched {
        let connection = match why {
            NotWatched::NoSecret => ConnectionView::app(
                "needs_attention",
                "no_password",
                Params::from([("phone", profile.display_name().into())]),
            ),
            NotWatched::Failed(e) => {
                ConnectionView::from_connection(&callpop_phone::Connection::NeedsAttention {
                    error: e.clone(),
                })
            }
        };
        inputs.push(PhoneInput {
            profile,
            state: None,
            override_connection: Some(connection),
            muted: Vec::new(),
        });
    }
    // Keep the settings' order of phones.
    let order: Vec<&PhoneId> = settings.phones.iter().map(|p| &p.id).collect();
    inputs.sort_by_key(|i| {
        order
            .iter()
            .position(|id| **id == i.profile.id)
            .unwrap_or(usize::MAX)
    });
    let mut view = AppView::build(
        &inputs,
        state.launch.demo.is_some(),
        &extras,
        &settings.dialing,
    );
    view.problems = state.problems();
    view.hotkey = settings.hotkey.clone();
    view.pending_dial = state
        .pending_dial
        .lock()
        .ok()
        .and_then(|p| p.as_ref().map(|d| d.view()));
    let history = state.history();
    view.history_available = history.is_some();
    view.missed = history
        .and_then(|h| h.unresolved_missed_count().ok())
        .unwrap_or(0);
    view
}
