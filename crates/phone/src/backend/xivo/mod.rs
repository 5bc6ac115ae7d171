//! A XiVO PBX through its xuc CTI server. Being written.

use crate::backend::Backend;
use crate::credentials::Secret;
use crate::error::PhoneError;
use crate::rejections::RejectedLogins;
use crate::settings::XivoSettings;
use std::sync::Arc;

/// The backend for these settings.
pub fn open(
    _settings: &XivoSettings,
    _secret: Secret,
    _memory: Arc<RejectedLogins>,
) -> Result<Arc<dyn Backend>, PhoneError> {
    Err(PhoneError::NotSupported {
        function: "the XiVO connection".to_owned(),
    })
}
