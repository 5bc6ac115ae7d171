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
