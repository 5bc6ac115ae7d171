//! Who may drive the simulated Yealink: the web login and its lock-out, the allowed
//! addresses, the "Allow remote control?" prompt, and injected faults. Real HTTP on loopback.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use callpop_phone_sim::yealink::{
    LoginCheck, YealinkKey, YealinkOutcome, YealinkSim, YealinkSimConfig,
};
use callpop_phone_sim::Fault;
use tokio::time::timeout;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

mod support;

use support::plain_client as client;

/// `GET {sim}/servlet?{query}` with Basic auth `login`; status and body.
async fn get(sim: &YealinkSim, query: &str, login: Option<(&str, &str)>) -> (u16, String) {
    let mut request = client().get(format!("{}/servlet?{query}", sim.url()));
    if let Some((user, password)) = login {
        request = request.basic_auth(user, Some(password));
    }
    let response = request.send().await.expect("answered");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

const ADMIN: Option<(&str, &str)> = Some(("admin", "admin"));

#[tokio::test]
async fn the_web_login_is_basic_auth_and_never_recorded_in_clear() {
    let sim = YealinkSim::start(YealinkSimConfig {
        password: "Tr1cky:pass".into(),
        ..YealinkSimConfig::default()
    })
    .await
    .expect("sim");
    let response = client()
        .get(format!("{}/servlet?key=DNDOn", sim.url()))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 401);
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(challenge.starts_with("Basic"), "{challenge}");
    assert_eq!(get(&sim, "key=DNDOn", ADMIN).await.0, 401);
    assert!(!sim.phone_state().dnd, "nothing done without the login");
    let (status, _) = get(&sim, "key=DNDOn", Some(("admin", "Tr1cky:pass"))).await;
    assert_eq!(status, 200);
    assert!(sim.phone_state().dnd);

    let records = sim.requests();
    let logins: Vec<LoginCheck> = records.iter().map(|r| r.login).collect();
    assert_eq!(
        logins,
        [LoginCheck::Missing, LoginCheck::Wrong, LoginCheck::Accepted]
    );
    assert_eq!(records[2].user.as_deref(), Some("admin"));
    assert_eq!(records[2].keys, [YealinkKey::DndOn]);
    let json = serde_json::to_string(&records).expect("json");
    assert!(!json.contains("Tr1cky"), "{json}");
    sim.shutdown().await;
}

#[tokio::test]
async fn wrong_passwords_lock_the_login_for_everyone_until_the_lock_ends() {
    let sim = YealinkSim::start(YealinkSimConfig {
        max_login_failures: 3,
        lock_for: Duration::from_millis(400),
        ..YealinkSimConfig::default()
    })
    .await
    .expect("sim");
    for _ in 0..3 {
        assert_eq!(get(&sim, "key=OK", Some(("admin", "nope"))).await.0, 401);
    }
    let (status, body) = get(&sim, "key=DNDOn", ADMIN).await;
    assert_eq!(status, 403, "locked, even with the right password");
    assert!(body.contains("locked"), "{body}");
    assert!(body.contains("second"), "{body}");
    assert!(!sim.phone_state().dnd);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(get(&sim, "key=DNDOn", ADMIN).await.0, 200, "the lock ended");
    // Someone else's wrong passwords lock it too; unlocking lifts it at once.
    sim.lock_login();
    assert!(sim.login_locked_for().is_some());
    let (status, body) = get(&sim, "key=DNDOff", ADMIN).await;
    assert_eq!(status, 403);
    assert!(body.contains("Try again in 1 second"), "{body}");
    sim.unlock_login();
    assert_eq!(get(&sim, "key=DNDOff", ADMIN).await.0, 200);
    let outcomes: Vec<YealinkOutcome> = sim.requests().iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            YealinkOutcome::Unauthorized,
            YealinkOutcome::Unauthorized,
            YealinkOutcome::Unauthorized,
            YealinkOutcome::Locked,
            YealinkOutcome::Done,
            YealinkOutcome::Locked,
            YealinkOutcome::Done,
        ]
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn only_allowed_addresses_may_send_action_uri() {
    let sim = YealinkSim::start(YealinkSimConfig {
        action_uri_limit_ip: "10.0.0.5".into(),
        ..YealinkSimConfig::default()
    })
    .await
    .expect("sim");
    assert_eq!(get(&sim, "key=DNDOn", ADMIN).await.0, 403);
    assert_eq!(get(&sim, "phonecfg=get", ADMIN).await.0, 403);
    assert!(!sim.phone_state().dnd);
    sim.set_action_uri_limit_ip("10.0.0.5, 127.0.*.*");
    assert_eq!(get(&sim, "key=DNDOn", ADMIN).await.0, 200);
    sim.set_action_uri_limit_ip("");
    assert_eq!(
        get(&sim, "key=DNDOff", ADMIN).await.0,
        403,
        "blank allows nobody"
    );
    sim.set_action_uri_limit_ip("any");
    sim.set_action_uri_enabled(false);
    assert_eq!(
        get(&sim, "key=DNDOff", ADMIN).await.0,
        403,
        "Action URI off"
    );
    sim.set_action_uri_enabled(true);
    assert_eq!(get(&sim, "key=DNDOff", ADMIN).await.0, 200);
    let outcomes: Vec<YealinkOutcome> = sim.requests().iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == YealinkOutcome::Forbidden)
            .count(),
        4
    );
    sim.shutdown().await;
}

/// Waits until the phone shows its prompt for loopback.
async fn prompt_shown(sim: &YealinkSim) {
    timeout(Duration::from_secs(3), async {
        while !sim.remote_control_prompts().contains(&LOOPBACK) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the prompt appears");
}

#[tokio::test]
async fn the_remote_control_prompt_holds_requests_until_answered_on_the_phone() {
    let sim = YealinkSim::start(YealinkSimConfig {
        show_action_uri_option: true,
        ..YealinkSimConfig::default()
    })
    .await
    .expect("sim");
    let url = format!("{}/servlet?key=DNDOn", sim.url());
    let held = tokio::spawn(async move {
        let response = client()
            .get(url)
            .basic_auth("admin", Some("admin"))
            .send()
            .await
            .expect("answered");
        response.status().as_u16()
    });
    prompt_shown(&sim).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!held.is_finished(), "held while the prompt shows");
    assert!(!sim.phone_state().dnd, "and not carried out");
    assert_eq!(sim.confirm_remote_control(None), vec![LOOPBACK]);
    let status = timeout(Duration::from_secs(3), held)
        .await
        .expect("answered once confirmed")
        .expect("task");
    assert_eq!(status, 200);
    assert!(sim.phone_state().dnd);
    // Allowed once, not asked again.
    assert_eq!(get(&sim, "key=DNDOff", ADMIN).await.0, 200);
    assert!(sim.remote_control_prompts().is_empty());
    assert_eq!(sim.remote_control_allowed(), vec![LOOPBACK]);
    let outcomes: Vec<YealinkOutcome> = sim.requests().iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [YealinkOutcome::Prompted, YealinkOutcome::Done]);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_declined_prompt_refuses_and_the_next_request_asks_again() {
    let sim = YealinkSim::start(YealinkSimConfig {
        show_action_uri_option: true,
        ..YealinkSimConfig::default()
    })
    .await
    .expect("sim");
    let url = format!("{}/servlet?key=DNDOn", sim.url());
    let held = tokio::spawn(async move {
        client()
            .get(url)
            .basic_auth("admin", Some("admin"))
            .send()
            .await
            .expect("answered")
            .status()
            .as_u16()
    });
    prompt_shown(&sim).await;
    assert_eq!(sim.decline_remote_control(Some(LOOPBACK)), vec![LOOPBACK]);
    assert_eq!(held.await.expect("task"), 403);
    assert!(!sim.phone_state().dnd);
    // A client that gives up waiting leaves the prompt on screen, and the phone, which does
    // not notice, carries the request out once someone confirms.
    let gave_up = client()
        .get(format!("{}/servlet?key=DNDOn", sim.url()))
        .basic_auth("admin", Some("admin"))
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    assert!(gave_up.is_err_and(|e| e.is_timeout()));
    assert_eq!(sim.remote_control_prompts(), vec![LOOPBACK]);
    assert!(!sim.phone_state().dnd);
    sim.confirm_remote_control(None);
    timeout(Duration::from_secs(3), async {
        while !sim.phone_state().dnd {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("carried out late");
    sim.set_dnd_at_phone(false);
    // Switching the prompt off lets everything through.
    sim.set_prompt(false);
    assert_eq!(get(&sim, "key=DNDOn", ADMIN).await.0, 200);
    sim.shutdown().await;
}

#[tokio::test]
async fn faults_apply_to_action_uri_requests_for_as_long_as_asked() {
    let sim = YealinkSim::start(YealinkSimConfig::default())
        .await
        .expect("sim");
    sim.set_fault(Fault::HtmlLoginPage, Some(1));
    let (status, body) = get(&sim, "phonecfg=get", ADMIN).await;
    assert_eq!(status, 200);
    assert!(body.contains("<form"), "{body}");
    sim.set_fault(Fault::Status(503), Some(2));
    assert_eq!(get(&sim, "key=DNDOn", ADMIN).await.0, 503);
    assert_eq!(get(&sim, "key=DNDOn", ADMIN).await.0, 503);
    assert!(!sim.phone_state().dnd, "faulted requests do nothing");
    sim.set_fault(Fault::DropConnection, Some(1));
    let dropped = client()
        .get(format!("{}/servlet?key=DNDOn", sim.url()))
        .basic_auth("admin", Some("admin"))
        .send()
        .await;
    assert!(dropped.is_err(), "connection closed without an answer");
    sim.set_fault(Fault::Slow(Duration::from_millis(50)), Some(1));
    let (status, body) = get(&sim, "phonecfg=get&dnd=1", ADMIN).await;
    assert_eq!((status, body.contains("DND=0")), (200, true), "{body}");
    sim.set_fault(Fault::GarbageJson, None);
    let (status, body) = get(&sim, "phonecfg=get", ADMIN).await;
    assert_eq!(status, 200);
    assert!(!body.contains("DND"), "{body}");
    sim.set_fault(Fault::None, None);
    assert_eq!(get(&sim, "key=DNDOn", ADMIN).await.0, 200);
    assert!(sim.phone_state().dnd);
    let faulted = sim
        .requests()
        .iter()
        .filter(|r| r.outcome == YealinkOutcome::Fault)
        .count();
    assert_eq!(faulted, 5);
    sim.shutdown().await;
}

#[tokio::test]
async fn other_paths_are_not_found_and_old_action_uri_paths_work() {
    let sim = YealinkSim::start(YealinkSimConfig::default())
        .await
        .expect("sim");
    let response = client()
        .get(format!("{}/cgi-bin/api-get_line_status", sim.url()))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 404);
    let response = client()
        .get(format!("{}/cgi-bin/ConfigManApp.com?key=DNDOn", sim.url()))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 200);
    assert!(sim.phone_state().dnd);
    sim.shutdown().await;
}
