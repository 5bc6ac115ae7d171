//! Fault injection, restarts and shutdown.

use std::time::Duration;

use callpop_phone_sim::xuc::{LoginRefusal, UserData, XucSim, MALFORMED_MESSAGE};
use reqwest::StatusCode;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};

use crate::common::{self, login, start_default, until, Cti, Ended, PATIENCE};

#[tokio::test]
async fn logins_can_be_refused() {
    let sim = start_default().await;
    sim.refuse_logins(Some(LoginRefusal::InvalidCredentials));
    let (status, body) = login(&sim, "alice", "alice").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "InvalidCredentials");
    sim.refuse_logins(Some(LoginRefusal::ServerError));
    let (status, body) = login(&sim, "alice", "alice").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(body["error"], "UnhandledError");
    sim.refuse_logins(None);
    let (status, _) = login(&sim, "alice", "alice").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn refused_sessions_get_logged_on_error_and_are_closed() {
    let sim = start_default().await;
    let token = common::token(&sim, "alice").await;
    sim.refuse_sessions(true);
    let mut cti = Cti::try_connect(&sim, &token).await.expect("upgraded");
    assert_eq!(
        cti.next().await,
        json!({"msgType": "LoggedOnError", "ctiMessage": {"Error": "loggedOnFailed"}})
    );
    assert_eq!(
        cti.ended().await,
        Ended::Closed(1000, "loggedOnFailed".to_owned())
    );
    sim.refuse_sessions(false);
    Cti::connect(&sim, &token).await;
}

#[tokio::test]
async fn sessions_can_be_dropped_and_reopened_with_the_same_token() {
    let sim = start_default().await;
    let token = common::token(&sim, "alice").await;
    let mut first = Cti::connect(&sim, &token).await;
    let mut second = Cti::open(&sim, "bob").await;
    sim.drop_sessions();
    assert_eq!(first.ended().await, Ended::Dropped);
    assert_eq!(second.ended().await, Ended::Dropped);
    until("sessions end", || sim.open_sessions() == 0).await;
    let mut again = Cti::connect(&sim, &token).await;
    assert!(again.barrier().await.is_empty());
    let records = sim.sessions();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0].ended.as_deref(), Some("dropped (fault)"));
}

#[tokio::test]
async fn sessions_drop_after_n_messages() {
    let sim = start_default().await;
    sim.drop_after_messages(Some(5));
    // The login sequence is three messages; two pongs make five.
    let mut cti = Cti::open(&sim, "alice").await;
    cti.ping().await;
    assert_eq!(cti.next().await["msgType"], "Pong");
    cti.ping().await;
    assert_eq!(cti.next().await["msgType"], "Pong");
    assert_eq!(cti.ended().await, Ended::Dropped);
    sim.drop_after_messages(None);
    let mut cti = Cti::open(&sim, "alice").await;
    for _ in 0..5 {
        assert!(cti.barrier().await.is_empty());
    }
}

#[tokio::test]
async fn pings_can_go_unanswered() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    sim.answer_pings(false);
    cti.ping().await;
    cti.command("getCurrentCallsPhoneEvents", json!({})).await;
    // The ping's answer would have come first.
    assert_eq!(cti.next().await["msgType"], "CurrentCallsPhoneEvents");
    sim.answer_pings(true);
    assert!(cti.barrier().await.is_empty());
    assert_eq!(sim.sessions()[0].pings, 2);
}

#[tokio::test]
async fn malformed_and_raw_messages_reach_every_session() {
    let sim = start_default().await;
    let mut alice = Cti::open(&sim, "alice").await;
    let mut bob = Cti::open(&sim, "bob").await;
    assert_eq!(sim.send_malformed(), 2);
    for cti in [&mut alice, &mut bob] {
        let text = cti.next_text().await;
        assert_eq!(text, MALFORMED_MESSAGE);
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
    }
    assert_eq!(sim.send_raw("{\"msgType\":\"Surprise\"}"), 2);
    assert_eq!(alice.next().await["msgType"], "Surprise");
    // The session goes on.
    sim.ring("alice", "0101", "", UserData::new())
        .expect("rings");
    alice.event("EventRinging").await;
}

#[tokio::test]
async fn a_restart_drops_sessions_forgets_calls_and_tokens_and_closes_the_port() {
    let sim = start_default().await;
    let token = common::token(&sim, "alice").await;
    let mut cti = Cti::connect(&sim, &token).await;
    cti.command("dnd", json!({"state": true})).await;
    cti.expect("UserConfigUpdate").await;
    sim.set_dnd("alice", false).expect("alice exists");
    cti.command("uncFwd", json!({"destination": "0600", "state": true}))
        .await;
    cti.expect("UserConfigUpdate").await;
    cti.command("uncFwd", json!({"destination": "0600", "state": false}))
        .await;
    cti.expect("UserConfigUpdate").await;
    let call = sim
        .ring("alice", "0101", "", UserData::new())
        .expect("rings");
    sim.answer_at_phone(call).expect("answers");
    sim.set_dnd("alice", true).expect("alice exists");

    let addr = sim.addr();
    let probe = async {
        // The port refuses connections at some point during the downtime.
        loop {
            if TcpStream::connect(addr).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    let ((), refused) = tokio::join!(
        sim.restart(Duration::from_millis(300)),
        tokio::time::timeout(PATIENCE, probe)
    );
    assert!(refused.is_ok(), "the port was closed during the restart");
    assert_eq!(cti.ended().await, Ended::Dropped);
    assert!(sim.calls().is_empty());
    let (status, body) = Cti::try_connect(&sim, &token).await.err().expect("refused");
    assert_eq!(status, 401);
    assert_eq!(body["error"], "InvalidToken");
    // Settings live in XiVO's database and survive; a new login works.
    let mut cti = Cti::open(&sim, "alice").await;
    assert!(sim.users()[0].dnd);
    assert_eq!(sim.users()[0].unconditional_forward.destination, "0600");
    cti.command("getCurrentCallsPhoneEvents", json!({})).await;
    assert_eq!(
        cti.expect("CurrentCallsPhoneEvents").await,
        json!({"events": []})
    );
}

#[tokio::test]
async fn shutdown_frees_the_port_and_ends_sessions() {
    let sim = start_default().await;
    let addr = sim.addr();
    let mut cti = Cti::open(&sim, "alice").await;
    sim.ring("alice", "0101", "", UserData::new())
        .expect("rings");
    sim.shutdown().await;
    assert!(TcpListener::bind(addr).await.is_ok(), "the port is free");
    assert_eq!(cti.ended().await, Ended::Dropped);
}

#[tokio::test]
async fn dropping_the_handle_frees_the_port() {
    let sim: XucSim = start_default().await;
    let addr = sim.addr();
    let mut cti = Cti::open(&sim, "bob").await;
    drop(sim);
    assert_eq!(cti.ended().await, Ended::Dropped);
    tokio::time::timeout(PATIENCE, async {
        while TcpListener::bind(addr).await.is_err() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the port is freed");
}
