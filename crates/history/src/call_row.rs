//! Reading calls out of `call` rows: one column list, one mapping, used by every query.

use crate::call_record::{CallId, CallRecord, CallState, ContactMatch, Resolution, ResolvedHow};
use crate::event::{CallKey, Direction};
use crate::lifecycle::Tracked;
use rusqlite::types::Type;
use rusqlite::Row;

/// The columns [`call_from_row`] reads, in its order. Prefix-free so queries can alias `call`.
pub(crate) const CALL_COLUMNS: &str = "id, source, device_id, source_call_id, line, direction, \
    outcome, remote_number, remote_e164, match_key, remote_name, contact_name, contact_source, \
    contact_ref, started_at, answered_at, ended_at, held_ms, held_since, last_event_at, \
    interrupted, seen, resolved_at, resolved_by, resolution, note, created_at, updated_at";

pub(crate) fn call_from_row(row: &Row<'_>) -> rusqlite::Result<CallRecord> {
    let contact_name: Option<String> = row.get(11)?;
    let resolved_at: Option<i64> = row.get(22)?;
    let resolution: Option<String> = row.get(24)?;
    Ok(CallRecord {
        id: CallId(row.get(0)?),
        key: CallKey {
            source: row.get(1)?,
            device_id: row.get(2)?,
            source_call_id: row.get(3)?,
        },
        line: row.get(4)?,
        direction: direction_at(row, 5)?,
        state: state_at(row, 6)?,
        number: row.get(7)?,
        e164: row.get(8)?,
        match_key: row.get(9)?,
        name: row.get(10)?,
        contact: match contact_name {
            Some(name) => Some(ContactMatch {
                name,
                source: row.get::<_, Option<String>>(12)?.unwrap_or_default(),
                reference: row.get(13)?,
            }),
            None => None,
        },
        started_at_ms: row.get(14)?,
        answered_at_ms: row.get(15)?,
        ended_at_ms: row.get(16)?,
        held_ms: row.get(17)?,
        on_hold_since_ms: row.get(18)?,
        last_event_at_ms: row.get(19)?,
        interrupted: row.get(20)?,
        seen: row.get(21)?,
        resolution: match (resolved_at, resolution) {
            (Some(at_ms), Some(how)) => Some(Resolution {
                at_ms,
                how: parse_at(24, &how, ResolvedHow::parse)?,
                by: row.get::<_, Option<i64>>(23)?.map(CallId),
            }),
            _ => None,
        },
        note: row.get(25)?,
        created_at_ms: row.get(26)?,
        updated_at_ms: row.get(27)?,
    })
}

/// The columns [`tracked_from_row`] reads.
pub(crate) const TRACKED_COLUMNS: &str = "id, direction, outcome, line, remote_number, \
    remote_e164, match_key, remote_name, started_at, answered_at, ended_at, held_ms, held_since, \
    last_event_at, interrupted, source, device_id, source_call_id";

/// A call's row id, key and lifecycle state: what recording an event needs.
pub(crate) struct StoredCall {
    pub id: CallId,
    pub key: CallKey,
    pub call: Tracked,
}

pub(crate) fn tracked_from_row(row: &Row<'_>) -> rusqlite::Result<StoredCall> {
    Ok(StoredCall {
        id: CallId(row.get(0)?),
        call: Tracked {
            direction: direction_at(row, 1)?,
            state: state_at(row, 2)?,
            line: row.get(3)?,
            number: row.get(4)?,
            e164: row.get(5)?,
            match_key: row.get(6)?,
            name: row.get(7)?,
            started_at: row.get(8)?,
            answered_at: row.get(9)?,
            ended_at: row.get(10)?,
            held_ms: row.get(11)?,
            held_since: row.get(12)?,
            last_event_at: row.get(13)?,
            interrupted: row.get(14)?,
        },
        key: CallKey {
            source: row.get(15)?,
            device_id: row.get(16)?,
            source_call_id: row.get(17)?,
        },
    })
}

fn direction_at(row: &Row<'_>, index: usize) -> rusqlite::Result<Direction> {
    let text: String = row.get(index)?;
    parse_at(index, &text, Direction::parse)
}

fn state_at(row: &Row<'_>, index: usize) -> rusqlite::Result<CallState> {
    let text: String = row.get(index)?;
    parse_at(index, &text, CallState::parse)
}

/// A word this build does not know in a column the schema's CHECK constrains: only possible if
/// the file was edited by hand. Reported as a conversion error naming the column.
fn parse_at<T>(
    index: usize,
    text: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    parse(text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            Type::Text,
            format!("unknown value {text:?}").into(),
        )
    })
}
