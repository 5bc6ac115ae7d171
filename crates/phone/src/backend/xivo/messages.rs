//! The xuc websocket's JSON: what the server sends and the commands callpop sends back.
//!
//! Every server message is `{"msgType": "...", "ctiMessage": {...}}` (seed `003`, the XiVO
//! "Phone API" page; xuc's `cti.js` for command names and the ping). Parsing is lenient on
//! purpose: numbers where strings were expected, `null` for "unchanged" in partial
//! `UserConfigUpdate`s, missing optional fields and message types callpop has no use for are
//! all normal, and none of them may cost the connection. What cannot be read at all is
//! reported as an [`Unreadable`] reason for the log, never as a panic.

use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Longest text kept from any one field: ids, numbers and names are short, and a hostile or
/// broken server must not make callpop keep megabytes per call.
const MAX_FIELD_CHARS: usize = 256;
/// Most `userData` entries kept per event.
const MAX_USER_DATA: usize = 64;
/// Most events read from one `CurrentCallsPhoneEvents`.
const MAX_CURRENT_CALLS: usize = 64;

/// A message from the server, as far as callpop uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Incoming {
    /// The CTI session is open.
    LoggedOn,
    /// The server refused the CTI session (`{"Error": "loggedOnFailed"}`).
    LoggedOnError(String),
    Phone(PhoneEvent),
    /// The answer to `getCurrentCallsPhoneEvents`: one event per call in progress.
    CurrentCalls(Vec<PhoneEvent>),
    UserConfig(UserConfig),
    /// `PhoneStatusUpdate`: `AVAILABLE`, `RINGING`, `INDISPONIBLE`...
    PhoneStatus(String),
    /// `Error`: the server could not make sense of something callpop sent.
    ServerError(String),
    /// A message type callpop has no use for (`PhoneHintStatusEvent`, `Pong`, agent and queue
    /// messages...): still proof that the link is alive.
    Other(String),
}

/// Why a frame could not be read, for the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Unreadable(pub String);

/// `eventType` of a `PhoneEvent`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EventType {
    Ringing,
    Dialing,
    Established,
    OnHold,
    Released,
    /// Anything newer xuc may send; kept for the log, changes nothing.
    Other(String),
}

impl EventType {
    fn from_wire(word: &str) -> Self {
        match word {
            "EventRinging" => Self::Ringing,
            "EventDialing" => Self::Dialing,
            "EventEstablished" => Self::Established,
            "EventOnHold" => Self::OnHold,
            "EventReleased" => Self::Released,
            other => Self::Other(clip(other)),
        }
    }
}

/// `callDirection` of a `PhoneEvent`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CallDirection {
    Incoming,
    Outgoing,
}

/// One `PhoneEvent` (or one entry of `CurrentCallsPhoneEvents`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PhoneEvent {
    pub event: EventType,
    /// The user's own line number (`DN`).
    pub dn: String,
    /// The other party's number (`otherDN`).
    pub other_dn: String,
    /// The other party's name (`otherDName`), often empty.
    pub other_name: String,
    /// Asterisk's id of the whole call (`linkedId`).
    pub linked_id: String,
    /// Asterisk's id of the user's channel (`uniqueId`): what `answer`, `hangup` and `hold`
    /// name.
    pub unique_id: String,
    /// `queueName`, for calls a queue distributed.
    pub queue: Option<String>,
    pub direction: Option<CallDirection>,
    /// `userData`, values as text.
    pub user_data: BTreeMap<String, String>,
}

/// What callpop reads from a `UserConfigUpdate`. Partial updates leave most fields `null`:
/// `None` here means "unchanged".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct UserConfig {
    pub dnd: Option<bool>,
    /// How many lines the user has (`lineIds`).
    pub lines: Option<usize>,
}

/// Reads one text frame.
pub(crate) fn parse(text: &str) -> Result<Incoming, Unreadable> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| Unreadable(format!("not JSON ({e})")))?;
    let Value::Object(message) = value else {
        return Err(Unreadable("not a JSON object".to_owned()));
    };
    let Some(kind) = message.get("msgType").and_then(Value::as_str) else {
        return Err(Unreadable("no msgType".to_owned()));
    };
    let body = match message.get("ctiMessage") {
        Some(Value::Object(body)) => body.clone(),
        _ => Map::new(),
    };
    Ok(match kind {
        "LoggedOn" => Incoming::LoggedOn,
        "LoggedOnError" => Incoming::LoggedOnError(error_text(&body)),
        "Error" => Incoming::ServerError(error_text(&body)),
        "PhoneEvent" => Incoming::Phone(phone_event(&body)?),
        "CurrentCallsPhoneEvents" => {
            let events = match body.get("events") {
                Some(Value::Array(items)) => items,
                _ => {
                    return Err(Unreadable(
                        "CurrentCallsPhoneEvents without events".to_owned(),
                    ))
                }
            };
            let mut calls = Vec::new();
            for item in events.iter().take(MAX_CURRENT_CALLS) {
                // One unreadable entry must not hide the other calls.
                if let Value::Object(entry) = item {
                    match phone_event(entry) {
                        Ok(event) => calls.push(event),
                        Err(why) => tracing::debug!("xuc: skipped a current call: {}", why.0),
                    }
                }
            }
            Incoming::CurrentCalls(calls)
        }
        "UserConfigUpdate" => Incoming::UserConfig(UserConfig {
            dnd: body.get("dndEnabled").and_then(as_bool),
            lines: match body.get("lineIds") {
                Some(Value::Array(ids)) => Some(ids.len()),
                _ => None,
            },
        }),
        "PhoneStatusUpdate" => {
            Incoming::PhoneStatus(body.get("status").and_then(as_text).unwrap_or_default())
        }
        other => Incoming::Other(clip(other)),
    })
}

fn phone_event(body: &Map<String, Value>) -> Result<PhoneEvent, Unreadable> {
    let text = |name: &str| body.get(name).and_then(as_text).unwrap_or_default();
    let Some(event) = body.get("eventType").and_then(Value::as_str) else {
        return Err(Unreadable("PhoneEvent without eventType".to_owned()));
    };
    let mut user_data = BTreeMap::new();
    if let Some(Value::Object(data)) = body.get("userData") {
        for (key, value) in data.iter().take(MAX_USER_DATA) {
            if let Some(value) = as_text(value) {
                user_data.insert(clip(key), value);
            }
        }
    }
    Ok(PhoneEvent {
        event: EventType::from_wire(event),
        dn: text("DN"),
        other_dn: text("otherDN"),
        other_name: text("otherDName"),
        linked_id: text("linkedId"),
        unique_id: text("uniqueId"),
        queue: body
            .get("queueName")
            .and_then(as_text)
            .filter(|q| !q.is_empty()),
        direction: match body.get("callDirection").and_then(Value::as_str) {
            Some("Incoming") => Some(CallDirection::Incoming),
            Some("Outgoing") => Some(CallDirection::Outgoing),
            _ => None,
        },
        user_data,
    })
}

/// `{"Error": "..."}`, the shape of `LoggedOnError` (and, UNCONFIRMED, of `Error`).
fn error_text(body: &Map<String, Value>) -> String {
    body.get("Error")
        .or_else(|| body.get("error"))
        .or_else(|| body.get("message"))
        .and_then(as_text)
        .unwrap_or_default()
}

/// A string field; numbers are taken as their text (`"DN": 1000`), `null` as absent.
fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(clip(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// At most [`MAX_FIELD_CHARS`] characters.
fn clip(text: &str) -> String {
    text.chars().take(MAX_FIELD_CHARS).collect()
}

/// A command to the server (`cti.js` names and fields).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Command {
    /// `{"claz":"ping"}`, what xuc's own client sends every 5 s.
    Ping,
    GetCurrentCalls,
    Dial {
        destination: String,
    },
    /// Answers the ringing call `unique_id` (or, without it, the one xuc picks).
    Answer {
        unique_id: Option<String>,
    },
    Hangup {
        unique_id: Option<String>,
    },
    /// A toggle: holds a connected call, resumes a held one.
    Hold {
        unique_id: Option<String>,
    },
    DirectTransfer {
        destination: String,
    },
    AttendedTransfer {
        destination: String,
    },
    CompleteTransfer,
    CancelTransfer,
    Dnd {
        on: bool,
    },
    /// `naFwd`, `uncFwd` or `busyFwd`: forward calls in `case` to `destination` (`state`
    /// true), or stop (`state` false).
    Forward {
        case: crate::backend::ForwardCase,
        state: bool,
        destination: String,
    },
}

impl Command {
    /// The text frame.
    pub(crate) fn to_json(&self) -> String {
        let web = |command: &str| json!({"claz": "web", "command": command});
        let with_id = |command: &str, unique_id: &Option<String>| {
            let mut message = web(command);
            if let (Some(id), Value::Object(fields)) = (unique_id, &mut message) {
                fields.insert("uniqueId".to_owned(), Value::String(id.clone()));
            }
            message
        };
        let value = match self {
            Self::Ping => json!({"claz": "ping"}),
            Self::GetCurrentCalls => web("getCurrentCallsPhoneEvents"),
            Self::Dial { destination } => json!({
                "claz": "web", "command": "dial", "destination": destination, "variables": {}
            }),
            Self::Answer { unique_id } => with_id("answer", unique_id),
            Self::Hangup { unique_id } => with_id("hangup", unique_id),
            Self::Hold { unique_id } => with_id("hold", unique_id),
            Self::DirectTransfer { destination } => json!({
                "claz": "web", "command": "directTransfer", "destination": destination
            }),
            Self::AttendedTransfer { destination } => json!({
                "claz": "web", "command": "attendedTransfer", "destination": destination
            }),
            Self::CompleteTransfer => web("completeTransfer"),
            Self::CancelTransfer => web("cancelTransfer"),
            Self::Dnd { on } => json!({"claz": "web", "command": "dnd", "state": on}),
            Self::Forward {
                case,
                state,
                destination,
            } => {
                let command = match case {
                    crate::backend::ForwardCase::Always => "uncFwd",
                    crate::backend::ForwardCase::NoAnswer => "naFwd",
                    crate::backend::ForwardCase::Busy => "busyFwd",
                };
                json!({"claz": "web", "command": command, "destination": destination, "state": state})
            }
        };
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_seed_phone_event() {
        let text = r#"{"msgType":"PhoneEvent","ctiMessage":{"eventType":"EventRinging","DN":"1118","otherDN":"1058","otherDName":"Jane Black","linkedId":"1447670380.34","uniqueId":"1447670382.37","queueName":"blue","callDirection":"Incoming","userData":{"XIVO_CONTEXT":"default","XIVO_USERID":9,"USR_ticket":"A-12"},"username":"jblack"}}"#;
        let Ok(Incoming::Phone(event)) = parse(text) else {
            panic!("a phone event");
        };
        assert_eq!(event.event, EventType::Ringing);
        assert_eq!(event.dn, "1118");
        assert_eq!(event.other_dn, "1058");
        assert_eq!(event.other_name, "Jane Black");
        assert_eq!(event.unique_id, "1447670382.37");
        assert_eq!(event.linked_id, "1447670380.34");
        assert_eq!(event.queue.as_deref(), Some("blue"));
        assert_eq!(event.direction, Some(CallDirection::Incoming));
        assert_eq!(
            event.user_data.get("XIVO_USERID").map(String::as_str),
            Some("9")
        );
        assert_eq!(
            event.user_data.get("USR_ticket").map(String::as_str),
            Some("A-12")
        );
    }

    #[test]
    fn partial_user_config_leaves_unchanged_fields_absent() {
        let text = r#"{"msgType":"UserConfigUpdate","ctiMessage":{"userId":1,"dndEnabled":true,"fullName":null,"lineIds":null}}"#;
        assert_eq!(
            parse(text),
            Ok(Incoming::UserConfig(UserConfig {
                dnd: Some(true),
                lines: None,
            }))
        );
    }

    #[test]
    fn junk_is_reported_never_panics() {
        for junk in [
            "",
            "{",
            "[1,2]",
            "null",
            r#"{"ctiMessage":{}}"#,
            r#"{"msgType":"PhoneEvent","ctiMessage":{"DN":"1"}}"#,
            r#"{"msgType":"CurrentCallsPhoneEvents","ctiMessage":{"events":7}}"#,
            r#"{"msgType":"PhoneEvent","ctiMessage":{"eventType":"EventRinging","DN":"10"#,
        ] {
            assert!(parse(junk).is_err(), "{junk:?}");
        }
        // Odd but readable: kept, never fatal.
        assert_eq!(
            parse(r#"{"msgType":"Pong","ctiMessage":{}}"#),
            Ok(Incoming::Other("Pong".to_owned()))
        );
        assert_eq!(parse(r#"{"msgType":"LoggedOn"}"#), Ok(Incoming::LoggedOn));
        let Ok(Incoming::CurrentCalls(calls)) = parse(
            r#"{"msgType":"CurrentCallsPhoneEvents","ctiMessage":{"events":[{"eventType":"EventEstablished","uniqueId":"1.2"},{"nope":1},3]}}"#,
        ) else {
            panic!("current calls");
        };
        assert_eq!(calls.len(), 1);
        let long = format!(
            r#"{{"msgType":"PhoneEvent","ctiMessage":{{"eventType":"EventRinging","otherDName":"{}"}}}}"#,
            "x".repeat(10_000)
        );
        let Ok(Incoming::Phone(event)) = parse(&long) else {
            panic!("a phone event");
        };
        assert_eq!(event.other_name.chars().count(), MAX_FIELD_CHARS);
    }

    #[test]
    fn commands_have_cti_js_shapes() {
        let as_value = |c: Command| serde_json::from_str::<Value>(&c.to_json()).expect("json");
        assert_eq!(as_value(Command::Ping), json!({"claz": "ping"}));
        assert_eq!(
            as_value(Command::Answer {
                unique_id: Some("1.5".into())
            }),
            json!({"claz": "web", "command": "answer", "uniqueId": "1.5"})
        );
        assert_eq!(
            as_value(Command::Hangup { unique_id: None }),
            json!({"claz": "web", "command": "hangup"})
        );
        assert_eq!(
            as_value(Command::Dnd { on: true }),
            json!({"claz": "web", "command": "dnd", "state": true})
        );
        assert_eq!(
            as_value(Command::Dial {
                destination: "+33612".into()
            }),
            json!({"claz": "web", "command": "dial", "destination": "+33612", "variables": {}})
        );
        assert_eq!(
            as_value(Command::GetCurrentCalls),
            json!({"claz": "web", "command": "getCurrentCallsPhoneEvents"})
        );
    }
}
