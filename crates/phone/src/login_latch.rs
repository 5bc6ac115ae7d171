//! The latch every backend keeps on its login: once the phone or PBX rejects a password,
//! nothing is sent with it again until the user gives another one, and a lock-out blocks every
//! request until it has run out.
//!
//! Phones lock their web login for everyone after a few wrong tries, and a PBX's fail2ban bans
//! the computer: a client that retried a rejected password by itself would cause both. The
//! latch also keeps the shared [`RejectedLogins`] memory up to date, so that no other client or
//! callpop process sends a password one of them saw rejected.

use crate::error::PhoneError;
use crate::rejections::{LoginTarget, RejectedLogins};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A little longer than the phone says, so the first try after a lock-out is not refused.
const LOCK_MARGIN: Duration = Duration::from_secs(2);
/// How long to wait out a lock-out whose length the phone did not say.
const DEFAULT_LOCK: Duration = Duration::from_secs(5 * 60);

/// A latched refusal to send anything.
#[derive(Clone, Debug)]
struct Rejection {
    error: PhoneError,
    /// When a lock-out ends; `None` for a rejected login, which only a new one lifts.
    until: Option<Instant>,
}

/// One backend's login latch. See the module documentation.
#[derive(Debug, Default)]
pub(crate) struct LoginLatch {
    rejected: Mutex<Option<Rejection>>,
    /// Shared with the app's other clients and other callpop processes; `None` for a client
    /// that remembers only for itself.
    memory: Option<Arc<RejectedLogins>>,
    /// The phone accepted the current login once (what the memory held against it was
    /// forgotten then, once).
    verified: AtomicBool,
}

impl LoginLatch {
    /// A latch that remembers rejections for this client only.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// A latch sharing `memory`, refused from the start when `memory` holds this very login
    /// (`secret` for `target`) as rejected, by this or another callpop.
    pub(crate) fn with_memory(
        memory: Arc<RejectedLogins>,
        target: &LoginTarget,
        secret: &str,
    ) -> Self {
        let known = memory.check(target, secret);
        Self {
            rejected: Mutex::new(known.map(Rejection::lasting)),
            memory: Some(memory),
            verified: AtomicBool::new(false),
        }
    }

    /// The refusal that blocks every request now, if any. A lock-out stops blocking once it
    /// has run out: then one request may find out whether the login is good.
    pub(crate) fn rejection(&self) -> Option<PhoneError> {
        let mut rejected = self.slot();
        if rejected
            .as_ref()
            .is_some_and(|r| r.until.is_some_and(|until| Instant::now() >= until))
        {
            *rejected = None;
        }
        rejected.as_ref().map(|r| r.error.clone())
    }

    /// How long a lock-out still lasts, when one blocks requests.
    pub(crate) fn locked_for(&self) -> Option<Duration> {
        let until = self.slot().as_ref()?.until?;
        Some(until.saturating_duration_since(Instant::now()))
    }

    /// Whether the phone has accepted the current login once.
    pub(crate) fn is_verified(&self) -> bool {
        self.verified.load(Ordering::SeqCst)
    }

    /// A new login from the user (`secret` for `target`): the only thing that lifts a
    /// rejection, unless the memory holds this very one as rejected. It is verified afresh.
    pub(crate) fn new_login(&self, target: &LoginTarget, secret: &str) {
        let known = self.known(target, secret);
        *self.slot() = known.map(Rejection::lasting);
        self.verified.store(false, Ordering::SeqCst);
    }

    /// What the shared memory holds against `secret` for `target`: another client may have
    /// seen it rejected since this one started.
    pub(crate) fn known(&self, target: &LoginTarget, secret: &str) -> Option<PhoneError> {
        self.memory
            .as_ref()
            .and_then(|memory| memory.check(target, secret))
    }

    /// The phone rejected `secret` for `target` with `error`: refused from now on, and
    /// remembered for every other client.
    pub(crate) fn rejected(&self, target: &LoginTarget, secret: &str, error: &PhoneError) {
        self.refuse(error.clone());
        self.remember(target, secret, error);
    }

    /// Refuses every request with `error` until a new login comes.
    pub(crate) fn refuse(&self, error: PhoneError) {
        *self.slot() = Some(Rejection::lasting(error));
    }

    /// Remembers, for every other client, that `secret` for `target` was rejected with
    /// `error` (without latching it here: see [`Self::refuse`]).
    pub(crate) fn remember(&self, target: &LoginTarget, secret: &str, error: &PhoneError) {
        if let Some(memory) = &self.memory {
            memory.record(target, secret, error);
        }
    }

    /// Locked out: every request is refused with `error` until `wait` (as the phone said,
    /// else five minutes) and a small margin have passed.
    pub(crate) fn lock_out(&self, error: PhoneError, wait: Option<Duration>) {
        let until = Instant::now() + wait.unwrap_or(DEFAULT_LOCK) + LOCK_MARGIN;
        *self.slot() = Some(Rejection {
            error,
            until: Some(until),
        });
    }

    /// The phone accepted the login: the first time, what the memory held against
    /// `target` is forgotten (the user fixed it).
    pub(crate) fn accepted(&self, target: impl FnOnce() -> LoginTarget) {
        if !self.verified.swap(true, Ordering::SeqCst) {
            if let Some(memory) = &self.memory {
                memory.forget(&target());
            }
        }
    }

    /// Latches `error` until `until` (`None`: until a new login), for tests of what a
    /// latched refusal does.
    #[cfg(test)]
    pub(crate) fn latch_until(&self, error: PhoneError, until: Option<Instant>) {
        *self.slot() = Some(Rejection { error, until });
    }

    /// The latched refusal; a panic elsewhere never leaves it half-written.
    fn slot(&self) -> MutexGuard<'_, Option<Rejection>> {
        self.rejected.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Rejection {
    /// A refusal that only a new login lifts.
    fn lasting(error: PhoneError) -> Self {
        Self { error, until: None }
    }
}
