//! Opening the CTI websocket, `GET /xuc/api/2.0/cti?token=...`, and its first exchange.
//!
//! `ws://` for an `http://` server, `wss://` for `https://`, through the same certificate
//! rules as the login ([`super::tls`]). Once open, the server says `LoggedOn` (or
//! `LoggedOnError`) and sends the user's configuration (Do Not Disturb) and the phone's
//! status; callpop then asks for the calls in progress (`getCurrentCallsPhoneEvents`) and
//! waits for them, so that the connection starts with a complete picture. Phone events that
//! arrive before that answer are already part of it and are not applied twice.
//!
//! Frames are bounded ([`MAX_MESSAGE_BYTES`]): xuc's messages are small, and a larger one
//! ends the connection (the reconnect resyncs) instead of filling memory.

use super::login::Token;
use super::messages::{parse, Command, Incoming, PhoneEvent, UserConfig};
use super::tls::Trust;
use crate::error::{excerpt, PhoneError};
use crate::refusal::Refusal;
use futures_util::{SinkExt, StreamExt};
use rustls::pki_types::ServerName;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::{timeout, timeout_at, Instant};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;
use url::{Host, Url};

/// Largest message accepted. A `CurrentCallsPhoneEvents` for a dozen calls with their
/// `userData` is a few kilobytes.
pub(crate) const MAX_MESSAGE_BYTES: usize = 1024 * 1024;

/// Plain TCP or TLS: the websocket does not care which.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// An open CTI websocket.
pub(crate) type Socket = WebSocketStream<Box<dyn Io>>;

/// Where the xuc server is and how long to wait for it.
pub(crate) struct Endpoint<'a> {
    pub base: &'a Url,
    /// `host[:port]` for messages.
    pub host: &'a str,
    pub trust: Option<&'a Trust>,
    pub connect_timeout: Duration,
    /// For the websocket upgrade and for the first exchange.
    pub request_timeout: Duration,
}

/// Why the websocket did not open.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// The server refused the token (expired, or forgotten by a restart): log in again.
    Token,
    Other(PhoneError),
}

/// What the server said before the first complete picture.
#[derive(Debug, Default)]
pub(crate) struct Greeting {
    /// `UserConfigUpdate`s, in order.
    pub user: Vec<UserConfig>,
    /// The last `PhoneStatusUpdate`.
    pub phone_status: Option<String>,
    /// The calls in progress.
    pub calls: Vec<PhoneEvent>,
}

/// Opens the websocket with `token`.
pub(crate) async fn open(endpoint: &Endpoint<'_>, token: &Token) -> Result<Socket, OpenError> {
    let host = endpoint.host.to_owned();
    let scrub = |text: &str| text.replace(token.value(), "•••");
    let mut url = endpoint.base.clone();
    let secure = url.scheme() == "https";
    let scheme = if secure { "wss" } else { "ws" };
    if url.set_scheme(scheme).is_err() {
        return Err(OpenError::Other(PhoneError::BadAddress(
            host,
            "it must start with http:// or https://".to_owned(),
        )));
    }
    url.set_path("/xuc/api/2.0/cti");
    url.query_pairs_mut()
        .clear()
        .append_pair("token", token.value());
    let (Some(name), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return Err(OpenError::Other(PhoneError::BadAddress(
            host,
            "it has no host name or IP address".to_owned(),
        )));
    };
    let unreachable = |reason: String| {
        OpenError::Other(PhoneError::Unreachable {
            host: host.clone(),
            reason,
        })
    };
    let tcp = match timeout(
        endpoint.connect_timeout,
        TcpStream::connect(format!("{name}:{port}")),
    )
    .await
    {
        Ok(Ok(tcp)) => tcp,
        Ok(Err(e)) => return Err(unreachable(e.to_string())),
        Err(_) => {
            return Err(OpenError::Other(PhoneError::Timeout {
                host,
                after: endpoint.connect_timeout,
            }))
        }
    };
    // Commands are tiny and latency matters more than packing them.
    let _ = tcp.set_nodelay(true);
    let io: Box<dyn Io> = match (secure, endpoint.trust) {
        (true, Some(trust)) => {
            let server_name = server_name(&url)
                .ok_or_else(|| unreachable("the host name is not valid for TLS".to_owned()))?;
            let connector = tokio_rustls::TlsConnector::from(trust.config());
            match timeout(
                endpoint.connect_timeout,
                connector.connect(server_name, tcp),
            )
            .await
            {
                Ok(Ok(tls)) => Box::new(tls),
                Ok(Err(e)) => {
                    return Err(match trust.refusal(&host) {
                        Some(refused) => OpenError::Other(refused),
                        None => unreachable(format!("the secure connection failed ({e})")),
                    })
                }
                Err(_) => {
                    return Err(OpenError::Other(PhoneError::Timeout {
                        host,
                        after: endpoint.connect_timeout,
                    }))
                }
            }
        }
        _ => Box::new(tcp),
    };
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE_BYTES))
        .max_frame_size(Some(MAX_MESSAGE_BYTES));
    let upgrade = tokio_tungstenite::client_async_with_config(url.as_str(), io, Some(config));
    match timeout(endpoint.request_timeout, upgrade).await {
        Ok(Ok((socket, _))) => Ok(socket),
        Ok(Err(WsError::Http(response))) => {
            let status = response.status().as_u16();
            if status == 401 || status == 403 {
                return Err(OpenError::Token);
            }
            let body = response
                .body()
                .as_deref()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            Err(OpenError::Other(PhoneError::UnexpectedAnswer {
                host,
                function: "the CTI websocket".to_owned(),
                excerpt: excerpt(&scrub(&format!("HTTP {status} {body}")), None),
            }))
        }
        Ok(Err(WsError::Io(e))) => Err(unreachable(scrub(&e.to_string()))),
        Ok(Err(other)) => Err(OpenError::Other(PhoneError::UnexpectedAnswer {
            host,
            function: "the CTI websocket".to_owned(),
            excerpt: excerpt(&scrub(&other.to_string()), None),
        })),
        Err(_) => Err(OpenError::Other(PhoneError::Timeout {
            host,
            after: endpoint.request_timeout,
        })),
    }
}

/// The name TLS checks the certificate against: the host name, or the IP address.
fn server_name(url: &Url) -> Option<ServerName<'static>> {
    match url.host()? {
        Host::Domain(name) => ServerName::try_from(name.to_owned()).ok(),
        Host::Ipv4(ip) => Some(ServerName::IpAddress(std::net::IpAddr::V4(ip).into())),
        Host::Ipv6(ip) => Some(ServerName::IpAddress(std::net::IpAddr::V6(ip).into())),
    }
}

/// What the server said along with a refusal (its error code), as an excerpt; `None` when it
/// said nothing.
pub(crate) fn said(code: &str) -> Option<String> {
    (!code.trim().is_empty()).then(|| excerpt(code, None))
}

/// Waits for `LoggedOn`, asks for the calls in progress and waits for them.
pub(crate) async fn greet(
    socket: &mut Socket,
    endpoint: &Endpoint<'_>,
    username: &str,
) -> Result<Greeting, PhoneError> {
    let host = endpoint.host;
    let deadline = Instant::now() + endpoint.request_timeout;
    let timed_out = || PhoneError::Timeout {
        host: host.to_owned(),
        after: endpoint.request_timeout,
    };
    let mut greeting = Greeting::default();
    let mut logged_on = false;
    loop {
        let text = timeout_at(deadline, next_text(socket, host))
            .await
            .map_err(|_| timed_out())??;
        let message = match parse(&text) {
            Ok(message) => message,
            Err(why) => {
                tracing::debug!("xuc: unreadable message while logging on: {}", why.0);
                continue;
            }
        };
        match message {
            Incoming::LoggedOn if !logged_on => {
                logged_on = true;
                let ask = Command::GetCurrentCalls.to_json();
                timeout_at(deadline, socket.send(Message::text(ask)))
                    .await
                    .map_err(|_| timed_out())?
                    .map_err(|e| lost(host, &e))?;
            }
            Incoming::LoggedOnError(code) => {
                return Err(Refusal::XivoSessionRefused {
                    host: host.to_owned(),
                    username: username.to_owned(),
                    reason: said(&code),
                }
                .into())
            }
            Incoming::UserConfig(config) => greeting.user.push(config),
            Incoming::PhoneStatus(status) => greeting.phone_status = Some(status),
            Incoming::CurrentCalls(calls) if logged_on => {
                greeting.calls = calls;
                return Ok(greeting);
            }
            Incoming::ServerError(text) => {
                tracing::info!("xuc said Error while logging on: {}", excerpt(&text, None));
            }
            // Phone events before the answer are part of it; the rest means nothing yet.
            _ => {}
        }
    }
}

/// The next text frame; pings, pongs and binary frames are skipped.
pub(crate) async fn next_text(socket: &mut Socket, host: &str) -> Result<String, PhoneError> {
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => return Ok(text.as_str().to_owned()),
            Some(Ok(Message::Close(_))) | None => return Err(closed(host)),
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(lost(host, &e)),
        }
    }
}

/// Closes politely, without waiting long for the server's answer.
pub(crate) async fn close(mut socket: Socket) {
    let _ = timeout(Duration::from_secs(1), socket.close(None)).await;
}

pub(crate) fn closed(host: &str) -> PhoneError {
    PhoneError::Unreachable {
        host: host.to_owned(),
        reason: "the xuc server closed the CTI connection".to_owned(),
    }
}

/// A broken connection in words.
pub(crate) fn lost(host: &str, error: &WsError) -> PhoneError {
    let reason = match error {
        WsError::Capacity(_) => format!(
            "the xuc server sent a message larger than {} KiB",
            MAX_MESSAGE_BYTES / 1024
        ),
        WsError::ConnectionClosed | WsError::AlreadyClosed => {
            "the xuc server closed the CTI connection".to_owned()
        }
        WsError::Io(e) => format!("the CTI connection broke ({e})"),
        WsError::Protocol(e) => format!("the CTI connection broke ({e})"),
        other => format!(
            "the CTI connection broke ({})",
            excerpt(&other.to_string(), None)
        ),
    };
    PhoneError::Unreachable {
        host: host.to_owned(),
        reason,
    }
}
