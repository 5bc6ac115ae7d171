//! What the windows and the tray show: every phone and every call, with what each call
//! offers, computed once here so the tray, the main window and the call window only render.

use super::calls::{CallExtras, Contact};
use crate::i18n::{self, tr};
use callpop_phone::backend::ActionKind;
use callpop_phone::error::Params;
use callpop_phone::number::{self, DialingRules};
use callpop_phone::session::{consulting, offered_actions};
use callpop_phone::settings::{PhoneProfile, PhoneSystem};
use callpop_phone::tracker::{ActiveCall, CallPhase};
use callpop_phone::{
    BackendKind, Capabilities, Connection, Line, PhoneAccount, PhoneError, PhoneState, PushHealth,
};
use serde::Serialize;

/// A problem of the app itself, shown in the main window until it is fixed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub kind: &'static str,
    pub message: String,
}

/// A phone's link as the UI shows it. Besides the session's states there are the app's own:
/// `not_configured` (no phone yet) and `no_password`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConnectionView {
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_in_ms: Option<u64>,
}

/// An error as the windows get it: a stable kind to act on, the message in the user's
/// language, the values it is made of (the catalog's `error-<kind>`, or for a refusal
/// `refusal-<params.refusal>`, says it with them), and
/// the certificate fingerprint to offer for acceptance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ErrorView {
    pub kind: String,
    pub message: String,
    pub params: Params,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

impl From<&PhoneError> for ErrorView {
    fn from(e: &PhoneError) -> Self {
        let fingerprint = match e {
            PhoneError::CertificateUnknown { fingerprint, .. } => Some(fingerprint.clone()),
            PhoneError::CertificateChanged { actual, .. } => Some(actual.clone()),
            _ => None,
        };
        Self {
            kind: e.kind().to_owned(),
            message: i18n::phone_error(e),
            params: e.params(),
            fingerprint,
        }
    }
}

impl ConnectionView {
    pub fn not_configured() -> Self {
        Self {
            state: "not_configured",
            error: None,
            retry_in_ms: None,
        }
    }

    /// The app's own error `kind`, said by the catalog's `error-<kind>` with `params`.
    pub fn app(state: &'static str, kind: &str, params: Params) -> Self {
        Self {
            state,
            error: Some(ErrorView {
                kind: kind.to_owned(),
                message: i18n::tr_params(&format!("error-{kind}"), &params),
                params,
                fingerprint: None,
            }),
            retry_in_ms: None,
        }
    }

    pub fn from_connection(c: &Connection) -> Self {
        let (state, error, retry_in_ms) = match c {
            Connection::Connecting => ("connecting", None, None),
            Connection::Online => ("online", None, None),
            Connection::Offline { error, retry_in_ms } => {
                ("offline", Some(error.into()), Some(*retry_in_ms))
            }
            Connection::NeedsAttention { error } => ("needs_attention", Some(error.into()), None),
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
            ("online", _) => tr("conn-online", &[]),
            ("connecting", _) => tr("conn-connecting", &[]),
            ("not_configured", _) => tr("conn-not-configured", &[]),
            (_, Some(e)) => e.message.clone(),
            _ => tr("conn-stopped", &[]),
        }
    }
}

/// One phone as the windows show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PhoneView {
    pub id: String,
    /// What the user calls it, else its address.
    pub name: String,
    pub kind: BackendKind,
    /// "Grandstream phone", "Asterisk PBX"... in the user's language.
    pub kind_name: String,
    /// Where it is ("10.0.0.5"); empty in demo mode (a loopback address means nothing).
    pub label: String,
    pub connection: ConnectionView,
    pub lines: Vec<Line>,
    /// Push health, its `message` in the user's language (`code` and `params` as the core
    /// gave them, for the catalog's `push-<code>`).
    pub push: PushHealth,
    pub dnd: Option<bool>,
    pub capabilities: Capabilities,
    /// The phone's SIP accounts and whether each is registered, while it is reachable (empty
    /// otherwise, and for systems without accounts to choose).
    pub accounts: Vec<PhoneAccount>,
    /// The account the settings dial from (0-based index), for the picker to preselect;
    /// `None`: the phone's default.
    pub dial_account: Option<u32>,
}

/// "Grandstream phone", "Asterisk PBX"... in the user's language.
pub fn kind_name(kind: BackendKind) -> String {
    tr(&format!("settings-kind-{kind}"), &[])
}

/// A call as the windows show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CallView {
    #[serde(flatten)]
    pub call: ActiveCall,
    /// The phone it is on (id and name), since several phones may be watched.
    pub phone: String,
    pub phone_name: String,
    /// The number formatted for people ("+1 416-555-0123").
    pub display_number: String,
    /// Who it is, from the user's contacts (arrives a moment after the ring, or never).
    pub contact: Option<Contact>,
    pub muted: bool,
    /// When it was connected (Unix ms), for the call timer.
    pub connected_at_ms: Option<u64>,
    /// What can be done to it now, in display order.
    pub actions: Vec<ActionKind>,
}

impl CallView {
    /// The best name for the caller: a contact, else what the phone said, else the number.
    pub fn who(&self) -> String {
        if let Some(contact) = &self.contact {
            return contact.name.clone();
        }
        if !self.call.name.is_empty() {
            return self.call.name.clone();
        }
        self.display_number.clone()
    }
}

/// A hotkey or link dial waiting out its cancel delay.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PendingDialView {
    pub display: String,
    /// Other numbers found in the same text (the user may have meant one of them).
    pub others: Vec<String>,
}

/// Everything a window needs in one `phone-state` event.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AppView {
    pub phones: Vec<PhoneView>,
    pub calls: Vec<CallView>,
    pub demo: bool,
    pub problems: Vec<Problem>,
    pub hotkey: String,
    pub pending_dial: Option<PendingDialView>,
    /// Missed calls nobody has dealt with yet (the badge).
    pub missed: u64,
    pub history_available: bool,
    /// The tray's first line, and its icon's mood.
    pub headline: String,
    pub mood: TrayMood,
}

/// What the tray icon shows, most urgent first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrayMood {
    Ringing,
    InCall,
    OnHold,
    #[default]
    Offline,
    Idle,
}

/// One watched (or set-up but unwatched) phone, as the view is built from.
pub struct PhoneInput<'a> {
    pub profile: &'a PhoneProfile,
    pub state: Option<&'a PhoneState>,
    /// The connection when the app itself has something to say (no password...).
    pub override_connection: Option<ConnectionView>,
    /// The calls callpop muted.
    pub muted: Vec<callpop_phone::CallId>,
}

impl AppView {
    pub fn build(
        phones: &[PhoneInput<'_>],
        demo: bool,
        extras: &CallExtras,
        rules: &DialingRules,
    ) -> Self {
        let mut view = AppView {
            demo,
            ..AppView::default()
        };
        for input in phones {
            let profile = input.profile;
            let connection = input.override_connection.clone().unwrap_or_else(|| {
                input
                    .state
                    .map(|s| ConnectionView::from_connection(&s.connection))
                    .unwrap_or_else(ConnectionView::not_configured)
            });
            let online = connection.state == "online";
            let name = profile.display_name();
            let (label, lines, push, dnd, capabilities, accounts) = match input.state {
                Some(s) => (
                    if demo { String::new() } else { s.label.clone() },
                    if online { s.lines.clone() } else { Vec::new() },
                    PushHealth {
                        message: i18n::push_health(&s.push),
                        ..s.push.clone()
                    },
                    s.dnd,
                    s.capabilities,
                    // What was registered before the phone went away is not known now.
                    if online {
                        s.accounts.clone()
                    } else {
                        Vec::new()
                    },
                ),
                None => (
                    profile.system.address(),
                    Vec::new(),
                    PushHealth::default(),
                    None,
                    Capabilities::default(),
                    Vec::new(),
                ),
            };
            let dial_account = match &profile.system {
                PhoneSystem::Grandstream(g) => g.dial_account_index(),
                _ => None,
            };
            if let Some(state) = input.state {
                for call in &state.calls {
                    let muted = input.muted.contains(&call.call);
                    let id = call.call.as_str();
                    view.calls.push(CallView {
                        display_number: number::format_for_display(&call.number, rules),
                        phone: profile.id.to_string(),
                        phone_name: name.clone(),
                        contact: extras.contacts.get(id).cloned(),
                        muted,
                        connected_at_ms: extras.connected_at.get(id).copied(),
                        // Nothing can be done to a call while the phone cannot be reached.
                        actions: if online {
                            offered_actions(
                                call.phase,
                                &capabilities,
                                muted,
                                consulting(call, &state.calls),
                            )
                        } else {
                            Vec::new()
                        },
                        call: call.clone(),
                    });
                }
            }
            view.phones.push(PhoneView {
                id: profile.id.to_string(),
                name,
                kind: profile.kind(),
                kind_name: kind_name(profile.kind()),
                label,
                connection,
                lines,
                push,
                dnd,
                capabilities,
                accounts,
                dial_account,
            });
        }
        view.mood = view.compute_mood();
        view.headline = view.compute_headline();
        view
    }

    fn any_online(&self) -> bool {
        self.phones.iter().any(|p| p.connection.state == "online")
    }

    fn compute_mood(&self) -> TrayMood {
        let has = |phase: CallPhase| self.calls.iter().any(|c| c.call.phase == phase);
        // A phone out of reach says so, rather than ring on forever with a stale call.
        let reachable = |c: &CallView| {
            self.phones
                .iter()
                .any(|p| p.id == c.phone && p.connection.state == "online")
        };
        let live: Vec<&CallView> = self.calls.iter().filter(|c| reachable(c)).collect();
        if live.iter().any(|c| c.call.phase == CallPhase::Ringing) {
            TrayMood::Ringing
        } else if live
            .iter()
            .any(|c| matches!(c.call.phase, CallPhase::Connected | CallPhase::Dialing))
        {
            TrayMood::InCall
        } else if !live.is_empty() {
            TrayMood::OnHold
        } else if !self.any_online() || (has(CallPhase::Ringing) && live.is_empty()) {
            TrayMood::Offline
        } else {
            TrayMood::Idle
        }
    }

    /// The tray's first menu line: what is happening now, e.g. "Ringing: Ann Lee +1 416…".
    fn compute_headline(&self) -> String {
        let several = self.phones.len() > 1;
        let who = |c: &CallView| {
            let text = if c.contact.is_some() || !c.call.name.is_empty() {
                format!("{} {}", c.who(), c.display_number)
            } else {
                c.display_number.clone()
            };
            let who = if several {
                tr(
                    "headline-who-on-phone",
                    &[
                        ("who", text.into()),
                        ("phone", c.phone_name.as_str().into()),
                    ],
                )
            } else {
                text
            };
            [("who", who.into())]
        };
        let by_phase = |phase: CallPhase| self.calls.iter().find(|c| c.call.phase == phase);
        match self.mood {
            TrayMood::Ringing | TrayMood::InCall | TrayMood::OnHold => {}
            TrayMood::Offline | TrayMood::Idle => return self.connection_summary(),
        }
        if let Some(c) = by_phase(CallPhase::Ringing) {
            tr("headline-ringing", &who(c))
        } else if let Some(c) = by_phase(CallPhase::Connected) {
            let id = if c.muted {
                "headline-in-call-muted"
            } else {
                "headline-in-call"
            };
            tr(id, &who(c))
        } else if let Some(c) = by_phase(CallPhase::Dialing) {
            tr("headline-calling", &who(c))
        } else if let Some(c) = by_phase(CallPhase::Held) {
            tr("headline-on-hold", &who(c))
        } else {
            self.connection_summary()
        }
    }

    fn connection_summary(&self) -> String {
        match self.phones.as_slice() {
            [] => ConnectionView::not_configured().summary(),
            [only] => only.connection.summary(),
            many => {
                let online = many
                    .iter()
                    .filter(|p| p.connection.state == "online")
                    .count();
                let count = many.len() as u64;
                match many.iter().find(|p| p.connection.state != "online") {
                    None => tr("headline-phones-connected", &[("count", count.into())]),
                    Some(p) => tr(
                        "headline-phones-some-connected",
                        &[
                            ("online", (online as u64).into()),
                            ("count", count.into()),
                            ("phone", p.name.as_str().into()),
                            ("problem", p.connection.summary().into()),
                        ],
                    ),
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use callpop_phone::settings::{GrandstreamSettings, PhoneId, PhoneSystem};
    use callpop_phone::tracker::{CallEventKind, CallTracker};
    use callpop_phone::LineState;

    pub(crate) fn profile(id: &str) -> PhoneProfile {
        PhoneProfile {
            id: PhoneId::new(id),
            name: id.to_owned(),
            system: PhoneSystem::Grandstream(GrandstreamSettings {
                url: "10.0.0.5".into(),
                ..GrandstreamSettings::default()
            }),
        }
    }

    pub(crate) fn state_of(lines: Vec<Line>, connection: Connection) -> PhoneState {
        let mut tracker = CallTracker::with_id_prefix("v");
        let events = tracker.observe(&lines);
        assert!(events.iter().all(|e| e.event != CallEventKind::Missed));
        PhoneState {
            kind: BackendKind::Grandstream,
            label: "10.0.0.5".into(),
            capabilities: Capabilities {
                dial: true,
                answer: true,
                reject: true,
                hang_up: true,
                hold: true,
                mute: true,
                ..Capabilities::default()
            },
            connection,
            lines: lines.clone(),
            calls: tracker.calls().cloned().collect(),
            polls: 1,
            push: Default::default(),
            dnd: None,
            accounts: Vec::new(),
        }
    }

    pub(crate) fn view_of(states: &[(PhoneProfile, PhoneState)]) -> AppView {
        // The English words (no test makes callpop speak another language globally).
        crate::i18n::use_language("en");
        let inputs: Vec<PhoneInput<'_>> = states
            .iter()
            .map(|(p, s)| PhoneInput {
                profile: p,
                state: Some(s),
                override_connection: None,
                muted: Vec::new(),
            })
            .collect();
        AppView::build(
            &inputs,
            false,
            &CallExtras::default(),
            &DialingRules::default(),
        )
    }

    pub(crate) fn line(index: u32, state: &str, number: &str, name: &str) -> Line {
        Line {
            state: LineState::from_phone(state),
            remote_number: number.into(),
            remote_name: name.into(),
            ..Line::idle(index)
        }
    }

    #[test]
    fn accounts_show_while_the_phone_is_reachable_with_the_settings_default() {
        let mut desk = profile("desk");
        if let PhoneSystem::Grandstream(g) = &mut desk.system {
            g.dial_account = Some(2);
        }
        let account = |index: u32, registered| PhoneAccount {
            index,
            number: index + 1,
            name: String::new(),
            user: format!("100{}", index + 1),
            server: "pbx".into(),
            registered,
        };
        let mut state = state_of(vec![line(1, "idle", "", "")], Connection::Online);
        state.accounts = vec![account(0, true), account(1, false)];
        let v = view_of(&[(desk.clone(), state.clone())]);
        assert_eq!(v.phones[0].accounts, state.accounts);
        // Account 2 in the settings is index 1, as the accounts list them.
        assert_eq!(v.phones[0].dial_account, Some(1));
        state.connection = Connection::Offline {
            error: PhoneError::Refused(callpop_phone::Refusal::TooManyWaiting),
            retry_in_ms: 1000,
        };
        let v = view_of(&[(desk, state)]);
        assert!(v.phones[0].accounts.is_empty(), "not known while offline");
    }

    #[test]
    fn ringing_wins_over_a_call_in_progress_and_offers_answer_and_reject() {
        let v = view_of(&[(
            profile("desk"),
            state_of(
                vec![
                    line(1, "connected", "203", "Bob"),
                    line(2, "ringing", "+14165550123", "Ann Lee"),
                ],
                Connection::Online,
            ),
        )]);
        assert_eq!(v.mood, TrayMood::Ringing);
        assert!(v.headline.starts_with("Ringing: Ann Lee"), "{}", v.headline);
        assert!(v.headline.contains("416"), "{}", v.headline);
        let ringing = v
            .calls
            .iter()
            .find(|c| c.call.phase == CallPhase::Ringing)
            .expect("ringing");
        assert_eq!(ringing.actions, [ActionKind::Answer, ActionKind::Reject]);
        let talking = v
            .calls
            .iter()
            .find(|c| c.call.phase == CallPhase::Connected)
            .expect("connected");
        assert_eq!(
            talking.actions,
            [ActionKind::Hold, ActionKind::Mute, ActionKind::HangUp]
        );
    }

    #[test]
    fn an_unreachable_phone_never_keeps_the_tray_ringing() {
        let offline = Connection::Offline {
            error: PhoneError::Unreachable {
                host: "10.0.0.5".into(),
                reason: "Connection refused".into(),
            },
            retry_in_ms: 2000,
        };
        let v = view_of(&[(
            profile("desk"),
            state_of(vec![line(1, "ringing", "203", "")], offline),
        )]);
        assert_eq!(v.mood, TrayMood::Offline);
        assert!(
            v.headline.contains("Cannot reach the phone at 10.0.0.5"),
            "{}",
            v.headline
        );
        assert!(
            v.calls[0].actions.is_empty(),
            "no buttons that can only fail"
        );
    }

    #[test]
    fn several_phones_are_named_in_the_headline() {
        let v = view_of(&[
            (
                profile("desk"),
                state_of(vec![Line::idle(1)], Connection::Online),
            ),
            (
                profile("reception"),
                state_of(vec![line(1, "ringing", "203", "")], Connection::Online),
            ),
        ]);
        assert_eq!(v.headline, "Ringing: 203 (reception)");
        let idle = view_of(&[
            (
                profile("desk"),
                state_of(vec![Line::idle(1)], Connection::Online),
            ),
            (
                profile("b"),
                state_of(vec![Line::idle(1)], Connection::Online),
            ),
        ]);
        assert_eq!(idle.headline, "2 phones connected");
    }
}
