//! The app's shared state, managed by Tauri and reached from commands and background tasks.
//!
//! Locks are std mutexes held for a few statements, never across an `.await`.

use super::calls::CallExtras;
use super::publisher::Publisher;
use super::view::Problem;
use callpop_phone::settings::{PhoneId, Settings, SettingsError};
use callpop_phone::{BackendKind, RejectedLogins, Secret, Sessions};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

/// How the app was started.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    /// Run against a built-in simulated phone system of this kind.
    pub demo: Option<BackendKind>,
    /// A `tel:` link to dial once the phone answers.
    pub link: Option<String>,
    /// A phone address from the command line, overriding the first phone's.
    pub address: Option<String>,
    /// Stay in the tray at start (start at login); else the main window opens, as a person
    /// who starts the app from the menu expects.
    pub tray: bool,
}

pub struct AppState {
    pub launch: Launch,
    /// The launch link, until it has been dialled (once: not again after every Save).
    pub launch_link: Mutex<Option<String>>,
    pub settings_path: Option<PathBuf>,
    pub settings: RwLock<Settings>,
    /// Problems of the app itself (settings file, keyring, hotkey, tray), by kind.
    pub problems: Mutex<Vec<Problem>>,
    /// Every phone being watched.
    pub sessions: Arc<Sessions>,
    /// Passwords kept for this run only (by phone id), when the user chose that because no
    /// keyring works.
    pub memory_secrets: Mutex<HashMap<PhoneId, Secret>>,
    /// The simulated phone system of demo mode, kept alive while the app runs.
    pub demo: tokio::sync::Mutex<Option<super::demo::Demo>>,
    /// What the app adds to calls: connect times, contacts found, history rows.
    pub extras: Mutex<CallExtras>,
    /// The call history, when it could be opened.
    pub history: RwLock<Option<Arc<callpop_history::History>>>,
    /// Caller lookup, when contacts are set up.
    pub directory: RwLock<Option<callpop_contacts::Directory>>,
    /// Wakes the one sender of views (see [`super::phones::publish`]).
    pub publisher: Publisher,
    /// A hotkey or link dial waiting out its cancel delay.
    pub pending_dial: Mutex<Option<super::dialing::PendingDial>>,
    /// The phone the user last chose to dial from: the hotkey and links dial there too.
    pub dial_phone: Mutex<Option<PhoneId>>,
}

impl AppState {
    pub fn new(launch: Launch, settings_path: Option<PathBuf>, settings: Settings) -> Self {
        let link = launch.link.clone();
        Self {
            launch,
            launch_link: Mutex::new(link),
            settings_path,
            settings: RwLock::new(settings),
            problems: Mutex::new(Vec::new()),
            sessions: Arc::new(Sessions::new(Arc::new(RejectedLogins::default_location()))),
            memory_secrets: Mutex::new(HashMap::new()),
            demo: tokio::sync::Mutex::new(None),
            extras: Mutex::new(CallExtras::default()),
            history: RwLock::new(None),
            directory: RwLock::new(None),
            publisher: Publisher::default(),
            pending_dial: Mutex::new(None),
            dial_phone: Mutex::new(None),
        }
    }

    pub fn settings(&self) -> Settings {
        match self.settings.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Writes `settings` to the settings file (when there is one) and makes them current; the
    /// old ones are returned. Nothing changes if the file cannot be written.
    pub fn store_settings(&self, settings: Settings) -> Result<Settings, SettingsError> {
        if let Some(path) = &self.settings_path {
            settings.save(path)?;
        }
        let mut current = match self.settings.write() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        Ok(std::mem::replace(&mut *current, settings))
    }

    /// Records a problem, replacing an earlier one of the same kind.
    pub fn set_problem(&self, kind: &'static str, message: Option<String>) {
        if let Ok(mut problems) = self.problems.lock() {
            problems.retain(|p| p.kind != kind);
            if let Some(message) = message {
                problems.push(Problem { kind, message });
            }
        }
    }

    pub fn problems(&self) -> Vec<Problem> {
        self.problems.lock().map(|p| p.clone()).unwrap_or_default()
    }

    pub fn history(&self) -> Option<Arc<callpop_history::History>> {
        self.history.read().ok().and_then(|h| h.clone())
    }

    pub fn directory(&self) -> Option<callpop_contacts::Directory> {
        self.directory.read().ok().and_then(|d| d.clone())
    }
}
