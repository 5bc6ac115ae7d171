//! Recording and searching a call history of 100,000 calls; prints median and p95.
//!
//! `cargo bench -p callpop-history --bench history` (a few minutes, most of it filling the
//! file). `CALLPOP_HISTORY_BENCH_CALLS=20000` changes the size; `CALLPOP_HISTORY_BENCH_DIR`
//! puts the file on another disk (default: the system temp folder).
//!
//! The history is filled with a year of office calls: about 5,000 callers whose numbers are
//! written in several styles, Latin, accented and Cyrillic names, one call in five missed, one
//! in twenty with a note. Every figure is one operation as the app does it, through the public
//! API, timed on its own; nothing is batched except the filling.

use callpop_history::{
    CallFilter, CallKey, CallQuery, Direction, History, Observed, Outcome, PageCursor, Step,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

const FIRST_NAMES: &[&str] = &[
    "Виталик",
    "Ольга",
    "Семён",
    "Наталья",
    "Zoë",
    "Jürgen",
    "François",
    "Anna",
    "José",
    "Łukasz",
    "Mary",
    "Ahmed",
    "Björn",
    "Chloé",
    "Дмитрий",
    "Екатерина",
    "Paul",
    "Søren",
    "Ana",
    "Li",
];
const LAST_NAMES: &[&str] = &[
    "Müller",
    "Петров",
    "Smith",
    "García",
    "Kowalski",
    "Dubois",
    "Иванова",
    "O'Brien",
    "Rossi",
    "Nguyen",
    "Schmidt",
    "Соколов",
    "Andersen",
    "Martin",
    "Kim",
    "Fischer",
];
const YEAR_MS: i64 = 365 * 24 * 3_600_000;
const START_MS: i64 = 1_704_067_200_000; // 2024-01-01

struct Caller {
    number: String,
    e164: String,
    name: String,
}

fn callers(rng: &mut StdRng, count: usize) -> Vec<Caller> {
    (0..count)
        .map(|n| {
            let digits = format!("{:07}", rng.random_range(0..10_000_000));
            let area = [416, 647, 905, 30, 89, 495][n % 6];
            let e164 = format!("+1{area}{digits}");
            let number = match n % 4 {
                0 => format!("+1 ({area}) {}-{}", &digits[..3], &digits[3..]),
                1 => format!("{area}{digits}"),
                2 => format!(
                    "+1 {area} {} {} {}",
                    &digits[..3],
                    &digits[3..5],
                    &digits[5..]
                ),
                _ => e164.clone(),
            };
            let name = if n % 5 == 4 {
                String::new()
            } else {
                format!(
                    "{} {}",
                    FIRST_NAMES[rng.random_range(0..FIRST_NAMES.len())],
                    LAST_NAMES[rng.random_range(0..LAST_NAMES.len())]
                )
            };
            Caller { number, e164, name }
        })
        .collect()
}

/// The events of one call: ring (or dial), maybe connected, ended.
fn call_events(rng: &mut StdRng, n: u64, caller: &Caller, at: i64) -> Vec<Observed> {
    let outgoing = rng.random_range(0..10) < 3;
    let event = |at_ms, step| Observed {
        at_ms,
        key: CallKey::new("bench", "phone-1", format!("call-{n}")),
        line: Some(1),
        direction: if outgoing {
            Direction::Out
        } else {
            Direction::In
        },
        step,
        number: caller.number.clone(),
        e164: Some(caller.e164.clone()),
        match_key: Some(caller.e164.clone()),
        name: caller.name.clone(),
    };
    let first = if outgoing {
        Step::Dialing
    } else {
        Step::Ringing
    };
    let answered = rng.random_range(0..10) < 7;
    if answered {
        let talk = rng.random_range(10_000..600_000);
        vec![
            event(at, first),
            event(at + 8_000, Step::Connected),
            event(at + 8_000 + talk, Step::Ended(Outcome::Answered)),
        ]
    } else {
        let outcome = if outgoing {
            Outcome::Cancelled
        } else {
            Outcome::Missed
        };
        vec![event(at, first), event(at + 25_000, Step::Ended(outcome))]
    }
}

fn fill(history: &History, rng: &mut StdRng, callers: &[Caller], calls: u64) -> u64 {
    let step = YEAR_MS / calls as i64;
    let mut batch = Vec::new();
    for n in 0..calls {
        let caller = &callers[rng.random_range(0..callers.len())];
        batch.extend(call_events(rng, n, caller, START_MS + n as i64 * step));
        if batch.len() >= 3_000 {
            history.record_all(&batch).expect("fill");
            batch.clear();
        }
    }
    history.record_all(&batch).expect("fill");
    // Notes on one call in twenty.
    let page = history
        .list(&CallQuery::default(), None, 1_000)
        .expect("list");
    for call in page.calls.iter().step_by(20) {
        history
            .set_note(call.id, "Rückruf wegen Angebot, ticket 4711")
            .expect("note");
    }
    calls
}

struct Stats {
    label: &'static str,
    samples: Vec<Duration>,
}

impl Stats {
    fn measure(label: &'static str, runs: usize, mut work: impl FnMut(usize)) -> Self {
        let samples = (0..runs)
            .map(|run| {
                let start = Instant::now();
                work(run);
                start.elapsed()
            })
            .collect();
        Self { label, samples }
    }

    fn print(mut self) {
        self.samples.sort();
        let at = |q: f64| {
            let index = ((self.samples.len() as f64 - 1.0) * q).round() as usize;
            self.samples[index].as_secs_f64() * 1_000.0
        };
        println!(
            "{:<44} median {:>8.3} ms   p95 {:>8.3} ms   ({} runs)",
            self.label,
            at(0.5),
            at(0.95),
            self.samples.len()
        );
    }
}

fn main() {
    let calls: u64 = std::env::var("CALLPOP_HISTORY_BENCH_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = match std::env::var_os("CALLPOP_HISTORY_BENCH_DIR") {
        Some(base) => tempfile::tempdir_in(base),
        None => tempfile::tempdir(),
    }
    .expect("temp folder");
    let path = dir.path().join("history.sqlite3");
    let history = History::open(&path).expect("open");
    let mut rng = StdRng::seed_from_u64(12);
    let callers = callers(&mut rng, 5_000);

    let started = Instant::now();
    fill(&history, &mut rng, &callers, calls);
    let filled_in = started.elapsed();
    // Size of the file itself, with the WAL folded in.
    rusqlite::Connection::open(&path)
        .and_then(|raw| raw.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)"))
        .expect("checkpoint");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "history of {calls} calls filled in {:.1} s ({:.1} MiB on disk, {} unresolved missed)",
        filled_in.as_secs_f64(),
        size as f64 / 1_048_576.0,
        history.unresolved_missed_count().expect("count")
    );

    let mut next_call = calls;
    Stats::measure("record one call (ring + connected + ended)", 500, |_| {
        let caller = &callers[rng.random_range(0..callers.len())];
        let mut events = call_events(&mut rng, next_call, caller, START_MS + YEAR_MS);
        if events.len() == 2 {
            events.insert(1, {
                let mut connected = events[0].clone();
                connected.step = Step::Connected;
                connected
            });
            events[2].step = Step::Ended(Outcome::Answered);
        }
        for event in &events {
            history.record(event).expect("record");
        }
        next_call += 1;
    })
    .print();

    Stats::measure("record a duplicate event", 500, |run| {
        let caller = &callers[run % callers.len()];
        let events = call_events(&mut rng, calls + (run as u64 % 100), caller, START_MS);
        history.record(&events[0]).expect("record");
    })
    .print();

    Stats::measure("list newest 50", 500, |_| {
        let page = history.list(&CallQuery::default(), None, 50).expect("list");
        assert_eq!(page.calls.len(), 50);
    })
    .print();

    let middle = history
        .list(&CallQuery::default(), None, 1_000)
        .expect("list")
        .calls
        .last()
        .map(|c| PageCursor {
            started_at_ms: c.started_at_ms - YEAR_MS / 2,
            id: c.id,
        });
    Stats::measure("list 50 half a year back (keyset)", 500, |_| {
        history
            .list(&CallQuery::default(), middle, 50)
            .expect("list");
    })
    .print();

    let mut hits = 0;
    Stats::measure("search a name, first 50 (FTS)", 300, |run| {
        let name = if run % 2 == 0 {
            FIRST_NAMES[run / 2 % FIRST_NAMES.len()].to_lowercase()
        } else {
            LAST_NAMES[run / 2 % LAST_NAMES.len()]
                .chars()
                .take(4)
                .collect()
        };
        hits += history
            .list(&CallQuery::search(name), None, 50)
            .expect("search")
            .calls
            .len();
    })
    .print();
    assert!(hits > 0, "name searches found nothing");

    let mut hits = 0;
    Stats::measure("search rare name + last name, first 50", 300, |run| {
        let text = format!(
            "{} {}",
            FIRST_NAMES[run % FIRST_NAMES.len()],
            LAST_NAMES[run % LAST_NAMES.len()]
        );
        hits += history
            .list(&CallQuery::search(text), None, 50)
            .expect("search")
            .calls
            .len();
    })
    .print();
    assert!(hits > 0, "two-word searches found nothing");

    let mut hits = 0;
    Stats::measure("search digits (4-7 from a number), first 50", 300, |_| {
        let caller = &callers[rng.random_range(0..callers.len())];
        let digits: String = caller.e164.chars().filter(char::is_ascii_digit).collect();
        let len = rng.random_range(4..=7);
        let from = rng.random_range(0..=digits.len() - len);
        let typed = &digits[from..from + len];
        hits += history
            .list(&CallQuery::search(typed), None, 50)
            .expect("search")
            .calls
            .len();
    })
    .print();
    assert!(hits > 0, "digit searches found nothing");

    Stats::measure("search a full number as typed", 300, |_| {
        let caller = &callers[rng.random_range(0..callers.len())];
        history
            .list(&CallQuery::search(caller.number.as_str()), None, 50)
            .expect("search");
    })
    .print();

    Stats::measure("unresolved missed count (badge)", 500, |_| {
        history.unresolved_missed_count().expect("count");
    })
    .print();

    Stats::measure("list unresolved missed, first 50", 300, |_| {
        history
            .list(&CallQuery::filtered(CallFilter::Unresolved), None, 50)
            .expect("list");
    })
    .print();

    Stats::measure("close_unfinished at start (none open)", 100, |_| {
        history.close_unfinished().expect("close");
    })
    .print();

    Stats::measure("CSV export of every call", 3, |_| {
        let written = history
            .export_csv(&CallQuery::default(), std::io::sink())
            .expect("export");
        assert!(written as u64 >= calls);
    })
    .print();
}
