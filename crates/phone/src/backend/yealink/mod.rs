//! Yealink phones: Action URI to control them, Action URL pushes to learn of calls (see
//! `phone-apis.md` §2 and §3).
//!
//! A polled backend with a twist: a Yealink cannot be asked what its lines show, so the
//! pushes are the only source of call state. [`Backend::on_push`] keeps a call table from
//! them ([`calls`]) and hands the session the lines it leaves at once
//! ([`PushEffect::Lines`]); [`Backend::read_lines`] makes one cheap authenticated request
//! (`phonecfg=get`: the phone is there, the login works, Do Not Disturb is on or off) and
//! returns the same table. Without pushes callpop sees no calls at all, which is why the
//! settings page shows the Action URL lines ([`action_url_lines`]) to paste into the phone.
//!
//! Commands go through [`client`], planned per call in [`actions`] by the call's `$call_id`.

mod actions;
pub mod calls;
mod checklist;
pub mod client;
pub mod setup;
pub mod status;

pub use client::{ActionUriClient, Key, YealinkConfig};
pub use setup::{action_url_lines, action_urls_for, YealinkActionUrl};
pub use status::PhoneConfig;

use crate::backend::checklist::SetupCheck;
use crate::backend::{
    Action, Backend, BackendKind, Capabilities, ConnectionReport, DialMethod, Feed, Performed,
    PushEffect, Target,
};
use crate::credentials::Secret;
use crate::error::PhoneError;
use crate::model::{CallHint, HintKind, Line};
use crate::rejections::RejectedLogins;
use crate::session::LOSE_CALLS_AFTER;
use crate::settings::YealinkSettings;
use crate::tls::CertFingerprint;
use actions::Plan;
use async_trait::async_trait;
use calls::CallTable;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The backend for these settings.
pub fn open(
    settings: &YealinkSettings,
    secret: Secret,
    memory: Arc<RejectedLogins>,
) -> Result<Arc<dyn Backend>, PhoneError> {
    let config = config_for(settings, secret)?;
    let client = ActionUriClient::with_rejection_memory(config, memory)?;
    Ok(Arc::new(
        Yealink::new(client).with_outgoing_uri(&settings.outgoing_uri),
    ))
}

/// The client configuration for these settings.
pub fn config_for(settings: &YealinkSettings, secret: Secret) -> Result<YealinkConfig, PhoneError> {
    let pin = settings
        .cert_sha256
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(|text| {
            text.parse::<CertFingerprint>()
                .map_err(|why| PhoneError::BadAddress(settings.url.clone(), why))
        })
        .transpose()?;
    Ok(
        YealinkConfig::new(&settings.url, &settings.username, secret)?
            .with_pinned_cert(pin)
            .with_timeouts(
                Duration::from_millis(settings.connect_timeout_ms),
                Duration::from_millis(settings.request_timeout_ms),
            ),
    )
}

/// A Yealink phone. Cheap to share.
#[derive(Debug)]
pub struct Yealink {
    client: Arc<ActionUriClient>,
    /// The account dialled from (`outgoing_uri=`), when the settings name one.
    outgoing_uri: Option<String>,
    table: Mutex<CallTable>,
    dnd: Mutex<Option<bool>>,
    /// Reads failing since then, with nothing pushed meanwhile; `true` once that lasted
    /// [`LOSE_CALLS_AFTER`], after which the session has ended the calls as lost and the
    /// table must not bring them back.
    unreachable: Mutex<Option<(Instant, bool)>>,
}

impl Yealink {
    pub fn new(client: ActionUriClient) -> Self {
        Self {
            client: Arc::new(client),
            outgoing_uri: None,
            table: Mutex::new(CallTable::default()),
            dnd: Mutex::new(None),
            unreachable: Mutex::new(None),
        }
    }

    /// Dials from the account `uri` names (`1001@pbx.example.com`); blank: the phone's
    /// default account.
    pub fn with_outgoing_uri(mut self, uri: &str) -> Self {
        let uri = uri.trim();
        self.outgoing_uri = (!uri.is_empty()).then(|| uri.to_owned());
        self
    }

    /// The Action URI client, for Yealink-only requests.
    pub fn client(&self) -> &Arc<ActionUriClient> {
        &self.client
    }

    /// The lines the call table shows now.
    pub fn lines(&self) -> Vec<Line> {
        self.with_table(|t| t.lines())
    }

    fn with_table<R>(&self, f: impl FnOnce(&mut CallTable) -> R) -> R {
        match self.table.lock() {
            Ok(mut table) => f(&mut table),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    fn set_dnd(&self, dnd: Option<bool>) {
        if let (Some(dnd), Ok(mut slot)) = (dnd, self.dnd.lock()) {
            *slot = Some(dnd);
        }
    }

    /// `phonecfg=get`, read.
    async fn phone_config(&self) -> Result<PhoneConfig, PhoneError> {
        let text = self.client.phone_config().await?;
        status::parse_phone_config(&text, self.client.host(), "")
    }

    /// Notes a failed read; marks the table stale once reads failed for [`LOSE_CALLS_AFTER`].
    fn note_failure(&self) {
        if let Ok(mut slot) = self.unreachable.lock() {
            let (since, stale) = slot.get_or_insert((Instant::now(), false));
            if since.elapsed() >= LOSE_CALLS_AFTER {
                *stale = true;
            }
        }
    }

    /// Notes that the phone was heard from; clears the table when the session has given its
    /// calls up as lost meanwhile.
    fn note_contact(&self) {
        let stale = self
            .unreachable
            .lock()
            .ok()
            .and_then(|mut slot| slot.take())
            .is_some_and(|(_, stale)| stale);
        if stale {
            tracing::info!("the phone was out of reach for long: forgetting the calls it had");
            self.with_table(CallTable::clear);
        }
    }
}

#[async_trait]
impl Backend for Yealink {
    fn kind(&self) -> BackendKind {
        BackendKind::Yealink
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
            // No documented Action URI transfers a call (field code uses `BTrans=`,
            // unconfirmed): better no button than one that may do nothing.
            transfer: false,
            attended_transfer: false,
            dnd: true,
            forward: false,
            // The phone lists no accounts over Action URI to choose from; the settings'
            // `outgoing_uri` names the one to dial from.
            choose_account: false,
        }
    }

    fn feed(&self) -> Feed {
        Feed::Poll
    }

    async fn read_lines(&self) -> Result<Vec<Line>, PhoneError> {
        match self.phone_config().await {
            Ok(config) => {
                self.note_contact();
                self.set_dnd(config.dnd);
                Ok(self.with_table(|t| {
                    t.expire(Instant::now());
                    t.lines()
                }))
            }
            Err(error) => {
                self.note_failure();
                Err(error)
            }
        }
    }

    async fn perform(&self, action: &Action, target: &Target<'_>) -> Result<Performed, PhoneError> {
        match actions::plan(action, target.call, target.calls)? {
            Plan::Dial(number) => {
                if number.is_empty() {
                    return Err(crate::Refusal::NoNumber.into());
                }
                self.client
                    .dial(&number, self.outgoing_uri.as_deref())
                    .await?;
                Ok(Performed::Dialed {
                    method: DialMethod::ClickToDial,
                })
            }
            Plan::Keys(keys) => {
                self.client.press(&keys).await?;
                Ok(Performed::Done)
            }
        }
    }

    async fn check(&self) -> Result<ConnectionReport, PhoneError> {
        let config = self.phone_config().await?;
        self.note_contact();
        self.set_dnd(config.dnd);
        let name = if config.model.is_empty() {
            "the Yealink phone".to_owned()
        } else {
            format!("Yealink {}", config.model)
        };
        let dnd = match config.dnd {
            Some(true) => " (DND on)",
            Some(false) => " (DND off)",
            None => "",
        };
        Ok(ConnectionReport {
            model: config.model,
            lines: config.accounts,
            message: format!("Connected to {name}{dnd}"),
        })
    }

    async fn check_setup(&self) -> SetupCheck {
        let result = self.check().await;
        let checklist = checklist::checklist_after(&self.client, &result).await;
        SetupCheck {
            result,
            checklist: Some(checklist),
        }
    }

    fn rejection(&self) -> Option<PhoneError> {
        self.client.rejection()
    }

    fn dnd(&self) -> Option<bool> {
        self.dnd.lock().ok().and_then(|d| *d)
    }

    fn locked_for(&self) -> Option<Duration> {
        self.client.locked_for()
    }

    fn set_secret(&self, secret: Secret) {
        self.client.set_password(secret);
    }

    /// Pushes are the call state: the table takes each one and the session gets the lines it
    /// leaves. `dnd_on`/`dnd_off` update Do Not Disturb at once.
    fn on_push(&self, hint: &CallHint) -> PushEffect {
        let now = Instant::now();
        self.note_contact();
        if let HintKind::Other(word) = &hint.kind {
            match word.as_str() {
                "dndon" => self.set_dnd(Some(true)),
                "dndoff" => self.set_dnd(Some(false)),
                _ => {}
            }
        }
        PushEffect::Lines(self.with_table(|t| {
            t.apply(hint, now);
            t.expire(now);
            t.lines()
        }))
    }
}
