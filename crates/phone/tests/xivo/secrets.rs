//! The password never shows: not in errors, not in `Debug` output, not in the log.

use crate::common::*;
use callpop_phone::backend::xivo::Xivo;
use callpop_phone::{Backend, PhoneError, RejectedLogins, Secret, Session};
use callpop_phone_sim::xuc::{
    default_users, LoginRefusal, UserData, XucSim, XucSimConfig, XucUser,
};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::span;

const SECRET: &str = "Xq7-very-secret-PW";

/// Everything logged on this thread, as text.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl Capture {
    fn text(&self) -> String {
        self.0.lock().expect("log").clone()
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &span::Attributes<'_>) -> span::Id {
        span.record(&mut Fields(&mut self.0.lock().expect("log")));
        span::Id::from_u64(1)
    }
    fn record(&self, _: &span::Id, values: &span::Record<'_>) {
        values.record(&mut Fields(&mut self.0.lock().expect("log")));
    }
    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut log = self.0.lock().expect("log");
        log.push_str(event.metadata().level().as_str());
        log.push(' ');
        event.record(&mut Fields(&mut log));
        log.push('\n');
    }
    fn enter(&self, _: &span::Id) {}
    fn exit(&self, _: &span::Id) {}
}

fn carol(sim: &XucSim, password: &str) -> Arc<Xivo> {
    backend_with(
        sim,
        "carol",
        password,
        Arc::new(RejectedLogins::in_memory()),
    )
}

// One thread: everything the backend, the session and the simulator log goes to `capture`.
#[tokio::test(flavor = "current_thread")]
async fn the_password_stays_out_of_errors_debug_output_and_the_log() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let mut users = default_users();
    users.push(XucUser::new(3, "carol", SECRET, "1002", "Carol Smith"));
    let sim = XucSim::start(XucSimConfig {
        users,
        remote_answer_after: None,
        ..XucSimConfig::default()
    })
    .await
    .expect("xuc simulator");
    let mut shown = String::new();

    // A wrong password (which contains the right one), rejected.
    let wrong = carol(&sim, &format!("{SECRET}-old"));
    let error = wrong.connect().await.err().expect("rejected");
    let _ = write!(shown, "{error} {error:?} {wrong:?} {:?}", wrong.rejection());
    let error = wrong.check().await.expect_err("still rejected");
    let _ = write!(shown, "{error} {error:?}");

    // Server trouble on login.
    let right = carol(&sim, SECRET);
    sim.refuse_logins(Some(LoginRefusal::ServerError));
    let error = right.connect().await.err().expect("server error");
    let _ = write!(shown, "{error} {error:?}");
    sim.refuse_logins(None);

    // A working session with a call, and everything it publishes.
    let report = right.check().await.expect("connected");
    let _ = write!(shown, "{report:?}");
    let session = Session::start(right.clone(), Duration::from_secs(1), None);
    let mut events = session.subscribe();
    wait_state(&session, "online", |s| {
        s.connection == callpop_phone::Connection::Online
    })
    .await;
    sim.ring("carol", "0612", "", UserData::new())
        .expect("rings");
    let event = next_event(&mut events).await;
    let _ = write!(
        shown,
        "{event:?} {:?} {} {right:?} {session:?}",
        session.current(),
        serde_json::to_string(&session.current()).expect("json")
    );
    // A refused session and a dropped link.
    sim.refuse_sessions(true);
    sim.drop_sessions();
    let refused = wait_state(&session, "the refused session", |s| {
        matches!(
            &s.connection,
            callpop_phone::Connection::Offline {
                error: PhoneError::Refused(
                    callpop_phone::Refusal::XivoSessionRefused { .. }
                        | callpop_phone::Refusal::XivoSessionEnded { .. }
                ),
                ..
            }
        )
    })
    .await;
    let _ = write!(shown, "{refused:?}");
    sim.refuse_sessions(false);

    assert!(!shown.contains(SECRET), "{shown}");
    let log = capture.text();
    assert!(
        log.contains("rejected the password"),
        "the capture works: {log}"
    );
    assert!(!log.contains(SECRET), "{log}");
}

#[test]
fn debug_output_of_a_fresh_backend_has_no_password() {
    let xivo = Xivo::new(
        &settings("https://xivo.example.com", "alice"),
        Secret::new(SECRET),
        Arc::new(RejectedLogins::in_memory()),
    )
    .expect("backend");
    let shown = format!("{xivo:?}");
    assert!(shown.contains("alice"), "{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
}
