//! What the push and session test files share: a loopback push listener for the one phone
//! under test, the simulated Grandstream pointed at it, waiting for a session's state, and
//! reading its call events.

// Each test file is its own crate and uses only part of this.
#![allow(dead_code)]

use callpop_phone::push::{push_lines, Limits, ListenerConfig, PushListener, PushRoute};
use callpop_phone::tracker::{CallEvent, CallEventKind};
use callpop_phone::{Connection, PhoneState, PushState, Session};
use callpop_phone_sim::{PhoneSim, PushEvent};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio::time::timeout;

/// The push route of the one phone in these tests.
pub const ROUTE: &str = "phone";

/// A push listener on loopback for the phone at `phone`, whose pushes carry `token`.
pub async fn listener(token: &str, phone: IpAddr, limits: Limits) -> PushListener {
    PushListener::bind(ListenerConfig {
        listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        routes: vec![PushRoute {
            id: ROUTE.into(),
            token: token.into(),
            phone: vec![phone],
        }],
        limits,
    })
    .await
    .expect("listener")
}

/// A push listener for a phone on this computer.
pub async fn loopback_listener(token: &str) -> PushListener {
    listener(token, Ipv4Addr::LOCALHOST.into(), Limits::default()).await
}

/// Sets the simulated Grandstream's Action URLs to callpop's lines for a listener at `addr`.
pub fn aim_pushes(sim: &PhoneSim, addr: SocketAddr, token: &str) {
    for line in push_lines(addr, token) {
        let event: PushEvent = line.kind.as_str().parse().expect("a sim event");
        sim.set_action_url(event, Some(line.url));
    }
}

/// The session's state once `what` holds, waiting up to `within`.
pub async fn until(
    session: &Session,
    within: Duration,
    what: impl Fn(&PhoneState) -> bool,
) -> PhoneState {
    let mut state = session.state();
    timeout(within, async {
        loop {
            let now = state.borrow_and_update().clone();
            if what(&now) {
                return now;
            }
            state.changed().await.expect("session alive");
        }
    })
    .await
    .expect("state reached in time")
}

/// Waits up to `within` until the session is online and waiting for its first push.
pub async fn online_and_waiting(session: &Session, within: Duration) {
    until(session, within, |s| {
        s.connection == Connection::Online && s.push.state == PushState::Waiting
    })
    .await;
}

/// The next call event, within `within`.
pub async fn next_within(rx: &mut broadcast::Receiver<CallEvent>, within: Duration) -> CallEvent {
    timeout(within, rx.recv())
        .await
        .expect("an event in time")
        .expect("session alive")
}

/// The next call event, within 3 s.
pub async fn next(rx: &mut broadcast::Receiver<CallEvent>) -> CallEvent {
    next_within(rx, Duration::from_secs(3)).await
}

/// Every event until `quiet` passes without one.
pub async fn collect(rx: &mut broadcast::Receiver<CallEvent>, quiet: Duration) -> Vec<CallEvent> {
    let mut out = Vec::new();
    while let Ok(Ok(event)) = timeout(quiet, rx.recv()).await {
        out.push(event);
    }
    out
}

pub fn kinds(events: &[CallEvent]) -> Vec<CallEventKind> {
    events.iter().map(|e| e.event).collect()
}
