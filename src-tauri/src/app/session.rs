//! Starts (and restarts, after a settings change) watching the phone, and forwards what the
//! phone core reports to the windows, the tray and the screen-pop.

use super::state::AppState;
use super::view::{AppView, ConnectionView};
use super::{demo, screenpop, tray};
use crate::secrets;
use callpop_phone::connect::{self, Overrides};
use callpop_phone::push;
use callpop_phone::{CtiClient, Phone, PhoneError, Secret};
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::broadcast::error::RecvError;

/// Stops watching the old phone (if any) and starts on the current settings.
pub async fn restart(app: &AppHandle) {
    let state = app.state::<AppState>();
    stop(&state).await;

    let settings = state.settings();
    let mut overrides = Overrides {
        address: state.launch.address.clone(),
        ..Overrides::default()
    };
    let secret = if state.launch.demo {
        match demo::ensure_started(&state).await {
            Ok(url) => {
                overrides.address = Some(url);
                Some(Secret::new(demo::PASSCODE))
            }
            Err(message) => {
                set_connection(app, Some(attention(message)));
                return;
            }
        }
    } else {
        if overrides.address.is_none() && settings.phone.url.trim().is_empty() {
            set_connection(app, Some(ConnectionView::not_configured()));
            return;
        }
        find_secret(&state).await
    };
    let Some(secret) = secret else {
        set_connection(
            app,
            Some(attention(
                "No passcode is stored for the phone. Enter it in Settings.".to_owned(),
            )),
        );
        // Nothing can work without it: ask now rather than wait for the user to notice the
        // grey tray icon (or to find no tray at all on desktops without one).
        super::windows::show_settings(app);
        return;
    };
    let client = match connect::client_config(&settings.phone, secret, &overrides)
        .and_then(|config| CtiClient::with_rejection_memory(config, state.rejected_logins.clone()))
    {
        Ok(client) => client,
        Err(e) => {
            set_connection(
                app,
                Some(ConnectionView::from_connection(
                    &callpop_phone::Connection::NeedsAttention { error: e },
                )),
            );
            return;
        }
    };
    set_connection(app, None);
    let phone = Arc::new(Phone::start(
        client,
        Duration::from_millis(settings.phone.poll_interval_ms),
    ));
    if settings.push.enabled && !state.launch.demo {
        let phone_url = overrides.address.as_deref().unwrap_or(&settings.phone.url);
        match push::listener_from_settings(&settings.push, phone_url).await {
            Ok(listener) => {
                phone.attach_push(&listener);
                *state.push_listener.lock().await = Some(Arc::new(listener));
            }
            Err(e) => {
                tracing::warn!("push unavailable: {e}");
                phone.push_unavailable(e.to_string());
            }
        }
    }
    if let Ok(mut slot) = state.phone.write() {
        *slot = Some(phone.clone());
    }
    let task = tauri::async_runtime::spawn(forward(app.clone(), phone));
    if let Ok(mut slot) = state.session_task.lock() {
        *slot = Some(task);
    }
    publish(app);
}

/// Stops the phone watcher and the push listener, if they run.
pub async fn stop(state: &AppState) {
    if let Some(listener) = state.push_listener.lock().await.take() {
        // Shut down (and free the port for the next listener) unless a "Test push" still
        // waits on it; then it stops when that test lets go.
        if let Ok(listener) = Arc::try_unwrap(listener) {
            listener.shutdown().await;
        }
    }
    if let Some(task) = state.session_task.lock().ok().and_then(|mut t| t.take()) {
        task.abort();
    }
    let old = state.phone.write().ok().and_then(|mut p| p.take());
    if let Some(old) = old {
        // Commands in flight may still hold a reference; the poller stops when the last goes.
        if let Ok(phone) = Arc::try_unwrap(old) {
            phone.shutdown().await;
        }
    }
}

fn attention(message: String) -> ConnectionView {
    ConnectionView::from_connection(&callpop_phone::Connection::NeedsAttention {
        error: PhoneError::Refused(message),
    })
}

fn set_connection(app: &AppHandle, connection: Option<ConnectionView>) {
    let state = app.state::<AppState>();
    if let Ok(mut slot) = state.connection_override.lock() {
        *slot = connection;
    }
    publish(app);
}

/// The passcode: `CALLPOP_PASSCODE` (scripts, tests), the keyring, or this run's memory.
pub async fn find_secret(state: &AppState) -> Option<Secret> {
    if let Some(secret) = secrets::from_env() {
        return Some(secret);
    }
    let from_keyring = tauri::async_runtime::spawn_blocking(secrets::load).await;
    match from_keyring {
        Ok(Ok(Some(secret))) => {
            state.set_problem("keyring", None);
            return Some(secret);
        }
        Ok(Ok(None)) => state.set_problem("keyring", None),
        Ok(Err(e)) => state.set_problem("keyring", Some(e.to_string())),
        Err(e) => tracing::warn!("keyring task failed: {e}"),
    }
    state.memory_secret.lock().ok().and_then(|s| s.clone())
}

/// Forwards phone events and state changes until the session is replaced.
async fn forward(app: AppHandle, phone: Arc<Phone>) {
    let mut events = phone.subscribe();
    let mut state = phone.state();
    let mut dialed_launch_link = false;
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => {
                    screenpop::on_call_event(&app, &phone, &event);
                    publish(&app);
                    if let Err(e) = app.emit("call-event", &event) {
                        tracing::warn!("cannot send call event to windows: {e}");
                    }
                }
                Err(RecvError::Lagged(n)) => tracing::warn!("{n} call events skipped"),
                Err(RecvError::Closed) => break,
            },
            changed = state.changed() => {
                if changed.is_err() {
                    break;
                }
                let online = state.borrow_and_update().connection == callpop_phone::Connection::Online;
                publish(&app);
                if online && !dialed_launch_link {
                    dialed_launch_link = true;
                    let link = app.state::<AppState>().launch.link.clone();
                    if let Some(link) = link {
                        super::dialing::request(&app, link, super::dialing::Source::Link);
                    }
                }
            }
        }
    }
}

/// Builds the current view and sends it to the windows and the tray when it changed.
pub fn publish(app: &AppHandle) {
    let state = app.state::<AppState>();
    let settings = state.settings();
    let phone = state.phone();
    let phone_state = phone.as_ref().map(|p| p.current());
    let connection = match (
        state
            .connection_override
            .lock()
            .ok()
            .and_then(|c| c.clone()),
        &phone_state,
    ) {
        (Some(c), _) => c,
        (None, Some(s)) => ConnectionView::from_connection(&s.connection),
        (None, None) => ConnectionView::not_configured(),
    };
    let extras = {
        let mut extras = state.extras.lock().map(|e| e.clone()).unwrap_or_default();
        if let (Some(phone), Some(s)) = (&phone, &phone_state) {
            extras.muted = s
                .calls
                .iter()
                .map(|c| (c.call.as_str().to_owned(), phone.is_muted(&c.call)))
                .collect();
        }
        extras
    };
    let label = if state.launch.demo {
        // The window already says "Demo phone"; the simulator's loopback address means nothing.
        String::new()
    } else {
        phone
            .as_ref()
            .map(|p| p.client().host().to_owned())
            .unwrap_or_else(|| settings.phone.url.clone())
    };
    let mut view = AppView::build(
        connection,
        label,
        state.launch.demo,
        phone_state.as_ref(),
        &extras,
        &settings.dialing,
    );
    view.problems = state.problems();
    view.hotkey = settings.hotkey.clone();
    view.pending_dial = state
        .pending_dial
        .lock()
        .ok()
        .and_then(|p| p.as_ref().map(|d| d.display.clone()));
    let changed = match state.view.lock() {
        Ok(mut last) => {
            let changed = *last != view;
            *last = view.clone();
            changed
        }
        Err(_) => true,
    };
    if changed {
        tray::update(app, &view);
        if let Err(e) = app.emit("phone-state", &view) {
            tracing::warn!("cannot send state to windows: {e}");
        }
    }
}
