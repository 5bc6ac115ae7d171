//! A live manager connection, shared by the event stream and the actions.
//!
//! One connection carries both: events for the stream, and the responses to actions sent
//! while the stream reads. So one task reads everything ([`read_events`]) and routes it: a
//! message with the `ActionID` of a request in flight goes to that request (its response,
//! the items of a list, an `OriginateResponse`); events go through the call state
//! ([`Book`]) and out to the stream as reports. Anyone may write (the `Link`'s writer is
//! shared under a lock). The same task keeps the connection honest: a `Ping` every
//! [`AmiTiming::keepalive`], and a PBX that does not answer one within
//! [`AmiTiming::answer_timeout`] counts as gone.

use super::config::AmiTiming;
use super::errors;
use super::login::{ActionIds, Reader};
use super::state::Book;
use super::wire::{Action, Message};
use crate::backend::Report;
use crate::credentials::Secret;
use crate::error::PhoneError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Messages queued for one request in flight; a list's items are read as they come.
const WAITER_QUEUE: usize = 64;
/// Requests in flight at most (a person clicks; more is a bug or an attack on the map).
const MAX_WAITERS: usize = 64;

/// Locks a mutex whose data stays usable even if a holder panicked.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// See the module documentation.
#[derive(Debug)]
pub(crate) struct Link {
    address: String,
    writer: tokio::sync::Mutex<OwnedWriteHalf>,
    waiters: Mutex<HashMap<String, mpsc::Sender<Message>>>,
    ids: ActionIds,
    /// Why the connection is no longer usable, once it is not.
    broken: Mutex<Option<PhoneError>>,
    answer_timeout: Duration,
}

impl Link {
    pub(crate) fn new(
        address: String,
        writer: OwnedWriteHalf,
        ids: ActionIds,
        answer_timeout: Duration,
    ) -> Self {
        Self {
            address,
            writer: tokio::sync::Mutex::new(writer),
            waiters: Mutex::new(HashMap::new()),
            ids,
            broken: Mutex::new(None),
            answer_timeout,
        }
    }

    pub(crate) fn address(&self) -> &str {
        &self.address
    }

    pub(crate) fn answer_timeout(&self) -> Duration {
        self.answer_timeout
    }

    pub(crate) fn next_id(&self) -> String {
        self.ids.next()
    }

    pub(crate) fn is_broken(&self) -> bool {
        lock(&self.broken).is_some()
    }

    /// Why the connection ended (the first reason given wins).
    pub(crate) fn broken_error(&self) -> PhoneError {
        lock(&self.broken)
            .clone()
            .unwrap_or_else(|| errors::not_connected(&self.address))
    }

    /// Marks the connection unusable: requests in flight fail at once, new ones are refused.
    pub(crate) fn break_with(&self, error: PhoneError) {
        lock(&self.broken).get_or_insert(error);
        lock(&self.waiters).clear();
    }

    /// Sends an action. A write that fails or hangs breaks the connection.
    pub(crate) async fn send(&self, action: Action) -> Result<(), PhoneError> {
        if self.is_broken() {
            return Err(self.broken_error());
        }
        let bytes = action.into_bytes();
        let written = tokio::time::timeout(self.answer_timeout, async {
            let mut writer = self.writer.lock().await;
            writer.write_all(&bytes).await
        })
        .await;
        let error = match written {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(e)) => PhoneError::Unreachable {
                host: self.address.clone(),
                reason: e.to_string(),
            },
            Err(_) => errors::silent(&self.address, self.answer_timeout),
        };
        self.break_with(error.clone());
        Err(error)
    }

    /// Registers a request in flight under `id`: what comes with that `ActionID` is
    /// delivered to the returned waiter until it is dropped.
    pub(crate) fn wait_for(self: &Arc<Self>, id: &str) -> Result<Waiter, PhoneError> {
        if self.is_broken() {
            return Err(self.broken_error());
        }
        let (tx, rx) = mpsc::channel(WAITER_QUEUE);
        let mut waiters = lock(&self.waiters);
        if waiters.len() >= MAX_WAITERS {
            return Err(crate::Refusal::TooManyWaiting.into());
        }
        waiters.insert(id.to_owned(), tx);
        Ok(Waiter {
            id: id.to_owned(),
            rx,
            link: Arc::clone(self),
        })
    }

    /// Hands `message` to the request it answers; false when none waits for it.
    async fn deliver(&self, id: &str, message: Message) -> bool {
        let Some(tx) = lock(&self.waiters).get(id).cloned() else {
            return false;
        };
        // A request that stopped reading (it gave up) must not hold up the events.
        let sent = tokio::time::timeout(self.answer_timeout, tx.send(message)).await;
        if !matches!(sent, Ok(Ok(()))) {
            lock(&self.waiters).remove(id);
        }
        true
    }
}

/// A request in flight; dropping it stops the delivery.
#[derive(Debug)]
pub(crate) struct Waiter {
    id: String,
    rx: mpsc::Receiver<Message>,
    link: Arc<Link>,
}

impl Waiter {
    /// The next message for this request, within `within`; `Ok(None)` when the time ran out.
    pub(crate) async fn next(&mut self, within: Duration) -> Result<Option<Message>, PhoneError> {
        match tokio::time::timeout(within, self.rx.recv()).await {
            Ok(Some(message)) => Ok(Some(message)),
            // The connection broke while waiting.
            Ok(None) => Err(self.link.broken_error()),
            Err(_) => Ok(None),
        }
    }

    /// The response to this request, within the answer timeout. Events that came with its
    /// id first (an `OriginateResponse` has a `Response:` header too) are handed to `early`.
    pub(crate) async fn response_keeping(
        &mut self,
        early: &mut Vec<Message>,
    ) -> Result<Message, PhoneError> {
        let deadline = Instant::now() + self.link.answer_timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left).await? {
                Some(message) if message.event().is_some() => early.push(message),
                Some(message) if message.response().is_some() => return Ok(message),
                Some(_) => {}
                None => {
                    return Err(errors::timeout(
                        &self.link.address,
                        self.link.answer_timeout,
                    ))
                }
            }
        }
    }
}

impl Waiter {
    /// The response to this request (see [`Waiter::response_keeping`]), events dropped.
    pub(crate) async fn response(&mut self) -> Result<Message, PhoneError> {
        self.response_keeping(&mut Vec::new()).await
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        lock(&self.link.waiters).remove(&self.id);
    }
}

/// What the reading task needs.
pub(crate) struct Follow {
    pub link: Arc<Link>,
    pub reader: Reader,
    pub book: Arc<Mutex<Book>>,
    /// The resync this connection made; a later one (a newer connection) takes over.
    pub generation: u64,
    pub reports: mpsc::Sender<Result<Report, PhoneError>>,
    pub timing: AmiTiming,
    /// Scrubbed from anything the PBX sends back before it is shown.
    pub secret: Secret,
}

/// Reads the connection until it breaks; the reason is the stream's last report.
pub(crate) async fn read_events(mut follow: Follow) {
    let error = follow_events(&mut follow).await;
    tracing::info!("AMI connection ended: {error}");
    follow.link.break_with(error.clone());
    let _ = follow.reports.send(Err(error)).await;
}

async fn follow_events(f: &mut Follow) -> PhoneError {
    let address = f.link.address().to_owned();
    let mut next_ping = Instant::now() + f.timing.keepalive;
    // The id of the `Ping` in flight and when its answer is due.
    let mut ping: Option<(String, Instant)> = None;
    loop {
        let due = ping.as_ref().map_or(next_ping, |(_, due)| *due);
        let message = tokio::select! {
            read = f.reader.next() => match read {
                Ok(message) => message,
                Err(e) => return errors::wire(&address, e, f.secret.expose()),
            },
            () = tokio::time::sleep_until(due) => {
                if ping.is_some() {
                    return errors::silent(&address, f.timing.answer_timeout);
                }
                let id = f.link.next_id();
                if let Err(e) = f.link.send(Action::new("Ping", &id)).await {
                    return e;
                }
                ping = Some((id, Instant::now() + f.timing.answer_timeout));
                continue;
            }
            () = f.reports.closed() => return errors::not_connected(&address),
        };
        if let Some(id) = message.action_id() {
            if ping.as_ref().is_some_and(|(p, _)| p == id) {
                ping = None;
                next_ping = Instant::now() + f.timing.keepalive;
                continue;
            }
            // Answers to requests, never news about calls; late ones are dropped.
            let id = id.to_owned();
            f.link.deliver(&id, message).await;
            continue;
        }
        if message.event().is_none() {
            continue;
        }
        let reports = {
            let mut book = lock(&f.book);
            if book.generation() != f.generation {
                return errors::not_connected(&address);
            }
            book.apply(&message)
        };
        for report in reports {
            if f.reports.send(Ok(report)).await.is_err() {
                return errors::not_connected(&address);
            }
        }
    }
}
