//! The background task that watches the phone.
//!
//! It reads line status every `interval`, feeds the one [`CallTracker`], and publishes call
//! events (broadcast: every subscriber sees each event once) and the latest phone state (watch:
//! late subscribers get the current value). It is woken early through a [`Notify`] after every
//! command, so "Answer" shows the connected call without waiting a full interval.
//!
//! Failure handling follows what protects the phone and the user:
//! - unreachable or timing out: retry with exponential back-off, capped, and recover alone;
//! - passcode rejected or locked out: stop polling and say so; only new credentials restart
//!   it (retrying would lock the phone's web access for everyone);
//! - unknown or changed certificate, bad address: wait for new settings.
//!
//! # Pushes and adaptive polling
//!
//! With a push listener attached ([`PollerHandle::attach_push`]), every push goes to the
//! tracker and is followed at once by a poll (a push is a trigger; line status is the truth).
//! How often the phone is read otherwise depends on how pushes are doing ([`PushHealth`]):
//! - `waiting` (attached, no push yet) and `silent`: every `interval`, as without push;
//! - `healthy` (pushes arrive): every [`PushTiming::reconcile`] (30 s) while no call is in
//!   progress, to stay in step; at `interval` during calls, so a lost `terminated` push
//!   costs at most one interval.
//!
//! Pushes turn `silent` when a poll shows a call change that no push announced within
//! [`PushTiming::grace`] (2 s), or when the listener cannot run; the next push makes them
//! `healthy` again.

use crate::cti::CtiClient;
use crate::error::PhoneError;
use crate::models::Line;
use crate::push::{PushListener, ReceivedPush};
use crate::tracker::{ActiveCall, CallEvent, CallTracker};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc, watch, Notify};
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
    NeedsAttention {
        error: PhoneError,
    },
    Stopped,
}

/// Whether the phone's pushes can be relied on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PushState {
    /// No push listener: polling only.
    #[default]
    Off,
    /// Listening, no push arrived yet: polling at the normal interval meanwhile.
    Waiting,
    /// Pushes arrive: the phone is read rarely, to reconcile.
    Healthy,
    /// Pushes stopped or cannot arrive: polling at the normal interval.
    Silent,
}

/// What the UI shows about push, and how often the phone is read because of it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PushHealth {
    pub state: PushState,
    /// One sentence for the user; empty when push is off.
    pub message: String,
    /// How often line status is read at the moment.
    pub poll_interval_ms: u64,
}

/// The slow side of adaptive polling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PushTiming {
    /// Interval while pushes are healthy and no call is in progress.
    pub reconcile: Duration,
    /// How long a call change seen by a poll may wait for its push before pushes count as
    /// silent (real phones push about a second after the event).
    pub grace: Duration,
}

impl Default for PushTiming {
    fn default() -> Self {
        Self {
            reconcile: Duration::from_secs(30),
            grace: Duration::from_secs(2),
        }
    }
}

/// The latest picture of the phone, for the tray, the windows and `status`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhoneState {
    pub connection: Connection,
    pub lines: Vec<Line>,
    pub calls: Vec<ActiveCall>,
    /// How many line-status reads the poller has made (for diagnostics and tests).
    pub polls: u64,
    pub push: PushHealth,
}

impl PhoneState {
    fn initial(interval: Duration) -> Self {
        Self {
            connection: Connection::Connecting,
            lines: Vec::new(),
            calls: Vec::new(),
            polls: 0,
            push: PushHealth {
                state: PushState::Off,
                message: String::new(),
                poll_interval_ms: millis(interval),
            },
        }
    }
}

/// What reaches the worker about pushes, in order.
enum PushInput {
    Attached,
    Event(Box<ReceivedPush>),
    /// The listener dropped pushes before the worker got them.
    Lagged,
    Detached,
    Unavailable(String),
}

/// Runs the poll loop until [`PollerHandle::shutdown`].
pub struct PollerHandle {
    client: Arc<CtiClient>,
    wake: Arc<Notify>,
    shutdown: watch::Sender<bool>,
    events: broadcast::Sender<CallEvent>,
    state: watch::Receiver<PhoneState>,
    timing: Arc<Timing>,
    pushes: mpsc::UnboundedSender<PushInput>,
    /// Carries one listener's pushes to the worker.
    forwarder: Mutex<Option<JoinHandle<()>>>,
    task: JoinHandle<()>,
}

/// Intervals the handle may change while the worker runs, in milliseconds.
struct Timing {
    interval: AtomicU64,
    reconcile: AtomicU64,
    grace: AtomicU64,
}

impl Timing {
    fn get(cell: &AtomicU64) -> Duration {
        Duration::from_millis(cell.load(Ordering::Relaxed))
    }
}

impl PollerHandle {
    /// Starts polling at once. Must be called inside a tokio runtime.
    pub fn spawn(client: Arc<CtiClient>, interval: Duration) -> Self {
        let wake = Arc::new(Notify::new());
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (events, _) = broadcast::channel(256);
        let (state_tx, state) = watch::channel(PhoneState::initial(interval));
        let defaults = PushTiming::default();
        let timing = Arc::new(Timing {
            interval: AtomicU64::new(millis(interval)),
            reconcile: AtomicU64::new(millis(defaults.reconcile)),
            grace: AtomicU64::new(millis(defaults.grace)),
        });
        let (pushes, push_rx) = mpsc::unbounded_channel();
        let worker = Worker {
            client: client.clone(),
            tracker: CallTracker::new(),
            wake: wake.clone(),
            shutdown: shutdown_rx,
            events: events.clone(),
            state: state_tx,
            timing: timing.clone(),
            failures: 0,
            pushes: push_rx,
            push_state: PushState::Off,
            last_push: None,
            unannounced: None,
            seen_phone: false,
        };
        let task = tokio::spawn(worker.run());
        Self {
            client,
            wake,
            shutdown,
            events,
            state,
            timing,
            pushes,
            forwarder: Mutex::new(None),
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

    /// Look at the phone now (after a command, a settings change). Several wakes before the
    /// poller gets to run fold into one look.
    pub fn poll_now(&self) {
        self.wake.notify_one();
    }

    /// A new polling interval, effective from the next wait.
    pub fn set_interval(&self, interval: Duration) {
        self.timing
            .interval
            .store(millis(interval), Ordering::Relaxed);
        self.poll_now();
    }

    /// New reconciliation interval and grace time, effective from the next wait.
    pub fn set_push_timing(&self, timing: PushTiming) {
        self.timing
            .reconcile
            .store(millis(timing.reconcile), Ordering::Relaxed);
        self.timing
            .grace
            .store(millis(timing.grace), Ordering::Relaxed);
    }

    /// Feeds this listener's pushes to the tracker (replacing any listener attached before).
    /// Push health starts as `waiting`. Must be called inside a tokio runtime.
    pub fn attach_push(&self, listener: &PushListener) {
        let mut rx = listener.subscribe();
        let tx = self.pushes.clone();
        let forward = async move {
            if tx.send(PushInput::Attached).is_err() {
                return;
            }
            loop {
                // Ends with the poller too, even when no push ever comes.
                let received = tokio::select! {
                    received = rx.recv() => received,
                    () = tx.closed() => return,
                };
                let input = match received {
                    Ok(push) => PushInput::Event(Box::new(push)),
                    Err(RecvError::Lagged(_)) => PushInput::Lagged,
                    Err(RecvError::Closed) => {
                        let _ = tx.send(PushInput::Unavailable(
                            "The push listener stopped.".to_owned(),
                        ));
                        return;
                    }
                };
                if tx.send(input).is_err() {
                    return;
                }
            }
        };
        self.replace_forwarder(Some(tokio::spawn(forward)));
    }

    /// Stops using pushes: polling only, push health `off`.
    pub fn detach_push(&self) {
        self.replace_forwarder(None);
        let _ = self.pushes.send(PushInput::Detached);
    }

    /// Push is wanted but cannot work (e.g. the listener cannot bind its port): polling at
    /// the normal interval, push health `silent` with `reason`.
    pub fn push_unavailable(&self, reason: impl Into<String>) {
        self.replace_forwarder(None);
        let _ = self.pushes.send(PushInput::Unavailable(reason.into()));
    }

    fn replace_forwarder(&self, new: Option<JoinHandle<()>>) {
        if let Ok(mut slot) = self.forwarder.lock() {
            if let Some(old) = std::mem::replace(&mut *slot, new) {
                old.abort();
            }
        }
    }

    /// New credentials from the user: lifts a rejection and looks at once.
    pub fn set_credentials(&self, credentials: crate::credentials::Credentials) {
        self.client.set_credentials(credentials);
        self.poll_now();
    }

    /// Stops the loop and waits for it, publishing `Connection::Stopped`.
    pub async fn shutdown(self) {
        self.replace_forwarder(None);
        let _ = self.shutdown.send(true);
        if let Err(e) = self.task.await {
            tracing::warn!("poller ended abnormally: {e}");
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(50)
}

/// When to look next, after a look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Next {
    /// After the current interval (which depends on push health and calls in progress).
    Interval,
    /// After this back-off (the phone did not answer).
    Backoff(Duration),
    /// Only when woken: the user must change something first.
    Woken,
}

struct Worker {
    client: Arc<CtiClient>,
    tracker: CallTracker,
    wake: Arc<Notify>,
    shutdown: watch::Receiver<bool>,
    events: broadcast::Sender<CallEvent>,
    state: watch::Sender<PhoneState>,
    timing: Arc<Timing>,
    /// Consecutive failed polls, for the back-off.
    failures: u32,
    pushes: mpsc::UnboundedReceiver<PushInput>,
    push_state: PushState,
    last_push: Option<Instant>,
    /// A poll saw a call change no push announced: pushes are silent unless one arrives by
    /// then.
    unannounced: Option<Instant>,
    /// The first successful poll only learns what is going on; it is no change to announce.
    seen_phone: bool,
}

impl Worker {
    async fn run(mut self) {
        'look: loop {
            let started = Instant::now();
            let next = self.poll_once().await;
            loop {
                let due = match next {
                    Next::Interval => Some(started + self.interval()),
                    Next::Backoff(wait) => Some(started + wait),
                    Next::Woken => None,
                };
                tokio::select! {
                    _ = sleep_until(due) => continue 'look,
                    _ = sleep_until(self.unannounced) => {
                        self.unannounced = None;
                        self.set_push_state(PushState::Silent, None);
                    }
                    input = self.pushes.recv() => {
                        let Some(input) = input else { break 'look };
                        let mut look = self.take_push(input);
                        while let Ok(more) = self.pushes.try_recv() {
                            look |= self.take_push(more);
                        }
                        if look {
                            continue 'look;
                        }
                    }
                    _ = self.wake.notified() => {
                        if next != Next::Woken {
                            // A command was just sent: look now, then once more shortly after,
                            // since phones apply some operations a moment after answering.
                            self.poll_once().await;
                            tokio::select! {
                                _ = tokio::time::sleep(SETTLE_DELAY) => {}
                                _ = self.wake.notified() => {}
                                _ = self.shutdown.changed() => break 'look,
                            }
                        }
                        continue 'look;
                    }
                    _ = self.shutdown.changed() => break 'look,
                }
                if *self.shutdown.borrow() {
                    break 'look;
                }
            }
        }
        self.state
            .send_modify(|s| s.connection = Connection::Stopped);
    }

    /// The interval at the moment: long only while pushes are healthy and no call is on;
    /// within the grace time while a pushed ring awaits its second look.
    fn interval(&self) -> Duration {
        let fast = Timing::get(&self.timing.interval);
        if self.tracker.awaits_confirmation() {
            fast.min(Timing::get(&self.timing.grace))
        } else if self.push_state == PushState::Healthy && self.tracker.calls().next().is_none() {
            Timing::get(&self.timing.reconcile).max(fast)
        } else {
            fast
        }
    }

    /// Handles one push input; returns whether to look at the phone now.
    fn take_push(&mut self, input: PushInput) -> bool {
        match input {
            PushInput::Attached => {
                self.last_push = None;
                self.unannounced = None;
                self.set_push_state(PushState::Waiting, None);
                false
            }
            PushInput::Detached => {
                self.unannounced = None;
                self.set_push_state(PushState::Off, None);
                false
            }
            PushInput::Unavailable(reason) => {
                self.unannounced = None;
                self.set_push_state(PushState::Silent, Some(reason));
                false
            }
            PushInput::Lagged => self.push_state != PushState::Off,
            PushInput::Event(push) => {
                if self.push_state == PushState::Off {
                    return false;
                }
                self.last_push = Some(Instant::now());
                self.unannounced = None;
                self.set_push_state(PushState::Healthy, None);
                let events = self.tracker.push(&push.event);
                if !events.is_empty() {
                    let calls: Vec<ActiveCall> = self.tracker.calls().cloned().collect();
                    self.state.send_if_modified(|s| {
                        let changed = s.calls != calls;
                        s.calls = calls;
                        changed
                    });
                    self.publish(events);
                }
                true
            }
        }
    }

    fn set_push_state(&mut self, state: PushState, reason: Option<String>) {
        self.push_state = state;
        let fast = Timing::get(&self.timing.interval);
        let secs = |d: Duration| {
            let s = d.as_secs_f64();
            if s.fract() == 0.0 {
                format!("{s:.0} s")
            } else {
                format!("{s:.1} s")
            }
        };
        let message = match state {
            PushState::Off => String::new(),
            PushState::Waiting => format!(
                "Waiting for the phone's first push; checking the phone every {} meanwhile.",
                secs(fast)
            ),
            PushState::Healthy => format!(
                "The phone reports calls as they happen; callpop checks it every {} to stay in step.",
                secs(Timing::get(&self.timing.reconcile).max(fast))
            ),
            PushState::Silent => match reason {
                Some(reason) => {
                    let stop = if reason.ends_with(['.', '!', '?']) { "" } else { "." };
                    format!(
                        "{reason}{stop} callpop checks the phone every {} instead.",
                        secs(fast)
                    )
                }
                None => format!(
                    "The phone reported a call change that no push announced: check the Action URLs on the phone. Checking it every {} meanwhile.",
                    secs(fast)
                ),
            },
        };
        self.publish_push_health(message);
    }

    fn publish_push_health(&self, message: String) {
        let interval = millis(self.interval());
        let state = self.push_state;
        self.state.send_if_modified(|s| {
            let health = PushHealth {
                state,
                message,
                poll_interval_ms: interval,
            };
            let changed = s.push != health;
            s.push = health;
            changed
        });
    }

    fn publish(&self, events: Vec<CallEvent>) {
        for event in events {
            tracing::debug!(event = ?event.event, call = %event.call, line = event.line, "call event");
            // No subscriber is fine: events are also reflected in the state.
            let _ = self.events.send(event);
        }
    }

    /// One look at the phone, and when to look next.
    async fn poll_once(&mut self) -> Next {
        let interval = Timing::get(&self.timing.interval);
        if let Some(rejection) = self.client.rejection() {
            // Never retry a rejected passcode: wait for new credentials.
            self.publish_connection(Connection::NeedsAttention { error: rejection });
            return Next::Woken;
        }
        match self.client.line_status().await {
            Ok(lines) => {
                self.failures = 0;
                let events = self.tracker.observe(&lines);
                if !events.is_empty() && self.seen_phone {
                    self.note_change();
                }
                self.seen_phone = true;
                let calls: Vec<ActiveCall> = self.tracker.calls().cloned().collect();
                let now_interval = millis(self.interval());
                self.state.send_if_modified(|s| {
                    s.polls += 1;
                    let changed = s.connection != Connection::Online
                        || s.lines != lines
                        || s.calls != calls
                        || s.push.poll_interval_ms != now_interval;
                    s.connection = Connection::Online;
                    s.lines = lines;
                    s.calls = calls;
                    s.push.poll_interval_ms = now_interval;
                    changed
                });
                self.publish(events);
                Next::Interval
            }
            Err(error) if error.needs_user() => {
                tracing::warn!("phone needs attention: {error}");
                self.publish_connection(Connection::NeedsAttention { error });
                Next::Woken
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
                Next::Backoff(backoff)
            }
        }
    }

    /// A poll showed a call change: unless a push came just before, one must follow soon.
    fn note_change(&mut self) {
        if !matches!(self.push_state, PushState::Waiting | PushState::Healthy) {
            return;
        }
        let grace = Timing::get(&self.timing.grace);
        let now = Instant::now();
        let announced = self
            .last_push
            .is_some_and(|at| now.duration_since(at) <= grace);
        if !announced && self.unannounced.is_none() {
            self.unannounced = Some(now + grace);
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

async fn sleep_until(due: Option<Instant>) {
    match due {
        Some(due) => tokio::time::sleep_until(due).await,
        None => std::future::pending().await,
    }
}

/// Doubles the wait with each failure from the normal interval, capped: a phone that is off
/// for the night costs two requests a minute, and one back on is found within 30 s.
fn backoff(interval: Duration, failures: u32) -> Duration {
    let factor = 1u32 << failures.min(6);
    interval
        .saturating_mul(factor)
        .min(MAX_BACKOFF)
        .max(interval)
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
