//! [`XucSim`], the handle a test or demo holds: starts the server, steers it, stops it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use super::calls::IncomingCall;
use super::config::XucSimConfig;
use super::error::XucSimError;
use super::faults::{LoginRefusal, MALFORMED_MESSAGE};
use super::model::{CallId, UserData, XucCall, XucUserState};
use super::record::{XucAuthRecord, XucSessionRecord};
use super::server::{self, Core};
use super::world::Outbound;

/// A running simulated xuc server: HTTP authentication, the CTI websocket and the `/control/`
/// API on one port.
///
/// Dropping it (or awaiting [`XucSim::shutdown`]) stops the server, its timers and every
/// websocket, so the port is free again after a test.
#[derive(Debug)]
pub struct XucSim {
    core: Arc<Core>,
    /// Whether dropping this handle stops the server (false for the control API's handles).
    owner: bool,
}

impl XucSim {
    /// Binds `config.bind` and starts serving. Must be called inside a Tokio runtime, whose
    /// tasks then run the server.
    pub async fn start(config: XucSimConfig) -> Result<XucSim, XucSimError> {
        config.validate()?;
        let core = server::start(config).await?;
        tracing::info!(url = %url_of(core.addr()), "xuc simulator listening");
        Ok(XucSim { core, owner: true })
    }

    /// A handle on the same server that does not stop it when dropped (for the control API).
    pub(crate) fn handle(core: Arc<Core>) -> XucSim {
        XucSim { core, owner: false }
    }

    /// Base URL, `http://127.0.0.1:PORT` (a wildcard bind is reported as loopback).
    pub fn url(&self) -> String {
        url_of(self.core.addr())
    }

    /// The websocket URL for `token`: `ws://127.0.0.1:PORT/xuc/api/2.0/cti?token=TOKEN`.
    pub fn cti_url(&self, token: &str) -> String {
        let base = url_of(self.core.addr());
        let host = base.trim_start_matches("http://");
        format!("ws://{host}/xuc/api/2.0/cti?token={token}")
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.core.addr()
    }

    // ----- calls -----

    /// A call from `from_number` (name `from_name`, may be empty) rings on `to_user`'s phone:
    /// EventRinging with `userData` = XIVO_CONTEXT, XIVO_USERID, XIVO_SRCNUM, XIVO_DSTNUM plus
    /// `user_data`. Fails (no event) when the user has DND on, forwards the call, or the phone
    /// is unavailable.
    pub fn ring(
        &self,
        to_user: &str,
        from_number: &str,
        from_name: &str,
        user_data: UserData,
    ) -> Result<CallId, XucSimError> {
        self.core.act(|w| {
            w.ring(
                to_user,
                IncomingCall {
                    from_number,
                    from_name,
                    queue: None,
                    user_data,
                },
            )
        })
    }

    /// Like [`XucSim::ring`], for a call distributed by queue `queue` (`queueName`).
    pub fn ring_from_queue(
        &self,
        to_user: &str,
        queue: &str,
        from_number: &str,
        from_name: &str,
        user_data: UserData,
    ) -> Result<CallId, XucSimError> {
        self.core.act(|w| {
            w.ring(
                to_user,
                IncomingCall {
                    from_number,
                    from_name,
                    queue: Some(queue),
                    user_data,
                },
            )
        })
    }

    /// The user picks up ringing call `call` on the desk phone itself (EventEstablished).
    pub fn answer_at_phone(&self, call: CallId) -> Result<(), XucSimError> {
        self.core.act(|w| w.answer(call))
    }

    /// The user dials `number` on the desk phone itself (EventDialing).
    pub fn dial_at_phone(&self, user: &str, number: &str) -> Result<CallId, XucSimError> {
        self.core
            .act(|w| w.dial(user, number, UserData::new(), None))
    }

    /// The far end answers outgoing call `call` (EventEstablished).
    pub fn remote_answer(&self, call: CallId) -> Result<(), XucSimError> {
        self.core.act(|w| w.remote_answer(call))
    }

    /// The user holds `call` at the phone (EventOnHold).
    pub fn hold(&self, call: CallId) -> Result<(), XucSimError> {
        self.core.act(|w| w.hold(call))
    }

    /// The user resumes held `call` at the phone (EventEstablished).
    pub fn resume(&self, call: CallId) -> Result<(), XucSimError> {
        self.core.act(|w| w.resume(call))
    }

    /// The user hangs up `call` at the phone (EventReleased).
    pub fn hang_up_at_phone(&self, call: CallId) -> Result<(), XucSimError> {
        self.core.act(|w| w.release(call).map(|_| ()))
    }

    /// The other party hangs up `call`, whatever its state (EventReleased).
    pub fn hang_up_remote(&self, call: CallId) -> Result<(), XucSimError> {
        self.core.act(|w| w.release(call).map(|_| ()))
    }

    /// The caller of ringing `call` gives up before anyone answered (EventReleased: a missed
    /// call).
    pub fn caller_gives_up(&self, call: CallId) -> Result<(), XucSimError> {
        self.core.act(|w| w.caller_gives_up(call))
    }

    /// Calls in progress, oldest first.
    pub fn calls(&self) -> Vec<XucCall> {
        self.core.act(|w| w.calls.values().cloned().collect())
    }

    /// Call `call`, while in progress.
    pub fn call(&self, call: CallId) -> Option<XucCall> {
        self.core.act(|w| w.calls.get(&call).cloned())
    }

    // ----- users -----

    /// Every user's settings, phone status and open sessions.
    pub fn users(&self) -> Vec<XucUserState> {
        self.core.act(|w| w.user_states())
    }

    /// Sets Do Not Disturb as if from the phone; the user's sessions get `UserConfigUpdate`.
    pub fn set_dnd(&self, user: &str, on: bool) -> Result<(), XucSimError> {
        self.core.act(|w| {
            let ui = w.user_index(user)?;
            w.set_dnd(ui, on);
            Ok(())
        })
    }

    /// Makes `user`'s phone (un)available: `PhoneStatusUpdate` INDISPONIBLE, and calls to it
    /// fail, until made available again.
    pub fn set_phone_available(&self, user: &str, available: bool) -> Result<(), XucSimError> {
        self.core.act(|w| {
            let ui = w.user_index(user)?;
            w.set_phone_available(ui, available);
            Ok(())
        })
    }

    // ----- faults -----

    /// Makes every login fail this way (`None`: logins work again).
    pub fn refuse_logins(&self, refusal: Option<LoginRefusal>) {
        self.core.act(|w| w.faults.login_refusal = refusal);
    }

    /// When on, every new websocket gets `LoggedOnError` (`loggedOnFailed`) and is closed.
    pub fn refuse_sessions(&self, refuse: bool) {
        self.core.act(|w| w.faults.refuse_sessions = refuse);
    }

    /// Drops every open websocket now, without a close frame (a network cut or a crash).
    pub fn drop_sessions(&self) {
        self.core
            .act(|w| w.end_sessions(|| Outbound::Drop, "dropped (fault)"));
    }

    /// From now on, every websocket is dropped right after it has sent its `count`-th message
    /// (counted from its opening; one already past it drops after its next message). `None`
    /// turns the fault off.
    pub fn drop_after_messages(&self, count: Option<u32>) {
        self.core.act(|w| w.faults.drop_after = count);
    }

    /// Whether pings are answered. Off, pings still count as activity (the server keeps the
    /// socket) but the client hears nothing back, like a server that hangs.
    pub fn answer_pings(&self, answer: bool) {
        self.core.act(|w| w.faults.answer_pings = answer);
    }

    /// Sends `text` as-is to every open websocket; answers how many it reached.
    pub fn send_raw(&self, text: &str) -> usize {
        self.core.act(|w| w.send_to_all(text))
    }

    /// Sends [`super::MALFORMED_MESSAGE`], JSON cut short, to every open websocket.
    pub fn send_malformed(&self) -> usize {
        self.send_raw(MALFORMED_MESSAGE)
    }

    /// Every token issued so far expires now (open websockets stay open).
    pub fn expire_tokens(&self) {
        self.core.act(|w| w.expire_tokens());
    }

    /// Restarts the server: every websocket drops, calls and tokens are forgotten (users'
    /// DND and forwards survive), and the port refuses connections for `downtime`. Resolves
    /// once the server listens again.
    pub async fn restart(&self, downtime: Duration) {
        self.core.act(|w| w.restart());
        if !downtime.is_zero() {
            self.core.pause_listening(downtime).await;
        }
    }

    // ----- records -----

    /// Every authentication request (login, check, websocket token), oldest first.
    pub fn auth_records(&self) -> Vec<XucAuthRecord> {
        self.core.act(|w| w.auth_records.iter().cloned().collect())
    }

    /// Every websocket session with the commands it sent, oldest first.
    pub fn sessions(&self) -> Vec<XucSessionRecord> {
        self.core.act(|w| w.session_records())
    }

    /// Number of websockets open now.
    pub fn open_sessions(&self) -> usize {
        self.core.act(|w| w.open_sessions())
    }

    /// Forgets the records (open sessions keep an empty record).
    pub fn clear_records(&self) {
        self.core.act(|w| w.clear_records());
    }

    /// Stops serving and waits until the server's tasks have ended; the port is free after.
    pub async fn shutdown(self) {
        self.core.shutdown().await;
    }
}

impl Drop for XucSim {
    fn drop(&mut self) {
        if self.owner {
            self.core.stop_now();
        }
    }
}

/// `http://ADDR` with a wildcard address replaced by loopback.
fn url_of(addr: SocketAddr) -> String {
    format!("http://{}", crate::server::reachable(addr))
}
