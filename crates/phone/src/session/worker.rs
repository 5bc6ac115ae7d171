//! The background task that watches one phone.
//!
//! It takes complete snapshots of the lines from the backend (read every `interval` for a
//! polled backend, or as a connection reports them for an event-driven one), feeds the one
//! [`CallTracker`], and publishes call events (broadcast: every subscriber sees each event
//! once) and the latest phone state (watch: late subscribers get the current value). A polled
//! phone is read early through a [`Notify`] after every command, so "Answer" shows the
//! connected call without waiting a full interval.
//!
//! Failure handling follows what protects the phone and the user:
//! - unreachable or timing out: retry with exponential back-off, capped, and recover alone;
//!   calls that callpop cannot see for [`LOSE_CALLS_AFTER`] end as `lost` (never as missed:
//!   they may well have been answered meanwhile), so no window keeps ringing;
//! - password rejected: stop and say so; only new credentials restart it (retrying would lock
//!   the phone's web access for everyone); a lock-out is waited out, then tried once;
//! - unknown or changed certificate, bad address: wait for new settings.
//!
//! # Pushes and adaptive polling
//!
//! With a push listener attached ([`super::Session::attach_push`]), every push goes to the
//! tracker and is followed at once by a read (a push is a trigger; line status is the truth),
//! unless the backend keeps its picture from pushes ([`PushEffect::Lines`]). How often the
//! phone is read otherwise depends on how pushes are doing ([`PushHealth`]):
//! - `waiting` (attached, no push yet) and `silent`: every `interval`, as without push;
//! - `healthy` (pushes arrive): every [`PushTiming::reconcile`] (30 s) while no call is in
//!   progress, to stay in step; at `interval` during calls, so a lost `terminated` push
//!   costs at most one interval.
//!
//! Pushes turn `silent` when a read shows a call change that no push announced within
//! [`PushTiming::grace`] (2 s), or when the listener cannot run; the next push makes them
//! `healthy` again.

use super::state::{millis, Connection, PhoneState, PushHealth, PushState};
use crate::backend::{Backend, EventStream, PushEffect, Report};
use crate::error::PhoneError;
use crate::error::{seconds_param, Param, Params};
use crate::model::Line;
use crate::push::ReceivedPush;
use crate::tracker::{ActiveCall, CallEvent, CallId, CallTracker};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, watch, Notify};
use tokio::time::Instant;

/// After a command, the phone may need a moment to change state: one extra look this soon.
const SETTLE_DELAY: Duration = Duration::from_millis(300);
/// The longest wait between two attempts while the phone is unreachable.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// How long calls may stay unseen while the phone cannot be reached before they end as lost.
pub const LOSE_CALLS_AFTER: Duration = Duration::from_secs(30);
/// The first wait before reconnecting an event connection that dropped.
const RECONNECT_BASE: Duration = Duration::from_secs(1);

/// Intervals the handle may change while the worker runs, in milliseconds.
pub(crate) struct Timing {
    pub interval: AtomicU64,
    pub reconcile: AtomicU64,
    pub grace: AtomicU64,
    /// How often the accounts are read again.
    pub accounts: AtomicU64,
}

impl Timing {
    pub fn get(cell: &AtomicU64) -> Duration {
        Duration::from_millis(cell.load(Ordering::Relaxed))
    }
}

/// What reaches the worker from the handle, in order.
pub(crate) enum Input {
    PushAttached,
    Push(Box<ReceivedPush>),
    /// The listener dropped pushes before the worker got them.
    PushLagged,
    PushDetached,
    PushUnavailable(String),
    /// Read the accounts at the next look.
    ReadAccounts,
    /// The user rejected this call from callpop: it ends as rejected, not missed.
    Rejected(CallId),
    /// The rejection failed: the call ends as it would have.
    NotRejected(CallId),
}

/// When to look next, after a look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Next {
    /// After the current interval (which depends on push health and calls in progress).
    Interval,
    /// After this back-off (the phone did not answer, or a lock-out runs).
    Backoff(Duration),
    /// Only when woken: the user must change something first.
    Woken,
}

pub(crate) struct Worker {
    pub backend: Arc<dyn Backend>,
    pub tracker: CallTracker,
    pub wake: Arc<Notify>,
    pub shutdown: watch::Receiver<bool>,
    pub events: broadcast::Sender<CallEvent>,
    pub state: watch::Sender<PhoneState>,
    pub timing: Arc<Timing>,
    pub inputs: mpsc::UnboundedReceiver<Input>,
    /// Consecutive failed looks, for the back-off.
    pub failures: u32,
    pub push_state: PushState,
    pub last_push: Option<Instant>,
    /// A look saw a call change no push announced: pushes are silent unless one arrives by
    /// then.
    pub unannounced: Option<Instant>,
    /// The first successful look only learns what is going on; it is no change to announce.
    pub seen_phone: bool,
    /// Since when the phone has not answered (for [`LOSE_CALLS_AFTER`]).
    pub unreachable_since: Option<Instant>,
    /// When the accounts were last read; `None`: at the next successful look.
    pub accounts_read: Option<Instant>,
}

impl Worker {
    /// Runs until shut down; hands the tracker back so a successor session for the same
    /// phone can carry on its calls without announcing them again.
    pub async fn run(mut self) -> CallTracker {
        match self.backend.feed() {
            crate::backend::Feed::Poll => self.run_polled().await,
            crate::backend::Feed::Events => self.run_events().await,
        }
        self.state
            .send_modify(|s| s.connection = Connection::Stopped);
        self.tracker
    }

    fn stopping(&self) -> bool {
        *self.shutdown.borrow()
    }

    // ---- polled backends ------------------------------------------------------------------

    async fn run_polled(&mut self) {
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
                    input = self.inputs.recv() => {
                        let Some(input) = input else { return };
                        let mut look = self.take_input(input);
                        while let Ok(more) = self.inputs.try_recv() {
                            look |= self.take_input(more);
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
                                _ = self.shutdown.changed() => return,
                            }
                        }
                        continue 'look;
                    }
                    _ = self.shutdown.changed() => return,
                }
                if self.stopping() {
                    return;
                }
            }
        }
    }

    /// One look at a polled phone, and when to look next.
    async fn poll_once(&mut self) -> Next {
        let interval = Timing::get(&self.timing.interval);
        if let Some(rejection) = self.backend.rejection() {
            // Never retry a rejected password: wait for new credentials (or the lock's end).
            return self.refused(rejection);
        }
        match self.backend.read_lines().await {
            Ok(lines) => {
                self.observe(lines);
                self.read_accounts_when_due().await;
                Next::Interval
            }
            Err(error) if error.needs_user() || error.is_lock_out() => self.refused(error),
            Err(error) => {
                self.failures = self.failures.saturating_add(1);
                let wait = backoff(interval, self.failures);
                tracing::info!(
                    "phone not answering ({error}); next try in {} ms",
                    wait.as_millis()
                );
                self.unreachable(error, wait);
                Next::Backoff(wait)
            }
        }
    }

    // ---- event-driven backends ------------------------------------------------------------

    async fn run_events(&mut self) {
        loop {
            if self.stopping() {
                return;
            }
            if let Some(rejection) = self.backend.rejection() {
                let next = self.refused(rejection);
                if !self.wait(next).await {
                    return;
                }
                continue;
            }
            let connected = tokio::select! {
                connected = self.backend.connect() => connected,
                _ = self.shutdown.changed() => return,
            };
            let stream = match connected {
                Ok(stream) => stream,
                Err(error) if error.needs_user() || error.is_lock_out() => {
                    let next = self.refused(error);
                    if !self.wait(next).await {
                        return;
                    }
                    continue;
                }
                Err(error) => {
                    self.failures = self.failures.saturating_add(1);
                    let wait = backoff(RECONNECT_BASE, self.failures);
                    tracing::info!(
                        "cannot connect ({error}); next try in {} ms",
                        wait.as_millis()
                    );
                    self.unreachable(error, wait);
                    if !self.wait(Next::Backoff(wait)).await {
                        return;
                    }
                    continue;
                }
            };
            if !self.follow(stream).await {
                return;
            }
        }
    }

    /// Takes what a connection reports until it breaks (returns true: reconnect) or the
    /// session stops (false).
    async fn follow(&mut self, mut stream: Box<dyn EventStream>) -> bool {
        loop {
            tokio::select! {
                report = stream.next() => match report {
                    Ok(Report::Lines(lines)) => {
                        self.observe(lines);
                    }
                    Ok(Report::Hint(hint)) => {
                        let events = self.tracker.push(&hint.for_display());
                        self.publish_calls_and(events);
                    }
                    Err(error) if error.needs_user() || error.is_lock_out() => {
                        let next = self.refused(error);
                        return self.wait(next).await;
                    }
                    Err(error) => {
                        self.failures = self.failures.saturating_add(1);
                        let wait = backoff(RECONNECT_BASE, self.failures);
                        tracing::info!("connection lost ({error}); reconnecting in {} ms", wait.as_millis());
                        self.unreachable(error, wait);
                        return self.wait(Next::Backoff(wait)).await;
                    }
                },
                input = self.inputs.recv() => {
                    let Some(input) = input else { return false };
                    self.take_input(input);
                }
                // Commands need no extra look: the connection reports what they change.
                _ = self.wake.notified() => {}
                _ = self.shutdown.changed() => return false,
            }
            if self.stopping() {
                return false;
            }
        }
    }

    /// Waits as `next` says, taking inputs meanwhile; false when the session stops.
    async fn wait(&mut self, next: Next) -> bool {
        let due = match next {
            Next::Backoff(wait) => Some(Instant::now() + wait),
            Next::Interval => Some(Instant::now() + RECONNECT_BASE),
            Next::Woken => None,
        };
        loop {
            tokio::select! {
                _ = sleep_until(due) => return true,
                input = self.inputs.recv() => {
                    let Some(input) = input else { return false };
                    self.take_input(input);
                }
                _ = self.wake.notified() => return true,
                _ = self.shutdown.changed() => return false,
            }
            if self.stopping() {
                return false;
            }
        }
    }

    // ---- shared -----------------------------------------------------------------------------

    /// A complete snapshot: to the tracker, then to everyone.
    fn observe(&mut self, lines: Vec<Line>) {
        // Whatever a caller put in their name is shown safely everywhere after this.
        let lines: Vec<Line> = lines.into_iter().map(Line::for_display).collect();
        self.failures = 0;
        self.unreachable_since = None;
        let events = self.tracker.observe(&lines);
        if !events.is_empty() && self.seen_phone {
            self.note_change();
        }
        self.seen_phone = true;
        let calls: Vec<ActiveCall> = self.tracker.calls().cloned().collect();
        let now_interval = millis(self.interval());
        let dnd = self.backend.dnd();
        // Lines a push brought while the login waits for the user do not make it good.
        let connection = match self.backend.rejection() {
            Some(error) if !error.is_lock_out() => Connection::NeedsAttention { error },
            _ => Connection::Online,
        };
        self.state.send_if_modified(|s| {
            s.polls += 1;
            let changed = s.connection != connection
                || s.lines != lines
                || s.calls != calls
                || s.push.poll_interval_ms != now_interval
                || s.dnd != dnd;
            s.dnd = dnd;
            s.connection = connection;
            s.lines = lines;
            s.calls = calls;
            s.push.poll_interval_ms = now_interval;
            changed
        });
        self.publish(events);
    }

    /// Reads the accounts when they were never read or [`Timing::accounts`] has passed, for
    /// systems that can choose one. A failure keeps the accounts last seen (the next look at
    /// the lines says whether the phone is gone) and waits for the next turn.
    async fn read_accounts_when_due(&mut self) {
        if !self.backend.capabilities().choose_account {
            return;
        }
        let every = Timing::get(&self.timing.accounts);
        if self.accounts_read.is_some_and(|at| at.elapsed() < every) {
            return;
        }
        self.accounts_read = Some(Instant::now());
        match self.backend.accounts().await {
            Ok(accounts) => {
                self.state.send_if_modified(|s| {
                    let changed = s.accounts != accounts;
                    s.accounts = accounts;
                    changed
                });
            }
            Err(error) => tracing::info!("cannot read the phone's accounts: {error}"),
        }
    }

    /// The phone refused (login) or needs the user: say so, and say when to look again.
    fn refused(&mut self, error: PhoneError) -> Next {
        let lock = self.backend_lock_wait(&error);
        tracing::info!("phone needs attention: {error}");
        self.publish_connection(Connection::NeedsAttention { error });
        self.lose_stale_calls();
        match lock {
            Some(wait) => Next::Backoff(wait),
            None => Next::Woken,
        }
    }

    /// How long a lock-out still runs (then one try is allowed), for lock-out errors.
    fn backend_lock_wait(&self, error: &PhoneError) -> Option<Duration> {
        let PhoneError::LockedOut { minutes } = error else {
            return None;
        };
        // The backend knows exactly when its latch ends; else what the phone said.
        let wait = self.backend.locked_for().unwrap_or_else(|| {
            minutes.map_or(Duration::from_secs(300), |m| {
                Duration::from_secs(u64::from(m) * 60)
            })
        });
        Some(wait.min(Duration::from_secs(3600)) + Duration::from_millis(100))
    }

    /// The phone did not answer: say so, and end calls unseen for too long.
    fn unreachable(&mut self, error: PhoneError, retry: Duration) {
        self.publish_connection(Connection::Offline {
            error,
            retry_in_ms: millis(retry),
        });
        self.lose_stale_calls();
    }

    fn lose_stale_calls(&mut self) {
        let since = *self.unreachable_since.get_or_insert_with(Instant::now);
        if since.elapsed() >= LOSE_CALLS_AFTER && self.tracker.calls().next().is_some() {
            let events = self.tracker.lose_all();
            self.publish_calls_and(events);
        }
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

    /// Handles one input; returns whether to look at the phone now.
    fn take_input(&mut self, input: Input) -> bool {
        match input {
            Input::PushAttached => {
                self.last_push = None;
                self.unannounced = None;
                self.set_push_state(PushState::Waiting, None);
                false
            }
            Input::PushDetached => {
                self.unannounced = None;
                self.set_push_state(PushState::Off, None);
                false
            }
            Input::PushUnavailable(reason) => {
                self.unannounced = None;
                self.set_push_state(PushState::Silent, Some(reason));
                false
            }
            Input::PushLagged => self.push_state != PushState::Off,
            Input::ReadAccounts => {
                self.accounts_read = None;
                true
            }
            Input::Rejected(call) => {
                self.tracker.mark_rejected(&call);
                false
            }
            Input::NotRejected(call) => {
                self.tracker.unmark_rejected(&call);
                false
            }
            Input::Push(push) => {
                if self.push_state == PushState::Off {
                    return false;
                }
                self.last_push = Some(Instant::now());
                self.unannounced = None;
                self.set_push_state(PushState::Healthy, None);
                let events = self.tracker.push(&push.event.for_display());
                self.publish_calls_and(events);
                match self.backend.on_push(&push.event) {
                    PushEffect::Reread => true,
                    PushEffect::Lines(lines) => {
                        self.observe(lines);
                        false
                    }
                }
            }
        }
    }

    /// Publishes events that changed the calls outside a snapshot (pushes, lost calls).
    fn publish_calls_and(&mut self, events: Vec<CallEvent>) {
        if events.is_empty() {
            return;
        }
        let calls: Vec<ActiveCall> = self.tracker.calls().cloned().collect();
        self.state.send_if_modified(|s| {
            let changed = s.calls != calls;
            s.calls = calls;
            changed
        });
        self.publish(events);
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
        let reconcile = Timing::get(&self.timing.reconcile).max(fast);
        let (message, code, every, reason) = match state {
            PushState::Off => (String::new(), "", None, None),
            PushState::Waiting => (
                format!(
                    "Waiting for the phone's first push; checking the phone every {} meanwhile.",
                    secs(fast)
                ),
                "waiting",
                Some(fast),
                None,
            ),
            PushState::Healthy => (
                format!(
                    "The phone reports calls as they happen; callpop checks it every {} to stay in step.",
                    secs(reconcile)
                ),
                "healthy",
                Some(reconcile),
                None,
            ),
            PushState::Silent => match reason {
                Some(reason) => {
                    let stop = if reason.ends_with(['.', '!', '?']) { "" } else { "." };
                    // A whole sentence, which the catalog's message puts first as it is.
                    let reason = format!("{reason}{stop}");
                    (
                        format!(
                            "{reason} callpop checks the phone every {} instead.",
                            secs(fast)
                        ),
                        "silent",
                        Some(fast),
                        Some(reason),
                    )
                }
                None => (
                    format!(
                        "The phone reported a call change that no push announced: check the Action URLs on the phone. Checking it every {} meanwhile.",
                        secs(fast)
                    ),
                    "unannounced",
                    Some(fast),
                    None,
                ),
            },
        };
        let mut params = Params::new();
        if let Some(every) = every {
            params.insert("seconds", seconds_param(every));
        }
        if let Some(reason) = reason {
            params.insert("reason", Param::Text(reason));
        }
        let interval = millis(self.interval());
        self.state.send_if_modified(|s| {
            let health = PushHealth {
                state,
                message,
                code,
                params,
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

    /// A look showed a call change: unless a push came just before, one must follow soon.
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
