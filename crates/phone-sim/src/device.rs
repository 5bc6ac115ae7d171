//! The simulated phone as one shared object: line state, authentication, faults, request log,
//! pushes and background tasks, plus the operations the CTI and control APIs both use.
//!
//! Every change to the lines goes through [`Device::mutate`], which runs the change under the
//! state lock and then, outside it, reacts to the resulting call events (pushes, automatic
//! answers, the demo's scripted hang-ups). Keeping those reactions in one place means a ring
//! from the control API, a key press and a timer all behave identically.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::auth::Auth;
use crate::config::{SimAccount, SimConfig};
use crate::demo;
use crate::error::SimError;
use crate::events::{CallEvent, PushEvent};
use crate::faults::{Fault, FaultPlan};
use crate::keys::{self, Key, KeyJob};
use crate::push::{PushIdentity, Pusher, SentPush};
use crate::record::{RecordedRequest, Recorder};
use crate::remote_access::RemoteAccess;
use crate::state::{Operation, PhoneState, PhoneStatus, SimLine, SimState};
use crate::sync::lock;
use crate::tasks::TaskSet;
use crate::tls::TlsState;

/// One simulated phone, shared by the server, the control handle and the background tasks.
#[derive(Debug)]
pub(crate) struct Device {
    config: SimConfig,
    addr: SocketAddr,
    state: Mutex<PhoneState>,
    auth: Mutex<Auth>,
    faults: Mutex<FaultPlan>,
    remote_control: AtomicBool,
    make_call: AtomicBool,
    /// The allowed IP list and the on-screen question of the Remote Control page.
    remote_access: Mutex<RemoteAccess>,
    /// 0-based indexes of the accounts that lost their registration.
    unregistered: Mutex<std::collections::BTreeSet<u32>>,
    recorder: Recorder,
    pusher: Pusher,
    tls: Option<TlsState>,
    key_tx: mpsc::UnboundedSender<KeyJob>,
    /// Bumped by a reboot so that keys still queued from before it are discarded.
    key_epoch: AtomicU64,
    tasks: TaskSet,
    /// Lets timers refer back to the device without keeping it alive.
    me: Weak<Device>,
}

impl Device {
    /// Builds the device for a server listening on `addr` and starts its helper tasks (key
    /// player, push sender, demo). The HTTP server itself is started by the caller.
    pub(crate) fn start(
        config: SimConfig,
        addr: SocketAddr,
        tls: Option<TlsState>,
        tasks: TaskSet,
    ) -> Arc<Device> {
        let started = Instant::now();
        let (key_tx, key_rx) = mpsc::unbounded_channel();
        let (pusher, push_worker) = Pusher::new(
            PushIdentity::new(&config, addr.ip()),
            config.push_delay,
            started,
        );
        let device = Arc::new_cyclic(|me| Device {
            state: Mutex::new(PhoneState::new(config.lines)),
            auth: Mutex::new(Auth::new(&config.auth, config.lock_minutes)),
            faults: Mutex::new(FaultPlan::default()),
            remote_control: AtomicBool::new(config.remote_control_enabled),
            make_call: AtomicBool::new(config.make_call_enabled),
            remote_access: Mutex::new(RemoteAccess::default()),
            unregistered: Mutex::new(std::collections::BTreeSet::new()),
            recorder: Recorder::new(started),
            pusher,
            tls,
            key_tx,
            key_epoch: AtomicU64::new(0),
            tasks,
            me: me.clone(),
            addr,
            config,
        });
        device.tasks.spawn(push_worker.run());
        device.tasks.spawn(keys::play(
            Arc::downgrade(&device),
            key_rx,
            device.config.key_interval,
        ));
        if device.config.demo {
            device.tasks.spawn(demo::run(Arc::downgrade(&device)));
        }
        device
    }

    pub(crate) fn config(&self) -> &SimConfig {
        &self.config
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub(crate) fn tasks(&self) -> &TaskSet {
        &self.tasks
    }

    pub(crate) fn tls(&self) -> Option<&TlsState> {
        self.tls.as_ref()
    }

    pub(crate) fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    pub(crate) fn pusher(&self) -> &Pusher {
        &self.pusher
    }

    // ---- line state -------------------------------------------------------------------

    /// Runs `change` on the line state, then reacts to the events it produced.
    fn mutate<R>(&self, change: impl FnOnce(&mut PhoneState) -> R) -> R {
        let (result, events) = {
            let mut state = lock(&self.state);
            let result = change(&mut state);
            (result, state.take_events())
        };
        for event in &events {
            self.react(event);
        }
        result
    }

    fn react(&self, event: &CallEvent) {
        self.pusher.dispatch(event);
        let (line, call_id) = (event.line, event.call.call_id.clone());
        match event.event {
            PushEvent::Outgoing => {
                if let Some(delay) = self.config.effective_auto_answer() {
                    self.after(delay, move |dev| {
                        dev.mutate(|s| s.answer_if_calling(line, &call_id));
                    });
                }
            }
            PushEvent::Established if self.config.demo => {
                self.after(demo::call_length(), move |dev| {
                    dev.mutate(|s| s.hang_up_call(line, &call_id));
                });
            }
            _ => {}
        }
    }

    /// Runs `action` after `delay` unless the device is gone by then.
    fn after(&self, delay: Duration, action: impl FnOnce(&Device) + Send + 'static) {
        let me = self.me.clone();
        self.tasks.spawn(async move {
            tokio::time::sleep(delay).await;
            if let Some(device) = me.upgrade() {
                action(&device);
            }
        });
    }

    pub(crate) fn line_count(&self) -> u32 {
        self.config.lines
    }

    pub(crate) fn lines(&self) -> Vec<SimLine> {
        lock(&self.state).lines()
    }

    pub(crate) fn phone_status(&self) -> PhoneStatus {
        lock(&self.state).status()
    }

    pub(crate) fn state(&self) -> SimState {
        let remote = lock(&self.remote_access);
        let (lines, dnd, dial_buffer, dials) = {
            let state = lock(&self.state);
            (
                state.lines(),
                state.dnd(),
                state.dial_buffer().to_owned(),
                state.dials().to_vec(),
            )
        };
        SimState {
            lines,
            dnd,
            dial_buffer,
            locked: lock(&self.auth).is_locked(Instant::now()),
            remote_control: self.remote_control_enabled(),
            make_call: self.make_call_enabled(),
            allowed_ips: remote.allowed_text(),
            popup: remote.popup(),
            asking: remote.is_asking(),
            accounts: self.accounts(),
            dials,
        }
    }

    /// Every account as `api-get_accounts` lists it, with its registration now.
    pub(crate) fn accounts(&self) -> Vec<SimAccount> {
        let unregistered = lock(&self.unregistered);
        (0..self.config.accounts)
            .filter_map(|i| self.config.account(i))
            .map(|mut a| {
                a.reg = u8::from(!unregistered.contains(&(a.id - 1)));
                a
            })
            .collect()
    }

    /// Whether the account at 0-based `index` is registered (false when there is none).
    pub(crate) fn account_registered(&self, index: u32) -> bool {
        index < self.config.accounts && !lock(&self.unregistered).contains(&index)
    }

    /// The account at 0-based `index` registers or loses its registration.
    pub(crate) fn set_account_registered(
        &self,
        index: u32,
        registered: bool,
    ) -> Result<(), SimError> {
        if index >= self.config.accounts {
            return Err(SimError::NoSuchAccount(index));
        }
        let mut unregistered = lock(&self.unregistered);
        if registered {
            unregistered.remove(&index);
        } else {
            unregistered.insert(index);
        }
        Ok(())
    }

    pub(crate) fn ring(
        &self,
        line: Option<u32>,
        number: &str,
        name: &str,
    ) -> Result<u32, SimError> {
        self.mutate(|s| s.ring(line, number, name))
            .map(|(line, _)| line)
    }

    /// Rings, and has the caller give up after `ring_for` unless the call was answered.
    pub(crate) fn short_ring(
        &self,
        line: Option<u32>,
        number: &str,
        name: &str,
        ring_for: Duration,
    ) -> Result<u32, SimError> {
        let (line, call_id) = self.mutate(|s| s.ring(line, number, name))?;
        self.after(ring_for, move |dev| {
            dev.mutate(|s| s.give_up(line, &call_id));
        });
        Ok(line)
    }

    pub(crate) fn remote_answer(&self, line: u32) -> Result<(), SimError> {
        self.mutate(|s| s.remote_answer(line))
    }

    pub(crate) fn remote_hangup(&self, line: u32) -> Result<(), SimError> {
        self.mutate(|s| s.remote_hangup(line))
    }

    pub(crate) fn operate(&self, op: Operation) -> bool {
        self.mutate(|s| s.operate(op))
    }

    pub(crate) fn dial(&self, number: &str, account: u32) -> Result<u32, SimError> {
        self.mutate(|s| s.dial(number, account))
            .map(|(line, _)| line)
    }

    pub(crate) fn press(&self, key: Key) {
        self.mutate(|s| s.press(key));
    }

    /// Reboot (`factory == false`) or factory reset: calls drop, queued keys are discarded and
    /// web sessions end, as they would on a phone that restarts.
    pub(crate) fn restart(&self, factory: bool) {
        self.key_epoch.fetch_add(1, Ordering::SeqCst);
        self.mutate(|s| s.restart(factory));
        lock(&self.auth).expire_sessions();
    }

    // ---- keys -------------------------------------------------------------------------

    /// Queues keys to be pressed one per key interval, after any keys queued earlier.
    pub(crate) fn queue_keys(&self, keys: Vec<Key>) {
        let job = KeyJob {
            epoch: self.key_epoch.load(Ordering::SeqCst),
            keys,
        };
        if self.key_tx.send(job).is_err() {
            tracing::warn!("key player has stopped; keys dropped");
        }
    }

    /// Whether keys queued in `epoch` may still be pressed.
    pub(crate) fn key_epoch_is_current(&self, epoch: u64) -> bool {
        self.key_epoch.load(Ordering::SeqCst) == epoch
    }

    // ---- switches, auth, faults -------------------------------------------------------

    pub(crate) fn remote_control_enabled(&self) -> bool {
        self.remote_control.load(Ordering::SeqCst)
    }

    pub(crate) fn set_remote_control(&self, enabled: bool) {
        self.remote_control.store(enabled, Ordering::SeqCst);
    }

    pub(crate) fn make_call_enabled(&self) -> bool {
        self.make_call.load(Ordering::SeqCst)
    }

    pub(crate) fn set_make_call(&self, enabled: bool) {
        self.make_call.store(enabled, Ordering::SeqCst);
    }

    /// Runs `f` with the Remote Control page's allowed list and question locked.
    pub(crate) fn with_remote_access<R>(&self, f: impl FnOnce(&mut RemoteAccess) -> R) -> R {
        f(&mut lock(&self.remote_access))
    }

    /// Runs `f` with the authentication state locked.
    pub(crate) fn with_auth<R>(&self, f: impl FnOnce(&mut Auth) -> R) -> R {
        f(&mut lock(&self.auth))
    }

    pub(crate) fn set_fault(&self, fault: Fault, count: Option<u32>) {
        lock(&self.faults).set(fault, count);
    }

    /// The fault for the `api-*` request being handled now.
    pub(crate) fn next_fault(&self) -> Fault {
        lock(&self.faults).next()
    }

    // ---- certificates, log, pushes ----------------------------------------------------

    pub(crate) fn cert_fingerprint(&self) -> Option<String> {
        self.tls.as_ref().map(TlsState::fingerprint)
    }

    /// New certificate for new connections; `None` when serving plain HTTP.
    pub(crate) fn rotate_certificate(&self) -> Option<Result<String, SimError>> {
        self.tls.as_ref().map(TlsState::rotate)
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        self.recorder.snapshot()
    }

    pub(crate) fn pushes(&self) -> Vec<SentPush> {
        self.pusher.sent()
    }
}
