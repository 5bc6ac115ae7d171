//! Fault injection: the misbehaviour real phones show, on demand.
//!
//! Clients must survive Wi-Fi handsets that answer after seconds, firmware that serves its login
//! page instead of JSON, crashing CGI handlers, dropped connections and truncated answers. A
//! fault applies to `/cgi-bin/api-*` requests only, either until changed or for the next N
//! requests, so a test can script "fail twice, then recover".

use std::time::Duration;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// A way for the phone to misbehave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fault {
    /// Behave.
    #[default]
    None,
    /// Answer correctly, but only after this delay.
    Slow(Duration),
    /// Answer 200 with the web UI's HTML login page instead of JSON.
    HtmlLoginPage,
    /// Answer 500 with an HTML error page.
    ServerError,
    /// Close the connection without answering.
    DropConnection,
    /// Answer 200 `application/json` with a truncated, unparsable body.
    GarbageJson,
    /// Answer this HTTP status with a short HTML body. Codes outside 200..=599 become 500.
    Status(u16),
}

impl Fault {
    /// Builds a fault from the control API's `mode`, `ms` and `code` parameters.
    pub fn from_control(mode: &str, ms: Option<u64>, code: Option<u16>) -> Result<Fault, String> {
        let fault = match mode.trim().to_ascii_lowercase().as_str() {
            "none" | "off" | "" => Fault::None,
            "slow" => Fault::Slow(Duration::from_millis(ms.ok_or("mode=slow needs ms=")?)),
            "html" | "login" => Fault::HtmlLoginPage,
            "500" | "error" => Fault::ServerError,
            "drop" => Fault::DropConnection,
            "garbage" => Fault::GarbageJson,
            "status" => {
                let code = code.ok_or("mode=status needs code=")?;
                if !(200..=599).contains(&code) {
                    return Err(format!("code must be 200..=599, got {code}"));
                }
                Fault::Status(code)
            }
            other => return Err(format!("unknown fault mode {other:?}")),
        };
        Ok(fault)
    }
}

/// The fault in force and how many more requests it applies to.
#[derive(Debug, Default)]
pub struct FaultPlan {
    fault: Fault,
    remaining: Option<u32>,
}

impl FaultPlan {
    /// Applies `fault` to the next `count` requests, or until changed when `count` is `None`.
    pub fn set(&mut self, fault: Fault, count: Option<u32>) {
        if count == Some(0) {
            *self = FaultPlan::default();
        } else {
            self.fault = fault;
            self.remaining = count;
        }
    }

    /// The fault for the request being handled now, counting it down.
    pub fn next(&mut self) -> Fault {
        let fault = self.fault;
        if let Some(left) = self.remaining.as_mut() {
            *left = left.saturating_sub(1);
            if *left == 0 {
                *self = FaultPlan::default();
            }
        }
        fault
    }
}

/// What one make of phone puts into its canned fault answers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CannedAnswers {
    /// What firmware serves when it decides the request needs a web login first.
    pub(crate) login_page: &'static str,
    /// Its unparsable answer for [`Fault::GarbageJson`].
    pub(crate) garbage: fn() -> Response,
}

/// A Grandstream's: its login page, and truncated JSON.
pub(crate) const GRANDSTREAM_ANSWERS: CannedAnswers = CannedAnswers {
    login_page: LOGIN_PAGE,
    garbage: || {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"response":"succ"#,
        )
            .into_response()
    },
};

/// The canned answer of a fault that answers at all (not `None`, `Slow` or `DropConnection`),
/// with the pages of the phone `answers` describes.
pub(crate) fn fault_response(fault: Fault, answers: &CannedAnswers) -> Option<Response> {
    match fault {
        Fault::None | Fault::Slow(_) | Fault::DropConnection => None,
        Fault::HtmlLoginPage => Some(html_page(StatusCode::OK, answers.login_page.to_owned())),
        Fault::ServerError => Some(html_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            error_page(StatusCode::INTERNAL_SERVER_ERROR),
        )),
        Fault::GarbageJson => Some((answers.garbage)()),
        Fault::Status(code) => {
            let status = StatusCode::from_u16(code)
                .ok()
                .filter(|s| (200..=599).contains(&s.as_u16()))
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            Some(html_page(status, error_page(status)))
        }
    }
}

/// `body` as an HTML page with `status`.
pub(crate) fn html_page(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

/// A minimal HTML error page like the phone's embedded web server produces.
pub fn error_page(status: StatusCode) -> String {
    let text = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    format!("<html><head><title>{text}</title></head><body><h1>{text}</h1></body></html>\n")
}

/// What firmware serves when it decides the request needs a web login first.
const LOGIN_PAGE: &str = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\
<title>Grandstream Device Configuration</title></head><body>\
<form method=\"post\" action=\"/cgi-bin/dologin\">\
<input type=\"text\" name=\"username\"><input type=\"password\" name=\"password\">\
<input type=\"submit\" value=\"Login\"></form></body></html>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_faults_expire() {
        let mut plan = FaultPlan::default();
        plan.set(Fault::ServerError, Some(2));
        assert_eq!(plan.next(), Fault::ServerError);
        assert_eq!(plan.next(), Fault::ServerError);
        assert_eq!(plan.next(), Fault::None);
        plan.set(Fault::GarbageJson, None);
        for _ in 0..5 {
            assert_eq!(plan.next(), Fault::GarbageJson);
        }
        plan.set(Fault::GarbageJson, Some(0));
        assert_eq!(plan.next(), Fault::None);
    }

    #[test]
    fn control_names() {
        assert_eq!(
            Fault::from_control("slow", Some(250), None),
            Ok(Fault::Slow(Duration::from_millis(250)))
        );
        assert_eq!(
            Fault::from_control("500", None, None),
            Ok(Fault::ServerError)
        );
        assert_eq!(
            Fault::from_control("status", None, Some(411)),
            Ok(Fault::Status(411))
        );
        assert!(Fault::from_control("status", None, Some(42)).is_err());
        assert!(Fault::from_control("slow", None, None).is_err());
        assert!(Fault::from_control("explode", None, None).is_err());
    }

    #[test]
    fn odd_status_codes_become_500() {
        let response = fault_response(Fault::Status(1000), &GRANDSTREAM_ANSWERS).expect("answers");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let response = fault_response(Fault::Status(404), &GRANDSTREAM_ANSWERS).expect("answers");
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
}
