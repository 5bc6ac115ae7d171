//! HTTP for CardDAV and the CRM: certificate checks, redirects and size limits.
//!
//! Certificates are verified with the operating system's verifier and trust store
//! (`rustls-platform-verifier`): on Linux that is the system CA bundle, so a company CA that
//! IT installed on the machine is trusted just as the browser trusts it, and public servers
//! (Nextcloud hosting, a SaaS CRM) work without extra setup. A fixed bundle compiled in
//! (webpki-roots) would reject exactly the internal servers offices run. The crypto provider
//! is ring, the one the workspace builds; nothing is installed process-wide.
//!
//! Redirects are followed only to the same scheme, host and port, at most 5 times: a
//! redirect elsewhere would carry the password or token to another server. Such a redirect
//! is returned as the final response, which callers turn into an error naming the target.

use std::sync::Arc;
use std::time::Duration;

use rustls_platform_verifier::BuilderVerifierExt;

use crate::error::ContactsError;

/// A TLS client configuration that verifies servers with the platform's trust store.
pub(crate) fn tls_config() -> Result<rustls::ClientConfig, ContactsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = |e: rustls::Error| ContactsError::Tls {
        reason: e.to_string(),
    };
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls)?
        .with_platform_verifier()
        .map_err(tls)?
        .with_no_client_auth())
}

/// An HTTP client with the given total timeout per request.
pub(crate) fn client(timeout: Duration) -> Result<reqwest::Client, ContactsError> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_some_and(|first| first.origin() == attempt.url().origin());
        if attempt.previous().len() > 5 {
            attempt.error("too many redirects")
        } else if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    reqwest::Client::builder()
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .timeout(timeout)
        .redirect(policy)
        .pool_max_idle_per_host(2)
        .user_agent(concat!("callpop/", env!("CARGO_PKG_VERSION")))
        .tls_backend_preconfigured(tls_config()?)
        .build()
        .map_err(|e| ContactsError::Tls {
            reason: e.without_url().to_string(),
        })
}

/// Why a request failed, in the user's words.
pub(crate) fn request_error(
    source_label: &str,
    timeout: Duration,
    err: reqwest::Error,
) -> ContactsError {
    let host = err
        .url()
        .and_then(|u| u.host_str())
        .unwrap_or("the server")
        .to_owned();
    if err.is_timeout() {
        return ContactsError::TimedOut {
            source_label: source_label.to_owned(),
            seconds: timeout.as_secs_f64(),
        };
    }
    ContactsError::Unreachable {
        source_label: source_label.to_owned(),
        host,
        reason: describe_source_chain(&err.without_url()),
    }
}

fn describe_source_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        source = inner.source();
    }
    text
}

/// Reads a response body, refusing more than `limit` bytes (checked on the announced length
/// and while reading, so a server cannot make callpop buffer an endless answer).
pub(crate) async fn read_limited(
    source_label: &str,
    timeout: Duration,
    mut response: reqwest::Response,
    limit: u64,
) -> Result<Vec<u8>, ContactsError> {
    let too_large = || ContactsError::TooLarge {
        source_label: source_label.to_owned(),
        limit,
    };
    if response.content_length().is_some_and(|len| len > limit) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| request_error(source_label, timeout, e))?
    {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The error for a redirect that was not followed.
pub(crate) fn redirect_refused(source_label: &str, response: &reqwest::Response) -> ContactsError {
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(|l| {
            // Only scheme, host and path: a query might carry a token.
            match response.url().join(l) {
                Ok(mut url) => {
                    url.set_query(None);
                    let _ = url.set_password(None);
                    let _ = url.set_username("");
                    url.to_string()
                }
                Err(_) => "an address callpop cannot read".to_owned(),
            }
        })
        .unwrap_or_else(|| "an unknown address".to_owned());
    ContactsError::RedirectRefused {
        source_label: source_label.to_owned(),
        location,
    }
}
