//! The listening socket: accepts TCP (and TLS) connections and serves HTTP/1.1 on them.
//!
//! Served by hand with hyper rather than `axum::serve` so that the handlers learn the
//! client's address (the allowed-address check needs it), the "drop connection" fault can
//! close a connection from inside a handler, HTTPS takes each new connection with the
//! certificate current at that moment, and every connection ends when the simulator stops
//! (they are owned by the accept loop's task).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::{service_fn, Service};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use super::shared::Shared;

/// A client that has not finished its TLS handshake by then is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Back-off after a failed `accept`.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// The connection a request arrived on, available to handlers as an extension.
#[derive(Debug, Clone)]
pub(crate) struct Conn {
    /// The client's address.
    pub(crate) peer: SocketAddr,
    kill: Arc<Notify>,
}

impl Conn {
    /// Closes the connection without answering the request in progress.
    pub(crate) fn drop_connection(&self) {
        self.kill.notify_one();
    }
}

/// Accepts connections until the task is aborted; aborting it ends every connection too.
pub(crate) async fn serve(listener: TcpListener, router: Router, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                tracing::warn!("yealink simulator: accept failed: {e}");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("set_nodelay for {peer}: {e}");
        }
        let router = router.clone();
        let acceptor = shared.tls.as_ref().map(|tls| tls.acceptor());
        connections.spawn(async move {
            match acceptor {
                None => serve_connection(tcp, peer, router).await,
                Some(acceptor) => {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => serve_connection(stream, peer, router).await,
                        Ok(Err(e)) => tracing::debug!("TLS handshake with {peer} failed: {e}"),
                        Err(_) => tracing::debug!("TLS handshake with {peer} timed out"),
                    }
                }
            }
        });
    }
}

async fn serve_connection<I>(io: I, peer: SocketAddr, router: Router)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let kill = Arc::new(Notify::new());
    let conn = Conn {
        peer,
        kill: Arc::clone(&kill),
    };
    let app = TowerToHyperService::new(router);
    let service = service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(conn.clone());
        app.call(request)
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(io), service);
    tokio::select! {
        result = connection => {
            if let Err(e) = result {
                tracing::debug!("yealink simulator: connection from {peer}: {e}");
            }
        }
        () = kill.notified() => tracing::debug!("dropped connection from {peer} on purpose"),
    }
}
