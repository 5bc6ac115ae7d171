//! The one seam between callpop and a phone system.
//!
//! A desk worker's calls may be visible through the phone itself (Grandstream's CTI API,
//! Yealink's Action URI and URL) or through the PBX (Asterisk's manager interface, XiVO's xuc
//! server). Each of those is a [`Backend`]: it reports what the lines show and carries out
//! actions. Everything above it (the one call tracker, the session that drives it, the desktop
//! shell) is the same for all of them, so a call pops up, is named, logged and controlled the
//! same way whichever system reported it.
//!
//! Backends report in one of two ways ([`Feed`]):
//! - **polled** (Grandstream): the session asks for a complete snapshot of the lines on a
//!   schedule ([`Backend::read_lines`]), and pushes from the phone make it ask at once;
//! - **event-driven** (AMI, xuc): the backend holds a connection ([`Backend::connect`]) and
//!   turns what arrives into complete snapshots of its own, starting with a resync.
//!
//! Either way the tracker receives complete snapshots, which is what keeps it the single
//! truth: a backend never emits call events itself.

pub mod asterisk;
pub mod checklist;
pub mod grandstream;
pub mod xivo;
pub mod yealink;

use crate::account::PhoneAccount;
use crate::error::PhoneError;
use crate::model::{CallHint, Line};
use crate::tracker::ActiveCall;
use crate::Secret;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The phone systems callpop talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    /// Grandstream GXP/GRP/DP/WP phones through their CTI HTTP API.
    Grandstream,
    /// An Asterisk PBX through its manager interface (AMI).
    Asterisk,
    /// A XiVO (or Wazo-based) PBX through its xuc CTI server.
    Xivo,
    /// Yealink phones through Action URI (control) and Action URL (events).
    Yealink,
}

impl BackendKind {
    pub const ALL: [BackendKind; 4] = [
        BackendKind::Grandstream,
        BackendKind::Asterisk,
        BackendKind::Xivo,
        BackendKind::Yealink,
    ];

    /// The word used in settings files, `--demo` and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Grandstream => "grandstream",
            Self::Asterisk => "asterisk",
            Self::Xivo => "xivo",
            Self::Yealink => "yealink",
        }
    }

    /// The name people know the system by.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::Grandstream => "Grandstream phone",
            Self::Asterisk => "Asterisk PBX",
            Self::Xivo => "XiVO PBX",
            Self::Yealink => "Yealink phone",
        }
    }
}

impl fmt::Display for BackendKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for BackendKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == word)
            .ok_or_else(|| {
                format!("“{}” is not a phone system callpop knows: use grandstream, asterisk, xivo or yealink", s.chars().take(40).collect::<String>())
            })
    }
}

/// What to switch on at the phone or PBX so callpop may talk to it, step by step, for the
/// settings page.
pub fn setup_help(kind: BackendKind) -> &'static [&'static str] {
    match kind {
        BackendKind::Grandstream => &[
            "On the phone's web page, open Network > Remote Control and set \"Action URI Support\" to Enabled.",
            "Add this computer's address to \"Action URI Allowed IP List\" (or any).",
            "Set \"Remote Control Pop up Window Support\" to Disabled, or the phone asks on its screen before every action.",
            "For dialing from callpop, enable \"Click-To-Dial Feature\" (P-value 1561).",
        ],
        BackendKind::Asterisk => &[
            "In /etc/asterisk/manager.conf, enable the manager interface (enabled = yes, port = 5038).",
            "Add an account for callpop, e.g. [callpop] with a secret, read = call and write = call,originate,reporting.",
            "Allow this computer with permit = its address/255.255.255.255 (after deny = 0.0.0.0/0.0.0.0).",
            "Reload with `asterisk -rx \"manager reload\"`. Enter the desk phone's device as Asterisk names it, such as PJSIP/201.",
        ],
        BackendKind::Xivo => &[
            "Use the address of the XiVO CTI server (xuc), e.g. https://xivo.example.com.",
            "Log in with your own CTI user name and password, the ones of the XiVO web assistant.",
            "Your user needs a line (a phone) in XiVO: calls on that line are the ones callpop shows.",
        ],
        BackendKind::Yealink => &[
            "On the phone's web page, Features > Remote Control: add this computer's address to \"Action URI Allow IP List\" (features.action_uri_limit_ip).",
            "The first time callpop sends a command, the phone asks \"Allow remote control?\" on its screen: press OK (or set features.show_action_uri_option = 0 to stop the question).",
            "Under Features > Action URL, paste the lines callpop shows below: Yealink phones tell callpop of calls only this way.",
            "Use the web page's user (admin by default) and its password.",
        ],
    }
}

/// How a session learns what the phone does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feed {
    /// Ask [`Backend::read_lines`] on a schedule (and at once after a push or a command).
    Poll,
    /// Hold the connection from [`Backend::connect`] and take what it reports.
    Events,
}

/// What a backend can do. The windows and the tray offer nothing else, so a desk worker never
/// meets a button that can only fail.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    pub dial: bool,
    pub answer: bool,
    pub reject: bool,
    pub hang_up: bool,
    pub hold: bool,
    pub mute: bool,
    /// Blind transfer: the caller goes straight to another number.
    pub transfer: bool,
    /// Consult first, then complete or cancel the transfer.
    pub attended_transfer: bool,
    /// Do Not Disturb on and off.
    pub dnd: bool,
    /// Call forwarding (always, on no answer, when busy) on and off.
    pub forward: bool,
    /// Dialing from a chosen SIP account of the phone ([`Action::Dial`]'s `account`). Only
    /// then do the windows offer an account picker and `--account` work.
    pub choose_account: bool,
}

/// Something a person asks the phone to do. Call actions name their call through the
/// session ([`crate::session::Session::act`]); the backend receives the call resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Dial an already normalized dial string (see [`crate::number`]), from the account at
    /// 0-based `account` (see [`crate::account`]); `None`: the account the settings name, else
    /// the phone's default.
    Dial {
        number: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        account: Option<u32>,
    },
    Answer,
    Reject,
    /// End a connected or held call, or abandon an outgoing one.
    HangUp,
    Hold,
    Resume,
    Mute,
    Unmute,
    /// Blind transfer of the call to `to` (a dial string).
    Transfer {
        to: String,
    },
    /// Start an attended transfer: the call is held while `to` is called.
    ConsultTransfer {
        to: String,
    },
    /// Join the held caller with the consulted party.
    CompleteTransfer,
    /// Drop the consultation and go back to the caller.
    CancelTransfer,
    SetDnd {
        on: bool,
    },
    /// Forward calls in `case` to `to` (a dial string), or stop forwarding them (`None`).
    SetForward {
        case: ForwardCase,
        to: Option<String>,
    },
}

/// When calls are forwarded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForwardCase {
    /// Every call, without ringing here.
    Always,
    /// Calls nobody answers here in time.
    NoAnswer,
    /// Calls that come while the line is busy.
    Busy,
}

/// An [`Action`] without its details, for lists of what a call offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Dial,
    Answer,
    Reject,
    HangUp,
    Hold,
    Resume,
    Mute,
    Unmute,
    Transfer,
    ConsultTransfer,
    CompleteTransfer,
    CancelTransfer,
    SetDnd,
    SetForward,
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Self::Dial { .. } => ActionKind::Dial,
            Self::Answer => ActionKind::Answer,
            Self::Reject => ActionKind::Reject,
            Self::HangUp => ActionKind::HangUp,
            Self::Hold => ActionKind::Hold,
            Self::Resume => ActionKind::Resume,
            Self::Mute => ActionKind::Mute,
            Self::Unmute => ActionKind::Unmute,
            Self::Transfer { .. } => ActionKind::Transfer,
            Self::ConsultTransfer { .. } => ActionKind::ConsultTransfer,
            Self::CompleteTransfer => ActionKind::CompleteTransfer,
            Self::CancelTransfer => ActionKind::CancelTransfer,
            Self::SetDnd { .. } => ActionKind::SetDnd,
            Self::SetForward { .. } => ActionKind::SetForward,
        }
    }
}

impl ActionKind {
    /// Whether the backend can do this at all.
    pub fn allowed_by(self, caps: &Capabilities) -> bool {
        match self {
            Self::Dial => caps.dial,
            Self::Answer => caps.answer,
            Self::Reject => caps.reject,
            Self::HangUp => caps.hang_up,
            Self::Hold | Self::Resume => caps.hold,
            Self::Mute | Self::Unmute => caps.mute,
            Self::Transfer => caps.transfer,
            Self::ConsultTransfer | Self::CompleteTransfer | Self::CancelTransfer => {
                caps.attended_transfer
            }
            Self::SetDnd => caps.dnd,
            Self::SetForward => caps.forward,
        }
    }

    /// The stable snake_case name, as in JSON (`hang_up`, `set_forward`): what a message
    /// sends to the catalog, which picks the words for the action in the user's language.
    pub fn id(self) -> &'static str {
        match self {
            Self::Dial => "dial",
            Self::Answer => "answer",
            Self::Reject => "reject",
            Self::HangUp => "hang_up",
            Self::Hold => "hold",
            Self::Resume => "resume",
            Self::Mute => "mute",
            Self::Unmute => "unmute",
            Self::Transfer => "transfer",
            Self::ConsultTransfer => "consult_transfer",
            Self::CompleteTransfer => "complete_transfer",
            Self::CancelTransfer => "cancel_transfer",
            Self::SetDnd => "set_dnd",
            Self::SetForward => "set_forward",
        }
    }

    /// Every action, for lists and tests.
    pub const ALL: [ActionKind; 14] = [
        Self::Dial,
        Self::Answer,
        Self::Reject,
        Self::HangUp,
        Self::Hold,
        Self::Resume,
        Self::Mute,
        Self::Unmute,
        Self::Transfer,
        Self::ConsultTransfer,
        Self::CompleteTransfer,
        Self::CancelTransfer,
        Self::SetDnd,
        Self::SetForward,
    ];

    /// Words for messages: "answer", "put on hold"...
    pub fn words(self) -> &'static str {
        match self {
            Self::Dial => "dial",
            Self::Answer => "answer",
            Self::Reject => "reject the call",
            Self::HangUp => "hang up",
            Self::Hold => "put the call on hold",
            Self::Resume => "resume the call",
            Self::Mute => "mute the microphone",
            Self::Unmute => "unmute the microphone",
            Self::Transfer => "transfer the call",
            Self::ConsultTransfer => "start a consultation transfer",
            Self::CompleteTransfer => "complete the transfer",
            Self::CancelTransfer => "cancel the transfer",
            Self::SetDnd => "change Do Not Disturb",
            Self::SetForward => "change call forwarding",
        }
    }
}

/// What an action is about, as the session resolved it.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    /// The call the action is for (`None` for dialing and Do Not Disturb).
    pub call: Option<&'a ActiveCall>,
    /// The latest snapshot of every line (which line has focus matters on some phones).
    pub lines: &'a [Line],
    /// Every call in progress.
    pub calls: &'a [ActiveCall],
}

/// How a number was dialled, for the person who asked ("via click-to-dial").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DialMethod {
    /// The phone's click-to-dial accepted it.
    ClickToDial,
    /// The digits were pressed as keys (no or a disabled click-to-dial).
    Keypad,
    /// The PBX rings the desk phone first, then calls the number.
    Pbx,
}

impl DialMethod {
    pub fn words(self) -> &'static str {
        match self {
            Self::ClickToDial => "click-to-dial",
            Self::Keypad => "keypad",
            Self::Pbx => "the phone system",
        }
    }
}

/// What an action did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "done", rename_all = "snake_case")]
pub enum Performed {
    Done,
    Dialed { method: DialMethod },
}

/// What a push from the phone means to a backend.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushEffect {
    /// A trigger: read the phone now (the push itself is only a hint).
    Reread,
    /// The push is the source: here are the lines it leaves (Yealink keeps its picture from
    /// pushes, since the phone offers nothing to read).
    Lines(Vec<Line>),
}

/// What "Test connection" found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConnectionReport {
    /// The model or server ("GXP2170", "Asterisk 22"); empty when unknown.
    pub model: String,
    /// How many lines (or call appearances) it reported.
    pub lines: usize,
    /// One sentence for the user: "Connected to GXP2170: 4 lines, 2 accounts."
    pub message: String,
}

/// A phone system, as the session drives it. See the module documentation.
#[async_trait]
pub trait Backend: Send + Sync + fmt::Debug + 'static {
    fn kind(&self) -> BackendKind;

    /// Where the phone is, for people: "10.0.0.5", "pbx.example.com (PJSIP/201)".
    fn label(&self) -> String;

    fn capabilities(&self) -> Capabilities;

    fn feed(&self) -> Feed;

    /// Polled backends: every line, now, sorted by line number.
    async fn read_lines(&self) -> Result<Vec<Line>, PhoneError>;

    /// Event-driven backends: opens the connection and logs in. The stream's first report is
    /// a complete snapshot of the lines (a resync after every reconnect).
    async fn connect(&self) -> Result<Box<dyn EventStream>, PhoneError> {
        Err(PhoneError::NotSupported {
            function: format!("{} events", self.kind()),
        })
    }

    /// Carries out an action the session has checked against the capabilities and the
    /// call's phase. Backend rules live here (which key answers a second call, why hold is a
    /// toggle on one phone and two actions on another).
    async fn perform(&self, action: &Action, target: &Target<'_>) -> Result<Performed, PhoneError>;

    /// "Test connection": a real, authenticated request, and what it says about the phone.
    async fn check(&self) -> Result<ConnectionReport, PhoneError>;

    /// "Test connection" with what it proves about each switch to set at the phone (see
    /// [`checklist`]); systems without a checklist only test.
    async fn check_setup(&self) -> checklist::SetupCheck {
        checklist::SetupCheck {
            result: self.check().await,
            checklist: None,
        }
    }

    /// The rejection that stops every request until the user changes the login: a rejected
    /// password is never retried by itself (phones lock out after a few tries).
    fn rejection(&self) -> Option<PhoneError>;

    /// The phone's SIP accounts and whether each is registered, for systems that can choose
    /// the account to dial from ([`Capabilities::choose_account`]); empty for the others. The
    /// session reads them on connecting and then rarely (they change seldom), not every poll.
    async fn accounts(&self) -> Result<Vec<PhoneAccount>, PhoneError> {
        Ok(Vec::new())
    }

    /// Whether Do Not Disturb is on, for systems that can tell. Read after every snapshot: an
    /// event backend reports its lines again after a DND change so the change shows.
    fn dnd(&self) -> Option<bool> {
        None
    }

    /// While a lock-out blocks requests: how long it still lasts (then one try is allowed).
    fn locked_for(&self) -> Option<std::time::Duration> {
        None
    }

    /// A new password or passcode from the user: the only thing that lifts a rejection.
    fn set_secret(&self, secret: Secret);

    /// What a push from this phone means. Most backends treat pushes as triggers.
    fn on_push(&self, _hint: &CallHint) -> PushEffect {
        PushEffect::Reread
    }
}

/// What an event-driven backend reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Report {
    /// The complete picture of the lines after the latest events.
    Lines(Vec<Line>),
    /// Details about a call (a name, an id) that do not change the picture.
    Hint(CallHint),
}

/// A live connection of an event-driven backend.
#[async_trait]
pub trait EventStream: Send {
    /// The next report. An error ends the connection: the session reconnects with back-off
    /// (or waits for the user when the error says so, see [`PhoneError::needs_user`]).
    async fn next(&mut self) -> Result<Report, PhoneError>;
}
