//! The global dial hotkey (default Ctrl+Alt+D).
//!
//! Registration fails when another program holds the combination, or under Wayland where
//! global grabs are not allowed: that is reported in the main window, and everything else
//! keeps working (the tray's "Dial clipboard" does the same).

use super::state::AppState;
use crate::i18n::tr;
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
            Err(e) => Some(tr(
                "problem-hotkey-invalid",
                &[
                    ("hotkey", wanted.as_str().into()),
                    ("reason", e.to_string().into()),
                ],
            )),
            Ok(shortcut) => match shortcuts.register(shortcut) {
                Ok(()) => None,
                Err(e) => Some(tr(
                    "problem-hotkey-taken",
                    &[
                        ("hotkey", wanted.as_str().into()),
                        ("reason", e.to_string().into()),
                    ],
                )),
            },
        }
    };
    if let Some(p) = &problem {
        tracing::warn!("{p}");
    }
    state.set_problem("hotkey", problem);
}
