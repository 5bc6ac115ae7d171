//! Recording call events, and dealing with calls a previous run left unfinished.
//!
//! Each event is one immediate transaction: read the call by its key, apply the event
//! ([`crate::lifecycle`]), write the row back with an upsert on the unique key, settle
//! missed-call resolution, commit. Nothing is written when the event adds nothing, so
//! duplicates and replays cost one indexed read.

use crate::call_record::{CallId, CallRecord, CallState};
use crate::call_row::{call_from_row, tracked_from_row, CALL_COLUMNS, TRACKED_COLUMNS};
use crate::error::{Failure, HistoryError};
use crate::event::{CallKey, Observed};
use crate::lifecycle::{self, Tracked};
use crate::resolution;
use crate::store::{now_ms, History};
use rusqlite::{named_params, params, Connection, OptionalExtension, TransactionBehavior};

/// What recording one event did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recorded {
    /// The call's row.
    pub id: CallId,
    /// Whether anything in the history changed: the call itself, or missed calls it resolved.
    /// `false` for duplicates and replays. When `true`, the glue refreshes the views and the
    /// badge count.
    pub changed: bool,
}

impl History {
    /// Records one call event (see [`Observed`] for what the history relies on).
    pub fn record(&self, event: &Observed) -> Result<Recorded, HistoryError> {
        check_key(&event.key)?;
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let recorded = apply(&tx, event, now_ms())?;
            tx.commit()?;
            Ok(recorded)
        })
    }

    /// Records several events in one transaction, in order: for catching up on a backlog, or
    /// importing. Either all are recorded or none.
    pub fn record_all(&self, events: &[Observed]) -> Result<Vec<Recorded>, HistoryError> {
        for event in events {
            check_key(&event.key)?;
        }
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let now = now_ms();
            let recorded = events
                .iter()
                .map(|event| apply(&tx, event, now))
                .collect::<Result<Vec<_>, _>>()?;
            tx.commit()?;
            Ok(recorded)
        })
    }

    /// The call recorded under `key`, if any: lets the glue see, after a restart mid-call,
    /// whether the call it is shown is one the history already has.
    pub fn find(&self, key: &CallKey) -> Result<Option<CallRecord>, HistoryError> {
        self.with_conn(|conn| {
            let sql = format!(
                "SELECT {CALL_COLUMNS} FROM call \
                 WHERE source = ?1 AND device_id = ?2 AND source_call_id = ?3"
            );
            Ok(conn
                .prepare_cached(&sql)?
                .query_row(
                    params![key.source, key.device_id, key.source_call_id],
                    call_from_row,
                )
                .optional()?)
        })
    }

    /// Whether a call is recorded under `key`.
    pub fn is_recorded(&self, key: &CallKey) -> Result<bool, HistoryError> {
        self.with_conn(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT 1 FROM call \
                     WHERE source = ?1 AND device_id = ?2 AND source_call_id = ?3",
                )?
                .exists(params![key.source, key.device_id, key.source_call_id])?)
        })
    }

    /// Calls still ringing or active, oldest first. At start-up these are calls the previous
    /// run never saw end (callpop was killed, the computer slept or lost power).
    pub fn unfinished(&self) -> Result<Vec<CallRecord>, HistoryError> {
        self.with_conn(|conn| {
            let sql = format!(
                "SELECT {CALL_COLUMNS} FROM call WHERE ended_at IS NULL ORDER BY started_at, id"
            );
            let mut statement = conn.prepare(&sql)?;
            let calls = statement
                .query_map([], call_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(calls)
        })
    }

    /// Closes every call still ringing or active: the glue calls this once at start-up, before
    /// recording new events. Each call ends at its last known moment (its newest event) and is
    /// marked `interrupted`; its outcome is a guess from what was known:
    /// - connected calls end `answered`;
    /// - unanswered incoming calls end `missed` (so they reach the badge: better a missed call
    ///   the user dismisses than one never shown);
    /// - unanswered outgoing calls end `cancelled`.
    ///
    /// If the phone system still reports the call afterwards under the same key (the call was
    /// still going during the restart), the next event for it reopens the row and corrects the
    /// guess; no second row is made. Returns the calls closed.
    pub fn close_unfinished(&self) -> Result<Vec<CallId>, HistoryError> {
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let now = now_ms();
            let open = {
                let sql = format!("SELECT {TRACKED_COLUMNS} FROM call WHERE ended_at IS NULL");
                let mut statement = tx.prepare(&sql)?;
                let rows = statement
                    .query_map([], tracked_from_row)?
                    .collect::<Result<Vec<_>, _>>()?;
                rows
            };
            let mut closed = Vec::with_capacity(open.len());
            for stored in open {
                let ended = lifecycle::interrupt(&stored.call);
                write(&tx, &stored.key, &ended, now)?;
                resolution::settle(&tx, stored.id, &ended, now)?;
                closed.push(stored.id);
            }
            tx.commit()?;
            Ok(closed)
        })
    }
}

fn check_key(key: &CallKey) -> Result<(), HistoryError> {
    let missing = if key.source.is_empty() {
        "a source"
    } else if key.device_id.is_empty() {
        "a device id"
    } else if key.source_call_id.is_empty() {
        "a call id"
    } else {
        return Ok(());
    };
    Err(HistoryError::IncompleteKey(missing))
}

/// Applies one event inside the caller's transaction.
fn apply(tx: &Connection, event: &Observed, now: i64) -> Result<Recorded, Failure> {
    let sql = format!(
        "SELECT {TRACKED_COLUMNS} FROM call \
         WHERE source = ?1 AND device_id = ?2 AND source_call_id = ?3"
    );
    let key = &event.key;
    let stored = tx
        .prepare_cached(&sql)?
        .query_row(
            params![key.source, key.device_id, key.source_call_id],
            tracked_from_row,
        )
        .optional()?;
    let call = match &stored {
        None => lifecycle::start(event),
        Some(prev) => {
            let call = lifecycle::advance(&prev.call, event);
            if call == prev.call {
                return Ok(Recorded {
                    id: prev.id,
                    changed: false,
                });
            }
            call
        }
    };
    let id = write(tx, key, &call, now)?;
    resolution::settle(tx, id, &call, now)?;
    Ok(Recorded { id, changed: true })
}

/// Writes a call's lifecycle state: an upsert on the unique key, so even a writer that raced
/// past the read (another process on the same file) cannot add a second row for a call.
///
/// User fields follow the outcome: a call that becomes missed is unseen; a call that stops
/// being missed (an interrupted call reopened by news of it) is no longer unseen or resolved.
fn write(tx: &Connection, key: &CallKey, call: &Tracked, now: i64) -> rusqlite::Result<CallId> {
    tx.prepare_cached(
        "INSERT INTO call (source, device_id, source_call_id, line, direction, outcome, \
           remote_number, remote_e164, match_key, remote_name, search_digits, started_at, \
           answered_at, ended_at, held_ms, held_since, last_event_at, interrupted, seen, \
           created_at, updated_at) \
         VALUES (:source, :device_id, :call_id, :line, :direction, :outcome, :number, :e164, \
           :match_key, :name, :digits, :started, :answered, :ended, :held_ms, :held_since, \
           :last_event, :interrupted, :seen, :now, :now) \
         ON CONFLICT (source, device_id, source_call_id) DO UPDATE SET \
           line = excluded.line, direction = excluded.direction, outcome = excluded.outcome, \
           remote_number = excluded.remote_number, remote_e164 = excluded.remote_e164, \
           match_key = excluded.match_key, remote_name = excluded.remote_name, \
           search_digits = excluded.search_digits, started_at = excluded.started_at, \
           answered_at = excluded.answered_at, ended_at = excluded.ended_at, \
           held_ms = excluded.held_ms, held_since = excluded.held_since, \
           last_event_at = excluded.last_event_at, interrupted = excluded.interrupted, \
           seen = CASE WHEN excluded.outcome = outcome THEN seen \
                       WHEN excluded.outcome = 'missed' THEN 0 \
                       WHEN outcome = 'missed' THEN 1 ELSE seen END, \
           resolved_at = CASE WHEN excluded.outcome = 'missed' THEN resolved_at END, \
           resolved_by = CASE WHEN excluded.outcome = 'missed' THEN resolved_by END, \
           resolution = CASE WHEN excluded.outcome = 'missed' THEN resolution END, \
           updated_at = excluded.updated_at \
         RETURNING id",
    )?
    .query_row(
        named_params! {
            ":source": key.source, ":device_id": key.device_id, ":call_id": key.source_call_id,
            ":line": call.line, ":direction": call.direction.as_str(),
            ":outcome": call.state.as_str(), ":number": call.number, ":e164": call.e164,
            ":match_key": call.match_key, ":name": call.name, ":digits": search_digits(call),
            ":started": call.started_at, ":answered": call.answered_at, ":ended": call.ended_at,
            ":held_ms": call.held_ms, ":held_since": call.held_since,
            ":last_event": call.last_event_at, ":interrupted": call.interrupted,
            ":seen": !is_missed(call), ":now": now,
        },
        |row| row.get(0).map(CallId),
    )
}

fn is_missed(call: &Tracked) -> bool {
    call.state == CallState::Ended(crate::event::Outcome::Missed)
}

/// Every digit string the call's number is known by, without separators, for digit search.
fn search_digits(call: &Tracked) -> String {
    let mut runs: Vec<String> = Vec::with_capacity(3);
    for text in [
        Some(call.number.as_str()),
        call.e164.as_deref(),
        call.match_key.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        if !digits.is_empty() && !runs.contains(&digits) {
            runs.push(digits);
        }
    }
    runs.join(" ")
}
