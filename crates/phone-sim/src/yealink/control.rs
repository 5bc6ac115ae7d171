//! The control API over HTTP, `/control/{action}` on the phone's own port: the
//! [`super::YealinkSim`] methods for scripts, other processes and the app's demo mode.
//!
//! The routes and their parameters are listed in the module docs of [`super`].

use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

use super::error::YealinkSimError;
use super::events::YealinkEvent;
use super::shared::Shared;
use super::YealinkSim;
use crate::faults::Fault;
use crate::params::Params;

/// Largest control request body read.
const MAX_BODY: usize = 64 * 1024;

struct Problem(StatusCode, String);

impl From<YealinkSimError> for Problem {
    fn from(e: YealinkSimError) -> Problem {
        let status = match e {
            YealinkSimError::NoSuchCall(_) | YealinkSimError::NoSuchAccount(_) => {
                StatusCode::NOT_FOUND
            }
            YealinkSimError::NoNumber => StatusCode::BAD_REQUEST,
            _ => StatusCode::CONFLICT,
        };
        Problem(status, e.to_string())
    }
}

fn bad(message: impl Into<String>) -> Problem {
    Problem(StatusCode::BAD_REQUEST, message.into())
}

type Outcome = Result<Response, Problem>;

fn ok() -> Outcome {
    Ok(Json(json!({ "ok": true })).into_response())
}

fn reply<T: Serialize>(value: &T) -> Outcome {
    Ok(Json(value).into_response())
}

pub(crate) async fn control(
    State(shared): State<Arc<Shared>>,
    Path(action): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            Json(json!({ "ok": false, "error": "body too large" })),
        )
            .into_response();
    };
    let params = Params::from_request(parts.uri.query(), &parts.headers, &body);
    let sim = YealinkSim::handle(shared);
    match act(&sim, &action, &params) {
        Ok(response) => response,
        Err(Problem(status, error)) => {
            tracing::debug!(action, %status, error, "yealink control request refused");
            (status, Json(json!({ "ok": false, "error": error }))).into_response()
        }
    }
}

fn act(sim: &YealinkSim, action: &str, p: &Params) -> Outcome {
    match action {
        "ring" => {
            let account = opt::<usize>(p, "account")?.unwrap_or(0);
            let call = sim.ring(
                required(p, "number")?,
                p.get("name").unwrap_or_default(),
                account,
            )?;
            reply(&json!({ "ok": true, "call": call }))
        }
        "answer" => done(sim.answer_at_phone(required(p, "call")?)),
        "reject" => done(sim.reject_at_phone(required(p, "call")?)),
        "hangup" => done(sim.hang_up_at_phone(required(p, "call")?)),
        "remote-hangup" => done(sim.hang_up_remote(required(p, "call")?)),
        "give-up" => done(sim.give_up(required(p, "call")?)),
        "remote-answer" => done(sim.remote_answer(required(p, "call")?)),
        "hold" => done(sim.hold_at_phone(required(p, "call")?)),
        "resume" => done(sim.resume_at_phone(required(p, "call")?)),
        "dial" => {
            let account = opt::<usize>(p, "account")?.unwrap_or(0);
            let call = sim.dial_at_phone(required(p, "number")?, account)?;
            reply(&json!({ "ok": true, "call": call }))
        }
        "dnd" => {
            sim.set_dnd_at_phone(flag(p, "enabled")?);
            ok()
        }
        "confirm-remote-control" => {
            let ips = sim.confirm_remote_control(opt::<IpAddr>(p, "ip")?);
            reply(&json!({ "ok": true, "allowed": ips }))
        }
        "decline-remote-control" => {
            let ips = sim.decline_remote_control(opt::<IpAddr>(p, "ip")?);
            reply(&json!({ "ok": true, "declined": ips }))
        }
        "prompt" => {
            sim.set_prompt(flag(p, "enabled")?);
            ok()
        }
        "allowed-ips" => {
            sim.set_action_uri_limit_ip(p.get("value").unwrap_or_default());
            ok()
        }
        "action-uri" => {
            sim.set_action_uri_enabled(flag(p, "enabled")?);
            ok()
        }
        "fault" => {
            let fault = Fault::from_control(
                p.get("mode").unwrap_or("none"),
                opt(p, "ms")?,
                opt(p, "code")?,
            )
            .map_err(bad)?;
            sim.set_fault(fault, opt(p, "count")?);
            ok()
        }
        "lock" => {
            sim.lock_login();
            ok()
        }
        "unlock" => {
            sim.unlock_login();
            ok()
        }
        "rotate-cert" => match sim.rotate_certificate() {
            Some(Ok(fingerprint)) => reply(&json!({ "ok": true, "fingerprint": fingerprint })),
            Some(Err(e)) => Err(Problem(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
            None => Err(Problem(
                StatusCode::CONFLICT,
                "the phone serves plain HTTP".to_owned(),
            )),
        },
        "calls" => reply(&sim.calls()),
        "state" => reply(&json!({
            "phone": sim.phone_state(),
            "prompts": sim.remote_control_prompts(),
            "allowed": sim.remote_control_allowed(),
            "action_uri_enabled": sim.action_uri_enabled(),
            "action_uri_limit_ip": sim.action_uri_limit_ip(),
            "locked_ms": sim.login_locked_for().map(|d| d.as_millis()),
        })),
        "requests" => reply(&sim.requests()),
        "clear-requests" => {
            sim.clear_requests();
            ok()
        }
        "action-url" => {
            let event: YealinkEvent = required(p, "event")?
                .parse()
                .map_err(|e| bad(format!("{e}")))?;
            sim.set_action_url(event, p.get("url").map(str::to_owned));
            ok()
        }
        "push-faults" => {
            let loss = opt::<f64>(p, "loss")?.unwrap_or(0.0);
            let dup = opt::<f64>(p, "dup")?.unwrap_or(0.0);
            for (name, value) in [("loss", loss), ("dup", dup)] {
                if !(0.0..=1.0).contains(&value) {
                    return Err(bad(format!("{name} must be between 0 and 1")));
                }
            }
            if let Some(seed) = opt::<u64>(p, "seed")? {
                sim.set_push_seed(seed);
            }
            let delay = opt::<u64>(p, "delay_ms")?.map(Duration::from_millis);
            sim.set_push_faults(loss, dup, delay);
            ok()
        }
        "pushes" => reply(&sim.pushes()),
        "clear-pushes" => {
            sim.clear_pushes();
            ok()
        }
        other => Err(Problem(
            StatusCode::NOT_FOUND,
            format!("unknown control action {other:?}"),
        )),
    }
}

fn done(result: Result<(), YealinkSimError>) -> Outcome {
    result?;
    ok()
}

fn required<'a>(p: &'a Params, key: &str) -> Result<&'a str, Problem> {
    p.get(key)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| bad(format!("missing {key}=")))
}

/// An optional parameter; present but unparsable is an error, empty counts as absent.
fn opt<T: FromStr>(p: &Params, key: &str) -> Result<Option<T>, Problem> {
    match p.get(key).map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => raw
            .parse()
            .map(Some)
            .map_err(|_| bad(format!("invalid {key}={raw}"))),
    }
}

fn flag(p: &Params, key: &str) -> Result<bool, Problem> {
    match required(p, key)?.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "on" | "yes" => Ok(true),
        "0" | "false" | "off" | "no" => Ok(false),
        other => Err(bad(format!("invalid {key}={other}: use true or false"))),
    }
}
