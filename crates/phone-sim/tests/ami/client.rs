//! A plain AMI client over TCP for the tests: sends `Key: Value` messages and reads the
//! simulator's messages, nothing more (the real callpop client is tested elsewhere).

use std::net::SocketAddr;
use std::time::Duration;

use callpop_phone_sim::ami::{AmiSim, AmiSimConfig};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

/// Generous bound for anything the simulator should send promptly; only hit when a test fails.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// One message from the server: headers in order, and its exact text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub headers: Vec<(String, String)>,
    pub raw: String,
}

impl Msg {
    pub fn parse(raw: &str) -> Msg {
        let headers = raw
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .filter_map(|l| {
                l.split_once(": ")
                    .or_else(|| l.strip_suffix(':').map(|k| (k, "")))
            })
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Msg {
            headers,
            raw: raw.to_owned(),
        }
    }

    /// The first value of `name`, or `""`.
    pub fn get(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.headers.iter().any(|(k, _)| k == name)
    }

    pub fn event(&self) -> &str {
        self.get("Event")
    }

    pub fn names(&self) -> Vec<&str> {
        self.headers.iter().map(|(k, _)| k.as_str()).collect()
    }
}

pub struct Client {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
    pub banner: String,
    sync_count: u32,
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).await.expect("connects");
        let (read, writer) = stream.into_split();
        let mut reader = BufReader::new(read);
        let mut banner = String::new();
        tokio::time::timeout(PATIENCE, reader.read_line(&mut banner))
            .await
            .expect("banner in time")
            .expect("banner readable");
        Client {
            reader,
            writer,
            banner,
            sync_count: 0,
        }
    }

    /// Connects without waiting for the banner (for a hung server).
    pub async fn connect_raw(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).await.expect("connects");
        let (read, writer) = stream.into_split();
        Client {
            reader: BufReader::new(read),
            writer,
            banner: String::new(),
            sync_count: 0,
        }
    }

    pub async fn send(&mut self, pairs: &[(&str, &str)]) {
        let mut text = String::new();
        for (k, v) in pairs {
            text.push_str(&format!("{k}: {v}\r\n"));
        }
        text.push_str("\r\n");
        self.send_raw(text.as_bytes()).await;
    }

    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.expect("writes");
    }

    /// The next message, or `None` when the server closed the connection.
    pub async fn read(&mut self) -> Option<Msg> {
        tokio::time::timeout(PATIENCE, self.read_inner())
            .await
            .expect("the simulator answers in time")
    }

    /// The next message if one arrives within `wait` (for asserting silence).
    pub async fn read_within(&mut self, wait: Duration) -> Result<Option<Msg>, ()> {
        tokio::time::timeout(wait, self.read_inner())
            .await
            .map_err(|_| ())
    }

    async fn read_inner(&mut self) -> Option<Msg> {
        let mut raw = String::new();
        loop {
            // Bytes, not read_line: fault tests send invalid UTF-8.
            let mut bytes = Vec::new();
            match self.reader.read_until(b'\n', &mut bytes).await {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            if bytes.last() != Some(&b'\n') {
                return None;
            }
            let line = String::from_utf8_lossy(&bytes).into_owned();
            if line == "\r\n" {
                if raw.is_empty() {
                    continue;
                }
                raw.push_str("\r\n");
                return Some(Msg::parse(&raw));
            }
            raw.push_str(&line);
        }
    }

    /// Sends an action and returns its response, keeping events that come first in `seen`.
    pub async fn action(&mut self, pairs: &[(&str, &str)], seen: &mut Vec<Msg>) -> Msg {
        self.send(pairs).await;
        loop {
            let msg = self
                .read()
                .await
                .expect("a response before the connection closes");
            if msg.has("Response") {
                return msg;
            }
            seen.push(msg);
        }
    }

    pub async fn login(&mut self, user: &str, secret: &str, events: &str) -> Msg {
        let mut seen = Vec::new();
        let response = self
            .action(
                &[
                    ("Action", "Login"),
                    ("Username", user),
                    ("Secret", secret),
                    ("Events", events),
                    ("ActionID", "l1"),
                ],
                &mut seen,
            )
            .await;
        assert!(
            seen.is_empty(),
            "nothing before the login response: {seen:?}"
        );
        response
    }

    /// Everything the server sends until the response to a `Ping` sent now: with the
    /// simulator's ordering, every event already emitted comes before it. The Pong itself is
    /// not returned.
    pub async fn sync(&mut self) -> Vec<Msg> {
        self.sync_count += 1;
        let id = format!("sync-{}", self.sync_count);
        self.send(&[("Action", "Ping"), ("ActionID", &id)]).await;
        let mut out = Vec::new();
        loop {
            let msg = self.read().await.expect("pong before close");
            if msg.get("ActionID") == id && msg.get("Ping") == "Pong" {
                return out;
            }
            out.push(msg);
        }
    }

    /// Reads until an event named `name` arrives; returns everything read, it last.
    pub async fn until_event(&mut self, name: &str) -> Vec<Msg> {
        let mut out = Vec::new();
        loop {
            let msg = self.read().await.expect("event before close");
            let done = msg.event() == name;
            out.push(msg);
            if done {
                return out;
            }
        }
    }
}

/// A configuration with short delays for a fast suite; the far end waits for `answer`.
pub fn fast_config() -> AmiSimConfig {
    AmiSimConfig {
        auth_failure_delay: Duration::from_millis(50),
        auto_answer_delay: Duration::from_millis(10),
        far_end_answer_delay: None,
        ..AmiSimConfig::default()
    }
}

pub async fn start(config: AmiSimConfig) -> AmiSim {
    AmiSim::start(config).await.expect("simulator starts")
}

/// A simulator and a client logged in as callpop with `events`.
pub async fn logged_in(config: AmiSimConfig, events: &str) -> (AmiSim, Client) {
    let sim = start(config).await;
    let mut client = Client::connect(sim.addr()).await;
    let response = client.login("callpop", "s3cret", events).await;
    assert_eq!(response.get("Response"), "Success", "{response:?}");
    (sim, client)
}

/// Only the events among `msgs`.
pub fn events(msgs: &[Msg]) -> Vec<&Msg> {
    msgs.iter().filter(|m| m.has("Event")).collect()
}
