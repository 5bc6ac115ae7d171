//! The listening socket: accepts TCP (and TLS) connections and serves HTTP/1.1 on them.
//!
//! Connections are served by hand rather than with `axum::serve` for four reasons: HTTPS needs
//! a per-connection acceptor (so a rotated certificate applies to new connections only), the
//! handlers learn the client's address (a Yealink's allowed-address check needs it), the "drop
//! connection" fault must be able to close a connection from inside a handler, and every
//! connection task must stop when the simulator stops, which is guaranteed by owning them in a
//! `JoinSet` that dies with the accept loop. The Grandstream and the Yealink simulator both
//! serve through here.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
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
use tokio_rustls::TlsAcceptor;

/// A client that has not finished its TLS handshake by then is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Back-off after a failed `accept` (for example when out of file descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Facts about the connection a request arrived on, available to handlers as an extension.
#[derive(Debug, Clone)]
pub(crate) struct ConnInfo {
    /// The client's address.
    pub(crate) peer: SocketAddr,
    /// Whether the connection is HTTPS.
    pub(crate) tls: bool,
    kill: Arc<Notify>,
}

impl ConnInfo {
    /// Closes the connection without answering the request in progress.
    pub(crate) fn drop_connection(&self) {
        self.kill.notify_one();
    }
}

/// Accepts connections until the task is aborted; aborting it also ends every connection.
/// `tls` gives the acceptor for each new connection (`None`: plain HTTP), so a rotated
/// certificate applies to new connections only.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    tls: impl Fn() -> Option<TlsAcceptor> + Send + 'static,
) {
    let mut connections = JoinSet::new();
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                tracing::warn!("accept failed: {e}");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!("set_nodelay for {peer}: {e}");
        }
        let router = router.clone();
        let acceptor = tls();
        connections.spawn(async move {
            match acceptor {
                None => serve_connection(tcp, peer, false, router).await,
                Some(acceptor) => {
                    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                        Ok(Ok(stream)) => serve_connection(stream, peer, true, router).await,
                        Ok(Err(e)) => tracing::debug!("TLS handshake with {peer} failed: {e}"),
                        Err(_) => tracing::debug!("TLS handshake with {peer} timed out"),
                    }
                }
            }
        });
    }
}

async fn serve_connection<I>(io: I, peer: SocketAddr, tls: bool, router: Router)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let kill = Arc::new(Notify::new());
    let info = ConnInfo {
        peer,
        tls,
        kill: Arc::clone(&kill),
    };
    let app = TowerToHyperService::new(router);
    let service = service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(info.clone());
        app.call(request)
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(io), service);
    tokio::select! {
        result = connection => {
            if let Err(e) = result {
                tracing::debug!("connection from {peer}: {e}");
            }
        }
        () = kill.notified() => tracing::debug!("dropped connection from {peer} on purpose"),
    }
}

/// The address a local client should use for `addr`: wildcards become loopback.
pub(crate) fn reachable(addr: SocketAddr) -> SocketAddr {
    SocketAddr::new(reachable_ip(addr.ip()), addr.port())
}

/// The address a local client should use for `ip`: a wildcard becomes loopback.
pub(crate) fn reachable_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    }
}
