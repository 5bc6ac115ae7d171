//! Which kind of desktop session the app runs in: X11 or Wayland.
//!
//! It decides how the dial hotkey and the clipboard work: an X11 key grab made through
//! XWayland "succeeds" on Wayland but never fires while a native Wayland window has the
//! focus, which is nearly always, so on Wayland the hotkey has to go through the desktop
//! (the GlobalShortcuts portal) and the clipboard through Wayland's own protocols.

/// The desktop session kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DisplaySession {
    X11,
    Wayland,
}

/// Decides from the values of `WAYLAND_DISPLAY` and `XDG_SESSION_TYPE`: Wayland when a
/// Wayland display is named or the login manager says the session is Wayland, X11
/// otherwise (also when nothing is known: that is what worked before).
pub fn detect(wayland_display: Option<&str>, session_type: Option<&str>) -> DisplaySession {
    let named = wayland_display.is_some_and(|d| !d.trim().is_empty());
    let said = session_type.is_some_and(|t| t.trim().eq_ignore_ascii_case("wayland"));
    if named || said {
        DisplaySession::Wayland
    } else {
        DisplaySession::X11
    }
}

/// The session this process runs in, from its environment.
pub fn current() -> DisplaySession {
    let var = |name: &str| std::env::var(name).ok();
    detect(
        var("WAYLAND_DISPLAY").as_deref(),
        var("XDG_SESSION_TYPE").as_deref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wayland_display_means_wayland() {
        assert_eq!(detect(Some("wayland-0"), None), DisplaySession::Wayland);
        assert_eq!(
            detect(Some("wayland-1"), Some("x11")),
            DisplaySession::Wayland
        );
    }

    #[test]
    fn the_session_type_wayland_means_wayland() {
        assert_eq!(detect(None, Some("wayland")), DisplaySession::Wayland);
        assert_eq!(detect(None, Some("Wayland")), DisplaySession::Wayland);
        assert_eq!(detect(Some(""), Some("wayland")), DisplaySession::Wayland);
    }

    #[test]
    fn anything_else_is_x11() {
        assert_eq!(detect(None, None), DisplaySession::X11);
        assert_eq!(detect(None, Some("x11")), DisplaySession::X11);
        assert_eq!(detect(None, Some("tty")), DisplaySession::X11);
        assert_eq!(detect(Some(""), Some("")), DisplaySession::X11);
        assert_eq!(detect(Some("  "), None), DisplaySession::X11);
    }
}
