//! The Action URL listener: a small TCP server that turns the phone's pushes into
//! [`ReceivedPush`]es and refuses everything else cheaply.
//!
//! Order of checks, cheapest first, so that hostile traffic costs next to nothing and never
//! reaches the call tracker:
//! 1. the sender must be one of the phone's addresses, else the connection is closed before a
//!    byte is read (and does not use up the budget below, so a stranger cannot starve the phone);
//! 2. a per-second budget of connections, and at most [`Limits::max_connections`] open at once:
//!    beyond that, connections are closed at once;
//! 3. the request head must arrive within [`Limits::read_timeout`] (slow senders are dropped)
//!    and fit in [`MAX_HEAD`] bytes (else `431`);
//! 4. the parser ([`super::parse`]) checks the request line, the token (else `404`) and the
//!    event; the token names the phone (one listener serves every phone of the user, each
//!    with its own token, see [`PushRoute`]), and the sender must be that phone. A valid push
//!    is published, tagged with its route, before `200 OK` is written.

use super::event::ReceivedPush;
use super::parse::{
    head_end, parse_target, presented_token, request_target, same_secret, Refusal, MAX_HEAD,
};
use super::PushError;
use serde::Serialize;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, OwnedSemaphorePermit, Semaphore};
use tokio::task::{JoinHandle, JoinSet};

/// How much the listener puts up with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Connections being read at the same time.
    pub max_connections: usize,
    /// New connections per second from the phone (with a burst of as many).
    pub per_second: u32,
    /// The whole request head must arrive within this.
    pub read_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_connections: 16,
            per_second: 20,
            read_timeout: Duration::from_secs(2),
        }
    }
}

/// One phone whose pushes the listener takes.
#[derive(Clone, PartialEq, Eq)]
pub struct PushRoute {
    /// Tags the pushes of this phone ([`ReceivedPush::route`]): the phone's id.
    pub id: String,
    /// The secret path segment of this phone's Action URLs.
    pub token: String,
    /// The phone's addresses: the only senders accepted for this token.
    pub phone: Vec<IpAddr>,
}

impl std::fmt::Debug for PushRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushRoute")
            .field("id", &self.id)
            .field("phone", &self.phone)
            .finish_non_exhaustive()
    }
}

/// Everything a listener is started with.
#[derive(Clone, Debug)]
pub struct ListenerConfig {
    pub listen: SocketAddr,
    /// The phones it takes pushes from.
    pub routes: Vec<PushRoute>,
    pub limits: Limits,
}

/// A request that was refused, for the setup help ("pushes arrive from 10.0.0.9, which is
/// not the phone").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RefusedRequest {
    pub from: IpAddr,
    pub reason: String,
}

/// What the listener has seen since it started.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ListenerStats {
    /// Valid pushes, published.
    pub accepted: u64,
    /// Connections from an address that is not the phone's, closed unread.
    pub foreign_sender: u64,
    /// Wrong token or path (`404`).
    pub wrong_token: u64,
    /// Not a usable request: garbage, not text, other methods, no event (`400`/`405`).
    pub malformed: u64,
    /// Heads over the size limit (`431`).
    pub too_large: u64,
    /// Heads that did not arrive in time.
    pub timed_out: u64,
    /// Connections over the per-second budget or the connection cap, closed unread.
    pub over_limit: u64,
    /// The last refused request.
    pub last_refused: Option<RefusedRequest>,
}

impl ListenerStats {
    /// Every refused connection or request.
    pub fn refused(&self) -> u64 {
        self.foreign_sender
            + self.wrong_token
            + self.malformed
            + self.too_large
            + self.timed_out
            + self.over_limit
    }
}

/// What became of one connection, for the counters.
#[derive(Clone, Copy, Debug)]
enum Outcome {
    Foreign,
    OverLimit,
    TimedOut,
    Refused(Refusal),
}

struct Shared {
    routes: RwLock<Vec<PushRoute>>,
    limits: Limits,
    stats: Mutex<ListenerStats>,
    events: broadcast::Sender<ReceivedPush>,
}

impl Shared {
    /// Whether `ip` is one of the phones' addresses (checked before reading a byte).
    fn is_phone(&self, ip: IpAddr) -> bool {
        self.routes
            .read()
            .map(|routes| {
                routes
                    .iter()
                    .any(|r| r.phone.iter().any(|a| a.to_canonical() == ip))
            })
            .unwrap_or(false)
    }

    /// The route whose token was presented, when `from` is that route's phone.
    fn route_for(&self, given: &str, from: IpAddr) -> Result<PushRoute, Outcome> {
        let routes = self
            .routes
            .read()
            .map_err(|_| Outcome::Refused(Refusal::NotFound))?;
        // Every token is compared, so timing does not tell which phone a token belongs to.
        let mut found = None;
        for route in routes.iter() {
            if same_secret(given, &route.token) && found.is_none() {
                found = Some(route);
            }
        }
        let route = found.ok_or(Outcome::Refused(Refusal::NotFound))?;
        if route.phone.iter().any(|a| a.to_canonical() == from) {
            Ok(route.clone())
        } else {
            // The right token from another phone's address: not this phone's push.
            Err(Outcome::Foreign)
        }
    }

    fn count(&self, from: IpAddr, outcome: Outcome) {
        let Ok(mut stats) = self.stats.lock() else {
            return;
        };
        let reason = match outcome {
            Outcome::Foreign => {
                stats.foreign_sender += 1;
                "not the phone's address".to_owned()
            }
            Outcome::OverLimit => {
                stats.over_limit += 1;
                "too many requests".to_owned()
            }
            Outcome::TimedOut => {
                stats.timed_out += 1;
                "request too slow".to_owned()
            }
            Outcome::Refused(r) => {
                match r {
                    Refusal::NotFound => stats.wrong_token += 1,
                    Refusal::TooLarge => stats.too_large += 1,
                    _ => stats.malformed += 1,
                }
                r.as_str().to_owned()
            }
        };
        stats.last_refused = Some(RefusedRequest { from, reason });
    }
}

/// A running listener. Dropping it stops it (and every connection it is reading).
pub struct PushListener {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: Option<JoinHandle<()>>,
}

impl PushListener {
    /// Binds and starts serving. Must be called inside a tokio runtime.
    pub async fn bind(config: ListenerConfig) -> Result<Self, PushError> {
        if config.routes.iter().any(|r| r.token.is_empty()) {
            return Err(PushError::Token);
        }
        let bind_error = |e: std::io::Error| PushError::Bind {
            addr: config.listen.to_string(),
            reason: e.to_string(),
        };
        let listener = TcpListener::bind(config.listen).await.map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let (events, _) = broadcast::channel(64);
        let shared = Arc::new(Shared {
            routes: RwLock::new(config.routes),
            limits: config.limits,
            stats: Mutex::new(ListenerStats::default()),
            events,
        });
        let task = tokio::spawn(accept_loop(listener, shared.clone()));
        tracing::info!(%addr, "push listener started");
        Ok(Self {
            addr,
            shared,
            task: Some(task),
        })
    }

    /// The address actually bound (with the port picked when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Valid pushes from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<ReceivedPush> {
        self.shared.events.subscribe()
    }

    /// Counters since the start.
    pub fn stats(&self) -> ListenerStats {
        self.shared
            .stats
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    /// The phones changed (a phone added or removed, a new address after DHCP).
    pub fn set_routes(&self, routes: Vec<PushRoute>) {
        if let Ok(mut r) = self.shared.routes.write() {
            *r = routes;
        }
    }

    /// Stops listening; subscribers see the channel close.
    pub async fn shutdown(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for PushListener {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

impl std::fmt::Debug for PushListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushListener")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// Refills `per_second` tokens a second, holding at most that many.
struct Budget {
    rate: f64,
    tokens: f64,
    last: Instant,
}

impl Budget {
    fn new(per_second: u32) -> Self {
        let rate = f64::from(per_second.max(1));
        Self {
            rate,
            tokens: rate,
            last: Instant::now(),
        }
    }

    fn take(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(self.rate);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let slots = Arc::new(Semaphore::new(shared.limits.max_connections.max(1)));
    let mut budget = Budget::new(shared.limits.per_second);
    // Dropping the set (when this task is aborted) aborts every connection still open.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // Out of file descriptors and the like: do not spin.
                        tracing::warn!("push listener cannot accept: {e}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let from = peer.ip().to_canonical();
                if !shared.is_phone(from) {
                    shared.count(from, Outcome::Foreign);
                    continue;
                }
                let permit = match slots.clone().try_acquire_owned() {
                    Ok(permit) if budget.take() => permit,
                    _ => {
                        shared.count(from, Outcome::OverLimit);
                        continue;
                    }
                };
                connections.spawn(serve(stream, from, shared.clone(), permit));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve(
    mut stream: TcpStream,
    from: IpAddr,
    shared: Arc<Shared>,
    _slot: OwnedSemaphorePermit,
) {
    let head = match tokio::time::timeout(shared.limits.read_timeout, read_head(&mut stream)).await
    {
        Ok(Ok(head)) => head,
        Ok(Err(None)) => return,
        Ok(Err(Some(refusal))) => {
            shared.count(from, Outcome::Refused(refusal));
            answer(&mut stream, refusal.status()).await;
            return;
        }
        Err(_) => {
            shared.count(from, Outcome::TimedOut);
            return;
        }
    };
    let parsed = request_target(&head)
        .map_err(Outcome::Refused)
        .and_then(|(_, target)| {
            let given = presented_token(target).ok_or(Outcome::Refused(Refusal::NotFound))?;
            let route = shared.route_for(given, from)?;
            parse_target(target, &route.token)
                .map(|event| (event, route.id))
                .map_err(Outcome::Refused)
        });
    match parsed {
        Ok((event, route)) => {
            tracing::debug!(kind = %event.kind, %from, "push received");
            if let Ok(mut stats) = shared.stats.lock() {
                stats.accepted += 1;
            }
            let _ = shared.events.send(ReceivedPush {
                event,
                from,
                route,
                at: Instant::now(),
            });
            answer(&mut stream, 200).await;
        }
        Err(outcome) => {
            shared.count(from, outcome);
            let status = match outcome {
                Outcome::Refused(refusal) => refusal.status(),
                _ => 404,
            };
            answer(&mut stream, status).await;
        }
    }
}

/// Reads until the end of the head. `Err(None)`: the peer went away with nothing usable.
async fn read_head(stream: &mut TcpStream) -> Result<Vec<u8>, Option<Refusal>> {
    let mut buf = Vec::with_capacity(512);
    let mut chunk = [0u8; 512];
    loop {
        let n = stream.read(&mut chunk).await.map_err(|_| None)?;
        if n == 0 {
            // The peer stopped sending: a complete request line is still worth a look.
            return if buf.contains(&b'\n') {
                Ok(buf)
            } else {
                Err(None)
            };
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = head_end(&buf) {
            buf.truncate(end);
            return Ok(buf);
        }
        if buf.len() > MAX_HEAD {
            return Err(Some(Refusal::TooLarge));
        }
    }
}

async fn answer(stream: &mut TcpStream, status: u16) {
    let (reason, body) = match status {
        200 => ("OK", "OK"),
        404 => ("Not Found", "not found"),
        405 => ("Method Not Allowed", "method not allowed"),
        431 => ("Request Header Fields Too Large", "too large"),
        _ => ("Bad Request", "bad request"),
    };
    let text = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let write = async {
        stream.write_all(text.as_bytes()).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), write).await;
}
