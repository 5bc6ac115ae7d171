//! From a phone's profile, its password and any command-line overrides to a backend.
//!
//! The app and the CLI both connect this way, so a phone that works in one works in the other.

use crate::backend::grandstream::{ClientConfig, CtiClient, Grandstream};
use crate::backend::Backend;
use crate::credentials::{Credentials, Secret};
use crate::error::PhoneError;
use crate::rejections::RejectedLogins;
use crate::settings::{GrandstreamSettings, Login, PhoneProfile, PhoneSystem};
use crate::tls::CertFingerprint;
use std::sync::Arc;
use std::time::Duration;

/// What the command line may say instead of the settings.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// Another address for the phone (`--phone`).
    pub address: Option<String>,
    pub cert_sha256: Option<String>,
    /// Log in as this user (`--user`; session firmware on Grandstream).
    pub session_user: Option<String>,
}

/// The backend for this phone, sharing `memory` of rejected logins with every other client
/// (and every other callpop process).
pub fn open(
    profile: &PhoneProfile,
    secret: Secret,
    memory: Arc<RejectedLogins>,
) -> Result<Arc<dyn Backend>, PhoneError> {
    match &profile.system {
        PhoneSystem::Grandstream(phone) => {
            let config = grandstream_config(phone, secret)?;
            let client = CtiClient::with_rejection_memory(config, memory)?;
            Ok(Arc::new(
                Grandstream::new(client).with_default_account(phone.dial_account_index()),
            ))
        }
        PhoneSystem::Asterisk(pbx) => crate::backend::asterisk::open(pbx, secret, memory),
        PhoneSystem::Xivo(pbx) => crate::backend::xivo::open(pbx, secret, memory),
        PhoneSystem::Yealink(phone) => crate::backend::yealink::open(phone, secret, memory),
    }
}

/// The profile as the command line changes it. An address given there is a different phone:
/// the certificate accepted for the saved address does not carry over to it.
pub fn with_overrides(profile: &PhoneProfile, overrides: &Overrides) -> PhoneProfile {
    let mut profile = profile.clone();
    match &mut profile.system {
        PhoneSystem::Grandstream(g) => {
            if let Some(address) = &overrides.address {
                g.url.clone_from(address);
                g.cert_sha256 = None;
            }
            if let Some(pin) = &overrides.cert_sha256 {
                g.cert_sha256 = Some(pin.clone());
            }
            if let Some(user) = &overrides.session_user {
                g.login = Login::Session {
                    username: user.clone(),
                };
            }
        }
        PhoneSystem::Yealink(y) => {
            if let Some(address) = &overrides.address {
                y.url.clone_from(address);
                y.cert_sha256 = None;
            }
            if let Some(pin) = &overrides.cert_sha256 {
                y.cert_sha256 = Some(pin.clone());
            }
            if let Some(user) = &overrides.session_user {
                y.username.clone_from(user);
            }
        }
        PhoneSystem::Xivo(x) => {
            if let Some(address) = &overrides.address {
                x.url.clone_from(address);
                x.cert_sha256 = None;
            }
            if let Some(pin) = &overrides.cert_sha256 {
                x.cert_sha256 = Some(pin.clone());
            }
            if let Some(user) = &overrides.session_user {
                x.username.clone_from(user);
            }
        }
        PhoneSystem::Asterisk(a) => {
            if let Some(address) = &overrides.address {
                a.host.clone_from(address);
            }
            if let Some(user) = &overrides.session_user {
                a.username.clone_from(user);
            }
        }
    }
    profile
}

/// The Grandstream client configuration for these settings.
pub fn grandstream_config(
    phone: &GrandstreamSettings,
    secret: Secret,
) -> Result<ClientConfig, PhoneError> {
    let address = phone.url.as_str();
    let user = match &phone.login {
        Login::Passcode => None,
        Login::Session { username } => Some(username.clone()),
    };
    let credentials = match user {
        Some(username) => Credentials::Session {
            username,
            password: secret,
        },
        None => Credentials::Passcode(secret),
    };
    let pin = phone
        .cert_sha256
        .clone()
        .filter(|text| !text.trim().is_empty())
        .map(|text| {
            text.parse::<CertFingerprint>()
                .map_err(|why| PhoneError::BadAddress(address.to_owned(), why))
        })
        .transpose()?;
    Ok(ClientConfig::new(address, credentials)?
        .with_pinned_cert(pin)
        .with_timeouts(
            Duration::from_millis(phone.connect_timeout_ms),
            Duration::from_millis(phone.request_timeout_ms),
        ))
}
