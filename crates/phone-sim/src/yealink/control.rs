//! The control API over HTTP, `/control/{action}` on the phone's own port: the
//! [`super::YealinkSim`] methods for scripts, other processes and the app's demo mode.
//!
//! The routes and their parameters are listed in the module docs of [`super`].

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::error::YealinkSimError;
use super::events::YealinkEvent;
use super::shared::Shared;
use super::YealinkSim;
use crate::control_api::{
    bad, fault_params, flag, ok, opt, parsed, refusal, reply, required, respond, rotated, unknown,
    Outcome, Problem,
};
use crate::params::Params;

/// Largest control request body read.
const MAX_BODY: usize = 64 * 1024;

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

pub(crate) async fn control(
    State(shared): State<Arc<Shared>>,
    Path(action): Path<String>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        let too_large = Problem(StatusCode::PAYLOAD_TOO_LARGE, "body too large".to_owned());
        return refusal("yealink", &action, too_large);
    };
    let params = Params::from_request(parts.uri.query(), &parts.headers, &body);
    let sim = YealinkSim::handle(shared);
    respond("yealink", &action, act(&sim, &action, &params))
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
            let (fault, count) = fault_params(p)?;
            sim.set_fault(fault, count);
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
        "rotate-cert" => rotated(sim.rotate_certificate()),
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
            let event: YealinkEvent = parsed(p, "event")?;
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
        other => Err(unknown(other)),
    }
}

fn done(result: Result<(), YealinkSimError>) -> Outcome {
    result?;
    ok()
}
