//! One poll round trip (`api-get_line_status` over HTTP on loopback, parsed into lines) against
//! the simulated phone, with the connection pool warm, as the poller does it every interval.

use callpop_phone::backend::grandstream::{ClientConfig, CtiClient};
use callpop_phone::{Credentials, Secret};
use callpop_phone_sim::{PhoneSim, SimAuth, SimConfig};
use criterion::{criterion_group, criterion_main, Criterion};

fn bench_poll(c: &mut Criterion) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("no runtime: {e}");
            return;
        }
    };
    let setup = runtime.block_on(async {
        let sim = PhoneSim::start(SimConfig {
            auth: SimAuth::Passcode("bench".into()),
            ..SimConfig::default()
        })
        .await
        .ok()?;
        sim.ring(Some(2), "+14165550123", "Ann Lee").ok()?;
        let config =
            ClientConfig::new(&sim.url(), Credentials::Passcode(Secret::new("bench"))).ok()?;
        let client = CtiClient::new(config).ok()?;
        Some((sim, client))
    });
    let Some((sim, client)) = setup else {
        eprintln!("the simulated phone did not start");
        return;
    };
    let mut group = c.benchmark_group("poll_round_trip");
    group.bench_function("line_status_4_lines", |b| {
        b.to_async(&runtime)
            .iter(|| async { client.line_status().await.map(|l| l.len()).unwrap_or(0) })
    });
    group.finish();
    runtime.block_on(sim.shutdown());
}

criterion_group!(benches, bench_poll);
criterion_main!(benches);
