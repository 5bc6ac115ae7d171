//! Many phones at once: what watching 20 phones costs callpop while nothing happens.
//!
//! The phones are real processes (`callpop-phone-sim`, one per phone, built by cargo for
//! this bench), so only callpop's own work is measured: the CPU time of this process (user +
//! system, from /proc/self/stat) over a minute of idle watching, as a share of one core. Two
//! rounds: polling every second (no push), then push (the phones are reconciled every 30 s).
//! Prints the median and the worst of several windows.
//!
//! `cargo bench -p callpop-phone --bench phones` (about 3 minutes);
//! `PHONES_BENCH_COUNT=20 PHONES_BENCH_SECONDS=60` change the size.

use callpop_phone::settings::{
    GrandstreamSettings, PhoneId, PhoneProfile, PhoneSystem, PushSettings,
};
use callpop_phone::{Connection, PushState, RejectedLogins, Secret, Sessions};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const PASSCODE: &str = "bench";

struct Phone {
    child: Child,
    url: String,
}

impl Drop for Phone {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sim_binary() -> std::path::PathBuf {
    // benches run from target/<profile>/deps; the simulator binary sits one level up.
    let exe = std::env::current_exe().expect("bench path");
    let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
    dir.join("callpop-phone-sim")
}

fn start_phone() -> Phone {
    let mut child = Command::new(sim_binary())
        .args([
            "--listen",
            "127.0.0.1:0",
            "--passcode",
            PASSCODE,
            "--push-delay-ms",
            "50",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("callpop-phone-sim runs (cargo build -p callpop-phone-sim first)");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("url line");
    Phone {
        child,
        url: line.trim().to_owned(),
    }
}

/// CPU seconds this process has used (user + system).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    let hz = 100.0; // USER_HZ on Linux
    (ticks(11) + ticks(12)) / hz
}

fn profiles(phones: &[Phone], push: bool) -> Vec<PhoneProfile> {
    phones
        .iter()
        .enumerate()
        .map(|(i, p)| PhoneProfile {
            id: PhoneId::new(format!("phone-{}", i + 1)),
            name: format!("Desk {}", i + 1),
            system: PhoneSystem::Grandstream(GrandstreamSettings {
                url: p.url.clone(),
                poll_interval_ms: 1000,
                push,
                push_token: format!("benchtokenbenchtokenbench{:05}", i),
                ..GrandstreamSettings::default()
            }),
        })
        .collect()
}

async fn measure(label: &str, sessions: &Sessions, seconds: u64) {
    let windows = 6;
    let window = Duration::from_secs((seconds / windows).max(5));
    let mut shares = Vec::new();
    for _ in 0..windows {
        let (cpu0, t0) = (cpu_seconds(), Instant::now());
        tokio::time::sleep(window).await;
        let share = (cpu_seconds() - cpu0) / t0.elapsed().as_secs_f64() * 100.0;
        shares.push(share);
    }
    shares.sort_by(|a, b| a.total_cmp(b));
    let polls: u64 = sessions.states().iter().map(|(_, s)| s.polls).sum();
    println!(
        "{label}: {} phones, CPU of one core: median {:.2} %, max {:.2} % ({} windows of {} s); {} looks at the phones so far",
        sessions.watched().len(),
        shares[shares.len() / 2],
        shares[shares.len() - 1],
        shares.len(),
        window.as_secs(),
        polls
    );
}

async fn wait_online(sessions: &Sessions) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if sessions
            .states()
            .iter()
            .all(|(_, s)| s.connection == Connection::Online)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the phones did not all come online");
}

fn main() {
    let count: usize = std::env::var("PHONES_BENCH_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let seconds: u64 = std::env::var("PHONES_BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let phones: Vec<Phone> = (0..count).map(|_| start_phone()).collect();
    runtime.block_on(async {
        let sessions = Sessions::new(Arc::new(RejectedLogins::in_memory()));
        let push = PushSettings {
            listen: "127.0.0.1:0".into(),
        };
        sessions
            .apply(&profiles(&phones, false), &push, |_| {
                Some(Secret::new(PASSCODE))
            })
            .await;
        wait_online(&sessions).await;
        measure("polling every second", &sessions, seconds).await;

        sessions
            .apply(&profiles(&phones, true), &push, |_| {
                Some(Secret::new(PASSCODE))
            })
            .await;
        wait_online(&sessions).await;
        // Each phone pushes once (as a real phone does at its first call) so push counts as
        // healthy and the phones are only reconciled every 30 s.
        let addr = sessions.listener().expect("listener").local_addr();
        let client = reqwest_free_get;
        for (i, _) in phones.iter().enumerate() {
            client(addr, &format!("benchtokenbenchtokenbench{i:05}")).await;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let healthy = sessions
            .states()
            .iter()
            .filter(|(_, s)| s.push.state == PushState::Healthy)
            .count();
        println!("push: {healthy} of {count} phones report pushes as healthy");
        measure("with push (reconciling every 30 s)", &sessions, seconds).await;
        sessions.shutdown().await;
    });
}

/// One push as a phone sends it (a plain GET on the listener; no HTTP client needed).
async fn reqwest_free_get(addr: std::net::SocketAddr, token: &str) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    if let Ok(mut stream) = tokio::net::TcpStream::connect(addr).await {
        let request = format!("GET /cp/{token}/offhook HTTP/1.1\r\nHost: x\r\n\r\n");
        let _ = stream.write_all(request.as_bytes()).await;
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer).await;
    }
}
