//! What every simulator's control API shares: a refusal with its status, the JSON answers, and
//! reading the parameters scripts send.
//!
//! Each simulator keeps its own actions (`/control/{action}`); all answer JSON, `{"ok":true,
//! ...}` on success and `{"ok":false,"error":"..."}` with the refusal's status otherwise.

use std::fmt::Display;
use std::str::FromStr;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

use crate::faults::Fault;
use crate::params::Params;

/// A refused control request: its status and what to tell the script.
pub(crate) struct Problem(pub(crate) StatusCode, pub(crate) String);

/// A request whose parameters are wrong: 400.
pub(crate) fn bad(message: impl Into<String>) -> Problem {
    Problem(StatusCode::BAD_REQUEST, message.into())
}

/// What an action answers.
pub(crate) type Outcome = Result<Response, Problem>;

/// `{"ok":true}`.
pub(crate) fn ok() -> Outcome {
    reply(&json!({ "ok": true }))
}

/// `value` as the JSON answer, serialized directly (keeping the structs' field order).
pub(crate) fn reply<T: Serialize>(value: &T) -> Outcome {
    Ok(Json(value).into_response())
}

/// The answer to `action` of the control API of `simulator`; a refusal is logged.
pub(crate) fn respond(simulator: &str, action: &str, outcome: Outcome) -> Response {
    match outcome {
        Ok(response) => response,
        Err(problem) => refusal(simulator, action, problem),
    }
}

/// `{"ok":false,"error":"..."}` with the refusal's status.
pub(crate) fn refusal(simulator: &str, action: &str, Problem(status, error): Problem) -> Response {
    tracing::debug!(simulator, action, %status, error, "control request refused");
    (status, Json(json!({ "ok": false, "error": error }))).into_response()
}

/// An action no simulator knows: 404.
pub(crate) fn unknown(action: &str) -> Problem {
    Problem(
        StatusCode::NOT_FOUND,
        format!("unknown control action {action:?}"),
    )
}

/// The value of `key`, which must be there and not blank.
pub(crate) fn required<'a>(p: &'a Params, key: &str) -> Result<&'a str, Problem> {
    p.get(key)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| bad(format!("missing {key}=")))
}

/// An optional parameter; present but unparsable is an error, empty counts as absent.
pub(crate) fn opt<T: FromStr>(p: &Params, key: &str) -> Result<Option<T>, Problem> {
    match p.get(key).map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => raw
            .parse()
            .map(Some)
            .map_err(|_| bad(format!("invalid {key}={raw}"))),
    }
}

/// A parameter that must be there and parse.
pub(crate) fn req<T: FromStr>(p: &Params, key: &str) -> Result<T, Problem> {
    opt(p, key)?.ok_or_else(|| bad(format!("missing {key}=")))
}

/// A required parameter that parses as `T`, whose own message says what is wrong.
pub(crate) fn parsed<T>(p: &Params, key: &str) -> Result<T, Problem>
where
    T: FromStr,
    T::Err: Display,
{
    required(p, key)?
        .parse()
        .map_err(|e: T::Err| bad(e.to_string()))
}

/// A switch: `true`, `on`, `yes`, `1` or `false`, `off`, `no`, `0`.
pub(crate) fn flag(p: &Params, key: &str) -> Result<bool, Problem> {
    flag_value(key, required(p, key)?)
}

/// `value` of the switch `key` (see [`flag`]).
pub(crate) fn flag_value(key: &str, value: &str) -> Result<bool, Problem> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "on" | "yes" => Ok(true),
        "0" | "false" | "off" | "no" => Ok(false),
        other => Err(bad(format!("invalid {key}={other}: use true or false"))),
    }
}

/// The `fault` action's parameters: `mode`, `ms`, `code`, and `count` (how many requests it
/// applies to; all until changed when absent).
pub(crate) fn fault_params(p: &Params) -> Result<(Fault, Option<u32>), Problem> {
    let fault = Fault::from_control(
        p.get("mode").unwrap_or("none"),
        opt(p, "ms")?,
        opt(p, "code")?,
    )
    .map_err(bad)?;
    Ok((fault, opt(p, "count")?))
}

/// The answer to `rotate-cert`: the new certificate's fingerprint.
pub(crate) fn rotated<E: Display>(rotation: Option<Result<String, E>>) -> Outcome {
    match rotation {
        Some(Ok(fingerprint)) => reply(&json!({ "ok": true, "fingerprint": fingerprint })),
        Some(Err(e)) => Err(Problem(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())),
        None => Err(Problem(
            StatusCode::CONFLICT,
            "the phone serves plain HTTP".to_owned(),
        )),
    }
}
