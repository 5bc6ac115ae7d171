//! Why callpop declined to do what was asked, or why a phone system would not let it, as a
//! value rather than a sentence.
//!
//! Each variant is one sentence; it holds the values the sentence is made of (numbers, the
//! phone's address, the action as an [`ActionKind`], the phone system as a [`BackendKind`])
//! so that the app can say it in the user's language: the catalog has `refusal-<kind>` for
//! each, with [`Refusal::params`] as its variables. The English [`Display`](std::fmt::Display)
//! text is the catalog's English message word for word (logs and tests read it).
//!
//! Text that comes from outside (what a PBX or server said) is only ever a value inside a
//! sentence (`reason`), cut short by [`crate::error::excerpt`] before it is stored. Text
//! already in the user's language (the command line says some refusals itself) is
//! [`Refusal::Said`], which no catalog translates again.

use crate::backend::{ActionKind, BackendKind};
use crate::error::{plural, seconds_param, tenths, Param, Params};
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    // ---- Which call ----------------------------------------------------------------------
    #[error("There is no call to do that to.")]
    NoCall,

    #[error("That call is already over.")]
    CallOver,

    #[error("That call is already over on the PBX.")]
    CallOverOnPbx,

    #[error("The caller hung up before the call could be answered.")]
    CallerHungUp,

    // ---- The call is not in a state the action fits -----------------------------------------
    #[error("No call is ringing.")]
    NotRinging,

    #[error("There is no call to hang up.")]
    NoCallToHangUp,

    #[error("Hold works during a connected call.")]
    HoldNeedsConnected,

    #[error("No call is on hold.")]
    NotOnHold,

    #[error("Mute works during a connected call (at idle the phone's mute key turns on Do Not Disturb).")]
    MuteNeedsConnected,

    #[error("Transfer works during a call.")]
    TransferNeedsCall,

    #[error("Transfer works once the call is answered.")]
    TransferNeedsAnswer,

    #[error("There is no number to transfer to.")]
    NoTransferNumber,

    #[error("No transfer is in progress: start one with a consultation first.")]
    NoTransferInProgress,

    #[error(
        "XiVO transfers the call you are talking on: resume this call first, then transfer it."
    )]
    XivoTransferHeld,

    // ---- What the phone system can do ---------------------------------------------------
    #[error("There is no number to dial.")]
    NoNumber,

    /// The phone system cannot do `action` at all through callpop.
    #[error("callpop cannot {} with this {}.", action.words(), system.display_name())]
    NotOffered {
        action: ActionKind,
        system: BackendKind,
    },

    #[error("{} cannot choose the account to dial from: it dials from its own line.", a_system(*system))]
    NoAccountChoice { system: BackendKind },

    /// A number Asterisk's `Exten:` cannot take; `action` is `Dial` or `Transfer`.
    #[error("\"{number}\" cannot be {} through Asterisk: use digits, + * and #, at most {}.", if *action == ActionKind::Transfer { "transferred to" } else { "dialled" }, plural(*max, "character", "characters"))]
    AsteriskBadNumber {
        number: String,
        action: ActionKind,
        max: u32,
    },

    // ---- Grandstream ----------------------------------------------------------------------
    /// The phone acts on the call it shows first, which is not the one on `line`; `action`
    /// is `Reject`, `HangUp`, `Hold` or `Mute`.
    #[error("The phone would {} another call than the one on line {line}: it only acts on the call it shows first. {}", on_screen(*action).0, on_screen(*action).1)]
    OtherCallFirst { action: ActionKind, line: u32 },

    #[error("The phone did not bring the call on line {line} forward in time, so callpop did not hang it up. Hang it up on the phone.")]
    LineNotForward { line: u32 },

    /// `account` as people count them (from 1).
    #[error("The phone did not take {number} by click-to-dial from account {account}, and pressing the digits would dial from its default account instead. Turn on \"Click-To-Dial Feature\" on the phone, or dial from the phone's default account.")]
    ClickToDialAccount { number: String, account: u32 },

    #[error("The phone did not take {number} by click-to-dial, and pressing the digits now would send them into the call in progress as tones. Dial it after this call, or turn on \"Click-To-Dial Feature\" on the phone.")]
    ClickToDialInCall { number: String },

    #[error("The phone's click-to-dial is off, and {number} cannot be typed on a keypad. Turn on \"Click-To-Dial Feature\" on the phone, or set an international prefix in callpop's dialing rules.")]
    ClickToDialNotTypable { number: String },

    // ---- Yealink ------------------------------------------------------------------------
    #[error(
        "Another call rings too, and the phone did not say which is which. Use the phone's keys."
    )]
    WhichRinging,

    #[error("Another call is on the phone, and the phone did not say which is which. Hang up on the phone.")]
    WhichToHangUp,

    #[error("Another call is on the phone, and the phone did not say which is which. Use the phone's Hold key.")]
    WhichToHold,

    #[error("The phone at {host} refused remote control from this computer. On the phone's web page open Features > Remote Control and add this computer's address to \"Action URI Allow IP List\" (features.action_uri_limit_ip), or set it to any.")]
    YealinkNotAllowed { host: String },

    #[error("The phone at {host} took the request but did not answer within {} s. If it shows \"Allow remote control?\", press OK on the phone (or set features.show_action_uri_option = 0 so it stops asking); otherwise it may be busy, and callpop keeps trying.", tenths(*.after))]
    YealinkNoAnswer { host: String, after: Duration },

    // ---- Asterisk -----------------------------------------------------------------------
    #[error("callpop cannot tell which channel on the PBX is the other party of this call, so it cannot transfer it. Transfer it with the desk phone's keys.")]
    OtherPartyUnknown,

    #[error("Too many requests to the PBX are waiting for an answer; try again in a moment.")]
    TooManyWaiting,

    #[error("The Asterisk manager account \"{username}\" is already logged in elsewhere, and the PBX allows one login per account. Set allowmultiplelogin = yes for it in manager.conf, or give callpop an account of its own. callpop keeps trying.")]
    AmiLoginInUse { username: String },

    // ---- XiVO ---------------------------------------------------------------------------
    /// The xuc server failed (HTTP 5xx); `reason` is what it said, as an excerpt.
    #[error("The XiVO server at {host} could not log {username} in right now (HTTP {status}{}). This is a problem on the server; callpop tries again by itself.", reason.as_deref().map(|r| format!(", {r}")).unwrap_or_default())]
    XivoLoginFailed {
        host: String,
        username: String,
        status: u16,
        reason: Option<String>,
    },

    /// `reason`: the server's error code, as an excerpt.
    #[error("The XiVO server at {host} refused to open a CTI session for {username}{}. Check on the XiVO that this user has a line and may use the CTI; callpop tries again by itself.", in_parens(reason))]
    XivoSessionRefused {
        host: String,
        username: String,
        reason: Option<String>,
    },

    /// `reason`: the server's error code, as an excerpt.
    #[error(
        "The XiVO server ended callpop's CTI session{}; callpop reconnects by itself.",
        in_parens(reason)
    )]
    XivoSessionEnded { reason: Option<String> },

    // ---- Already said -------------------------------------------------------------------
    /// A sentence already in the user's language (the command line's own refusals).
    #[error("{message}")]
    Said { message: String },
}

impl Refusal {
    /// A stable snake_case name: the catalog's message is `refusal-<kind>`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NoCall => "no_call",
            Self::CallOver => "call_over",
            Self::CallOverOnPbx => "call_over_on_pbx",
            Self::CallerHungUp => "caller_hung_up",
            Self::NotRinging => "not_ringing",
            Self::NoCallToHangUp => "no_call_to_hang_up",
            Self::HoldNeedsConnected => "hold_needs_connected",
            Self::NotOnHold => "not_on_hold",
            Self::MuteNeedsConnected => "mute_needs_connected",
            Self::TransferNeedsCall => "transfer_needs_call",
            Self::TransferNeedsAnswer => "transfer_needs_answer",
            Self::NoTransferNumber => "no_transfer_number",
            Self::NoTransferInProgress => "no_transfer_in_progress",
            Self::XivoTransferHeld => "xivo_transfer_held",
            Self::NoNumber => "no_number",
            Self::NotOffered { .. } => "not_offered",
            Self::NoAccountChoice { .. } => "no_account_choice",
            Self::AsteriskBadNumber { .. } => "asterisk_bad_number",
            Self::OtherCallFirst { .. } => "other_call_first",
            Self::LineNotForward { .. } => "line_not_forward",
            Self::ClickToDialAccount { .. } => "click_to_dial_account",
            Self::ClickToDialInCall { .. } => "click_to_dial_in_call",
            Self::ClickToDialNotTypable { .. } => "click_to_dial_not_typable",
            Self::WhichRinging => "which_ringing",
            Self::WhichToHangUp => "which_to_hang_up",
            Self::WhichToHold => "which_to_hold",
            Self::YealinkNotAllowed { .. } => "yealink_not_allowed",
            Self::YealinkNoAnswer { .. } => "yealink_no_answer",
            Self::OtherPartyUnknown => "other_party_unknown",
            Self::TooManyWaiting => "too_many_waiting",
            Self::AmiLoginInUse { .. } => "ami_login_in_use",
            Self::XivoLoginFailed { .. } => "xivo_login_failed",
            Self::XivoSessionRefused { .. } => "xivo_session_refused",
            Self::XivoSessionEnded { .. } => "xivo_session_ended",
            Self::Said { .. } => "said",
        }
    }

    /// The values of the sentence, by the names the catalog's `refusal-<kind>` uses. An
    /// action is its [`ActionKind::id`], a phone system its [`BackendKind::as_str`] (the
    /// catalog picks the words for them); a missing reason is `none`.
    pub fn params(&self) -> Params {
        let mut p = Params::new();
        let text = |s: &str| Param::Text(s.to_owned());
        let reason = |r: &Option<String>| text(r.as_deref().unwrap_or("none"));
        match self {
            Self::NoCall
            | Self::CallOver
            | Self::CallOverOnPbx
            | Self::CallerHungUp
            | Self::NotRinging
            | Self::NoCallToHangUp
            | Self::HoldNeedsConnected
            | Self::NotOnHold
            | Self::MuteNeedsConnected
            | Self::TransferNeedsCall
            | Self::TransferNeedsAnswer
            | Self::NoTransferNumber
            | Self::NoTransferInProgress
            | Self::XivoTransferHeld
            | Self::NoNumber
            | Self::WhichRinging
            | Self::WhichToHangUp
            | Self::WhichToHold
            | Self::OtherPartyUnknown
            | Self::TooManyWaiting => {}
            Self::NotOffered { action, system } => {
                p.insert("action", text(action.id()));
                p.insert("system", text(system.as_str()));
            }
            Self::NoAccountChoice { system } => {
                p.insert("system", text(system.as_str()));
            }
            Self::AsteriskBadNumber {
                number,
                action,
                max,
            } => {
                p.insert("number", text(number));
                p.insert("action", text(action.id()));
                p.insert("max", Param::from(*max));
            }
            Self::OtherCallFirst { action, line } => {
                p.insert("action", text(action.id()));
                p.insert("line", Param::from(*line));
            }
            Self::LineNotForward { line } => {
                p.insert("line", Param::from(*line));
            }
            Self::ClickToDialAccount { number, account } => {
                p.insert("number", text(number));
                p.insert("account", Param::from(*account));
            }
            Self::ClickToDialInCall { number } | Self::ClickToDialNotTypable { number } => {
                p.insert("number", text(number));
            }
            Self::YealinkNotAllowed { host } => {
                p.insert("host", text(host));
            }
            Self::YealinkNoAnswer { host, after } => {
                p.insert("host", text(host));
                p.insert("seconds", seconds_param(*after));
            }
            Self::AmiLoginInUse { username } => {
                p.insert("username", text(username));
            }
            Self::XivoLoginFailed {
                host,
                username,
                status,
                reason: why,
            } => {
                p.insert("host", text(host));
                p.insert("username", text(username));
                // A code, not a count: no digit grouping or plural forms.
                p.insert("status", Param::Text(status.to_string()));
                p.insert("reason", reason(why));
            }
            Self::XivoSessionRefused {
                host,
                username,
                reason: why,
            } => {
                p.insert("host", text(host));
                p.insert("username", text(username));
                p.insert("reason", reason(why));
            }
            Self::XivoSessionEnded { reason: why } => {
                p.insert("reason", reason(why));
            }
            Self::Said { message } => {
                p.insert("message", text(message));
            }
        }
        p
    }

    /// One of every variant, and every action or phone system a sentence has words for:
    /// what the app's tests say in every language, so that no sentence is left out.
    #[doc(hidden)]
    pub fn examples() -> Vec<Refusal> {
        let mut all = vec![
            Self::NoCall,
            Self::CallOver,
            Self::CallOverOnPbx,
            Self::CallerHungUp,
            Self::NotRinging,
            Self::NoCallToHangUp,
            Self::HoldNeedsConnected,
            Self::NotOnHold,
            Self::MuteNeedsConnected,
            Self::TransferNeedsCall,
            Self::TransferNeedsAnswer,
            Self::NoTransferNumber,
            Self::NoTransferInProgress,
            Self::XivoTransferHeld,
            Self::NoNumber,
        ];
        for system in BackendKind::ALL {
            all.extend(ActionKind::ALL.map(|action| Self::NotOffered { action, system }));
            all.push(Self::NoAccountChoice { system });
        }
        for (action, max) in [
            (ActionKind::Dial, 64),
            (ActionKind::Transfer, 1),
            (ActionKind::Dial, 22),
        ] {
            all.push(Self::AsteriskBadNumber {
                number: "12 34".into(),
                action,
                max,
            });
        }
        for action in [
            ActionKind::Reject,
            ActionKind::HangUp,
            ActionKind::Hold,
            ActionKind::Mute,
        ] {
            all.push(Self::OtherCallFirst { action, line: 2 });
        }
        all.extend([
            Self::LineNotForward { line: 3 },
            Self::ClickToDialAccount {
                number: "5550123".into(),
                account: 2,
            },
            Self::ClickToDialInCall {
                number: "5550123".into(),
            },
            Self::ClickToDialNotTypable {
                number: "+4930123".into(),
            },
            Self::WhichRinging,
            Self::WhichToHangUp,
            Self::WhichToHold,
            Self::YealinkNotAllowed {
                host: "10.0.0.7".into(),
            },
            Self::YealinkNoAnswer {
                host: "10.0.0.7".into(),
                after: Duration::from_millis(2500),
            },
            Self::YealinkNoAnswer {
                host: "10.0.0.7".into(),
                after: Duration::from_secs(5),
            },
            Self::OtherPartyUnknown,
            Self::TooManyWaiting,
            Self::AmiLoginInUse {
                username: "callpop".into(),
            },
            Self::XivoLoginFailed {
                host: "xuc.example.com".into(),
                username: "alice".into(),
                status: 503,
                reason: Some("\"UnhandledError\"".into()),
            },
            Self::XivoLoginFailed {
                host: "xuc.example.com".into(),
                username: "alice".into(),
                status: 500,
                reason: None,
            },
            Self::XivoSessionRefused {
                host: "xuc.example.com".into(),
                username: "alice".into(),
                reason: Some("\"loggedOnFailed\"".into()),
            },
            Self::XivoSessionRefused {
                host: "xuc.example.com".into(),
                username: "alice".into(),
                reason: None,
            },
            Self::XivoSessionEnded {
                reason: Some("\"LoggedInOnAnotherPhone\"".into()),
            },
            Self::XivoSessionEnded { reason: None },
            Self::Said {
                message: "Already said.".into(),
            },
        ]);
        all
    }
}

/// The phone system with its article, to start a sentence.
fn a_system(system: BackendKind) -> &'static str {
    match system {
        BackendKind::Grandstream => "A Grandstream phone",
        BackendKind::Asterisk => "An Asterisk PBX",
        BackendKind::Xivo => "A XiVO PBX",
        BackendKind::Yealink => "A Yealink phone",
    }
}

/// What a Grandstream would do to the call on screen, and what to do instead.
fn on_screen(action: ActionKind) -> (&'static str, &'static str) {
    match action {
        ActionKind::Reject => ("reject", "Reject it on the phone, or answer it."),
        ActionKind::HangUp => (
            "hang up",
            "Resume it first (the call you are in goes on hold), then hang up.",
        ),
        ActionKind::Hold => ("put on hold", "Use the phone's Hold key."),
        _ => ("mute", "Use the phone's Mute key."),
    }
}

/// ` (reason)`, or nothing.
fn in_parens(reason: &Option<String>) -> String {
    reason
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// A number for each variant; this match has no wildcard, so a new variant does not
    /// compile until it is counted here (and then the test below wants an example of it).
    fn ordinal(r: &Refusal) -> usize {
        match r {
            Refusal::NoCall => 0,
            Refusal::CallOver => 1,
            Refusal::CallOverOnPbx => 2,
            Refusal::CallerHungUp => 3,
            Refusal::NotRinging => 4,
            Refusal::NoCallToHangUp => 5,
            Refusal::HoldNeedsConnected => 6,
            Refusal::NotOnHold => 7,
            Refusal::MuteNeedsConnected => 8,
            Refusal::TransferNeedsCall => 9,
            Refusal::TransferNeedsAnswer => 10,
            Refusal::NoTransferNumber => 11,
            Refusal::NoTransferInProgress => 12,
            Refusal::XivoTransferHeld => 13,
            Refusal::NoNumber => 14,
            Refusal::NotOffered { .. } => 15,
            Refusal::NoAccountChoice { .. } => 16,
            Refusal::AsteriskBadNumber { .. } => 17,
            Refusal::OtherCallFirst { .. } => 18,
            Refusal::LineNotForward { .. } => 19,
            Refusal::ClickToDialAccount { .. } => 20,
            Refusal::ClickToDialInCall { .. } => 21,
            Refusal::ClickToDialNotTypable { .. } => 22,
            Refusal::WhichRinging => 23,
            Refusal::WhichToHangUp => 24,
            Refusal::WhichToHold => 25,
            Refusal::YealinkNotAllowed { .. } => 26,
            Refusal::YealinkNoAnswer { .. } => 27,
            Refusal::OtherPartyUnknown => 28,
            Refusal::TooManyWaiting => 29,
            Refusal::AmiLoginInUse { .. } => 30,
            Refusal::XivoLoginFailed { .. } => 31,
            Refusal::XivoSessionRefused { .. } => 32,
            Refusal::XivoSessionEnded { .. } => 33,
            Refusal::Said { .. } => 34,
        }
    }

    #[test]
    fn the_examples_hold_every_variant_and_every_kind_is_its_own() {
        let examples = Refusal::examples();
        let seen: BTreeSet<usize> = examples.iter().map(ordinal).collect();
        let wanted: BTreeSet<usize> = (0..=34).collect();
        assert_eq!(seen, wanted);
        let kinds: BTreeSet<&str> = examples.iter().map(Refusal::kind).collect();
        assert_eq!(kinds.len(), wanted.len(), "two variants share a kind");
    }

    #[test]
    fn every_value_the_sentence_shows_is_a_param() {
        for r in Refusal::examples() {
            let english = r.to_string();
            for (name, value) in r.params() {
                match (name, value) {
                    // Ids the catalog turns into words, and "no reason".
                    ("action" | "system", _) => {}
                    ("reason", Param::Text(t)) if t == "none" => {}
                    (_, Param::Text(t)) => assert!(english.contains(&t), "{name} in {english}"),
                    (_, Param::Number(n)) => {
                        assert!(english.contains(&n.to_string()), "{name} in {english}")
                    }
                }
            }
        }
    }

    #[test]
    fn action_ids_are_the_json_names() {
        for action in ActionKind::ALL {
            assert_eq!(
                serde_json::to_value(action).expect("json"),
                serde_json::json!(action.id())
            );
        }
    }

    #[test]
    fn the_sentences_read_as_before() {
        let r = Refusal::NotOffered {
            action: ActionKind::SetForward,
            system: BackendKind::Yealink,
        };
        assert_eq!(
            r.to_string(),
            "callpop cannot change call forwarding with this Yealink phone."
        );
        let r = Refusal::OtherCallFirst {
            action: ActionKind::Reject,
            line: 2,
        };
        assert_eq!(r.to_string(), "The phone would reject another call than the one on line 2: it only acts on the call it shows first. Reject it on the phone, or answer it.");
        let r = Refusal::XivoLoginFailed {
            host: "x".into(),
            username: "alice".into(),
            status: 503,
            reason: None,
        };
        assert!(r.to_string().contains("(HTTP 503)."), "{r}");
        let r = Refusal::YealinkNoAnswer {
            host: "x".into(),
            after: Duration::from_millis(2540),
        };
        assert!(r.to_string().contains("within 2.5 s."), "{r}");
    }
}
