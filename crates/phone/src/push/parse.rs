//! The request parser: pure and lenient where real phones are sloppy, strict where an attacker
//! could gain anything.
//!
//! Real phones substitute `$variables` without encoding them (see `phone-apis.md`, section 2),
//! so a request line looks like
//! `GET /cp/TOKEN/in?n=+1555 0100&d=John Doe&c=abc@pbx HTTP/1.1`: the target runs from after
//! the method to the **last** ` HTTP/1.x`, spaces included. Values are percent-decoded (`%XX`
//! only: a `+` stays a `+`, it is not form-decoded to a space), a literal placeholder such as
//! `$display_remote` means "no value", and an unencoded `&` inside a display name
//! (`Smith & Sons`) is kept with the value it belongs to.
//!
//! Everything else is refused with a reason the listener turns into a short status code:
//! anything but `GET`/`POST`, a head over [`MAX_HEAD`] bytes, control characters or invalid
//! UTF-8 in the request line, and any path that is not `/cp/<token>/<event>` with the right
//! token (compared in constant time).

use crate::model::{CallHint, Direction, HintKind};
use percent_encoding::percent_decode_str;
use sha2::{Digest, Sha256};

/// The longest request head (request line and headers) accepted. Real pushes are under 400
/// bytes; Action URLs over ~256 characters are dropped by the phones themselves.
pub const MAX_HEAD: usize = 2048;

/// The path prefix of callpop's Action URLs: `/cp/<token>/<event>`.
pub const PATH_PREFIX: &str = "/cp/";

/// Longest value kept from a query parameter, in characters.
const MAX_VALUE_CHARS: usize = 128;

/// Why a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// The head ended before the request line did.
    Incomplete,
    /// Over [`MAX_HEAD`] bytes without the end of the head.
    TooLarge,
    /// The request line is not text (invalid UTF-8 or control characters).
    NotText,
    /// Not an HTTP/1.x request line.
    Malformed,
    /// A method other than `GET` or `POST`.
    Method,
    /// Not `/cp/<token>/...`, or the wrong token. One answer for both: a prober learns nothing.
    NotFound,
    /// The right token, but no event named.
    NoEvent,
}

impl Refusal {
    /// The HTTP status the listener answers with.
    pub fn status(self) -> u16 {
        match self {
            Self::TooLarge => 431,
            Self::Method => 405,
            Self::NotFound => 404,
            Self::Incomplete | Self::NotText | Self::Malformed | Self::NoEvent => 400,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Incomplete => "incomplete request",
            Self::TooLarge => "request too large",
            Self::NotText => "request line is not text",
            Self::Malformed => "not an HTTP request",
            Self::Method => "method not allowed",
            Self::NotFound => "wrong path or token",
            Self::NoEvent => "no event named",
        }
    }
}

/// Where the head (request line and headers) ends: the index just past the blank line, or
/// `None` while it has not arrived. Bare `\n` line ends are accepted.
pub fn head_end(buf: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(pos) = buf[i..].iter().position(|b| *b == b'\n') {
        let nl = i + pos;
        let next = &buf[nl + 1..];
        if next.starts_with(b"\n") {
            return Some(nl + 2);
        }
        if next.starts_with(b"\r\n") {
            return Some(nl + 3);
        }
        i = nl + 1;
    }
    None
}

/// Method and target of the request line at the start of `head`.
pub fn request_target(head: &[u8]) -> Result<(&str, &str), Refusal> {
    let line_end = head
        .iter()
        .position(|b| *b == b'\n')
        .ok_or(if head.len() > MAX_HEAD {
            Refusal::TooLarge
        } else {
            Refusal::Incomplete
        })?;
    if line_end > MAX_HEAD {
        return Err(Refusal::TooLarge);
    }
    let raw = &head[..line_end];
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let line = std::str::from_utf8(raw).map_err(|_| Refusal::NotText)?;
    if line.chars().any(|c| c.is_control() && c != '\t') {
        return Err(Refusal::NotText);
    }
    let (method, rest) = line.split_once(' ').ok_or(Refusal::Malformed)?;
    // The LAST " HTTP/1.x": values may hold spaces, even the text "HTTP/".
    let version_at = rest.rfind(" HTTP/1.").ok_or(Refusal::Malformed)?;
    let version = rest[version_at + 1..].trim_end();
    if !matches!(version, "HTTP/1.0" | "HTTP/1.1") {
        return Err(Refusal::Malformed);
    }
    let target = rest[..version_at].trim_matches(' ');
    if target.is_empty() {
        return Err(Refusal::Malformed);
    }
    if !matches!(method, "GET" | "POST") {
        return Err(Refusal::Method);
    }
    Ok((method, target))
}

/// Parses a complete request head into the event it pushes, checking the token.
pub fn parse_push(head: &[u8], token: &str) -> Result<CallHint, Refusal> {
    let (_, target) = request_target(head)?;
    parse_target(target, token)
}

/// Parses a request target (`/cp/TOKEN/in?n=...`, or the absolute form
/// `http://host:port/cp/...`) into the event it pushes, checking the token.
pub fn parse_target(target: &str, token: &str) -> Result<CallHint, Refusal> {
    let target = strip_origin(target);
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let rest = path.strip_prefix(PATH_PREFIX).ok_or(Refusal::NotFound)?;
    let (given, event_word) = rest.split_once('/').unwrap_or((rest, ""));
    if token.is_empty() || !same_secret(given, token) {
        return Err(Refusal::NotFound);
    }
    let params = Params::parse(query);
    let event_word = event_word.trim_matches('/');
    let event_word = if event_word.is_empty() {
        params.get(&["e", "event"]).ok_or(Refusal::NoEvent)?
    } else {
        event_word.to_owned()
    };
    if event_word.is_empty() {
        return Err(Refusal::NoEvent);
    }
    let mut event = CallHint::new(HintKind::from_name(&event_word));
    event.number = number_of(
        &params
            .get(&["n", "num", "number", "remote"])
            .unwrap_or_default(),
    );
    event.name = params
        .get(&["d", "name", "display", "display_remote"])
        .unwrap_or_default();
    event.call_id = params
        .get(&["c", "cid", "id", "call-id", "call_id", "callid"])
        .unwrap_or_default();
    event.local = params
        .get(&["u", "l", "local", "active_user", "user"])
        .unwrap_or_default();
    event.direction = params
        .get(&["r", "dir", "direction", "calldirection"])
        .and_then(|d| direction(&d));
    Ok(event)
}

/// The token a request target presents (`/cp/<token>/...`), before it is checked.
pub fn presented_token(target: &str) -> Option<&str> {
    let target = strip_origin(target);
    let path = target.split('?').next().unwrap_or(target);
    let rest = path.strip_prefix(PATH_PREFIX)?;
    Some(rest.split('/').next().unwrap_or(rest))
}

/// The number in a pushed `$remote`: some phones send the SIP URI (`sip:+1555@10.0.0.1`);
/// the user part is the number, the host is not.
fn number_of(remote: &str) -> String {
    let lower = remote.to_ascii_lowercase();
    match ["sips:", "sip:", "tel:"]
        .iter()
        .find(|s| lower.starts_with(*s))
    {
        Some(scheme) => remote[scheme.len()..]
            .split(['@', ';'])
            .next()
            .unwrap_or_default()
            .to_owned(),
        None => remote.to_owned(),
    }
}

/// `http://host:port/path` → `/path` (a proxy-style request line).
fn strip_origin(target: &str) -> &str {
    let lower_starts = |p: &str| {
        target
            .get(..p.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(p))
    };
    for scheme in ["http://", "https://"] {
        if lower_starts(scheme) {
            let rest = &target[scheme.len()..];
            return rest.find('/').map_or("/", |i| &rest[i..]);
        }
    }
    target
}

/// Compares a presented token with the real one without leaking, through timing, how much of
/// it matched (or how long it is): both are hashed, then the digests are compared in full.
pub(crate) fn same_secret(given: &str, real: &str) -> bool {
    let a = Sha256::digest(given.as_bytes());
    let b = Sha256::digest(real.as_bytes());
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

fn direction(value: &str) -> Option<Direction> {
    match value.to_ascii_lowercase().as_str() {
        "incoming" | "in" | "inbound" | "received" => Some(Direction::Incoming),
        "outgoing" | "out" | "outbound" | "dialed" | "placed" => Some(Direction::Outgoing),
        _ => None,
    }
}

/// Query parameters, split leniently.
struct Params<'a> {
    pairs: Vec<(&'a str, String)>,
}

impl<'a> Params<'a> {
    /// Splits at `&`, but a piece that does not start like `key=` belongs to the value before
    /// it: phones do not encode the `&` in `Smith & Sons`.
    fn parse(query: &'a str) -> Self {
        let mut raw: Vec<(&'a str, String)> = Vec::new();
        for piece in query.split('&') {
            match piece.split_once('=') {
                Some((key, value)) if looks_like_key(key) => raw.push((key, value.to_owned())),
                _ => {
                    if let Some((_, value)) = raw.last_mut() {
                        value.push('&');
                        value.push_str(piece);
                    }
                }
            }
        }
        Self {
            pairs: raw.into_iter().map(|(k, v)| (k, clean(&v))).collect(),
        }
    }

    /// The first value under any of `keys` (case-insensitive), if one is non-empty.
    fn get(&self, keys: &[&str]) -> Option<String> {
        self.pairs
            .iter()
            .find(|(k, v)| !v.is_empty() && keys.iter().any(|want| k.eq_ignore_ascii_case(want)))
            .map(|(_, v)| v.clone())
    }
}

fn looks_like_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && key.len() <= 32
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Percent-decodes (`%XX` only; `+` stays), drops control characters, trims, caps the length,
/// and turns a leftover placeholder (`$remote`) into nothing.
fn clean(raw: &str) -> String {
    let decoded = percent_decode_str(raw).decode_utf8_lossy();
    let text: String = decoded
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(MAX_VALUE_CHARS)
        .collect();
    let text = text.trim_end().to_owned();
    if is_placeholder(&text) {
        String::new()
    } else {
        text
    }
}

/// `$remote`, `$display_remote`, `$call-id`: a variable the phone had no value for.
fn is_placeholder(value: &str) -> bool {
    value.strip_prefix('$').is_some_and(|name| {
        let mut chars = name.chars();
        chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "T0kenT0kenT0kenT0kenT0ken";

    fn push(line: &str) -> Result<CallHint, Refusal> {
        parse_push(format!("{line}\r\nHost: pc\r\n\r\n").as_bytes(), TOKEN)
    }

    #[test]
    fn a_sip_uri_number_is_its_user_part() {
        let e = push(&format!(
            "GET /cp/{TOKEN}/miss?n=sip:+15555550100@10.0.0.1 HTTP/1.1"
        ))
        .expect("push");
        assert_eq!(e.number, "+15555550100");
        let e = push(&format!(
            "GET /cp/{TOKEN}/in?n=SIPS:203@pbx;user=phone HTTP/1.1"
        ))
        .expect("push");
        assert_eq!(e.number, "203");
    }

    #[test]
    fn raw_spaces_plus_and_placeholders() {
        let e = push(&format!(
            "GET /cp/{TOKEN}/in?n=+1555 0100&d=John Doe&c=abc-1@pbx&u=$local HTTP/1.1"
        ))
        .expect("valid");
        assert_eq!(e.kind, HintKind::Incoming);
        assert_eq!(e.number, "+1555 0100");
        assert_eq!(e.name, "John Doe");
        assert_eq!(e.call_id, "abc-1@pbx");
        assert_eq!(e.local, "");
        let e = push(&format!(
            "GET /cp/{TOKEN}/miss?n=%2B49%2030&d=$display_remote&c=$call-id HTTP/1.0"
        ))
        .expect("valid");
        assert_eq!((e.kind, e.number.as_str()), (HintKind::Missed, "+49 30"));
        assert_eq!((e.name.as_str(), e.call_id.as_str()), ("", ""));
    }

    #[test]
    fn grandstream_and_yealink_names() {
        let e = push(&format!(
            "GET /cp/{TOKEN}/incoming_call?remote=203&display_remote=Виталик Ш&call_id=77&calldirection=incoming HTTP/1.1"
        ))
        .expect("valid");
        assert_eq!(e.kind, HintKind::Incoming);
        assert_eq!((e.number.as_str(), e.name.as_str()), ("203", "Виталик Ш"));
        assert_eq!(e.call_id, "77");
        assert_eq!(e.direction, Some(Direction::Incoming));
        let e = push(&format!(
            "GET /cp/{TOKEN}?event=call_terminated&call-id=9 HTTP/1.1"
        ))
        .expect("event in the query");
        assert_eq!((e.kind, e.call_id.as_str()), (HintKind::Terminated, "9"));
        let e = push(&format!(
            "GET http://10.0.0.2:8787/cp/{TOKEN}/offhook HTTP/1.1"
        ))
        .expect("absolute form");
        assert_eq!(e.kind, HintKind::Other("offhook".into()));
    }

    #[test]
    fn unencoded_ampersand_and_http_in_a_name() {
        let e = push(&format!(
            "GET /cp/{TOKEN}/in?n=1&d=Smith & Sons HTTP/1.1 Ltd&c=x HTTP/1.1"
        ))
        .expect("valid");
        assert_eq!(e.name, "Smith & Sons HTTP/1.1 Ltd");
        assert_eq!(e.call_id, "x");
    }

    #[test]
    fn refusals() {
        let cases: [(&[u8], Refusal); 9] = [
            (b"GET /cp/wrong/in?n=1 HTTP/1.1\r\n\r\n", Refusal::NotFound),
            (b"GET /other HTTP/1.1\r\n\r\n", Refusal::NotFound),
            (b"DELETE /cp/x/in HTTP/1.1\r\n\r\n", Refusal::Method),
            (b"GET /cp/x/in\r\n\r\n", Refusal::Malformed),
            (b"GET /cp/x/in HTTP/2.0\r\n\r\n", Refusal::Malformed),
            (b"GET /cp/\xff\xfe HTTP/1.1\r\n\r\n", Refusal::NotText),
            (b"GET /cp/\x00 HTTP/1.1\r\n\r\n", Refusal::NotText),
            (b"GET /cp/x", Refusal::Incomplete),
            (b"\r\n\r\n", Refusal::Malformed),
        ];
        for (head, want) in cases {
            assert_eq!(
                parse_push(head, TOKEN),
                Err(want),
                "{}",
                String::from_utf8_lossy(head)
            );
        }
        let no_event = format!("GET /cp/{TOKEN}/ HTTP/1.1\r\n\r\n");
        assert_eq!(
            parse_push(no_event.as_bytes(), TOKEN),
            Err(Refusal::NoEvent)
        );
        // An empty configured token never matches.
        assert_eq!(
            parse_push(b"GET /cp//in HTTP/1.1\r\n\r\n", ""),
            Err(Refusal::NotFound)
        );
        let long = format!("GET /cp/{TOKEN}/in?d={} HTTP/1.1\r\n", "x".repeat(MAX_HEAD));
        assert_eq!(parse_push(long.as_bytes(), TOKEN), Err(Refusal::TooLarge));
    }

    #[test]
    fn head_end_accepts_bare_newlines() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n\r\nrest"), Some(24));
        assert_eq!(head_end(b"GET / HTTP/1.1\n\n"), Some(16));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n"), None);
    }

    #[test]
    fn values_are_capped_and_cleaned() {
        let e = push(&format!(
            "GET /cp/{TOKEN}/in?d=%0D%0AX-Evil:%201{}&n=%E2%82%AC%ZZ HTTP/1.1",
            "y".repeat(300)
        ))
        .expect("valid");
        assert!(e.name.starts_with("X-Evil: 1y"));
        assert_eq!(e.name.chars().count(), MAX_VALUE_CHARS);
        assert_eq!(e.number, "€%ZZ");
    }
}
