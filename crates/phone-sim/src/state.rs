//! The line state machine: what the phone's lines are doing and how keys, CTI operations and
//! the remote party move them.
//!
//! This module is pure logic without I/O or timers, so every transition is unit-testable and
//! happens atomically under one lock. Each transition queues [`CallEvent`]s that the caller
//! drains with [`PhoneState::take_events`] once the lock is released.
//!
//! Behaviour follows a GXP21xx: one active call at a time (connecting a call puts the other
//! connected call on hold), operations act on the line with focus, `holdcall` toggles.

use std::fmt;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::error::SimError;
use crate::events::{CallDirection, CallEvent, CallInfo, PushEvent};
use crate::keys::Key;

/// Longest dial buffer kept; further digits are ignored, as on a phone's dial screen.
const MAX_DIAL_BUFFER: usize = 64;

/// What a line is doing, spelled as `api-get_line_status` spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LineState {
    /// No call.
    Idle,
    /// An incoming call is ringing.
    Ringing,
    /// An outgoing call hears ringback.
    Calling,
    /// In a call.
    Connected,
    /// The call is held.
    #[serde(rename = "onhold")]
    OnHold,
}

impl LineState {
    /// The wire spelling (`"onhold"`, not `"on_hold"`).
    pub fn as_str(self) -> &'static str {
        match self {
            LineState::Idle => "idle",
            LineState::Ringing => "ringing",
            LineState::Calling => "calling",
            LineState::Connected => "connected",
            LineState::OnHold => "onhold",
        }
    }

    /// A call that keeps the phone off hook (everything but idle and ringing).
    fn is_off_hook(self) -> bool {
        matches!(
            self,
            LineState::Calling | LineState::Connected | LineState::OnHold
        )
    }
}

impl fmt::Display for LineState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A snapshot of one line, for tests and the control API (richer than the CTI line object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimLine {
    /// 1-based line number.
    pub line: u32,
    /// Current state.
    pub state: LineState,
    /// 0-based account index of the call (0 when idle).
    pub account: u32,
    /// Whether this line has focus (`"active":1` on the wire).
    pub active: bool,
    /// Whether the call's microphone is muted.
    pub muted: bool,
    /// Remote number; empty when idle.
    pub remote_number: String,
    /// Remote display name; may be empty even during a call.
    pub remote_name: String,
    /// Stable call identifier, `None` when idle.
    pub call_id: Option<String>,
    /// Who placed the call, `None` when idle.
    pub direction: Option<CallDirection>,
}

/// Phone-wide snapshot: the lines plus the flags a test may want to assert on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimState {
    /// Every line, in order.
    pub lines: Vec<SimLine>,
    /// Do Not Disturb (toggled by `MUTE` at idle).
    pub dnd: bool,
    /// Digits collected by `api-send_key` and not yet dialled.
    pub dial_buffer: String,
    /// Locked out after too many failed logins.
    pub locked: bool,
    /// "Action URI Support" switch.
    pub remote_control: bool,
    /// Click-to-dial switch.
    pub make_call: bool,
    /// "Action URI Allowed IP List": `any` or the addresses, separated by commas.
    #[serde(default)]
    pub allowed_ips: String,
    /// "Remote Control Pop up Window Support": the phone asks before obeying a new computer.
    #[serde(default)]
    pub popup: bool,
    /// Whether the phone shows that question now (someone must press Allow).
    #[serde(default)]
    pub asking: bool,
    /// Every SIP account with its registration, as `api-get_accounts` lists them.
    #[serde(default)]
    pub accounts: Vec<crate::config::SimAccount>,
    /// Every outgoing call placed since the phone started, oldest first: which account each
    /// went out from.
    #[serde(default)]
    pub dials: Vec<SimDial>,
}

/// An outgoing call the phone placed (by click-to-dial or by keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimDial {
    /// The number called.
    pub number: String,
    /// 0-based index of the account it went out from.
    pub account: u32,
}

/// The `cmd` values of `api-phone_operation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// Answer the ringing call.
    AcceptCall,
    /// Refuse the ringing call.
    RejectCall,
    /// Hang up a connected, held or dialling call.
    EndCall,
    /// Toggle hold.
    HoldCall,
    /// Refuse a ringing call or abort an outgoing one.
    Cancel,
}

impl Operation {
    /// Parses a `cmd=` value (case-insensitive).
    pub fn parse(cmd: &str) -> Option<Operation> {
        match cmd.trim().to_ascii_lowercase().as_str() {
            "acceptcall" => Some(Operation::AcceptCall),
            "rejectcall" => Some(Operation::RejectCall),
            "endcall" => Some(Operation::EndCall),
            "holdcall" => Some(Operation::HoldCall),
            "cancel" => Some(Operation::Cancel),
            _ => None,
        }
    }
}

/// The phone-level status of `api-get_phone_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneStatus {
    /// Every line idle.
    Available,
    /// Some line in a call.
    Busy,
    /// Some line ringing (wins over busy).
    Ringing,
}

impl PhoneStatus {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneStatus::Available => "available",
            PhoneStatus::Busy => "busy",
            PhoneStatus::Ringing => "ringing",
        }
    }
}

/// A call occupying a line.
#[derive(Debug, Clone)]
struct Call {
    id: String,
    state: LineState,
    direction: CallDirection,
    remote_number: String,
    remote_name: String,
    account: u32,
    muted: bool,
    established: Option<Instant>,
}

/// All lines of the phone plus focus, dial buffer and DND.
#[derive(Debug)]
pub struct PhoneState {
    /// One slot per line; `None` is idle.
    lines: Vec<Option<Call>>,
    /// Index of the line with focus.
    focus: Option<usize>,
    dial_buffer: String,
    dnd: bool,
    /// Whether the last emitted hook event was off-hook.
    off_hook: bool,
    /// Makes call ids unique within this phone even when the random part collides.
    call_seq: u64,
    events: Vec<CallEvent>,
    dials: Vec<SimDial>,
}

impl PhoneState {
    /// A phone with `lines` idle lines.
    pub fn new(lines: u32) -> PhoneState {
        PhoneState {
            lines: (0..lines).map(|_| None).collect(),
            focus: None,
            dial_buffer: String::new(),
            dnd: false,
            off_hook: false,
            call_seq: 0,
            events: Vec::new(),
            dials: Vec::new(),
        }
    }

    /// Every outgoing call placed so far, oldest first.
    pub fn dials(&self) -> &[SimDial] {
        &self.dials
    }

    /// Snapshot of every line.
    pub fn lines(&self) -> Vec<SimLine> {
        self.lines
            .iter()
            .enumerate()
            .map(|(idx, call)| {
                let line = line_number(idx);
                let active = self.focus == Some(idx);
                match call {
                    None => SimLine {
                        line,
                        state: LineState::Idle,
                        account: 0,
                        active,
                        muted: false,
                        remote_number: String::new(),
                        remote_name: String::new(),
                        call_id: None,
                        direction: None,
                    },
                    Some(call) => SimLine {
                        line,
                        state: call.state,
                        account: call.account,
                        active,
                        muted: call.muted,
                        remote_number: call.remote_number.clone(),
                        remote_name: call.remote_name.clone(),
                        call_id: Some(call.id.clone()),
                        direction: Some(call.direction),
                    },
                }
            })
            .collect()
    }

    /// Do Not Disturb flag.
    pub fn dnd(&self) -> bool {
        self.dnd
    }

    /// Digits collected so far.
    pub fn dial_buffer(&self) -> &str {
        &self.dial_buffer
    }

    /// What `api-get_phone_status` reports.
    pub fn status(&self) -> PhoneStatus {
        if self.states().any(|s| s == LineState::Ringing) {
            PhoneStatus::Ringing
        } else if self.states().any(|s| s != LineState::Idle) {
            PhoneStatus::Busy
        } else {
            PhoneStatus::Available
        }
    }

    /// Hands over the events queued since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<CallEvent> {
        std::mem::take(&mut self.events)
    }

    /// An incoming call from `number` starts ringing on `line` (1-based) or the first idle line.
    /// Returns the line used and the new call's id.
    pub fn ring(
        &mut self,
        line: Option<u32>,
        number: &str,
        name: &str,
    ) -> Result<(u32, String), SimError> {
        if self.dnd {
            return Err(SimError::DoNotDisturb);
        }
        let idx = self.idle_line(line, "ring")?;
        let id = self.next_call_id();
        self.lines[idx] = Some(Call {
            id: id.clone(),
            state: LineState::Ringing,
            direction: CallDirection::Incoming,
            remote_number: number.to_owned(),
            remote_name: name.to_owned(),
            account: 0,
            muted: false,
            established: None,
        });
        self.emit(PushEvent::Incoming, idx, Instant::now());
        Ok((line_number(idx), id))
    }

    /// Starts an outgoing call to `number` from `account` (0-based) on the focused line if it is
    /// idle, else the first idle line. Returns the line used and the new call's id.
    pub fn dial(&mut self, number: &str, account: u32) -> Result<(u32, String), SimError> {
        let idx = match self.focus {
            Some(f) if self.lines[f].is_none() => f,
            _ => self
                .lines
                .iter()
                .position(Option::is_none)
                .ok_or(SimError::NoIdleLine)?,
        };
        let now = Instant::now();
        self.hold_others(idx, now);
        let id = self.next_call_id();
        self.lines[idx] = Some(Call {
            id: id.clone(),
            state: LineState::Calling,
            direction: CallDirection::Outgoing,
            remote_number: number.to_owned(),
            remote_name: String::new(),
            account,
            muted: false,
            established: None,
        });
        self.focus = Some(idx);
        self.dials.push(SimDial {
            number: number.to_owned(),
            account,
        });
        self.update_hook(idx, now);
        self.emit(PushEvent::Outgoing, idx, now);
        Ok((line_number(idx), id))
    }

    /// Applies an `api-phone_operation` command; `false` when there is nothing to act on.
    pub fn operate(&mut self, op: Operation) -> bool {
        use LineState::*;
        let target = match op {
            Operation::AcceptCall | Operation::RejectCall => self.pick(&[Ringing]),
            Operation::Cancel => self.pick(&[Ringing, Calling]),
            Operation::EndCall => self.pick(&[Connected, OnHold, Calling]),
            Operation::HoldCall => self.pick(&[Connected, OnHold]),
        };
        let Some(idx) = target else {
            return false;
        };
        let now = Instant::now();
        match op {
            Operation::AcceptCall => self.connect(idx, now),
            Operation::RejectCall | Operation::Cancel | Operation::EndCall => {
                self.end(idx, PushEvent::Terminated, now)
            }
            Operation::HoldCall => self.toggle_hold(idx, now),
        }
        true
    }

    /// Applies one key press.
    pub fn press(&mut self, key: Key) {
        use LineState::*;
        let now = Instant::now();
        if let Some(c) = key.dial_char() {
            if self.dial_buffer.len() < MAX_DIAL_BUFFER {
                self.dial_buffer.push(c);
            }
            return;
        }
        match key {
            Key::Send | Key::Ok => {
                if !self.dial_buffer.is_empty() {
                    let number = std::mem::take(&mut self.dial_buffer);
                    // With every line busy the phone just drops the digits, as a real one does.
                    let _ = self.dial(&number, 0);
                }
            }
            Key::OffHook | Key::Speaker => {
                if let Some(idx) = self.pick(&[Ringing]) {
                    self.connect(idx, now);
                }
            }
            Key::OnHook => {
                self.dial_buffer.clear();
                if let Some(idx) = self.pick(&[Connected, Calling, OnHold]) {
                    self.end(idx, PushEvent::Terminated, now);
                }
            }
            Key::Mute => match self.pick(&[Connected, OnHold, Calling]) {
                Some(idx) => {
                    if let Some(call) = self.lines[idx].as_mut() {
                        call.muted = !call.muted;
                    }
                }
                None => self.dnd = !self.dnd,
            },
            Key::Hold => {
                if let Some(idx) = self.pick(&[Connected, OnHold]) {
                    self.toggle_hold(idx, now);
                }
            }
            Key::Line(n) => {
                let Some(idx) = index_of(n).filter(|&i| i < self.lines.len()) else {
                    return;
                };
                self.focus = Some(idx);
                match self.state_of(idx) {
                    Ringing => self.connect(idx, now),
                    OnHold => self.toggle_hold(idx, now),
                    Idle | Calling | Connected => {}
                }
            }
            // Menu, volume, soft and programmable keys change nothing a CTI client can observe.
            Key::Digit(_)
            | Key::Star
            | Key::Pound
            | Key::Soft(_)
            | Key::VolumeUp
            | Key::VolumeDown
            | Key::Up
            | Key::Down
            | Key::Left
            | Key::Right
            | Key::Lock
            | Key::Unlock
            | Key::Mpk(_) => {}
        }
    }

    /// The remote party answers the outgoing call on `line`.
    pub fn remote_answer(&mut self, line: u32) -> Result<(), SimError> {
        let idx = self.existing_line(line)?;
        match self.state_of(idx) {
            LineState::Calling => {
                self.connect(idx, Instant::now());
                Ok(())
            }
            state => Err(SimError::WrongState {
                line,
                state,
                action: "answer",
            }),
        }
    }

    /// The remote party hangs up the call on `line`: a ringing call becomes a missed call.
    pub fn remote_hangup(&mut self, line: u32) -> Result<(), SimError> {
        let idx = self.existing_line(line)?;
        match self.state_of(idx) {
            LineState::Idle => Err(SimError::WrongState {
                line,
                state: LineState::Idle,
                action: "hang up",
            }),
            LineState::Ringing => {
                self.end(idx, PushEvent::Missed, Instant::now());
                Ok(())
            }
            _ => {
                self.end(idx, PushEvent::Terminated, Instant::now());
                Ok(())
            }
        }
    }

    /// Timer helper: the caller gives up if `call_id` still rings on `line`. `true` if it did.
    pub fn give_up(&mut self, line: u32, call_id: &str) -> bool {
        match self.find_call(line, call_id) {
            Some(idx) if self.state_of(idx) == LineState::Ringing => {
                self.end(idx, PushEvent::Missed, Instant::now());
                true
            }
            _ => false,
        }
    }

    /// Timer helper: the remote answers if `call_id` is still in ringback on `line`.
    pub fn answer_if_calling(&mut self, line: u32, call_id: &str) -> bool {
        match self.find_call(line, call_id) {
            Some(idx) if self.state_of(idx) == LineState::Calling => {
                self.connect(idx, Instant::now());
                true
            }
            _ => false,
        }
    }

    /// Timer helper: the remote hangs up if `call_id` is still on `line`, whatever its state.
    pub fn hang_up_call(&mut self, line: u32, call_id: &str) -> bool {
        match self.find_call(line, call_id) {
            Some(idx) => {
                let event = if self.state_of(idx) == LineState::Ringing {
                    PushEvent::Missed
                } else {
                    PushEvent::Terminated
                };
                self.end(idx, event, Instant::now());
                true
            }
            None => false,
        }
    }

    /// Reboot: every call is dropped, focus and dial buffer are cleared. A factory reset
    /// (`factory == true`) also clears Do Not Disturb.
    pub fn restart(&mut self, factory: bool) {
        let now = Instant::now();
        for idx in 0..self.lines.len() {
            match self.state_of(idx) {
                LineState::Idle => {}
                LineState::Ringing => self.end(idx, PushEvent::Missed, now),
                _ => self.end(idx, PushEvent::Terminated, now),
            }
        }
        self.focus = None;
        self.dial_buffer.clear();
        if factory {
            self.dnd = false;
        }
    }

    fn states(&self) -> impl Iterator<Item = LineState> + '_ {
        (0..self.lines.len()).map(|idx| self.state_of(idx))
    }

    fn state_of(&self, idx: usize) -> LineState {
        self.lines
            .get(idx)
            .and_then(Option::as_ref)
            .map_or(LineState::Idle, |call| call.state)
    }

    fn set_state(&mut self, idx: usize, state: LineState) {
        if let Some(call) = self.lines.get_mut(idx).and_then(Option::as_mut) {
            call.state = state;
        }
    }

    /// The line an operation acts on: the focused line when its state is one of `wanted`,
    /// otherwise the first line in the first of `wanted` states that any line is in.
    fn pick(&self, wanted: &[LineState]) -> Option<usize> {
        if let Some(f) = self.focus {
            if wanted.contains(&self.state_of(f)) {
                return Some(f);
            }
        }
        wanted
            .iter()
            .find_map(|&state| self.states().position(|s| s == state))
    }

    fn existing_line(&self, line: u32) -> Result<usize, SimError> {
        index_of(line)
            .filter(|&idx| idx < self.lines.len())
            .ok_or(SimError::NoSuchLine(line))
    }

    fn idle_line(&self, line: Option<u32>, action: &'static str) -> Result<usize, SimError> {
        match line {
            Some(line) => {
                let idx = self.existing_line(line)?;
                match self.state_of(idx) {
                    LineState::Idle => Ok(idx),
                    state => Err(SimError::WrongState {
                        line,
                        state,
                        action,
                    }),
                }
            }
            None => self
                .lines
                .iter()
                .position(Option::is_none)
                .ok_or(SimError::NoIdleLine),
        }
    }

    fn find_call(&self, line: u32, call_id: &str) -> Option<usize> {
        let idx = self.existing_line(line).ok()?;
        let call = self.lines[idx].as_ref()?;
        (call.id == call_id).then_some(idx)
    }

    /// Ringing or calling or held → connected, with focus, holding any other connected call.
    fn connect(&mut self, idx: usize, now: Instant) {
        let previous = self.state_of(idx);
        self.hold_others(idx, now);
        if let Some(call) = self.lines[idx].as_mut() {
            call.state = LineState::Connected;
            if call.established.is_none() {
                call.established = Some(now);
            }
        }
        self.focus = Some(idx);
        self.update_hook(idx, now);
        let event = if previous == LineState::OnHold {
            PushEvent::Unhold
        } else {
            PushEvent::Established
        };
        self.emit(event, idx, now);
    }

    fn toggle_hold(&mut self, idx: usize, now: Instant) {
        match self.state_of(idx) {
            LineState::Connected => {
                self.set_state(idx, LineState::OnHold);
                self.emit(PushEvent::Hold, idx, now);
            }
            LineState::OnHold => self.connect(idx, now),
            _ => {}
        }
    }

    /// Only one call can have the audio path: connecting one holds the others.
    fn hold_others(&mut self, keep: usize, now: Instant) {
        for idx in 0..self.lines.len() {
            if idx != keep && self.state_of(idx) == LineState::Connected {
                self.set_state(idx, LineState::OnHold);
                self.emit(PushEvent::Hold, idx, now);
            }
        }
    }

    fn end(&mut self, idx: usize, event: PushEvent, now: Instant) {
        if self.lines.get(idx).is_none_or(Option::is_none) {
            return;
        }
        self.emit(event, idx, now);
        self.lines[idx] = None;
        if self.focus == Some(idx) {
            self.focus = None;
        }
        self.update_hook(idx, now);
    }

    /// Emits `OffHook`/`OnHook` when the phone as a whole changes between "some call in
    /// progress" and "nothing but ringing", naming the call on `idx` that caused it. For
    /// `OnHook` that call has already been removed, so the event copies the call details of the
    /// `Terminated`/`Missed` event queued just before.
    fn update_hook(&mut self, idx: usize, now: Instant) {
        let off_hook = self.states().any(LineState::is_off_hook);
        if off_hook == self.off_hook {
            return;
        }
        self.off_hook = off_hook;
        if off_hook {
            self.emit(PushEvent::OffHook, idx, now);
        } else if let Some(last) = self.events.last().cloned() {
            self.events.push(CallEvent {
                event: PushEvent::OnHook,
                ..last
            });
        }
    }

    fn emit(&mut self, event: PushEvent, idx: usize, now: Instant) {
        let Some(call) = self.lines.get(idx).and_then(Option::as_ref) else {
            return;
        };
        self.events.push(CallEvent {
            event,
            line: line_number(idx),
            call: CallInfo {
                call_id: call.id.clone(),
                direction: call.direction,
                remote_number: call.remote_number.clone(),
                remote_name: call.remote_name.clone(),
                account: call.account,
                duration: call.established.map(|t| now.saturating_duration_since(t)),
            },
        });
    }

    /// A SIP-like Call-ID: random hex, a sequence number for uniqueness, and a host part.
    fn next_call_id(&mut self) -> String {
        self.call_seq += 1;
        format!(
            "{:08x}-{}@callpop-phone-sim",
            rand::random::<u32>(),
            self.call_seq
        )
    }
}

fn line_number(idx: usize) -> u32 {
    u32::try_from(idx + 1).unwrap_or(u32::MAX)
}

fn index_of(line: u32) -> Option<usize> {
    usize::try_from(line).ok()?.checked_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(state: &mut PhoneState) -> Vec<PushEvent> {
        state.take_events().into_iter().map(|e| e.event).collect()
    }

    fn state_of(state: &PhoneState, line: u32) -> LineState {
        state.lines()[line as usize - 1].state
    }

    #[test]
    fn incoming_call_lifecycle() {
        let mut phone = PhoneState::new(4);
        let (line, _) = phone
            .ring(None, "+15555550100", "Zoë Müller")
            .expect("idle line");
        assert_eq!(line, 1);
        assert_eq!(phone.status(), PhoneStatus::Ringing);
        assert!(!phone.lines()[0].active, "a ringing line has no focus yet");

        assert!(phone.operate(Operation::AcceptCall));
        assert_eq!(state_of(&phone, 1), LineState::Connected);
        assert!(phone.lines()[0].active);
        assert!(phone.operate(Operation::HoldCall));
        assert_eq!(state_of(&phone, 1), LineState::OnHold);
        assert!(phone.operate(Operation::HoldCall));
        assert_eq!(state_of(&phone, 1), LineState::Connected);
        assert!(phone.operate(Operation::EndCall));
        assert_eq!(state_of(&phone, 1), LineState::Idle);
        assert_eq!(phone.status(), PhoneStatus::Available);
        assert!(!phone.operate(Operation::EndCall), "nothing left to end");

        use PushEvent::*;
        assert_eq!(
            kinds(&mut phone),
            vec![
                Incoming,
                OffHook,
                Established,
                Hold,
                Unhold,
                Terminated,
                OnHook
            ]
        );
    }

    #[test]
    fn events_of_one_call_share_its_id() {
        let mut phone = PhoneState::new(2);
        let (_, id) = phone.ring(Some(2), "203", "").expect("line 2 idle");
        assert!(phone.operate(Operation::AcceptCall));
        assert!(phone.operate(Operation::EndCall));
        let events = phone.take_events();
        assert!(events.iter().all(|e| e.call.call_id == id && e.line == 2));
        assert!(events.last().and_then(|e| e.call.duration).is_some());
    }

    #[test]
    fn reject_and_cancel() {
        let mut phone = PhoneState::new(2);
        phone.ring(None, "1", "").expect("idle line");
        assert!(phone.operate(Operation::RejectCall));
        assert_eq!(phone.status(), PhoneStatus::Available);
        phone.ring(None, "1", "").expect("idle line");
        assert!(phone.operate(Operation::Cancel));
        phone.dial("2", 0).expect("idle line");
        assert!(phone.operate(Operation::Cancel));
        assert_eq!(phone.status(), PhoneStatus::Available);
        assert!(!phone.operate(Operation::Cancel));
        assert!(!phone.operate(Operation::AcceptCall));
    }

    #[test]
    fn answering_a_second_call_holds_the_first() {
        let mut phone = PhoneState::new(3);
        phone.ring(None, "1", "").expect("idle line");
        assert!(phone.operate(Operation::AcceptCall));
        phone.ring(None, "2", "").expect("idle line");
        assert_eq!(state_of(&phone, 2), LineState::Ringing);
        assert!(phone.operate(Operation::AcceptCall));
        assert_eq!(state_of(&phone, 1), LineState::OnHold);
        assert_eq!(state_of(&phone, 2), LineState::Connected);
        // LINE1 resumes the held call and holds the other.
        phone.press(Key::Line(1));
        assert_eq!(state_of(&phone, 1), LineState::Connected);
        assert_eq!(state_of(&phone, 2), LineState::OnHold);
    }

    /// The phone's own way with several calls, on 3- and 8-line phones: a ringing line's key
    /// answers that call and holds the one in progress; a held line's key resumes exactly
    /// that call and holds the one in progress; every other call stays as it was.
    #[test]
    fn line_keys_switch_between_three_calls() {
        for lines in [3, 8] {
            let mut phone = PhoneState::new(lines);
            let last = lines;
            phone.ring(Some(1), "201", "").expect("line 1 idle");
            phone.press(Key::Line(1));
            assert_eq!(state_of(&phone, 1), LineState::Connected);

            // A second call rings on the last line: its key answers it, line 1 goes on hold.
            phone.ring(Some(last), "209", "").expect("last line idle");
            phone.take_events();
            phone.press(Key::Line(last));
            assert_eq!(state_of(&phone, 1), LineState::OnHold);
            assert_eq!(state_of(&phone, last), LineState::Connected);
            assert!(phone.lines()[last as usize - 1].active);
            let events: Vec<_> = phone
                .take_events()
                .into_iter()
                .map(|e| (e.event, e.line))
                .collect();
            assert_eq!(
                events,
                [(PushEvent::Hold, 1), (PushEvent::Established, last)]
            );

            // A third call on line 2, answered by its key: the talking call (last) is held,
            // line 1 stays held.
            phone.ring(Some(2), "202", "").expect("line 2 idle");
            phone.press(Key::Line(2));
            assert_eq!(state_of(&phone, 1), LineState::OnHold);
            assert_eq!(state_of(&phone, 2), LineState::Connected);
            assert_eq!(state_of(&phone, last), LineState::OnHold);

            // Line 1's key resumes line 1 only: line 2 goes on hold, the last line stays held.
            phone.take_events();
            phone.press(Key::Line(1));
            assert_eq!(state_of(&phone, 1), LineState::Connected);
            assert_eq!(state_of(&phone, 2), LineState::OnHold);
            assert_eq!(state_of(&phone, last), LineState::OnHold);
            let events: Vec<_> = phone
                .take_events()
                .into_iter()
                .map(|e| (e.event, e.line))
                .collect();
            assert_eq!(events, [(PushEvent::Hold, 2), (PushEvent::Unhold, 1)]);

            // endcall ends the focused call; with no focus left it ends the first held one.
            assert!(phone.operate(Operation::EndCall));
            assert_eq!(state_of(&phone, 1), LineState::Idle);
            assert!(phone.lines().iter().all(|l| !l.active));
            // The last line's key resumes it although line 2 is held before it.
            phone.press(Key::Line(last));
            assert_eq!(state_of(&phone, last), LineState::Connected);
            assert_eq!(state_of(&phone, 2), LineState::OnHold);
            assert!(phone.operate(Operation::EndCall));
            assert_eq!(state_of(&phone, last), LineState::Idle);
            assert_eq!(state_of(&phone, 2), LineState::OnHold);
            assert!(phone.operate(Operation::EndCall));
            assert_eq!(phone.status(), PhoneStatus::Available);
        }
    }

    /// A line key never touches the other calls when its line holds nothing to answer or
    /// resume (an idle line, or the call already in progress).
    #[test]
    fn a_line_key_without_a_call_to_take_changes_no_call() {
        let mut phone = PhoneState::new(3);
        phone.ring(Some(1), "201", "").expect("idle");
        phone.press(Key::Line(1));
        phone.ring(Some(2), "202", "").expect("idle");
        phone.press(Key::Line(1));
        assert_eq!(state_of(&phone, 1), LineState::Connected);
        assert_eq!(state_of(&phone, 2), LineState::Ringing);
        phone.press(Key::Line(3));
        assert_eq!(state_of(&phone, 1), LineState::Connected);
        assert_eq!(state_of(&phone, 2), LineState::Ringing);
    }

    #[test]
    fn keys_dial_mute_and_dnd() {
        let mut phone = PhoneState::new(2);
        for key in [Key::Digit(2), Key::Digit(0), Key::Pound, Key::Send] {
            phone.press(key);
        }
        let line = &phone.lines()[0];
        assert_eq!(line.state, LineState::Calling);
        assert_eq!(line.remote_number, "20#");
        assert!(phone.dial_buffer().is_empty());

        phone.press(Key::Mute);
        assert!(phone.lines()[0].muted);
        assert!(!phone.dnd());
        phone.press(Key::OnHook);
        assert_eq!(phone.status(), PhoneStatus::Available);

        phone.press(Key::Mute);
        assert!(phone.dnd());
        assert!(matches!(
            phone.ring(None, "1", ""),
            Err(SimError::DoNotDisturb)
        ));
        phone.press(Key::Mute);
        assert!(!phone.dnd());
    }

    #[test]
    fn remote_party_actions() {
        let mut phone = PhoneState::new(2);
        let (line, id) = phone.dial("100", 1).expect("idle line");
        assert!(phone.remote_hangup(2).is_err(), "line 2 is idle");
        assert!(phone.remote_answer(9).is_err());
        assert!(phone.answer_if_calling(line, &id));
        assert_eq!(state_of(&phone, line), LineState::Connected);
        assert_eq!(phone.lines()[0].account, 1);
        assert!(phone.remote_answer(line).is_err(), "already connected");
        assert!(!phone.give_up(line, &id), "connected calls are not missed");
        assert!(phone.hang_up_call(line, &id));
        assert!(!phone.hang_up_call(line, &id), "that call is gone");

        let (line, id) = phone.ring(None, "5", "").expect("idle line");
        phone.take_events();
        assert!(phone.give_up(line, &id));
        assert_eq!(kinds(&mut phone), vec![PushEvent::Missed]);
    }

    #[test]
    fn ring_on_a_busy_line_fails() {
        let mut phone = PhoneState::new(1);
        phone.ring(Some(1), "1", "").expect("idle");
        assert!(matches!(
            phone.ring(Some(1), "2", ""),
            Err(SimError::WrongState { line: 1, .. })
        ));
        assert!(matches!(
            phone.ring(None, "2", ""),
            Err(SimError::NoIdleLine)
        ));
        assert!(matches!(
            phone.ring(Some(2), "2", ""),
            Err(SimError::NoSuchLine(2))
        ));
    }

    #[test]
    fn restart_drops_every_call() {
        let mut phone = PhoneState::new(3);
        phone.ring(None, "1", "").expect("idle");
        phone.dial("2", 0).expect("idle");
        phone.press(Key::Mute); // mutes the call
        phone.restart(false);
        assert_eq!(phone.status(), PhoneStatus::Available);
        assert!(phone.lines().iter().all(|l| !l.active && !l.muted));
    }
}
