//! The tray icon and its menu: always there, showing the phone's state at a glance, with the
//! call controls that fit the moment.

use super::state::AppState;
use super::view::{AppView, CallView, TrayMood};
use super::{dialing, windows};
use crate::i18n::tr;
use callpop_phone::settings::PhoneId;
use callpop_phone::tracker::{CallId, CallPhase};
use callpop_phone::{Action, ActionKind};
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
    // The first words callpop shows: in the settings' language from the start.
    crate::i18n::use_language(&app.state::<AppState>().settings().language);
    let view = super::phones::current_view(app);
    let menu = build_menu(app, &view).map_err(|e| e.to_string())?;
    let app2 = app.clone();
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let mut builder = TrayIconBuilder::with_id(TRAY_ID)
            .menu(&menu)
            .tooltip("callpop")
            .show_menu_on_left_click(true)
            .on_menu_event(on_menu_event);
        if let Some(icon) = icon(view.mood) {
            builder = builder.icon(icon);
        }
        builder.build(&app2).map(|_| ())
    }));
    match built {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(tr(
            "problem-tray-failed",
            &[("reason", e.to_string().into())],
        )),
        Err(_) => Err(tr("problem-tray-missing", &[])),
    }
}

/// Updates icon and menu to the view.
pub fn update(app: &AppHandle, view: &AppView) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let mood = view.mood;
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
    let calls: Vec<String> = view
        .calls
        .iter()
        .map(|c| {
            format!(
                "{}{:?}{}{:?}",
                c.call.call, c.call.phase, c.muted, c.actions
            )
        })
        .collect();
    let dnd: Vec<String> = view
        .phones
        .iter()
        .map(|p| format!("{:?}{}", p.dnd, p.capabilities.dnd))
        .collect();
    // The language too: after it changes, every item is said anew.
    format!(
        "{}|{}|{}|{}|{}|{}",
        crate::i18n::current(),
        view.headline,
        calls.join(","),
        view.pending_dial
            .as_ref()
            .map(|d| d.display.as_str())
            .unwrap_or_default(),
        view.missed,
        dnd.join(",")
    )
}

/// The call the tray's buttons are for: the ringing one first, then the one in progress.
fn focus_call(view: &AppView) -> Option<&CallView> {
    [
        CallPhase::Ringing,
        CallPhase::Connected,
        CallPhase::Dialing,
        CallPhase::Held,
    ]
    .iter()
    .find_map(|phase| {
        view.calls
            .iter()
            .find(|c| c.call.phase == *phase && !c.actions.is_empty())
    })
}

/// Words for the tray's action items (the call buttons' own).
fn action_label(action: ActionKind) -> Option<String> {
    let id = match action {
        ActionKind::Answer => "common-action-answer",
        ActionKind::Reject => "common-action-reject",
        ActionKind::HangUp => "common-action-hang-up",
        ActionKind::Hold => "common-action-hold",
        ActionKind::Resume => "common-action-resume",
        ActionKind::Mute => "common-action-mute",
        ActionKind::Unmute => "common-action-unmute",
        // Transfers need a number: the call window asks for it.
        _ => return None,
    };
    Some(tr(id, &[]))
}

fn build_menu(app: &AppHandle, view: &AppView) -> tauri::Result<Menu<Wry>> {
    let menu = Menu::new(app)?;
    let headline = MenuItem::with_id(app, "headline", &view.headline, false, None::<&str>)?;
    menu.append(&headline)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    if let Some(call) = focus_call(view) {
        for action in &call.actions {
            if let Some(label) = action_label(*action) {
                let id = format!("act|{}|{}", action_id(*action), call.call.call);
                menu.append(&MenuItem::with_id(app, id, label, true, None::<&str>)?)?;
            }
        }
        menu.append(&PredefinedMenuItem::separator(app)?)?;
    }
    if let Some(pending) = &view.pending_dial {
        let label = tr(
            "tray-cancel-dial",
            &[("number", pending.display.as_str().into())],
        );
        menu.append(&MenuItem::with_id(
            app,
            "cancel-dial",
            label,
            true,
            None::<&str>,
        )?)?;
    }
    if view.missed > 0 {
        let label = tr("tray-missed", &[("count", view.missed.into())]);
        menu.append(&MenuItem::with_id(
            app,
            "missed",
            label,
            true,
            None::<&str>,
        )?)?;
    }
    menu.append(&MenuItem::with_id(
        app,
        "dial-clipboard",
        tr("tray-dial-clipboard", &[]),
        true,
        None::<&str>,
    )?)?;
    for phone in view.phones.iter().filter(|p| p.capabilities.dnd) {
        let on = phone.dnd == Some(true);
        let name = [("phone", phone.name.as_str().into())];
        let label = match (view.phones.len() > 1, on) {
            (false, false) => tr("tray-dnd-turn-on", &[]),
            (false, true) => tr("tray-dnd-turn-off", &[]),
            (true, false) => tr("tray-dnd-turn-on-phone", &name),
            (true, true) => tr("tray-dnd-turn-off-phone", &name),
        };
        let id = format!("dnd|{}|{}", phone.id, if on { "off" } else { "on" });
        menu.append(&MenuItem::with_id(app, id, label, true, None::<&str>)?)?;
    }
    menu.append(&MenuItem::with_id(
        app,
        "open",
        tr("tray-open", &[]),
        true,
        None::<&str>,
    )?)?;
    menu.append(&MenuItem::with_id(
        app,
        "settings",
        tr("tray-settings", &[]),
        true,
        None::<&str>,
    )?)?;
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(
        app,
        "quit",
        tr("tray-quit", &[]),
        true,
        None::<&str>,
    )?)?;
    Ok(menu)
}

fn action_id(action: ActionKind) -> &'static str {
    match action {
        ActionKind::Answer => "answer",
        ActionKind::Reject => "reject",
        ActionKind::HangUp => "hang_up",
        ActionKind::Hold => "hold",
        ActionKind::Resume => "resume",
        ActionKind::Mute => "mute",
        ActionKind::Unmute => "unmute",
        _ => "",
    }
}

fn on_menu_event(app: &AppHandle, event: MenuEvent) {
    let id = event.id().as_ref().to_owned();
    match id.as_str() {
        "open" => windows::show_main(app),
        "missed" => windows::show_missed(app),
        "settings" => windows::show_settings(app),
        "quit" => super::quit(app),
        "dial-clipboard" => dialing::dial_selection(app),
        "cancel-dial" => dialing::cancel(app),
        other => {
            let parts: Vec<&str> = other.split('|').collect();
            let app = app.clone();
            match parts.as_slice() {
                ["act", action, call] => {
                    let action = match *action {
                        "answer" => Action::Answer,
                        "reject" => Action::Reject,
                        "hang_up" => Action::HangUp,
                        "hold" => Action::Hold,
                        "resume" => Action::Resume,
                        "mute" => Action::Mute,
                        "unmute" => Action::Unmute,
                        _ => return,
                    };
                    let call = CallId::from((*call).to_owned());
                    tauri::async_runtime::spawn(async move {
                        let state = app.state::<AppState>();
                        let result = match state.sessions.find_call(&call) {
                            Some(w) => w
                                .session
                                .act(Some(&call), action)
                                .await
                                .map(|_| ())
                                .map_err(|e| crate::i18n::phone_error(&e)),
                            None => Err(tr("error-call_over", &[])),
                        };
                        match result {
                            Ok(()) => super::phones::publish(&app),
                            Err(message) => windows::report(&app, &message),
                        }
                    });
                }
                ["dnd", phone, on] => {
                    let phone = PhoneId::new(*phone);
                    let on = *on == "on";
                    tauri::async_runtime::spawn(async move {
                        let state = app.state::<AppState>();
                        let result = match state.sessions.session(&phone) {
                            Some(session) => session
                                .act(None, Action::SetDnd { on })
                                .await
                                .map(|_| ())
                                .map_err(|e| crate::i18n::phone_error(&e)),
                            None => Err(tr("error-phone_not_connected", &[])),
                        };
                        if let Err(message) = result {
                            windows::report(&app, &message);
                        }
                    });
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tray_action_has_an_id_the_menu_handler_knows() {
        for action in [
            ActionKind::Answer,
            ActionKind::Reject,
            ActionKind::HangUp,
            ActionKind::Hold,
            ActionKind::Resume,
            ActionKind::Mute,
            ActionKind::Unmute,
        ] {
            assert!(action_label(action).is_some());
            assert!(!action_id(action).is_empty());
        }
        assert!(action_label(ActionKind::Transfer).is_none());
    }
}
