//! The history survives being killed at any moment.
//!
//! A child process (this test binary, re-run with an environment variable) opens the history,
//! closes what the previous run left unfinished, and records interleaved calls as fast as it
//! can, with notes, seen and resolved marks in between. The test SIGKILLs it at random moments,
//! several times over the same file, and after every kill checks that:
//! - SQLite's own `integrity_check`, the foreign keys and both search indexes are intact;
//! - every call is exactly what its planned events make of it after some whole number of
//!   events (or that, closed at the next start): never half an event;
//! - every missed call that has a later callback or answered call is resolved by one (the
//!   resolution was written in the same transaction as the event that caused it).
//!
//! Each call's id carries the seed its events were planned from, so the checker can rebuild
//! the plan without talking to the child.

mod common;

use callpop_history::{CallKey, Direction, History, Outcome, Step};
use common::TestCall;
use rand::Rng;
use rusqlite::Connection;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const CHILD_DB: &str = "CALLPOP_HISTORY_KILL_SAFETY_DB";
const ROUNDS: usize = 24;
/// The writer stops by itself after this long, in case the test died without killing it.
const WRITER_LIFETIME: Duration = Duration::from_secs(60);
/// What the writer prints once it is recording (the test harness may print before it on the
/// same line).
const READY: &str = "kill-safety writer ready";

/// A small deterministic generator: the plan of a call must be rebuilt from its seed alone.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.below(options.len() as u64) as usize]
    }
}

/// A call's events and note, as planned from its seed.
struct Plan {
    call: TestCall,
    steps: Vec<(i64, Step)>,
    note: Option<String>,
}

fn plan(seed: u64, start: i64) -> Plan {
    let mut r = SplitMix(seed);
    let number = r.pick(&[
        "+1 416 555 0101",
        "+1 416 555 0102",
        "+49 30 1234567",
        "203",
        "",
    ]);
    let outgoing = r.below(10) < 3;
    let id = format!("{seed:016x}-{start}");
    let call = if outgoing {
        TestCall::outgoing(&id, number)
    } else {
        TestCall::incoming(&id, number)
    }
    .named(r.pick(&["Виталик", "Zoë Müller", "Семён", "O'Brien, \"Bob\"", ""]));

    let mut at = start;
    let mut steps = vec![(
        at,
        if outgoing {
            Step::Dialing
        } else {
            Step::Ringing
        },
    )];
    let mut later = |r: &mut SplitMix| {
        at += 1 + r.below(5_000) as i64;
        at
    };
    let unanswered = if outgoing {
        Outcome::Cancelled
    } else {
        Outcome::Missed
    };
    match r.below(4) {
        0 => {
            steps.push((later(&mut r), Step::Connected));
            for _ in 0..r.below(3) {
                steps.push((later(&mut r), Step::Held));
                steps.push((later(&mut r), Step::Resumed));
            }
            if r.below(2) == 0 {
                steps.push((later(&mut r), Step::Held));
            }
            steps.push((later(&mut r), Step::Ended(Outcome::Answered)));
        }
        1 => {
            let other = if outgoing {
                [Outcome::Busy, Outcome::Failed]
            } else {
                [Outcome::Rejected, Outcome::AnsweredElsewhere]
            };
            steps.push((later(&mut r), Step::Ended(other[r.below(2) as usize])));
        }
        _ => steps.push((later(&mut r), Step::Ended(unanswered))),
    }
    let note = (r.below(3) == 0).then(|| format!("=note {seed:x}, Ёлка \"quoted\""));
    Plan { call, steps, note }
}

/// The plan's seed and start, from a call id made by [`plan`].
fn plan_of(source_call_id: &str) -> Plan {
    let (seed, start) = source_call_id.split_once('-').expect("seed-start");
    plan(
        u64::from_str_radix(seed, 16).expect("seed"),
        start.parse().expect("start"),
    )
}

/// The child: records planned calls until it is killed. Ignored in normal runs; the kill test
/// runs it with the database path in `CHILD_DB`.
#[test]
#[ignore = "run as a child process by a_kill_at_any_moment_leaves_every_call_whole"]
fn kill_safety_writer() {
    let Some(path) = std::env::var_os(CHILD_DB) else {
        return;
    };
    let history = History::open(path).expect("open");
    history.close_unfinished().expect("close unfinished");
    println!("{READY}");

    let mut rng = rand::rng();
    let running_since = std::time::Instant::now();
    let mut start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_millis() as i64;
    let mut in_flight: Vec<(Plan, usize)> = Vec::new();
    // Never outlive a test that failed before killing us.
    while running_since.elapsed() < WRITER_LIFETIME {
        if in_flight.len() < 3 {
            start += 1 + rng.random_range(0..3_000);
            in_flight.push((plan(rng.random(), start), 0));
        }
        let pick = rng.random_range(0..in_flight.len());
        let (planned, next) = &mut in_flight[pick];
        if rng.random_range(0..10) == 0 {
            // The rest of the call in one transaction.
            let events: Vec<_> = planned.steps[*next..]
                .iter()
                .map(|(at, step)| planned.call.event(*at, *step))
                .collect();
            history.record_all(&events).expect("record all");
            *next = planned.steps.len();
        } else {
            let (at, step) = planned.steps[*next];
            history
                .record(&planned.call.event(at, step))
                .expect("record");
            *next += 1;
        }
        if *next < planned.steps.len() {
            continue;
        }
        let (done, _) = in_flight.swap_remove(pick);
        let id = history
            .find(&done.call.key)
            .expect("find")
            .expect("recorded")
            .id;
        if let Some(note) = &done.note {
            history.set_note(id, note).expect("note");
        }
        match rng.random_range(0..6) {
            0 => {
                history.mark_seen(&[id]).expect("seen");
            }
            1 => {
                history.mark_resolved(&[id]).expect("resolved");
            }
            _ => {}
        }
    }
}

#[test]
fn a_kill_at_any_moment_leaves_every_call_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("history.sqlite3");
    let me = std::env::current_exe().expect("test binary");
    let mut rng = rand::rng();

    for round in 0..ROUNDS {
        let mut child = KillOnDrop(
            Command::new(&me)
                .args([
                    "--exact",
                    "kill_safety_writer",
                    "--ignored",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_DB, &path)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start the writer"),
        );
        let stdout = child.0.stdout.take().expect("stdout");
        let (ready_tx, ready_rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.ends_with(READY) {
                    let _ = ready_tx.send(());
                }
            }
        });

        // The first rounds are killed while opening (creating, migrating, closing the
        // previous run's calls); the others while writing.
        let delay = if round < 2 {
            Duration::from_millis(rng.random_range(0..40))
        } else {
            ready_rx
                .recv_timeout(Duration::from_secs(60))
                .expect("the writer started");
            Duration::from_millis(rng.random_range(20..400))
        };
        std::thread::sleep(delay);
        if let Some(status) = child.0.try_wait().expect("poll") {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.0.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
            }
            panic!("the writer stopped by itself ({status}):\n{stderr}");
        }
        child.0.kill().expect("SIGKILL");
        child.0.wait().expect("reap");

        if path.exists() {
            check(&path, round);
        }
    }

    let history = History::open(&path).expect("still opens");
    let closed = history.close_unfinished().expect("close");
    check(&path, ROUNDS);
    let conn = Connection::open(&path).expect("raw");
    let calls: i64 = conn
        .query_row("SELECT count(*) FROM call", [], |r| r.get(0))
        .expect("count");
    assert!(
        calls >= 20,
        "only {calls} calls were written; the test proved little"
    );
    assert!(history.unfinished().expect("unfinished").is_empty());
    eprintln!(
        "kill safety: {calls} calls over {ROUNDS} kills, {} left open by the last",
        closed.len()
    );
}

/// The writer process, killed and reaped however the test ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What a call looks like after a whole number of its planned events.
#[derive(Debug, PartialEq, Eq)]
struct Expected {
    outcome: String,
    answered_at: Option<i64>,
    ended_at: Option<i64>,
    held_ms: i64,
    held_since: Option<i64>,
    interrupted: bool,
}

/// Independent of the crate's own lifecycle code: plans are well formed (times increase, no
/// duplicates), so the expected state is plain arithmetic.
fn expected_after(plan: &Plan, events: usize) -> Expected {
    let mut e = Expected {
        outcome: "ringing".into(),
        answered_at: None,
        ended_at: None,
        held_ms: 0,
        held_since: None,
        interrupted: false,
    };
    for &(at, step) in &plan.steps[..events] {
        match step {
            Step::Ringing | Step::Dialing => {}
            Step::Connected => {
                e.outcome = "active".into();
                e.answered_at = Some(at);
            }
            Step::Held => e.held_since = Some(at),
            Step::Resumed => {
                e.held_ms += at - e.held_since.take().expect("held before resumed");
            }
            Step::Ended(outcome) => {
                if let Some(since) = e.held_since.take() {
                    e.held_ms += at - since;
                }
                e.ended_at = Some(at);
                e.outcome = if e.answered_at.is_some() {
                    "answered".into()
                } else {
                    outcome.as_str().into()
                };
            }
        }
    }
    e
}

/// The same, closed at start-up after `events` events.
fn interrupted_after(plan: &Plan, events: usize) -> Expected {
    let mut e = expected_after(plan, events);
    let last = plan.steps[events - 1].0;
    if let Some(since) = e.held_since.take() {
        e.held_ms += last - since;
    }
    e.outcome = if e.answered_at.is_some() {
        "answered".into()
    } else if plan.call.direction == Direction::Out {
        "cancelled".into()
    } else {
        "missed".into()
    };
    e.ended_at = Some(last);
    e.interrupted = true;
    e
}

type Row = (
    CallKey,
    String,
    String,
    Option<String>,
    i64,
    Expected,
    String,
);

fn check(path: &Path, round: usize) {
    let conn = Connection::open(path).expect("open after kill");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(integrity, "ok", "round {round}");
    let broken_keys: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .expect("foreign keys");
    assert_eq!(broken_keys, 0, "round {round}");
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'call'",
            [],
            |r| r.get(0),
        )
        .expect("schema");
    if tables == 0 {
        return; // Killed before the schema was committed: a fresh file next time.
    }
    for index in ["call_fts", "call_digits"] {
        conn.execute_batch(&format!(
            "INSERT INTO {index}({index}) VALUES ('integrity-check')"
        ))
        .unwrap_or_else(|e| panic!("round {round}: {index} out of step: {e}"));
    }

    let mut statement = conn
        .prepare(
            "SELECT source, device_id, source_call_id, remote_number, remote_name, note, \
             match_key, started_at, outcome, answered_at, ended_at, held_ms, held_since, \
             interrupted FROM call",
        )
        .expect("select");
    let rows: Vec<Row> = statement
        .query_map([], |r| {
            Ok((
                CallKey::new(
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ),
                r.get(3)?,
                r.get(4)?,
                r.get(6)?,
                r.get(7)?,
                Expected {
                    outcome: r.get(8)?,
                    answered_at: r.get(9)?,
                    ended_at: r.get(10)?,
                    held_ms: r.get(11)?,
                    held_since: r.get(12)?,
                    interrupted: r.get(13)?,
                },
                r.get(5)?,
            ))
        })
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read rows");

    for (key, number, name, match_key, started_at, stored, note) in &rows {
        let plan = plan_of(&key.source_call_id);
        assert_eq!(
            (number, name, match_key, *started_at),
            (
                &plan.call.number,
                &plan.call.name,
                &plan.call.match_key,
                plan.steps[0].0
            ),
            "round {round}: {key:?}"
        );
        let whole = (1..=plan.steps.len()).any(|events| {
            let expected = if stored.interrupted {
                interrupted_after(&plan, events)
            } else {
                expected_after(&plan, events)
            };
            &expected == stored
        });
        assert!(
            whole,
            "round {round}: {key:?} is {stored:?}, which no whole number of its events makes: {:?}",
            plan.steps
        );
        assert!(
            note.is_empty() || Some(note) == plan.note.as_ref(),
            "round {round}: note {note:?}"
        );
    }

    // Every missed call with a later callback or answered call is resolved by one.
    let unsettled: i64 = conn
        .query_row(
            "SELECT count(*) FROM call AS m WHERE m.outcome = 'missed' \
             AND m.resolved_at IS NULL AND m.match_key IS NOT NULL AND EXISTS ( \
               SELECT 1 FROM call AS c WHERE c.match_key = m.match_key \
               AND c.started_at > m.started_at \
               AND (c.direction = 'out' OR c.answered_at IS NOT NULL OR c.outcome = 'answered'))",
            [],
            |r| r.get(0),
        )
        .expect("unsettled");
    assert_eq!(unsettled, 0, "round {round}: missed calls left unresolved");
    let wrongly_resolved: i64 = conn
        .query_row(
            "SELECT count(*) FROM call AS m JOIN call AS c ON c.id = m.resolved_by \
             WHERE c.match_key IS NOT m.match_key OR c.started_at <= m.started_at \
             OR m.outcome <> 'missed'",
            [],
            |r| r.get(0),
        )
        .expect("resolved by");
    assert_eq!(wrongly_resolved, 0, "round {round}");
}
