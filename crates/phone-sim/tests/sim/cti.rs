//! The CTI functions: answer shapes and the line state machine as a client sees it.

use std::time::Duration;

use callpop_phone_sim::{LineState, RequestKind, SimConfig, SimError};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{
    client, cti, fast_config, line_status, start, start_fast, state_of, wait_until, with_query,
};

#[tokio::test]
async fn line_status_has_one_object_per_line() {
    let sim = start(SimConfig {
        lines: 3,
        ..fast_config()
    })
    .await;
    let lines = line_status(&sim).await;
    assert_eq!(lines.len(), 3);
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(
            line,
            &json!({"line": i + 1, "conf": 0, "state": "idle", "acct": 0, "active": 0,
                    "remotename": "", "remotenumber": ""})
        );
    }
    let all = cti(&sim, "api-get_line_status", &[("line", "-1")]).await;
    assert_eq!(all["body"].as_array().map(Vec::len), Some(3));
    let one = cti(&sim, "api-get_line_status", &[("line", "2")]).await;
    assert_eq!(one["body"], json!([lines[1]]));
}

#[tokio::test]
async fn phone_status_follows_the_lines() {
    let sim = start_fast().await;
    let status = cti(&sim, "api-get_phone_status", &[]).await;
    assert_eq!(
        status,
        json!({"response": "success", "body": "available", "misc": "0"})
    );
    sim.ring(None, "200", "").expect("rings");
    assert_eq!(
        cti(&sim, "api-get_phone_status", &[]).await["body"],
        "ringing"
    );
    cti(&sim, "api-phone_operation", &[("cmd", "acceptcall")]).await;
    assert_eq!(cti(&sim, "api-get_phone_status", &[]).await["body"], "busy");
    // Ringing wins over busy.
    sim.ring(None, "201", "").expect("rings");
    assert_eq!(
        cti(&sim, "api-get_phone_status", &[]).await["body"],
        "ringing"
    );
}

#[tokio::test]
async fn ring_accept_hold_resume_end() {
    let sim = start_fast().await;
    let line = sim.ring(None, "+15555550100", "Zoë Müller").expect("rings");
    assert_eq!(line, 1);
    let first = &line_status(&sim).await[0];
    assert_eq!(first["state"], "ringing");
    assert_eq!(first["remotename"], "Zoë Müller");
    assert_eq!(first["remotenumber"], "+15555550100");
    assert_eq!(first["active"], 0);

    let op = |cmd: &'static str| {
        let sim = &sim;
        async move { cti(sim, "api-phone_operation", &[("cmd", cmd)]).await }
    };
    assert_eq!(
        op("acceptcall").await,
        json!({"response": "success", "body": true})
    );
    let first = &line_status(&sim).await[0];
    assert_eq!(
        (first["state"].as_str(), first["active"].as_u64()),
        (Some("connected"), Some(1))
    );
    assert_eq!(op("holdcall").await["body"], true);
    assert_eq!(state_of(&sim, 1).await, "onhold");
    assert_eq!(op("holdcall").await["body"], true);
    assert_eq!(state_of(&sim, 1).await, "connected");
    assert_eq!(op("endcall").await["body"], true);
    assert_eq!(state_of(&sim, 1).await, "idle");
    assert_eq!(
        op("endcall").await,
        json!({"response": "error", "body": false})
    );
    assert_eq!(op("acceptcall").await["body"], false);
}

#[tokio::test]
async fn reject_and_cancel() {
    let sim = start_fast().await;
    let op = |cmd: &'static str| {
        let sim = &sim;
        async move { cti(sim, "api-phone_operation", &[("cmd", cmd)]).await["body"].clone() }
    };
    sim.ring(Some(2), "203", "").expect("rings");
    assert_eq!(op("rejectcall").await, true);
    assert_eq!(state_of(&sim, 2).await, "idle");

    sim.ring(None, "203", "").expect("rings");
    assert_eq!(op("cancel").await, true);
    assert_eq!(state_of(&sim, 1).await, "idle");

    cti(
        &sim,
        "api-make_call",
        &[("phonenumber", "100"), ("account", "0")],
    )
    .await;
    assert_eq!(state_of(&sim, 1).await, "calling");
    assert_eq!(op("cancel").await, true);
    assert_eq!(state_of(&sim, 1).await, "idle");
    assert_eq!(op("cancel").await, false);
    assert_eq!(
        cti(&sim, "api-phone_operation", &[("cmd", "explode")]).await,
        json!({"response": "error", "body": "unknown"})
    );
}

#[tokio::test]
async fn make_call_then_remote_answer() {
    let sim = start(SimConfig {
        accounts: 3,
        ..fast_config()
    })
    .await;
    // Field clients send the password as `password=`: that alone must authenticate.
    let response = client()
        .get(with_query(
            &format!("{}/cgi-bin/api-make_call", sim.url()),
            &[
                ("phonenumber", "+15555550123"),
                ("account", "2"),
                ("password", "admin"),
            ],
        ))
        .send()
        .await
        .expect("request");
    let answer: serde_json::Value = response.json().await.expect("JSON");
    assert_eq!(answer, json!({"response": "success", "body": true}));
    let line = &line_status(&sim).await[0];
    assert_eq!(line["state"], "calling");
    assert_eq!(line["remotenumber"], "+15555550123");
    assert_eq!(line["remotename"], "");
    assert_eq!(line["acct"], 2);
    assert_eq!(line["active"], 1);

    sim.remote_answer(1).expect("answers");
    assert_eq!(state_of(&sim, 1).await, "connected");
    assert!(matches!(
        sim.remote_answer(1),
        Err(SimError::WrongState { .. })
    ));
    sim.remote_hangup(1).expect("hangs up");
    assert_eq!(state_of(&sim, 1).await, "idle");

    // No such account, no number: refused.
    let refused = cti(
        &sim,
        "api-make_call",
        &[("phonenumber", "1"), ("account", "3")],
    )
    .await;
    assert_eq!(refused, json!({"response": "error", "body": false}));
    let refused = cti(&sim, "api-make_call", &[("account", "0")]).await;
    assert_eq!(refused["body"], false);

    sim.set_make_call(false);
    let refused = cti(&sim, "api-make_call", &[("phonenumber", "100")]).await;
    assert_eq!(refused, json!({"response": "error", "body": false}));
    assert_eq!(state_of(&sim, 1).await, "idle");
}

#[tokio::test]
async fn outgoing_calls_can_be_answered_automatically() {
    let sim = start(SimConfig {
        auto_answer_outgoing_after: Some(Duration::from_millis(300)),
        ..fast_config()
    })
    .await;
    cti(&sim, "api-make_call", &[("phonenumber", "100")]).await;
    assert_eq!(sim.lines()[0].state, LineState::Calling);
    wait_until("auto answer", || {
        sim.lines()[0].state == LineState::Connected
    })
    .await;
}

#[tokio::test]
async fn send_key_dials_after_the_keys_are_pressed() {
    let sim = start(SimConfig {
        key_interval: Duration::from_millis(100),
        ..fast_config()
    })
    .await;
    // reqwest encodes `#` as %23, as a client must.
    let answer = cti(&sim, "api-send_key", &[("keys", "2:0:3:#:SEND")]).await;
    assert_eq!(answer, json!({"response": "success", "body": "complete"}));
    // Answered at once, pressed later.
    assert_eq!(sim.lines()[0].state, LineState::Idle);
    wait_until("dialling", || sim.lines()[0].state == LineState::Calling).await;
    let line = &sim.lines()[0];
    assert_eq!(line.remote_number, "203#");
    assert!(line.active);
    assert_eq!(sim.state().dial_buffer, "");

    let answer = cti(&sim, "api-send_key", &[("keys", "1:BOGUS:SEND")]).await;
    assert_eq!(answer, json!({"response": "error", "body": "unknown"}));
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(sim.state().dial_buffer, "", "nothing pressed");

    let answer = cti(&sim, "api-send_key", &[("keys", "STAR:POUND:7")]).await;
    assert_eq!(answer["body"], "complete");
    wait_until("digits", || sim.state().dial_buffer == "*#7").await;
}

#[tokio::test]
async fn mute_toggles_the_call_or_do_not_disturb() {
    let sim = start_fast().await;
    cti(&sim, "api-send_key", &[("keys", "MUTE")]).await;
    wait_until("DND on", || sim.state().dnd).await;
    assert!(matches!(
        sim.ring(None, "1", ""),
        Err(SimError::DoNotDisturb)
    ));
    cti(&sim, "api-send_key", &[("keys", "MUTE")]).await;
    wait_until("DND off", || !sim.state().dnd).await;

    sim.ring(None, "1", "").expect("rings");
    cti(&sim, "api-send_key", &[("keys", "OFFHOOK:MUTE")]).await;
    wait_until("muted call", || sim.lines()[0].muted).await;
    assert_eq!(sim.lines()[0].state, LineState::Connected);
    assert!(!sim.state().dnd);
    cti(&sim, "api-send_key", &[("keys", "MUTE:ONHOOK")]).await;
    wait_until("hung up", || sim.lines()[0].state == LineState::Idle).await;
    assert!(!sim.lines()[0].muted);
}

#[tokio::test]
async fn line_keys_answer_their_line() {
    let sim = start_fast().await;
    sim.ring(Some(3), "1", "").expect("rings");
    cti(&sim, "api-send_key", &[("keys", "LINE3")]).await;
    wait_until("answered", || sim.lines()[2].state == LineState::Connected).await;
    assert!(sim.lines()[2].active);
    let unknown = cti(&sim, "api-send_key", &[("keys", "LINE5")]).await;
    assert_eq!(unknown["body"], "unknown", "a 4-line phone has no LINE5");
}

#[tokio::test]
async fn sys_operation_reboot_and_reset() {
    let sim = start_fast().await;
    sim.ring(None, "1", "").expect("rings");
    sim.ring(None, "2", "").expect("rings");
    let answer = cti(&sim, "api-sys_operation", &[("request", "REBOOT")]).await;
    assert_eq!(answer, json!({"response": "success", "body": "savereboot"}));
    assert!(sim.lines().iter().all(|l| l.state == LineState::Idle));
    let answer = cti(&sim, "api-sys_operation", &[("request", "RESET")]).await;
    assert_eq!(answer, json!({"response": "success", "body": "reset"}));
    let answer = cti(&sim, "api-sys_operation", &[("request", "SELFDESTRUCT")]).await;
    assert_eq!(answer, json!({"response": "error", "body": "unknown"}));
}

#[tokio::test]
async fn accounts_and_model_define() {
    let sim = start(SimConfig {
        accounts: 2,
        lines: 6,
        model: "GXP2160".into(),
        ..fast_config()
    })
    .await;
    let accounts = cti(&sim, "api-get_accounts", &[]).await;
    assert_eq!(
        accounts,
        json!({"response": "success", "body": [
            {"id": 1, "sip_server": "pbx.example.com", "sip_id": "1001", "name": "Desk 1001", "reg": 1},
            {"id": 2, "sip_server": "pbx.example.com", "sip_id": "1002", "name": "Desk 1002", "reg": 1},
        ]})
    );

    // No passcode needed.
    let text = client()
        .get(format!("{}/json/configs/model.define.js", sim.url()))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    assert_eq!(
        text.trim(),
        r#"var model_define = {"model":"GXP2160","vendor":"Grandstream","max_accounts":2,"max_lines":6};"#
    );
}

#[tokio::test]
async fn unknown_functions_are_404_html() {
    let sim = start_fast().await;
    let response = client()
        .get(format!(
            "{}/cgi-bin/api-frobnicate?passcode=admin",
            sim.url()
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let content_type = response.headers()[reqwest::header::CONTENT_TYPE].clone();
    assert!(content_type
        .to_str()
        .unwrap_or_default()
        .starts_with("text/html"));
    let response = client()
        .get(format!("{}/nothing/here", sim.url()))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn post_form_bodies_work_like_queries() {
    let sim = start_fast().await;
    sim.ring(None, "1", "").expect("rings");
    let answer: serde_json::Value = client()
        .post(format!("{}/cgi-bin/api-phone_operation", sim.url()))
        .form(&[("passcode", "admin"), ("cmd", "acceptcall")])
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert_eq!(answer["body"], true);
    assert_eq!(sim.lines()[0].state, LineState::Connected);
}

#[tokio::test]
async fn short_ring_returns_to_idle() {
    let sim = start_fast().await;
    let line = sim
        .short_ring(Some(2), "+15555550100", "", Duration::from_millis(300))
        .expect("rings");
    assert_eq!(line, 2);
    assert_eq!(state_of(&sim, 2).await, "ringing");
    wait_until("caller gave up", || sim.lines()[1].state == LineState::Idle).await;

    // An answered short ring stays connected.
    sim.short_ring(None, "1", "", Duration::from_millis(300))
        .expect("rings");
    let answer = cti(&sim, "api-phone_operation", &[("cmd", "acceptcall")]).await;
    assert_eq!(answer["body"], true);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(sim.lines()[0].state, LineState::Connected);
}

#[tokio::test]
async fn requests_are_recorded() {
    let sim = start_fast().await;
    cti(&sim, "api-send_key", &[("keys", "#")]).await;
    let requests = sim.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "GET");
    assert_eq!(r.path, "/cgi-bin/api-send_key");
    assert_eq!(r.function.as_deref(), Some("api-send_key"));
    assert_eq!(r.kind, RequestKind::Cti);
    assert_eq!(r.param("keys"), Some("#"), "percent-decoded");
    assert_eq!(r.param("passcode"), Some("admin"));
    assert!(r.peer.is_some_and(|p| p.ip().is_loopback()));
    assert!(r.host.is_some());
    sim.clear_requests();
    assert!(sim.requests().is_empty());
}

#[tokio::test]
async fn dropping_the_handle_stops_serving() {
    let sim = start_fast().await;
    let url = format!("{}/json/configs/model.define.js", sim.url());
    assert!(client().get(&url).send().await.is_ok());
    drop(sim);
    // Aborted tasks are cancelled by the runtime shortly after.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(client().get(&url).send().await.is_err());

    let sim = start_fast().await;
    let url = format!("{}/json/configs/model.define.js", sim.url());
    sim.shutdown().await;
    assert!(client().get(&url).send().await.is_err());
}
