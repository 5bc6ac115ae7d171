//! The settings window: read, check, save. Passwords go to the keyring, never the file.

use super::error::{CommandError, CommandResult};
use crate::app::{lookup, phones, AppState};
use crate::i18n::tr;
use crate::secrets::{self, SecretError};
use callpop_contacts::ContactsSettings;
use callpop_phone::backend::setup_help;
use callpop_phone::error::Params;
use callpop_phone::number::DialingRules;
use callpop_phone::settings::{PhoneId, PhoneProfile, PhoneSystem, Settings};
use callpop_phone::{connect, push, BackendKind, CertFingerprint, Secret};
use serde::Serialize;
use std::collections::HashMap;
use std::time::Duration;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_autostart::ManagerExt;

#[derive(Serialize)]
pub struct KeyringView {
    available: bool,
    message: String,
}

/// What the settings page shows about one phone besides its settings.
#[derive(Serialize)]
pub struct PhoneExtras {
    id: String,
    /// Whether a password is stored (keyring or this run's memory); never the password.
    password_stored: bool,
    /// The Action URL lines to paste into the phone, for systems that push.
    push_lines: Vec<String>,
    /// What to switch on at the phone or PBX.
    setup_help: Vec<&'static str>,
}

/// A phone system the user can add.
#[derive(Serialize)]
pub struct KindView {
    kind: BackendKind,
    /// In the user's language.
    name: String,
    /// What to switch on at such a phone or PBX.
    setup_help: Vec<&'static str>,
    /// A new profile of this kind with its defaults, for the "Add phone" form.
    blank: PhoneProfile,
}

/// Whether a contacts source's password is stored (never the password).
#[derive(Serialize)]
pub struct SourceExtras {
    password_stored: bool,
}

#[derive(Serialize)]
pub struct SettingsView {
    settings: Settings,
    phones: Vec<PhoneExtras>,
    /// In the order of `contacts.sources`.
    contact_sources: Vec<SourceExtras>,
    kinds: Vec<KindView>,
    keyring: KeyringView,
    settings_path: String,
    contacts: ContactsSettings,
}

async fn view(state: &AppState) -> SettingsView {
    let settings = state.settings();
    let mut keyring = KeyringView {
        available: true,
        message: String::new(),
    };
    let mut phones = Vec::new();
    for profile in &settings.phones {
        let account = profile.id.to_string();
        let in_memory = state
            .memory_secrets
            .lock()
            .map(|s| s.contains_key(&profile.id))
            .unwrap_or(false);
        let stored =
            match tauri::async_runtime::spawn_blocking(move || secrets::load(&account)).await {
                Ok(Ok(found)) => found.is_some(),
                Ok(Err(e)) => {
                    keyring = KeyringView {
                        available: !matches!(e, SecretError::Unavailable(_)),
                        message: e.text(),
                    };
                    false
                }
                Err(_) => false,
            };
        let push_lines = push_lines_for(&settings, profile).await;
        phones.push(PhoneExtras {
            id: profile.id.to_string(),
            password_stored: stored || in_memory,
            push_lines,
            setup_help: setup_help(profile.kind()).to_vec(),
        });
    }
    let contacts = lookup::load_settings(state);
    let mut contact_sources = Vec::new();
    for source in &contacts.sources {
        let stored = match source.secret_account() {
            Some(account) => tauri::async_runtime::spawn_blocking(move || secrets::load(&account))
                .await
                .ok()
                .and_then(Result::ok)
                .flatten()
                .is_some(),
            None => false,
        };
        contact_sources.push(SourceExtras {
            password_stored: stored,
        });
    }
    let kinds = BackendKind::ALL
        .into_iter()
        .map(|kind| KindView {
            kind,
            name: crate::app::view::kind_name(kind),
            setup_help: setup_help(kind).to_vec(),
            blank: PhoneProfile {
                id: PhoneId::next_free(settings.phones.iter().map(|p| &p.id)),
                name: String::new(),
                system: PhoneSystem::new(kind),
            },
        })
        .collect();
    SettingsView {
        phones,
        kinds,
        keyring,
        settings_path: state
            .settings_path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        contacts,
        contact_sources,
        settings,
    }
}

/// The lines to paste into the phone, whether push is on yet or not: setting up the phone
/// comes first. Nothing to show until an address is set, and nothing for PBXs.
async fn push_lines_for(settings: &Settings, profile: &PhoneProfile) -> Vec<String> {
    if !profile.is_configured() {
        return Vec::new();
    }
    let listen = settings.push.listen.trim().parse::<std::net::SocketAddr>();
    match &profile.system {
        PhoneSystem::Grandstream(_) => {
            let mut with_push = profile.clone();
            if let PhoneSystem::Grandstream(g) = &mut with_push.system {
                g.push = true;
            }
            match push::setup_lines(&settings.push, &with_push).await {
                Ok(lines) => lines.iter().map(ToString::to_string).collect(),
                Err(e) => vec![e.to_string()],
            }
        }
        PhoneSystem::Yealink(y) => {
            let Ok(listen) = listen else {
                return Vec::new();
            };
            match callpop_phone::backend::yealink::action_urls_for(listen, &y.push_token, &y.url)
                .await
            {
                Ok(lines) => lines.iter().map(ToString::to_string).collect(),
                Err(e) => vec![e.to_string()],
            }
        }
        PhoneSystem::Asterisk(_) | PhoneSystem::Xivo(_) => Vec::new(),
    }
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> CommandResult<SettingsView> {
    Ok(view(&state).await)
}

/// Saves everything on the page. `passwords` by phone id (only those typed in), `contacts`
/// when the contacts section was shown.
#[tauri::command]
pub async fn save_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    mut settings: Settings,
    passwords: Option<HashMap<String, String>>,
    contacts: Option<ContactsSettings>,
    contact_passwords: Option<HashMap<usize, String>>,
) -> CommandResult<SettingsView> {
    // A phone that is new on the page gets its push token now: the lines to paste refer to it.
    settings.ensure_push_tokens();
    settings
        .validate()
        .map_err(|e| CommandError::settings("invalid_settings", &e))?;
    let before = state
        .store_settings(settings.clone())
        .map_err(|e| CommandError::settings("settings_not_saved", &e))?;
    state.set_problem("settings", None);
    if before.language != settings.language {
        language_changed(&app, &settings.language);
    }
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
            state.set_problem(
                "autostart",
                Some(tr("problem-autostart", &[("reason", e.to_string().into())])),
            );
        } else {
            state.set_problem("autostart", None);
        }
    }
    // Phones removed from the settings take their passwords with them.
    for gone in before
        .phones
        .iter()
        .filter(|old| !settings.phones.iter().any(|p| p.id == old.id))
    {
        let account = gone.id.to_string();
        let _ = tauri::async_runtime::spawn_blocking(move || secrets::forget(&account)).await;
        if let Ok(mut memory) = state.memory_secrets.lock() {
            memory.remove(&gone.id);
        }
    }
    let mut password_result = Ok(());
    for (id, password) in passwords.unwrap_or_default() {
        if password.is_empty() || !settings.phones.iter().any(|p| p.id.as_str() == id) {
            continue;
        }
        let stored = store_password(
            &state,
            PhoneId::new(id),
            Secret::new(password),
            settings.keep_passcode_in_memory_without_keyring,
        )
        .await;
        if password_result.is_ok() {
            password_result = stored;
        }
    }
    if let Some(contacts) = contacts {
        let before = lookup::load_settings(&state);
        lookup::save_settings(&state, &contacts)
            .map_err(|e| CommandError::new("settings_not_saved", e))?;
        // Passwords of sources that are gone (or now sign in elsewhere) leave the keyring.
        let wanted: Vec<String> = contacts
            .sources
            .iter()
            .filter_map(|s| s.secret_account())
            .collect();
        for account in before.sources.iter().filter_map(|s| s.secret_account()) {
            if !wanted.contains(&account) {
                let _ =
                    tauri::async_runtime::spawn_blocking(move || secrets::forget(&account)).await;
            }
        }
        for (index, password) in contact_passwords.unwrap_or_default() {
            let account = contacts.sources.get(index).and_then(|s| s.secret_account());
            let (Some(account), false) = (account, password.is_empty()) else {
                continue;
            };
            let secret = Secret::new(password);
            let stored =
                tauri::async_runtime::spawn_blocking(move || secrets::store(&account, &secret))
                    .await
                    .map_err(|e| CommandError::new("keyring", e.to_string()))?;
            if let (Err(e), true) = (stored, password_result.is_ok()) {
                password_result = Err(e.into());
            }
        }
        lookup::open(&app).await;
    }
    phones::restart(&app).await;
    password_result?;
    Ok(view(&state).await)
}

/// Keyring first; this run's memory only if no keyring works and the user chose it.
async fn store_password(
    state: &AppState,
    id: PhoneId,
    secret: Secret,
    memory_ok: bool,
) -> CommandResult<()> {
    let to_store = secret.clone();
    let account = id.to_string();
    let stored = tauri::async_runtime::spawn_blocking(move || secrets::store(&account, &to_store))
        .await
        .map_err(|e| CommandError::new("keyring", e.to_string()))?;
    match stored {
        Ok(()) => {
            if let Ok(mut memory) = state.memory_secrets.lock() {
                memory.remove(&id);
            }
            state.set_problem("keyring", None);
            Ok(())
        }
        Err(SecretError::Unavailable(why)) if memory_ok => {
            tracing::warn!("no keyring ({why}); keeping the password in memory for this run");
            if let Ok(mut memory) = state.memory_secrets.lock() {
                memory.insert(id, secret);
            }
            Ok(())
        }
        Err(e) => {
            state.set_problem("keyring", Some(e.text()));
            Err(e.into())
        }
    }
}

/// Tries a phone with its settings as typed (not yet saved).
#[tauri::command]
pub async fn test_connection(
    state: State<'_, AppState>,
    phone: PhoneProfile,
    password: Option<String>,
) -> CommandResult<super::checklist::TestView> {
    let index = state
        .settings()
        .phones
        .iter()
        .position(|p| p.id == phone.id);
    let secret = match password.filter(|p| !p.is_empty()) {
        Some(p) => Secret::new(p),
        None => phones::find_secret(&state, &phone.id, index == Some(0))
            .await
            .ok_or_else(|| CommandError::app("no_passcode", Params::new()))?,
    };
    let backend = connect::open(&phone, secret, state.sessions.rejected_logins().clone())?;
    super::checklist::test_view(backend.check_setup().await)
}

/// The user compared the fingerprint and accepts the phone's certificate.
#[tauri::command]
pub async fn accept_certificate(
    app: AppHandle,
    state: State<'_, AppState>,
    phone: String,
    fingerprint: String,
) -> CommandResult<()> {
    let parsed: CertFingerprint = fingerprint
        .parse()
        .map_err(|why: String| CommandError::new("bad_fingerprint", why))?;
    let mut settings = state.settings();
    let profile = settings
        .phones
        .iter_mut()
        .find(|p| p.id.as_str() == phone)
        .ok_or_else(|| CommandError::new("bad_request", tr("app-save-phone-first", &[])))?;
    let pin = Some(parsed.to_string());
    match &mut profile.system {
        PhoneSystem::Grandstream(g) => g.cert_sha256 = pin,
        PhoneSystem::Yealink(y) => y.cert_sha256 = pin,
        PhoneSystem::Xivo(x) => x.cert_sha256 = pin,
        PhoneSystem::Asterisk(_) => {
            return Err(CommandError::new(
                "bad_request",
                tr("app-asterisk-no-certificate", &[]),
            ))
        }
    }
    state
        .store_settings(settings)
        .map_err(|e| CommandError::settings("settings_not_saved", &e))?;
    phones::restart(&app).await;
    Ok(())
}

#[tauri::command]
pub fn preview_dialing(text: String, rules: DialingRules) -> String {
    super::phone::preview(&text, &rules)
}

/// Waits for the phone's next push (the user calls the desk phone or lifts the handset) and
/// says what arrived, or what the listener saw instead.
#[tauri::command]
pub async fn test_push(state: State<'_, AppState>, phone: String) -> CommandResult<String> {
    const WAIT: Duration = Duration::from_secs(60);
    let listener = state
        .sessions
        .listener()
        .ok_or_else(|| CommandError::app("push_off", Params::new()))?;
    push::test_push(&listener, &phone, WAIT)
        .await
        .map(|received| push::describe(&received))
        .map_err(|why| CommandError::new("push_silent", why))
}

/// The words change at once: the catalog and the Rust side speak the new language, and the
/// open windows other than the settings page (which reloads itself once it has shown that
/// the settings were saved) load again with it.
fn language_changed(app: &AppHandle, language: &str) {
    crate::i18n::use_language(language);
    for (label, window) in app.webview_windows() {
        if label != crate::app::windows::SETTINGS {
            if let Err(e) = window.reload() {
                tracing::warn!("cannot reload the {label} window: {e}");
            }
        }
    }
}
