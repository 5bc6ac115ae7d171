//! Call control and dialing from the windows.

use super::error::{CommandError, CommandResult};
use crate::app::view::AppView;
use crate::app::{session, AppState};
use callpop_phone::number;
use callpop_phone::Phone;
use serde::Serialize;
use std::sync::Arc;
use tauri::{AppHandle, State};

fn phone(state: &AppState) -> CommandResult<Arc<Phone>> {
    state.phone().ok_or_else(CommandError::no_phone)
}

#[tauri::command]
pub fn get_state(state: State<'_, AppState>) -> AppView {
    state.view()
}

#[tauri::command]
pub async fn answer(
    app: AppHandle,
    state: State<'_, AppState>,
    line: Option<u32>,
) -> CommandResult<()> {
    phone(&state)?.answer(line).await?;
    session::publish(&app);
    Ok(())
}

#[tauri::command]
pub async fn reject(
    app: AppHandle,
    state: State<'_, AppState>,
    line: Option<u32>,
) -> CommandResult<()> {
    phone(&state)?.reject(line).await?;
    session::publish(&app);
    Ok(())
}

#[tauri::command]
pub async fn hang_up(app: AppHandle, state: State<'_, AppState>) -> CommandResult<()> {
    phone(&state)?.hang_up().await?;
    session::publish(&app);
    Ok(())
}

#[tauri::command]
pub async fn toggle_hold(app: AppHandle, state: State<'_, AppState>) -> CommandResult<()> {
    phone(&state)?.toggle_hold().await?;
    session::publish(&app);
    Ok(())
}

#[tauri::command]
pub async fn toggle_mute(app: AppHandle, state: State<'_, AppState>) -> CommandResult<bool> {
    let muted = phone(&state)?.toggle_mute().await?;
    session::publish(&app);
    Ok(muted)
}

#[derive(Serialize)]
pub struct Dialed {
    display: String,
    dial: String,
}

/// Dials at once: the user typed the number and pressed Call.
#[tauri::command]
pub async fn dial(
    app: AppHandle,
    state: State<'_, AppState>,
    text: String,
) -> CommandResult<Dialed> {
    let rules = state.settings().dialing;
    let target = number::normalize(&text, &rules)
        .map_err(|e| CommandError::new("bad_number", e.to_string()))?;
    phone(&state)?.dial(&target.dial).await?;
    session::publish(&app);
    Ok(Dialed {
        display: target.display,
        dial: target.dial,
    })
}

/// "→ dials 9 1 416 555 0123" under the number field, with the current rules.
#[tauri::command]
pub fn preview_number(state: State<'_, AppState>, text: String) -> String {
    number::preview(&text, &state.settings().dialing)
}
