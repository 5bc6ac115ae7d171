//! The one loop that takes every phone's call events and state changes to the desktop: the
//! screen-pop, the call history, caller lookup, the tray and the windows. Started once; it
//! outlives every change of settings (the sessions come and go, their bus stays).

use super::state::AppState;
use super::{dialing, history, lookup, phones, screenpop};
use callpop_phone::tracker::CallEventKind;
use callpop_phone::{Connection, PhoneEvent};
use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};

/// What the loop listens to, taken before anything can happen: a call ringing at start is
/// announced before the loop's task first runs.
pub struct Feeds {
    events: broadcast::Receiver<PhoneEvent>,
    changes: watch::Receiver<u64>,
}

pub fn subscribe(app: &AppHandle) -> Feeds {
    let state = app.state::<AppState>();
    Feeds {
        events: state.sessions.subscribe(),
        changes: state.sessions.changes(),
    }
}

/// Runs until the app ends.
pub async fn run(app: AppHandle, feeds: Feeds) {
    let Feeds {
        mut events,
        mut changes,
    } = feeds;
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => on_event(&app, &event).await,
                Err(RecvError::Lagged(n)) => tracing::warn!("{n} call events skipped"),
                Err(RecvError::Closed) => return,
            },
            changed = changes.changed() => {
                if changed.is_err() {
                    return;
                }
                phones::publish(&app);
                dial_launch_link(&app);
            }
        }
    }
}

async fn on_event(app: &AppHandle, event: &PhoneEvent) {
    // The history first: it knows whether this call was shown before callpop restarted.
    history::record(app, event).await;
    if matches!(
        event.event.event,
        CallEventKind::Ringing | CallEventKind::Dialing | CallEventKind::Connected
    ) {
        lookup::start(app, event);
    }
    screenpop::on_call_event(app, event);
    phones::publish(app);
    if let Err(e) = app.emit("call-event", event) {
        tracing::warn!("cannot send call event to windows: {e}");
    }
}

/// A `tel:` link callpop was started with is dialled once the first phone answers, and only
/// once: not again after a settings change restarts the phones.
fn dial_launch_link(app: &AppHandle) {
    let state = app.state::<AppState>();
    let online = state
        .sessions
        .watched()
        .first()
        .is_some_and(|w| w.session.current().connection == Connection::Online);
    if !online {
        return;
    }
    let link = state.launch_link.lock().ok().and_then(|mut l| l.take());
    if let Some(link) = link {
        dialing::request(app, link, dialing::Source::Link);
    }
}
