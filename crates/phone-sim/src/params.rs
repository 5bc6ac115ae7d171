//! Request parameters: query strings, form bodies and cookies, decoded the way the phone does.
//!
//! Both the CTI and the control API accept the same parameters in the query string and, for
//! POST, in an `application/x-www-form-urlencoded` body, so one decoder serves both. Decoding is
//! lossy rather than failing: the phone answers every request, however odd its bytes.

use axum::http::header::{CONTENT_TYPE, COOKIE};
use axum::http::HeaderMap;
use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};

/// Decoded `name=value` pairs in request order (query first, then body).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// Pairs of `query` plus, when the body is a form (or untyped, as from scripts), of `body`.
    pub fn from_request(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Params {
        let mut pairs = query.map(parse_urlencoded).unwrap_or_default();
        if !body.is_empty() && is_form(headers) {
            pairs.extend(parse_urlencoded(&String::from_utf8_lossy(body)));
        }
        Params(pairs)
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Splits and decodes `a=1&b=x+y%21`: `+` is a space, `%XX` a byte, invalid UTF-8 is replaced.
pub fn parse_urlencoded(input: &str) -> Vec<(String, String)> {
    input
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            (decode_component(name), decode_component(value))
        })
        .collect()
}

fn decode_component(raw: &str) -> String {
    let spaced = raw.replace('+', " ");
    percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
}

fn is_form(headers: &HeaderMap) -> bool {
    match headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(ct) => {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("application/x-www-form-urlencoded") || ct.starts_with("text/plain")
        }
    }
}

/// All `Cookie` headers joined, as recorded for tests.
pub fn cookie_header(headers: &HeaderMap) -> Option<String> {
    let joined: Vec<&str> = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    (!joined.is_empty()).then(|| joined.join("; "))
}

/// The value of cookie `name`, from any `Cookie` header.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn decodes_plus_percent_and_utf8() {
        let pairs = parse_urlencoded("keys=%23:STAR&name=Zo%C3%AB+M%C3%BCller&flag&&x=%ZZ");
        assert_eq!(
            pairs,
            vec![
                ("keys".into(), "#:STAR".into()),
                ("name".into(), "Zoë Müller".into()),
                ("flag".into(), String::new()),
                ("x".into(), "%ZZ".into()),
            ]
        );
    }

    #[test]
    fn form_bodies_join_the_query() {
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let params = Params::from_request(Some("a=1"), &headers, b"a=2&b=3");
        assert_eq!(params.get("a"), Some("1"));
        assert_eq!(params.get("b"), Some("3"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let params = Params::from_request(None, &headers, b"b=3");
        assert_eq!(params.get("b"), None);
    }

    #[test]
    fn finds_cookies() {
        let mut headers = HeaderMap::new();
        headers.append(COOKIE, HeaderValue::from_static("a=1; sid=abc"));
        headers.append(COOKIE, HeaderValue::from_static("b=2"));
        assert_eq!(cookie(&headers, "sid").as_deref(), Some("abc"));
        assert_eq!(cookie(&headers, "b").as_deref(), Some("2"));
        assert_eq!(cookie(&headers, "c"), None);
        assert_eq!(
            cookie_header(&headers).as_deref(),
            Some("a=1; sid=abc; b=2")
        );
    }
}
