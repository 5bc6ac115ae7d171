//! A watched phone with call control: what the tray app and the command line hold on to.
//!
//! A [`Session`] drives one [`Backend`] in a background task (see [`worker`]) and owns the one
//! call tracker for that phone. It publishes the phone's state and call events, and carries
//! out actions on a named call. The rules that are the same for every phone system live here:
//! which call an action without a call means, which phases an action fits, that a rejected
//! call is not a missed one, that the microphone state is remembered per call (most phones
//! cannot report it). What differs between systems is the backend's business.

mod once;
mod state;
mod worker;

pub use state::{Connection, PhoneState, PushHealth, PushState, PushTiming, ACCOUNTS_EVERY};
pub use worker::LOSE_CALLS_AFTER;

use crate::backend::{Action, ActionKind, Backend, DialMethod, Performed, Target};
use crate::error::PhoneError;
use crate::push::PushListener;
use crate::refusal::Refusal;
use crate::tracker::{ActiveCall, CallEvent, CallId, CallPhase, CallTracker};
use crate::Secret;
use state::millis;
use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc, watch, Notify};
use tokio::task::JoinHandle;
use worker::{Input, Timing, Worker};

/// See the module documentation.
pub struct Session {
    backend: Arc<dyn Backend>,
    wake: Arc<Notify>,
    shutdown: watch::Sender<bool>,
    events: broadcast::Sender<CallEvent>,
    state: watch::Receiver<PhoneState>,
    timing: Arc<Timing>,
    inputs: mpsc::UnboundedSender<Input>,
    /// Carries one listener's pushes to the worker.
    forwarder: Mutex<Option<JoinHandle<()>>>,
    /// The worker; taken by [`Session::shutdown`].
    task: Mutex<Option<JoinHandle<CallTracker>>>,
    /// A receiver made before the worker started, so the first snapshot's events (a call
    /// ringing when callpop starts) reach whoever takes it ([`Session::subscribe_from_start`]).
    first_events: Mutex<Option<broadcast::Receiver<CallEvent>>>,
    /// Calls callpop has muted. Most phones cannot report the mute state, so callpop remembers
    /// its own toggles per call; a new call starts unmuted.
    muted: Mutex<HashSet<CallId>>,
    /// Actions under way or just done, so that a repeat is not carried out twice.
    once: once::Once<Result<Performed, PhoneError>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Starts watching the phone behind `backend`, reading it every `interval` when it is a
    /// polled one. `tracker` carries on the calls of a session this one replaces (after a
    /// settings change), so calls in progress are not announced again. Must be called inside
    /// a tokio runtime.
    pub fn start(
        backend: Arc<dyn Backend>,
        interval: Duration,
        tracker: Option<CallTracker>,
    ) -> Self {
        let wake = Arc::new(Notify::new());
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (events, first_events) = broadcast::channel(256);
        let (state_tx, state) = watch::channel(PhoneState::initial(
            backend.kind(),
            backend.label(),
            backend.capabilities(),
            interval,
        ));
        let defaults = PushTiming::default();
        let timing = Arc::new(Timing {
            interval: AtomicU64::new(millis(interval)),
            reconcile: AtomicU64::new(millis(defaults.reconcile)),
            grace: AtomicU64::new(millis(defaults.grace)),
            accounts: AtomicU64::new(millis(ACCOUNTS_EVERY)),
        });
        let (inputs, inputs_rx) = mpsc::unbounded_channel();
        let adopted = tracker.is_some();
        let worker = Worker {
            backend: backend.clone(),
            tracker: tracker.unwrap_or_default(),
            wake: wake.clone(),
            shutdown: shutdown_rx,
            events: events.clone(),
            state: state_tx,
            timing: timing.clone(),
            inputs: inputs_rx,
            failures: 0,
            push_state: PushState::Off,
            last_push: None,
            unannounced: None,
            // An adopted tracker already knows the phone: its first snapshot is news.
            seen_phone: adopted,
            unreachable_since: None,
            accounts_read: None,
        };
        let task = tokio::spawn(worker.run());
        Self {
            backend,
            wake,
            shutdown,
            events,
            state,
            timing,
            inputs,
            forwarder: Mutex::new(None),
            task: Mutex::new(Some(task)),
            muted: Mutex::new(HashSet::new()),
            once: once::Once::default(),
            first_events: Mutex::new(Some(first_events)),
        }
    }

    pub fn backend(&self) -> &Arc<dyn Backend> {
        &self.backend
    }

    /// Call events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<CallEvent> {
        self.events.subscribe()
    }

    /// Call events from the session's start, for the one subscriber that must not miss the
    /// first (a call already ringing); later callers get events from now on.
    pub fn subscribe_from_start(&self) -> broadcast::Receiver<CallEvent> {
        self.first_events
            .lock()
            .ok()
            .and_then(|mut first| first.take())
            .unwrap_or_else(|| self.events.subscribe())
    }

    /// The latest phone state; `changed()` wakes on every new one.
    pub fn state(&self) -> watch::Receiver<PhoneState> {
        self.state.clone()
    }

    pub fn current(&self) -> PhoneState {
        self.state.borrow().clone()
    }

    /// Look at the phone now (after a command, a settings change). Several wakes before the
    /// worker gets to run fold into one look.
    pub fn poll_now(&self) {
        self.wake.notify_one();
    }

    /// A new polling interval, effective from the next wait.
    pub fn set_interval(&self, interval: Duration) {
        self.timing
            .interval
            .store(millis(interval), Ordering::Relaxed);
        self.poll_now();
    }

    /// How often the phone's accounts are read again (default [`ACCOUNTS_EVERY`]).
    pub fn set_accounts_interval(&self, every: Duration) {
        self.timing.accounts.store(millis(every), Ordering::Relaxed);
    }

    /// Reads the phone's accounts at the next look (and looks now), e.g. after a dial found
    /// one that changed.
    pub fn refresh_accounts(&self) {
        let _ = self.inputs.send(Input::ReadAccounts);
    }

    /// New reconciliation interval and grace time, effective from the next wait.
    pub fn set_push_timing(&self, timing: PushTiming) {
        self.timing
            .reconcile
            .store(millis(timing.reconcile), Ordering::Relaxed);
        self.timing
            .grace
            .store(millis(timing.grace), Ordering::Relaxed);
    }

    /// Feeds the pushes `listener` routes to this phone (`route`, see
    /// [`PushListener::subscribe_route`]) to the tracker, replacing any listener attached
    /// before. Push health starts as `waiting`. Must be called inside a tokio runtime.
    pub fn attach_push(&self, listener: &PushListener, route: &str) {
        let mut rx = listener.subscribe();
        let route = route.to_owned();
        let tx = self.inputs.clone();
        let forward = async move {
            if tx.send(Input::PushAttached).is_err() {
                return;
            }
            loop {
                // Ends with the session too, even when no push ever comes.
                let received = tokio::select! {
                    received = rx.recv() => received,
                    () = tx.closed() => return,
                };
                let input = match received {
                    Ok(push) if push.route == route => Input::Push(Box::new(push)),
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => Input::PushLagged,
                    Err(RecvError::Closed) => {
                        let _ = tx.send(Input::PushUnavailable(
                            "The push listener stopped.".to_owned(),
                        ));
                        return;
                    }
                };
                if tx.send(input).is_err() {
                    return;
                }
            }
        };
        self.replace_forwarder(Some(tokio::spawn(forward)));
    }

    /// Stops using pushes: polling only, push health `off`.
    pub fn detach_push(&self) {
        self.replace_forwarder(None);
        let _ = self.inputs.send(Input::PushDetached);
    }

    /// Push is wanted but cannot work (e.g. the listener cannot bind its port): polling at
    /// the normal interval, push health `silent` with `reason`.
    pub fn push_unavailable(&self, reason: impl Into<String>) {
        self.replace_forwarder(None);
        let _ = self.inputs.send(Input::PushUnavailable(reason.into()));
    }

    fn replace_forwarder(&self, new: Option<JoinHandle<()>>) {
        if let Ok(mut slot) = self.forwarder.lock() {
            if let Some(old) = std::mem::replace(&mut *slot, new) {
                old.abort();
            }
        }
    }

    /// A new password from the user: lifts a rejection and looks at once.
    pub fn set_secret(&self, secret: Secret) {
        self.backend.set_secret(secret);
        self.poll_now();
    }

    /// Whether callpop muted this call.
    pub fn is_muted(&self, call: &CallId) -> bool {
        self.muted.lock().map(|m| m.contains(call)).unwrap_or(false)
    }

    /// What a call in progress offers right now, in the order the windows show them.
    pub fn offered(&self, call: &ActiveCall) -> Vec<ActionKind> {
        let caps = self.backend.capabilities();
        let muted = self.is_muted(&call.call);
        let calls = self.current().calls;
        offered_actions(call.phase, &caps, muted, consulting(call, &calls))
    }

    /// Does `action` to `call`, or when `call` is `None`, to the call it naturally means (the
    /// ringing one for Answer, the one in progress for Hang up...). The same call action (or
    /// dial of the same number) asked for again while it runs, or within a second after, is
    /// not carried out twice: the repeat gets the first one's outcome (see [`once`]). Settings
    /// of the phone (Do Not Disturb, forwarding) say what should be, so they are always
    /// carried out.
    pub async fn act(
        &self,
        call: Option<&CallId>,
        action: Action,
    ) -> Result<Performed, PhoneError> {
        if matches!(action.kind(), ActionKind::SetDnd | ActionKind::SetForward) {
            return self.act_now(call, action).await;
        }
        let key = format!("{call:?} {action:?}");
        self.once.run(key, self.act_now(call, action)).await
    }

    async fn act_now(
        &self,
        call: Option<&CallId>,
        action: Action,
    ) -> Result<Performed, PhoneError> {
        let kind = action.kind();
        let caps = self.backend.capabilities();
        if !kind.allowed_by(&caps) {
            return Err(Refusal::NotOffered {
                action: kind,
                system: self.backend.kind(),
            }
            .into());
        }
        if matches!(
            action,
            Action::Dial {
                account: Some(_),
                ..
            }
        ) && !caps.choose_account
        {
            return Err(Refusal::NoAccountChoice {
                system: self.backend.kind(),
            }
            .into());
        }
        let state = self.current();
        let target_call = if needs_call(kind) {
            Some(pick_call(&state.calls, call, kind)?)
        } else {
            None
        };
        let target = Target {
            call: target_call.as_ref(),
            lines: &state.lines,
            calls: &state.calls,
        };
        // Marked before the phone is asked: an event backend may report the call gone before
        // `perform` returns, and a declined call must not end up a missed one.
        let declined = target_call.as_ref().filter(|call| {
            kind == ActionKind::Reject
                || (kind == ActionKind::HangUp && call.phase == CallPhase::Ringing)
        });
        if let Some(call) = declined {
            let _ = self.inputs.send(Input::Rejected(call.call.clone()));
        }
        let result = self.backend.perform(&action, &target).await;
        match (&result, &target_call) {
            (Err(_), Some(call)) if declined.is_some() => {
                let _ = self.inputs.send(Input::NotRejected(call.call.clone()));
            }
            (Ok(_), Some(call)) if matches!(kind, ActionKind::Mute | ActionKind::Unmute) => {
                self.remember_mute(&call.call, kind == ActionKind::Mute, &state.calls);
            }
            _ => {}
        }
        self.poll_now();
        result
    }

    /// Toggles the microphone of the connected call (or `call`); returns whether it is now
    /// muted.
    pub async fn toggle_mute(&self, call: Option<&CallId>) -> Result<bool, PhoneError> {
        let state = self.current();
        let target = pick_call(&state.calls, call, ActionKind::Mute)?;
        let now_muted = !self.is_muted(&target.call);
        let action = if now_muted {
            Action::Mute
        } else {
            Action::Unmute
        };
        self.act(Some(&target.call), action).await?;
        Ok(now_muted)
    }

    /// Dials an already normalized dial string (see [`crate::number`]) from the account the
    /// settings name, else the phone's default.
    pub async fn dial(&self, dial_string: &str) -> Result<DialMethod, PhoneError> {
        self.dial_from(dial_string, None).await
    }

    /// Dials from the account at 0-based `account` (see [`crate::account`]); `None` as
    /// [`Session::dial`]. An account that is not on the phone or not registered is refused
    /// before anything is dialled, and the accounts shown are read again.
    pub async fn dial_from(
        &self,
        dial_string: &str,
        account: Option<u32>,
    ) -> Result<DialMethod, PhoneError> {
        if dial_string.is_empty() {
            return Err(Refusal::NoNumber.into());
        }
        match self
            .act(
                None,
                Action::Dial {
                    number: dial_string.to_owned(),
                    account,
                },
            )
            .await
            .inspect_err(|e| {
                if matches!(
                    e,
                    PhoneError::AccountUnknown { .. } | PhoneError::AccountUnregistered { .. }
                ) {
                    self.refresh_accounts();
                }
            })? {
            Performed::Dialed { method } => Ok(method),
            Performed::Done => Ok(DialMethod::Pbx),
        }
    }

    fn remember_mute(&self, call: &CallId, muted: bool, calls: &[ActiveCall]) {
        if let Ok(mut set) = self.muted.lock() {
            // Forget calls that are over.
            set.retain(|id| calls.iter().any(|c| &c.call == id));
            if muted {
                set.insert(call.clone());
            } else {
                set.remove(call);
            }
        }
    }

    /// Stops the worker and waits for it, publishing `Connection::Stopped`. Returns the
    /// tracker, for a session that takes over the same phone (an empty one when the session
    /// was already shut down). Commands still holding the session then fail cleanly.
    pub async fn shutdown(&self) -> CallTracker {
        self.replace_forwarder(None);
        let _ = self.shutdown.send(true);
        let task = self.task.lock().ok().and_then(|mut t| t.take());
        let Some(task) = task else {
            return CallTracker::new();
        };
        match task.await {
            Ok(tracker) => tracker,
            Err(e) => {
                tracing::warn!("session ended abnormally: {e}");
                CallTracker::new()
            }
        }
    }
}

/// Whether an action is about a call (rather than the phone).
fn needs_call(kind: ActionKind) -> bool {
    !matches!(
        kind,
        ActionKind::Dial | ActionKind::SetDnd | ActionKind::SetForward
    )
}

/// Phases a call may be in for an action.
fn fits(kind: ActionKind, phase: CallPhase) -> bool {
    use CallPhase::*;
    match kind {
        ActionKind::Answer | ActionKind::Reject => phase == Ringing,
        ActionKind::HangUp => true,
        ActionKind::Hold | ActionKind::Mute | ActionKind::Unmute => phase == Connected,
        ActionKind::Resume => phase == Held,
        ActionKind::Transfer
        | ActionKind::ConsultTransfer
        | ActionKind::CompleteTransfer
        | ActionKind::CancelTransfer => matches!(phase, Connected | Held),
        ActionKind::Dial | ActionKind::SetDnd | ActionKind::SetForward => false,
    }
}

/// The call an action is about: the one named (if it is still there and fits), else the one
/// the action naturally means.
fn pick_call(
    calls: &[ActiveCall],
    wanted: Option<&CallId>,
    kind: ActionKind,
) -> Result<ActiveCall, PhoneError> {
    if let Some(id) = wanted {
        let call = calls
            .iter()
            .find(|c| &c.call == id)
            .ok_or(Refusal::CallOver)?;
        if !fits(kind, call.phase) {
            return Err(wrong_phase(kind).into());
        }
        return Ok(call.clone());
    }
    let order: &[CallPhase] = match kind {
        ActionKind::HangUp => &[
            CallPhase::Connected,
            CallPhase::Held,
            CallPhase::Dialing,
            CallPhase::Ringing,
        ],
        ActionKind::Answer | ActionKind::Reject => &[CallPhase::Ringing],
        ActionKind::Resume => &[CallPhase::Held],
        ActionKind::Transfer
        | ActionKind::ConsultTransfer
        | ActionKind::CompleteTransfer
        | ActionKind::CancelTransfer => &[CallPhase::Connected, CallPhase::Held],
        _ => &[CallPhase::Connected],
    };
    order
        .iter()
        .find_map(|phase| calls.iter().find(|c| c.phase == *phase))
        .cloned()
        .ok_or_else(|| wrong_phase(kind).into())
}

/// No call is in a phase `kind` fits.
fn wrong_phase(kind: ActionKind) -> Refusal {
    match kind {
        ActionKind::Answer | ActionKind::Reject => Refusal::NotRinging,
        ActionKind::HangUp => Refusal::NoCallToHangUp,
        ActionKind::Hold => Refusal::HoldNeedsConnected,
        ActionKind::Resume => Refusal::NotOnHold,
        ActionKind::Mute | ActionKind::Unmute => Refusal::MuteNeedsConnected,
        _ => Refusal::TransferNeedsCall,
    }
}

/// Whether a held call waits while its person consults someone else (an attended transfer
/// in progress): another call of the same phone is being dialled or talked to.
pub fn consulting(call: &ActiveCall, calls: &[ActiveCall]) -> bool {
    call.phase == CallPhase::Held
        && calls.iter().any(|c| {
            c.call != call.call && matches!(c.phase, CallPhase::Dialing | CallPhase::Connected)
        })
}

/// What a call offers in `phase` on a system with `caps`, in the order the windows show them.
/// `consulting`: see [`consulting`]; only then can a transfer be completed or cancelled.
pub fn offered_actions(
    phase: CallPhase,
    caps: &crate::backend::Capabilities,
    muted: bool,
    consulting: bool,
) -> Vec<ActionKind> {
    let candidates = match phase {
        CallPhase::Ringing => vec![ActionKind::Answer, ActionKind::Reject],
        CallPhase::Dialing => vec![ActionKind::HangUp],
        CallPhase::Connected => vec![
            ActionKind::Hold,
            if muted {
                ActionKind::Unmute
            } else {
                ActionKind::Mute
            },
            ActionKind::Transfer,
            ActionKind::ConsultTransfer,
            ActionKind::HangUp,
        ],
        CallPhase::Held if consulting => vec![
            ActionKind::CompleteTransfer,
            ActionKind::CancelTransfer,
            ActionKind::Resume,
            ActionKind::HangUp,
        ],
        CallPhase::Held => vec![ActionKind::Resume, ActionKind::Transfer, ActionKind::HangUp],
    };
    candidates
        .into_iter()
        .filter(|k| k.allowed_by(caps))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::Capabilities;

    #[test]
    fn offered_actions_follow_phase_and_capabilities() {
        let all = Capabilities {
            dial: true,
            answer: true,
            reject: true,
            hang_up: true,
            hold: true,
            mute: true,
            transfer: true,
            attended_transfer: true,
            dnd: true,
            forward: true,
            choose_account: true,
        };
        assert_eq!(
            offered_actions(CallPhase::Ringing, &all, false, false),
            [ActionKind::Answer, ActionKind::Reject]
        );
        // An Asterisk PBX cannot answer, hold or mute a desk phone.
        let pbx = Capabilities {
            answer: false,
            hold: false,
            mute: false,
            attended_transfer: false,
            ..all
        };
        assert_eq!(
            offered_actions(CallPhase::Ringing, &pbx, false, false),
            [ActionKind::Reject]
        );
        assert_eq!(
            offered_actions(CallPhase::Connected, &pbx, false, false),
            [ActionKind::Transfer, ActionKind::HangUp]
        );
        assert_eq!(
            offered_actions(CallPhase::Connected, &all, true, false)[1],
            ActionKind::Unmute
        );
        // Completing or cancelling a transfer only while a consultation is on.
        assert!(!offered_actions(CallPhase::Held, &all, false, false)
            .contains(&ActionKind::CompleteTransfer));
        assert_eq!(
            &offered_actions(CallPhase::Held, &all, false, true)[..2],
            [ActionKind::CompleteTransfer, ActionKind::CancelTransfer]
        );
    }
}
