//! How a Grandstream phone is made to act on one particular call.
//!
//! `api-phone_operation` takes no line: it acts on the line with focus, or when that line is
//! in no fitting state, on the first line that is (see `phone-apis.md`, "Call control quirks").
//! With two calls on the phone, sending `rejectcall` for the call on line 2 would reject the
//! one on line 1. So before anything is sent, this module predicts which line the phone will
//! pick from the latest line snapshot, and only sends the operation when that is the call the
//! person meant. Where a line key reaches the call instead (pressing a ringing line's key
//! answers it; a held line's key resumes it and holds the other call, as on the phone
//! itself), the key is pressed. A held call the phone would not pick is hung up in three
//! checked steps ([`Plan::Focus`]): its line key brings it forward, `endcall` goes only once
//! the phone shows that call connected with focus, and the call that was in progress before
//! gets its line key back. Otherwise callpop refuses and says what to do, rather than act on
//! the wrong call.

use super::models::{Key, PhoneOperation};
use crate::backend::{Action, ActionKind, BackendKind};
use crate::error::PhoneError;
use crate::model::{Line, LineState};
use crate::refusal::Refusal;
use crate::tracker::{ActiveCall, CallPhase};

/// What to send to the phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    Operation(PhoneOperation),
    Keys(Vec<Key>),
    /// Press `line`'s key (a held call: the phone resumes it and holds the call in
    /// progress), wait until the phone shows that call connected and picked for `then`, send
    /// `then`, and when `give_back` names the line whose call was in progress, resume it with
    /// its key once `line` is free. Never sends `then` before the phone shows the call picked.
    Focus {
        line: u32,
        then: PhoneOperation,
        give_back: Option<u32>,
    },
}

/// The lines an `endcall` fits (see the simulator and `phone-apis.md`).
pub(crate) const END_CALL_PICKS: &[LineState] =
    &[LineState::Connected, LineState::OnHold, LineState::Calling];

/// Plans `action` for `call` given the phone's `lines`. Dialing is not planned here (it needs
/// no call).
pub(crate) fn plan(action: &Action, call: &ActiveCall, lines: &[Line]) -> Result<Plan, PhoneError> {
    use LineState::{Calling, Connected, OnHold, Ringing};
    let line = call.line;
    let picks = |wanted: &[LineState]| phone_pick(lines, wanted) == Some(line);
    let other_focused = lines
        .iter()
        .any(|l| l.active && l.index != line && l.state.is_busy());
    match action {
        Action::Answer => {
            if !other_focused && picks(&[Ringing]) {
                Ok(Plan::Operation(PhoneOperation::AcceptCall))
            } else {
                // Pressing a ringing line's key answers it (the phone holds the other call).
                Ok(Plan::Keys(vec![Key::line(line)]))
            }
        }
        Action::Reject => {
            if picks(&[Ringing]) {
                Ok(Plan::Operation(PhoneOperation::RejectCall))
            } else {
                Err(not_reachable(line, ActionKind::Reject))
            }
        }
        Action::HangUp => match call.phase {
            CallPhase::Ringing => plan(&Action::Reject, call, lines),
            CallPhase::Dialing if picks(&[Ringing, Calling]) => {
                Ok(Plan::Operation(PhoneOperation::Cancel))
            }
            _ if picks(END_CALL_PICKS) => Ok(Plan::Operation(PhoneOperation::EndCall)),
            CallPhase::Held if line_is(lines, line, &OnHold) => {
                // The line key resumes it (holding the call in progress), then it is ended
                // and the call that was in progress is resumed again.
                let talking = lines
                    .iter()
                    .find(|l| l.index != line && l.state == Connected)
                    .map(|l| l.index);
                Ok(Plan::Focus {
                    line,
                    then: PhoneOperation::EndCall,
                    give_back: talking,
                })
            }
            _ => Err(not_reachable(line, ActionKind::HangUp)),
        },
        Action::Hold => {
            if picks(&[Connected, OnHold]) {
                Ok(Plan::Operation(PhoneOperation::HoldCall))
            } else {
                Err(not_reachable(line, ActionKind::Hold))
            }
        }
        Action::Resume => {
            if picks(&[Connected, OnHold]) {
                // Hold is a toggle on these phones: the same operation resumes.
                Ok(Plan::Operation(PhoneOperation::HoldCall))
            } else {
                // The line key resumes a held call and holds the one in progress, as on the
                // phone: a person can only talk to one caller at a time.
                Ok(Plan::Keys(vec![Key::line(line)]))
            }
        }
        Action::Mute | Action::Unmute => {
            if picks(&[Connected, OnHold, Calling]) {
                Ok(Plan::Keys(vec![Key::mute()]))
            } else {
                Err(not_reachable(line, ActionKind::Mute))
            }
        }
        Action::Dial { .. }
        | Action::Transfer { .. }
        | Action::ConsultTransfer { .. }
        | Action::CompleteTransfer
        | Action::CancelTransfer
        | Action::SetDnd { .. }
        | Action::SetForward { .. } => Err(Refusal::NotOffered {
            action: action.kind(),
            system: BackendKind::Grandstream,
        }
        .into()),
    }
}

/// The line the phone acts on for an operation that fits lines in `wanted` states: the line
/// with focus when it fits, else the first line in the first wanted state any line is in.
pub(crate) fn phone_pick(lines: &[Line], wanted: &[LineState]) -> Option<u32> {
    if let Some(focused) = lines.iter().find(|l| l.active) {
        if wanted.contains(&focused.state) {
            return Some(focused.index);
        }
    }
    wanted
        .iter()
        .find_map(|state| lines.iter().find(|l| l.state == *state))
        .map(|l| l.index)
}

/// Whether the phone shows `line` in `state`.
pub(crate) fn line_is(lines: &[Line], line: u32, state: &LineState) -> bool {
    lines.iter().any(|l| l.index == line && l.state == *state)
}

/// Whether the phone, showing `lines`, would send `endcall` to the call on `line`: it is
/// connected and picked. The step of [`Plan::Focus`] that waits for this never guesses.
pub(crate) fn end_call_reaches(lines: &[Line], line: u32) -> bool {
    line_is(lines, line, &LineState::Connected) && phone_pick(lines, END_CALL_PICKS) == Some(line)
}

/// The phone would do `action` (Reject, HangUp, Hold or Mute) to the call it shows first,
/// which is not the one on `line`.
fn not_reachable(line: u32, action: ActionKind) -> PhoneError {
    Refusal::OtherCallFirst { action, line }.into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Direction;
    use crate::tracker::CallId;

    fn line(index: u32, state: LineState, active: bool) -> Line {
        Line {
            state,
            active,
            ..Line::idle(index)
        }
    }

    fn call(line: u32, phase: CallPhase) -> ActiveCall {
        ActiveCall {
            call: CallId::from(format!("c{line}")),
            line,
            phase,
            direction: Direction::Incoming,
            number: String::new(),
            name: String::new(),
            account: None,
            answered: false,
            source_call_id: String::new(),
            info: Default::default(),
            end_hint: None,
        }
    }

    #[test]
    fn rejecting_the_second_ringing_call_never_rejects_the_first() {
        let lines = [
            line(1, LineState::Ringing, false),
            line(2, LineState::Ringing, false),
        ];
        assert_eq!(
            plan(&Action::Reject, &call(1, CallPhase::Ringing), &lines),
            Ok(Plan::Operation(PhoneOperation::RejectCall))
        );
        let refused = plan(&Action::Reject, &call(2, CallPhase::Ringing), &lines);
        assert_eq!(
            refused,
            Err(PhoneError::Refused(Refusal::OtherCallFirst {
                action: ActionKind::Reject,
                line: 2
            }))
        );
        // Answering the second one presses its line key, which answers exactly it.
        assert_eq!(
            plan(&Action::Answer, &call(2, CallPhase::Ringing), &lines),
            Ok(Plan::Keys(vec![Key::line(2)]))
        );
    }

    #[test]
    fn a_call_waiting_is_answered_by_its_line_key() {
        let lines = [
            line(1, LineState::Connected, true),
            line(2, LineState::Ringing, false),
        ];
        assert_eq!(
            plan(&Action::Answer, &call(2, CallPhase::Ringing), &lines),
            Ok(Plan::Keys(vec![Key::line(2)]))
        );
        // Rejecting it: the phone's pick for rejectcall is the only ringing line.
        assert_eq!(
            plan(&Action::Reject, &call(2, CallPhase::Ringing), &lines),
            Ok(Plan::Operation(PhoneOperation::RejectCall))
        );
    }

    #[test]
    fn hold_hang_up_and_resume_with_two_calls() {
        let lines = [
            line(1, LineState::OnHold, false),
            line(2, LineState::Connected, true),
        ];
        let held = call(1, CallPhase::Held);
        let talking = call(2, CallPhase::Connected);
        assert_eq!(
            plan(&Action::HangUp, &talking, &lines),
            Ok(Plan::Operation(PhoneOperation::EndCall))
        );
        assert_eq!(
            plan(&Action::Hold, &talking, &lines),
            Ok(Plan::Operation(PhoneOperation::HoldCall))
        );
        // Hanging up the held call: its line key first, endcall once it is picked, then
        // the call on line 2 gets its line key back.
        assert_eq!(
            plan(&Action::HangUp, &held, &lines),
            Ok(Plan::Focus {
                line: 1,
                then: PhoneOperation::EndCall,
                give_back: Some(2)
            })
        );
        assert_eq!(
            plan(&Action::Resume, &held, &lines),
            Ok(Plan::Keys(vec![Key::line(1)]))
        );
        assert!(plan(&Action::Mute, &held, &lines).is_err());
        assert!(matches!(
            plan(&Action::Mute, &talking, &lines),
            Ok(Plan::Keys(_))
        ));
    }

    #[test]
    fn a_held_call_behind_another_held_call_is_hung_up_through_its_line_key() {
        // Three calls on an 8-line phone: 3 and 8 held, nothing in progress. endcall would end
        // line 3's (the first held one); line 8's is reached by its key, and nothing is given
        // back (no call was in progress).
        let mut lines: Vec<Line> = (1..=8).map(Line::idle).collect();
        lines[2] = line(3, LineState::OnHold, false);
        lines[7] = line(8, LineState::OnHold, false);
        assert_eq!(
            plan(&Action::HangUp, &call(3, CallPhase::Held), &lines),
            Ok(Plan::Operation(PhoneOperation::EndCall))
        );
        assert_eq!(
            plan(&Action::HangUp, &call(8, CallPhase::Held), &lines),
            Ok(Plan::Focus {
                line: 8,
                then: PhoneOperation::EndCall,
                give_back: None
            })
        );
        // The wait of that plan: line 8 connected with focus is what endcall reaches; line 8
        // connected while line 3 holds the focus is not.
        lines[7] = line(8, LineState::Connected, true);
        assert!(end_call_reaches(&lines, 8));
        lines[7] = line(8, LineState::Connected, false);
        lines[2] = line(3, LineState::OnHold, true);
        assert!(!end_call_reaches(&lines, 8));
        // A call the phone shows in another state than held is not planned that way.
        lines[7] = line(8, LineState::Ringing, false);
        assert!(plan(&Action::HangUp, &call(8, CallPhase::Held), &lines).is_err());
    }

    #[test]
    fn an_outgoing_call_is_cancelled_and_a_lone_held_call_resumed_by_toggle() {
        let lines = [line(1, LineState::Calling, true)];
        assert_eq!(
            plan(&Action::HangUp, &call(1, CallPhase::Dialing), &lines),
            Ok(Plan::Operation(PhoneOperation::Cancel))
        );
        let lines = [line(1, LineState::OnHold, true)];
        assert_eq!(
            plan(&Action::Resume, &call(1, CallPhase::Held), &lines),
            Ok(Plan::Operation(PhoneOperation::HoldCall))
        );
    }
}
