//! [`PhoneSim`], the handle a test, benchmark or demo holds: starts the phone, steers it and
//! stops it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::config::SimConfig;
use crate::device::Device;
use crate::error::SimError;
use crate::events::PushEvent;
use crate::faults::Fault;
use crate::http;
use crate::push::SentPush;
use crate::record::RecordedRequest;
use crate::server;
use crate::state::{SimLine, SimState};
use crate::tasks::TaskSet;
use crate::tls::TlsState;

/// A running simulated phone.
///
/// Dropping it (or awaiting [`PhoneSim::shutdown`]) stops the server, every open connection and
/// all background tasks, so no port keeps answering after a test ends.
#[derive(Debug)]
pub struct PhoneSim {
    device: Arc<Device>,
    url: String,
}

impl PhoneSim {
    /// Binds, generates the certificate if `cfg.tls`, and starts serving. Must be called
    /// inside a Tokio runtime; the phone's tasks run on that runtime.
    pub async fn start(cfg: SimConfig) -> Result<PhoneSim, SimError> {
        cfg.validate()?;
        let tasks = TaskSet::new()?;
        let listener = TcpListener::bind(cfg.bind)
            .await
            .map_err(|source| SimError::Bind {
                addr: cfg.bind,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SimError::Bind {
            addr: cfg.bind,
            source,
        })?;
        let tls = if cfg.tls {
            Some(TlsState::new(addr.ip())?)
        } else {
            None
        };
        let scheme = if cfg.tls { "https" } else { "http" };
        let url = format!("{scheme}://{}", server::reachable(addr));
        let device = Device::start(cfg, addr, tls, tasks);
        let router = http::router(Arc::clone(&device));
        device.tasks().spawn(server::serve(listener, router, {
            let device = Arc::clone(&device);
            move || device.tls().map(TlsState::acceptor)
        }));
        tracing::info!(%url, "phone simulator listening");
        Ok(PhoneSim { device, url })
    }

    /// Base URL, `http://127.0.0.1:PORT` or `https://...` (a wildcard bind is reported as
    /// loopback, the address a local client can actually use).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The address actually bound (with the port picked when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.device.addr()
    }

    /// The configuration the phone was started with.
    pub fn config(&self) -> &SimConfig {
        self.device.config()
    }

    /// SHA-256 fingerprint of the current certificate as `AB:CD:...`; `None` for plain HTTP.
    pub fn cert_fingerprint(&self) -> Option<String> {
        self.device.cert_fingerprint()
    }

    /// Replaces the certificate with a freshly generated one for new connections (existing
    /// connections keep the old one). No effect on plain HTTP.
    pub fn rotate_certificate(&self) {
        if let Some(Err(e)) = self.device.rotate_certificate() {
            tracing::error!("certificate rotation failed: {e}");
        }
    }

    /// An incoming call from `number` (display `name`, may be empty) rings on `line` or the
    /// first idle line. Returns the line used. Fails when the line is busy, every line is busy,
    /// or Do Not Disturb is on.
    pub fn ring(&self, line: Option<u32>, number: &str, name: &str) -> Result<u32, SimError> {
        self.device.ring(line, number, name)
    }

    /// Like [`PhoneSim::ring`], but the caller gives up after `dur` if nobody answered: the
    /// line returns to idle (a missed call, which a client polling too slowly never sees).
    pub fn short_ring(
        &self,
        line: Option<u32>,
        number: &str,
        name: &str,
        dur: Duration,
    ) -> Result<u32, SimError> {
        self.device.short_ring(line, number, name, dur)
    }

    /// The remote party answers the outgoing call on `line` (`calling` → `connected`).
    pub fn remote_answer(&self, line: u32) -> Result<(), SimError> {
        self.device.remote_answer(line)
    }

    /// The remote party hangs up on `line`: any call state → `idle` (ringing ones are missed).
    pub fn remote_hangup(&self, line: u32) -> Result<(), SimError> {
        self.device.remote_hangup(line)
    }

    /// Injects `fault` into the next `count` `api-*` requests, or until changed when `None`.
    pub fn set_fault(&self, fault: Fault, count: Option<u32>) {
        self.device.set_fault(fault, count);
    }

    /// The "Action URI Support" switch: off makes every `api-*` request answer 403.
    pub fn set_remote_control(&self, enabled: bool) {
        self.device.set_remote_control(enabled);
    }

    /// "Action URI Allowed IP List": `any` (the default) or IP addresses separated by commas.
    /// A request from any other computer answers 403.
    pub fn set_allowed_ips(&self, list: &str) -> Result<(), SimError> {
        self.device
            .with_remote_access(|r| r.set_allowed(list))
            .map_err(SimError::InvalidConfig)
    }

    /// "Remote Control Pop up Window Support": on, a request from a computer nobody allowed
    /// yet waits until [`PhoneSim::allow_prompt`] (or is refused after
    /// [`crate::PROMPT_TIMEOUT`]).
    pub fn set_popup(&self, on: bool) {
        self.device.with_remote_access(|r| r.set_popup(on));
    }

    /// Someone presses Allow on the phone's question: the computers asking may go on.
    pub fn allow_prompt(&self) {
        self.device.with_remote_access(|r| r.allow_prompt());
    }

    /// The click-to-dial switch: off makes `api-make_call` answer `false`.
    pub fn set_make_call(&self, enabled: bool) {
        self.device.set_make_call(enabled);
    }

    /// The account at 0-based `index` registers (`true`) or loses its registration: it shows
    /// in `api-get_accounts`, and `api-make_call` from an unregistered account fails.
    pub fn set_account_registered(&self, index: u32, registered: bool) -> Result<(), SimError> {
        self.device.set_account_registered(index, registered)
    }

    /// Ends every web session (session mode), so clients must log in again.
    pub fn expire_sessions(&self) {
        self.device.with_auth(|a| a.expire_sessions());
    }

    /// Lifts a lock-out after failed logins and resets the failure counter.
    pub fn unlock(&self) {
        self.device.with_auth(|a| a.unlock());
    }

    /// Snapshot of every line.
    pub fn lines(&self) -> Vec<SimLine> {
        self.device.lines()
    }

    /// Snapshot of the whole phone: lines, Do Not Disturb, dial buffer, lock and switches.
    pub fn state(&self) -> SimState {
        self.device.state()
    }

    /// Every request received so far (control API requests excluded), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.device.requests()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.device.recorder().clear();
    }

    /// Sets the Action URL `template` for `event`, or clears it with `None`. Variables
    /// (`$remote`, `$display_remote`, `$call-id`, ...) are substituted raw when the event fires.
    pub fn set_action_url(&self, event: PushEvent, template: Option<String>) {
        self.device.pusher().set_action_url(event, template);
    }

    /// Push unreliability: `loss` and `duplicate` are probabilities (clamped to 0..=1), and
    /// each push may be delayed by a random extra of up to `extra_delay`.
    pub fn set_push_faults(&self, loss: f64, duplicate: f64, extra_delay: Option<Duration>) {
        self.device
            .pusher()
            .set_faults(loss, duplicate, extra_delay);
    }

    /// Seeds the push fault dice so that losses and duplicates repeat from run to run.
    pub fn set_push_seed(&self, seed: u64) {
        self.device.pusher().set_seed(seed);
    }

    /// Every push sent (and every push lost on purpose), in sending order.
    pub fn pushes(&self) -> Vec<SentPush> {
        self.device.pushes()
    }

    /// Forgets the recorded pushes.
    pub fn clear_pushes(&self) {
        self.device.pusher().clear();
    }

    /// Stops serving and waits until every task of this phone has ended.
    pub async fn shutdown(self) {
        self.device.tasks().shutdown().await;
    }
}

impl Drop for PhoneSim {
    fn drop(&mut self) {
        self.device.tasks().abort_all();
    }
}
