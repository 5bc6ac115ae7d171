//! Fault modes, restarts, the action record, and the simulator's own lifecycle.

use std::time::Duration;

use callpop_phone_sim::ami::{AmiFault, AmiSimConfig, Party};
use tokio::net::TcpStream;

use super::client::{fast_config, logged_in, start, Client};

#[tokio::test]
async fn drop_connections_now_and_after_n_events() {
    let (sim, mut c) = logged_in(fast_config(), "call").await;
    sim.drop_connections();
    assert!(c.read().await.is_none());

    let mut c = Client::connect(sim.addr()).await;
    c.login("callpop", "s3cret", "call").await;
    sim.set_fault(AmiFault::DropAfterEvents { count: 3 });
    sim.ring("+4930123456", "Jane", "100").expect("rings");
    let mut got = Vec::new();
    while let Some(m) = c.read().await {
        got.push(m);
    }
    assert_eq!(
        got.len(),
        3,
        "exactly three events, then the connection closed"
    );
    assert!(got.iter().all(|m| m.has("Event")));
}

#[tokio::test]
async fn garbage_and_truncated_messages() {
    let (sim, mut c) = logged_in(fast_config(), "call").await;
    sim.send_garbage();
    let garbage = c.read().await.expect("garbage arrives as a 'message'");
    assert!(!garbage.has("Event") && !garbage.has("Response"));
    // The session still works afterwards.
    assert!(c.sync().await.is_empty());
    sim.send_truncated();
    assert!(c.read().await.is_none(), "half an event, then the end");
}

#[tokio::test]
async fn hang_keeps_connections_open_but_silent() {
    let (sim, mut c) = logged_in(fast_config(), "call").await;
    sim.set_fault(AmiFault::Hang);
    c.send(&[("Action", "Ping"), ("ActionID", "p")]).await;
    sim.ring("1", "", "100").expect("rings");
    assert!(
        c.read_within(Duration::from_millis(150)).await.is_err(),
        "nothing arrives"
    );
    let mut fresh = Client::connect_raw(sim.addr()).await;
    assert!(
        fresh.read_within(Duration::from_millis(100)).await.is_err(),
        "no banner"
    );
    // Recorded even though unanswered.
    assert!(sim
        .actions()
        .iter()
        .any(|a| a.is("Ping") && a.action_id.as_deref() == Some("p")));
    sim.set_fault(AmiFault::None);
    assert!(
        c.sync().await.is_empty(),
        "answers again; what happened meanwhile is gone"
    );
}

#[tokio::test]
async fn slow_and_refused_logins() {
    let sim = start(fast_config()).await;
    sim.set_fault(AmiFault::SlowLogin {
        delay: Duration::from_millis(150),
    });
    let mut c = Client::connect(sim.addr()).await;
    c.send(&[
        ("Action", "Login"),
        ("Username", "callpop"),
        ("Secret", "s3cret"),
    ])
    .await;
    assert!(
        c.read_within(Duration::from_millis(50)).await.is_err(),
        "not yet"
    );
    assert_eq!(
        c.read().await.expect("response").get("Message"),
        "Authentication accepted"
    );

    sim.set_fault(AmiFault::RefuseLogin);
    let mut c = Client::connect(sim.addr()).await;
    let r = c.login("callpop", "s3cret", "on").await;
    assert_eq!(r.get("Message"), "Authentication failed");
    assert!(c.read().await.is_none());
    let logins: Vec<_> = sim
        .actions()
        .into_iter()
        .filter(|a| a.is("Login"))
        .collect();
    assert_eq!(logins.len(), 2);
    assert_eq!(
        logins.iter().map(|l| l.login_accepted).collect::<Vec<_>>(),
        [Some(true), Some(false)]
    );
    assert!(logins
        .iter()
        .all(|l| l.header("Secret") == Some("<hidden>")));
    assert!(!format!("{logins:?}").contains("s3cret"));
    sim.clear_actions();
    assert!(sim.actions().is_empty());
}

#[tokio::test]
async fn restart_forgets_calls_and_boots_again() {
    let (sim, mut c) = logged_in(fast_config(), "on").await;
    assert_eq!(c.read().await.expect("boot").event(), "FullyBooted");
    let call = sim.ring("+4930123456", "Jane", "100").expect("rings");
    sim.answer(call).expect("answers");
    c.sync().await;
    sim.restart(Duration::from_millis(200));
    assert!(
        c.read().await.is_none(),
        "the connection died with Asterisk"
    );
    assert!(sim.channels().is_empty());
    assert!(
        sim.hangup(call, Party::Remote).is_err(),
        "the call is forgotten"
    );
    assert!(
        TcpStream::connect(sim.addr()).await.is_err(),
        "down for a while"
    );
    let mut again = None;
    for _ in 0..100 {
        if TcpStream::connect(sim.addr()).await.is_ok() {
            again = Some(Client::connect(sim.addr()).await);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut c = again.expect("listening again");
    c.login("callpop", "s3cret", "on").await;
    let boot = c.read().await.expect("boot");
    assert_eq!(boot.event(), "FullyBooted");
    assert!(boot.get("Uptime").parse::<u64>().expect("number") <= 2);
    sim.ring("1", "", "100").expect("rings");
    let got = c.sync().await;
    let first = got
        .iter()
        .find(|m| m.event() == "Newchannel")
        .expect("new channel");
    assert_eq!(
        first.get("Channel"),
        "PJSIP/trunk-00000000",
        "numbering starts again"
    );
}

#[tokio::test]
async fn concurrent_sessions_and_shutdown_frees_the_port() {
    let sim = start(AmiSimConfig {
        control_bind: None,
        ..fast_config()
    })
    .await;
    assert!(sim.control_url().is_none());
    let addr = sim.addr();
    let mut clients = Vec::new();
    for _ in 0..5 {
        let mut c = Client::connect(addr).await;
        c.login("callpop", "s3cret", "call").await;
        clients.push(c);
    }
    let call = sim.ring("+4930123456", "Jane", "100").expect("rings");
    sim.give_up(call).expect("missed");
    for c in &mut clients {
        let got = c.sync().await;
        assert_eq!(got.last().expect("events").event(), "DeviceStateChange");
        assert!(got
            .iter()
            .any(|m| m.event() == "Hangup" && m.get("Cause") == "127"));
    }
    assert_eq!(sim.sessions().len(), 5);
    sim.shutdown().await;
    for c in &mut clients {
        assert!(c.read().await.is_none());
    }
    let rebound = tokio::net::TcpListener::bind(addr).await;
    assert!(rebound.is_ok(), "the port is free again: {rebound:?}");
}

#[tokio::test]
async fn dropping_the_simulator_stops_it() {
    let (sim, mut c) = logged_in(fast_config(), "call").await;
    drop(sim);
    assert!(c.read().await.is_none());
}

#[test]
fn handles_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<callpop_phone_sim::ami::AmiSim>();
}
