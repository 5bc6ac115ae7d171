//! The control API over HTTP, as other processes and the app's demo mode use it.

use callpop_phone_sim::{LineState, SimAuth, SimConfig, SimState};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::{
    client, cti, fast_config, get_json, line_status, start, start_fast, wait_until,
};

async fn control(
    sim: &callpop_phone_sim::PhoneSim,
    action: &str,
    query: &[(&str, &str)],
) -> (StatusCode, Value) {
    get_json(&client(), &format!("{}/control/{action}", sim.url()), query).await
}

#[tokio::test]
async fn ring_with_utf8_name_answer_and_hang_up() {
    let sim = start_fast().await;
    let (status, answer) = control(
        &sim,
        "ring",
        &[
            ("line", "2"),
            ("number", "+15555550100"),
            ("name", "Zoë Müller"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(answer, json!({"ok": true, "line": 2}));
    let line = &line_status(&sim).await[1];
    assert_eq!(line["remotename"], "Zoë Müller");
    assert_eq!(
        line["remotenumber"], "+15555550100",
        "the + survives decoding"
    );

    // Same thing as a POST form.
    let answer: Value = client()
        .post(format!("{}/control/hangup", sim.url()))
        .form(&[("line", "2")])
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    assert_eq!(answer, json!({"ok": true}));
    assert_eq!(sim.lines()[1].state, LineState::Idle);

    cti(&sim, "api-make_call", &[("phonenumber", "100")]).await;
    assert_eq!(
        control(&sim, "answer", &[("line", "1")]).await.1["ok"],
        true
    );
    assert_eq!(sim.lines()[0].state, LineState::Connected);
}

#[tokio::test]
async fn refusals_say_why() {
    let sim = start_fast().await;
    let (status, answer) = control(&sim, "hangup", &[("line", "1")]).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(answer["ok"], false);
    assert!(answer["error"].as_str().is_some_and(|e| e.contains("idle")));
    assert_eq!(
        control(&sim, "answer", &[("line", "9")]).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        control(&sim, "answer", &[]).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        control(&sim, "answer", &[("line", "x")]).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(control(&sim, "ring", &[]).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        control(&sim, "self-destruct", &[]).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        control(&sim, "fault", &[("mode", "weird")]).await.0,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        control(&sim, "rotate-cert", &[]).await.0,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn state_and_switches() {
    let sim = start_fast().await;
    let (_, state) = control(&sim, "state", &[]).await;
    let state: SimState = serde_json::from_value(state).expect("state shape");
    assert_eq!(state.lines.len(), 4);
    assert!(!state.dnd && !state.locked && state.remote_control && state.make_call);

    control(&sim, "make-call", &[("enabled", "false")]).await;
    assert_eq!(
        cti(&sim, "api-make_call", &[("phonenumber", "1")]).await["body"],
        false
    );
    control(&sim, "make-call", &[("enabled", "true")]).await;
    assert_eq!(
        cti(&sim, "api-make_call", &[("phonenumber", "1")]).await["body"],
        true
    );

    control(&sim, "remote-control", &[("enabled", "0")]).await;
    let forbidden = client()
        .get(format!(
            "{}/cgi-bin/api-get_line_status?passcode=admin",
            sim.url()
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    control(&sim, "remote-control", &[("enabled", "1")]).await;

    for _ in 0..5 {
        get_json(
            &client(),
            &format!("{}/cgi-bin/api-get_line_status", sim.url()),
            &[],
        )
        .await;
    }
    assert_eq!(control(&sim, "state", &[]).await.1["locked"], true);
    control(&sim, "unlock", &[]).await;
    assert_eq!(control(&sim, "state", &[]).await.1["locked"], false);
}

#[tokio::test]
async fn faults_short_rings_and_requests() {
    let sim = start_fast().await;
    control(&sim, "fault", &[("mode", "500"), ("count", "1")]).await;
    let url = format!("{}/cgi-bin/api-get_phone_status?passcode=admin", sim.url());
    let first = client().get(&url).send().await.expect("request");
    assert_eq!(first.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        client().get(&url).send().await.expect("request").status(),
        StatusCode::OK
    );

    control(&sim, "fault", &[("mode", "status"), ("code", "404")]).await;
    assert_eq!(
        client().get(&url).send().await.expect("request").status(),
        StatusCode::NOT_FOUND
    );
    control(&sim, "fault", &[("mode", "none")]).await;

    let (_, answer) = control(&sim, "short-ring", &[("number", "42"), ("ms", "60")]).await;
    assert_eq!(answer["line"], 1);
    wait_until("given up", || sim.lines()[0].state == LineState::Idle).await;

    control(&sim, "clear-requests", &[]).await;
    cti(&sim, "api-send_key", &[("keys", "#")]).await;
    let (_, requests) = control(&sim, "requests", &[]).await;
    let requests = requests.as_array().expect("array");
    assert_eq!(requests.len(), 1, "control requests are not recorded");
    assert_eq!(requests[0]["function"], "api-send_key");
    assert_eq!(
        requests[0]["params"],
        json!([["passcode", "admin"], ["keys", "#"]])
    );
    assert_eq!(requests[0]["kind"], "cti");
}

#[tokio::test]
async fn sessions_expire_through_the_control_api() {
    let sim = start(SimConfig {
        auth: SimAuth::Session {
            username: "user".into(),
            password: "pw".into(),
        },
        ..fast_config()
    })
    .await;
    let (_, answer) = control(&sim, "expire-sessions", &[]).await;
    assert_eq!(answer, json!({"ok": true}));
}

#[tokio::test]
async fn rotate_cert_over_http() {
    let sim = start(SimConfig {
        tls: true,
        ..fast_config()
    })
    .await;
    let old = sim.cert_fingerprint().expect("fingerprint");
    let (client, _) = crate::common::pinned_client(&old);
    let answer: Value = client
        .post(format!("{}/control/rotate-cert", sim.url()))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON");
    let new = sim.cert_fingerprint().expect("fingerprint");
    assert_ne!(old, new);
    assert_eq!(answer["fingerprint"], new.as_str());
}

#[tokio::test]
async fn an_account_loses_and_regains_its_registration() {
    let sim = start_fast().await;
    let registered = |accounts: &Value| -> Vec<Value> {
        accounts
            .as_array()
            .expect("accounts")
            .iter()
            .map(|a| a["reg"].clone())
            .collect()
    };
    assert_eq!(
        registered(&cti(&sim, "api-get_accounts", &[]).await["body"]),
        [json!(1), json!(1)]
    );
    let (status, _) = control(&sim, "account", &[("account", "1"), ("registered", "0")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        registered(&cti(&sim, "api-get_accounts", &[]).await["body"]),
        [json!(1), json!(0)]
    );
    // An unregistered account cannot place a call; the other one can, and the phone says
    // which account each call went out from.
    let from = |account: &'static str| [("phonenumber", "203"), ("account", account)];
    assert_eq!(cti(&sim, "api-make_call", &from("1")).await["body"], false);
    assert_eq!(cti(&sim, "api-make_call", &from("0")).await["body"], true);
    let (_, state) = control(&sim, "state", &[]).await;
    let state: SimState = serde_json::from_value(state).expect("state shape");
    assert_eq!(
        state
            .dials
            .iter()
            .map(|d| (d.number.as_str(), d.account))
            .collect::<Vec<_>>(),
        [("203", 0)]
    );
    assert_eq!(state.accounts[1].reg, 0);
    control(&sim, "account", &[("account", "1"), ("registered", "1")]).await;
    assert_eq!(
        registered(&cti(&sim, "api-get_accounts", &[]).await["body"]),
        [json!(1), json!(1)]
    );
    let (status, _) = control(&sim, "account", &[("account", "7"), ("registered", "0")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
