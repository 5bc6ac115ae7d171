//! Hangup, Status and CoreShowChannels while calls are up.

use callpop_phone_sim::ami::Party;

use super::client::{fast_config, logged_in};

#[tokio::test]
async fn hangup_by_name_uniqueid_and_regex() {
    let (sim, mut c) = logged_in(fast_config(), "call").await;
    let mut seen = Vec::new();
    let r = c
        .action(
            &[
                ("Action", "Hangup"),
                ("ActionID", "h"),
                ("Channel", "PJSIP/100-0000ffff"),
            ],
            &mut seen,
        )
        .await;
    assert_eq!(
        r.raw,
        "Response: Error\r\nActionID: h\r\nMessage: No such channel\r\n\r\n"
    );
    let r = c.action(&[("Action", "Hangup")], &mut seen).await;
    assert_eq!(r.get("Message"), "No channel specified");

    // A ringing phone hung up through AMI (reject from the computer).
    let call = sim.ring("+4930123456", "Jane", "100").expect("rings");
    c.sync().await;
    let mine = sim
        .channels()
        .into_iter()
        .find(|ch| ch.device == "PJSIP/100")
        .expect("ringing channel");
    let r = c
        .action(
            &[
                ("Action", "Hangup"),
                ("Channel", &mine.uniqueid),
                ("Cause", "21"),
            ],
            &mut seen,
        )
        .await;
    assert_eq!(r.get("Message"), "Channel Hungup");
    let got = c.sync().await;
    let soft = got
        .iter()
        .find(|m| m.event() == "SoftHangupRequest")
        .expect("soft");
    assert_eq!(soft.get("Cause"), "21");
    assert!(sim.channels().is_empty());
    assert!(sim.call(call).is_some());

    // Two calls up; a regex hangs up both phones' channels.
    for number in ["1", "2"] {
        let call = sim.ring(number, "", "100").expect("rings");
        sim.answer(call).expect("answers");
    }
    c.sync().await;
    c.send(&[
        ("Action", "Hangup"),
        ("ActionID", "rx"),
        ("Channel", "/^PJSIP/100-.*$/"),
    ])
    .await;
    let got = c.until_event("ChannelsHungupListComplete").await;
    assert_eq!(got[0].get("EventList"), "start");
    assert_eq!(got[0].get("Message"), "Channels hung up will follow");
    let hung: Vec<_> = got
        .iter()
        .filter(|m| m.event() == "ChannelHungup")
        .collect();
    assert_eq!(hung.len(), 2);
    assert_eq!(got.last().expect("complete").get("ListItems"), "2");
    c.sync().await;
    assert!(sim.channels().is_empty());
    let r = c
        .action(
            &[("Action", "Hangup"), ("Channel", "/PJSIP/100")],
            &mut seen,
        )
        .await;
    assert_eq!(
        r.get("Message"),
        "Regex format invalid, Channel param should be /regex/"
    );
}

#[tokio::test]
async fn core_show_channels_and_status_while_calls_are_up() {
    let (sim, mut c) = logged_in(fast_config(), "call").await;
    c.send(&[("Action", "CoreShowChannels"), ("ActionID", "s0")])
        .await;
    let empty = c.until_event("CoreShowChannelsComplete").await;
    assert_eq!(empty.len(), 2);
    assert_eq!(empty[1].get("ListItems"), "0");

    let up = sim.ring("+4930123456", "Jane", "100").expect("rings");
    sim.answer(up).expect("answers");
    sim.hold(up).expect("holds");
    sim.ring("+4940555", "Max", "201").expect("rings");
    c.sync().await;
    c.send(&[("Action", "CoreShowChannels"), ("ActionID", "s1")])
        .await;
    let got = c.until_event("CoreShowChannelsComplete").await;
    let rows: Vec<_> = got
        .iter()
        .filter(|m| m.event() == "CoreShowChannel")
        .collect();
    assert_eq!(rows.len(), 4);
    assert!(rows
        .iter()
        .all(|r| r.get("ActionID") == "s1" && !r.has("Privilege")));
    let bridged: Vec<_> = rows
        .iter()
        .filter(|r| !r.get("BridgeId").is_empty())
        .collect();
    assert_eq!(bridged.len(), 2);
    assert_eq!(bridged[0].get("BridgeId"), bridged[1].get("BridgeId"));
    assert_eq!(got.last().expect("complete").get("ListItems"), "4");

    let phone = sim
        .channels()
        .into_iter()
        .find(|ch| ch.device == "PJSIP/100")
        .expect("phone");
    c.send(&[
        ("Action", "Status"),
        ("ActionID", "st"),
        ("Channel", &phone.name),
    ])
    .await;
    let got = c.until_event("StatusComplete").await;
    assert_eq!(got[0].get("Message"), "Channel status will follow");
    let status = &got[1];
    assert_eq!(status.get("Privilege"), "Call");
    assert_eq!(status.get("Channel"), phone.name);
    assert_eq!(status.get("ConnectedLineNum"), "+4930123456");
    assert_eq!(
        status.get("BridgeID"),
        phone.bridge_id.clone().unwrap_or_default()
    );
    assert_eq!(status.headers.last().expect("fields").0, "ActionID");
    assert_eq!(got[2].get("Items"), "1");
    let mut seen = Vec::new();
    let r = c
        .action(
            &[("Action", "Status"), ("Channel", "PJSIP/nope-1")],
            &mut seen,
        )
        .await;
    assert_eq!(r.get("Message"), "No such channel");
    c.send(&[("Action", "Status")]).await;
    let all = c.until_event("StatusComplete").await;
    assert_eq!(all.iter().filter(|m| m.event() == "Status").count(), 4);

    let infos = sim.channels();
    let held = infos
        .iter()
        .find(|ch| ch.device == "PJSIP/trunk" && ch.bridge_id.is_some());
    assert!(held.expect("caller in the bridge").on_hold);
    sim.hangup(up, Party::Remote).expect("ends");
}
