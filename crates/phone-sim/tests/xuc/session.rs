//! The websocket session: login sequence, pings, idle timeout, bad messages, records.

use std::time::Duration;

use callpop_phone_sim::xuc::{CommandOutcome, XucSimConfig};
use serde_json::{json, Value};

use crate::common::{self, config, start, start_default, Cti, Ended};

#[tokio::test]
async fn a_session_opens_with_logged_on_user_config_and_phone_status() {
    let sim = start_default().await;
    let token = common::token(&sim, "alice").await;
    let mut cti = Cti::try_connect(&sim, &token).await.expect("accepted");
    let logged_on = cti.next().await;
    assert_eq!(logged_on["msgType"], "LoggedOn");
    let config = cti.next().await;
    assert_eq!(config["msgType"], "UserConfigUpdate");
    let c = &config["ctiMessage"];
    assert_eq!(c["userId"], 1);
    assert_eq!(c["fullName"], "Alice Johnson");
    assert_eq!(c["firstName"], "Alice");
    assert_eq!(c["lastName"], "Johnson");
    assert_eq!(c["dndEnabled"], false);
    for forward in ["naFwd", "uncFwd", "busyFwd"] {
        assert_eq!(c[format!("{forward}Enabled")], false);
        assert_eq!(c[format!("{forward}Destination")], "");
    }
    let status = cti.next().await;
    assert_eq!(
        status,
        json!({"msgType": "PhoneStatusUpdate", "ctiMessage": {"status": "AVAILABLE"}})
    );
    assert_eq!(sim.open_sessions(), 1);
    let users = sim.users();
    assert_eq!(users[0].sessions, 1);
    assert_eq!(users[1].sessions, 0);
}

#[tokio::test]
async fn both_ping_forms_are_answered_and_counted() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "bob").await;
    cti.ping().await;
    assert_eq!(cti.next().await["msgType"], "Pong");
    cti.command("ping", json!({})).await;
    assert_eq!(cti.next().await["msgType"], "Pong");
    let sessions = sim.sessions();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].login, "bob");
    assert_eq!(sessions[0].pings, 2);
    assert!(
        sessions[0].commands.is_empty(),
        "pings are counted, not listed"
    );
}

#[tokio::test]
async fn pings_keep_a_socket_open_and_silence_closes_it() {
    let idle = Duration::from_millis(400);
    let sim = start(XucSimConfig {
        idle_timeout: idle,
        ..config()
    })
    .await;
    let mut cti = Cti::open(&sim, "alice").await;
    // Pinging at a quarter of the idle timeout, for three times the idle timeout.
    for _ in 0..12 {
        tokio::time::sleep(idle / 4).await;
        cti.ping().await;
        assert_eq!(cti.next().await["msgType"], "Pong");
    }
    assert_eq!(sim.open_sessions(), 1);
    // Then silence.
    assert_eq!(
        cti.ended().await,
        Ended::Closed(1000, "idle timeout".to_owned())
    );
    common::until("the session ends", || sim.open_sessions() == 0).await;
    let record = &sim.sessions()[0];
    assert!(!record.open);
    assert_eq!(record.ended.as_deref(), Some("idle timeout"));
    assert_eq!(record.pings, 12);
}

#[tokio::test]
async fn unparsable_and_unknown_messages_get_an_error_and_keep_the_socket() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    for text in [
        "not json",
        "[1,2]",
        r#"{"command":"dial"}"#,
        r#"{"claz":"web"}"#,
        r#"{"claz":"web","command":"teleport"}"#,
        r#"{"claz":"web","command":"dial"}"#,
        r#"{"claz":"web","command":"dnd","state":"maybe"}"#,
    ] {
        cti.send_text(text).await;
        let error = cti.expect("Error").await;
        assert!(
            error["Error"].as_str().is_some_and(|e| !e.is_empty()),
            "{text}: {error}"
        );
    }
    assert!(cti.barrier().await.is_empty());
    let commands = &sim.sessions()[0].commands;
    assert_eq!(commands.len(), 7);
    assert!(commands
        .iter()
        .all(|c| c.outcome == CommandOutcome::Rejected && c.note.is_some()));
    assert_eq!(commands[0].message, Value::String("not json".to_owned()));
    assert_eq!(commands[4].command.as_deref(), Some("teleport"));
}

#[tokio::test]
async fn commands_the_state_does_not_allow_are_ignored_silently() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    for command in [
        "answer",
        "hangup",
        "hold",
        "completeTransfer",
        "cancelTransfer",
    ] {
        cti.command(command, json!({})).await;
    }
    cti.command("directTransfer", json!({"destination": "1234"}))
        .await;
    cti.command("getQueueStatistics", json!({"queueId": 1}))
        .await;
    assert!(
        cti.barrier().await.is_empty(),
        "no event and no error for impossible commands"
    );
    let commands = &sim.sessions()[0].commands;
    let names: Vec<&str> = commands
        .iter()
        .filter_map(|c| c.command.as_deref())
        .collect();
    assert_eq!(
        names,
        [
            "answer",
            "hangup",
            "hold",
            "completeTransfer",
            "cancelTransfer",
            "directTransfer",
            "getQueueStatistics"
        ]
    );
    assert!(commands
        .iter()
        .all(|c| c.outcome == CommandOutcome::Ignored && c.note.is_some()));
    assert_eq!(
        commands[5].message,
        json!({"claz": "web", "command": "directTransfer", "destination": "1234"})
    );
}

#[tokio::test]
async fn a_client_closing_ends_the_session() {
    let sim = start_default().await;
    let cti = Cti::open(&sim, "alice").await;
    drop(cti);
    common::until("the session ends", || sim.open_sessions() == 0).await;
    assert!(!sim.sessions()[0].open);
}
