//! Gathers what a headless command needs: the settings, the phone it acts on, its password.

use crate::secrets::{self, SecretError};
use callpop_phone::connect::{self, Overrides};
use callpop_phone::settings::{
    self, GrandstreamSettings, PhoneId, PhoneProfile, PhoneSystem, Settings,
};
use callpop_phone::{Backend, PhoneError, RejectedLogins, Secret};
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("No phone is set up. Give one with --phone http://PHONE-ADDRESS, or set it in the app's Settings.")]
    NoPhone,
    #[error("There is no phone “{0}” in the settings. `callpop phones` lists them.")]
    UnknownPhone(String),
    #[error("No password is stored for {0}. Save it in the app's Settings, or set the environment variable {env}.", env = secrets::PASSCODE_ENV)]
    NoPasscode(String),
    #[error("The settings file cannot be used ({0}). Open the app to see and fix it; this command changes nothing.")]
    Settings(String),
    #[error("{0}")]
    Keyring(#[from] SecretError),
    #[error("{0}")]
    Phone(#[from] PhoneError),
}

/// Everything a headless command needs.
pub struct PhoneSetup {
    pub settings: Settings,
    /// The phone the command acts on, with the command line's overrides applied.
    pub profile: PhoneProfile,
    secret: Secret,
}

impl PhoneSetup {
    /// Reads the settings without ever changing or moving the file (that is the app's job),
    /// picks the phone (`on`: an id or a name; else the first), and finds its password.
    pub fn resolve(on: Option<&str>, overrides: &Overrides) -> Result<Self, SetupError> {
        let settings = read_settings()?;
        let profile = pick(&settings, on, overrides)?;
        let profile = connect::with_overrides(&profile, overrides);
        let secret = match secrets::from_env() {
            Some(secret) => secret,
            None => secrets::load(profile.id.as_str())?
                .ok_or_else(|| SetupError::NoPasscode(profile.display_name()))?,
        };
        Ok(Self {
            settings,
            profile,
            secret,
        })
    }

    /// The backend, with the rejected-login memory every callpop process shares: a password
    /// the phone refused once is not sent again by any later command.
    pub fn backend(&self) -> Result<Arc<dyn Backend>, PhoneError> {
        connect::open(
            &self.profile,
            self.secret.clone(),
            Arc::new(RejectedLogins::default_location()),
        )
    }
}

/// The settings as they are on disk; defaults when there is no file.
pub fn read_settings() -> Result<Settings, SetupError> {
    match settings::default_path() {
        Some(path) => settings::peek(&path).map_err(SetupError::Settings),
        None => Ok(Settings::default()),
    }
}

fn pick(
    settings: &Settings,
    on: Option<&str>,
    overrides: &Overrides,
) -> Result<PhoneProfile, SetupError> {
    if let Some(wanted) = on {
        let wanted = wanted.trim();
        return settings
            .phones
            .iter()
            .find(|p| p.id.as_str() == wanted || p.name.eq_ignore_ascii_case(wanted))
            .cloned()
            .ok_or_else(|| SetupError::UnknownPhone(wanted.chars().take(40).collect()));
    }
    if let Some(primary) = settings.primary() {
        return Ok(primary.clone());
    }
    // No phone in the settings, but an address on the command line: a Grandstream phone.
    if overrides.address.is_some() {
        return Ok(PhoneProfile {
            id: PhoneId::first(),
            name: String::new(),
            system: PhoneSystem::Grandstream(GrandstreamSettings::default()),
        });
    }
    Err(SetupError::NoPhone)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
