//! REST login, token check, token expiry, and the websocket's token check.

use std::time::Duration;

use callpop_phone_sim::xuc::{AuthEndpoint, AuthOutcome, XucSimConfig, XucUser};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::{self, client, config, login, post_login, start, start_default, Cti};

#[tokio::test]
async fn login_answers_a_token_with_its_ttl() {
    let sim = start(XucSimConfig {
        token_ttl: Duration::from_secs(600),
        ..config()
    })
    .await;
    let (status, body) = login(&sim, "alice", "alice").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["login"], "alice");
    assert_eq!(body["TTL"], 600);
    let token = body["token"].as_str().expect("token");
    assert_eq!(token.len(), 32);
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
    let (_, again) = login(&sim, "alice", "alice").await;
    assert_ne!(
        again["token"], body["token"],
        "every login gets its own token"
    );

    let records = sim.auth_records();
    assert_eq!(records.len(), 2);
    assert!(records.iter().all(|r| r.endpoint == AuthEndpoint::Login
        && r.outcome == AuthOutcome::Accepted
        && r.login.as_deref() == Some("alice")));
}

#[tokio::test]
async fn wrong_passwords_and_unknown_users_are_invalid_credentials() {
    let sim = start_default().await;
    for (user, password) in [("alice", "bob"), ("mallory", "mallory"), ("alice", "")] {
        let (status, body) = login(&sim, user, password).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["error"], "InvalidCredentials");
        assert!(body["message"].is_string());
    }
    let outcomes: Vec<AuthOutcome> = sim.auth_records().iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, vec![AuthOutcome::InvalidCredentials; 3]);
}

#[tokio::test]
async fn bodies_that_are_not_credentials_are_invalid_json() {
    let sim = start_default().await;
    for body in [
        "{",
        "[]",
        r#"{"login":"alice"}"#,
        r#"{"login":1,"password":"x"}"#,
    ] {
        let (status, answer) = post_login(&sim, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer["error"], "InvalidJson");
    }
}

#[tokio::test]
async fn passwords_are_never_recorded() {
    let sim = start(XucSimConfig {
        users: vec![XucUser::new(7, "carol", "hunter2-secret", "1007", "Carol")],
        ..config()
    })
    .await;
    login(&sim, "carol", "hunter2-wrong").await;
    let (status, body) = login(&sim, "carol", "hunter2-secret").await;
    assert_eq!(status, StatusCode::OK);
    let mut cti = Cti::connect(&sim, body["token"].as_str().expect("token")).await;
    // A confused client sending its password over the websocket: recorded scrubbed.
    cti.command("setUserPreference", json!({ "password": "hunter2-secret" }))
        .await;
    cti.send_text(r#"{"claz":"web","password":"hunter2-secret""#)
        .await;
    assert!(cti.expect("Error").await["Error"].as_str().is_some());
    cti.barrier().await;

    let everything = format!(
        "{:?} {:?} {}",
        sim.auth_records(),
        sim.sessions(),
        serde_json::to_string(&sim.sessions()).expect("records serialize")
    );
    assert!(!everything.contains("hunter2"), "{everything}");
    assert!(everything.contains("carol"));
}

#[tokio::test]
async fn check_renews_a_bearer_token() {
    let sim = start_default().await;
    let token = common::token(&sim, "bob").await;
    let check = |header: Option<String>| {
        let sim_url = sim.url();
        async move {
            let mut request = client().get(format!("{sim_url}/xuc/api/2.0/auth/check"));
            if let Some(header) = header {
                request = request.header("Authorization", header);
            }
            let response = request.send().await.expect("check request");
            let status = response.status();
            (
                status,
                response.json::<serde_json::Value>().await.expect("JSON"),
            )
        }
    };
    let (status, body) = check(Some(format!("Bearer {token}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["login"], "bob");
    let renewed = body["token"].as_str().expect("token").to_owned();
    assert_ne!(renewed, token);
    // Both the old and the renewed token open a session.
    Cti::connect(&sim, &token).await;
    Cti::connect(&sim, &renewed).await;

    let (status, body) = check(None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "AuthorizationHeaderNotFound");
    let (status, body) = check(Some("Bearer 0123".to_owned())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "InvalidToken");
    let (_, body) = check(Some(format!("Basic {token}"))).await;
    assert_eq!(body["error"], "AuthorizationHeaderNotFound");

    let checks: Vec<AuthOutcome> = sim
        .auth_records()
        .iter()
        .filter(|r| r.endpoint == AuthEndpoint::Check)
        .map(|r| r.outcome)
        .collect();
    assert_eq!(
        checks,
        vec![
            AuthOutcome::Accepted,
            AuthOutcome::MissingToken,
            AuthOutcome::InvalidToken,
            AuthOutcome::MissingToken
        ]
    );
}

#[tokio::test]
async fn the_websocket_refuses_missing_unknown_and_expired_tokens() {
    let sim = start_default().await;
    let (status, body) = Cti::try_connect(&sim, "").await.err().expect("refused");
    assert_eq!(status, 401);
    assert_eq!(body["error"], "AuthorizationHeaderNotFound");
    let (status, body) = Cti::try_connect(&sim, "deadbeef")
        .await
        .err()
        .expect("refused");
    assert_eq!(status, 401);
    assert_eq!(body["error"], "InvalidToken");

    let token = common::token(&sim, "alice").await;
    let mut open = Cti::connect(&sim, &token).await;
    sim.expire_tokens();
    let (status, body) = Cti::try_connect(&sim, &token).await.err().expect("refused");
    assert_eq!(status, 401);
    assert_eq!(body["error"], "TokenExpired");
    // Expiry does not cut a session already open.
    assert!(open.barrier().await.is_empty());
    assert_eq!(sim.open_sessions(), 1);
    // A new login works.
    Cti::open(&sim, "alice").await;

    let cti: Vec<AuthOutcome> = sim
        .auth_records()
        .iter()
        .filter(|r| r.endpoint == AuthEndpoint::Cti)
        .map(|r| r.outcome)
        .collect();
    assert_eq!(
        cti,
        vec![
            AuthOutcome::MissingToken,
            AuthOutcome::InvalidToken,
            AuthOutcome::Accepted,
            AuthOutcome::TokenExpired,
            AuthOutcome::Accepted
        ]
    );
}

#[tokio::test]
async fn tokens_expire_after_their_ttl() {
    let sim = start(XucSimConfig {
        token_ttl: Duration::from_millis(50),
        ..config()
    })
    .await;
    let token = common::token(&sim, "alice").await;
    let refusal = tokio::time::timeout(common::PATIENCE, async {
        loop {
            match Cti::try_connect(&sim, &token).await {
                Err(refusal) => return refusal,
                Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    })
    .await
    .expect("the token expires");
    assert_eq!(refusal.0, 401);
    assert_eq!(refusal.1["error"], "TokenExpired");
}
