//! How the CLI prints phone state and call events, as text for people and JSON for scripts.

use crate::i18n::tr;
use callpop_phone::text::for_display;
use callpop_phone::{CallEvent, Line, LineState, PhoneAccount};
use serde::Serialize;

/// `status --json`: `{"phone": "busy", "lines": [...]}`.
#[derive(Serialize)]
pub struct StatusJson<'a> {
    /// `available`, `busy` or `ringing`.
    pub phone: &'a str,
    pub lines: &'a [Line],
    /// The phone's SIP accounts and their registration, where it can dial from a chosen one.
    #[serde(skip_serializing_if = "<[PhoneAccount]>::is_empty")]
    pub accounts: &'a [PhoneAccount],
}

/// The accounts under the lines: "Account 2  Sales (1002)  not registered".
pub fn accounts_text(accounts: &[PhoneAccount]) -> String {
    accounts
        .iter()
        .map(|a| {
            let state = tr(
                if a.registered {
                    "cli-account-registered"
                } else {
                    "cli-account-unregistered"
                },
                &[],
            );
            let label = tr("cli-status-account", &[("account", a.number.into())]);
            format!("  {label} {:<24} {state}\n", for_display(&a.label()))
        })
        .collect()
}

/// `summary` is the phone's machine word (`available`, `busy`, `ringing`); the text says it,
/// and the line states, in the user's language.
pub fn status_text(label: &str, summary: &str, lines: &[Line]) -> String {
    let summary = tr(&format!("cli-summary-{summary}"), &[]);
    let mut out = tr(
        "cli-status-phone",
        &[
            ("label", for_display(label).into()),
            ("summary", summary.into()),
        ],
    );
    out.push('\n');
    let line_word = tr("cli-status-line", &[]);
    for line in lines {
        out.push_str(&format!(
            "  {line_word} {:<2} {:<10}",
            line.index,
            line_state(&line.state)
        ));
        if line.state != LineState::Idle {
            let (name, number) = (
                for_display(&line.remote_name),
                for_display(&line.remote_number),
            );
            let who = match (name.is_empty(), number.is_empty()) {
                (false, false) => format!("{name} <{number}>"),
                (false, true) => name,
                (true, false) => number,
                (true, true) => tr("cli-unknown-caller", &[]),
            };
            out.push(' ');
            out.push_str(&who);
        }
        let mut notes = Vec::new();
        if let Some(account) = line.account {
            if line.state != LineState::Idle {
                notes.push(tr("cli-note-account", &[("account", account.into())]));
            }
        }
        if line.active {
            notes.push(tr("cli-note-active", &[]));
        }
        if !notes.is_empty() {
            out.push_str(&format!("  ({})", notes.join(", ")));
        }
        out = out.trim_end().to_owned();
        out.push('\n');
    }
    out
}

/// `watch`: one readable line per event.
pub fn event_text(e: &CallEvent) -> String {
    let (name, number) = (for_display(&e.name), for_display(&e.number));
    let who = match (name.is_empty(), number.is_empty()) {
        (false, false) => format!("{name} {number}"),
        (false, true) => name,
        (true, false) => number,
        (true, true) => tr("cli-event-unknown", &[]),
    };
    let what = serde_json::to_value(e.event)
        .ok()
        .and_then(|v| v.as_str().map(|word| tr(&format!("cli-event-{word}"), &[])))
        .unwrap_or_default();
    let (line, call) = (tr("cli-event-line", &[]), tr("cli-event-call", &[]));
    format!("{what:<9} {line} {}  {who}  [{call} {}]", e.line, e.call)
}

/// A line state in words; a state only some phone knows is shown as it sent it.
fn line_state(state: &LineState) -> String {
    match state {
        LineState::Other(word) => for_display(word),
        known => tr(&format!("cli-line-{}", known.as_str()), &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_show_who_and_focus() {
        crate::i18n::use_language("en");
        let lines = vec![
            Line::idle(1),
            Line {
                state: LineState::Connected,
                remote_name: "Виталик".into(),
                remote_number: "203".into(),
                account: Some(2),
                active: true,
                ..Line::idle(2)
            },
        ];
        let text = status_text("10.0.0.5", "busy", &lines);
        assert!(text.starts_with("Phone 10.0.0.5: busy\n"), "{text}");
        assert!(text.contains("Line 1  idle\n"), "{text}");
        assert!(
            text.contains("Виталик <203>  (account 2, active)"),
            "{text}"
        );
        let json = serde_json::to_value(StatusJson {
            phone: "busy",
            lines: &lines,
            accounts: &[],
        })
        .expect("json");
        assert_eq!(json["phone"], "busy");
        // A phone without accounts to choose prints as before.
        assert!(json.get("accounts").is_none());
        assert_eq!(json["lines"][1]["line"], 2);
        assert_eq!(json["lines"][1]["state"], "connected");
        assert_eq!(json["lines"][1]["name"], "Виталик");
        assert_eq!(json["lines"][1]["number"], "203");
        assert_eq!(json["lines"][1]["account"], 2);
        assert_eq!(json["lines"][1]["active"], true);
    }

    #[test]
    fn what_callers_send_cannot_drive_the_terminal() {
        crate::i18n::use_language("en");
        let line = Line {
            state: LineState::Ringing,
            remote_name: "x\u{1b}]0;owned\u{7}".into(),
            remote_number: "\u{202E}3210".into(),
            ..Line::idle(1)
        };
        let text = status_text("10.0.0.5", "ringing", &[line]);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{202E}'),
            "{text:?}"
        );
        assert!(text.contains("\\u{1b}"), "{text}");
    }
}
