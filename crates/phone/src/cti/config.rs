//! Where the phone is and how to reach it.

use super::tls::CertFingerprint;
use crate::credentials::Credentials;
use crate::error::PhoneError;
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
        let host = self.url.host_str().unwrap_or("?");
        match self.url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        }
    }
}

/// Parses a phone address. Refuses what would misbehave later: other schemes, a user name or
/// password in the URL, and especially a query string (people paste
/// `http://phone/cgi-bin/...?passcode=...` straight from the guides).
pub fn parse_phone_url(address: &str) -> Result<Url, PhoneError> {
    let trimmed = address.trim();
    let bad = |why: &str| PhoneError::BadAddress(shown_address(trimmed), why.to_owned());
    if trimmed.is_empty() {
        return Err(bad("no address is set"));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("http://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| bad(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("it must start with http:// or https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host name or IP address"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "put the login in the passcode field, not in the address",
        ));
    }
    if url.query().is_some() {
        return Err(bad(
            "it must be just the phone's address; put the passcode in the passcode field",
        ));
    }
    let mut base = url;
    base.set_path("/");
    base.set_fragment(None);
    Ok(base)
}

/// The address as typed, minus anything after `?` (which may hold a passcode).
fn shown_address(address: &str) -> String {
    let visible = address.split('?').next().unwrap_or_default();
    visible.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(
            parse_phone_url("10.0.0.5").map(|u| u.to_string()),
            Ok("http://10.0.0.5/".to_owned())
        );
        assert_eq!(
            parse_phone_url(" https://phone.local:8443/cgi-bin ").map(|u| u.to_string()),
            Ok("https://phone.local:8443/".to_owned())
        );
        for bad in ["", "ftp://x", "http://", "http://a:b@x"] {
            assert!(parse_phone_url(bad).is_err(), "{bad}");
        }
        let err = parse_phone_url("http://10.0.0.5/cgi-bin/api-get_line_status?passcode=hunter2")
            .expect_err("query refused");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
