//! Sending one push the way phones do: `GET <raw target> HTTP/1.1` written by hand on a TCP
//! stream, so spaces, `+` and UTF-8 reach the listener exactly as substituted.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{timeout, Instant};

/// Limit for connecting, writing and reading the status line of one push.
const IO_TIMEOUT: Duration = Duration::from_secs(3);

/// What became of one push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "lowercase")]
pub enum PushOutcome {
    /// The request was written; `status` is the listener's answer, if it sent a status line.
    Delivered {
        /// HTTP status the listener answered.
        status: Option<u16>,
    },
    /// Dropped on purpose by the loss fault ([`crate::PhoneSim::set_push_faults`]).
    Lost,
    /// The listener could not be reached or the URL was unusable.
    Failed {
        /// Why.
        error: String,
    },
}

/// Where a push goes: the `host:port` to connect to and the raw request target.
#[derive(Debug, PartialEq, Eq)]
struct RawTarget<'a> {
    /// `host[:port]` as the URL wrote it, for the `Host` header.
    authority: &'a str,
    connect: String,
    path: String,
}

impl<'a> RawTarget<'a> {
    /// Splits `http://authority/path?query` without validating or encoding anything.
    fn parse(url: &'a str) -> Option<RawTarget<'a>> {
        let scheme_end = url.find("://")?;
        if !url[..scheme_end].eq_ignore_ascii_case("http") {
            return None;
        }
        let rest = &url[scheme_end + 3..];
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let authority = &rest[..end];
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if host_port.is_empty() || host_port.contains(' ') {
            return None;
        }
        let has_port = match host_port.rfind(']') {
            Some(bracket) => host_port[bracket..].contains(':'),
            None => host_port.contains(':'),
        };
        let connect = if has_port {
            host_port.to_owned()
        } else {
            format!("{host_port}:80")
        };
        let path = match &rest[end..] {
            "" => "/".to_owned(),
            p if p.starts_with('?') => format!("/{p}"),
            p => p.to_owned(),
        };
        Some(RawTarget {
            authority: host_port,
            connect,
            path,
        })
    }
}

/// Writes `GET <raw path> HTTP/1.1` by hand so spaces and `+` reach the listener unencoded.
pub(crate) async fn send_raw(url: &str, user_agent: &str) -> PushOutcome {
    let Some(target) = RawTarget::parse(url) else {
        return PushOutcome::Failed {
            error: "not an http:// URL".to_owned(),
        };
    };
    let failed = |what: &str, e: &dyn std::fmt::Display| PushOutcome::Failed {
        error: format!("{what}: {e}"),
    };
    let mut stream = match timeout(IO_TIMEOUT, TcpStream::connect(&target.connect)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => return failed("connect", &e),
        Err(e) => return failed("connect", &e),
    };
    let request = format!(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {user_agent}\r\nAccept: */*\r\nConnection: close\r\n\r\n",
        target.path, target.authority
    );
    match timeout(IO_TIMEOUT, stream.write_all(request.as_bytes())).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return failed("write", &e),
        Err(e) => return failed("write", &e),
    }
    PushOutcome::Delivered {
        status: read_status(&mut stream).await,
    }
}

/// The status code of the listener's answer, if one arrives in time.
async fn read_status(stream: &mut TcpStream) -> Option<u16> {
    let mut buf = Vec::with_capacity(256);
    let mut chunk = [0u8; 256];
    let deadline = Instant::now() + IO_TIMEOUT;
    while !buf.windows(2).any(|w| w == b"\r\n") && buf.len() < 4096 {
        let read = tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await;
        match read {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => break,
        }
    }
    let line = String::from_utf8_lossy(&buf);
    let mut parts = line.split_whitespace();
    parts
        .next()
        .filter(|v| v.starts_with("HTTP/"))
        .and_then(|_| parts.next())
        .and_then(|code| code.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_raw_urls() {
        let t = RawTarget::parse("http://127.0.0.1:9000/ev?name=John Doe").expect("valid");
        assert_eq!(t.connect, "127.0.0.1:9000");
        assert_eq!(t.path, "/ev?name=John Doe");
        assert_eq!(
            (t.connect.as_str(), t.authority, t.path.as_str()),
            ("127.0.0.1:9000", "127.0.0.1:9000", "/ev?name=John Doe")
        );
        let t = RawTarget::parse("HTTP://user@localhost?x=1").expect("valid");
        assert_eq!(
            (t.authority, t.connect.as_str(), t.path.as_str()),
            ("localhost", "localhost:80", "/?x=1")
        );
        let t = RawTarget::parse("HTTP://localhost?x=1").expect("valid");
        assert_eq!(
            (t.connect.as_str(), t.path.as_str()),
            ("localhost:80", "/?x=1")
        );
        let t = RawTarget::parse("http://[::1]").expect("valid");
        assert_eq!(t.connect, "[::1]:80");
        assert!(RawTarget::parse("https://h/").is_none());
        assert!(RawTarget::parse("h/ev").is_none());
        assert!(RawTarget::parse("http:///ev").is_none());
        assert!(RawTarget::parse("http:///x").is_none());
    }
}
