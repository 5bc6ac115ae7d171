//! Grandstream GXP/GRP/DP/WP phones through their CTI HTTP API (see `phone-apis.md` §1).
//!
//! A polled backend: line status is read on a schedule, and the phone's Action URL pushes
//! (optional, see [`crate::push`]) only make the session read it at once. Call control goes
//! through `api-phone_operation` and key presses, planned per call in [`actions`] because the
//! phone acts on the line with focus, not on a line callpop names.

mod accounts;
mod actions;
mod check;
mod checklist;
pub mod cti;
pub mod models;

pub use cti::{ClientConfig, CtiClient, FactoryResetConfirmation};

use crate::account::{check_dial_from, PhoneAccount};
use crate::backend::checklist::SetupCheck;
use crate::backend::{
    Action, Backend, BackendKind, Capabilities, ConnectionReport, Feed, Performed, Target,
};
use crate::credentials::{Credentials, Secret};
use crate::error::PhoneError;
use crate::model::{Line, LineState};
use actions::Plan;
use async_trait::async_trait;
use models::{Key, PhoneOperation};
use std::sync::Arc;
use std::time::Duration;

/// A Grandstream phone. Cheap to share; the CTI client inside keeps one connection pool.
#[derive(Debug)]
pub struct Grandstream {
    client: Arc<CtiClient>,
    /// The account dialled from (0-based), when the settings name one.
    account: Option<u32>,
}

impl Grandstream {
    /// Dials from the account at 0-based `index` when a dial names none (the settings'
    /// default); `None`: the phone's default account.
    pub fn with_default_account(mut self, index: Option<u32>) -> Self {
        self.account = index;
        self
    }
}

impl Grandstream {
    pub fn new(client: CtiClient) -> Self {
        Self {
            client: Arc::new(client),
            account: None,
        }
    }

    /// The CTI client, for Grandstream-only commands (reboot, the phone's own status word).
    pub fn client(&self) -> &Arc<CtiClient> {
        &self.client
    }
}

/// How long the phone may take to bring a call forward by its line key: it presses keys
/// about one per 700 ms, and Wi-Fi handsets answer slowly.
const FOCUS_WAIT: Duration = Duration::from_secs(6);
/// How often the lines are read while waiting for that.
const FOCUS_POLL: Duration = Duration::from_millis(100);

impl Grandstream {
    /// Carries out [`Plan::Focus`]: the line key, then `then` only once the phone shows the
    /// call on `line` connected and picked (never on a guess: `endcall` would otherwise end
    /// whichever call the phone shows first), then the call of `give_back` resumed.
    async fn focus_then(
        &self,
        line: u32,
        then: PhoneOperation,
        give_back: Option<u32>,
    ) -> Result<(), PhoneError> {
        self.client.send_keys(&[Key::line(line)]).await?;
        self.wait_lines(|lines| actions::end_call_reaches(lines, line))
            .await
            .ok_or_else(|| PhoneError::from(crate::Refusal::LineNotForward { line }))?;
        self.client.operation(then).await?;
        if let Some(other) = give_back {
            // Resumed only when the phone shows the ended call gone and the other one held:
            // a line key on a line in any other state would do something else.
            let ready = self
                .wait_lines(|lines| {
                    actions::line_is(lines, line, &LineState::Idle)
                        && actions::line_is(lines, other, &LineState::OnHold)
                })
                .await;
            if ready.is_some() {
                self.client.send_keys(&[Key::line(other)]).await?;
            }
        }
        Ok(())
    }

    /// Reads the lines until `ready` holds (the lines then), or `None` after [`FOCUS_WAIT`].
    async fn wait_lines(&self, ready: impl Fn(&[Line]) -> bool) -> Option<Vec<Line>> {
        let deadline = tokio::time::Instant::now() + FOCUS_WAIT;
        loop {
            if let Ok(lines) = self.client.line_status().await {
                if ready(&lines) {
                    return Some(lines);
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(FOCUS_POLL).await;
        }
    }
}

#[async_trait]
impl Backend for Grandstream {
    fn kind(&self) -> BackendKind {
        BackendKind::Grandstream
    }

    fn label(&self) -> String {
        self.client.host().to_owned()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            dial: true,
            answer: true,
            reject: true,
            hang_up: true,
            hold: true,
            mute: true,
            // The CTI API has no transfer, and the phone's Do Not Disturb cannot be read back
            // (its only switch is the mute key at idle, a blind toggle).
            transfer: false,
            attended_transfer: false,
            dnd: false,
            forward: false,
            choose_account: true,
        }
    }

    fn feed(&self) -> Feed {
        Feed::Poll
    }

    async fn read_lines(&self) -> Result<Vec<Line>, PhoneError> {
        self.client.line_status().await
    }

    async fn perform(&self, action: &Action, target: &Target<'_>) -> Result<Performed, PhoneError> {
        if let Action::Dial { number, account } = action {
            let busy = target.lines.iter().any(|l| l.state.is_busy());
            let account = account.or(self.account);
            if let Some(index) = account {
                // Read now, not the session's list of up to a minute ago: an account that
                // just dropped its registration must not be dialled from.
                match self.accounts().await {
                    Ok(list) if !list.is_empty() => check_dial_from(&list, index)?,
                    // Firmware that lists no accounts: the phone decides.
                    Ok(_) => {}
                    Err(e) => return Err(e),
                }
            }
            let method = self.client.dial(number, account, busy).await?;
            return Ok(Performed::Dialed { method });
        }
        let call = target.call.ok_or(crate::Refusal::NoCall)?;
        match actions::plan(action, call, target.lines)? {
            Plan::Operation(op) => self.client.operation(op).await?,
            Plan::Keys(keys) => self.client.send_keys(&keys).await?,
            Plan::Focus {
                line,
                then,
                give_back,
            } => self.focus_then(line, then, give_back).await?,
        }
        Ok(Performed::Done)
    }

    async fn accounts(&self) -> Result<Vec<PhoneAccount>, PhoneError> {
        match self.client.accounts().await {
            Ok(list) => Ok(accounts::from_phone(&list)),
            // Older firmware has no account list: nothing to show or check.
            Err(PhoneError::NotSupported { .. }) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    async fn check(&self) -> Result<ConnectionReport, PhoneError> {
        check::test_connection(&self.client).await
    }

    async fn check_setup(&self) -> SetupCheck {
        checklist::check_setup(&self.client).await
    }

    fn rejection(&self) -> Option<PhoneError> {
        self.client.rejection()
    }

    fn locked_for(&self) -> Option<std::time::Duration> {
        self.client.locked_for()
    }

    fn set_secret(&self, secret: Secret) {
        let credentials = match self.client.credentials() {
            Credentials::Passcode(_) => Credentials::Passcode(secret),
            Credentials::Session { username, .. } => Credentials::Session {
                username,
                password: secret,
            },
        };
        self.client.set_credentials(credentials);
    }
}
