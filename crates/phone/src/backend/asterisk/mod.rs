//! An Asterisk PBX through its manager interface (AMI, TCP 5038; `phone-apis.md` §4).
//!
//! An event-driven backend: one manager connection per backend carries the PBX's call
//! events and callpop's actions. On every (re)connect it logs in, narrows the events to the
//! desk phone's device where the account allows, and resyncs from `CoreShowChannels`, so a
//! reconnect neither loses nor repeats a call: the tracker compares the complete snapshot with
//! what it knew. From then on the desk phone's channels are kept as lines (`state`) and
//! every change is reported as a complete snapshot.
//!
//! What the PBX can do from outside is what this offers: click-to-dial (`Originate`: the
//! PBX rings the desk phone, then dials), reject and hang up (`Hangup` of the desk phone's
//! channel) and blind transfer (`Redirect` of the other party). It cannot make a desk phone
//! pick up, hold or mute: those stay on the phone's keys.
//!
//! The files, one concern each: `config` (the checked settings), `wire` (the AMI codec),
//! `login` (connecting and logging in), `link` (the live connection shared by events and
//! actions), `state` (events to lines), `stream` (what the session follows), `actions`,
//! `check` ("Test connection"), `errors` (messages).

mod actions;
mod check;
mod config;
mod errors;
mod link;
mod login;
mod state;
mod stream;
mod wire;

pub use config::AmiTiming;

use crate::backend::{
    Action, Backend, BackendKind, Capabilities, ConnectionReport, EventStream, Feed, Performed,
    Target,
};
use crate::credentials::Secret;
use crate::error::PhoneError;
use crate::login_latch::LoginLatch;
use crate::model::Line;
use crate::refusal::Refusal;
use crate::rejections::{LoginTarget, RejectedLogins};
use crate::settings::AsteriskSettings;
use async_trait::async_trait;
use config::Config;
use link::{lock, Follow, Link};
use login::Conversation;
use state::Book;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use stream::{AmiStream, Current};
use tokio::sync::mpsc;

/// Reports queued between the reading task and the session.
const REPORT_QUEUE: usize = 256;

/// The backend for these settings.
pub fn open(
    settings: &AsteriskSettings,
    secret: Secret,
    memory: Arc<RejectedLogins>,
) -> Result<Arc<dyn Backend>, PhoneError> {
    Ok(Arc::new(Asterisk::new(settings, secret, memory)?))
}

/// An Asterisk PBX, watched for one desk phone's device. See the module documentation.
pub struct Asterisk {
    config: Config,
    timing: AmiTiming,
    secret: RwLock<Secret>,
    /// A rejected login: nothing is sent until the user gives another secret. A manager
    /// account has no lock-out, but a PBX's fail2ban does, and a rejected secret stays
    /// rejected however often it is tried. Shared with every other client and callpop
    /// process: a secret any of them saw rejected is not sent again.
    login: LoginLatch,
    /// One login at a time, so a wrong secret is sent once even when "Test connection" and
    /// the session connect together.
    login_gate: tokio::sync::Mutex<()>,
    book: Arc<Mutex<Book>>,
    current: Current,
    /// Numbers click-to-dial's `ChannelId`s.
    dials: AtomicU64,
    /// Makes `ChannelId`s unique across restarts and callpop processes.
    dial_prefix: String,
}

/// Never shows the secret.
impl std::fmt::Debug for Asterisk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Asterisk")
            .field("address", &self.config.address())
            .field("user", &self.config.username)
            .field("device", &self.config.device.to_string())
            .finish_non_exhaustive()
    }
}

impl Asterisk {
    /// A backend for these settings; refused (sending nothing) from the start when this very
    /// login was rejected before, by this or another callpop.
    pub fn new(
        settings: &AsteriskSettings,
        secret: Secret,
        memory: Arc<RejectedLogins>,
    ) -> Result<Self, PhoneError> {
        let config = Config::from_settings(settings)?;
        let book = Book::new(config.device.clone());
        let login = LoginLatch::with_memory(memory, &login_target(&config), secret.expose());
        Ok(Self {
            book: Arc::new(Mutex::new(book)),
            config,
            timing: AmiTiming::default(),
            secret: RwLock::new(secret),
            login,
            login_gate: tokio::sync::Mutex::new(()),
            current: Arc::new(Mutex::new(None)),
            dials: AtomicU64::new(0),
            dial_prefix: format!("{:08x}", rand::random::<u32>()),
        })
    }

    /// Other waiting times (tests, slow links).
    pub fn with_timing(mut self, timing: AmiTiming) -> Self {
        self.timing = timing;
        self
    }

    fn secret(&self) -> Secret {
        match self.secret.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The key this login is remembered under when rejected.
    fn login_target(&self) -> LoginTarget {
        login_target(&self.config)
    }

    /// Logs in on `conversation`, unless this login is known to be rejected; a rejection is
    /// latched and remembered, an acceptance forgets earlier rejections.
    async fn log_in(
        &self,
        conversation: &mut Conversation,
        events: &str,
    ) -> Result<(), PhoneError> {
        let _one_at_a_time = self.login_gate.lock().await;
        if let Some(rejection) = self.rejection() {
            return Err(rejection);
        }
        let secret = self.secret();
        let target = self.login_target();
        if let Some(known) = self.login.known(&target, secret.expose()) {
            self.latch(&secret, known.clone());
            return Err(known);
        }
        match conversation.login(&self.config, &secret, events).await {
            Ok(()) => {
                self.login.accepted(|| target);
                Ok(())
            }
            Err(error @ PhoneError::PasscodeRejected { .. }) => {
                self.login.remember(&target, secret.expose(), &error);
                self.latch(&secret, error.clone());
                Err(error)
            }
            Err(error) => Err(error),
        }
    }

    /// Latches `error` unless the secret changed meanwhile (the new one deserves its try).
    fn latch(&self, tried: &Secret, error: PhoneError) {
        if self.secret() == *tried {
            self.login.refuse(error);
        }
    }

    /// The connection actions go over, when one is up.
    fn live_link(&self) -> Result<Arc<Link>, PhoneError> {
        lock(&self.current)
            .as_ref()
            .filter(|link| !link.is_broken())
            .cloned()
            .ok_or_else(|| errors::not_connected(&self.config.address()))
    }

    fn next_channel_id(&self) -> String {
        let n = self.dials.fetch_add(1, Ordering::Relaxed) + 1;
        format!("callpop-{}-{n}", self.dial_prefix)
    }
}

#[async_trait]
impl Backend for Asterisk {
    fn kind(&self) -> BackendKind {
        BackendKind::Asterisk
    }

    fn label(&self) -> String {
        self.config.label()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            dial: true,
            reject: true,
            hang_up: true,
            transfer: true,
            // The manager interface cannot make a desk phone pick up, hold or mute, nor
            // consult before a transfer.
            answer: false,
            hold: false,
            mute: false,
            attended_transfer: false,
            dnd: false,
            forward: false,
            // The PBX rings the one device in the settings: no account to choose.
            choose_account: false,
        }
    }

    fn feed(&self) -> Feed {
        Feed::Events
    }

    /// The lines as the live connection keeps them (the session follows the stream instead).
    async fn read_lines(&self) -> Result<Vec<Line>, PhoneError> {
        self.live_link()?;
        Ok(lock(&self.book).lines())
    }

    async fn connect(&self) -> Result<Box<dyn EventStream>, PhoneError> {
        let mut conversation = Conversation::open(&self.config, &self.timing).await?;
        self.log_in(&mut conversation, "call").await?;
        let secret = self.secret();
        if !conversation.add_filters(&self.config.device).await {
            tracing::info!(
                "Asterisk sends every call event; callpop keeps those of {}",
                self.config.device
            );
        }
        let list = conversation
            .ask_list(
                "CoreShowChannels",
                "list the calls in progress",
                secret.expose(),
            )
            .await?;
        let (first, generation) = {
            let mut book = lock(&self.book);
            book.resync(&list.items);
            for event in &list.later {
                book.apply(event);
            }
            (book.lines(), book.generation())
        };
        let (reader, writer, ids) = conversation.into_parts();
        let link = Arc::new(Link::new(
            self.config.address(),
            writer,
            ids,
            self.timing.answer_timeout,
        ));
        let (tx, rx) = mpsc::channel(REPORT_QUEUE);
        let reading = tokio::spawn(link::read_events(Follow {
            link: Arc::clone(&link),
            reader,
            book: Arc::clone(&self.book),
            generation,
            reports: tx,
            timing: self.timing,
            secret,
        }));
        *lock(&self.current) = Some(Arc::clone(&link));
        tracing::info!(
            pbx = %self.config.address(),
            device = %self.config.device,
            calls = first.len(),
            "following Asterisk"
        );
        Ok(Box::new(AmiStream {
            first: Some(first),
            reports: rx,
            reading,
            link,
            current: Arc::clone(&self.current),
        }))
    }

    async fn perform(&self, action: &Action, target: &Target<'_>) -> Result<Performed, PhoneError> {
        let secret = self.secret();
        if let Action::Dial { number, .. } = action {
            let link = self.live_link()?;
            let dial = actions::Dial {
                config: &self.config,
                book: &self.book,
                wait: self.timing.originate_wait,
                channel_id: self.next_channel_id(),
                secret: secret.expose(),
            };
            return actions::dial(&link, dial, number).await;
        }
        let call = target.call.ok_or(Refusal::NoCall)?;
        let channel = lock(&self.book)
            .channel_for(call.line, &call.source_call_id)
            .ok_or(Refusal::CallOver)?;
        let link = self.live_link()?;
        match action {
            Action::Reject => actions::hang_up(&link, &channel, true, secret.expose()).await?,
            Action::HangUp => actions::hang_up(&link, &channel, false, secret.expose()).await?,
            Action::Transfer { to } => {
                actions::transfer(&link, &self.config, &channel, to, secret.expose()).await?
            }
            other => {
                return Err(Refusal::NotOffered {
                    action: other.kind(),
                    system: BackendKind::Asterisk,
                }
                .into())
            }
        }
        Ok(Performed::Done)
    }

    async fn check(&self) -> Result<ConnectionReport, PhoneError> {
        let mut conversation = Conversation::open(&self.config, &self.timing).await?;
        self.log_in(&mut conversation, "off").await?;
        check::report(conversation, &self.config, self.secret().expose()).await
    }

    fn rejection(&self) -> Option<PhoneError> {
        self.login.rejection()
    }

    fn set_secret(&self, secret: Secret) {
        let exposed = secret.expose().to_owned();
        if let Ok(mut current) = self.secret.write() {
            *current = secret;
        }
        self.login.new_login(&self.login_target(), &exposed);
    }
}

/// The key the login of `config` is remembered under when rejected.
fn login_target(config: &Config) -> LoginTarget {
    LoginTarget {
        phone: format!("asterisk {}", config.address()),
        user: config.username.clone(),
    }
}
