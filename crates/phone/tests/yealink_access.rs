//! The Yealink backend's login and refusals against the simulated Yealink: "Test
//! connection", a wrong password sent once only (by every client sharing the memory), the
//! lock-out waited out, the allowed-address 403 and the "Allow remote control?" prompt in
//! words a desk worker can act on, HTTPS pinning, and a session that stops on a rejected
//! password.

use callpop_phone::backend::yealink::{ActionUriClient, Yealink, YealinkConfig};
use callpop_phone::backend::Backend;
use callpop_phone::{CertFingerprint, Connection, PhoneError, RejectedLogins, Secret, Session};
use callpop_phone_sim::yealink::{LoginCheck, YealinkSim, YealinkSimConfig};
use callpop_phone_sim::Fault;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::timeout;

async fn sim(config: YealinkSimConfig) -> YealinkSim {
    YealinkSim::start(config).await.expect("sim")
}

fn backend(sim: &YealinkSim, password: &str, memory: &Arc<RejectedLogins>) -> Yealink {
    backend_with(sim, password, memory, None)
}

fn backend_with(
    sim: &YealinkSim,
    password: &str,
    memory: &Arc<RejectedLogins>,
    pin: Option<CertFingerprint>,
) -> Yealink {
    let config = YealinkConfig::new(&sim.url(), "admin", Secret::new(password))
        .expect("config")
        .with_pinned_cert(pin)
        .with_timeouts(Duration::from_millis(300), Duration::from_millis(600));
    Yealink::new(ActionUriClient::with_rejection_memory(config, memory.clone()).expect("client"))
}

fn wrong_logins(sim: &YealinkSim) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.login == LoginCheck::Wrong)
        .count()
}

#[tokio::test]
async fn test_connection_names_the_model_and_dnd() {
    let sim = sim(YealinkSimConfig::default()).await;
    let memory = Arc::new(RejectedLogins::in_memory());
    let phone = backend(&sim, "admin", &memory);
    let report = phone.check().await.expect("connected");
    assert_eq!(report.message, "Connected to Yealink T54W (DND off)");
    assert_eq!((report.model.as_str(), report.lines), ("T54W", 2));
    assert_eq!(phone.dnd(), Some(false));
    sim.set_dnd_at_phone(true);
    assert!(phone
        .check()
        .await
        .expect("connected")
        .message
        .ends_with("(DND on)"));
    assert!(
        sim.requests().iter().all(|r| r.phonecfg),
        "only phonecfg=get was used"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn a_wrong_password_is_sent_once_only_by_every_client() {
    let sim = sim(YealinkSimConfig::default()).await;
    let memory = Arc::new(RejectedLogins::in_memory());
    let phone = backend(&sim, "wrong", &memory);
    let error = phone.check().await.expect_err("refused");
    assert_eq!(error, PhoneError::PasscodeRejected { tries_left: None });
    for _ in 0..3 {
        assert_eq!(phone.check().await.expect_err("refused"), error);
        assert!(phone.read_lines().await.is_err());
    }
    // Another client with the same memory (the app after a restart, the command line)
    // knows before sending anything.
    let again = backend(&sim, "wrong", &memory);
    assert_eq!(again.rejection(), Some(error.clone()));
    assert!(again.check().await.is_err());
    assert_eq!(
        wrong_logins(&sim),
        1,
        "one wrong try, whatever the clients did"
    );
    assert_eq!(
        memory.check(&login_target(&sim), "wrong"),
        Some(error.clone())
    );
    // Only a new password lifts it.
    phone.set_secret(Secret::new("wrong"));
    assert!(
        phone.rejection().is_some(),
        "the same wrong password stays refused"
    );
    phone.set_secret(Secret::new("admin"));
    assert!(phone.check().await.is_ok());
    assert_eq!(wrong_logins(&sim), 1);
    // Accepted once, the phone's old rejections are forgotten.
    assert!(backend(&sim, "wrong", &memory).rejection().is_none());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_session_stops_on_a_wrong_password_and_goes_on_with_the_right_one() {
    let sim = sim(YealinkSimConfig::default()).await;
    let memory = Arc::new(RejectedLogins::in_memory());
    let session = Session::start(
        Arc::new(backend(&sim, "wrong", &memory)),
        Duration::from_millis(50),
        None,
    );
    let mut state = session.state();
    let refused = timeout(
        Duration::from_secs(3),
        state.wait_for(|s| matches!(s.connection, Connection::NeedsAttention { .. })),
    )
    .await
    .expect("in time")
    .expect("alive")
    .clone();
    let Connection::NeedsAttention { error } = refused.connection else {
        unreachable!("waited for it");
    };
    assert_eq!(error.kind(), "passcode_rejected");
    session.poll_now();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(wrong_logins(&sim), 1, "never retried by itself");
    session.set_secret(Secret::new("admin"));
    timeout(
        Duration::from_secs(3),
        state.wait_for(|s| s.connection == Connection::Online),
    )
    .await
    .expect("in time")
    .expect("alive");
    session.shutdown().await;
    sim.shutdown().await;
}

#[tokio::test]
async fn a_lock_out_is_waited_out_then_tried_once() {
    let sim = sim(YealinkSimConfig {
        lock_for: Duration::from_millis(800),
        ..YealinkSimConfig::default()
    })
    .await;
    let memory = Arc::new(RejectedLogins::in_memory());
    let phone = backend(&sim, "admin", &memory);
    sim.lock_login();
    let error = phone.check().await.expect_err("locked");
    assert_eq!(error, PhoneError::LockedOut { minutes: Some(1) });
    assert!(error.is_lock_out());
    let wait = phone.locked_for().expect("waits");
    assert!(wait > Duration::from_millis(800), "{wait:?}");
    let sent = sim.requests().len();
    assert_eq!(phone.check().await.expect_err("still locked"), error);
    assert_eq!(sim.requests().len(), sent, "nothing sent while locked");
    tokio::time::sleep(wait).await;
    assert!(phone.rejection().is_none());
    assert!(phone.check().await.is_ok(), "one try after the lock");
    assert_eq!(
        memory.check(&login_target(&sim), "admin"),
        None,
        "a lock-out is not remembered"
    );
    sim.shutdown().await;
}

fn login_target(sim: &YealinkSim) -> callpop_phone::rejections::LoginTarget {
    callpop_phone::rejections::LoginTarget {
        phone: format!("yealink {}", sim.url()),
        user: "admin".into(),
    }
}

#[tokio::test]
async fn an_address_not_allowed_is_told_where_to_allow_it() {
    let sim = sim(YealinkSimConfig {
        action_uri_limit_ip: "10.0.0.5".into(),
        ..YealinkSimConfig::default()
    })
    .await;
    let memory = Arc::new(RejectedLogins::in_memory());
    let phone = backend(&sim, "admin", &memory);
    let message = phone.check().await.expect_err("refused").to_string();
    assert!(
        message.contains("features.action_uri_limit_ip"),
        "{message}"
    );
    assert!(message.contains("Features > Remote Control"), "{message}");
    assert!(
        phone.rejection().is_none(),
        "not a login problem: retried later"
    );
    sim.set_action_uri_limit_ip("127.0.0.1");
    assert!(phone.check().await.is_ok());
    sim.shutdown().await;
}

#[tokio::test]
async fn the_remote_control_prompt_is_explained_until_confirmed_on_the_phone() {
    let sim = sim(YealinkSimConfig {
        show_action_uri_option: true,
        ..YealinkSimConfig::default()
    })
    .await;
    let memory = Arc::new(RejectedLogins::in_memory());
    let phone = backend(&sim, "admin", &memory);
    let message = phone.check().await.expect_err("held").to_string();
    assert!(message.contains("Allow remote control?"), "{message}");
    assert!(
        message.contains("features.show_action_uri_option = 0"),
        "{message}"
    );
    assert_eq!(sim.remote_control_prompts().len(), 1);
    sim.confirm_remote_control(None);
    let report = phone.check().await.expect("allowed now");
    assert_eq!(report.message, "Connected to Yealink T54W (DND off)");
    sim.shutdown().await;
}

#[tokio::test]
async fn odd_answers_are_errors_that_say_what_came() {
    let sim = sim(YealinkSimConfig::default()).await;
    let memory = Arc::new(RejectedLogins::in_memory());
    let phone = backend(&sim, "admin", &memory);
    sim.set_fault(Fault::HtmlLoginPage, Some(1));
    let error = phone.read_lines().await.expect_err("html");
    assert_eq!(error.kind(), "unexpected_answer");
    sim.set_fault(Fault::Status(500), Some(1));
    let error = phone.read_lines().await.expect_err("500");
    assert!(error.to_string().contains("HTTP 500"), "{error}");
    sim.set_fault(Fault::DropConnection, Some(1));
    assert_eq!(
        phone.read_lines().await.expect_err("dropped").kind(),
        "unreachable"
    );
    sim.set_fault(Fault::Status(404), Some(1));
    assert_eq!(
        phone.read_lines().await.expect_err("404").kind(),
        "not_supported"
    );
    assert!(phone.read_lines().await.is_ok(), "and back to normal");
    sim.shutdown().await;
}

#[tokio::test]
async fn https_phones_are_pinned() {
    let sim = sim(YealinkSimConfig {
        tls: true,
        ..YealinkSimConfig::default()
    })
    .await;
    let memory = Arc::new(RejectedLogins::in_memory());
    let phone = backend(&sim, "admin", &memory);
    let error = phone.check().await.expect_err("unknown certificate");
    let shown = sim.cert_fingerprint().expect("https");
    assert_eq!(
        error,
        PhoneError::CertificateUnknown {
            host: sim.url().trim_start_matches("https://").to_owned(),
            fingerprint: shown.clone(),
        }
    );
    assert!(sim.requests().is_empty(), "the password never reached it");
    let pin: CertFingerprint = shown.parse().expect("fingerprint");
    let pinned = backend_with(&sim, "admin", &memory, Some(pin));
    assert!(pinned.check().await.is_ok());
    sim.shutdown().await;
}

#[tokio::test]
async fn a_yealink_profile_opens_this_backend() {
    use callpop_phone::settings::{PhoneId, PhoneProfile, PhoneSystem, YealinkSettings};
    let sim = sim(YealinkSimConfig::default()).await;
    let profile = PhoneProfile {
        id: PhoneId::first(),
        name: "Front desk".into(),
        system: PhoneSystem::Yealink(YealinkSettings {
            url: sim.url(),
            outgoing_uri: "1002@pbx.example.com".into(),
            ..YealinkSettings::default()
        }),
    };
    let memory = Arc::new(RejectedLogins::in_memory());
    let phone =
        callpop_phone::connect::open(&profile, Secret::new("admin"), memory).expect("opens");
    assert_eq!(phone.kind(), callpop_phone::BackendKind::Yealink);
    assert!(phone.capabilities().dnd && !phone.capabilities().transfer);
    assert_eq!(
        phone.check().await.expect("connected").message,
        "Connected to Yealink T54W (DND off)"
    );
    sim.shutdown().await;
}
