//! The Yealink backend against the simulated Yealink, through a real `Session` and a real
//! `PushListener`: the phone's pushes are the only source of calls, so every test here goes
//! through the same path as the app (raw pushes on TCP, the listener's parser, the session's
//! one tracker) and commands reach the phone as real Action URI requests.

mod support;

use callpop_phone::backend::yealink::{action_url_lines, ActionUriClient, Yealink, YealinkConfig};
use callpop_phone::push::PushListener;
use callpop_phone::tracker::{CallEvent, CallEventKind, CallId};
use callpop_phone::{Action, Outcome, PushState, Secret, Session};
use callpop_phone_sim::yealink::{
    YealinkCallState, YealinkEvent, YealinkKey, YealinkSim, YealinkSimConfig,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use support::{collect, kinds, loopback_listener, next, online_and_waiting, ROUTE};
use tokio::sync::broadcast;
use tokio::time::timeout;

const TOKEN: &str = "yealinkTOKENyealinkTOKEN1";

struct Rig {
    sim: YealinkSim,
    session: Session,
    events: broadcast::Receiver<CallEvent>,
    _listener: PushListener,
}

/// A simulated Yealink pushing to a listener the session is attached to; the session reads
/// the phone only every 10 s, so calls show up through pushes alone.
async fn rig(outgoing_uri: &str) -> Rig {
    let sim = YealinkSim::start(YealinkSimConfig {
        push_delay: Duration::from_millis(20),
        ..YealinkSimConfig::default()
    })
    .await
    .expect("sim");
    let listener = loopback_listener(TOKEN).await;
    for line in action_url_lines(listener.local_addr(), TOKEN) {
        let event: YealinkEvent = line.parameter.parse().expect("a Yealink event");
        sim.set_action_url(event, Some(line.url));
    }
    let config = YealinkConfig::new(&sim.url(), "admin", Secret::new("admin"))
        .expect("config")
        .with_timeouts(Duration::from_millis(500), Duration::from_millis(1500));
    let backend =
        Yealink::new(ActionUriClient::new(config).expect("client")).with_outgoing_uri(outgoing_uri);
    let session = Session::start(Arc::new(backend), Duration::from_secs(10), None);
    session.attach_push(&listener, ROUTE);
    let events = session.subscribe();
    online_and_waiting(&session, Duration::from_secs(3)).await;
    Rig {
        sim,
        session,
        events,
        _listener: listener,
    }
}

/// The keys callpop sent, in order.
fn keys_sent(sim: &YealinkSim) -> Vec<YealinkKey> {
    sim.requests().into_iter().flat_map(|r| r.keys).collect()
}

#[tokio::test]
async fn ring_answer_hold_resume_hang_up_from_callpop() {
    let mut rig = rig("").await;
    let id = rig.sim.ring("+15555550100", "John Doe", 0).expect("ring");
    let ring = next(&mut rig.events).await;
    assert_eq!(ring.event, CallEventKind::Ringing);
    assert_eq!(
        (ring.line, ring.number.as_str(), ring.name.as_str()),
        (1, "+15555550100", "John Doe"),
        "the number, not the SIP URI $remote carries"
    );
    assert_eq!(ring.source_call_id, id);
    rig.session.act(None, Action::Answer).await.expect("answer");
    assert_eq!(next(&mut rig.events).await.event, CallEventKind::Connected);
    rig.session.act(None, Action::Hold).await.expect("hold");
    assert_eq!(next(&mut rig.events).await.event, CallEventKind::Held);
    rig.session.act(None, Action::Resume).await.expect("resume");
    assert_eq!(next(&mut rig.events).await.event, CallEventKind::Resumed);
    assert!(rig.session.toggle_mute(None).await.expect("mute"));
    assert!(rig.sim.phone_state().muted);
    rig.session
        .act(None, Action::HangUp)
        .await
        .expect("hang up");
    let ended = next(&mut rig.events).await;
    assert_eq!(
        (ended.event, ended.outcome, &ended.call),
        (CallEventKind::Ended, Some(Outcome::Answered), &ring.call)
    );
    assert_eq!(
        keys_sent(&rig.sim),
        [
            YealinkKey::Answer(id.clone()),
            YealinkKey::HoldCall(id.clone()),
            YealinkKey::UnholdCall(id.clone()),
            YealinkKey::Mute,
            YealinkKey::CallEnd,
        ]
    );
    assert!(rig.sim.calls().is_empty());
    assert!(collect(&mut rig.events, Duration::from_millis(300))
        .await
        .is_empty());
    assert_eq!(rig.session.current().push.state, PushState::Healthy);
    rig.session.shutdown().await;
}

#[tokio::test]
async fn calls_handled_at_the_phone_show_up_the_same() {
    let mut rig = rig("").await;
    let id = rig.sim.ring("203", "", 0).expect("ring");
    let ring = next(&mut rig.events).await;
    assert_eq!(
        (ring.event, ring.name.as_str()),
        (CallEventKind::Ringing, "")
    );
    rig.sim.answer_at_phone(&id).expect("answer");
    rig.sim.hold_at_phone(&id).expect("hold");
    rig.sim.resume_at_phone(&id).expect("resume");
    rig.sim.hang_up_remote(&id).expect("hang up");
    let rest = collect(&mut rig.events, Duration::from_millis(400)).await;
    assert_eq!(
        kinds(&rest),
        [
            CallEventKind::Connected,
            CallEventKind::Held,
            CallEventKind::Resumed,
            CallEventKind::Ended
        ]
    );
    assert!(rest.iter().all(|e| e.call == ring.call));
    assert!(keys_sent(&rig.sim).is_empty(), "callpop only watched");

    // A caller who gives up: one missed call.
    let missed = rig.sim.ring("204", "Bo", 0).expect("ring");
    rig.sim.give_up(&missed).expect("give up");
    let events = collect(&mut rig.events, Duration::from_millis(400)).await;
    assert_eq!(
        kinds(&events),
        [CallEventKind::Ringing, CallEventKind::Missed]
    );
    assert_eq!(events[1].outcome, Some(Outcome::Missed));

    // Rejected from callpop: rejected, not missed, though the phone pushes
    // reject_incoming_call and then call_terminated.
    let rejected = rig.sim.ring("205", "", 0).expect("ring");
    next(&mut rig.events).await;
    rig.session.act(None, Action::Reject).await.expect("reject");
    let end = next(&mut rig.events).await;
    assert_eq!(
        (end.event, end.outcome),
        (CallEventKind::Ended, Some(Outcome::Rejected))
    );
    assert!(keys_sent(&rig.sim).contains(&YealinkKey::CancelCall(rejected)));
    assert!(collect(&mut rig.events, Duration::from_millis(300))
        .await
        .is_empty());
    assert!(rig.session.current().calls.is_empty());
    rig.session.shutdown().await;
}

#[tokio::test]
async fn two_calls_are_each_acted_on_by_their_own_call_id() {
    let mut rig = rig("").await;
    let first = rig.sim.ring("201", "Ann", 0).expect("ring");
    let ring_one = next(&mut rig.events).await;
    rig.session.act(None, Action::Answer).await.expect("answer");
    next(&mut rig.events).await;
    let second = rig.sim.ring("202", "Bo", 0).expect("ring");
    let ring_two = next(&mut rig.events).await;
    assert_eq!(
        (ring_two.line, ring_two.source_call_id.as_str()),
        (2, second.as_str())
    );
    // Answering the second call by its callpop id answers exactly it; the phone holds the first.
    rig.session
        .act(Some(&ring_two.call), Action::Answer)
        .await
        .expect("answer the second");
    let events = collect(&mut rig.events, Duration::from_millis(400)).await;
    let by_call: BTreeMap<CallId, Vec<CallEventKind>> =
        events.iter().fold(BTreeMap::new(), |mut m, e| {
            m.entry(e.call.clone()).or_default().push(e.event);
            m
        });
    assert_eq!(by_call[&ring_one.call], [CallEventKind::Held]);
    assert_eq!(by_call[&ring_two.call], [CallEventKind::Connected]);
    // Hanging up the held first call ends it, by its id, and leaves the second talking.
    rig.session
        .act(Some(&ring_one.call), Action::HangUp)
        .await
        .expect("hang up the first");
    let end = next(&mut rig.events).await;
    assert_eq!(
        (end.event, &end.call),
        (CallEventKind::Ended, &ring_one.call)
    );
    let calls = rig.sim.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        (calls[0].call_id.as_str(), calls[0].state),
        (second.as_str(), YealinkCallState::Connected)
    );
    assert_eq!(
        keys_sent(&rig.sim)[1..],
        [
            YealinkKey::Answer(second.clone()),
            YealinkKey::CancelCall(first.clone())
        ]
    );
    let remaining = rig.session.current().calls;
    assert_eq!(remaining.len(), 1);
    assert_eq!((remaining[0].line, &remaining[0].call), (2, &ring_two.call));
    rig.session.shutdown().await;
}

#[tokio::test]
async fn dialing_goes_out_on_the_configured_account() {
    let mut rig = rig("1002@pbx.example.com").await;
    rig.session.dial("+14165550123").await.expect("dial");
    let dialing = next(&mut rig.events).await;
    assert_eq!(
        (dialing.event, dialing.number.as_str()),
        (CallEventKind::Dialing, "+14165550123")
    );
    let call = rig.sim.calls()[0].clone();
    assert_eq!((call.number.as_str(), call.account), ("+14165550123", 1));
    rig.sim.remote_answer(&call.call_id).expect("answer");
    assert_eq!(next(&mut rig.events).await.event, CallEventKind::Connected);
    rig.session
        .act(None, Action::HangUp)
        .await
        .expect("hang up");
    let end = next(&mut rig.events).await;
    assert_eq!(
        (end.event, end.outcome),
        (CallEventKind::Ended, Some(Outcome::Answered))
    );
    rig.session.shutdown().await;
}

#[tokio::test]
async fn do_not_disturb_is_switched_and_read_back() {
    let rig = rig("").await;
    assert_eq!(
        rig.session.current().dnd,
        Some(false),
        "read at the first look"
    );
    let mut state = rig.session.state();
    rig.session
        .act(None, Action::SetDnd { on: true })
        .await
        .expect("dnd on");
    assert!(rig.sim.phone_state().dnd);
    timeout(
        Duration::from_secs(3),
        state.wait_for(|s| s.dnd == Some(true)),
    )
    .await
    .expect("shown in time")
    .expect("session alive");
    // Switched at the phone: its dnd_off push shows it at once, long before the next read.
    rig.sim.set_dnd_at_phone(false);
    timeout(
        Duration::from_secs(3),
        state.wait_for(|s| s.dnd == Some(false)),
    )
    .await
    .expect("shown in time")
    .expect("session alive");
    rig.session.shutdown().await;
}

#[tokio::test]
async fn repeated_pushes_change_nothing() {
    let mut rig = rig("").await;
    rig.sim.set_push_faults(0.0, 1.0, None);
    let id = rig.sim.ring("201", "", 0).expect("ring");
    rig.sim.answer_at_phone(&id).expect("answer");
    rig.sim.hold_at_phone(&id).expect("hold");
    rig.sim.hang_up_at_phone(&id).expect("hang up");
    let events = collect(&mut rig.events, Duration::from_millis(500)).await;
    assert_eq!(
        kinds(&events),
        [
            CallEventKind::Ringing,
            CallEventKind::Connected,
            CallEventKind::Held,
            CallEventKind::Ended
        ]
    );
    assert!(rig.sim.pushes().iter().any(|p| p.duplicate));
    rig.session.shutdown().await;
}

#[tokio::test]
async fn a_lost_first_push_or_a_lost_end_is_repaired_by_the_next_one() {
    let mut rig = rig("").await;
    // The phone never pushes the ring: its call_established starts the call.
    rig.sim.set_action_url(YealinkEvent::IncomingCall, None);
    let id = rig.sim.ring("201", "Ann", 0).expect("ring");
    assert!(collect(&mut rig.events, Duration::from_millis(200))
        .await
        .is_empty());
    rig.sim.answer_at_phone(&id).expect("answer");
    let connected = next(&mut rig.events).await;
    assert_eq!(
        (connected.event, connected.number.as_str()),
        (CallEventKind::Connected, "201")
    );
    // Its call_terminated is lost too: busy_to_idle ends it.
    rig.sim.set_action_url(YealinkEvent::CallTerminated, None);
    rig.sim.hang_up_remote(&id).expect("hang up");
    let end = next(&mut rig.events).await;
    assert_eq!(
        (end.event, &end.call),
        (CallEventKind::Ended, &connected.call)
    );
    assert!(rig.session.current().calls.is_empty());
    rig.session.shutdown().await;
}

#[tokio::test]
async fn late_and_reordered_pushes_leave_every_call_ended_once() {
    let mut rig = rig("").await;
    rig.sim.set_push_seed(11);
    rig.sim
        .set_push_faults(0.0, 0.3, Some(Duration::from_millis(150)));
    for n in 0..4 {
        let id = rig.sim.ring(&format!("20{n}"), "", 0).expect("ring");
        rig.sim.answer_at_phone(&id).expect("answer");
        if n % 2 == 0 {
            rig.sim.hold_at_phone(&id).expect("hold");
        }
        rig.sim.hang_up_remote(&id).expect("hang up");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let events = collect(&mut rig.events, Duration::from_millis(800)).await;
    let mut finals: BTreeMap<CallId, usize> = BTreeMap::new();
    for event in &events {
        let count = finals.entry(event.call.clone()).or_default();
        if event.event.is_final() {
            *count += 1;
        }
    }
    assert!(!finals.is_empty());
    assert!(
        finals.values().all(|n| *n == 1),
        "every call ends exactly once: {events:#?}"
    );
    let ringing = events
        .iter()
        .filter(|e| e.event == CallEventKind::Ringing)
        .count();
    assert!(ringing <= 4, "no call rings twice");
    assert!(rig.session.current().calls.is_empty());
    rig.session.shutdown().await;
}
