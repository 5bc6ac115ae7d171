//! What every request handler, the control API and the [`super::YealinkSim`] handle share:
//! the phone, its login and remote-control settings, faults, records and the pusher.

use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;

use super::access::{ip_allowed, Login, LoginCheck, Prompt, PromptAnswer};
use super::config::YealinkSimConfig;
use super::phone::Phone;
use super::push::Pusher;
use super::record::{Records, YealinkRequest};
use crate::faults::{Fault, FaultPlan};
use crate::sync::lock;
use crate::tasks::TaskSet;
use crate::tls::TlsState;

/// The Action URI switches an administrator sets on the phone's web page.
#[derive(Debug)]
struct RemoteControl {
    enabled: bool,
    limit_ip: String,
}

/// See the module documentation.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: YealinkSimConfig,
    pub(crate) addr: SocketAddr,
    pub(crate) started: Instant,
    pub(crate) tasks: TaskSet,
    pub(crate) tls: Option<TlsState>,
    pub(crate) pusher: Pusher,
    phone: Mutex<Phone>,
    login: Mutex<Login>,
    prompt: Mutex<Prompt>,
    /// Bumped whenever the prompt is answered, so held requests look again.
    prompt_changed: watch::Sender<u64>,
    remote: Mutex<RemoteControl>,
    faults: Mutex<FaultPlan>,
    records: Mutex<Records>,
}

impl Shared {
    pub(crate) fn new(
        config: YealinkSimConfig,
        addr: SocketAddr,
        tasks: TaskSet,
        tls: Option<TlsState>,
        pusher: Pusher,
        started: Instant,
    ) -> Shared {
        Shared {
            phone: Mutex::new(Phone::new(&config)),
            login: Mutex::new(Login::new(
                &config.username,
                &config.password,
                config.max_login_failures,
                config.lock_for,
            )),
            prompt: Mutex::new(Prompt::new(config.show_action_uri_option)),
            prompt_changed: watch::Sender::new(0),
            remote: Mutex::new(RemoteControl {
                enabled: config.action_uri_enabled,
                limit_ip: config.action_uri_limit_ip.clone(),
            }),
            faults: Mutex::new(FaultPlan::default()),
            records: Mutex::new(Records::default()),
            config,
            addr,
            started,
            tasks,
            tls,
            pusher,
        }
    }

    /// Runs `f` on the phone, then queues the pushes for the events it caused (under the
    /// phone's lock, so pushes keep the order of the events).
    pub(crate) fn act<R>(&self, f: impl FnOnce(&mut Phone) -> R) -> R {
        let mut phone = lock(&self.phone);
        let result = f(&mut phone);
        for emitted in phone.take_events() {
            self.pusher.dispatch(&emitted);
        }
        result
    }

    // ---- access ----------------------------------------------------------------------------

    pub(crate) fn check_login(&self, authorization: Option<&str>) -> LoginCheck {
        lock(&self.login).check(authorization, Instant::now())
    }

    /// How long the login lock still lasts.
    pub(crate) fn locked_for(&self) -> Option<Duration> {
        lock(&self.login).locked_for(Instant::now())
    }

    pub(crate) fn lock_login(&self) {
        lock(&self.login).lock(Instant::now());
    }

    pub(crate) fn unlock_login(&self) {
        lock(&self.login).unlock();
    }

    /// Whether Action URI is on and `ip` is an allowed address.
    pub(crate) fn remote_control_allowed(&self, ip: IpAddr) -> bool {
        let remote = lock(&self.remote);
        remote.enabled && ip_allowed(&remote.limit_ip, ip)
    }

    pub(crate) fn set_action_uri_enabled(&self, enabled: bool) {
        lock(&self.remote).enabled = enabled;
    }

    pub(crate) fn set_limit_ip(&self, limit: &str) {
        lock(&self.remote).limit_ip = limit.to_owned();
    }

    pub(crate) fn limit_ip(&self) -> String {
        lock(&self.remote).limit_ip.clone()
    }

    pub(crate) fn action_uri_enabled(&self) -> bool {
        lock(&self.remote).enabled
    }

    pub(crate) fn with_prompt<R>(&self, f: impl FnOnce(&mut Prompt) -> R) -> R {
        let result = f(&mut lock(&self.prompt));
        self.prompt_changed.send_modify(|n| *n = n.wrapping_add(1));
        result
    }

    pub(crate) fn prompt_ask(&self, ip: IpAddr) -> PromptAnswer {
        lock(&self.prompt).ask(ip)
    }

    /// Waits until the prompt a request from `ip` waits for (`round`) is answered; `true`
    /// when the request may go ahead.
    pub(crate) async fn wait_for_prompt(&self, ip: IpAddr, round: u64) -> bool {
        let mut changed = self.prompt_changed.subscribe();
        loop {
            match lock(&self.prompt).check(ip, round) {
                PromptAnswer::Allowed => return true,
                PromptAnswer::Declined => return false,
                PromptAnswer::Waiting(_) => {}
            }
            if changed.changed().await.is_err() {
                return false;
            }
        }
    }

    // ---- faults and records ---------------------------------------------------------------

    pub(crate) fn set_fault(&self, fault: Fault, count: Option<u32>) {
        lock(&self.faults).set(fault, count);
    }

    pub(crate) fn next_fault(&self) -> Fault {
        lock(&self.faults).next()
    }

    pub(crate) fn record(&self, mut request: YealinkRequest) {
        request.elapsed = self.started.elapsed();
        lock(&self.records).push(request);
    }

    pub(crate) fn requests(&self) -> Vec<YealinkRequest> {
        lock(&self.records).snapshot()
    }

    pub(crate) fn clear_requests(&self) {
        lock(&self.records).clear();
    }
}
