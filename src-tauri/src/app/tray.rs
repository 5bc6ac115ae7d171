//! The tray icon and its menu: always there, showing the phone's state at a glance, with the
//! call controls that fit the moment.

use super::state::AppState;
use super::view::{AppView, TrayMood};
use super::{dialing, windows};
use callpop_phone::tracker::CallPhase;
use std::sync::Mutex;
use tauri::image::Image;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

const TRAY_ID: &str = "callpop";

/// What the current menu was built from, to rebuild it only when its items change.
static MENU_KEY: Mutex<String> = Mutex::new(String::new());
static MOOD: Mutex<Option<TrayMood>> = Mutex::new(None);

fn icon(mood: TrayMood) -> Option<Image<'static>> {
    let bytes: &'static [u8] = match mood {
        TrayMood::Idle => include_bytes!("../../../icons/tray-idle.png"),
        TrayMood::Ringing => include_bytes!("../../../icons/tray-ringing.png"),
        TrayMood::InCall => include_bytes!("../../../icons/tray-in-call.png"),
        TrayMood::OnHold => include_bytes!("../../../icons/tray-on-hold.png"),
        TrayMood::Offline => include_bytes!("../../../icons/tray-offline.png"),
    };
    Image::from_bytes(bytes).ok()
}

/// Creates the tray icon. On Linux this needs libayatana-appindicator3, which panics inside
/// the toolkit when missing: caught here, reported, and the main window is shown instead.
pub fn create(app: &AppHandle) -> Result<(), String> {
    let view = app.state::<AppState>().view();
    let menu = build_menu(app, &view).map_err(|e| e.to_string())?;
    let app2 = app.clone();
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let mut builder = TrayIconBuilder::with_id(TRAY_ID)
            .menu(&menu)
            .tooltip("callpop")
            .show_menu_on_left_click(true)
            .on_menu_event(on_menu_event);
        if let Some(icon) = icon(view.mood()) {
            builder = builder.icon(icon);
        }
        builder.build(&app2).map(|_| ())
    }));
    match built {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("The tray icon could not be created: {e}")),
        Err(_) => Err("The tray icon could not be created: the system tray library is missing (install libayatana-appindicator3-1).".to_owned()),
    }
}

/// Updates icon and menu to the view.
pub fn update(app: &AppHandle, view: &AppView) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let mood = view.mood();
    if let Ok(mut last) = MOOD.lock() {
        if *last != Some(mood) {
            *last = Some(mood);
            if let Err(e) = tray.set_icon(icon(mood)) {
                tracing::warn!("cannot change the tray icon: {e}");
            }
        }
    }
    let key = menu_key(view);
    if let Ok(mut last) = MENU_KEY.lock() {
        if *last == key {
            return;
        }
        *last = key;
    }
    match build_menu(app, view) {
        Ok(menu) => {
            if let Err(e) = tray.set_menu(Some(menu)) {
                tracing::warn!("cannot update the tray menu: {e}");
            }
        }
        Err(e) => tracing::warn!("cannot build the tray menu: {e}"),
    }
}

fn menu_key(view: &AppView) -> String {
    let phases: Vec<String> = view
        .calls
        .iter()
        .map(|c| format!("{:?}{}", c.call.phase, c.muted))
        .collect();
    format!(
        "{}|{}|{}",
        view.headline(),
        phases.join(","),
        view.pending_dial.as_deref().unwrap_or_default()
    )
}

fn build_menu(app: &AppHandle, view: &AppView) -> tauri::Result<Menu<Wry>> {
    let menu = Menu::new(app)?;
    let headline = MenuItem::with_id(app, "headline", view.headline(), false, None::<&str>)?;
    menu.append(&headline)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    let has = |phase: CallPhase| view.calls.iter().any(|c| c.call.phase == phase);
    if has(CallPhase::Ringing) {
        menu.append(&MenuItem::with_id(
            app,
            "answer",
            "Answer",
            true,
            None::<&str>,
        )?)?;
        menu.append(&MenuItem::with_id(
            app,
            "reject",
            "Reject",
            true,
            None::<&str>,
        )?)?;
    }
    let in_call = has(CallPhase::Connected) || has(CallPhase::Held);
    if in_call {
        let hold = if has(CallPhase::Connected) {
            "Hold"
        } else {
            "Resume"
        };
        menu.append(&MenuItem::with_id(app, "hold", hold, true, None::<&str>)?)?;
        if has(CallPhase::Connected) {
            let muted = view.calls.iter().any(|c| c.muted);
            let mute = if muted { "Unmute" } else { "Mute" };
            menu.append(&MenuItem::with_id(app, "mute", mute, true, None::<&str>)?)?;
        }
    }
    if in_call || has(CallPhase::Dialing) {
        menu.append(&MenuItem::with_id(
            app,
            "hangup",
            "Hang up",
            true,
            None::<&str>,
        )?)?;
    }
    if has(CallPhase::Ringing) || in_call || has(CallPhase::Dialing) {
        menu.append(&PredefinedMenuItem::separator(app)?)?;
    }
    if let Some(number) = &view.pending_dial {
        let label = format!("Cancel dialing {number}");
        menu.append(&MenuItem::with_id(
            app,
            "cancel-dial",
            label,
            true,
            None::<&str>,
        )?)?;
    }
    menu.append(&MenuItem::with_id(
        app,
        "dial-clipboard",
        "Dial clipboard",
        true,
        None::<&str>,
    )?)?;
    menu.append(&MenuItem::with_id(
        app,
        "open",
        "Open callpop",
        true,
        None::<&str>,
    )?)?;
    menu.append(&MenuItem::with_id(
        app,
        "settings",
        "Settings…",
        true,
        None::<&str>,
    )?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?)?;
    Ok(menu)
}

fn on_menu_event(app: &AppHandle, event: MenuEvent) {
    let id = event.id().as_ref().to_owned();
    match id.as_str() {
        "open" => windows::show_main(app),
        "settings" => windows::show_settings(app),
        "quit" => super::quit(app),
        "dial-clipboard" => dialing::dial_selection(app),
        "cancel-dial" => dialing::cancel(app),
        "answer" | "reject" | "hold" | "mute" | "hangup" => {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                let Some(phone) = app.state::<AppState>().phone() else {
                    return;
                };
                let result = match id.as_str() {
                    "answer" => phone.answer(None).await,
                    "reject" => phone.reject(None).await,
                    "hold" => phone.toggle_hold().await,
                    "mute" => phone.toggle_mute().await.map(|_| ()),
                    _ => phone.hang_up().await,
                };
                match result {
                    Ok(()) => super::session::publish(&app),
                    Err(e) => windows::report(&app, &e.to_string()),
                }
            });
        }
        _ => {}
    }
}
