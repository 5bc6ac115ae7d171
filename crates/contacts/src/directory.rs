//! The caller lookup the app calls when a call rings, and the syncing that keeps the local
//! cache current.
//!
//! A lookup never delays the call window: the app shows the call at once and awaits
//! [`Directory::lookup`] beside it; the name arrives within the deadline (500 ms by default)
//! or not at all. Files and CardDAV are matched in the local cache (two index lookups), LDAP
//! and the CRM are queried in parallel, each in its own task with its own timeout. A remote
//! answer that comes after the deadline is still cached, so the next ring of that number
//! gets it at once.
//!
//! **Priority.** Sources count in the order of [`ContactsSettings::sources`]: the result is
//! the first source in that order that knows the number. A remote source listed after a
//! source that already matched locally is not even asked. When the deadline passes while a
//! higher-priority remote source is still busy, the best answer so far is returned. Within
//! one source, an exact E.164 match beats a match on the last digits, then the first entry
//! (file order, DN order) wins.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use callpop_phone::number::DialingRules;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::carddav::{CardDavClient, CardDavSyncReport};
use crate::crm::CrmLookup;
use crate::error::ContactsError;
use crate::files::refresh_file;
use crate::ldap::LdapLookup;
use crate::model::CallerMatch;
use crate::number_key::PhoneKey;
use crate::remote_cache::{Cached, Pending, RemoteCache};
use crate::secret::Secrets;
use crate::settings::{ContactsSettings, FileSourceSettings, SourceSettings};
use crate::store::Store;

/// The file name of the local cache in the app's data directory.
pub const STORE_FILE_NAME: &str = "contacts.sqlite3";

/// Where the local cache lives by default: `$XDG_DATA_HOME/callpop/contacts.sqlite3`
/// (`~/.local/share/callpop/…` on Linux).
pub fn default_store_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("callpop").join(STORE_FILE_NAME))
}

/// How one source is doing, for the settings page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceStatus {
    /// `vcard:office.vcf`, `carddav:Work`, `ldap`, `crm`.
    pub label: String,
    /// `file`, `carddav`, `ldap` or `crm`.
    pub kind: &'static str,
    pub enabled: bool,
    /// Contacts in the local cache (files and CardDAV).
    pub contacts: Option<usize>,
    /// When the source last synced (files, CardDAV) or answered (LDAP, CRM) without error.
    pub last_ok: Option<SystemTime>,
    /// Why the last sync or query failed, when it did. Cleared by the next success.
    pub last_error: Option<String>,
}

/// What a sync did for one source.
#[derive(Debug)]
pub enum SyncOutcome {
    /// The file or address book had not changed.
    Unchanged,
    /// A file was read again.
    FileImported {
        contacts: usize,
    },
    /// An address book was synced.
    CardDav(CardDavSyncReport),
    Failed(ContactsError),
}

/// The result of [`Directory::sync`], one entry per file or CardDAV source.
#[derive(Debug)]
pub struct SourceSync {
    pub label: String,
    pub outcome: SyncOutcome,
}

enum Backend {
    File(FileSourceSettings),
    CardDav(Arc<CardDavClient>),
    Ldap(Arc<LdapLookup>),
    Crm(Arc<CrmLookup>),
    /// Misconfigured (bad address, missing password): skipped, its error shown in status.
    Unusable,
}

struct Source {
    label: String,
    store_key: String,
    kind: &'static str,
    enabled: bool,
    backend: Backend,
}

impl Source {
    /// Files and CardDAV: answered from the local cache.
    fn is_local(&self) -> bool {
        matches!(self.kind, "file" | "carddav")
    }
}

#[derive(Default)]
struct RemoteHealth {
    last_ok: Option<SystemTime>,
    last_error: Option<String>,
}

struct Inner {
    rules: DialingRules,
    settings: ContactsSettings,
    store: Arc<Store>,
    sources: Vec<Source>,
    cache: RemoteCache,
    /// Setup errors and the last query error of each source, by index.
    health: Mutex<HashMap<usize, RemoteHealth>>,
    /// One file refresh and one CardDAV sync at a time (the background loop and a "Sync
    /// now" button); separate so a slow server does not hold up file changes.
    file_lock: tokio::sync::Mutex<()>,
    carddav_lock: tokio::sync::Mutex<()>,
}

/// The caller lookup. Cheap to clone; clones share the cache and the sources.
#[derive(Clone)]
pub struct Directory {
    inner: Arc<Inner>,
}

/// The state of one source during a lookup.
#[derive(Clone)]
enum Answer {
    Pending,
    Done(Option<CallerMatch>),
}

impl Directory {
    /// Opens the local cache at `store_path` (see [`default_store_path`]) and prepares the
    /// configured sources. A source that cannot be used (bad address, password missing from
    /// `secrets`) is skipped and reported by [`Directory::source_status`]; only a cache that
    /// cannot be opened is an error.
    pub async fn open(
        settings: &ContactsSettings,
        rules: &DialingRules,
        secrets: &Secrets,
        store_path: &Path,
    ) -> Result<Self, ContactsError> {
        let path = store_path.to_path_buf();
        let store_rules = rules.clone();
        let store = tokio::task::spawn_blocking(move || Store::open(&path, &store_rules))
            .await
            .map_err(|e| ContactsError::store(store_path, e))??;

        let mut health = HashMap::new();
        let mut sources = Vec::new();
        for (index, config) in settings.sources.iter().enumerate() {
            let secret = config
                .secret_account()
                .and_then(|account| secrets.get(&account).cloned());
            let built = match config {
                // A switched-off source is not set up, so it reports no errors either.
                _ if !config.enabled() => Ok(Backend::Unusable),
                SourceSettings::File(s) => Ok(Backend::File(s.clone())),
                SourceSettings::CardDav(s) => {
                    CardDavClient::new(s, secret).map(|c| Backend::CardDav(Arc::new(c)))
                }
                SourceSettings::Ldap(s) => {
                    LdapLookup::new(s.clone(), secret).map(|l| Backend::Ldap(Arc::new(l)))
                }
                SourceSettings::Crm(s) => {
                    CrmLookup::new(s.clone(), secret).map(|c| Backend::Crm(Arc::new(c)))
                }
            };
            let backend = match built {
                Ok(backend) => backend,
                Err(err) => {
                    tracing::warn!(source = %config.label(), "contact source unusable: {err}");
                    health.insert(
                        index,
                        RemoteHealth {
                            last_ok: None,
                            last_error: Some(err.to_string()),
                        },
                    );
                    Backend::Unusable
                }
            };
            sources.push(Source {
                label: config.label(),
                store_key: config.store_key(),
                kind: match config {
                    SourceSettings::File(_) => "file",
                    SourceSettings::CardDav(_) => "carddav",
                    SourceSettings::Ldap(_) => "ldap",
                    SourceSettings::Crm(_) => "crm",
                },
                enabled: config.enabled(),
                backend,
            });
        }

        // Contacts of sources no longer configured (or switched off) leave the cache.
        let keep: Vec<String> = sources
            .iter()
            .filter(|s| s.enabled && s.is_local())
            .map(|s| s.store_key.clone())
            .collect();
        let store = Arc::new(store);
        let retain_store = store.clone();
        tokio::task::spawn_blocking(move || retain_store.retain_sources(&keep))
            .await
            .map_err(|e| ContactsError::store(store_path, e))??;

        Ok(Self {
            inner: Arc::new(Inner {
                rules: rules.clone(),
                cache: RemoteCache::new(
                    Duration::from_secs(settings.remote_cache_secs),
                    Duration::from_secs(settings.negative_cache_secs),
                ),
                settings: settings.clone(),
                store,
                sources,
                health: Mutex::new(health),
                file_lock: tokio::sync::Mutex::new(()),
                carddav_lock: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// Who is calling from `number` (as the phone reports it), within the configured
    /// deadline; `None` when no source knows the number in time, or the number has no
    /// digits (`anonymous`).
    pub async fn lookup(&self, number: &str) -> Option<CallerMatch> {
        self.lookup_within(number, self.inner.settings.lookup_deadline())
            .await
    }

    /// [`Directory::lookup`] with an explicit deadline.
    pub async fn lookup_within(&self, number: &str, deadline: Duration) -> Option<CallerMatch> {
        let give_up_at = Instant::now() + deadline;
        let inner = &self.inner;
        let key = PhoneKey::of(number, &inner.rules)?;

        let mut answers: Vec<Answer> = vec![Answer::Done(None); inner.sources.len()];
        // Local sources first: they answer at once and may make remote queries unnecessary.
        let local_hits = match inner.store.find(&key) {
            Ok(hits) => hits,
            Err(err) => {
                tracing::warn!("contact cache lookup failed: {err}");
                Vec::new()
            }
        };
        let mut best_local = inner.sources.len();
        for (index, source) in inner.sources.iter().enumerate() {
            // Cached contacts answer even while their server cannot be synced (for example
            // while the password is missing from the keyring).
            if !source.enabled || !source.is_local() {
                continue;
            }
            if let Some(hit) = local_hits.iter().find(|h| h.source == source.store_key) {
                answers[index] = Answer::Done(Some(CallerMatch {
                    name: hit.name.clone(),
                    organization: hit.organization.clone(),
                    source: source.label.clone(),
                    reference: hit.reference.clone(),
                    matched_number: hit.raw_number.clone(),
                    phone_kind: hit.kind.clone(),
                    link: None,
                }));
                best_local = best_local.min(index);
            }
        }

        // Remote sources ranked above the best local answer are asked (or their cached or
        // running answer used).
        let mut waiting = JoinSet::new();
        for (index, source) in inner.sources.iter().enumerate().take(best_local) {
            if !source.enabled || !matches!(source.backend, Backend::Ldap(_) | Backend::Crm(_)) {
                continue;
            }
            let pending = match inner.cache.begin(index, key.as_match_key()) {
                Cached::Answer(answer) => {
                    answers[index] = Answer::Done(answer);
                    continue;
                }
                Cached::Running(pending) => pending,
                Cached::Start(tx, pending) => {
                    self.start_query(index, number, key.as_match_key(), tx);
                    pending
                }
            };
            answers[index] = Answer::Pending;
            waiting.spawn(wait_for_answer(index, pending));
        }

        loop {
            if let Some(decided) = decide(&answers) {
                return decided;
            }
            match tokio::time::timeout_at(give_up_at, waiting.join_next()).await {
                Ok(Some(Ok((index, answer)))) => answers[index] = Answer::Done(answer),
                Ok(Some(Err(_))) => {}
                // Nothing left to wait for, or the deadline passed: the best answer so far.
                Ok(None) | Err(_) => {
                    return answers.into_iter().find_map(|a| match a {
                        Answer::Done(found) => found,
                        Answer::Pending => None,
                    })
                }
            }
        }
    }

    /// Runs one remote query in its own task, so it can finish (and fill the cache) after
    /// the lookup that started it has given up.
    fn start_query(
        &self,
        index: usize,
        number: &str,
        match_key: &str,
        tx: tokio::sync::watch::Sender<Option<Option<CallerMatch>>>,
    ) {
        let inner = self.inner.clone();
        let number = number.to_owned();
        let match_key = match_key.to_owned();
        tokio::spawn(async move {
            let rules = &inner.rules;
            let result = match &inner.sources[index].backend {
                Backend::Ldap(ldap) => ldap.lookup(&number, rules).await,
                Backend::Crm(crm) => crm.lookup(&number, rules).await,
                _ => Ok(None),
            };
            let failed = result.is_err();
            let answer = match result {
                Ok(answer) => {
                    inner.record_health(index, None);
                    answer
                }
                Err(err) => {
                    tracing::warn!(source = %inner.sources[index].label, "caller lookup failed: {err}");
                    inner.record_health(index, Some(err.to_string()));
                    None
                }
            };
            inner.cache.finish(index, &match_key, answer, failed, &tx);
        });
    }

    /// Re-reads changed files and syncs every CardDAV address book. Safe to call any time;
    /// concurrent calls run one after the other.
    pub async fn sync(&self) -> Vec<SourceSync> {
        let mut results = self.refresh_files().await;
        results.extend(self.sync_carddav().await);
        results
    }

    /// Re-reads the files whose modification time or size changed.
    pub async fn refresh_files(&self) -> Vec<SourceSync> {
        let _one_at_a_time = self.inner.file_lock.lock().await;
        let mut results = Vec::new();
        for source in self.inner.sources.iter().filter(|s| s.enabled) {
            let Backend::File(file) = &source.backend else {
                continue;
            };
            let inner = self.inner.clone();
            let file = file.clone();
            let key = source.store_key.clone();
            let outcome = tokio::task::spawn_blocking(move || {
                let result = refresh_file(&inner.store, &key, &file, &inner.rules);
                if let Err(err) = &result {
                    let _ = inner.store.record_error(&key, &err.to_string());
                }
                result
            })
            .await;
            let outcome = match outcome {
                Ok(Ok(Some(contacts))) => SyncOutcome::FileImported { contacts },
                Ok(Ok(None)) => SyncOutcome::Unchanged,
                Ok(Err(err)) => SyncOutcome::Failed(err),
                Err(join) => {
                    SyncOutcome::Failed(ContactsError::store(self.inner.store.path(), join))
                }
            };
            if let SyncOutcome::Failed(err) = &outcome {
                tracing::warn!(source = %source.label, "contacts file not read: {err}");
            }
            results.push(SourceSync {
                label: source.label.clone(),
                outcome,
            });
        }
        results
    }

    /// Syncs every CardDAV address book into the cache.
    pub async fn sync_carddav(&self) -> Vec<SourceSync> {
        let _one_at_a_time = self.inner.carddav_lock.lock().await;
        let mut results = Vec::new();
        for source in self.inner.sources.iter().filter(|s| s.enabled) {
            let Backend::CardDav(client) = &source.backend else {
                continue;
            };
            let outcome = match client
                .sync(&self.inner.store, &source.store_key, &self.inner.rules)
                .await
            {
                Ok(report) if report.unchanged => SyncOutcome::Unchanged,
                Ok(report) => SyncOutcome::CardDav(report),
                Err(err) => {
                    tracing::warn!(source = %source.label, "address book not synced: {err}");
                    let _ = self
                        .inner
                        .store
                        .record_error(&source.store_key, &err.to_string());
                    SyncOutcome::Failed(err)
                }
            };
            results.push(SourceSync {
                label: source.label.clone(),
                outcome,
            });
        }
        results
    }

    /// Keeps the cache current for as long as the returned task runs: files are checked
    /// every `file_check_secs`, address books synced every `carddav_sync_secs`, both right
    /// away at the start. Abort the handle when the settings change (and open a new
    /// `Directory`).
    pub fn spawn_background_sync(&self) -> tokio::task::JoinHandle<()> {
        let directory = self.clone();
        tokio::spawn(async move {
            let settings = &directory.inner.settings;
            let file_every = Duration::from_secs(settings.file_check_secs.max(1));
            let dav_every = Duration::from_secs(settings.carddav_sync_secs.max(30));
            let mut files = tokio::time::interval(file_every);
            let mut dav = tokio::time::interval(dav_every);
            files.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            dav.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = files.tick() => { directory.refresh_files().await; }
                    _ = dav.tick() => { directory.sync_carddav().await; }
                }
            }
        })
    }

    /// Each configured source with its cached contact count and its last success or error.
    pub fn source_status(&self) -> Vec<SourceStatus> {
        let inner = &self.inner;
        let health = inner.health.lock().unwrap_or_else(|p| p.into_inner());
        inner
            .sources
            .iter()
            .enumerate()
            .map(|(index, source)| {
                let setup_or_query = health.get(&index);
                let local = source.is_local();
                let stored = local
                    .then(|| inner.store.state(&source.store_key).ok())
                    .flatten();
                let last_ok = match &stored {
                    Some(state) => state.last_ok.map(from_unix_ms),
                    None => setup_or_query.and_then(|h| h.last_ok),
                };
                let last_error = setup_or_query
                    .and_then(|h| h.last_error.clone())
                    .or_else(|| stored.as_ref().and_then(|s| s.last_error.clone()));
                SourceStatus {
                    label: source.label.clone(),
                    kind: source.kind,
                    enabled: source.enabled,
                    contacts: local
                        .then(|| inner.store.contact_count(&source.store_key).ok())
                        .flatten(),
                    last_ok,
                    last_error,
                }
            })
            .collect()
    }
}

impl Inner {
    fn record_health(&self, index: usize, error: Option<String>) {
        let mut health = self.health.lock().unwrap_or_else(|p| p.into_inner());
        let entry = health.entry(index).or_default();
        match error {
            None => {
                entry.last_ok = Some(SystemTime::now());
                entry.last_error = None;
            }
            Some(err) => entry.last_error = Some(err),
        }
    }
}

async fn wait_for_answer(index: usize, mut pending: Pending) -> (usize, Option<CallerMatch>) {
    let answer = match pending.wait_for(Option::is_some).await {
        Ok(value) => value.clone().flatten(),
        // The query's task ended without answering.
        Err(_) => None,
    };
    (index, answer)
}

/// The answer once it is certain: the first source in priority order that found the
/// caller, provided every source above it has answered.
fn decide(answers: &[Answer]) -> Option<Option<CallerMatch>> {
    for answer in answers {
        match answer {
            Answer::Pending => return None,
            Answer::Done(Some(found)) => return Some(Some(found.clone())),
            Answer::Done(None) => {}
        }
    }
    Some(None)
}

fn from_unix_ms(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(name: &str) -> Answer {
        Answer::Done(Some(CallerMatch {
            name: name.into(),
            organization: None,
            source: String::new(),
            reference: String::new(),
            matched_number: String::new(),
            phone_kind: None,
            link: None,
        }))
    }

    /// The app spawns lookups and syncs on its runtime and keeps the directory in shared
    /// state: this only has to compile.
    #[allow(dead_code)]
    fn directory_and_its_futures_are_send(directory: &Directory) {
        fn send_sync<T: Send + Sync + 'static>(_: &T) {}
        fn send<T: Send>(_: T) {}
        send_sync(directory);
        send(directory.lookup("030123456"));
        send(directory.sync());
    }

    fn name(decided: Option<Option<CallerMatch>>) -> Option<Option<String>> {
        decided.map(|d| d.map(|m| m.name))
    }

    #[test]
    fn the_first_source_in_priority_order_decides_once_those_above_have_answered() {
        assert_eq!(
            name(decide(&[Answer::Done(None), found("B"), found("C")])),
            Some(Some("B".into()))
        );
        // A busy source above a hit: wait for it.
        assert_eq!(name(decide(&[Answer::Pending, found("B")])), None);
        // A busy source below a hit does not matter.
        assert_eq!(
            name(decide(&[found("A"), Answer::Pending])),
            Some(Some("A".into()))
        );
        assert_eq!(
            name(decide(&[Answer::Done(None), Answer::Done(None)])),
            Some(None)
        );
    }
}
