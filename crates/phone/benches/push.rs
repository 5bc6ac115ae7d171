//! Push and polling, measured against the simulated phone on loopback. Prints numbers; asserts
//! nothing. Run all parts with
//!
//! ```text
//! cargo bench -p callpop-phone --bench push
//! ```
//!
//! or one part: `cargo bench -p callpop-phone --bench push -- latency|idle|mixed|quiet`.
//! `PUSH_BENCH_CALLS` (busy run, default 1000), `PUSH_BENCH_QUIET_CALLS` (default 200) and
//! `PUSH_BENCH_IDLE_SECS` (default 60) shorten a run.
//! Method and results: BENCHMARKS.md, "Phone core: push and polling".

use callpop_phone::backend::grandstream::models::PhoneOperation;
use callpop_phone::backend::grandstream::{ClientConfig, CtiClient, Grandstream};
use callpop_phone::push::{push_lines, Limits, ListenerConfig, PushListener, PushRoute};
use callpop_phone::tracker::{CallEvent, CallEventKind};
use callpop_phone::{Connection, Credentials, PushState, Secret, Session};
use callpop_phone_sim::{PhoneSim, PushEvent, PushOutcome, RequestKind, SimAuth, SimConfig};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

const PASSCODE: &str = "benchpass";
/// The push route of the one phone in these tests.
const ROUTE: &str = "phone";
const TOKEN: &str = "benchTOKENbenchTOKENbench";
const INTERVAL: Duration = Duration::from_secs(1);

type Log = Arc<Mutex<Vec<(Instant, CallEvent)>>>;

fn main() {
    let part = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .unwrap_or_else(|| "all".to_owned());
    let calls: usize = env_number("PUSH_BENCH_CALLS", 1000);
    let idle_secs: u64 = env_number("PUSH_BENCH_IDLE_SECS", 60);
    let quiet_calls: usize = env_number("PUSH_BENCH_QUIET_CALLS", 200);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("push bench: no runtime: {e}");
            return;
        }
    };
    runtime.block_on(async {
        if matches!(part.as_str(), "all" | "latency") {
            latency().await;
        }
        if matches!(part.as_str(), "all" | "idle") {
            idle(Duration::from_secs(idle_secs)).await;
        }
        if matches!(part.as_str(), "all" | "mixed") {
            mixed(calls, BUSY).await;
        }
        if matches!(part.as_str(), "all" | "quiet") {
            mixed(quiet_calls, QUIET).await;
        }
    });
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// ---- set-up ---------------------------------------------------------------------------------

struct Rig {
    sim: PhoneSim,
    /// When the simulator started, roughly: its request and push times count from here.
    sim_start: Instant,
    phone: Session,
    _listener: Option<PushListener>,
    log: Log,
    /// When each valid push reached the listener, with the number it carried.
    arrivals: Arc<Mutex<Vec<(Instant, String)>>>,
}

async fn start_rig(lines: u32, push: bool) -> Rig {
    let sim = PhoneSim::start(SimConfig {
        auth: SimAuth::Passcode(PASSCODE.into()),
        lines,
        push_delay: Duration::ZERO,
        ..SimConfig::default()
    })
    .await
    .expect("simulated phone");
    let sim_start = Instant::now();
    let phone = Session::start(
        std::sync::Arc::new(Grandstream::new(client(&sim))),
        INTERVAL,
        None,
    );
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let listener = if push {
        let listener = PushListener::bind(ListenerConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            routes: vec![PushRoute {
                id: ROUTE.into(),
                token: TOKEN.into(),
                phone: vec![Ipv4Addr::LOCALHOST.into()],
            }],
            // A busy test phone pushes far more than a desk phone: no rate limit in the way.
            limits: Limits {
                per_second: 1000,
                ..Limits::default()
            },
        })
        .await
        .expect("listener");
        for line in push_lines(listener.local_addr(), TOKEN) {
            let event: PushEvent = line.kind.as_str().parse().expect("event");
            sim.set_action_url(event, Some(line.url));
        }
        phone.attach_push(&listener, ROUTE);
        let mut rx = listener.subscribe();
        let arrivals = arrivals.clone();
        tokio::spawn(async move {
            while let Ok(push) = rx.recv().await {
                if let Ok(mut a) = arrivals.lock() {
                    a.push((push.at, push.event.number));
                }
            }
        });
        Some(listener)
    } else {
        None
    };
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    tokio::spawn(record(phone.subscribe(), log.clone()));
    wait_state(&phone, Duration::from_secs(5), |s| {
        s.connection == Connection::Online
    })
    .await;
    Rig {
        sim,
        sim_start,
        phone,
        _listener: listener,
        log,
        arrivals,
    }
}

fn client(sim: &PhoneSim) -> CtiClient {
    let config = ClientConfig::new(&sim.url(), Credentials::Passcode(Secret::new(PASSCODE)))
        .expect("config")
        .with_timeouts(Duration::from_secs(1), Duration::from_secs(2));
    CtiClient::new(config).expect("client")
}

async fn record(mut rx: broadcast::Receiver<CallEvent>, log: Log) {
    loop {
        match rx.recv().await {
            Ok(event) => {
                if let Ok(mut log) = log.lock() {
                    log.push((Instant::now(), event));
                }
            }
            Err(broadcast::error::RecvError::Lagged(n)) => {
                eprintln!("push bench: the event recorder lagged by {n} events");
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

async fn wait_state(
    phone: &Session,
    within: Duration,
    what: impl Fn(&callpop_phone::PhoneState) -> bool,
) -> bool {
    let mut state = phone.state();
    tokio::time::timeout(within, async {
        loop {
            if what(&state.borrow_and_update()) {
                return;
            }
            if state.changed().await.is_err() {
                return;
            }
        }
    })
    .await
    .is_ok()
}

/// Waits until `log` holds an event of `kind` for `number`; returns when it was received.
async fn wait_event(
    log: &Log,
    number: &str,
    kind: CallEventKind,
    within: Duration,
) -> Option<Instant> {
    let deadline = Instant::now() + within;
    loop {
        let found = log.lock().ok().and_then(|l| {
            l.iter()
                .find(|(_, e)| e.event == kind && e.number == number)
                .map(|(at, _)| *at)
        });
        if found.is_some() || Instant::now() > deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median and 95th percentile, in ms.
fn stats(samples: &mut [f64]) -> (f64, f64, f64) {
    if samples.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    samples.sort_by(f64::total_cmp);
    let at =
        |q: f64| samples[((q * samples.len() as f64).ceil() as usize).clamp(1, samples.len()) - 1];
    (at(0.5), at(0.95), samples[samples.len() - 1])
}

// ---- 1. ring-to-event latency --------------------------------------------------------------

async fn latency() {
    const CALLS: usize = 200;
    println!("## Ring-to-event latency ({CALLS} calls each)\n");
    println!("| mode | median | p95 | max |");
    println!("|---|---|---|---|");

    // Push: the phone pushes at once (push_delay 0); the poller would read only every 30 s.
    let rig = start_rig(4, true).await;
    warm_up(&rig).await;
    let mut rng = StdRng::seed_from_u64(1);
    let mut samples = Vec::new();
    for i in 0..CALLS {
        tokio::time::sleep(Duration::from_millis(rng.random_range(20..100))).await;
        let line = (i % 4) as u32 + 1;
        let number = format!("+1416555{i:04}");
        samples.extend(ring_once(&rig, line, &number).await);
    }
    let health = rig.phone.current().push;
    let (p50, p95, max) = stats(&mut samples);
    println!(
        "| push (phone pushes at once; polling every {} s meanwhile) | {p50:.1} ms | {p95:.1} ms | {max:.1} ms |",
        health.poll_interval_ms / 1000
    );
    rig.phone.shutdown().await;

    // Polling every second: four lines ring at random moments, independent of the poll clock.
    let rig = Arc::new(start_rig(4, false).await);
    let samples = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for line in 1..=4u32 {
        let rig = rig.clone();
        let samples = samples.clone();
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(u64::from(line));
            for i in 0..CALLS / 4 {
                tokio::time::sleep(Duration::from_millis(rng.random_range(0..1000))).await;
                let number = format!("+1647555{line}{i:03}");
                let sample = ring_once(&rig, line, &number).await;
                if let (Some(sample), Ok(mut s)) = (sample, samples.lock()) {
                    s.push(sample);
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let mut samples = samples.lock().map(|s| s.clone()).unwrap_or_default();
    let (p50, p95, max) = stats(&mut samples);
    println!("| polling every 1 s, no push | {p50:.1} ms | {p95:.1} ms | {max:.1} ms |\n");
}

/// Rings `line` from `number`, waits for the ringing event, hangs up and waits for the missed
/// call. Returns the ring-to-event time in ms.
async fn ring_once(rig: &Rig, line: u32, number: &str) -> Option<f64> {
    let rung = Instant::now();
    rig.sim
        .ring(Some(line), number, "Bench Caller")
        .expect("ring");
    let ringing = wait_event(
        &rig.log,
        number,
        CallEventKind::Ringing,
        Duration::from_secs(5),
    )
    .await;
    if ringing.is_none() {
        eprintln!("push bench: no ringing event for {number}");
    }
    rig.sim.remote_hangup(line).expect("hang up");
    wait_event(
        &rig.log,
        number,
        CallEventKind::Missed,
        Duration::from_secs(5),
    )
    .await;
    ringing.map(|at| ms(at - rung))
}

/// One call, so that pushes count as healthy, and the phone back to idle.
async fn warm_up(rig: &Rig) {
    rig.sim.ring(Some(1), "+10000000000", "").expect("ring");
    wait_event(
        &rig.log,
        "+10000000000",
        CallEventKind::Ringing,
        Duration::from_secs(5),
    )
    .await;
    rig.sim.remote_hangup(1).expect("hang up");
    wait_event(
        &rig.log,
        "+10000000000",
        CallEventKind::Missed,
        Duration::from_secs(5),
    )
    .await;
    let healthy = wait_state(&rig.phone, Duration::from_secs(5), |s| {
        s.push.state == PushState::Healthy && s.calls.is_empty()
    })
    .await;
    if !healthy {
        eprintln!("push bench: pushes did not become healthy");
    }
}

// ---- 2. idle load ---------------------------------------------------------------------------

async fn idle(window: Duration) {
    println!(
        "## Phone load while idle ({} s window, both modes side by side)\n",
        window.as_secs()
    );
    let polling = start_rig(4, false).await;
    let pushing = start_rig(4, true).await;
    warm_up(&pushing).await;
    polling.sim.clear_requests();
    pushing.sim.clear_requests();
    tokio::time::sleep(window).await;
    let count = |sim: &PhoneSim| {
        sim.requests()
            .iter()
            .filter(|r| r.kind == RequestKind::Cti)
            .count()
    };
    let per_min = |n: usize| n as f64 * 60.0 / window.as_secs_f64();
    let (a, b) = (count(&polling.sim), count(&pushing.sim));
    println!("| mode | line-status requests | per minute |");
    println!("|---|---|---|");
    println!("| polling every 1 s | {a} | {:.1} |", per_min(a));
    println!(
        "| push healthy (reconciliation every {} s) | {b} | {:.1} |\n",
        pushing.phone.current().push.poll_interval_ms / 1000,
        per_min(b)
    );
    polling.phone.shutdown().await;
    pushing.phone.shutdown().await;
}

// ---- 3. a busy, unreliable day ---------------------------------------------------------------

#[derive(Default, Clone)]
struct Truth {
    rung: Option<Instant>,
    /// When it stopped ringing (answered, or the caller gave up).
    ring_end: Option<Instant>,
    answered: bool,
    short: bool,
}

/// How a faulty-push run is shaped.
#[derive(Clone, Copy)]
struct Traffic {
    /// Lines ringing at once. Line 1's calls are answered when there are several lines.
    lines: u32,
    /// Pause before each call on a line, in ms.
    gap_ms: (u64, u64),
    /// With one line: the share of calls answered.
    answered_share: f64,
    label: &'static str,
}

const BUSY: Traffic = Traffic {
    lines: 8,
    gap_ms: (100, 800),
    answered_share: 0.0,
    label: "busy: 8 lines ringing at once",
};

const QUIET: Traffic = Traffic {
    lines: 1,
    gap_ms: (1000, 3000),
    answered_share: 0.2,
    label: "quiet: one call at a time, idle (30 s reconciliation) in between",
};

async fn mixed(total: usize, traffic: Traffic) {
    const LOSS: f64 = 0.10;
    const DUPLICATE: f64 = 0.10;
    const LATE: Duration = Duration::from_millis(1500);
    let lines = traffic.lines;
    println!(
        "## {total} calls, {}: short rings, lost ({:.0}%), duplicated ({:.0}%) and late (0-{} ms) pushes\n",
        traffic.label,
        LOSS * 100.0,
        DUPLICATE * 100.0,
        LATE.as_millis()
    );
    let rig = Arc::new(start_rig(lines.max(2), true).await);
    warm_up(&rig).await;
    rig.sim.set_push_seed(7);
    rig.sim.set_push_faults(LOSS, DUPLICATE, Some(LATE));
    let polls_before = rig.phone.current().polls;
    let started = Instant::now();
    let truth: Arc<Mutex<HashMap<String, Truth>>> = Arc::new(Mutex::new(HashMap::new()));
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let answerer = Arc::new(client(&rig.sim));
    let mut tasks = Vec::new();
    for line in 1..=lines {
        let (rig, truth, next, answerer) =
            (rig.clone(), truth.clone(), next.clone(), answerer.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(100 + u64::from(line));
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total {
                    return;
                }
                let (from, to) = traffic.gap_ms;
                tokio::time::sleep(Duration::from_millis(rng.random_range(from..to))).await;
                let number = format!("+1555{line}{i:06}");
                let mut t = Truth {
                    rung: Some(Instant::now()),
                    ..Truth::default()
                };
                let answer = if lines > 1 {
                    line == 1
                } else {
                    rng.random_bool(traffic.answered_share)
                };
                if answer {
                    // Answered at the phone after a short ring, then the caller hangs up.
                    if rig.sim.ring(Some(1), &number, "Answered Caller").is_err() {
                        continue;
                    }
                    tokio::time::sleep(Duration::from_millis(rng.random_range(300..700))).await;
                    t.answered = answerer.operation(PhoneOperation::AcceptCall).await.is_ok();
                    t.ring_end = Some(Instant::now());
                    if let Ok(mut m) = truth.lock() {
                        m.insert(number.clone(), t);
                    }
                    tokio::time::sleep(Duration::from_millis(rng.random_range(300..800))).await;
                    let _ = rig.sim.remote_hangup(1);
                } else {
                    // Unanswered: half are 300 ms rings, half ring 1-2 s.
                    t.short = rng.random_bool(0.5);
                    let ring = if t.short {
                        Duration::from_millis(300)
                    } else {
                        Duration::from_millis(rng.random_range(1000..2000))
                    };
                    t.rung = Some(Instant::now());
                    t.ring_end = t.rung.map(|at| at + ring);
                    if let Ok(mut m) = truth.lock() {
                        m.insert(number.clone(), t);
                    }
                    if rig.sim.short_ring(Some(line), &number, "", ring).is_err() {
                        if let Ok(mut m) = truth.lock() {
                            m.remove(&number);
                        }
                        continue;
                    }
                    tokio::time::sleep(ring + Duration::from_millis(20)).await;
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let run = started.elapsed();
    // Late pushes and the last polls.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let polls = rig.phone.current().polls - polls_before;
    let truth = truth.lock().map(|t| t.clone()).unwrap_or_default();
    let log = rig.log.lock().map(|l| l.clone()).unwrap_or_default();
    let pushes = rig.sim.pushes();

    // Pushes per call (the number is in the URL: `n=+1555...&`).
    let mut pushes_of: HashMap<String, (usize, usize)> = HashMap::new(); // (delivered, lost)
    let (mut sent, mut lost, mut duplicated) = (0, 0, 0);
    for p in &pushes {
        let number = p
            .url
            .split("n=")
            .nth(1)
            .and_then(|rest| rest.split('&').next())
            .unwrap_or_default()
            .to_owned();
        let entry = pushes_of.entry(number).or_default();
        match p.outcome {
            PushOutcome::Lost => {
                entry.1 += 1;
                lost += 1;
            }
            _ => {
                entry.0 += 1;
                sent += 1;
            }
        }
        if p.duplicate {
            duplicated += 1;
        }
    }

    let count = |number: &str, kind: CallEventKind| {
        log.iter()
            .filter(|(_, e)| e.event == kind && e.number == number)
            .count()
    };
    // When the poller read line status (the simulator's clock counts from its start).
    let reads: Vec<Instant> = rig
        .sim
        .requests()
        .iter()
        .filter(|r| r.function.as_deref() == Some("api-get_line_status"))
        .map(|r| rig.sim_start + r.elapsed)
        .collect();
    let arrivals = rig.arrivals.lock().map(|a| a.clone()).unwrap_or_default();
    let mut unanswered = 0;
    let mut answered = 0;
    let mut live_popups = 0;
    let mut dup_popups = Vec::new();
    let mut no_event = 0;
    let mut lost_ring = Vec::new();
    let mut lost_missed = Vec::new();
    let mut untold_ring = 0;
    let mut untold_missed = 0;
    let mut false_missed = 0;
    let mut odd = Vec::new();
    let mut ring_latency = Vec::new();
    for (number, t) in &truth {
        let rings = count(number, CallEventKind::Ringing);
        let missed = count(number, CallEventKind::Missed);
        let connected = count(number, CallEventKind::Connected);
        let (delivered, _) = pushes_of.get(number).copied().unwrap_or_default();
        if rings > 1 || missed > 1 || connected > 1 {
            dup_popups.push(number.clone());
        }
        if let (Some(rung), Some((at, _))) = (
            t.rung,
            log.iter()
                .find(|(_, e)| e.event == CallEventKind::Ringing && e.number == *number),
        ) {
            ring_latency.push(ms(*at - rung));
        }
        // Whether callpop could know it rang while it rang: a read during the ring, or a push
        // that arrived early enough for the read it triggers.
        let (rung, end) = (t.rung.unwrap_or(started), t.ring_end.unwrap_or(started));
        let read_while_ringing = reads.iter().any(|at| *at >= rung && *at < end);
        let push_while_ringing = arrivals
            .iter()
            .any(|(at, n)| n == number && *at >= rung && *at + Duration::from_millis(10) < end);
        let knew_while_ringing = read_while_ringing || push_while_ringing;
        if rings + missed + connected == 0 {
            no_event += 1;
        }
        if knew_while_ringing && rings == 0 {
            lost_ring.push(number.clone());
        }
        if !knew_while_ringing {
            untold_ring += 1;
        }
        if t.answered {
            answered += 1;
            if missed > 0 {
                false_missed += 1;
                odd.push(number.clone());
            }
        } else {
            unanswered += 1;
            if rings > 0 {
                live_popups += 1;
            }
            let told = delivered > 0 || read_while_ringing;
            if !told {
                untold_missed += 1;
            }
            if missed == 0 && told {
                lost_missed.push(number.clone());
            }
            if missed == 0 && !told {
                odd.push(number.clone());
            }
        }
    }
    let (p50, p95, max) = stats(&mut ring_latency);
    let health = rig.phone.current().push;
    println!("| measure | value |");
    println!("|---|---|");
    println!(
        "| calls (answered / unanswered) | {} ({answered} / {unanswered}) |",
        truth.len()
    );
    println!("| run time | {:.0} s |", run.as_secs_f64());
    println!("| pushes delivered / lost / extra duplicates | {sent} / {lost} / {duplicated} |");
    println!(
        "| line-status reads | {polls} ({:.0} per minute) |",
        polls as f64 * 60.0 / (run.as_secs_f64() + 4.0)
    );
    println!(
        "| **duplicate popups** (calls with more than one ringing, missed or connected event) | {} |",
        dup_popups.len()
    );
    println!(
        "| **lost ringing popups** (a read or push showed the ring while it rang, no ringing event) | {} |",
        lost_ring.len()
    );
    println!(
        "| **lost missed calls** (unanswered, callpop heard of it, no missed event) | {} |",
        lost_missed.len()
    );
    println!("| rings nothing showed while ringing (no read during the ring, no push in time) | {untold_ring} |");
    println!("| unanswered calls the phone never told of (every push lost, no read during the ring) | {untold_missed} |");
    println!("| calls without any event | {no_event} |");
    println!("| answered calls reported missed | {false_missed} |");
    println!("| unanswered calls that popped up while ringing | {live_popups} of {unanswered} |");
    println!("| ring-to-popup latency when it popped up: median / p95 / max | {p50:.0} / {p95:.0} / {max:.0} ms |");
    println!("| push health at the end | {:?} |\n", health.state);
    for number in dup_popups
        .iter()
        .chain(&lost_ring)
        .chain(&lost_missed)
        .chain(&odd)
        .take(12)
    {
        let events: Vec<_> = log
            .iter()
            .filter(|(_, e)| e.number == *number)
            .map(|(_, e)| (e.event, e.line))
            .collect();
        let sent: Vec<_> = pushes
            .iter()
            .filter(|p| p.url.contains(&format!("n={number}&")))
            .map(|p| {
                (
                    p.event,
                    p.elapsed.as_millis(),
                    matches!(p.outcome, PushOutcome::Lost),
                )
            })
            .collect();
        eprintln!(
            "push bench: {number}: truth {:?} events {events:?} pushes (event, ms, lost) {sent:?}",
            truth.get(number).map(|t| (t.answered, t.short))
        );
    }
}
