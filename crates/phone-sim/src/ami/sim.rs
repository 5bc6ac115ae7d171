//! [`AmiSim`], the handle a test, benchmark or demo holds: starts the simulated Asterisk,
//! steers its calls and faults, and stops it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::tasks::TaskSet;

use super::config::AmiSimConfig;
use super::control;
use super::demo;
use super::error::AmiSimError;
use super::faults::{AmiFault, GARBAGE, TRUNCATED};
use super::model::{CallId, CallInfo, ChannelInfo, Party};
use super::pbx::Outgoing;
use super::record::RecordedAction;
use super::session;
use super::shared::{AmiSessionInfo, Shared};

/// A running simulated Asterisk 22 with its AMI on TCP and an optional HTTP control API.
///
/// Dropping it (or awaiting [`AmiSim::shutdown`]) stops the listeners, every session and every
/// timer, so no port keeps answering after a test ends.
pub struct AmiSim {
    shared: Arc<Shared>,
    addr: SocketAddr,
    control_addr: Option<SocketAddr>,
}

impl std::fmt::Debug for AmiSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AmiSim")
            .field("addr", &self.addr)
            .field("control_addr", &self.control_addr)
            .finish_non_exhaustive()
    }
}

async fn bind(addr: SocketAddr) -> Result<(TcpListener, SocketAddr), AmiSimError> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| AmiSimError::Bind { addr, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| AmiSimError::Bind { addr, source })?;
    Ok((listener, bound))
}

impl AmiSim {
    /// Binds AMI (and the control API when configured) and starts serving. Must be called
    /// inside a Tokio runtime; all tasks run on it.
    pub async fn start(config: AmiSimConfig) -> Result<AmiSim, AmiSimError> {
        config.validate()?;
        let tasks = TaskSet::new().map_err(|_| AmiSimError::NoRuntime)?;
        let (listener, addr) = bind(config.bind).await?;
        let control_listener = match config.control_bind {
            Some(control_bind) => Some(bind(control_bind).await?),
            None => None,
        };
        let demo = config.demo;
        let shared = Shared::new(config, tasks, addr);
        shared
            .tasks
            .spawn(session::serve(listener, Arc::clone(&shared), 0));
        let control_addr = control_listener.map(|(listener, control_addr)| {
            shared
                .tasks
                .spawn(control::serve(listener, Arc::downgrade(&shared)));
            control_addr
        });
        if demo {
            shared.tasks.spawn(demo::run(Arc::downgrade(&shared)));
        }
        tracing::info!(%addr, ?control_addr, "AMI simulator listening");
        Ok(AmiSim {
            shared,
            addr,
            control_addr,
        })
    }

    /// The AMI address actually bound (with the port picked when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The control API's address, if it runs.
    pub fn control_addr(&self) -> Option<SocketAddr> {
        self.control_addr
    }

    /// The control API's base URL (`http://127.0.0.1:PORT`), if it runs.
    pub fn control_url(&self) -> Option<String> {
        self.control_addr.map(|a| format!("http://{a}"))
    }

    /// The configuration the PBX was started with.
    pub fn config(&self) -> &AmiSimConfig {
        &self.shared.cfg
    }

    // ----- calls ----------------------------------------------------------------------------

    /// A call from the trunk (`from_number`, display `from_name`, may be empty) rings
    /// `to_endpoint` (`PJSIP/100` or `100`).
    pub fn ring(
        &self,
        from_number: &str,
        from_name: &str,
        to_endpoint: &str,
    ) -> Result<CallId, AmiSimError> {
        self.ring_group(from_number, from_name, &[to_endpoint])
    }

    /// Like [`AmiSim::ring`], but several phones ring at once (`Dial(PJSIP/100&PJSIP/201)`);
    /// the first is "my" phone for [`AmiSim::answer`], [`AmiSim::reject`] and
    /// [`AmiSim::answered_elsewhere`].
    pub fn ring_group(
        &self,
        from_number: &str,
        from_name: &str,
        to_endpoints: &[&str],
    ) -> Result<CallId, AmiSimError> {
        self.shared
            .with_pbx(|pbx| pbx.ring(from_number, from_name, to_endpoints))
    }

    /// The desk phone `from_endpoint` dials `number` itself (off-hook dialling): the far end
    /// rings and answers after `far_end_answer_delay`, or on [`AmiSim::answer`].
    pub fn dial(&self, from_endpoint: &str, number: &str) -> Result<CallId, AmiSimError> {
        self.shared
            .with_pbx(|pbx| pbx.dial_from_phone(from_endpoint, number))
    }

    /// Whatever rings in the call answers: the desk phone (an inbound call, or an originate
    /// before it is answered), else the far end being dialled.
    pub fn answer(&self, call: CallId) -> Result<(), AmiSimError> {
        self.shared.with_pbx(|pbx| pbx.answer(call, None))
    }

    /// The phone `endpoint` answers a ring group call.
    pub fn answer_at(&self, call: CallId, endpoint: &str) -> Result<(), AmiSimError> {
        self.shared.with_pbx(|pbx| pbx.answer(call, Some(endpoint)))
    }

    /// Another phone of a ring group answers: my phone's channel ends with cause 26
    /// "Answered elsewhere".
    pub fn answered_elsewhere(&self, call: CallId) -> Result<(), AmiSimError> {
        self.shared.with_pbx(|pbx| pbx.answered_elsewhere(call))
    }

    /// The ringing phone refuses the call: `cause` 17 (busy, SIP 486) or 21 (rejected, SIP
    /// 603), or any Q.850 cause 1..=127.
    pub fn reject(&self, call: CallId, cause: u32) -> Result<(), AmiSimError> {
        self.shared.with_pbx(|pbx| pbx.reject(call, None, cause))
    }

    /// The ringing phone `endpoint` of a ring group refuses the call.
    pub fn reject_at(&self, call: CallId, endpoint: &str, cause: u32) -> Result<(), AmiSimError> {
        self.shared
            .with_pbx(|pbx| pbx.reject(call, Some(endpoint), cause))
    }

    /// The caller gives up while the phone rings: a missed call (cause 127, capture 05).
    pub fn give_up(&self, call: CallId) -> Result<(), AmiSimError> {
        self.shared.with_pbx(|pbx| pbx.give_up(call))
    }

    /// The desk phone puts the call on hold.
    pub fn hold(&self, call: CallId) -> Result<(), AmiSimError> {
        self.shared.with_pbx(|pbx| pbx.hold(call, true))
    }

    /// The desk phone takes the call off hold.
    pub fn unhold(&self, call: CallId) -> Result<(), AmiSimError> {
        self.shared.with_pbx(|pbx| pbx.hold(call, false))
    }

    /// `by` hangs up (cause 16, Normal Clearing).
    pub fn hangup(&self, call: CallId, by: Party) -> Result<(), AmiSimError> {
        self.shared.with_pbx(|pbx| pbx.hangup(call, by))
    }

    /// Every live channel, in creation order.
    pub fn channels(&self) -> Vec<ChannelInfo> {
        self.shared.with_pbx(|pbx| pbx.channel_infos())
    }

    /// Every call known (live ones and up to 1000 ended ones), oldest first.
    pub fn calls(&self) -> Vec<CallInfo> {
        self.shared.with_pbx(|pbx| pbx.call_infos())
    }

    /// One call.
    pub fn call(&self, call: CallId) -> Option<CallInfo> {
        self.calls().into_iter().find(|c| c.id == call)
    }

    // ----- sessions and record --------------------------------------------------------------

    /// Connected AMI clients.
    pub fn sessions(&self) -> Vec<AmiSessionInfo> {
        self.shared.session_infos()
    }

    /// Every message clients sent, oldest first, secrets hidden.
    pub fn actions(&self) -> Vec<RecordedAction> {
        self.shared.record.snapshot()
    }

    /// Forgets the recorded actions.
    pub fn clear_actions(&self) {
        self.shared.record.clear();
    }

    // ----- faults ---------------------------------------------------------------------------

    /// Sets a standing fault (until changed; [`AmiFault::None`] to behave again).
    pub fn set_fault(&self, fault: AmiFault) {
        self.shared.set_fault(fault);
        // Wake every session so a new countdown or hang applies at once.
        self.shared.to_all_sessions(|| Outgoing::Raw(Vec::new()));
    }

    /// Closes every AMI connection now, without a goodbye.
    pub fn drop_connections(&self) {
        self.shared.to_all_sessions(|| Outgoing::Close);
    }

    /// Sends bytes that are no AMI message (binary, a line without a colon) to every session.
    pub fn send_garbage(&self) {
        self.shared
            .to_all_sessions(|| Outgoing::Raw(GARBAGE.to_vec()));
    }

    /// Sends the first half of an event to every session, then closes the connections.
    pub fn send_truncated(&self) {
        self.shared
            .to_all_sessions(|| Outgoing::RawThenClose(TRUNCATED.to_vec()));
    }

    /// Asterisk restarts: every connection closes, every channel and call is gone without
    /// events, counters start again and the next login gets a new `FullyBooted` with a small
    /// `Uptime`. With a non-zero `down_for` the port refuses connections that long.
    pub fn restart(&self, down_for: Duration) {
        restart(&self.shared, down_for);
    }

    /// Stops serving and waits until every task has ended.
    pub async fn shutdown(self) {
        self.shared.tasks.shutdown().await;
    }
}

impl Drop for AmiSim {
    fn drop(&mut self) {
        self.shared.tasks.abort_all();
    }
}

/// See [`AmiSim::restart`]; shared with the control API.
pub(crate) fn restart(shared: &Arc<Shared>, down_for: Duration) {
    let addr = shared.addr;
    shared.with_pbx(|pbx| pbx.restart());
    shared.to_all_sessions(|| Outgoing::Close);
    if down_for.is_zero() {
        return;
    }
    let generation = {
        let mut next = 0;
        shared.listener_generation.send_modify(|g| {
            *g += 1;
            next = *g;
        });
        next
    };
    let weak = Arc::downgrade(shared);
    shared.tasks.spawn(async move {
        tokio::time::sleep(down_for).await;
        let Some(shared) = weak.upgrade() else {
            return;
        };
        if *shared.listener_generation.borrow() != generation {
            return;
        }
        match TcpListener::bind(addr).await {
            Ok(listener) => {
                let serving = Arc::clone(&shared);
                shared
                    .tasks
                    .spawn(session::serve(listener, serving, generation));
            }
            Err(e) => {
                tracing::error!(%addr, "AMI simulator cannot listen again after restart: {e}")
            }
        }
    });
}
