//! Errors as the windows receive them: `{kind, message}`, plus the certificate fingerprint
//! when there is one to accept.

use callpop_phone::PhoneError;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct CommandError {
    pub kind: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

impl CommandError {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        Self {
            kind: kind.to_owned(),
            message: message.into(),
            fingerprint: None,
        }
    }

    pub fn no_phone() -> Self {
        Self::new(
            "not_configured",
            "No phone is connected yet. Set up your phone in Settings.",
        )
    }
}

impl From<PhoneError> for CommandError {
    fn from(e: PhoneError) -> Self {
        let fingerprint = match &e {
            PhoneError::CertificateUnknown { fingerprint, .. } => Some(fingerprint.clone()),
            PhoneError::CertificateChanged { actual, .. } => Some(actual.clone()),
            _ => None,
        };
        Self {
            kind: e.kind().to_owned(),
            message: e.to_string(),
            fingerprint,
        }
    }
}

impl From<crate::secrets::SecretError> for CommandError {
    fn from(e: crate::secrets::SecretError) -> Self {
        Self::new("keyring", e.to_string())
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
