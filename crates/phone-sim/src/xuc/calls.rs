//! Calls on the users' lines and the `PhoneEvent`s each change causes.
//!
//! Every transition sends, to every session of the user, the `PhoneEvent` naming the call's new
//! state (seed `003`: EventRinging, EventDialing, EventEstablished, EventOnHold, EventReleased),
//! then a `PhoneStatusUpdate` if the phone's status changed. Desk-phone behaviour modelled
//! (assumed, not from xuc documents): answering a second call or dialing while talking puts the
//! current call on hold first, as SIP desk phones do.

use std::time::{SystemTime, UNIX_EPOCH};

use super::error::XucSimError;
use super::messages;
use super::model::{CallDirection, CallId, CallState, UserData, XucCall};
use super::world::{Timer, World};

/// What the world needs to know to ring a user.
pub(crate) struct IncomingCall<'a> {
    pub(crate) from_number: &'a str,
    pub(crate) from_name: &'a str,
    pub(crate) queue: Option<&'a str>,
    pub(crate) user_data: UserData,
}

impl World {
    /// An Asterisk-style channel id, `<unix seconds>.<sequence>` like `1447670380.34`.
    fn new_channel(&mut self) -> String {
        let seconds = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let id = format!("{seconds}.{}", self.next_channel);
        self.next_channel += 1;
        id
    }

    fn new_call_id(&mut self) -> CallId {
        let id = CallId(self.next_call);
        self.next_call += 1;
        id
    }

    /// The call `id`, or `NoSuchCall`.
    pub(crate) fn call_ref(&self, id: CallId) -> Result<&XucCall, XucSimError> {
        self.calls.get(&id).ok_or(XucSimError::NoSuchCall(id))
    }

    /// Sends `event_type` about call `id` to its user, then refreshes the phone status.
    fn announce(&mut self, event_type: &str, id: CallId) {
        let Some(call) = self.calls.get(&id) else {
            return;
        };
        let text = messages::phone_event(event_type, call);
        let Ok(ui) = self.user_index(&call.user) else {
            return;
        };
        self.send_to_user(ui, &text);
        self.refresh_status(ui);
    }

    /// Moves call `id` to `state` and announces it.
    fn set_state(&mut self, id: CallId, state: CallState) {
        if let Some(call) = self.calls.get_mut(&id) {
            call.state = state;
        }
        self.announce(state.event_type(), id);
    }

    /// Fails unless call `id` is in `expected`.
    fn expect_state(
        &self,
        id: CallId,
        expected: &[CallState],
        action: &'static str,
    ) -> Result<&XucCall, XucSimError> {
        let call = self.call_ref(id)?;
        if expected.contains(&call.state) {
            Ok(call)
        } else {
            Err(XucSimError::WrongState {
                call: id,
                state: call.state,
                action,
            })
        }
    }

    /// Puts every established call of `login` other than `except` on hold.
    fn hold_others(&mut self, login: &str, except: Option<CallId>) {
        let talking: Vec<CallId> = self
            .calls
            .values()
            .filter(|c| c.user == login && c.state == CallState::Established)
            .map(|c| c.id)
            .filter(|id| Some(*id) != except)
            .collect();
        for id in talking {
            self.set_state(id, CallState::OnHold);
        }
    }

    /// A call from outside rings on `login`'s phone (EventRinging), unless DND, an
    /// unconditional forward, a forward on busy while busy, or an unavailable phone keeps it
    /// away. With forward on no answer, it is forwarded after `no_answer_forward_after`.
    pub(crate) fn ring(
        &mut self,
        login: &str,
        incoming: IncomingCall<'_>,
    ) -> Result<CallId, XucSimError> {
        let ui = self.user_index(login)?;
        let user = &self.users[ui];
        if !user.phone_available {
            return Err(XucSimError::PhoneUnavailable(login.to_owned()));
        }
        if user.dnd {
            return Err(XucSimError::DoNotDisturb(login.to_owned()));
        }
        let busy = self.calls.values().any(|c| c.user == login);
        let forward = if user.unconditional.enabled {
            Some(&user.unconditional)
        } else if user.busy.enabled && busy {
            Some(&user.busy)
        } else {
            None
        };
        if let Some(forward) = forward {
            return Err(XucSimError::Forwarded {
                user: login.to_owned(),
                destination: forward.destination.clone(),
            });
        }
        let forward_on_no_answer = user.no_answer.enabled;
        let mut user_data = UserData::from([
            ("XIVO_CONTEXT".to_owned(), "from-extern".to_owned()),
            ("XIVO_USERID".to_owned(), user.account.user_id.to_string()),
            ("XIVO_SRCNUM".to_owned(), incoming.from_number.to_owned()),
            ("XIVO_DSTNUM".to_owned(), user.account.dn.clone()),
        ]);
        user_data.extend(incoming.user_data);
        let dn = user.account.dn.clone();
        let id = self.new_call_id();
        let linked_id = self.new_channel();
        let unique_id = self.new_channel();
        self.calls.insert(
            id,
            XucCall {
                id,
                user: login.to_owned(),
                dn,
                direction: CallDirection::Incoming,
                other_dn: incoming.from_number.to_owned(),
                other_name: incoming.from_name.to_owned(),
                linked_id,
                unique_id,
                state: CallState::Ringing,
                queue_name: incoming.queue.map(str::to_owned),
                user_data,
                consult_for: None,
            },
        );
        self.announce(CallState::Ringing.event_type(), id);
        if forward_on_no_answer {
            let after = self.config.no_answer_forward_after;
            self.schedule(after, Timer::NoAnswerForward(id));
        }
        Ok(id)
    }

    /// `login` calls `destination` (EventDialing); with `remote_answer_after` set, the far end
    /// answers after that delay. `variables` are `USR_` variables already prefixed.
    pub(crate) fn dial(
        &mut self,
        login: &str,
        destination: &str,
        variables: UserData,
        consult_for: Option<CallId>,
    ) -> Result<CallId, XucSimError> {
        let ui = self.user_index(login)?;
        self.hold_others(login, None);
        let account = &self.users[ui].account;
        let mut user_data = UserData::from([
            ("XIVO_CONTEXT".to_owned(), "default".to_owned()),
            ("XIVO_USERID".to_owned(), account.user_id.to_string()),
            ("XIVO_SRCNUM".to_owned(), account.dn.clone()),
            ("XIVO_DSTNUM".to_owned(), destination.to_owned()),
        ]);
        user_data.extend(variables);
        let dn = account.dn.clone();
        let id = self.new_call_id();
        // The user's channel starts the call, so it names the whole call too (the XiVO docs'
        // EventDialing example has linkedId == uniqueId).
        let channel = self.new_channel();
        self.calls.insert(
            id,
            XucCall {
                id,
                user: login.to_owned(),
                dn,
                direction: CallDirection::Outgoing,
                other_dn: destination.to_owned(),
                other_name: String::new(),
                linked_id: channel.clone(),
                unique_id: channel,
                state: CallState::Dialing,
                queue_name: None,
                user_data,
                consult_for,
            },
        );
        self.announce(CallState::Dialing.event_type(), id);
        if let Some(after) = self.config.remote_answer_after {
            self.schedule(after, Timer::RemoteAnswer(id));
        }
        Ok(id)
    }

    /// The user picks up ringing call `id` (EventEstablished); a call in progress goes on
    /// hold first.
    pub(crate) fn answer(&mut self, id: CallId) -> Result<(), XucSimError> {
        let login = self
            .expect_state(id, &[CallState::Ringing], "answer")?
            .user
            .clone();
        self.hold_others(&login, Some(id));
        self.set_state(id, CallState::Established);
        self.demo_call_established(id);
        Ok(())
    }

    /// The far end answers outgoing call `id` (EventEstablished).
    pub(crate) fn remote_answer(&mut self, id: CallId) -> Result<(), XucSimError> {
        self.expect_state(id, &[CallState::Dialing], "remote-answer")?;
        self.set_state(id, CallState::Established);
        self.demo_call_established(id);
        Ok(())
    }

    /// The user holds call `id` (EventOnHold).
    pub(crate) fn hold(&mut self, id: CallId) -> Result<(), XucSimError> {
        self.expect_state(id, &[CallState::Established], "hold")?;
        self.set_state(id, CallState::OnHold);
        Ok(())
    }

    /// The user takes call `id` off hold (EventEstablished); a call in progress goes on hold.
    pub(crate) fn resume(&mut self, id: CallId) -> Result<(), XucSimError> {
        let login = self
            .expect_state(id, &[CallState::OnHold], "resume")?
            .user
            .clone();
        self.hold_others(&login, Some(id));
        self.set_state(id, CallState::Established);
        Ok(())
    }

    /// Call `id` ends, whoever ended it (EventReleased). A consultation call whose held call
    /// ended becomes an ordinary call.
    pub(crate) fn release(&mut self, id: CallId) -> Result<XucCall, XucSimError> {
        self.call_ref(id)?;
        self.announce_release(id);
        let call = self.calls.remove(&id).ok_or(XucSimError::NoSuchCall(id))?;
        for other in self.calls.values_mut() {
            if other.consult_for == Some(id) {
                other.consult_for = None;
            }
        }
        if let Ok(ui) = self.user_index(&call.user) {
            self.refresh_status(ui);
        }
        Ok(call)
    }

    fn announce_release(&self, id: CallId) {
        let Some(call) = self.calls.get(&id) else {
            return;
        };
        let text = messages::phone_event("EventReleased", call);
        if let Ok(ui) = self.user_index(&call.user) {
            self.send_to_user(ui, &text);
        }
    }

    /// The caller of ringing call `id` hangs up before anyone answered (a missed call).
    pub(crate) fn caller_gives_up(&mut self, id: CallId) -> Result<(), XucSimError> {
        self.expect_state(id, &[CallState::Ringing], "give up")?;
        self.release(id).map(|_| ())
    }

    /// A timer fired; stale timers (call gone or moved on) do nothing.
    pub(crate) fn on_timer(&mut self, timer: Timer) {
        let outcome = match timer {
            Timer::RemoteAnswer(id) => self.remote_answer(id),
            Timer::NoAnswerForward(id) | Timer::CallerGivesUp(id) => self.caller_gives_up(id),
            Timer::RemoteHangup(id) => self.release(id).map(|_| ()),
        };
        if let Err(e) = outcome {
            tracing::trace!("timer {timer:?} had nothing to do: {e}");
        }
    }

    /// Calls of `login`, oldest first.
    pub(crate) fn calls_of<'a>(&'a self, login: &'a str) -> impl Iterator<Item = &'a XucCall> {
        self.calls.values().filter(move |c| c.user == login)
    }
}
