//! Action URL pushes the way a Yealink sends them.
//!
//! The same quirks as every phone's (see `phone-apis.md`, section 2): values substituted
//! **unencoded** (raw spaces and UTF-8 in the request line, so requests are written by hand on
//! a raw TCP stream), a leading `+` kept, a variable without a value sent as its literal
//! placeholder (`$display_remote`), about a second after the event, one push at a time. Loss,
//! duplication and random extra delay (which can reorder pushes) can be switched on, seeded
//! for reproducible tests.
//!
//! Yealink's variables: `$mac $ip $model $firmware $active_url $active_user $active_host
//! $local $remote $display_local $display_remote $call_id`. `$remote` is the other party's
//! SIP URI by default ([`super::RemoteFormat`]).

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

use super::config::{RemoteFormat, YealinkSimConfig};
use super::events::YealinkEvent;
use super::phone::{Emitted, YealinkCall};
use crate::push::PushOutcome;
use crate::record::duration_ms;
use crate::sync::lock;

/// Limit for connecting, writing and reading the status line of one push.
const IO_TIMEOUT: Duration = Duration::from_secs(3);
/// Pushes remembered; the oldest are dropped first.
const MAX_SENT: usize = 10_000;

/// Yealink's variables, longest first so that no name is mistaken for a shorter one
/// (`$display_remote` before `$remote`, `$active_url` before ...).
const VARIABLES: [&str; 12] = [
    "display_remote",
    "display_local",
    "active_user",
    "active_host",
    "active_url",
    "firmware",
    "call_id",
    "remote",
    "model",
    "local",
    "mac",
    "ip",
];

/// One push, recorded for assertions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YealinkPush {
    /// Order in which pushes were decided (lost ones included).
    pub seq: u64,
    /// The event that caused it.
    pub event: YealinkEvent,
    /// The URL after substitution, exactly as written into the request line.
    pub url: String,
    /// The call's `$call_id`; empty for events about the phone (DND, idle/busy).
    pub call_id: String,
    /// Whether this is the extra copy sent by the duplicate fault.
    pub duplicate: bool,
    /// Time since the simulator started when it was sent (or dropped).
    #[serde(rename = "elapsed_ms", with = "duration_ms")]
    pub elapsed: Duration,
    /// What became of it.
    pub outcome: PushOutcome,
}

/// The phone-wide values of the variables.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    ip: String,
    mac: String,
    model: String,
    firmware: String,
    remote_format: RemoteFormat,
    accounts: Vec<super::YealinkAccount>,
}

impl Identity {
    pub(crate) fn new(config: &YealinkSimConfig, bind_ip: IpAddr) -> Identity {
        let ip = match bind_ip {
            IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_owned(),
            IpAddr::V6(ip) if ip.is_unspecified() => "::1".to_owned(),
            ip => ip.to_string(),
        };
        Identity {
            ip,
            mac: config.mac.clone(),
            model: config.model.clone(),
            firmware: config.firmware.clone(),
            remote_format: config.remote_format,
            accounts: config.accounts.clone(),
        }
    }

    /// `User-Agent` of the phone's HTTP client.
    fn user_agent(&self) -> String {
        format!("Yealink SIP-{} {}", self.model, self.firmware)
    }

    /// The value of `$name` for `call` (`None` for events about the phone); empty when the
    /// phone has none.
    fn value(&self, name: &str, call: Option<&YealinkCall>) -> String {
        let account = self.accounts.get(call.map_or(0, |c| c.account));
        let in_call = |f: &dyn Fn(&YealinkCall) -> String| call.map(f).unwrap_or_default();
        match name {
            "mac" => self.mac.clone(),
            "ip" => self.ip.clone(),
            "model" => self.model.clone(),
            "firmware" => self.firmware.clone(),
            "active_url" => call
                .and(account)
                .map(super::YealinkAccount::uri)
                .unwrap_or_default(),
            "active_user" => call
                .and(account)
                .map(|a| a.user.clone())
                .unwrap_or_default(),
            "active_host" => call
                .and(account)
                .map(|a| a.server.clone())
                .unwrap_or_default(),
            "local" => call
                .and(account)
                .map(|a| format!("sip:{}", a.uri()))
                .unwrap_or_default(),
            "display_local" => call
                .and(account)
                .map(|a| a.display_name.clone())
                .unwrap_or_default(),
            "remote" => in_call(&|c| match self.remote_format {
                RemoteFormat::SipUri if !c.number.is_empty() => {
                    let host = account.map_or("", |a| a.server.as_str());
                    format!("sip:{}@{host}", c.number)
                }
                _ => c.number.clone(),
            }),
            "display_remote" => in_call(&|c| c.name.clone()),
            "call_id" => in_call(&|c| c.call_id.clone()),
            _ => String::new(),
        }
    }
}

/// Substitutes `$variables` the way the phone does: raw values, placeholders left in place
/// when empty. Control characters are blanked so a display name cannot add header lines.
pub(crate) fn expand(template: &str, identity: &Identity, call: Option<&YealinkCall>) -> String {
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

#[derive(Debug)]
struct Settings {
    templates: HashMap<YealinkEvent, String>,
    loss: f64,
    duplicate: f64,
    extra_delay: Option<Duration>,
    rng: StdRng,
}

#[derive(Debug, Default)]
struct Log {
    next_seq: u64,
    sent: Vec<YealinkPush>,
}

#[derive(Debug)]
struct Scheduled {
    due: Instant,
    push: YealinkPush,
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
    /// Earliest first; at equal times, in the order the events happened.
    fn cmp(&self, other: &Self) -> CmpOrdering {
        (self.due, self.push.seq).cmp(&(other.due, other.push.seq))
    }
}

/// Decides which pushes to send and queues them for [`PushWorker`].
#[derive(Debug)]
pub(crate) struct Pusher {
    identity: Identity,
    delay: Duration,
    started: Instant,
    settings: Mutex<Settings>,
    log: Arc<Mutex<Log>>,
    queue: mpsc::UnboundedSender<Scheduled>,
}

/// Sends queued pushes one after another, like the phone's single HTTP client.
#[derive(Debug)]
pub(crate) struct PushWorker {
    queue: mpsc::UnboundedReceiver<Scheduled>,
    log: Arc<Mutex<Log>>,
    started: Instant,
    user_agent: String,
}

impl Pusher {
    pub(crate) fn new(
        identity: Identity,
        delay: Duration,
        started: Instant,
    ) -> (Pusher, PushWorker) {
        let (tx, rx) = mpsc::unbounded_channel();
        let log = Arc::new(Mutex::new(Log::default()));
        let worker = PushWorker {
            queue: rx,
            log: Arc::clone(&log),
            started,
            user_agent: identity.user_agent(),
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

    /// Sets (or with `None` or a blank one, clears) the URL of `event`.
    pub(crate) fn set_action_url(&self, event: YealinkEvent, template: Option<String>) {
        let mut settings = lock(&self.settings);
        match template.filter(|t| !t.trim().is_empty()) {
            Some(t) => settings.templates.insert(event, t),
            None => settings.templates.remove(&event),
        };
    }

    /// Loss and duplicate probabilities (clamped to 0..=1) and a random extra delay of up to
    /// `extra_delay` per push.
    pub(crate) fn set_faults(&self, loss: f64, duplicate: f64, extra_delay: Option<Duration>) {
        let mut settings = lock(&self.settings);
        settings.loss = probability(loss);
        settings.duplicate = probability(duplicate);
        settings.extra_delay = extra_delay.filter(|d| !d.is_zero());
    }

    pub(crate) fn set_seed(&self, seed: u64) {
        lock(&self.settings).rng = StdRng::seed_from_u64(seed);
    }

    /// Schedules the push for `emitted`, if its Action URL is set.
    pub(crate) fn dispatch(&self, emitted: &Emitted) {
        let mut guard = lock(&self.settings);
        let settings = &mut *guard;
        let Some(template) = settings.templates.get(&emitted.event) else {
            return;
        };
        let url = expand(template, &self.identity, emitted.call.as_ref());
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
            let push = {
                let mut log = lock(&self.log);
                let push = YealinkPush {
                    seq: log.next_seq,
                    event: emitted.event,
                    url: url.clone(),
                    call_id: emitted
                        .call
                        .as_ref()
                        .map(|c| c.call_id.clone())
                        .unwrap_or_default(),
                    duplicate: copy > 0,
                    elapsed: now.saturating_duration_since(self.started),
                    outcome: PushOutcome::Lost,
                };
                log.next_seq += 1;
                if lost {
                    record(&mut log, push.clone());
                }
                push
            };
            if lost {
                tracing::debug!(event = %emitted.event, "push lost on purpose");
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

    pub(crate) fn sent(&self) -> Vec<YealinkPush> {
        lock(&self.log).sent.clone()
    }

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
                        tracing::debug!(event = %push.event, url = %push.url, outcome = ?push.outcome, "yealink push");
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

fn record(log: &mut Log, push: YealinkPush) {
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

/// `host:port` to connect to, the `Host` header (as the URL wrote it), and the raw request
/// target of `http://...`.
fn split_url(url: &str) -> Option<(String, &str, String)> {
    let scheme_end = url.find("://")?;
    if !url[..scheme_end].eq_ignore_ascii_case("http") {
        return None;
    }
    let rest = &url[scheme_end + 3..];
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host.is_empty() || host.contains(' ') {
        return None;
    }
    let has_port = match host.rfind(']') {
        Some(bracket) => host[bracket..].contains(':'),
        None => host.contains(':'),
    };
    let connect = if has_port {
        host.to_owned()
    } else {
        format!("{host}:80")
    };
    let target = match &rest[end..] {
        "" => "/".to_owned(),
        p if p.starts_with('?') => format!("/{p}"),
        p => p.to_owned(),
    };
    Some((connect, host, target))
}

/// Writes `GET <raw target> HTTP/1.1` by hand so spaces and `+` reach the listener as they
/// are.
async fn send_raw(url: &str, user_agent: &str) -> PushOutcome {
    let Some((connect, host, target)) = split_url(url) else {
        return PushOutcome::Failed {
            error: "not an http:// URL".to_owned(),
        };
    };
    let failed = |what: &str, e: &dyn std::fmt::Display| PushOutcome::Failed {
        error: format!("{what}: {e}"),
    };
    let mut stream = match timeout(IO_TIMEOUT, TcpStream::connect(&connect)).await {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => return failed("connect", &e),
        Err(e) => return failed("connect", &e),
    };
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {user_agent}\r\nAccept: */*\r\nConnection: close\r\n\r\n"
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

async fn read_status(stream: &mut TcpStream) -> Option<u16> {
    let mut buf = Vec::with_capacity(256);
    let mut chunk = [0u8; 256];
    let deadline = Instant::now() + IO_TIMEOUT;
    while !buf.windows(2).any(|w| w == b"\r\n") && buf.len() < 4096 {
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
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
    use crate::yealink::phone::{YealinkCallState, YealinkDirection};

    fn call(name: &str) -> YealinkCall {
        YealinkCall {
            call_id: "33093".into(),
            line: 1,
            account: 0,
            direction: YealinkDirection::Incoming,
            number: "+15555550100".into(),
            name: name.into(),
            state: YealinkCallState::Ringing,
        }
    }

    fn identity(format: RemoteFormat) -> Identity {
        let config = YealinkSimConfig {
            remote_format: format,
            ..YealinkSimConfig::default()
        };
        Identity::new(&config, IpAddr::from([127, 0, 0, 1]))
    }

    #[test]
    fn substitutes_raw_values_and_leaves_placeholders() {
        let url = expand(
            "http://h/cp/t/in?n=$remote&d=$display_remote&c=$call_id&u=$active_user&m=$mac&x=$5",
            &identity(RemoteFormat::SipUri),
            Some(&call("John Doe")),
        );
        assert_eq!(
            url,
            "http://h/cp/t/in?n=sip:+15555550100@pbx.example.com&d=John Doe&c=33093&u=1001&m=001565a1b2c3&x=$5"
        );
        let url = expand(
            "?n=$remote&d=$display_remote",
            &identity(RemoteFormat::Number),
            Some(&call("")),
        );
        assert_eq!(url, "?n=+15555550100&d=$display_remote");
        let url = expand("?c=$call_id&ip=$ip", &identity(RemoteFormat::Number), None);
        assert_eq!(url, "?c=$call_id&ip=127.0.0.1");
    }

    #[test]
    fn blanks_control_characters() {
        let url = expand(
            "?d=$display_remote",
            &identity(RemoteFormat::Number),
            Some(&call("a\r\nX-Evil: 1")),
        );
        assert_eq!(url, "?d=a  X-Evil: 1");
    }

    #[test]
    fn splits_raw_urls() {
        let (connect, host, target) =
            split_url("http://127.0.0.1:9000/ev?name=John Doe").expect("valid");
        assert_eq!(
            (connect.as_str(), host, target.as_str()),
            ("127.0.0.1:9000", "127.0.0.1:9000", "/ev?name=John Doe")
        );
        let (connect, _, target) = split_url("HTTP://localhost?x=1").expect("valid");
        assert_eq!(
            (connect.as_str(), target.as_str()),
            ("localhost:80", "/?x=1")
        );
        assert!(split_url("https://h/").is_none());
        assert!(split_url("http:///x").is_none());
    }
}
