//! Native notifications through the desktop's notification server (D-Bus on Linux).
//!
//! Answer/Reject buttons are added only when the server advertises `actions`; many servers
//! ignore them, so call control never depends on notifications (the call window and the tray
//! offer it too). A ringing notification is replaced by "Missed call" or closed when the call
//! is answered, so each call leaves at most one notification behind.

use super::state::AppState;
use crate::i18n::tr;
use callpop_phone::tracker::CallEventKind;
use callpop_phone::{Action, CallEvent, PhoneEvent};
use notify_rust::{Notification, Timeout, Urgency};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use tauri::{AppHandle, Manager};

const APP_NAME: &str = "callpop";

/// Notification ids by call id, to replace or close them later.
fn shown() -> &'static Mutex<HashMap<String, u32>> {
    static SHOWN: OnceLock<Mutex<HashMap<String, u32>>> = OnceLock::new();
    SHOWN.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Whether the server shows action buttons (asked once; a server that cannot be asked is
/// treated as having none).
fn supports_actions() -> bool {
    static ACTIONS: OnceLock<bool> = OnceLock::new();
    *ACTIONS.get_or_init(|| {
        notify_rust::get_capabilities()
            .map(|caps| caps.iter().any(|c| c == "actions"))
            .unwrap_or(false)
    })
}

fn caller_title(event: &CallEvent, shown_number: &str) -> String {
    if !event.name.is_empty() {
        event.name.clone()
    } else if !shown_number.is_empty() {
        shown_number.to_owned()
    } else {
        tr("common-unknown-caller", &[])
    }
}

/// Notification servers may read the body as markup: a caller's name must stay text.
fn markup_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn details(event: &CallEvent, shown_number: &str, phone: Option<&str>) -> String {
    markup_escaped(&details_text(event, shown_number, phone))
}

fn details_text(event: &CallEvent, shown_number: &str, phone: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(phone) = phone {
        parts.push(phone.to_owned());
    }
    if !shown_number.is_empty() {
        parts.push(shown_number.to_owned());
    }
    // Line 0: a missed call known only from the phone's push, which names no line.
    if event.line > 0 {
        parts.push(tr("notify-line", &[("line", event.line.into())]));
    }
    if let Some(account) = event.account {
        // Line status reports the account as a 0-based index; the phone's own screens and
        // web page count accounts from 1.
        parts.push(tr("notify-account", &[("account", (account + 1).into())]));
    }
    parts.join(" · ")
}

/// "Ann Lee" / "+1 416-555-0123 · Line 1 · Account 1", with Answer / Reject where possible.
/// The buttons act on exactly this call (on its phone and line), never on another one that
/// rings at the same time.
pub fn ringing(app: &AppHandle, event: &PhoneEvent, shown_number: &str, phone: Option<&str>) {
    let e = &event.event;
    let mut n = Notification::new();
    n.appname(APP_NAME)
        .summary(&caller_title(e, shown_number))
        .body(&format!(
            "{}\n{}",
            markup_escaped(&tr("common-incoming-call", &[])),
            details(e, shown_number, phone)
        ))
        .icon("call-start")
        .urgency(Urgency::Critical)
        .timeout(Timeout::Never);
    // Only the buttons this phone system can honour (an Asterisk PBX cannot answer a desk
    // phone: a button that can only fail is worse than none).
    let caps = app
        .state::<AppState>()
        .sessions
        .session(&event.phone)
        .map(|s| s.current().capabilities)
        .unwrap_or_default();
    let with_actions = supports_actions() && (caps.answer || caps.reject);
    if with_actions {
        if caps.answer {
            n.action("answer", &tr("common-action-answer", &[]));
        }
        if caps.reject {
            n.action("reject", &tr("common-action-reject", &[]));
        }
    }
    let call = e.call.clone();
    let app = app.clone();
    // Showing and waiting block on D-Bus: their own thread, never the GUI's.
    std::thread::spawn(move || {
        let handle = match n.show() {
            Ok(h) => h,
            Err(err) => {
                tracing::warn!("cannot show the incoming-call notification: {err}");
                return;
            }
        };
        if let Ok(mut shown) = shown().lock() {
            shown.insert(call.as_str().to_owned(), handle.id());
        }
        if !with_actions {
            return;
        }
        handle.wait_for_action(|action| {
            let action = match action {
                "answer" => Action::Answer,
                "reject" => Action::Reject,
                _ => return,
            };
            let app = app.clone();
            let call = call.clone();
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
                if let Err(message) = result {
                    super::windows::report(&app, &message);
                }
            });
        });
    });
}

/// The caller's name came from the contacts while the call still rings: the notification
/// says it (replaced in place, without its buttons, which stay in the call window).
pub fn rename_ringing(call: &str, name: &str) {
    let Some(id) = shown().lock().ok().and_then(|s| s.get(call).copied()) else {
        return;
    };
    let mut n = Notification::new();
    n.appname(APP_NAME)
        .summary(name)
        .body(&markup_escaped(&tr("common-incoming-call", &[])))
        .icon("call-start")
        .urgency(Urgency::Critical)
        .timeout(Timeout::Never)
        .id(id);
    std::thread::spawn(move || {
        if let Err(err) = n.show() {
            tracing::debug!("cannot rename the ringing notification: {err}");
        }
    });
}

/// Replaces the ringing notification of a missed call with "Missed call from …".
pub fn missed(event: &PhoneEvent, shown_number: &str, phone: Option<&str>) {
    let event = &event.event;
    debug_assert_eq!(event.event, CallEventKind::Missed);
    let id = shown()
        .lock()
        .ok()
        .and_then(|mut s| s.remove(event.call.as_str()));
    let mut n = Notification::new();
    n.appname(APP_NAME)
        .summary(&tr(
            "notify-missed-from",
            &[("caller", caller_title(event, shown_number).into())],
        ))
        .body(&details(event, shown_number, phone))
        .icon("call-missed")
        .urgency(Urgency::Normal)
        .timeout(Timeout::Never);
    if let Some(id) = id {
        n.id(id);
    }
    std::thread::spawn(move || {
        if let Err(e) = n.show() {
            tracing::warn!("cannot show the missed-call notification: {e}");
        }
    });
}

/// Closes the ringing notification of a call that was answered or ended.
pub fn dismiss(call: &str) {
    let Some(id) = shown().lock().ok().and_then(|mut s| s.remove(call)) else {
        return;
    };
    std::thread::spawn(move || {
        // Re-showing under the same id gives a handle that can close it.
        let mut n = Notification::new();
        n.appname(APP_NAME)
            .summary(&tr("notify-call-answered", &[]))
            .id(id)
            .timeout(Timeout::Milliseconds(1));
        match n.show() {
            Ok(handle) => handle.close(),
            Err(e) => tracing::debug!("cannot close notification {id}: {e}"),
        }
    });
}

/// A notification that goes away by itself after a few seconds.
fn brief(summary: &str, body: &str) -> Notification {
    let mut n = Notification::new();
    n.appname(APP_NAME)
        .summary(summary)
        .body(body)
        .icon("call-start")
        .timeout(Timeout::Milliseconds(5000));
    n
}

/// A short message: dialing, a number not found, a hotkey problem.
pub fn info(summary: &str, body: &str) {
    let n = brief(summary, body);
    std::thread::spawn(move || {
        if let Err(e) = n.show() {
            tracing::warn!("cannot show a notification: {e}");
        }
    });
}

/// "Dialing …" with a Cancel button where the server has buttons; calls `on_cancel` if used.
pub fn dialing(summary: &str, body: &str, on_cancel: impl FnOnce() + Send + 'static) {
    let mut n = brief(summary, body);
    let with_actions = supports_actions();
    if with_actions {
        n.action("cancel", &tr("notify-cancel", &[]));
    }
    std::thread::spawn(move || match n.show() {
        Ok(handle) if with_actions => {
            let mut on_cancel = Some(on_cancel);
            handle.wait_for_action(|action| {
                if action == "cancel" {
                    if let Some(f) = on_cancel.take() {
                        f();
                    }
                }
            });
        }
        Ok(_) => {}
        Err(e) => tracing::warn!("cannot show the dialing notification: {e}"),
    });
}
