//! The CTI client against the simulated phone over real HTTP(S): every endpoint, every error a
//! desk worker may meet, and the promises about the passcode (never shown, never retried).

use callpop_phone::backend::grandstream::models::{Key, PhoneOperation, PhoneStatus};
use callpop_phone::backend::grandstream::FactoryResetConfirmation;
use callpop_phone::backend::grandstream::{ClientConfig, CtiClient};
use callpop_phone::model::LineState;
use callpop_phone::RejectedLogins;
use callpop_phone::{CertFingerprint, Credentials, DialMethod, PhoneError, Secret};
use callpop_phone_sim::{Fault, LineState as SimState, PhoneSim, RequestKind, SimAuth, SimConfig};
use std::sync::Arc;
use std::time::Duration;

const PASSCODE: &str = "s3cret-Pa55";

fn sim_config() -> SimConfig {
    SimConfig {
        auth: SimAuth::Passcode(PASSCODE.to_owned()),
        key_interval: Duration::from_millis(5),
        ..SimConfig::default()
    }
}

async fn sim() -> PhoneSim {
    PhoneSim::start(sim_config()).await.expect("sim starts")
}

fn client_for(url: &str, passcode: &str) -> CtiClient {
    let config = ClientConfig::new(url, Credentials::Passcode(Secret::new(passcode)))
        .expect("config")
        .with_timeouts(Duration::from_millis(500), Duration::from_millis(800));
    CtiClient::new(config).expect("client")
}

fn cti_requests(sim: &PhoneSim) -> Vec<callpop_phone_sim::RecordedRequest> {
    sim.requests()
        .into_iter()
        .filter(|r| r.kind == RequestKind::Cti || r.kind == RequestKind::Login)
        .collect()
}

/// A phone on session firmware, and a client logging in as `user` with `password`.
async fn session_pair(password: &str) -> (PhoneSim, CtiClient) {
    let sim = PhoneSim::start(SimConfig {
        auth: SimAuth::Session {
            username: "user".into(),
            password: PASSCODE.into(),
        },
        ..sim_config()
    })
    .await
    .expect("sim");
    let config = ClientConfig::new(
        &sim.url(),
        Credentials::Session {
            username: "user".into(),
            password: Secret::new(password),
        },
    )
    .expect("config");
    let client = CtiClient::new(config).expect("client");
    (sim, client)
}

/// Every way an error can be shown: none may contain the passcode.
fn assert_secret_free(e: &PhoneError, secret: &str) {
    let shown = [
        e.to_string(),
        format!("{e:?}"),
        serde_json::to_string(e).expect("json"),
    ];
    for text in shown {
        assert!(!text.contains(secret), "passcode leaked in: {text}");
        assert!(!text.contains("passcode="), "query leaked in: {text}");
    }
}

#[tokio::test]
async fn reads_lines_phone_status_accounts_and_model() {
    let sim = sim().await;
    let client = client_for(&sim.url(), PASSCODE);
    sim.ring(Some(2), "+15555550100", "Виталик").expect("ring");

    let lines = client.line_status().await.expect("lines");
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[1].index, 2);
    assert_eq!(lines[1].state, LineState::Ringing);
    assert_eq!(lines[1].remote_name, "Виталик");
    assert_eq!(lines[1].remote_number, "+15555550100");
    assert_eq!(lines[0].state, LineState::Idle);

    assert_eq!(
        client.phone_status().await.expect("status"),
        PhoneStatus::Ringing
    );
    let accounts = client.accounts().await.expect("accounts");
    assert_eq!(accounts.len(), 2);
    assert!(accounts[0].registered);
    assert_eq!(client.model().await.expect("model").model, "GXP2170");

    // The passcode travelled as `passcode=` on the CTI requests, and not at all on the model.
    let requests = sim.requests();
    assert!(requests
        .iter()
        .filter(|r| r.kind == RequestKind::Cti)
        .all(|r| r.param("passcode") == Some(PASSCODE)));
    assert!(requests
        .iter()
        .filter(|r| r.kind == RequestKind::Static)
        .all(|r| r.param("passcode").is_none()));
}

#[tokio::test]
async fn call_operations_drive_the_phone() {
    let sim = sim().await;
    let client = client_for(&sim.url(), PASSCODE);
    let line = sim.ring(None, "203", "").expect("ring") as usize - 1;

    client
        .operation(PhoneOperation::AcceptCall)
        .await
        .expect("accept");
    assert_eq!(sim.lines()[line].state, SimState::Connected);
    client
        .operation(PhoneOperation::HoldCall)
        .await
        .expect("hold");
    assert_eq!(sim.lines()[line].state, SimState::OnHold);
    client
        .operation(PhoneOperation::HoldCall)
        .await
        .expect("resume");
    assert_eq!(sim.lines()[line].state, SimState::Connected);
    client
        .send_keys(&[Key::new("MUTE").expect("key")])
        .await
        .expect("mute");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(sim.lines()[line].muted);
    client
        .operation(PhoneOperation::EndCall)
        .await
        .expect("end");
    assert_eq!(sim.lines()[line].state, SimState::Idle);

    // Nothing left to act on: a clear refusal, not a success.
    let e = client
        .operation(PhoneOperation::EndCall)
        .await
        .expect_err("no call");
    assert!(matches!(e, PhoneError::CommandRefused { .. }), "{e:?}");

    sim.ring(None, "204", "").expect("ring");
    client
        .operation(PhoneOperation::RejectCall)
        .await
        .expect("reject");
    assert!(sim.lines().iter().all(|l| l.state == SimState::Idle));
    sim.ring(None, "205", "").expect("ring");
    client
        .operation(PhoneOperation::Cancel)
        .await
        .expect("cancel");
    assert!(sim.lines().iter().all(|l| l.state == SimState::Idle));
}

#[tokio::test]
async fn dial_uses_make_call_with_both_passcode_fields() {
    let sim = sim().await;
    let client = client_for(&sim.url(), PASSCODE);
    assert_eq!(
        client.dial("14165550123", None, false).await,
        Ok(DialMethod::ClickToDial)
    );
    let call = cti_requests(&sim)
        .into_iter()
        .find(|r| r.function.as_deref() == Some("api-make_call"))
        .expect("make_call sent");
    assert_eq!(call.param("phonenumber"), Some("14165550123"));
    assert_eq!(call.param("passcode"), Some(PASSCODE));
    assert_eq!(call.param("password"), Some(PASSCODE));
    assert!(sim
        .lines()
        .iter()
        .any(|l| l.state == SimState::Calling && l.remote_number == "14165550123"));
}

#[tokio::test]
async fn dial_falls_back_to_keys_when_click_to_dial_is_off() {
    let sim = sim().await;
    sim.set_make_call(false);
    let client = client_for(&sim.url(), PASSCODE);
    assert_eq!(
        client.dial("*97#", None, false).await,
        Ok(DialMethod::Keypad)
    );
    let keys = cti_requests(&sim)
        .into_iter()
        .find(|r| r.function.as_deref() == Some("api-send_key"))
        .expect("send_key sent");
    assert_eq!(keys.param("keys"), Some("STAR:9:7:POUND:SEND"));
    // The phone presses keys one by one; the call starts once they are pressed.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(sim
        .lines()
        .iter()
        .any(|l| l.state == SimState::Calling && l.remote_number == "*97#"));

    // A `false` may only mean "not now": the next dial asks click-to-dial again first.
    sim.clear_requests();
    client
        .send_keys(&[Key::new("ONHOOK").expect("key")])
        .await
        .expect("hang up");
    assert_eq!(
        client.dial("203", None, false).await,
        Ok(DialMethod::Keypad)
    );
    assert!(cti_requests(&sim)
        .iter()
        .any(|r| r.function.as_deref() == Some("api-make_call")));

    // A `+` cannot be pressed on a keypad: said, not sent.
    let e = client
        .dial("+14165550123", None, false)
        .await
        .expect_err("plus");
    assert!(e.to_string().contains("Click-To-Dial"), "{e}");
}

#[tokio::test]
async fn a_declined_click_to_dial_never_types_digits_into_a_call() {
    let sim = sim().await;
    let client = client_for(&sim.url(), PASSCODE);
    sim.ring(Some(1), "204", "").expect("ring");
    client
        .operation(PhoneOperation::AcceptCall)
        .await
        .expect("answer");
    sim.set_make_call(false);
    sim.clear_requests();
    let e = client
        .dial("4165550123", None, true)
        .await
        .expect_err("refused during the call");
    assert!(e.to_string().contains("tones"), "{e}");
    assert!(cti_requests(&sim)
        .iter()
        .all(|r| r.function.as_deref() != Some("api-send_key")));
    // Once the call is over, the same number goes through the keypad.
    sim.set_make_call(false);
    client
        .operation(PhoneOperation::EndCall)
        .await
        .expect("hang up");
    assert_eq!(
        client.dial("4165550123", None, false).await,
        Ok(DialMethod::Keypad)
    );
}

#[tokio::test]
async fn a_missing_click_to_dial_is_remembered() {
    let sim = PhoneSim::start(SimConfig {
        auth: SimAuth::Passcode(PASSCODE.into()),
        key_interval: Duration::from_millis(5),
        ..SimConfig::default()
    })
    .await
    .expect("sim");
    // Firmware without click-to-dial answers 404 for it (the next request only).
    sim.set_fault(Fault::Status(404), Some(1));
    let client = client_for(&sim.url(), PASSCODE);
    assert_eq!(
        client.dial("203", None, false).await,
        Ok(DialMethod::Keypad)
    );
    sim.clear_requests();
    assert_eq!(
        client.dial("204", None, false).await,
        Ok(DialMethod::Keypad)
    );
    assert!(cti_requests(&sim)
        .iter()
        .all(|r| r.function.as_deref() != Some("api-make_call")));
}

#[tokio::test]
async fn reboot_and_guarded_factory_reset() {
    let sim = sim().await;
    let client = client_for(&sim.url(), PASSCODE);
    sim.ring(None, "203", "").expect("ring");
    client.reboot().await.expect("reboot");
    assert!(sim.lines().iter().all(|l| l.state == SimState::Idle));
    client
        .factory_reset(FactoryResetConfirmation::i_understand_this_erases_the_phone())
        .await
        .expect("reset");
    let functions: Vec<_> = cti_requests(&sim)
        .into_iter()
        .filter_map(|r| r.param("request").map(str::to_owned))
        .collect();
    assert_eq!(functions, ["REBOOT", "RESET"]);
}

#[tokio::test]
async fn wrong_passcode_is_sent_once_and_never_again() {
    let sim = sim().await;
    let client = client_for(&sim.url(), "wrong-guess");
    let first = client.line_status().await.expect_err("rejected");
    assert_eq!(
        first,
        PhoneError::PasscodeRejected {
            tries_left: Some(4)
        }
    );
    assert!(first.to_string().contains("4 tries left"));
    assert_secret_free(&first, "wrong-guess");

    // Whatever is asked next, nothing reaches the phone until the credentials change.
    for _ in 0..3 {
        assert_eq!(client.line_status().await, Err(first.clone()));
    }
    assert_eq!(client.dial("203", None, false).await, Err(first.clone()));
    assert_eq!(
        client.operation(PhoneOperation::AcceptCall).await,
        Err(first.clone())
    );
    assert_eq!(cti_requests(&sim).len(), 1, "exactly one attempt");

    client.set_credentials(Credentials::Passcode(Secret::new(PASSCODE)));
    assert!(client.line_status().await.is_ok());
    assert_eq!(cti_requests(&sim).len(), 2);
}

#[tokio::test]
async fn concurrent_requests_with_a_wrong_passcode_cost_one_try() {
    let sim = sim().await;
    let client = client_for(&sim.url(), "wrong-guess");
    let (a, b, c) = tokio::join!(
        client.line_status(),
        client.phone_status(),
        client.accounts()
    );
    for result in [a.map(|_| ()), b.map(|_| ()), c.map(|_| ())] {
        assert_eq!(
            result,
            Err(PhoneError::PasscodeRejected {
                tries_left: Some(4)
            })
        );
    }
    assert_eq!(cti_requests(&sim).len(), 1, "one try spent, not three");

    // Once the passcode is known good, requests may run side by side again.
    client.set_credentials(Credentials::Passcode(Secret::new(PASSCODE)));
    let (a, b) = tokio::join!(client.line_status(), client.phone_status());
    assert!(a.is_ok() && b.is_ok());
}

#[tokio::test]
async fn a_rejected_login_is_not_retried_by_the_next_client_either() {
    let sim = sim().await;
    let memory = Arc::new(RejectedLogins::in_memory());
    let config = |passcode: &str| {
        ClientConfig::new(&sim.url(), Credentials::Passcode(Secret::new(passcode))).expect("config")
    };
    // "Test connection" with a wrong passcode...
    let test = CtiClient::with_rejection_memory(config("wrong"), memory.clone()).expect("client");
    let rejected = test.line_status().await.expect_err("rejected");
    // ...then Save starts the watcher with the same passcode: it sends nothing.
    let watcher =
        CtiClient::with_rejection_memory(config("wrong"), memory.clone()).expect("client");
    assert_eq!(watcher.rejection(), Some(rejected.clone()));
    assert_eq!(watcher.line_status().await, Err(rejected));
    assert_eq!(cti_requests(&sim).len(), 1, "one try in all");
    // The memory holds no passcode, only a salted hash.
    assert!(!format!("{memory:?}").contains("wrong"));

    // A different passcode is tried, and once accepted the old rejection is forgotten.
    let fixed = CtiClient::with_rejection_memory(config(PASSCODE), memory.clone()).expect("client");
    assert!(fixed.line_status().await.is_ok());
    let again = CtiClient::with_rejection_memory(config("wrong"), memory.clone()).expect("client");
    assert_eq!(again.rejection(), None);
}

#[tokio::test]
async fn every_rejected_passcode_stays_rejected_for_every_process() {
    let sim = sim().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("state").join("rejected-logins.json");
    let config = |passcode: &str| {
        ClientConfig::new(&sim.url(), Credentials::Passcode(Secret::new(passcode))).expect("config")
    };
    // One process tests a wrong passcode, then another wrong one...
    {
        let memory = Arc::new(RejectedLogins::at(&file));
        let first =
            CtiClient::with_rejection_memory(config("first-typo"), memory.clone()).expect("client");
        first.line_status().await.expect_err("rejected");
        first.set_credentials(Credentials::Passcode(Secret::new("second-typo")));
        first.line_status().await.expect_err("rejected");
        // ...and back to the first one: known, not sent again.
        first.set_credentials(Credentials::Passcode(Secret::new("first-typo")));
        assert!(first.line_status().await.is_err());
    }
    assert_eq!(
        cti_requests(&sim).len(),
        2,
        "each wrong passcode tried once"
    );
    // A new process (the app restarted, a CLI run) sends neither.
    let later = Arc::new(RejectedLogins::at(&file));
    for typo in ["first-typo", "second-typo"] {
        let client = CtiClient::with_rejection_memory(config(typo), later.clone()).expect("client");
        assert!(client.rejection().is_some(), "{typo} remembered");
        assert!(client.line_status().await.is_err());
    }
    assert_eq!(
        cti_requests(&sim).len(),
        2,
        "nothing more reached the phone"
    );
    // The file holds neither passcode and is private.
    let text = std::fs::read_to_string(&file).expect("file");
    assert!(!text.contains("typo"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode();
        assert_eq!(mode & 0o077, 0, "owner only: {mode:o}");
    }
}

#[tokio::test]
async fn a_lock_out_someone_else_caused_is_waited_out_not_remembered() {
    let sim = sim().await;
    let memory = Arc::new(RejectedLogins::in_memory());
    let config = |passcode: &str| {
        ClientConfig::new(&sim.url(), Credentials::Passcode(Secret::new(passcode))).expect("config")
    };
    // Someone else's typos lock the phone; callpop, with the right passcode, meets the lock.
    for _ in 0..5 {
        let _ = CtiClient::new(config("intruder"))
            .expect("client")
            .line_status()
            .await;
    }
    let client =
        CtiClient::with_rejection_memory(config(PASSCODE), memory.clone()).expect("client");
    let e = client.line_status().await.expect_err("locked");
    assert!(e.is_lock_out(), "{e}");
    assert!(!e.needs_user(), "a lock-out ends by itself");
    // Nothing is sent while the lock lasts, and the client knows when it ends.
    let left = client.locked_for().expect("locked for a while");
    assert!(left > Duration::from_secs(4 * 60) && left <= Duration::from_secs(5 * 60 + 2));
    // The passcode itself was not rejected: no other client (or process) refuses it.
    let next = CtiClient::with_rejection_memory(config(PASSCODE), memory).expect("client");
    assert_eq!(next.rejection(), None);
}

#[tokio::test]
async fn lock_out_is_reported_with_its_duration() {
    let sim = sim().await;
    for tries_left in (0..5).rev() {
        let e = client_for(&sim.url(), "nope")
            .line_status()
            .await
            .expect_err("wrong");
        assert_eq!(
            e,
            PhoneError::PasscodeRejected {
                tries_left: Some(tries_left)
            }
        );
    }
    // Even the right passcode meets the lock now.
    let client = client_for(&sim.url(), PASSCODE);
    let e = client.line_status().await.expect_err("locked");
    assert_eq!(e, PhoneError::LockedOut { minutes: Some(5) });
    assert!(e.to_string().contains("5 minutes"), "{e}");
    assert_secret_free(&e, PASSCODE);
    // And a lock-out is not retried while it lasts.
    let before = cti_requests(&sim).len();
    assert_eq!(client.phone_status().await, Err(e));
    assert_eq!(cti_requests(&sim).len(), before);
    assert!(client
        .locked_for()
        .is_some_and(|d| d > Duration::from_secs(4 * 60)));
}

#[tokio::test]
async fn remote_control_off_and_missing_endpoints_say_what_to_do() {
    let sim = sim().await;
    let client = client_for(&sim.url(), PASSCODE);
    sim.set_remote_control(false);
    let e = client.line_status().await.expect_err("denied");
    assert_eq!(e, PhoneError::RemoteControlDenied);
    assert!(e.to_string().contains("Remote Control"), "{e}");
    sim.set_remote_control(true);

    sim.set_fault(Fault::Status(404), Some(1));
    let e = client.accounts().await.expect_err("404");
    assert!(
        matches!(e, PhoneError::NotSupported { ref function } if function == "api-get_accounts"),
        "{e:?}"
    );
}

#[tokio::test]
async fn broken_answers_become_specific_errors_without_the_passcode() {
    let sim = sim().await;
    let client = client_for(&sim.url(), PASSCODE);
    let cases: Vec<(Fault, &str)> = vec![
        (Fault::HtmlLoginPage, "unexpected_answer"),
        (Fault::GarbageJson, "unexpected_answer"),
        (Fault::ServerError, "unexpected_answer"),
        (Fault::DropConnection, "unreachable"),
        (Fault::Slow(Duration::from_millis(1500)), "timeout"),
    ];
    for (fault, kind) in cases {
        sim.set_fault(fault, Some(1));
        let e = client.line_status().await.expect_err("fault");
        assert_eq!(e.kind(), kind, "{fault:?} gave {e:?}");
        assert_secret_free(&e, PASSCODE);
        if kind == "unexpected_answer" {
            assert!(
                e.to_string().contains(&sim.addr().port().to_string()),
                "names the phone: {e}"
            );
        }
    }
    // The phone recovers: so does the client, with the same connection pool.
    assert!(client.line_status().await.is_ok());
}

#[tokio::test]
async fn unreachable_phone_is_named() {
    let client = client_for("http://127.0.0.1:9", PASSCODE);
    let e = client.line_status().await.expect_err("nobody there");
    assert_eq!(e.kind(), "unreachable");
    assert!(e.to_string().contains("127.0.0.1:9"), "{e}");
    assert_secret_free(&e, PASSCODE);
}

#[tokio::test]
async fn session_firmware_logs_in_and_again_once_after_expiry() {
    let (sim, client) = session_pair(PASSCODE).await;
    assert_eq!(client.line_status().await.expect("lines").len(), 4);
    client.phone_status().await.expect("same session");
    let logins = |sim: &PhoneSim| {
        sim.requests()
            .iter()
            .filter(|r| r.function.as_deref() == Some("dologin"))
            .count()
    };
    assert_eq!(logins(&sim), 1, "one login for several requests");
    // The password itself never travels: only its salted hash.
    assert!(sim
        .requests()
        .iter()
        .all(|r| r.params.0.iter().all(|(_, v)| v != PASSCODE)));

    sim.expire_sessions();
    client.line_status().await.expect("re-login is transparent");
    assert_eq!(logins(&sim), 2);
}

#[tokio::test]
async fn session_wrong_password_is_not_retried() {
    let (sim, client) = session_pair("bad").await;
    let e = client.line_status().await.expect_err("wrong");
    assert_eq!(
        e,
        PhoneError::PasscodeRejected {
            tries_left: Some(4)
        }
    );
    client.line_status().await.expect_err("still refused");
    let dologins = sim
        .requests()
        .iter()
        .filter(|r| r.function.as_deref() == Some("dologin"))
        .count();
    assert_eq!(dologins, 1);
}

#[tokio::test]
async fn https_pins_the_certificate_on_first_contact() {
    let sim = PhoneSim::start(SimConfig {
        tls: true,
        ..sim_config()
    })
    .await
    .expect("sim");
    let real: CertFingerprint = sim
        .cert_fingerprint()
        .expect("tls")
        .parse()
        .expect("fingerprint");

    // First contact: refused, fingerprint reported, and the passcode never left the machine.
    let unpinned = client_for(&sim.url(), PASSCODE);
    let e = unpinned.line_status().await.expect_err("unknown cert");
    match &e {
        PhoneError::CertificateUnknown { fingerprint, .. } => {
            assert_eq!(fingerprint, &real.to_string())
        }
        other => panic!("{other:?}"),
    }
    assert!(
        cti_requests(&sim).is_empty(),
        "nothing sent before the cert is accepted"
    );

    // Accepted: works.
    let config = ClientConfig::new(&sim.url(), Credentials::Passcode(Secret::new(PASSCODE)))
        .expect("config")
        .with_pinned_cert(Some(real));
    let pinned = CtiClient::new(config.clone()).expect("client");
    assert_eq!(pinned.line_status().await.expect("lines").len(), 4);

    // The phone's certificate changes: refused with both fingerprints, nothing sent.
    sim.rotate_certificate();
    sim.clear_requests();
    let fresh = CtiClient::new(config).expect("client");
    let e = fresh.line_status().await.expect_err("changed cert");
    match &e {
        PhoneError::CertificateChanged {
            expected, actual, ..
        } => {
            assert_eq!(expected, &real.to_string());
            assert_eq!(actual, &sim.cert_fingerprint().expect("tls"));
            assert!(e.to_string().contains(expected) && e.to_string().contains(actual));
        }
        other => panic!("{other:?}"),
    }
    assert!(cti_requests(&sim).is_empty());
}
