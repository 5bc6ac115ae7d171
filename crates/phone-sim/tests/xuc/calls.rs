//! Calls: every command and the PhoneEvents it causes, current calls, concurrency.

use std::collections::BTreeMap;
use std::time::Duration;

use callpop_phone_sim::xuc::{
    CallDirection, CallState, CommandOutcome, PhoneStatus, UserData, XucSimConfig, XucUser,
};
use serde_json::{json, Value};

use crate::common::{config, start, start_default, Cti};

fn data(pairs: &[(&str, &str)]) -> UserData {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn statuses(messages: &[Value]) -> Vec<String> {
    messages
        .iter()
        .filter(|m| m["msgType"] == "PhoneStatusUpdate")
        .map(|m| {
            m["ctiMessage"]["status"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn an_incoming_call_rings_is_answered_held_resumed_and_hung_up() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    let call = sim
        .ring(
            "alice",
            "0427466347",
            "Bruce Wail",
            data(&[("USR_var1", "val1")]),
        )
        .expect("rings");

    let ringing = cti.next().await;
    assert_eq!(ringing["msgType"], "PhoneEvent");
    let e = &ringing["ctiMessage"];
    assert_eq!(e["eventType"], "EventRinging");
    assert_eq!(e["DN"], "1000");
    assert_eq!(e["otherDN"], "0427466347");
    assert_eq!(e["otherDName"], "Bruce Wail");
    assert_eq!(e["callDirection"], "Incoming");
    assert!(e.get("queueName").is_none());
    let linked_id = e["linkedId"].as_str().expect("linkedId").to_owned();
    let unique_id = e["uniqueId"].as_str().expect("uniqueId").to_owned();
    assert_ne!(linked_id, unique_id, "the caller's channel names the call");
    for id in [&linked_id, &unique_id] {
        let (seconds, sequence) = id.split_once('.').expect("asterisk-style id");
        assert!(
            seconds.parse::<u64>().is_ok() && sequence.parse::<u64>().is_ok(),
            "{id}"
        );
    }
    let user_data: BTreeMap<String, String> =
        serde_json::from_value(e["userData"].clone()).expect("userData is a string map");
    assert_eq!(user_data["XIVO_USERID"], "1");
    assert_eq!(user_data["XIVO_SRCNUM"], "0427466347");
    assert_eq!(user_data["XIVO_DSTNUM"], "1000");
    assert_eq!(user_data["XIVO_CONTEXT"], "from-extern");
    assert_eq!(user_data["USR_var1"], "val1");
    assert_eq!(
        cti.next().await,
        json!({"msgType": "PhoneStatusUpdate", "ctiMessage": {"status": "RINGING"}})
    );
    let snapshot = sim.call(call).expect("in progress");
    assert_eq!(snapshot.state, CallState::Ringing);
    assert_eq!(snapshot.direction, CallDirection::Incoming);
    assert_eq!(snapshot.unique_id, unique_id);

    cti.command("answer", json!({})).await;
    let established = cti.event("EventEstablished").await;
    assert_eq!(established["uniqueId"], unique_id.as_str());
    assert_eq!(established["linkedId"], linked_id.as_str());
    assert_eq!(
        sim.call(call).expect("in progress").state,
        CallState::Established
    );

    cti.command("hold", json!({})).await;
    cti.event("EventOnHold").await;
    assert_eq!(
        sim.call(call).expect("in progress").state,
        CallState::OnHold
    );
    cti.command("hold", json!({})).await;
    cti.event("EventEstablished").await;

    cti.command("hangup", json!({})).await;
    let released = cti.event("EventReleased").await;
    assert_eq!(released["uniqueId"], unique_id.as_str());
    assert!(sim.calls().is_empty());
    let after = cti.barrier().await;
    assert_eq!(statuses(&after), ["AVAILABLE"]);

    let commands: Vec<(Option<String>, CommandOutcome)> = sim.sessions()[0]
        .commands
        .iter()
        .map(|c| (c.command.clone(), c.outcome))
        .collect();
    let done = |c: &str| (Some(c.to_owned()), CommandOutcome::Done);
    assert_eq!(
        commands,
        [done("answer"), done("hold"), done("hold"), done("hangup")]
    );
}

#[tokio::test]
async fn phone_status_follows_the_calls() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    let first = sim.ring("alice", "1", "", UserData::new()).expect("rings");
    sim.answer_at_phone(first).expect("answers");
    let second = sim
        .ring("alice", "2", "", UserData::new())
        .expect("call waiting");
    sim.answer_at_phone(second).expect("answers the second");
    sim.hang_up_remote(second).expect("hangs up");
    sim.hang_up_remote(first).expect("hangs up");
    let events: Vec<String> = cti
        .barrier()
        .await
        .iter()
        .map(|m| {
            let kind = m["msgType"].as_str().unwrap_or_default();
            let detail = m["ctiMessage"]["eventType"]
                .as_str()
                .or(m["ctiMessage"]["status"].as_str())
                .unwrap_or_default();
            format!("{kind}:{detail}")
        })
        .collect();
    assert_eq!(
        events,
        [
            "PhoneEvent:EventRinging",
            "PhoneStatusUpdate:RINGING",
            "PhoneEvent:EventEstablished",
            "PhoneStatusUpdate:CALLING",
            "PhoneEvent:EventRinging",
            "PhoneStatusUpdate:BUSY_AND_RINGING",
            // Answering the waiting call holds the first one, as a desk phone does.
            "PhoneEvent:EventOnHold",
            "PhoneEvent:EventEstablished",
            "PhoneStatusUpdate:CALLING",
            "PhoneEvent:EventReleased",
            "PhoneStatusUpdate:ONHOLD",
            "PhoneEvent:EventReleased",
            "PhoneStatusUpdate:AVAILABLE",
        ]
    );
    assert_eq!(sim.users()[0].phone_status, PhoneStatus::Available);
}

#[tokio::test]
async fn commands_may_name_the_call_by_unique_id() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    let first = sim
        .ring("alice", "111", "First", UserData::new())
        .expect("rings");
    let second = sim
        .ring("alice", "222", "Second", UserData::new())
        .expect("rings");
    let second_id = sim.call(second).expect("ringing").unique_id;
    cti.barrier().await;

    cti.command("answer", json!({"uniqueId": "no-such-call"}))
        .await;
    assert!(cti.barrier().await.is_empty());
    cti.command("answer", json!({"uniqueId": second_id})).await;
    let answered = cti.event("EventEstablished").await;
    assert_eq!(answered["otherDN"], "222");
    assert_eq!(
        sim.call(first).expect("still ringing").state,
        CallState::Ringing
    );

    cti.command(
        "hangup",
        json!({"uniqueId": sim.call(first).expect("ringing").unique_id}),
    )
    .await;
    let released = cti.event("EventReleased").await;
    assert_eq!(released["otherDN"], "111");
    assert_eq!(sim.calls().len(), 1);
    let outcomes: Vec<CommandOutcome> = sim.sessions()[0]
        .commands
        .iter()
        .map(|c| c.outcome)
        .collect();
    assert_eq!(
        outcomes,
        [
            CommandOutcome::Ignored,
            CommandOutcome::Done,
            CommandOutcome::Done
        ]
    );
}

#[tokio::test]
async fn dial_reports_dialing_then_established_when_the_far_end_answers() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "bob").await;
    cti.command(
        "dial",
        json!({"destination": "0612345678", "variables": {"var1": "v1", "USR_var2": "v2"}}),
    )
    .await;
    let dialing = cti.event("EventDialing").await;
    assert_eq!(dialing["DN"], "1001");
    assert_eq!(dialing["otherDN"], "0612345678");
    assert_eq!(dialing["callDirection"], "Outgoing");
    assert_eq!(dialing["linkedId"], dialing["uniqueId"]);
    assert_eq!(dialing["userData"]["USR_var1"], "v1");
    assert_eq!(dialing["userData"]["USR_var2"], "v2");
    assert_eq!(dialing["userData"]["XIVO_DSTNUM"], "0612345678");
    let calls = sim.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].state, CallState::Dialing);
    assert_eq!(calls[0].direction, CallDirection::Outgoing);
    // Nothing else happens until the far end answers.
    assert_eq!(statuses(&cti.barrier().await), ["CALLING"]);
    sim.remote_answer(calls[0].id).expect("answers");
    let established = cti.event("EventEstablished").await;
    assert_eq!(established["uniqueId"], dialing["uniqueId"]);
    sim.hang_up_remote(calls[0].id).expect("hangs up");
    cti.event("EventReleased").await;
    let dial = &sim.sessions()[0].commands[0];
    assert_eq!(dial.command.as_deref(), Some("dial"));
    assert_eq!(dial.message["destination"], "0612345678");
}

#[tokio::test]
async fn the_far_end_answers_by_itself_after_the_configured_delay() {
    let sim = start(XucSimConfig {
        remote_answer_after: Some(Duration::from_millis(50)),
        ..config()
    })
    .await;
    let mut cti = Cti::open(&sim, "alice").await;
    cti.command("dial", json!({"destination": "3000"})).await;
    cti.event("EventDialing").await;
    cti.event("EventEstablished").await;
    assert_eq!(sim.calls()[0].state, CallState::Established);
}

#[tokio::test]
async fn callers_giving_up_and_remote_hangups_release_calls() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    let missed = sim
        .ring("alice", "0101", "Quick", UserData::new())
        .expect("rings");
    cti.event("EventRinging").await;
    sim.caller_gives_up(missed).expect("gives up");
    let released = cti.event("EventReleased").await;
    assert_eq!(released["otherDN"], "0101");

    let call = sim
        .ring("alice", "0202", "Slow", UserData::new())
        .expect("rings");
    assert!(sim.caller_gives_up(call).is_ok());
    assert!(sim.caller_gives_up(call).is_err(), "already gone");
    let call = sim
        .ring("alice", "0303", "", UserData::new())
        .expect("rings");
    sim.answer_at_phone(call).expect("answers");
    assert!(
        sim.caller_gives_up(call).is_err(),
        "answered calls are not missed"
    );
    sim.hang_up_remote(call).expect("hangs up");
    assert!(sim.calls().is_empty());
}

#[tokio::test]
async fn current_calls_describe_every_call_in_progress() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    cti.command("getCurrentCallsPhoneEvents", json!({})).await;
    assert_eq!(
        cti.expect("CurrentCallsPhoneEvents").await,
        json!({"events": []})
    );

    let talking = sim
        .ring("alice", "0101", "Ann", UserData::new())
        .expect("rings");
    sim.answer_at_phone(talking).expect("answers");
    sim.ring_from_queue("alice", "bluesky", "0202", "Ben", UserData::new())
        .expect("call waiting");
    // Bob's call is not Alice's business.
    sim.ring("bob", "0303", "", UserData::new())
        .expect("rings bob");
    cti.barrier().await;

    cti.command("getCurrentCallsPhoneEvents", json!({})).await;
    let current = cti.expect("CurrentCallsPhoneEvents").await;
    let events = current["events"].as_array().expect("events");
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["eventType"], "EventEstablished");
    assert_eq!(events[0]["otherDName"], "Ann");
    assert_eq!(events[1]["eventType"], "EventRinging");
    assert_eq!(events[1]["queueName"], "bluesky");
    assert_eq!(events[1]["DN"], "1000");
    assert_eq!(
        events[0]["uniqueId"],
        sim.call(talking).expect("talking").unique_id.as_str()
    );
}

#[tokio::test]
async fn set_data_attaches_usr_variables_to_later_events() {
    let sim = start_default().await;
    let mut cti = Cti::open(&sim, "alice").await;
    cti.command("setData", json!({"variables": {"var1": "x"}}))
        .await;
    assert!(
        cti.barrier().await.is_empty(),
        "no call: nothing to attach to"
    );
    let call = sim
        .ring("alice", "0101", "", UserData::new())
        .expect("rings");
    sim.answer_at_phone(call).expect("answers");
    cti.barrier().await;
    cti.command(
        "setData",
        json!({"variables": {"var1": "val1", "USR_var2": "val2"}}),
    )
    .await;
    cti.command("hold", json!({})).await;
    let held = cti.event("EventOnHold").await;
    assert_eq!(held["userData"]["USR_var1"], "val1");
    assert_eq!(held["userData"]["USR_var2"], "val2");
    assert!(held["userData"].get("var1").is_none());
}

#[tokio::test]
async fn every_session_of_a_user_gets_its_events_and_only_those() {
    let sim = start_default().await;
    let mut desk = Cti::open(&sim, "alice").await;
    let mut laptop = Cti::open(&sim, "alice").await;
    let mut bob = Cti::open(&sim, "bob").await;
    sim.ring("alice", "0101", "", UserData::new())
        .expect("rings");
    desk.event("EventRinging").await;
    laptop.event("EventRinging").await;
    assert!(bob.barrier().await.is_empty());
    // A command from one session shows on both.
    laptop.command("answer", json!({})).await;
    desk.event("EventEstablished").await;
    laptop.event("EventEstablished").await;
}

#[tokio::test]
async fn many_users_ring_at_once() {
    let users: Vec<XucUser> = (0..20u32)
        .map(|i| {
            let login = format!("user{i}");
            XucUser::new(i + 1, &login, &login, &format!("{}", 2000 + i), "Desk User")
        })
        .collect();
    let sim = std::sync::Arc::new(
        start(XucSimConfig {
            users: users.clone(),
            ..config()
        })
        .await,
    );
    // Logins and sessions in parallel.
    let mut sessions = Vec::new();
    for user in &users {
        let sim = std::sync::Arc::clone(&sim);
        let login = user.login.clone();
        sessions.push(tokio::spawn(async move { Cti::open(&sim, &login).await }));
    }
    let mut clients = Vec::new();
    for session in sessions {
        clients.push(session.await.expect("session task"));
    }
    assert_eq!(sim.open_sessions(), 20);
    // Rings from many threads at once.
    let mut rings = Vec::new();
    for (i, user) in users.iter().enumerate() {
        let sim = std::sync::Arc::clone(&sim);
        let login = user.login.clone();
        rings.push(tokio::task::spawn_blocking(move || {
            sim.ring(&login, &format!("+3361234{i:04}"), "", UserData::new())
        }));
    }
    for ring in rings {
        ring.await.expect("ring task").expect("rings");
    }
    let mut linked_ids = std::collections::HashSet::new();
    for (client, user) in clients.iter_mut().zip(&users) {
        let ringing = client.event("EventRinging").await;
        assert_eq!(ringing["DN"], user.dn.as_str());
        assert!(linked_ids.insert(ringing["linkedId"].as_str().expect("id").to_owned()));
        assert!(client
            .barrier()
            .await
            .iter()
            .all(|m| m["msgType"] != "PhoneEvent"));
    }
    assert_eq!(sim.calls().len(), 20);
}
