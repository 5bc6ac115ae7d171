//! Everything that can go wrong with the call history, in words a desk worker can act on.
//!
//! The history never deletes or rewrites a file it does not recognise: every refusal below
//! leaves the file exactly as it was, and says so. Messages name the file (its path is not a
//! secret) but never a caller's number, name or note.

use crate::call_record::CallId;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("callpop cannot tell where to keep the call history: this account has no data folder. Set HOME (or XDG_DATA_HOME) and start callpop again.")]
    NoDataDir,

    #[error("callpop could not create the folder {path} for the call history: {source}. Check that the folder can be created by your user.")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("The call history {path} was written by a newer callpop (history format {found}; this callpop knows up to {known}). Update callpop. The file was left untouched.")]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },

    #[error("{path} is not a callpop call history (it is an SQLite database of another program). callpop left it untouched; move it away or point callpop at another file.")]
    ForeignDatabase { path: PathBuf },

    #[error("{path} is not a call history database (it is not an SQLite file, or it is encrypted). callpop left it untouched; move it away and callpop starts a new history.")]
    NotADatabase { path: PathBuf },

    #[error("The call history {path} is damaged. callpop left it untouched; move it away (keep a copy if the calls matter) and callpop starts a new history.")]
    Corrupt { path: PathBuf },

    #[error("The disk holding the call history {path} is full, so calls are not being recorded. Free some space; recording resumes by itself.")]
    DiskFull { path: PathBuf },

    #[error("callpop may not write the call history {path} (read-only file, folder or disk). Check the file's permissions.")]
    ReadOnly { path: PathBuf },

    #[error("callpop cannot open the call history {path}. Check that the folder exists and your user may read and write it.")]
    CannotOpen { path: PathBuf },

    #[error("The call history {path} is locked by another program. Close other copies of callpop or database tools using it.")]
    Busy { path: PathBuf },

    #[error("Call {0} is not in the history (it may have been deleted).")]
    NotFound(CallId),

    #[error(
        "A call event without {0} cannot be recorded: it could not be told apart from other calls."
    )]
    IncompleteKey(&'static str),

    #[error("Writing the export failed: {0}. Check that the target folder exists, is writable and has free space.")]
    Export(#[source] csv::Error),

    #[error("The call history {path} could not be read or written ({source}).")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
}

impl HistoryError {
    /// Turns an SQLite error into the variant a person can act on.
    pub(crate) fn from_sqlite(path: &std::path::Path, error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        let path = path.to_path_buf();
        let code = match &error {
            rusqlite::Error::SqliteFailure(failure, _) => failure.code,
            _ => {
                return HistoryError::Sqlite {
                    path,
                    source: error,
                }
            }
        };
        match code {
            ErrorCode::DiskFull => HistoryError::DiskFull { path },
            ErrorCode::NotADatabase => HistoryError::NotADatabase { path },
            ErrorCode::DatabaseCorrupt => HistoryError::Corrupt { path },
            ErrorCode::ReadOnly | ErrorCode::PermissionDenied => HistoryError::ReadOnly { path },
            ErrorCode::CannotOpen => HistoryError::CannotOpen { path },
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => HistoryError::Busy { path },
            _ => HistoryError::Sqlite {
                path,
                source: error,
            },
        }
    }
}

/// What a store operation can fail with before the path is attached: lets the operations use
/// `?` on both SQLite calls and the history's own errors.
pub(crate) enum Failure {
    Sqlite(rusqlite::Error),
    History(HistoryError),
}

impl From<rusqlite::Error> for Failure {
    fn from(error: rusqlite::Error) -> Self {
        Failure::Sqlite(error)
    }
}

impl From<HistoryError> for Failure {
    fn from(error: HistoryError) -> Self {
        Failure::History(error)
    }
}

impl Failure {
    pub(crate) fn at(self, path: &std::path::Path) -> HistoryError {
        match self {
            Failure::Sqlite(error) => HistoryError::from_sqlite(path, error),
            Failure::History(error) => error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::{Connection, OpenFlags};

    #[test]
    fn a_full_disk_is_reported_as_such() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("h.sqlite3");
        let conn = Connection::open(&path).expect("open");
        // A page limit makes SQLite answer exactly as it does on a full disk (SQLITE_FULL).
        conn.execute_batch("CREATE TABLE t (x); PRAGMA max_page_count = 3;")
            .expect("setup");
        let error = (0..1000)
            .find_map(|_| {
                conn.execute("INSERT INTO t VALUES (randomblob(1000))", [])
                    .err()
            })
            .expect("the page limit is reached");
        let error = HistoryError::from_sqlite(&path, error);
        assert!(matches!(error, HistoryError::DiskFull { .. }), "{error:?}");
        assert!(error.to_string().contains("Free some space"));
    }

    #[test]
    fn a_read_only_file_is_reported_as_such() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("h.sqlite3");
        Connection::open(&path)
            .expect("open")
            .execute_batch("CREATE TABLE t (x);")
            .expect("setup");
        let conn = Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("open read-only");
        let error = conn
            .execute("INSERT INTO t VALUES (1)", [])
            .expect_err("read-only");
        let error = HistoryError::from_sqlite(&path, error);
        assert!(matches!(error, HistoryError::ReadOnly { .. }), "{error:?}");
    }
}
