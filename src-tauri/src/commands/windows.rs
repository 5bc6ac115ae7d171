use super::error::{CommandError, CommandResult};
use crate::app::windows;
use tauri::AppHandle;

#[tauri::command]
pub fn open_window(app: AppHandle, name: String) -> CommandResult<()> {
    match name.as_str() {
        "main" => windows::show_main(&app),
        "settings" => windows::show_settings(&app),
        other => {
            return Err(CommandError::new(
                "bad_request",
                format!("There is no window called {other}."),
            ))
        }
    }
    Ok(())
}

/// The catalog of words the pages use, in the app's language.
#[tauri::command]
pub fn catalog() -> crate::i18n::Catalog {
    crate::i18n::catalog(crate::i18n::system_locale())
}
