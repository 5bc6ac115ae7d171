//! The app's windows. Each is created when needed and destroyed when closed (not hidden):
//! a hidden webview still costs ~200 MiB, and callpop spends most of its life in the tray.

use super::state::AppState;
use crate::i18n::tr;
use tauri::{AppHandle, Emitter, Manager, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

pub const MAIN: &str = "main";
pub const SETTINGS: &str = "settings";
pub const CALL: &str = "call";

/// Opens (or brings forward) the main window.
pub fn show_main(app: &AppHandle) {
    show_or_create(
        app,
        MAIN,
        "index.html",
        &tr("window-main", &[]),
        (420.0, 620.0),
    );
}

/// The main window on its missed calls (the tray's "missed calls" item).
pub fn show_missed(app: &AppHandle) {
    if app.get_webview_window(MAIN).is_some() {
        show_main(app);
        let _ = app.emit("show-missed", ());
    } else {
        show_or_create(
            app,
            MAIN,
            "index.html#missed",
            &tr("window-main", &[]),
            (420.0, 620.0),
        );
    }
}

pub fn show_settings(app: &AppHandle) {
    show_or_create(
        app,
        SETTINGS,
        "settings.html",
        &tr("settings-window-title", &[]),
        (540.0, 720.0),
    );
}

fn show_or_create(app: &AppHandle, label: &str, page: &str, title: &str, size: (f64, f64)) {
    if let Some(window) = app.get_webview_window(label) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
        return;
    }
    let built = WebviewWindowBuilder::new(app, label, WebviewUrl::App(page.into()))
        .title(title)
        .inner_size(size.0, size.1)
        .min_inner_size(360.0, 420.0)
        .build();
    if let Err(e) = built {
        tracing::error!("cannot open the {label} window: {e}");
    }
}

/// Shows the small call window for `call`: always on top, without taking keyboard focus
/// from what the user is typing.
pub fn show_call(app: &AppHandle, call: &str) {
    let page = format!("call.html?call={}", urlencode(call));
    if let Some(window) = app.get_webview_window(CALL) {
        navigate(&window, &page);
        let _ = window.show();
        return;
    }
    let mut builder = WebviewWindowBuilder::new(app, CALL, WebviewUrl::App(page.into()))
        .title(tr("window-call", &[]))
        .inner_size(340.0, 260.0)
        .resizable(false)
        .always_on_top(true)
        .skip_taskbar(true)
        .focused(false)
        .visible_on_all_workspaces(true);
    if let Some((x, y)) = bottom_right(app, 340.0, 260.0) {
        builder = builder.position(x, y);
    }
    if let Err(e) = builder.build() {
        tracing::error!("cannot open the call window: {e}");
    }
}

/// After a call ended: shows the next call if one is left, else closes the call window after
/// a moment (so "Call ended" can be read).
pub fn call_over(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let next = app
            .state::<AppState>()
            .sessions
            .watched()
            .iter()
            .find_map(|w| {
                w.session
                    .current()
                    .calls
                    .first()
                    .map(|c| c.call.as_str().to_owned())
            });
        match (next, app.get_webview_window(CALL)) {
            (Some(call), Some(window)) => {
                navigate(&window, &format!("call.html?call={}", urlencode(&call)))
            }
            (None, Some(window)) => {
                if let Err(e) = window.destroy() {
                    tracing::warn!("cannot close the call window: {e}");
                }
            }
            _ => {}
        }
    });
}

/// Tells the user about a failed action outside any window (tray, hotkey, notification).
pub fn report(app: &AppHandle, message: &str) {
    let _ = app.emit("app-message", message);
    super::notify::info("callpop", message);
}

fn navigate(window: &WebviewWindow, page: &str) {
    let target = window
        .url()
        .ok()
        .and_then(|current| current.join(&format!("/{page}")).ok());
    if let Some(url) = target {
        if window.url().ok().as_ref() != Some(&url) {
            if let Err(e) = window.navigate(url) {
                tracing::warn!("cannot switch the call window: {e}");
            }
        }
    }
}

fn bottom_right(app: &AppHandle, w: f64, h: f64) -> Option<(f64, f64)> {
    let monitor = app.primary_monitor().ok().flatten()?;
    let scale = monitor.scale_factor();
    let size = monitor.size().to_logical::<f64>(scale);
    let origin = monitor.position().to_logical::<f64>(scale);
    Some((
        origin.x + size.width - w - 24.0,
        origin.y + size.height - h - 64.0,
    ))
}

fn urlencode(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_string()
            } else {
                format!("%{:02X}", c as u32 & 0xff)
            }
        })
        .collect()
}
