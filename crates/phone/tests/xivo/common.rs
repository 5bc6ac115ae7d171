//! Shared helpers: a simulated xuc server, a XiVO backend with short timings, and a session
//! to watch through.

use callpop_phone::backend::xivo::{Xivo, XivoTiming};
use callpop_phone::session::PhoneState;
use callpop_phone::settings::XivoSettings;
use callpop_phone::tracker::{ActiveCall, CallEvent, CallEventKind};
use callpop_phone::{Connection, RejectedLogins, Secret, Session};
use callpop_phone_sim::xuc::{AuthEndpoint, AuthOutcome, XucSim, XucSimConfig};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;
use tokio::time::timeout;

/// Guard against a hung test; no assertion depends on it.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Timings short enough for tests: a silent link is given up after a second.
pub fn fast() -> XivoTiming {
    XivoTiming {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(3),
        ping_every: Duration::from_millis(200),
        silent_after: Duration::from_millis(1000),
        confirm_within: Duration::from_secs(3),
    }
}

/// A simulator whose outgoing calls are answered only when a test says so.
pub async fn sim() -> XucSim {
    XucSim::start(XucSimConfig {
        remote_answer_after: None,
        ..XucSimConfig::default()
    })
    .await
    .expect("xuc simulator starts")
}

pub fn settings(url: &str, user: &str) -> XivoSettings {
    XivoSettings {
        url: url.to_owned(),
        username: user.to_owned(),
        cert_sha256: None,
    }
}

/// A backend for `user` with `password`, remembering rejections in `memory`.
pub fn backend_with(
    sim: &XucSim,
    user: &str,
    password: &str,
    memory: Arc<RejectedLogins>,
) -> Arc<Xivo> {
    Arc::new(
        Xivo::with_timing(
            &settings(&sim.url(), user),
            Secret::new(password),
            memory,
            fast(),
        )
        .expect("backend"),
    )
}

/// alice, with her right password.
pub fn alice(sim: &XucSim) -> Arc<Xivo> {
    backend_with(sim, "alice", "alice", Arc::new(RejectedLogins::in_memory()))
}

/// A session on `backend`, once it shows the phone.
pub async fn watch(backend: Arc<Xivo>) -> (Session, broadcast::Receiver<CallEvent>) {
    let session = Session::start(backend, Duration::from_secs(1), None);
    let events = session.subscribe();
    wait_state(&session, "online", |s| s.connection == Connection::Online).await;
    (session, events)
}

/// Waits until the published state satisfies `done`; returns it.
pub async fn wait_state(
    session: &Session,
    what: &str,
    done: impl Fn(&PhoneState) -> bool,
) -> PhoneState {
    let mut state = session.state();
    timeout(PATIENCE, async {
        loop {
            let now = state.borrow_and_update().clone();
            if done(&now) {
                return now;
            }
            if state.changed().await.is_err() {
                panic!("the session stopped while waiting for {what}");
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{what} within the patience period"))
}

pub async fn next_event(events: &mut broadcast::Receiver<CallEvent>) -> CallEvent {
    timeout(PATIENCE, events.recv())
        .await
        .expect("an event within the patience period")
        .expect("events flow")
}

/// The next event, which must be `kind`.
pub async fn expect_event(
    events: &mut broadcast::Receiver<CallEvent>,
    kind: CallEventKind,
) -> CallEvent {
    let event = next_event(events).await;
    assert_eq!(event.event, kind, "{event:?}");
    event
}

/// No event arrives for `quiet`.
pub async fn expect_silence(events: &mut broadcast::Receiver<CallEvent>, quiet: Duration) {
    if let Ok(event) = timeout(quiet, events.recv()).await {
        panic!("no event expected, got {event:?}");
    }
}

/// The call the session tracks with xuc's `uniqueId`.
pub fn call_with(session: &Session, unique_id: &str) -> ActiveCall {
    session
        .current()
        .calls
        .into_iter()
        .find(|c| c.source_call_id == unique_id)
        .unwrap_or_else(|| panic!("a call with uniqueId {unique_id}"))
}

/// Waits until `done` holds (polling the simulator).
pub async fn until(what: &str, mut done: impl FnMut() -> bool) {
    timeout(PATIENCE, async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{what} within the patience period"));
}

/// Login requests the simulator answered so far.
pub fn logins(sim: &XucSim) -> Vec<AuthOutcome> {
    sim.auth_records()
        .into_iter()
        .filter(|r| r.endpoint == AuthEndpoint::Login)
        .map(|r| r.outcome)
        .collect()
}

/// Every command (other than pings) any session sent, as JSON.
pub fn commands(sim: &XucSim) -> Vec<serde_json::Value> {
    sim.sessions()
        .into_iter()
        .flat_map(|s| s.commands)
        .map(|c| c.message)
        .collect()
}

/// The commands named `name`.
pub fn commands_named(sim: &XucSim, name: &str) -> Vec<serde_json::Value> {
    commands(sim)
        .into_iter()
        .filter(|c| c["command"] == name)
        .collect()
}
