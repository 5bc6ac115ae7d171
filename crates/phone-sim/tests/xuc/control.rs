//! The HTTP control API, as another process (an e2e test, the demo) drives the simulator.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{control, control_json, login, start_default, Cti, Ended};

#[tokio::test]
async fn a_call_driven_entirely_over_http() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    let (status, rang) = control_json(
        &sim,
        "ring",
        json!({"user": "alice", "number": "+33 1 23", "name": "Zoë Müller",
               "queue": "support", "user_data": {"USR_ticket": "4711", "n": 5}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rang}");
    assert_eq!(rang["ok"], true);
    let call = rang["call"].as_u64().expect("call id").to_string();
    let ringing = cti.event("EventRinging").await;
    assert_eq!(ringing["otherDName"], "Zoë Müller");
    assert_eq!(ringing["otherDN"], "+33 1 23");
    assert_eq!(ringing["queueName"], "support");
    assert_eq!(ringing["userData"]["USR_ticket"], "4711");
    assert_eq!(ringing["userData"]["n"], "5");
    assert_eq!(ringing["linkedId"], rang["linked_id"]);
    assert_eq!(ringing["uniqueId"], rang["unique_id"]);

    let (status, calls) = control(&sim, "calls", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(calls[0]["state"], "ringing");
    assert_eq!(calls[0]["user"], "alice");
    assert_eq!(calls[0]["direction"], "Incoming");

    for (action, event) in [
        ("answer", "EventEstablished"),
        ("hold", "EventOnHold"),
        ("resume", "EventEstablished"),
        ("hangup", "EventReleased"),
    ] {
        let (status, body) = control(&sim, action, &[("call", &call)]).await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
        assert_eq!(body, json!({"ok": true}));
        cti.event(event).await;
    }

    // Query-string user data.
    let (_, rang) = control(
        &sim,
        "ring",
        &[("user", "bob"), ("number", "0101"), ("data.USR_x", "y")],
    )
    .await;
    let bob_call = sim
        .call(callpop_phone_sim::xuc::CallId(
            rang["call"].as_u64().expect("id"),
        ))
        .expect("ringing");
    assert_eq!(bob_call.user_data["USR_x"], "y");
    let (_, body) = control(&sim, "give-up", &[("call", &rang["call"].to_string())]).await;
    assert_eq!(body["ok"], true);

    let (_, dialed) = control(&sim, "dial", &[("user", "alice"), ("number", "3000")]).await;
    cti.event("EventDialing").await;
    let dialed = dialed["call"].to_string();
    control(&sim, "remote-answer", &[("call", &dialed)]).await;
    cti.event("EventEstablished").await;
    control(&sim, "remote-hangup", &[("call", &dialed)]).await;
    cti.event("EventReleased").await;
}

#[tokio::test]
async fn control_errors_say_what_is_wrong() {
    let sim = start_default().await;
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], StatusCode);
    let cases: [Case; 8] = [
        ("ring", &[("number", "1")], StatusCode::BAD_REQUEST),
        (
            "ring",
            &[("user", "nobody"), ("number", "1")],
            StatusCode::NOT_FOUND,
        ),
        ("answer", &[("call", "99")], StatusCode::NOT_FOUND),
        ("answer", &[("call", "x")], StatusCode::BAD_REQUEST),
        (
            "dnd",
            &[("user", "alice"), ("enabled", "perhaps")],
            StatusCode::BAD_REQUEST,
        ),
        (
            "refuse-logins",
            &[("mode", "sometimes")],
            StatusCode::BAD_REQUEST,
        ),
        ("teleport", &[], StatusCode::NOT_FOUND),
        ("drop-after", &[("count", "-1")], StatusCode::BAD_REQUEST),
    ];
    for (action, query, expected) in cases {
        let (status, body) = control(&sim, action, query).await;
        assert_eq!(status, expected, "{action} {query:?}: {body}");
        assert_eq!(body["ok"], false);
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()));
    }
    // A state that forbids the action: 409.
    let (_, rang) = control(&sim, "ring", &[("user", "alice"), ("number", "1")]).await;
    let (status, body) = control(&sim, "hold", &[("call", &rang["call"].to_string())]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    control(&sim, "dnd", &[("user", "bob"), ("enabled", "true")]).await;
    let (status, body) = control(&sim, "ring", &[("user", "bob"), ("number", "1")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(body["error"]
        .as_str()
        .is_some_and(|e| e.contains("do not disturb")));
}

#[tokio::test]
async fn faults_and_records_over_http() {
    let sim = start_default().await;
    control(&sim, "refuse-logins", &[("mode", "error")]).await;
    assert_eq!(
        login(&sim, "alice", "alice").await.0,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    control(&sim, "refuse-logins", &[("mode", "none")]).await;
    let mut cti = Cti::open(&sim, "alice").await;
    cti.command("dnd", json!({"state": true})).await;
    cti.expect("UserConfigUpdate").await;

    let (_, records) = control(&sim, "auth-records", &[]).await;
    let outcomes: Vec<&str> = records
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["outcome"].as_str())
        .collect();
    assert_eq!(outcomes, ["refused", "accepted", "accepted"]);
    let (_, sessions) = control(&sim, "sessions", &[]).await;
    assert_eq!(sessions[0]["login"], "alice");
    assert_eq!(sessions[0]["commands"][0]["command"], "dnd");
    assert_eq!(sessions[0]["commands"][0]["outcome"], "done");
    let (_, state) = control(&sim, "state", &[]).await;
    assert_eq!(state["open_sessions"], 1);
    assert_eq!(state["users"][0]["dnd"], true);
    assert_eq!(state["users"][0]["phone_status"], "AVAILABLE");

    let (_, reached) = control(&sim, "malformed", &[]).await;
    assert_eq!(reached, json!({"ok": true, "sessions": 1}));
    assert!(serde_json::from_str::<Value>(&cti.next_text().await).is_err());
    let (_, reached) = control(&sim, "send-raw", &[("text", "hello")]).await;
    assert_eq!(reached["sessions"], 1);
    assert_eq!(cti.next_text().await, "hello");

    control(&sim, "pings", &[("enabled", "false")]).await;
    control(&sim, "pings", &[("enabled", "true")]).await;
    control(&sim, "drop-after", &[("count", "")]).await;
    control(&sim, "clear-records", &[]).await;
    let (_, records) = control(&sim, "auth-records", &[]).await;
    assert_eq!(records, json!([]));

    control(&sim, "drop-sessions", &[]).await;
    assert_eq!(cti.ended().await, Ended::Dropped);
    let token = crate::common::token(&sim, "alice").await;
    control(&sim, "expire-tokens", &[]).await;
    assert_eq!(
        Cti::try_connect(&sim, &token)
            .await
            .err()
            .expect("refused")
            .1["error"],
        "TokenExpired"
    );

    let (status, body) = control(&sim, "restart", &[("ms", "50")]).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"ok": true})));
    let mut cti = Cti::open(&sim, "alice").await;
    assert!(cti.barrier().await.is_empty());
}
