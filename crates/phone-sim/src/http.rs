//! The phone's web server: the CTI functions under `/cgi-bin/`, the session login and
//! `model.define.js`, answering exactly as Grandstream firmware does.
//!
//! Like the real thing, CTI failures are HTTP 200 with `"response":"error"`; only transport-ish
//! conditions use HTTP statuses (401 lost session, 403 remote control off or missing `Referer`,
//! 404 unknown function). Every `api-*` request passes, in order: fault injection, the remote
//! control switch, authentication, then the function itself.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::header::{CONTENT_TYPE, HOST, REFERER, SET_COOKIE};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use serde::Serialize;
use tokio::time::Instant;

use crate::auth::Denied;
use crate::config::{FIRMWARE_VERSION, MAC_ADDRESS};
use crate::control;
use crate::device::Device;
use crate::faults::{error_page, fault_response, Fault, GRANDSTREAM_ANSWERS};
use crate::keys::Key;
use crate::params::{cookie, cookie_header, Params};
use crate::record::{RecordedRequest, RequestKind};
use crate::remote_access::{Admission, PROMPT_TIMEOUT};
use crate::server::ConnInfo;
use crate::state::{Operation, SimLine};

/// Largest request body read; CTI forms are tiny, anything bigger is refused.
const MAX_BODY: usize = 64 * 1024;

/// The whole HTTP surface of a simulated phone: CTI, login, static files and control API.
pub(crate) fn router(device: Arc<Device>) -> Router {
    Router::new()
        .route("/cgi-bin/{function}", any(cgi))
        .route("/json/configs/model.define.js", get(model_define))
        .merge(control::routes())
        .fallback(fallback)
        .with_state(device)
}

/// The CTI functions this firmware knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CtiFunction {
    GetLineStatus,
    GetPhoneStatus,
    SendKey,
    PhoneOperation,
    SysOperation,
    MakeCall,
    GetAccounts,
}

impl CtiFunction {
    fn parse(name: &str) -> Option<CtiFunction> {
        Some(match name {
            "api-get_line_status" => CtiFunction::GetLineStatus,
            "api-get_phone_status" => CtiFunction::GetPhoneStatus,
            "api-send_key" => CtiFunction::SendKey,
            "api-phone_operation" => CtiFunction::PhoneOperation,
            "api-sys_operation" => CtiFunction::SysOperation,
            "api-make_call" => CtiFunction::MakeCall,
            "api-get_accounts" => CtiFunction::GetAccounts,
            _ => return None,
        })
    }
}

/// A request with its body read and parameters decoded.
pub(crate) struct Incoming {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) params: Params,
    pub(crate) headers: HeaderMap,
    pub(crate) conn: Option<ConnInfo>,
}

impl Incoming {
    /// Reads the body (bounded) and decodes query and form parameters.
    pub(crate) async fn read(request: Request) -> Result<Incoming, Response> {
        let (parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, MAX_BODY)
            .await
            .map_err(|_| html(StatusCode::PAYLOAD_TOO_LARGE))?;
        Ok(Incoming {
            params: Params::from_request(parts.uri.query(), &parts.headers, &body),
            path: parts.uri.path().to_owned(),
            method: parts.method,
            conn: parts.extensions.get::<ConnInfo>().cloned(),
            headers: parts.headers,
        })
    }

    fn header(&self, name: axum::http::HeaderName) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    }

    /// Adds this request to the device's log.
    fn record(&self, device: &Device, kind: RequestKind, function: Option<&str>) {
        device.recorder().push(RecordedRequest {
            seq: 0,
            method: self.method.to_string(),
            path: self.path.clone(),
            function: function.map(str::to_owned),
            kind,
            params: self.params.clone(),
            cookie: cookie_header(&self.headers),
            referer: self.header(REFERER),
            host: self.header(HOST),
            peer: self.conn.as_ref().map(|c| c.peer),
            elapsed: std::time::Duration::ZERO,
        });
    }

    /// Whether `Referer` names the same host and port the request was sent to, which session
    /// firmware demands of every form POST as its CSRF protection.
    fn same_origin(&self) -> bool {
        let (Some(referer), Some(host)) = (self.header(REFERER), self.header(HOST)) else {
            return false;
        };
        let Some((scheme, rest)) = referer.split_once("://") else {
            return false;
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
        let own_scheme = if self.conn.as_ref().is_some_and(|c| c.tls) {
            "https"
        } else {
            "http"
        };
        with_port(authority, scheme) == with_port(&host, own_scheme)
    }
}

/// `host[:port]` lowercased with the scheme's default port made explicit.
fn with_port(authority: &str, scheme: &str) -> String {
    let authority = authority.trim().to_ascii_lowercase();
    let has_port = match authority.rfind(']') {
        Some(bracket) => authority[bracket..].contains(':'),
        None => authority.contains(':'),
    };
    if has_port {
        authority
    } else if scheme.eq_ignore_ascii_case("https") {
        format!("{authority}:443")
    } else {
        format!("{authority}:80")
    }
}

// ---- answers ------------------------------------------------------------------------------

#[derive(Serialize)]
struct Answer<T> {
    response: &'static str,
    body: T,
}

fn success<T: Serialize>(body: T) -> Response {
    Json(Answer {
        response: "success",
        body,
    })
    .into_response()
}

fn failure<T: Serialize>(body: T) -> Response {
    Json(Answer {
        response: "error",
        body,
    })
    .into_response()
}

/// `wrongN` or `locked` with `lockTime`, the phone's answers to a refused credential.
fn denied(denied: Denied) -> Response {
    #[derive(Serialize)]
    struct Locked {
        response: &'static str,
        body: &'static str,
        #[serde(rename = "lockTime")]
        lock_time: u32,
    }
    match denied {
        Denied::Wrong(left) => failure(format!("wrong{left}")),
        Denied::Locked(minutes) => Json(Locked {
            response: "error",
            body: "locked",
            lock_time: minutes,
        })
        .into_response(),
    }
}

/// The embedded web server's bare HTML page for `status`.
pub(crate) fn html(status: StatusCode) -> Response {
    (
        status,
        [(CONTENT_TYPE, "text/html; charset=utf-8")],
        error_page(status),
    )
        .into_response()
}

// ---- handlers -----------------------------------------------------------------------------

async fn cgi(
    State(device): State<Arc<Device>>,
    Path(function): Path<String>,
    request: Request,
) -> Response {
    let incoming = match Incoming::read(request).await {
        Ok(incoming) => incoming,
        Err(response) => return response,
    };
    let session_mode = device.with_auth(|a| a.is_session_mode());
    let login = session_mode && matches!(function.as_str(), "access" | "dologin");
    let cti = CtiFunction::parse(&function);
    let kind = match (login, cti) {
        (true, _) => RequestKind::Login,
        (false, Some(_)) => RequestKind::Cti,
        (false, None) => RequestKind::Other,
    };
    incoming.record(&device, kind, Some(&function));
    match (login, cti) {
        (true, _) => login_step(&device, &function, &incoming),
        (false, Some(cti)) => api(&device, cti, &incoming).await,
        (false, None) => html(StatusCode::NOT_FOUND),
    }
}

async fn model_define(State(device): State<Arc<Device>>, request: Request) -> Response {
    #[derive(Serialize)]
    struct ModelDefine<'a> {
        model: &'a str,
        vendor: &'static str,
        max_accounts: u32,
        max_lines: u32,
    }
    if let Ok(incoming) = Incoming::read(request).await {
        incoming.record(&device, RequestKind::Static, None);
    }
    let config = device.config();
    let define = ModelDefine {
        model: &config.model,
        vendor: "Grandstream",
        max_accounts: config.accounts,
        max_lines: config.lines,
    };
    let json = serde_json::to_string(&define).unwrap_or_else(|_| "{}".to_owned());
    (
        [(CONTENT_TYPE, "application/javascript")],
        format!("var model_define = {json};\n"),
    )
        .into_response()
}

async fn fallback(State(device): State<Arc<Device>>, request: Request) -> Response {
    if let Ok(incoming) = Incoming::read(request).await {
        incoming.record(&device, RequestKind::Other, None);
    }
    html(StatusCode::NOT_FOUND)
}

/// `/cgi-bin/access` and `/cgi-bin/dologin` of session firmware.
fn login_step(device: &Device, function: &str, req: &Incoming) -> Response {
    if req.method == Method::POST && !req.same_origin() {
        return html(StatusCode::FORBIDDEN);
    }
    let now = Instant::now();
    if function == "access" {
        if req.params.get("access").is_none() {
            return failure("failed");
        }
        return success(device.with_auth(|a| a.challenge(now)));
    }
    let username = req.params.get("username").unwrap_or_default();
    let password = req.params.get("password").unwrap_or_default();
    match device.with_auth(|a| a.login(username, password, now)) {
        Ok(login) => {
            #[derive(Serialize)]
            struct Body<'a> {
                sid: &'a str,
                role: &'a str,
                ver: &'static str,
                mac: &'static str,
            }
            let cookie = format!("sid={}; Path=/; HttpOnly", login.sid);
            let mut response = success(Body {
                sid: &login.sid,
                role: login.role,
                ver: FIRMWARE_VERSION,
                mac: MAC_ADDRESS,
            });
            if let Ok(value) = cookie.parse() {
                response.headers_mut().insert(SET_COOKIE, value);
            }
            response
        }
        Err(refused) => denied(refused),
    }
}

/// Faults, remote control switch, authentication, then the function.
async fn api(device: &Device, function: CtiFunction, req: &Incoming) -> Response {
    match device.next_fault() {
        Fault::None => {}
        Fault::Slow(delay) => tokio::time::sleep(delay).await,
        Fault::DropConnection => {
            if let Some(conn) = &req.conn {
                conn.drop_connection();
                // The connection task drops this handler together with the connection.
                return std::future::pending().await;
            }
            return html(StatusCode::INTERNAL_SERVER_ERROR);
        }
        other => {
            if let Some(response) = fault_response(other, &GRANDSTREAM_ANSWERS) {
                return response;
            }
        }
    }
    if !device.remote_control_enabled() {
        return html(StatusCode::FORBIDDEN);
    }
    if let Some(response) = admit(device, req).await {
        return response;
    }
    if let Some(response) = authorize(device, function, req) {
        return response;
    }
    execute(device, function, &req.params)
}

/// The Remote Control page: `None` when this computer may go on (at once, or once someone
/// allowed it on the phone's screen), else the 403 to send.
async fn admit(device: &Device, req: &Incoming) -> Option<Response> {
    let peer = req.conn.as_ref()?.peer.ip();
    let deadline = Instant::now() + PROMPT_TIMEOUT;
    loop {
        match device.with_remote_access(|r| r.admit(peer)) {
            Admission::Allowed => return None,
            Admission::NotListed => return Some(html(StatusCode::FORBIDDEN)),
            Admission::Ask if Instant::now() >= deadline => {
                device.with_remote_access(|r| r.give_up(peer));
                return Some(html(StatusCode::FORBIDDEN));
            }
            Admission::Ask => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// `None` when the request may proceed, otherwise the refusal to send.
fn authorize(device: &Device, function: CtiFunction, req: &Incoming) -> Option<Response> {
    let now = Instant::now();
    if device.with_auth(|a| a.is_session_mode()) {
        if req.method == Method::POST && !req.same_origin() {
            return Some(html(StatusCode::FORBIDDEN));
        }
        let sid = cookie(&req.headers, "sid");
        if device.with_auth(|a| a.check_session(sid.as_deref(), now)) {
            return None;
        }
        let mut response = failure("unauthorized");
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return Some(response);
    }
    let passcode = req.params.get("passcode");
    // Click-to-dial clients in the field send the password as `password=`.
    let password = (function == CtiFunction::MakeCall)
        .then(|| req.params.get("password"))
        .flatten();
    device
        .with_auth(|a| a.check_passcode(&[passcode, password], now))
        .err()
        .map(denied)
}

fn execute(device: &Device, function: CtiFunction, params: &Params) -> Response {
    match function {
        CtiFunction::GetLineStatus => line_status(device, params.get("line")),
        CtiFunction::GetPhoneStatus => {
            #[derive(Serialize)]
            struct Status {
                response: &'static str,
                body: &'static str,
                misc: &'static str,
            }
            Json(Status {
                response: "success",
                body: device.phone_status().as_str(),
                misc: "0",
            })
            .into_response()
        }
        CtiFunction::SendKey => {
            let keys = params
                .get("keys")
                .and_then(|k| Key::parse_sequence(k, device.line_count()));
            match keys {
                Some(keys) => {
                    device.queue_keys(keys);
                    success("complete")
                }
                None => failure("unknown"),
            }
        }
        CtiFunction::PhoneOperation => match params.get("cmd").and_then(Operation::parse) {
            Some(op) => {
                if device.operate(op) {
                    success(true)
                } else {
                    failure(false)
                }
            }
            None => failure("unknown"),
        },
        CtiFunction::SysOperation => {
            match params
                .get("request")
                .map(str::to_ascii_uppercase)
                .as_deref()
            {
                Some("REBOOT") => {
                    device.restart(false);
                    success("savereboot")
                }
                Some("RESET") => {
                    device.restart(true);
                    success("reset")
                }
                _ => failure("unknown"),
            }
        }
        CtiFunction::MakeCall => make_call(device, params),
        CtiFunction::GetAccounts => success(device.accounts()),
    }
}

/// One line object exactly as the firmware writes it.
#[derive(Serialize)]
struct WireLine {
    line: u32,
    conf: u8,
    state: &'static str,
    acct: u32,
    active: u8,
    remotename: String,
    remotenumber: String,
}

impl From<SimLine> for WireLine {
    fn from(l: SimLine) -> WireLine {
        WireLine {
            line: l.line,
            conf: 0,
            state: l.state.as_str(),
            acct: l.account,
            active: u8::from(l.active),
            remotename: l.remote_name,
            remotenumber: l.remote_number,
        }
    }
}

/// `line=N` for an existing line answers just that line; absent, `-1` or anything else, all.
fn line_status(device: &Device, line: Option<&str>) -> Response {
    let wanted = line.and_then(|l| l.trim().parse::<u32>().ok());
    let lines: Vec<WireLine> = device
        .lines()
        .into_iter()
        .filter(|l| match wanted {
            Some(n) if (1..=device.line_count()).contains(&n) => l.line == n,
            _ => true,
        })
        .map(WireLine::from)
        .collect();
    success(lines)
}

fn make_call(device: &Device, params: &Params) -> Response {
    if !device.make_call_enabled() {
        return failure(false);
    }
    let number = params.get("phonenumber").map(str::trim).unwrap_or_default();
    let account = match params.get("account").map(str::trim) {
        None | Some("") => Some(0),
        Some(a) => a.parse::<u32>().ok(),
    };
    // An account that does not exist or is not registered cannot place a call.
    let account = account.filter(|a| device.account_registered(*a));
    match account {
        Some(account) if !number.is_empty() => match device.dial(number, account) {
            Ok(_) => success(true),
            Err(_) => failure(false),
        },
        _ => failure(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ports_are_explicit() {
        assert_eq!(with_port("Example.com", "http"), "example.com:80");
        assert_eq!(with_port("example.com:80", "http"), "example.com:80");
        assert_eq!(with_port("[::1]", "https"), "[::1]:443");
        assert_eq!(with_port("[::1]:8443", "https"), "[::1]:8443");
    }
}
