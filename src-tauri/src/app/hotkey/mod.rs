//! The global dial hotkey (default Ctrl+Alt+D): it dials the number that is selected or
//! copied.
//!
//! On X11 it is a key grab ([`x11`]). On Wayland a grab made through XWayland would be
//! accepted and then never fire, so there it goes through the desktop's GlobalShortcuts
//! portal ([`portal`]), and where the desktop has none the main window says so plainly and
//! points to the tray's "Dial clipboard": the hotkey is never silently dead.

#[cfg(target_os = "linux")]
mod portal;
#[cfg(target_os = "linux")]
mod trigger;
mod x11;

use super::session::{self, DisplaySession};
use crate::i18n::tr;
use tauri::AppHandle;

pub use x11::plugin;

/// The problem kind the main window lists hotkey problems under.
const PROBLEM: &str = "hotkey";
/// The kind of the hotkey's information lines (not problems: e.g. the keys the desktop set).
const NOTICE: &str = "hotkey-info";

/// (Re-)registers the hotkey from the settings, replacing any earlier one. Called at start
/// and after every Save.
pub fn register(app: &AppHandle) {
    match session::current() {
        DisplaySession::X11 => x11::register(app),
        #[cfg(target_os = "linux")]
        DisplaySession::Wayland => {
            // No grab at all here: it would look set up and never fire.
            x11::release(app);
            portal::register(app);
        }
        #[cfg(not(target_os = "linux"))]
        DisplaySession::Wayland => x11::register(app),
    }
}

/// The main window's message for a hotkey the settings hold but nobody understands.
fn invalid(hotkey: &str, reason: &str) -> String {
    tr(
        "problem-hotkey-invalid",
        &[("hotkey", hotkey.into()), ("reason", reason.into())],
    )
}
