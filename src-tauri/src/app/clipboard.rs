//! Reading what the user selected or copied.

/// The primary selection (Linux: what is highlighted, no Ctrl+C needed) and the clipboard, in
/// that order; empty strings for what cannot be read.
pub fn texts() -> Vec<String> {
    let mut out = Vec::new();
    let mut clipboard = match arboard::Clipboard::new() {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!("cannot open the clipboard: {e}");
            return out;
        }
    };
    #[cfg(target_os = "linux")]
    {
        use arboard::{GetExtLinux, LinuxClipboardKind};
        out.push(
            clipboard
                .get()
                .clipboard(LinuxClipboardKind::Primary)
                .text()
                .unwrap_or_default(),
        );
    }
    out.push(clipboard.get_text().unwrap_or_default());
    out
}
