//! Logins the phone has rejected, remembered across clients.
//!
//! A client stops sending once its login is rejected, but apps make new clients: "Test
//! connection" in the settings, then the watcher after Save, then another after any settings
//! change. Without a shared memory each of them would spend one of the phone's five tries on a
//! passcode already known to be wrong. Only a different login (or a different phone) is tried.

use super::config::ClientConfig;
use crate::credentials::Credentials;
use crate::error::PhoneError;
use sha2::{Digest, Sha256};
use std::sync::Mutex;

/// Shared between every client of one app (`Arc<RejectedLogins>`).
#[derive(Debug, Default)]
pub struct RejectedLogins {
    /// (phone, fingerprint of the login, what the phone said). The login is kept only as a
    /// salted hash: this memory must not become another place the passcode lives.
    entries: Mutex<Vec<(String, [u8; 32], PhoneError)>>,
}

impl RejectedLogins {
    pub fn new() -> Self {
        Self::default()
    }

    /// What the phone said last time about this login, if it rejected it.
    pub fn check(&self, config: &ClientConfig) -> Option<PhoneError> {
        let key = login_key(config);
        let entries = self.entries.lock().ok()?;
        entries
            .iter()
            .find(|(phone, login, _)| *phone == phone_key(config) && *login == key)
            .map(|(_, _, error)| error.clone())
    }

    pub(crate) fn record(&self, phone: &str, credentials: &Credentials, error: &PhoneError) {
        let key = hash_login(phone, credentials);
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|(p, _, _)| p != phone);
            entries.push((phone.to_owned(), key, error.clone()));
        }
    }

    /// The phone accepted a login: whatever was rejected before on it no longer matters.
    pub(crate) fn forget_phone(&self, phone: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|(p, _, _)| p != phone);
        }
    }
}

pub(crate) fn phone_key(config: &ClientConfig) -> String {
    config.url.origin().ascii_serialization()
}

fn login_key(config: &ClientConfig) -> [u8; 32] {
    hash_login(&phone_key(config), &config.credentials)
}

fn hash_login(phone: &str, credentials: &Credentials) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"callpop-rejected-login\0");
    h.update(phone.as_bytes());
    h.update([0]);
    if let Credentials::Session { username, .. } = credentials {
        h.update(username.as_bytes());
    }
    h.update([0]);
    h.update(credentials.secret().expose().as_bytes());
    h.finalize().into()
}
