//! [`YealinkSim`], the handle a test or demo holds: starts the phone, steers it, stops it.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::time::Instant;

use super::config::YealinkSimConfig;
use super::error::YealinkSimError;
use super::events::YealinkEvent;
use super::http;
use super::phone::{YealinkCall, YealinkPhoneState};
use super::push::{Identity, Pusher, YealinkPush};
use super::record::YealinkRequest;
use super::shared::Shared;
use crate::faults::Fault;
use crate::server;
use crate::tasks::TaskSet;
use crate::tls::TlsState;

/// A running simulated Yealink phone: Action URI and the control API on one port, Action URL
/// pushes to wherever they are configured.
///
/// Dropping it (or awaiting [`YealinkSim::shutdown`]) stops the server, every connection and
/// every background task, so the port is free again after a test.
#[derive(Debug)]
pub struct YealinkSim {
    shared: Arc<Shared>,
    /// Whether dropping this handle stops the phone (false for the control API's handles).
    owner: bool,
}

impl YealinkSim {
    /// Binds `config.bind`, makes the certificate when `config.tls`, and starts serving.
    /// Must be called inside a Tokio runtime, whose tasks then run the phone.
    pub async fn start(config: YealinkSimConfig) -> Result<YealinkSim, YealinkSimError> {
        config.validate()?;
        let tasks = TaskSet::new().map_err(|_| YealinkSimError::NoRuntime)?;
        let bind = config.bind;
        let bind_error = |source| YealinkSimError::Bind { addr: bind, source };
        let listener = TcpListener::bind(bind).await.map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let tls = if config.tls {
            Some(TlsState::new(addr.ip()).map_err(|e| YealinkSimError::Tls(e.to_string()))?)
        } else {
            None
        };
        let started = Instant::now();
        let (pusher, worker) = Pusher::new(
            Identity::new(&config, addr.ip()),
            config.push_delay,
            started,
        );
        let shared = Arc::new(Shared::new(config, addr, tasks, tls, pusher, started));
        shared.tasks.spawn(worker.run());
        let router = http::router(Arc::clone(&shared));
        shared.tasks.spawn(server::serve(listener, router, {
            let shared = Arc::clone(&shared);
            move || shared.tls.as_ref().map(TlsState::acceptor)
        }));
        let sim = YealinkSim {
            shared,
            owner: true,
        };
        tracing::info!(url = %sim.url(), "Yealink simulator listening");
        Ok(sim)
    }

    /// A handle on the same phone that does not stop it when dropped (for the control API).
    pub(crate) fn handle(shared: Arc<Shared>) -> YealinkSim {
        YealinkSim {
            shared,
            owner: false,
        }
    }

    /// Base URL, `http://127.0.0.1:PORT` or `https://...` (a wildcard bind is reported as
    /// loopback, the address a local client can use).
    pub fn url(&self) -> String {
        let scheme = if self.shared.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", server::reachable(self.shared.addr))
    }

    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// The configuration the phone was started with.
    pub fn config(&self) -> &YealinkSimConfig {
        &self.shared.config
    }

    /// SHA-256 of the current certificate as `AB:CD:...`; `None` for plain HTTP.
    pub fn cert_fingerprint(&self) -> Option<String> {
        self.shared.tls.as_ref().map(TlsState::fingerprint)
    }

    /// A new certificate for new connections; answers its fingerprint (`None` on HTTP).
    pub fn rotate_certificate(&self) -> Option<Result<String, YealinkSimError>> {
        self.shared.tls.as_ref().map(|tls| {
            tls.rotate()
                .map_err(|e| YealinkSimError::Tls(e.to_string()))
        })
    }

    // ---- calls -----------------------------------------------------------------------------

    /// A call from `number` (display `name`, may be empty) rings on account `account`
    /// (0-based). Returns its `$call_id`. Fails while Do Not Disturb is on or every line key
    /// holds a call.
    pub fn ring(
        &self,
        number: &str,
        name: &str,
        account: usize,
    ) -> Result<String, YealinkSimError> {
        self.shared.act(|p| p.ring(number, name, account))
    }

    /// The person at the phone picks up the ringing call `call_id`.
    pub fn answer_at_phone(&self, call_id: &str) -> Result<(), YealinkSimError> {
        self.shared.act(|p| p.answer(call_id))
    }

    /// The person at the phone declines the ringing call `call_id`.
    pub fn reject_at_phone(&self, call_id: &str) -> Result<(), YealinkSimError> {
        self.shared.act(|p| p.reject(call_id))
    }

    /// The person at the phone hangs up `call_id` (a ringing call is declined).
    pub fn hang_up_at_phone(&self, call_id: &str) -> Result<(), YealinkSimError> {
        self.shared.act(|p| p.hang_up(call_id))
    }

    /// The other party hangs up `call_id` (a ringing call becomes a missed call).
    pub fn hang_up_remote(&self, call_id: &str) -> Result<(), YealinkSimError> {
        self.shared.act(|p| p.remote_hang_up(call_id))
    }

    /// The caller of the ringing call `call_id` gives up: a missed call.
    pub fn give_up(&self, call_id: &str) -> Result<(), YealinkSimError> {
        self.shared.act(|p| p.give_up(call_id))
    }

    /// The far end answers the outgoing call `call_id`.
    pub fn remote_answer(&self, call_id: &str) -> Result<(), YealinkSimError> {
        self.shared.act(|p| p.remote_answer(call_id))
    }

    /// The person at the phone holds the connected call `call_id`.
    pub fn hold_at_phone(&self, call_id: &str) -> Result<(), YealinkSimError> {
        self.shared.act(|p| p.hold(call_id))
    }

    /// The person at the phone resumes the held call `call_id`.
    pub fn resume_at_phone(&self, call_id: &str) -> Result<(), YealinkSimError> {
        self.shared.act(|p| p.resume(call_id))
    }

    /// The person at the phone dials `number` on account `account` (0-based).
    pub fn dial_at_phone(&self, number: &str, account: usize) -> Result<String, YealinkSimError> {
        self.shared.act(|p| p.dial(number, account))
    }

    /// Do Not Disturb switched at the phone.
    pub fn set_dnd_at_phone(&self, on: bool) {
        self.shared.act(|p| p.set_dnd(on));
    }

    /// Calls in progress, oldest first.
    pub fn calls(&self) -> Vec<YealinkCall> {
        self.shared.act(|p| p.calls().to_vec())
    }

    /// The phone: calls, the call on screen, DND, mute, what was typed and sent as tones.
    pub fn phone_state(&self) -> YealinkPhoneState {
        self.shared.act(|p| p.state())
    }

    // ---- remote control and login ----------------------------------------------------------

    /// OK on the "Allow remote control?" prompt for `ip` (`None`: every address it is shown
    /// for). Held requests from there go ahead; later ones are not asked again. Returns the
    /// addresses allowed.
    pub fn confirm_remote_control(&self, ip: Option<IpAddr>) -> Vec<IpAddr> {
        self.shared.with_prompt(|p| p.confirm(ip))
    }

    /// Cancel on the prompt: held requests from `ip` (`None`: from every address shown) are
    /// refused with 403; the next request asks again. Returns the addresses declined.
    pub fn decline_remote_control(&self, ip: Option<IpAddr>) -> Vec<IpAddr> {
        self.shared.with_prompt(|p| p.decline(ip))
    }

    /// Addresses whose "Allow remote control?" prompt is on screen.
    pub fn remote_control_prompts(&self) -> Vec<IpAddr> {
        self.shared.with_prompt(|p| p.pending())
    }

    /// Addresses allowed on the prompt so far.
    pub fn remote_control_allowed(&self) -> Vec<IpAddr> {
        self.shared.with_prompt(|p| p.allowed())
    }

    /// `features.show_action_uri_option`.
    pub fn set_prompt(&self, show: bool) {
        self.shared.with_prompt(|p| p.enabled = show);
    }

    /// `features.action_uri_limit_ip` (see [`YealinkSimConfig::action_uri_limit_ip`]).
    pub fn set_action_uri_limit_ip(&self, limit: &str) {
        self.shared.set_limit_ip(limit);
    }

    /// The current `features.action_uri_limit_ip`.
    pub fn action_uri_limit_ip(&self) -> String {
        self.shared.limit_ip()
    }

    /// The current `features.action_uri.enable`.
    pub fn action_uri_enabled(&self) -> bool {
        self.shared.action_uri_enabled()
    }

    /// `features.action_uri.enable`.
    pub fn set_action_uri_enabled(&self, enabled: bool) {
        self.shared.set_action_uri_enabled(enabled);
    }

    /// Locks the web login now, as if someone had typed too many wrong passwords.
    pub fn lock_login(&self) {
        self.shared.lock_login();
    }

    /// Lifts a login lock and resets the failure count.
    pub fn unlock_login(&self) {
        self.shared.unlock_login();
    }

    /// How long the login lock still lasts, if one holds.
    pub fn login_locked_for(&self) -> Option<Duration> {
        self.shared.locked_for()
    }

    // ---- faults and records ----------------------------------------------------------------

    /// Injects `fault` into the next `count` Action URI requests, or until changed when
    /// `None`.
    pub fn set_fault(&self, fault: Fault, count: Option<u32>) {
        self.shared.set_fault(fault, count);
    }

    /// Every Action URI request so far (control API excluded), oldest first.
    pub fn requests(&self) -> Vec<YealinkRequest> {
        self.shared.requests()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.shared.clear_requests();
    }

    // ---- Action URL ------------------------------------------------------------------------

    /// Sets the Action URL `template` of `event` (`None` or blank clears it). Variables are
    /// substituted raw when the event happens.
    pub fn set_action_url(&self, event: YealinkEvent, template: Option<String>) {
        self.shared.pusher.set_action_url(event, template);
    }

    /// Push unreliability: `loss` and `duplicate` probabilities (clamped to 0..=1) and a
    /// random extra delay of up to `extra_delay` per push (which can reorder them).
    pub fn set_push_faults(&self, loss: f64, duplicate: f64, extra_delay: Option<Duration>) {
        self.shared.pusher.set_faults(loss, duplicate, extra_delay);
    }

    /// Seeds the push fault dice so losses repeat from run to run.
    pub fn set_push_seed(&self, seed: u64) {
        self.shared.pusher.set_seed(seed);
    }

    /// Every push sent (and every push lost on purpose), in sending order.
    pub fn pushes(&self) -> Vec<YealinkPush> {
        self.shared.pusher.sent()
    }

    /// Forgets the recorded pushes.
    pub fn clear_pushes(&self) {
        self.shared.pusher.clear();
    }

    /// Stops serving and waits until every task of this phone has ended.
    pub async fn shutdown(self) {
        self.shared.tasks.shutdown().await;
    }
}

impl Drop for YealinkSim {
    fn drop(&mut self) {
        if self.owner {
            self.shared.tasks.abort_all();
        }
    }
}
