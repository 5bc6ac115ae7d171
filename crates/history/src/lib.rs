//! callpop-history: every call in SQLite, and missed calls until somebody deals with them.
//!
//! Users complain most about missed calls they never see, so the history keeps every call the
//! phone reports, survives being killed at any moment, and keeps a missed call on the tray
//! badge until the user calls back, answers that caller's next call, or marks it done.
//!
//! How the desktop glue uses it:
//! 1. At start: [`History::open`] at [`default_path`], then [`History::close_unfinished`] once
//!    (calls a previous run never saw end).
//! 2. For every call event of the phone core: [`History::record`] with an [`Observed`]. When
//!    it reports `changed`, refresh the views and [`History::unresolved_missed_count`].
//! 3. When caller lookup answers: [`History::set_contact`].
//! 4. The main window: [`History::list`] (search, filters, keyset paging), [`History::get`],
//!    [`History::set_note`], [`History::mark_seen`], [`History::mark_resolved`],
//!    [`History::delete`], [`History::export_csv`].
//!
//! Every method blocks the calling thread briefly (one SQLite transaction); from async code
//! call it inside `spawn_blocking`. [`History`] is `Send + Sync`.

mod call_record;
mod call_row;
mod error;
mod event;
mod export;
mod iso_time;
mod lifecycle;
mod page_sql;
mod query;
mod recording;
mod resolution;
mod schema;
mod search_text;
mod store;
mod user_actions;

pub use call_record::{CallId, CallRecord, CallState, ContactMatch, Resolution, ResolvedHow};
pub use error::HistoryError;
pub use event::{CallKey, Direction, Observed, Outcome, Step};
pub use query::{CallFilter, CallPage, CallQuery, PageCursor, MAX_PAGE_SIZE};
pub use recording::Recorded;
pub use store::{default_path, History};

/// The schema version this build reads and writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = schema::LATEST_VERSION;
