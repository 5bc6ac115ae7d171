//! Action URL pushes, received by a deliberately lenient raw TCP listener: the request lines
//! contain raw spaces that a strict HTTP server would reject.

use std::time::Duration;

use callpop_phone_sim::{PhoneSim, PushEvent, PushOutcome, SentPush};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::common::{client, cti, get_json, start_fast, wait_until};

/// A listener answering 200 to anything, forwarding each request line.
struct RawListener {
    base: String,
    lines: mpsc::UnboundedReceiver<String>,
}

impl RawListener {
    async fn start() -> RawListener {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, lines) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let tx = tx.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
                        match stream.read(&mut buf).await {
                            Ok(n) if n > 0 => head.extend_from_slice(&buf[..n]),
                            _ => break,
                        }
                    }
                    let text = String::from_utf8_lossy(&head);
                    let line = text.split("\r\n").next().unwrap_or_default().to_owned();
                    let _ = stream
                        .write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        )
                        .await;
                    let _ = tx.send(line);
                });
            }
        });
        RawListener { base, lines }
    }

    async fn next(&mut self) -> String {
        tokio::time::timeout(Duration::from_secs(3), self.lines.recv())
            .await
            .expect("push arrives in time")
            .expect("listener alive")
    }

    async fn nothing_within(&mut self, wait: Duration) {
        if let Ok(Some(line)) = tokio::time::timeout(wait, self.lines.recv()).await {
            panic!("unexpected push: {line}");
        }
    }
}

fn call_id(sim: &PhoneSim, line: usize) -> String {
    sim.lines()[line - 1].call_id.clone().expect("a call")
}

#[tokio::test]
async fn values_are_raw_and_missing_ones_stay_placeholders() {
    let sim = start_fast().await;
    let mut listener = RawListener::start().await;
    sim.set_action_url(
        PushEvent::Incoming,
        Some(format!(
            "{}/ev?name=$display_remote&num=$remote&id=$call-id&dir=$calldirection&mac=$mac&model=$product&local=$local",
            listener.base
        )),
    );
    sim.ring(None, "+15555550100", "John Doe").expect("rings");
    let id = call_id(&sim, 1);
    assert_eq!(
        listener.next().await,
        format!(
            "GET /ev?name=John Doe&num=+15555550100&id={id}&dir=incoming&mac=00:0B:82:12:34:56&model=GXP2170&local=1001 HTTP/1.1"
        )
    );

    sim.ring(None, "203", "").expect("rings");
    let line = listener.next().await;
    assert!(
        line.starts_with("GET /ev?name=$display_remote&num=203&"),
        "{line}"
    );

    sim.ring(None, "204", "Zoë Müller").expect("rings");
    let line = listener.next().await;
    assert!(
        line.starts_with("GET /ev?name=Zoë Müller&num=204&"),
        "raw UTF-8: {line}"
    );

    wait_until("pushes recorded", || sim.pushes().len() == 3).await;
    let pushes = sim.pushes();
    assert!(pushes.iter().all(|p| p.event == PushEvent::Incoming
        && p.outcome == PushOutcome::Delivered { status: Some(200) }));
    assert_eq!(pushes[0].call_id, id);
}

#[tokio::test]
async fn one_call_id_through_the_whole_call() {
    let sim = start_fast().await;
    let mut listener = RawListener::start().await;
    for event in PushEvent::ALL {
        sim.set_action_url(
            event,
            Some(format!(
                "{}/{event}?id=$call-id&d=$duration&n=$remote",
                listener.base
            )),
        );
    }
    sim.ring(None, "100", "").expect("rings");
    for cmd in ["acceptcall", "holdcall", "holdcall", "endcall"] {
        assert_eq!(
            cti(&sim, "api-phone_operation", &[("cmd", cmd)]).await["body"],
            true
        );
    }
    let mut seen = Vec::new();
    for _ in 0..7 {
        seen.push(listener.next().await);
    }
    let events: Vec<&str> = seen
        .iter()
        .map(|l| {
            l.trim_start_matches("GET /")
                .split('?')
                .next()
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        events,
        [
            "incoming",
            "offhook",
            "established",
            "hold",
            "unhold",
            "terminated",
            "onhook"
        ]
    );
    let ids: Vec<&str> = seen
        .iter()
        .filter_map(|l| l.split("id=").nth(1))
        .map(|rest| rest.split('&').next().unwrap_or_default())
        .collect();
    assert_eq!(ids.len(), 7);
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert!(
        seen[0].contains("d=$duration"),
        "no duration before the call is established"
    );
    assert!(
        seen[5].contains("d=0"),
        "terminated carries the duration: {}",
        seen[5]
    );

    // Missed and outgoing calls.
    sim.short_ring(None, "555", "", Duration::from_millis(30))
        .expect("rings");
    assert!(listener.next().await.starts_with("GET /incoming?"));
    assert!(listener.next().await.starts_with("GET /missed?"));
    cti(&sim, "api-make_call", &[("phonenumber", "+15555550123")]).await;
    let lines = [listener.next().await, listener.next().await];
    assert!(lines
        .iter()
        .any(|l| l.starts_with("GET /outgoing?") && l.contains("n=+15555550123")));
    assert!(lines.iter().any(|l| l.starts_with("GET /offhook?")));
}

#[tokio::test]
async fn loss_and_duplication() {
    let sim = start_fast().await;
    let mut listener = RawListener::start().await;
    sim.set_action_url(
        PushEvent::Incoming,
        Some(format!("{}/in?n=$remote", listener.base)),
    );

    sim.set_push_faults(1.0, 0.0, None);
    sim.ring(None, "1", "").expect("rings");
    listener.nothing_within(Duration::from_millis(200)).await;
    assert_eq!(sim.pushes()[0].outcome, PushOutcome::Lost);

    sim.clear_pushes();
    sim.set_push_faults(0.0, 1.0, Some(Duration::from_millis(20)));
    sim.ring(None, "2", "").expect("rings");
    assert_eq!(listener.next().await, "GET /in?n=2 HTTP/1.1");
    assert_eq!(listener.next().await, "GET /in?n=2 HTTP/1.1");
    wait_until("both recorded", || sim.pushes().len() == 2).await;
    let duplicates: Vec<bool> = sim.pushes().iter().map(|p| p.duplicate).collect();
    assert_eq!(duplicates.iter().filter(|d| **d).count(), 1);
}

/// Which of 16 pushes the seeded dice drop.
async fn loss_pattern(sim: &PhoneSim) -> Vec<bool> {
    sim.clear_pushes();
    sim.set_push_seed(42);
    for i in 0..16 {
        sim.ring(Some(1), &i.to_string(), "").expect("rings");
        sim.remote_hangup(1).expect("hangs up");
    }
    wait_until("all pushes settled", || sim.pushes().len() == 16).await;
    let mut pushes: Vec<SentPush> = sim.pushes();
    pushes.sort_by_key(|p| p.seq);
    pushes
        .iter()
        .map(|p| p.outcome == PushOutcome::Lost)
        .collect()
}

#[tokio::test]
async fn seeded_faults_repeat() {
    let sim = start_fast().await;
    let listener = RawListener::start().await;
    sim.set_action_url(PushEvent::Incoming, Some(format!("{}/in", listener.base)));
    sim.set_push_faults(0.5, 0.0, None);
    let first = loss_pattern(&sim).await;
    let second = loss_pattern(&sim).await;
    assert_eq!(first, second);
    assert!(first.contains(&true) && first.contains(&false), "{first:?}");
}

#[tokio::test]
async fn unreachable_listeners_are_reported() {
    let sim = start_fast().await;
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        probe.local_addr().expect("addr").port()
    };
    sim.set_action_url(
        PushEvent::Incoming,
        Some(format!("http://127.0.0.1:{port}/in")),
    );
    sim.ring(None, "1", "").expect("rings");
    wait_until("attempt recorded", || !sim.pushes().is_empty()).await;
    assert!(matches!(
        sim.pushes()[0].outcome,
        PushOutcome::Failed { .. }
    ));
}

#[tokio::test]
async fn control_api_configures_pushes() {
    let sim = start_fast().await;
    let mut listener = RawListener::start().await;
    let control = |action: &str| format!("{}/control/{action}", sim.url());
    let template = format!("{}/in?who=$display_remote", listener.base);
    let (_, answer) = get_json(
        &client(),
        &control("action-url"),
        &[("event", "incoming"), ("url", &template)],
    )
    .await;
    assert_eq!(answer["ok"], true);
    let (_, answer) = get_json(
        &client(),
        &control("push-faults"),
        &[("dup", "1"), ("seed", "7")],
    )
    .await;
    assert_eq!(answer["ok"], true);
    get_json(
        &client(),
        &control("ring"),
        &[("number", "1"), ("name", "Ann Lee")],
    )
    .await;
    assert_eq!(listener.next().await, "GET /in?who=Ann Lee HTTP/1.1");
    assert_eq!(listener.next().await, "GET /in?who=Ann Lee HTTP/1.1");
    wait_until("recorded", || sim.pushes().len() == 2).await;
    let (_, pushes) = get_json(&client(), &control("pushes"), &[]).await;
    let pushes: Vec<Value> = pushes.as_array().expect("array").clone();
    assert_eq!(pushes.len(), 2);
    assert_eq!(pushes[0]["event"], "incoming");
    assert_eq!(pushes[0]["outcome"]["result"], "delivered");

    let (status, _) = get_json(&client(), &control("action-url"), &[("event", "ringing")]).await;
    assert_eq!(status, reqwest::StatusCode::BAD_REQUEST);
    // Clearing the URL stops the pushes.
    get_json(&client(), &control("action-url"), &[("event", "incoming")]).await;
    get_json(&client(), &control("push-faults"), &[]).await;
    sim.remote_hangup(1).expect("hangs up");
    get_json(&client(), &control("ring"), &[("number", "2")]).await;
    listener.nothing_within(Duration::from_millis(150)).await;
}
