//! The Grandstream CTI client: one HTTP connection pool, every endpoint, both login styles.

use super::super::models::{parse_line, Account, Key, PhoneModel, PhoneOperation, PhoneStatus};
use super::answer::{interpret, is_truthy, Answer, Context};
use super::config::ClientConfig;
use crate::backend::DialMethod;
use crate::credentials::Credentials;
use crate::error::PhoneError;
use crate::http_client::{pinned_client, read_limited, root_cause};
use crate::login_latch::LoginLatch;
use crate::model::Line;
use crate::refusal::Refusal;
use crate::rejections::{LoginTarget, RejectedLogins};
use crate::tls::{CertFingerprint, PinningVerifier};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use url::Url;

/// Answers larger than this are cut off: a phone's JSON is a few kilobytes, and a hostile or
/// broken peer must not make callpop buffer without bound.
const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// Proof that the caller means to erase the phone. `api-sys_operation?request=RESET` is a
/// factory reset: a desk worker's app must never do it by accident, so the only way to get
/// this value is to name the consequence.
pub struct FactoryResetConfirmation(());

impl FactoryResetConfirmation {
    pub fn i_understand_this_erases_the_phone() -> Self {
        Self(())
    }
}

/// Talks to one phone. Cheap to share (`Arc`); all methods take `&self`.
pub struct CtiClient {
    http: reqwest::Client,
    base: Url,
    /// `host[:port]` for messages.
    host: String,
    credentials: RwLock<Credentials>,
    /// The web-session id on session firmware.
    sid: tokio::sync::Mutex<Option<String>>,
    /// Set when the phone rejected the login or locked us out. While set, no request is sent:
    /// retrying a rejected passcode on our own would lock the phone for everyone. A lock-out
    /// ends by itself (someone else may have caused it); a rejection only with new credentials.
    /// With a memory, shared with the app's other clients and other callpop processes, so no
    /// client retries a login another saw rejected.
    login: LoginLatch,
    /// Until the phone has accepted the current credentials once, requests go one at a time:
    /// two concurrent requests with a wrong passcode would cost two of the phone's five tries.
    auth_gate: tokio::sync::Mutex<()>,
    /// Remembered once `api-make_call` proved absent from the firmware (HTTP 404), so each
    /// later dial goes straight to the keypad instead of paying a failed round trip first. A
    /// `false` answer is not remembered: it may only mean "not now".
    make_call_unavailable: AtomicBool,
    tls: Option<Arc<PinningVerifier>>,
    request_timeout: std::time::Duration,
}

impl std::fmt::Debug for CtiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CtiClient")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

/// Which login a request carries.
enum Auth<'a> {
    None,
    Passcode(&'a str),
    Sid(&'a str),
}

impl CtiClient {
    /// A client that also remembers, in `memory`, logins the phone rejects, and starts refused
    /// (sending nothing) when its login is one of them.
    pub fn with_rejection_memory(
        config: ClientConfig,
        memory: Arc<RejectedLogins>,
    ) -> Result<Self, PhoneError> {
        let mut client = Self::new(config)?;
        let credentials = client.credentials();
        client.login = LoginLatch::with_memory(
            memory,
            &client.login_target(&credentials),
            credentials.secret().expose(),
        );
        Ok(client)
    }

    pub fn new(config: ClientConfig) -> Result<Self, PhoneError> {
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
            credentials: RwLock::new(config.credentials),
            sid: tokio::sync::Mutex::new(None),
            login: LoginLatch::new(),
            auth_gate: tokio::sync::Mutex::new(()),
            make_call_unavailable: AtomicBool::new(false),
            tls,
            request_timeout: config.request_timeout,
        })
    }

    /// The phone's address (scheme, host and port).
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The phone's address as shown to the user.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// New credentials from the user: the only thing that lifts a rejection (unless these
    /// very credentials were rejected before, by this or another callpop).
    pub fn set_credentials(&self, credentials: Credentials) {
        let target = self.login_target(&credentials);
        let secret = credentials.secret().expose().to_owned();
        if let Ok(mut c) = self.credentials.write() {
            *c = credentials;
        }
        self.login.new_login(&target, &secret);
        if let Ok(mut sid) = self.sid.try_lock() {
            *sid = None;
        }
    }

    /// The rejection that currently blocks all requests, if any. A lock-out stops blocking
    /// once it has run out: then one request may find out whether the login is good.
    pub fn rejection(&self) -> Option<PhoneError> {
        self.login.rejection()
    }

    /// How long a lock-out still lasts, when one blocks requests.
    pub fn locked_for(&self) -> Option<Duration> {
        self.login.locked_for()
    }

    /// The key this client's login is remembered under.
    fn login_target(&self, credentials: &Credentials) -> LoginTarget {
        LoginTarget {
            phone: format!("grandstream {}", self.base.origin().ascii_serialization()),
            user: match credentials {
                Credentials::Passcode(_) => String::new(),
                Credentials::Session { username, .. } => username.clone(),
            },
        }
    }

    /// The pinned certificate, on HTTPS.
    pub fn pinned_certificate(&self) -> Option<CertFingerprint> {
        self.tls.as_ref().and_then(|v| v.pin())
    }

    // ---- endpoints -------------------------------------------------------------------------

    /// All lines, sorted by line number. The count varies by model (3, 4, 8...).
    pub async fn line_status(&self) -> Result<Vec<Line>, PhoneError> {
        let function = "api-get_line_status";
        let body = self
            .expect_success(function, &[], "read the line status")
            .await?;
        let Value::Array(items) = body else {
            return Err(self.unexpected(function, &body));
        };
        let mut lines: Vec<Line> = items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| parse_line(v, i))
            .collect();
        lines.sort_by_key(|l| l.index);
        lines.dedup_by_key(|l| l.index);
        Ok(lines)
    }

    pub async fn phone_status(&self) -> Result<PhoneStatus, PhoneError> {
        let function = "api-get_phone_status";
        let body = self
            .expect_success(function, &[], "read its status")
            .await?;
        match body.as_str() {
            Some(word) => Ok(PhoneStatus::from_phone(word)),
            None => Err(self.unexpected(function, &body)),
        }
    }

    /// Presses keys. The phone answers before it has finished pressing them (about one key
    /// per second on real phones).
    pub async fn send_keys(&self, keys: &[Key]) -> Result<(), PhoneError> {
        let joined = keys.iter().map(Key::as_str).collect::<Vec<_>>().join(":");
        tracing::debug!(keys = %joined, "pressing keys on the phone");
        match self.call("api-send_key", &[("keys", &joined)]).await? {
            Answer::Success(_) => Ok(()),
            Answer::Failure(body) => Err(PhoneError::CommandRefused {
                action: format!("press {joined}"),
                reason: Some(if body.as_str() == Some("unknown") {
                    "it does not know one of these keys".to_owned()
                } else {
                    format!("it answered {body}")
                }),
            }),
        }
    }

    /// Answer, reject, hang up, hold/resume (a toggle) or cancel the call on the active line.
    pub async fn operation(&self, op: PhoneOperation) -> Result<(), PhoneError> {
        tracing::debug!(cmd = op.as_cmd(), "phone operation");
        let answer = self
            .call("api-phone_operation", &[("cmd", op.as_cmd())])
            .await?;
        match answer {
            Answer::Success(body) if is_truthy(&body) => Ok(()),
            _ => Err(PhoneError::CommandRefused {
                action: operation_words(op).to_owned(),
                reason: Some("there is no call it can do that to".to_owned()),
            }),
        }
    }

    pub async fn reboot(&self) -> Result<(), PhoneError> {
        self.sys_operation("REBOOT").await
    }

    /// Erases the phone's configuration. See [`FactoryResetConfirmation`].
    pub async fn factory_reset(
        &self,
        _confirm: FactoryResetConfirmation,
    ) -> Result<(), PhoneError> {
        self.sys_operation("RESET").await
    }

    async fn sys_operation(&self, request: &str) -> Result<(), PhoneError> {
        self.expect_success("api-sys_operation", &[("request", request)], "restart")
            .await
            .map(|_| ())
    }

    pub async fn accounts(&self) -> Result<Vec<Account>, PhoneError> {
        let function = "api-get_accounts";
        let body = self
            .expect_success(function, &[], "list its accounts")
            .await?;
        match body {
            Value::Array(items) => Ok(items.iter().filter_map(Account::from_json).collect()),
            other => Err(self.unexpected(function, &other)),
        }
    }

    /// Reads the model without logging in. Safe as a first contact: no passcode travels, and
    /// on HTTPS it is the request that reports an unknown certificate.
    pub async fn model(&self) -> Result<PhoneModel, PhoneError> {
        let function = "model.define.js";
        let (status, text) = self
            .send(
                reqwest::Method::GET,
                "/json/configs/model.define.js",
                &[],
                Auth::None,
            )
            .await?;
        match status {
            200..=299 => Ok(PhoneModel::from_define_js(&text)),
            404 => Err(PhoneError::NotSupported {
                function: function.to_owned(),
            }),
            _ => Err(self.unexpected(function, &Value::String(format!("HTTP {status}")))),
        }
    }

    /// Dials `number` (already normalized: digits, `*`, `#`, maybe a leading `+`).
    ///
    /// `api-make_call` first (sending both `passcode` and `password`, since firmware differs);
    /// when it is absent or answers `false`, the digits are pressed as keys, but only while no
    /// call is in progress (`call_in_progress`): during a call the phone would send the keys
    /// into that call as tones instead of dialling. Success means the phone accepted the
    /// request; the session confirms the call.
    ///
    /// With an `account` (0-based) chosen, the keypad is never the fallback: keys dial from
    /// the phone's default account, and the person would call from the wrong number.
    pub async fn dial(
        &self,
        number: &str,
        account: Option<u32>,
        call_in_progress: bool,
    ) -> Result<DialMethod, PhoneError> {
        if number.is_empty() {
            return Err(Refusal::NoNumber.into());
        }
        if !self.make_call_unavailable.load(Ordering::Relaxed) {
            let account = account.unwrap_or(0).to_string();
            let mut params = vec![("phonenumber", number), ("account", account.as_str())];
            let secret = self.passcode_mode_secret();
            if let Some(secret) = secret.as_deref() {
                params.push(("password", secret));
            }
            match self.call("api-make_call", &params).await {
                Ok(Answer::Success(body)) if is_truthy(&body) => {
                    return Ok(DialMethod::ClickToDial)
                }
                Ok(_) => tracing::info!("click-to-dial declined this number, trying the keypad"),
                Err(PhoneError::NotSupported { .. }) => {
                    tracing::info!("this phone has no click-to-dial, dialing by keypad");
                    self.make_call_unavailable.store(true, Ordering::Relaxed);
                }
                Err(e) => return Err(e),
            }
        }
        if let Some(account) = account {
            return Err(Refusal::ClickToDialAccount {
                number: number.to_owned(),
                account: account.saturating_add(1),
            }
            .into());
        }
        if call_in_progress {
            return Err(Refusal::ClickToDialInCall {
                number: number.to_owned(),
            }
            .into());
        }
        let keys = Key::dial_sequence(number).ok_or_else(|| Refusal::ClickToDialNotTypable {
            number: number.to_owned(),
        })?;
        self.send_keys(&keys).await?;
        Ok(DialMethod::Keypad)
    }

    // ---- plumbing --------------------------------------------------------------------------

    /// Calls `function` and insists on success.
    async fn expect_success(
        &self,
        function: &str,
        params: &[(&str, &str)],
        action: &str,
    ) -> Result<Value, PhoneError> {
        match self.call(function, params).await? {
            Answer::Success(body) => Ok(body),
            Answer::Failure(body) => Err(PhoneError::CommandRefused {
                action: action.to_owned(),
                reason: body.as_str().map(str::to_owned),
            }),
        }
    }

    /// One CTI call with login handling: refuses at once while a rejection stands, latches new
    /// rejections, and on session firmware logs in (again, once) as needed.
    async fn call(&self, function: &str, params: &[(&str, &str)]) -> Result<Answer, PhoneError> {
        let _one_at_a_time = if self.login.is_verified() {
            None
        } else {
            Some(self.auth_gate.lock().await)
        };
        // Checked after waiting: the request ahead may just have been rejected.
        if let Some(rejection) = self.rejection() {
            return Err(rejection);
        }
        let credentials = self.credentials();
        let result = self.call_with_login(function, params).await;
        match &result {
            Err(e @ PhoneError::PasscodeRejected { .. }) => self.login.rejected(
                &self.login_target(&credentials),
                credentials.secret().expose(),
                e,
            ),
            Err(e @ PhoneError::LockedOut { minutes }) => self.login.lock_out(
                e.clone(),
                minutes.map(|m| Duration::from_secs(u64::from(m) * 60)),
            ),
            // The phone understood the request: the login is good.
            Ok(_) | Err(PhoneError::NotSupported { .. } | PhoneError::CommandRefused { .. }) => {
                self.login.accepted(|| self.login_target(&credentials));
            }
            Err(_) => {}
        }
        result
    }

    async fn call_with_login(
        &self,
        function: &str,
        params: &[(&str, &str)],
    ) -> Result<Answer, PhoneError> {
        let credentials = self.credentials();
        let path = format!("/cgi-bin/{function}");
        let (username, password) = match &credentials {
            Credentials::Passcode(passcode) => {
                let (status, text) = self
                    .send(
                        reqwest::Method::GET,
                        &path,
                        params,
                        Auth::Passcode(passcode.expose()),
                    )
                    .await?;
                return interpret(status, &text, &self.context(function, &credentials));
            }
            Credentials::Session { username, password } => (username, password.expose()),
        };
        let mut sid = self.sid.lock().await;
        let mut logged_in_now = false;
        loop {
            let current = match sid.as_ref() {
                Some(s) => s.clone(),
                None => {
                    logged_in_now = true;
                    let fresh = self.login(username, password, &credentials).await?;
                    *sid = Some(fresh.clone());
                    fresh
                }
            };
            let (status, text) = self
                .send(reqwest::Method::GET, &path, params, Auth::Sid(&current))
                .await?;
            match interpret(status, &text, &self.context(function, &credentials)) {
                // One fresh login per call at most; a session that dies straight after login
                // is reported rather than looped on.
                Err(PhoneError::SessionExpired) if !logged_in_now => {
                    tracing::info!("phone session expired, logging in again");
                    *sid = None;
                }
                other => return other,
            }
        }
    }

    /// Session login: `access` gives a nonce, `dologin` takes sha256(password + nonce).
    async fn login(
        &self,
        username: &str,
        password: &str,
        credentials: &Credentials,
    ) -> Result<String, PhoneError> {
        let access = sha256_hex(username.as_bytes());
        let (status, text) = self
            .send(
                reqwest::Method::POST,
                "/cgi-bin/access",
                &[("access", &access)],
                Auth::None,
            )
            .await?;
        let nonce = match interpret(status, &text, &self.context("access", credentials))? {
            Answer::Success(Value::String(nonce)) if !nonce.is_empty() => nonce,
            Answer::Success(other) | Answer::Failure(other) => {
                return Err(self.unexpected("access", &other))
            }
        };
        let hashed = sha256_hex(format!("{password}{nonce}").as_bytes());
        let (status, text) = self
            .send(
                reqwest::Method::POST,
                "/cgi-bin/dologin",
                &[("username", username), ("password", &hashed)],
                Auth::None,
            )
            .await?;
        let cx = self.context("dologin", credentials);
        match interpret(status, &text, &cx) {
            Ok(Answer::Success(body)) => body
                .get("sid")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .ok_or_else(|| self.unexpected("dologin", &body)),
            Ok(Answer::Failure(_)) | Err(PhoneError::SessionExpired) => {
                Err(PhoneError::PasscodeRejected { tries_left: None })
            }
            Err(e) => Err(e),
        }
    }

    /// Sends one request and reads the answer. Transport failures are turned into messages
    /// without the URL (reqwest's errors carry the query string, i.e. the passcode).
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        params: &[(&str, &str)],
        auth: Auth<'_>,
    ) -> Result<(u16, String), PhoneError> {
        let mut url = self.base.clone();
        url.set_path(path);
        let is_post = method == reqwest::Method::POST;
        let mut request = if is_post {
            self.http.post(url).form(params)
        } else {
            let mut pairs: Vec<(&str, &str)> = params.to_vec();
            if let Auth::Passcode(p) = auth {
                pairs.insert(0, ("passcode", p));
            }
            if !pairs.is_empty() {
                url.query_pairs_mut().extend_pairs(pairs);
            }
            self.http.get(url)
        };
        if let Auth::Sid(sid) = auth {
            request = request.header(reqwest::header::COOKIE, format!("sid={sid}"));
        }
        if is_post || matches!(auth, Auth::Sid(_)) {
            // Session firmware refuses form posts without a same-origin Referer (403).
            request = request.header(reqwest::header::REFERER, self.base.as_str());
        }
        let response = request.send().await.map_err(|e| self.transport_error(e))?;
        let status = response.status().as_u16();
        let text = read_limited(response, MAX_ANSWER_BYTES)
            .await
            .map_err(|e| self.transport_error(e))?;
        Ok((status, text))
    }

    fn transport_error(&self, error: reqwest::Error) -> PhoneError {
        if let Some(refused) = self.tls.as_ref().and_then(|v| v.refusal(&self.host)) {
            return refused;
        }
        let host = self.host.clone();
        if error.is_timeout() {
            return PhoneError::Timeout {
                host,
                after: self.request_timeout,
            };
        }
        let reason = root_cause(&error);
        let secret = self.credentials().secret().expose().to_owned();
        let reason = crate::error::scrub(&reason, &secret);
        PhoneError::Unreachable { host, reason }
    }

    pub(crate) fn credentials(&self) -> Credentials {
        match self.credentials.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn passcode_mode_secret(&self) -> Option<String> {
        match self.credentials() {
            Credentials::Passcode(p) => Some(p.expose().to_owned()),
            Credentials::Session { .. } => None,
        }
    }

    fn context<'a>(&'a self, function: &'a str, credentials: &'a Credentials) -> Context<'a> {
        Context {
            host: &self.host,
            function,
            session_mode: matches!(credentials, Credentials::Session { .. }),
            secret: credentials.secret().expose(),
        }
    }

    fn unexpected(&self, function: &str, body: &Value) -> PhoneError {
        let credentials = self.credentials();
        PhoneError::UnexpectedAnswer {
            host: self.host.clone(),
            function: function.to_owned(),
            excerpt: crate::error::excerpt(&body.to_string(), Some(credentials.secret().expose())),
        }
    }
}

fn operation_words(op: PhoneOperation) -> &'static str {
    match op {
        PhoneOperation::AcceptCall => "answer",
        PhoneOperation::RejectCall => "reject the call",
        PhoneOperation::EndCall => "hang up",
        PhoneOperation::HoldCall => "hold or resume",
        PhoneOperation::Cancel => "cancel the call",
    }
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_lock_out_stops_blocking_once_it_has_run_out() {
        let config = ClientConfig::new(
            "http://10.0.0.5",
            Credentials::Passcode(crate::Secret::new("x")),
        )
        .expect("config");
        let client = CtiClient::new(config).expect("client");
        let locked = PhoneError::LockedOut { minutes: Some(5) };
        client.login.latch_until(
            locked.clone(),
            Some(Instant::now() + Duration::from_secs(60)),
        );
        assert_eq!(client.rejection(), Some(locked.clone()));
        client
            .login
            .latch_until(locked, Instant::now().checked_sub(Duration::from_millis(1)));
        assert_eq!(client.rejection(), None);
        assert_eq!(client.locked_for(), None);
        // A rejected passcode, by contrast, blocks until new credentials come.
        let wrong = PhoneError::PasscodeRejected {
            tries_left: Some(2),
        };
        client.login.latch_until(wrong.clone(), None);
        assert_eq!(client.rejection(), Some(wrong));
    }
}
