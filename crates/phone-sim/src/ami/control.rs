//! The AMI simulator's control API over HTTP, on its own port: the [`super::AmiSim`] methods
//! for e2e tests, scripts and the app's demo mode in other processes.
//!
//! **Unauthenticated by design**: it exists for tests and demos on loopback.
//!
//! Every route accepts GET and POST, with parameters in the query string or a form body.
//! Answers are JSON: `{"ok":true,...}`, or `{"ok":false,"error":"..."}` with 400 for bad
//! parameters, 404 for an unknown call, endpoint or route, 409 when the call's state forbids
//! the action. `call` is the number a scenario route answered.
//!
//! | route | parameters | effect |
//! |---|---|---|
//! | `/control/ring` | `number`, `name`?, `to`? (endpoint, or several comma-separated for a ring group; default the first endpoint) | inbound call; answers `call` |
//! | `/control/dial` | `number`, `from`? (default the first endpoint) | the phone dials itself; answers `call` |
//! | `/control/answer` | `call`, `endpoint`? | what rings answers |
//! | `/control/answered-elsewhere` | `call` | another ring group phone answers (cause 26 for mine) |
//! | `/control/reject` | `call`, `cause`? (17), `endpoint`? | the ringing phone refuses |
//! | `/control/give-up` | `call` | the caller gives up (missed call) |
//! | `/control/hold`, `/control/unhold` | `call` | the phone holds / resumes |
//! | `/control/hangup` | `call`, `by`=`phone`\|`remote` | that side hangs up |
//! | `/control/channels` | | live channels (JSON array) |
//! | `/control/calls` | | calls (JSON array) |
//! | `/control/sessions` | | connected AMI clients (JSON array) |
//! | `/control/actions` | `action`? (only that one) | recorded client actions, secrets hidden |
//! | `/control/clear-actions` | | forgets them |
//! | `/control/fault` | `mode`=`none`\|`hang`\|`slow-login`\|`refuse-login`\|`drop-after-events`, `ms`, `count` | standing fault |
//! | `/control/drop-connections` | | closes every AMI connection |
//! | `/control/garbage` | | sends non-AMI bytes to every session |
//! | `/control/truncated` | | sends half an event, then closes |
//! | `/control/restart` | `down_ms`? | Asterisk restarts |
//! | `/control/state` | | AMI address, counts, fault |

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::error::AmiSimError;
use super::faults::AmiFault;
use super::model::{CallId, Party};
use super::pbx::Outgoing;
use super::shared::Shared;
use super::sim;
use crate::control_api::{bad, refusal, unknown, Problem};

type Params = HashMap<String, String>;

/// Serves the control API until the task is aborted; aborting also ends its connections.
pub(crate) async fn serve(listener: TcpListener, shared: Weak<Shared>) {
    let router = Router::new()
        .route("/control/{action}", any(control))
        .with_state(shared);
    let mut connections = JoinSet::new();
    loop {
        let tcp = match listener.accept().await {
            Ok((tcp, _)) => tcp,
            Err(e) => {
                tracing::warn!("control accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        while connections.try_join_next().is_some() {}
        let service = TowerToHyperService::new(router.clone());
        connections.spawn(async move {
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(tcp), service)
                .await;
        });
    }
}

impl From<AmiSimError> for Problem {
    fn from(e: AmiSimError) -> Problem {
        let status = match e {
            AmiSimError::NoSuchCall(_) | AmiSimError::NoSuchEndpoint(..) => StatusCode::NOT_FOUND,
            AmiSimError::WrongState { .. } => StatusCode::CONFLICT,
            _ => StatusCode::BAD_REQUEST,
        };
        Problem(status, e.to_string())
    }
}

type Outcome = Result<Value, Problem>;

async fn control(
    State(shared): State<Weak<Shared>>,
    Path(action): Path<String>,
    Query(mut params): Query<Params>,
    body: Bytes,
) -> Response {
    if !body.is_empty() {
        let form = String::from_utf8_lossy(&body);
        if let Ok(uri) = format!("/?{}", form.trim()).parse::<Uri>() {
            if let Ok(Query(extra)) = Query::<Params>::try_from_uri(&uri) {
                params.extend(extra);
            }
        }
    }
    let Some(shared) = shared.upgrade() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping").into_response();
    };
    match act(&shared, &action, &params) {
        Ok(value) => Json(value).into_response(),
        Err(problem) => refusal("asterisk", &action, problem),
    }
}

fn act(shared: &Arc<Shared>, action: &str, p: &Params) -> Outcome {
    let first_endpoint = || {
        shared
            .cfg
            .endpoints
            .first()
            .map(|e| e.device())
            .unwrap_or_default()
    };
    match action {
        "ring" => {
            let number = required(p, "number")?;
            let name = p.get("name").map_or("", String::as_str);
            let to = p.get("to").cloned().unwrap_or_else(first_endpoint);
            let targets: Vec<&str> = to
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect();
            let call = shared.with_pbx(|pbx| pbx.ring(number, name, &targets))?;
            Ok(json!({ "ok": true, "call": call }))
        }
        "dial" => {
            let number = required(p, "number")?;
            let from = p.get("from").cloned().unwrap_or_else(first_endpoint);
            let call = shared.with_pbx(|pbx| pbx.dial_from_phone(&from, number))?;
            Ok(json!({ "ok": true, "call": call }))
        }
        "answer" => {
            let call = call(p)?;
            let endpoint = p.get("endpoint").map(String::as_str);
            shared.with_pbx(|pbx| pbx.answer(call, endpoint))?;
            ok()
        }
        "answered-elsewhere" => {
            let call = call(p)?;
            shared.with_pbx(|pbx| pbx.answered_elsewhere(call))?;
            ok()
        }
        "reject" => {
            let call = call(p)?;
            let cause = opt::<u32>(p, "cause")?.unwrap_or(super::causes::USER_BUSY);
            let endpoint = p.get("endpoint").map(String::as_str);
            shared.with_pbx(|pbx| pbx.reject(call, endpoint, cause))?;
            ok()
        }
        "give-up" => {
            let call = call(p)?;
            shared.with_pbx(|pbx| pbx.give_up(call))?;
            ok()
        }
        "hold" | "unhold" => {
            let call = call(p)?;
            shared.with_pbx(|pbx| pbx.hold(call, action == "hold"))?;
            ok()
        }
        "hangup" => {
            let call = call(p)?;
            let by = match required(p, "by")?.to_ascii_lowercase().as_str() {
                "phone" => Party::Phone,
                "remote" => Party::Remote,
                other => return Err(bad(format!("invalid by={other}: use phone or remote"))),
            };
            shared.with_pbx(|pbx| pbx.hangup(call, by))?;
            ok()
        }
        "channels" => to_value(&shared.with_pbx(|pbx| pbx.channel_infos())),
        "calls" => to_value(&shared.with_pbx(|pbx| pbx.call_infos())),
        "sessions" => to_value(&shared.session_infos()),
        "actions" => {
            let mut actions = shared.record.snapshot();
            if let Some(only) = p.get("action") {
                actions.retain(|a| a.is(only));
            }
            to_value(&actions)
        }
        "clear-actions" => {
            shared.record.clear();
            ok()
        }
        "fault" => {
            let fault = AmiFault::from_control(
                p.get("mode").map_or("none", String::as_str),
                opt(p, "ms")?,
                opt(p, "count")?,
            )
            .map_err(bad)?;
            shared.set_fault(fault);
            shared.to_all_sessions(|| Outgoing::Raw(Vec::new()));
            ok()
        }
        "drop-connections" => {
            shared.to_all_sessions(|| Outgoing::Close);
            ok()
        }
        "garbage" => {
            shared.to_all_sessions(|| Outgoing::Raw(super::faults::GARBAGE.to_vec()));
            ok()
        }
        "truncated" => {
            shared.to_all_sessions(|| Outgoing::RawThenClose(super::faults::TRUNCATED.to_vec()));
            ok()
        }
        "restart" => {
            let down = Duration::from_millis(opt::<u64>(p, "down_ms")?.unwrap_or(0));
            sim::restart(shared, down);
            ok()
        }
        "state" => {
            let (channels, calls) =
                shared.with_pbx(|pbx| (pbx.channel_infos().len(), pbx.call_infos()));
            let live = calls
                .iter()
                .filter(|c| c.phase != super::model::CallPhase::Ended)
                .count();
            Ok(json!({
                "ok": true,
                "ami": shared.addr.to_string(),
                "channels": channels,
                "live_calls": live,
                "sessions": shared.session_infos().len(),
                "fault": shared.fault().0,
            }))
        }
        other => Err(unknown(other)),
    }
}

fn ok() -> Outcome {
    Ok(json!({ "ok": true }))
}

fn to_value<T: serde::Serialize>(value: &T) -> Outcome {
    serde_json::to_value(value)
        .map_err(|e| Problem(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

fn required<'a>(p: &'a Params, key: &str) -> Result<&'a str, Problem> {
    p.get(key)
        .map(String::as_str)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| bad(format!("missing {key}=")))
}

fn opt<T: FromStr>(p: &Params, key: &str) -> Result<Option<T>, Problem> {
    match p.get(key).map(|v| v.trim()) {
        None | Some("") => Ok(None),
        Some(raw) => raw
            .parse()
            .map(Some)
            .map_err(|_| bad(format!("invalid {key}={raw}"))),
    }
}

fn call(p: &Params) -> Result<CallId, Problem> {
    opt::<u64>(p, "call")?
        .map(CallId)
        .ok_or_else(|| bad("missing call="))
}
