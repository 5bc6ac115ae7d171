//! The live CTI connection: one task per websocket that reads, writes and watches the link.
//!
//! The task owns the socket. It turns what arrives into the board's picture
//! ([`super::board`]) and hands a complete snapshot to the session's stream after every
//! change; it writes the commands [`super::Xivo::perform`] queues ([`Link`]); it pings every
//! few seconds (`{"claz":"ping"}`, as xuc's own client does); and it declares the link
//! broken when nothing at all has arrived for a while. Any message counts as a sign of life:
//! xuc's answer to a ping is not documented, and a busy server is alive anyway.
//!
//! The board and the link live in [`Shared`], outside any one connection, so that line
//! numbers survive reconnects and `perform` can send while the session reads. When the
//! session drops the stream (to reconnect, or because it stops), the task closes the socket
//! and ends.

use super::board::Board;
use super::messages::{parse, Command, Incoming};
use super::socket::{close, closed, lost, Socket};
use crate::backend::{EventStream, Report};
use crate::error::{excerpt, PhoneError};
use crate::refusal::Refusal;
use async_trait::async_trait;
use futures_util::{SinkExt, StreamExt};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::{sleep_until, Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::Message;

/// Snapshots waiting for the session; the task waits (and stops reading) when it is full.
const REPORT_QUEUE: usize = 64;
/// Commands waiting to be written.
const COMMAND_QUEUE: usize = 16;

/// What every connection of one backend shares with `perform`.
#[derive(Debug)]
pub(crate) struct Shared {
    board: Mutex<Board>,
    /// Bumped after every change of the board, of the link, and after every `Error` message:
    /// what a command waiting for its effect listens to.
    changes: watch::Sender<u64>,
    link: Mutex<Option<Link>>,
    /// How many `Error` messages arrived, and the last one's text.
    server_errors: Mutex<(u64, String)>,
    /// Numbers the connections, so an old task ending late does not unplug a new one.
    generations: Mutex<u64>,
}

/// The way to the current connection's writer.
#[derive(Clone, Debug)]
pub(crate) struct Link {
    generation: u64,
    commands: mpsc::Sender<String>,
}

impl Default for Shared {
    fn default() -> Self {
        Self {
            board: Mutex::new(Board::default()),
            changes: watch::channel(0).0,
            link: Mutex::new(None),
            server_errors: Mutex::new((0, String::new())),
            generations: Mutex::new(0),
        }
    }
}

impl Shared {
    /// The board, also when a panic elsewhere poisoned the lock (its data stays usable).
    pub(crate) fn board(&self) -> MutexGuard<'_, Board> {
        self.board.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A receiver that wakes on every change from now on.
    pub(crate) fn watch(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    fn bump(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// The current connection's writer, when one is up.
    pub(crate) fn link(&self) -> Option<Link> {
        let link = self.link.lock().unwrap_or_else(|p| p.into_inner()).clone();
        link.filter(|l| !l.commands.is_closed())
    }

    /// Whether the connection `link` belongs to is still the current one and up.
    pub(crate) fn is_up(&self, link: &Link) -> bool {
        self.link()
            .is_some_and(|current| current.generation == link.generation)
    }

    /// How many `Error` messages arrived so far, and the last one's text.
    pub(crate) fn server_errors(&self) -> (u64, String) {
        self.server_errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn note_server_error(&self, text: &str) {
        {
            let mut errors = self.server_errors.lock().unwrap_or_else(|p| p.into_inner());
            errors.0 = errors.0.wrapping_add(1);
            errors.1 = text.to_owned();
        }
        self.bump();
    }

    fn next_generation(&self) -> u64 {
        let mut n = self.generations.lock().unwrap_or_else(|p| p.into_inner());
        *n = n.wrapping_add(1);
        *n
    }

    fn unplug(&self, generation: u64) {
        {
            let mut link = self.link.lock().unwrap_or_else(|p| p.into_inner());
            if link.as_ref().is_some_and(|l| l.generation == generation) {
                *link = None;
            }
        }
        self.bump();
    }
}

impl Link {
    /// Queues `command` for the socket. Fails when this connection has ended.
    pub(crate) async fn send(&self, command: &Command) -> bool {
        self.commands.send(command.to_json()).await.is_ok()
    }
}

/// How the task paces itself.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pace {
    pub ping_every: Duration,
    pub silent_after: Duration,
}

/// Starts the task for `socket`, makes it the connection `perform` uses, and returns the
/// stream the session reads, starting with `first`.
pub(crate) fn start(
    socket: Socket,
    shared: Arc<Shared>,
    pace: Pace,
    host: String,
    first: Vec<crate::model::Line>,
) -> XivoStream {
    let (reports_tx, reports) = mpsc::channel(REPORT_QUEUE);
    let (commands_tx, commands) = mpsc::channel(COMMAND_QUEUE);
    let generation = shared.next_generation();
    {
        let mut link = shared.link.lock().unwrap_or_else(|p| p.into_inner());
        *link = Some(Link {
            generation,
            commands: commands_tx,
        });
    }
    shared.bump();
    let task = Task {
        shared: shared.clone(),
        reports: reports_tx,
        commands,
        pace,
        host: host.clone(),
    };
    tokio::spawn(async move {
        task.run(socket).await;
        shared.unplug(generation);
    });
    XivoStream {
        first: Some(Report::Lines(first)),
        reports,
        host,
    }
}

/// The session's side: snapshots as the task makes them.
pub(crate) struct XivoStream {
    first: Option<Report>,
    reports: mpsc::Receiver<Result<Report, PhoneError>>,
    host: String,
}

#[async_trait]
impl EventStream for XivoStream {
    async fn next(&mut self) -> Result<Report, PhoneError> {
        if let Some(first) = self.first.take() {
            return Ok(first);
        }
        // Receiving is cancel-safe: the session may drop this future for its other work.
        match self.reports.recv().await {
            Some(report) => report,
            None => Err(closed(&self.host)),
        }
    }
}

struct Task {
    shared: Arc<Shared>,
    reports: mpsc::Sender<Result<Report, PhoneError>>,
    commands: mpsc::Receiver<String>,
    pace: Pace,
    host: String,
}

/// Why the task stopped.
enum End {
    /// The session no longer listens.
    Dropped,
    Broken(PhoneError),
}

impl Task {
    async fn run(mut self, socket: Socket) {
        let (mut sink, mut frames) = socket.split();
        let mut ping =
            tokio::time::interval_at(Instant::now() + self.pace.ping_every, self.pace.ping_every);
        ping.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut last_heard = Instant::now();
        let end = loop {
            tokio::select! {
                frame = frames.next() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        last_heard = Instant::now();
                        if let Err(end) = self.take(text.as_str()).await {
                            break end;
                        }
                    }
                    Some(Ok(Message::Close(_))) | None => break End::Broken(closed(&self.host)),
                    // Binary, ping and pong frames: alive, nothing to read.
                    Some(Ok(_)) => last_heard = Instant::now(),
                    Some(Err(e)) => break End::Broken(lost(&self.host, &e)),
                },
                command = self.commands.recv() => {
                    let Some(command) = command else { break End::Dropped };
                    if let Err(e) = sink.send(Message::text(command)).await {
                        break End::Broken(lost(&self.host, &e));
                    }
                }
                _ = ping.tick() => {
                    if let Err(e) = sink.send(Message::text(Command::Ping.to_json())).await {
                        break End::Broken(lost(&self.host, &e));
                    }
                }
                () = sleep_until(last_heard + self.pace.silent_after) => {
                    break End::Broken(PhoneError::Timeout {
                        host: self.host.clone(),
                        after: self.pace.silent_after,
                    });
                }
                () = self.reports.closed() => break End::Dropped,
            }
        };
        match end {
            End::Dropped => {
                if let Ok(socket) = sink.reunite(frames) {
                    close(socket).await;
                }
            }
            End::Broken(error) => {
                tracing::info!("xuc connection ended: {error}");
                // The session may be gone already; then nobody needs to know.
                let _ = self.reports.send(Err(error)).await;
            }
        }
    }

    /// Takes in one message; reports the lines when they changed.
    async fn take(&mut self, text: &str) -> Result<(), End> {
        let message = match parse(text) {
            Ok(message) => message,
            Err(why) => {
                tracing::debug!("xuc: ignored an unreadable message: {}", why.0);
                return Ok(());
            }
        };
        let lines = {
            let mut board = self.shared.board();
            let changed = match message {
                Incoming::Phone(event) => board.apply(&event),
                Incoming::CurrentCalls(calls) => {
                    board.resync(&calls);
                    true
                }
                // The lines are the same, but the session reads Do Not Disturb after each
                // snapshot: a DND change is reported as one.
                Incoming::UserConfig(config) => board.apply_user(&config),
                Incoming::PhoneStatus(status) => {
                    board.set_phone_status(&status);
                    false
                }
                Incoming::ServerError(text) => {
                    drop(board);
                    tracing::info!("xuc said Error: {}", excerpt(&text, None));
                    self.shared.note_server_error(&text);
                    return Ok(());
                }
                Incoming::LoggedOnError(code) => {
                    return Err(End::Broken(
                        Refusal::XivoSessionEnded {
                            reason: super::socket::said(&code),
                        }
                        .into(),
                    ));
                }
                Incoming::LoggedOn | Incoming::Other(_) => false,
            };
            changed.then(|| board.lines())
        };
        if let Some(lines) = lines {
            self.shared.bump();
            if self.reports.send(Ok(Report::Lines(lines))).await.is_err() {
                return Err(End::Dropped);
            }
        }
        Ok(())
    }
}
