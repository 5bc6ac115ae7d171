//! The phone itself: its calls, what is on screen, Do Not Disturb, the microphone, and the
//! events each change pushes.
//!
//! Every change goes through [`Phone`], which records the Action URL events it causes in the
//! order they happened (with the call as it was at that moment); the simulator hands them to
//! the pusher after each change. Key presses act the way the phone's own keys do: on the call
//! on screen (the "focus"), which is why clients should prefer the commands that name a call
//! (`ASW:<call_id>`, ...).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::config::{YealinkAccount, YealinkSimConfig};
use super::error::YealinkSimError;
use super::events::YealinkEvent;
use super::keys::YealinkKey;

/// Tones sent during calls, kept for assertions (oldest dropped beyond this).
const MAX_DTMF: usize = 256;
/// Digits typed at idle, kept at most.
const MAX_DIAL_BUFFER: usize = 64;

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YealinkCallState {
    /// An incoming call rings.
    Ringing,
    /// An outgoing call rings at the other end.
    Calling,
    /// Talking.
    Connected,
    /// On hold at this phone.
    Held,
}

impl fmt::Display for YealinkCallState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            YealinkCallState::Ringing => "ringing",
            YealinkCallState::Calling => "calling",
            YealinkCallState::Connected => "connected",
            YealinkCallState::Held => "held",
        })
    }
}

/// Who placed a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum YealinkDirection {
    /// The other party called.
    Incoming,
    /// This phone called.
    Outgoing,
}

/// One call on the phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YealinkCall {
    /// `$call_id`, and what `ASW:`/`CANCEL:`/`HOLD:`/`UNHOLD:` name it by.
    pub call_id: String,
    /// The line key it sits on (`L1`..).
    pub line: u32,
    /// 0-based index of the account it is on.
    pub account: usize,
    /// Who placed it.
    pub direction: YealinkDirection,
    /// The other party's number.
    pub number: String,
    /// The other party's display name; may be empty.
    pub name: String,
    /// Where it stands.
    pub state: YealinkCallState,
}

/// The phone as a test sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YealinkPhoneState {
    /// Calls in progress, oldest first.
    pub calls: Vec<YealinkCall>,
    /// The call on screen, which keys without a call id act on.
    pub focus: Option<String>,
    /// Do Not Disturb.
    pub dnd: bool,
    /// The microphone is muted.
    pub muted: bool,
    /// Digits typed at idle, not dialled yet.
    pub dial_buffer: String,
    /// Tones sent during calls, in order.
    pub dtmf: String,
}

/// An event with the call it is about, as it was at that moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Emitted {
    pub(crate) event: YealinkEvent,
    pub(crate) call: Option<YealinkCall>,
}

/// See the module documentation.
#[derive(Debug)]
pub(crate) struct Phone {
    calls: Vec<YealinkCall>,
    focus: Option<String>,
    dnd: bool,
    muted: bool,
    dial_buffer: String,
    dtmf: String,
    next_id: u64,
    max_calls: u32,
    accounts: Vec<YealinkAccount>,
    emitted: Vec<Emitted>,
}

type Result<T> = std::result::Result<T, YealinkSimError>;

impl Phone {
    pub(crate) fn new(config: &YealinkSimConfig) -> Phone {
        Phone {
            calls: Vec::new(),
            focus: None,
            dnd: false,
            muted: false,
            dial_buffer: String::new(),
            dtmf: String::new(),
            next_id: config.first_call_id,
            max_calls: config.max_calls,
            accounts: config.accounts.clone(),
            emitted: Vec::new(),
        }
    }

    /// The events caused since the last call, in order.
    pub(crate) fn take_events(&mut self) -> Vec<Emitted> {
        std::mem::take(&mut self.emitted)
    }

    pub(crate) fn state(&self) -> YealinkPhoneState {
        YealinkPhoneState {
            calls: self.calls.clone(),
            focus: self.focused().map(|i| self.calls[i].call_id.clone()),
            dnd: self.dnd,
            muted: self.muted,
            dial_buffer: self.dial_buffer.clone(),
            dtmf: self.dtmf.clone(),
        }
    }

    pub(crate) fn calls(&self) -> &[YealinkCall] {
        &self.calls
    }

    pub(crate) fn dnd(&self) -> bool {
        self.dnd
    }

    pub(crate) fn accounts(&self) -> &[YealinkAccount] {
        &self.accounts
    }

    // ---- what the far end and the person at the phone do ---------------------------------

    /// A call from `number` rings on `account`. Returns its `$call_id`.
    pub(crate) fn ring(&mut self, number: &str, name: &str, account: usize) -> Result<String> {
        if self.dnd {
            return Err(YealinkSimError::DoNotDisturb);
        }
        if account >= self.accounts.len() {
            return Err(YealinkSimError::NoSuchAccount(account.to_string()));
        }
        let index = self.add(
            YealinkDirection::Incoming,
            number,
            name,
            account,
            YealinkCallState::Ringing,
        )?;
        // The phone shows the new ring unless someone is talking.
        if !self.any(YealinkCallState::Connected) {
            self.focus = Some(self.calls[index].call_id.clone());
        }
        self.emit(YealinkEvent::IncomingCall, index);
        Ok(self.calls[index].call_id.clone())
    }

    /// Someone picks up the ringing call `id` (at the phone, or by Action URI). A call in
    /// progress goes on hold first, as on the phone.
    pub(crate) fn answer(&mut self, id: &str) -> Result<()> {
        let index = self.expect(id, &[YealinkCallState::Ringing], "answer")?;
        self.hold_others(index);
        self.set_state(index, YealinkCallState::Connected);
        self.emit(YealinkEvent::CallEstablished, index);
        Ok(())
    }

    /// The ringing call `id` is declined at this phone.
    pub(crate) fn reject(&mut self, id: &str) -> Result<()> {
        let index = self.expect(id, &[YealinkCallState::Ringing], "reject")?;
        self.emit(YealinkEvent::RejectIncomingCall, index);
        self.emit(YealinkEvent::CallTerminated, index);
        self.remove(index);
        Ok(())
    }

    /// The caller of ringing call `id` gives up: a missed call.
    pub(crate) fn give_up(&mut self, id: &str) -> Result<()> {
        let index = self.expect(id, &[YealinkCallState::Ringing], "give up")?;
        self.emit(YealinkEvent::MissedCall, index);
        self.remove(index);
        Ok(())
    }

    /// This phone ends call `id`: a ringing one is rejected, any other ends.
    pub(crate) fn hang_up(&mut self, id: &str) -> Result<()> {
        let index = self.find(id)?;
        if self.calls[index].state == YealinkCallState::Ringing {
            return self.reject(id);
        }
        self.emit(YealinkEvent::CallTerminated, index);
        self.remove(index);
        Ok(())
    }

    /// The other party ends call `id`: a ringing one is missed, any other ends.
    pub(crate) fn remote_hang_up(&mut self, id: &str) -> Result<()> {
        let index = self.find(id)?;
        if self.calls[index].state == YealinkCallState::Ringing {
            return self.give_up(id);
        }
        self.emit(YealinkEvent::CallTerminated, index);
        self.remove(index);
        Ok(())
    }

    /// The far end answers the outgoing call `id`.
    pub(crate) fn remote_answer(&mut self, id: &str) -> Result<()> {
        let index = self.expect(id, &[YealinkCallState::Calling], "remote-answer")?;
        self.set_state(index, YealinkCallState::Connected);
        self.emit(YealinkEvent::CallEstablished, index);
        Ok(())
    }

    /// Puts the connected call `id` on hold.
    pub(crate) fn hold(&mut self, id: &str) -> Result<()> {
        let index = self.expect(id, &[YealinkCallState::Connected], "hold")?;
        self.set_state(index, YealinkCallState::Held);
        self.emit(YealinkEvent::Hold, index);
        Ok(())
    }

    /// Resumes the held call `id`; a call in progress goes on hold first.
    pub(crate) fn resume(&mut self, id: &str) -> Result<()> {
        let index = self.expect(id, &[YealinkCallState::Held], "resume")?;
        self.hold_others(index);
        self.set_state(index, YealinkCallState::Connected);
        self.emit(YealinkEvent::Unhold, index);
        Ok(())
    }

    /// Places a call to `number` from `account`; a call in progress goes on hold first.
    pub(crate) fn dial(&mut self, number: &str, account: usize) -> Result<String> {
        let number = number.trim();
        if number.is_empty() {
            return Err(YealinkSimError::NoNumber);
        }
        if account >= self.accounts.len() {
            return Err(YealinkSimError::NoSuchAccount(account.to_string()));
        }
        if self.calls.len() >= self.max_calls as usize {
            return Err(YealinkSimError::AllLinesBusy);
        }
        if let Some(talking) = self.index_in(YealinkCallState::Connected) {
            self.set_state(talking, YealinkCallState::Held);
            self.emit(YealinkEvent::Hold, talking);
        }
        let index = self.add(
            YealinkDirection::Outgoing,
            number,
            "",
            account,
            YealinkCallState::Calling,
        )?;
        self.focus = Some(self.calls[index].call_id.clone());
        self.dial_buffer.clear();
        self.emit(YealinkEvent::OutgoingCall, index);
        Ok(self.calls[index].call_id.clone())
    }

    /// Switches Do Not Disturb; pushes only when it changes.
    pub(crate) fn set_dnd(&mut self, on: bool) {
        if self.dnd != on {
            self.dnd = on;
            self.emit_phone(if on {
                YealinkEvent::DndOn
            } else {
                YealinkEvent::DndOff
            });
        }
    }

    /// The index of the account `outgoing_uri` names; the first account when it names none.
    pub(crate) fn account_named(&self, outgoing_uri: Option<&str>) -> Result<usize> {
        match outgoing_uri {
            None => Ok(0),
            Some(uri) => self
                .accounts
                .iter()
                .position(|a| a.is_named_by(uri))
                .ok_or_else(|| YealinkSimError::NoSuchAccount(uri.to_owned())),
        }
    }

    // ---- keys -------------------------------------------------------------------------------

    /// Presses `key`. Returns whether it did anything (a key that fits no call is ignored,
    /// as on the phone).
    pub(crate) fn press(&mut self, key: &YealinkKey) -> bool {
        match key {
            YealinkKey::Ok | YealinkKey::Enter | YealinkKey::Speaker => {
                if let Some(id) = self.newest(YealinkCallState::Ringing) {
                    return self.answer(&id).is_ok();
                }
                self.dial_typed()
            }
            YealinkKey::Cancel => {
                if let Some(id) = self.newest(YealinkCallState::Ringing) {
                    return self.reject(&id).is_ok();
                }
                match self.focused() {
                    Some(i) => {
                        let id = self.calls[i].call_id.clone();
                        self.hang_up(&id).is_ok()
                    }
                    None => {
                        let typed = !self.dial_buffer.is_empty();
                        self.dial_buffer.clear();
                        typed
                    }
                }
            }
            YealinkKey::CallEnd => match self.focused() {
                Some(i) => {
                    let id = self.calls[i].call_id.clone();
                    self.hang_up(&id).is_ok()
                }
                None => false,
            },
            YealinkKey::Hold => match self.focused() {
                Some(i) => {
                    let id = self.calls[i].call_id.clone();
                    match self.calls[i].state {
                        YealinkCallState::Connected => self.hold(&id).is_ok(),
                        YealinkCallState::Held => self.resume(&id).is_ok(),
                        _ => false,
                    }
                }
                None => false,
            },
            YealinkKey::Mute => self.toggle_mute(),
            YealinkKey::DndOn => {
                self.set_dnd(true);
                true
            }
            YealinkKey::DndOff => {
                self.set_dnd(false);
                true
            }
            YealinkKey::Answer(id) => self.answer(id).is_ok(),
            YealinkKey::CancelCall(id) => self.hang_up(id).is_ok(),
            YealinkKey::HoldCall(id) => self.hold(id).is_ok(),
            YealinkKey::UnholdCall(id) => self.resume(id).is_ok(),
            YealinkKey::Line(line) => {
                let Some(index) = self.calls.iter().position(|c| c.line == *line) else {
                    return false;
                };
                let id = self.calls[index].call_id.clone();
                match self.calls[index].state {
                    YealinkCallState::Ringing => self.answer(&id).is_ok(),
                    YealinkCallState::Held => self.resume(&id).is_ok(),
                    YealinkCallState::Connected | YealinkCallState::Calling => {
                        self.focus = Some(id);
                        true
                    }
                }
            }
            YealinkKey::Digit(digit) => {
                if self.any(YealinkCallState::Connected) {
                    if self.dtmf.len() >= MAX_DTMF {
                        self.dtmf.remove(0);
                    }
                    self.dtmf.push(*digit);
                } else if self.dial_buffer.len() < MAX_DIAL_BUFFER {
                    self.dial_buffer.push(*digit);
                }
                true
            }
            YealinkKey::Dial {
                number,
                outgoing_uri,
            } => match self.account_named(outgoing_uri.as_deref()) {
                Ok(account) => self.dial(number, account).is_ok(),
                Err(_) => false,
            },
            YealinkKey::Unknown(_) => false,
        }
    }

    fn dial_typed(&mut self) -> bool {
        if self.dial_buffer.is_empty() {
            return false;
        }
        let typed = std::mem::take(&mut self.dial_buffer);
        self.dial(&typed, 0).is_ok()
    }

    /// Toggles the microphone during a connected call; pushes `mute`/`unmute`.
    fn toggle_mute(&mut self) -> bool {
        let Some(index) = self.index_in(YealinkCallState::Connected) else {
            return false;
        };
        self.muted = !self.muted;
        let event = if self.muted {
            YealinkEvent::Mute
        } else {
            YealinkEvent::Unmute
        };
        self.emit(event, index);
        true
    }

    // ---- plumbing ---------------------------------------------------------------------------

    fn add(
        &mut self,
        direction: YealinkDirection,
        number: &str,
        name: &str,
        account: usize,
        state: YealinkCallState,
    ) -> Result<usize> {
        if self.calls.len() >= self.max_calls as usize {
            return Err(YealinkSimError::AllLinesBusy);
        }
        let line = (1..=self.max_calls)
            .find(|l| !self.calls.iter().any(|c| c.line == *l))
            .ok_or(YealinkSimError::AllLinesBusy)?;
        if self.calls.is_empty() {
            self.emit_phone(YealinkEvent::IdleToBusy);
        }
        let call_id = self.next_id.to_string();
        self.next_id += 1;
        self.calls.push(YealinkCall {
            call_id,
            line,
            account,
            direction,
            number: number.to_owned(),
            name: name.to_owned(),
            state,
        });
        Ok(self.calls.len() - 1)
    }

    fn remove(&mut self, index: usize) {
        let call = self.calls.remove(index);
        if self.focus.as_deref() == Some(call.call_id.as_str()) {
            self.focus = None;
        }
        if self.calls.is_empty() {
            self.muted = false;
            self.focus = None;
            self.emit_phone(YealinkEvent::BusyToIdle);
        }
    }

    fn set_state(&mut self, index: usize, state: YealinkCallState) {
        self.calls[index].state = state;
        if state == YealinkCallState::Connected {
            self.focus = Some(self.calls[index].call_id.clone());
        }
    }

    /// Holds every connected call but `keep`.
    fn hold_others(&mut self, keep: usize) {
        for index in 0..self.calls.len() {
            if index != keep && self.calls[index].state == YealinkCallState::Connected {
                self.set_state(index, YealinkCallState::Held);
                self.emit(YealinkEvent::Hold, index);
            }
        }
    }

    /// The call on screen: the focused one while it exists, else the one being talked on,
    /// else the newest.
    fn focused(&self) -> Option<usize> {
        self.focus
            .as_deref()
            .and_then(|id| self.calls.iter().position(|c| c.call_id == id))
            .or_else(|| self.index_in(YealinkCallState::Connected))
            .or_else(|| self.calls.len().checked_sub(1))
    }

    fn index_in(&self, state: YealinkCallState) -> Option<usize> {
        self.calls.iter().position(|c| c.state == state)
    }

    fn any(&self, state: YealinkCallState) -> bool {
        self.index_in(state).is_some()
    }

    fn newest(&self, state: YealinkCallState) -> Option<String> {
        self.calls
            .iter()
            .rev()
            .find(|c| c.state == state)
            .map(|c| c.call_id.clone())
    }

    fn find(&self, id: &str) -> Result<usize> {
        self.calls
            .iter()
            .position(|c| c.call_id == id)
            .ok_or_else(|| YealinkSimError::NoSuchCall(id.to_owned()))
    }

    fn expect(&self, id: &str, states: &[YealinkCallState], action: &'static str) -> Result<usize> {
        let index = self.find(id)?;
        let state = self.calls[index].state;
        if states.contains(&state) {
            Ok(index)
        } else {
            Err(YealinkSimError::WrongState {
                call: id.to_owned(),
                state,
                action,
            })
        }
    }

    fn emit(&mut self, event: YealinkEvent, index: usize) {
        let call = self.calls.get(index).cloned();
        self.emitted.push(Emitted { event, call });
    }

    fn emit_phone(&mut self, event: YealinkEvent) {
        self.emitted.push(Emitted { event, call: None });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use YealinkEvent as E;

    fn phone() -> Phone {
        Phone::new(&YealinkSimConfig::default())
    }

    fn events(phone: &mut Phone) -> Vec<YealinkEvent> {
        phone.take_events().into_iter().map(|e| e.event).collect()
    }

    #[test]
    fn a_call_answered_held_resumed_and_ended() {
        let mut p = phone();
        let id = p.ring("+15555550100", "Ann", 0).expect("ring");
        assert_eq!(id, "33093");
        assert!(p.press(&YealinkKey::Answer(id.clone())));
        assert!(p.press(&YealinkKey::HoldCall(id.clone())));
        assert!(!p.press(&YealinkKey::HoldCall(id.clone())), "already held");
        assert!(p.press(&YealinkKey::UnholdCall(id.clone())));
        assert!(p.press(&YealinkKey::Mute));
        assert!(p.press(&YealinkKey::CallEnd));
        assert_eq!(
            events(&mut p),
            [
                E::IdleToBusy,
                E::IncomingCall,
                E::CallEstablished,
                E::Hold,
                E::Unhold,
                E::Mute,
                E::CallTerminated,
                E::BusyToIdle
            ]
        );
        assert!(!p.state().muted, "mute ends with the last call");
    }

    #[test]
    fn a_second_ring_is_answered_by_its_id_and_holds_the_first() {
        let mut p = phone();
        let first = p.ring("201", "", 0).expect("ring");
        p.answer(&first).expect("answer");
        let second = p.ring("202", "", 0).expect("ring");
        assert_eq!(p.state().focus.as_deref(), Some(first.as_str()));
        p.take_events();
        assert!(p.press(&YealinkKey::Answer(second.clone())));
        assert_eq!(events(&mut p), [E::Hold, E::CallEstablished]);
        let state = p.state();
        assert_eq!(state.calls[0].state, YealinkCallState::Held);
        assert_eq!(state.calls[1].state, YealinkCallState::Connected);
        assert_eq!((state.calls[0].line, state.calls[1].line), (1, 2));
        // CALLEND ends the call on screen, not the held one.
        assert!(p.press(&YealinkKey::CallEnd));
        assert_eq!(p.state().calls[0].call_id, first);
        // A line key resumes the held call.
        assert!(p.press(&YealinkKey::Line(1)));
        assert_eq!(p.state().calls[0].state, YealinkCallState::Connected);
    }

    #[test]
    fn rejections_misses_and_dnd() {
        let mut p = phone();
        let id = p.ring("201", "", 0).expect("ring");
        assert!(p.press(&YealinkKey::CancelCall(id)));
        let id = p.ring("202", "", 0).expect("ring");
        p.give_up(&id).expect("give up");
        assert_eq!(
            events(&mut p),
            [
                E::IdleToBusy,
                E::IncomingCall,
                E::RejectIncomingCall,
                E::CallTerminated,
                E::BusyToIdle,
                E::IdleToBusy,
                E::IncomingCall,
                E::MissedCall,
                E::BusyToIdle
            ]
        );
        assert!(p.press(&YealinkKey::DndOn));
        assert!(p.press(&YealinkKey::DndOn));
        assert!(matches!(
            p.ring("203", "", 0),
            Err(YealinkSimError::DoNotDisturb)
        ));
        assert_eq!(events(&mut p), [E::DndOn]);
    }

    #[test]
    fn dialing_by_number_and_by_keys() {
        let mut p = phone();
        let dial = YealinkKey::Dial {
            number: "+14165550123".into(),
            outgoing_uri: Some("1002@pbx.example.com".into()),
        };
        assert!(p.press(&dial));
        let call = p.state().calls[0].clone();
        assert_eq!((call.account, call.state), (1, YealinkCallState::Calling));
        p.remote_answer(&call.call_id).expect("answer");
        // Digits during a call are tones.
        assert!(p.press(&YealinkKey::Digit('5')));
        assert_eq!(p.state().dtmf, "5");
        assert!(p.press(&YealinkKey::CallEnd));
        for digit in ['2', '0', '3'] {
            p.press(&YealinkKey::Digit(digit));
        }
        assert!(p.press(&YealinkKey::Ok));
        assert_eq!(p.state().calls[0].number, "203");
        let unknown = YealinkKey::Dial {
            number: "1".into(),
            outgoing_uri: Some("9999@nowhere".into()),
        };
        assert!(!p.press(&unknown));
    }
}
