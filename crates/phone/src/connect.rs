//! From the saved settings, the secret and any command-line overrides to a client config.
//!
//! The app and the CLI both connect this way, so a phone that works in one works in the other.

use crate::credentials::{Credentials, Secret};
use crate::cti::{CertFingerprint, ClientConfig};
use crate::error::PhoneError;
use crate::settings::{Login, PhoneSettings};
use std::time::Duration;

/// What the command line may say instead of the settings.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub address: Option<String>,
    pub cert_sha256: Option<String>,
    pub session_user: Option<String>,
}

/// Whether this phone logs in with a user name (session firmware), for asking the right
/// question ("passcode" or "password").
pub fn login_user(phone: &PhoneSettings, overrides: &Overrides) -> Option<String> {
    overrides.session_user.clone().or(match &phone.login {
        Login::Passcode => None,
        Login::Session { username } => Some(username.clone()),
    })
}

pub fn client_config(
    phone: &PhoneSettings,
    secret: Secret,
    overrides: &Overrides,
) -> Result<ClientConfig, PhoneError> {
    let address = overrides.address.as_deref().unwrap_or(&phone.url);
    let credentials = match login_user(phone, overrides) {
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

/// What "Test connection" found.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ConnectionReport {
    pub model: String,
    pub lines: usize,
    pub accounts: Vec<crate::models::Account>,
    /// One sentence for the user: "Connected to GXP2170: 4 lines, 2 accounts".
    pub message: String,
}

/// Checks a phone the way the settings' "Test connection" needs: the model first (no passcode
/// travels, and an unknown HTTPS certificate is reported here), then a real authenticated read,
/// then the accounts (optional: older firmware lacks them).
pub async fn test_connection(client: &crate::CtiClient) -> Result<ConnectionReport, PhoneError> {
    let model = match client.model().await {
        Ok(m) => m.model,
        // Some firmware hides the file; the authenticated read below still decides.
        Err(PhoneError::NotSupported { .. }) | Err(PhoneError::UnexpectedAnswer { .. }) => {
            String::new()
        }
        Err(e) => return Err(e),
    };
    let lines = client.line_status().await?;
    let accounts = match client.accounts().await {
        Ok(a) => a,
        Err(PhoneError::NotSupported { .. } | PhoneError::CommandRefused { .. }) => Vec::new(),
        Err(e) => return Err(e),
    };
    let name = if model.is_empty() {
        "the phone".to_owned()
    } else {
        model.clone()
    };
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut message = format!(
        "Connected to {name}: {}",
        plural(lines.len(), "line", "lines")
    );
    if !accounts.is_empty() {
        message.push_str(&format!(
            ", {}",
            plural(accounts.len(), "account", "accounts")
        ));
    }
    message.push('.');
    Ok(ConnectionReport {
        model,
        lines: lines.len(),
        accounts,
        message,
    })
}
