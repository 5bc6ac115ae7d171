//! A XiVO (or XiVO-based Wazo) PBX through its xuc CTI server (`phone-apis.md` §4, seed
//! `003`).
//!
//! An event-driven backend. Connecting is three steps: a REST login
//! (`POST /xuc/api/2.0/auth/login`, `login.rs`) gives a token; the token opens the CTI
//! websocket (`/xuc/api/2.0/cti?token=`, `ws://` or `wss://`, `socket.rs`); on `LoggedOn`
//! callpop asks for the calls in progress, and their answer is the first complete picture.
//! From then on one task per connection (`link.rs`) turns every `PhoneEvent` into a new
//! complete picture of the lines (`board.rs`), pings every 5 s and gives the link up after
//! 15 s of silence; the session reconnects with back-off and the new connection resyncs.
//! Commands (`answer`, `hold`, transfers, `dnd`...) go over the same websocket while the
//! stream reads (`actions.rs`).
//!
//! The password is sent only to the login request, over the accepted certificate on
//! `https://`. A password the server rejects (`InvalidCredentials`) is remembered in
//! [`RejectedLogins`] and never tried again by callpop until the user changes it; the token is
//! reused for reconnects while it lasts and replaced by a new login when the server refuses
//! it (expired, or forgotten by a restart of xuc).
//!
//! What a call carries for the person taking it (`userData`, the queue) is in each line's
//! [`info`](crate::model::Line::info), see `call_info.rs` for what is kept and under which
//! names ([`QUEUE`], [`NUMBER_DIALLED`], `USR_*` fields).

mod actions;
mod board;
mod call_info;
mod link;
mod login;
mod messages;
mod socket;
mod tls;

pub use call_info::{NUMBER_DIALLED, QUEUE};

use crate::backend::{
    Action, Backend, BackendKind, Capabilities, ConnectionReport, DialMethod, EventStream, Feed,
    Performed, Target,
};
use crate::credentials::Secret;
use crate::error::{excerpt, PhoneError};
use crate::login_latch::LoginLatch;
use crate::model::Line;
use crate::rejections::{LoginTarget, RejectedLogins};
use crate::settings::XivoSettings;
use crate::tls::CertFingerprint;
use actions::{Expect, Plan};
use async_trait::async_trait;
use board::Board;
use link::{Pace, Shared};
use login::{LoginRequest, Token};
use socket::{Endpoint, Greeting, OpenError, Socket};
use std::fmt;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tls::Trust;
use url::Url;

/// How long callpop waits for the xuc server, and how it watches the link. The defaults suit
/// real servers; tests shorten them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct XivoTiming {
    /// For the TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// For the login request, the websocket upgrade and the first exchange on it.
    pub request_timeout: Duration,
    /// How often the link is pinged (xuc's own client: every 5 s).
    pub ping_every: Duration,
    /// Silence after which the link counts as broken (three pings unanswered).
    pub silent_after: Duration,
    /// How long an action waits for the events that show it worked.
    pub confirm_within: Duration,
}

impl Default for XivoTiming {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
            ping_every: Duration::from_secs(5),
            silent_after: Duration::from_secs(15),
            confirm_within: Duration::from_secs(5),
        }
    }
}

/// The backend for these settings.
pub fn open(
    settings: &XivoSettings,
    secret: Secret,
    memory: Arc<RejectedLogins>,
) -> Result<Arc<dyn Backend>, PhoneError> {
    Ok(Arc::new(Xivo::new(settings, secret, memory)?))
}

/// One user's phone on a XiVO, through xuc. See the module documentation.
pub struct Xivo {
    /// `http(s)://host[:port]/`.
    base: Url,
    /// `host[:port]`, for people.
    host: String,
    username: String,
    secret: RwLock<Secret>,
    /// A rejected password (or one known rejected): nothing is sent until it changes.
    /// Shared with the blocking tasks that read and write the rejected-login memory.
    login: Arc<LoginLatch>,
    token: Mutex<Option<Token>>,
    /// One login at a time: two at once with a wrong password would both be spent.
    login_gate: tokio::sync::Mutex<()>,
    http: reqwest::Client,
    /// Certificate rules, on `https://` only.
    trust: Option<Trust>,
    timing: XivoTiming,
    shared: Arc<Shared>,
}

impl fmt::Debug for Xivo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Xivo")
            .field("server", &self.base.as_str())
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl Xivo {
    /// A backend with the default timing. Starts refused, sending nothing, when this login
    /// is one the server (or another callpop) saw rejected.
    pub fn new(
        settings: &XivoSettings,
        secret: Secret,
        memory: Arc<RejectedLogins>,
    ) -> Result<Self, PhoneError> {
        Self::with_timing(settings, secret, memory, XivoTiming::default())
    }

    pub fn with_timing(
        settings: &XivoSettings,
        secret: Secret,
        memory: Arc<RejectedLogins>,
        timing: XivoTiming,
    ) -> Result<Self, PhoneError> {
        let base = crate::address::parse_phone_url(&settings.url)?;
        let host = crate::address::host_label(&base);
        let username = settings.username.trim().to_owned();
        if username.is_empty() || username.chars().any(char::is_control) {
            return Err(PhoneError::BadAddress(
                host,
                "no CTI user name is set: enter the XiVO login in Settings".to_owned(),
            ));
        }
        let pin = match settings.cert_sha256.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(
                text.parse::<CertFingerprint>()
                    .map_err(|why| PhoneError::BadAddress(host.clone(), why))?,
            ),
        };
        let secure = base.scheme() == "https";
        let tls_setup =
            |e: rustls::Error| PhoneError::BadAddress(host.clone(), format!("TLS setup: {e}"));
        // Plain `http://` never uses TLS; a configuration that trusts nothing is enough for
        // the HTTP client, and needs no system trust store.
        let trust = if secure {
            Trust::new(pin).map_err(tls_setup)?
        } else {
            Trust::refuse_all().map_err(tls_setup)?
        };
        // The websocket goes straight to the server; the login takes the same way.
        let http = crate::http_client::builder(timing.connect_timeout, timing.request_timeout)
            .tls_backend_preconfigured((*trust.config()).clone())
            .build()
            .map_err(|e| PhoneError::BadAddress(host.clone(), e.without_url().to_string()))?;
        let target = login_target(&base, &username);
        let login = Arc::new(LoginLatch::with_memory(memory, &target, secret.expose()));
        Ok(Self {
            base,
            host,
            username,
            secret: RwLock::new(secret),
            login,
            token: Mutex::new(None),
            login_gate: tokio::sync::Mutex::new(()),
            http,
            trust: secure.then_some(trust),
            timing,
            shared: Arc::new(Shared::default()),
        })
    }

    /// The key this login is remembered under in [`RejectedLogins`].
    pub fn login_target(&self) -> LoginTarget {
        login_target(&self.base, &self.username)
    }

    fn secret(&self) -> Secret {
        self.secret
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn endpoint(&self) -> Endpoint<'_> {
        Endpoint {
            base: &self.base,
            host: &self.host,
            trust: self.trust.as_ref(),
            connect_timeout: self.timing.connect_timeout,
            request_timeout: self.timing.request_timeout,
        }
    }

    fn not_connected(&self) -> PhoneError {
        PhoneError::Unreachable {
            host: self.host.clone(),
            reason:
                "callpop is not connected to the XiVO server right now (it reconnects by itself)"
                    .to_owned(),
        }
    }

    fn cached_token(&self) -> Option<Token> {
        let token = self.token.lock().unwrap_or_else(|p| p.into_inner());
        token.as_ref().filter(|t| t.is_fresh()).cloned()
    }

    fn forget_token(&self) {
        *self.token.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// A token: the one in hand while it lasts, else (or when `fresh`) from a new login.
    async fn token(&self, fresh: bool) -> Result<Token, PhoneError> {
        if let Some(rejection) = self.rejection() {
            return Err(rejection);
        }
        if !fresh {
            if let Some(token) = self.cached_token() {
                return Ok(token);
            }
        }
        let _one_at_a_time = self.login_gate.lock().await;
        // Checked again after waiting: the login ahead may just have been rejected, or have
        // brought a token.
        if let Some(rejection) = self.rejection() {
            return Err(rejection);
        }
        if !fresh {
            if let Some(token) = self.cached_token() {
                return Ok(token);
            }
        }
        let secret = self.secret();
        let target = self.login_target();
        // Another callpop (the settings' test, the command line) may have seen this password
        // rejected since this backend started.
        let known = {
            let (login, target, password) = (
                self.login.clone(),
                target.clone(),
                secret.expose().to_owned(),
            );
            tokio::task::spawn_blocking(move || login.known(&target, &password))
                .await
                .ok()
                .flatten()
        };
        if let Some(known) = known {
            self.login.refuse(known.clone());
            return Err(known);
        }
        let request = LoginRequest {
            http: &self.http,
            base: &self.base,
            host: &self.host,
            trust: self.trust.as_ref(),
            timeout: self.timing.request_timeout,
        };
        match login::log_in(&request, &self.username, secret.expose()).await {
            Ok(token) => {
                if !self.login.is_verified() {
                    let login = self.login.clone();
                    let _ = tokio::task::spawn_blocking(move || login.accepted(|| target)).await;
                }
                *self.token.lock().unwrap_or_else(|p| p.into_inner()) = Some(token.clone());
                Ok(token)
            }
            Err(error @ PhoneError::PasscodeRejected { .. }) => {
                tracing::warn!(user = %self.username, server = %self.host, "the XiVO server rejected the password");
                // A password changed meanwhile is a new one, not yet tried.
                if self.secret() == secret {
                    self.login.refuse(error.clone());
                }
                let (login, rejected) = (self.login.clone(), error.clone());
                let password = secret.expose().to_owned();
                let _ = tokio::task::spawn_blocking(move || {
                    login.remember(&target, &password, &rejected)
                })
                .await;
                Err(error)
            }
            Err(error) => Err(error),
        }
    }

    /// Logs in (when needed), opens the websocket and greets: the first complete picture.
    async fn open_session(&self, fresh_login: bool) -> Result<(Socket, Greeting), PhoneError> {
        let endpoint = self.endpoint();
        let token = self.token(fresh_login).await?;
        let mut socket = match socket::open(&endpoint, &token).await {
            Ok(socket) => socket,
            Err(OpenError::Other(error)) => return Err(error),
            Err(OpenError::Token) => {
                // Expired, or forgotten by a restart of xuc: a new login, once.
                tracing::info!("the xuc server refused the token; logging in again");
                self.forget_token();
                let token = if fresh_login {
                    token
                } else {
                    self.token(true).await?
                };
                match socket::open(&endpoint, &token).await {
                    Ok(socket) => socket,
                    Err(OpenError::Other(error)) => return Err(error),
                    Err(OpenError::Token) => {
                        return Err(PhoneError::UnexpectedAnswer {
                            host: self.host.clone(),
                            function: "the CTI websocket".to_owned(),
                            excerpt: "it refused a token it had just issued".to_owned(),
                        })
                    }
                }
            }
        };
        match socket::greet(&mut socket, &endpoint, &self.username).await {
            Ok(greeting) => Ok((socket, greeting)),
            Err(error) => {
                socket::close(socket).await;
                Err(error)
            }
        }
    }
}

/// Takes what the server said on opening into `board`.
fn take_greeting(board: &mut Board, greeting: &Greeting) {
    for config in &greeting.user {
        board.apply_user(config);
    }
    if let Some(status) = &greeting.phone_status {
        board.set_phone_status(status);
    }
    board.resync(&greeting.calls);
}

/// The key the login of `username` on the server at `base` is remembered under.
fn login_target(base: &Url, username: &str) -> LoginTarget {
    LoginTarget {
        phone: format!("xivo {}", base.origin().ascii_serialization()),
        user: username.to_owned(),
    }
}

/// Phone statuses that mean calls cannot reach the desk phone.
fn unavailable(status: &str) -> bool {
    matches!(
        status,
        "INDISPONIBLE" | "DEACTIVATED" | "UNEXISTING" | "ERROR"
    )
}

#[async_trait]
impl Backend for Xivo {
    fn kind(&self) -> BackendKind {
        BackendKind::Xivo
    }

    fn label(&self) -> String {
        format!("{} ({})", self.host, self.username)
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            dial: true,
            answer: true,
            reject: true,
            hang_up: true,
            hold: true,
            // xuc can mute only its own WebRTC line, not a desk phone.
            mute: false,
            transfer: true,
            attended_transfer: true,
            dnd: true,
            forward: true,
            // A XiVO user has one line: there is no account to choose.
            choose_account: false,
        }
    }

    fn feed(&self) -> Feed {
        Feed::Events
    }

    /// The picture the connection keeps (the session does not poll an event backend).
    async fn read_lines(&self) -> Result<Vec<Line>, PhoneError> {
        if self.shared.link().is_none() {
            return Err(self.not_connected());
        }
        Ok(self.shared.board().lines())
    }

    async fn connect(&self) -> Result<Box<dyn EventStream>, PhoneError> {
        let (socket, greeting) = self.open_session(false).await?;
        let lines = {
            let mut board = self.shared.board();
            take_greeting(&mut board, &greeting);
            board.lines()
        };
        let pace = Pace {
            ping_every: self.timing.ping_every,
            silent_after: self.timing.silent_after,
        };
        let stream = link::start(socket, self.shared.clone(), pace, self.host.clone(), lines);
        Ok(Box::new(stream))
    }

    async fn perform(&self, action: &Action, target: &Target<'_>) -> Result<Performed, PhoneError> {
        let done = match action {
            Action::Dial { .. } => Performed::Dialed {
                method: DialMethod::Pbx,
            },
            _ => Performed::Done,
        };
        let plan = actions::plan(action, target, &self.shared.board())?;
        let (command, expect) = match plan {
            Plan::Nothing => return Ok(done),
            Plan::Send { command, expect } => (command, expect),
        };
        let link = self.shared.link().ok_or_else(|| self.not_connected())?;
        // Listening before sending: the answer may come before this task looks.
        let mut changes = self.shared.watch();
        let (errors_before, _) = self.shared.server_errors();
        if !link.send(&command).await {
            return Err(self.not_connected());
        }
        let kind = action.kind();
        let deadline = tokio::time::Instant::now() + self.timing.confirm_within;
        loop {
            if actions::shows(&expect, &self.shared.board()) {
                break;
            }
            let (errors, said) = self.shared.server_errors();
            if errors != errors_before {
                return Err(PhoneError::CommandRefused {
                    action: kind.words().to_owned(),
                    reason: Some(format!("the XiVO server answered {}", excerpt(&said, None))),
                });
            }
            if !self.shared.is_up(&link) {
                return Err(PhoneError::Unreachable {
                    host: self.host.clone(),
                    reason: "the connection broke before the server confirmed the command"
                        .to_owned(),
                });
            }
            match tokio::time::timeout_at(deadline, changes.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) | Err(_) => {
                    return Err(actions::not_confirmed(
                        kind,
                        self.timing.confirm_within.as_secs_f64(),
                    ))
                }
            }
        }
        if let (Action::Answer, Expect::Leaves(key, _)) = (action, &expect) {
            if self.shared.board().state_of(key).is_none() {
                return Err(crate::Refusal::CallerHungUp.into());
            }
        }
        Ok(done)
    }

    async fn check(&self) -> Result<ConnectionReport, PhoneError> {
        let (socket, greeting) = self.open_session(true).await?;
        socket::close(socket).await;
        // A picture of its own: a test must not disturb the live connection's.
        let mut board = Board::default();
        take_greeting(&mut board, &greeting);
        let dn = board
            .dn()
            .map(str::to_owned)
            .or_else(|| self.shared.board().dn().map(str::to_owned));
        let mut message = format!("Connected to XiVO as {}", self.username);
        if let Some(dn) = dn {
            message.push_str(&format!(" (line {dn})"));
        }
        message.push('.');
        if board.dnd() == Some(true) {
            message.push_str(" Do Not Disturb is on.");
        }
        match board.lines().len() {
            0 => {}
            1 => message.push_str(" 1 call in progress."),
            n => message.push_str(&format!(" {n} calls in progress.")),
        }
        if let Some(status) = board.phone_status().filter(|s| unavailable(s)) {
            message.push_str(&format!(
                " XiVO reports the desk phone as unavailable ({status}): calls cannot reach it until it is registered again."
            ));
        }
        Ok(ConnectionReport {
            model: "XiVO (xuc)".to_owned(),
            lines: board.line_count().unwrap_or(1),
            message,
        })
    }

    fn rejection(&self) -> Option<PhoneError> {
        self.login.rejection()
    }

    fn dnd(&self) -> Option<bool> {
        self.shared.board().dnd()
    }

    fn set_secret(&self, secret: Secret) {
        let exposed = secret.expose().to_owned();
        *self.secret.write().unwrap_or_else(|p| p.into_inner()) = secret;
        self.login.new_login(&self.login_target(), &exposed);
        self.forget_token();
    }
}
