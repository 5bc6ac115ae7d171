//! A PBX that drops the connection, restarts, sends garbage or half a message, or stops
//! answering: callpop reconnects, resyncs, and neither repeats nor loses a call.

use super::common::*;
use callpop_phone::backend::asterisk::AmiTiming;
use callpop_phone::backend::{Backend, Report};
use callpop_phone::settings::AsteriskSettings;
use callpop_phone::{CallEventKind::*, Connection, Outcome, PhoneError, RejectedLogins};
use callpop_phone_sim::ami::{AmiFault, Party};
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn a_dropped_connection_neither_repeats_nor_loses_a_call() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let call = sim.ring("+4930123456", "Jane", ME).expect("rings");
    let ring = w.expect(Ringing).await;
    sim.drop_connections();
    let error = w.trouble().await;
    assert!(error.to_string().contains("closed"), "{error}");
    assert!(says_what_to_do(&error), "{error}");
    // Answered while callpop was away: the resync shows it.
    sim.answer(call).expect("answers");
    w.until(|s| s.connection == Connection::Online).await;
    let connected = w.expect(Connected).await;
    assert_eq!(connected.call, ring.call, "the same call, not a new one");
    assert_eq!(recorded(&sim, "CoreShowChannels").len(), 2, "resynced");
    sim.hangup(call, Party::Remote).expect("hangs up");
    let end = w.expect(Ended).await;
    assert_eq!(
        (end.call, end.outcome),
        (ring.call, Some(Outcome::Answered))
    );
    assert!(w.pending().is_empty(), "no second ring, nothing else");
}

#[tokio::test]
async fn a_connection_dropped_mid_event_stream_shows_a_ringing_call_once() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    sim.set_fault(AmiFault::DropAfterEvents { count: 2 });
    let call = sim.ring("+4930123456", "Jane", ME).expect("rings");
    w.trouble().await;
    sim.set_fault(AmiFault::None);
    w.until(|s| s.connection == Connection::Online).await;
    let ring = w.expect(Ringing).await;
    assert_eq!(ring.number, "+4930123456");
    sim.give_up(call).expect("gives up");
    assert_eq!(w.expect(Missed).await.call, ring.call);
    assert!(w.pending().is_empty(), "rang once, missed once");
}

#[tokio::test]
async fn a_restarted_pbx_ends_the_calls_it_forgot_once() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let call = sim.ring("+4930123456", "Jane", ME).expect("rings");
    let ring = w.expect(Ringing).await;
    sim.answer(call).expect("answers");
    w.expect(Connected).await;
    sim.restart(Duration::ZERO);
    w.trouble().await;
    w.until(|s| s.connection == Connection::Online).await;
    let end = w.expect(Ended).await;
    assert_eq!(
        (end.call, end.outcome),
        (ring.call.clone(), Some(Outcome::Answered))
    );
    // Calls after the restart are new calls.
    sim.ring("+4930222222", "", ME).expect("rings");
    let next = w.expect(Ringing).await;
    assert_ne!(next.call, ring.call);
    assert_eq!(next.line, 1);
    assert!(w.pending().is_empty());
}

#[tokio::test]
async fn garbage_breaks_the_connection_and_the_call_goes_on() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let call = sim.ring("+4930123456", "Jane", ME).expect("rings");
    let ring = w.expect(Ringing).await;
    sim.answer(call).expect("answers");
    w.expect(Connected).await;
    sim.send_garbage();
    let error = w.trouble().await;
    assert!(
        matches!(error, PhoneError::UnexpectedAnswer { .. }),
        "{error}"
    );
    assert!(!error.to_string().contains('\u{1b}'), "{error}");
    w.until(|s| s.connection == Connection::Online).await;
    sim.hold(call).expect("holds");
    assert_eq!(
        w.expect(Held).await.call,
        ring.call,
        "no new call, same call"
    );
    sim.hangup(call, Party::Remote).expect("hangs up");
    assert_eq!(w.expect(Ended).await.call, ring.call);
    assert!(w.pending().is_empty());
}

#[tokio::test]
async fn half_a_message_breaks_the_connection_and_the_call_goes_on() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let call = sim.ring("+4930123456", "Jane", ME).expect("rings");
    let ring = w.expect(Ringing).await;
    sim.send_truncated();
    let error = w.trouble().await;
    assert!(error.to_string().contains("middle of a message"), "{error}");
    w.until(|s| s.connection == Connection::Online).await;
    sim.answer(call).expect("answers");
    assert_eq!(w.expect(Connected).await.call, ring.call);
    assert!(w.pending().is_empty());
}

fn impatient(sim: &callpop_phone_sim::ami::AmiSim) -> callpop_phone::backend::asterisk::Asterisk {
    let settings = AsteriskSettings {
        connect_timeout_ms: 300,
        ..settings(sim)
    };
    backend_with(&settings, SECRET, &Arc::new(RejectedLogins::in_memory())).with_timing(AmiTiming {
        keepalive: Duration::from_millis(100),
        answer_timeout: Duration::from_millis(300),
        originate_wait: Duration::from_millis(300),
    })
}

#[tokio::test]
async fn a_pbx_that_stops_answering_is_found_out_by_the_keepalive() {
    let sim = start(fast()).await;
    let backend = impatient(&sim);
    let mut stream = backend.connect().await.expect("connects");
    assert_eq!(
        stream.next().await.expect("the resync"),
        Report::Lines(Vec::new())
    );
    // Pings are answered while the PBX behaves.
    recorded_at_least(&sim, "Ping", 2).await;
    sim.set_fault(AmiFault::Hang);
    let error = tokio::time::timeout(PATIENCE, stream.next())
        .await
        .expect("noticed in time")
        .expect_err("broken");
    assert!(error.to_string().contains("stopped answering"), "{error}");
    assert!(says_what_to_do(&error), "{error}");
    drop(stream);
    // A hung PBX sends no banner either.
    let error = backend.connect().await.err().expect("no banner");
    assert!(matches!(error, PhoneError::Timeout { .. }), "{error}");
    assert!(says_what_to_do(&error), "{error}");
    assert!(
        backend.rejection().is_none(),
        "nothing to do with the secret"
    );
}

#[tokio::test]
async fn a_login_that_takes_too_long_is_a_timeout_not_a_rejection() {
    let sim = start(fast()).await;
    sim.set_fault(AmiFault::SlowLogin {
        delay: Duration::from_secs(5),
    });
    let backend = impatient(&sim);
    let error = backend.connect().await.err().expect("too slow");
    assert!(matches!(error, PhoneError::Timeout { .. }), "{error}");
    assert!(backend.rejection().is_none());
    sim.set_fault(AmiFault::None);
    assert!(backend.connect().await.is_ok(), "tried again, and fine");
}

#[tokio::test]
async fn nobody_listening_is_unreachable_and_says_what_to_check() {
    let sim = start(fast()).await;
    let port = sim.addr().port();
    sim.shutdown().await;
    let settings = AsteriskSettings {
        host: "127.0.0.1".to_owned(),
        port,
        username: "callpop".to_owned(),
        device: ME.to_owned(),
        context: "internal".to_owned(),
        ..AsteriskSettings::default()
    };
    let backend = backend_with(&settings, SECRET, &Arc::new(RejectedLogins::in_memory()));
    let error = backend.connect().await.err().expect("nobody there");
    assert!(matches!(error, PhoneError::Unreachable { .. }), "{error}");
    assert!(
        error.to_string().contains(&format!("127.0.0.1:{port}")),
        "{error}"
    );
    assert!(says_what_to_do(&error), "{error}");
    let error = backend.check().await.expect_err("nobody there");
    assert!(says_what_to_do(&error), "{error}");
}

#[tokio::test]
async fn something_else_on_the_port_is_not_taken_for_asterisk() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        while let Ok((mut socket, _)) = listener.accept().await {
            let _ = socket.write_all(b"SSH-2.0-OpenSSH_9.6\r\n").await;
        }
    });
    let settings = AsteriskSettings {
        host: "127.0.0.1".to_owned(),
        port,
        username: "callpop".to_owned(),
        device: ME.to_owned(),
        context: "internal".to_owned(),
        ..AsteriskSettings::default()
    };
    let backend = backend_with(&settings, SECRET, &Arc::new(RejectedLogins::in_memory()));
    let error = backend.connect().await.err().expect("not asterisk");
    assert!(
        matches!(error, PhoneError::UnexpectedAnswer { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("SSH-2.0"), "{error}");
}
