//! The X11 selections through arboard: on an X11 desktop, and the last resort on Wayland
//! (XWayland mirrors what Wayland apps copy, at least while an X11 window has had focus).

use super::Kind;

/// An X11 clipboard connection, opened at the first read.
#[derive(Default)]
pub struct X11 {
    clipboard: Option<arboard::Clipboard>,
    failed: bool,
}

impl X11 {
    /// The text of `kind`; `None` when the X server cannot be reached.
    pub fn read(&mut self, kind: Kind) -> Option<String> {
        if self.clipboard.is_none() && !self.failed {
            match arboard::Clipboard::new() {
                Ok(c) => self.clipboard = Some(c),
                Err(e) => {
                    tracing::warn!("cannot open the clipboard: {e}");
                    self.failed = true;
                }
            }
        }
        let clipboard = self.clipboard.as_mut()?;
        Some(match kind {
            #[cfg(target_os = "linux")]
            Kind::Primary => {
                use arboard::{GetExtLinux, LinuxClipboardKind};
                clipboard
                    .get()
                    .clipboard(LinuxClipboardKind::Primary)
                    .text()
                    .unwrap_or_default()
            }
            #[cfg(not(target_os = "linux"))]
            Kind::Primary => String::new(),
            Kind::Clipboard => clipboard.get_text().unwrap_or_default(),
        })
    }
}
