//! The dial hotkey on X11: a key grab on the X server (tauri-plugin-global-shortcut).
//!
//! Registration fails when another program holds the combination: that is reported in the
//! main window, and everything else keeps working (the tray's "Dial clipboard" does the same).

use super::super::state::AppState;
use crate::i18n::tr;
use tauri::AppHandle;
use tauri::Manager;
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};

/// The plugin, with its handler: any registered shortcut means "dial the selection".
pub fn plugin() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, _shortcut, event| {
            if event.state == ShortcutState::Pressed {
                super::super::dialing::dial_selection(app);
            }
        })
        .build()
}

/// Releases every key grab made earlier.
pub fn release(app: &AppHandle) {
    if let Err(e) = app.global_shortcut().unregister_all() {
        tracing::debug!("unregistering hotkeys: {e}");
    }
}

/// (Re-)registers the hotkey from the settings, replacing any earlier one.
pub fn register(app: &AppHandle) {
    let state = app.state::<AppState>();
    let wanted = state.settings().hotkey;
    let shortcuts = app.global_shortcut();
    release(app);
    let problem = if wanted.trim().is_empty() {
        None
    } else {
        match wanted.parse::<Shortcut>() {
            Err(e) => Some(super::invalid(&wanted, &e.to_string())),
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
    state.set_problem(super::PROBLEM, problem);
}
