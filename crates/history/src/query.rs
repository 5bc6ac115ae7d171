//! "Recent calls": newest first, filtered and searched, a page at a time.
//!
//! Paging is by keyset: a page ends with a [`PageCursor`] (the last call's start time and id)
//! and the next page starts strictly after it in (started_at DESC, id DESC) order. Unlike
//! OFFSET, this reads only the rows it returns however deep the user scrolls, and calls that
//! arrive meanwhile do not shift the pages. How a page is found is in `page_sql`.

use crate::call_record::{CallId, CallRecord};
use crate::call_row::{call_from_row, CALL_COLUMNS};
use crate::error::HistoryError;
use crate::page_sql::page_sql;
use crate::store::History;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

/// The most calls one page returns; larger requests get this many.
pub const MAX_PAGE_SIZE: usize = 1000;

/// Which calls to list. From JSON, missing fields mean "all calls, no search".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
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
        let mut calls = self.with_conn(|conn| {
            let (sql, params) = page_sql(conn, query, after, limit + 1)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_from_the_ui_may_leave_fields_out() {
        let query: CallQuery = serde_json::from_str(r#"{"filter":"unresolved"}"#).expect("json");
        assert_eq!(query, CallQuery::filtered(CallFilter::Unresolved));
        let query: CallQuery = serde_json::from_str(r#"{"text":"Zoë"}"#).expect("json");
        assert_eq!(query, CallQuery::search("Zoë"));
        let cursor: PageCursor =
            serde_json::from_str(r#"{"started_at_ms":5,"id":7}"#).expect("json");
        assert_eq!(cursor.id, CallId(7));
    }
}
