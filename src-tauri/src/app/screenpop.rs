//! What happens on the desktop when a call event arrives: notification, call window, CRM page.

use super::state::AppState;
use super::{notify, windows};
use callpop_phone::crm::{CrmCaller, CrmWhen};
use callpop_phone::tracker::CallEventKind;
use callpop_phone::Direction;
use callpop_phone::{number, PhoneEvent};
use std::time::{SystemTime, UNIX_EPOCH};
use tauri::{AppHandle, Manager};
use tauri_plugin_opener::OpenerExt;

pub fn on_call_event(app: &AppHandle, event: &PhoneEvent) {
    let state = app.state::<AppState>();
    let settings = state.settings();
    let e = &event.event;
    let call = e.call.as_str();
    let shown_number = number::format_for_display(&e.number, &settings.dialing);
    // A call that callpop already showed before it restarted is not popped up again.
    let already_shown = state
        .extras
        .lock()
        .map(|x| x.already_shown.contains(call))
        .unwrap_or(false);
    let phone_name = phone_name(&state, event);
    match e.event {
        CallEventKind::Ringing if !already_shown => {
            notify::ringing(app, event, &shown_number, phone_name.as_deref());
            windows::show_call(app, call);
            open_crm(app, event, CrmWhen::Ring);
        }
        CallEventKind::Dialing if !already_shown => windows::show_call(app, call),
        CallEventKind::Ringing | CallEventKind::Dialing => {}
        CallEventKind::Connected => {
            if let Ok(mut extras) = state.extras.lock() {
                extras
                    .connected_at
                    .entry(call.to_owned())
                    .or_insert_with(now_ms);
            }
            notify::dismiss(call);
            if !already_shown {
                if e.direction != Direction::Outgoing {
                    open_crm(app, event, CrmWhen::Answer);
                }
                windows::show_call(app, call);
            }
        }
        CallEventKind::Held | CallEventKind::Resumed => {}
        CallEventKind::Missed => {
            notify::missed(event, &shown_number, phone_name.as_deref());
            forget(&state, call);
            windows::call_over(app);
        }
        CallEventKind::Ended => {
            notify::dismiss(call);
            forget(&state, call);
            windows::call_over(app);
        }
    }
}

/// The phone's name for notifications, when several phones are watched (with one it says
/// nothing new).
fn phone_name(state: &AppState, event: &PhoneEvent) -> Option<String> {
    let watched = state.sessions.watched();
    if watched.len() < 2 {
        return None;
    }
    watched
        .iter()
        .find(|w| w.profile.id == event.phone)
        .map(|w| w.profile.display_name())
}

fn forget(state: &AppState, call: &str) {
    if let Ok(mut extras) = state.extras.lock() {
        extras.forget(call);
    }
}

/// Opens the CRM page for the caller in the default browser, if the user set one up for
/// this moment (ring or answer).
fn open_crm(app: &AppHandle, event: &PhoneEvent, moment: CrmWhen) {
    let settings = app.state::<AppState>().settings();
    let e = &event.event;
    if e.number.is_empty() {
        return;
    }
    let caller = CrmCaller::from_phone(&e.number, &e.name, &settings.dialing);
    match settings.crm.url_for(moment, &caller) {
        None => {}
        Some(Ok(url)) => {
            if let Err(err) = app.opener().open_url(url, None::<&str>) {
                tracing::warn!("cannot open the CRM page: {err}");
            }
        }
        Some(Err(err)) => tracing::warn!("CRM page not opened: {err}"),
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(0))
        .unwrap_or(0)
}
