//! Every phone the user watches, as one set: what the app and `callpop watch` hold.
//!
//! [`Sessions::apply`] brings the running sessions in line with the settings: phones added
//! start, phones removed stop, a phone whose settings changed restarts and keeps its call
//! tracker (so a call in progress is not announced again), a phone whose password changed
//! only gets the new password. Every session's call events arrive on one bus, stamped with
//! the phone and the time ([`PhoneEvent`]), so the screen-pop, the call history and caller
//! lookup subscribe once, whatever the number and kind of phones. One push listener serves
//! every phone that pushes, each found by its own token.

use crate::backend::Backend;
use crate::connect;
use crate::error::PhoneError;
use crate::push::{self, PushListener, PushRoute};
use crate::rejections::RejectedLogins;
use crate::session::{PhoneState, Session};
use crate::settings::{PhoneId, PhoneProfile, PushSettings};
use crate::tracker::{CallEvent, CallId, CallTracker};
use crate::Secret;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

/// A call event of one of the phones, with when callpop saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhoneEvent {
    pub phone: PhoneId,
    /// Unix milliseconds.
    pub at_ms: u64,
    #[serde(flatten)]
    pub event: CallEvent,
}

/// One running phone.
#[derive(Clone)]
pub struct Watched {
    pub profile: PhoneProfile,
    pub session: Arc<Session>,
}

/// Why a phone is not being watched.
#[derive(Clone, Debug, PartialEq)]
pub enum NotWatched {
    /// No password is known for it (keyring empty, locked or absent).
    NoSecret,
    /// It could not be set up (bad address, unknown certificate format...).
    Failed(PhoneError),
}

struct Running {
    profile: PhoneProfile,
    secret: Secret,
    session: Arc<Session>,
    forward: JoinHandle<()>,
}

#[derive(Default)]
struct Inner {
    running: BTreeMap<PhoneId, Running>,
    idle: BTreeMap<PhoneId, (PhoneProfile, NotWatched)>,
    listener: Option<Arc<PushListener>>,
    listen: String,
}

/// See the module documentation.
pub struct Sessions {
    inner: Mutex<Inner>,
    /// Serializes `apply` and `shutdown` (they await while sessions stop and start).
    applying: tokio::sync::Mutex<()>,
    bus: broadcast::Sender<PhoneEvent>,
    changes: watch::Sender<u64>,
    memory: Arc<RejectedLogins>,
}

impl Sessions {
    /// No phones yet. `memory` is shared by every client, so no phone ever gets a password
    /// it rejected before.
    pub fn new(memory: Arc<RejectedLogins>) -> Self {
        let (bus, _) = broadcast::channel(512);
        let (changes, _) = watch::channel(0);
        Self {
            inner: Mutex::new(Inner::default()),
            applying: tokio::sync::Mutex::new(()),
            bus,
            changes,
            memory,
        }
    }

    pub fn rejected_logins(&self) -> &Arc<RejectedLogins> {
        &self.memory
    }

    /// Call events of every phone from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<PhoneEvent> {
        self.bus.subscribe()
    }

    /// Wakes whenever any phone's state or the set of phones changes.
    pub fn changes(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// The phones being watched, in the settings' order of ids.
    pub fn watched(&self) -> Vec<Watched> {
        self.lock()
            .running
            .values()
            .map(|r| Watched {
                profile: r.profile.clone(),
                session: r.session.clone(),
            })
            .collect()
    }

    /// The phones that are set up but not watched, and why.
    pub fn not_watched(&self) -> Vec<(PhoneProfile, NotWatched)> {
        self.lock().idle.values().cloned().collect()
    }

    pub fn session(&self, id: &PhoneId) -> Option<Arc<Session>> {
        self.lock().running.get(id).map(|r| r.session.clone())
    }

    /// The phone a call is on.
    pub fn find_call(&self, call: &CallId) -> Option<Watched> {
        self.watched()
            .into_iter()
            .find(|w| w.session.current().calls.iter().any(|c| &c.call == call))
    }

    /// The state of every watched phone.
    pub fn states(&self) -> Vec<(PhoneProfile, PhoneState)> {
        self.watched()
            .into_iter()
            .map(|w| (w.profile, w.session.current()))
            .collect()
    }

    /// The shared push listener, while a phone pushes.
    pub fn listener(&self) -> Option<Arc<PushListener>> {
        self.lock().listener.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        match self.inner.lock() {
            Ok(inner) => inner,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn bump(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Brings the sessions in line with `phones` (the configured ones), taking each phone's
    /// password from `secret_for`. See the module documentation.
    pub async fn apply(
        &self,
        phones: &[PhoneProfile],
        push: &PushSettings,
        secret_for: impl Fn(&PhoneProfile) -> Option<Secret>,
    ) {
        let _one_at_a_time = self.applying.lock().await;
        let wanted: Vec<&PhoneProfile> = phones.iter().filter(|p| p.is_configured()).collect();

        // Stop what is gone or changed; keep the trackers of changed phones.
        let mut stopped: Vec<(PhoneId, PhoneProfile, CallTracker)> = Vec::new();
        let to_stop: Vec<Running> = {
            let mut inner = self.lock();
            inner.idle.clear();
            let ids: Vec<PhoneId> = inner.running.keys().cloned().collect();
            let mut out = Vec::new();
            for id in ids {
                let keep = wanted
                    .iter()
                    .find(|p| p.id == id)
                    .is_some_and(|p| inner.running.get(&id).is_some_and(|r| r.profile == **p));
                if !keep {
                    if let Some(running) = inner.running.remove(&id) {
                        out.push(running);
                    }
                }
            }
            out
        };
        for running in to_stop {
            running.session.detach_push();
            running.forward.abort();
            let _ = running.forward.await;
            let tracker = running.session.shutdown().await;
            stopped.push((running.profile.id.clone(), running.profile, tracker));
        }

        // Start what is new or changed; new passwords for the rest.
        for profile in wanted {
            let secret = secret_for(profile);
            let running_secret = self
                .lock()
                .running
                .get(&profile.id)
                .map(|r| (r.secret.clone(), r.session.clone()));
            if let Some((old, session)) = running_secret {
                if let Some(secret) = secret.filter(|s| *s != old) {
                    session.set_secret(secret.clone());
                    if let Some(r) = self.lock().running.get_mut(&profile.id) {
                        r.secret = secret;
                    }
                }
                continue;
            }
            let previous = stopped
                .iter()
                .position(|(id, _, _)| id == &profile.id)
                .map(|i| stopped.remove(i));
            let tracker = match previous {
                // The same phone with other settings: its calls go on.
                Some((_, old, tracker)) if same_phone(&old, profile) => Some(tracker),
                Some((id, _, tracker)) => {
                    self.lose_calls(&id, tracker);
                    None
                }
                None => None,
            };
            let Some(secret) = secret else {
                self.lock()
                    .idle
                    .insert(profile.id.clone(), (profile.clone(), NotWatched::NoSecret));
                continue;
            };
            match connect::open(profile, secret.clone(), self.memory.clone()) {
                Ok(backend) => self.start(profile, secret, backend, tracker),
                Err(error) => {
                    self.lock().idle.insert(
                        profile.id.clone(),
                        (profile.clone(), NotWatched::Failed(error)),
                    );
                }
            }
        }
        for (id, _, tracker) in stopped {
            self.lose_calls(&id, tracker);
        }
        self.arrange_push(push).await;
        self.bump();
    }

    /// Starts watching `profile` with a backend the caller made (demo phones, tests).
    pub fn start(
        &self,
        profile: &PhoneProfile,
        secret: Secret,
        backend: Arc<dyn Backend>,
        tracker: Option<CallTracker>,
    ) {
        let session = Arc::new(Session::start(
            backend,
            profile.system.poll_interval(),
            tracker,
        ));
        let forward = tokio::spawn(forward(
            profile.id.clone(),
            session.clone(),
            self.bus.clone(),
            self.changes.clone(),
        ));
        self.lock().running.insert(
            profile.id.clone(),
            Running {
                profile: profile.clone(),
                secret,
                session,
                forward,
            },
        );
    }

    /// Ends the calls a phone no longer watched had, so no window keeps showing them.
    fn lose_calls(&self, id: &PhoneId, mut tracker: CallTracker) {
        for event in tracker.lose_all() {
            let _ = self.bus.send(stamp(id, event));
        }
    }

    /// One listener for every phone that pushes; each session takes its own pushes.
    async fn arrange_push(&self, push: &PushSettings) {
        let watched = self.watched();
        let mut routes: Vec<PushRoute> = Vec::new();
        let mut failed: Vec<(Arc<Session>, String)> = Vec::new();
        for w in &watched {
            match push::route_for(&w.profile).await {
                Ok(Some(route)) => routes.push(route),
                Ok(None) => w.session.detach_push(),
                Err(e) => failed.push((w.session.clone(), e.to_string())),
            }
        }
        let listen = push.listen.trim().to_owned();
        let current = {
            let inner = self.lock();
            inner
                .listener
                .clone()
                .filter(|_| inner.listen == listen && !routes.is_empty())
        };
        let listener = match (current, routes.is_empty()) {
            (_, true) => {
                self.replace_listener(None, String::new()).await;
                None
            }
            (Some(listener), false) => {
                listener.set_routes(routes.clone());
                Some(listener)
            }
            (None, false) => {
                self.replace_listener(None, String::new()).await;
                match push::listener_for(push, routes.clone()).await {
                    Ok(listener) => {
                        let listener = Arc::new(listener);
                        self.replace_listener(Some(listener.clone()), listen).await;
                        Some(listener)
                    }
                    Err(e) => {
                        tracing::warn!("push unavailable: {e}");
                        for w in &watched {
                            if routes.iter().any(|r| r.id == w.profile.id.as_str()) {
                                w.session.push_unavailable(e.to_string());
                            }
                        }
                        None
                    }
                }
            }
        };
        if let Some(listener) = listener {
            for w in &watched {
                if routes.iter().any(|r| r.id == w.profile.id.as_str()) {
                    w.session.attach_push(&listener, w.profile.id.as_str());
                }
            }
        }
        for (session, reason) in failed {
            session.push_unavailable(reason);
        }
    }

    async fn replace_listener(&self, new: Option<Arc<PushListener>>, listen: String) {
        let old = {
            let mut inner = self.lock();
            inner.listen = listen;
            std::mem::replace(&mut inner.listener, new)
        };
        if let Some(old) = old {
            // Frees the port now unless a "Test push" still waits on it.
            if let Ok(listener) = Arc::try_unwrap(old) {
                listener.shutdown().await;
            }
        }
    }

    /// Stops every session and the listener.
    pub async fn shutdown(&self) {
        let _one_at_a_time = self.applying.lock().await;
        let running: Vec<Running> = {
            let mut inner = self.lock();
            inner.idle.clear();
            std::mem::take(&mut inner.running).into_values().collect()
        };
        for r in running {
            r.forward.abort();
            let _ = r.forward.await;
            r.session.shutdown().await;
        }
        self.replace_listener(None, String::new()).await;
        self.bump();
    }
}

/// Whether two profiles with one id still describe the same phone (its calls carry over).
fn same_phone(a: &PhoneProfile, b: &PhoneProfile) -> bool {
    a.kind() == b.kind() && a.system.address() == b.system.address()
}

fn stamp(phone: &PhoneId, event: CallEvent) -> PhoneEvent {
    PhoneEvent {
        phone: phone.clone(),
        at_ms: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0),
        event,
    }
}

/// Carries one session's events to the bus and its state changes to the change counter.
async fn forward(
    id: PhoneId,
    session: Arc<Session>,
    bus: broadcast::Sender<PhoneEvent>,
    changes: watch::Sender<u64>,
) {
    let mut events = session.subscribe_from_start();
    let mut state = session.state();
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => {
                    let _ = bus.send(stamp(&id, event));
                }
                Err(RecvError::Lagged(n)) => tracing::warn!("{n} call events of {id} skipped"),
                Err(RecvError::Closed) => return,
            },
            changed = state.changed() => {
                if changed.is_err() {
                    return;
                }
                state.borrow_and_update();
                changes.send_modify(|n| *n = n.wrapping_add(1));
            }
        }
    }
}
