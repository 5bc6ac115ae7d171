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

#[cfg(test)]
mod tests {
    use crate::call_record::CallState;
    use crate::event::{CallKey, Direction, Observed, Outcome, Step};
    use crate::lifecycle;
    use crate::store::History;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn any_step() -> impl Strategy<Value = Step> {
        prop_oneof![
            Just(Step::Ringing),
            Just(Step::Dialing),
            Just(Step::Connected),
            Just(Step::Held),
            Just(Step::Resumed),
            prop_oneof![
                Just(Outcome::Answered),
                Just(Outcome::Missed),
                Just(Outcome::Rejected),
                Just(Outcome::Busy),
                Just(Outcome::Cancelled),
                Just(Outcome::AnsweredElsewhere),
            ]
            .prop_map(Step::Ended),
        ]
    }

    /// What happens next: an event (delivered once or twice), or a restart of callpop.
    #[derive(Debug, Clone)]
    enum Action {
        Event(Observed, bool),
        Restart,
    }

    /// Events of up to three calls, interleaved, with repeats and times in any order, and now
    /// and then a restart; some calls share a number, some have none.
    fn any_actions() -> impl Strategy<Value = Vec<Action>> {
        prop::collection::vec(
            (
                0..3usize,
                0i64..10_000,
                any_step(),
                0..3usize,
                any::<bool>(),
                0..8u8,
            ),
            1..25,
        )
        .prop_map(|raw| {
            raw.into_iter()
                .map(|(call, at_ms, step, number, out, what)| {
                    let number = ["+14165550123", "+14165550199", ""][number];
                    let event = Observed {
                        at_ms,
                        key: CallKey::new("demo", "p", format!("c{call}")),
                        line: Some(1),
                        direction: if out { Direction::Out } else { Direction::In },
                        step,
                        number: number.into(),
                        e164: (!number.is_empty()).then(|| number.to_owned()),
                        match_key: None,
                        name: format!("name {call}"),
                    };
                    match what {
                        0 => Action::Restart,
                        1 => Action::Event(event, true),
                        _ => Action::Event(event, false),
                    }
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Whatever arrives, each call is one row that reads back exactly as the lifecycle
        /// says; no event is refused by the schema's checks; once ended (and not closed by a
        /// restart), a call stays ended with the same outcome; exactly the missed calls are
        /// unseen; and every missed call that a later call resolves is resolved.
        #[test]
        fn the_stored_calls_follow_the_lifecycle(actions in any_actions()) {
            let dir = tempfile::tempdir().expect("tempdir");
            let history = History::open(dir.path().join("h.sqlite3")).expect("open");
            let mut model: BTreeMap<String, lifecycle::Tracked> = BTreeMap::new();
            for action in &actions {
                let (event, repeat) = match action {
                    Action::Restart => {
                        history.close_unfinished().expect("close");
                        for call in model.values_mut() {
                            *call = lifecycle::interrupt(call);
                        }
                        continue;
                    }
                    Action::Event(event, repeat) => (event, *repeat),
                };
                for _ in 0..if repeat { 2 } else { 1 } {
                    history.record(event).expect("every event is accepted");
                    let id = &event.key.source_call_id;
                    let next = match model.get(id) {
                        None => lifecycle::start(event),
                        Some(prev) => lifecycle::advance(prev, event),
                    };
                    if let Some(prev) = model.get(id) {
                        if prev.state.is_ended() && !prev.interrupted {
                            prop_assert_eq!(next.state, prev.state);
                        }
                    }
                    model.insert(id.clone(), next);
                }
            }
            let page = history.list(&crate::CallQuery::default(), None, 100).expect("list");
            prop_assert_eq!(page.calls.len(), model.len());
            for call in &page.calls {
                let expected = &model[&call.key.source_call_id];
                prop_assert_eq!(call.state, expected.state);
                prop_assert_eq!(call.direction, expected.direction);
                prop_assert_eq!(call.started_at_ms, expected.started_at);
                prop_assert_eq!(call.answered_at_ms, expected.answered_at);
                prop_assert_eq!(call.ended_at_ms, expected.ended_at);
                prop_assert_eq!(call.held_ms, expected.held_ms);
                prop_assert_eq!(call.on_hold_since_ms, expected.held_since);
                prop_assert_eq!(&call.number, &expected.number);
                prop_assert_eq!(call.interrupted, expected.interrupted);
                // Nobody marked anything seen: exactly the missed calls are unseen.
                prop_assert_eq!(call.seen, call.state != CallState::Ended(Outcome::Missed));
            }
            for missed in page.calls.iter().filter(|c| c.state == CallState::Ended(Outcome::Missed)) {
                let resolvable = page.calls.iter().any(|c| {
                    c.match_key.is_some()
                        && c.match_key == missed.match_key
                        && c.started_at_ms > missed.started_at_ms
                        && (c.direction == Direction::Out
                            || c.answered_at_ms.is_some()
                            || c.state == CallState::Ended(Outcome::Answered))
                });
                prop_assert_eq!(missed.resolution.is_some(), resolvable, "{:?}", missed);
            }
        }
    }
}
