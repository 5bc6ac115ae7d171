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
