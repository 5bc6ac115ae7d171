//! The `callpop` command line, run as a real process against the simulated phone: the JSON it
//! prints, its exit codes, and one clear line on stderr when something fails.

use callpop_phone_sim::{LineState as SimState, PhoneSim, SimAuth, SimConfig};
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const PASSCODE: &str = "cli-Secret-9";

async fn sim() -> PhoneSim {
    PhoneSim::start(SimConfig {
        auth: SimAuth::Passcode(PASSCODE.into()),
        key_interval: Duration::from_millis(5),
        ..SimConfig::default()
    })
    .await
    .expect("sim")
}

/// The config dir of the calling test: one per test, because the tests run in parallel and
/// one of them writes a broken settings file that the others must not read. Each test runs on
/// its own thread, named after it.
fn config_dir() -> std::path::PathBuf {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("main").replace("::", "-");
    std::env::temp_dir().join(format!("callpop-cli-test-{}-{test}", std::process::id()))
}

/// `callpop` with an empty config dir (no settings, no keyring) and the given passcode.
fn callpop(passcode: Option<&str>, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_callpop"));
    let config = config_dir();
    cmd.args(args)
        .env("XDG_CONFIG_HOME", &config)
        .env("XDG_STATE_HOME", config.join("state"))
        .env("XDG_DATA_HOME", config.join("data"))
        .env("RUST_BACKTRACE", "0")
        // These tests read the English words; tests/cli_locale.rs reads the Russian ones.
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("RUST_LOG")
        .env_remove("CALLPOP_PASSCODE");
    if let Some(p) = passcode {
        cmd.env("CALLPOP_PASSCODE", p);
    }
    cmd
}

async fn run(passcode: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = callpop(passcode, args);
    tokio::task::spawn_blocking(move || cmd.output().expect("callpop runs"))
        .await
        .expect("join")
}

fn stderr_lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn status_json_lists_every_line() {
    let sim = sim().await;
    sim.ring(Some(2), "203", "Виталик").expect("ring");
    let out = run(Some(PASSCODE), &["--phone", &sim.url(), "status", "--json"]).await;
    assert!(out.status.success(), "{:?}", stderr_lines(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["phone"], "ringing");
    let lines = json["lines"].as_array().expect("lines");
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[1]["line"], 2);
    assert_eq!(lines[1]["state"], "ringing");
    assert_eq!(lines[1]["name"], "Виталик");
    assert_eq!(lines[1]["number"], "203");
    assert_eq!(lines[0]["state"], "idle");
}

#[tokio::test]
async fn call_control_commands_act_on_the_phone() {
    let sim = sim().await;
    let url = sim.url();
    let line = sim.ring(None, "203", "").expect("ring") as usize - 1;
    let steps: [(&str, SimState); 4] = [
        ("answer", SimState::Connected),
        ("hold", SimState::OnHold),
        ("hold", SimState::Connected),
        ("hangup", SimState::Idle),
    ];
    for (command, expected) in steps {
        let out = run(Some(PASSCODE), &["--phone", &url, command]).await;
        assert!(out.status.success(), "{command}: {:?}", stderr_lines(&out));
        assert_eq!(sim.lines()[line].state, expected, "after {command}");
    }
    let out = run(
        Some(PASSCODE),
        &["--phone", &url, "dial", "+1 (416) 555-0123"],
    )
    .await;
    assert!(out.status.success(), "{:?}", stderr_lines(&out));
    let dialed = sim
        .requests()
        .into_iter()
        .find(|r| r.function.as_deref() == Some("api-make_call"))
        .expect("make_call");
    assert_eq!(dialed.param("phonenumber"), Some("14165550123"));
}

#[tokio::test]
async fn failures_are_one_clear_line_and_a_nonzero_exit() {
    let sim = sim().await;
    let url = sim.url();

    let out = run(Some("wrong-one"), &["--phone", &url, "status"]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_lines(&out);
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(
        err[0].contains("rejected the passcode") && err[0].contains("4 tries left"),
        "{err:?}"
    );
    assert!(!err[0].contains("wrong-one"));

    let out = run(Some(PASSCODE), &["--phone", &url, "mute"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_lines(&out)[0].contains("Mute works during a connected call"));

    let out = run(Some(PASSCODE), &["--phone", &url, "dial", "no digits here"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_lines(&out)[0].contains("No phone number found"));

    let out = run(None, &["status"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_lines(&out)[0].contains("No phone is set up"),
        "{:?}",
        stderr_lines(&out)
    );

    let out = run(Some(PASSCODE), &["--phone", "http://127.0.0.1:9", "status"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_lines(&out)[0].contains("Cannot reach the phone at 127.0.0.1:9"));
}

#[tokio::test]
async fn https_first_contact_prints_the_fingerprint_to_accept() {
    let sim = PhoneSim::start(SimConfig {
        tls: true,
        auth: SimAuth::Passcode(PASSCODE.into()),
        ..SimConfig::default()
    })
    .await
    .expect("sim");
    let fingerprint = sim.cert_fingerprint().expect("tls");
    let out = run(Some(PASSCODE), &["--phone", &sim.url(), "status"]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_lines(&out).join("\n");
    assert!(
        err.contains(&format!("--cert-sha256 {fingerprint}")),
        "{err}"
    );

    let out = run(
        Some(PASSCODE),
        &[
            "--phone",
            &sim.url(),
            "--cert-sha256",
            &fingerprint,
            "status",
            "--json",
        ],
    )
    .await;
    assert!(out.status.success(), "{:?}", stderr_lines(&out));
}

#[tokio::test]
async fn watch_json_prints_each_event_as_it_happens() {
    let sim = sim().await;
    let mut child = callpop(Some(PASSCODE), &["--phone", &sim.url(), "watch", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("watch starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // Give the watcher its first look before the phone rings.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    sim.short_ring(
        Some(3),
        "+14165550123",
        "Ann Lee",
        Duration::from_millis(1500),
    )
    .expect("ring");
    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(8);
    while events.len() < 2 && Instant::now() < deadline {
        if let Ok(Some(line)) = tokio::time::timeout(Duration::from_millis(200), rx.recv()).await {
            events.push(
                serde_json::from_str::<serde_json::Value>(&line).expect("one JSON object per line"),
            );
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0]["event"], "ringing");
    assert_eq!(events[0]["line"], 3);
    assert_eq!(events[0]["number"], "+14165550123");
    assert_eq!(events[0]["name"], "Ann Lee");
    assert_eq!(events[1]["event"], "missed");
    assert_eq!(events[1]["call"], events[0]["call"]);
}

#[tokio::test]
async fn a_rejected_passcode_is_never_sent_again_by_a_later_run() {
    let sim = sim().await;
    let url = sim.url();
    for _ in 0..3 {
        let out = run(Some("wrong-two"), &["--phone", &url, "status"]).await;
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr_lines(&out)[0].contains("rejected the passcode"));
    }
    let tries = sim
        .requests()
        .iter()
        .filter(|r| r.kind == callpop_phone_sim::RequestKind::Cti)
        .count();
    assert_eq!(tries, 1, "three runs, one try spent");
    // The right passcode still works at once.
    let out = run(Some(PASSCODE), &["--phone", &url, "status"]).await;
    assert!(out.status.success(), "{:?}", stderr_lines(&out));
}

#[tokio::test]
async fn dial_takes_a_tel_link_as_its_number() {
    let sim = sim().await;
    let out = run(Some(PASSCODE), &["--phone", &sim.url(), "dial", "tel:203"]).await;
    assert!(out.status.success(), "{:?}", stderr_lines(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Dialing 203"));
}

#[tokio::test]
async fn commands_never_move_or_rewrite_the_settings_file() {
    let sim = sim().await;
    let config = config_dir();
    let folder = config.join("callpop");
    std::fs::create_dir_all(&folder).expect("folder");
    let file = folder.join("settings.toml");
    std::fs::write(&file, "[phone\nbroken").expect("write");
    let out = run(Some(PASSCODE), &["--phone", &sim.url(), "status"]).await;
    assert_eq!(out.status.code(), Some(2), "{:?}", stderr_lines(&out));
    assert!(stderr_lines(&out)[0].contains("settings file cannot be used"));
    assert_eq!(
        std::fs::read_to_string(&file).expect("still there"),
        "[phone\nbroken"
    );
    let names: Vec<_> = std::fs::read_dir(&folder)
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 1, "nothing set aside: {names:?}");
    std::fs::remove_file(&file).expect("clean up");
}

/// `dial --account` picks the account as the phone numbers it, by SIP user or by name; one
/// the phone does not have, or that is not registered, is refused with nothing dialled.
#[tokio::test]
async fn dial_from_a_chosen_account() {
    let sim = sim().await;
    let url = sim.url();
    let dials = |sim: &PhoneSim| -> Vec<(String, u32)> {
        sim.state()
            .dials
            .into_iter()
            .map(|d| (d.number, d.account))
            .collect()
    };
    let dial = |account: &'static str| {
        let url = url.clone();
        async move {
            run(
                Some(PASSCODE),
                &["--phone", &url, "dial", "203", "--account", account],
            )
            .await
        }
    };
    // Account 2 on the phone is index 1 on the wire.
    let out = dial("2").await;
    assert!(out.status.success(), "{:?}", stderr_lines(&out));
    sim.remote_hangup(1).expect("hang up");
    let out = dial("desk 1001").await;
    assert!(out.status.success(), "{:?}", stderr_lines(&out));
    assert_eq!(dials(&sim), [("203".to_owned(), 1), ("203".to_owned(), 0)]);
    sim.remote_hangup(1).expect("hang up");

    let out = dial("5").await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr_lines(&out);
    assert_eq!(err.len(), 1, "{err:?}");
    assert!(
        err[0].contains("no account 5 (it has 2 accounts)"),
        "{err:?}"
    );
    let out = dial("Sales").await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_lines(&out)[0]
            .contains("no account “Sales”. Its accounts: 1 Desk 1001 (1001), 2 Desk 1002 (1002)"),
        "{:?}",
        stderr_lines(&out)
    );
    sim.set_account_registered(1, false).expect("unregister");
    let out = dial("1002").await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr_lines(&out)[0].contains("Account 2 “Desk 1002 (1002)” is not registered"),
        "{:?}",
        stderr_lines(&out)
    );
    assert_eq!(dials(&sim).len(), 2, "nothing more was dialled");

    // status shows each account's registration.
    let out = run(Some(PASSCODE), &["--phone", &url, "status", "--json"]).await;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let registered: Vec<_> = json["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| (a["number"].clone(), a["registered"].clone()))
        .collect();
    assert_eq!(
        registered,
        [
            (serde_json::json!(1), serde_json::json!(true)),
            (serde_json::json!(2), serde_json::json!(false))
        ]
    );
    let out = run(Some(PASSCODE), &["--phone", &url, "status"]).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Account 2 Desk 1002 (1002)"), "{text}");
    assert!(text.contains("not registered"), "{text}");
}
