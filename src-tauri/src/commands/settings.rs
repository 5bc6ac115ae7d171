//! The settings window: read, check, save; the passcode goes to the keyring, never the file.

use super::error::{CommandError, CommandResult};
use crate::app::{session, AppState};
use crate::secrets::{self, SecretError};
use callpop_phone::connect::{self, ConnectionReport, Overrides};
use callpop_phone::number::{self, DialingRules};
use callpop_phone::push;
use callpop_phone::settings::Settings;
use callpop_phone::{CertFingerprint, CtiClient, Secret};
use serde::Serialize;
use std::time::Duration;
use tauri::{AppHandle, State};
use tauri_plugin_autostart::ManagerExt;

#[derive(Serialize)]
pub struct KeyringView {
    available: bool,
    message: String,
}

#[derive(Serialize)]
pub struct SettingsView {
    settings: Settings,
    /// Whether a passcode is stored (keyring or this run's memory); never the passcode.
    passcode_stored: bool,
    keyring: KeyringView,
    settings_path: String,
    push_lines: Vec<String>,
}

async fn view(state: &AppState) -> SettingsView {
    let in_memory = state
        .memory_secret
        .lock()
        .map(|s| s.is_some())
        .unwrap_or(false);
    let (stored, keyring) = match tauri::async_runtime::spawn_blocking(secrets::load).await {
        Ok(Ok(found)) => (
            found.is_some(),
            KeyringView {
                available: true,
                message: String::new(),
            },
        ),
        Ok(Err(e)) => (
            false,
            KeyringView {
                available: !matches!(e, SecretError::Unavailable(_)),
                message: e.to_string(),
            },
        ),
        Err(e) => (
            false,
            KeyringView {
                available: false,
                message: e.to_string(),
            },
        ),
    };
    let settings = state.settings();
    // The lines to paste into the phone, whether push is on yet or not: setting up the phone
    // comes first. Nothing to show until a phone address is set.
    let push_lines = if settings.phone.url.trim().is_empty() {
        Vec::new()
    } else {
        match push::setup_lines(&settings.push, &settings.phone.url).await {
            Ok(lines) => lines.iter().map(ToString::to_string).collect(),
            Err(e) => vec![e.to_string()],
        }
    };
    SettingsView {
        settings,
        passcode_stored: stored || in_memory,
        keyring,
        settings_path: state
            .settings_path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        push_lines,
    }
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> CommandResult<SettingsView> {
    Ok(view(&state).await)
}

#[tauri::command]
pub async fn save_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: Settings,
    passcode: Option<String>,
) -> CommandResult<SettingsView> {
    settings
        .validate()
        .map_err(|e| CommandError::new("invalid_settings", e.to_string()))?;
    let before = state
        .store_settings(settings.clone())
        .map_err(|e| CommandError::new("settings_not_saved", e.to_string()))?;
    state.set_problem("settings", None);
    if before.hotkey != settings.hotkey {
        crate::app::hotkey_register(&app);
    }
    if before.start_at_login != settings.start_at_login {
        let autolaunch = app.autolaunch();
        let result = if settings.start_at_login {
            autolaunch.enable()
        } else {
            autolaunch.disable()
        };
        if let Err(e) = result {
            tracing::warn!("start at login not changed: {e}");
        }
    }
    let passcode_result = match passcode.filter(|p| !p.is_empty()) {
        Some(p) => {
            store_passcode(
                &state,
                Secret::new(p),
                settings.keep_passcode_in_memory_without_keyring,
            )
            .await
        }
        None => Ok(()),
    };
    session::restart(&app).await;
    passcode_result?;
    Ok(view(&state).await)
}

/// Keyring first; this run's memory only if no keyring works and the user chose it.
async fn store_passcode(state: &AppState, secret: Secret, memory_ok: bool) -> CommandResult<()> {
    let to_store = secret.clone();
    let stored = tauri::async_runtime::spawn_blocking(move || secrets::store(&to_store))
        .await
        .map_err(|e| CommandError::new("keyring", e.to_string()))?;
    match stored {
        Ok(()) => {
            if let Ok(mut memory) = state.memory_secret.lock() {
                *memory = None;
            }
            state.set_problem("keyring", None);
            Ok(())
        }
        Err(SecretError::Unavailable(why)) if memory_ok => {
            tracing::warn!("no keyring ({why}); keeping the passcode in memory for this run");
            if let Ok(mut memory) = state.memory_secret.lock() {
                *memory = Some(secret);
            }
            Ok(())
        }
        Err(e) => {
            state.set_problem("keyring", Some(e.to_string()));
            Err(e.into())
        }
    }
}

/// Tries the phone with the settings as typed (not yet saved).
#[tauri::command]
pub async fn test_connection(
    state: State<'_, AppState>,
    settings: Settings,
    passcode: Option<String>,
) -> CommandResult<ConnectionReport> {
    let secret = match passcode.filter(|p| !p.is_empty()) {
        Some(p) => Secret::new(p),
        None => session::find_secret(&state)
            .await
            .ok_or_else(|| CommandError::new("no_passcode", "Enter the phone's passcode first."))?,
    };
    let mut phone = settings.phone.clone();
    let saved = state.settings().phone;
    if phone.cert_sha256.is_none() && saved.url.trim() == phone.url.trim() {
        phone.cert_sha256 = saved.cert_sha256;
    }
    let config = connect::client_config(&phone, secret, &Overrides::default())?;
    let client = CtiClient::with_rejection_memory(config, state.rejected_logins.clone())?;
    Ok(connect::test_connection(&client).await?)
}

/// The user compared the fingerprint and accepts the phone's certificate.
#[tauri::command]
pub async fn accept_certificate(
    app: AppHandle,
    state: State<'_, AppState>,
    fingerprint: String,
) -> CommandResult<()> {
    let parsed: CertFingerprint = fingerprint
        .parse()
        .map_err(|why: String| CommandError::new("bad_fingerprint", why))?;
    let mut settings = state.settings();
    settings.phone.cert_sha256 = Some(parsed.to_string());
    state
        .store_settings(settings)
        .map_err(|e| CommandError::new("settings_not_saved", e.to_string()))?;
    session::restart(&app).await;
    Ok(())
}

#[tauri::command]
pub fn preview_dialing(text: String, rules: DialingRules) -> String {
    number::preview(&text, &rules)
}

/// Waits for the phone's next push (the user calls the desk phone or lifts the handset) and
/// says what arrived, or what the listener saw instead.
#[tauri::command]
pub async fn test_push(state: State<'_, AppState>) -> CommandResult<String> {
    const WAIT: Duration = Duration::from_secs(60);
    let listener = state.push_listener.lock().await.clone().ok_or_else(|| {
        CommandError::new(
            "push_off",
            "Push is off. Turn on \"Receive pushes from the phone\", save, then test again.",
        )
    })?;
    push::test_push(&listener, WAIT)
        .await
        .map(|received| push::describe(&received))
        .map_err(|why| CommandError::new("push_silent", why))
}
