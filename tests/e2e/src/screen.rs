//! The X screen as a person sees it, read over one connection (no window manager in the
//! session: the app's windows are the root's children).

use crate::{ensure, fail, Result};
use std::process::Command;
use x11rb::connection::Connection as _;

/// What the call window shows where, in its 340 × 260 logical pixels (see the e2e screenshot
/// `s2-incoming-call-window-call-ringing.png`), for tests that watch it from outside.
pub mod call_window {
    /// The ringing colour (`--ringing` in ui/css/app.css), in the band at the top, at
    /// [`BAND`].
    pub const RINGING: (u8, u8, u8) = (0xE6, 0x51, 0x00);
    pub const BAND: (i16, i16) = (8, 8);
    /// A point inside the page's Answer button (only the page draws it), and its colour
    /// (`--incall`, also the band's colour during a call).
    pub const ANSWER: (i16, i16) = (30, 232);
    pub const GREEN: (u8, u8, u8) = (0x2E, 0x7D, 0x32);
    /// A point inside the page's right-hand button, Reject while the call rings and Hang up
    /// once it is answered (only the page draws them), and their colour (`--danger`).
    pub const HANG_UP: (i16, i16) = (310, 232);
    pub const RED: (u8, u8, u8) = (0xC6, 0x28, 0x28);
}

/// One connection to the X server, kept while a test or benchmark watches a window appear:
/// finding the window and reading a pixel of it takes well under a millisecond this way (a
/// tool started per look, as `xdotool` or `import`, costs tens of milliseconds and would
/// miss what is on screen for less).
pub struct Screen {
    conn: x11rb::rust_connection::RustConnection,
    root: u32,
}

impl Screen {
    pub fn connect() -> Result<Screen> {
        let (conn, screen) =
            x11rb::connect(None).map_err(|e| fail(format!("cannot reach the X server: {e}")))?;
        let root = conn.setup().roots[screen].root;
        Ok(Screen { conn, root })
    }

    /// The top-level window titled exactly `title` that is on screen, if any (the session
    /// has no window manager, so the app's windows are the root's children).
    /// Every top-level window: id, title and whether it is on screen (for error reports).
    pub fn windows(&self) -> Vec<(u32, String, bool)> {
        use x11rb::protocol::xproto::{AtomEnum, ConnectionExt as _, MapState};
        let Some(tree) = self
            .conn
            .query_tree(self.root)
            .ok()
            .and_then(|c| c.reply().ok())
        else {
            return Vec::new();
        };
        tree.children
            .iter()
            .filter_map(|&w| {
                let viewable = self
                    .conn
                    .get_window_attributes(w)
                    .ok()?
                    .reply()
                    .ok()?
                    .map_state
                    == MapState::VIEWABLE;
                let name = self
                    .conn
                    .get_property(false, w, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 64)
                    .ok()?
                    .reply()
                    .ok()?;
                Some((
                    w,
                    String::from_utf8_lossy(&name.value).into_owned(),
                    viewable,
                ))
            })
            .filter(|(_, name, _)| !name.is_empty())
            .collect()
    }

    pub fn viewable_window(&self, title: &str) -> Result<Option<u32>> {
        use x11rb::protocol::xproto::{AtomEnum, ConnectionExt as _, MapState};
        let xerr = |e: &dyn std::fmt::Display| fail(format!("X: {e}"));
        let tree = self
            .conn
            .query_tree(self.root)
            .map_err(|e| xerr(&e))?
            .reply()
            .map_err(|e| xerr(&e))?;
        for &child in tree.children.iter().rev() {
            let Ok(attributes) = self
                .conn
                .get_window_attributes(child)
                .map_err(|e| xerr(&e))?
                .reply()
            else {
                continue;
            };
            if attributes.map_state != MapState::VIEWABLE {
                continue;
            }
            let Ok(name) = self
                .conn
                .get_property(false, child, AtomEnum::WM_NAME, AtomEnum::ANY, 0, 64)
                .map_err(|e| xerr(&e))?
                .reply()
            else {
                continue;
            };
            if name.value == title.as_bytes() {
                return Ok(Some(child));
            }
        }
        Ok(None)
    }

    /// Saves the whole of `window` as a PNG at `path` (through a PPM and ImageMagick's
    /// `convert`), as it is on screen at this moment.
    pub fn save_png(&self, window: u32, path: &std::path::Path) -> Result<()> {
        use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat, ImageOrder};
        let xerr = |e: &dyn std::fmt::Display| fail(format!("X: {e}"));
        let geometry = self
            .conn
            .get_geometry(window)
            .map_err(|e| xerr(&e))?
            .reply()
            .map_err(|e| xerr(&e))?;
        let image = self
            .conn
            .get_image(
                ImageFormat::Z_PIXMAP,
                window,
                0,
                0,
                geometry.width,
                geometry.height,
                !0,
            )
            .map_err(|e| xerr(&e))?
            .reply()
            .map_err(|e| xerr(&e))?;
        let lsb = self.conn.setup().image_byte_order == ImageOrder::LSB_FIRST;
        let mut ppm = format!("P6\n{} {}\n255\n", geometry.width, geometry.height).into_bytes();
        for px in image.data.chunks_exact(4) {
            if lsb {
                ppm.extend_from_slice(&[px[2], px[1], px[0]]);
            } else {
                ppm.extend_from_slice(&[px[1], px[2], px[3]]);
            }
        }
        let raw = path.with_extension("ppm");
        std::fs::write(&raw, ppm)?;
        let converted = Command::new("convert").arg(&raw).arg(path).status()?;
        let _ = std::fs::remove_file(&raw);
        ensure!(
            converted.success(),
            "convert could not write {}",
            path.display()
        );
        Ok(())
    }

    /// The colour of pixel (`x`, `y`) of `window`, None while it cannot be read (the window
    /// is being mapped or has gone).
    pub fn pixel(&self, window: u32, x: i16, y: i16) -> Result<Option<(u8, u8, u8)>> {
        use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat, ImageOrder};
        let Ok(image) = self
            .conn
            .get_image(ImageFormat::Z_PIXMAP, window, x, y, 1, 1, !0)
            .map_err(|e| fail(format!("X: {e}")))?
            .reply()
        else {
            return Ok(None);
        };
        // Depth 24/32 in 32-bit pixels, as Xvfb's default screen has.
        let Some(px) = image.data.get(..4) else {
            return Ok(None);
        };
        Ok(Some(match self.conn.setup().image_byte_order {
            ImageOrder::LSB_FIRST => (px[2], px[1], px[0]),
            _ => (px[1], px[2], px[3]),
        }))
    }

    /// How many pixels of `window` in the rectangle (`x`, `y`, `width`, `height`) are dark
    /// (each of red, green and blue below 0x60): text drawn on a light surface.
    pub fn dark_pixels(
        &self,
        window: u32,
        x: i16,
        y: i16,
        width: u16,
        height: u16,
    ) -> Result<usize> {
        use x11rb::protocol::xproto::{ConnectionExt as _, ImageFormat};
        let Ok(image) = self
            .conn
            .get_image(ImageFormat::Z_PIXMAP, window, x, y, width, height, !0)
            .map_err(|e| fail(format!("X: {e}")))?
            .reply()
        else {
            return Ok(0);
        };
        // Blue, green and red bytes of 32-bit pixels, in whichever order: all must be dark.
        Ok(image
            .data
            .chunks_exact(4)
            .filter(|px| px[..3].iter().all(|&c| c < 0x60))
            .count())
    }
}
