//! Passcode countdown and lock-out, session login, remote control switch.

use callpop_phone_sim::{PhoneSim, SimAuth, SimConfig};
use reqwest::header::{COOKIE, REFERER};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::common::{client, cti, fast_config, get_json, start, start_fast};

async fn with_passcode(sim: &PhoneSim, passcode: &str) -> Value {
    get_json(
        &client(),
        &format!("{}/cgi-bin/api-get_phone_status", sim.url()),
        &[("passcode", passcode)],
    )
    .await
    .1
}

#[tokio::test]
async fn wrong_passcodes_count_down_then_lock() {
    let sim = start(SimConfig {
        auth: SimAuth::Passcode("s3cret".into()),
        lock_minutes: 7,
        ..fast_config()
    })
    .await;
    for left in (0..5).rev() {
        let answer = with_passcode(&sim, "admin").await;
        assert_eq!(
            answer,
            json!({"response": "error", "body": format!("wrong{left}")})
        );
    }
    let locked = json!({"response": "error", "body": "locked", "lockTime": 7});
    assert_eq!(with_passcode(&sim, "s3cret").await, locked);
    assert!(sim.state().locked);
    sim.unlock();
    assert_eq!(with_passcode(&sim, "s3cret").await["response"], "success");
    assert!(!sim.state().locked);
}

#[tokio::test]
async fn a_correct_passcode_resets_the_counter() {
    let sim = start_fast().await;
    let (_, missing) = get_json(
        &client(),
        &format!("{}/cgi-bin/api-get_line_status", sim.url()),
        &[],
    )
    .await;
    assert_eq!(missing["body"], "wrong4");
    assert_eq!(with_passcode(&sim, "nope").await["body"], "wrong3");
    assert_eq!(with_passcode(&sim, "admin").await["response"], "success");
    assert_eq!(with_passcode(&sim, "nope").await["body"], "wrong4");
}

#[tokio::test]
async fn password_counts_only_for_make_call() {
    let sim = start_fast().await;
    let (_, answer) = get_json(
        &client(),
        &format!("{}/cgi-bin/api-get_phone_status", sim.url()),
        &[("password", "admin")],
    )
    .await;
    assert_eq!(answer["body"], "wrong4");
    let (_, answer) = get_json(
        &client(),
        &format!("{}/cgi-bin/api-make_call", sim.url()),
        &[
            ("phonenumber", "1"),
            ("passcode", "wrong"),
            ("password", "admin"),
        ],
    )
    .await;
    assert_eq!(answer["body"], true);
}

#[tokio::test]
async fn remote_control_off_is_403_html() {
    let sim = start(SimConfig {
        remote_control_enabled: false,
        ..fast_config()
    })
    .await;
    let response = client()
        .get(format!(
            "{}/cgi-bin/api-get_line_status?passcode=admin",
            sim.url()
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.text().await.expect("body").contains("Forbidden"));
    sim.set_remote_control(true);
    assert_eq!(
        cti(&sim, "api-get_line_status", &[]).await["response"],
        "success"
    );
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Logs in the way session firmware expects; answers the dologin JSON.
async fn login(sim: &PhoneSim, user: &str, password: &str) -> Value {
    let http = client();
    let referer = format!("{}/", sim.url());
    let (status, access) = {
        let response = http
            .post(format!("{}/cgi-bin/access", sim.url()))
            .header(REFERER, &referer)
            .form(&[("access", sha256_hex(user))])
            .send()
            .await
            .expect("request");
        (
            response.status(),
            response.json::<Value>().await.expect("JSON"),
        )
    };
    assert_eq!(status, StatusCode::OK);
    assert_eq!(access["response"], "success");
    let nonce = access["body"].as_str().expect("nonce").to_owned();
    http.post(format!("{}/cgi-bin/dologin", sim.url()))
        .header(REFERER, &referer)
        .form(&[
            ("username", user.to_owned()),
            ("password", sha256_hex(&format!("{password}{nonce}"))),
        ])
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON")
}

fn session_config() -> SimConfig {
    SimConfig {
        auth: SimAuth::Session {
            username: "user".into(),
            password: "pässword".into(),
        },
        ..fast_config()
    }
}

#[tokio::test]
async fn session_login_cookie_and_expiry() {
    let sim = start(session_config()).await;
    let status_url = format!("{}/cgi-bin/api-get_phone_status", sim.url());

    let anonymous = client().get(&status_url).send().await.expect("request");
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let body: Value = anonymous.json().await.expect("JSON");
    assert_eq!(body, json!({"response": "error", "body": "unauthorized"}));

    let answer = login(&sim, "user", "pässword").await;
    assert_eq!(answer["response"], "success");
    let sid = answer["body"]["sid"].as_str().expect("sid").to_owned();
    assert_eq!(sid.len(), 64);
    assert!(sid.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(answer["body"]["role"], "user");
    assert_eq!(answer["body"]["ver"], "1.0.3.35");
    assert_eq!(answer["body"]["mac"], "00:0B:82:12:34:56");

    let cookie = format!("sid={sid}");
    let ok = client()
        .get(&status_url)
        .header(COOKIE, &cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.json::<Value>().await.expect("JSON")["body"], "available");

    // Form POSTs need a same-origin Referer.
    let post = |referer: Option<String>| {
        let mut request = client()
            .post(&status_url)
            .header(COOKIE, &cookie)
            .form(&[("x", "1")]);
        if let Some(referer) = referer {
            request = request.header(REFERER, referer);
        }
        request.send()
    };
    assert_eq!(
        post(None).await.expect("request").status(),
        StatusCode::FORBIDDEN
    );
    let foreign = "http://evil.example:8080/".to_owned();
    assert_eq!(
        post(Some(foreign)).await.expect("request").status(),
        StatusCode::FORBIDDEN
    );
    let own = format!("{}/index.html", sim.url());
    assert_eq!(
        post(Some(own)).await.expect("request").status(),
        StatusCode::OK
    );

    sim.expire_sessions();
    let expired = client()
        .get(&status_url)
        .header(COOKIE, &cookie)
        .send()
        .await
        .expect("request");
    assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);

    // Logging in again works.
    assert_eq!(login(&sim, "user", "pässword").await["response"], "success");
}

#[tokio::test]
async fn session_login_failures_count_down() {
    let sim = start(session_config()).await;
    assert_eq!(
        login(&sim, "user", "wrong").await,
        json!({"response": "error", "body": "wrong4"})
    );
    assert_eq!(login(&sim, "admin", "pässword").await["body"], "wrong3");
    for _ in 0..3 {
        login(&sim, "user", "wrong").await;
    }
    let locked = login(&sim, "user", "pässword").await;
    assert_eq!(
        locked,
        json!({"response": "error", "body": "locked", "lockTime": 5})
    );
    sim.unlock();
    assert_eq!(login(&sim, "user", "pässword").await["response"], "success");
}

#[tokio::test]
async fn login_posts_without_referer_are_forbidden() {
    let sim = start(session_config()).await;
    let response = client()
        .post(format!("{}/cgi-bin/access", sim.url()))
        .form(&[("access", sha256_hex("user"))])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn passcode_firmware_has_no_session_login() {
    let sim = start_fast().await;
    let response = client()
        .post(format!("{}/cgi-bin/access", sim.url()))
        .form(&[("access", sha256_hex("admin"))])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
