//! A Yealink phone: Action URI control, Action URL events. Being written.

use crate::backend::Backend;
use crate::credentials::Secret;
use crate::error::PhoneError;
use crate::rejections::RejectedLogins;
use crate::settings::YealinkSettings;
use std::sync::Arc;

/// The backend for these settings.
pub fn open(
    _settings: &YealinkSettings,
    _secret: Secret,
    _memory: Arc<RejectedLogins>,
) -> Result<Arc<dyn Backend>, PhoneError> {
    Err(PhoneError::NotSupported {
        function: "the Yealink connection".to_owned(),
    })
}
