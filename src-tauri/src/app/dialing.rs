//! Dialing from outside the windows: the hotkey (clipboard or selection) and tel: links.
//!
//! The number is shown first ("Dialing +1 416-555-0123") with a few seconds to cancel, from the
//! notification where it has buttons and from the tray menu everywhere: a hotkey pressed on
//! the wrong selection must not call a stranger. When the text holds several numbers, the
//! notice names the others too, so the person can cancel and pick the right one.

use super::state::AppState;
use super::view::PendingDialView;
use super::{notify, phones, windows};
use crate::i18n::{self, tr};
use callpop_phone::number;
use callpop_phone::{Connection, Session};
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tokio::sync::oneshot;

/// How long a hotkey or link dial waits for a change of mind.
pub const CANCEL_DELAY: Duration = Duration::from_secs(3);

/// A dial waiting out its cancel delay.
pub struct PendingDial {
    pub display: String,
    pub others: Vec<String>,
    cancel: Option<oneshot::Sender<()>>,
}

impl PendingDial {
    pub fn view(&self) -> PendingDialView {
        PendingDialView {
            display: self.display.clone(),
            others: self.others.clone(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Source {
    Hotkey,
    Link,
}

/// Dials what is selected (Linux primary selection) if it holds a number, else the clipboard.
pub fn dial_selection(app: &AppHandle) {
    let app = app.clone();
    // Clipboard access talks to the X server and may block: not on the GUI thread.
    std::thread::spawn(move || {
        let settings = app.state::<AppState>().settings();
        let candidates = super::clipboard::texts();
        let found = candidates
            .iter()
            .find(|text| number::normalize(text, &settings.dialing).is_ok())
            .cloned();
        match found {
            Some(text) => request(&app, text, Source::Hotkey),
            None => {
                let what = if candidates.iter().all(|t| t.trim().is_empty()) {
                    tr("dial-clipboard-empty", &[])
                } else {
                    tr("dial-clipboard-no-number", &[])
                };
                notify::info(&tr("dial-nothing-title", &[]), &what);
            }
        }
    });
}

/// The phone outside dials go to: the one the user last chose in the main window when it is
/// online, else the first that is online and can dial.
pub fn dialing_phone(state: &AppState) -> Option<Arc<Session>> {
    let watched = state.sessions.watched();
    let can_dial = |w: &&callpop_phone::Watched| w.session.current().capabilities.dial;
    let online = |w: &&callpop_phone::Watched| w.session.current().connection == Connection::Online;
    let chosen = state.dial_phone.lock().ok().and_then(|c| c.clone());
    watched
        .iter()
        .filter(can_dial)
        .find(|w| Some(&w.profile.id) == chosen.as_ref() && online(w))
        .or_else(|| watched.iter().filter(can_dial).find(online))
        .or_else(|| watched.iter().find(can_dial))
        .map(|w| w.session.clone())
}

/// Shows what will be dialed and dials it after [`CANCEL_DELAY`] unless cancelled.
pub fn request(app: &AppHandle, text: String, source: Source) {
    let state = app.state::<AppState>();
    let rules = state.settings().dialing;
    let found = match number::find_all(&text, &rules) {
        Ok(found) => found,
        Err(e) => {
            windows::report(app, &i18n::number_error(&e));
            return;
        }
    };
    let Some(target) = found.first().cloned() else {
        windows::report(app, &tr("dial-no-number", &[]));
        return;
    };
    let others: Vec<String> = found.iter().skip(1).map(|t| t.display.clone()).collect();
    let (cancel_tx, cancel_rx) = oneshot::channel();
    if let Ok(mut pending) = state.pending_dial.lock() {
        // A newer request replaces an older one still waiting (dropping its sender cancels it).
        *pending = Some(PendingDial {
            display: target.display.clone(),
            others: others.clone(),
            cancel: Some(cancel_tx),
        });
    }
    phones::publish(app);
    let seconds = CANCEL_DELAY.as_secs();
    let body = if others.is_empty() {
        tr(
            "dial-body",
            &[
                ("dial", target.dial.as_str().into()),
                ("seconds", seconds.into()),
            ],
        )
    } else {
        tr(
            "dial-body-others",
            &[
                ("dial", target.dial.as_str().into()),
                ("seconds", seconds.into()),
                ("others", others.join(", ").into()),
            ],
        )
    };
    let cancel_app = app.clone();
    notify::dialing(
        &tr("dial-title", &[("number", target.display.as_str().into())]),
        &body,
        move || cancel(&cancel_app),
    );
    tracing::info!(?source, "dialing request");
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let go = tokio::select! {
            _ = tokio::time::sleep(CANCEL_DELAY) => true,
            _ = cancel_rx => false,
        };
        let state = app.state::<AppState>();
        let still_mine = state
            .pending_dial
            .lock()
            .ok()
            .is_some_and(|p| p.as_ref().is_some_and(|d| d.display == target.display));
        if still_mine {
            if let Ok(mut pending) = state.pending_dial.lock() {
                *pending = None;
            }
        }
        phones::publish(&app);
        if !go || !still_mine {
            return;
        }
        let Some(phone) = dialing_phone(&state) else {
            windows::report(&app, &tr("dial-no-phone", &[]));
            return;
        };
        if let Err(e) = phone.dial(&target.dial).await {
            windows::report(&app, &i18n::phone_error(&e));
        }
    });
}

/// Cancels the waiting dial, if any.
pub fn cancel(app: &AppHandle) {
    let state = app.state::<AppState>();
    let pending = state.pending_dial.lock().ok().and_then(|mut p| p.take());
    if let Some(mut pending) = pending {
        if let Some(tx) = pending.cancel.take() {
            let _ = tx.send(());
        }
        notify::info(&tr("dial-cancelled", &[]), &pending.display);
    }
    phones::publish(app);
}
