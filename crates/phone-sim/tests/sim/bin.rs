//! The `callpop-phone-sim` binary: start-up lines and serving.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::common::{get_json, pinned_client};

/// Kills the child even when an assertion fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn prints_url_and_fingerprint_then_serves() {
    let child = Command::new(env!("CARGO_BIN_EXE_callpop-phone-sim"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--tls",
            "--lines",
            "2",
            "--passcode",
            "pw",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("piped stdout");
    let (url, fingerprint) = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stdout).lines();
        let url = lines.next().expect("first line").expect("readable");
        let second = lines.next().expect("second line").expect("readable");
        (url, second)
    })
    .await
    .expect("reader");
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let fingerprint = fingerprint
        .strip_prefix("certificate-sha256 ")
        .expect("fingerprint line")
        .to_owned();

    let (client, _) = pinned_client(&fingerprint);
    let (_, answer) = get_json(
        &client,
        &format!("{url}/cgi-bin/api-get_line_status"),
        &[("passcode", "pw")],
    )
    .await;
    assert_eq!(answer["body"].as_array().map(Vec::len), Some(2));
}

/// The first two lines of a simulator started with `args`.
async fn start_lines(args: &[&str]) -> (Running, String, String) {
    let child = Command::new(env!("CARGO_BIN_EXE_callpop-phone-sim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let mut running = Running(child);
    let stdout = running.0.stdout.take().expect("piped stdout");
    let (first, second) = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().expect("first line").expect("readable");
        let second = lines.next().expect("second line").expect("readable");
        (first, second)
    })
    .await
    .expect("reader");
    (running, first, second)
}

#[tokio::test]
async fn every_kind_starts_and_says_where_to_connect_and_control() {
    // Asterisk: the manager interface greets with its banner.
    let (_ami, addr, control) =
        start_lines(&["--kind", "asterisk", "--listen", "127.0.0.1:0"]).await;
    let banner = tokio::task::spawn_blocking(move || {
        let stream = std::net::TcpStream::connect(&addr).expect("connects");
        let mut line = String::new();
        BufReader::new(stream).read_line(&mut line).expect("banner");
        line
    })
    .await
    .expect("reader");
    assert!(banner.starts_with("Asterisk Call Manager/"), "{banner}");
    assert!(
        control.starts_with("control http://127.0.0.1:"),
        "{control}"
    );

    // XiVO and Yealink: HTTP servers with their control API on the same port.
    for kind in ["xivo", "yealink"] {
        let (_sim, url, control) = start_lines(&["--kind", kind, "--listen", "127.0.0.1:0"]).await;
        assert!(url.starts_with("http://127.0.0.1:"), "{kind}: {url}");
        assert_eq!(control, format!("control {url}/control/"), "{kind}");
    }
}
