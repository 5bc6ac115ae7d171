//! Logging in: plain and MD5, rejected secrets sent once (across reconnects, backends and
//! "Test connection"), event filters, "Test connection", and the secret kept out of sight.

use super::common::*;
use callpop_phone::backend::asterisk::Asterisk;
use callpop_phone::backend::Backend;
use callpop_phone::{CallEventKind::*, Connection, PhoneError, RejectedLogins, Secret};
use callpop_phone_sim::ami::{AmiFault, AmiSimConfig, AmiUser, HIDDEN};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn a_plain_login_asks_for_call_events_of_the_desk_phone_only() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let login = recorded(&sim, "Login").pop().expect("logged in");
    assert_eq!(login.login_accepted, Some(true));
    assert_eq!(login.header("Username"), Some("callpop"));
    assert_eq!(login.header("Events"), Some("call"));
    assert_eq!(login.header("Secret"), Some(HIDDEN));
    assert!(login.header("ActionID").is_some());
    let filters: Vec<String> = recorded(&sim, "Filter")
        .iter()
        .filter_map(|f| f.header("Filter").map(str::to_owned))
        .collect();
    assert_eq!(
        filters,
        [
            "Channel: [Pp][Jj][Ss][Ii][Pp]/201-",
            "Event: OriginateResponse"
        ]
    );
    assert_eq!(recorded(&sim, "CoreShowChannels").len(), 1, "resynced");
    // It works: a call shows.
    sim.ring("+4930123456", "", ME).expect("rings");
    w.expect(Ringing).await;
}

#[tokio::test]
async fn an_md5_login_never_sends_the_secret() {
    let sim = start(fast()).await;
    let mut s = settings(&sim);
    s.md5 = true;
    let memory = Arc::new(RejectedLogins::in_memory());
    let mut w = Watch::online(backend_with(&s, SECRET, &memory)).await;
    assert_eq!(recorded(&sim, "Challenge").len(), 1);
    let login = recorded(&sim, "Login").pop().expect("logged in");
    assert_eq!(login.header("AuthType"), Some("MD5"));
    assert_eq!(login.header("Secret"), None, "the secret never travels");
    assert!(login.header("Key").is_some());
    assert_eq!(login.login_accepted, Some(true));
    sim.ring("+4930123456", "", ME).expect("rings");
    w.expect(Ringing).await;

    // A wrong secret fails the MD5 way too, and only once.
    let wrong = backend_with(&s, "wrong", &Arc::new(RejectedLogins::in_memory()));
    let error = wrong.connect().await.err().expect("rejected");
    assert!(
        matches!(error, PhoneError::PasscodeRejected { .. }),
        "{error}"
    );
    assert!(wrong.connect().await.is_err());
    let rejected: Vec<_> = recorded(&sim, "Login")
        .into_iter()
        .filter(|l| l.login_accepted == Some(false))
        .collect();
    assert_eq!(rejected.len(), 1);
}

#[tokio::test]
async fn a_rejected_secret_is_sent_exactly_once() {
    let sim = start(fast()).await;
    let memory = Arc::new(RejectedLogins::in_memory());
    let mut w = Watch::start(backend_with(&settings(&sim), "wrong", &memory));
    let error = w.trouble().await;
    assert!(
        matches!(error, PhoneError::PasscodeRejected { .. }),
        "{error}"
    );
    assert!(error.needs_user());
    assert!(matches!(
        w.session.current().connection,
        Connection::NeedsAttention { .. }
    ));
    // The session does not retry by itself, not even when woken.
    for _ in 0..3 {
        w.session.poll_now();
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(recorded(&sim, "Login").len(), 1);

    // Another backend with the same secret (the app restarted, "Test connection") knows.
    let again = backend_with(&settings(&sim), "wrong", &memory);
    assert!(again.rejection().is_some(), "refused from the start");
    assert!(matches!(
        again.connect().await.err(),
        Some(PhoneError::PasscodeRejected { .. })
    ));
    assert!(matches!(
        again.check().await,
        Err(PhoneError::PasscodeRejected { .. })
    ));
    assert_eq!(recorded(&sim, "Login").len(), 1, "nothing more was sent");

    // A new secret is tried, and works.
    w.session.set_secret(Secret::new(SECRET));
    w.until(|s| s.connection == Connection::Online).await;
    let logins = recorded(&sim, "Login");
    assert_eq!(logins.len(), 2);
    assert_eq!(logins[1].login_accepted, Some(true));
}

#[tokio::test]
async fn a_pbx_refusing_every_login_is_not_hammered() {
    let sim = start(fast()).await;
    sim.set_fault(AmiFault::RefuseLogin);
    let memory = Arc::new(RejectedLogins::in_memory());
    let backend = backend_with(&settings(&sim), SECRET, &memory);
    assert!(backend.connect().await.is_err());
    assert!(backend.check().await.is_err());
    assert!(backend.connect().await.is_err());
    assert_eq!(recorded(&sim, "Login").len(), 1);
}

#[tokio::test]
async fn test_connection_reports_the_desk_phones_calls() {
    let sim = start(fast()).await;
    let backend = backend(&sim);
    let report = backend.check().await.expect("connects");
    assert_eq!(
        report.message,
        "Connected to Asterisk (manager interface 11.0.0): device PJSIP/201 has no calls."
    );
    let call = sim.ring("+4930123456", "", ME).expect("rings");
    sim.answer(call).expect("answers");
    sim.ring("+4930222222", "", COLLEAGUE).expect("rings");
    let report = backend.check().await.expect("connects");
    assert_eq!(report.lines, 1);
    assert!(
        report.message.ends_with("has 1 call."),
        "{}",
        report.message
    );
    let check_login = recorded(&sim, "Login").pop().expect("logged in");
    assert_eq!(
        check_login.header("Events"),
        Some("off"),
        "a check wants no events"
    );
    // And says goodbye.
    recorded_at_least(&sim, "Logoff", 2).await;
}

#[tokio::test]
async fn a_single_login_account_in_use_says_how_to_fix_it() {
    let sim = start(AmiSimConfig {
        users: vec![AmiUser {
            allow_multiple_login: false,
            ..AmiUser::new("callpop", SECRET)
        }],
        ..fast()
    })
    .await;
    let first = backend(&sim);
    let _stream = first.connect().await.expect("connects");
    let second = backend(&sim);
    let error = second.connect().await.err().expect("in use");
    assert!(!error.needs_user(), "it can work later: {error}");
    assert!(error.to_string().contains("allowmultiplelogin"), "{error}");
    assert!(second.rejection().is_none(), "the secret is fine");
}

#[tokio::test]
async fn the_secret_stays_out_of_debug_output_errors_and_the_wire() {
    let secret = "Pa55-w0rd-xyzzy";
    let sim = start(AmiSimConfig {
        users: vec![AmiUser::new("callpop", secret)],
        ..fast()
    })
    .await;
    let wrong = format!("{secret}-typo");
    let backend: Asterisk = backend_with(
        &settings(&sim),
        &wrong,
        &Arc::new(RejectedLogins::in_memory()),
    );
    let printed = format!("{backend:?}");
    assert!(!printed.contains("xyzzy"), "{printed}");
    let error = backend.connect().await.err().expect("rejected");
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains("xyzzy"), "{text}");
    }
    assert!(says_what_to_do(&error), "{error}");
    // MD5: the simulator's record holds every header a client sent; none carries it.
    let mut s = settings(&sim);
    s.md5 = true;
    let md5 = backend_with(&s, secret, &Arc::new(RejectedLogins::in_memory()));
    md5.check().await.expect("connects");
    for action in sim.actions() {
        for (_, value) in &action.headers {
            assert!(!value.contains("xyzzy"), "{action:?}");
        }
    }
}
