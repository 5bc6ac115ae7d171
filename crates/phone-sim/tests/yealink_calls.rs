//! Calls on the simulated Yealink: every key and call command over real HTTP, `phonecfg=get`,
//! the Action URL pushes with their quirks (raw spaces, `+` kept, placeholders, loss,
//! duplicates), and the HTTP control API.

use std::time::Duration;

use callpop_phone_sim::yealink::{
    YealinkCallState, YealinkDirection, YealinkEvent, YealinkSim, YealinkSimConfig,
};
use callpop_phone_sim::PushOutcome;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio::time::timeout;

mod support;

use support::plain_client as client;

async fn sim() -> YealinkSim {
    YealinkSim::start(YealinkSimConfig {
        push_delay: Duration::from_millis(10),
        ..YealinkSimConfig::default()
    })
    .await
    .expect("sim")
}

/// `GET /servlet?{query}` as admin; the body.
async fn servlet(sim: &YealinkSim, query: &str) -> String {
    let response = client()
        .get(format!("{}/servlet?{query}", sim.url()))
        .basic_auth("admin", Some("admin"))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 200, "{query}");
    response.text().await.expect("body")
}

fn states(sim: &YealinkSim) -> Vec<YealinkCallState> {
    sim.calls().iter().map(|c| c.state).collect()
}

#[tokio::test]
async fn calls_are_answered_held_and_ended_by_their_call_id() {
    let sim = sim().await;
    let first = sim.ring("201", "Ann", 0).expect("ring");
    servlet(&sim, &format!("key=ASW:{first}")).await;
    assert_eq!(states(&sim), [YealinkCallState::Connected]);
    let second = sim.ring("202", "Bo", 0).expect("ring");
    assert_ne!(first, second);
    // Answering the second call by its id holds the first, as on the phone.
    servlet(&sim, &format!("key=ASW:{second}")).await;
    assert_eq!(
        states(&sim),
        [YealinkCallState::Held, YealinkCallState::Connected]
    );
    servlet(&sim, &format!("key=HOLD:{second}")).await;
    assert_eq!(
        states(&sim),
        [YealinkCallState::Held, YealinkCallState::Held]
    );
    servlet(&sim, &format!("key=UNHOLD:{first}")).await;
    assert_eq!(
        states(&sim),
        [YealinkCallState::Connected, YealinkCallState::Held]
    );
    // CANCEL:<id> ends exactly that call, even the held one.
    servlet(&sim, &format!("key=CANCEL:{second}")).await;
    assert_eq!(sim.calls().len(), 1);
    assert_eq!(sim.calls()[0].call_id, first);
    // A command for a call that is gone is answered, and does nothing.
    servlet(&sim, &format!("key=ASW:{second}")).await;
    servlet(&sim, "key=CALLEND").await;
    assert!(sim.calls().is_empty());
    sim.shutdown().await;
}

#[tokio::test]
async fn keys_act_on_the_call_on_screen() {
    let sim = sim().await;
    sim.ring("201", "", 0).expect("ring");
    servlet(&sim, "key=OK").await;
    assert_eq!(states(&sim), [YealinkCallState::Connected]);
    servlet(&sim, "key=F_HOLD").await;
    assert_eq!(states(&sim), [YealinkCallState::Held]);
    servlet(&sim, "key=F_HOLD").await;
    assert_eq!(states(&sim), [YealinkCallState::Connected]);
    servlet(&sim, "key=MUTE").await;
    assert!(sim.phone_state().muted);
    servlet(&sim, "key=MUTE").await;
    assert!(!sim.phone_state().muted);
    servlet(&sim, "key=1;2;STAR;POUND").await;
    assert_eq!(sim.phone_state().dtmf, "12*#", "tones during a call");
    servlet(&sim, "key=CALLEND").await;
    assert!(sim.calls().is_empty());

    sim.ring("202", "", 0).expect("ring");
    servlet(&sim, "key=X").await;
    assert!(sim.calls().is_empty(), "X rejects a ring");
    sim.ring("203", "", 0).expect("ring");
    servlet(&sim, "key=SPEAKER").await;
    sim.ring("204", "", 0).expect("ring");
    // L2 is the second call's line key: pressing it answers that ring.
    servlet(&sim, "key=L2").await;
    assert_eq!(
        states(&sim),
        [YealinkCallState::Held, YealinkCallState::Connected]
    );
    servlet(&sim, "key=L1").await;
    assert_eq!(
        states(&sim),
        [YealinkCallState::Connected, YealinkCallState::Held]
    );
    servlet(&sim, "key=CANCEL").await;
    assert_eq!(sim.calls().len(), 1, "CANCEL ends the call on screen");
    servlet(&sim, "key=ENTER;F_TRANSFER;VOLUME_UP").await;
    assert_eq!(sim.calls().len(), 1, "unknown keys change nothing");
    sim.shutdown().await;
}

#[tokio::test]
async fn dialing_by_number_with_an_account_and_by_typed_digits() {
    let sim = sim().await;
    servlet(
        &sim,
        "key=number=%2B14165550123&outgoing_uri=1002@pbx.example.com",
    )
    .await;
    let call = sim.calls()[0].clone();
    assert_eq!(call.number, "+14165550123", "+ survives when encoded");
    assert_eq!(call.account, 1);
    assert_eq!(
        (call.direction, call.state),
        (YealinkDirection::Outgoing, YealinkCallState::Calling)
    );
    servlet(&sim, &format!("key=CANCEL:{}", call.call_id)).await;
    servlet(&sim, "key=number=203").await;
    assert_eq!(sim.calls()[0].account, 0, "the first account by default");
    sim.hang_up_at_phone(&sim.calls()[0].call_id)
        .expect("hang up");
    servlet(&sim, "key=number=203&outgoing_uri=9999@nowhere").await;
    assert!(sim.calls().is_empty(), "no such account: nothing dialled");
    servlet(&sim, "key=2;0;4").await;
    assert_eq!(sim.phone_state().dial_buffer, "204");
    servlet(&sim, "key=OK").await;
    assert_eq!(sim.calls()[0].number, "204");
    sim.shutdown().await;
}

#[tokio::test]
async fn phonecfg_reports_dnd_and_the_phone() {
    let sim = sim().await;
    let all = servlet(&sim, "phonecfg=get").await;
    assert!(all.contains("Model=T54W"), "{all}");
    assert!(all.contains("DND=0"), "{all}");
    assert!(
        all.contains("Account1=1001|1001|Desk 1001|sip:1001@pbx.example.com|1"),
        "{all}"
    );
    servlet(&sim, "key=DNDOn").await;
    let dnd = servlet(&sim, "phonecfg=get&accounts=0&dnd=1&fw=0").await;
    assert!(dnd.contains("DND=1"), "{dnd}");
    assert!(!dnd.contains("Account1"), "only what was asked: {dnd}");
    assert!(sim.ring("201", "", 0).is_err(), "DND refuses calls");
    servlet(&sim, "key=DNDOff").await;
    assert!(servlet(&sim, "phonecfg=get&dnd=1").await.contains("DND=0"));
    sim.shutdown().await;
}

/// A raw push listener: every request head it receives, answered 200.
async fn catcher() -> (String, mpsc::UnboundedReceiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 512];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(n) if n > 0 => head.extend_from_slice(&buf[..n]),
                        _ => break,
                    }
                }
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .await;
                let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
            });
        }
    });
    (format!("http://{addr}"), rx)
}

async fn next_push(rx: &mut mpsc::UnboundedReceiver<String>) -> String {
    timeout(Duration::from_secs(3), rx.recv())
        .await
        .expect("a push in time")
        .expect("catcher alive")
}

/// The request line's target.
fn target(head: &str) -> &str {
    let line = head.lines().next().unwrap_or_default();
    let rest = line.strip_prefix("GET ").unwrap_or(line);
    rest.rsplit_once(" HTTP/1.1").map_or(rest, |(t, _)| t)
}

#[tokio::test]
async fn pushes_carry_raw_values_and_placeholders_in_event_order() {
    let sim = sim().await;
    let (base, mut rx) = catcher().await;
    for event in YealinkEvent::ALL {
        sim.set_action_url(
            event,
            Some(format!(
                "{base}/ev/{event}?n=$remote&d=$display_remote&c=$call_id&u=$active_user&m=$mac"
            )),
        );
    }
    let call = sim.ring("+15555550100", "John Doe", 0).expect("ring");
    let head = next_push(&mut rx).await;
    assert_eq!(
        target(&head),
        "/ev/idle_to_busy?n=$remote&d=$display_remote&c=$call_id&u=$active_user&m=001565a1b2c3"
    );
    assert!(
        head.contains("User-Agent: Yealink SIP-T54W 96.86.0.70"),
        "{head}"
    );
    let head = next_push(&mut rx).await;
    assert_eq!(
        target(&head),
        format!("/ev/incoming_call?n=sip:+15555550100@pbx.example.com&d=John Doe&c={call}&u=1001&m=001565a1b2c3")
    );
    servlet(&sim, &format!("key=ASW:{call}")).await;
    assert!(target(&next_push(&mut rx).await).starts_with("/ev/call_established?"));
    servlet(&sim, "key=MUTE;F_HOLD;F_HOLD").await;
    for event in ["mute", "hold", "unhold"] {
        let head = next_push(&mut rx).await;
        assert!(
            target(&head).starts_with(&format!("/ev/{event}?")),
            "{head}"
        );
    }
    sim.hang_up_remote(&call).expect("hang up");
    assert!(target(&next_push(&mut rx).await).starts_with("/ev/call_terminated?"));
    assert!(target(&next_push(&mut rx).await).starts_with("/ev/busy_to_idle?"));
    // A caller without a name, who gives up: the placeholder stays.
    let missed = sim.ring("203", "", 0).expect("ring");
    next_push(&mut rx).await;
    assert_eq!(
        target(&next_push(&mut rx).await),
        format!("/ev/incoming_call?n=sip:203@pbx.example.com&d=$display_remote&c={missed}&u=1001&m=001565a1b2c3")
    );
    sim.give_up(&missed).expect("give up");
    assert!(target(&next_push(&mut rx).await).starts_with("/ev/missed_call?"));
    next_push(&mut rx).await;
    sim.set_dnd_at_phone(true);
    assert!(target(&next_push(&mut rx).await)
        .starts_with("/ev/dnd_on?n=$remote&d=$display_remote&c=$call_id"));
    let record = sim.pushes();
    assert!(record
        .iter()
        .all(|p| p.outcome == PushOutcome::Delivered { status: Some(200) }));
    sim.shutdown().await;
}

#[tokio::test]
async fn a_rejected_ring_pushes_reject_then_terminated() {
    let sim = sim().await;
    let (base, mut rx) = catcher().await;
    for event in [
        YealinkEvent::RejectIncomingCall,
        YealinkEvent::CallTerminated,
        YealinkEvent::MissedCall,
    ] {
        sim.set_action_url(event, Some(format!("{base}/{event}?c=$call_id")));
    }
    let call = sim.ring("201", "", 0).expect("ring");
    servlet(&sim, &format!("key=CANCEL:{call}")).await;
    assert_eq!(
        target(&next_push(&mut rx).await),
        format!("/reject_incoming_call?c={call}")
    );
    assert_eq!(
        target(&next_push(&mut rx).await),
        format!("/call_terminated?c={call}")
    );
    assert!(
        timeout(Duration::from_millis(200), rx.recv())
            .await
            .is_err(),
        "no missed_call"
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn pushes_can_be_lost_or_duplicated() {
    let sim = sim().await;
    let (base, mut rx) = catcher().await;
    sim.set_action_url(
        YealinkEvent::IncomingCall,
        Some(format!("{base}/in?c=$call_id")),
    );
    sim.set_push_seed(7);
    sim.set_push_faults(1.0, 0.0, None);
    let lost = sim.ring("201", "", 0).expect("ring");
    assert!(timeout(Duration::from_millis(200), rx.recv())
        .await
        .is_err());
    sim.set_push_faults(0.0, 1.0, None);
    sim.hang_up_at_phone(&lost).expect("reject");
    let twice = sim.ring("202", "", 0).expect("ring");
    assert_eq!(target(&next_push(&mut rx).await), format!("/in?c={twice}"));
    assert_eq!(target(&next_push(&mut rx).await), format!("/in?c={twice}"));
    // The phone records a push once the listener has answered it.
    let record = timeout(Duration::from_secs(3), async {
        loop {
            let record = sim.pushes();
            if record.len() == 3 {
                return record;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("three pushes recorded");
    assert_eq!(record[0].outcome, PushOutcome::Lost);
    assert_eq!(record[0].call_id, lost);
    assert_eq!(
        record.iter().map(|p| p.duplicate).collect::<Vec<_>>(),
        [false, false, true]
    );
    sim.shutdown().await;
}

/// `POST /control/{action}` with a form; status and JSON.
async fn control(sim: &YealinkSim, action: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response = client()
        .post(format!("{}/control/{action}", sim.url()))
        .form(form)
        .send()
        .await
        .expect("answered");
    let status = response.status().as_u16();
    (status, response.json().await.expect("json"))
}

#[tokio::test]
async fn the_control_api_steers_the_phone_over_http() {
    let sim = sim().await;
    let (status, rung) = control(
        &sim,
        "ring",
        &[("number", "+1 555 0100"), ("name", "Zoë Müller")],
    )
    .await;
    assert_eq!(status, 200, "{rung}");
    let call = rung["call"].as_str().expect("call id").to_owned();
    assert_eq!(sim.calls()[0].name, "Zoë Müller");
    assert_eq!(control(&sim, "answer", &[("call", &call)]).await.0, 200);
    assert_eq!(control(&sim, "hold", &[("call", &call)]).await.0, 200);
    assert_eq!(
        control(&sim, "hold", &[("call", &call)]).await.0,
        409,
        "already held"
    );
    assert_eq!(control(&sim, "resume", &[("call", &call)]).await.0, 200);
    assert_eq!(
        control(&sim, "remote-hangup", &[("call", &call)]).await.0,
        200
    );
    assert_eq!(
        control(&sim, "answer", &[("call", &call)]).await.0,
        404,
        "gone"
    );
    let (_, dialled) = control(&sim, "dial", &[("number", "203"), ("account", "1")]).await;
    let out = dialled["call"].as_str().expect("call id").to_owned();
    assert_eq!(
        control(&sim, "remote-answer", &[("call", &out)]).await.0,
        200
    );
    assert_eq!(control(&sim, "hangup", &[("call", &out)]).await.0, 200);
    let (_, rung) = control(&sim, "ring", &[("number", "204")]).await;
    let ring = rung["call"].as_str().expect("call id").to_owned();
    assert_eq!(control(&sim, "give-up", &[("call", &ring)]).await.0, 200);
    assert_eq!(control(&sim, "dnd", &[("enabled", "true")]).await.0, 200);
    assert_eq!(
        control(&sim, "ring", &[("number", "205")]).await.0,
        409,
        "DND"
    );
    assert_eq!(control(&sim, "ring", &[]).await.0, 400);
    assert_eq!(control(&sim, "explode", &[]).await.0, 404);
    assert_eq!(
        control(&sim, "allowed-ips", &[("value", "10.0.0.1")])
            .await
            .0,
        200
    );
    assert_eq!(control(&sim, "prompt", &[("enabled", "yes")]).await.0, 200);
    assert_eq!(
        control(&sim, "fault", &[("mode", "status"), ("code", "42")])
            .await
            .0,
        400
    );
    assert_eq!(
        control(
            &sim,
            "action-url",
            &[
                ("event", "action_url.incoming_call"),
                ("url", "http://127.0.0.1:9/x")
            ]
        )
        .await
        .0,
        200
    );
    assert_eq!(
        control(&sim, "action-url", &[("event", "ringing")]).await.0,
        400
    );
    let (_, state) = control(&sim, "state", &[]).await;
    assert_eq!(state["phone"]["dnd"], true);
    assert_eq!(state["action_uri_limit_ip"], "10.0.0.1");
    assert!(state["locked_ms"].is_null());
    assert_eq!(control(&sim, "lock", &[]).await.0, 200);
    let (_, state) = control(&sim, "state", &[]).await;
    assert!(state["locked_ms"].as_u64().is_some_and(|ms| ms > 0));
    let (_, requests) = control(&sim, "requests", &[]).await;
    assert_eq!(
        requests,
        Value::Array(Vec::new()),
        "the control API is not recorded"
    );
    let (_, pushes) = control(&sim, "pushes", &[]).await;
    assert!(pushes.as_array().is_some_and(Vec::is_empty));
    sim.shutdown().await;
}
