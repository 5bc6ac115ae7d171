//! Passwords in the OS keyring (Secret Service on Linux), never on disk: one entry per phone,
//! under the phone's id (the first phone's id, `phone`, is where callpop 0.1 kept its
//! passcode), and one per contacts source that needs one.
//!
//! Keyring calls block on D-Bus: call these off the GUI thread (`spawn_blocking`).

use crate::i18n::tr;
use callpop_phone::Secret;
use std::sync::OnceLock;

const SERVICE: &str = "callpop";
/// Scripts and tests may pass the passcode in the environment instead.
pub const PASSCODE_ENV: &str = "CALLPOP_PASSCODE";

/// The passcode from the environment, taken out of it at start (see [`take_env`]).
static FROM_ENV: OnceLock<Option<Secret>> = OnceLock::new();

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// No keyring service, or it is locked: the user must install or unlock one.
    #[error("No keyring is available to store the passcode ({0}). Install and unlock GNOME Keyring or KWallet (on Debian/Ubuntu: sudo apt install gnome-keyring, then log in again), or let callpop keep the passcode in memory until you quit.")]
    Unavailable(Reason),
    #[error("The keyring refused to {}: {reason}", action.words())]
    Failed {
        action: KeyringAction,
        reason: Reason,
    },
}

impl SecretError {
    /// The message in the user's language.
    pub fn text(&self) -> String {
        match self {
            Self::Unavailable(reason) => {
                tr("keyring-unavailable", &[("reason", reason.text().into())])
            }
            Self::Failed { action, reason } => tr(
                "keyring-failed",
                &[
                    ("action", action.code().into()),
                    ("reason", reason.text().into()),
                ],
            ),
        }
    }
}

/// What callpop asked of the keyring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyringAction {
    Open,
    Read,
    Store,
    Remove,
}

impl KeyringAction {
    /// The catalog's name for it (`keyring-failed` selects on it).
    fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Read => "read",
            Self::Store => "store",
            Self::Remove => "remove",
        }
    }

    /// English, for logs.
    fn words(self) -> &'static str {
        match self {
            Self::Open => "open the keyring",
            Self::Read => "read the passcode",
            Self::Store => "store the passcode",
            Self::Remove => "remove the passcode",
        }
    }
}

/// Why the keyring failed, in plain words: keyring errors carry D-Bus jargon, and the user
/// needs to know whether a keyring is missing (install or unlock one) or something else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    NoService,
    NoSession,
    Locked,
    /// Something else, as the keyring library says it (English, cut short).
    Other(String),
}

impl Reason {
    /// In the user's language.
    pub fn text(&self) -> String {
        match self {
            Self::NoService => tr("keyring-reason-no-service", &[]),
            Self::NoSession => tr("keyring-reason-no-session", &[]),
            Self::Locked => tr("keyring-reason-locked", &[]),
            Self::Other(reason) => reason.clone(),
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::NoService => "no keyring service is running",
            Self::NoSession => "no desktop session",
            Self::Locked => "the keyring is locked or not set up",
            Self::Other(reason) => reason,
        })
    }
}

fn entry(account: &str) -> Result<keyring::Entry, SecretError> {
    keyring::Entry::new(SERVICE, account).map_err(|e| classify(KeyringAction::Open, e))
}

/// The stored password of `account` (a phone id), `None` when none is stored.
pub fn load(account: &str) -> Result<Option<Secret>, SecretError> {
    match entry(account)?.get_password() {
        Ok(p) => Ok(Some(Secret::new(p))),
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(classify(KeyringAction::Read, e)),
    }
}

pub fn store(account: &str, secret: &Secret) -> Result<(), SecretError> {
    entry(account)?
        .set_password(secret.expose())
        .map_err(|e| classify(KeyringAction::Store, e))
}

/// Removes a stored password (a phone removed from the settings).
pub fn forget(account: &str) -> Result<(), SecretError> {
    match entry(account)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(classify(KeyringAction::Remove, e)),
    }
}

/// Takes `CALLPOP_PASSCODE` out of the environment, keeping it in memory. Called first thing
/// in `main`, while only one thread runs: programs callpop starts (the browser for a CRM
/// page, WebKit's processes) must not inherit the passcode.
pub fn take_env() {
    let value = std::env::var(PASSCODE_ENV).ok().map(Secret::new);
    if value.is_some() {
        // Safe while the process has a single thread, which is the case in `main`'s first line.
        std::env::remove_var(PASSCODE_ENV);
    }
    let _ = FROM_ENV.set(value);
}

/// The passcode from `CALLPOP_PASSCODE`, when it was set at start.
pub fn from_env() -> Option<Secret> {
    FROM_ENV.get().cloned().flatten()
}

/// Keyring errors carry D-Bus jargon; the user needs to know whether a keyring is missing
/// (install/unlock one) or something else went wrong.
fn classify(action: KeyringAction, error: keyring::Error) -> SecretError {
    let reason = error.to_string();
    match error {
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            SecretError::Unavailable(short_reason(&reason))
        }
        _ => SecretError::Failed {
            action,
            reason: short_reason(&reason),
        },
    }
}

fn short_reason(reason: &str) -> Reason {
    let lower = reason.to_ascii_lowercase();
    if lower.contains("org.freedesktop.secrets") || lower.contains("was not provided") {
        Reason::NoService
    } else if lower.contains("autolaunch") || lower.contains("dbus") {
        Reason::NoSession
    } else if lower.contains("noresult") || lower.contains("no result") || lower.contains("locked")
    {
        Reason::Locked
    } else {
        Reason::Other(reason.chars().take(120).collect())
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
            assert_eq!(short_reason(raw).to_string(), plain, "{raw}");
        }
    }
}
