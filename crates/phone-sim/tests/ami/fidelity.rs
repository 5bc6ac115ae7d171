//! The simulator against the captures of a real Asterisk 22: the same scenario must produce
//! the same messages (names, field order, values apart from ids and times).

use std::time::Duration;

use callpop_phone_sim::ami::{AmiSimConfig, Party};

use super::capture::{self, assert_same_events, assert_same_fields, assert_same_stream};
use super::client::{events, fast_config, logged_in, start, Client, Msg};

/// Default timings where the capture's text depends on them (`Dial(PJSIP/100,20)`).
fn capture_config() -> AmiSimConfig {
    AmiSimConfig {
        auth_failure_delay: Duration::from_millis(50),
        far_end_answer_delay: None,
        ..AmiSimConfig::default()
    }
}

async fn logoff(client: &mut Client) -> Msg {
    client
        .send(&[("Action", "Logoff"), ("ActionID", "bye")])
        .await;
    let goodbye = client.read().await.expect("goodbye");
    assert!(client.read().await.is_none(), "closed after Goodbye");
    goodbye
}

#[tokio::test]
async fn capture_01_inbound_answered_hold_caller_hangs_up() {
    let cap = capture::load("01_inbound_answered_hold.txt");
    let sim = start(capture_config()).await;
    let mut client = Client::connect(sim.addr()).await;
    assert_eq!(client.banner, "Asterisk Call Manager/11.0.0\r\n");
    let mut got = vec![client.login("callpop", "s3cret", "on").await];
    let call = sim
        .ring("+4930123456", "Jane Customer", "PJSIP/100")
        .expect("rings");
    got.extend(client.sync().await);
    sim.answer(call).expect("answers");
    got.extend(client.sync().await);
    sim.hold(call).expect("holds");
    got.extend(client.sync().await);
    sim.unhold(call).expect("resumes");
    got.extend(client.sync().await);
    sim.hangup(call, Party::Remote).expect("caller hangs up");
    got.extend(client.sync().await);
    got.push(logoff(&mut client).await);
    assert_same_stream(&cap.server, &got);
    assert!(sim.channels().is_empty());
}

#[tokio::test]
async fn capture_05_filters_snapshot_and_missed_call() {
    let cap = capture::load("05_filter_snapshot.txt");
    let (sim, mut client) = logged_in(capture_config(), "call").await;
    let mut got = vec![Msg::parse(
        "Response: Success\r\nActionID: l1\r\nMessage: Authentication accepted\r\n\r\n",
    )];
    for filter in &cap.client[1..3] {
        let pairs: Vec<(&str, &str)> = filter
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        got.push(client.action(&pairs, &mut got.clone()).await);
    }
    let call = sim
        .ring("+4930123456", "Jane Customer", "PJSIP/100")
        .expect("rings");
    got.extend(client.sync().await);
    client
        .send(&[("Action", "CoreShowChannels"), ("ActionID", "s1")])
        .await;
    got.extend(client.until_event("CoreShowChannelsComplete").await);
    client
        .send(&[("Action", "DeviceStateList"), ("ActionID", "d1")])
        .await;
    got.extend(client.until_event("DeviceStateListComplete").await);
    let mut seen = Vec::new();
    got.push(
        client
            .action(&[("Action", "Ping"), ("ActionID", "p1")], &mut seen)
            .await,
    );
    assert!(seen.is_empty());
    sim.give_up(call).expect("caller gives up");
    got.extend(client.sync().await);
    got.push(logoff(&mut client).await);
    assert_same_stream(&cap.server, &got);
}

#[tokio::test]
async fn capture_04_failed_login_waits_answers_and_closes() {
    let cap = capture::load("04_login_failed.txt");
    let sim = start(fast_config()).await;
    let mut client = Client::connect(sim.addr()).await;
    let response = client.login("callpop", "wrong", "on").await;
    assert_same_stream(&cap.server, &[response]);
    // Asterisk closes the session: the capture's Logoff gets no answer.
    client
        .send(&[("Action", "Logoff"), ("ActionID", "bye")])
        .await;
    assert!(client.read().await.is_none());
    let logins: Vec<_> = sim
        .actions()
        .into_iter()
        .filter(|a| a.is("Login"))
        .collect();
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0].login_accepted, Some(false));
}

/// Runs an originate capture's client actions against the simulator; `answer_phone` answers
/// the ringing desk phone by hand (capture 03 has no auto-answer header).
async fn replay_originate(
    name: &str,
    events_mask: &str,
    answer_phone: bool,
) -> (Vec<Msg>, Vec<Msg>) {
    let cap = capture::load(name);
    let config = AmiSimConfig {
        far_end_answer_delay: Some(Duration::from_millis(5)),
        auto_answer_delay: Duration::from_millis(5),
        ..capture_config()
    };
    let (sim, mut client) = logged_in(config, events_mask).await;
    let originate = cap
        .client
        .iter()
        .find(|m| m.get("Action") == "Originate")
        .expect("originate");
    let pairs: Vec<(&str, &str)> = originate
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut got = Vec::new();
    let response = client.action(&pairs, &mut got).await;
    assert_eq!(response.get("Message"), "Originate successfully queued");
    got.push(response);
    if answer_phone {
        got.extend(client.until_event("DialState").await);
        let call = sim.calls().last().expect("a call").id;
        sim.answer(call).expect("the desk phone answers");
    }
    got.extend(client.until_event("BridgeEnter").await);
    got.extend(client.until_event("BridgeEnter").await);
    let phone = sim
        .channels()
        .into_iter()
        .find(|c| c.device == "PJSIP/100")
        .expect("phone channel");
    let hangup = cap
        .client
        .iter()
        .find(|m| m.get("Action") == "Hangup")
        .expect("hangup");
    let id = hangup.get("ActionID").to_owned();
    let response = client
        .action(
            &[
                ("Action", "Hangup"),
                ("ActionID", &id),
                ("Channel", &phone.name),
            ],
            &mut got,
        )
        .await;
    assert_eq!(response.get("Message"), "Channel Hungup");
    got.push(response);
    got.extend(client.sync().await);
    assert!(sim.channels().is_empty());
    (cap.server, got)
}

fn position(msgs: &[&Msg], pred: impl Fn(&Msg) -> bool) -> usize {
    msgs.iter().position(|m| pred(m)).expect("event present")
}

/// The order every originate capture shows, whatever else varies.
fn assert_originate_milestones(got: &[&Msg]) {
    let phone = |m: &Msg| m.get("Channel").starts_with("PJSIP/100-");
    let trunk = |m: &Msg| m.get("Channel").starts_with("PJSIP/trunk-");
    let order = [
        position(got, |m| m.event() == "Newchannel" && phone(m)),
        position(got, |m| {
            m.event() == "Newstate" && phone(m) && m.get("ChannelStateDesc") == "Ringing"
        }),
        position(got, |m| {
            m.event() == "Newstate" && phone(m) && m.get("ChannelStateDesc") == "Up"
        }),
        position(got, |m| m.event() == "OriginateResponse"),
        position(got, |m| m.event() == "Newchannel" && trunk(m)),
        position(got, |m| m.event() == "DialBegin" && phone(m)),
        position(got, |m| {
            m.event() == "Newstate" && trunk(m) && m.get("ChannelStateDesc") == "Up"
        }),
        position(got, |m| m.event() == "BridgeCreate"),
        position(got, |m| m.event() == "BridgeLeave"),
        position(got, |m| m.event() == "Hangup"),
    ];
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "milestones out of order: {order:?}"
    );
}

#[tokio::test]
async fn capture_03_originate_answered_at_the_phone_then_hangup() {
    let (captured, got) =
        replay_originate("03_originate_then_hangup.txt", "call,system", true).await;
    let captured = &captured[..captured.len() - 1]; // the Goodbye
                                                    // FullyBooted came with the login response: not part of the call.
    let not_boot = |m: &&Msg| m.event() != "FullyBooted";
    let ce: Vec<&Msg> = events(captured).into_iter().filter(not_boot).collect();
    let ge: Vec<&Msg> = events(&got).into_iter().filter(not_boot).collect();
    assert_same_events(&ce, &ge);
    assert_same_fields(&ce, &ge);
    assert_originate_milestones(&ge);
    let responses: Vec<&Msg> = got
        .iter()
        .filter(|m| m.has("Response") && !m.has("Event"))
        .collect();
    let captured_responses: Vec<&Msg> = captured
        .iter()
        .filter(|m| m.has("Response") && !m.has("Event") && m.get("ActionID") != "l1")
        .collect();
    assert_eq!(
        responses.iter().map(|m| m.raw.clone()).collect::<Vec<_>>(),
        captured_responses
            .iter()
            .map(|m| m.raw.clone())
            .collect::<Vec<_>>()
    );
    let response = ge
        .iter()
        .find(|m| m.event() == "OriginateResponse")
        .expect("response");
    assert_eq!(response.get("ActionID"), "o1");
}

#[tokio::test]
async fn capture_07_originate_predial_autoanswer_with_channel_id() {
    let (captured, got) = replay_originate("07_originate_autoanswer.txt", "call", false).await;
    let captured = &captured[2..captured.len() - 1]; // login response, Goodbye
    let (ce, ge) = (events(captured), events(&got));
    assert_same_events(&ce, &ge);
    assert_same_fields(&ce, &ge);
    assert_originate_milestones(&ge);
    let phone_events: Vec<&&Msg> = ge
        .iter()
        .filter(|m| m.get("Channel").starts_with("PJSIP/100-") && m.has("Linkedid"))
        .collect();
    assert!(phone_events.len() > 5);
    assert!(phone_events
        .iter()
        .all(|m| m.get("Uniqueid") == "callpop-req-42" && m.get("Linkedid") == "callpop-req-42"));
    let response = ge
        .iter()
        .find(|m| m.event() == "OriginateResponse")
        .expect("response");
    assert_eq!(response.get("Uniqueid"), "callpop-req-42");
    assert_eq!(response.get("ActionID"), "o2");
    let trunk = ge
        .iter()
        .find(|m| m.get("Channel").starts_with("PJSIP/trunk-"))
        .expect("trunk");
    assert_eq!(trunk.get("Linkedid"), "callpop-req-42");
    assert_ne!(trunk.get("Uniqueid"), "callpop-req-42");
}

#[tokio::test]
async fn capture_09_originate_with_answer_header() {
    let (captured, got) =
        replay_originate("09_originate_async_var_header.txt", "call", false).await;
    let captured = &captured[2..captured.len() - 1];
    let (ce, ge) = (events(captured), events(&got));
    assert_same_events(&ce, &ge);
    assert_originate_milestones(&ge);
    let response = ge
        .iter()
        .find(|m| m.event() == "OriginateResponse")
        .expect("response");
    assert_eq!(response.get("Uniqueid"), "callpop-req-44");
}
