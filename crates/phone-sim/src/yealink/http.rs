//! The phone's web server: Action URI under `/servlet` (and the two older paths firmware
//! still accepts), the control API under `/control/`, and 404 for the rest.
//!
//! Every Action URI request passes, in order: fault injection, the web login, the Action URI
//! switch and allowed addresses, the "Allow remote control?" prompt, then the keys or
//! `phonecfg=get`. Whatever the keys did, the answer is `200 OK` (the phone does not say
//! whether a key fitted): clients learn what happened from the pushes.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;

use super::access::{basic_credentials, LoginCheck, PromptAnswer};
use super::control;
use super::keys::{parse_keys, YealinkKey};
use super::record::{YealinkOutcome, YealinkRequest};
use super::shared::Shared;
use crate::faults::{error_page, fault_response, html_page, CannedAnswers, Fault};
use crate::params::Params;
use crate::server::ConnInfo;

/// Paths that carry Action URI: the current one and the two the guides keep for old
/// firmware.
const ACTION_URI_PATHS: [&str; 3] = [
    "/servlet",
    "/cgi-bin/ConfigManApp.com",
    "/cgi-bin/cgiServer.exx",
];

/// What the web UI serves when it wants a login first (the "HTML answer" fault).
const LOGIN_PAGE: &str = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\
<title>Yealink T54W</title></head><body><form method=\"post\" action=\"/servlet?m=mod_listener&p=login&q=login\">\
<input type=\"text\" name=\"username\"><input type=\"password\" name=\"pwd\">\
<input type=\"submit\" value=\"Login\"></form></body></html>\n";

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut router = Router::new();
    for path in ACTION_URI_PATHS {
        router = router.route(path, any(servlet));
    }
    router
        .route("/control/{action}", any(control::control))
        .fallback(fallback)
        .with_state(shared)
}

fn plain(body: String) -> Response {
    (
        StatusCode::OK,
        [(CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

/// `401` with the Basic challenge.
fn challenge() -> Response {
    let mut response = html_page(
        StatusCode::UNAUTHORIZED,
        error_page(StatusCode::UNAUTHORIZED),
    );
    if let Ok(value) = "Basic realm=\"Web Server Authentication\"".parse() {
        response.headers_mut().insert(WWW_AUTHENTICATE, value);
    }
    response
}

/// `403` saying the login is locked and for how long (minutes, or seconds under one).
fn locked(left: Duration) -> Response {
    let secs = left.as_secs_f64().ceil().max(1.0) as u64;
    let wait = if secs >= 60 {
        let minutes = secs.div_ceil(60);
        format!("{minutes} minute{}", if minutes == 1 { "" } else { "s" })
    } else {
        format!("{secs} second{}", if secs == 1 { "" } else { "s" })
    };
    html_page(
        StatusCode::FORBIDDEN,
        format!(
            "<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1>\
<p>Login locked: too many failed login attempts. Try again in {wait}.</p></body></html>\n"
        ),
    )
}

/// A Yealink's canned fault answers: its login page, and a body that is neither text nor HTML.
const YEALINK_ANSWERS: CannedAnswers = CannedAnswers {
    login_page: LOGIN_PAGE,
    garbage: || plain("\u{1}\u{1f}<htm".to_owned()),
};

async fn servlet(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let conn = request.extensions().get::<ConnInfo>().cloned();
    let (parts, _body) = request.into_parts();
    let params = Params::from_request(parts.uri.query(), &parts.headers, &[]);
    let authorization = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let keys = params
        .get("key")
        .map(|k| parse_keys(k, params.get("outgoing_uri")))
        .unwrap_or_default();
    let phonecfg = params
        .get("phonecfg")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("get"));
    let mut record = YealinkRequest {
        seq: 0,
        path: parts.uri.path().to_owned(),
        params: params.clone(),
        keys: keys.clone(),
        phonecfg,
        user: authorization
            .as_deref()
            .and_then(basic_credentials)
            .map(|(user, _)| user),
        login: LoginCheck::Missing,
        peer: conn.as_ref().map(|c| c.peer),
        outcome: YealinkOutcome::Done,
        elapsed: Duration::ZERO,
    };

    // 1. Faults.
    match shared.next_fault() {
        Fault::None => {}
        Fault::Slow(delay) => tokio::time::sleep(delay).await,
        Fault::DropConnection => {
            record.outcome = YealinkOutcome::Fault;
            shared.record(record);
            if let Some(conn) = &conn {
                conn.drop_connection();
                // The connection task drops this handler together with the connection.
                return std::future::pending().await;
            }
            return html_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                error_page(StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
        other => {
            if let Some(response) = fault_response(other, &YEALINK_ANSWERS) {
                record.outcome = YealinkOutcome::Fault;
                shared.record(record);
                return response;
            }
        }
    }

    // 2. The web login.
    record.login = shared.check_login(authorization.as_deref());
    match record.login {
        LoginCheck::Accepted => {}
        LoginCheck::Missing | LoginCheck::Wrong => {
            record.outcome = YealinkOutcome::Unauthorized;
            shared.record(record);
            return challenge();
        }
        LoginCheck::Locked => {
            record.outcome = YealinkOutcome::Locked;
            shared.record(record);
            return locked(shared.locked_for().unwrap_or(Duration::from_secs(1)));
        }
    }

    // 3. Action URI on, and this address allowed.
    let Some(ip) = conn.as_ref().map(|c| c.peer.ip().to_canonical()) else {
        record.outcome = YealinkOutcome::Forbidden;
        shared.record(record);
        return html_page(StatusCode::FORBIDDEN, error_page(StatusCode::FORBIDDEN));
    };
    if !shared.remote_control_allowed(ip) {
        record.outcome = YealinkOutcome::Forbidden;
        shared.record(record);
        return html_page(StatusCode::FORBIDDEN, error_page(StatusCode::FORBIDDEN));
    }

    // 4. "Allow remote control?" on the phone's screen.
    match shared.prompt_ask(ip) {
        PromptAnswer::Allowed => shared.record(record),
        PromptAnswer::Declined => {
            record.outcome = YealinkOutcome::Forbidden;
            shared.record(record);
            return html_page(StatusCode::FORBIDDEN, error_page(StatusCode::FORBIDDEN));
        }
        PromptAnswer::Waiting(round) => {
            record.outcome = YealinkOutcome::Prompted;
            shared.record(record);
            if !shared.wait_for_prompt(ip, round).await {
                return html_page(StatusCode::FORBIDDEN, error_page(StatusCode::FORBIDDEN));
            }
        }
    }

    // 5. Do it.
    if phonecfg {
        return plain(phone_config(&shared, &params));
    }
    for key in &keys {
        let done = shared.act(|phone| phone.press(key));
        if !done && !matches!(key, YealinkKey::Unknown(_)) {
            tracing::debug!(?key, "yealink simulator: key fits nothing on the phone");
        }
    }
    plain("OK\n".to_owned())
}

/// The answer to `phonecfg=get[&accounts=x][&dnd=x][&fw=x]`: `Key=Value` lines, the parts
/// asked for with `=1` (all of them when none is named). The real layout is not documented;
/// clients must read it leniently.
fn phone_config(shared: &Shared, params: &Params) -> String {
    let wants = |name: &str| params.get(name).map(|v| v.trim() == "1");
    let named = ["accounts", "dnd", "fw"]
        .iter()
        .any(|n| params.get(n).is_some());
    let part = |name: &str| {
        if named {
            wants(name) == Some(true)
        } else {
            true
        }
    };
    let config = &shared.config;
    let mut out = String::new();
    let _ = writeln!(out, "Model={}", config.model);
    let _ = writeln!(out, "Firmware={}", config.firmware);
    let _ = writeln!(out, "MAC={}", config.mac);
    let (dnd, accounts) = shared.act(|p| (p.dnd(), p.accounts().to_vec()));
    if part("dnd") {
        let _ = writeln!(out, "DND={}", u8::from(dnd));
    }
    if part("fw") {
        let _ = writeln!(out, "AlwaysForward=0");
        let _ = writeln!(out, "BusyForward=0");
        let _ = writeln!(out, "NoAnswerForward=0");
    }
    if part("accounts") {
        for (i, account) in accounts.iter().enumerate() {
            let _ = writeln!(
                out,
                "Account{}={}|{}|{}|sip:{}|1",
                i + 1,
                account.label,
                account.user,
                account.display_name,
                account.uri()
            );
        }
    }
    out
}

async fn fallback(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let conn = request.extensions().get::<ConnInfo>().cloned();
    shared.record(YealinkRequest {
        seq: 0,
        path: request.uri().path().to_owned(),
        params: Params::from_request(request.uri().query(), request.headers(), &[]),
        keys: Vec::new(),
        phonecfg: false,
        user: None,
        login: LoginCheck::Missing,
        peer: conn.map(|c| c.peer),
        outcome: YealinkOutcome::NotFound,
        elapsed: Duration::ZERO,
    });
    html_page(StatusCode::NOT_FOUND, error_page(StatusCode::NOT_FOUND))
}
