//! The link: reconnects after drops and restarts, token expiry, junk from the server, a
//! server that stops answering, commands while disconnected.

use crate::common::*;
use callpop_phone::backend::Target;
use callpop_phone::tracker::{CallEventKind, Outcome};
use callpop_phone::{Action, Backend, Connection, PhoneError};
use callpop_phone_sim::xuc::{AuthEndpoint, AuthOutcome, CallState, UserData};
use std::time::Duration;

/// Waits for the session to lose the server and find it again; returns the events seen
/// meanwhile.
async fn through_reconnect(
    session: &callpop_phone::Session,
    events: &mut tokio::sync::broadcast::Receiver<callpop_phone::tracker::CallEvent>,
) -> Vec<callpop_phone::tracker::CallEvent> {
    wait_state(session, "offline", |s| s.connection != Connection::Online).await;
    wait_state(session, "online again", |s| {
        s.connection == Connection::Online
    })
    .await;
    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        seen.push(event);
    }
    seen
}

#[tokio::test]
async fn a_dropped_connection_resyncs_without_ringing_again_or_losing_a_call() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    let talking = sim
        .ring("alice", "0611", "Talking", UserData::new())
        .expect("rings");
    sim.answer_at_phone(talking).expect("answered");
    let ringing = sim
        .ring("alice", "0622", "Ringing", UserData::new())
        .expect("rings");
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(next_event(&mut events).await.event);
    }
    assert_eq!(
        seen,
        [
            CallEventKind::Ringing,
            CallEventKind::Connected,
            CallEventKind::Ringing
        ]
    );
    let before = session.current().calls;

    sim.drop_sessions();
    let meanwhile = through_reconnect(&session, &mut events).await;
    assert!(
        meanwhile.is_empty(),
        "nothing happened to the calls: {meanwhile:?}"
    );
    assert_eq!(
        session.current().calls,
        before,
        "same calls, same lines, same ids"
    );
    // The token was still good: no second login.
    assert_eq!(logins(&sim), [AuthOutcome::Accepted]);
    assert_eq!(commands_named(&sim, "getCurrentCallsPhoneEvents").len(), 2);

    // The calls go on as before.
    let ringing_id = sim.call(ringing).expect("ringing").unique_id;
    let call = call_with(&session, &ringing_id);
    session
        .act(Some(&call.call), Action::Answer)
        .await
        .expect("answered after the reconnect");
    assert_eq!(
        sim.call(ringing).expect("call").state,
        CallState::Established
    );
    sim.hang_up_remote(talking).expect("the other hangs up");
    let mut ends = Vec::new();
    while ends.len() < 3 {
        ends.push(next_event(&mut events).await);
    }
    let ended = ends
        .iter()
        .find(|e| e.event == CallEventKind::Ended)
        .expect("the first call ended");
    assert_eq!(ended.number, "0611");
    assert_eq!(ended.outcome, Some(Outcome::Answered));
}

#[tokio::test]
async fn a_call_that_ended_during_the_outage_ends_and_a_new_one_rings() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    let gone = sim
        .ring("alice", "0611", "", UserData::new())
        .expect("rings");
    expect_event(&mut events, CallEventKind::Ringing).await;
    // The link breaks, and calls change while it is down.
    sim.drop_sessions();
    until("the link is down", || sim.open_sessions() == 0).await;
    sim.caller_gives_up(gone).expect("gives up");
    sim.ring("alice", "0622", "", UserData::new())
        .expect("rings");
    // The resync shows the first call gone (missed, once) and the second ringing (once).
    let mut seen = Vec::new();
    while seen.len() < 2 {
        seen.push(next_event(&mut events).await);
    }
    assert_eq!(
        seen.iter()
            .map(|e| (e.event, e.number.as_str()))
            .collect::<Vec<_>>(),
        [
            (CallEventKind::Missed, "0611"),
            (CallEventKind::Ringing, "0622")
        ]
    );
    assert_eq!(session.current().connection, Connection::Online);
    assert_eq!(sim.sessions().len(), 2, "one reconnect");
    expect_silence(&mut events, Duration::from_millis(300)).await;
}

#[tokio::test]
async fn after_a_server_restart_callpop_logs_in_again() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    let call = sim
        .ring("alice", "0611", "", UserData::new())
        .expect("rings");
    sim.answer_at_phone(call).expect("answered");
    expect_event(&mut events, CallEventKind::Ringing).await;
    expect_event(&mut events, CallEventKind::Connected).await;
    // The simulated restart forgets calls and tokens.
    sim.restart(Duration::from_millis(300)).await;
    let meanwhile = through_reconnect(&session, &mut events).await;
    let ended = match meanwhile.as_slice() {
        [ended] => ended.clone(),
        [] => expect_event(&mut events, CallEventKind::Ended).await,
        more => panic!("one end expected: {more:?}"),
    };
    assert_eq!(ended.event, CallEventKind::Ended);
    assert_eq!(ended.outcome, Some(Outcome::Answered));
    let cti: Vec<AuthOutcome> = sim
        .auth_records()
        .into_iter()
        .filter(|r| r.endpoint == AuthEndpoint::Cti)
        .map(|r| r.outcome)
        .collect();
    assert!(cti.contains(&AuthOutcome::InvalidToken), "{cti:?}");
    assert_eq!(logins(&sim), [AuthOutcome::Accepted, AuthOutcome::Accepted]);
    // Calls after the restart pop up as usual.
    sim.ring("alice", "0622", "", UserData::new())
        .expect("rings");
    let ringing = expect_event(&mut events, CallEventKind::Ringing).await;
    assert_eq!(ringing.number, "0622");
}

#[tokio::test]
async fn an_expired_token_is_replaced_by_a_new_login_on_reconnect() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    sim.ring("alice", "0611", "", UserData::new())
        .expect("rings");
    expect_event(&mut events, CallEventKind::Ringing).await;
    sim.expire_tokens();
    // An open websocket outlives its token.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(session.current().connection, Connection::Online);
    sim.drop_sessions();
    let meanwhile = through_reconnect(&session, &mut events).await;
    assert!(meanwhile.is_empty(), "no second ring: {meanwhile:?}");
    let cti: Vec<AuthOutcome> = sim
        .auth_records()
        .into_iter()
        .filter(|r| r.endpoint == AuthEndpoint::Cti)
        .map(|r| r.outcome)
        .collect();
    assert_eq!(
        cti,
        [
            AuthOutcome::Accepted,
            AuthOutcome::TokenExpired,
            AuthOutcome::Accepted
        ]
    );
    assert_eq!(logins(&sim), [AuthOutcome::Accepted, AuthOutcome::Accepted]);
}

#[tokio::test]
async fn junk_from_the_server_is_ignored() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    sim.send_malformed();
    for junk in [
        "not json at all",
        "[1,2,3]",
        "{}",
        r#"{"msgType":"SomethingNew","ctiMessage":{"x":1}}"#,
        r#"{"msgType":"PhoneEvent","ctiMessage":{"eventType":"EventRinging","otherDN":"0699"}}"#,
        r#"{"msgType":"PhoneEvent","ctiMessage":{"eventType":"EventSomethingElse","uniqueId":"9.9"}}"#,
        r#"{"msgType":"PhoneEvent","ctiMessage":{"eventType":"EventReleased","uniqueId":"9.9"}}"#,
        r#"{"msgType":"UserConfigUpdate","ctiMessage":{"dndEnabled":"maybe"}}"#,
        r#"{"msgType":"CurrentCallsPhoneEvents","ctiMessage":{"events":"none"}}"#,
        r#"{"msgType":"Error","ctiMessage":{"Error":"whatever"}}"#,
    ] {
        assert_eq!(sim.send_raw(junk), 1);
    }
    expect_silence(&mut events, Duration::from_millis(300)).await;
    let state = session.current();
    assert_eq!(state.connection, Connection::Online);
    assert!(state.lines.is_empty());
    assert_eq!(state.dnd, Some(false));
    assert_eq!(sim.sessions().len(), 1, "the link survived");
    sim.ring("alice", "0612", "", UserData::new())
        .expect("rings");
    expect_event(&mut events, CallEventKind::Ringing).await;
}

#[tokio::test]
async fn an_oversized_message_costs_the_link_not_the_call() {
    let sim = sim().await;
    let (session, mut events) = watch(alice(&sim)).await;
    sim.ring("alice", "0612", "", UserData::new())
        .expect("rings");
    expect_event(&mut events, CallEventKind::Ringing).await;
    let huge = format!(
        r#"{{"msgType":"Other","ctiMessage":{{"x":"{}"}}}}"#,
        "x".repeat(2 * 1024 * 1024)
    );
    sim.send_raw(&huge);
    let meanwhile = through_reconnect(&session, &mut events).await;
    assert!(meanwhile.is_empty(), "{meanwhile:?}");
    assert_eq!(session.current().calls.len(), 1);
}

#[tokio::test]
async fn a_server_that_stops_answering_is_given_up_and_found_again() {
    let sim = sim().await;
    let (session, _events) = watch(alice(&sim)).await;
    // With pings answered the quiet link stays up well past the silence limit.
    tokio::time::sleep(fast().silent_after * 2).await;
    assert_eq!(session.current().connection, Connection::Online);
    assert_eq!(sim.sessions().len(), 1);
    assert!(sim.sessions()[0].pings >= 2, "callpop pings");
    sim.answer_pings(false);
    let state = wait_state(&session, "offline", |s| {
        matches!(s.connection, Connection::Offline { .. })
    })
    .await;
    let Connection::Offline { error, .. } = state.connection else {
        unreachable!()
    };
    assert!(matches!(error, PhoneError::Timeout { .. }), "{error:?}");
    sim.answer_pings(true);
    wait_state(&session, "online again", |s| {
        s.connection == Connection::Online
    })
    .await;
    assert!(sim.sessions().len() >= 2);
}

#[tokio::test]
async fn commands_while_disconnected_fail_clearly() {
    let sim = sim().await;
    let xivo = alice(&sim);
    let target = Target {
        call: None,
        lines: &[],
        calls: &[],
    };
    let dial = Action::Dial {
        number: "0612".to_owned(),
        account: None,
    };
    let error = xivo
        .perform(&dial, &target)
        .await
        .expect_err("never connected");
    assert!(error.to_string().contains("not connected"), "{error}");
    let stream = xivo.connect().await.expect("connected");
    xivo.perform(&dial, &target).await.expect("dialed");
    until("the dial arrives", || {
        commands_named(&sim, "dial").len() == 1
    })
    .await;
    // The session dropping the stream ends the connection.
    drop(stream);
    until("the socket is closed", || sim.open_sessions() == 0).await;
    let mut closed = false;
    for _ in 0..100 {
        if let Err(error) = xivo.perform(&dial, &target).await {
            assert!(error.to_string().contains("not connected"), "{error}");
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(closed, "commands fail once the connection is gone");
}
