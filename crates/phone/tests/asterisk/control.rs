//! Reject, hang up and transfer act on the right channel, also with two calls up.

use super::common::*;
use callpop_phone::{Action, CallEventKind::*, Outcome, PhoneError};
use callpop_phone_sim::ami::Party;

#[tokio::test]
async fn reject_and_hang_up_act_on_the_channel_of_the_call_named() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let first = sim.ring("+4930111111", "First", ME).expect("rings");
    let a = w.expect(Ringing).await;
    sim.answer(first).expect("answers");
    w.expect(Connected).await;
    let second = sim.ring("+4930222222", "Second", ME).expect("rings");
    let b = w.expect(Ringing).await;
    let (first_channel, second_channel) = (my_channel(&sim, first), my_channel(&sim, second));

    w.session
        .act(Some(&b.call), Action::Reject)
        .await
        .expect("rejects");
    let hangup = recorded_at_least(&sim, "Hangup", 1).await.remove(0);
    assert_eq!(hangup.header("Channel"), Some(second_channel.name.as_str()));
    assert_eq!(hangup.header("Cause"), Some("21"), "declined, not hung up");
    let end = w.expect(Ended).await;
    assert_eq!(
        (end.call, end.outcome),
        (b.call.clone(), Some(Outcome::Rejected))
    );
    assert_eq!(w.session.current().calls.len(), 1, "the first call goes on");

    w.session
        .act(Some(&a.call), Action::HangUp)
        .await
        .expect("hangs up");
    let hangup = recorded_at_least(&sim, "Hangup", 2).await.remove(1);
    assert_eq!(hangup.header("Channel"), Some(first_channel.name.as_str()));
    assert_eq!(hangup.header("Cause"), Some("16"));
    let end = w.expect(Ended).await;
    assert_eq!((end.call, end.outcome), (a.call, Some(Outcome::Answered)));
}

#[tokio::test]
async fn a_blind_transfer_redirects_the_other_party() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let call = sim.ring("+4930123456", "Jane Customer", ME).expect("rings");
    let ring = w.expect(Ringing).await;
    sim.answer(call).expect("answers");
    w.expect(Connected).await;
    let caller = their_channel(&sim, call);
    w.session
        .act(
            Some(&ring.call),
            Action::Transfer {
                to: "100".to_owned(),
            },
        )
        .await
        .expect("transfers");
    let redirect = recorded(&sim, "Redirect").pop().expect("sent");
    assert_eq!(redirect.header("Channel"), Some(caller.name.as_str()));
    assert_eq!(redirect.header("Exten"), Some("100"));
    assert_eq!(redirect.header("Context"), Some("internal"));
    assert_eq!(redirect.header("Priority"), Some("1"));
    // The desk phone is out of the call; the caller now rings the colleague.
    let end = w.expect(Ended).await;
    assert_eq!(
        (end.call, end.outcome),
        (ring.call, Some(Outcome::Answered))
    );
    let info = sim.call(call).expect("known");
    assert!(
        info.channels.iter().any(|c| c.starts_with(COLLEAGUE)),
        "{info:?}"
    );
    assert!(w.pending().is_empty());
}

#[tokio::test]
async fn a_transfer_of_a_call_the_desk_phone_placed_redirects_the_number_called() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let call = sim.dial(ME, "0301234567").expect("dials");
    let out = w.expect(Dialing).await;
    w.expect(Connected).await;
    let far_end = their_channel(&sim, call);
    w.session
        .act(
            Some(&out.call),
            Action::Transfer {
                to: "100".to_owned(),
            },
        )
        .await
        .expect("transfers");
    let redirect = recorded(&sim, "Redirect").pop().expect("sent");
    assert_eq!(redirect.header("Channel"), Some(far_end.name.as_str()));
    w.expect(Ended).await;
}

#[tokio::test]
async fn a_transfer_asterisk_refuses_says_why_and_the_call_goes_on() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let call = sim.ring("+4930123456", "", ME).expect("rings");
    let ring = w.expect(Ringing).await;
    sim.answer(call).expect("answers");
    w.expect(Connected).await;
    let error = w
        .session
        .act(
            Some(&ring.call),
            Action::Transfer {
                to: "nowhere".to_owned(),
            },
        )
        .await
        .expect_err("refused");
    assert!(
        matches!(error, PhoneError::CommandRefused { .. }),
        "{error}"
    );
    assert!(error.to_string().contains("Redirect failed"), "{error}");
    assert!(says_what_to_do(&error), "{error}");
    assert_eq!(w.session.current().calls.len(), 1);
    sim.hangup(call, Party::Remote).expect("hangs up");
    assert_eq!(w.expect(Ended).await.call, ring.call);
}

#[tokio::test]
async fn what_a_pbx_cannot_do_is_not_offered() {
    let sim = start(fast()).await;
    let mut w = Watch::online(backend(&sim)).await;
    let caps = w.session.current().capabilities;
    assert!(caps.dial && caps.reject && caps.hang_up && caps.transfer);
    assert!(!(caps.answer || caps.hold || caps.mute || caps.attended_transfer || caps.dnd));
    let call = sim.ring("+4930123456", "", ME).expect("rings");
    let ring = w.expect(Ringing).await;
    let error = w
        .session
        .act(Some(&ring.call), Action::Answer)
        .await
        .expect_err("cannot answer");
    assert!(error.to_string().contains("cannot answer"), "{error}");
    assert!(recorded(&sim, "Hangup").is_empty());
    sim.give_up(call).expect("gives up");
    w.expect(Missed).await;
}
