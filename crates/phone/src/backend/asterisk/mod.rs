//! An Asterisk PBX through its manager interface (AMI). Being written.

use crate::backend::Backend;
use crate::credentials::Secret;
use crate::error::PhoneError;
use crate::rejections::RejectedLogins;
use crate::settings::AsteriskSettings;
use std::sync::Arc;

/// The backend for these settings.
pub fn open(
    _settings: &AsteriskSettings,
    _secret: Secret,
    _memory: Arc<RejectedLogins>,
) -> Result<Arc<dyn Backend>, PhoneError> {
    Err(PhoneError::NotSupported {
        function: "the Asterisk connection".to_owned(),
    })
}
