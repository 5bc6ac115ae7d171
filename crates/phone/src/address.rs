//! Phone and server addresses as people type them.
//!
//! Every HTTP-based backend (Grandstream, Yealink, XiVO) takes "the phone's address" from the
//! settings, the command line or a paste from a vendor guide, so one parser decides what is
//! usable and what leaks: it refuses logins and query strings in the address, because those
//! would then travel into logs and error messages.

use crate::error::PhoneError;
use url::Url;

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

/// `host[:port]` of a URL [`parse_phone_url`] accepted, for messages and labels: the port
/// only when it is not the scheme's default.
pub(crate) fn host_label(url: &Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// The address as typed, minus what may hold a password: anything after `?` or `#`, and a
/// `user:password@` before the host.
pub(crate) fn shown_address(address: &str) -> String {
    let visible = address.split(['?', '#']).next().unwrap_or_default();
    let (scheme, rest) = match visible.find("://") {
        Some(at) => visible.split_at(at + 3),
        None => ("", visible),
    };
    let host_part = match rest.find('/') {
        Some(slash) => &rest[..slash],
        None => rest,
    };
    let rest = match host_part.rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    };
    format!("{scheme}{rest}").chars().take(80).collect()
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

    #[test]
    fn a_login_in_the_address_never_shows_in_the_error() {
        for typed in [
            "http://admin:hunter2@10.0.0.5",
            "admin:hunter2@10.0.0.5",
            "https://admin:hunter%32@phone.local:8443/x",
            "http://a:b@c@10.0.0.5",
        ] {
            let err = parse_phone_url(typed).expect_err("refused");
            let text = format!("{err} {err:?}");
            assert!(!text.contains("hunter"), "{text}");
            assert!(!text.contains(":b@"), "{text}");
            assert!(
                text.contains("10.0.0.5") || text.contains("phone.local"),
                "{text}"
            );
        }
    }
}
