//! Adaptive polling: fast while waiting for the first push, rare while pushes are healthy and
//! no call is on, fast again (and saying so) when a call change comes without its push or the
//! listener cannot run.

use callpop_phone::backend::grandstream::{ClientConfig, CtiClient, Grandstream};
mod support;

use callpop_phone::push::{push_lines, PushListener};
use callpop_phone::tracker::CallEventKind;
use callpop_phone::{Connection, Credentials, PushState, PushTiming, Secret, Session};
use callpop_phone_sim::{PhoneSim, PushEvent, RequestKind, SimAuth, SimConfig};
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;
use support::{next_within, until, ROUTE};

const PASSCODE: &str = "adaptpass";
const TOKEN: &str = "adaptiveTOKENadaptiveTOKEN";
const FAST: Duration = Duration::from_millis(100);
const TIMING: PushTiming = PushTiming {
    reconcile: Duration::from_millis(1500),
    grace: Duration::from_millis(300),
};

async fn sim() -> PhoneSim {
    PhoneSim::start(SimConfig {
        auth: SimAuth::Passcode(PASSCODE.into()),
        push_delay: Duration::ZERO,
        ..SimConfig::default()
    })
    .await
    .expect("sim")
}

async fn listener() -> PushListener {
    support::loopback_listener(TOKEN).await
}

fn set_urls(sim: &PhoneSim, listener: Option<&PushListener>) {
    let addr = listener.map_or(SocketAddr::from((Ipv4Addr::LOCALHOST, 9)), |l| {
        l.local_addr()
    });
    for line in push_lines(addr, TOKEN) {
        let event: PushEvent = line.kind.as_str().parse().expect("event");
        sim.set_action_url(event, listener.map(|_| line.url));
    }
}

fn phone(sim: &PhoneSim) -> Session {
    let config = ClientConfig::new(&sim.url(), Credentials::Passcode(Secret::new(PASSCODE)))
        .expect("config")
        .with_timeouts(Duration::from_millis(300), Duration::from_millis(500));
    let phone = Session::start(
        std::sync::Arc::new(Grandstream::new(CtiClient::new(config).expect("client"))),
        FAST,
        None,
    );
    phone.set_push_timing(TIMING);
    phone
}

/// Line-status reads the phone gets during `window`.
async fn reads_during(sim: &PhoneSim, window: Duration) -> usize {
    sim.clear_requests();
    tokio::time::sleep(window).await;
    sim.requests()
        .iter()
        .filter(|r| r.kind == RequestKind::Cti)
        .count()
}

#[tokio::test]
async fn waiting_then_healthy_then_silent_then_healthy_again() {
    let sim = sim().await;
    let listener = listener().await;
    set_urls(&sim, Some(&listener));
    let phone = phone(&sim);
    let mut events = phone.subscribe();
    phone.attach_push(&listener, ROUTE);

    // Before the first push: the normal interval.
    let s = until(&phone, Duration::from_secs(2), |s| {
        s.connection == Connection::Online && s.push.state == PushState::Waiting
    })
    .await;
    assert_eq!(s.push.poll_interval_ms, 100);
    assert!(
        s.push
            .message
            .contains("Waiting for the phone's first push"),
        "{}",
        s.push.message
    );
    let reads = reads_during(&sim, Duration::from_millis(600)).await;
    assert!(reads >= 4, "{reads} reads in 600 ms while waiting");

    // A call with pushes: healthy; fast during the call, rare once it is over.
    sim.ring(Some(1), "203", "").expect("ring");
    assert_eq!(
        next_within(&mut events, Duration::from_millis(500))
            .await
            .event,
        CallEventKind::Ringing
    );
    let s = phone.current();
    assert_eq!(
        (s.push.state, s.push.poll_interval_ms),
        (PushState::Healthy, 100)
    );
    sim.remote_hangup(1).expect("hang up");
    assert_eq!(
        next_within(&mut events, Duration::from_millis(500))
            .await
            .event,
        CallEventKind::Missed
    );
    let s = until(&phone, Duration::from_secs(1), |s| {
        s.push.poll_interval_ms == 1500
    })
    .await;
    assert_eq!(s.push.state, PushState::Healthy);
    assert!(s.push.message.contains("every 1.5 s"), "{}", s.push.message);
    let reads = reads_during(&sim, Duration::from_millis(1000)).await;
    assert!(reads <= 1, "{reads} reads in 1 s while pushes are healthy");

    // The phone stops pushing: the next reconciliation sees a ring nobody announced.
    set_urls(&sim, None);
    sim.ring(Some(2), "204", "").expect("ring");
    assert_eq!(
        next_within(&mut events, Duration::from_secs(2)).await.event,
        CallEventKind::Ringing
    );
    let s = until(&phone, Duration::from_secs(1), |s| {
        s.push.state == PushState::Silent
    })
    .await;
    assert_eq!(s.push.poll_interval_ms, 100);
    assert!(
        s.push.message.contains("no push announced"),
        "{}",
        s.push.message
    );

    // Pushes come back: healthy again.
    set_urls(&sim, Some(&listener));
    sim.remote_hangup(2).expect("hang up");
    assert_eq!(
        next_within(&mut events, Duration::from_millis(500))
            .await
            .event,
        CallEventKind::Missed
    );
    until(&phone, Duration::from_secs(1), |s| {
        s.push.state == PushState::Healthy
    })
    .await;
    phone.shutdown().await;
}

#[tokio::test]
async fn a_listener_that_cannot_run_means_fast_polling_and_says_why() {
    let sim = sim().await;
    let phone = phone(&sim);
    phone.push_unavailable(
        "callpop cannot listen for the phone's pushes on 0.0.0.0:8787: address in use",
    );
    let s = until(&phone, Duration::from_secs(1), |s| {
        s.push.state == PushState::Silent
    })
    .await;
    assert_eq!(s.push.poll_interval_ms, 100);
    assert!(
        s.push.message.starts_with("callpop cannot listen"),
        "{}",
        s.push.message
    );
    assert!(
        s.push
            .message
            .ends_with("checks the phone every 0.1 s instead."),
        "{}",
        s.push.message
    );
    let reads = reads_during(&sim, Duration::from_millis(500)).await;
    assert!(reads >= 3, "{reads} reads in 500 ms");
    phone.detach_push();
    let s = until(&phone, Duration::from_secs(1), |s| {
        s.push.state == PushState::Off
    })
    .await;
    assert_eq!(s.push.message, "");
    phone.shutdown().await;
}

#[tokio::test]
async fn a_stopped_listener_turns_push_silent() {
    let sim = sim().await;
    let listener = listener().await;
    let phone = phone(&sim);
    phone.attach_push(&listener, ROUTE);
    until(&phone, Duration::from_secs(1), |s| {
        s.push.state == PushState::Waiting
    })
    .await;
    listener.shutdown().await;
    let s = until(&phone, Duration::from_secs(1), |s| {
        s.push.state == PushState::Silent
    })
    .await;
    assert!(
        s.push.message.contains("listener stopped"),
        "{}",
        s.push.message
    );
    phone.shutdown().await;
}
