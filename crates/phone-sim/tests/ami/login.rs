//! Logins (plain, MD5 challenge, failures), what is allowed before login, event masks.

use callpop_phone_sim::ami::{AmiSimConfig, AmiUser, HIDDEN};
use md5::{Digest, Md5};

use super::client::{events, fast_config, logged_in, start, Client};

#[tokio::test]
async fn md5_challenge_login() {
    let sim = start(fast_config()).await;
    let mut c = Client::connect(sim.addr()).await;
    let mut seen = Vec::new();
    let challenge = c
        .action(
            &[
                ("Action", "Challenge"),
                ("AuthType", "MD5"),
                ("ActionID", "c1"),
            ],
            &mut seen,
        )
        .await;
    assert_eq!(challenge.names(), ["Response", "ActionID", "Challenge"]);
    let nonce = challenge.get("Challenge").to_owned();
    assert!(!nonce.is_empty() && nonce.bytes().all(|b| b.is_ascii_digit()));
    let key = hex::encode(Md5::digest(format!("{nonce}s3cret")));
    let response = c
        .action(
            &[
                ("Action", "Login"),
                ("AuthType", "MD5"),
                ("Username", "callpop"),
                ("Key", &key),
                ("ActionID", "l1"),
            ],
            &mut seen,
        )
        .await;
    assert_eq!(response.get("Message"), "Authentication accepted");
    // No Events header: the account's read permissions, which include system.
    assert_eq!(c.read().await.expect("FullyBooted").event(), "FullyBooted");
    let recorded = sim.actions();
    assert_eq!(recorded[1].header("Key"), Some(HIDDEN));
    assert_eq!(recorded[1].login_accepted, Some(true));
}

#[tokio::test]
async fn md5_login_with_a_wrong_key_or_without_challenge_fails() {
    let sim = start(fast_config()).await;
    for challenge_first in [true, false] {
        let mut c = Client::connect(sim.addr()).await;
        let mut seen = Vec::new();
        if challenge_first {
            c.action(&[("Action", "Challenge"), ("AuthType", "md5")], &mut seen)
                .await;
        }
        let key = hex::encode(Md5::digest("s3cret"));
        let response = c
            .action(
                &[
                    ("Action", "Login"),
                    ("AuthType", "MD5"),
                    ("Username", "callpop"),
                    ("Key", &key),
                ],
                &mut seen,
            )
            .await;
        assert_eq!(response.get("Message"), "Authentication failed");
        assert!(c.read().await.is_none(), "closed after a failed login");
    }
    let mut c = Client::connect(sim.addr()).await;
    let mut seen = Vec::new();
    let r = c.action(&[("Action", "Challenge")], &mut seen).await;
    assert_eq!(r.get("Message"), "Must specify AuthType");
}

#[tokio::test]
async fn actions_before_login_and_unknown_actions() {
    let sim = start(fast_config()).await;
    let mut c = Client::connect(sim.addr()).await;
    let mut seen = Vec::new();
    for action in ["Ping", "Originate", "Frobnicate"] {
        let r = c
            .action(&[("Action", action), ("ActionID", "x")], &mut seen)
            .await;
        assert_eq!(
            r.raw,
            "Response: Error\r\nActionID: x\r\nMessage: Permission denied\r\n\r\n"
        );
    }
    let r = c.action(&[("ActionID", "y")], &mut seen).await;
    assert_eq!(r.get("Message"), "Missing action in request");
    let r = c.login("nobody", "s3cret", "on").await;
    assert_eq!(r.get("Message"), "Authentication failed");

    let mut c = Client::connect(sim.addr()).await;
    c.login("callpop", "s3cret", "off").await;
    let r = c
        .action(&[("Action", "Frobnicate"), ("ActionID", "z")], &mut seen)
        .await;
    assert_eq!(
        r.get("Message"),
        "Invalid/unknown command: Frobnicate. Use Action: ListCommands to show available commands."
    );
    let r = c
        .action(
            &[
                ("Action", "LOGIN"),
                ("Username", "callpop"),
                ("Secret", "s3cret"),
            ],
            &mut seen,
        )
        .await;
    assert_eq!(r.get("Message"), "Already authenticated");
    assert!(seen.is_empty());
}

#[tokio::test]
async fn login_already_in_use_when_multiple_logins_are_off() {
    let mut user = AmiUser::new("single", "pw");
    user.allow_multiple_login = false;
    let config = AmiSimConfig {
        users: vec![user],
        ..fast_config()
    };
    let sim = start(config).await;
    let mut first = Client::connect(sim.addr()).await;
    assert_eq!(
        first.login("single", "pw", "off").await.get("Response"),
        "Success"
    );
    let mut second = Client::connect(sim.addr()).await;
    assert_eq!(
        second.login("single", "pw", "off").await.get("Message"),
        "Login Already In Use"
    );
    assert!(second.read().await.is_none());
    assert!(format!("{:?}", sim.config()).contains("<hidden>"));
    assert!(!format!("{:?}", sim.config()).contains("\"pw\""));
}

#[tokio::test]
async fn event_masks_select_classes() {
    let sim = start(fast_config()).await;
    let mut all = Client::connect(sim.addr()).await;
    let r = all.login("callpop", "s3cret", "on").await;
    assert_eq!(r.get("Response"), "Success");
    assert_eq!(all.read().await.expect("boot").event(), "FullyBooted");
    let mut call = Client::connect(sim.addr()).await;
    call.login("callpop", "s3cret", "call").await;
    let mut off = Client::connect(sim.addr()).await;
    off.login("callpop", "s3cret", "off").await;
    let mut system = Client::connect(sim.addr()).await;
    system.login("callpop", "s3cret", "system").await;
    assert_eq!(system.read().await.expect("boot").event(), "FullyBooted");

    sim.ring("+4930123456", "Jane", "100").expect("rings");
    let on_events = all.sync().await;
    let call_events = call.sync().await;
    assert!(on_events.iter().any(|m| m.event() == "VarSet"));
    assert!(on_events.iter().any(|m| m.event() == "Newexten"));
    assert!(call_events.iter().all(|m| m.get("Privilege") == "call,all"));
    let names_call: Vec<&str> = call_events.iter().map(|m| m.event()).collect();
    assert_eq!(
        names_call,
        [
            "Newchannel",
            "Newchannel",
            "NewConnectedLine",
            "DialBegin",
            "NewConnectedLine",
            "Newstate",
            "DeviceStateChange",
            "DialState",
            "DeviceStateChange"
        ]
    );
    let calls_in_on: Vec<&str> = on_events
        .iter()
        .filter(|m| m.get("Privilege") == "call,all")
        .map(|m| m.event())
        .collect();
    assert_eq!(calls_in_on, names_call);
    assert!(off.sync().await.is_empty());
    assert!(system.sync().await.is_empty());

    // Action: Events changes the mask of a running session.
    let mut seen = Vec::new();
    let r = off
        .action(
            &[
                ("Action", "Events"),
                ("EventMask", "call"),
                ("ActionID", "e"),
            ],
            &mut seen,
        )
        .await;
    assert_eq!(
        r.raw,
        "Response: Success\r\nActionID: e\r\nEvents: On\r\n\r\n"
    );
    let r = off
        .action(&[("Action", "Events"), ("EventMask", "")], &mut seen)
        .await;
    assert_eq!(r.get("Message"), "Invalid event mask");
    let call_id = sim.calls()[0].id;
    sim.give_up(call_id).expect("gives up");
    let now = off.sync().await;
    assert_eq!(
        events(&now).first().map(|m| m.event()),
        Some("HangupRequest")
    );
    let r = off
        .action(&[("Action", "Events"), ("EventMask", "off")], &mut seen)
        .await;
    assert_eq!(r.get("Events"), "Off");
    let infos = sim.sessions();
    assert_eq!(infos.len(), 4);
    assert!(infos
        .iter()
        .all(|s| s.authenticated && s.username.as_deref() == Some("callpop")));
}

#[tokio::test]
async fn a_read_permission_limits_what_events_on_gives() {
    let mut user = AmiUser::new("reader", "pw");
    user.read = "call".into();
    let sim = start(AmiSimConfig {
        users: vec![user],
        ..fast_config()
    })
    .await;
    let mut c = Client::connect(sim.addr()).await;
    c.login("reader", "pw", "on").await;
    sim.ring("201", "Bob", "100").expect("rings");
    let got = c.sync().await;
    assert!(!got.is_empty());
    assert!(
        got.iter().all(|m| m.get("Privilege") == "call,all"),
        "no FullyBooted, no dialplan"
    );
}

#[tokio::test]
async fn filters_reject_bad_syntax() {
    let (_sim, mut c) = logged_in(fast_config(), "call").await;
    let mut seen = Vec::new();
    let r = c
        .action(
            &[("Action", "Filter"), ("Operation", "Add"), ("Filter", "")],
            &mut seen,
        )
        .await;
    assert_eq!(
        r.get("Message"),
        "Filter was formatted incorrectly.  Check the syntax of the filter given."
    );
    let r = c
        .action(
            &[
                ("Action", "Filter"),
                ("Operation", "Add"),
                ("Filter", "Event: ("),
            ],
            &mut seen,
        )
        .await;
    assert_eq!(
        r.get("Message"),
        "Filter did not compile.  Check the syntax of the filter given."
    );
    let r = c
        .action(
            &[
                ("Action", "Filter"),
                ("Operation", "Remove"),
                ("Filter", "x"),
            ],
            &mut seen,
        )
        .await;
    assert_eq!(r.get("Message"), "Unknown operation");
}
