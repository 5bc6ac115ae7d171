//! Where the phone is and how to reach it.

use crate::address::parse_phone_url;
use crate::credentials::Credentials;
use crate::error::PhoneError;
use crate::tls::CertFingerprint;
use std::time::Duration;
use url::Url;

/// Everything a [`super::CtiClient`] needs.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// `http://10.0.0.5` or `https://phone.local:8443`; only scheme, host and port are used.
    pub url: Url,
    pub credentials: Credentials,
    /// The accepted certificate (HTTPS). `None` means "not accepted yet": every HTTPS request
    /// then fails with [`PhoneError::CertificateUnknown`], which carries the fingerprint to show.
    pub pinned_cert: Option<CertFingerprint>,
    pub connect_timeout: Duration,
    /// Whole-request limit. Wi-Fi handsets in power save take seconds to answer.
    pub request_timeout: Duration,
}

impl ClientConfig {
    /// Checks the address the way a user types it: `10.0.0.5` alone means `http://10.0.0.5`.
    pub fn new(address: &str, credentials: Credentials) -> Result<Self, PhoneError> {
        Ok(Self {
            url: parse_phone_url(address)?,
            credentials,
            pinned_cert: None,
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(5),
        })
    }

    pub fn with_pinned_cert(mut self, pin: Option<CertFingerprint>) -> Self {
        self.pinned_cert = pin;
        self
    }

    pub fn with_timeouts(mut self, connect: Duration, request: Duration) -> Self {
        self.connect_timeout = connect;
        self.request_timeout = request;
        self
    }

    /// `host[:port]`, for messages.
    pub(crate) fn host_label(&self) -> String {
        crate::address::host_label(&self.url)
    }
}
