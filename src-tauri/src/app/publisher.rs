//! One thread sends the app's view to the windows and the tray, so the last thing sent is
//! never older than the last change.
//!
//! Changes come from many threads at once: the phones' tasks, the hotkey portal, commands on
//! the main thread. When each of them built and sent the view itself, two could overlap: one
//! built its view, another built a newer one and sent it, then the first sent its older
//! one, and a window showed stale words until the next change (the main window kept saying
//! the old hotkey keys). Here a change only raises a flag; the one sender builds the view
//! after taking the flag down, so a change made while it builds or sends is served by one
//! more round. Many changes in a burst cost one build.
//!
//! A thread of its own, not a task: updating the tray waits for the main thread, which must
//! not hold a runtime worker, and asking never blocks the main thread.

use std::sync::{Condvar, Mutex, PoisonError};

/// The flag "the view changed since it was last built", and what the sender sleeps on.
#[derive(Default)]
pub struct Publisher {
    wanted: Mutex<bool>,
    wake: Condvar,
}

impl Publisher {
    /// Asks for the view to be built and sent again; returns at once.
    pub fn ask(&self) {
        *self.wanted.lock().unwrap_or_else(PoisonError::into_inner) = true;
        self.wake.notify_one();
    }

    /// Serves asks for good: after each, builds the view once and sends it when it differs
    /// from the last one sent. Meant for a thread of its own.
    pub fn serve<V: PartialEq>(&self, mut build: impl FnMut() -> V, mut send: impl FnMut(&V)) {
        let mut last: Option<V> = None;
        loop {
            self.wait_for_ask();
            let view = build();
            if last.as_ref() != Some(&view) {
                send(&view);
                last = Some(view);
            }
        }
    }

    /// Sleeps until asked, and takes the flag down before the view is built.
    fn wait_for_ask(&self) {
        let mut wanted = self.wanted.lock().unwrap_or_else(PoisonError::into_inner);
        while !*wanted {
            wanted = self
                .wake
                .wait(wanted)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *wanted = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{mpsc, Arc};
    use std::time::Duration;

    /// A publisher serving on its own thread, building from `source`; what it sends arrives
    /// on the returned channel.
    fn serving(source: Arc<AtomicU64>) -> (Arc<Publisher>, mpsc::Receiver<u64>) {
        let publisher = Arc::new(Publisher::default());
        let (tx, rx) = mpsc::channel();
        let server = publisher.clone();
        std::thread::spawn(move || {
            server.serve(
                || {
                    // A slow build, as with many phones: changes land while it runs.
                    std::thread::sleep(Duration::from_micros(200));
                    source.load(Ordering::SeqCst)
                },
                |v| {
                    let _ = tx.send(*v);
                },
            )
        });
        (publisher, rx)
    }

    /// Everything sent until nothing more comes for a while.
    fn sent_until_quiet(rx: &mpsc::Receiver<u64>) -> Vec<u64> {
        let mut sent = Vec::new();
        while let Ok(v) = rx.recv_timeout(Duration::from_millis(300)) {
            sent.push(v);
        }
        sent
    }

    #[test]
    fn the_last_view_sent_is_the_last_change_however_changes_overlap() {
        let source = Arc::new(AtomicU64::new(0));
        let (publisher, rx) = serving(source.clone());
        let writers: Vec<_> = (0..4)
            .map(|w| {
                let (source, publisher) = (source.clone(), publisher.clone());
                std::thread::spawn(move || {
                    for i in 0..200 {
                        source.fetch_max(w * 1000 + i, Ordering::SeqCst);
                        publisher.ask();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().expect("writer thread");
        }
        let sent = sent_until_quiet(&rx);
        assert_eq!(sent.last(), Some(&3199), "sent: {sent:?}");
        assert!(
            sent.windows(2).all(|w| w[0] < w[1]),
            "a view older than one already sent went out: {sent:?}"
        );
        // Bursts are built once, not once per change.
        assert!(sent.len() < 800, "{} sends for 800 changes", sent.len());
    }

    #[test]
    fn an_unchanged_view_is_not_sent_again() {
        let source = Arc::new(AtomicU64::new(7));
        let (publisher, rx) = serving(source.clone());
        publisher.ask();
        assert_eq!(sent_until_quiet(&rx), [7]);
        publisher.ask();
        publisher.ask();
        assert_eq!(sent_until_quiet(&rx), Vec::<u64>::new());
        source.store(8, Ordering::SeqCst);
        publisher.ask();
        assert_eq!(sent_until_quiet(&rx), [8]);
    }

    #[test]
    fn an_ask_made_before_the_sender_runs_is_served() {
        let publisher = Arc::new(Publisher::default());
        publisher.ask();
        let (tx, rx) = mpsc::channel();
        let server = publisher.clone();
        std::thread::spawn(move || {
            server.serve(
                || 1u8,
                |v| {
                    let _ = tx.send(*v);
                },
            )
        });
        assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok(1));
    }
}
