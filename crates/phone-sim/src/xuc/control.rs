//! The control API over HTTP, `/control/{action}` on the simulator's own port: the
//! [`super::XucSim`] methods for e2e tests and the demo, which drive the simulator from another
//! process.
//!
//! The routes and their parameters are listed in the module docs of [`super`].

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header::CONTENT_TYPE, HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::error::XucSimError;
use super::faults::{LoginRefusal, MALFORMED_MESSAGE};
use super::model::{CallId, UserData};
use super::server::Core;
use super::XucSim;
use crate::control_api::{bad, flag_value, ok, reply, respond, unknown, Outcome, Problem};
use crate::params::Params;

/// A control request's parameters, from the query, a form or a JSON object.
struct Args {
    pairs: Params,
    json: Map<String, Value>,
}

impl Args {
    fn read(query: Option<&str>, headers: &HeaderMap, body: &[u8]) -> Result<Args, Problem> {
        let is_json = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("application/json"));
        let json = if is_json && !body.is_empty() {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(object)) => object,
                _ => return Err(bad("the JSON body must be an object")),
            }
        } else {
            Map::new()
        };
        let pairs = Params::from_request(query, headers, body);
        Ok(Args { pairs, json })
    }

    fn get(&self, key: &str) -> Option<String> {
        match self.json.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            _ => self.pairs.get(key).map(str::to_owned),
        }
        .filter(|v| !v.trim().is_empty())
    }

    fn required(&self, key: &str) -> Result<String, Problem> {
        self.get(key).ok_or_else(|| bad(format!("missing {key}=")))
    }

    fn opt<T: FromStr>(&self, key: &str) -> Result<Option<T>, Problem> {
        match self.get(key) {
            None => Ok(None),
            Some(raw) => raw
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| bad(format!("invalid {key}={raw}"))),
        }
    }

    fn call(&self) -> Result<CallId, Problem> {
        self.opt::<u64>("call")?
            .map(CallId)
            .ok_or_else(|| bad("missing call="))
    }

    fn flag(&self, key: &str) -> Result<bool, Problem> {
        flag_value(key, &self.required(key)?)
    }

    /// `user_data` of a JSON body, or `data.KEY=VALUE` pairs.
    fn user_data(&self) -> UserData {
        if let Some(Value::Object(data)) = self.json.get("user_data") {
            return data
                .iter()
                .map(|(k, v)| {
                    let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    (k.clone(), v)
                })
                .collect();
        }
        self.pairs
            .0
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("data.")?.to_owned(), v.clone())))
            .collect()
    }
}

impl From<XucSimError> for Problem {
    fn from(e: XucSimError) -> Problem {
        let status = match e {
            XucSimError::NoSuchUser(_) | XucSimError::NoSuchCall(_) => StatusCode::NOT_FOUND,
            _ => StatusCode::CONFLICT,
        };
        Problem(status, e.to_string())
    }
}

/// `/control/{action}`.
pub(crate) async fn control(
    State(core): State<Arc<Core>>,
    Path(action): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let sim = XucSim::handle(core);
    let outcome = match Args::read(query.as_deref(), &headers, &body) {
        Ok(args) => act(&sim, &action, &args).await,
        Err(problem) => Err(problem),
    };
    respond("xuc", &action, outcome)
}

#[derive(Serialize)]
struct Rang {
    ok: bool,
    call: CallId,
    linked_id: String,
    unique_id: String,
}

#[derive(Serialize)]
struct Reached {
    ok: bool,
    sessions: usize,
}

async fn act(sim: &XucSim, action: &str, args: &Args) -> Outcome {
    match action {
        "ring" => {
            let user = args.required("user")?;
            let number = args.required("number")?;
            let name = args.get("name").unwrap_or_default();
            let data = args.user_data();
            let call = match args.get("queue") {
                Some(queue) => sim.ring_from_queue(&user, &queue, &number, &name, data)?,
                None => sim.ring(&user, &number, &name, data)?,
            };
            let info = sim.call(call).ok_or(XucSimError::NoSuchCall(call))?;
            reply(&Rang {
                ok: true,
                call,
                linked_id: info.linked_id,
                unique_id: info.unique_id,
            })
        }
        "answer" => {
            sim.answer_at_phone(args.call()?)?;
            ok()
        }
        "dial" => {
            let call = sim.dial_at_phone(&args.required("user")?, &args.required("number")?)?;
            reply(&json!({ "ok": true, "call": call }))
        }
        "remote-answer" => {
            sim.remote_answer(args.call()?)?;
            ok()
        }
        "hold" => {
            sim.hold(args.call()?)?;
            ok()
        }
        "resume" => {
            sim.resume(args.call()?)?;
            ok()
        }
        "hangup" => {
            sim.hang_up_at_phone(args.call()?)?;
            ok()
        }
        "remote-hangup" => {
            sim.hang_up_remote(args.call()?)?;
            ok()
        }
        "give-up" => {
            sim.caller_gives_up(args.call()?)?;
            ok()
        }
        "dnd" => {
            sim.set_dnd(&args.required("user")?, args.flag("enabled")?)?;
            ok()
        }
        "phone-available" => {
            sim.set_phone_available(&args.required("user")?, args.flag("enabled")?)?;
            ok()
        }
        "calls" => reply(&sim.calls()),
        "users" => reply(&sim.users()),
        "state" => reply(&json!({
            "users": sim.users(),
            "calls": sim.calls(),
            "open_sessions": sim.open_sessions(),
        })),
        "refuse-logins" => {
            let refusal = match args.get("mode").as_deref() {
                None | Some("none") => None,
                Some("credentials") => Some(LoginRefusal::InvalidCredentials),
                Some("error") => Some(LoginRefusal::ServerError),
                Some(other) => {
                    return Err(bad(format!(
                        "invalid mode={other}: use none, credentials or error"
                    )))
                }
            };
            sim.refuse_logins(refusal);
            ok()
        }
        "refuse-sessions" => {
            sim.refuse_sessions(args.flag("enabled")?);
            ok()
        }
        "drop-sessions" => {
            sim.drop_sessions();
            ok()
        }
        "drop-after" => {
            sim.drop_after_messages(args.opt::<u32>("count")?);
            ok()
        }
        "pings" => {
            sim.answer_pings(args.flag("enabled")?);
            ok()
        }
        "send-raw" => {
            let sessions = sim.send_raw(&args.required("text")?);
            reply(&Reached { ok: true, sessions })
        }
        "malformed" => {
            let sessions = sim.send_raw(MALFORMED_MESSAGE);
            reply(&Reached { ok: true, sessions })
        }
        "expire-tokens" => {
            sim.expire_tokens();
            ok()
        }
        "restart" => {
            let downtime = Duration::from_millis(args.opt::<u64>("ms")?.unwrap_or(0));
            sim.restart(downtime).await;
            ok()
        }
        "auth-records" => reply(&sim.auth_records()),
        "sessions" => reply(&sim.sessions()),
        "clear-records" => {
            sim.clear_records();
            ok()
        }
        other => Err(unknown(other)),
    }
}
