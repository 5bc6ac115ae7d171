//! The phone passcode in the OS keyring (Secret Service on Linux), never on disk.
//!
//! Keyring calls block on D-Bus: call these off the GUI thread (`spawn_blocking`).

use callpop_phone::Secret;

const SERVICE: &str = "callpop";
const ACCOUNT: &str = "phone";
/// Scripts and tests may pass the passcode in the environment instead.
pub const PASSCODE_ENV: &str = "CALLPOP_PASSCODE";

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[serde(tag = "kind", content = "message", rename_all = "snake_case")]
pub enum SecretError {
    /// No keyring service, or it is locked: the user must install or unlock one.
    #[error("No keyring is available to store the passcode ({0}). Install and unlock GNOME Keyring or KWallet (on Debian/Ubuntu: sudo apt install gnome-keyring, then log in again), or let callpop keep the passcode in memory until you quit.")]
    Unavailable(String),
    #[error("The keyring refused to {action}: {reason}")]
    Failed { action: String, reason: String },
}

fn entry() -> Result<keyring::Entry, SecretError> {
    keyring::Entry::new(SERVICE, ACCOUNT).map_err(|e| classify("open the keyring", e))
}

/// The stored passcode, `None` when none is stored.
pub fn load() -> Result<Option<Secret>, SecretError> {
    match entry()?.get_password() {
        Ok(p) => Ok(Some(Secret::new(p))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(classify("read the passcode", e)),
    }
}

pub fn store(secret: &Secret) -> Result<(), SecretError> {
    entry()?
        .set_password(secret.expose())
        .map_err(|e| classify("store the passcode", e))
}

/// Removes the stored passcode (the settings' "Forget passcode").
#[allow(dead_code)]
pub fn forget() -> Result<(), SecretError> {
    match entry()?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(classify("remove the passcode", e)),
    }
}

/// The passcode from `CALLPOP_PASSCODE`, when set.
pub fn from_env() -> Option<Secret> {
    std::env::var(PASSCODE_ENV).ok().map(Secret::new)
}

/// Keyring errors carry D-Bus jargon; the user needs to know whether a keyring is missing
/// (install/unlock one) or something else went wrong.
fn classify(action: &str, error: keyring::Error) -> SecretError {
    let reason = error.to_string();
    match error {
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            SecretError::Unavailable(short_reason(&reason))
        }
        _ => SecretError::Failed {
            action: action.to_owned(),
            reason: short_reason(&reason),
        },
    }
}

fn short_reason(reason: &str) -> String {
    let lower = reason.to_ascii_lowercase();
    if lower.contains("org.freedesktop.secrets") || lower.contains("was not provided") {
        "no keyring service is running".to_owned()
    } else if lower.contains("autolaunch") || lower.contains("dbus") {
        "no desktop session".to_owned()
    } else if lower.contains("noresult") || lower.contains("no result") || lower.contains("locked")
    {
        "the keyring is locked or not set up".to_owned()
    } else {
        reason.chars().take(120).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::short_reason;

    #[test]
    fn keyring_failures_in_plain_words() {
        let cases = [
            (
                "Couldn't access platform secure storage: Secret Service: no result found",
                "the keyring is locked or not set up",
            ),
            (
                "The name org.freedesktop.secrets was not provided by any .service files",
                "no keyring service is running",
            ),
            (
                "Unable to autolaunch a dbus-daemon without a $DISPLAY for X11",
                "no desktop session",
            ),
        ];
        for (raw, plain) in cases {
            assert_eq!(short_reason(raw), plain, "{raw}");
        }
    }
}
