//! How fast the call tracker digests line snapshots: it runs on every poll and every push, so it
//! must cost nothing next to the network round trip.

use callpop_phone::model::{Line, LineState};
use callpop_phone::tracker::CallTracker;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

/// A day at a busy desk compressed: each line cycles idle → ringing → connected → onhold →
/// connected → idle, offset per line so calls overlap.
fn snapshots(lines: u32, steps: usize) -> Vec<Vec<Line>> {
    const CYCLE: [&str; 8] = [
        "idle",
        "ringing",
        "ringing",
        "connected",
        "onhold",
        "connected",
        "idle",
        "idle",
    ];
    (0..steps)
        .map(|step| {
            (1..=lines)
                .map(|line| {
                    let state = CYCLE[(step + line as usize * 3) % CYCLE.len()];
                    Line {
                        state: LineState::from_phone(state),
                        remote_number: format!("+1416555{:04}", (step / 8) % 10_000),
                        remote_name: "Ann Lee".to_owned(),
                        ..Line::idle(line)
                    }
                })
                .collect()
        })
        .collect()
}

fn bench_observe(c: &mut Criterion) {
    let mut group = c.benchmark_group("tracker_observe");
    for lines in [1u32, 4, 8] {
        let busy = snapshots(lines, 1024);
        group.throughput(Throughput::Elements(busy.len() as u64));
        group.bench_with_input(BenchmarkId::new("busy_lines", lines), &busy, |b, busy| {
            b.iter(|| {
                let mut tracker = CallTracker::with_id_prefix("b");
                let mut events = 0usize;
                for snapshot in busy {
                    events += tracker.observe(black_box(snapshot)).len();
                }
                events
            })
        });
        let idle: Vec<Line> = (1..=lines).map(Line::idle).collect();
        group.throughput(Throughput::Elements(1));
        group.bench_with_input(BenchmarkId::new("idle_poll", lines), &idle, |b, idle| {
            let mut tracker = CallTracker::with_id_prefix("b");
            b.iter(|| tracker.observe(black_box(idle)).len())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_observe);
criterion_main!(benches);
