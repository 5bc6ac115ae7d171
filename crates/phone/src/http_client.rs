//! The HTTP client every phone and PBX connection is made of: its settings, bounded reading
//! of answers, and transport failures in words that never carry a URL.

use crate::error::PhoneError;
use crate::tls::{pinned_tls_config, CertFingerprint, PinningVerifier};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// What every client shares: the time limits, no redirects, callpop's `User-Agent`, and
/// never a proxy from the environment (`HTTP(S)_PROXY`): the login travels with the requests
/// (a passcode even in the URL), and phones and PBXs are on the local network anyway.
/// reqwest is built without a default TLS provider: the caller adds the certificate rules.
pub(crate) fn builder(
    connect_timeout: Duration,
    request_timeout: Duration,
) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(request_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(concat!("callpop/", env!("CARGO_PKG_VERSION")))
}

/// A desk phone's client, trusting exactly the certificate `pin` (before the user accepted
/// one, none) on `https://`; the verifier is returned for `https://` URLs, to report
/// refusals. Errors name the phone as `host`.
pub(crate) fn pinned_client(
    url: &Url,
    host: &str,
    pin: Option<CertFingerprint>,
    connect_timeout: Duration,
    request_timeout: Duration,
) -> Result<(reqwest::Client, Option<Arc<PinningVerifier>>), PhoneError> {
    // Every client gets the pinning configuration; on plain HTTP it is simply never used.
    let (rustls_config, verifier) = pinned_tls_config(pin)
        .map_err(|e| PhoneError::BadAddress(host.to_owned(), format!("TLS setup: {e}")))?;
    let http = builder(connect_timeout, request_timeout)
        .pool_max_idle_per_host(2)
        .tls_backend_preconfigured(rustls_config)
        .build()
        .map_err(|e| PhoneError::BadAddress(host.to_owned(), e.without_url().to_string()))?;
    Ok((http, (url.scheme() == "https").then_some(verifier)))
}

/// The answer's body as text, cut off after `max` bytes: a phone's answer is a few
/// kilobytes, and a hostile or broken peer must not make callpop buffer without bound.
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    max: usize,
) -> Result<String, reqwest::Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = max.saturating_sub(bytes.len());
        bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if room <= chunk.len() {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The innermost cause of `error`, which is the useful part ("Connection refused (os error
/// 111)"); the outer layers only say "error sending request for url (...)", with the URL.
pub(crate) fn innermost_cause(error: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// Why a desk phone could not be reached, in words: the innermost cause, never a URL.
pub(crate) fn root_cause(error: &reqwest::Error) -> String {
    let text = innermost_cause(error);
    if text.contains("http://") || text.contains("https://") || text.contains("passcode") {
        // Should never happen for a root cause, but a URL must never leak.
        return "the connection failed".to_owned();
    }
    if text.contains("connection closed before message completed") {
        return "the phone closed the connection without answering".to_owned();
    }
    text
}
