//! A watched phone with call control: what the tray app and the CLI hold on to.
//!
//! Commands go through the same client the poller uses (one connection pool), and each one
//! wakes the poller so the new state shows at once. The rules that turn a person's intent into
//! the phone's operations live here, not in the UI: which operation answers a call on another
//! line, why mute is refused at idle, how hold toggles.

use crate::cti::{CtiClient, DialMethod};
use crate::error::PhoneError;
use crate::models::{Key, LineState, PhoneOperation, KEY_MUTE};
use crate::poller::{PhoneState, PollerHandle, PushTiming};
use crate::push::PushListener;
use crate::tracker::{CallEvent, CallId, CallPhase};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// See the module documentation.
pub struct Phone {
    poller: PollerHandle,
    /// Calls callpop has muted. The CTI API cannot read the mute state back, so callpop
    /// remembers its own toggles per call; a new call starts unmuted.
    muted: Mutex<HashSet<CallId>>,
}

impl Phone {
    /// Starts watching the phone behind `client`. Must be called inside a tokio runtime.
    pub fn start(client: CtiClient, poll_interval: Duration) -> Self {
        Self {
            poller: PollerHandle::spawn(Arc::new(client), poll_interval),
            muted: Mutex::new(HashSet::new()),
        }
    }

    pub fn client(&self) -> &CtiClient {
        self.poller.client()
    }

    pub fn poller(&self) -> &PollerHandle {
        &self.poller
    }

    pub fn subscribe(&self) -> broadcast::Receiver<CallEvent> {
        self.poller.subscribe()
    }

    pub fn state(&self) -> watch::Receiver<PhoneState> {
        self.poller.state()
    }

    pub fn current(&self) -> PhoneState {
        self.poller.state().borrow().clone()
    }

    /// Takes the phone's pushes from `listener` (see [`crate::poller`]): each one makes the
    /// phone be read at once, and while they arrive the phone is read only every
    /// [`PushTiming::reconcile`]. Keep the listener alive as long as pushes are wanted.
    pub fn attach_push(&self, listener: &PushListener) {
        self.poller.attach_push(listener);
    }

    /// Back to polling only (push turned off in the settings).
    pub fn detach_push(&self) {
        self.poller.detach_push();
    }

    /// Push is on in the settings but cannot work (`reason`, e.g. from
    /// [`crate::push::listener_from_settings`]): polling at the normal interval, and the
    /// reason in [`PhoneState::push`].
    pub fn push_unavailable(&self, reason: impl Into<String>) {
        self.poller.push_unavailable(reason);
    }

    pub fn set_push_timing(&self, timing: PushTiming) {
        self.poller.set_push_timing(timing);
    }

    /// Whether callpop muted this call.
    pub fn is_muted(&self, call: &CallId) -> bool {
        self.muted.lock().map(|m| m.contains(call)).unwrap_or(false)
    }

    /// Answers the ringing call on `line` (or the only ringing one).
    ///
    /// Phone operations act on the line with focus. When another call holds the focus, pressing
    /// the ringing line's key is what answers it on Grandstream phones (the other call is put on
    /// hold by the phone), so that is what callpop does.
    pub async fn answer(&self, line: Option<u32>) -> Result<(), PhoneError> {
        let state = self.current();
        let ringing = pick_line(&state, line, |s| *s == LineState::Ringing)
            .ok_or_else(|| PhoneError::Refused("No call is ringing.".to_owned()))?;
        let other_focused = state
            .lines
            .iter()
            .any(|l| l.active && l.index != ringing && l.state.is_busy());
        let result = if other_focused {
            self.client().send_keys(&[Key::line(ringing)]).await
        } else {
            self.client().operation(PhoneOperation::AcceptCall).await
        };
        self.poller.poll_now();
        result
    }

    /// Declines the ringing call.
    pub async fn reject(&self, line: Option<u32>) -> Result<(), PhoneError> {
        let state = self.current();
        pick_line(&state, line, |s| *s == LineState::Ringing)
            .ok_or_else(|| PhoneError::Refused("No call is ringing.".to_owned()))?;
        self.operate(PhoneOperation::RejectCall).await
    }

    /// Ends the call in progress, or abandons an outgoing call still ringing.
    pub async fn hang_up(&self) -> Result<(), PhoneError> {
        let state = self.current();
        let op = if state
            .calls
            .iter()
            .any(|c| matches!(c.phase, CallPhase::Connected | CallPhase::Held))
        {
            PhoneOperation::EndCall
        } else if state.calls.iter().any(|c| c.phase == CallPhase::Dialing) {
            PhoneOperation::Cancel
        } else if state.calls.iter().any(|c| c.phase == CallPhase::Ringing) {
            PhoneOperation::RejectCall
        } else {
            return Err(PhoneError::Refused(
                "There is no call to hang up.".to_owned(),
            ));
        };
        self.operate(op).await
    }

    /// Puts the connected call on hold, or resumes the held one (the phone's hold is a toggle).
    pub async fn toggle_hold(&self) -> Result<(), PhoneError> {
        let state = self.current();
        if !state
            .calls
            .iter()
            .any(|c| matches!(c.phase, CallPhase::Connected | CallPhase::Held))
        {
            return Err(PhoneError::Refused("Hold works during a call.".to_owned()));
        }
        self.operate(PhoneOperation::HoldCall).await
    }

    /// Toggles the microphone of the connected call; returns whether it is now muted.
    ///
    /// Refused without a connected call: on a Grandstream at idle the same key turns on Do Not
    /// Disturb, which would silently stop the phone ringing.
    pub async fn toggle_mute(&self) -> Result<bool, PhoneError> {
        let state = self.current();
        let call = state
            .calls
            .iter()
            .find(|c| c.phase == CallPhase::Connected)
            .map(|c| c.call.clone())
            .ok_or_else(|| {
                PhoneError::Refused(
                    "Mute works during a connected call (at idle the phone's mute key turns on Do Not Disturb)."
                        .to_owned(),
                )
            })?;
        let key = Key::new(KEY_MUTE).ok_or_else(|| PhoneError::Refused("mute key".into()))?;
        self.client().send_keys(&[key]).await?;
        let now_muted = match self.muted.lock() {
            Ok(mut muted) => {
                // Forget calls that are over.
                muted.retain(|id| state.calls.iter().any(|c| &c.call == id));
                if !muted.remove(&call) {
                    muted.insert(call);
                    true
                } else {
                    false
                }
            }
            Err(_) => false,
        };
        self.poller.poll_now();
        Ok(now_muted)
    }

    /// Dials an already normalized dial string (see [`crate::number`]).
    pub async fn dial(&self, dial_string: &str) -> Result<DialMethod, PhoneError> {
        let result = self.client().dial(dial_string, None).await;
        self.poller.poll_now();
        result
    }

    async fn operate(&self, op: PhoneOperation) -> Result<(), PhoneError> {
        let result = self.client().operation(op).await;
        self.poller.poll_now();
        result
    }

    pub async fn shutdown(self) {
        self.poller.shutdown().await;
    }
}

/// The line a command is about: the one asked for if it is in the wanted state, else the
/// first line in that state.
fn pick_line(
    state: &PhoneState,
    wanted: Option<u32>,
    ok: impl Fn(&LineState) -> bool,
) -> Option<u32> {
    match wanted {
        Some(index) => state
            .lines
            .iter()
            .find(|l| l.index == index && ok(&l.state))
            .map(|l| l.index),
        None => state.lines.iter().find(|l| ok(&l.state)).map(|l| l.index),
    }
}
