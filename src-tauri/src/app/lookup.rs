//! Caller lookup: the caller's name from the user's contacts, as an update after the ring.
//!
//! The call is shown at once; the name arrives within the lookup deadline (0.5 s by default)
//! or not at all, and then replaces the number in the call window, the tray and the ringing
//! notification, and is kept in the history. The sources are set up in `contacts.toml` beside
//! the settings file (its own file: the phone core's settings know nothing of contacts);
//! their passwords are in the keyring like the phones'.

use super::calls::Contact;
use super::state::AppState;
use super::{history, notify, phones};
use crate::i18n::tr;
use crate::secrets;
use callpop_contacts::{ContactsSettings, Directory, Secrets};
use callpop_phone::settings::file::{describe_toml_error, keep_aside, write_atomically};
use callpop_phone::tracker::CallPhase;
use callpop_phone::PhoneEvent;
use std::path::PathBuf;
use tauri::{AppHandle, Manager};

const FILE_NAME: &str = "contacts.toml";

/// Where the contacts settings live: beside the settings file.
pub fn settings_path(state: &AppState) -> Option<PathBuf> {
    state
        .settings_path
        .as_ref()
        .and_then(|p| p.parent())
        .map(|dir| dir.join(FILE_NAME))
}

/// The contacts settings; defaults when there is no file. A file that cannot be used is
/// kept aside (never overwritten) and reported.
pub fn load_settings(state: &AppState) -> ContactsSettings {
    let Some(path) = settings_path(state) else {
        return ContactsSettings::default();
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return ContactsSettings::default(),
        Err(e) => {
            state.set_problem(
                "contacts",
                Some(tr(
                    "problem-contacts-unreadable",
                    &[("reason", e.to_string().into())],
                )),
            );
            return ContactsSettings::default();
        }
    };
    match toml::from_str::<ContactsSettings>(&text) {
        Ok(settings) => settings,
        Err(e) => {
            let reason = describe_toml_error(&text, &e);
            let aside = keep_aside(&path);
            state.set_problem(
                "contacts",
                Some(tr(
                    "problem-contacts-broken",
                    &[
                        ("reason", reason.into()),
                        ("path", aside.display().to_string().into()),
                    ],
                )),
            );
            ContactsSettings::default()
        }
    }
}

/// Writes the contacts settings atomically, owner-only.
pub fn save_settings(state: &AppState, settings: &ContactsSettings) -> Result<(), String> {
    let path = settings_path(state).ok_or_else(|| tr("app-no-settings-folder", &[]))?;
    let mut text = String::from(
        "# callpop caller lookup. Passwords are not kept here: they are in the system keyring.\n\n",
    );
    text.push_str(&toml::to_string_pretty(settings).map_err(|e| e.to_string())?);
    write_atomically(&path, text.as_bytes()).map_err(|e| {
        tr(
            "app-contacts-not-saved",
            &[
                ("path", path.display().to_string().into()),
                ("reason", e.to_string().into()),
            ],
        )
    })
}

/// (Re)opens caller lookup from the contacts settings, with passwords from the keyring.
pub async fn open(app: &AppHandle) {
    let state = app.state::<AppState>();
    let settings = load_settings(&state);
    let enabled = settings.sources.iter().any(|s| s.enabled());
    if !enabled {
        if let Ok(mut slot) = state.directory.write() {
            *slot = None;
        }
        return;
    }
    let accounts: Vec<String> = settings
        .sources
        .iter()
        .filter_map(|s| s.secret_account())
        .collect();
    let found = tauri::async_runtime::spawn_blocking(move || {
        let mut secrets = Secrets::new();
        for account in accounts {
            if let Ok(Some(secret)) = secrets::load(&account) {
                secrets.insert(account, callpop_contacts::Secret::new(secret.expose()));
            }
        }
        secrets
    })
    .await
    .unwrap_or_default();
    let rules = state.settings().dialing;
    let store = callpop_contacts::default_store_path();
    let opened = match store {
        Some(path) => Directory::open(&settings, &rules, &found, &path)
            .await
            .map_err(|e| e.to_string()),
        None => Err(tr("problem-lookup-no-folder", &[])),
    };
    match opened {
        Ok(directory) => {
            directory.spawn_background_sync();
            if let Ok(mut slot) = state.directory.write() {
                *slot = Some(directory);
            }
            state.set_problem("contacts", None);
        }
        Err(e) => state.set_problem(
            "contacts",
            Some(tr("problem-lookup-off", &[("reason", e.into())])),
        ),
    }
    phones::publish(app);
}

/// Looks the caller up in the background; the popup never waits for it.
pub fn start(app: &AppHandle, event: &PhoneEvent) {
    let state = app.state::<AppState>();
    let Some(directory) = state.directory() else {
        return;
    };
    let call = event.event.call.as_str().to_owned();
    let already = state
        .extras
        .lock()
        .map(|e| e.contacts.contains_key(&call))
        .unwrap_or(true);
    if already || event.event.number.is_empty() {
        return;
    }
    let number = event.event.number.clone();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let Some(found) = directory.lookup(&number).await else {
            return;
        };
        let contact = Contact {
            name: found.name.clone(),
            organization: found.organization.clone(),
            source: found.source.clone(),
            link: found.link.clone(),
        };
        let state = app.state::<AppState>();
        if let Ok(mut extras) = state.extras.lock() {
            extras.contacts.insert(call.clone(), contact.clone());
        }
        history::set_contact(
            &app,
            &call,
            callpop_history::ContactMatch {
                name: found.name,
                source: found.source,
                reference: (!found.reference.is_empty()).then_some(found.reference),
            },
        )
        .await;
        // Still ringing: the notification names the caller now.
        let ringing = state.sessions.watched().iter().any(|w| {
            w.session
                .current()
                .calls
                .iter()
                .any(|c| c.call.as_str() == call && c.phase == CallPhase::Ringing)
        });
        if ringing {
            notify::rename_ringing(&call, &contact.name);
        }
        phones::publish(&app);
    });
}
