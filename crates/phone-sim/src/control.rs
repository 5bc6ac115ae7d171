//! The control API over HTTP, under `/control/`: the [`crate::PhoneSim`] methods for scripts,
//! other processes and the app's demo mode.
//!
//! **Unauthenticated by design**: it exists for tests and demos on loopback. Never expose a
//! simulator on a network others can reach.
//!
//! Every action accepts GET and POST, with parameters in the query string or a form body
//! (percent-decoded UTF-8). Answers are JSON: `{"ok":true,...}` on success, `{"ok":false,
//! "error":"..."}` with 400 for bad parameters, 409 when the phone's state forbids the action
//! and 404 for unknown actions.
//!
//! | action | parameters | effect |
//! |---|---|---|
//! | `ring` | `number`, `name`?, `line`? | incoming call; answers `line` |
//! | `short-ring` | as `ring`, plus `ms` | rings, caller gives up after `ms` |
//! | `answer` | `line` | remote answers an outgoing call |
//! | `hangup` | `line` | remote hangs up |
//! | `fault` | `mode`=none\|slow\|html\|500\|drop\|garbage\|status, `ms`, `code`, `count`? | fault injection |
//! | `remote-control` | `enabled` | "Action URI Support" switch |
//! | `make-call` | `enabled` | click-to-dial switch |
//! | `allowed-ips` | `list` (`any` or IPs, comma-separated) | "Action URI Allowed IP List" |
//! | `popup` | `enabled` | "Remote Control Pop up Window Support" |
//! | `allow-prompt` | | presses Allow on the phone's remote control question |
//! | `account` | `account` (0-based), `registered` | an account registers or loses its registration |
//! | `expire-sessions` | | ends all web sessions |
//! | `unlock` | | lifts a login lock-out |
//! | `rotate-cert` | | new HTTPS certificate; answers `fingerprint` |
//! | `state` | | lines, `dnd`, `locked`, switches, `accounts`, `dials` (account of each outgoing call) |
//! | `requests` | | recorded requests (JSON array) |
//! | `clear-requests` | | forgets them |
//! | `action-url` | `event`, `url`? | sets (or without `url` clears) an Action URL |
//! | `push-faults` | `loss`?, `dup`?, `delay_ms`?, `seed`? | push loss/duplication/delay |
//! | `push-seed` | `seed` | reseeds the push fault dice |
//! | `pushes` | | pushes sent (JSON array) |
//! | `clear-pushes` | | forgets them |

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::any;
use axum::Router;
use serde_json::json;

use crate::control_api::{
    bad, fault_params, flag, ok, opt, parsed, reply, req, required, respond, rotated, unknown,
    Outcome, Problem,
};
use crate::device::Device;
use crate::error::SimError;
use crate::events::PushEvent;
use crate::http::Incoming;
use crate::params::Params;

/// The control routes, merged into the phone's router.
pub(crate) fn routes() -> Router<Arc<Device>> {
    Router::new().route("/control/{action}", any(control))
}

impl From<SimError> for Problem {
    fn from(e: SimError) -> Problem {
        let status = match e {
            SimError::NoSuchLine(_) | SimError::NoSuchAccount(_) => StatusCode::NOT_FOUND,
            _ => StatusCode::CONFLICT,
        };
        Problem(status, e.to_string())
    }
}

async fn control(
    State(device): State<Arc<Device>>,
    Path(action): Path<String>,
    request: Request,
) -> Response {
    let incoming = match Incoming::read(request).await {
        Ok(incoming) => incoming,
        Err(response) => return response,
    };
    respond(
        "grandstream",
        &action,
        act(&device, &action, &incoming.params),
    )
}

fn act(device: &Device, action: &str, p: &Params) -> Outcome {
    match action {
        "ring" => {
            let line = device.ring(opt::<u32>(p, "line")?, required(p, "number")?, name(p))?;
            reply(&json!({ "ok": true, "line": line }))
        }
        "short-ring" => {
            let ring_for = Duration::from_millis(req::<u64>(p, "ms")?);
            let line = device.short_ring(
                opt::<u32>(p, "line")?,
                required(p, "number")?,
                name(p),
                ring_for,
            )?;
            reply(&json!({ "ok": true, "line": line }))
        }
        "answer" => {
            device.remote_answer(req(p, "line")?)?;
            ok()
        }
        "hangup" => {
            device.remote_hangup(req(p, "line")?)?;
            ok()
        }
        "fault" => {
            let (fault, count) = fault_params(p)?;
            device.set_fault(fault, count);
            ok()
        }
        "remote-control" => {
            device.set_remote_control(flag(p, "enabled")?);
            ok()
        }
        "allowed-ips" => {
            let list = p.get("list").unwrap_or("any");
            device
                .with_remote_access(|r| r.set_allowed(list))
                .map_err(bad)?;
            ok()
        }
        "popup" => {
            let on = flag(p, "enabled")?;
            device.with_remote_access(|r| r.set_popup(on));
            ok()
        }
        "allow-prompt" => {
            device.with_remote_access(|r| r.allow_prompt());
            ok()
        }
        "make-call" => {
            device.set_make_call(flag(p, "enabled")?);
            ok()
        }
        "account" => {
            device.set_account_registered(req(p, "account")?, flag(p, "registered")?)?;
            ok()
        }
        "expire-sessions" => {
            device.with_auth(|a| a.expire_sessions());
            ok()
        }
        "unlock" => {
            device.with_auth(|a| a.unlock());
            ok()
        }
        "rotate-cert" => rotated(device.rotate_certificate()),
        "state" => reply(&device.state()),
        "requests" => reply(&device.requests()),
        "clear-requests" => {
            device.recorder().clear();
            ok()
        }
        "action-url" => {
            let event: PushEvent = parsed(p, "event")?;
            device
                .pusher()
                .set_action_url(event, p.get("url").map(str::to_owned));
            ok()
        }
        "push-faults" => {
            let loss = opt::<f64>(p, "loss")?.unwrap_or(0.0);
            let dup = opt::<f64>(p, "dup")?.unwrap_or(0.0);
            let delay = opt::<u64>(p, "delay_ms")?.map(Duration::from_millis);
            for (name, value) in [("loss", loss), ("dup", dup)] {
                if !(0.0..=1.0).contains(&value) {
                    return Err(bad(format!("{name} must be between 0 and 1")));
                }
            }
            if let Some(seed) = opt::<u64>(p, "seed")? {
                device.pusher().set_seed(seed);
            }
            device.pusher().set_faults(loss, dup, delay);
            ok()
        }
        "push-seed" => {
            device.pusher().set_seed(req(p, "seed")?);
            ok()
        }
        "pushes" => reply(&device.pushes()),
        "clear-pushes" => {
            device.pusher().clear();
            ok()
        }
        other => Err(unknown(other)),
    }
}

fn name(p: &Params) -> &str {
    p.get("name").unwrap_or_default()
}
