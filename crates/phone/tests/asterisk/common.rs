//! What every Asterisk test needs: a fast simulated Asterisk, settings and timings for it, and
//! a real `Session` whose call events the tests read.

use callpop_phone::backend::asterisk::{AmiTiming, Asterisk};
use callpop_phone::settings::AsteriskSettings;
use callpop_phone::{CallEvent, CallEventKind, Connection, PhoneError, PhoneState, RejectedLogins};
use callpop_phone::{Secret, Session};
use callpop_phone_sim::ami::{AmiSim, AmiSimConfig, ChannelInfo, RecordedAction};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// Generous bound for anything that should happen promptly; only reached when a test fails.
pub const PATIENCE: Duration = Duration::from_secs(15);
/// The desk worker's device (the simulator's Bob).
pub const ME: &str = "PJSIP/201";
/// A colleague's device (the simulator's Alice).
pub const COLLEAGUE: &str = "PJSIP/100";
pub const SECRET: &str = "s3cret";

/// The simulator with short delays: failed logins, auto-answer and far ends answer at once.
pub fn fast() -> AmiSimConfig {
    AmiSimConfig {
        control_bind: None,
        auth_failure_delay: Duration::from_millis(20),
        auto_answer_delay: Duration::from_millis(30),
        far_end_answer_delay: Some(Duration::from_millis(20)),
        ..AmiSimConfig::default()
    }
}

pub async fn start(config: AmiSimConfig) -> AmiSim {
    AmiSim::start(config).await.expect("the simulator starts")
}

pub fn settings(sim: &AmiSim) -> AsteriskSettings {
    AsteriskSettings {
        host: "127.0.0.1".to_owned(),
        port: sim.addr().port(),
        username: "callpop".to_owned(),
        md5: false,
        device: ME.to_owned(),
        context: "internal".to_owned(),
        auto_answer: false,
        connect_timeout_ms: 2000,
    }
}

/// Quick enough for tests, slow enough for a loaded machine.
pub fn timing() -> AmiTiming {
    AmiTiming {
        keepalive: Duration::from_secs(5),
        answer_timeout: Duration::from_secs(3),
        originate_wait: Duration::from_secs(3),
    }
}

pub fn backend_with(
    settings: &AsteriskSettings,
    secret: &str,
    memory: &Arc<RejectedLogins>,
) -> Asterisk {
    Asterisk::new(settings, Secret::new(secret), Arc::clone(memory))
        .expect("valid settings")
        .with_timing(timing())
}

pub fn backend(sim: &AmiSim) -> Asterisk {
    backend_with(
        &settings(sim),
        SECRET,
        &Arc::new(RejectedLogins::in_memory()),
    )
}

/// A session following one backend, and what it publishes.
pub struct Watch {
    pub session: Session,
    pub events: broadcast::Receiver<CallEvent>,
    pub state: watch::Receiver<PhoneState>,
}

impl Watch {
    /// Starts a session and waits until it follows the PBX.
    pub async fn online(backend: Asterisk) -> Watch {
        let mut watch = Watch::start(backend);
        watch.until(|s| s.connection == Connection::Online).await;
        watch
    }

    pub fn start(backend: Asterisk) -> Watch {
        let session = Session::start(Arc::new(backend), Duration::from_secs(1), None);
        let events = session.subscribe();
        let state = session.state();
        Watch {
            session,
            events,
            state,
        }
    }

    /// Waits until the published state satisfies `test`; returns it.
    pub async fn until(&mut self, test: impl Fn(&PhoneState) -> bool) -> PhoneState {
        let state = tokio::time::timeout(PATIENCE, self.state.wait_for(|s| test(s)))
            .await
            .expect("the state arrives in time")
            .expect("the session runs");
        state.clone()
    }

    /// The next call event.
    pub async fn next(&mut self) -> CallEvent {
        tokio::time::timeout(PATIENCE, self.events.recv())
            .await
            .expect("an event in time")
            .expect("the event bus runs")
    }

    /// The next call event, which must be `kind`.
    pub async fn expect(&mut self, kind: CallEventKind) -> CallEvent {
        let event = self.next().await;
        assert_eq!(event.event, kind, "{event:?}");
        event
    }

    /// Events already published and not read yet.
    pub fn pending(&mut self) -> Vec<CallEvent> {
        let mut out = Vec::new();
        while let Ok(event) = self.events.try_recv() {
            out.push(event);
        }
        out
    }

    /// The error of an `Offline` or `NeedsAttention` state, once the session shows one.
    pub async fn trouble(&mut self) -> PhoneError {
        let state = self
            .until(|s| {
                matches!(
                    s.connection,
                    Connection::Offline { .. } | Connection::NeedsAttention { .. }
                )
            })
            .await;
        match state.connection {
            Connection::Offline { error, .. } | Connection::NeedsAttention { error } => error,
            other => panic!("no trouble: {other:?}"),
        }
    }
}

/// What the simulator recorded of `action` (`Login`, `Originate`...).
pub fn recorded(sim: &AmiSim, action: &str) -> Vec<RecordedAction> {
    sim.actions().into_iter().filter(|a| a.is(action)).collect()
}

/// Waits until the simulator recorded `count` of `action`.
pub async fn recorded_at_least(sim: &AmiSim, action: &str, count: usize) -> Vec<RecordedAction> {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let found = recorded(sim, action);
        if found.len() >= count {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{action} recorded {} times, expected {count}",
            found.len()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The desk phone's channel in a call of the simulator.
pub fn my_channel(sim: &AmiSim, call: callpop_phone_sim::ami::CallId) -> ChannelInfo {
    sim.channels()
        .into_iter()
        .find(|c| c.call == call && c.device == ME)
        .expect("the desk phone has a channel in the call")
}

/// The other party's channel in a call of the simulator.
pub fn their_channel(sim: &AmiSim, call: callpop_phone_sim::ami::CallId) -> ChannelInfo {
    sim.channels()
        .into_iter()
        .find(|c| c.call == call && c.device != ME)
        .expect("the call has another party")
}

/// Words that tell a person what to do next; every error callpop shows has some.
pub fn says_what_to_do(error: &PhoneError) -> bool {
    let text = error.to_string();
    [
        "Settings",
        "callpop keeps trying",
        "reconnects by itself",
        "try again",
        "Check",
        "manager.conf",
        "pick it up",
        "desk phone's keys",
        "end the other call",
        "really the phone's address",
    ]
    .iter()
    .any(|advice| text.contains(advice))
}
