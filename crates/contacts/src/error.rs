//! What can go wrong while reading or syncing contacts, in words a desk worker can act on.
//!
//! Lookups never return these: a ringing call gets a name or no name, and the reason a source
//! failed is kept for the settings page ([`crate::Directory::source_status`]). Sync and the
//! settings page's test buttons return them as they are.
//!
//! No message carries a password, token or an `Authorization` header: secrets are passed
//! around as [`crate::Secret`], which never prints its content.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum ContactsError {
    #[error("The contacts file {path} cannot be read: {reason}")]
    FileUnreadable { path: PathBuf, reason: String },

    #[error("The contacts file {path} is neither a vCard (.vcf) nor a CSV file callpop understands: {reason}")]
    FileFormat { path: PathBuf, reason: String },

    #[error("The local contacts cache {path} cannot be used: {reason}. Close other callpop instances, or delete the file to rebuild it")]
    Store { path: PathBuf, reason: String },

    #[error("“{value}” is not a usable address for {what}: {reason}")]
    BadAddress {
        what: &'static str,
        value: String,
        reason: String,
    },

    #[error("{source_label}: the password is missing. Enter it in Settings → Contacts")]
    MissingSecret { source_label: String },

    #[error("{source_label}: the server refused the user name or password (HTTP {status}). Check them in Settings → Contacts")]
    AuthRejected { source_label: String, status: u16 },

    #[error("{source_label}: cannot reach {host}: {reason}")]
    Unreachable {
        source_label: String,
        host: String,
        reason: String,
    },

    #[error("{source_label}: the server did not answer within {seconds:.1} s")]
    TimedOut { source_label: String, seconds: f64 },

    #[error("{source_label}: the server answered HTTP {status} for {what}")]
    HttpStatus {
        source_label: String,
        what: String,
        status: u16,
    },

    #[error("{source_label}: the server sent a redirect to another address ({location}); callpop does not follow it so the password is not sent elsewhere. Enter the final address in Settings → Contacts")]
    RedirectRefused {
        source_label: String,
        location: String,
    },

    #[error("{source_label}: the answer is larger than {limit} bytes, so it was not read")]
    TooLarge { source_label: String, limit: u64 },

    #[error("{source_label}: the server's answer cannot be understood: {reason}")]
    BadResponse {
        source_label: String,
        reason: String,
    },

    #[error("{source_label}: {url} is not an address book. Use Find address books in Settings → Contacts to pick one")]
    NotAnAddressBook { source_label: String, url: String },

    #[error("LDAP: {reason}")]
    Ldap { reason: String },

    #[error("The TLS setup failed: {reason}")]
    Tls { reason: String },
}

impl ContactsError {
    pub(crate) fn store(path: &std::path::Path, err: impl std::fmt::Display) -> Self {
        Self::Store {
            path: path.to_path_buf(),
            reason: err.to_string(),
        }
    }
}
