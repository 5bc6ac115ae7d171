//! The local contact cache: one SQLite file holding every contact from files and CardDAV, so
//! a ringing call is matched with two index lookups, offline, in well under a millisecond.
//!
//! Tables follow the `contact` / `contact_phone` / `source_state` sketch in the project's
//! history schema. Each number is stored with its E.164 form (when understood) and all its
//! digits reversed: numbers ending in the caller's last digits are then a prefix range over
//! an ordinary index instead of a scan. The dialing rules the keys were made with are kept:
//! when the desk's country changes, every number is keyed again on open.
//!
//! Lookups use their own connection, imports another; with WAL, a big import never blocks a
//! lookup.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use callpop_phone::number::DialingRules;
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::ContactsError;
use crate::model::ParsedContact;
use crate::number_key::{PhoneKey, TAIL_DIGITS};

const SCHEMA_VERSION: i64 = 1;

/// At most this many candidate numbers are read per lookup: more would mean thousands of
/// entries share one number, which no address book has.
const MAX_CANDIDATES: usize = 200;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contact (
  id          INTEGER PRIMARY KEY,
  source      TEXT NOT NULL,
  source_ref  TEXT NOT NULL,
  etag        TEXT,
  display     TEXT NOT NULL,
  org         TEXT,
  raw         BLOB,
  updated_at  INTEGER NOT NULL,
  UNIQUE (source, source_ref)
);
CREATE TABLE IF NOT EXISTS contact_phone (
  contact_id  INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
  raw         TEXT NOT NULL,
  kind        TEXT,
  e164        TEXT,
  digits_rev  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS contact_phone_e164 ON contact_phone(e164);
CREATE INDEX IF NOT EXISTS contact_phone_rev  ON contact_phone(digits_rev);
CREATE INDEX IF NOT EXISTS contact_phone_contact ON contact_phone(contact_id);
CREATE TABLE IF NOT EXISTS source_state (
  source      TEXT PRIMARY KEY,
  sync_token  TEXT,
  ctag        TEXT,
  file_stamp  TEXT,
  last_ok     INTEGER,
  last_error  TEXT
);
";

/// A number in the cache that matches the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StoredHit {
    pub source: String,
    pub reference: String,
    pub name: String,
    pub organization: Option<String>,
    pub raw_number: String,
    pub kind: Option<String>,
}

/// What the cache remembers about syncing one source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct SourceState {
    pub sync_token: Option<String>,
    pub ctag: Option<String>,
    pub file_stamp: Option<String>,
    pub last_ok: Option<i64>,
    pub last_error: Option<String>,
}

/// A CardDAV card to store: its href, etag, parsed contact and the card text.
pub(crate) struct CardUpsert {
    pub href: String,
    pub etag: String,
    pub contact: Option<ParsedContact>,
    pub vcard: String,
}

pub(crate) struct Store {
    path: PathBuf,
    reader: Mutex<Connection>,
    writer: Mutex<Connection>,
}

impl Store {
    /// Opens (creating if needed) the cache, re-keying every number when the dialing rules
    /// differ from those it was built with.
    pub fn open(path: &Path, rules: &DialingRules) -> Result<Self, ContactsError> {
        let err = |e: rusqlite::Error| ContactsError::store(path, e);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| ContactsError::store(path, e))?;
        }
        let writer = Connection::open(path).map_err(err)?;
        writer
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
            )
            .map_err(err)?;
        let version: i64 = writer
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(err)?;
        if version > SCHEMA_VERSION {
            return Err(ContactsError::store(
                path,
                "it was written by a newer callpop",
            ));
        }
        writer.execute_batch(SCHEMA).map_err(err)?;
        writer
            .execute_batch(&format!("PRAGMA user_version = {SCHEMA_VERSION}"))
            .map_err(err)?;

        let reader = Connection::open(path).map_err(err)?;
        reader
            .execute_batch("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;")
            .map_err(err)?;
        let store = Self {
            path: path.to_path_buf(),
            reader: Mutex::new(reader),
            writer: Mutex::new(writer),
        };
        store.rekey_if_rules_changed(rules)?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, e: impl std::fmt::Display) -> ContactsError {
        ContactsError::store(&self.path, e)
    }

    fn reader(&self) -> MutexGuard<'_, Connection> {
        self.reader.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn rekey_if_rules_changed(&self, rules: &DialingRules) -> Result<(), ContactsError> {
        let fingerprint = serde_json::to_string(rules).map_err(|e| self.err(e))?;
        let mut conn = self.writer();
        let stored: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'rules'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.err(e))?;
        if stored.as_deref() == Some(fingerprint.as_str()) {
            return Ok(());
        }
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        {
            let mut select = tx
                .prepare("SELECT rowid, raw FROM contact_phone")
                .map_err(|e| self.err(e))?;
            let rows: Vec<(i64, String)> = select
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(|e| self.err(e))?
                .collect::<Result<_, _>>()
                .map_err(|e| self.err(e))?;
            let mut update = tx
                .prepare("UPDATE contact_phone SET e164 = ?2, digits_rev = ?3 WHERE rowid = ?1")
                .map_err(|e| self.err(e))?;
            let mut delete = tx
                .prepare("DELETE FROM contact_phone WHERE rowid = ?1")
                .map_err(|e| self.err(e))?;
            for (rowid, raw) in rows {
                match PhoneKey::of(&raw, rules) {
                    Some(key) => update.execute(params![rowid, key.e164, key.digits_rev]),
                    None => delete.execute(params![rowid]),
                }
                .map_err(|e| self.err(e))?;
            }
        }
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('rules', ?1)",
            params![fingerprint],
        )
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// Every cached contact with a number that matches `key`: exact E.164 matches first,
    /// then matches on the last digits, each in import order.
    pub fn find(&self, key: &PhoneKey) -> Result<Vec<StoredHit>, ContactsError> {
        let conn = self.reader();
        let mut hits = Vec::new();
        const COLUMNS: &str = "SELECT c.source, c.source_ref, c.display, c.org, p.raw, p.kind, p.e164, p.digits_rev, c.id
             FROM contact_phone p JOIN contact c ON c.id = p.contact_id";
        // Exact E.164 hits (quality 0) rank before hits on the last digits (quality 1).
        let mut collect =
            |quality: u8, sql: &str, args: &[&dyn rusqlite::ToSql]| -> rusqlite::Result<()> {
                let mut stmt = conn.prepare_cached(sql)?;
                let rows = stmt.query_map(args, |r| {
                    Ok((
                        StoredHit {
                            source: r.get(0)?,
                            reference: r.get(1)?,
                            name: r.get(2)?,
                            organization: r.get(3)?,
                            raw_number: r.get(4)?,
                            kind: r.get(5)?,
                        },
                        PhoneKey::from_stored(r.get(6)?, &r.get::<_, String>(7)?),
                        r.get::<_, i64>(8)?,
                    ))
                })?;
                for row in rows {
                    let (hit, stored_key, id) = row?;
                    if stored_key.matches(key) {
                        hits.push(((quality, id), hit));
                    }
                }
                Ok(())
            };
        if let Some(e164) = &key.e164 {
            collect(
                0,
                &format!("{COLUMNS} WHERE p.e164 = ?1 LIMIT {MAX_CANDIDATES}"),
                &[e164],
            )
            .map_err(|e| self.err(e))?;
        }
        let tail_rev: String = key.tail.chars().rev().collect();
        let e164 = key.e164.as_deref();
        if key.tail.len() >= TAIL_DIGITS {
            // Numbers whose digits end in the caller's last 8: a prefix range over the
            // reversed digits (':' sorts right after '9').
            let upper = format!("{tail_rev}:");
            collect(
                1,
                &format!(
                    "{COLUMNS} WHERE p.digits_rev >= ?1 AND p.digits_rev < ?2 AND (?3 IS NULL OR p.e164 IS NULL) LIMIT {MAX_CANDIDATES}"
                ),
                &[&tail_rev, &upper, &e164],
            )
            .map_err(|e| self.err(e))?;
        } else {
            // A short number (an extension) only matches exactly the same digits.
            collect(
                1,
                &format!(
                    "{COLUMNS} WHERE p.digits_rev = ?1 AND (?2 IS NULL OR p.e164 IS NULL) LIMIT {MAX_CANDIDATES}"
                ),
                &[&tail_rev, &e164],
            )
            .map_err(|e| self.err(e))?;
        }
        hits.sort_by_key(|(rank, _)| *rank);
        // One contact once, at its best rank.
        let mut seen = std::collections::HashSet::new();
        hits.retain(|((_, id), _)| seen.insert(*id));
        Ok(hits.into_iter().map(|(_, hit)| hit).collect())
    }

    /// Replaces everything from one source (a file that was re-read) in one transaction.
    /// Returns how many contacts with numbers were stored.
    pub fn replace_source(
        &self,
        source: &str,
        contacts: &[ParsedContact],
        rules: &DialingRules,
        file_stamp: Option<&str>,
    ) -> Result<usize, ContactsError> {
        let mut conn = self.writer();
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        tx.execute("DELETE FROM contact WHERE source = ?1", params![source])
            .map_err(|e| self.err(e))?;
        let now = unix_ms();
        let mut stored = 0;
        {
            let mut insert_contact = tx
                .prepare(
                    "INSERT INTO contact (source, source_ref, display, org, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(|e| self.err(e))?;
            let mut insert_phone = tx
                .prepare(
                    "INSERT INTO contact_phone (contact_id, raw, kind, e164, digits_rev) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(|e| self.err(e))?;
            let mut seen_refs: HashMap<&str, usize> = HashMap::new();
            for contact in contacts {
                let keyed: Vec<_> = contact
                    .phones
                    .iter()
                    .filter_map(|p| PhoneKey::of(&p.raw, rules).map(|k| (p, k)))
                    .collect();
                if keyed.is_empty() {
                    continue;
                }
                // A file may repeat a UID; the second one gets `#2`, and so on.
                let count = seen_refs.entry(contact.reference.as_str()).or_insert(0);
                *count += 1;
                let reference = if *count == 1 {
                    contact.reference.clone()
                } else {
                    format!("{}#{count}", contact.reference)
                };
                insert_contact
                    .execute(params![
                        source,
                        reference,
                        contact.name,
                        contact.organization,
                        now
                    ])
                    .map_err(|e| self.err(e))?;
                let id = tx.last_insert_rowid();
                for (phone, key) in keyed {
                    insert_phone
                        .execute(params![id, phone.raw, phone.kind, key.e164, key.digits_rev])
                        .map_err(|e| self.err(e))?;
                }
                stored += 1;
            }
        }
        tx.execute(
            "INSERT INTO source_state (source, file_stamp, last_ok, last_error) VALUES (?1, ?2, ?3, NULL)
             ON CONFLICT(source) DO UPDATE SET file_stamp = ?2, last_ok = ?3, last_error = NULL",
            params![source, file_stamp, now],
        )
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))?;
        Ok(stored)
    }

    /// href → etag of every card stored for a CardDAV source.
    pub fn etags(&self, source: &str) -> Result<HashMap<String, String>, ContactsError> {
        let conn = self.reader();
        let mut stmt = conn
            .prepare_cached("SELECT source_ref, coalesce(etag, '') FROM contact WHERE source = ?1")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![source], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Applies one CardDAV sync round: changed cards replaced, deleted ones removed, and the
    /// new sync state, all in one transaction so an interrupted sync leaves the old state.
    pub fn apply_card_changes(
        &self,
        source: &str,
        upserts: &[CardUpsert],
        deleted_hrefs: &[String],
        rules: &DialingRules,
        state: &SourceState,
    ) -> Result<(), ContactsError> {
        let mut conn = self.writer();
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        let now = unix_ms();
        {
            let mut delete = tx
                .prepare("DELETE FROM contact WHERE source = ?1 AND source_ref = ?2")
                .map_err(|e| self.err(e))?;
            for href in deleted_hrefs.iter().chain(upserts.iter().map(|u| &u.href)) {
                delete
                    .execute(params![source, href])
                    .map_err(|e| self.err(e))?;
            }
            let mut insert_contact = tx
                .prepare(
                    "INSERT INTO contact (source, source_ref, etag, display, org, raw, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                )
                .map_err(|e| self.err(e))?;
            let mut insert_phone = tx
                .prepare(
                    "INSERT INTO contact_phone (contact_id, raw, kind, e164, digits_rev) VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(|e| self.err(e))?;
            for card in upserts {
                // Cards without a name or number are stored too (display empty), so their
                // etag is known and they are not fetched again on every sync.
                let (name, org) = card
                    .contact
                    .as_ref()
                    .map(|c| (c.name.as_str(), c.organization.as_deref()))
                    .unwrap_or(("", None));
                insert_contact
                    .execute(params![
                        source,
                        card.href,
                        card.etag,
                        name,
                        org,
                        card.vcard.as_bytes(),
                        now
                    ])
                    .map_err(|e| self.err(e))?;
                let id = tx.last_insert_rowid();
                let Some(contact) = card.contact.as_ref() else {
                    continue;
                };
                for phone in &contact.phones {
                    if let Some(key) = PhoneKey::of(&phone.raw, rules) {
                        insert_phone
                            .execute(params![id, phone.raw, phone.kind, key.e164, key.digits_rev])
                            .map_err(|e| self.err(e))?;
                    }
                }
            }
        }
        tx.execute(
            "INSERT INTO source_state (source, sync_token, ctag, last_ok, last_error) VALUES (?1, ?2, ?3, ?4, NULL)
             ON CONFLICT(source) DO UPDATE SET sync_token = ?2, ctag = ?3, last_ok = ?4, last_error = NULL",
            params![source, state.sync_token, state.ctag, now],
        )
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    pub fn state(&self, source: &str) -> Result<SourceState, ContactsError> {
        let conn = self.reader();
        conn.query_row(
            "SELECT sync_token, ctag, file_stamp, last_ok, last_error FROM source_state WHERE source = ?1",
            params![source],
            |r| {
                Ok(SourceState {
                    sync_token: r.get(0)?,
                    ctag: r.get(1)?,
                    file_stamp: r.get(2)?,
                    last_ok: r.get(3)?,
                    last_error: r.get(4)?,
                })
            },
        )
        .optional()
        .map(Option::unwrap_or_default)
        .map_err(|e| self.err(e))
    }

    /// Remembers why the last sync of a source failed (shown on the settings page).
    pub fn record_error(&self, source: &str, error: &str) -> Result<(), ContactsError> {
        self.writer()
            .execute(
                "INSERT INTO source_state (source, last_error) VALUES (?1, ?2)
                 ON CONFLICT(source) DO UPDATE SET last_error = ?2",
                params![source, error],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Drops contacts and state of sources no longer configured.
    pub fn retain_sources(&self, keep: &[String]) -> Result<(), ContactsError> {
        let mut conn = self.writer();
        let tx = conn.transaction().map_err(|e| self.err(e))?;
        let stored: Vec<String> = {
            let mut stmt = tx
                // Every import writes its source's state row, so this lists every source
                // in the cache without scanning the contacts.
                .prepare("SELECT source FROM source_state")
                .map_err(|e| self.err(e))?;
            let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| self.err(e))?;
            rows.collect::<Result<_, _>>().map_err(|e| self.err(e))?
        };
        for source in stored.iter().filter(|s| !keep.contains(s)) {
            tx.execute("DELETE FROM contact WHERE source = ?1", params![source])
                .map_err(|e| self.err(e))?;
            tx.execute(
                "DELETE FROM source_state WHERE source = ?1",
                params![source],
            )
            .map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// How many contacts with a name a source has in the cache.
    pub fn contact_count(&self, source: &str) -> Result<usize, ContactsError> {
        self.reader()
            .query_row(
                "SELECT count(*) FROM contact WHERE source = ?1 AND display <> ''",
                params![source],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| usize::try_from(n).unwrap_or(0))
            .map_err(|e| self.err(e))
    }
}

pub(crate) fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ParsedPhone;

    fn rules(country: &str) -> DialingRules {
        DialingRules {
            country: country.into(),
            ..DialingRules::default()
        }
    }

    fn contact(reference: &str, name: &str, numbers: &[&str]) -> ParsedContact {
        ParsedContact {
            reference: reference.into(),
            name: name.into(),
            organization: None,
            phones: numbers
                .iter()
                .map(|n| ParsedPhone {
                    raw: (*n).into(),
                    kind: None,
                })
                .collect(),
        }
    }

    fn names(store: &Store, number: &str, rules: &DialingRules) -> Vec<String> {
        let key = PhoneKey::of(number, rules).expect("key");
        store
            .find(&key)
            .expect("find")
            .into_iter()
            .map(|h| h.name)
            .collect()
    }

    #[test]
    fn finds_by_e164_and_by_last_digits_but_never_a_different_number() {
        let dir = tempfile::tempdir().expect("tempdir");
        let de = rules("DE");
        let store = Store::open(&dir.path().join("c.sqlite3"), &de).expect("open");
        store
            .replace_source(
                "file:a",
                &[
                    contact("1", "Jane", &["+49 30 123456"]),
                    contact("2", "Short", &["203"]),
                    contact("3", "Other city", &["+49 89 30123456"]),
                    contact("4", "Unparsed", &["(0)0-30-123456 ext"]),
                ],
                &de,
                None,
            )
            .expect("import");
        // The unparsable entry has no E.164 form, so its last 8 digits decide.
        assert_eq!(names(&store, "030123456", &de), ["Jane", "Unparsed"]);
        assert_eq!(names(&store, "004930123456", &de), ["Jane", "Unparsed"]);
        assert_eq!(names(&store, "203", &de), ["Short"]);
        assert!(names(&store, "1203", &de).is_empty());
        assert_eq!(
            names(&store, "+49 89 30123456", &de),
            ["Other city", "Unparsed"]
        );
    }

    #[test]
    fn replacing_a_source_drops_its_old_entries_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let de = rules("DE");
        let store = Store::open(&dir.path().join("c.sqlite3"), &de).expect("open");
        store
            .replace_source("file:a", &[contact("1", "Old", &["030 111111"])], &de, None)
            .expect("a");
        store
            .replace_source("file:b", &[contact("1", "Bee", &["030 222222"])], &de, None)
            .expect("b");
        store
            .replace_source(
                "file:a",
                &[contact("1", "New", &["030 333333"])],
                &de,
                Some("stamp"),
            )
            .expect("a again");
        assert!(names(&store, "030 111111", &de).is_empty());
        assert_eq!(names(&store, "030 333333", &de), ["New"]);
        assert_eq!(names(&store, "030 222222", &de), ["Bee"]);
        assert_eq!(
            store.state("file:a").expect("state").file_stamp.as_deref(),
            Some("stamp")
        );
        store.retain_sources(&["file:a".into()]).expect("retain");
        assert!(names(&store, "030 222222", &de).is_empty());
    }

    #[test]
    fn changing_the_desk_country_rekeys_stored_numbers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("c.sqlite3");
        // "06 12 34 56 78" is a Hessian landline at a German desk, a mobile in France.
        let de = rules("DE");
        let store = Store::open(&path, &de).expect("open");
        store
            .replace_source(
                "file:a",
                &[contact("1", "Local", &["06 12 34 56 78"])],
                &de,
                None,
            )
            .expect("import");
        assert!(names(&store, "+33 6 12 34 56 78", &de).is_empty());
        drop(store);
        let fr = rules("FR");
        let store = Store::open(&path, &fr).expect("reopen");
        assert_eq!(names(&store, "+33 6 12 34 56 78", &fr), ["Local"]);
    }
}
