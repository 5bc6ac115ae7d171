//! What the simulator test binaries share: a plain HTTP client and query strings.

// Each test binary is its own crate and uses only part of this.
#![allow(dead_code)]

use std::time::Duration;

use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

/// A plain HTTP client that never goes through a proxy. reqwest is built without a crypto
/// provider in this workspace, so one is installed for the process first (it is never used
/// on plain HTTP).
pub fn plain_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client builds")
}

/// `url?k=v&...` with every name and value percent-encoded (`#` → `%23`, space → `%20`).
pub fn with_query(url: &str, query: &[(&str, &str)]) -> String {
    if query.is_empty() {
        return url.to_owned();
    }
    let pairs: Vec<String> = query
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                utf8_percent_encode(k, NON_ALPHANUMERIC),
                utf8_percent_encode(v, NON_ALPHANUMERIC)
            )
        })
        .collect();
    format!("{url}?{}", pairs.join("&"))
}
