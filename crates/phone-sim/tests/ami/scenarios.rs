//! Call scenarios the captures do not show, as Asterisk's source describes them.

use std::time::Duration;

use callpop_phone_sim::ami::{AmiSimConfig, CallPhase, Party};

use super::client::{fast_config, logged_in, Client, Msg};

fn find<'a>(msgs: &'a [Msg], event: &str, channel_prefix: &str) -> &'a Msg {
    msgs.iter()
        .find(|m| m.event() == event && m.get("Channel").starts_with(channel_prefix))
        .unwrap_or_else(|| panic!("no {event} on {channel_prefix} in {:?}", names(msgs)))
}

fn names(msgs: &[Msg]) -> Vec<String> {
    msgs.iter()
        .map(|m| format!("{} {}", m.event(), m.get("Channel")))
        .collect()
}

#[tokio::test]
async fn ring_group_answered_elsewhere_ends_my_channel_with_cause_26() {
    let (sim, mut c) = logged_in(fast_config(), "call").await;
    let call = sim
        .ring_group("+4930123456", "Jane", &["PJSIP/100", "PJSIP/201"])
        .expect("rings");
    let ring = c.sync().await;
    assert_eq!(ring.iter().filter(|m| m.event() == "DialBegin").count(), 2);
    sim.answered_elsewhere(call).expect("201 answers");
    let got = c.sync().await;
    let cancel = got
        .iter()
        .find(|m| m.event() == "DialEnd" && m.get("DestChannel").starts_with("PJSIP/100-"))
        .expect("DialEnd for my phone");
    assert_eq!(cancel.get("DialStatus"), "CANCEL");
    let mine = find(&got, "Hangup", "PJSIP/100-");
    assert_eq!(mine.get("Cause"), "26");
    assert_eq!(mine.get("Cause-txt"), "Answered elsewhere");
    let answer = got
        .iter()
        .find(|m| m.event() == "DialEnd" && m.get("DestChannel").starts_with("PJSIP/201-"))
        .expect("DialEnd for 201");
    assert_eq!(answer.get("DialStatus"), "ANSWER");
    let cancel_at = got.iter().position(|m| std::ptr::eq(m, cancel));
    let answer_at = got.iter().position(|m| std::ptr::eq(m, answer));
    assert!(
        cancel_at < answer_at,
        "app_dial cancels the others before reporting the answer"
    );
    find(&got, "BridgeEnter", "PJSIP/201-");
    assert_eq!(sim.call(call).expect("call").phase, CallPhase::Connected);
    let single = sim.ring("1", "", "100").expect("rings");
    assert!(
        sim.answered_elsewhere(single).is_err(),
        "needs a ring group"
    );
}

#[tokio::test]
async fn busy_and_rejected_phones() {
    let (sim, mut c) = logged_in(fast_config(), "call").await;
    for (cause, text, sip, status) in [
        (17, "User busy", "486", "BUSY"),
        (21, "Call Rejected", "603", "NOANSWER"),
    ] {
        let call = sim.ring("+4930123456", "", "100").expect("rings");
        let ring = c.sync().await;
        assert_eq!(
            find(&ring, "Newchannel", "PJSIP/trunk-").get("CallerIDName"),
            "<unknown>"
        );
        sim.reject(call, cause).expect("phone refuses");
        let got = c.sync().await;
        let end = got
            .iter()
            .find(|m| m.event() == "DialEnd")
            .expect("DialEnd");
        assert_eq!(end.get("DialStatus"), status);
        let mine = find(&got, "Hangup", "PJSIP/100-");
        assert_eq!(mine.get("Cause"), cause.to_string());
        assert_eq!(mine.get("Cause-txt"), text);
        assert_eq!(mine.get("TechCause"), sip);
        let caller = find(&got, "Hangup", "PJSIP/trunk-");
        assert_eq!(caller.get("Cause"), cause.to_string());
        assert!(sim.channels().is_empty());
    }
}

#[tokio::test]
async fn the_phone_hangs_up_an_inbound_call() {
    let (sim, mut c) = logged_in(fast_config(), "call").await;
    let call = sim.ring("+4930123456", "Jane", "100").expect("rings");
    sim.answer(call).expect("answers");
    c.sync().await;
    sim.hangup(call, Party::Phone).expect("hangs up");
    let got = c.sync().await;
    let order: Vec<String> = got
        .iter()
        .map(|m| {
            format!(
                "{} {}",
                m.event(),
                m.get("Channel").split('-').next().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            "HangupRequest PJSIP/100",
            "BridgeLeave PJSIP/100",
            "BridgeLeave PJSIP/trunk",
            "BridgeDestroy ",
            "Hangup PJSIP/100",
            "DeviceStateChange ",
            "Hangup PJSIP/trunk",
            "DeviceStateChange ",
        ]
    );
    assert!(sim.hangup(call, Party::Phone).is_err(), "ended");
}

#[tokio::test]
async fn the_phone_dials_out_and_the_far_end_answers() {
    let (sim, mut c) = logged_in(fast_config(), "call").await;
    let call = sim.dial("PJSIP/100", "+4930999").expect("dials");
    let got = c.sync().await;
    let mine = find(&got, "Newchannel", "PJSIP/100-");
    assert_eq!(mine.get("ChannelStateDesc"), "Ring");
    assert_eq!(mine.get("Exten"), "+4930999");
    let begin = find(&got, "DialBegin", "PJSIP/100-");
    assert_eq!(begin.get("DialString"), "+4930999@trunk");
    sim.answer(call).expect("far end answers");
    let got = c.sync().await;
    let connected = find(&got, "NewConnectedLine", "PJSIP/100-");
    assert_eq!(connected.get("ConnectedLineNum"), "+4930999");
    find(&got, "BridgeEnter", "PJSIP/100-");
    sim.hold(call).expect("holds");
    let got = c.sync().await;
    assert_eq!(
        find(&got, "Hold", "PJSIP/100-").get("MusicClass"),
        "default"
    );
    sim.hangup(call, Party::Remote).expect("far end hangs up");
    let got = c.sync().await;
    assert_eq!(
        find(&got, "HangupRequest", "PJSIP/trunk-").get("Cause"),
        "16"
    );
}

#[tokio::test]
async fn dial_timeout_gives_up_on_an_unanswered_phone() {
    let config = AmiSimConfig {
        ring_timeout: Duration::from_millis(30),
        ..fast_config()
    };
    let (sim, mut c) = logged_in(config, "call").await;
    let call = sim.ring("+4930123456", "Jane", "100").expect("rings");
    let got = c.until_event("Hangup").await;
    let got: Vec<Msg> = got
        .into_iter()
        .chain(c.until_event("Hangup").await)
        .collect();
    let end = got
        .iter()
        .find(|m| m.event() == "DialEnd")
        .expect("DialEnd");
    assert_eq!(end.get("DialStatus"), "NOANSWER");
    assert_eq!(sim.call(call).expect("call").phase, CallPhase::Ended);
}

#[tokio::test]
async fn redirect_is_a_blind_transfer() {
    let (sim, mut c) = logged_in(fast_config(), "call").await;
    let call = sim.ring("+4930123456", "Jane", "100").expect("rings");
    sim.answer(call).expect("answers");
    c.sync().await;
    let trunk = sim
        .channels()
        .into_iter()
        .find(|ch| ch.device == "PJSIP/trunk")
        .expect("caller channel");
    let mut seen = Vec::new();
    let r = c
        .action(
            &[
                ("Action", "Redirect"),
                ("ActionID", "r1"),
                ("Channel", &trunk.name),
                ("Exten", "201"),
                ("Context", "internal"),
                ("Priority", "1"),
            ],
            &mut seen,
        )
        .await;
    assert_eq!(
        r.raw,
        "Response: Success\r\nActionID: r1\r\nMessage: Redirect successful\r\n\r\n"
    );
    let got = c.sync().await;
    let mine = find(&got, "Hangup", "PJSIP/100-");
    assert_eq!(mine.get("Cause"), "16");
    let begin = find(&got, "DialBegin", "PJSIP/trunk-");
    assert!(begin.get("DestChannel").starts_with("PJSIP/201-"));
    assert_eq!(begin.get("Linkedid"), trunk.linkedid);
    sim.answer(call).expect("201 answers");
    let got = c.sync().await;
    find(&got, "BridgeEnter", "PJSIP/201-");
    sim.hold(call).expect("201 is now the phone in this call");

    for (pairs, message) in [
        (vec![("Action", "Redirect")], "Channel not specified"),
        (
            vec![("Action", "Redirect"), ("Channel", "x")],
            "Context not specified",
        ),
        (
            vec![
                ("Action", "Redirect"),
                ("Channel", "x"),
                ("Context", "internal"),
            ],
            "Exten not specified",
        ),
        (
            vec![
                ("Action", "Redirect"),
                ("Channel", "x"),
                ("Context", "internal"),
                ("Exten", "1"),
            ],
            "Priority not specified",
        ),
        (
            vec![
                ("Action", "Redirect"),
                ("Channel", "x"),
                ("Context", "internal"),
                ("Exten", "1"),
                ("Priority", "first"),
            ],
            "Priority is invalid",
        ),
        (
            vec![
                ("Action", "Redirect"),
                ("Channel", "PJSIP/999-00000001"),
                ("Context", "internal"),
                ("Exten", "1"),
                ("Priority", "1"),
            ],
            "Channel does not exist: PJSIP/999-00000001",
        ),
    ] {
        let r = c.action(&pairs, &mut seen).await;
        assert_eq!(r.get("Response"), "Error");
        assert_eq!(r.get("Message"), message);
    }
}

#[tokio::test]
async fn sync_originate_answers_after_the_phone_does() {
    let (sim, mut c) = logged_in(fast_config(), "call").await;
    c.send(&[
        ("Action", "Originate"),
        ("ActionID", "o1"),
        ("Channel", "PJSIP/100"),
        ("Context", "internal"),
        ("Exten", "0301234567"),
        ("Priority", "1"),
        ("CallerID", "<0301234567>"),
    ])
    .await;
    // Nothing comes back while the phone rings: the session waits like Asterisk's does.
    assert!(c.read_within(Duration::from_millis(100)).await.is_err());
    let call = sim.calls().last().expect("call").id;
    sim.answer(call).expect("the phone answers");
    let response = c.read().await.expect("response");
    assert_eq!(
        response.raw,
        "Response: Success\r\nActionID: o1\r\nMessage: Originate successfully queued\r\n\r\n"
    );
    let after = c.sync().await;
    assert_eq!(after.first().map(Msg::event), Some("Newchannel"));
    assert!(
        after.iter().all(|m| m.event() != "OriginateResponse"),
        "sync: no event"
    );
    let mine = find(&after, "NewCallerid", "PJSIP/100-");
    assert_eq!(mine.get("CallerIDNum"), "0301234567");
    assert_eq!(
        mine.get("CallerIDName"),
        "Desk Alice",
        "a number-only CallerID keeps the name"
    );

    // Refused at the phone: "Originate failed".
    c.send(&[
        ("Action", "Originate"),
        ("ActionID", "o2"),
        ("Channel", "PJSIP/100"),
        ("Context", "internal"),
        ("Exten", "201"),
        ("Priority", "1"),
    ])
    .await;
    let second = loop {
        let calls = sim.calls();
        let last = calls.last().expect("call");
        if last.id != call && last.phase == CallPhase::Originating {
            break last.id;
        }
        tokio::task::yield_now().await;
    };
    sim.reject(second, 17).expect("busy");
    let response = c.read().await.expect("response");
    assert_eq!(response.get("Message"), "Originate failed");
}

#[tokio::test]
async fn async_originate_failures_report_originate_response() {
    let config = AmiSimConfig { ..fast_config() };
    let (sim, mut c) = logged_in(config, "call").await;
    let mut seen = Vec::new();
    // An unknown endpoint: queued, then a failure without any channel.
    let r = c
        .action(
            &[
                ("Action", "Originate"),
                ("ActionID", "u1"),
                ("Channel", "PJSIP/999"),
                ("Context", "internal"),
                ("Exten", "201"),
                ("Priority", "1"),
                ("Async", "yes"),
                ("ChannelId", "cid-1"),
            ],
            &mut seen,
        )
        .await;
    assert_eq!(r.get("Message"), "Originate successfully queued");
    let got = c.sync().await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(
        got[0].names(),
        [
            "Event",
            "Privilege",
            "ActionID",
            "Response",
            "Channel",
            "Context",
            "Exten",
            "Reason",
            "Uniqueid",
            "CallerIDNum",
            "CallerIDName"
        ]
    );
    assert_eq!(got[0].get("Response"), "Failure");
    assert_eq!(got[0].get("Channel"), "PJSIP/999");
    assert_eq!(got[0].get("Reason"), "0");
    assert_eq!(got[0].get("Uniqueid"), "cid-1");

    // The phone does not answer before Timeout: Reason 3, cause 19.
    c.send(&[
        ("Action", "Originate"),
        ("ActionID", "t1"),
        ("Channel", "PJSIP/100"),
        ("Context", "internal"),
        ("Exten", "201"),
        ("Priority", "1"),
        ("Async", "true"),
        ("Timeout", "30"),
    ])
    .await;
    let got = c.until_event("OriginateResponse").await;
    let hangup = find(&got, "Hangup", "PJSIP/100-");
    assert_eq!(hangup.get("Cause"), "19");
    let response = got.last().expect("response");
    assert_eq!(response.get("Response"), "Failure");
    assert_eq!(response.get("Reason"), "3");
    assert_eq!(response.get("ActionID"), "t1");
    assert!(sim.channels().is_empty());

    let r = c
        .action(
            &[
                ("Action", "Originate"),
                ("Channel", "PJSIP/100"),
                ("Context", "nowhere"),
                ("Exten", "201"),
                ("Priority", "1"),
            ],
            &mut seen,
        )
        .await;
    assert_eq!(r.get("Message"), "Originate failed");
}

#[tokio::test]
async fn originate_to_an_application_stays_up_alone() {
    let config = AmiSimConfig { ..fast_config() };
    let (sim, mut c) = logged_in(config, "call").await;
    let mut seen = Vec::new();
    c.action(
        &[
            ("Action", "Originate"),
            ("Channel", "PJSIP/100"),
            ("Application", "Playback"),
            ("Data", "hello-world"),
            ("Async", "1"),
            (
                "Variable",
                "PJSIP_HEADER(add,Alert-Info)=<http://x>\\;info=alert-autoanswer\\;answer-after=0",
            ),
        ],
        &mut seen,
    )
    .await;
    let got = c.until_event("OriginateResponse").await;
    let response = got.last().expect("response");
    assert_eq!(response.get("Application"), "Playback");
    assert_eq!(response.get("Data"), "hello-world");
    assert_eq!(response.get("Response"), "Success");
    let call = sim.calls().last().expect("call").id;
    assert_eq!(sim.call(call).expect("call").phase, CallPhase::Up);
    sim.hangup(call, Party::Phone).expect("hangs up");
    assert!(sim.channels().is_empty());
}

#[tokio::test]
async fn two_clients_see_the_same_events_in_the_same_order() {
    let (sim, mut a) = logged_in(fast_config(), "call").await;
    let mut b = Client::connect(sim.addr()).await;
    b.login("callpop", "s3cret", "call").await;
    let call = sim.ring("+4930123456", "Jane", "100").expect("rings");
    sim.answer(call).expect("answers");
    sim.hangup(call, Party::Remote).expect("ends");
    let (ea, eb) = (a.sync().await, b.sync().await);
    assert!(!ea.is_empty());
    assert_eq!(
        ea.iter().map(|m| m.raw.clone()).collect::<Vec<_>>(),
        eb.iter().map(|m| m.raw.clone()).collect::<Vec<_>>()
    );
}
