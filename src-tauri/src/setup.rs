//! Gathers what is needed to talk to the phone: settings file, passcode, overrides.

use crate::secrets::{self, SecretError};
use callpop_phone::connect::{self, Overrides};
use callpop_phone::settings::{self, Settings};
use callpop_phone::{CtiClient, PhoneError, Secret};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("No phone is set up. Give one with --phone http://PHONE-ADDRESS, or set it in the app's Settings.")]
    NoPhone,
    #[error("No passcode is stored for the phone. Save it in the app's Settings, or set the environment variable {}.", secrets::PASSCODE_ENV)]
    NoPasscode,
    #[error("{0}")]
    Keyring(#[from] SecretError),
    #[error("{0}")]
    Phone(#[from] PhoneError),
}

/// Everything a headless command needs.
pub struct PhoneSetup {
    pub settings: Settings,
    overrides: Overrides,
    secret: Secret,
    /// Things to tell the user that do not stop the command (e.g. a broken settings file).
    pub warnings: Vec<String>,
}

impl PhoneSetup {
    pub fn resolve(
        address: Option<&str>,
        cert_sha256: Option<&str>,
        session_user: Option<&str>,
    ) -> Result<Self, SetupError> {
        let mut warnings = Vec::new();
        let settings = match settings::default_path() {
            Some(path) => {
                let outcome = settings::load(&path);
                if let Some(problem) = outcome.problem {
                    warnings.push(problem.to_string());
                }
                outcome.settings
            }
            None => Settings::default(),
        };
        let overrides = Overrides {
            address: address.map(str::to_owned),
            cert_sha256: cert_sha256.map(str::to_owned),
            session_user: session_user.map(str::to_owned),
        };
        if overrides.address.is_none() && settings.phone.url.trim().is_empty() {
            return Err(SetupError::NoPhone);
        }
        let secret = match secrets::from_env() {
            Some(secret) => secret,
            None => secrets::load()?.ok_or(SetupError::NoPasscode)?,
        };
        Ok(Self {
            settings,
            overrides,
            secret,
            warnings,
        })
    }

    pub fn client(&self) -> Result<CtiClient, PhoneError> {
        let config =
            connect::client_config(&self.settings.phone, self.secret.clone(), &self.overrides)?;
        CtiClient::new(config)
    }

    pub fn poll_interval(&self) -> Duration {
        Duration::from_millis(self.settings.phone.poll_interval_ms)
    }
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
