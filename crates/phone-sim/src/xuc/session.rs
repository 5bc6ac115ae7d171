//! The websocket `GET /xuc/api/2.0/cti?token=...`: token check, then one task per socket that
//! writes what the world queues for it and hands every received frame to the world.
//!
//! A socket ends when the client closes it, when nothing has arrived for `idle_timeout`
//! (close frame 1000, reason `idle timeout`; UNCONFIRMED: code and reason are the
//! simulator's choice), when the world drops it (fault, restart, shutdown: the TCP connection
//! just closes, no close frame), or after `LoggedOnError`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;
use tokio::time::{sleep_until, timeout, Instant};

use super::server::Core;
use super::world::Outbound;

/// How long the server waits for the client's side of a closing handshake.
const CLOSE_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// Checks the token, then upgrades to a websocket session of the token's user.
pub(crate) async fn cti(
    State(core): State<Arc<Core>>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, axum::extract::ws::rejection::WebSocketUpgradeRejection>,
) -> Response {
    let token = query.as_ref().ok().and_then(|q| q.get("token").cloned());
    let login = match core.act(|w| w.admit_cti(token.as_deref())) {
        Ok(login) => login,
        Err(problem) => return problem.response(),
    };
    match upgrade {
        Ok(upgrade) => upgrade.on_upgrade(move |socket| run(core, login, socket)),
        Err(rejection) => rejection.into_response(),
    }
}

async fn run(core: Arc<Core>, login: String, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let Some(id) = core.act(|w| w.open_session(&login, tx)) else {
        return;
    };
    core.session_opened();
    let idle = core.idle_timeout();
    let mut deadline = Instant::now() + idle;
    let mut sent: u32 = 0;
    // Sessions ended by the world (drop, restart) already carry their reason; the one given
    // here is then ignored.
    let reason: &'static str = loop {
        tokio::select! {
            outbound = rx.recv() => match outbound {
                Some(Outbound::Text(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break "the client went away";
                    }
                    sent = sent.saturating_add(1);
                    if core.drop_after().is_some_and(|limit| sent >= limit) {
                        break "dropped after N messages (fault)";
                    }
                }
                Some(Outbound::Close(reason)) => {
                    close(&mut socket, reason).await;
                    break reason;
                }
                Some(Outbound::Drop) | None => break "dropped by the server",
            },
            received = socket.recv() => match received {
                Some(Ok(Message::Text(text))) => {
                    deadline = Instant::now() + idle;
                    core.act(|w| w.handle_text(id, text.as_str()));
                }
                Some(Ok(Message::Binary(_))) => {
                    deadline = Instant::now() + idle;
                    core.act(|w| w.handle_text(id, "<binary frame>"));
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {
                    deadline = Instant::now() + idle;
                }
                Some(Ok(Message::Close(_))) => {
                    finish_closing(&mut socket).await;
                    break "closed by the client";
                }
                None | Some(Err(_)) => break "the connection was lost",
            },
            () = sleep_until(deadline) => {
                close(&mut socket, "idle timeout").await;
                break "idle timeout";
            }
        }
    };
    core.act(|w| w.close_session(id, reason));
    drop(socket);
    core.session_closed();
}

/// Sends a close frame and waits briefly for the client's answer.
async fn close(socket: &mut WebSocket, reason: &'static str) {
    let frame = CloseFrame {
        code: 1000,
        reason: reason.into(),
    };
    if socket.send(Message::Close(Some(frame))).await.is_ok() {
        finish_closing(socket).await;
    }
}

/// Reads until the closing handshake is over (or a short grace period has passed), so the
/// close reply actually leaves before the socket is dropped.
async fn finish_closing(socket: &mut WebSocket) {
    let drain = async { while let Some(Ok(_)) = socket.recv().await {} };
    let _ = timeout(CLOSE_GRACE, drain).await;
}
