//! The background task that watches the phone.
//!
//! It reads line status every `interval`, feeds the one [`CallTracker`], and publishes call
//! events (broadcast: every subscriber sees each event once) and the latest phone state (watch:
//! late subscribers get the current value). It is woken early through a [`Notify`] after every
//! command and every push, so "Answer" shows the connected call without waiting a full interval.
//!
//! Failure handling follows what protects the phone and the user:
//! - unreachable or timing out: retry with exponential back-off, capped, and recover alone;
//! - passcode rejected or locked out: stop polling and say so; only new credentials restart
//!   it (retrying would lock the phone's web access for everyone);
//! - unknown or changed certificate, bad address: wait for new settings.

use crate::cti::CtiClient;
use crate::error::PhoneError;
use crate::models::Line;
use crate::tracker::{ActiveCall, CallEvent, CallTracker};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch, Notify};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// After a command, the phone may need a moment to change state: one extra look this soon.
const SETTLE_DELAY: Duration = Duration::from_millis(300);
/// The longest wait between two attempts while the phone is unreachable.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// How callpop's link to the phone is doing.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Connection {
    /// Not heard from the phone yet.
    Connecting,
    Online,
    /// The phone did not answer (or answered nonsense); callpop retries by itself.
    Offline {
        error: PhoneError,
        retry_in_ms: u64,
    },
    /// Something only the user can fix; callpop waits for new settings.
    NeedsAttention { error: PhoneError },
    Stopped,
}

/// The latest picture of the phone, for the tray, the windows and `status`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhoneState {
    pub connection: Connection,
    pub lines: Vec<Line>,
    pub calls: Vec<ActiveCall>,
    /// How many line-status reads the poller has made (for diagnostics and tests).
    pub polls: u64,
}

impl PhoneState {
    fn initial() -> Self {
        Self {
            connection: Connection::Connecting,
            lines: Vec::new(),
            calls: Vec::new(),
            polls: 0,
        }
    }
}

/// Runs the poll loop until [`PollerHandle::shutdown`].
pub struct PollerHandle {
    client: Arc<CtiClient>,
    wake: Arc<Notify>,
    shutdown: watch::Sender<bool>,
    events: broadcast::Sender<CallEvent>,
    state: watch::Receiver<PhoneState>,
    interval_ms: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

impl PollerHandle {
    /// Starts polling at once. Must be called inside a tokio runtime.
    pub fn spawn(client: Arc<CtiClient>, interval: Duration) -> Self {
        let wake = Arc::new(Notify::new());
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (events, _) = broadcast::channel(256);
        let (state_tx, state) = watch::channel(PhoneState::initial());
        let interval_ms = Arc::new(AtomicU64::new(millis(interval)));
        let worker = Worker {
            client: client.clone(),
            tracker: CallTracker::new(),
            wake: wake.clone(),
            shutdown: shutdown_rx,
            events: events.clone(),
            state: state_tx,
            interval_ms: interval_ms.clone(),
            failures: 0,
        };
        let task = tokio::spawn(worker.run());
        Self {
            client,
            wake,
            shutdown,
            events,
            state,
            interval_ms,
            task,
        }
    }

    pub fn client(&self) -> &Arc<CtiClient> {
        &self.client
    }

    /// Call events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<CallEvent> {
        self.events.subscribe()
    }

    /// The latest phone state; `changed()` wakes on every new one.
    pub fn state(&self) -> watch::Receiver<PhoneState> {
        self.state.clone()
    }

    /// Look at the phone now (after a command, a push, a settings change). Several wakes
    /// before the poller gets to run fold into one look.
    pub fn poll_now(&self) {
        self.wake.notify_one();
    }

    /// A new polling interval, effective from the next wait.
    pub fn set_interval(&self, interval: Duration) {
        self.interval_ms.store(millis(interval), Ordering::Relaxed);
        self.poll_now();
    }

    /// New credentials from the user: lifts a rejection and looks at once.
    pub fn set_credentials(&self, credentials: crate::credentials::Credentials) {
        self.client.set_credentials(credentials);
        self.poll_now();
    }

    /// Stops the loop and waits for it, publishing `Connection::Stopped`.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        if let Err(e) = self.task.await {
            tracing::warn!("poller ended abnormally: {e}");
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(50)
}

struct Worker {
    client: Arc<CtiClient>,
    tracker: CallTracker,
    wake: Arc<Notify>,
    shutdown: watch::Receiver<bool>,
    events: broadcast::Sender<CallEvent>,
    state: watch::Sender<PhoneState>,
    interval_ms: Arc<AtomicU64>,
    /// Consecutive failed polls, for the back-off.
    failures: u32,
}

impl Worker {
    async fn run(mut self) {
        loop {
            let started = Instant::now();
            let next = self.poll_once().await;
            let woken = tokio::select! {
                _ = tokio::time::sleep_until(started + next.unwrap_or(Duration::from_secs(86_400))) => false,
                _ = self.wake.notified() => true,
                _ = self.shutdown.changed() => break,
            };
            if *self.shutdown.borrow() {
                break;
            }
            if woken && next.is_some() {
                // A command was just sent: look now, then once more shortly after, since
                // phones apply some operations a moment after answering.
                self.poll_once().await;
                tokio::select! {
                    _ = tokio::time::sleep(SETTLE_DELAY) => {}
                    _ = self.wake.notified() => {}
                    _ = self.shutdown.changed() => break,
                }
            }
        }
        self.state.send_modify(|s| s.connection = Connection::Stopped);
    }

    /// One look at the phone. Returns how long to wait before the next one, or `None` to wait
    /// until woken (the user must change something first).
    async fn poll_once(&mut self) -> Option<Duration> {
        let interval = Duration::from_millis(self.interval_ms.load(Ordering::Relaxed));
        if let Some(rejection) = self.client.rejection() {
            // Never retry a rejected passcode: wait for new credentials.
            self.publish_connection(Connection::NeedsAttention { error: rejection });
            return None;
        }
        match self.client.line_status().await {
            Ok(lines) => {
                self.failures = 0;
                let events = self.tracker.observe(&lines);
                let calls: Vec<ActiveCall> = self.tracker.calls().cloned().collect();
                self.state.send_if_modified(|s| {
                    s.polls += 1;
                    let changed = s.connection != Connection::Online
                        || s.lines != lines
                        || s.calls != calls;
                    s.connection = Connection::Online;
                    s.lines = lines;
                    s.calls = calls;
                    changed
                });
                for event in events {
                    tracing::debug!(event = ?event.event, call = %event.call, line = event.line, "call event");
                    // No subscriber is fine: events are also reflected in the state.
                    let _ = self.events.send(event);
                }
                Some(interval)
            }
            Err(error) if error.needs_user() => {
                tracing::warn!("phone needs attention: {error}");
                self.publish_connection(Connection::NeedsAttention { error });
                None
            }
            Err(error) => {
                self.failures = self.failures.saturating_add(1);
                let backoff = backoff(interval, self.failures);
                tracing::info!(
                    "phone not answering ({error}); next try in {} ms",
                    backoff.as_millis()
                );
                self.publish_connection(Connection::Offline {
                    error,
                    retry_in_ms: millis(backoff),
                });
                Some(backoff)
            }
        }
    }

    fn publish_connection(&self, connection: Connection) {
        self.state.send_if_modified(|s| {
            s.polls += 1;
            if s.connection == connection {
                return false;
            }
            s.connection = connection;
            true
        });
    }
}

/// Doubles the wait with each failure from the normal interval, capped: a phone that is off
/// for the night costs two requests a minute, and one back on is found within 30 s.
fn backoff(interval: Duration, failures: u32) -> Duration {
    let factor = 1u32 << failures.min(6);
    interval.saturating_mul(factor).min(MAX_BACKOFF).max(interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let i = Duration::from_secs(1);
        assert_eq!(backoff(i, 1), Duration::from_secs(2));
        assert_eq!(backoff(i, 3), Duration::from_secs(8));
        assert_eq!(backoff(i, 30), MAX_BACKOFF);
        // An interval longer than the cap is never shortened.
        assert_eq!(backoff(Duration::from_secs(60), 2), Duration::from_secs(60));
    }
}
