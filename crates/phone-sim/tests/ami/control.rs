//! The HTTP control API, from another "process" (a plain HTTP client).

use callpop_phone_sim::ami::{AmiSim, ChannelInfo, RecordedAction};
use reqwest::StatusCode;
use serde_json::Value;

use super::client::{fast_config, start, Client};

use crate::support::plain_client as http;

async fn get(sim: &AmiSim, path: &str) -> (StatusCode, Value) {
    let url = format!("{}{path}", sim.control_url().expect("control API"));
    let response = http().get(&url).send().await.expect("control answers");
    let status = response.status();
    (status, response.json().await.expect("JSON"))
}

async fn post(sim: &AmiSim, path: &str, form: &str) -> (StatusCode, Value) {
    let url = format!("{}{path}", sim.control_url().expect("control API"));
    let response = http()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned())
        .send()
        .await
        .expect("control answers");
    let status = response.status();
    (status, response.json().await.expect("JSON"))
}

#[tokio::test]
async fn a_whole_call_through_the_control_api() {
    let sim = start(fast_config()).await;
    let mut c = Client::connect(sim.addr()).await;
    c.login("callpop", "s3cret", "call").await;
    let (status, body) = post(
        &sim,
        "/control/ring",
        "number=%2B4930123456&name=Jane+Customer&to=PJSIP/100",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let call = body["call"].as_u64().expect("call id");
    let got = c.sync().await;
    let trunk = got
        .iter()
        .find(|m| m.event() == "Newchannel")
        .expect("caller");
    assert_eq!(trunk.get("CallerIDNum"), "+4930123456");
    assert_eq!(trunk.get("CallerIDName"), "Jane Customer");

    let (_, channels) = get(&sim, "/control/channels").await;
    let channels: Vec<ChannelInfo> = serde_json::from_value(channels).expect("channels");
    assert_eq!(channels.len(), 2);
    assert_eq!(channels[1].state_desc, "Ringing");
    for step in ["answer", "hold", "unhold"] {
        let (status, body) = get(&sim, &format!("/control/{step}?call={call}")).await;
        assert_eq!(status, StatusCode::OK, "{step}: {body}");
    }
    let (status, body) = get(&sim, &format!("/control/unhold?call={call}")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["ok"], false);
    let (_, calls) = get(&sim, "/control/calls").await;
    assert_eq!(calls[0]["phase"], "connected");
    assert!(calls[0]["phone_channel"]
        .as_str()
        .expect("phone")
        .starts_with("PJSIP/100-"));
    let (status, _) = get(&sim, &format!("/control/hangup?call={call}&by=remote")).await;
    assert_eq!(status, StatusCode::OK);
    let got = c.sync().await;
    let names: Vec<&str> = got.iter().map(|m| m.event()).collect();
    assert!(names.contains(&"Hold") && names.contains(&"Unhold") && names.contains(&"Hangup"));

    let (_, state) = get(&sim, "/control/state").await;
    assert_eq!(state["channels"], 0);
    assert_eq!(state["sessions"], 1);
    assert_eq!(state["ami"], sim.addr().to_string());
    let (_, actions) = get(&sim, "/control/actions?action=login").await;
    let actions: Vec<RecordedAction> = serde_json::from_value(actions).expect("actions");
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].header("Secret"), Some("<hidden>"));
}

#[tokio::test]
async fn control_scenarios_faults_and_errors() {
    let sim = start(fast_config()).await;
    let mut c = Client::connect(sim.addr()).await;
    c.login("callpop", "s3cret", "call").await;
    let (_, body) = get(&sim, "/control/ring?number=1&to=100,201").await;
    let call = body["call"].as_u64().expect("call");
    let (status, _) = get(&sim, &format!("/control/answered-elsewhere?call={call}")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = get(&sim, "/control/ring?number=2").await;
    let call = body["call"].as_u64().expect("call");
    let (status, _) = get(&sim, &format!("/control/reject?call={call}&cause=21")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = get(&sim, "/control/ring?number=3").await;
    let call = body["call"].as_u64().expect("call");
    let (status, _) = get(&sim, &format!("/control/give-up?call={call}")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, body) = get(&sim, "/control/dial?number=0301234567").await;
    let call = body["call"].as_u64().expect("call");
    let (status, _) = get(&sim, &format!("/control/answer?call={call}")).await;
    assert_eq!(status, StatusCode::OK);
    let got = c.sync().await;
    let causes: Vec<&str> = got
        .iter()
        .filter(|m| m.event() == "Hangup" && m.get("Channel").starts_with("PJSIP/100-"))
        .map(|m| m.get("Cause"))
        .collect();
    assert_eq!(causes, ["26", "21", "127"]);

    for (path, expected) in [
        ("/control/ring?number=1&to=PJSIP/555", StatusCode::NOT_FOUND),
        ("/control/ring", StatusCode::BAD_REQUEST),
        ("/control/answer?call=999", StatusCode::NOT_FOUND),
        ("/control/answer?call=x", StatusCode::BAD_REQUEST),
        ("/control/hangup?call=1&by=someone", StatusCode::BAD_REQUEST),
        ("/control/fault?mode=explode", StatusCode::BAD_REQUEST),
        ("/control/nonsense", StatusCode::NOT_FOUND),
    ] {
        let (status, body) = get(&sim, path).await;
        assert_eq!(status, expected, "{path}: {body}");
        assert_eq!(body["ok"], false);
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()));
    }

    let (status, _) = get(&sim, "/control/fault?mode=drop-after-events&count=1").await;
    assert_eq!(status, StatusCode::OK);
    let (_, state) = get(&sim, "/control/state").await;
    assert_eq!(state["fault"]["mode"], "drop-after-events");
    get(&sim, "/control/ring?number=4").await;
    assert!(c.read().await.is_some());
    assert!(c.read().await.is_none());
    get(&sim, "/control/fault?mode=none").await;
    let mut c = Client::connect(sim.addr()).await;
    c.login("callpop", "s3cret", "off").await;
    let (status, _) = get(&sim, "/control/garbage").await;
    assert_eq!(status, StatusCode::OK);
    assert!(c.read().await.is_some());
    get(&sim, "/control/drop-connections").await;
    assert!(c.read().await.is_none());
    let (status, _) = get(&sim, "/control/restart").await;
    assert_eq!(status, StatusCode::OK);
    let (_, channels) = get(&sim, "/control/channels").await;
    assert_eq!(channels, serde_json::json!([]));
    let (status, _) = get(&sim, "/control/clear-actions").await;
    assert_eq!(status, StatusCode::OK);
    let (_, sessions) = get(&sim, "/control/sessions").await;
    assert!(sessions.as_array().is_some());
}
