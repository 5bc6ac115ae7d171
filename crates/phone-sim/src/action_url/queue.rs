//! Deciding, delaying and sending pushes: one [`Pusher`] per phone decides which pushes an
//! event causes (its Action URL, the loss and duplicate faults), and its [`PushWorker`] sends
//! them one after another at their time, like the phone's single HTTP client.

use std::cmp::{Ordering as CmpOrdering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::raw::send_raw;
use super::{PushVariables, RecordedPush, Stamp};
use crate::sync::lock;

/// Pushes remembered for [`Pusher::sent`]; older ones are dropped first.
const MAX_SENT: usize = 10_000;

type EventOf<V> = <<V as PushVariables>::Push as RecordedPush>::Event;

/// Settings changed at run time.
#[derive(Debug)]
struct Settings<E> {
    templates: HashMap<E, String>,
    loss: f64,
    duplicate: f64,
    extra_delay: Option<Duration>,
    rng: StdRng,
}

/// Record of sent pushes, shared with the sending task.
#[derive(Debug)]
struct PushLog<P> {
    next_seq: u64,
    sent: Vec<P>,
}

/// A push waiting for its time.
#[derive(Debug)]
struct Scheduled<P> {
    due: Instant,
    push: P,
}

impl<P: RecordedPush> PartialEq for Scheduled<P> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == CmpOrdering::Equal
    }
}
impl<P: RecordedPush> Eq for Scheduled<P> {}
impl<P: RecordedPush> PartialOrd for Scheduled<P> {
    fn partial_cmp(&self, other: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}
impl<P: RecordedPush> Ord for Scheduled<P> {
    /// Earliest first; among equal times, in the order the events happened.
    fn cmp(&self, other: &Self) -> CmpOrdering {
        (self.due, self.push.seq()).cmp(&(other.due, other.push.seq()))
    }
}

/// Decides which pushes to send and hands them to the [`PushWorker`].
#[derive(Debug)]
pub(crate) struct Pusher<V: PushVariables> {
    variables: V,
    delay: Duration,
    started: Instant,
    settings: Mutex<Settings<EventOf<V>>>,
    log: Arc<Mutex<PushLog<V::Push>>>,
    queue: mpsc::UnboundedSender<Scheduled<V::Push>>,
}

/// The task that sends pushes one after another, like the phone's single HTTP client.
#[derive(Debug)]
pub(crate) struct PushWorker<P> {
    queue: mpsc::UnboundedReceiver<Scheduled<P>>,
    log: Arc<Mutex<PushLog<P>>>,
    started: Instant,
    user_agent: String,
}

impl<V: PushVariables> Pusher<V> {
    /// A pusher sending `delay` after each event; times are reported relative to `started`.
    pub(crate) fn new(
        variables: V,
        delay: Duration,
        started: Instant,
    ) -> (Pusher<V>, PushWorker<V::Push>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let log = Arc::new(Mutex::new(PushLog {
            next_seq: 0,
            sent: Vec::new(),
        }));
        let worker = PushWorker {
            queue: rx,
            log: Arc::clone(&log),
            started,
            user_agent: variables.user_agent(),
        };
        let pusher = Pusher {
            variables,
            delay,
            started,
            settings: Mutex::new(Settings {
                templates: HashMap::new(),
                loss: 0.0,
                duplicate: 0.0,
                extra_delay: None,
                rng: StdRng::from_os_rng(),
            }),
            log,
            queue: tx,
        };
        (pusher, worker)
    }

    /// Sets (or with `None` or a blank one, clears) the URL template of `event`.
    pub(crate) fn set_action_url(&self, event: EventOf<V>, template: Option<String>) {
        let mut settings = lock(&self.settings);
        match template.filter(|t| !t.trim().is_empty()) {
            Some(t) => settings.templates.insert(event, t),
            None => settings.templates.remove(&event),
        };
    }

    /// Loss and duplicate probabilities (clamped to 0..=1) and an optional random extra delay
    /// of up to `extra_delay` per push, which can also reorder pushes.
    pub(crate) fn set_faults(&self, loss: f64, duplicate: f64, extra_delay: Option<Duration>) {
        let mut settings = lock(&self.settings);
        settings.loss = probability(loss);
        settings.duplicate = probability(duplicate);
        settings.extra_delay = extra_delay.filter(|d| !d.is_zero());
    }

    /// Reseeds the fault dice so that a test sees the same losses every run.
    pub(crate) fn set_seed(&self, seed: u64) {
        lock(&self.settings).rng = StdRng::seed_from_u64(seed);
    }

    /// Schedules the pushes for `cause`, if its Action URL is set.
    pub(crate) fn dispatch(&self, cause: &V::Cause) {
        let event = V::event(cause);
        let mut guard = lock(&self.settings);
        let settings = &mut *guard;
        let Some(template) = settings.templates.get(&event) else {
            return;
        };
        let url = self.variables.url(template, cause);
        let lost = settings.loss > 0.0 && settings.rng.random_bool(settings.loss);
        let copies =
            if !lost && settings.duplicate > 0.0 && settings.rng.random_bool(settings.duplicate) {
                2
            } else {
                1
            };
        let now = Instant::now();
        for copy in 0..copies {
            let extra = settings.extra_delay.map_or(Duration::ZERO, |max| {
                let max_us = u64::try_from(max.as_micros()).unwrap_or(u64::MAX);
                Duration::from_micros(settings.rng.random_range(0..=max_us))
            });
            let push = {
                let mut log = lock(&self.log);
                let push = V::push(
                    cause,
                    Stamp {
                        seq: log.next_seq,
                        url: url.clone(),
                        duplicate: copy > 0,
                        elapsed: now.saturating_duration_since(self.started),
                    },
                );
                log.next_seq += 1;
                if lost {
                    record(&mut log, push.clone());
                }
                push
            };
            if lost {
                tracing::debug!(%event, "push lost on purpose");
                continue;
            }
            let scheduled = Scheduled {
                due: now + self.delay + extra,
                push,
            };
            if self.queue.send(scheduled).is_err() {
                tracing::warn!("push sender has stopped; push dropped");
            }
        }
    }

    /// Every push sent or lost so far, in the order they were sent.
    pub(crate) fn sent(&self) -> Vec<V::Push> {
        lock(&self.log).sent.clone()
    }

    /// Forgets the recorded pushes.
    pub(crate) fn clear(&self) {
        lock(&self.log).sent.clear();
    }
}

impl<P: RecordedPush> PushWorker<P> {
    /// Sends scheduled pushes in time order until the pusher is dropped.
    pub(crate) async fn run(mut self) {
        let mut pending: BinaryHeap<Reverse<Scheduled<P>>> = BinaryHeap::new();
        loop {
            let next_due = pending.peek().map(|Reverse(s)| s.due);
            tokio::select! {
                biased;
                incoming = self.queue.recv() => match incoming {
                    Some(scheduled) => pending.push(Reverse(scheduled)),
                    None => return,
                },
                () = sleep_until(next_due) => {
                    if let Some(Reverse(Scheduled { mut push, .. })) = pending.pop() {
                        let elapsed = self.started.elapsed();
                        let outcome = send_raw(push.url(), &self.user_agent).await;
                        tracing::debug!(event = %push.event(), url = %push.url(), ?outcome, "push");
                        push.settle(elapsed, outcome);
                        record(&mut lock(&self.log), push);
                    }
                }
            }
        }
    }
}

async fn sleep_until(due: Option<Instant>) {
    match due {
        Some(due) => tokio::time::sleep_until(due).await,
        None => std::future::pending().await,
    }
}

fn record<P>(log: &mut PushLog<P>, push: P) {
    if log.sent.len() >= MAX_SENT {
        log.sent.remove(0);
    }
    log.sent.push(push);
}

fn probability(p: f64) -> f64 {
    if p.is_nan() {
        0.0
    } else {
        p.clamp(0.0, 1.0)
    }
}
