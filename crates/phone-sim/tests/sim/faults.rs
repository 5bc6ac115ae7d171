//! Fault injection on `api-*` requests.

use std::time::{Duration, Instant};

use callpop_phone_sim::Fault;
use reqwest::StatusCode;

use crate::common::{client, cti, start_fast};

async fn get(sim: &callpop_phone_sim::PhoneSim) -> reqwest::Result<reqwest::Response> {
    client()
        .get(format!(
            "{}/cgi-bin/api-get_phone_status?passcode=admin",
            sim.url()
        ))
        .send()
        .await
}

fn content_type(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn slow_answers_late_but_correctly() {
    let sim = start_fast().await;
    sim.set_fault(Fault::Slow(Duration::from_millis(400)), Some(1));
    let started = Instant::now();
    let answer = cti(&sim, "api-get_phone_status", &[]).await;
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(answer["body"], "available");
    let started = Instant::now();
    cti(&sim, "api-get_phone_status", &[]).await;
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "only one request was slowed"
    );
}

#[tokio::test]
async fn html_login_page() {
    let sim = start_fast().await;
    sim.set_fault(Fault::HtmlLoginPage, None);
    let response = get(&sim).await.expect("answers");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("text/html"));
    assert!(response.text().await.expect("body").contains("<form"));
}

#[tokio::test]
async fn server_error_then_recovery() {
    let sim = start_fast().await;
    sim.set_fault(Fault::ServerError, Some(2));
    for _ in 0..2 {
        let response = get(&sim).await.expect("answers");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
    assert_eq!(get(&sim).await.expect("answers").status(), StatusCode::OK);
}

#[tokio::test]
async fn dropped_connection() {
    let sim = start_fast().await;
    sim.set_fault(Fault::DropConnection, Some(1));
    let error = get(&sim).await.expect_err("no answer");
    assert!(!error.is_timeout(), "closed, not timed out: {error}");
    assert_eq!(get(&sim).await.expect("answers").status(), StatusCode::OK);
}

#[tokio::test]
async fn garbage_json() {
    let sim = start_fast().await;
    sim.set_fault(Fault::GarbageJson, Some(1));
    let response = get(&sim).await.expect("answers");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(content_type(&response).starts_with("application/json"));
    let body = response.text().await.expect("body");
    assert!(
        serde_json::from_str::<serde_json::Value>(&body).is_err(),
        "{body}"
    );
}

#[tokio::test]
async fn arbitrary_status() {
    let sim = start_fast().await;
    sim.set_fault(Fault::Status(411), None);
    let response = get(&sim).await.expect("answers");
    assert_eq!(response.status(), StatusCode::LENGTH_REQUIRED);
    assert!(content_type(&response).starts_with("text/html"));
    sim.set_fault(Fault::None, None);
    assert_eq!(get(&sim).await.expect("answers").status(), StatusCode::OK);
}

#[tokio::test]
async fn faults_spare_static_files() {
    let sim = start_fast().await;
    sim.set_fault(Fault::ServerError, None);
    let response = client()
        .get(format!("{}/json/configs/model.define.js", sim.url()))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), StatusCode::OK);
}
