//! callpop-history: every call in SQLite, and missed calls until somebody deals with them.
//!
//! Users complain most about missed calls they never see, so the history keeps every call the
//! phone reports, survives being killed at any moment, and keeps a missed call on the tray
//! badge until the user calls back, answers that caller's next call, or marks it done.
//!
//! How the desktop glue uses it:
//! 1. At start: [`History::open`] at [`default_path`] (on error, show the message and run
//!    without history: every refusal leaves the file untouched), then
//!    [`History::close_unfinished`] once, before the first event.
//! 2. For every call event of the phone core: [`History::record`] with an [`Observed`]. When
//!    it reports `changed`, refresh the views and [`History::unresolved_missed_count`] (the
//!    tray badge).
//! 3. When caller lookup answers: [`History::set_contact`] with the id `record` returned.
//! 4. The main window: [`History::list`] (search, filters, keyset paging), [`History::get`],
//!    [`History::set_note`], [`History::mark_seen`] (the ids the list showed),
//!    [`History::mark_resolved`], [`History::delete`], [`History::export_csv`].
//!
//! Mapping the phone core's call events (today `callpop_phone::tracker::CallEvent`):
//! - `ringing`, `dialing`, `connected`, `held`, `resumed` → the [`Step`] of the same name;
//!   `missed` → `Step::Ended(Outcome::Missed)`; `ended` → `Step::Ended(Outcome::Answered)`
//!   when the call was answered (or its direction is unknown), else `Outcome::Cancelled`
//!   for an outgoing call (a connected call ends `answered` whatever is passed).
//! - direction `incoming`/`outgoing`/`unknown` → [`Direction`]; line 0 → `None`.
//! - [`CallKey::source_call_id`]: the phone system's own call id where there is one (SIP
//!   Call-ID, AMI Linkedid, xuc linkedId). An id that is new on every run (the Grandstream
//!   tracker's) works, but a call still going across a restart then gets a second row; the
//!   glue can avoid that by looking at [`History::unfinished`] before `close_unfinished` and
//!   reusing a matching call's key.
//! - `number` as shown, `e164` and `match_key` from the core's number rules (without a match
//!   key a missed call can only be resolved by hand), `name` as the phone showed it.
//!
//! Every method blocks the calling thread briefly (one SQLite transaction, well under a
//! millisecond to a few milliseconds at 100,000 calls, see BENCHMARK.md); from async code
//! call it inside `tokio::task::spawn_blocking`. [`History`] is `Send + Sync`: share it in an
//! `Arc`.

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
