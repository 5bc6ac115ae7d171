//! What each action sends to xuc, and how callpop knows it worked.
//!
//! xuc answers no command: it hands it to Asterisk or the phone, and what happened shows in
//! the events that follow (or nothing happens, say when the phone cannot be answered from
//! the computer). So an action that changes a call waits, briefly, for the board to show the
//! change, and says clearly when it does not come; the session shows the change itself
//! through the same events. The exception is dialing: XiVO first rings the desk phone, and the
//! call appears only once the person picks up, which may take any time, so a dial is done
//! once the server has it.
//!
//! Rules of xuc's commands that callpop has to respect:
//! - `answer`, `hangup` and `hold` name their call by `uniqueId`, so two calls at once are
//!   never confused;
//! - `hold` is a toggle: Hold on a held call, or Resume on a connected one, sends nothing (the
//!   call already is as asked);
//! - transfers (`directTransfer`, `attendedTransfer`) name no call: xuc transfers the call the
//!   person is talking on. A held call is therefore refused with a clear word (resume it
//!   first) rather than transferring the other call by surprise;
//! - `completeTransfer` and `cancelTransfer` act on the transfer in progress; Do Not Disturb
//!   is `dnd` with `state`.
//!
//! Declining a ringing call (Reject, or Hang up while it rings) is not waited for either:
//! [`crate::session::Session::act`] tells the tracker that the person declined the call only
//! after `perform` returns, and a release the connection reports before that would end the
//! call as missed instead of rejected. Returning as soon as the command is queued keeps that
//! order (the release needs a round trip to the server).

use super::board::Board;
use super::messages::Command;
use crate::backend::{Action, ActionKind, BackendKind, Target};
use crate::error::PhoneError;
use crate::model::LineState;
use crate::refusal::Refusal;

/// What an action comes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// The call already is as asked: nothing to send.
    Nothing,
    Send {
        command: Command,
        expect: Expect,
    },
}

/// The change that shows a command worked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Expect {
    /// Nothing to wait for (see the module documentation on dialing).
    Accepted,
    /// The call is released.
    Gone(String),
    /// The call reaches this state.
    State(String, LineState),
    /// The call leaves this state (or ends).
    Leaves(String, LineState),
    /// The call leaves this state, or another call appears (a consultation starts: whether
    /// xuc reports the first call held before or after the new one rings is not documented).
    LeavesOrNewCall {
        key: String,
        from: LineState,
        calls_before: usize,
    },
    Dnd(bool),
}

/// Whether `expect` shows on `board`.
pub(crate) fn shows(expect: &Expect, board: &Board) -> bool {
    match expect {
        Expect::Accepted => true,
        Expect::Gone(key) => board.state_of(key).is_none(),
        Expect::State(key, state) => board.state_of(key).as_ref() == Some(state),
        Expect::Leaves(key, state) => board.state_of(key).as_ref() != Some(state),
        Expect::LeavesOrNewCall {
            key,
            from,
            calls_before,
        } => board.state_of(key).as_ref() != Some(from) || board.lines().len() > *calls_before,
        Expect::Dnd(on) => board.dnd() == Some(*on),
    }
}

/// Plans `action` for `target` on the picture `board` holds.
pub(crate) fn plan(
    action: &Action,
    target: &Target<'_>,
    board: &Board,
) -> Result<Plan, PhoneError> {
    let send = |command: Command, expect: Expect| Ok(Plan::Send { command, expect });
    match action {
        Action::Dial { number, .. } => {
            return send(
                Command::Dial {
                    destination: number.clone(),
                },
                Expect::Accepted,
            )
        }
        Action::SetDnd { on } => {
            if board.dnd() == Some(*on) {
                return Ok(Plan::Nothing);
            }
            return send(Command::Dnd { on: *on }, Expect::Dnd(*on));
        }
        // xuc reports forwards in UserConfigUpdate, but callpop shows none of them yet: the
        // server taking the command is what can be confirmed.
        Action::SetForward { case, to } => {
            let destination = to.clone().unwrap_or_default();
            return send(
                Command::Forward {
                    case: *case,
                    state: to.is_some(),
                    destination,
                },
                Expect::Accepted,
            );
        }
        Action::Mute | Action::Unmute => {
            return Err(PhoneError::NotSupported {
                function: "muting from the computer (xuc has no such command for desk phones)"
                    .to_owned(),
            })
        }
        _ => {}
    }
    let key = call_key(target, board)?;
    let over = || PhoneError::from(Refusal::CallOver);
    let state = board.state_of(&key);
    let id = Some(key.clone());
    match action {
        Action::Answer => match state {
            Some(LineState::Ringing) => send(
                Command::Answer { unique_id: id },
                Expect::Leaves(key, LineState::Ringing),
            ),
            Some(LineState::Connected | LineState::OnHold) => Ok(Plan::Nothing),
            Some(_) => Err(Refusal::NotRinging.into()),
            None => Err(over()),
        },
        Action::Reject | Action::HangUp => match state {
            // Declining a ring is not waited for: the session marks the call as rejected
            // only once this returns, and a release seen before that would be taken for a
            // missed call (see the module documentation).
            Some(LineState::Ringing) => send(Command::Hangup { unique_id: id }, Expect::Accepted),
            Some(_) => send(Command::Hangup { unique_id: id }, Expect::Gone(key)),
            None => Ok(Plan::Nothing),
        },
        Action::Hold => match state {
            Some(LineState::Connected) => send(
                Command::Hold { unique_id: id },
                Expect::State(key, LineState::OnHold),
            ),
            Some(LineState::OnHold) => Ok(Plan::Nothing),
            Some(_) => Err(Refusal::HoldNeedsConnected.into()),
            None => Err(over()),
        },
        Action::Resume => match state {
            Some(LineState::OnHold) => send(
                Command::Hold { unique_id: id },
                Expect::State(key, LineState::Connected),
            ),
            Some(LineState::Connected) => Ok(Plan::Nothing),
            Some(_) => Err(Refusal::NotOnHold.into()),
            None => Err(over()),
        },
        Action::Transfer { to } | Action::ConsultTransfer { to } => {
            match state {
                Some(LineState::Connected) => {}
                Some(LineState::OnHold) => return Err(Refusal::XivoTransferHeld.into()),
                Some(_) => return Err(Refusal::TransferNeedsAnswer.into()),
                None => return Err(over()),
            }
            if to.trim().is_empty() {
                return Err(Refusal::NoTransferNumber.into());
            }
            let destination = to.trim().to_owned();
            if matches!(action, Action::Transfer { .. }) {
                send(Command::DirectTransfer { destination }, Expect::Gone(key))
            } else {
                // The call waits on hold while the consulted party is called.
                send(
                    Command::AttendedTransfer { destination },
                    Expect::LeavesOrNewCall {
                        key,
                        from: LineState::Connected,
                        calls_before: board.lines().len(),
                    },
                )
            }
        }
        Action::CompleteTransfer | Action::CancelTransfer => {
            let Some(state) = state else {
                return Err(over());
            };
            let held = board.calls_in(&LineState::OnHold);
            let others = [LineState::Connected, LineState::Calling]
                .iter()
                .map(|s| board.calls_in(s).len())
                .sum::<usize>();
            if held.is_empty() || others == 0 {
                return Err(Refusal::NoTransferInProgress.into());
            }
            if matches!(action, Action::CompleteTransfer) {
                // Both legs leave the phone: the two other parties talk to each other.
                send(Command::CompleteTransfer, Expect::Gone(key))
            } else {
                // The consultation ends (gone) or the held caller comes back (connected).
                send(Command::CancelTransfer, Expect::Leaves(key, state))
            }
        }
        Action::Dial { .. }
        | Action::SetDnd { .. }
        | Action::SetForward { .. }
        | Action::Mute
        | Action::Unmute => Err(Refusal::NotOffered {
            action: action.kind(),
            system: BackendKind::Xivo,
        }
        .into()),
    }
}

/// The `uniqueId` of the call the action is about.
fn call_key(target: &Target<'_>, board: &Board) -> Result<String, PhoneError> {
    let call = target.call.ok_or(Refusal::NoCall)?;
    if !call.source_call_id.is_empty() {
        return Ok(call.source_call_id.clone());
    }
    board
        .key_on(call.line)
        .map(str::to_owned)
        .ok_or_else(|| Refusal::CallOver.into())
}

/// Why a command did not show its effect in time, in the person's words.
pub(crate) fn not_confirmed(kind: ActionKind, seconds: f64) -> PhoneError {
    let reason = match kind {
        ActionKind::Answer => format!(
            "the phone did not pick up within {seconds:.0} s. XiVO can answer only on phones \
             that accept being answered from the computer; pick up on the phone"
        ),
        ActionKind::Hold | ActionKind::Resume => format!(
            "the phone did not change the call within {seconds:.0} s; not every phone lets \
             XiVO hold calls for it"
        ),
        _ => format!("the XiVO server reported no change within {seconds:.0} s"),
    };
    PhoneError::CommandRefused {
        action: kind.words().to_owned(),
        reason: Some(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::super::messages::{CallDirection, EventType, PhoneEvent};
    use super::*;
    use crate::tracker::{ActiveCall, CallPhase, CallTracker};

    fn event(kind: EventType, unique_id: &str) -> PhoneEvent {
        PhoneEvent {
            event: kind,
            dn: "1000".into(),
            other_dn: "0612".into(),
            other_name: String::new(),
            linked_id: unique_id.into(),
            unique_id: unique_id.into(),
            queue: None,
            direction: Some(CallDirection::Incoming),
            user_data: Default::default(),
        }
    }

    fn tracked(board: &Board) -> Vec<ActiveCall> {
        let mut tracker = CallTracker::with_id_prefix("t");
        tracker.observe(&board.lines());
        tracker.calls().cloned().collect()
    }

    fn plan_for(action: Action, board: &Board, unique_id: &str) -> Result<Plan, PhoneError> {
        let calls = tracked(board);
        let call = calls.iter().find(|c| c.source_call_id == unique_id);
        let lines = board.lines();
        plan(
            &action,
            &Target {
                call,
                lines: &lines,
                calls: &calls,
            },
            board,
        )
    }

    #[test]
    fn hold_is_a_toggle_that_never_toggles_the_wrong_way() {
        let mut board = Board::default();
        board.apply(&event(EventType::Established, "1.1"));
        assert_eq!(
            plan_for(Action::Hold, &board, "1.1"),
            Ok(Plan::Send {
                command: Command::Hold {
                    unique_id: Some("1.1".into())
                },
                expect: Expect::State("1.1".into(), LineState::OnHold)
            })
        );
        assert_eq!(plan_for(Action::Resume, &board, "1.1"), Ok(Plan::Nothing));
        board.apply(&event(EventType::OnHold, "1.1"));
        assert_eq!(plan_for(Action::Hold, &board, "1.1"), Ok(Plan::Nothing));
        assert!(matches!(
            plan_for(Action::Resume, &board, "1.1"),
            Ok(Plan::Send {
                command: Command::Hold { .. },
                ..
            })
        ));
    }

    #[test]
    fn a_held_call_is_not_transferred_behind_the_persons_back() {
        let mut board = Board::default();
        board.apply(&event(EventType::OnHold, "1.1"));
        board.apply(&event(EventType::Established, "1.2"));
        let to = || Action::Transfer { to: "1001".into() };
        assert!(matches!(
            plan_for(to(), &board, "1.1"),
            Err(PhoneError::Refused(Refusal::XivoTransferHeld))
        ));
        assert_eq!(
            plan_for(to(), &board, "1.2"),
            Ok(Plan::Send {
                command: Command::DirectTransfer {
                    destination: "1001".into()
                },
                expect: Expect::Gone("1.2".into())
            })
        );
        // A held call and another one: a transfer can be completed.
        assert!(matches!(
            plan_for(Action::CompleteTransfer, &board, "1.2"),
            Ok(Plan::Send {
                command: Command::CompleteTransfer,
                ..
            })
        ));
    }

    #[test]
    fn a_consultation_shows_by_the_hold_or_by_the_new_call() {
        let mut board = Board::default();
        board.apply(&event(EventType::Established, "1.1"));
        let consult = || Action::ConsultTransfer { to: "1002".into() };
        let Ok(Plan::Send { command, expect }) = plan_for(consult(), &board, "1.1") else {
            panic!("a plan");
        };
        assert_eq!(
            command,
            Command::AttendedTransfer {
                destination: "1002".into()
            }
        );
        assert!(!shows(&expect, &board));
        let mut new_call_first = board.clone();
        new_call_first.apply(&event(EventType::Dialing, "1.2"));
        assert!(shows(&expect, &new_call_first));
        board.apply(&event(EventType::OnHold, "1.1"));
        assert!(shows(&expect, &board));
    }

    #[test]
    fn completing_without_a_consultation_is_refused() {
        let mut board = Board::default();
        board.apply(&event(EventType::Established, "1.1"));
        assert!(matches!(
            plan_for(Action::CompleteTransfer, &board, "1.1"),
            Err(PhoneError::Refused(Refusal::NoTransferInProgress))
        ));
    }

    #[test]
    fn answering_names_the_call_and_waits_for_it_to_stop_ringing() {
        let mut board = Board::default();
        board.apply(&event(EventType::Ringing, "1.1"));
        board.apply(&event(EventType::Ringing, "1.2"));
        let planned = plan_for(Action::Answer, &board, "1.2");
        assert_eq!(
            planned,
            Ok(Plan::Send {
                command: Command::Answer {
                    unique_id: Some("1.2".into())
                },
                expect: Expect::Leaves("1.2".into(), LineState::Ringing)
            })
        );
        let Ok(Plan::Send { expect, .. }) = planned else {
            panic!("a plan");
        };
        assert!(!shows(&expect, &board));
        board.apply(&event(EventType::Established, "1.2"));
        assert!(shows(&expect, &board));
        // Nothing rings any more on 1.1's line? Still ringing: its call is untouched.
        assert_eq!(board.state_of("1.1"), Some(LineState::Ringing));
        let calls = tracked(&board);
        assert!(calls.iter().any(|c| c.phase == CallPhase::Ringing));
    }

    #[test]
    fn dnd_already_as_asked_sends_nothing() {
        let mut board = Board::default();
        let none = Target {
            call: None,
            lines: &[],
            calls: &[],
        };
        assert!(matches!(
            plan(&Action::SetDnd { on: true }, &none, &board),
            Ok(Plan::Send { .. })
        ));
        board.apply_user(&super::super::messages::UserConfig {
            dnd: Some(true),
            ..Default::default()
        });
        assert_eq!(
            plan(&Action::SetDnd { on: true }, &none, &board),
            Ok(Plan::Nothing)
        );
    }
}
