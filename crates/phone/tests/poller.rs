//! The poller and the `Phone` facade against the simulated phone: events arrive once, commands
//! show at once, an unreachable phone is retried and found again, a rejected passcode stops
//! everything until new credentials come.

use callpop_phone::backend::grandstream::{ClientConfig, CtiClient, Grandstream};
use callpop_phone::tracker::{CallEvent, CallEventKind};
use callpop_phone::{Action, Connection, Credentials, PhoneError, Refusal, Secret, Session};
use callpop_phone_sim::{Fault, PhoneSim, RequestKind, SimAuth, SimConfig};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio::time::timeout;

const PASSCODE: &str = "pollpass";

async fn sim() -> PhoneSim {
    PhoneSim::start(SimConfig {
        auth: SimAuth::Passcode(PASSCODE.into()),
        key_interval: Duration::from_millis(5),
        ..SimConfig::default()
    })
    .await
    .expect("sim")
}

fn phone(url: &str, passcode: &str, interval: Duration) -> Session {
    let config = ClientConfig::new(url, Credentials::Passcode(Secret::new(passcode)))
        .expect("config")
        .with_timeouts(Duration::from_millis(300), Duration::from_millis(500));
    Session::start(
        std::sync::Arc::new(Grandstream::new(CtiClient::new(config).expect("client"))),
        interval,
        None,
    )
}

async fn next_event(rx: &mut broadcast::Receiver<CallEvent>, within: Duration) -> CallEvent {
    timeout(within, rx.recv())
        .await
        .expect("an event in time")
        .expect("channel open")
}

async fn wait_for(
    phone: &Session,
    within: Duration,
    what: impl Fn(&Connection) -> bool,
) -> Connection {
    let mut state = phone.state();
    timeout(within, async {
        loop {
            let now = state.borrow_and_update().connection.clone();
            if what(&now) {
                return now;
            }
            state.changed().await.expect("poller alive");
        }
    })
    .await
    .expect("state reached in time")
}

#[tokio::test]
async fn ring_answer_hold_hangup_flow_through_events() {
    let sim = sim().await;
    // A long interval: only the wakes after commands can make this test fast.
    let phone = phone(&sim.url(), PASSCODE, Duration::from_millis(400));
    let mut events = phone.subscribe();
    wait_for(&phone, Duration::from_secs(2), |c| *c == Connection::Online).await;

    sim.ring(Some(1), "+14165550123", "Ann Lee").expect("ring");
    let ring = next_event(&mut events, Duration::from_secs(2)).await;
    assert_eq!(ring.event, CallEventKind::Ringing);
    assert_eq!(
        (ring.line, ring.number.as_str(), ring.name.as_str()),
        (1, "+14165550123", "Ann Lee")
    );

    let steps: [(&str, CallEventKind); 4] = [
        ("answer", CallEventKind::Connected),
        ("hold", CallEventKind::Held),
        ("resume", CallEventKind::Resumed),
        ("hangup", CallEventKind::Ended),
    ];
    for (action, expected) in steps {
        let command = match action {
            "answer" => Action::Answer,
            "hold" => Action::Hold,
            "resume" => Action::Resume,
            _ => Action::HangUp,
        };
        phone.act(None, command).await.expect(action);
        // Shown well within the 400 ms interval: the command woke the poller.
        let event = next_event(&mut events, Duration::from_millis(250)).await;
        assert_eq!(event.event, expected, "after {action}");
        assert_eq!(event.call, ring.call, "same call throughout");
    }
    assert!(phone.current().calls.is_empty());
    phone.shutdown().await;
}

#[tokio::test]
async fn short_ring_is_one_missed_call() {
    let sim = sim().await;
    let phone = phone(&sim.url(), PASSCODE, Duration::from_millis(50));
    let mut events = phone.subscribe();
    wait_for(&phone, Duration::from_secs(2), |c| *c == Connection::Online).await;
    sim.short_ring(None, "203", "", Duration::from_millis(300))
        .expect("ring");
    let ring = next_event(&mut events, Duration::from_secs(1)).await;
    assert_eq!(ring.event, CallEventKind::Ringing);
    let missed = next_event(&mut events, Duration::from_secs(1)).await;
    assert_eq!(missed.event, CallEventKind::Missed);
    assert_eq!(missed.call, ring.call);
    // And nothing more for it.
    assert!(timeout(Duration::from_millis(300), events.recv())
        .await
        .is_err());
    phone.shutdown().await;
}

#[tokio::test]
async fn mute_is_refused_at_idle_and_toggles_in_a_call() {
    let sim = sim().await;
    let phone = phone(&sim.url(), PASSCODE, Duration::from_millis(50));
    wait_for(&phone, Duration::from_secs(2), |c| *c == Connection::Online).await;
    // At idle the phone's MUTE key would switch on Do Not Disturb: refused, nothing sent.
    sim.clear_requests();
    assert!(matches!(
        phone.toggle_mute(None).await,
        Err(PhoneError::Refused(Refusal::MuteNeedsConnected))
    ));
    assert!(sim
        .requests()
        .iter()
        .all(|r| r.function.as_deref() != Some("api-send_key")));
    assert!(!sim.state().dnd);

    let mut events = phone.subscribe();
    sim.ring(None, "203", "").expect("ring");
    next_event(&mut events, Duration::from_secs(1)).await;
    phone.act(None, Action::Answer).await.expect("answer");
    next_event(&mut events, Duration::from_secs(1)).await;
    assert_eq!(phone.toggle_mute(None).await, Ok(true));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(sim.lines().iter().any(|l| l.muted));
    assert_eq!(phone.toggle_mute(None).await, Ok(false));
    phone.shutdown().await;
}

#[tokio::test]
async fn unreachable_phone_backs_off_and_recovers_alone() {
    let sim = sim().await;
    let phone = phone(&sim.url(), PASSCODE, Duration::from_millis(50));
    wait_for(&phone, Duration::from_secs(2), |c| *c == Connection::Online).await;

    sim.set_fault(Fault::DropConnection, None);
    let offline = wait_for(&phone, Duration::from_secs(2), |c| {
        matches!(c, Connection::Offline { .. })
    })
    .await;
    if let Connection::Offline { error, .. } = offline {
        assert_eq!(error.kind(), "unreachable");
    }
    // Back-off: far fewer attempts than one per interval while the phone is away.
    sim.clear_requests();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let attempts = sim
        .requests()
        .iter()
        .filter(|r| r.kind == RequestKind::Cti)
        .count();
    assert!(
        attempts <= 6,
        "{attempts} attempts in 1 s at a 50 ms interval"
    );

    sim.set_fault(Fault::None, None);
    wait_for(&phone, Duration::from_secs(3), |c| *c == Connection::Online).await;
    phone.shutdown().await;
}

#[tokio::test]
async fn rejected_passcode_stops_polling_until_new_credentials() {
    let sim = sim().await;
    let phone = phone(&sim.url(), "wrong", Duration::from_millis(30));
    let stopped = wait_for(&phone, Duration::from_secs(2), |c| {
        matches!(c, Connection::NeedsAttention { .. })
    })
    .await;
    assert_eq!(
        stopped,
        Connection::NeedsAttention {
            error: PhoneError::PasscodeRejected {
                tries_left: Some(4)
            }
        }
    );
    // Commands wake the poller; still nothing may be sent.
    for _ in 0..3 {
        phone.poll_now();
        let _ = phone.act(None, Action::Answer).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let attempts = sim
        .requests()
        .iter()
        .filter(|r| r.kind == RequestKind::Cti)
        .count();
    assert_eq!(attempts, 1, "exactly one attempt with the wrong passcode");

    phone.set_secret(Secret::new(PASSCODE));
    wait_for(&phone, Duration::from_secs(2), |c| *c == Connection::Online).await;
    phone.shutdown().await;
}

#[tokio::test]
async fn shutdown_is_clean_and_final() {
    let sim = sim().await;
    let phone = phone(&sim.url(), PASSCODE, Duration::from_millis(20));
    let mut state = phone.state();
    wait_for(&phone, Duration::from_secs(2), |c| *c == Connection::Online).await;
    timeout(Duration::from_secs(1), phone.shutdown())
        .await
        .expect("shuts down promptly");
    assert_eq!(state.borrow_and_update().connection, Connection::Stopped);
    sim.clear_requests();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(sim.requests().is_empty(), "no polling after shutdown");
}

#[tokio::test]
async fn a_callers_name_cannot_carry_terminal_escapes_or_turn_text_around() {
    let sim = sim().await;
    let phone = phone(&sim.url(), PASSCODE, Duration::from_millis(50));
    wait_for(&phone, Duration::from_secs(2), |c| *c == Connection::Online).await;
    let mut events = phone.subscribe();
    sim.ring(Some(1), "+1\u{202E}3210", "Evil\u{1b}[2J\u{202E}moc.knab")
        .expect("ring");
    let ring = next_event(&mut events, Duration::from_secs(2)).await;
    assert_eq!(ring.name, "Evil\\u{1b}[2Jmoc.knab");
    assert_eq!(ring.number, "+13210");
    assert!(phone.current().calls[0]
        .name
        .chars()
        .all(|c| !c.is_control()));
    phone.shutdown().await;
}
