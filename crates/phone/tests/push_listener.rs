//! The push listener over real TCP: the simulated phone's real pushes (raw spaces, `+`,
//! placeholders) through the Action URLs callpop generates, and hostile input refused cheaply
//! without ever reaching a subscriber.

mod support;

use callpop_phone::model::{Direction, HintKind};
use callpop_phone::push::{self, Limits, ListenerConfig, PushListener, PushRoute, ReceivedPush};
use callpop_phone::settings::{
    GrandstreamSettings, PhoneId, PhoneProfile, PhoneSystem, PushSettings,
};
use callpop_phone_sim::{PhoneSim, PushOutcome, SimConfig};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;
use support::ROUTE;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::broadcast;
use tokio::time::timeout;

const TOKEN: &str = "listenerTOKEN0123456789abcdef";
const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

async fn listener(phone: IpAddr, limits: Limits) -> PushListener {
    support::listener(TOKEN, phone, limits).await
}

/// Sends raw bytes and returns what came back (empty when the listener just closed).
async fn exchange(addr: SocketAddr, from: Option<IpAddr>, bytes: &[u8]) -> String {
    let stream = match from {
        Some(ip) => {
            let socket = TcpSocket::new_v4().expect("socket");
            socket.bind(SocketAddr::new(ip, 0)).expect("bind source");
            socket.connect(addr).await.expect("connect")
        }
        None => TcpStream::connect(addr).await.expect("connect"),
    };
    let mut stream = stream;
    let _ = stream.write_all(bytes).await;
    let mut answer = Vec::new();
    let _ = timeout(Duration::from_secs(3), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

async fn next_push(rx: &mut broadcast::Receiver<ReceivedPush>) -> ReceivedPush {
    timeout(Duration::from_secs(3), rx.recv())
        .await
        .expect("a push in time")
        .expect("listener open")
}

fn nothing_published(rx: &mut broadcast::Receiver<ReceivedPush>) -> bool {
    matches!(rx.try_recv(), Err(broadcast::error::TryRecvError::Empty))
}

#[tokio::test]
async fn the_simulated_phones_real_pushes_arrive_parsed() {
    let sim = PhoneSim::start(SimConfig {
        push_delay: Duration::ZERO,
        ..SimConfig::default()
    })
    .await
    .expect("sim");
    let listener = listener(LOOPBACK, Limits::default()).await;
    support::aim_pushes(&sim, listener.local_addr(), TOKEN);
    let mut rx = listener.subscribe();

    // Unencoded: a raw space in the number and the name, a leading +, UTF-8.
    sim.ring(Some(2), "+1555 0100", "John Doe Ünal")
        .expect("ring");
    let ring = next_push(&mut rx).await;
    assert_eq!(ring.event.kind, HintKind::Incoming);
    assert_eq!(ring.event.number, "+1555 0100");
    assert_eq!(ring.event.name, "John Doe Ünal");
    assert_eq!(ring.event.direction, Some(Direction::Incoming));
    assert!(
        ring.event.call_id.ends_with("@callpop-phone-sim"),
        "{}",
        ring.event.call_id
    );
    assert_eq!(ring.from, LOOPBACK);
    sim.remote_hangup(2).expect("hang up");
    let missed = next_push(&mut rx).await;
    assert_eq!(missed.event.kind, HintKind::Missed);
    assert_eq!(missed.event.call_id, ring.event.call_id);

    // No display name: the phone leaves `$display_remote` in place, which means "none".
    sim.ring(Some(1), "203", "").expect("ring");
    let anonymous = next_push(&mut rx).await;
    assert_eq!(
        (
            anonymous.event.number.as_str(),
            anonymous.event.name.as_str()
        ),
        ("203", "")
    );
    // Every push was answered 200 (the phone records a push once it read the answer).
    tokio::time::sleep(Duration::from_millis(100)).await;
    let pushes = sim.pushes();
    let url = pushes.last().map(|p| p.url.clone()).unwrap_or_default();
    assert!(url.contains("n=203&d=$display_remote&"), "{url}");
    for p in pushes {
        assert_eq!(
            p.outcome,
            PushOutcome::Delivered { status: Some(200) },
            "{p:?}"
        );
    }
    assert_eq!(listener.stats().accepted, 3);
    assert_eq!(listener.stats().refused(), 0);
}

#[tokio::test]
async fn wrong_token_garbage_and_non_utf8_get_a_short_4xx_and_reach_nobody() {
    let listener = listener(LOOPBACK, Limits::default()).await;
    let mut rx = listener.subscribe();
    let addr = listener.local_addr();
    let cases: [(&[u8], &str); 6] = [
        (
            b"GET /cp/WRONGTOKENWRONGTOKENWRONG/in?n=1 HTTP/1.1\r\n\r\n",
            "404",
        ),
        (b"GET /cp/ HTTP/1.1\r\n\r\n", "404"),
        (
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
            "400",
        ),
        (b"GET /cp/\xc3\x28/in HTTP/1.1\r\n\r\n", "400"),
        (b"PUT /cp/x/in HTTP/1.1\r\n\r\n", "405"),
        (b"hello\r\n\r\n", "400"),
    ];
    for (bytes, status) in cases {
        let answer = exchange(addr, None, bytes).await;
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status} ")),
            "{:?} -> {answer:?}",
            String::from_utf8_lossy(bytes)
        );
        assert!(answer.len() < 200, "short answers only");
    }
    let stats = listener.stats();
    assert_eq!(
        (stats.wrong_token, stats.malformed, stats.accepted),
        (2, 4, 0)
    );
    assert!(nothing_published(&mut rx));
    // And a valid one still works.
    let ok = exchange(
        addr,
        None,
        format!("GET /cp/{TOKEN}/in?n=5 HTTP/1.1\r\n\r\n").as_bytes(),
    )
    .await;
    assert!(ok.starts_with("HTTP/1.1 200 OK"), "{ok}");
    assert_eq!(next_push(&mut rx).await.event.number, "5");
}

#[tokio::test]
async fn only_the_phones_address_may_push() {
    // The phone is 127.0.0.2: pushes from 127.0.0.1 are closed unread.
    let phone = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
    let listener = listener(phone, Limits::default()).await;
    let mut rx = listener.subscribe();
    let valid = format!("GET /cp/{TOKEN}/in?n=1 HTTP/1.1\r\n\r\n");
    let answer = exchange(listener.local_addr(), Some(LOOPBACK), valid.as_bytes()).await;
    assert_eq!(answer, "", "closed without an answer");
    let stats = listener.stats();
    assert_eq!((stats.foreign_sender, stats.accepted), (1, 0));
    assert_eq!(stats.last_refused.map(|r| r.from), Some(LOOPBACK));
    assert!(nothing_published(&mut rx));
    // From the phone's own address the same request is taken.
    let answer = exchange(listener.local_addr(), Some(phone), valid.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(next_push(&mut rx).await.from, phone);
}

#[tokio::test]
async fn oversized_heads_are_refused() {
    let listener = listener(LOOPBACK, Limits::default()).await;
    let mut rx = listener.subscribe();
    let addr = listener.local_addr();
    let long_line = format!("GET /cp/{TOKEN}/in?d={} HTTP/1.1\r\n\r\n", "x".repeat(3000));
    let answer = exchange(addr, None, long_line.as_bytes()).await;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "{answer}"
    );
    let many_headers = format!(
        "GET /cp/{TOKEN}/in?n=1 HTTP/1.1\r\n{}\r\n",
        "X-Filler: 0123456789012345678901234567890123456789\r\n".repeat(60)
    );
    let answer = exchange(addr, None, many_headers.as_bytes()).await;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "{answer}"
    );
    assert_eq!(listener.stats().too_large, 2);
    assert!(nothing_published(&mut rx));
}

#[tokio::test]
async fn slow_senders_are_dropped_after_the_read_timeout() {
    let limits = Limits {
        read_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    let listener = listener(LOOPBACK, limits).await;
    let mut stream = TcpStream::connect(listener.local_addr())
        .await
        .expect("connect");
    stream.write_all(b"GET /cp/").await.expect("write");
    let started = std::time::Instant::now();
    let mut buf = Vec::new();
    let read = timeout(Duration::from_secs(2), stream.read_to_end(&mut buf)).await;
    assert!(read.is_ok(), "closed by the listener");
    assert!(buf.is_empty());
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(listener.stats().timed_out, 1);
}

#[tokio::test]
async fn floods_are_capped() {
    // At most 4 connections at once: idle ones hold their slots, the rest are closed at once.
    let limits = Limits {
        max_connections: 4,
        per_second: 1000,
        read_timeout: Duration::from_secs(2),
    };
    let listener = listener(LOOPBACK, limits).await;
    let addr = listener.local_addr();
    let mut held = Vec::new();
    for _ in 0..4 {
        held.push(TcpStream::connect(addr).await.expect("connect"));
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    for _ in 0..6 {
        let mut extra = TcpStream::connect(addr).await.expect("connect");
        let mut buf = Vec::new();
        let read = timeout(Duration::from_millis(500), extra.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "an extra connection is closed at once");
    }
    assert_eq!(listener.stats().over_limit, 6);
    drop(held);

    // A per-second budget: a burst of 30 valid pushes, only about 5 are taken.
    let limits = Limits {
        max_connections: 16,
        per_second: 5,
        read_timeout: Duration::from_secs(2),
    };
    let listener = self::listener(LOOPBACK, limits).await;
    let request = format!("GET /cp/{TOKEN}/in?n=1 HTTP/1.1\r\n\r\n");
    for _ in 0..30 {
        exchange(listener.local_addr(), None, request.as_bytes()).await;
    }
    let stats = listener.stats();
    assert!(stats.accepted >= 5 && stats.accepted <= 8, "{stats:?}");
    assert_eq!(stats.accepted + stats.over_limit, 30);
}

#[tokio::test]
async fn test_push_reports_the_next_push_or_what_went_wrong() {
    let listener = listener(LOOPBACK, Limits::default()).await;
    let addr = listener.local_addr();
    let silence = push::test_push(&listener, ROUTE, Duration::from_millis(200))
        .await
        .expect_err("nothing came");
    assert!(silence.contains("Nothing reached callpop"), "{silence}");

    let wrong = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        exchange(
            addr,
            None,
            b"GET /cp/oldtokenoldtokenoldtoken/in HTTP/1.1\r\n\r\n",
        )
        .await
    };
    let (result, _) = tokio::join!(
        push::test_push(&listener, ROUTE, Duration::from_millis(400)),
        wrong
    );
    let message = result.expect_err("only a wrong token came");
    assert!(message.contains("wrong token"), "{message}");

    let valid = async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        exchange(
            addr,
            None,
            format!("GET /cp/{TOKEN}/in?n=%2B1 555&d=Ann HTTP/1.1\r\n\r\n").as_bytes(),
        )
        .await
    };
    let (result, _) = tokio::join!(
        push::test_push(&listener, ROUTE, Duration::from_secs(2)),
        valid
    );
    let push = result.expect("a push");
    assert_eq!(
        push::describe(&push),
        "Push works: the phone (127.0.0.1) reported “incoming” for +1 555 (Ann)."
    );
}

#[tokio::test]
async fn listener_and_lines_from_the_settings() {
    let settings = |listen: &str| PushSettings {
        listen: listen.into(),
    };
    let phone = |token: &str| PhoneProfile {
        id: PhoneId::first(),
        name: String::new(),
        system: PhoneSystem::Grandstream(GrandstreamSettings {
            url: "http://127.0.0.1".into(),
            push: true,
            push_token: token.into(),
            ..GrandstreamSettings::default()
        }),
    };
    // A port already taken is reported, not fatal.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let err = push::listener_for(&settings(&format!("127.0.0.1:{port}")), Vec::new())
        .await
        .expect_err("port in use");
    assert!(matches!(err, push::PushError::Bind { .. }), "{err}");
    assert!(err.to_string().contains("cannot listen"), "{err}");
    let err = push::route_for(&phone("short"))
        .await
        .expect_err("short token");
    assert_eq!(err, push::PushError::Token);
    let route = push::route_for(&phone(TOKEN))
        .await
        .expect("route")
        .expect("a phone that pushes");
    assert_eq!(route.id, "phone");
    let ok = push::listener_for(&settings("127.0.0.1:0"), vec![route])
        .await
        .expect("listener");
    assert_ne!(ok.local_addr().port(), 0);

    // With a wildcard listen address, the lines use this computer's address towards the phone.
    let lines = push::setup_lines(&settings("0.0.0.0:8787"), &phone(TOKEN))
        .await
        .expect("lines");
    assert_eq!(lines.len(), 7);
    assert!(
        lines[0]
            .url
            .starts_with(&format!("http://127.0.0.1:8787/cp/{TOKEN}/in?")),
        "{}",
        lines[0]
    );
    let lines = push::setup_lines(&settings("10.1.2.3:9000"), &phone(TOKEN))
        .await
        .expect("lines");
    assert!(
        lines[4]
            .to_string()
            .starts_with("Missed Call: http://10.1.2.3:9000/cp/"),
        "{}",
        lines[4]
    );
}

#[tokio::test]
async fn one_listener_tells_two_phones_apart_by_their_tokens() {
    const OTHER: &str = "zyxwvutsrqponmlkjihgfedcba543210";
    let listener = PushListener::bind(ListenerConfig {
        listen: SocketAddr::from((LOOPBACK, 0)),
        routes: vec![
            PushRoute {
                id: "desk".into(),
                token: TOKEN.into(),
                phone: vec![LOOPBACK],
            },
            PushRoute {
                id: "reception".into(),
                token: OTHER.into(),
                // The reception phone is elsewhere: its token from this address is refused.
                phone: vec![IpAddr::from([10, 9, 9, 9])],
            },
        ],
        limits: Limits::default(),
    })
    .await
    .expect("listener");
    let mut rx = listener.subscribe();
    let addr = listener.local_addr();
    let answer = exchange(
        addr,
        None,
        format!("GET /cp/{TOKEN}/in?n=203 HTTP/1.1\r\n\r\n").as_bytes(),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let push = timeout(Duration::from_secs(1), rx.recv())
        .await
        .expect("in time")
        .expect("push");
    assert_eq!(
        (push.route.as_str(), push.event.number.as_str()),
        ("desk", "203")
    );
    let answer = exchange(
        addr,
        None,
        format!("GET /cp/{OTHER}/in?n=204 HTTP/1.1\r\n\r\n").as_bytes(),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert_eq!(listener.stats().foreign_sender, 1);
    assert!(timeout(Duration::from_millis(100), rx.recv())
        .await
        .is_err());
}
