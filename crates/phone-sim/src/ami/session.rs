//! The AMI listener and one task per client connection.
//!
//! A session sends the banner, then reads actions and writes responses one at a time, like
//! Asterisk's session thread: while an action is handled (a synchronous originate, the 1 s
//! pause after a failed login) nothing else is written, and the events that happened
//! meanwhile follow the response. Events are filtered here by the session's mask and filters.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use crate::sync::lock;

use super::faults::AmiFault;
use super::filter::Filters;
use super::pbx::Outgoing;
use super::perms;
use super::shared::{AmiSessionInfo, SessionEntry, Shared};
use super::wire::{MessageReader, Read};

/// Back-off after a failed `accept` (for example when out of file descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Accepts AMI connections until the listener generation changes (a restart) or the task is
/// aborted.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>, generation: u64) {
    let mut changes = shared.listener_generation.subscribe();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let session = Arc::clone(&shared);
                    shared.tasks.spawn(run(stream, peer, session));
                }
                Err(e) => {
                    tracing::warn!("AMI accept failed: {e}");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
            changed = changes.changed() => {
                if changed.is_err() || *changes.borrow() != generation {
                    return;
                }
            }
        }
    }
}

/// Whether the session goes on after a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Continue,
    Close,
}

/// One client connection.
pub(crate) struct Session {
    pub(crate) id: u64,
    pub(crate) peer: SocketAddr,
    pub(crate) shared: Arc<Shared>,
    writer: OwnedWriteHalf,
    pub(crate) tx: mpsc::UnboundedSender<Outgoing>,
    pub(crate) authenticated: bool,
    pub(crate) username: Option<String>,
    pub(crate) send_events: u32,
    pub(crate) challenge: Option<String>,
    pub(crate) filters: Filters,
    /// Events still to send before closing (the `DropAfterEvents` fault).
    countdown: Option<u32>,
    fault_version: u64,
    pub(crate) fault: AmiFault,
}

/// Removes the session from the registry and the PBX however it ends (also when aborted).
struct Registration {
    id: u64,
    shared: Arc<Shared>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        lock(&self.shared.sessions).remove(&self.id);
        lock(&self.shared.pbx).unsubscribe(self.id);
    }
}

async fn run(stream: TcpStream, peer: SocketAddr, shared: Arc<Shared>) {
    let id = shared.next_session_id();
    let (tx, mut rx) = mpsc::unbounded_channel();
    lock(&shared.sessions).insert(
        id,
        SessionEntry {
            tx: tx.clone(),
            info: AmiSessionInfo {
                id,
                peer,
                username: None,
                authenticated: false,
                events: perms::describe(0),
                filters: 0,
            },
        },
    );
    let _registration = Registration {
        id,
        shared: Arc::clone(&shared),
    };
    let (read, writer) = stream.into_split();
    let mut reader = MessageReader::new(read);
    let (fault, fault_version) = shared.fault();
    let mut session = Session {
        id,
        peer,
        shared,
        writer,
        tx,
        authenticated: false,
        username: None,
        send_events: 0,
        challenge: None,
        filters: Filters::default(),
        countdown: None,
        fault_version: fault_version.wrapping_sub(1),
        fault,
    };
    session.sync_fault();
    tracing::debug!(session = id, %peer, "AMI client connected");
    let banner = format!(
        "Asterisk Call Manager/{}\r\n",
        session.shared.cfg.ami_version
    );
    if session.write(banner.as_bytes()).await.is_err() {
        return;
    }
    loop {
        session.sync_fault();
        // Events already queued go out before the next action is read, so an action's
        // response always follows the events that happened before it arrived.
        let flow = tokio::select! {
            biased;
            out = rx.recv() => match out {
                Some(out) => session.deliver(out).await,
                None => Flow::Close,
            },
            read = reader.next() => match read {
                Read::Message(message) => session.handle(message).await,
                Read::Closed => Flow::Close,
            },
        };
        if flow == Flow::Close {
            break;
        }
    }
    let _ = session.writer.shutdown().await;
    tracing::debug!(session = id, %peer, "AMI client gone");
}

impl Session {
    /// Picks up a fault set since the last look.
    fn sync_fault(&mut self) {
        let (fault, version) = self.shared.fault();
        if version == self.fault_version {
            return;
        }
        self.fault_version = version;
        self.fault = fault;
        self.countdown = match fault {
            AmiFault::DropAfterEvents { count } => Some(count),
            _ => None,
        };
    }

    pub(crate) fn hung(&self) -> bool {
        self.fault == AmiFault::Hang
    }

    /// Writes unless the `Hang` fault is on. An error means the client is gone.
    pub(crate) async fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if self.hung() {
            return Ok(());
        }
        self.writer.write_all(bytes).await
    }

    /// Writes, turning a write error into `Close`.
    pub(crate) async fn send(&mut self, text: &str) -> Flow {
        match self.write(text.as_bytes()).await {
            Ok(()) => Flow::Continue,
            Err(_) => Flow::Close,
        }
    }

    /// Something from the PBX or the control side.
    async fn deliver(&mut self, out: Outgoing) -> Flow {
        match out {
            Outgoing::Event(event) => {
                if self.hung()
                    || !self.authenticated
                    || !perms::delivers(self.send_events, event.class)
                    || !self.filters.allows(&event)
                {
                    return Flow::Continue;
                }
                if self.countdown == Some(0) {
                    return Flow::Close;
                }
                if self.send(&event.text).await == Flow::Close {
                    return Flow::Close;
                }
                match self.countdown.as_mut() {
                    Some(left) => {
                        *left -= 1;
                        if *left == 0 {
                            Flow::Close
                        } else {
                            Flow::Continue
                        }
                    }
                    None => Flow::Continue,
                }
            }
            Outgoing::Raw(bytes) => match self.write(&bytes).await {
                Ok(()) => Flow::Continue,
                Err(_) => Flow::Close,
            },
            Outgoing::RawThenClose(bytes) => {
                let _ = self.write(&bytes).await;
                let _ = self.writer.flush().await;
                Flow::Close
            }
            Outgoing::Close => Flow::Close,
        }
    }

    /// Publishes the session's current state to the registry.
    pub(crate) fn publish(&self) {
        let (authenticated, username, events, filters) = (
            self.authenticated,
            self.username.clone(),
            perms::describe(self.send_events),
            self.filters.len(),
        );
        self.shared.update_session(self.id, |info| {
            info.authenticated = authenticated;
            info.username = username;
            info.events = events;
            info.filters = filters;
        });
    }
}
