//! Shared helpers: a fast simulator, reqwest for the REST login, and a plain websocket client
//! (tokio-tungstenite) that reads xuc messages as JSON.

use std::time::Duration;

use callpop_phone_sim::xuc::{XucSim, XucSimConfig};
use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Guard against a hung test; no assertion depends on it.
pub const PATIENCE: Duration = Duration::from_secs(5);

/// Defaults, with outgoing calls answered only when a test says so.
pub fn config() -> XucSimConfig {
    XucSimConfig {
        remote_answer_after: None,
        no_answer_forward_after: Duration::from_millis(100),
        ..XucSimConfig::default()
    }
}

/// Waits until `done` holds (polling), or fails after the patience period.
pub async fn until(what: &str, mut done: impl FnMut() -> bool) {
    tokio::time::timeout(PATIENCE, async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{what} within the patience period"));
}

pub async fn start(config: XucSimConfig) -> XucSim {
    XucSim::start(config).await.expect("xuc simulator starts")
}

pub async fn start_default() -> XucSim {
    start(config()).await
}

pub use crate::support::plain_client as client;
use crate::support::with_query;

/// `POST /xuc/api/2.0/auth/login` with `body`; the status and the JSON answer.
pub async fn post_login(sim: &XucSim, body: &str) -> (StatusCode, Value) {
    let response = client()
        .post(format!("{}/xuc/api/2.0/auth/login", sim.url()))
        .header("Content-Type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("login request");
    let status = response.status();
    (status, response.json().await.expect("JSON answer"))
}

pub async fn login(sim: &XucSim, login: &str, password: &str) -> (StatusCode, Value) {
    post_login(
        sim,
        &json!({ "login": login, "password": password }).to_string(),
    )
    .await
}

/// A token for `user` (password = login, as for the default users).
pub async fn token(sim: &XucSim, user: &str) -> String {
    let (status, body) = login(sim, user, user).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["token"].as_str().expect("token").to_owned()
}

/// A control request: GET `/control/{action}?query`, status and JSON.
pub async fn control(sim: &XucSim, action: &str, query: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = client()
        .get(with_query(
            &format!("{}/control/{action}", sim.url()),
            query,
        ))
        .send()
        .await
        .expect("control request");
    let status = response.status();
    (status, response.json().await.expect("JSON answer"))
}

/// A control request with a JSON body.
pub async fn control_json(sim: &XucSim, action: &str, body: Value) -> (StatusCode, Value) {
    let response = client()
        .post(format!("{}/control/{action}", sim.url()))
        .json(&body)
        .send()
        .await
        .expect("control request");
    let status = response.status();
    (status, response.json().await.expect("JSON answer"))
}

/// How a websocket ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// With a close frame.
    Closed(u16, String),
    /// Without one (connection dropped).
    Dropped,
}

/// A websocket client of the xuc CTI.
pub struct Cti {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Cti {
    /// Opens the websocket with `token`, or answers the refusal's HTTP status and JSON body.
    pub async fn try_connect(sim: &XucSim, token: &str) -> Result<Cti, (u16, Value)> {
        match tokio_tungstenite::connect_async(sim.cti_url(token)).await {
            Ok((ws, _)) => Ok(Cti { ws }),
            Err(WsError::Http(response)) => {
                let status = response.status().as_u16();
                let body = response
                    .body()
                    .as_ref()
                    .and_then(|b| serde_json::from_slice(b).ok())
                    .unwrap_or(Value::Null);
                Err((status, body))
            }
            Err(e) => panic!("websocket connection failed: {e}"),
        }
    }

    /// Opens the websocket with `token` and reads the login sequence.
    pub async fn connect(sim: &XucSim, token: &str) -> Cti {
        let mut cti = Cti::try_connect(sim, token)
            .await
            .unwrap_or_else(|(status, body)| panic!("refused with {status}: {body}"));
        assert_eq!(cti.next().await["msgType"], "LoggedOn");
        assert_eq!(cti.next().await["msgType"], "UserConfigUpdate");
        assert_eq!(cti.next().await["msgType"], "PhoneStatusUpdate");
        cti
    }

    /// Logs `user` in (password = login) and opens a session.
    pub async fn open(sim: &XucSim, user: &str) -> Cti {
        let token = token(sim, user).await;
        Cti::connect(sim, &token).await
    }

    pub async fn send_text(&mut self, text: &str) {
        self.ws
            .send(Message::Text(text.into()))
            .await
            .expect("send to the websocket");
    }

    /// `{"claz":"web","command":command, ...args}`.
    pub async fn command(&mut self, command: &str, args: Value) {
        let mut message = json!({ "claz": "web", "command": command });
        if let (Some(m), Value::Object(args)) = (message.as_object_mut(), args) {
            m.extend(args);
        }
        self.send_text(&message.to_string()).await;
    }

    pub async fn ping(&mut self) {
        self.send_text(r#"{"claz":"ping"}"#).await;
    }

    /// The next text frame, raw.
    pub async fn next_text(&mut self) -> String {
        loop {
            let frame = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("a message within the patience period")
                .expect("the socket is open")
                .expect("a frame");
            match frame {
                Message::Text(text) => return text.to_string(),
                Message::Ping(_) | Message::Pong(_) => continue,
                other => panic!("unexpected frame {other:?}"),
            }
        }
    }

    /// The next message, as JSON.
    pub async fn next(&mut self) -> Value {
        let text = self.next_text().await;
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    }

    /// The `ctiMessage` of the next message of type `msg_type`, skipping `PhoneStatusUpdate`
    /// and `PhoneHintStatusEvent` (status noise); any other message is a failure.
    pub async fn expect(&mut self, msg_type: &str) -> Value {
        loop {
            let message = self.next().await;
            let kind = message["msgType"].as_str().unwrap_or_default().to_owned();
            if kind == msg_type {
                return message["ctiMessage"].clone();
            }
            assert!(
                kind == "PhoneStatusUpdate" || kind == "PhoneHintStatusEvent",
                "expected {msg_type}, got {message}"
            );
        }
    }

    /// The next `PhoneEvent`, which must be of `event_type`.
    pub async fn event(&mut self, event_type: &str) -> Value {
        let event = self.expect("PhoneEvent").await;
        assert_eq!(event["eventType"], event_type, "{event}");
        event
    }

    /// Sends a ping and returns every message received before its `Pong`: since the server
    /// handles a socket's messages in order, this is everything caused so far.
    pub async fn barrier(&mut self) -> Vec<Value> {
        self.ping().await;
        let mut before = Vec::new();
        loop {
            let message = self.next().await;
            if message["msgType"] == "Pong" {
                return before;
            }
            before.push(message);
        }
    }

    /// Reads until the socket ends; how it ended.
    pub async fn ended(&mut self) -> Ended {
        loop {
            let frame = tokio::time::timeout(PATIENCE, self.ws.next())
                .await
                .expect("the socket ends within the patience period");
            match frame {
                None => return Ended::Dropped,
                Some(Err(_)) => return Ended::Dropped,
                Some(Ok(Message::Close(Some(frame)))) => {
                    return Ended::Closed(u16::from(frame.code), frame.reason.to_string())
                }
                Some(Ok(Message::Close(None))) => {
                    return Ended::Closed(u16::from(CloseCode::Status), String::new())
                }
                Some(Ok(_)) => continue,
            }
        }
    }
}
