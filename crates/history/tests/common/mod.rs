//! Shared helpers for the history's integration tests: a history in a temporary folder, and
//! calls that produce events.
#![allow(dead_code)]

use callpop_history::{CallKey, Direction, History, Observed, Step};

/// A fresh history file in its own temporary folder (kept alive by the returned guard).
pub fn fresh_history() -> (tempfile::TempDir, History) {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = History::open(dir.path().join("history.sqlite3")).expect("open history");
    (dir, history)
}

/// A call as a phone would report it; [`TestCall::at`] makes its events.
#[derive(Clone, Debug)]
pub struct TestCall {
    pub key: CallKey,
    pub direction: Direction,
    pub number: String,
    pub e164: Option<String>,
    pub match_key: Option<String>,
    pub name: String,
    pub line: Option<u32>,
}

impl TestCall {
    /// A call with `number`; E.164 and match key are its digits with `+` when it starts with
    /// `+`, else the match key is the plain digits.
    pub fn new(id: &str, direction: Direction, number: &str) -> Self {
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        let e164 = number
            .trim_start()
            .starts_with('+')
            .then(|| format!("+{digits}"));
        let match_key = if digits.is_empty() {
            None
        } else {
            Some(e164.clone().unwrap_or(digits))
        };
        Self {
            key: CallKey::new("demo", "phone-1", id),
            direction,
            number: number.to_owned(),
            e164,
            match_key,
            name: String::new(),
            line: Some(1),
        }
    }

    pub fn incoming(id: &str, number: &str) -> Self {
        Self::new(id, Direction::In, number)
    }

    pub fn outgoing(id: &str, number: &str) -> Self {
        Self::new(id, Direction::Out, number)
    }

    pub fn anonymous(id: &str) -> Self {
        Self::new(id, Direction::In, "")
    }

    pub fn named(mut self, name: &str) -> Self {
        self.name = name.to_owned();
        self
    }

    pub fn event(&self, at_ms: i64, step: Step) -> Observed {
        Observed {
            at_ms,
            key: self.key.clone(),
            line: self.line,
            direction: self.direction,
            step,
            number: self.number.clone(),
            e164: self.e164.clone(),
            match_key: self.match_key.clone(),
            name: self.name.clone(),
        }
    }

    /// Records `steps` at the given times.
    pub fn record(&self, history: &History, steps: &[(i64, Step)]) -> callpop_history::CallId {
        let mut id = None;
        for (at, step) in steps {
            id = Some(history.record(&self.event(*at, *step)).expect("record").id);
        }
        id.expect("at least one step")
    }
}

/// Number of rows in the call table, read directly.
pub fn row_count(history: &History) -> i64 {
    let conn = rusqlite::Connection::open(history.path()).expect("open raw");
    conn.query_row("SELECT count(*) FROM call", [], |r| r.get(0))
        .expect("count")
}

/// Fails unless SQLite's integrity check and both search indexes' own checks pass.
pub fn assert_intact(history: &History) {
    let conn = rusqlite::Connection::open(history.path()).expect("open raw");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(integrity, "ok");
    for index in ["call_fts", "call_digits"] {
        conn.execute_batch(&format!(
            "INSERT INTO {index}({index}) VALUES ('integrity-check')"
        ))
        .unwrap_or_else(|e| panic!("{index} out of step with the calls: {e}"));
    }
}
