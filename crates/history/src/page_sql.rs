//! The SQL for one page of calls, and how a search is driven.
//!
//! Without a search, a page walks the start-time index (or the missed / unresolved partial
//! index) newest first and stops after the page: a fraction of a millisecond at any depth.
//!
//! A search can be driven two ways, and neither is right for every search:
//! - **by its matches**: take every call the search indexes match, sort those by time, keep a
//!   page. Cost grows with the number of matches (a row lookup each): instant for a rare name
//!   or a number, ~10 ms at 100,000 calls for a common first name matching 4,000 calls.
//! - **by time**: walk the start-time index newest first and keep the calls that match until
//!   the page is full. Cost grows with how far apart matches are: ~1.5 ms for that common
//!   name, but a walk through the whole history (~20 ms) for a search matching nothing.
//!
//! So the search indexes are asked first how many calls each part of the search matches (a
//! count over the index only, well under a millisecond; a number of seven digits or more is
//! taken to be rare without asking), and the search is driven by time
//! when matches are so many that a page of them is found soon: when `matches² > calls ×
//! (page + 1) / 8`, where the walk and the lookups cost about the same (measured, see
//! BENCHMARK.md). Both ways give exactly the same page.
//!
//! Everything the user typed goes in as a parameter; the SQL is built from fixed fragments.

use crate::call_row::CALL_COLUMNS;
use crate::query::{CallFilter, CallQuery, PageCursor};
use crate::search_text::{self, exact_phrase, prefix_phrase};
use rusqlite::types::Value;
use rusqlite::Connection;

const NEWEST_FIRST: &str = "ORDER BY started_at DESC, id DESC";

/// How a search is run (see the module documentation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Drive {
    ByMatches,
    ByTime,
}

/// One condition of a search, with what it takes to count its matches.
struct Condition {
    /// SQL with `{id}` where the call's id is tested against the index.
    sql: &'static str,
    params: Vec<Value>,
    matches: Matches,
}

/// How many calls a condition matches.
enum Matches {
    /// Count them with this query.
    Count(&'static str, Vec<Value>),
    /// Few, without asking: seven digits or more are (part of) one number, and counting them
    /// would cost as much as finding them.
    Few,
    /// Many, without asking: one or two digits are in most numbers (and cannot be counted by
    /// the trigram index).
    Many,
}

/// Digit runs at least this long are taken to match few calls.
const FEW_DIGITS: usize = 7;

fn conditions(query: &CallQuery) -> Vec<Condition> {
    let terms = search_text::parse(&query.text);
    let mut conditions = Vec::new();
    if let Some(words) = terms.words_query() {
        conditions.push(Condition {
            sql: " AND {id} IN (SELECT rowid FROM call_fts WHERE call_fts MATCH ?)",
            params: vec![Value::Text(words.clone())],
            matches: Matches::Count(
                "SELECT count(*) FROM call_fts WHERE call_fts MATCH ?",
                vec![Value::Text(words)],
            ),
        });
    }
    for run in terms.digit_runs {
        let as_word = Value::Text(prefix_phrase(&run));
        let digits = run.chars().count();
        if digits >= 3 {
            let as_digits = Value::Text(exact_phrase(&run));
            conditions.push(Condition {
                sql: " AND ({id} IN (SELECT rowid FROM call_digits WHERE call_digits MATCH ?) \
                      OR {id} IN (SELECT rowid FROM call_fts WHERE call_fts MATCH ?))",
                params: vec![as_digits.clone(), as_word.clone()],
                matches: if digits >= FEW_DIGITS {
                    Matches::Few
                } else {
                    Matches::Count(
                        "SELECT (SELECT count(*) FROM call_digits WHERE call_digits MATCH ?) \
                         + (SELECT count(*) FROM call_fts WHERE call_fts MATCH ?)",
                        vec![as_digits, as_word],
                    )
                },
            });
        } else {
            // Trigrams need three characters. One or two digits match most numbers, so the
            // walk by time finds a page quickly.
            conditions.push(Condition {
                sql: " AND (instr(search_digits, ?) > 0 \
                      OR {id} IN (SELECT rowid FROM call_fts WHERE call_fts MATCH ?))",
                params: vec![Value::Text(run), as_word],
                matches: Matches::Many,
            });
        }
    }
    conditions
}

/// Chooses how to drive the search for a page of `rows` calls.
fn choose_drive(
    conn: &Connection,
    conditions: &[Condition],
    rows: usize,
) -> rusqlite::Result<Drive> {
    if conditions.iter().any(|c| matches!(c.matches, Matches::Few)) {
        return Ok(Drive::ByMatches);
    }
    let mut fewest: Option<i64> = None;
    for condition in conditions {
        let Matches::Count(sql, params) = &condition.matches else {
            continue;
        };
        let matches: i64 = conn
            .prepare_cached(sql)?
            .query_row(rusqlite::params_from_iter(params), |r| r.get(0))?;
        fewest = Some(fewest.map_or(matches, |f| f.min(matches)));
    }
    let Some(matches) = fewest else {
        return Ok(Drive::ByTime);
    };
    // The highest id stands in for the number of calls (exact unless calls were deleted), and
    // costs one index step where count(*) would read the whole table.
    let calls: i64 = conn
        .prepare_cached("SELECT coalesce(max(id), 0) FROM call")?
        .query_row([], |r| r.get(0))?;
    let page = i64::try_from(rows).unwrap_or(i64::MAX);
    let many = matches.saturating_mul(matches) > calls.saturating_mul(page) / 8;
    Ok(if many {
        Drive::ByTime
    } else {
        Drive::ByMatches
    })
}

/// The SQL and parameters for one page of `rows` calls matching `query`, after `after`.
pub(crate) fn page_sql(
    conn: &Connection,
    query: &CallQuery,
    after: Option<PageCursor>,
    rows: usize,
) -> rusqlite::Result<(String, Vec<Value>)> {
    let conditions = conditions(query);
    let drive = if conditions.is_empty() {
        Drive::ByTime
    } else {
        choose_drive(conn, &conditions, rows)?
    };
    Ok(page_sql_driven(
        query.filter,
        &conditions,
        after,
        rows,
        drive,
    ))
}

fn page_sql_driven(
    filter: CallFilter,
    conditions: &[Condition],
    after: Option<PageCursor>,
    rows: usize,
    drive: Drive,
) -> (String, Vec<Value>) {
    let mut sql = String::new();
    let mut params: Vec<Value> = Vec::new();

    match filter {
        CallFilter::All => {}
        CallFilter::Missed => sql.push_str(" AND outcome = 'missed'"),
        CallFilter::Unresolved => sql.push_str(" AND outcome = 'missed' AND resolved_at IS NULL"),
    }
    // `+id` keeps SQLite from driving the query by the search index's matches.
    let id = match drive {
        Drive::ByMatches => "id",
        Drive::ByTime => "+id",
    };
    for condition in conditions {
        sql.push_str(&condition.sql.replace("{id}", id));
        params.extend(condition.params.iter().cloned());
    }
    if let Some(cursor) = after {
        sql.push_str(" AND started_at <= ? AND (started_at < ? OR id < ?)");
        params.push(Value::Integer(cursor.started_at_ms));
        params.push(Value::Integer(cursor.started_at_ms));
        params.push(Value::Integer(cursor.id.0));
    }
    params.push(Value::Integer(i64::try_from(rows).unwrap_or(i64::MAX)));

    let sql = match drive {
        // Sort only id and time of every match, then read the page's rows: sorting thousands
        // of full rows to keep fifty took twice as long.
        Drive::ByMatches => format!(
            "SELECT {CALL_COLUMNS} FROM call WHERE id IN \
             (SELECT id FROM call WHERE 1{sql} {NEWEST_FIRST} LIMIT ?) {NEWEST_FIRST}"
        ),
        Drive::ByTime => {
            format!("SELECT {CALL_COLUMNS} FROM call WHERE 1{sql} {NEWEST_FIRST} LIMIT ?")
        }
    };
    (sql, params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call_record::CallId;
    use crate::call_row::call_from_row;
    use crate::event::{CallKey, Direction, Observed, Outcome, Step};
    use crate::store::History;

    fn ids(conn: &Connection, sql: &str, params: Vec<Value>) -> Vec<CallId> {
        conn.prepare(sql)
            .expect("prepare")
            .query_map(rusqlite::params_from_iter(params), call_from_row)
            .expect("query")
            .map(|c| c.expect("row").id)
            .collect()
    }

    fn plan(conn: &Connection, sql: &str, params: Vec<Value>) -> String {
        conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .expect("plan")
            .query_map(rusqlite::params_from_iter(params), |r| {
                r.get::<_, String>(3)
            })
            .expect("rows")
            .collect::<Result<Vec<_>, _>>()
            .expect("plan rows")
            .join("\n")
    }

    /// A history with names and numbers that some searches match often and others rarely.
    fn sample() -> (tempfile::TempDir, History) {
        let dir = tempfile::tempdir().expect("tempdir");
        let history = History::open(dir.path().join("h.sqlite3")).expect("open");
        let names = ["Виталик Петров", "Zoë Müller", "Anna Schmidt", "Семён"];
        let events: Vec<Observed> = (0..300_i64)
            .flat_map(|n| {
                let number = format!("+1 416 555 {:04}", n % 40);
                let event = |at_ms, step| Observed {
                    at_ms,
                    // Start times out of id order, and some equal, so both sort keys matter.
                    key: CallKey::new("demo", "p", format!("c{n}")),
                    line: None,
                    direction: Direction::In,
                    step,
                    number: number.clone(),
                    e164: None,
                    match_key: None,
                    name: names[(n % 4) as usize].to_owned(),
                };
                let at = (n * 7_919) % 300 * 1_000;
                let end = if n % 3 == 0 {
                    Outcome::Missed
                } else {
                    Outcome::Answered
                };
                [event(at, Step::Ringing), event(at + 10, Step::Ended(end))]
            })
            .collect();
        history.record_all(&events).expect("record");
        (dir, history)
    }

    #[test]
    fn both_drives_give_the_same_pages() {
        let (_dir, history) = sample();
        let cursor = Some(PageCursor {
            started_at_ms: 150_000,
            id: CallId(120),
        });
        history
            .with_conn(|conn| {
                for text in [
                    "zoe",
                    "виталик 555",
                    "5550001",
                    "55",
                    "anna schmidt",
                    "nobody",
                ] {
                    for filter in [CallFilter::All, CallFilter::Missed, CallFilter::Unresolved] {
                        for after in [None, cursor] {
                            let conditions = conditions(&CallQuery {
                                text: text.into(),
                                filter,
                            });
                            let run = |drive| {
                                let (sql, params) =
                                    page_sql_driven(filter, &conditions, after, 21, drive);
                                ids(conn, &sql, params)
                            };
                            let by_matches = run(Drive::ByMatches);
                            assert_eq!(by_matches, run(Drive::ByTime), "{text} {filter:?}");
                            if text == "zoe" && filter == CallFilter::All && after.is_none() {
                                assert_eq!(by_matches.len(), 21, "the sample is big enough");
                            }
                        }
                    }
                }
                Ok(())
            })
            .expect("queries");
    }

    #[test]
    fn a_common_word_is_driven_by_time_and_a_rare_one_by_its_matches() {
        let (_dir, history) = sample();
        history
            .with_conn(|conn| {
                let drive = |text: &str| {
                    let conditions = conditions(&CallQuery::search(text));
                    choose_drive(conn, &conditions, 51).expect("drive")
                };
                // 75 of 300 calls: a page of 51 is found within the newest ~200.
                assert_eq!(drive("zoe"), Drive::ByTime);
                // 7 or 8 of 300 calls.
                assert_eq!(drive("555 0001"), Drive::ByMatches);
                assert_eq!(drive("0001"), Drive::ByMatches);
                // Most numbers hold a 5.
                assert_eq!(drive("5"), Drive::ByTime);
                assert_eq!(drive("nobody"), Drive::ByMatches);
                Ok(())
            })
            .expect("drives");
    }

    /// The newest-first list must walk an index, not sort the table: that is what keeps the
    /// first page instant at 100,000 calls.
    #[test]
    fn pages_walk_an_index_instead_of_sorting() {
        let (_dir, history) = sample();
        let cursor = Some(PageCursor {
            started_at_ms: 5,
            id: CallId(3),
        });
        history
            .with_conn(|conn| {
                for (filter, index) in [
                    (CallFilter::All, "call_started"),
                    (CallFilter::Missed, "call_missed"),
                    (CallFilter::Unresolved, "call_unresolved"),
                ] {
                    for text in ["", "zoe"] {
                        let conditions = conditions(&CallQuery {
                            text: text.into(),
                            filter,
                        });
                        let (sql, params) =
                            page_sql_driven(filter, &conditions, cursor, 51, Drive::ByTime);
                        let plan = plan(conn, &sql, params);
                        assert!(plan.contains(index), "{filter:?} {text:?}: {plan}");
                        assert!(!plan.contains("TEMP B-TREE"), "{filter:?} {text:?}: {plan}");
                    }
                }
                Ok(())
            })
            .expect("plans");
    }
}
