//! Answers from LDAP and the CRM, remembered per number so a caller who rings again (or a
//! second lookup for the same ring) does not query the server again.
//!
//! A name is kept for `remote_cache_secs`, "not known" and failures for the shorter
//! `negative_cache_secs`. Queries still running are shared: a second lookup for the same
//! number waits for the first query instead of starting another.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::model::CallerMatch;

/// Entries kept at most; beyond that expired ones are dropped, then everything.
const MAX_ENTRIES: usize = 10_000;

/// A query's answer: `None` while running, then `Some(found or not)`.
pub(crate) type Pending = watch::Receiver<Option<Option<CallerMatch>>>;

/// What a lookup finds for one remote source and number.
pub(crate) enum Cached {
    Answer(Option<CallerMatch>),
    Running(Pending),
    /// Not cached, not running: the caller must start the query and report with
    /// [`RemoteCache::finish`].
    Start(watch::Sender<Option<Option<CallerMatch>>>, Pending),
}

type Key = (usize, String);

struct Entry {
    answer: Option<CallerMatch>,
    expires: Instant,
}

#[derive(Default)]
struct State {
    answers: HashMap<Key, Entry>,
    running: HashMap<Key, Pending>,
}

pub(crate) struct RemoteCache {
    state: Mutex<State>,
    positive: Duration,
    negative: Duration,
}

impl RemoteCache {
    pub fn new(positive: Duration, negative: Duration) -> Self {
        Self {
            state: Mutex::new(State::default()),
            positive,
            negative,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The cached answer, the query already running, or the go-ahead to start one.
    pub fn begin(&self, source: usize, number_key: &str) -> Cached {
        let key = (source, number_key.to_owned());
        let now = Instant::now();
        let mut state = self.state();
        if let Some(entry) = state.answers.get(&key) {
            if entry.expires > now {
                return Cached::Answer(entry.answer.clone());
            }
            state.answers.remove(&key);
        }
        if let Some(running) = state.running.get(&key) {
            // A query whose task ended without an answer (it panicked or was cancelled) is
            // started again rather than waited for forever.
            if running.has_changed().is_ok() {
                return Cached::Running(running.clone());
            }
            state.running.remove(&key);
        }
        let (tx, rx) = watch::channel(None);
        state.running.insert(key, rx.clone());
        Cached::Start(tx, rx)
    }

    /// Records a finished query. `failed` answers are kept only as long as "not known".
    pub fn finish(
        &self,
        source: usize,
        number_key: &str,
        answer: Option<CallerMatch>,
        failed: bool,
        tx: &watch::Sender<Option<Option<CallerMatch>>>,
    ) {
        let key = (source, number_key.to_owned());
        let ttl = if answer.is_some() && !failed {
            self.positive
        } else {
            self.negative
        };
        let now = Instant::now();
        {
            let mut state = self.state();
            state.running.remove(&key);
            if state.answers.len() >= MAX_ENTRIES {
                state.answers.retain(|_, e| e.expires > now);
                if state.answers.len() >= MAX_ENTRIES {
                    state.answers.clear();
                }
            }
            if !ttl.is_zero() {
                state.answers.insert(
                    key,
                    Entry {
                        answer: answer.clone(),
                        expires: now + ttl,
                    },
                );
            }
        }
        // Nobody waiting is fine.
        let _ = tx.send(Some(answer));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(name: &str) -> CallerMatch {
        CallerMatch {
            name: name.into(),
            organization: None,
            source: "crm".into(),
            reference: String::new(),
            matched_number: String::new(),
            phone_kind: None,
            link: None,
        }
    }

    #[test]
    fn a_running_query_is_shared_and_its_answer_reused() {
        let cache = RemoteCache::new(Duration::from_secs(60), Duration::from_secs(60));
        let Cached::Start(tx, _) = cache.begin(0, "+4930123456") else {
            panic!("first lookup starts the query")
        };
        let Cached::Running(mut waiting) = cache.begin(0, "+4930123456") else {
            panic!("second lookup waits for it")
        };
        cache.finish(0, "+4930123456", Some(found("Jane")), false, &tx);
        assert_eq!(
            waiting.borrow_and_update().clone(),
            Some(Some(found("Jane")))
        );
        assert!(matches!(
            cache.begin(0, "+4930123456"),
            Cached::Answer(Some(m)) if m.name == "Jane"
        ));
        // Another source or number is separate.
        assert!(matches!(cache.begin(1, "+4930123456"), Cached::Start(..)));
    }

    #[test]
    fn expired_answers_are_asked_again() {
        let cache = RemoteCache::new(Duration::from_secs(60), Duration::ZERO);
        let Cached::Start(tx, _) = cache.begin(0, "1") else {
            panic!("starts")
        };
        cache.finish(0, "1", None, false, &tx);
        assert!(matches!(cache.begin(0, "1"), Cached::Start(..)));
    }
}
