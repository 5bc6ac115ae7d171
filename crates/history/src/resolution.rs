//! When a missed call stops needing attention.
//!
//! A missed call M is resolved by a later call C with the same match key when
//! - C is outgoing (the user called back; placing the call is enough, whether or not the
//!   other side picked up: the user did what they could), resolved at C's dial time; or
//! - C was answered, in whichever direction (the next call from that number was answered, or
//!   callpop saw a connected call with them of unknown direction: the user talked to them),
//!   resolved at the moment C was answered.
//!
//! "Later" means C started after M started: a call placed before the missed call rang says
//! nothing about it, even if callpop learns of the two in the other order. One call resolves
//! every unresolved missed call from that number before it. A call without a match key
//! (anonymous) is never resolved by another call, only by hand.
//!
//! Both directions are settled whenever a call's row changes: C looks back for missed calls it
//! resolves, and M looks forward for a call that already resolved it (events of different
//! calls can arrive in any order: a missed call known only from a late push, or closed at
//! start-up).

use crate::call_record::{CallId, CallState, ResolvedHow};
use crate::event::{Direction, Outcome};
use crate::lifecycle::Tracked;
use rusqlite::{named_params, Connection, OptionalExtension};

/// When and how a call resolves earlier missed calls from the same number, if it does.
fn resolves_as(
    direction: Direction,
    state: CallState,
    started_at: i64,
    answered_at: Option<i64>,
) -> Option<(i64, ResolvedHow)> {
    if direction == Direction::Out {
        Some((started_at, ResolvedHow::Callback))
    } else if let Some(answered) = answered_at {
        Some((answered, ResolvedHow::AnsweredLater))
    } else if state == CallState::Ended(Outcome::Answered) {
        // Ended "answered" without callpop seeing the pick-up: its first sighting is as close
        // as we know.
        Some((started_at, ResolvedHow::AnsweredLater))
    } else {
        None
    }
}

/// Settles missed-call resolution around the call `id` after it changed. Returns how many
/// rows changed.
pub(crate) fn settle(
    conn: &Connection,
    id: CallId,
    call: &Tracked,
    now: i64,
) -> rusqlite::Result<usize> {
    let Some(key) = call.match_key.as_deref() else {
        return Ok(0);
    };
    let mut changed = 0;

    if let Some((at, how)) = resolves_as(
        call.direction,
        call.state,
        call.started_at,
        call.answered_at,
    ) {
        changed += conn
            .prepare_cached(
                "UPDATE call SET resolved_at = :at, resolved_by = :by, resolution = :how, \
                 updated_at = :now \
                 WHERE outcome = 'missed' AND resolved_at IS NULL AND match_key = :key \
                 AND started_at < :started AND id <> :by",
            )?
            .execute(named_params! {
                ":at": at, ":by": id.0, ":how": how.as_str(), ":now": now,
                ":key": key, ":started": call.started_at,
            })?;
    }

    if call.state == CallState::Ended(Outcome::Missed) {
        let resolver = conn
            .prepare_cached(
                "SELECT id, direction, outcome, started_at, answered_at FROM call \
                 WHERE match_key = :key AND started_at > :started AND id <> :id \
                 AND (direction = 'out' OR answered_at IS NOT NULL OR outcome = 'answered') \
                 ORDER BY started_at, id LIMIT 1",
            )?
            .query_row(
                named_params! { ":key": key, ":started": call.started_at, ":id": id.0 },
                |row| {
                    let direction: String = row.get(1)?;
                    let outcome: String = row.get(2)?;
                    Ok((
                        CallId(row.get(0)?),
                        Direction::parse(&direction).unwrap_or(Direction::Unknown),
                        CallState::parse(&outcome).unwrap_or(CallState::Ringing),
                        row.get::<_, i64>(3)?,
                        row.get::<_, Option<i64>>(4)?,
                    ))
                },
            )
            .optional()?;
        if let Some((by, direction, state, started, answered)) = resolver {
            if let Some((at, how)) = resolves_as(direction, state, started, answered) {
                changed += conn
                    .prepare_cached(
                        "UPDATE call SET resolved_at = :at, resolved_by = :by, \
                         resolution = :how, updated_at = :now \
                         WHERE id = :id AND outcome = 'missed' AND resolved_at IS NULL",
                    )?
                    .execute(named_params! {
                        ":at": at, ":by": by.0, ":how": how.as_str(), ":now": now, ":id": id.0,
                    })?;
            }
        }
    }
    Ok(changed)
}
