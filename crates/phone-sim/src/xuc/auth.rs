//! Authentication: `POST /xuc/api/2.0/auth/login`, `GET /xuc/api/2.0/auth/check`, and the
//! token check of the websocket.
//!
//! From XiVO's REST API page ("Obtain authentication token"): the request body is
//! `{"login": "...", "password": "..."}`, the answer `{"login": "...", "token": "...", "TTL":
//! seconds}`, and errors are `{"error": "<code>", "message": "..."}` with codes
//! `InvalidCredentials`, `InvalidJson`, `UnhandledError`. `auth/check` takes `Authorization:
//! Bearer <token>` (used that way by xuc's own web clients, which then keep the `token` of the
//! answer).
//!
//! UNCONFIRMED, chosen here: the HTTP statuses (401 for credentials and tokens, 400 for
//! InvalidJson, 500 for UnhandledError); the check's error codes `TokenExpired`,
//! `InvalidToken` and `AuthorizationHeaderNotFound` (remembered from older XiVO docs, not
//! re-verified); `auth/check` answering a fresh token (the old one stays valid until it
//! expires); and the websocket refusing a bad token with the same 401 JSON before upgrading.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header::AUTHORIZATION, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::Rng;
use serde::Serialize;
use serde_json::Value;

use super::faults::LoginRefusal;
use super::record::{AuthEndpoint, AuthOutcome, XucAuthRecord};
use super::server::Core;
use super::world::{Token, World};

/// Why a token was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    Missing,
    Invalid,
    Expired,
}

impl TokenProblem {
    fn outcome(self) -> AuthOutcome {
        match self {
            TokenProblem::Missing => AuthOutcome::MissingToken,
            TokenProblem::Invalid => AuthOutcome::InvalidToken,
            TokenProblem::Expired => AuthOutcome::TokenExpired,
        }
    }

    /// The 401 answer.
    pub(crate) fn response(self) -> Response {
        let (code, message) = match self {
            TokenProblem::Missing => (
                "AuthorizationHeaderNotFound",
                "No authentication token was given",
            ),
            TokenProblem::Invalid => ("InvalidToken", "The authentication token is not valid"),
            TokenProblem::Expired => ("TokenExpired", "The authentication token has expired"),
        };
        error_response(StatusCode::UNAUTHORIZED, code, message)
    }
}

#[derive(Serialize)]
struct Granted<'a> {
    login: &'a str,
    token: &'a str,
    #[serde(rename = "TTL")]
    ttl: u64,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: &'a str,
}

fn error_response(status: StatusCode, error: &str, message: &str) -> Response {
    (status, Json(ErrorBody { error, message })).into_response()
}

impl World {
    /// A new token for `login`, valid for `token_ttl`.
    fn issue_token(&mut self, login: &str) -> String {
        let bytes: [u8; 16] = rand::rng().random();
        let token = hex::encode(bytes);
        self.tokens.insert(
            token.clone(),
            Token {
                login: login.to_owned(),
                expires_at: Instant::now() + self.config.token_ttl,
            },
        );
        token
    }

    /// The login owning `token`, if it is known and not expired.
    pub(crate) fn check_token(&self, token: Option<&str>) -> Result<String, TokenProblem> {
        let token = token
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(TokenProblem::Missing)?;
        let known = self.tokens.get(token).ok_or(TokenProblem::Invalid)?;
        if Instant::now() >= known.expires_at {
            return Err(TokenProblem::Expired);
        }
        Ok(known.login.clone())
    }

    /// Checks `token` for the websocket and records the attempt.
    pub(crate) fn admit_cti(&mut self, token: Option<&str>) -> Result<String, TokenProblem> {
        let checked = self.check_token(token);
        self.record_auth(XucAuthRecord {
            endpoint: AuthEndpoint::Cti,
            login: checked.as_ref().ok().cloned(),
            outcome: checked
                .as_ref()
                .map_or_else(|p| p.outcome(), |_| AuthOutcome::Accepted),
        });
        checked
    }

    /// Makes every token issued so far expired (they answer `TokenExpired` from now on).
    pub(crate) fn expire_tokens(&mut self) {
        let now = Instant::now();
        for token in self.tokens.values_mut() {
            token.expires_at = now;
        }
    }

    fn ttl_seconds(&self) -> u64 {
        self.config.token_ttl.as_secs()
    }

    /// Answers a login request whose body is `body`.
    fn login(&mut self, body: &[u8]) -> Response {
        let parsed: Option<(String, String)> =
            serde_json::from_slice::<Value>(body).ok().and_then(|v| {
                let login = v.get("login")?.as_str()?.to_owned();
                let password = v.get("password")?.as_str()?.to_owned();
                Some((login, password))
            });
        let Some((login, password)) = parsed else {
            self.record_auth(XucAuthRecord {
                endpoint: AuthEndpoint::Login,
                login: None,
                outcome: AuthOutcome::InvalidJson,
            });
            return error_response(
                StatusCode::BAD_REQUEST,
                "InvalidJson",
                "Expected {\"login\": \"...\", \"password\": \"...\"}",
            );
        };
        let mut record = XucAuthRecord {
            endpoint: AuthEndpoint::Login,
            login: Some(login.clone()),
            outcome: AuthOutcome::Refused,
        };
        if let Some(refusal) = self.faults.login_refusal {
            self.record_auth(record);
            return match refusal {
                LoginRefusal::InvalidCredentials => invalid_credentials(),
                LoginRefusal::ServerError => error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "UnhandledError",
                    "The server could not process the login",
                ),
            };
        }
        let valid = self
            .users
            .iter()
            .any(|u| u.account.login == login && u.account.password == password);
        if !valid {
            record.outcome = AuthOutcome::InvalidCredentials;
            self.record_auth(record);
            return invalid_credentials();
        }
        record.outcome = AuthOutcome::Accepted;
        self.record_auth(record);
        let token = self.issue_token(&login);
        let ttl = self.ttl_seconds();
        Json(Granted {
            login: &login,
            token: &token,
            ttl,
        })
        .into_response()
    }

    /// Answers a token check carrying `headers`.
    fn check(&mut self, headers: &HeaderMap) -> Response {
        let bearer = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let checked = self.check_token(bearer);
        self.record_auth(XucAuthRecord {
            endpoint: AuthEndpoint::Check,
            login: checked.as_ref().ok().cloned(),
            outcome: checked
                .as_ref()
                .map_or_else(|p| p.outcome(), |_| AuthOutcome::Accepted),
        });
        match checked {
            Err(problem) => problem.response(),
            Ok(login) => {
                let token = self.issue_token(&login);
                let ttl = self.ttl_seconds();
                Json(Granted {
                    login: &login,
                    token: &token,
                    ttl,
                })
                .into_response()
            }
        }
    }
}

fn invalid_credentials() -> Response {
    error_response(
        StatusCode::UNAUTHORIZED,
        "InvalidCredentials",
        "Invalid username or password",
    )
}

/// `POST /xuc/api/2.0/auth/login`.
pub(crate) async fn login(State(core): State<Arc<Core>>, body: Bytes) -> Response {
    core.act(|w| w.login(&body))
}

/// `GET /xuc/api/2.0/auth/check`.
pub(crate) async fn check(State(core): State<Arc<Core>>, headers: HeaderMap) -> Response {
    core.act(|w| w.check(&headers))
}
