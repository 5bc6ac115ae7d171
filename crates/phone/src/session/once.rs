//! The same request made twice at once is carried out once.
//!
//! An action asked for again while the first is still under way, or just after, is almost
//! never meant twice: a double click, or a window that loads another page while its request
//! runs (the desktop's web view then sends the request again by another path). Carried out
//! twice it can do harm: a second "end call" on a Grandstream phone ends the next call it
//! shows (tests/several_calls.rs). So the second request waits for the first and gets its
//! result. After [`REPEAT_WINDOW`] the same request is a new one (hanging up, dialling the
//! same number again later).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// How long after the first one finished the same request still counts as a repeat.
pub const REPEAT_WINDOW: Duration = Duration::from_secs(1);

/// The first request's outcome, once it has one, and when it had it.
type Outcome<T> = Option<(T, Instant)>;

/// Requests under way or just finished, by key (what is done to which call).
pub struct Once<T: Clone> {
    running: Mutex<HashMap<String, watch::Receiver<Outcome<T>>>>,
}

impl<T: Clone> Default for Once<T> {
    fn default() -> Self {
        Self {
            running: Mutex::new(HashMap::new()),
        }
    }
}

/// Whether this request does the work or waits for an earlier one.
enum Turn<T> {
    First(watch::Sender<Outcome<T>>),
    Repeat(watch::Receiver<Outcome<T>>),
}

impl<T: Clone> Once<T> {
    /// Runs `work` for `key`, unless the same key is under way or finished less than
    /// [`REPEAT_WINDOW`] ago: then its outcome is returned, and `work` is dropped unrun.
    pub async fn run(&self, key: String, work: impl Future<Output = T>) -> T {
        match self.turn(key) {
            Turn::First(done) => {
                let outcome = work.await;
                let _ = done.send(Some((outcome.clone(), Instant::now())));
                outcome
            }
            Turn::Repeat(mut earlier) => {
                let finished = earlier
                    .wait_for(Option::is_some)
                    .await
                    .ok()
                    .and_then(|outcome| outcome.as_ref().map(|(value, _)| value.clone()));
                match finished {
                    Some(value) => value,
                    // The first request was dropped unfinished (its caller went away): this
                    // one is carried out, as nothing else will answer it.
                    None => work.await,
                }
            }
        }
    }

    fn turn(&self, key: String) -> Turn<T> {
        let mut running = self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Forgets what finished long enough ago, or was dropped unfinished.
        running.retain(|_, rx| match &*rx.borrow() {
            Some((_, at)) => at.elapsed() < REPEAT_WINDOW,
            None => rx.has_changed().is_ok(),
        });
        if let Some(earlier) = running.get(&key) {
            return Turn::Repeat(earlier.clone());
        }
        let (tx, rx) = watch::channel(None);
        running.insert(key, rx);
        Turn::First(tx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    /// A request that takes `ms` and counts how often it was carried out.
    async fn slow(count: &AtomicU32, ms: u64) -> u32 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        count.fetch_add(1, Ordering::SeqCst) + 1
    }

    #[tokio::test]
    async fn the_same_request_made_while_the_first_runs_is_carried_out_once() {
        let once = Arc::new(Once::default());
        let count = Arc::new(AtomicU32::new(0));
        let first = {
            let (once, count) = (once.clone(), count.clone());
            tokio::spawn(async move { once.run("hang_up c1".into(), slow(&count, 200)).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let repeat = once.run("hang_up c1".into(), slow(&count, 0)).await;
        assert_eq!(first.await.ok(), Some(1));
        assert_eq!(repeat, 1, "the repeat gets the first one's outcome");
        assert_eq!(count.load(Ordering::SeqCst), 1, "carried out once");
    }

    #[tokio::test]
    async fn a_repeat_just_after_the_first_finished_is_not_carried_out() {
        let once = Once::default();
        let count = AtomicU32::new(0);
        assert_eq!(once.run("answer c1".into(), slow(&count, 0)).await, 1);
        assert_eq!(once.run("answer c1".into(), slow(&count, 0)).await, 1);
        assert_eq!(count.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn other_requests_and_later_ones_are_carried_out() {
        let once = Once::default();
        let count = AtomicU32::new(0);
        assert_eq!(once.run("hold c1".into(), slow(&count, 0)).await, 1);
        assert_eq!(once.run("hold c2".into(), slow(&count, 0)).await, 2);
        assert_eq!(once.run("resume c1".into(), slow(&count, 0)).await, 3);
        tokio::time::sleep(REPEAT_WINDOW + Duration::from_millis(50)).await;
        assert_eq!(once.run("hold c1".into(), slow(&count, 0)).await, 4);
        assert_eq!(
            once.running.lock().map(|r| r.len()).unwrap_or(0),
            1,
            "finished requests are forgotten"
        );
    }

    #[tokio::test]
    async fn a_request_whose_first_was_dropped_unfinished_is_carried_out() {
        let once = Arc::new(Once::default());
        let count = Arc::new(AtomicU32::new(0));
        let first = {
            let (once, count) = (once.clone(), count.clone());
            tokio::spawn(async move { once.run("dial 203".into(), slow(&count, 10_000)).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        first.abort();
        let _ = first.await;
        assert_eq!(once.run("dial 203".into(), slow(&count, 0)).await, 1);
    }
}
