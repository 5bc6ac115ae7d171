//! The call history, fed from the event bus.
//!
//! Every call event becomes an [`Observed`] row update, keyed by (phone system, phone id, the
//! system's own call id where it has one, else callpop's). At start, calls the history still
//! shows in progress (callpop was closed or killed mid-call) are closed, and kept aside: when
//! the phone then shows that very call (same phone, line and number), it continues its row and
//! is not popped up a second time.

use super::state::AppState;
use crate::i18n::tr;
use callpop_history::{
    CallKey, CallRecord, CallState, ContactMatch, Direction, History, Observed, Outcome, Step,
};
use callpop_phone::tracker::{CallEventKind, Outcome as CallOutcome};
use callpop_phone::{number, PhoneEvent};
use std::sync::{Arc, Mutex};
use tauri::{AppHandle, Manager};

/// Calls found unfinished at start, waiting for their phone to show them again.
static UNFINISHED: Mutex<Vec<CallRecord>> = Mutex::new(Vec::new());

/// Opens the history (a problem is reported and callpop runs without it).
pub async fn open(app: &AppHandle) {
    let state = app.state::<AppState>();
    let opened = tauri::async_runtime::spawn_blocking(|| {
        let path = callpop_history::default_path()?;
        let history = History::open(path)?;
        let unfinished = history.unfinished()?;
        history.close_unfinished()?;
        Ok::<_, callpop_history::HistoryError>((history, unfinished))
    })
    .await;
    match opened {
        Ok(Ok((history, unfinished))) => {
            if let Ok(mut slot) = UNFINISHED.lock() {
                *slot = unfinished;
            }
            if let Ok(mut slot) = state.history.write() {
                *slot = Some(Arc::new(history));
            }
            state.set_problem("history", None);
        }
        Ok(Err(e)) => state.set_problem(
            "history",
            Some(tr(
                "problem-history-unavailable",
                &[("reason", e.to_string().into())],
            )),
        ),
        Err(e) => tracing::warn!("history task failed: {e}"),
    }
}

/// Records one event. Returns nothing: a history that cannot be written is reported once in
/// the main window and the call goes on.
pub async fn record(app: &AppHandle, event: &PhoneEvent) {
    let state = app.state::<AppState>();
    let Some(history) = state.history() else {
        return;
    };
    let call = event.event.call.as_str().to_owned();
    let known = state
        .extras
        .lock()
        .ok()
        .and_then(|e| e.history_keys.get(&call).cloned());
    let key = match known {
        Some(key) => key,
        None => {
            let key = key_for(&state, event);
            if let Ok(mut extras) = state.extras.lock() {
                extras.history_keys.insert(call.clone(), key.clone());
            }
            key
        }
    };
    let rules = state.settings().dialing;
    let e = &event.event;
    let target = number::normalize(&e.number, &rules).ok();
    let observed = Observed {
        at_ms: i64::try_from(event.at_ms).unwrap_or(i64::MAX),
        key,
        line: (e.line > 0).then_some(e.line),
        direction: match e.direction {
            callpop_phone::Direction::Incoming => Direction::In,
            callpop_phone::Direction::Outgoing => Direction::Out,
            callpop_phone::Direction::Unknown => Direction::Unknown,
        },
        step: step_of(e.event, e.outcome),
        number: e.number.clone(),
        e164: target.and_then(|t| t.e164),
        match_key: number::match_key(&e.number, &rules),
        name: e.name.clone(),
    };
    let recorded = tauri::async_runtime::spawn_blocking(move || history.record(&observed)).await;
    match recorded {
        Ok(Ok(recorded)) => {
            if let Ok(mut extras) = state.extras.lock() {
                extras.history_ids.insert(call, recorded.id);
            }
            state.set_problem("history", None);
        }
        Ok(Err(e)) => state.set_problem(
            "history",
            Some(tr(
                "problem-history-write",
                &[("reason", e.to_string().into())],
            )),
        ),
        Err(e) => tracing::warn!("history task failed: {e}"),
    }
}

/// Stores the contact lookup found for a call.
pub async fn set_contact(app: &AppHandle, call: &str, contact: ContactMatch) {
    let state = app.state::<AppState>();
    let (Some(history), Some(id)) = (
        state.history(),
        state
            .extras
            .lock()
            .ok()
            .and_then(|e| e.history_ids.get(call).copied()),
    ) else {
        return;
    };
    let stored =
        tauri::async_runtime::spawn_blocking(move || history.set_contact(id, Some(&contact))).await;
    if let Ok(Err(e)) = stored {
        tracing::warn!("contact not stored in the history: {e}");
    }
}

/// The key of a call's row: an unfinished row of the same call, when callpop restarted during
/// it (and then the call is not popped up again); else a new one.
fn key_for(state: &AppState, event: &PhoneEvent) -> CallKey {
    let source = match state.launch.demo {
        Some(_) => "demo".to_owned(),
        None => state
            .sessions
            .session(&event.phone)
            .map(|s| s.current().kind.to_string())
            .unwrap_or_default(),
    };
    let device = event.phone.to_string();
    let e = &event.event;
    let own_id = if e.source_call_id.is_empty() {
        e.call.as_str().to_owned()
    } else {
        e.source_call_id.clone()
    };
    let adopted = UNFINISHED.lock().ok().and_then(|mut unfinished| {
        let at = unfinished.iter().position(|r| {
            r.key.source == source
                && r.key.device_id == device
                && (r.key.source_call_id == own_id
                    || (e.line > 0
                        && r.line == Some(e.line)
                        && !e.number.is_empty()
                        && r.number == e.number
                        && fits(&r.state, e.event)))
        })?;
        Some(unfinished.remove(at))
    });
    if let Some(row) = adopted {
        if let Ok(mut extras) = state.extras.lock() {
            extras.already_shown.insert(e.call.as_str().to_owned());
        }
        return row.key;
    }
    CallKey {
        source,
        device_id: device,
        source_call_id: own_id,
    }
}

/// Whether a row left unfinished can be the call an event shows now. Closing at start made
/// it final; what it was before is in `interrupted` rows' answer time.
fn fits(state: &CallState, event: CallEventKind) -> bool {
    match event {
        CallEventKind::Ringing => matches!(
            state,
            CallState::Ringing | CallState::Ended(Outcome::Missed)
        ),
        _ => true,
    }
}

fn step_of(kind: CallEventKind, outcome: Option<CallOutcome>) -> Step {
    match kind {
        CallEventKind::Ringing => Step::Ringing,
        CallEventKind::Dialing => Step::Dialing,
        CallEventKind::Connected => Step::Connected,
        CallEventKind::Held => Step::Held,
        CallEventKind::Resumed => Step::Resumed,
        CallEventKind::Missed => Step::Ended(Outcome::Missed),
        CallEventKind::Ended => Step::Ended(match outcome {
            Some(CallOutcome::Rejected) => Outcome::Rejected,
            Some(CallOutcome::Cancelled) => Outcome::Cancelled,
            Some(CallOutcome::Failed) => Outcome::Failed,
            Some(CallOutcome::AnsweredElsewhere) => Outcome::AnsweredElsewhere,
            // Out of sight: an answered call stays answered in the history (a connected call
            // ends answered whatever is passed); an unanswered ring is kept as missed, so the
            // caller can still be called back.
            Some(CallOutcome::Lost | CallOutcome::Missed) => Outcome::Missed,
            Some(CallOutcome::Answered) | None => Outcome::Answered,
        }),
    }
}
