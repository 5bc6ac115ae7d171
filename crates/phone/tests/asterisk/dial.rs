//! Click-to-dial through `Originate`: the PBX rings the desk phone first, then dials.

use super::common::*;
use callpop_phone::backend::asterisk::AmiTiming;
use callpop_phone::backend::{Action, Backend, Target};
use callpop_phone::RejectedLogins;
use callpop_phone::{CallEventKind::*, DialMethod, Direction, Outcome, PhoneError};
use callpop_phone_sim::ami::{Party, USER_BUSY};
use std::sync::Arc;
use std::time::Duration;

fn memory() -> Arc<RejectedLogins> {
    Arc::new(RejectedLogins::in_memory())
}

/// The originate the simulator is working on (or finished).
fn originated(sim: &callpop_phone_sim::ami::AmiSim) -> callpop_phone_sim::ami::CallId {
    sim.calls()
        .into_iter()
        .rev()
        .find(|c| c.direction == "originate")
        .expect("an originate")
        .id
}

#[tokio::test]
async fn click_to_dial_with_auto_answer_rings_the_desk_phone_which_picks_up_and_calls() {
    let sim = start(fast()).await;
    let mut s = settings(&sim);
    s.auto_answer = true;
    let mut w = Watch::online(backend_with(&s, SECRET, &memory())).await;
    let method = w.session.dial("0301234567").await.expect("dials");
    assert_eq!(method, DialMethod::Pbx);
    let out = w.expect(Dialing).await;
    assert_eq!(
        (out.direction, out.number.as_str(), out.name.as_str()),
        (Direction::Outgoing, "0301234567", ""),
        "callpop's own caller-id label is not the other party's name"
    );
    let originate = recorded(&sim, "Originate").pop().expect("sent");
    let header = |name: &str| originate.header(name).unwrap_or_default().to_owned();
    assert_eq!(header("Channel"), ME);
    assert_eq!(header("Context"), "internal");
    assert_eq!(header("Exten"), "0301234567");
    assert_eq!(header("Priority"), "1");
    assert_eq!(header("Async"), "true");
    assert!(header("CallerID").contains("<0301234567>"));
    assert!(!header("ActionID").is_empty());
    let variable = header("Variable");
    assert!(
        variable.starts_with("PJSIP_HEADER(add,Call-Info)=") && variable.contains("answer-after=0"),
        "{variable}"
    );
    // The call is known by the ChannelId callpop chose, from its first event.
    let channel_id = header("ChannelId");
    assert!(channel_id.starts_with("callpop-"), "{channel_id}");
    assert_eq!(out.source_call_id, channel_id);
    assert_eq!(w.expect(Connected).await.call, out.call);
    sim.hangup(originated(&sim), Party::Phone)
        .expect("hangs up");
    let end = w.expect(Ended).await;
    assert_eq!(end.outcome, Some(Outcome::Answered));
    // Another click is another channel id.
    w.session.dial("0309999999").await.expect("dials again");
    let again = recorded(&sim, "Originate").pop().expect("sent");
    assert_ne!(again.header("ChannelId"), Some(channel_id.as_str()));
}

#[tokio::test]
async fn without_auto_answer_the_desk_worker_picks_up_and_it_is_never_an_incoming_ring() {
    let sim = start(fast()).await;
    let backend = backend_with(&settings(&sim), SECRET, &memory()).with_timing(AmiTiming {
        originate_wait: Duration::from_millis(300),
        ..timing()
    });
    let mut w = Watch::online(backend).await;
    // The desk phone rings and nobody has picked up yet: dialling went fine so far.
    let method = w.session.dial("0301234567").await.expect("dials");
    assert_eq!(method, DialMethod::Pbx);
    let originate = recorded(&sim, "Originate").pop().expect("sent");
    assert_eq!(originate.header("Variable"), None, "no auto-answer asked");
    let out = w.expect(Dialing).await;
    sim.answer(originated(&sim))
        .expect("the desk worker picks up");
    let connected = w.expect(Connected).await;
    assert_eq!(connected.call, out.call);
    sim.hangup(originated(&sim), Party::Remote)
        .expect("hangs up");
    assert_eq!(w.expect(Ended).await.outcome, Some(Outcome::Answered));
    assert!(w.pending().is_empty());
}

#[tokio::test]
async fn a_desk_phone_that_cannot_be_rung_is_a_clear_failure() {
    // A device the PBX does not have: Asterisk queues the originate, then reports failure.
    let sim = start(fast()).await;
    let mut s = settings(&sim);
    s.device = "PJSIP/999".to_owned();
    let w = Watch::online(backend_with(&s, SECRET, &memory())).await;
    let error = w.session.dial("0301234567").await.expect_err("fails");
    assert!(
        matches!(error, PhoneError::CommandRefused { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("registered"), "{error}");
    assert!(says_what_to_do(&error), "{error}");

    // A context the PBX does not have.
    let mut s = settings(&sim);
    s.context = "nowhere".to_owned();
    let w = Watch::online(backend_with(&s, SECRET, &memory())).await;
    let error = w.session.dial("0301234567").await.expect_err("fails");
    assert!(error.to_string().contains("\"nowhere\""), "{error}");
}

#[tokio::test]
async fn a_desk_phone_that_declines_the_click_to_dial_says_it_is_busy() {
    let sim = start(fast()).await;
    let backend = backend_with(&settings(&sim), SECRET, &memory()).with_timing(AmiTiming {
        originate_wait: PATIENCE,
        ..timing()
    });
    let mut w = Watch::online(backend).await;
    let Watch {
        session, events, ..
    } = &mut w;
    let declined = async {
        let out = tokio::time::timeout(PATIENCE, events.recv())
            .await
            .expect("in time")
            .expect("an event");
        assert_eq!(out.event, Dialing);
        sim.reject(originated(&sim), USER_BUSY)
            .expect("the desk phone is busy");
    };
    let (dialled, ()) = tokio::join!(session.dial("0301234567"), declined);
    let error = dialled.expect_err("fails");
    assert!(error.to_string().contains("busy"), "{error}");
    assert!(says_what_to_do(&error), "{error}");
    // It was the desk worker's own attempt: ended, not a missed call.
    let end = w.expect(Ended).await;
    assert_eq!(end.outcome, Some(Outcome::Cancelled));
}

#[tokio::test]
async fn what_is_no_dial_string_never_reaches_the_pbx() {
    let sim = start(fast()).await;
    let w = Watch::online(backend(&sim)).await;
    for bad in ["030 1234", "12\r\nAction: Hangup", "1,2"] {
        let error = w.session.dial(bad).await.expect_err("refused");
        assert!(
            says_what_to_do(&error) || error.to_string().contains("use digits"),
            "{error}"
        );
    }
    assert!(recorded(&sim, "Originate").is_empty());
    assert!(recorded(&sim, "Hangup").is_empty());
}

#[tokio::test]
async fn actions_without_a_connection_fail_at_once_and_say_so() {
    let sim = start(fast()).await;
    let backend = backend(&sim);
    let target = Target {
        call: None,
        lines: &[],
        calls: &[],
    };
    let error = backend
        .perform(
            &Action::Dial {
                number: "0301234567".to_owned(),
                account: None,
            },
            &target,
        )
        .await
        .expect_err("not connected");
    assert!(
        error.to_string().contains("reconnects by itself"),
        "{error}"
    );
    assert!(recorded(&sim, "Login").is_empty(), "nothing was sent");
}
