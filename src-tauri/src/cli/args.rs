//! The command line: `callpop` alone runs the tray app; with a subcommand it works headless.

use callpop_phone::BackendKind;
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "callpop",
    version,
    about = "Your desk phone, part of your computer: screen-pop, call control and click-to-dial.",
    after_help = "Links: `callpop tel:+14165550123` (also callto:, sip:) dials through the running app."
)]
pub struct Cli {
    /// Which of the phones in the settings (its id or name). Default: the first one.
    #[arg(long, global = true, value_name = "PHONE")]
    pub on: Option<String>,

    /// The phone's address (http://10.0.0.5, https://phone.local). Default: from the settings.
    #[arg(long, global = true, value_name = "URL")]
    pub phone: Option<String>,

    /// The phone certificate's SHA-256 fingerprint to accept (HTTPS). Default: from the settings.
    #[arg(long, global = true, value_name = "FINGERPRINT")]
    pub cert_sha256: Option<String>,

    /// Log in with a web session as this user (newer firmware) instead of a passcode.
    #[arg(long, global = true, value_name = "USER")]
    pub user: Option<String>,

    /// Run the app against a built-in simulated phone system (no hardware needed):
    /// grandstream (the default), asterisk, xivo or yealink.
    #[arg(long, value_name = "SYSTEM", num_args = 0..=1, default_missing_value = "grandstream", value_parser = parse_kind)]
    pub demo: Option<BackendKind>,

    /// Start in the tray without opening the main window (how "Start at login" starts it).
    #[arg(long)]
    pub tray: bool,

    /// A tel:, callto: or sip: link from the command line (taken out before parsing, since
    /// links may look like anything).
    #[arg(skip)]
    pub link: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the phone's status and every line.
    Status {
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print call events as they happen, until interrupted.
    Watch {
        /// One JSON object per line per event.
        #[arg(long)]
        json: bool,
        /// Also receive the phone's Action URL pushes on this address (e.g. 0.0.0.0:8787).
        #[arg(long, value_name = "ADDR:PORT")]
        listen: Option<String>,
    },
    /// Dial a number, as written anywhere ("+1 (416) 555-0123", "tel:203", "*97").
    Dial {
        #[arg(value_name = "NUMBER", num_args = 1.., required = true)]
        number: Vec<String>,
        /// Dial from this account of the phone: its number as the phone shows it (1 is
        /// "Account 1"), its SIP user (1002) or its name. Default: the one in the settings,
        /// else the phone's default.
        #[arg(long, value_name = "N|NAME")]
        account: Option<String>,
    },
    /// Answer the ringing call.
    Answer,
    /// Decline the ringing call.
    Reject,
    /// End the call in progress.
    Hangup,
    /// Put the call on hold, or resume it.
    Hold,
    /// Transfer the call in progress to another number (blind transfer).
    Transfer {
        #[arg(value_name = "NUMBER", num_args = 1.., required = true)]
        number: Vec<String>,
    },
    /// Turn Do Not Disturb on or off.
    Dnd {
        #[arg(value_parser = ["on", "off"])]
        state: String,
    },
    /// Forward calls (where the phone system can): `forward always 0612345678`,
    /// `forward no-answer 2000`, `forward busy off`.
    Forward {
        #[arg(value_parser = ["always", "no-answer", "busy"])]
        case: String,
        /// A number, or `off`.
        #[arg(value_name = "NUMBER|off", num_args = 1.., required = true)]
        to: Vec<String>,
    },
    /// List the phones in the settings.
    Phones {
        #[arg(long)]
        json: bool,
    },
    /// Mute or unmute the microphone during a call.
    Mute,
    /// Restart the phone (ends calls in progress).
    Reboot {
        /// Restart even while a call is in progress.
        #[arg(long)]
        force: bool,
    },
}

fn parse_kind(text: &str) -> Result<BackendKind, String> {
    text.parse()
}
