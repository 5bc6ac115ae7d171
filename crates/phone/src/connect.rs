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
    overrides: &Overrides,
    memory: Arc<RejectedLogins>,
) -> Result<Arc<dyn Backend>, PhoneError> {
    match &profile.system {
        PhoneSystem::Grandstream(phone) => {
            let config = grandstream_config(phone, secret, overrides)?;
            let client = CtiClient::with_rejection_memory(config, memory)?;
            Ok(Arc::new(Grandstream::new(client)))
        }
        PhoneSystem::Asterisk(pbx) => crate::backend::asterisk::open(pbx, secret, memory),
        PhoneSystem::Xivo(pbx) => crate::backend::xivo::open(pbx, secret, memory),
        PhoneSystem::Yealink(phone) => crate::backend::yealink::open(phone, secret, memory),
    }
}

/// The Grandstream client configuration for these settings and overrides.
pub fn grandstream_config(
    phone: &GrandstreamSettings,
    secret: Secret,
    overrides: &Overrides,
) -> Result<ClientConfig, PhoneError> {
    let address = overrides.address.as_deref().unwrap_or(&phone.url);
    let user = overrides.session_user.clone().or(match &phone.login {
        Login::Passcode => None,
        Login::Session { username } => Some(username.clone()),
    });
    let credentials = match user {
        Some(username) => Credentials::Session {
            username,
            password: secret,
        },
        None => Credentials::Passcode(secret),
    };
    // An address given on the command line is a different phone: the saved pin belongs to
    // the saved address only.
    let pin_text = match (&overrides.cert_sha256, &overrides.address) {
        (Some(pin), _) => Some(pin.clone()),
        (None, Some(_)) => None,
        (None, None) => phone.cert_sha256.clone(),
    };
    let pin = pin_text
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
