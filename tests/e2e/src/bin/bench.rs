//! callpop's desktop-level benchmarks, in the same headless session as the e2e tests:
//!
//! - ring-to-notification latency: the phone (simulator) starts ringing → the app's `Notify`
//!   call crosses the session bus (as recorded by the bus monitor), over many rings started
//!   at random moments of the poll cycle;
//! - idle footprint: CPU time and PSS of the app and every process under it (WebKit's web
//!   and network processes) over a quiet minute: main window open; after closing every
//!   window; and tray-only from start.
//!
//! Run with `tests/e2e/bench.sh` (it builds, starts the session and runs this). Options:
//! `--rings N` (40), `--poll-ms MS` (1000), `--idle-secs S` (60), `--only latency|footprint`.

use callpop_e2e::{
    alive, comm, cpu_ticks, descendants, ensure, eventually, fail, pss_kib, sleep_ms,
    unique_passcode, Phone, Result, Scenario, ServerKind, Session,
};
use serde_json::json;
use std::collections::BTreeMap;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

struct Options {
    rings: usize,
    poll_ms: u64,
    idle_secs: u64,
    only: Option<String>,
}

fn options() -> Result<Options> {
    let mut o = Options {
        rings: 40,
        poll_ms: 1000,
        idle_secs: 60,
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| fail(format!("{a} needs a value")))
        };
        match a.as_str() {
            "--rings" => o.rings = value()?.parse()?,
            "--poll-ms" => o.poll_ms = value()?.parse()?,
            "--idle-secs" => o.idle_secs = value()?.parse()?,
            "--only" => o.only = Some(value()?),
            other => return Err(fail(format!("unknown option {other}"))),
        }
    }
    Ok(o)
}

fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Deterministic pseudo-random delays (no dependency needed for that).
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// The app started directly, as a login session would start it: settings on disk, passcode
/// in the keyring, so it comes up in the tray only (no WebDriver, no window).
struct DirectApp {
    child: Child,
}

impl DirectApp {
    async fn start(
        sc: &Scenario,
        phone: &Phone,
        passcode: &str,
        poll_ms: u64,
    ) -> Result<DirectApp> {
        let desktop = sc.session.desktop();
        desktop.keyring_store(passcode)?;
        let path = sc.settings_path();
        std::fs::create_dir_all(path.parent().ok_or_else(|| fail("settings path"))?)?;
        std::fs::write(
            &path,
            format!(
                "[phone]\nurl = \"{}\"\npoll_interval_ms = {poll_ms}\n",
                phone.url()
            ),
        )?;
        let before = phone.last_seq();
        let child = Command::new(&sc.session.app_bin)
            .envs(sc.app_env())
            .env_remove("CALLPOP_PASSCODE")
            .env_remove("TAURI_WEBVIEW_AUTOMATION")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(sc.log_path("app-direct"))?)
            .spawn()?;
        let app = DirectApp { child };
        phone
            .wait_request(
                "api-get_line_status",
                before,
                Duration::from_secs(20),
                |r| r.param("passcode") == Some(passcode),
            )
            .await?;
        Ok(app)
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for DirectApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn latency(session: &Session, o: &Options) -> Result<serde_json::Value> {
    let sc = Scenario::new(session, "bench-latency")?;
    let desktop = session.desktop();
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let passcode = unique_passcode("bench");
    let phone = Phone::start(&passcode).await?;
    let app = DirectApp::start(&sc, &phone, &passcode, o.poll_ms).await?;
    sleep_ms(2000).await;
    let mut rng = Lcg(0x5eed);
    let mut samples = Vec::with_capacity(o.rings);
    for i in 0..o.rings {
        // Start at a random point of the poll cycle.
        sleep_ms(rng.below(o.poll_ms)).await;
        let name = format!("Bench Caller {i}");
        let mark = desktop.notification_mark();
        let t0 = unix_now();
        phone
            .sim()
            .ring(Some(1), &format!("+1416555{:04}", 1000 + i), &name)?;
        let shown = desktop
            .wait_notification(
                mark,
                "the ringing notification",
                Duration::from_secs(15),
                |n| n.is_notify() && n.summary == name,
            )
            .await?;
        let ms = (shown.t - t0) * 1000.0;
        samples.push(ms);
        eprintln!("ring {i:>2}: {ms:.0} ms");
        phone.sim().remote_hangup(1)?;
        let missed = format!("Missed call from {name}");
        desktop
            .wait_notification(
                mark,
                "the missed-call notification",
                Duration::from_secs(15),
                |n| n.is_notify() && n.summary == missed,
            )
            .await?;
        // The call window closes 1.5 s after the call ends.
        sleep_ms(1800).await;
    }
    ensure!(alive(app.pid()), "the app died during the benchmark");
    let mut sorted = samples.clone();
    sorted.sort_by(f64::total_cmp);
    Ok(json!({
        "poll_ms": o.poll_ms,
        "rings": samples.len(),
        "median_ms": percentile(&sorted, 50.0),
        "p95_ms": percentile(&sorted, 95.0),
        "min_ms": sorted.first(),
        "max_ms": sorted.last(),
        "samples_ms": samples,
    }))
}

fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// CPU and PSS of `pid` and everything under it over `secs` seconds of idling.
async fn footprint(label: &str, pid: u32, secs: u64) -> Result<serde_json::Value> {
    let tree = || {
        let mut p = vec![pid];
        p.extend(descendants(pid));
        p
    };
    let start_ticks: BTreeMap<u32, u64> = tree()
        .into_iter()
        .filter_map(|p| cpu_ticks(p).map(|t| (p, t)))
        .collect();
    let started = Instant::now();
    let mut totals = Vec::new();
    // PSS per process name (WebKit helpers by their `comm`), one list of samples each.
    let mut by_name: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    while started.elapsed() < Duration::from_secs(secs) {
        sleep_ms(5000).await;
        let mut total = 0;
        let mut sample: BTreeMap<String, u64> = BTreeMap::new();
        for p in tree() {
            if let Some(kib) = pss_kib(p) {
                total += kib;
                *sample.entry(comm(p).unwrap_or_default()).or_default() += kib;
            }
        }
        for (name, kib) in sample {
            by_name.entry(name).or_default().push(kib);
        }
        totals.push(total);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut cpu_ticks_used = 0u64;
    for p in tree() {
        if let Some(now) = cpu_ticks(p) {
            cpu_ticks_used += now.saturating_sub(start_ticks.get(&p).copied().unwrap_or(0));
        }
    }
    ensure!(alive(pid), "the app died while measuring {label}");
    let mib = |kib: u64| (kib as f64 / 1024.0 * 10.0).round() / 10.0;
    let median = |v: &mut Vec<u64>| {
        v.sort_unstable();
        v.get(v.len() / 2).copied().unwrap_or(0)
    };
    let samples = totals.len();
    let median_kib = median(&mut totals);
    let cpu_percent = cpu_ticks_used as f64 / clock_ticks() / elapsed * 100.0;
    let processes: Vec<_> = by_name
        .iter_mut()
        .map(|(name, v)| json!({ "process": name, "pss_mib_median": mib(median(v)), "seen_in_samples": v.len() }))
        .collect();
    eprintln!(
        "{label}: PSS {:.1} MiB (median of {samples} samples), CPU {cpu_percent:.2} % of one core over {elapsed:.0} s; {}",
        mib(median_kib),
        serde_json::to_string(&processes)?
    );
    Ok(json!({
        "state": label,
        "seconds": elapsed.round(),
        "pss_mib_median": mib(median_kib),
        "cpu_percent_of_one_core": (cpu_percent * 100.0).round() / 100.0,
        "processes": processes,
    }))
}

/// The three idle states, in one app started as at login (no WebDriver: nothing but the
/// app and its own WebKit processes). Windows are opened from the tray menu and closed as a
/// window manager's close button would.
async fn footprints(session: &Session, o: &Options) -> Result<Vec<serde_json::Value>> {
    let desktop = session.desktop();
    let sc = Scenario::new(session, "bench-footprint")?;
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let passcode = unique_passcode("bench");
    let phone = Phone::start(&passcode).await?;
    let app = DirectApp::start(&sc, &phone, &passcode, o.poll_ms).await?;
    let pid = app.pid();
    let web_process = || {
        descendants(pid)
            .into_iter()
            .any(|p| comm(p).is_some_and(|c| c.starts_with("WebKitWebProces")))
    };
    let mut out = Vec::new();

    sleep_ms(10_000).await;
    out.push(footprint("tray only from start (never a window)", pid, o.idle_secs).await?);

    eventually("the tray menu", Duration::from_secs(10), || async {
        Ok(desktop
            .tray_labels()
            .ok()
            .filter(|l| l.iter().any(|x| x == "Open callpop"))
            .map(|_| ()))
    })
    .await?;
    desktop.tray_click("Open callpop")?;
    eventually(
        "the main window and its web process",
        Duration::from_secs(15),
        || async {
            Ok((!desktop.visible_windows("^callpop$").is_empty() && web_process()).then_some(()))
        },
    )
    .await?;
    sleep_ms(10_000).await;
    out.push(footprint("main window open", pid, o.idle_secs).await?);

    ensure!(
        desktop.close_windows("^callpop$")? == 1,
        "the main window was not found to close"
    );
    eventually(
        "the main window to close",
        Duration::from_secs(10),
        || async {
            Ok(desktop
                .visible_windows("^callpop$")
                .is_empty()
                .then_some(()))
        },
    )
    .await?;
    // callpop ends WebKit's idle network process 10 s after the last window closed.
    eventually(
        "WebKit's processes to end after the last window",
        Duration::from_secs(30),
        || async {
            Ok((!descendants(pid)
                .into_iter()
                .any(|p| comm(p).is_some_and(|c| c.starts_with("WebKit"))))
            .then_some(()))
        },
    )
    .await?;
    sleep_ms(5_000).await;
    out.push(footprint("tray only, after closing the main window", pid, o.idle_secs).await?);
    Ok(out)
}

async fn run() -> Result<()> {
    let o = options()?;
    let session = Session::get().ok_or_else(|| {
        fail("run this through tests/e2e/bench.sh (it needs the desktop session)")
    })?;
    let mut report = json!({ "app": session.app_bin, "poll_ms": o.poll_ms });
    if o.only.as_deref() != Some("footprint") {
        report["latency"] = latency(&session, &o).await?;
    }
    if o.only.as_deref() != Some("latency") {
        report["footprint"] = json!(footprints(&session, &o).await?);
    }
    let text = serde_json::to_string_pretty(&report)?;
    println!("{text}");
    if let Some(target) = std::env::var_os("CALLPOP_E2E_TARGET_DIR") {
        let path = std::path::Path::new(&target).join("e2e-bench.json");
        std::fs::write(&path, &text)?;
        eprintln!("written to {}", path.display());
    }
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("callpop-e2e-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
