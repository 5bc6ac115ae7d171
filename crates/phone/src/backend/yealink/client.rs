//! The Action URI client: `GET /servlet?...` with HTTP Basic auth, one connection pool, and
//! the refusals a Yealink gives turned into messages a desk worker can act on.
//!
//! What the phone answers (see `phone-apis.md` §3, and the simulator's model of the parts
//! the guides leave out): `200` whatever a key did; `401` for a wrong login; `403` when the
//! login is locked (a page mentioning the lock and how long it lasts) or when this computer is
//! not allowed to send Action URI (`features.action_uri_limit_ip`); no answer at all while
//! the phone asks "Allow remote control?" on its screen.
//!
//! Like the Grandstream client, a rejected password is latched and never sent again by
//! itself (phones lock their web login after a few wrong tries, for everyone), the shared
//! [`RejectedLogins`] memory is checked before the first request, and a lock-out is waited
//! out before one more try.

use crate::address::parse_phone_url;
use crate::credentials::Secret;
use crate::error::PhoneError;
use crate::http_client::{pinned_client, read_limited, root_cause};
use crate::login_latch::LoginLatch;
use crate::rejections::{LoginTarget, RejectedLogins};
use crate::tls::{CertFingerprint, PinningVerifier};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use url::Url;

/// Answers larger than this are cut off: `phonecfg=get` is a few hundred bytes.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// What must be escaped in a value the phone splits at `;`, `&` and `=`, and decodes `+` in.
/// `:` and `@` stay as they are: `ASW:<id>` and `1001@pbx` are written that way in the guides.
const VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b';')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'|')
    .add(b'\\')
    .add(b'^')
    .add(b'[')
    .add(b']')
    .add(b'=')
    .add(b'/');

/// Where the phone is and how to log in.
#[derive(Clone, Debug)]
pub struct YealinkConfig {
    /// `http://10.0.0.5` or `https://phone.local:8443`; only scheme, host and port are used.
    pub url: Url,
    /// The web page's user (`admin` by default).
    pub username: String,
    pub password: Secret,
    /// The accepted HTTPS certificate; `None` before the user accepted one.
    pub pinned_cert: Option<CertFingerprint>,
    pub connect_timeout: Duration,
    /// Whole-request limit. A request still unanswered by then is most likely held by the
    /// phone's "Allow remote control?" prompt.
    pub request_timeout: Duration,
}

impl YealinkConfig {
    /// Checks the address the way a user types it (`10.0.0.5` alone means `http://`).
    pub fn new(address: &str, username: &str, password: Secret) -> Result<Self, PhoneError> {
        Ok(Self {
            url: parse_phone_url(address)?,
            username: username.trim().to_owned(),
            password,
            pinned_cert: None,
            connect_timeout: Duration::from_secs(3),
            request_timeout: Duration::from_secs(5),
        })
    }

    pub fn with_pinned_cert(mut self, pin: Option<CertFingerprint>) -> Self {
        self.pinned_cert = pin;
        self
    }

    pub fn with_timeouts(mut self, connect: Duration, request: Duration) -> Self {
        self.connect_timeout = connect;
        self.request_timeout = request;
        self
    }

    fn host_label(&self) -> String {
        crate::address::host_label(&self.url)
    }
}

/// Talks to one Yealink. Cheap to share; all methods take `&self`.
pub struct ActionUriClient {
    http: reqwest::Client,
    base: Url,
    host: String,
    username: String,
    password: RwLock<Secret>,
    /// A rejected password (latched until a new one comes) or a lock-out (until it ends).
    login: LoginLatch,
    /// Until the phone has accepted the password once, requests go one at a time: two at once
    /// with a wrong password would cost two of the phone's tries.
    auth_gate: tokio::sync::Mutex<()>,
    tls: Option<Arc<PinningVerifier>>,
    connect_timeout: Duration,
    request_timeout: Duration,
    /// How the latest request was refused, for the setup checklist: the errors carry words
    /// for people, this says which switch on the phone they are about.
    last_refusal: std::sync::Mutex<Option<Refusal>>,
}

/// Why the phone did not carry out a request, where that points at one of its switches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// 403 without a lock: this computer is not in `features.action_uri_limit_ip`.
    NotAllowed,
    /// Connected, but no answer: the phone holds the request while it asks "Allow remote
    /// control?" on its screen.
    NoAnswer,
}

impl std::fmt::Debug for ActionUriClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActionUriClient")
            .field("base", &self.base.as_str())
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl ActionUriClient {
    pub fn new(config: YealinkConfig) -> Result<Self, PhoneError> {
        let host = config.host_label();
        let (http, tls) = pinned_client(
            &config.url,
            &host,
            config.pinned_cert,
            config.connect_timeout,
            config.request_timeout,
        )?;
        Ok(Self {
            http,
            base: config.url,
            host,
            username: config.username,
            password: RwLock::new(config.password),
            login: LoginLatch::new(),
            auth_gate: tokio::sync::Mutex::new(()),
            tls,
            connect_timeout: config.connect_timeout,
            request_timeout: config.request_timeout,
            last_refusal: std::sync::Mutex::new(None),
        })
    }

    /// A client that remembers, in `memory`, passwords the phone rejects, and starts refused
    /// (sending nothing) when its password is one of them.
    pub fn with_rejection_memory(
        config: YealinkConfig,
        memory: Arc<RejectedLogins>,
    ) -> Result<Self, PhoneError> {
        let mut client = Self::new(config)?;
        client.login =
            LoginLatch::with_memory(memory, &client.login_target(), client.password().expose());
        Ok(client)
    }

    /// The phone's address as shown to the user.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The phone's address (scheme, host and port).
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// How the latest request was refused, if it pointed at a switch (see [`Refusal`]).
    pub(crate) fn last_refusal(&self) -> Option<Refusal> {
        self.last_refusal.lock().ok().and_then(|r| *r)
    }

    fn note_refusal(&self, refusal: Option<Refusal>) {
        if let Ok(mut slot) = self.last_refusal.lock() {
            *slot = refusal;
        }
    }

    pub fn username(&self) -> &str {
        &self.username
    }

    /// A new password from the user: the only thing that lifts a rejection (unless this very
    /// password was rejected before, by this or another callpop).
    pub fn set_password(&self, password: Secret) {
        let secret = password.expose().to_owned();
        if let Ok(mut p) = self.password.write() {
            *p = password;
        }
        self.login.new_login(&self.login_target(), &secret);
    }

    /// The refusal that blocks every request now, if any. A lock-out stops blocking once it
    /// has run out: then one request finds out whether the password is good.
    pub fn rejection(&self) -> Option<PhoneError> {
        self.login.rejection()
    }

    /// How long a lock-out still lasts, when one blocks requests.
    pub fn locked_for(&self) -> Option<Duration> {
        self.login.locked_for()
    }

    /// The pinned certificate, on HTTPS.
    pub fn pinned_certificate(&self) -> Option<CertFingerprint> {
        self.tls.as_ref().and_then(|v| v.pin())
    }

    fn password(&self) -> Secret {
        match self.password.read() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn login_target(&self) -> LoginTarget {
        LoginTarget {
            phone: format!("yealink {}", self.base.origin().ascii_serialization()),
            user: self.username.clone(),
        }
    }

    // ---- requests --------------------------------------------------------------------------

    /// Presses `keys` in order (`key=K1;K2`). The phone answers `200` whether or not a key
    /// fitted: what happened shows in its pushes.
    pub async fn press(&self, keys: &[Key]) -> Result<(), PhoneError> {
        let joined = keys.iter().map(Key::as_str).collect::<Vec<_>>().join(";");
        self.request(&format!("key={joined}"), "the key request")
            .await
            .map(|_| ())
    }

    /// Dials `number` (already normalized), from the account `outgoing_uri` names when given.
    /// `key=` must come first: the phone ignores it elsewhere.
    pub async fn dial(&self, number: &str, outgoing_uri: Option<&str>) -> Result<(), PhoneError> {
        let mut query = format!("key=number={}", escape(number));
        if let Some(uri) = outgoing_uri.map(str::trim).filter(|u| !u.is_empty()) {
            query.push_str("&outgoing_uri=");
            query.push_str(&escape(uri));
        }
        self.request(&query, "the dial request").await.map(|_| ())
    }

    /// `phonecfg=get`: the model, firmware and Do Not Disturb, as text.
    pub async fn phone_config(&self) -> Result<String, PhoneError> {
        self.request("phonecfg=get&accounts=1&dnd=1&fw=0", "phonecfg=get")
            .await
    }

    /// One request, with the login handling: refuses at once while a rejection stands,
    /// latches new ones, and remembers a password the phone accepted.
    async fn request(&self, query: &str, function: &str) -> Result<String, PhoneError> {
        let _one_at_a_time = if self.login.is_verified() {
            None
        } else {
            Some(self.auth_gate.lock().await)
        };
        // Checked after waiting: the request ahead may just have been rejected.
        if let Some(rejection) = self.rejection() {
            return Err(rejection);
        }
        let password = self.password();
        let result = self.send(query, function, &password).await;
        match &result {
            Err(e @ PhoneError::PasscodeRejected { .. }) => {
                self.login
                    .rejected(&self.login_target(), password.expose(), e);
            }
            Err(PhoneError::LockedOut { .. }) => {}
            // The phone carried the request out: the password is good. (A 403 proves
            // nothing: the address check may come before the login.)
            Ok(_) => self.login.accepted(|| self.login_target()),
            Err(_) => {}
        }
        result
    }

    async fn send(
        &self,
        query: &str,
        function: &str,
        password: &Secret,
    ) -> Result<String, PhoneError> {
        self.note_refusal(None);
        let mut url = self.base.clone();
        url.set_path("/servlet");
        url.set_query(Some(query));
        let response = self
            .http
            .get(url)
            .basic_auth(&self.username, Some(password.expose()))
            .send()
            .await
            .map_err(|e| self.transport_error(&e))?;
        let status = response.status().as_u16();
        let body = read_limited(response, MAX_ANSWER_BYTES)
            .await
            .map_err(|e| self.transport_error(&e))?;
        match status {
            200..=299 => Ok(body),
            401 | 403 if mentions_lock(&body) => Err(self.latch_lock(&body)),
            401 => Err(PhoneError::PasscodeRejected { tries_left: None }),
            403 => Err(self.not_allowed()),
            404 => Err(PhoneError::NotSupported {
                function: "Action URI (/servlet)".to_owned(),
            }),
            _ => Err(PhoneError::UnexpectedAnswer {
                host: self.host.clone(),
                function: function.to_owned(),
                excerpt: crate::error::excerpt(
                    &format!("HTTP {status} {body}"),
                    Some(password.expose()),
                ),
            }),
        }
    }

    /// This computer is not allowed: the error says where to allow it.
    fn not_allowed(&self) -> PhoneError {
        self.note_refusal(Some(Refusal::NotAllowed));
        crate::Refusal::YealinkNotAllowed {
            host: self.host.clone(),
        }
        .into()
    }

    /// A lock-out: latched until it ends (as the phone says, else five minutes).
    fn latch_lock(&self, body: &str) -> PhoneError {
        let wait = lock_length(body);
        let error = PhoneError::LockedOut {
            minutes: wait
                .map(|w| u32::try_from(w.as_secs().div_ceil(60).max(1)).unwrap_or(u32::MAX)),
        };
        self.login.lock_out(error.clone(), wait);
        error
    }

    fn transport_error(&self, error: &reqwest::Error) -> PhoneError {
        if let Some(refused) = self.tls.as_ref().and_then(|v| v.refusal(&self.host)) {
            return refused;
        }
        let host = self.host.clone();
        if error.is_timeout() && error.is_connect() {
            return PhoneError::Timeout {
                host,
                after: self.connect_timeout,
            };
        }
        if error.is_timeout() {
            // Connected, and the phone took the request, but no answer: it holds requests
            // while it asks on its screen whether to allow remote control.
            self.note_refusal(Some(Refusal::NoAnswer));
            return crate::Refusal::YealinkNoAnswer {
                host,
                after: self.request_timeout,
            }
            .into();
        }
        PhoneError::Unreachable {
            host,
            reason: root_cause(error),
        }
    }
}

/// One `key=` value: a key name or a call command, escaped for the query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    pub const OK: &'static str = "OK";
    pub const CANCEL: &'static str = "X";
    pub const CALL_END: &'static str = "CALLEND";
    pub const HOLD: &'static str = "F_HOLD";
    pub const MUTE: &'static str = "MUTE";
    pub const DND_ON: &'static str = "DNDOn";
    pub const DND_OFF: &'static str = "DNDOff";

    /// A plain key (`OK`, `MUTE`...).
    pub fn named(name: &'static str) -> Self {
        Self(name.to_owned())
    }

    /// `ASW:<call_id>`.
    pub fn answer(call_id: &str) -> Self {
        Self(format!("ASW:{}", escape(call_id)))
    }

    /// `CANCEL:<call_id>`: rejects it when ringing, else ends it.
    pub fn cancel(call_id: &str) -> Self {
        Self(format!("CANCEL:{}", escape(call_id)))
    }

    /// `HOLD:<call_id>`.
    pub fn hold(call_id: &str) -> Self {
        Self(format!("HOLD:{}", escape(call_id)))
    }

    /// `UNHOLD:<call_id>`.
    pub fn unhold(call_id: &str) -> Self {
        Self(format!("UNHOLD:{}", escape(call_id)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn escape(value: &str) -> String {
    utf8_percent_encode(value, VALUE).to_string()
}

fn mentions_lock(body: &str) -> bool {
    body.to_ascii_lowercase().contains("lock")
}

/// How long a lock-out lasts, from the phone's page ("Try again in 5 minutes", "in 30
/// seconds"); `None` when it does not say.
fn lock_length(body: &str) -> Option<Duration> {
    let lower = body.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(2).find_map(|pair| {
        let n: u64 = pair[0].parse().ok()?;
        if pair[1].starts_with("min") {
            Some(Duration::from_secs(n.saturating_mul(60)))
        } else if pair[1].starts_with("sec") {
            Some(Duration::from_secs(n))
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn values_are_escaped_where_the_phone_would_split_or_decode_them() {
        assert_eq!(escape("+1 555#0100"), "%2B1%20555%230100");
        assert_eq!(escape("1001@pbx.example.com"), "1001@pbx.example.com");
        assert_eq!(Key::answer("0_25@10.3.20.1").as_str(), "ASW:0_25@10.3.20.1");
        assert_eq!(Key::cancel("a;b&c=d").as_str(), "CANCEL:a%3Bb%26c%3Dd");
        assert_eq!(escape("*72"), "*72");
    }

    #[test]
    fn lock_pages_say_how_long() {
        assert_eq!(
            lock_length("Login locked. Try again in 5 minutes."),
            Some(Duration::from_secs(300))
        );
        assert_eq!(
            lock_length("<p>locked: try again in 30 seconds</p>"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(lock_length("Locked."), None);
        assert!(mentions_lock("Login LOCKED"));
        assert!(!mentions_lock("<h1>403 Forbidden</h1>"));
    }

    #[test]
    fn a_lock_out_stops_blocking_once_it_has_run_out() {
        let config =
            YealinkConfig::new("http://10.0.0.5", "admin", Secret::new("x")).expect("config");
        let client = ActionUriClient::new(config).expect("client");
        let locked = client.latch_lock("locked, try again in 1 minute");
        assert_eq!(locked, PhoneError::LockedOut { minutes: Some(1) });
        assert_eq!(client.rejection(), Some(locked.clone()));
        assert!(client
            .locked_for()
            .is_some_and(|d| d > Duration::from_secs(60)));
        client
            .login
            .latch_until(locked, Instant::now().checked_sub(Duration::from_millis(1)));
        assert_eq!(client.rejection(), None);
        assert_eq!(client.locked_for(), None);
    }
}
