//! The simulated server's whole state behind one lock: users, calls, tokens, open sessions,
//! fault switches and records.
//!
//! One lock for everything keeps the order of events consistent: a state change and the
//! messages it causes are decided together, and messages reach each session's queue in that
//! order (queues are unbounded, so nothing waits under the lock). Call handling is in
//! `calls.rs`, websocket commands in `commands.rs`, tokens in `auth.rs`.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;

use super::config::{XucSimConfig, XucUser};
use super::error::XucSimError;
use super::faults::Faults;
use super::messages::{self, UserSettings};
use super::model::{CallId, CallState, Forward, ForwardKind, PhoneStatus, XucCall, XucUserState};
use super::record::{XucAuthRecord, XucCommandRecord, XucSessionRecord, MAX_XUC_RECORDS};

/// What the world asks a session task to do.
#[derive(Debug)]
pub(crate) enum Outbound {
    /// Send this text frame.
    Text(String),
    /// Send a close frame with this reason, then end.
    Close(&'static str),
    /// End at once without a close frame (the TCP connection just goes away).
    Drop,
}

/// A delayed action, spawned by the owner of the world once the lock is released.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Timer {
    /// The far end of an outgoing call answers.
    RemoteAnswer(CallId),
    /// An unanswered incoming call is forwarded (forward on no answer).
    NoAnswerForward(CallId),
    /// A demo caller stops waiting.
    CallerGivesUp(CallId),
    /// The other party of a demo call hangs up.
    RemoteHangup(CallId),
}

/// One user's settings and phone.
#[derive(Debug)]
pub(crate) struct UserState {
    pub(crate) account: XucUser,
    pub(crate) dnd: bool,
    pub(crate) no_answer: Forward,
    pub(crate) unconditional: Forward,
    pub(crate) busy: Forward,
    pub(crate) phone_available: bool,
    pub(crate) status: PhoneStatus,
}

impl UserState {
    pub(crate) fn forward(&self, kind: ForwardKind) -> &Forward {
        match kind {
            ForwardKind::NoAnswer => &self.no_answer,
            ForwardKind::Unconditional => &self.unconditional,
            ForwardKind::Busy => &self.busy,
        }
    }

    pub(crate) fn forward_mut(&mut self, kind: ForwardKind) -> &mut Forward {
        match kind {
            ForwardKind::NoAnswer => &mut self.no_answer,
            ForwardKind::Unconditional => &mut self.unconditional,
            ForwardKind::Busy => &mut self.busy,
        }
    }

    fn settings(&self) -> UserSettings<'_> {
        UserSettings {
            account: &self.account,
            dnd: self.dnd,
            no_answer: &self.no_answer,
            unconditional: &self.unconditional,
            busy: &self.busy,
        }
    }
}

/// A token issued by `auth/login` or `auth/check`.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) login: String,
    pub(crate) expires_at: Instant,
}

/// An open websocket.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) login: String,
    tx: UnboundedSender<Outbound>,
    /// Numbers subscribed with `subscribeToPhoneHints`.
    pub(crate) hints: BTreeSet<String>,
}

/// Everything the simulated server knows.
#[derive(Debug)]
pub(crate) struct World {
    pub(crate) config: XucSimConfig,
    pub(crate) users: Vec<UserState>,
    pub(crate) calls: BTreeMap<CallId, XucCall>,
    pub(crate) next_call: u64,
    pub(crate) next_channel: u64,
    pub(crate) tokens: HashMap<String, Token>,
    pub(crate) sessions: BTreeMap<u64, Session>,
    next_session: u64,
    pub(crate) faults: Faults,
    pub(crate) auth_records: VecDeque<XucAuthRecord>,
    session_records: VecDeque<XucSessionRecord>,
    timers: Vec<(Duration, Timer)>,
    stopped: bool,
}

impl World {
    pub(crate) fn new(config: XucSimConfig) -> World {
        let users = config
            .users
            .iter()
            .map(|account| UserState {
                account: account.clone(),
                dnd: false,
                no_answer: Forward::default(),
                unconditional: Forward::default(),
                busy: Forward::default(),
                phone_available: true,
                status: PhoneStatus::Available,
            })
            .collect();
        World {
            config,
            users,
            calls: BTreeMap::new(),
            next_call: 1,
            next_channel: 1,
            tokens: HashMap::new(),
            sessions: BTreeMap::new(),
            next_session: 1,
            faults: Faults::default(),
            auth_records: VecDeque::new(),
            session_records: VecDeque::new(),
            timers: Vec::new(),
            stopped: false,
        }
    }

    /// Index of the user with `login`.
    pub(crate) fn user_index(&self, login: &str) -> Result<usize, XucSimError> {
        self.users
            .iter()
            .position(|u| u.account.login == login)
            .ok_or_else(|| XucSimError::NoSuchUser(login.to_owned()))
    }

    /// Asks for `timer` to fire after `after`.
    pub(crate) fn schedule(&mut self, after: Duration, timer: Timer) {
        self.timers.push((after, timer));
    }

    /// The timers scheduled since the last call.
    pub(crate) fn take_timers(&mut self) -> Vec<(Duration, Timer)> {
        std::mem::take(&mut self.timers)
    }

    // ----- sessions -----

    /// Registers a new websocket of `login` and queues the login sequence: `LoggedOn`, the full
    /// `UserConfigUpdate`, `PhoneStatusUpdate` (or `LoggedOnError` and a close when sessions
    /// are refused). `None` once the server has stopped.
    pub(crate) fn open_session(
        &mut self,
        login: &str,
        tx: UnboundedSender<Outbound>,
    ) -> Option<u64> {
        if self.stopped {
            return None;
        }
        let ui = self.user_index(login).ok()?;
        let id = self.next_session;
        self.next_session += 1;
        push_capped(
            &mut self.session_records,
            XucSessionRecord {
                id,
                login: login.to_owned(),
                open: true,
                pings: 0,
                commands: Vec::new(),
                ended: None,
            },
        );
        if self.faults.refuse_sessions {
            // A closed receiver only means the session already ended: nothing to do.
            let _ = tx.send(Outbound::Text(messages::logged_on_failed()));
            let _ = tx.send(Outbound::Close("loggedOnFailed"));
            return Some(id);
        }
        let user = &self.users[ui];
        for text in [
            messages::logged_on(),
            messages::user_config_full(&user.settings()),
            messages::phone_status(user.status),
        ] {
            let _ = tx.send(Outbound::Text(text));
        }
        self.sessions.insert(
            id,
            Session {
                login: login.to_owned(),
                tx,
                hints: BTreeSet::new(),
            },
        );
        Some(id)
    }

    /// Forgets session `id`, noting why it ended.
    pub(crate) fn close_session(&mut self, id: u64, reason: &str) {
        self.sessions.remove(&id);
        if let Some(record) = self.session_record(id) {
            record.open = false;
            if record.ended.is_none() {
                record.ended = Some(reason.to_owned());
            }
        }
    }

    /// Ends every open session with `how` (`Outbound::Drop` or `Outbound::Close`).
    pub(crate) fn end_sessions(&mut self, how: impl Fn() -> Outbound, reason: &str) {
        let ids: Vec<u64> = self.sessions.keys().copied().collect();
        for id in ids {
            if let Some(session) = self.sessions.remove(&id) {
                let _ = session.tx.send(how());
            }
            if let Some(record) = self.session_record(id) {
                record.ended = Some(reason.to_owned());
            }
        }
    }

    /// Stops for good: sessions are dropped and no new one opens.
    pub(crate) fn stop(&mut self) {
        self.stopped = true;
        self.end_sessions(|| Outbound::Drop, "server stopped");
    }

    /// A restart of xuc: every socket drops, calls and tokens are forgotten (user settings
    /// such as DND and forwards live in XiVO's database and survive).
    pub(crate) fn restart(&mut self) {
        self.end_sessions(|| Outbound::Drop, "server restarted");
        self.calls.clear();
        self.tokens.clear();
        for ui in 0..self.users.len() {
            self.refresh_status(ui);
        }
    }

    /// Number of open sessions.
    pub(crate) fn open_sessions(&self) -> usize {
        self.sessions.len()
    }

    /// Queues `text` to session `id`.
    pub(crate) fn send_to_session(&self, id: u64, text: String) {
        if let Some(session) = self.sessions.get(&id) {
            let _ = session.tx.send(Outbound::Text(text));
        }
    }

    /// Queues `text` to every session of user `ui`.
    pub(crate) fn send_to_user(&self, ui: usize, text: &str) {
        let login = &self.users[ui].account.login;
        for session in self.sessions.values().filter(|s| &s.login == login) {
            let _ = session.tx.send(Outbound::Text(text.to_owned()));
        }
    }

    /// Queues `text` to every session; answers how many.
    pub(crate) fn send_to_all(&self, text: &str) -> usize {
        for session in self.sessions.values() {
            let _ = session.tx.send(Outbound::Text(text.to_owned()));
        }
        self.sessions.len()
    }

    pub(crate) fn session_record(&mut self, id: u64) -> Option<&mut XucSessionRecord> {
        self.session_records.iter_mut().rev().find(|r| r.id == id)
    }

    /// Appends `command` to session `id`'s record.
    pub(crate) fn record_command(&mut self, id: u64, command: XucCommandRecord) {
        if let Some(record) = self.session_record(id) {
            if record.commands.len() >= MAX_XUC_RECORDS {
                record.commands.remove(0);
            }
            record.commands.push(command);
        }
    }

    pub(crate) fn session_records(&self) -> Vec<XucSessionRecord> {
        self.session_records.iter().cloned().collect()
    }

    pub(crate) fn record_auth(&mut self, record: XucAuthRecord) {
        push_capped(&mut self.auth_records, record);
    }

    pub(crate) fn clear_records(&mut self) {
        self.auth_records.clear();
        // Open sessions keep a (fresh) record so their later commands are still seen.
        self.session_records.retain(|r| r.open);
        for record in &mut self.session_records {
            record.pings = 0;
            record.commands.clear();
        }
    }

    // ----- users and phone status -----

    /// `UserConfigUpdate` (partial) to every session of user `ui` after a DND
    /// (`changed` = `None`) or forward change.
    pub(crate) fn announce_settings(&self, ui: usize, changed: Option<ForwardKind>) {
        let text = messages::user_config_partial(&self.users[ui].settings(), changed);
        self.send_to_user(ui, &text);
    }

    /// The phone status of user `ui` computed from its calls.
    fn compute_status(&self, ui: usize) -> PhoneStatus {
        let user = &self.users[ui];
        if !user.phone_available {
            return PhoneStatus::Indisponible;
        }
        let calls: Vec<CallState> = self
            .calls
            .values()
            .filter(|c| c.user == user.account.login)
            .map(|c| c.state)
            .collect();
        let ringing = calls.contains(&CallState::Ringing);
        let active = calls
            .iter()
            .any(|s| matches!(s, CallState::Established | CallState::Dialing));
        let held = calls.contains(&CallState::OnHold);
        match (ringing, active, held) {
            (true, false, false) => PhoneStatus::Ringing,
            (true, _, _) => PhoneStatus::BusyAndRinging,
            (false, true, _) => PhoneStatus::Calling,
            (false, false, true) => PhoneStatus::OnHold,
            (false, false, false) => PhoneStatus::Available,
        }
    }

    /// Recomputes user `ui`'s phone status; when it changed, sends `PhoneStatusUpdate` to the
    /// user's sessions and `PhoneHintStatusEvent` to sessions subscribed to the user's line.
    pub(crate) fn refresh_status(&mut self, ui: usize) {
        let status = self.compute_status(ui);
        if status == self.users[ui].status {
            return;
        }
        self.users[ui].status = status;
        self.send_to_user(ui, &messages::phone_status(status));
        let dn = &self.users[ui].account.dn;
        let hint = messages::phone_hint(dn, status);
        for session in self.sessions.values().filter(|s| s.hints.contains(dn)) {
            let _ = session.tx.send(Outbound::Text(hint.clone()));
        }
    }

    /// Snapshot of every user.
    pub(crate) fn user_states(&self) -> Vec<XucUserState> {
        self.users
            .iter()
            .map(|u| XucUserState {
                login: u.account.login.clone(),
                dn: u.account.dn.clone(),
                name: u.account.full_name(),
                dnd: u.dnd,
                no_answer_forward: u.no_answer.clone(),
                unconditional_forward: u.unconditional.clone(),
                busy_forward: u.busy.clone(),
                phone_status: u.status,
                sessions: self
                    .sessions
                    .values()
                    .filter(|s| s.login == u.account.login)
                    .count(),
            })
            .collect()
    }

    /// Sets Do Not Disturb of user `ui` and tells the user's sessions.
    pub(crate) fn set_dnd(&mut self, ui: usize, on: bool) {
        self.users[ui].dnd = on;
        self.announce_settings(ui, None);
    }

    /// Sets forward `kind` of user `ui` and tells the user's sessions.
    pub(crate) fn set_forward(&mut self, ui: usize, kind: ForwardKind, forward: Forward) {
        *self.users[ui].forward_mut(kind) = forward;
        self.announce_settings(ui, Some(kind));
    }

    /// Marks user `ui`'s phone (un)available, which shows as status INDISPONIBLE.
    pub(crate) fn set_phone_available(&mut self, ui: usize, available: bool) {
        self.users[ui].phone_available = available;
        self.refresh_status(ui);
    }
}

fn push_capped<T>(records: &mut VecDeque<T>, record: T) {
    if records.len() >= MAX_XUC_RECORDS {
        records.pop_front();
    }
    records.push_back(record);
}
