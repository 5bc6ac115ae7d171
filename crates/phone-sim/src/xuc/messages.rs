//! The websocket's JSON: messages the server sends and the commands it understands.
//!
//! Every server message is `{"msgType": "...", "ctiMessage": {...}}`. Shapes come from, in
//! order of authority:
//! - seed `003` (XiVO "Phone API" page): `PhoneEvent` and its fields, `CurrentCallsPhoneEvents`,
//!   `PhoneStatusUpdate` and its status names, `PhoneHintStatusEvent`, `setData`'s `USR_` rule;
//! - XiVO's "Generic API" page: `LoggedOn`, `LoggedOnError` with `{"Error": "loggedOnFailed"}`,
//!   `Error` ("whenever service answered abnormally");
//! - xuc's browser library `cti.js` (public copies): command names and their fields, the ping
//!   `{"claz":"ping"}`, `Cti.PhoneStatus` codes; and the `xucmgt` client services that read
//!   `UserConfigUpdate` (field names, and partial updates carrying `null` for unchanged parts).
//!
//! UNCONFIRMED, chosen here: the ping reply `{"msgType":"Pong","ctiMessage":{}}` (xuc's client
//! only needs *some* message within three ping periods), `LoggedOn` with an empty
//! `ctiMessage`, and `Error` carrying `{"Error": "<text>"}` like `LoggedOnError`. A client
//! should rely on none of the three beyond their `msgType`.

use serde::Serialize;
use serde_json::{Map, Value};

use super::model::{Forward, ForwardKind, PhoneStatus, UserData, XucCall};
use super::XucUser;

#[derive(Serialize)]
struct Envelope<'a, T: Serialize> {
    #[serde(rename = "msgType")]
    msg_type: &'a str,
    #[serde(rename = "ctiMessage")]
    cti_message: T,
}

/// `{"msgType": msg_type, "ctiMessage": body}` as text, fields in the documented order.
fn envelope<T: Serialize>(msg_type: &str, body: T) -> String {
    let message = Envelope {
        msg_type,
        cti_message: body,
    };
    // Only string-keyed structs and maps are serialized here, which cannot fail; fall back to
    // an empty message rather than panicking if that ever changes.
    serde_json::to_string(&message).unwrap_or_else(|e| {
        tracing::error!("cannot encode a {msg_type} message: {e}");
        format!("{{\"msgType\":\"{msg_type}\",\"ctiMessage\":{{}}}}")
    })
}

#[derive(Serialize)]
struct Empty {}

/// `LoggedOn`: the session is established.
pub(crate) fn logged_on() -> String {
    envelope("LoggedOn", Empty {})
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    #[serde(rename = "Error")]
    error: &'a str,
}

/// `LoggedOnError` with code `loggedOnFailed`; the server closes the socket right after.
pub(crate) fn logged_on_failed() -> String {
    envelope(
        "LoggedOnError",
        ErrorBody {
            error: "loggedOnFailed",
        },
    )
}

/// `Error`, for commands the server cannot make sense of.
pub(crate) fn error(text: &str) -> String {
    envelope("Error", ErrorBody { error: text })
}

/// The reply to a ping (UNCONFIRMED shape, see the module docs).
pub(crate) fn pong() -> String {
    envelope("Pong", Empty {})
}

#[derive(Serialize)]
struct Status<'a> {
    status: &'a str,
}

/// `PhoneStatusUpdate`.
pub(crate) fn phone_status(status: PhoneStatus) -> String {
    envelope(
        "PhoneStatusUpdate",
        Status {
            status: status.as_str(),
        },
    )
}

#[derive(Serialize)]
struct Hint<'a> {
    number: &'a str,
    status: i32,
}

/// `PhoneHintStatusEvent` for a subscribed number.
pub(crate) fn phone_hint(number: &str, status: PhoneStatus) -> String {
    envelope(
        "PhoneHintStatusEvent",
        Hint {
            number,
            status: status.code(),
        },
    )
}

/// One `PhoneEvent` body, fields in the seed's order.
#[derive(Serialize)]
pub(crate) struct PhoneEventBody<'a> {
    #[serde(rename = "eventType")]
    event_type: &'a str,
    #[serde(rename = "DN")]
    dn: &'a str,
    #[serde(rename = "otherDN")]
    other_dn: &'a str,
    #[serde(rename = "otherDName")]
    other_dname: &'a str,
    #[serde(rename = "linkedId")]
    linked_id: &'a str,
    #[serde(rename = "uniqueId")]
    unique_id: &'a str,
    #[serde(rename = "queueName", skip_serializing_if = "Option::is_none")]
    queue_name: Option<&'a str>,
    #[serde(rename = "callDirection")]
    call_direction: &'a str,
    #[serde(rename = "userData")]
    user_data: &'a UserData,
}

impl<'a> PhoneEventBody<'a> {
    /// The event `event_type` (`EventRinging`, ..., `EventReleased`) about `call`.
    pub(crate) fn new(event_type: &'a str, call: &'a XucCall) -> PhoneEventBody<'a> {
        PhoneEventBody {
            event_type,
            dn: &call.dn,
            other_dn: &call.other_dn,
            other_dname: &call.other_name,
            linked_id: &call.linked_id,
            unique_id: &call.unique_id,
            queue_name: call.queue_name.as_deref(),
            call_direction: call.direction.as_str(),
            user_data: &call.user_data,
        }
    }
}

/// `PhoneEvent` of type `event_type` about `call`.
pub(crate) fn phone_event(event_type: &str, call: &XucCall) -> String {
    envelope("PhoneEvent", PhoneEventBody::new(event_type, call))
}

#[derive(Serialize)]
struct CurrentCalls<'a> {
    events: Vec<PhoneEventBody<'a>>,
}

/// `CurrentCallsPhoneEvents`: one event per call, typed by the call's current state.
pub(crate) fn current_calls<'a>(calls: impl IntoIterator<Item = &'a XucCall>) -> String {
    let events = calls
        .into_iter()
        .map(|call| PhoneEventBody::new(call.state.event_type(), call))
        .collect();
    envelope("CurrentCallsPhoneEvents", CurrentCalls { events })
}

/// `UserConfigUpdate`. Identity fields are `null` in a partial update, as are the
/// destinations of forwards that did not change (what xuc's web clients test for).
#[derive(Serialize)]
struct UserConfig<'a> {
    #[serde(rename = "userId")]
    user_id: u32,
    #[serde(rename = "dndEnabled")]
    dnd_enabled: bool,
    #[serde(rename = "naFwdEnabled")]
    na_fwd_enabled: bool,
    #[serde(rename = "naFwdDestination")]
    na_fwd_destination: Option<&'a str>,
    #[serde(rename = "uncFwdEnabled")]
    unc_fwd_enabled: bool,
    #[serde(rename = "uncFwdDestination")]
    unc_fwd_destination: Option<&'a str>,
    #[serde(rename = "busyFwdEnabled")]
    busy_fwd_enabled: bool,
    #[serde(rename = "busyFwdDestination")]
    busy_fwd_destination: Option<&'a str>,
    #[serde(rename = "firstName")]
    first_name: Option<&'a str>,
    #[serde(rename = "lastName")]
    last_name: Option<&'a str>,
    #[serde(rename = "fullName")]
    full_name: Option<String>,
    #[serde(rename = "mobileNumber")]
    mobile_number: Option<&'a str>,
    #[serde(rename = "agentId")]
    agent_id: Option<u32>,
    #[serde(rename = "lineIds")]
    line_ids: Option<Vec<u32>>,
    #[serde(rename = "voiceMailId")]
    voice_mail_id: Option<u32>,
    #[serde(rename = "voiceMailEnabled")]
    voice_mail_enabled: Option<bool>,
}

/// What a user's configuration message is built from.
pub(crate) struct UserSettings<'a> {
    pub(crate) account: &'a XucUser,
    pub(crate) dnd: bool,
    pub(crate) no_answer: &'a Forward,
    pub(crate) unconditional: &'a Forward,
    pub(crate) busy: &'a Forward,
}

/// The full `UserConfigUpdate` sent when a session opens.
pub(crate) fn user_config_full(s: &UserSettings<'_>) -> String {
    let a = s.account;
    envelope(
        "UserConfigUpdate",
        UserConfig {
            user_id: a.user_id,
            dnd_enabled: s.dnd,
            na_fwd_enabled: s.no_answer.enabled,
            na_fwd_destination: Some(&s.no_answer.destination),
            unc_fwd_enabled: s.unconditional.enabled,
            unc_fwd_destination: Some(&s.unconditional.destination),
            busy_fwd_enabled: s.busy.enabled,
            busy_fwd_destination: Some(&s.busy.destination),
            first_name: Some(&a.first_name),
            last_name: Some(&a.last_name),
            full_name: Some(a.full_name()),
            mobile_number: Some(""),
            agent_id: Some(0),
            line_ids: Some(vec![a.user_id]),
            voice_mail_id: Some(0),
            voice_mail_enabled: Some(false),
        },
    )
}

/// A partial `UserConfigUpdate` after a `dnd` (`changed` = `None`) or forward change.
pub(crate) fn user_config_partial(s: &UserSettings<'_>, changed: Option<ForwardKind>) -> String {
    let destination = |kind: ForwardKind, forward: &'_ Forward| -> Option<String> {
        (changed == Some(kind)).then(|| forward.destination.clone())
    };
    let na = destination(ForwardKind::NoAnswer, s.no_answer);
    let unc = destination(ForwardKind::Unconditional, s.unconditional);
    let busy = destination(ForwardKind::Busy, s.busy);
    envelope(
        "UserConfigUpdate",
        UserConfig {
            user_id: s.account.user_id,
            dnd_enabled: s.dnd,
            na_fwd_enabled: s.no_answer.enabled,
            na_fwd_destination: na.as_deref(),
            unc_fwd_enabled: s.unconditional.enabled,
            unc_fwd_destination: unc.as_deref(),
            busy_fwd_enabled: s.busy.enabled,
            busy_fwd_destination: busy.as_deref(),
            first_name: None,
            last_name: None,
            full_name: None,
            mobile_number: None,
            agent_id: None,
            line_ids: None,
            voice_mail_id: None,
            voice_mail_enabled: None,
        },
    )
}

/// A message from the client, as far as the server's dispatch needs it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ClientMessage {
    /// `{"claz":"ping"}` (what `cti.js` sends every 5 s) or `{"claz":"web","command":"ping"}`.
    Ping,
    /// `{"claz":"web","command":name, ...args}`.
    Web {
        /// `command`.
        command: String,
        /// Every other field.
        args: Map<String, Value>,
    },
}

/// Parses one text frame. `Err` says, for an `Error` message, why it is not a command.
pub(crate) fn parse_client(text: &str) -> Result<(ClientMessage, Value), String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(object) = &value else {
        return Err("a message must be a JSON object".to_owned());
    };
    let claz = object.get("claz").and_then(Value::as_str);
    let message = match claz {
        Some("ping") => ClientMessage::Ping,
        Some("web") => {
            let Some(command) = object.get("command").and_then(Value::as_str) else {
                return Err("a web message needs a command".to_owned());
            };
            if command == "ping" {
                ClientMessage::Ping
            } else {
                let mut args = object.clone();
                args.remove("claz");
                args.remove("command");
                ClientMessage::Web {
                    command: command.to_owned(),
                    args,
                }
            }
        }
        Some(other) => return Err(format!("unknown claz {other:?}")),
        None => return Err("a message needs a claz".to_owned()),
    };
    Ok((message, value))
}

/// A string argument; numbers are accepted too (`"destination": 1001`).
pub(crate) fn string_arg(args: &Map<String, Value>, name: &str) -> Option<String> {
    match args.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A boolean argument; `"true"` / `"false"` strings are accepted too.
pub(crate) fn bool_arg(args: &Map<String, Value>, name: &str) -> Option<bool> {
    match args.get(name)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// `variables` of `dial` / `setData`, with xuc's rule: a key not starting with `USR_` gets
/// the prefix. Non-string values are kept as their JSON text.
pub(crate) fn usr_variables(args: &Map<String, Value>) -> UserData {
    let Some(Value::Object(vars)) = args.get("variables") else {
        return UserData::new();
    };
    vars.iter()
        .map(|(key, value)| {
            let key = if key.starts_with("USR_") {
                key.clone()
            } else {
                format!("USR_{key}")
            };
            let value = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (key, value)
        })
        .collect()
}

/// `value` with every field whose name mentions a password replaced by `"***"`, for records.
pub(crate) fn scrub_passwords(value: &Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .iter()
                .map(|(k, v)| {
                    let v = if k.to_ascii_lowercase().contains("password") {
                        Value::String("***".to_owned())
                    } else {
                        scrub_passwords(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(scrub_passwords).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xuc::model::{CallDirection, CallId, CallState};
    use serde_json::json;

    fn call() -> XucCall {
        XucCall {
            id: CallId(1),
            user: "alice".into(),
            dn: "1118".into(),
            direction: CallDirection::Incoming,
            other_dn: "1058".into(),
            other_name: "Jane Black".into(),
            linked_id: "1447670380.34".into(),
            unique_id: "1447670382.37".into(),
            state: CallState::Ringing,
            queue_name: Some("blue".into()),
            user_data: [("XIVO_USERID".to_owned(), "9".to_owned())].into(),
            consult_for: None,
        }
    }

    #[test]
    fn phone_event_has_the_seed_fields_in_order() {
        let text = phone_event("EventRinging", &call());
        assert_eq!(
            text,
            r#"{"msgType":"PhoneEvent","ctiMessage":{"eventType":"EventRinging","DN":"1118","otherDN":"1058","otherDName":"Jane Black","linkedId":"1447670380.34","uniqueId":"1447670382.37","queueName":"blue","callDirection":"Incoming","userData":{"XIVO_USERID":"9"}}}"#
        );
        let mut no_queue = call();
        no_queue.queue_name = None;
        assert!(!phone_event("EventReleased", &no_queue).contains("queueName"));
    }

    #[test]
    fn current_calls_wraps_events() {
        let text = current_calls([&call()]);
        let value: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(value["msgType"], "CurrentCallsPhoneEvents");
        assert_eq!(
            value["ctiMessage"]["events"][0]["eventType"],
            "EventRinging"
        );
        let empty: Value = serde_json::from_str(&current_calls([])).expect("json");
        assert_eq!(empty["ctiMessage"]["events"], json!([]));
    }

    #[test]
    fn parses_pings_and_commands() {
        assert_eq!(
            parse_client(r#"{"claz":"ping"}"#).map(|m| m.0),
            Ok(ClientMessage::Ping)
        );
        assert_eq!(
            parse_client(r#"{"claz":"web","command":"ping"}"#).map(|m| m.0),
            Ok(ClientMessage::Ping)
        );
        let (message, _) =
            parse_client(r#"{"claz":"web","command":"dial","destination":"42"}"#).expect("ok");
        let ClientMessage::Web { command, args } = message else {
            panic!("not a web command");
        };
        assert_eq!(command, "dial");
        assert_eq!(string_arg(&args, "destination").as_deref(), Some("42"));
        assert!(!args.contains_key("claz"));
        assert!(parse_client("{").is_err());
        assert!(parse_client("[1]").is_err());
        assert!(parse_client(r#"{"claz":"web"}"#).is_err());
        assert!(parse_client(r#"{"command":"dial"}"#).is_err());
    }

    #[test]
    fn variables_get_the_usr_prefix() {
        let args = json!({"variables": {"var1": "val1", "USR_var2": "val2", "n": 3}});
        let Value::Object(args) = args else {
            panic!("object");
        };
        let vars = usr_variables(&args);
        assert_eq!(vars.get("USR_var1").map(String::as_str), Some("val1"));
        assert_eq!(vars.get("USR_var2").map(String::as_str), Some("val2"));
        assert_eq!(vars.get("USR_n").map(String::as_str), Some("3"));
        assert_eq!(vars.len(), 3);
    }

    #[test]
    fn bools_accept_strings() {
        let Value::Object(args) = json!({"a": true, "b": "false", "c": 1}) else {
            panic!("object");
        };
        assert_eq!(bool_arg(&args, "a"), Some(true));
        assert_eq!(bool_arg(&args, "b"), Some(false));
        assert_eq!(bool_arg(&args, "c"), None);
    }

    #[test]
    fn scrubs_passwords_at_any_depth() {
        let value = json!({"login": "a", "password": "s3cret", "x": [{"Password": "p"}]});
        let text = scrub_passwords(&value).to_string();
        assert!(!text.contains("s3cret"));
        assert!(!text.contains("\"p\""));
        assert!(text.contains("\"login\":\"a\""));
    }

    #[test]
    fn partial_config_nulls_what_did_not_change() {
        let account = XucUser::new(1, "alice", "pw", "1000", "Alice Johnson");
        let on = Forward {
            enabled: true,
            destination: "0601".into(),
        };
        let off = Forward::default();
        let settings = UserSettings {
            account: &account,
            dnd: true,
            no_answer: &on,
            unconditional: &off,
            busy: &off,
        };
        let v: Value =
            serde_json::from_str(&user_config_partial(&settings, Some(ForwardKind::NoAnswer)))
                .expect("json");
        let m = &v["ctiMessage"];
        assert_eq!(m["naFwdDestination"], "0601");
        assert_eq!(m["naFwdEnabled"], true);
        assert_eq!(m["uncFwdDestination"], Value::Null);
        assert_eq!(m["fullName"], Value::Null);
        assert_eq!(m["dndEnabled"], true);
        let full: Value = serde_json::from_str(&user_config_full(&settings)).expect("json");
        assert_eq!(full["ctiMessage"]["fullName"], "Alice Johnson");
        assert_eq!(full["ctiMessage"]["uncFwdDestination"], "");
    }
}
