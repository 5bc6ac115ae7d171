//! The history file: opening it safely and sharing one connection between threads.
//!
//! One SQLite connection behind a mutex. Every call takes the lock for one short statement or
//! transaction (well under a millisecond to a few milliseconds on 100,000 calls, see
//! BENCHMARK.md) and returns; nothing holds it across an await or a user action. Because a
//! call blocks the thread for that long, async code should call the history from
//! `tokio::task::spawn_blocking`. Long reads (CSV export) take the lock page by page so
//! recording never waits behind them.
//!
//! Durability: WAL journal with `synchronous = NORMAL`. Every event is one transaction, so a
//! kill at any moment leaves each call exactly as it was before or after an event, never in
//! between; a power cut may lose the last events before it, but never corrupts the file.

use crate::error::{Failure, HistoryError};
use crate::schema::{self, Recognised};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// How long a statement waits for another connection (another callpop, a database tool) to
/// finish writing before giving up with [`HistoryError::Busy`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The call history. `Send + Sync`: share it in an `Arc` between the threads that record and
/// the commands that read.
pub struct History {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History").field("path", &self.path).finish()
    }
}

/// Where callpop keeps the history by default: `$XDG_DATA_HOME/callpop/history.sqlite3`
/// (usually `~/.local/share/callpop/history.sqlite3`).
pub fn default_path() -> Result<PathBuf, HistoryError> {
    dirs::data_dir()
        .map(|dir| dir.join("callpop").join("history.sqlite3"))
        .ok_or(HistoryError::NoDataDir)
}

impl History {
    /// Opens the history at `path`, creating the file and its folder if needed and bringing an
    /// older callpop history up to date. Refuses, without changing the file, anything that is
    /// not a callpop history this build can read (see [`HistoryError`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, HistoryError> {
        let path = path.as_ref().to_path_buf();
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|source| HistoryError::CreateDir {
                path: folder.to_path_buf(),
                source,
            })?;
        }
        let conn = open_connection(&path).map_err(|f| f.at(&path))?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
        })
    }

    /// The file this history lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `work` with the connection, turning its errors into ones a person can act on.
    pub(crate) fn with_conn<T>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, Failure>,
    ) -> Result<T, HistoryError> {
        let mut conn = self.lock();
        work(&mut conn).map_err(|f| f.at(&self.path))
    }

    /// A thread that panicked while holding the lock cannot have left a transaction open (the
    /// transaction is rolled back when dropped), so the connection is still good to use.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn open_connection(path: &Path) -> Result<Connection, Failure> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;

    // Identify the file before writing anything to it, not even the journal mode.
    match schema::recognise(&conn)? {
        Recognised::Empty | Recognised::Version(_) => {}
        Recognised::Newer(found) => {
            return Err(HistoryError::NewerSchema {
                path: path.to_path_buf(),
                found,
                known: schema::LATEST_VERSION,
            }
            .into())
        }
        Recognised::Foreign => {
            return Err(HistoryError::ForeignDatabase {
                path: path.to_path_buf(),
            }
            .into())
        }
    }

    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        // Some network file systems cannot share memory for WAL; the history still works,
        // with writers blocking readers.
        tracing::warn!(journal_mode = %mode, "the call history could not switch to WAL");
    }
    conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
    let found = schema::migrate(&mut conn)?;
    if found < schema::LATEST_VERSION {
        tracing::info!(
            from = found,
            to = schema::LATEST_VERSION,
            "call history ready"
        );
    }
    Ok(conn)
}

/// This computer's clock in unix milliseconds: the time rows are written and changed.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_can_be_shared_between_threads() {
        fn shared<T: Send + Sync>() {}
        shared::<History>();
    }

    #[test]
    fn the_default_path_is_in_the_data_folder() {
        if let Ok(path) = default_path() {
            assert!(path.ends_with("callpop/history.sqlite3"));
        }
    }
}
