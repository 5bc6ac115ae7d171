//! Action URL pushes: the phone tells a listener about call events by plain HTTP GET.
//!
//! The point is to reproduce what makes real pushes hard to receive, so listeners get tested
//! against it:
//! - values are substituted **unencoded**, so display names put raw spaces (and raw UTF-8) into
//!   the request line; a normal HTTP client would encode them, so requests are written by hand
//!   on a raw TCP stream;
//! - a leading `+` stays `+`;
//! - a variable without a value is sent as its literal placeholder (`$display_remote`);
//! - pushes leave about a second after the event, one at a time;
//! - optionally, pushes are lost, duplicated or delayed at random (seedable for reproducible
//!   tests).

use std::cmp::{Ordering as CmpOrdering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::{timeout, Instant};

use crate::config::{SimAccount, SimConfig, FIRMWARE_VERSION, MAC_ADDRESS};
pub use crate::events::PushEvent;
use crate::events::{CallEvent, CallInfo};
use crate::record::duration_ms;
use crate::sync::lock;

/// Limit for connecting, writing and reading the status line of one push.
const IO_TIMEOUT: Duration = Duration::from_secs(3);
/// Hardware revision reported as `$hardware_version`.
const HARDWARE_VERSION: &str = "V1.6A";
/// Pushes remembered for [`Pusher::sent`]; older ones are dropped first.
const MAX_SENT: usize = 10_000;

/// Template variables, longest first so that no name is mistaken for a shorter one.
const VARIABLES: [&str; 17] = [
    "hardware_version",
    "program_version",
    "display_remote",
    "display_local",
    "calldirection",
    "active_user",
    "active_host",
    "phone_ip",
    "language",
    "duration",
    "call-id",
    "product",
    "remote",
    "local",
    "model",
    "mac",
    "ip",
];

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

/// One push, recorded for assertions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentPush {
    /// Order in which pushes were decided (lost ones included).
    pub seq: u64,
    /// Event that caused it.
    pub event: PushEvent,
    /// Target URL after substitution, exactly as written into the request line.
    pub url: String,
    /// 1-based line of the call.
    pub line: u32,
    /// The call's stable id (`$call-id`).
    pub call_id: String,
    /// Whether this is the extra copy sent by the duplicate fault.
    pub duplicate: bool,
    /// Time since the simulator started when the push was sent (or dropped).
    #[serde(rename = "elapsed_ms", with = "duration_ms")]
    pub elapsed: Duration,
    /// What happened to it.
    pub outcome: PushOutcome,
}

/// The phone-wide values of the template variables.
#[derive(Debug, Clone)]
pub(crate) struct PushIdentity {
    phone_ip: String,
    product: String,
    accounts: Vec<SimAccount>,
}

impl PushIdentity {
    pub(crate) fn new(config: &SimConfig, bind_ip: IpAddr) -> PushIdentity {
        let phone_ip = match bind_ip {
            IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_owned(),
            IpAddr::V6(ip) if ip.is_unspecified() => "::1".to_owned(),
            ip => ip.to_string(),
        };
        PushIdentity {
            phone_ip,
            product: config.model.clone(),
            accounts: (0..config.accounts)
                .filter_map(|i| config.account(i))
                .collect(),
        }
    }

    /// The value of `$name` for `call`; empty when the phone has none.
    fn value(&self, name: &str, call: &CallInfo) -> String {
        let account = usize::try_from(call.account)
            .ok()
            .and_then(|i| self.accounts.get(i));
        match name {
            "phone_ip" | "ip" => self.phone_ip.clone(),
            "mac" => MAC_ADDRESS.to_owned(),
            "product" | "model" => self.product.clone(),
            "program_version" => FIRMWARE_VERSION.to_owned(),
            "hardware_version" => HARDWARE_VERSION.to_owned(),
            "language" => "English".to_owned(),
            "local" | "active_user" => account.map(|a| a.sip_id.clone()).unwrap_or_default(),
            "display_local" => account.map(|a| a.name.clone()).unwrap_or_default(),
            "active_host" => account.map(|a| a.sip_server.clone()).unwrap_or_default(),
            "remote" => call.remote_number.clone(),
            "display_remote" => call.remote_name.clone(),
            "call-id" => call.call_id.clone(),
            "duration" => call
                .duration
                .map(|d| d.as_secs().to_string())
                .unwrap_or_default(),
            "calldirection" => call.direction.as_str().to_owned(),
            _ => String::new(),
        }
    }
}

/// Substitutes `$variables` the way the phone does: raw values, placeholders left in place when
/// empty. Control characters are blanked so that a display name cannot inject header lines.
pub(crate) fn expand(template: &str, identity: &PushIdentity, call: &CallInfo) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        match VARIABLES.iter().find(|name| after.starts_with(**name)) {
            Some(name) => {
                let value = identity.value(name, call);
                if value.is_empty() {
                    out.push('$');
                    out.push_str(name);
                } else {
                    out.extend(value.chars().map(|c| if c.is_control() { ' ' } else { c }));
                }
                rest = &after[name.len()..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Settings changed at run time.
#[derive(Debug)]
struct Settings {
    templates: HashMap<PushEvent, String>,
    loss: f64,
    duplicate: f64,
    extra_delay: Option<Duration>,
    rng: StdRng,
}

/// Record of sent pushes, shared with the sending task.
#[derive(Debug, Default)]
struct PushLog {
    next_seq: u64,
    sent: Vec<SentPush>,
}

/// A push waiting for its time.
#[derive(Debug)]
struct Scheduled {
    due: Instant,
    push: SentPush,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == CmpOrdering::Equal
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}
impl Ord for Scheduled {
    /// Earliest first; among equal times, in the order the events happened.
    fn cmp(&self, other: &Self) -> CmpOrdering {
        (self.due, self.push.seq).cmp(&(other.due, other.push.seq))
    }
}

/// Decides which pushes to send and hands them to the [`PushWorker`].
#[derive(Debug)]
pub(crate) struct Pusher {
    identity: PushIdentity,
    delay: Duration,
    started: Instant,
    settings: Mutex<Settings>,
    log: Arc<Mutex<PushLog>>,
    queue: mpsc::UnboundedSender<Scheduled>,
}

/// The task that sends pushes one after another, like the phone's single HTTP client.
#[derive(Debug)]
pub(crate) struct PushWorker {
    queue: mpsc::UnboundedReceiver<Scheduled>,
    log: Arc<Mutex<PushLog>>,
    started: Instant,
    user_agent: String,
}

impl Pusher {
    /// A pusher sending `delay` after each event; times are reported relative to `started`.
    pub(crate) fn new(
        identity: PushIdentity,
        delay: Duration,
        started: Instant,
    ) -> (Pusher, PushWorker) {
        let (tx, rx) = mpsc::unbounded_channel();
        let log = Arc::new(Mutex::new(PushLog::default()));
        let worker = PushWorker {
            queue: rx,
            log: Arc::clone(&log),
            started,
            user_agent: format!("Grandstream {} {FIRMWARE_VERSION}", identity.product),
        };
        let pusher = Pusher {
            identity,
            delay,
            started,
            settings: Mutex::new(Settings {
                templates: HashMap::new(),
                loss: 0.0,
                duplicate: 0.0,
                extra_delay: None,
                rng: StdRng::from_os_rng(),
            }),
            log,
            queue: tx,
        };
        (pusher, worker)
    }

    /// Sets (or with `None` clears) the URL template of `event`.
    pub(crate) fn set_action_url(&self, event: PushEvent, template: Option<String>) {
        let mut settings = lock(&self.settings);
        match template.filter(|t| !t.trim().is_empty()) {
            Some(t) => settings.templates.insert(event, t),
            None => settings.templates.remove(&event),
        };
    }

    /// Loss and duplicate probabilities (clamped to 0..=1) and an optional random extra delay
    /// of up to `extra_delay` per push, which can also reorder pushes.
    pub(crate) fn set_faults(&self, loss: f64, duplicate: f64, extra_delay: Option<Duration>) {
        let mut settings = lock(&self.settings);
        settings.loss = probability(loss);
        settings.duplicate = probability(duplicate);
        settings.extra_delay = extra_delay.filter(|d| !d.is_zero());
    }

    /// Reseeds the fault dice so that a test sees the same losses every run.
    pub(crate) fn set_seed(&self, seed: u64) {
        lock(&self.settings).rng = StdRng::seed_from_u64(seed);
    }

    /// Schedules the pushes for `event`, if its Action URL is set.
    pub(crate) fn dispatch(&self, event: &CallEvent) {
        let mut guard = lock(&self.settings);
        let settings = &mut *guard;
        let Some(template) = settings.templates.get(&event.event) else {
            return;
        };
        let url = expand(template, &self.identity, &event.call);
        let lost = settings.loss > 0.0 && settings.rng.random_bool(settings.loss);
        let copies =
            if !lost && settings.duplicate > 0.0 && settings.rng.random_bool(settings.duplicate) {
                2
            } else {
                1
            };
        let now = Instant::now();
        for copy in 0..copies {
            let extra = settings.extra_delay.map_or(Duration::ZERO, |max| {
                let max_us = u64::try_from(max.as_micros()).unwrap_or(u64::MAX);
                Duration::from_micros(settings.rng.random_range(0..=max_us))
            });
            let push = SentPush {
                seq: 0,
                event: event.event,
                url: url.clone(),
                line: event.line,
                call_id: event.call.call_id.clone(),
                duplicate: copy > 0,
                elapsed: now.saturating_duration_since(self.started),
                outcome: PushOutcome::Lost,
            };
            let push = {
                let mut log = lock(&self.log);
                let push = SentPush {
                    seq: log.next_seq,
                    ..push
                };
                log.next_seq += 1;
                if lost {
                    record(&mut log, push.clone());
                }
                push
            };
            if lost {
                tracing::debug!(event = %event.event, "push lost on purpose");
                continue;
            }
            let scheduled = Scheduled {
                due: now + self.delay + extra,
                push,
            };
            if self.queue.send(scheduled).is_err() {
                tracing::warn!("push sender has stopped; push dropped");
            }
        }
    }

    /// Every push sent or lost so far, in the order they were sent.
    pub(crate) fn sent(&self) -> Vec<SentPush> {
        lock(&self.log).sent.clone()
    }

    /// Forgets the recorded pushes.
    pub(crate) fn clear(&self) {
        lock(&self.log).sent.clear();
    }
}

impl PushWorker {
    /// Sends scheduled pushes in time order until the pusher is dropped.
    pub(crate) async fn run(mut self) {
        let mut pending: BinaryHeap<Reverse<Scheduled>> = BinaryHeap::new();
        loop {
            let next_due = pending.peek().map(|Reverse(s)| s.due);
            tokio::select! {
                biased;
                incoming = self.queue.recv() => match incoming {
                    Some(scheduled) => pending.push(Reverse(scheduled)),
                    None => return,
                },
                () = sleep_until(next_due) => {
                    if let Some(Reverse(Scheduled { mut push, .. })) = pending.pop() {
                        push.elapsed = self.started.elapsed();
                        push.outcome = send_raw(&push.url, &self.user_agent).await;
                        tracing::debug!(event = %push.event, url = %push.url, outcome = ?push.outcome, "push");
                        record(&mut lock(&self.log), push);
                    }
                }
            }
        }
    }
}

async fn sleep_until(due: Option<Instant>) {
    match due {
        Some(due) => tokio::time::sleep_until(due).await,
        None => std::future::pending().await,
    }
}

fn record(log: &mut PushLog, push: SentPush) {
    if log.sent.len() >= MAX_SENT {
        log.sent.remove(0);
    }
    log.sent.push(push);
}

fn probability(p: f64) -> f64 {
    if p.is_nan() {
        0.0
    } else {
        p.clamp(0.0, 1.0)
    }
}

/// Where a push goes: the `host:port` to connect to and the raw request target.
#[derive(Debug, PartialEq, Eq)]
struct RawTarget<'a> {
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
async fn send_raw(url: &str, user_agent: &str) -> PushOutcome {
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
    use crate::events::CallDirection;

    fn call() -> CallInfo {
        CallInfo {
            call_id: "abc-1@sim".into(),
            direction: CallDirection::Incoming,
            remote_number: "+15555550100".into(),
            remote_name: "John Doe".into(),
            account: 0,
            duration: None,
        }
    }

    fn identity() -> PushIdentity {
        PushIdentity::new(&SimConfig::default(), IpAddr::from([127, 0, 0, 1]))
    }

    #[test]
    fn substitutes_raw_values_and_placeholders() {
        let url = expand(
            "http://h/ev?name=$display_remote&num=$remote&id=$call-id&dir=$calldirection&d=$duration&l=$local&cost=$5",
            &identity(),
            &call(),
        );
        assert_eq!(
            url,
            "http://h/ev?name=John Doe&num=+15555550100&id=abc-1@sim&dir=incoming&d=$duration&l=1001&cost=$5"
        );
        let mut anonymous = call();
        anonymous.remote_name = String::new();
        anonymous.duration = Some(Duration::from_secs(42));
        let url = expand("x?n=$display_remote&d=$duration", &identity(), &anonymous);
        assert_eq!(url, "x?n=$display_remote&d=42");
    }

    #[test]
    fn blanks_control_characters() {
        let mut evil = call();
        evil.remote_name = "a\r\nX-Evil: 1".into();
        assert_eq!(
            expand("?n=$display_remote", &identity(), &evil),
            "?n=a  X-Evil: 1"
        );
    }

    #[test]
    fn splits_raw_urls() {
        let t = RawTarget::parse("http://127.0.0.1:9000/ev?name=John Doe").expect("valid");
        assert_eq!(t.connect, "127.0.0.1:9000");
        assert_eq!(t.path, "/ev?name=John Doe");
        let t = RawTarget::parse("HTTP://user@localhost?x=1").expect("valid");
        assert_eq!(
            (t.authority, t.connect.as_str(), t.path.as_str()),
            ("localhost", "localhost:80", "/?x=1")
        );
        let t = RawTarget::parse("http://[::1]").expect("valid");
        assert_eq!(t.connect, "[::1]:80");
        assert!(RawTarget::parse("https://h/").is_none());
        assert!(RawTarget::parse("h/ev").is_none());
        assert!(RawTarget::parse("http:///ev").is_none());
    }
}
