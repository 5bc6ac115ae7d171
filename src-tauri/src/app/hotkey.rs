//! The global dial hotkey (default Ctrl+Alt+D).
//!
//! Registration fails when another program holds the combination, or under Wayland where
//! global grabs are not allowed: that is reported in the main window, and everything else
//! keeps working (the tray's "Dial clipboard" does the same).

use super::state::AppState;
use tauri::AppHandle;
use tauri::Manager;
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};

/// The plugin, with its handler: any registered shortcut means "dial the selection".
pub fn plugin() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, _shortcut, event| {
            if event.state == ShortcutState::Pressed {
                super::dialing::dial_selection(app);
            }
        })
        .build()
}

/// (Re-)registers the hotkey from the settings, replacing any earlier one.
pub fn register(app: &AppHandle) {
    let state = app.state::<AppState>();
    let wanted = state.settings().hotkey;
    let shortcuts = app.global_shortcut();
    if let Err(e) = shortcuts.unregister_all() {
        tracing::debug!("unregistering hotkeys: {e}");
    }
    let problem = if wanted.trim().is_empty() {
        None
    } else {
        match wanted.parse::<Shortcut>() {
            Err(e) => Some(format!(
                "The hotkey \"{wanted}\" is not understood ({e}). Write it like Ctrl+Alt+D in Settings."
            )),
            Ok(shortcut) => match shortcuts.register(shortcut) {
                Ok(()) => None,
                Err(e) => Some(format!(
                    "The hotkey {wanted} could not be set up ({e}). Another program may use it, or the desktop does not allow global hotkeys (Wayland). Choose another in Settings; \"Dial clipboard\" in the tray menu still works."
                )),
            },
        }
    };
    if let Some(p) = &problem {
        tracing::warn!("{p}");
    }
    state.set_problem("hotkey", problem);
}
