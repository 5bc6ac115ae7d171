//! The REST login: `POST /xuc/api/2.0/auth/login` `{"login", "password"}` → a token.
//!
//! The token opens the CTI websocket and is good for its `TTL` (an hour by default). It is
//! reused for reconnects while it lasts, so a flapping network does not cost a login each
//! time; an expired or refused one is simply replaced by a new login.
//!
//! Answers (XiVO's REST API page; statuses as xuc answers them): 200 `{"login", "token",
//! "TTL"}`; errors `{"error": "<code>", "message": "..."}` with `InvalidCredentials` (401),
//! `InvalidJson` (400), `UnhandledError` (500). Only `InvalidCredentials` says the password
//! is wrong: that one is a rejection the caller latches and remembers, everything else is a
//! problem of the server or the address.

use super::tls::Trust;
use crate::error::{excerpt, PhoneError};
use crate::http_client::{innermost_cause, read_limited};
use crate::refusal::Refusal;
use serde_json::Value;
use std::fmt;
use std::time::{Duration, Instant};
use url::Url;

/// Answers larger than this are cut off: a login answer is a few hundred bytes.
const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// A token is given up this long before the server says it expires, so a reconnect never
/// starts with a token about to run out.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);
/// How long a token is used when the server does not say (`TTL` missing).
const DEFAULT_TTL: Duration = Duration::from_secs(15 * 60);

/// A CTI token. Not a password, but it opens the user's CTI session, so it is kept out of
/// `Debug` output and messages just the same.
#[derive(Clone)]
pub(crate) struct Token {
    value: String,
    good_until: Instant,
}

impl Token {
    pub(crate) fn value(&self) -> &str {
        &self.value
    }

    pub(crate) fn is_fresh(&self) -> bool {
        Instant::now() < self.good_until
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(•••)")
    }
}

/// What a login needs to know besides the credentials.
pub(crate) struct LoginRequest<'a> {
    pub http: &'a reqwest::Client,
    pub base: &'a Url,
    /// `host[:port]` for messages.
    pub host: &'a str,
    pub trust: Option<&'a Trust>,
    pub timeout: Duration,
}

/// Logs `username` in. A wrong password is [`PhoneError::PasscodeRejected`]; the caller
/// records it.
pub(crate) async fn log_in(
    request: &LoginRequest<'_>,
    username: &str,
    password: &str,
) -> Result<Token, PhoneError> {
    let mut url = request.base.clone();
    url.set_path("/xuc/api/2.0/auth/login");
    let body = serde_json::json!({"login": username, "password": password});
    let sent = request
        .http
        .post(url)
        .json(&body)
        .timeout(request.timeout)
        .send()
        .await;
    let response = match sent {
        Ok(response) => response,
        Err(error) => return Err(transport_error(request, &error, password)),
    };
    let status = response.status().as_u16();
    let text = read_limited(response, MAX_ANSWER_BYTES)
        .await
        .map_err(|error| transport_error(request, &error, password))?;
    let answer: Option<Value> = serde_json::from_str(&text).ok();
    let code = answer
        .as_ref()
        .and_then(|a| a.get("error"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let host = request.host.to_owned();
    match status {
        200..=299 => {
            let token = answer
                .as_ref()
                .and_then(|a| a.get("token"))
                .and_then(Value::as_str)
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| PhoneError::UnexpectedAnswer {
                    host: host.clone(),
                    function: "the xuc login".to_owned(),
                    excerpt: excerpt(&scrub_token(&text, &answer), Some(password)),
                })?;
            let ttl = answer
                .as_ref()
                .and_then(|a| a.get("TTL"))
                .and_then(Value::as_u64)
                .map_or(DEFAULT_TTL, Duration::from_secs);
            Ok(Token {
                value: token.trim().to_owned(),
                good_until: Instant::now() + ttl.saturating_sub(EXPIRY_MARGIN.min(ttl / 2)),
            })
        }
        401 | 403 if code == "InvalidCredentials" => {
            Err(PhoneError::PasscodeRejected { tries_left: None })
        }
        404 => Err(PhoneError::BadAddress(
            host,
            "no xuc server answers there (the login page /xuc/api/2.0/auth/login does not exist); \
             give the address of the XiVO's xuc server"
                .to_owned(),
        )),
        500..=599 => Err(Refusal::XivoLoginFailed {
            host,
            username: username.to_owned(),
            status,
            reason: server_reason(code, &answer, password),
        }
        .into()),
        _ => Err(PhoneError::UnexpectedAnswer {
            host,
            function: "the xuc login".to_owned(),
            excerpt: excerpt(&format!("HTTP {status} {text}"), Some(password)),
        }),
    }
}

/// `"UnhandledError: the server could not..."`, from the error body, cleaned; `None` when the
/// body says nothing.
fn server_reason(code: &str, answer: &Option<Value>, password: &str) -> Option<String> {
    let message = answer
        .as_ref()
        .and_then(|a| a.get("message"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let said = [code, message]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(": ");
    // `excerpt` quotes and shortens.
    (!said.is_empty()).then(|| excerpt(&said, Some(password)))
}

/// The answer's text with any token replaced, for an error excerpt.
fn scrub_token(text: &str, answer: &Option<Value>) -> String {
    match answer
        .as_ref()
        .and_then(|a| a.get("token"))
        .and_then(Value::as_str)
    {
        Some(token) if !token.is_empty() => text.replace(token, "•••"),
        _ => text.to_owned(),
    }
}

/// A failed request in words, without the URL, and never with the password.
fn transport_error(
    request: &LoginRequest<'_>,
    error: &reqwest::Error,
    password: &str,
) -> PhoneError {
    let host = request.host.to_owned();
    if let Some(refused) = request.trust.and_then(|t| t.refusal(&host)) {
        return refused;
    }
    if error.is_timeout() {
        return PhoneError::Timeout {
            host,
            after: request.timeout,
        };
    }
    let mut reason = innermost_cause(error);
    if reason.contains("://") {
        reason = "the connection failed".to_owned();
    }
    if !password.is_empty() {
        reason = reason.replace(password, "•••");
    }
    PhoneError::Unreachable { host, reason }
}
