//! How the CLI prints phone state and call events, as text for people and JSON for scripts.

use callpop_phone::models::{Line, LineState, PhoneStatus};
use callpop_phone::CallEvent;
use serde::Serialize;

/// `status --json`: `{"phone": "busy", "lines": [...]}`.
#[derive(Serialize)]
pub struct StatusJson<'a> {
    pub phone: &'a PhoneStatus,
    pub lines: &'a [Line],
}

pub fn status_text(host: &str, phone: &PhoneStatus, lines: &[Line]) -> String {
    let mut out = format!("Phone {host}: {}\n", phone.as_str());
    for line in lines {
        out.push_str(&format!(
            "  Line {:<2} {:<10}",
            line.index,
            line.state.as_str()
        ));
        if line.state != LineState::Idle {
            let who = match (line.remote_name.is_empty(), line.remote_number.is_empty()) {
                (false, false) => format!("{} <{}>", line.remote_name, line.remote_number),
                (false, true) => line.remote_name.clone(),
                (true, false) => line.remote_number.clone(),
                (true, true) => "(unknown caller)".to_owned(),
            };
            out.push(' ');
            out.push_str(&who);
        }
        let mut notes = Vec::new();
        if let Some(account) = line.account {
            if line.state != LineState::Idle {
                notes.push(format!("account {account}"));
            }
        }
        if line.active {
            notes.push("active".to_owned());
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
    let who = match (e.name.is_empty(), e.number.is_empty()) {
        (false, false) => format!("{} {}", e.name, e.number),
        (false, true) => e.name.clone(),
        (true, false) => e.number.clone(),
        (true, true) => "(unknown)".to_owned(),
    };
    let what = serde_json::to_value(e.event)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    format!("{what:<9} line {}  {who}  [call {}]", e.line, e.call)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_show_who_and_focus() {
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
        let text = status_text("10.0.0.5", &PhoneStatus::Busy, &lines);
        assert!(text.starts_with("Phone 10.0.0.5: busy\n"), "{text}");
        assert!(text.contains("Line 1  idle\n"), "{text}");
        assert!(
            text.contains("Виталик <203>  (account 2, active)"),
            "{text}"
        );
        let json = serde_json::to_value(StatusJson {
            phone: &PhoneStatus::Busy,
            lines: &lines,
        })
        .expect("json");
        assert_eq!(json["phone"], "busy");
        assert_eq!(json["lines"][1]["line"], 2);
        assert_eq!(json["lines"][1]["state"], "connected");
        assert_eq!(json["lines"][1]["name"], "Виталик");
        assert_eq!(json["lines"][1]["number"], "203");
        assert_eq!(json["lines"][1]["account"], 2);
        assert_eq!(json["lines"][1]["active"], true);
    }
}
