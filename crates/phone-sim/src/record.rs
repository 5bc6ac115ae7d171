//! The request log: what clients sent, so tests can assert on the wire traffic itself
//! (that the passcode travelled, that `#` was encoded, how often a poller asked).
//!
//! Control API requests are not recorded: they come from the test harness, not the client
//! under test, and would otherwise pollute every count.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::params::Params;
use crate::sync::lock;

/// Records kept at most; the oldest are dropped first so a long benchmark cannot exhaust memory.
pub const MAX_RECORDS: usize = 100_000;

/// Which part of the phone a request addressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestKind {
    /// `/cgi-bin/api-*`.
    Cti,
    /// `/cgi-bin/access` or `/cgi-bin/dologin`.
    Login,
    /// Static files such as `/json/configs/model.define.js`.
    Static,
    /// Anything else (answered 404).
    Other,
}

/// One request as the phone received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// Position in the log since start (survives `clear_requests`).
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Path without the query.
    pub path: String,
    /// The CGI function (`api-get_line_status`, `dologin`, ...) for `/cgi-bin/` paths.
    pub function: Option<String>,
    /// Which part of the phone was addressed.
    pub kind: RequestKind,
    /// Query and form parameters, percent-decoded, in order.
    pub params: Params,
    /// The `Cookie` header(s).
    pub cookie: Option<String>,
    /// The `Referer` header.
    pub referer: Option<String>,
    /// The `Host` header.
    pub host: Option<String>,
    /// The client's address.
    pub peer: Option<SocketAddr>,
    /// Time since the simulator started, serialized as milliseconds.
    #[serde(rename = "elapsed_ms", with = "duration_ms")]
    pub elapsed: Duration,
}

impl RecordedRequest {
    /// The first value of parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name)
    }
}

/// Thread-safe, bounded request log.
#[derive(Debug)]
pub struct Recorder {
    started: Instant,
    inner: Mutex<Log>,
}

#[derive(Debug, Default)]
struct Log {
    next_seq: u64,
    entries: VecDeque<RecordedRequest>,
}

impl Recorder {
    /// An empty log whose times count from `started`.
    pub fn new(started: Instant) -> Recorder {
        Recorder {
            started,
            inner: Mutex::new(Log::default()),
        }
    }

    /// Time since start.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Appends a request, filling in `seq` and `elapsed`.
    pub fn push(&self, mut request: RecordedRequest) {
        request.elapsed = self.elapsed();
        let mut log = lock(&self.inner);
        request.seq = log.next_seq;
        log.next_seq += 1;
        if log.entries.len() >= MAX_RECORDS {
            log.entries.pop_front();
        }
        log.entries.push_back(request);
    }

    /// Every recorded request, oldest first.
    pub fn snapshot(&self) -> Vec<RecordedRequest> {
        lock(&self.inner).entries.iter().cloned().collect()
    }

    /// Forgets the recorded requests (sequence numbers keep counting).
    pub fn clear(&self) {
        lock(&self.inner).entries.clear();
    }
}

/// Serializes a [`Duration`] as (fractional) milliseconds, the unit tests and scripts want.
pub(crate) mod duration_ms {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64() * 1000.0)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let ms = f64::deserialize(d)?;
        Duration::try_from_secs_f64(ms / 1000.0).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(path: &str) -> RecordedRequest {
        RecordedRequest {
            seq: 0,
            method: "GET".into(),
            path: path.into(),
            function: None,
            kind: RequestKind::Other,
            params: Params::default(),
            cookie: None,
            referer: None,
            host: None,
            peer: None,
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn numbers_and_clears() {
        let rec = Recorder::new(Instant::now());
        rec.push(request("/a"));
        rec.push(request("/b"));
        let seen = rec.snapshot();
        assert_eq!(seen.len(), 2);
        assert_eq!((seen[0].seq, seen[1].seq), (0, 1));
        rec.clear();
        assert!(rec.snapshot().is_empty());
        rec.push(request("/c"));
        assert_eq!(rec.snapshot()[0].seq, 2);
    }

    #[test]
    fn serializes_elapsed_as_milliseconds() {
        let mut r = request("/x");
        r.elapsed = Duration::from_millis(1500);
        let json = serde_json::to_value(&r).expect("serializable");
        assert_eq!(json["elapsed_ms"], 1500.0);
        let back: RecordedRequest = serde_json::from_value(json).expect("deserializable");
        assert_eq!(back, r);
    }
}
