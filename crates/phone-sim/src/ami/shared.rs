//! State shared by the listener, the sessions, the timers and the control side.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::watch;

use crate::sync::lock;
use crate::tasks::TaskSet;

use super::config::AmiSimConfig;
use super::faults::{AmiFault, FaultState};
use super::pbx::{Outgoing, Pbx, TimerRequest};
use super::record::ActionLog;

/// A connected AMI client as the simulator reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmiSessionInfo {
    /// Session number, from 1 (the `session` of recorded actions).
    pub id: u64,
    /// The client's address.
    pub peer: SocketAddr,
    /// The account it logged in as.
    pub username: Option<String>,
    /// Whether it is logged in.
    pub authenticated: bool,
    /// Event classes it receives (`all`, `call`, `system,call`, `none`).
    pub events: String,
    /// Number of `Action: Filter` filters in force.
    pub filters: usize,
}

pub(crate) struct SessionEntry {
    pub(crate) tx: UnboundedSender<Outgoing>,
    pub(crate) info: AmiSessionInfo,
}

pub(crate) struct Shared {
    pub(crate) cfg: Arc<AmiSimConfig>,
    pub(crate) pbx: Mutex<Pbx>,
    pub(crate) sessions: Mutex<BTreeMap<u64, SessionEntry>>,
    pub(crate) faults: Mutex<FaultState>,
    pub(crate) record: ActionLog,
    pub(crate) tasks: TaskSet,
    /// Bumped by a restart: the accept loop of the previous generation stops.
    pub(crate) listener_generation: watch::Sender<u64>,
    /// The AMI address (kept across restarts).
    pub(crate) addr: SocketAddr,
    next_session: AtomicU64,
}

impl Shared {
    pub(crate) fn new(cfg: AmiSimConfig, tasks: TaskSet, addr: SocketAddr) -> Arc<Shared> {
        let cfg = Arc::new(cfg);
        Arc::new(Shared {
            pbx: Mutex::new(Pbx::new(Arc::clone(&cfg))),
            cfg,
            sessions: Mutex::new(BTreeMap::new()),
            faults: Mutex::new(FaultState::default()),
            record: ActionLog::new(Instant::now()),
            tasks,
            listener_generation: watch::Sender::new(0),
            addr,
            next_session: AtomicU64::new(1),
        })
    }

    pub(crate) fn next_session_id(&self) -> u64 {
        self.next_session.fetch_add(1, Ordering::Relaxed)
    }

    /// Runs `f` on the PBX, then starts the timers it asked for (outside the lock).
    pub(crate) fn with_pbx<R>(self: &Arc<Self>, f: impl FnOnce(&mut Pbx) -> R) -> R {
        let (result, timers) = {
            let mut pbx = lock(&self.pbx);
            let result = f(&mut pbx);
            (result, pbx.take_timers())
        };
        for timer in timers {
            self.start_timer(timer);
        }
        result
    }

    fn start_timer(self: &Arc<Self>, timer: TimerRequest) {
        let shared = Arc::downgrade(self);
        self.tasks.spawn(async move {
            tokio::time::sleep(timer.after).await;
            if let Some(shared) = shared.upgrade() {
                shared.with_pbx(|pbx| pbx.fire(timer.call, timer.kind));
            }
        });
    }

    pub(crate) fn fault(&self) -> (AmiFault, u64) {
        let f = lock(&self.faults);
        (f.fault, f.version)
    }

    pub(crate) fn set_fault(&self, fault: AmiFault) {
        let mut f = lock(&self.faults);
        f.fault = fault;
        f.version += 1;
    }

    /// Sends `item` (made fresh per session) to every connected session.
    pub(crate) fn to_all_sessions(&self, item: impl Fn() -> Outgoing) {
        for entry in lock(&self.sessions).values() {
            let _ = entry.tx.send(item());
        }
    }

    pub(crate) fn session_infos(&self) -> Vec<AmiSessionInfo> {
        lock(&self.sessions)
            .values()
            .map(|e| e.info.clone())
            .collect()
    }

    pub(crate) fn update_session(&self, id: u64, f: impl FnOnce(&mut AmiSessionInfo)) {
        if let Some(entry) = lock(&self.sessions).get_mut(&id) {
            f(&mut entry.info);
        }
    }
}
