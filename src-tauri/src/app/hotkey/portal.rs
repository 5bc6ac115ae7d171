//! The dial hotkey on Wayland, through the desktop's GlobalShortcuts portal
//! (`org.freedesktop.portal.GlobalShortcuts`).
//!
//! callpop asks the desktop for one shortcut, "dial-selection", suggesting the keys from
//! Settings; the desktop may show a dialog where the user accepts, changes or declines it.
//! The session stays open for the app's life (the shortcut lives as long as it does) and
//! every `Activated` signal for it dials the selection. A new Save closes it and asks again.
//!
//! Whatever happens is said in the main window: the keys the desktop reports, "answer in
//! the desktop's dialog", declined, or that this desktop has no such portal, with the tray's
//! "Dial clipboard" as the way that always works.

use super::super::state::AppState;
use super::{trigger, NOTICE, PROBLEM};
use crate::i18n::tr;
use ashpd::desktop::global_shortcuts::{GlobalShortcuts, NewShortcut, Shortcut};
use ashpd::desktop::{ResponseError, Session};
use ashpd::PortalError;
use futures_util::{FutureExt, StreamExt};
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tauri_plugin_global_shortcut::Shortcut as KeyCombination;
use tokio::sync::oneshot;

/// The one shortcut callpop binds.
const SHORTCUT_ID: &str = "dial-selection";
/// The app id the desktop knows callpop by (the Tauri identifier).
const APP_ID: &str = "app.callpop.desktop";
/// How long a call that involves no dialog may take before the portal counts as broken.
const QUICK: Duration = Duration::from_secs(10);

/// The binding in force: a task that holds the portal session and listens.
struct Running {
    stop: oneshot::Sender<()>,
    done: tauri::async_runtime::JoinHandle<()>,
}

static CURRENT: Mutex<Option<Running>> = Mutex::new(None);

/// What became of a request to the portal.
#[derive(Debug)]
enum Outcome {
    /// The desktop offers no GlobalShortcuts portal (none running, or one without it).
    NoPortal,
    /// The user said no in the desktop's dialog.
    Declined,
    /// Anything else, in words for the log and the main window.
    Failed(String),
}

/// (Re-)binds the hotkey from the settings: the earlier binding is closed first.
pub fn register(app: &AppHandle) {
    let state = app.state::<AppState>();
    let wanted = state.settings().hotkey.trim().to_owned();
    let previous = CURRENT.lock().ok().and_then(|mut c| c.take());
    if wanted.is_empty() {
        stop(previous);
        say(app, None, None);
        return;
    }
    if let Err(e) = wanted.parse::<KeyCombination>() {
        stop(previous);
        say(app, Some(super::invalid(&wanted, &e.to_string())), None);
        return;
    }
    let (stop_tx, stop_rx) = oneshot::channel();
    let task_app = app.clone();
    let done = tauri::async_runtime::spawn(async move {
        if let Some(previous) = previous {
            let _ = previous.stop.send(());
            let _ = previous.done.await;
        }
        serve(task_app, wanted, stop_rx).await;
    });
    if let Ok(mut current) = CURRENT.lock() {
        *current = Some(Running {
            stop: stop_tx,
            done,
        });
    }
}

fn stop(previous: Option<Running>) {
    if let Some(previous) = previous {
        let _ = previous.stop.send(());
    }
}

/// Shows `problem` (or none) and `notice` (or none) in the main window.
fn say(app: &AppHandle, problem: Option<String>, notice: Option<String>) {
    if let Some(p) = &problem {
        tracing::warn!("{p}");
    }
    let state = app.state::<AppState>();
    state.set_problem(PROBLEM, problem);
    state.set_problem(NOTICE, notice);
    super::super::phones::publish(app);
}

/// Binds `hotkey` and dials on every activation until told to stop; then closes the session.
async fn serve(app: AppHandle, hotkey: String, stop: oneshot::Receiver<()>) {
    let portal = match tokio::time::timeout(QUICK, connect()).await {
        Ok(Ok(portal)) => portal,
        Ok(Err(outcome)) => return report(&app, &hotkey, outcome),
        Err(_) => return report(&app, &hotkey, Outcome::Failed(timed_out())),
    };
    let mut session = None;
    // ashpd asserts on a malformed answer from the portal: that must not take the hotkey
    // down silently.
    let bound = std::panic::AssertUnwindSafe(bind_and_listen(&app, &portal, &hotkey, &mut session))
        .catch_unwind();
    tokio::select! {
        _ = stop => tracing::debug!("hotkey: rebinding through the portal"),
        result = bound => match result {
            Ok(Ok(())) => report(&app, &hotkey, Outcome::Failed(tr("hotkey-desktop-ended", &[]))),
            Ok(Err(outcome)) => report(&app, &hotkey, outcome),
            Err(_) => report(&app, &hotkey, Outcome::Failed(tr("hotkey-desktop-bad-answer", &[]))),
        },
    }
    if let Some(session) = session {
        if let Err(e) = session.close().await {
            tracing::debug!("closing the shortcuts session: {e}");
        }
    }
}

/// The GlobalShortcuts proxy, once callpop has told the portal who it is (where it can).
async fn connect() -> Result<GlobalShortcuts<'static>, Outcome> {
    static REGISTERED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    REGISTERED
        .get_or_init(|| async {
            // Host apps have no app id the portal can see; desktops that keep shortcuts per
            // app (KDE) name it after this. Older portals lack the registry: fine.
            if let Ok(id) = ashpd::AppID::try_from(APP_ID) {
                if let Err(e) = ashpd::register_host_app(id).await {
                    tracing::debug!("portal host registry: {e}");
                }
            }
        })
        .await;
    GlobalShortcuts::new().await.map_err(outcome)
}

async fn bind_and_listen(
    app: &AppHandle,
    portal: &GlobalShortcuts<'static>,
    hotkey: &str,
    slot: &mut Option<Session<'static, GlobalShortcuts<'static>>>,
) -> Result<(), Outcome> {
    let session = match tokio::time::timeout(QUICK, portal.create_session()).await {
        Ok(session) => slot.insert(session.map_err(outcome)?),
        Err(_) => return Err(Outcome::Failed(timed_out())),
    };
    // Listening before binding: a press right after the dialog is not lost.
    let mut activated = portal.receive_activated().await.map_err(outcome)?;
    let preferred = trigger::to_xdg(hotkey);
    let shortcut = NewShortcut::new(SHORTCUT_ID, tr("hotkey-desktop-description", &[]))
        .preferred_trigger(preferred.as_deref());
    say(
        app,
        None,
        Some(tr("hotkey-desktop-waiting", &[("hotkey", hotkey.into())])),
    );
    let request = portal
        .bind_shortcuts(session, &[shortcut], None)
        .await
        .map_err(outcome)?;
    let bound = request.response().map_err(outcome)?;
    tracing::info!("hotkey bound through the desktop portal (asked for {preferred:?})");
    say_bound(app, bound.shortcuts());
    // Keys changed in the desktop's settings, or the session ended by the desktop: said too.
    let mut changed = portal.receive_shortcuts_changed().await.map_err(outcome)?;
    let mut closed = session.receive_closed().await.map_err(outcome)?;
    // The portal sends Activated to this connection only, and earlier sessions are closed.
    loop {
        tokio::select! {
            signal = activated.next() => match signal {
                Some(signal) if signal.shortcut_id() == SHORTCUT_ID => {
                    super::super::dialing::dial_selection(app);
                }
                Some(_) => {}
                None => break,
            },
            signal = changed.next() => match signal {
                Some(signal) => say_bound(app, signal.shortcuts()),
                None => break,
            },
            _ = closed.next() => break,
        }
    }
    Ok(())
}

/// Says in the main window which keys the desktop gave the hotkey.
fn say_bound(app: &AppHandle, shortcuts: &[Shortcut]) {
    let keys = shortcuts
        .iter()
        .find(|s| s.id() == SHORTCUT_ID)
        .map(|s| s.trigger_description().trim().to_owned())
        .unwrap_or_default();
    tracing::info!("the desktop's keys for the dial hotkey: {keys:?}");
    say(
        app,
        None,
        Some(if keys.is_empty() {
            tr("hotkey-desktop-bound-no-keys", &[])
        } else {
            tr("hotkey-desktop-bound", &[("trigger", keys.into())])
        }),
    );
}

/// Says in the main window why the hotkey does not work.
fn report(app: &AppHandle, hotkey: &str, outcome: Outcome) {
    let problem = match outcome {
        Outcome::NoPortal => tr("problem-hotkey-no-portal", &[]),
        Outcome::Declined => tr("problem-hotkey-declined", &[("hotkey", hotkey.into())]),
        Outcome::Failed(reason) => tr(
            "problem-hotkey-portal-failed",
            &[("hotkey", hotkey.into()), ("reason", reason.into())],
        ),
    };
    say(app, Some(problem), None);
}

fn timed_out() -> String {
    tr("hotkey-desktop-no-answer", &[])
}

/// Sorts the portal's errors into what the user is told.
fn outcome(e: ashpd::Error) -> Outcome {
    match &e {
        ashpd::Error::PortalNotFound(_) => Outcome::NoPortal,
        ashpd::Error::Response(ResponseError::Cancelled)
        | ashpd::Error::Portal(PortalError::Cancelled(_)) => Outcome::Declined,
        ashpd::Error::Zbus(z) | ashpd::Error::Portal(PortalError::ZBus(z)) if is_missing(z) => {
            Outcome::NoPortal
        }
        _ => Outcome::Failed(e.to_string()),
    }
}

/// Whether a D-Bus error means nobody serves the portal or its GlobalShortcuts interface.
fn is_missing(e: &ashpd::zbus::Error) -> bool {
    const MISSING: [&str; 5] = [
        "org.freedesktop.DBus.Error.ServiceUnknown",
        "org.freedesktop.DBus.Error.NameHasNoOwner",
        "org.freedesktop.DBus.Error.UnknownMethod",
        "org.freedesktop.DBus.Error.UnknownInterface",
        "org.freedesktop.DBus.Error.UnknownObject",
    ];
    match e {
        ashpd::zbus::Error::MethodError(name, _, _) => MISSING.contains(&name.as_str()),
        ashpd::zbus::Error::FDO(fdo) => matches!(
            **fdo,
            ashpd::zbus::fdo::Error::ServiceUnknown(_)
                | ashpd::zbus::fdo::Error::NameHasNoOwner(_)
                | ashpd::zbus::fdo::Error::UnknownMethod(_)
                | ashpd::zbus::fdo::Error::UnknownInterface(_)
                | ashpd::zbus::fdo::Error::UnknownObject(_)
        ),
        _ => false,
    }
}
