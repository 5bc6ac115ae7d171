//! "Recent calls": newest first, filtered and searched, a page at a time.
//!
//! Paging is by keyset: a page ends with a [`PageCursor`] (the last call's start time and id)
//! and the next page starts strictly after it in (started_at DESC, id DESC) order. Unlike
//! OFFSET, this reads only the rows it returns however deep the user scrolls, and calls that
//! arrive meanwhile do not shift the pages.

use crate::call_record::{CallId, CallRecord};
use crate::call_row::{call_from_row, CALL_COLUMNS};
use crate::error::HistoryError;
use crate::search_text::{self, exact_phrase, prefix_phrase};
use crate::store::History;
use rusqlite::types::Value;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

/// The most calls one page returns; larger requests get this many.
pub const MAX_PAGE_SIZE: usize = 1000;

/// Which calls to list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallQuery {
    /// What the user typed in the search box; empty for all calls. See the `search_text`
    /// module for how words and digits are matched.
    pub text: String,
    pub filter: CallFilter,
}

impl CallQuery {
    pub fn search(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            filter: CallFilter::All,
        }
    }

    pub fn filtered(filter: CallFilter) -> Self {
        Self {
            text: String::new(),
            filter,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallFilter {
    #[default]
    All,
    /// Missed calls, resolved or not.
    Missed,
    /// Missed calls nobody has dealt with yet (what the badge counts).
    Unresolved,
}

/// Where the next page starts: right after this call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageCursor {
    pub started_at_ms: i64,
    pub id: CallId,
}

/// One page of calls, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallPage {
    pub calls: Vec<CallRecord>,
    /// Pass back to [`History::list`] for the next page; `None` on the last page.
    pub next: Option<PageCursor>,
}

impl History {
    /// One page of calls matching `query`, newest first, starting after `after` (or at the
    /// newest call). `limit` is capped at [`MAX_PAGE_SIZE`].
    pub fn list(
        &self,
        query: &CallQuery,
        after: Option<PageCursor>,
        limit: usize,
    ) -> Result<CallPage, HistoryError> {
        let limit = limit.clamp(1, MAX_PAGE_SIZE);
        let (sql, params) = page_sql(query, after, limit + 1);
        let mut calls = self.with_conn(|conn| {
            let mut statement = conn.prepare_cached(&sql)?;
            let calls = statement
                .query_map(rusqlite::params_from_iter(params), call_from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(calls)
        })?;
        let next = if calls.len() > limit {
            calls.truncate(limit);
            calls.last().map(|last| PageCursor {
                started_at_ms: last.started_at_ms,
                id: last.id,
            })
        } else {
            None
        };
        Ok(CallPage { calls, next })
    }

    /// One call, for the detail view.
    pub fn get(&self, id: CallId) -> Result<Option<CallRecord>, HistoryError> {
        self.with_conn(|conn| {
            let sql = format!("SELECT {CALL_COLUMNS} FROM call WHERE id = ?1");
            Ok(conn
                .prepare_cached(&sql)?
                .query_row([id.0], call_from_row)
                .optional()?)
        })
    }

    /// Missed calls nobody has dealt with yet (not called back, no later call answered, not
    /// marked done): the number on the tray badge. It goes down only when the user acts.
    pub fn unresolved_missed_count(&self) -> Result<u64, HistoryError> {
        self.count("SELECT count(*) FROM call WHERE outcome = 'missed' AND resolved_at IS NULL")
    }

    /// Unresolved missed calls the user has not looked at yet (see [`History::mark_seen`]):
    /// for "new" highlighting or a notification, not the badge. Looking at a missed call does
    /// not deal with it, so seeing never lowers [`History::unresolved_missed_count`].
    pub fn unseen_missed_count(&self) -> Result<u64, HistoryError> {
        self.count(
            "SELECT count(*) FROM call \
             WHERE outcome = 'missed' AND resolved_at IS NULL AND seen = 0",
        )
    }

    fn count(&self, sql: &str) -> Result<u64, HistoryError> {
        self.with_conn(|conn| {
            let count: i64 = conn.prepare_cached(sql)?.query_row([], |r| r.get(0))?;
            Ok(u64::try_from(count).unwrap_or(0))
        })
    }
}

/// The SQL and parameters for one page. Built from fixed fragments only; everything the user
/// typed goes in as a parameter.
pub(crate) fn page_sql(
    query: &CallQuery,
    after: Option<PageCursor>,
    rows: usize,
) -> (String, Vec<Value>) {
    let mut sql = format!("SELECT {CALL_COLUMNS} FROM call WHERE 1");
    let mut params: Vec<Value> = Vec::new();

    match query.filter {
        CallFilter::All => {}
        CallFilter::Missed => sql.push_str(" AND outcome = 'missed'"),
        CallFilter::Unresolved => sql.push_str(" AND outcome = 'missed' AND resolved_at IS NULL"),
    }

    let terms = search_text::parse(&query.text);
    if let Some(words) = terms.words_query() {
        sql.push_str(" AND id IN (SELECT rowid FROM call_fts WHERE call_fts MATCH ?)");
        params.push(Value::Text(words));
    }
    for run in &terms.digit_runs {
        if run.chars().count() >= 3 {
            sql.push_str(
                " AND (id IN (SELECT rowid FROM call_digits WHERE call_digits MATCH ?) \
                 OR id IN (SELECT rowid FROM call_fts WHERE call_fts MATCH ?))",
            );
            params.push(Value::Text(exact_phrase(run)));
        } else {
            // Trigrams need three characters; one or two digits are rare searches and a scan
            // of the digit column is quick enough for them.
            sql.push_str(
                " AND (instr(search_digits, ?) > 0 \
                 OR id IN (SELECT rowid FROM call_fts WHERE call_fts MATCH ?))",
            );
            params.push(Value::Text(run.clone()));
        }
        params.push(Value::Text(prefix_phrase(run)));
    }

    if let Some(cursor) = after {
        sql.push_str(" AND started_at <= ? AND (started_at < ? OR id < ?)");
        params.push(Value::Integer(cursor.started_at_ms));
        params.push(Value::Integer(cursor.started_at_ms));
        params.push(Value::Integer(cursor.id.0));
    }

    sql.push_str(" ORDER BY started_at DESC, id DESC LIMIT ?");
    params.push(Value::Integer(i64::try_from(rows).unwrap_or(i64::MAX)));
    (sql, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan SQLite picks for a page: the newest-first list must walk a start-time index,
    /// not sort the table, so the first page stays instant at 100,000 calls.
    fn plan(history: &History, query: &CallQuery) -> String {
        let cursor = PageCursor {
            started_at_ms: 5,
            id: CallId(3),
        };
        let (sql, params) = page_sql(query, Some(cursor), 51);
        history
            .with_conn(|conn| {
                let mut statement = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
                let rows = statement
                    .query_map(rusqlite::params_from_iter(params), |r| {
                        r.get::<_, String>(3)
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(rows.join("\n"))
            })
            .expect("plan")
    }

    #[test]
    fn pages_walk_an_index_instead_of_sorting() {
        let dir = tempfile::tempdir().expect("tempdir");
        let history = History::open(dir.path().join("h.sqlite3")).expect("open");
        for (filter, index) in [
            (CallFilter::All, "call_started"),
            (CallFilter::Missed, "call_missed"),
            (CallFilter::Unresolved, "call_unresolved"),
        ] {
            let plan = plan(&history, &CallQuery::filtered(filter));
            assert!(plan.contains(index), "{filter:?}: {plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{filter:?}: {plan}");
        }
    }
}
