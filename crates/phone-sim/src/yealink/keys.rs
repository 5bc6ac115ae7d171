//! The values of `/servlet?key=...`: key presses, call commands by `$call_id`, and dialing.
//!
//! `key=OK;MUTE` presses several keys in order; `key=number=NNN&outgoing_uri=URI` dials NNN
//! from the account URI names (the whole `number=NNN` is the value of `key`, which is why
//! clients must send `key=` first). Names are matched without regard to case, as the phone's
//! own parser is lenient about it; anything unknown is kept as [`YealinkKey::Unknown`] and
//! answered `200 OK` like everything else.

use serde::{Deserialize, Serialize};

/// One thing a `key=` value asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "key", content = "arg", rename_all = "snake_case")]
pub enum YealinkKey {
    /// `OK`: answers the newest ringing call, else dials what was typed.
    Ok,
    /// `ENTER` (soft key): as `OK`.
    Enter,
    /// `SPEAKER`: answers hands-free, else dials what was typed.
    Speaker,
    /// `X` or `CANCEL`: rejects the newest ringing call, else abandons the call being placed,
    /// else ends the call on screen, else clears what was typed.
    Cancel,
    /// `CALLEND`: ends the call on screen (a ringing one is rejected).
    CallEnd,
    /// `F_HOLD` or `HOLD`: holds the call on screen, or resumes it when held.
    Hold,
    /// `MUTE`: toggles the microphone during a call.
    Mute,
    /// `DNDOn`.
    DndOn,
    /// `DNDOff`.
    DndOff,
    /// `ASW:<call_id>`: answers that call.
    Answer(String),
    /// `CANCEL:<call_id>`: rejects that call when ringing, else ends it.
    CancelCall(String),
    /// `HOLD:<call_id>`.
    HoldCall(String),
    /// `UNHOLD:<call_id>`.
    UnholdCall(String),
    /// `L1`..`Lx`: the line key of that call.
    Line(u32),
    /// `0`-`9`, `*` (`STAR`), `#` (`POUND`): typed, or sent as a tone during a call.
    Digit(char),
    /// `number=NNN` with `outgoing_uri=`: places a call.
    Dial {
        /// What to call.
        number: String,
        /// The account to call from, as the request named it.
        outgoing_uri: Option<String>,
    },
    /// Anything else: answered, ignored.
    Unknown(String),
}

/// Parses the value of `key=` (already percent-decoded). `outgoing_uri` is the request's
/// `outgoing_uri=` parameter, used by `number=`.
pub fn parse_keys(value: &str, outgoing_uri: Option<&str>) -> Vec<YealinkKey> {
    let value = value.trim();
    if let Some(number) = strip_prefix_ignore_case(value, "number=") {
        return vec![YealinkKey::Dial {
            number: number.trim().to_owned(),
            outgoing_uri: outgoing_uri
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(str::to_owned),
        }];
    }
    value
        .split(';')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(parse_one)
        .collect()
}

fn parse_one(key: &str) -> YealinkKey {
    if let Some((command, id)) = key.split_once(':') {
        let id = id.trim().to_owned();
        return match command.trim().to_ascii_uppercase().as_str() {
            "ASW" => YealinkKey::Answer(id),
            "CANCEL" => YealinkKey::CancelCall(id),
            "HOLD" => YealinkKey::HoldCall(id),
            "UNHOLD" => YealinkKey::UnholdCall(id),
            _ => YealinkKey::Unknown(key.to_owned()),
        };
    }
    let upper = key.to_ascii_uppercase();
    match upper.as_str() {
        "OK" => YealinkKey::Ok,
        "ENTER" => YealinkKey::Enter,
        "SPEAKER" => YealinkKey::Speaker,
        "X" | "CANCEL" => YealinkKey::Cancel,
        "CALLEND" => YealinkKey::CallEnd,
        "F_HOLD" | "HOLD" => YealinkKey::Hold,
        "MUTE" => YealinkKey::Mute,
        "DNDON" => YealinkKey::DndOn,
        "DNDOFF" => YealinkKey::DndOff,
        "STAR" | "*" => YealinkKey::Digit('*'),
        "POUND" | "#" => YealinkKey::Digit('#'),
        single if single.len() == 1 && single.as_bytes()[0].is_ascii_digit() => {
            YealinkKey::Digit(char::from(single.as_bytes()[0]))
        }
        _ => match upper.strip_prefix('L').map(str::parse::<u32>) {
            Some(Ok(n)) if n >= 1 => YealinkKey::Line(n),
            _ => YealinkKey::Unknown(key.to_owned()),
        },
    }
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.get(..prefix.len())
        .filter(|head| head.eq_ignore_ascii_case(prefix))
        .map(|_| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_commands_and_sequences() {
        assert_eq!(
            parse_keys("ASW;MUTE", None),
            vec![YealinkKey::Unknown("ASW".into()), YealinkKey::Mute]
        );
        assert_eq!(
            parse_keys("OK;mute;F_HOLD;X;CANCEL;CALLEND;DNDOn;DNDOff", None),
            vec![
                YealinkKey::Ok,
                YealinkKey::Mute,
                YealinkKey::Hold,
                YealinkKey::Cancel,
                YealinkKey::Cancel,
                YealinkKey::CallEnd,
                YealinkKey::DndOn,
                YealinkKey::DndOff,
            ]
        );
        assert_eq!(
            parse_keys("ASW:33093;HOLD:x@y;UNHOLD:7;CANCEL:8", None),
            vec![
                YealinkKey::Answer("33093".into()),
                YealinkKey::HoldCall("x@y".into()),
                YealinkKey::UnholdCall("7".into()),
                YealinkKey::CancelCall("8".into()),
            ]
        );
        assert_eq!(
            parse_keys("L2;1;STAR;#;POUND;L0;F_TRANSFER", None),
            vec![
                YealinkKey::Line(2),
                YealinkKey::Digit('1'),
                YealinkKey::Digit('*'),
                YealinkKey::Digit('#'),
                YealinkKey::Digit('#'),
                YealinkKey::Unknown("L0".into()),
                YealinkKey::Unknown("F_TRANSFER".into()),
            ]
        );
    }

    #[test]
    fn number_takes_the_whole_value() {
        assert_eq!(
            parse_keys("number=+1 555;0100", Some("1001@pbx")),
            vec![YealinkKey::Dial {
                number: "+1 555;0100".into(),
                outgoing_uri: Some("1001@pbx".into()),
            }]
        );
        assert_eq!(
            parse_keys("NUMBER=203", Some(" ")),
            vec![YealinkKey::Dial {
                number: "203".into(),
                outgoing_uri: None,
            }]
        );
    }
}
