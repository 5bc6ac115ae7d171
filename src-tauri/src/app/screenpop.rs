//! What happens on the desktop when a call event arrives: notification, call window, CRM page.

use super::state::AppState;
use super::{notify, windows};
use callpop_phone::crm::{CrmCaller, CrmWhen};
use callpop_phone::tracker::{CallEventKind, Direction};
use callpop_phone::{number, CallEvent, Phone};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tauri::{AppHandle, Manager};
use tauri_plugin_opener::OpenerExt;

pub fn on_call_event(app: &AppHandle, phone: &Arc<Phone>, event: &CallEvent) {
    let state = app.state::<AppState>();
    let settings = state.settings();
    let shown_number = number::format_for_display(&event.number, &settings.dialing);
    match event.event {
        CallEventKind::Ringing => {
            notify::ringing(app, phone, event, &shown_number);
            windows::show_call(app, event.call.as_str());
            open_crm(app, event, CrmWhen::Ring);
        }
        CallEventKind::Dialing => windows::show_call(app, event.call.as_str()),
        CallEventKind::Connected => {
            if let Ok(mut extras) = state.extras.lock() {
                extras
                    .connected_at
                    .insert(event.call.as_str().to_owned(), now_ms());
            }
            notify::dismiss(event.call.as_str());
            if event.direction != Direction::Outgoing {
                open_crm(app, event, CrmWhen::Answer);
            }
            windows::show_call(app, event.call.as_str());
        }
        CallEventKind::Held | CallEventKind::Resumed => {}
        CallEventKind::Missed => {
            notify::missed(event, &shown_number);
            forget(&state, event);
            windows::call_over(app);
        }
        CallEventKind::Ended => {
            notify::dismiss(event.call.as_str());
            forget(&state, event);
            windows::call_over(app);
        }
    }
}

fn forget(state: &AppState, event: &CallEvent) {
    if let Ok(mut extras) = state.extras.lock() {
        extras.connected_at.remove(event.call.as_str());
    }
}

/// Opens the CRM page for the caller in the default browser, if the user set one up for
/// this moment (ring or answer).
fn open_crm(app: &AppHandle, event: &CallEvent, moment: CrmWhen) {
    let settings = app.state::<AppState>().settings();
    if event.number.is_empty() {
        return;
    }
    let caller = CrmCaller::from_phone(&event.number, &event.name, &settings.dialing);
    match settings.crm.url_for(moment, &caller) {
        None => {}
        Some(Ok(url)) => {
            if let Err(e) = app.opener().open_url(url, None::<&str>) {
                tracing::warn!("cannot open the CRM page: {e}");
            }
        }
        Some(Err(e)) => tracing::warn!("CRM page not opened: {e}"),
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(0))
        .unwrap_or(0)
}
