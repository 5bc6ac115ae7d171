//! The history's tables, and how a file is recognised and brought up to date.
//!
//! Versioning: `PRAGMA user_version` holds the schema version, `PRAGMA application_id` marks
//! the file as callpop's. A file is only ever changed when it is recognised: a fresh empty
//! file, or a callpop history of a version this build knows. A newer version, another
//! program's database or a file that is not SQLite at all is refused before anything is
//! written (not even the journal mode), so a downgrade or a wrong path never destroys data.
//! Each migration runs in one transaction together with the version bump, so a kill during
//! a migration leaves the old version intact.
//!
//! Differences from the proposed schema (docs/reference `history-schema.sql`), and why:
//! - `source_call_id` is NOT NULL: SQLite treats NULLs as distinct in UNIQUE, so a NULL id
//!   would let every replayed event add a row.
//! - `direction` also allows `unknown`: a call first seen connected has no known direction,
//!   and guessing would make callbacks resolve the wrong missed calls.
//! - `held_since` (a hold in progress) and `last_event_at` (newest applied event): hold time
//!   is summed across events, and a call cut off by a crash is closed at `last_event_at`.
//! - `interrupted`: the call was closed at start-up, its end and outcome are a guess.
//! - `resolution` says how a missed call was resolved (callback, answered later, by hand);
//!   `resolved_by` alone cannot tell "by hand" from "by a call since deleted", and
//!   `resolved_by` is `ON DELETE SET NULL` so deleting a call never reopens a missed one.
//! - `seen` is set to 0 when a call becomes missed (the proposed default of 1 stays for all
//!   other calls).
//! - `search_digits`: every digit of the number, E.164 and match key without separators,
//!   indexed by a second FTS5 table with the trigram tokenizer, so "5550123" finds
//!   "+1 (416) 555-0123". The word index splits numbers at spaces and dashes and matches only
//!   word prefixes, which cannot find digits in the middle of a number.
//! - CHECK constraints state the lifecycle's invariants, so no statement can ever leave a
//!   half-finished call (ended without an end time, resolved but not missed, …).
//! - Indexes follow the queries: newest first (keyset paging), missed and unresolved missed
//!   as partial indexes (badge count and filters stay small), calls per match key (missed-call
//!   resolution), unfinished calls (start-up).
//! - FTS triggers fire only when an indexed column really changes: most events only move the
//!   call's state and should not rewrite the search index.
//! - The word index reads through a view that folds "ё" to "е" (unicode61 removes diacritics
//!   from Latin letters only, and Russian writers use "е" for "ё" freely); searches fold the
//!   same way. Reading through a view keeps FTS5's `rebuild` and `integrity-check` exact.
//! - The `contact`/`contact_phone`/`source_state` tables belong to the contacts crate.

use rusqlite::Connection;

/// The schema version this build writes.
pub(crate) const LATEST_VERSION: i64 = 1;

/// `PRAGMA application_id`: "CPOP" in ASCII, so a callpop history is told apart from any
/// other SQLite file.
pub(crate) const APPLICATION_ID: i64 = 0x4350_4F50;

/// Version 1: the call table, its indexes and the two search indexes.
const V1: &str = r#"
CREATE TABLE call (
  id              INTEGER PRIMARY KEY,
  source          TEXT NOT NULL,
  device_id       TEXT NOT NULL,
  source_call_id  TEXT NOT NULL,
  line            INTEGER,
  direction       TEXT NOT NULL CHECK (direction IN ('in','out','unknown')),
  outcome         TEXT NOT NULL CHECK (outcome IN ('ringing','active','answered','missed','rejected','busy','failed','cancelled','answered_elsewhere')),
  remote_number   TEXT NOT NULL DEFAULT '',
  remote_e164     TEXT,
  match_key       TEXT,
  remote_name     TEXT NOT NULL DEFAULT '',
  contact_name    TEXT,
  contact_source  TEXT,
  contact_ref     TEXT,
  search_digits   TEXT NOT NULL DEFAULT '',
  started_at      INTEGER NOT NULL,
  answered_at     INTEGER,
  ended_at        INTEGER,
  held_ms         INTEGER NOT NULL DEFAULT 0 CHECK (held_ms >= 0),
  held_since      INTEGER,
  last_event_at   INTEGER NOT NULL,
  interrupted     INTEGER NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1)),
  seen            INTEGER NOT NULL DEFAULT 1 CHECK (seen IN (0, 1)),
  resolved_at     INTEGER,
  resolved_by     INTEGER REFERENCES call(id) ON DELETE SET NULL,
  resolution      TEXT CHECK (resolution IN ('callback','answered_later','manual')),
  note            TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (source, device_id, source_call_id),
  CHECK ((ended_at IS NULL) = (outcome IN ('ringing','active'))),
  CHECK (outcome <> 'active' OR answered_at IS NOT NULL),
  CHECK (answered_at IS NULL OR answered_at >= started_at),
  CHECK (ended_at IS NULL OR ended_at >= coalesce(answered_at, started_at)),
  CHECK (held_since IS NULL OR (outcome = 'active' AND held_since >= answered_at)),
  CHECK (last_event_at >= started_at),
  CHECK ((resolved_at IS NULL) = (resolution IS NULL)),
  CHECK (resolved_at IS NULL OR outcome = 'missed'),
  CHECK (resolved_by IS NULL OR resolution IN ('callback','answered_later'))
);
CREATE INDEX call_started     ON call(started_at);
CREATE INDEX call_match       ON call(match_key, started_at) WHERE match_key IS NOT NULL;
CREATE INDEX call_missed      ON call(started_at) WHERE outcome = 'missed';
CREATE INDEX call_unresolved  ON call(started_at) WHERE outcome = 'missed' AND resolved_at IS NULL;
CREATE INDEX call_unfinished  ON call(ended_at) WHERE ended_at IS NULL;
CREATE INDEX call_resolved_by ON call(resolved_by) WHERE resolved_by IS NOT NULL;

-- What the word index sees: the searchable columns with ё folded to е. Russian writes "е"
-- for "ё" all the time, and unicode61 only removes diacritics from Latin letters.
CREATE VIEW call_search AS
  SELECT id, remote_number,
         replace(replace(remote_name, 'ё', 'е'), 'Ё', 'Е') AS remote_name,
         replace(replace(contact_name, 'ё', 'е'), 'Ё', 'Е') AS contact_name,
         replace(replace(note, 'ё', 'е'), 'Ё', 'Е') AS note
  FROM call;
CREATE VIRTUAL TABLE call_fts USING fts5(
  remote_number, remote_name, contact_name, note,
  content = 'call_search', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE call_digits USING fts5(
  search_digits,
  content = 'call', content_rowid = 'id',
  tokenize = 'trigram'
);

-- Index entries are removed with the values they were made from, read through the view while
-- the row still holds them (BEFORE), and added from the view once the row is written (AFTER).
CREATE TRIGGER call_fts_insert AFTER INSERT ON call BEGIN
  INSERT INTO call_fts(rowid, remote_number, remote_name, contact_name, note)
    SELECT id, remote_number, remote_name, contact_name, note FROM call_search WHERE id = new.id;
  INSERT INTO call_digits(rowid, search_digits) VALUES (new.id, new.search_digits);
END;
CREATE TRIGGER call_fts_unindex BEFORE UPDATE OF remote_number, remote_name, contact_name, note ON call
WHEN old.remote_number IS NOT new.remote_number OR old.remote_name IS NOT new.remote_name
  OR old.contact_name IS NOT new.contact_name OR old.note IS NOT new.note
BEGIN
  INSERT INTO call_fts(call_fts, rowid, remote_number, remote_name, contact_name, note)
    SELECT 'delete', id, remote_number, remote_name, contact_name, note FROM call_search WHERE id = old.id;
END;
CREATE TRIGGER call_fts_reindex AFTER UPDATE OF remote_number, remote_name, contact_name, note ON call
WHEN old.remote_number IS NOT new.remote_number OR old.remote_name IS NOT new.remote_name
  OR old.contact_name IS NOT new.contact_name OR old.note IS NOT new.note
BEGIN
  INSERT INTO call_fts(rowid, remote_number, remote_name, contact_name, note)
    SELECT id, remote_number, remote_name, contact_name, note FROM call_search WHERE id = new.id;
END;
CREATE TRIGGER call_digits_update AFTER UPDATE OF search_digits ON call
WHEN old.search_digits IS NOT new.search_digits
BEGIN
  INSERT INTO call_digits(call_digits, rowid, search_digits) VALUES ('delete', old.id, old.search_digits);
  INSERT INTO call_digits(rowid, search_digits) VALUES (new.id, new.search_digits);
END;
CREATE TRIGGER call_fts_delete BEFORE DELETE ON call BEGIN
  INSERT INTO call_fts(call_fts, rowid, remote_number, remote_name, contact_name, note)
    SELECT 'delete', id, remote_number, remote_name, contact_name, note FROM call_search WHERE id = old.id;
  INSERT INTO call_digits(call_digits, rowid, search_digits) VALUES ('delete', old.id, old.search_digits);
END;
"#;

/// The migrations, in order: `MIGRATIONS[n]` takes version `n` to `n + 1`.
const MIGRATIONS: &[&str] = &[V1];

/// What a file turned out to be.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Recognised {
    /// No tables at all: a new file (or one whose creation was cut off before it committed).
    Empty,
    /// A callpop history of this version.
    Version(i64),
    /// A callpop history of a version newer than this build knows.
    Newer(i64),
    /// Some other program's database.
    Foreign,
}

/// Reads what the file is without writing anything.
pub(crate) fn recognise(conn: &Connection) -> rusqlite::Result<Recognised> {
    let application_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
    Ok(match application_id {
        APPLICATION_ID if version > LATEST_VERSION => Recognised::Newer(version),
        APPLICATION_ID => Recognised::Version(version),
        0 if version == 0 && objects == 0 => Recognised::Empty,
        _ => Recognised::Foreign,
    })
}

/// Brings a recognised file to [`LATEST_VERSION`], one migration per version, all in one
/// immediate transaction that re-checks the version (another callpop may have migrated it
/// meanwhile). Returns the version found.
pub(crate) fn migrate(conn: &mut Connection) -> rusqlite::Result<i64> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let start = usize::try_from(found).unwrap_or(usize::MAX);
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(start) {
        tracing::info!(to_version = index + 1, "migrating the call history");
        tx.execute_batch(migration)?;
    }
    if found < LATEST_VERSION {
        tx.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {LATEST_VERSION};"
        ))?;
    }
    tx.commit()?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_migrations_reach_the_latest_version() {
        assert_eq!(MIGRATIONS.len() as i64, LATEST_VERSION);
    }

    #[test]
    fn a_fresh_file_migrates_and_is_then_recognised() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut conn = Connection::open(dir.path().join("h.sqlite3")).expect("open");
        assert_eq!(recognise(&conn).expect("recognise"), Recognised::Empty);
        assert_eq!(migrate(&mut conn).expect("migrate"), 0);
        assert_eq!(
            recognise(&conn).expect("recognise"),
            Recognised::Version(LATEST_VERSION)
        );
        assert_eq!(migrate(&mut conn).expect("again"), LATEST_VERSION);
    }
}
