use super::error::{CommandError, CommandResult};
use crate::app::windows;
use crate::app::AppState;
use tauri::{AppHandle, State};

#[tauri::command]
pub fn open_window(app: AppHandle, name: String) -> CommandResult<()> {
    match name.as_str() {
        "main" => windows::show_main(&app),
        "settings" => windows::show_settings(&app),
        other => {
            let name: String = other.chars().take(30).collect();
            return Err(CommandError::new(
                "bad_request",
                crate::i18n::tr("app-no-window", &[("name", name.into())]),
            ));
        }
    }
    Ok(())
}

/// Fits the call window to what its page shows (its call, and the rows of the other calls on
/// that phone): `height` in logical pixels, kept within limits and on the screen.
#[tauri::command]
pub fn fit_call_window(app: AppHandle, height: f64) -> CommandResult<()> {
    windows::fit_call(&app, height);
    Ok(())
}

/// The catalog of words the pages use, in the app's language (the settings' `language`,
/// else the system's).
#[tauri::command]
pub fn catalog(state: State<'_, AppState>) -> crate::i18n::Catalog {
    crate::i18n::catalog(crate::i18n::locale_for(&state.settings().language))
}

/// The call window's page has drawn its call: the card the app drew in its place meanwhile
/// goes (`app/call_card.rs`).
#[tauri::command]
pub fn call_window_ready(window: tauri::WebviewWindow) {
    if window.label() == crate::app::windows::CALL {
        crate::app::call_card::uncover(&window);
    }
}
