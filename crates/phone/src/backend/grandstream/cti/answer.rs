//! Turns what the phone sent back into a typed outcome.
//!
//! Grandstream answers HTTP 200 even when a request failed; the JSON `response` field decides.
//! On top of that real phones answer HTML login pages, 401/403/404, truncated JSON and session
//! notices. This module is pure (status + body in, outcome out) so every shape is unit-tested.

use crate::error::{excerpt, PhoneError};
use serde_json::Value;

/// A well-formed answer from the phone.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Answer {
    /// `{"response":"success","body":...}`.
    Success(Value),
    /// `{"response":"error","body":...}` that is not about authentication: the phone
    /// understood and declined (`failed`, `false`, `unknown`).
    Failure(Value),
}

/// What the interpretation needs to know about the request.
pub(crate) struct Context<'a> {
    /// `host[:port]` for messages.
    pub host: &'a str,
    /// The CTI function, e.g. `api-get_line_status`.
    pub function: &'a str,
    /// Session firmware: 401 and `unauthorized` mean "log in again", not "wrong passcode".
    pub session_mode: bool,
    /// Scrubbed from any excerpt of the answer.
    pub secret: &'a str,
}

pub(crate) fn interpret(status: u16, body: &str, cx: &Context<'_>) -> Result<Answer, PhoneError> {
    match status {
        200..=299 => {}
        401 if cx.session_mode => return Err(PhoneError::SessionExpired),
        401 => return Err(PhoneError::PasscodeRejected { tries_left: None }),
        403 => return Err(PhoneError::RemoteControlDenied),
        404 => {
            return Err(PhoneError::NotSupported {
                function: cx.function.to_owned(),
            })
        }
        _ => return Err(unexpected(cx, &format!("HTTP {status}: {body}"))),
    }
    let json: Value = match serde_json::from_str(body.trim_start_matches('\u{feff}')) {
        Ok(v) => v,
        Err(_) => return Err(unexpected(cx, body)),
    };
    if json.get("status").and_then(Value::as_str) == Some("session-expired") {
        return Err(PhoneError::SessionExpired);
    }
    let response = json
        .get("response")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase);
    let body = json.get("body").cloned().unwrap_or(Value::Null);
    match response.as_deref() {
        Some("success") => Ok(Answer::Success(body)),
        Some("error") => auth_failure(&json, &body, cx).map_or(Ok(Answer::Failure(body)), Err),
        _ => Err(unexpected(cx, &json.to_string())),
    }
}

/// Recognises the authentication answers among error bodies: `wrongN`, `locked`,
/// `unauthorized`.
fn auth_failure(json: &Value, body: &Value, cx: &Context<'_>) -> Option<PhoneError> {
    let word = body.as_str()?.trim().to_ascii_lowercase();
    if let Some(rest) = word.strip_prefix("wrong") {
        return Some(PhoneError::PasscodeRejected {
            tries_left: rest.parse().ok(),
        });
    }
    match word.as_str() {
        "locked" => Some(PhoneError::LockedOut {
            minutes: json.get("lockTime").and_then(|v| match v {
                Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            }),
        }),
        "unauthorized" if cx.session_mode => Some(PhoneError::SessionExpired),
        "unauthorized" => Some(PhoneError::PasscodeRejected { tries_left: None }),
        _ => None,
    }
}

fn unexpected(cx: &Context<'_>, raw: &str) -> PhoneError {
    let shown = if looks_like_html(raw) {
        match html_title(raw) {
            Some(title) => format!("a web page titled {}", excerpt(&title, Some(cx.secret))),
            None => "a web page instead of data".to_owned(),
        }
    } else {
        excerpt(raw, Some(cx.secret))
    };
    PhoneError::UnexpectedAnswer {
        host: cx.host.to_owned(),
        function: cx.function.to_owned(),
        excerpt: shown,
    }
}

fn looks_like_html(raw: &str) -> bool {
    let head = raw.trim_start().get(..200).unwrap_or(raw.trim_start());
    let head = head.to_ascii_lowercase();
    head.contains("<html") || head.contains("<!doctype") || head.contains("<head")
}

fn html_title(raw: &str) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    let start = lower.find("<title>")? + "<title>".len();
    let end = start + lower[start..].find("</title>")?;
    let title = raw.get(start..end)?.trim();
    (!title.is_empty()).then(|| title.to_owned())
}

/// `true`, `"true"`, `"complete"` and friends: the several ways a phone says "done".
pub(crate) fn is_truthy(body: &Value) -> bool {
    match body {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "true" | "complete" | "success" | "ok" | "1"
        ),
        Value::Number(n) => n.as_u64() == Some(1),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cx(session_mode: bool) -> Context<'static> {
        Context {
            host: "10.0.0.5",
            function: "api-get_line_status",
            session_mode,
            secret: "s3cret",
        }
    }

    #[test]
    fn success_and_failure_bodies() {
        assert_eq!(
            interpret(
                200,
                r#"{"response":"success","body":"complete"}"#,
                &cx(false)
            ),
            Ok(Answer::Success(json!("complete")))
        );
        assert_eq!(
            interpret(200, r#"{"response":"error","body":"failed"}"#, &cx(false)),
            Ok(Answer::Failure(json!("failed")))
        );
        assert_eq!(
            interpret(200, r#"{"response":"error","body":false}"#, &cx(false)),
            Ok(Answer::Failure(json!(false)))
        );
    }

    #[test]
    fn authentication_answers() {
        assert_eq!(
            interpret(200, r#"{"response":"error","body":"wrong4"}"#, &cx(false)),
            Err(PhoneError::PasscodeRejected {
                tries_left: Some(4)
            })
        );
        assert_eq!(
            interpret(
                200,
                r#"{"response":"error","body":"locked","lockTime":5}"#,
                &cx(false)
            ),
            Err(PhoneError::LockedOut { minutes: Some(5) })
        );
        assert_eq!(
            interpret(
                200,
                r#"{"response":"error","body":"unauthorized"}"#,
                &cx(true)
            ),
            Err(PhoneError::SessionExpired)
        );
        assert_eq!(
            interpret(200, r#"{"status":"session-expired"}"#, &cx(true)),
            Err(PhoneError::SessionExpired)
        );
        assert_eq!(
            interpret(401, "", &cx(true)),
            Err(PhoneError::SessionExpired)
        );
        assert_eq!(
            interpret(401, "", &cx(false)),
            Err(PhoneError::PasscodeRejected { tries_left: None })
        );
    }

    #[test]
    fn http_errors_and_garbage() {
        assert_eq!(
            interpret(403, "<html>Forbidden</html>", &cx(false)),
            Err(PhoneError::RemoteControlDenied)
        );
        assert!(matches!(
            interpret(404, "", &cx(false)),
            Err(PhoneError::NotSupported { .. })
        ));
        let html = "<!DOCTYPE html><html><head><title>Grandstream Login</title></head>";
        match interpret(200, html, &cx(false)) {
            Err(PhoneError::UnexpectedAnswer { excerpt, .. }) => {
                assert!(excerpt.contains("Grandstream Login"), "{excerpt}")
            }
            other => panic!("{other:?}"),
        }
        match interpret(200, r#"{"response":"succ"#, &cx(false)) {
            Err(PhoneError::UnexpectedAnswer { excerpt, .. }) => {
                assert!(excerpt.contains("succ"))
            }
            other => panic!("{other:?}"),
        }
        match interpret(500, "oops passcode=s3cret", &cx(false)) {
            Err(e @ PhoneError::UnexpectedAnswer { .. }) => {
                let text = e.to_string();
                assert!(
                    text.contains("HTTP 500") && !text.contains("s3cret"),
                    "{text}"
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            interpret(200, r#"{"response":"maybe"}"#, &cx(false)),
            Err(PhoneError::UnexpectedAnswer { .. })
        ));
    }

    #[test]
    fn truthy_bodies() {
        for v in [json!(true), json!("true"), json!("complete"), json!(1)] {
            assert!(is_truthy(&v), "{v}");
        }
        for v in [json!(false), json!("false"), json!("unknown"), json!(null)] {
            assert!(!is_truthy(&v), "{v}");
        }
    }
}
