//! Call control and dialing from the windows.

use super::error::{CommandError, CommandResult};
use crate::app::view::AppView;
use crate::app::{dialing, phones, windows, AppState};
use crate::i18n::{self, tr};
use callpop_phone::error::Params;
use callpop_phone::settings::PhoneId;
use callpop_phone::tracker::CallId;
use callpop_phone::{number, Action, Session};
use serde::Serialize;
use std::sync::Arc;
use tauri::{AppHandle, State};

/// The view as of now (not the last one sent: a window asking right after a change must
/// not wait for the next one).
#[tauri::command]
pub fn get_state(app: AppHandle) -> AppView {
    phones::current_view(&app)
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
        .ok_or_else(|| CommandError::app("call_over", Params::new()))?;
    let target = |to: Option<String>| -> CommandResult<String> {
        let text = to.unwrap_or_default();
        number::normalize(&text, &state.settings().dialing)
            .map(|t| t.dial)
            .map_err(|e| CommandError::number(&e))
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
            let action: String = other.chars().take(30).collect();
            return Err(CommandError::new(
                "bad_request",
                tr("app-bad-action", &[("action", action.into())]),
            ));
        }
    };
    tracing::debug!(call = %call.as_str(), ?action, "a window asks for a call action");
    let resumed = action == Action::Resume;
    watched.session.act(Some(&call), action).await?;
    phones::publish(&app);
    if resumed {
        // The window may load another page before this answer reaches it; the web view then
        // asks again, and the session does not carry the repeat out (Session::act).
        windows::follow_call(&app, call.as_str());
    }
    Ok(())
}

#[derive(Serialize)]
pub struct Dialed {
    display: String,
    dial: String,
}

/// Dials at once: the user typed the number and pressed Call. On `phone` (its id), else the
/// first phone that can dial; from `account` (0-based index, as the phone's view lists its
/// accounts), else the account the settings name, else the phone's default.
#[tauri::command]
pub async fn dial(
    app: AppHandle,
    state: State<'_, AppState>,
    text: String,
    phone: Option<String>,
    account: Option<u32>,
) -> CommandResult<Dialed> {
    let rules = state.settings().dialing;
    let target = number::normalize(&text, &rules).map_err(|e| CommandError::number(&e))?;
    if let (Some(id), Ok(mut chosen)) = (&phone, state.dial_phone.lock()) {
        // The hotkey and links dial from the phone the user picked here too.
        *chosen = Some(PhoneId::new(id.clone()));
    }
    let session = session_for(&state, phone)?;
    session.dial_from(&target.dial, account).await?;
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
    preview(&text, &state.settings().dialing)
}

/// The dial preview: what the number field's text dials, or why it cannot be dialled (in the
/// user's language; the line for a number that dials is English for now, see
/// `callpop_phone::number::preview`).
pub fn preview(text: &str, rules: &number::DialingRules) -> String {
    match number::normalize(text, rules) {
        Ok(_) => number::preview(text, rules),
        Err(e) => i18n::number_error(&e),
    }
}

/// Puts text on the clipboard (a number from the call list).
#[tauri::command]
pub fn copy_text(text: String) -> CommandResult<()> {
    let failed = |e: arboard::Error| {
        CommandError::new(
            "clipboard",
            tr("app-clipboard-failed", &[("reason", e.to_string().into())]),
        )
    };
    let mut clipboard = arboard::Clipboard::new().map_err(failed)?;
    clipboard.set_text(text).map_err(failed)
}

/// Cancels a hotkey or link dial still waiting out its delay.
#[tauri::command]
pub fn cancel_dial(app: AppHandle) {
    dialing::cancel(&app);
}

/// Dials the number in the selection or the clipboard, as the hotkey and the tray's "Dial
/// clipboard" do: the main window offers it next to a hotkey that cannot work (Wayland
/// without a shortcuts portal, keys taken by another program).
#[tauri::command]
pub fn dial_clipboard(app: AppHandle) {
    dialing::dial_selection(&app);
}
