//! Opening a manager connection: TCP, the banner, the login (plain or MD5 challenge), event
//! filters, and the requests made before events are followed (the resync list, "Test
//! connection").
//!
//! Until the connection is handed to [`super::link`], one request is outstanding at a time
//! and its answer is read right here: a [`Conversation`]. Events that arrive meanwhile are
//! older than the `CoreShowChannels` list that follows, which tells their outcome, so they
//! are dropped; only events after that list's start are kept, to apply on top of it.

use super::config::{AmiTiming, Config, Device};
use super::errors;
use super::wire::{Action, Message, MessageReader};
use crate::credentials::Secret;
use crate::error::PhoneError;
use md5::{Digest, Md5};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio::time::{timeout, Instant};

/// The reading side of a manager connection.
pub(crate) type Reader = MessageReader<BufReader<OwnedReadHalf>>;

/// Items of one list accepted at most (`CoreShowChannels` on a big PBX has hundreds).
const MAX_LIST_ITEMS: usize = 20_000;

/// Unique `ActionID`s for one connection: a random prefix (so answers meant for an earlier
/// connection or another client are never taken for ours) and a counter.
#[derive(Debug)]
pub(crate) struct ActionIds {
    prefix: String,
    next: AtomicU64,
}

impl ActionIds {
    pub(crate) fn new() -> Self {
        Self {
            prefix: format!("cp{:06x}-", rand::random::<u32>() & 0xff_ffff),
            next: AtomicU64::new(1),
        }
    }

    pub(crate) fn next(&self) -> String {
        format!(
            "{}{}",
            self.prefix,
            self.next.fetch_add(1, Ordering::Relaxed)
        )
    }
}

/// What a list action returned.
#[derive(Debug, Default)]
pub(crate) struct ListReply {
    /// The list's events (`CoreShowChannel`...), without the one that completes it.
    pub items: Vec<Message>,
    /// Events that arrived after the list started: newer than (some of) its items.
    pub later: Vec<Message>,
}

/// A manager connection before events are followed.
pub(crate) struct Conversation {
    reader: Reader,
    writer: OwnedWriteHalf,
    ids: ActionIds,
    address: String,
    answer_timeout: Duration,
    /// The greeting, `Asterisk Call Manager/11.0.0`.
    pub banner: String,
}

impl Conversation {
    /// Connects and reads the banner, both within the connect timeout.
    pub(crate) async fn open(config: &Config, timing: &AmiTiming) -> Result<Self, PhoneError> {
        let address = config.address();
        let stream = timeout(
            config.connect_timeout,
            TcpStream::connect((config.host.as_str(), config.port)),
        )
        .await
        .map_err(|_| errors::timeout(&address, config.connect_timeout))?
        .map_err(|e| PhoneError::Unreachable {
            host: address.clone(),
            reason: e.to_string(),
        })?;
        let _ = stream.set_nodelay(true);
        let (read, writer) = stream.into_split();
        let mut reader = MessageReader::new(BufReader::new(read));
        let banner = timeout(config.connect_timeout, reader.banner())
            .await
            .map_err(|_| errors::timeout(&address, config.connect_timeout))?
            .map_err(|e| errors::wire(&address, e, ""))?;
        if !banner.contains("Call Manager/") {
            return Err(errors::unexpected(
                &address,
                "connecting to the Asterisk manager interface",
                &banner,
                "",
            ));
        }
        Ok(Self {
            reader,
            writer,
            ids: ActionIds::new(),
            address,
            answer_timeout: timing.answer_timeout,
            banner: banner.trim().to_owned(),
        })
    }

    /// Logs in; `events` is the `Events:` mask (`call`, or `off` for a quick check).
    ///
    /// With `md5` the secret never travels: `Challenge` gives a random string and the login
    /// carries `md5(challenge + secret)`. A rejected login is
    /// [`PhoneError::PasscodeRejected`]; Asterisk closes the connection after it.
    pub(crate) async fn login(
        &mut self,
        config: &Config,
        secret: &Secret,
        events: &str,
    ) -> Result<(), PhoneError> {
        let plain = secret.expose();
        if plain.is_empty() || plain.contains(['\r', '\n']) {
            return Err(PhoneError::BadAddress(
                self.address.clone(),
                "the manager secret is empty or contains a line break. Enter the account's \
                 secret from manager.conf in Settings."
                    .to_owned(),
            ));
        }
        let id = self.ids.next();
        let login = if config.md5 {
            let challenge = self.challenge(plain).await?;
            let key = hex::encode(Md5::digest(format!("{challenge}{plain}").as_bytes()));
            Action::new("Login", &id)
                .field("AuthType", "MD5")
                .field("Username", &config.username)
                .field("Key", &key)
        } else {
            Action::new("Login", &id)
                .field("Username", &config.username)
                .field("Secret", plain)
        };
        let answer = self.ask(login.field("Events", events), &id, plain).await?;
        if is_success(&answer) {
            return Ok(());
        }
        let message = answer.value("Message");
        let lower = message.to_ascii_lowercase();
        if lower.contains("authentication failed") {
            Err(PhoneError::PasscodeRejected { tries_left: None })
        } else if lower.contains("already in use") {
            Err(crate::Refusal::AmiLoginInUse {
                username: config.username.chars().take(40).collect(),
            }
            .into())
        } else {
            Err(errors::refused(
                "log in to the Asterisk manager interface",
                message,
                "Check the manager user name and secret in Settings; callpop keeps trying.",
                plain,
            ))
        }
    }

    async fn challenge(&mut self, secret: &str) -> Result<String, PhoneError> {
        let id = self.ids.next();
        let action = Action::new("Challenge", &id).field("AuthType", "MD5");
        let answer = self.ask(action, &id, secret).await?;
        match answer.get("Challenge").map(str::trim) {
            Some(challenge) if is_success(&answer) && !challenge.is_empty() => {
                Ok(challenge.to_owned())
            }
            _ if is_success(&answer) => Err(errors::unexpected(
                &self.address,
                "the MD5 login challenge",
                &answer.text(),
                secret,
            )),
            _ => {
                Err(PhoneError::CommandRefused {
                    action: "start an MD5 login".to_owned(),
                    reason: Some(format!(
                    "Asterisk says \"{}\". Turn off \"MD5 login\" in Settings if this PBX does \
                     not offer it",
                    answer.value("Message").chars().take(120).collect::<String>()
                )),
                })
            }
        }
    }

    /// Lets through only events about the desk phone's channels and click-to-dial outcomes,
    /// so a busy PBX does not send every call in the building (capture 05). Optional:
    /// `Filter` needs the `system` write permission, and without it callpop simply receives
    /// more and ignores it. Returns whether the filters are in force.
    pub(crate) async fn add_filters(&mut self, device: &Device) -> bool {
        for filter in [device.filter_regex(), "Event: OriginateResponse".to_owned()] {
            let id = self.ids.next();
            let action = Action::new("Filter", &id)
                .field("Operation", "Add")
                .field("Filter", &filter);
            match self.ask(action, &id, "").await {
                Ok(answer) if is_success(&answer) => {}
                Ok(answer) => {
                    tracing::info!(
                        message = answer.value("Message"),
                        "Asterisk refused the event filter; following all call events"
                    );
                    return false;
                }
                Err(e) => {
                    tracing::info!("no event filter ({e}); following all call events");
                    return false;
                }
            }
        }
        true
    }

    /// The Asterisk version (`CoreSettings`), when the account may ask.
    pub(crate) async fn asterisk_version(&mut self) -> Option<String> {
        let id = self.ids.next();
        let answer = self
            .ask(Action::new("CoreSettings", &id), &id, "")
            .await
            .ok()?;
        let version = answer.get("AsteriskVersion")?.trim();
        let ok = is_success(&answer)
            && !version.is_empty()
            && version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_ ".contains(c));
        ok.then(|| version.chars().take(40).collect())
    }

    /// A list action (`CoreShowChannels`): its items, and the events that came along.
    /// `Response: Error` is refused with Asterisk's message.
    pub(crate) async fn ask_list(
        &mut self,
        name: &'static str,
        what: &str,
        secret: &str,
    ) -> Result<ListReply, PhoneError> {
        let id = self.ids.next();
        let answer = self.ask(Action::new(name, &id), &id, secret).await?;
        if !is_success(&answer) {
            return Err(errors::refused(
                what,
                answer.value("Message"),
                "callpop keeps trying.",
                secret,
            ));
        }
        let mut reply = ListReply::default();
        loop {
            let message = self
                .read(Instant::now() + self.answer_timeout, secret)
                .await?;
            if message.action_id() != Some(id.as_str()) {
                if message.event().is_some() && message.action_id().is_none() {
                    reply.later.push(message);
                }
            } else if message.value("EventList").eq_ignore_ascii_case("Complete") {
                return Ok(reply);
            } else {
                reply.items.push(message);
            }
            if reply.items.len() + reply.later.len() > MAX_LIST_ITEMS {
                return Err(errors::wire(
                    &self.address,
                    super::wire::WireError::TooLarge,
                    secret,
                ));
            }
        }
    }

    /// Says goodbye (best effort: the connection closes either way).
    pub(crate) async fn logoff(mut self) {
        let id = self.ids.next();
        let _ = timeout(
            Duration::from_secs(1),
            self.writer
                .write_all(&Action::new("Logoff", &id).into_bytes()),
        )
        .await;
        let _ = self.writer.shutdown().await;
    }

    /// The parts a live connection is made of.
    pub(crate) fn into_parts(self) -> (Reader, OwnedWriteHalf, ActionIds) {
        (self.reader, self.writer, self.ids)
    }

    /// Sends `action` (whose id is `id`) and returns its response, `Success` or not.
    async fn ask(&mut self, action: Action, id: &str, secret: &str) -> Result<Message, PhoneError> {
        let deadline = Instant::now() + self.answer_timeout;
        let name = action.name();
        timeout(
            self.answer_timeout,
            self.writer.write_all(&action.into_bytes()),
        )
        .await
        .map_err(|_| errors::timeout(&self.address, self.answer_timeout))?
        .map_err(|e| PhoneError::Unreachable {
            host: self.address.clone(),
            reason: e.to_string(),
        })?;
        loop {
            let message = self.read(deadline, secret).await?;
            // One request is outstanding: a response without an id is its answer too.
            let ours = message.action_id().is_none_or(|got| got == id);
            if message.response().is_some() && message.event().is_none() && ours {
                tracing::debug!(action = name, response = message.value("Response"), "AMI");
                return Ok(message);
            }
        }
    }

    async fn read(&mut self, deadline: Instant, secret: &str) -> Result<Message, PhoneError> {
        match tokio::time::timeout_at(deadline, self.reader.next()).await {
            Ok(Ok(message)) => Ok(message),
            Ok(Err(e)) => Err(errors::wire(&self.address, e, secret)),
            Err(_) => Err(errors::timeout(&self.address, self.answer_timeout)),
        }
    }
}

fn is_success(answer: &Message) -> bool {
    answer.value("Response").eq_ignore_ascii_case("Success")
}
