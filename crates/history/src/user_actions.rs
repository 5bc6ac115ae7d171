//! What the user (or caller lookup) changes on recorded calls: notes, contacts, seen, done,
//! delete.
//!
//! Seen and resolved are different things on purpose:
//! - **seen** ([`History::mark_seen`]): the user has had the missed call in front of them
//!   (the glue passes the ids the list showed when it was opened). It only stops the "new"
//!   highlight; the call still needs a callback.
//! - **resolved** ([`History::mark_resolved`], or automatically by a callback or a later
//!   answered call, see the `resolution` module): nobody needs to act on it any more. Only
//!   this lowers the tray badge ([`History::unresolved_missed_count`]).

use crate::call_record::{CallId, ContactMatch};
use crate::error::{Failure, HistoryError};
use crate::store::{now_ms, History};
use rusqlite::{named_params, TransactionBehavior};

impl History {
    /// Replaces the call's note (searchable). Empty clears it.
    pub fn set_note(&self, id: CallId, note: &str) -> Result<(), HistoryError> {
        self.with_conn(|conn| {
            let changed = conn
                .prepare_cached("UPDATE call SET note = :note, updated_at = :now WHERE id = :id")?
                .execute(named_params! { ":note": note, ":now": now_ms(), ":id": id.0 })?;
            found(changed, id)
        })
    }

    /// Stores the contact caller lookup found for the call (it answers after the call started
    /// ringing), or clears it with `None`. The contact name becomes searchable.
    pub fn set_contact(
        &self,
        id: CallId,
        contact: Option<&ContactMatch>,
    ) -> Result<(), HistoryError> {
        self.with_conn(|conn| {
            let changed = conn
                .prepare_cached(
                    "UPDATE call SET contact_name = :name, contact_source = :source, \
                     contact_ref = :reference, updated_at = :now WHERE id = :id",
                )?
                .execute(named_params! {
                    ":name": contact.map(|c| &c.name),
                    ":source": contact.map(|c| &c.source),
                    ":reference": contact.and_then(|c| c.reference.as_ref()),
                    ":now": now_ms(),
                    ":id": id.0,
                })?;
            found(changed, id)
        })
    }

    /// Marks calls as seen by the user. Ids that do not exist are skipped. Returns how many
    /// calls changed.
    pub fn mark_seen(&self, ids: &[CallId]) -> Result<usize, HistoryError> {
        self.for_each_id(
            ids,
            "UPDATE call SET seen = 1, updated_at = :now WHERE id = :id AND seen = 0",
        )
    }

    /// Marks missed calls as dealt with by hand (the only way for a call without a number).
    /// Calls that are not missed, or already resolved, are left as they are. Returns how many
    /// calls changed.
    pub fn mark_resolved(&self, ids: &[CallId]) -> Result<usize, HistoryError> {
        self.for_each_id(
            ids,
            "UPDATE call SET resolved_at = :now, resolved_by = NULL, resolution = 'manual', \
             updated_at = :now WHERE id = :id AND outcome = 'missed' AND resolved_at IS NULL",
        )
    }

    /// Deletes calls for good. Missed calls they had resolved stay resolved (the resolving
    /// call is then shown as unknown). Returns how many calls were deleted.
    pub fn delete(&self, ids: &[CallId]) -> Result<usize, HistoryError> {
        self.for_each_id(ids, "DELETE FROM call WHERE id = :id")
    }

    /// Runs one statement per id in a single transaction; `:now` is bound when it is used.
    fn for_each_id(&self, ids: &[CallId], sql: &str) -> Result<usize, HistoryError> {
        self.with_conn(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let now = now_ms();
            let mut changed = 0;
            {
                let mut statement = tx.prepare_cached(sql)?;
                let uses_now = statement.parameter_index(":now")?.is_some();
                for id in ids {
                    changed += if uses_now {
                        statement.execute(named_params! { ":now": now, ":id": id.0 })?
                    } else {
                        statement.execute(named_params! { ":id": id.0 })?
                    };
                }
            }
            tx.commit()?;
            Ok(changed)
        })
    }
}

fn found(changed: usize, id: CallId) -> Result<(), Failure> {
    if changed == 0 {
        Err(HistoryError::NotFound(id).into())
    } else {
        Ok(())
    }
}
