//! The listening socket and the routes: HTTP (auth, control) and the websocket on one port.
//!
//! Connections are served by hand with hyper (not `axum::serve`) so that a simulated restart
//! can close the listening socket for a while and open it again on the same port, and so that
//! every task stops when the simulator stops. Websocket sessions run in tasks axum spawns;
//! they end when the world drops them, which `Core::stop` does.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::Request;
use axum::routing::{any, get, post};
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::{service_fn, Service};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;

use super::world::{Timer, World};
use super::{auth, control, session, XucSimConfig};
use crate::sync::lock;
use crate::tasks::TaskSet;

/// Back-off after a failed `accept` or a failed re-bind after a restart.
const RETRY_BACKOFF: Duration = Duration::from_millis(50);

/// A request to close the listening socket for `downtime`, answered once it listens again.
pub(crate) struct Restart {
    pub(crate) downtime: Duration,
    pub(crate) done: oneshot::Sender<()>,
}

/// What every handler and task shares.
#[derive(Debug)]
pub(crate) struct Core {
    world: Mutex<World>,
    tasks: TaskSet,
    addr: SocketAddr,
    idle_timeout: Duration,
    restarts: mpsc::UnboundedSender<Restart>,
    /// Number of session tasks still running, so shutdown can wait for them.
    live_sessions: watch::Sender<usize>,
}

impl Core {
    /// Runs `f` on the world under its lock, then starts the timers it scheduled.
    pub(crate) fn act<R>(self: &Arc<Self>, f: impl FnOnce(&mut World) -> R) -> R {
        let (result, timers) = {
            let mut world = lock(&self.world);
            let result = f(&mut world);
            (result, world.take_timers())
        };
        for (after, timer) in timers {
            let core = Arc::clone(self);
            self.tasks.spawn(async move {
                tokio::time::sleep(after).await;
                core.fire(timer);
            });
        }
        result
    }

    fn fire(self: &Arc<Self>, timer: Timer) {
        self.act(|w| w.on_timer(timer));
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub(crate) fn idle_timeout(&self) -> Duration {
        self.idle_timeout
    }

    /// The drop-after-N-messages fault, read by each session before it counts a message.
    pub(crate) fn drop_after(&self) -> Option<u32> {
        lock(&self.world).faults.drop_after
    }

    pub(crate) fn session_opened(&self) {
        self.live_sessions.send_modify(|n| *n += 1);
    }

    pub(crate) fn session_closed(&self) {
        self.live_sessions.send_modify(|n| *n = n.saturating_sub(1));
    }

    /// Asks the accept loop to stop listening for `downtime`; resolves once it listens again.
    pub(crate) async fn pause_listening(&self, downtime: Duration) {
        let (done, listening) = oneshot::channel();
        if self.restarts.send(Restart { downtime, done }).is_ok() {
            // An error means the accept loop has stopped: nothing to wait for.
            let _ = listening.await;
        }
    }

    /// Stops serving: drops every session, aborts the accept loop and timers, and waits
    /// (briefly) until every session task has ended.
    pub(crate) async fn shutdown(self: &Arc<Self>) {
        self.act(World::stop);
        self.tasks.shutdown().await;
        let mut live = self.live_sessions.subscribe();
        let _ = tokio::time::timeout(Duration::from_secs(2), live.wait_for(|n| *n == 0)).await;
    }

    /// What `Drop` can do without awaiting.
    pub(crate) fn stop_now(self: &Arc<Self>) {
        self.act(World::stop);
        self.tasks.abort_all();
    }
}

/// Binds, builds the shared state and starts the accept loop.
pub(crate) async fn start(config: XucSimConfig) -> Result<Arc<Core>, super::XucSimError> {
    let tasks = TaskSet::new().map_err(|_| super::XucSimError::NoRuntime)?;
    let bind = config.bind;
    let bind_error = |source| super::XucSimError::Bind { addr: bind, source };
    let listener = TcpListener::bind(bind).await.map_err(bind_error)?;
    let addr = listener.local_addr().map_err(bind_error)?;
    let (restarts, restart_rx) = mpsc::unbounded_channel();
    let demo = config.demo.clone();
    let core = Arc::new(Core {
        idle_timeout: config.idle_timeout,
        world: Mutex::new(World::new(config)),
        tasks,
        addr,
        restarts,
        live_sessions: watch::Sender::new(0),
    });
    let app = router(Arc::clone(&core));
    core.tasks.spawn(serve(listener, addr, app, restart_rx));
    if let Some(demo) = demo {
        core.tasks.spawn(super::demo::run(Arc::clone(&core), demo));
    }
    Ok(core)
}

fn router(core: Arc<Core>) -> Router {
    Router::new()
        .route("/xuc/api/2.0/auth/login", post(auth::login))
        .route("/xuc/api/2.0/auth/check", get(auth::check))
        .route("/xuc/api/2.0/cti", get(session::cti))
        .route("/control/{action}", any(control::control))
        .with_state(core)
}

enum Event {
    Accepted(std::io::Result<(TcpStream, SocketAddr)>),
    Restart(Option<Restart>),
}

/// Accepts connections until aborted; aborting also ends every HTTP connection (websockets
/// are ended through the world).
async fn serve(
    listener: TcpListener,
    addr: SocketAddr,
    app: Router,
    mut restarts: mpsc::UnboundedReceiver<Restart>,
) {
    let mut listener = Some(listener);
    let mut connections = JoinSet::new();
    loop {
        let event = match &listener {
            Some(l) => tokio::select! {
                accepted = l.accept() => Event::Accepted(accepted),
                restart = restarts.recv() => Event::Restart(restart),
            },
            None => Event::Restart(restarts.recv().await),
        };
        match event {
            Event::Accepted(Ok((tcp, peer))) => {
                while connections.try_join_next().is_some() {}
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::debug!("set_nodelay for {peer}: {e}");
                }
                connections.spawn(serve_connection(tcp, peer, app.clone()));
            }
            Event::Accepted(Err(e)) => {
                tracing::warn!("xuc simulator: accept failed: {e}");
                tokio::time::sleep(RETRY_BACKOFF).await;
            }
            Event::Restart(Some(restart)) => {
                // Connections already open (plain HTTP keep-alive) are left alone: a client
                // pool retries them transparently, and the control request that asked for the
                // restart is answered on one of them.
                drop(listener.take());
                tokio::time::sleep(restart.downtime).await;
                listener = Some(rebind(addr).await);
                let _ = restart.done.send(());
            }
            Event::Restart(None) => return,
        }
    }
}

/// Binds `addr` again, retrying until it works (the port was ours a moment ago).
async fn rebind(addr: SocketAddr) -> TcpListener {
    loop {
        match TcpListener::bind(addr).await {
            Ok(listener) => return listener,
            Err(e) => {
                tracing::warn!("xuc simulator: cannot listen on {addr} again yet: {e}");
                tokio::time::sleep(RETRY_BACKOFF).await;
            }
        }
    }
}

async fn serve_connection(tcp: TcpStream, peer: SocketAddr, app: Router) {
    let service = TowerToHyperService::new(app);
    let service = service_fn(move |request: Request<Incoming>| service.call(request));
    let connection = http1::Builder::new()
        .serve_connection(TokioIo::new(tcp), service)
        .with_upgrades();
    if let Err(e) = connection.await {
        tracing::debug!("xuc simulator: connection from {peer}: {e}");
    }
}
