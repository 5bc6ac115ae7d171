//! Errors as the windows receive them: `{kind, message, params}`, plus the certificate
//! fingerprint when there is one to accept. `message` is in the user's language; where the
//! catalog has `error-<kind>` (for kind `refused`: `refusal-<params.refusal>`), that message
//! with `params` says the same (the pages may use it).

use crate::i18n;
use callpop_phone::backend::checklist::SetupChecklist;
use callpop_phone::error::Params;
use callpop_phone::number::NumberError;
use callpop_phone::settings::SettingsError;
use callpop_phone::PhoneError;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct CommandError {
    pub kind: String,
    pub message: String,
    pub params: Params,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Test connection: what the failed test still proved about the phone's switches
    /// (boxed: every command's error carries this field, rarely filled).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checklist: Option<Box<SetupChecklist>>,
}

impl CommandError {
    /// An error `kind` with its message, already in the user's language.
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        Self {
            kind: kind.to_owned(),
            message: message.into(),
            params: Params::new(),
            fingerprint: None,
            checklist: None,
        }
    }

    /// The app's own error `kind`, said by the catalog's `error-<kind>` with `params`.
    pub fn app(kind: &str, params: Params) -> Self {
        Self {
            message: i18n::tr_params(&format!("error-{kind}"), &params),
            params,
            ..Self::new(kind, "")
        }
    }

    pub fn no_phone() -> Self {
        Self::app("not_configured", Params::new())
    }

    /// Text that cannot be dialled (`bad_number`, with the number error's values).
    pub fn number(e: &NumberError) -> Self {
        Self {
            params: e.params(),
            ..Self::new("bad_number", i18n::number_error(e))
        }
    }

    /// Settings that cannot be used or saved, as `kind`.
    pub fn settings(kind: &str, e: &SettingsError) -> Self {
        Self {
            params: e.params(),
            ..Self::new(kind, i18n::settings_error(e))
        }
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
            message: i18n::phone_error(&e),
            params: e.params(),
            fingerprint,
            checklist: None,
        }
    }
}

impl From<crate::secrets::SecretError> for CommandError {
    fn from(e: crate::secrets::SecretError) -> Self {
        Self::new("keyring", e.text())
    }
}

pub type CommandResult<T> = Result<T, CommandError>;
