//! Logging in: a good password, a wrong one (tried once, also across backends), server
//! trouble, a refused websocket, a wrong address.

use crate::common::*;
use callpop_phone::backend::xivo::Xivo;
use callpop_phone::{Backend, Connection, PhoneError, RejectedLogins, Secret, Session};
use callpop_phone_sim::xuc::{AuthOutcome, LoginRefusal, UserData};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn test_connection_logs_in_and_says_who_and_where() {
    let sim = sim().await;
    let xivo = alice(&sim);
    assert_eq!(xivo.label(), format!("{} (alice)", sim.addr()));
    let report = xivo.check().await.expect("connected");
    // No call yet: xuc has not said which line is alice's.
    assert_eq!(report.message, "Connected to XiVO as alice.");
    assert_eq!(report.lines, 1);
    sim.ring("alice", "0612", "", UserData::new())
        .expect("rings");
    let report = xivo.check().await.expect("connected");
    assert_eq!(
        report.message,
        "Connected to XiVO as alice (line 1000). 1 call in progress."
    );
    sim.set_dnd("bob", true).expect("bob's DND");
    let bob = backend_with(&sim, "bob", "bob", Arc::new(RejectedLogins::in_memory()));
    let report = bob.check().await.expect("connected");
    assert_eq!(
        report.message,
        "Connected to XiVO as bob. Do Not Disturb is on."
    );
    // Each test is a real login, and leaves no websocket open.
    assert_eq!(logins(&sim), [AuthOutcome::Accepted; 3]);
    until("the test sockets are closed", || sim.open_sessions() == 0).await;
    // It asked for the calls in progress.
    assert_eq!(commands_named(&sim, "getCurrentCallsPhoneEvents").len(), 3);
}

#[tokio::test]
async fn a_wrong_password_is_tried_once_also_by_other_backends() {
    let sim = sim().await;
    let memory = Arc::new(RejectedLogins::in_memory());
    let wrong = backend_with(&sim, "alice", "not-alice", memory.clone());
    let session = Session::start(wrong.clone(), Duration::from_secs(1), None);
    let state = wait_state(&session, "needs attention", |s| {
        matches!(s.connection, Connection::NeedsAttention { .. })
    })
    .await;
    let Connection::NeedsAttention { error } = state.connection else {
        unreachable!()
    };
    assert!(
        matches!(error, PhoneError::PasscodeRejected { .. }),
        "{error}"
    );
    assert!(error.needs_user());
    // Nudging the session or connecting again sends nothing.
    session.poll_now();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(matches!(
        wrong.connect().await.err(),
        Some(PhoneError::PasscodeRejected { .. })
    ));
    assert!(wrong.check().await.is_err());
    assert_eq!(logins(&sim), [AuthOutcome::InvalidCredentials]);

    // Another backend with the same login (the settings' test, the next app start) does not
    // spend another try either.
    let again = backend_with(&sim, "alice", "not-alice", memory.clone());
    assert!(matches!(
        again.rejection(),
        Some(PhoneError::PasscodeRejected { .. })
    ));
    assert!(again.connect().await.is_err());
    assert!(again.check().await.is_err());
    assert_eq!(logins(&sim), [AuthOutcome::InvalidCredentials]);
    // ... but another user or another password is a new login.
    let bob = backend_with(&sim, "bob", "not-alice", memory.clone());
    assert!(bob.rejection().is_none());

    // The right password lifts it, and the server's acceptance clears the memory.
    session.set_secret(Secret::new("alice"));
    wait_state(&session, "online", |s| s.connection == Connection::Online).await;
    assert_eq!(
        logins(&sim),
        [AuthOutcome::InvalidCredentials, AuthOutcome::Accepted]
    );
    let later = backend_with(&sim, "alice", "not-alice", memory);
    assert!(later.rejection().is_none());
}

#[tokio::test]
async fn a_password_changed_on_the_pbx_stops_the_reconnects() {
    let sim = sim().await;
    let (session, _events) = watch(alice(&sim)).await;
    // The password changes on the XiVO, then the connection drops: the token is still good,
    // so the reconnect needs no login...
    sim.refuse_logins(Some(LoginRefusal::InvalidCredentials));
    sim.drop_sessions();
    wait_state(&session, "offline", |s| s.connection != Connection::Online).await;
    wait_state(&session, "online again", |s| {
        s.connection == Connection::Online
    })
    .await;
    assert_eq!(logins(&sim), [AuthOutcome::Accepted]);
    // ... until the token is refused: then one login, rejected, and nothing more.
    sim.expire_tokens();
    sim.drop_sessions();
    let state = wait_state(&session, "needs attention", |s| {
        matches!(s.connection, Connection::NeedsAttention { .. })
    })
    .await;
    assert!(matches!(
        state.connection,
        Connection::NeedsAttention {
            error: PhoneError::PasscodeRejected { .. }
        }
    ));
    session.poll_now();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(logins(&sim), [AuthOutcome::Accepted, AuthOutcome::Refused]);
}

#[tokio::test]
async fn a_server_error_is_retried_and_is_no_rejection() {
    let sim = sim().await;
    let xivo = alice(&sim);
    sim.refuse_logins(Some(LoginRefusal::ServerError));
    let error = xivo.connect().await.err().expect("refused");
    let text = error.to_string();
    assert!(
        text.contains("HTTP 500")
            && text.contains("UnhandledError")
            && text.contains("tries again"),
        "{text}"
    );
    assert!(!error.needs_user());
    assert!(xivo.rejection().is_none());
    let session = Session::start(xivo, Duration::from_secs(1), None);
    wait_state(&session, "offline", |s| {
        matches!(s.connection, Connection::Offline { .. })
    })
    .await;
    sim.refuse_logins(None);
    wait_state(&session, "online", |s| s.connection == Connection::Online).await;
}

#[tokio::test]
async fn a_refused_cti_session_says_so() {
    let sim = sim().await;
    let xivo = alice(&sim);
    sim.refuse_sessions(true);
    let error = xivo.connect().await.err().expect("refused");
    let text = error.to_string();
    assert!(
        text.contains("refused to open a CTI session for alice") && text.contains("loggedOnFailed"),
        "{text}"
    );
    assert!(
        !error.needs_user(),
        "a server-side refusal may pass: retried"
    );
    sim.refuse_sessions(false);
    assert!(xivo.connect().await.is_ok());
}

#[tokio::test]
async fn nothing_listening_is_unreachable() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("address").port()
    };
    let xivo = Xivo::with_timing(
        &settings(&format!("http://127.0.0.1:{port}"), "alice"),
        Secret::new("alice"),
        Arc::new(RejectedLogins::in_memory()),
        fast(),
    )
    .expect("backend");
    let error = xivo.connect().await.err().expect("unreachable");
    assert!(error.is_connectivity(), "{error:?}");
    assert!(
        error.to_string().contains(&format!("127.0.0.1:{port}")),
        "{error}"
    );
}

#[tokio::test]
async fn an_address_without_xuc_is_a_bad_address() {
    // A web server that is not xuc: the Grandstream phone simulator.
    let phone = callpop_phone_sim::PhoneSim::start(callpop_phone_sim::SimConfig::default())
        .await
        .expect("phone sim");
    let xivo = Xivo::with_timing(
        &settings(&phone.url(), "alice"),
        Secret::new("alice"),
        Arc::new(RejectedLogins::in_memory()),
        fast(),
    )
    .expect("backend");
    let error = xivo.connect().await.err().expect("no xuc there");
    assert!(matches!(error, PhoneError::BadAddress(..)), "{error:?}");
    assert!(error.needs_user());
    assert!(
        error.to_string().contains("no xuc server answers there"),
        "{error}"
    );
}

#[tokio::test]
async fn settings_problems_are_told_before_connecting() {
    let memory = Arc::new(RejectedLogins::in_memory());
    for (url, user, pin) in [
        ("", "alice", None),
        ("ftp://xivo", "alice", None),
        ("https://xivo", "", None),
        ("https://xivo", "alice", Some("AB:CD")),
    ] {
        let mut s = settings(url, user);
        s.cert_sha256 = pin.map(str::to_owned);
        let result = Xivo::new(&s, Secret::new("pw"), memory.clone());
        assert!(
            matches!(result, Err(PhoneError::BadAddress(..))),
            "{url} {user} {pin:?}"
        );
    }
    let xivo = Xivo::new(
        &settings("https://xivo.example.com", "alice"),
        Secret::new("pw"),
        memory,
    )
    .expect("backend");
    assert_eq!(xivo.label(), "xivo.example.com (alice)");
    assert_eq!(xivo.login_target().phone, "xivo https://xivo.example.com");
    assert_eq!(xivo.login_target().user, "alice");
}
