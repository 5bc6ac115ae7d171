//! Call control and dialing from the windows.

use super::error::{CommandError, CommandResult};
use crate::app::view::AppView;
use crate::app::{dialing, phones, AppState};
use callpop_phone::settings::PhoneId;
use callpop_phone::tracker::CallId;
use callpop_phone::{number, Action, Session};
use serde::Serialize;
use std::sync::Arc;
use tauri::{AppHandle, State};

#[tauri::command]
pub fn get_state(state: State<'_, AppState>) -> AppView {
    state.view()
}

/// Does `action` to the call `call` (its id as the windows got it): `answer`, `reject`,
/// `hang_up`, `hold`, `resume`, `mute`, `unmute`, `transfer` and `consult_transfer` (with
/// `to`, a number as typed), `complete_transfer`, `cancel_transfer`.
#[tauri::command]
pub async fn act(
    app: AppHandle,
    state: State<'_, AppState>,
    call: String,
    action: String,
    to: Option<String>,
) -> CommandResult<()> {
    let call = CallId::from(call);
    let watched = state
        .sessions
        .find_call(&call)
        .ok_or_else(|| CommandError::new("call_over", "That call is already over."))?;
    let target = |to: Option<String>| -> CommandResult<String> {
        let text = to.unwrap_or_default();
        number::normalize(&text, &state.settings().dialing)
            .map(|t| t.dial)
            .map_err(|e| CommandError::new("bad_number", e.to_string()))
    };
    let action = match action.as_str() {
        "answer" => Action::Answer,
        "reject" => Action::Reject,
        "hang_up" => Action::HangUp,
        "hold" => Action::Hold,
        "resume" => Action::Resume,
        "mute" => Action::Mute,
        "unmute" => Action::Unmute,
        "transfer" => Action::Transfer { to: target(to)? },
        "consult_transfer" => Action::ConsultTransfer { to: target(to)? },
        "complete_transfer" => Action::CompleteTransfer,
        "cancel_transfer" => Action::CancelTransfer,
        other => {
            return Err(CommandError::new(
                "bad_request",
                format!(
                    "“{}” is not something callpop can do to a call.",
                    other.chars().take(30).collect::<String>()
                ),
            ))
        }
    };
    watched.session.act(Some(&call), action).await?;
    phones::publish(&app);
    Ok(())
}

#[derive(Serialize)]
pub struct Dialed {
    display: String,
    dial: String,
}

/// Dials at once: the user typed the number and pressed Call. On `phone` (its id), else the
/// first phone that can dial.
#[tauri::command]
pub async fn dial(
    app: AppHandle,
    state: State<'_, AppState>,
    text: String,
    phone: Option<String>,
) -> CommandResult<Dialed> {
    let rules = state.settings().dialing;
    let target = number::normalize(&text, &rules)
        .map_err(|e| CommandError::new("bad_number", e.to_string()))?;
    let session = session_for(&state, phone)?;
    session.dial(&target.dial).await?;
    phones::publish(&app);
    Ok(Dialed {
        display: target.display,
        dial: target.dial,
    })
}

/// Turns Do Not Disturb on or off on `phone`.
#[tauri::command]
pub async fn set_dnd(
    app: AppHandle,
    state: State<'_, AppState>,
    phone: String,
    on: bool,
) -> CommandResult<()> {
    let session = session_for(&state, Some(phone))?;
    session.act(None, Action::SetDnd { on }).await?;
    phones::publish(&app);
    Ok(())
}

fn session_for(state: &AppState, phone: Option<String>) -> CommandResult<Arc<Session>> {
    match phone {
        Some(id) => state
            .sessions
            .session(&PhoneId::new(id))
            .ok_or_else(CommandError::no_phone),
        None => dialing::dialing_phone(state).ok_or_else(CommandError::no_phone),
    }
}

/// "→ dials 9 1 416 555 0123" under the number field, with the current rules.
#[tauri::command]
pub fn preview_number(state: State<'_, AppState>, text: String) -> String {
    number::preview(&text, &state.settings().dialing)
}

/// Puts text on the clipboard (a number from the call list).
#[tauri::command]
pub fn copy_text(text: String) -> CommandResult<()> {
    let mut clipboard =
        arboard::Clipboard::new().map_err(|e| CommandError::new("clipboard", e.to_string()))?;
    clipboard
        .set_text(text)
        .map_err(|e| CommandError::new("clipboard", e.to_string()))
}

/// Cancels a hotkey or link dial still waiting out its delay.
#[tauri::command]
pub fn cancel_dial(app: AppHandle) {
    dialing::cancel(&app);
}
