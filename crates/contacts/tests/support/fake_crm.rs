//! A tiny CRM on loopback (real HTTP through axum) with the answers CRMs give, good and bad.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::io::AsyncWriteExt;

pub const TOKEN: &str = "t0ken-for-tests";
pub const JANE_E164: &str = "+4930123456";

/// The running CRM; stops when dropped.
pub struct FakeCrm {
    pub addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeCrm {
    pub async fn start() -> Self {
        let requests = Arc::new(AtomicUsize::new(0));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let app = Router::new()
            .route("/lookup", get(lookup))
            .route("/secure", get(secure))
            .route(
                "/bad",
                get(|| async { (StatusCode::OK, "{\"name\": \"Jane\"") }),
            )
            .route("/huge", get(huge))
            .route("/slow", get(slow))
            .route("/late", get(late))
            .route(
                "/error",
                get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
            )
            .route("/redirect-other", get(redirect_other))
            .route("/redirect-same", get(redirect_same))
            .with_state(AppState {
                requests: requests.clone(),
                port: addr.port(),
            });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            addr,
            requests,
            task,
        }
    }

    /// The URL template for a path on this CRM.
    pub fn template(&self, path: &str) -> String {
        format!("http://{}/{path}?phone={{e164}}", self.addr)
    }

    /// How many requests the CRM has received.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for FakeCrm {
    fn drop(&mut self) {
        self.task.abort();
    }
}

#[derive(Clone)]
struct AppState {
    requests: Arc<AtomicUsize>,
    port: u16,
}

fn jane() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"data": {"id": 17, "name": "Jane Customer", "company": "ACME GmbH", "url": "/contacts/17"}}"#,
    )
        .into_response()
}

async fn lookup(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    if query.get("phone").map(String::as_str) == Some(JANE_E164) {
        jane()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

async fn secure(State(state): State<AppState>, headers: HeaderMap) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    let expected = format!("Bearer {TOKEN}");
    match headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        Some(value) if value == expected => jane(),
        _ => StatusCode::UNAUTHORIZED.into_response(),
    }
}

async fn huge(State(state): State<AppState>) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    let filler = "x".repeat(2 * 1024 * 1024);
    (
        [(header::CONTENT_TYPE, "application/json")],
        format!(r#"{{"name": "Jane", "notes": "{filler}"}}"#),
    )
        .into_response()
}

async fn slow(State(state): State<AppState>) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(600)).await;
    jane()
}

/// Answers after 1 s: later than a lookup's deadline, sooner than the CRM timeout.
async fn late(State(state): State<AppState>) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(1)).await;
    jane()
}

async fn redirect_other(State(state): State<AppState>) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    // localhost is another host name than 127.0.0.1, though the same machine.
    let location = format!(
        "http://localhost:{}/lookup?phone=%2B4930123456&token=leak",
        state.port
    );
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

async fn redirect_same(State(state): State<AppState>) -> Response {
    state.requests.fetch_add(1, Ordering::SeqCst);
    (
        StatusCode::FOUND,
        [(header::LOCATION, "/lookup?phone=%2B4930123456")],
    )
        .into_response()
}

/// A server that streams a JSON body without a length, far past any sane size, then
/// closes. Returns its address; it serves one connection per spawn.
pub async fn endless_body_server() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = tokio::io::AsyncReadExt::read(&mut stream, &mut request).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
                if stream.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
                // Bounded: 64 MiB at most, the client is expected to stop far earlier.
                for _ in 0..1024 {
                    if stream.write_all(chunk.as_bytes()).await.is_err() {
                        return;
                    }
                }
                let _ = stream.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    addr
}
