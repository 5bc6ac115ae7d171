//! Reading what the user selected or copied: the primary selection (Linux: what is
//! highlighted, no Ctrl+C needed) and the clipboard.
//!
//! X11 reads both through the X server ([`x11`]). Wayland has no one way that works on every
//! desktop ([`wayland`]): the data-control protocol where the compositor offers it (KDE,
//! sway, wlroots), else the `wl-paste` command when installed, else XWayland.

#[cfg(target_os = "linux")]
mod wayland;
mod x11;

use super::session::{self, DisplaySession};

/// Which of the two texts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Primary,
    Clipboard,
}

/// The primary selection and the clipboard, in that order; empty strings for what cannot be
/// read.
pub fn texts() -> Vec<String> {
    let mut x11 = x11::X11::default();
    match session::current() {
        #[cfg(target_os = "linux")]
        DisplaySession::Wayland => wayland::texts(&mut |kind| x11.read(kind)),
        _ => [Kind::Primary, Kind::Clipboard]
            .into_iter()
            .map(|kind| x11.read(kind).unwrap_or_default())
            .collect(),
    }
}
