//! Opening history files: new ones are created, anything callpop does not recognise is refused
//! without a single byte changed.

mod common;

use callpop_history::{CallQuery, History, HistoryError, Outcome, Step, SCHEMA_VERSION};
use common::TestCall;
use rusqlite::Connection;
use std::path::Path;

fn pragma(path: &Path, name: &str) -> String {
    let conn = Connection::open(path).expect("raw open");
    conn.query_row(&format!("PRAGMA {name}"), [], |r| {
        r.get::<_, rusqlite::types::Value>(0)
    })
    .map(|v| format!("{v:?}"))
    .expect("pragma")
}

#[test]
fn a_new_history_is_created_with_its_folder_in_wal_mode_at_the_current_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("not/yet/there/history.sqlite3");
    let history = History::open(&path).expect("open");
    assert_eq!(history.path(), path);
    drop(history);
    assert_eq!(
        pragma(&path, "user_version"),
        format!("Integer({SCHEMA_VERSION})")
    );
    assert_eq!(pragma(&path, "journal_mode"), "Text(\"wal\")");
    assert_eq!(pragma(&path, "application_id"), "Integer(1129336656)");
}

#[test]
fn calls_are_still_there_after_reopening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("history.sqlite3");
    let id = {
        let history = History::open(&path).expect("open");
        TestCall::incoming("1", "+1 416 555 0123")
            .named("Zoë")
            .record(
                &history,
                &[(1, Step::Ringing), (2, Step::Ended(Outcome::Missed))],
            )
    };
    let history = History::open(&path).expect("reopen");
    let call = history.get(id).expect("get").expect("kept");
    assert_eq!(call.name, "Zoë");
    assert_eq!(history.unresolved_missed_count().expect("count"), 1);
    assert_eq!(
        history
            .list(&CallQuery::search("zoe"), None, 10)
            .expect("search")
            .calls
            .len(),
        1
    );
}

#[test]
fn an_empty_file_becomes_a_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("history.sqlite3");
    std::fs::write(&path, b"").expect("touch");
    History::open(&path).expect("an empty file is a new database");
}

#[test]
fn a_history_from_a_newer_callpop_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("history.sqlite3");
    drop(History::open(&path).expect("create"));
    {
        let conn = Connection::open(&path).expect("raw");
        conn.execute_batch(&format!(
            "PRAGMA user_version = {}; CREATE TABLE call_v2_extra (x);",
            SCHEMA_VERSION + 1
        ))
        .expect("pretend newer");
    }
    let before = std::fs::read(&path).expect("read");

    let error = History::open(&path).expect_err("refused");
    match &error {
        HistoryError::NewerSchema { found, known, .. } => {
            assert_eq!((*found, *known), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.contains("newer callpop") && message.contains("untouched"),
        "{message}"
    );
    assert!(message.contains(&path.display().to_string()), "{message}");
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "not a byte changed"
    );
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("history.sqlite3");
    {
        let conn = Connection::open(&path).expect("raw");
        conn.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);")
            .expect("someone else's data");
    }
    let before = std::fs::read(&path).expect("read");
    let error = History::open(&path).expect_err("refused");
    assert!(
        matches!(error, HistoryError::ForeignDatabase { .. }),
        "{error:?}"
    );
    assert_eq!(std::fs::read(&path).expect("read"), before);
    assert_eq!(
        pragma(&path, "journal_mode"),
        "Text(\"delete\")",
        "journal mode untouched"
    );

    // The same with another program's application id and version but no tables.
    let other = dir.path().join("other.sqlite3");
    {
        let conn = Connection::open(&other).expect("raw");
        conn.execute_batch("PRAGMA application_id = 42; PRAGMA user_version = 1;")
            .expect("other app");
    }
    let error = History::open(&other).expect_err("refused");
    assert!(
        matches!(error, HistoryError::ForeignDatabase { .. }),
        "{error:?}"
    );
}

#[test]
fn a_file_that_is_not_a_database_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("history.sqlite3");
    let text = "These are my notes, not a database.\n".repeat(200);
    std::fs::write(&path, &text).expect("write");
    let error = History::open(&path).expect_err("refused");
    assert!(
        matches!(error, HistoryError::NotADatabase { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("untouched"));
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);
}

#[test]
fn a_folder_in_place_of_the_file_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let error = History::open(dir.path()).expect_err("a folder is not a file");
    assert!(
        matches!(error, HistoryError::CannotOpen { .. }),
        "{error:?}"
    );
}
