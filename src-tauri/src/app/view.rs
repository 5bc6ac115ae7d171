//! What the windows and the tray show: the phone state plus app-level facts, as one value.

use callpop_phone::number::{self, DialingRules};
use callpop_phone::poller::PushHealth;
use callpop_phone::tracker::{ActiveCall, CallPhase};
use callpop_phone::{Connection, PhoneError, PhoneState};
use serde::Serialize;
use std::collections::HashMap;

/// A problem of the app itself, shown in the main window until it is fixed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub kind: &'static str,
    pub message: String,
}

/// The connection as the UI shows it; `not_configured` is the app's own state before setup.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConnectionView {
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<PhoneError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in_ms: Option<u64>,
}

impl ConnectionView {
    pub fn not_configured() -> Self {
        Self {
            state: "not_configured",
            error: None,
            retry_in_ms: None,
        }
    }

    pub fn from_connection(c: &Connection) -> Self {
        let (state, error, retry_in_ms) = match c {
            Connection::Connecting => ("connecting", None, None),
            Connection::Online => ("online", None, None),
            Connection::Offline { error, retry_in_ms } => {
                ("offline", Some(error.clone()), Some(*retry_in_ms))
            }
            Connection::NeedsAttention { error } => ("needs_attention", Some(error.clone()), None),
            Connection::Stopped => ("stopped", None, None),
        };
        Self {
            state,
            error,
            retry_in_ms,
        }
    }

    /// One line for the tray and notifications.
    pub fn summary(&self) -> String {
        match (self.state, &self.error) {
            ("online", _) => "Phone connected".to_owned(),
            ("connecting", _) => "Connecting to the phone…".to_owned(),
            ("not_configured", _) => "No phone set up yet: open Settings".to_owned(),
            (_, Some(e)) => e.to_string(),
            _ => "Not watching the phone".to_owned(),
        }
    }
}

/// A call as the windows show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CallView {
    #[serde(flatten)]
    pub call: ActiveCall,
    /// The number formatted for people ("+1 416-555-0123").
    pub display_number: String,
    pub muted: bool,
    /// When it was connected (Unix ms), for the call timer.
    pub connected_at_ms: Option<u64>,
}

/// Everything a window needs in one `phone-state` event.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AppView {
    pub connection: ConnectionView,
    pub phone_label: String,
    pub demo: bool,
    pub lines: Vec<callpop_phone::Line>,
    pub calls: Vec<CallView>,
    pub problems: Vec<Problem>,
    pub hotkey: String,
    /// Whether the phone's pushes arrive (off, waiting, healthy, silent) and what that means.
    pub push: PushHealth,
    /// A hotkey or link dial waiting out its cancel delay ("+1 416-555-0123").
    pub pending_dial: Option<String>,
}

/// What the tray icon shows, most urgent first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrayMood {
    Ringing,
    InCall,
    OnHold,
    Offline,
    Idle,
}

impl AppView {
    pub fn build(
        connection: ConnectionView,
        phone_label: String,
        demo: bool,
        state: Option<&PhoneState>,
        extras: &CallExtras,
        rules: &DialingRules,
    ) -> Self {
        let (lines, calls) = match state {
            Some(s) => (
                s.lines.clone(),
                s.calls
                    .iter()
                    .map(|c| CallView {
                        display_number: number::format_for_display(&c.number, rules),
                        muted: extras.muted.get(c.call.as_str()).copied().unwrap_or(false),
                        connected_at_ms: extras.connected_at.get(c.call.as_str()).copied(),
                        call: c.clone(),
                    })
                    .collect(),
            ),
            None => (Vec::new(), Vec::new()),
        };
        Self {
            connection,
            phone_label,
            demo,
            lines,
            calls,
            problems: Vec::new(),
            hotkey: String::new(),
            push: state.map(|s| s.push.clone()).unwrap_or_default(),
            pending_dial: None,
        }
    }

    pub fn mood(&self) -> TrayMood {
        if self
            .calls
            .iter()
            .any(|c| c.call.phase == CallPhase::Ringing)
        {
            TrayMood::Ringing
        } else if self
            .calls
            .iter()
            .any(|c| matches!(c.call.phase, CallPhase::Connected | CallPhase::Dialing))
        {
            TrayMood::InCall
        } else if !self.calls.is_empty() {
            TrayMood::OnHold
        } else if self.connection.state != "online" {
            TrayMood::Offline
        } else {
            TrayMood::Idle
        }
    }

    /// The tray's first menu line: what is happening now, e.g. "Ringing: Ann Lee +1 416…".
    pub fn headline(&self) -> String {
        let who = |c: &CallView| {
            if c.call.name.is_empty() {
                c.display_number.clone()
            } else {
                format!("{} {}", c.call.name, c.display_number)
            }
        };
        let by_phase = |phase: CallPhase| self.calls.iter().find(|c| c.call.phase == phase);
        if let Some(c) = by_phase(CallPhase::Ringing) {
            format!("Ringing: {}", who(c))
        } else if let Some(c) = by_phase(CallPhase::Connected) {
            format!(
                "In call: {}{}",
                who(c),
                if c.muted { " (muted)" } else { "" }
            )
        } else if let Some(c) = by_phase(CallPhase::Dialing) {
            format!("Calling: {}", who(c))
        } else if let Some(c) = by_phase(CallPhase::Held) {
            format!("On hold: {}", who(c))
        } else {
            self.connection.summary()
        }
    }
}

/// What the app adds to tracked calls: mute toggles and connect times.
#[derive(Clone, Debug, Default)]
pub struct CallExtras {
    pub muted: HashMap<String, bool>,
    pub connected_at: HashMap<String, u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use callpop_phone::tracker::{CallEventKind, CallTracker};
    use callpop_phone::{Connection, Line, LineState};

    fn view_of(lines: Vec<Line>, connection: Connection) -> AppView {
        let mut tracker = CallTracker::with_id_prefix("v");
        let events = tracker.observe(&lines);
        assert!(events.iter().all(|e| e.event != CallEventKind::Missed));
        let state = PhoneState {
            connection: connection.clone(),
            lines: lines.clone(),
            calls: tracker.calls().cloned().collect(),
            polls: 1,
            push: Default::default(),
        };
        AppView::build(
            ConnectionView::from_connection(&connection),
            "10.0.0.5".into(),
            false,
            Some(&state),
            &CallExtras::default(),
            &DialingRules::default(),
        )
    }

    fn line(index: u32, state: &str, number: &str, name: &str) -> Line {
        Line {
            state: LineState::from_phone(state),
            remote_number: number.into(),
            remote_name: name.into(),
            ..Line::idle(index)
        }
    }

    #[test]
    fn ringing_wins_over_a_call_in_progress() {
        let v = view_of(
            vec![
                line(1, "connected", "203", "Bob"),
                line(2, "ringing", "+14165550123", "Ann Lee"),
            ],
            Connection::Online,
        );
        assert_eq!(v.mood(), TrayMood::Ringing);
        assert!(
            v.headline().starts_with("Ringing: Ann Lee"),
            "{}",
            v.headline()
        );
        assert!(v.headline().contains("416"), "{}", v.headline());
    }

    #[test]
    fn moods_follow_the_calls_and_the_connection() {
        let held = view_of(vec![line(1, "onhold", "203", "")], Connection::Online);
        assert_eq!(held.mood(), TrayMood::OnHold);
        assert_eq!(held.headline(), "On hold: 203");
        let talking = view_of(vec![line(1, "connected", "203", "")], Connection::Online);
        assert_eq!(talking.mood(), TrayMood::InCall);
        let idle = view_of(vec![Line::idle(1)], Connection::Online);
        assert_eq!(idle.mood(), TrayMood::Idle);
        assert_eq!(idle.headline(), "Phone connected");
        let offline = view_of(
            vec![],
            Connection::Offline {
                error: callpop_phone::PhoneError::Unreachable {
                    host: "10.0.0.5".into(),
                    reason: "Connection refused".into(),
                },
                retry_in_ms: 2000,
            },
        );
        assert_eq!(offline.mood(), TrayMood::Offline);
        assert!(offline
            .headline()
            .contains("Cannot reach the phone at 10.0.0.5"));
    }
}
