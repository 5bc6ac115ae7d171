//! The app's windows. Each is created when needed and destroyed when closed (not hidden):
//! a hidden webview still costs ~200 MiB, and callpop spends most of its life in the tray.

use super::state::AppState;
use super::{call_card, phones, window_boot};
use crate::i18n::tr;
use callpop_phone::tracker::{ActiveCall, CallPhase};
use tauri::{
    AppHandle, Emitter, LogicalPosition, LogicalSize, Manager, WebviewUrl, WebviewWindow,
    WebviewWindowBuilder,
};

pub const MAIN: &str = "main";
pub const SETTINGS: &str = "settings";
pub const CALL: &str = "call";

/// The call window's width, and its height with one call.
const CALL_SIZE: (f64, f64) = (340.0, 260.0);
/// The call window's height range when it fits several calls (past the top, its rows scroll).
const CALL_HEIGHTS: (f64, f64) = (200.0, 640.0);

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
        navigate_to_call(app, &window, call);
        let _ = window.show();
        return;
    }
    let mut builder = WebviewWindowBuilder::new(app, CALL, WebviewUrl::App(page.into()))
        .title(tr("window-call", &[]))
        .inner_size(CALL_SIZE.0, CALL_SIZE.1)
        .resizable(false)
        .always_on_top(true)
        .skip_taskbar(true)
        .focused(false)
        .visible_on_all_workspaces(true);
    // The page draws the call from what it is handed here, without asking the app first.
    let view = phones::current_view(app);
    let card = call_card::card_text(&view, call);
    if let Some(script) = window_boot::call_window_script(&app.state::<AppState>(), view, call) {
        builder = builder.initialization_script(script);
    }
    if let Some((x, y)) = bottom_right(app, CALL_SIZE.0, CALL_SIZE.1) {
        builder = builder.position(x, y);
    }
    match builder.build() {
        // The caller is drawn at once, the page takes over when it has drawn.
        Ok(window) => {
            if let Some(card) = card {
                call_card::cover(&window, card);
            }
        }
        Err(e) => tracing::error!("cannot open the call window: {e}"),
    }
}

/// Makes the call window `height` (logical pixels, what its page needs to show every call
/// of its phone), within [`CALL_HEIGHTS`] and the screen. It grows upwards: its bottom edge
/// stays where it was (the window sits in the screen's bottom-right corner).
pub fn fit_call(app: &AppHandle, height: f64) {
    let Some(window) = app.get_webview_window(CALL) else {
        return;
    };
    if !height.is_finite() || !window.is_visible().unwrap_or(false) {
        return;
    }
    let scale = window.scale_factor().unwrap_or(1.0);
    let screen = window.current_monitor().ok().flatten().map(|m| {
        let top = m.position().to_logical::<f64>(m.scale_factor()).y;
        let height = m.size().to_logical::<f64>(m.scale_factor()).height;
        (top, height)
    });
    let most = screen.map_or(CALL_HEIGHTS.1, |(_, h)| (h - 80.0).min(CALL_HEIGHTS.1));
    let wanted = height
        .clamp(CALL_HEIGHTS.0, most.max(CALL_HEIGHTS.0))
        .round();
    let Ok(size) = window.inner_size() else {
        return;
    };
    let current = size.to_logical::<f64>(scale).height;
    if (current - wanted).abs() < 1.0 {
        return;
    }
    if let Ok(position) = window.outer_position() {
        let position = position.to_logical::<f64>(scale);
        let top = screen.map_or(0.0, |(top, _)| top);
        let y = (position.y + current - wanted).max(top);
        let _ = window.set_position(LogicalPosition::new(position.x, y));
    }
    if let Err(e) = window.set_size(LogicalSize::new(CALL_SIZE.0, wanted)) {
        tracing::warn!("cannot fit the call window: {e}");
    }
}

/// The call the call window shows (`?call=` of its page).
fn shown_call(window: &WebviewWindow) -> Option<String> {
    let url = window.url().ok()?;
    url.query_pairs()
        .find(|(name, _)| name == "call")
        .map(|(_, value)| value.into_owned())
}

/// After a call ended: when the call window's own call is gone, shows the next call (ringing
/// first, then the one in progress) if one is left, else closes the window after a moment
/// (so "Call ended" can be read). A window whose call goes on keeps it: another call ending
/// only leaves its rows.
pub fn call_over(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let calls: Vec<_> = app
            .state::<AppState>()
            .sessions
            .watched()
            .iter()
            .flat_map(|w| w.session.current().calls)
            .collect();
        let window = app.get_webview_window(CALL);
        let shown = window.as_ref().and_then(shown_call);
        let next = match next_call(&calls, shown.as_deref()) {
            Next::Keep => return,
            Next::Show(call) => Some(call),
            Next::Close => None,
        };
        match (next, window) {
            (Some(call), Some(window)) => navigate_to_call(&app, &window, &call),
            (None, Some(window)) => {
                if let Err(e) = window.destroy() {
                    tracing::warn!("cannot close the call window: {e}");
                }
            }
            _ => {}
        }
    });
}

/// What the call window does once a call ended.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    /// Its own call goes on: it stays (the ended call only leaves its rows).
    Keep,
    /// Its own call is over: it shows this call (the most urgent left: ringing first, then
    /// the one in progress, an outgoing one, a held one).
    Show(String),
    /// No call is left.
    Close,
}

fn next_call(calls: &[ActiveCall], shown: Option<&str>) -> Next {
    if shown.is_some_and(|id| calls.iter().any(|c| c.call.as_str() == id)) {
        return Next::Keep;
    }
    let rank = |phase: CallPhase| match phase {
        CallPhase::Ringing => 0,
        CallPhase::Connected => 1,
        CallPhase::Dialing => 2,
        CallPhase::Held => 3,
    };
    calls
        .iter()
        .enumerate()
        .min_by_key(|(i, c)| (rank(c.phase), *i))
        .map_or(Next::Close, |(_, c)| Next::Show(c.call.as_str().to_owned()))
}

/// Brings `call` to the top of the call window, when one is open: the user resumed it, and
/// the window's own buttons and keys (hold, mute, hang up) must act on the call they hear,
/// not on the one just put on hold. (Not on the phone's own Resumed events: a Grandstream
/// hang-up of a held call resumes it for a moment, and the window must not follow that.)
pub fn follow_call(app: &AppHandle, call: &str) {
    if let Some(window) = app.get_webview_window(CALL) {
        navigate_to_call(app, &window, call);
    }
}

/// Shows `call` in the call window that is already open: its page loads again (in the same
/// web process, so sooner than a new window's), covered by the caller's card meanwhile. A
/// window that already shows `call` is left as it is: its page is live, and a card put over
/// it would hide the buttons until the card's time ran out (the page, not reloading, would
/// never say it has drawn).
fn navigate_to_call(app: &AppHandle, window: &WebviewWindow, call: &str) {
    if !navigate(window, &format!("call.html?call={}", urlencode(call))) {
        return;
    }
    if let Some(card) = call_card::card_text(&phones::current_view(app), call) {
        call_card::cover(window, card);
    }
}

/// Tells the user about a failed action outside any window (tray, hotkey, notification).
pub fn report(app: &AppHandle, message: &str) {
    let _ = app.emit("app-message", message);
    super::notify::info("callpop", message);
}

/// Loads `page` in `window` unless it shows it already; whether it loads.
fn navigate(window: &WebviewWindow, page: &str) -> bool {
    let current = window.url().ok();
    let Some(url) = current
        .as_ref()
        .and_then(|current| current.join(&format!("/{page}")).ok())
    else {
        return false;
    };
    if current.as_ref() == Some(&url) {
        return false;
    }
    match window.navigate(url) {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!("cannot switch the call window: {e}");
            false
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

#[cfg(test)]
mod tests {
    use super::*;
    use callpop_phone::tracker::CallId;
    use callpop_phone::Direction;

    fn call(id: &str, line: u32, phase: CallPhase) -> ActiveCall {
        ActiveCall {
            call: CallId::from(id.to_owned()),
            line,
            phase,
            direction: Direction::Incoming,
            number: String::new(),
            name: String::new(),
            account: None,
            answered: false,
            source_call_id: String::new(),
            info: Default::default(),
            end_hint: None,
        }
    }

    #[test]
    fn the_call_window_keeps_its_call_while_it_goes_on() {
        let calls = [
            call("held", 1, CallPhase::Held),
            call("talking", 2, CallPhase::Connected),
            call("ringing", 3, CallPhase::Ringing),
        ];
        // Another call of the phone ended: the window stays on its own call.
        assert_eq!(next_call(&calls, Some("held")), Next::Keep);
        // Its own call ended: the ringing one comes first, then the one in progress.
        assert_eq!(
            next_call(&calls, Some("gone")),
            Next::Show("ringing".into())
        );
        assert_eq!(
            next_call(&calls[..2], Some("gone")),
            Next::Show("talking".into())
        );
        assert_eq!(next_call(&calls[..1], None), Next::Show("held".into()));
        assert_eq!(next_call(&[], Some("gone")), Next::Close);
    }
}
