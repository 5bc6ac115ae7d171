//! How a Yealink is made to act on one particular call.
//!
//! Yealink's Action URI names calls by the `$call_id` its pushes carry: `ASW:<id>`,
//! `CANCEL:<id>`, `HOLD:<id>`, `UNHOLD:<id>` act on exactly that call, whatever the screen
//! shows, so they are used whenever the call's id is known. The plain keys (`OK`, `X`,
//! `CALLEND`, `F_HOLD`) act on the call on screen, so they are used only where that can only
//! be the call meant; otherwise callpop refuses and says what to do rather than act on the
//! wrong call.
//!
//! `CALLEND` ends the call on screen, which is the one being talked on; a held call, or any
//! call while another is on the phone, is ended by its id. `MUTE` is a toggle of the
//! microphone (the session remembers which calls it muted). Transfer is not offered: no
//! Action URI for it is documented (field code uses `BTrans=`, unconfirmed).

use super::client::Key;
use crate::backend::{Action, BackendKind};
use crate::error::PhoneError;
use crate::refusal::Refusal;
use crate::tracker::{ActiveCall, CallPhase};

/// What to send to the phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    Keys(Vec<Key>),
    Dial(String),
}

/// Plans `action` for `call` (absent for dialing and Do Not Disturb), given every call in
/// progress.
pub(crate) fn plan(
    action: &Action,
    call: Option<&ActiveCall>,
    calls: &[ActiveCall],
) -> Result<Plan, PhoneError> {
    let keys = |k: Vec<Key>| Ok(Plan::Keys(k));
    match action {
        Action::Dial { number, .. } => Ok(Plan::Dial(number.clone())),
        Action::SetDnd { on } => keys(vec![Key::named(if *on {
            Key::DND_ON
        } else {
            Key::DND_OFF
        })]),
        _ => {
            let call = call.ok_or(Refusal::NoCall)?;
            plan_for_call(action, call, calls)
        }
    }
}

fn plan_for_call(
    action: &Action,
    call: &ActiveCall,
    calls: &[ActiveCall],
) -> Result<Plan, PhoneError> {
    let id = call.source_call_id.as_str();
    let has_id = !id.is_empty();
    let others = calls.iter().filter(|c| c.call != call.call).count();
    let others_in = |phase: CallPhase| {
        calls
            .iter()
            .any(|c| c.call != call.call && c.phase == phase)
    };
    let keys = |k: Key| Ok(Plan::Keys(vec![k]));
    match action {
        Action::Answer if has_id => keys(Key::answer(id)),
        // OK answers the newest ring: the right one when it is the only one.
        Action::Answer if !others_in(CallPhase::Ringing) => keys(Key::named(Key::OK)),
        Action::Reject if has_id => keys(Key::cancel(id)),
        Action::Reject if !others_in(CallPhase::Ringing) => keys(Key::named(Key::CANCEL)),
        Action::Answer | Action::Reject => Err(Refusal::WhichRinging.into()),
        Action::HangUp => match call.phase {
            CallPhase::Ringing => plan_for_call(&Action::Reject, call, calls),
            CallPhase::Dialing if has_id => keys(Key::cancel(id)),
            _ if others == 0 => keys(Key::named(Key::CALL_END)),
            _ if has_id => keys(Key::cancel(id)),
            _ => Err(Refusal::WhichToHangUp.into()),
        },
        Action::Hold if has_id => keys(Key::hold(id)),
        Action::Resume if has_id => keys(Key::unhold(id)),
        // F_HOLD toggles the call on screen: the right one when it is the only call.
        Action::Hold | Action::Resume if others == 0 => keys(Key::named(Key::HOLD)),
        Action::Hold | Action::Resume => Err(Refusal::WhichToHold.into()),
        // The microphone is the phone's, not a call's: MUTE toggles it during the call.
        Action::Mute | Action::Unmute => keys(Key::named(Key::MUTE)),
        Action::Transfer { .. }
        | Action::ConsultTransfer { .. }
        | Action::CompleteTransfer
        | Action::CancelTransfer
        | Action::Dial { .. }
        | Action::SetDnd { .. }
        | Action::SetForward { .. } => Err(Refusal::NotOffered {
            action: action.kind(),
            system: BackendKind::Yealink,
        }
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Direction;
    use crate::tracker::CallId;

    fn call(n: u32, phase: CallPhase, id: &str) -> ActiveCall {
        ActiveCall {
            call: CallId::from(format!("c{n}")),
            line: n,
            phase,
            direction: Direction::Incoming,
            number: String::new(),
            name: String::new(),
            account: None,
            answered: false,
            source_call_id: id.into(),
            info: Default::default(),
            end_hint: None,
        }
    }

    fn sent(plan: Result<Plan, PhoneError>) -> Vec<String> {
        match plan {
            Ok(Plan::Keys(keys)) => keys.iter().map(|k| k.as_str().to_owned()).collect(),
            other => panic!("not keys: {other:?}"),
        }
    }

    #[test]
    fn calls_with_an_id_are_named() {
        let ringing = call(2, CallPhase::Ringing, "33094");
        let held = call(1, CallPhase::Held, "33093");
        let calls = [held.clone(), ringing.clone()];
        assert_eq!(
            sent(plan(&Action::Answer, Some(&ringing), &calls)),
            ["ASW:33094"]
        );
        assert_eq!(
            sent(plan(&Action::Reject, Some(&ringing), &calls)),
            ["CANCEL:33094"]
        );
        assert_eq!(
            sent(plan(&Action::HangUp, Some(&ringing), &calls)),
            ["CANCEL:33094"]
        );
        assert_eq!(
            sent(plan(&Action::Resume, Some(&held), &calls)),
            ["UNHOLD:33093"]
        );
        assert_eq!(
            sent(plan(&Action::HangUp, Some(&held), &calls)),
            ["CANCEL:33093"]
        );
        let talking = call(1, CallPhase::Connected, "33093");
        assert_eq!(
            sent(plan(
                &Action::Hold,
                Some(&talking),
                std::slice::from_ref(&talking)
            )),
            ["HOLD:33093"]
        );
        assert_eq!(
            sent(plan(
                &Action::HangUp,
                Some(&talking),
                std::slice::from_ref(&talking)
            )),
            ["CALLEND"]
        );
        assert_eq!(
            sent(plan(
                &Action::Mute,
                Some(&talking),
                std::slice::from_ref(&talking)
            )),
            ["MUTE"]
        );
        assert_eq!(
            sent(plan(
                &Action::Unmute,
                Some(&talking),
                std::slice::from_ref(&talking)
            )),
            ["MUTE"]
        );
        let dialing = call(1, CallPhase::Dialing, "33095");
        assert_eq!(
            sent(plan(
                &Action::HangUp,
                Some(&dialing),
                std::slice::from_ref(&dialing)
            )),
            ["CANCEL:33095"]
        );
    }

    #[test]
    fn keys_on_screen_only_where_they_can_only_mean_this_call() {
        let ringing = call(1, CallPhase::Ringing, "");
        assert_eq!(
            sent(plan(
                &Action::Answer,
                Some(&ringing),
                std::slice::from_ref(&ringing)
            )),
            ["OK"]
        );
        assert_eq!(
            sent(plan(
                &Action::Reject,
                Some(&ringing),
                std::slice::from_ref(&ringing)
            )),
            ["X"]
        );
        let other = call(2, CallPhase::Ringing, "");
        let both = [ringing.clone(), other];
        assert_eq!(
            plan(&Action::Answer, Some(&ringing), &both),
            Err(Refusal::WhichRinging.into())
        );
        let held = call(1, CallPhase::Held, "");
        assert_eq!(
            sent(plan(
                &Action::Resume,
                Some(&held),
                std::slice::from_ref(&held)
            )),
            ["F_HOLD"]
        );
        let talking = call(2, CallPhase::Connected, "");
        let two = [held.clone(), talking.clone()];
        assert_eq!(
            plan(&Action::HangUp, Some(&held), &two),
            Err(Refusal::WhichToHangUp.into())
        );
        assert_eq!(
            plan(&Action::Hold, Some(&talking), &two),
            Err(Refusal::WhichToHold.into())
        );
        assert_eq!(
            plan(&Action::Transfer { to: "1".into() }, Some(&talking), &two),
            Err(Refusal::NotOffered {
                action: crate::ActionKind::Transfer,
                system: BackendKind::Yealink
            }
            .into())
        );
    }

    #[test]
    fn dialing_and_dnd_need_no_call() {
        assert_eq!(
            plan(
                &Action::Dial {
                    number: "+1555".into(),
                    account: None,
                },
                None,
                &[]
            ),
            Ok(Plan::Dial("+1555".into()))
        );
        assert_eq!(
            sent(plan(&Action::SetDnd { on: true }, None, &[])),
            ["DNDOn"]
        );
        assert_eq!(
            sent(plan(&Action::SetDnd { on: false }, None, &[])),
            ["DNDOff"]
        );
        assert!(plan(&Action::Hold, None, &[]).is_err());
    }
}
