//! What a Grandstream phone reports, as typed values.
//!
//! Grandstream answers are loosely typed (`acct` is `0`, `2` or `""`, `active` a number, lines
//! come and go with the model), so parsing is lenient here and strict everywhere after: the rest
//! of callpop only ever sees the neutral [`crate::model`] types.

use crate::model::{Line, LineState};
use serde::Serialize;
use serde_json::Value;

/// Parses one element of the `api-get_line_status` body. `None` when the object carries no
/// usable line number: such an entry cannot be tracked, so it is skipped.
pub(crate) fn parse_line(value: &Value, position: usize) -> Option<Line> {
    let obj = value.as_object()?;
    let index = match obj.get("line") {
        Some(v) => lenient_u32(v)?,
        // Some firmware omits `line`: fall back to the position in the array.
        None => u32::try_from(position + 1).ok()?,
    };
    let text = |key: &str| -> String {
        match obj.get(key) {
            Some(Value::String(s)) => s.trim().to_owned(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        }
    };
    Some(Line {
        index,
        state: LineState::from_phone(&text("state")),
        remote_name: text("remotename"),
        remote_number: text("remotenumber"),
        account: obj.get("acct").and_then(lenient_u32),
        active: obj.get("active").map(lenient_bool).unwrap_or(false),
        conference: obj.get("conf").map(lenient_bool).unwrap_or(false),
        // Line status carries no call id; pushes may tie one to the call (see the tracker).
        call_id: String::new(),
        info: Default::default(),
    })
}

/// Reads `3`, `"3"`; anything else (including `""`) is absent.
fn lenient_u32(v: &Value) -> Option<u32> {
    match v {
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Reads `1`, `"1"`, `true` as true.
fn lenient_bool(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_u64().is_some_and(|n| n != 0),
        Value::String(s) => matches!(s.trim(), "1" | "true"),
        _ => false,
    }
}

/// The phone as a whole, from `api-get_phone_status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhoneStatus {
    Available,
    Busy,
    Ringing,
    Other(String),
}

impl PhoneStatus {
    pub fn from_phone(word: &str) -> Self {
        match word.trim().to_ascii_lowercase().as_str() {
            "available" | "idle" => Self::Available,
            "busy" => Self::Busy,
            "ringing" => Self::Ringing,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Available => "available",
            Self::Busy => "busy",
            Self::Ringing => "ringing",
            Self::Other(word) => word,
        }
    }
}

impl Serialize for PhoneStatus {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A SIP account configured on the phone, from `api-get_accounts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: u32,
    pub name: String,
    pub sip_id: String,
    pub sip_server: String,
    pub registered: bool,
}

impl Account {
    pub(crate) fn from_json(value: &Value) -> Option<Self> {
        let obj = value.as_object()?;
        let text = |key: &str| match obj.get(key) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        Some(Self {
            id: obj.get("id").and_then(lenient_u32)?,
            name: text("name"),
            sip_id: text("sip_id"),
            sip_server: text("sip_server"),
            registered: obj.get("reg").map(lenient_bool).unwrap_or(false),
        })
    }
}

/// What `GET /json/configs/model.define.js` tells without logging in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhoneModel {
    /// e.g. "GXP2170"; empty when the file names none.
    pub model: String,
}

impl PhoneModel {
    /// Finds the model name in the JavaScript text. The file's layout differs between firmware
    /// versions, so this looks for a `model` key with a string value anywhere in it.
    pub(crate) fn from_define_js(text: &str) -> Self {
        let lower = text.to_ascii_lowercase();
        let mut from = 0;
        while let Some(pos) = lower[from..].find("model") {
            let after = from + pos + "model".len();
            let rest = &text[after..];
            // Accept `model":"X"`, `model = "X"`, `model: 'X'`.
            let rest = rest.trim_start_matches(['"', '\'', ' ', '\t']);
            if let Some(rest) = rest.strip_prefix([':', '=']) {
                let rest = rest.trim_start();
                if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
                    let body = &rest[1..];
                    if let Some(end) = body.find(quote) {
                        let model: String = body[..end]
                            .chars()
                            .filter(|c| c.is_ascii_alphanumeric() || "-_ .".contains(*c))
                            .take(40)
                            .collect();
                        if !model.is_empty() {
                            return Self { model };
                        }
                    }
                }
            }
            from = after;
        }
        Self {
            model: String::new(),
        }
    }
}

/// The call-control operations of `api-phone_operation`. They act on the line with focus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneOperation {
    AcceptCall,
    RejectCall,
    EndCall,
    /// A toggle: the same operation puts a call on hold and resumes it.
    HoldCall,
    /// Rejects a ringing call or abandons an outgoing one.
    Cancel,
}

impl PhoneOperation {
    pub fn as_cmd(self) -> &'static str {
        match self {
            Self::AcceptCall => "acceptcall",
            Self::RejectCall => "rejectcall",
            Self::EndCall => "endcall",
            Self::HoldCall => "holdcall",
            Self::Cancel => "cancel",
        }
    }
}

/// A key name for `api-send_key`, checked so that nothing odd travels in the URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key(String);

impl Key {
    /// Key names are short upper-case words or digits (`0`-`9`, `STAR`, `POUND`, `SEND`,
    /// `LINE2`, `MUTE`...). Anything else is refused before it reaches the phone.
    pub fn new(name: &str) -> Option<Self> {
        let ok = !name.is_empty()
            && name.len() <= 16
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        ok.then(|| Self(name.to_owned()))
    }

    /// The keys that dial `number` digit by digit: `*` is `STAR`, `#` is `POUND`, then `SEND`.
    /// `None` when the number holds anything a keypad cannot press.
    pub fn dial_sequence(number: &str) -> Option<Vec<Self>> {
        let mut keys = Vec::with_capacity(number.len() + 1);
        for c in number.chars() {
            let name = match c {
                '0'..='9' => c.to_string(),
                '*' => "STAR".to_owned(),
                '#' => "POUND".to_owned(),
                _ => return None,
            };
            keys.push(Self(name));
        }
        if keys.is_empty() {
            return None;
        }
        keys.push(Self("SEND".to_owned()));
        Some(keys)
    }

    pub fn line(index: u32) -> Self {
        Self(format!("LINE{index}"))
    }

    /// The phone's Mute key (a toggle of the microphone during a call).
    pub fn mute() -> Self {
        Self(KEY_MUTE.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub const KEY_MUTE: &str = "MUTE";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_real_line_objects() {
        let a = json!({"line":1,"conf":0,"state":"ringing","acct":0,"active":0,"remotename":"","remotenumber":"+15555550100"});
        let b = json!({"line":2,"state":"connected","acct":2,"active":1,"remotename":"Виталик","remotenumber":"203"});
        let c = json!({"line":"3","state":"transfer","acct":"","active":"1","remotename":7,"remotenumber":203});
        let a = parse_line(&a, 0).expect("line a");
        assert_eq!(a.state, LineState::Ringing);
        assert_eq!(a.remote_number, "+15555550100");
        assert_eq!(a.account, Some(0));
        assert!(!a.active);
        let b = parse_line(&b, 1).expect("line b");
        assert_eq!(b.remote_name, "Виталик");
        assert_eq!(b.account, Some(2));
        assert!(b.active);
        let c = parse_line(&c, 2).expect("line c");
        assert_eq!(c.index, 3);
        assert_eq!(c.state, LineState::Other("transfer".into()));
        assert_eq!(c.account, None);
        assert_eq!(c.remote_number, "203");
    }

    #[test]
    fn line_without_number_uses_position_and_non_object_is_skipped() {
        let l = parse_line(&json!({"state":"idle"}), 4).expect("line");
        assert_eq!(l.index, 5);
        assert!(parse_line(&json!("idle"), 0).is_none());
        assert!(parse_line(&json!({"line":-1}), 0).is_none());
    }

    #[test]
    fn key_names_are_checked() {
        assert!(Key::new("LINE2").is_some());
        assert!(Key::new("SEND&passcode=x").is_none());
        assert!(Key::new("").is_none());
        let keys: Vec<_> = Key::dial_sequence("*97#")
            .expect("keys")
            .iter()
            .map(|k| k.as_str().to_owned())
            .collect();
        assert_eq!(keys, ["STAR", "9", "7", "POUND", "SEND"]);
        assert!(Key::dial_sequence("+1").is_none());
    }

    #[test]
    fn model_define_variants() {
        for text in [
            r#"var model_define = {"model":"GXP2170","max_accounts":6};"#,
            "model = 'GXP2170';",
            "var x = 1; var model: \"GXP2170\"",
        ] {
            assert_eq!(PhoneModel::from_define_js(text).model, "GXP2170", "{text}");
        }
        assert_eq!(PhoneModel::from_define_js("<html>").model, "");
    }
}
