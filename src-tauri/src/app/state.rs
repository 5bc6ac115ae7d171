//! The app's shared state, managed by Tauri and reached from commands and background tasks.
//!
//! Locks are std mutexes held for a few statements, never across an `.await`.

use super::view::{AppView, CallExtras, ConnectionView, Problem};
use callpop_phone::cti::RejectedLogins;
use callpop_phone::push::PushListener;
use callpop_phone::settings::{Settings, SettingsError};
use callpop_phone::{Phone, Secret};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

/// How the app was started.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    /// Use the built-in simulated phone.
    pub demo: bool,
    /// A `tel:` link to dial once the phone answers.
    pub link: Option<String>,
    /// A phone address from the command line, overriding the settings.
    pub address: Option<String>,
}

pub struct AppState {
    pub launch: Launch,
    pub settings_path: Option<PathBuf>,
    pub settings: RwLock<Settings>,
    /// Problems of the app itself (settings file, keyring, hotkey, tray), by kind.
    pub problems: Mutex<Vec<Problem>>,
    /// The phone being watched, if one is set up.
    pub phone: RwLock<Option<Arc<Phone>>>,
    pub session_task: Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
    /// Logins the phone rejected, shared by every client the app makes, so that neither a
    /// restart after Save nor "Test connection" spends another try on a known-wrong passcode.
    pub rejected_logins: Arc<RejectedLogins>,
    /// The passcode kept for this run only, when the user chose that because no keyring works.
    pub memory_secret: Mutex<Option<Secret>>,
    /// The Action URL listener, while push is on. Shared so that "Test push" can wait on it
    /// while the session goes on.
    pub push_listener: tokio::sync::Mutex<Option<Arc<PushListener>>>,
    /// The simulated phone of demo mode, kept alive while the app runs.
    pub demo_phone: tokio::sync::Mutex<Option<callpop_phone_sim::PhoneSim>>,
    pub extras: Mutex<CallExtras>,
    /// The view last sent to the windows, to send only changes.
    pub view: Mutex<AppView>,
    /// A hotkey or link dial waiting out its cancel delay.
    pub pending_dial: Mutex<Option<super::dialing::PendingDial>>,
    /// The last connection view before any phone state (e.g. "not configured").
    pub connection_override: Mutex<Option<ConnectionView>>,
}

impl AppState {
    pub fn new(launch: Launch, settings_path: Option<PathBuf>, settings: Settings) -> Self {
        Self {
            launch,
            settings_path,
            settings: RwLock::new(settings),
            problems: Mutex::new(Vec::new()),
            phone: RwLock::new(None),
            session_task: Mutex::new(None),
            rejected_logins: Arc::new(RejectedLogins::new()),
            memory_secret: Mutex::new(None),
            push_listener: tokio::sync::Mutex::new(None),
            demo_phone: tokio::sync::Mutex::new(None),
            extras: Mutex::new(CallExtras::default()),
            view: Mutex::new(AppView {
                connection: ConnectionView::not_configured(),
                phone_label: String::new(),
                demo: false,
                lines: Vec::new(),
                calls: Vec::new(),
                problems: Vec::new(),
                hotkey: String::new(),
                push: Default::default(),
                pending_dial: None,
            }),
            pending_dial: Mutex::new(None),
            connection_override: Mutex::new(None),
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

    pub fn phone(&self) -> Option<Arc<Phone>> {
        self.phone.read().ok().and_then(|p| p.clone())
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

    pub fn view(&self) -> AppView {
        match self.view.lock() {
            Ok(v) => v.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}
