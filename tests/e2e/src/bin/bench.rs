//! callpop's desktop-level benchmarks, in the same headless session as the e2e tests:
//!
//! - ring-to-notification latency: the phone (simulator) starts ringing → the app's `Notify`
//!   call crosses the session bus (as recorded by the bus monitor), over many rings started
//!   at random moments of the poll cycle; and ring → the call window shows the caller on
//!   screen, for the same rings;
//! - idle footprint: CPU time and PSS of the app and every process under it (WebKit's web
//!   and network processes) over a quiet minute: main window open; after closing every
//!   window; and tray-only from start;
//! - call window: the ringing notification crosses the bus → the call window shows the
//!   ringing call on screen, once with WebKit warm (a call shortly after the previous one)
//!   and once cold (after callpop handed WebKit's memory back, see `webkit_memory.rs`).
//!
//! With `--push` the app receives the phone's Action URL pushes (as a user who followed the
//! setup checklist has it): the phone simulator pushes at once, so what is measured is
//! callpop's own share, and the call window is also timed from the ring itself.
//!
//! Run with `tests/e2e/bench.sh` (it builds, starts the session and runs this). Options:
//! `--rings N` (200), `--poll-ms MS` (1000), `--idle-secs S` (60), `--pops N` (8 rounds of a
//! cold and a warm call window; the first cold one is left out), `--push`, `--only
//! latency|footprint|window`.

use callpop_e2e::screen::call_window::{ANSWER, BAND, GREEN, RINGING};
use callpop_e2e::{
    alive, comm, configured, cpu_ticks, descendants, ensure, eventually, fail, pss_kib, sleep_ms,
    unique_passcode, Desktop, NotificationServer, Phone, Result, Scenario, Screen, ServerKind,
    Session,
};
use callpop_phone_sim::PushEvent;
use serde_json::json;
use std::collections::BTreeMap;
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

struct Options {
    rings: usize,
    poll_ms: u64,
    idle_secs: u64,
    pops: usize,
    push: bool,
    only: Option<String>,
}

fn options() -> Result<Options> {
    let mut o = Options {
        rings: 200,
        poll_ms: 1000,
        idle_secs: 60,
        pops: 8,
        push: false,
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
            "--pops" => o.pops = value()?.parse()?,
            "--only" => o.only = Some(value()?),
            "--push" => o.push = true,
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

/// The app started directly, as a login session would start it (`callpop --tray`): settings
/// on disk, passcode in the keyring, so it comes up in the tray only (no WebDriver, no
/// window).
struct DirectApp {
    child: Child,
}

impl DirectApp {
    /// Starts the app on `phone`, read every `poll_ms`; with `push`, the phone's Action URLs
    /// point at the app's listener (a loopback port of its own) and the app relies on them.
    async fn start(
        sc: &Scenario,
        phone: &Phone,
        passcode: &str,
        poll_ms: u64,
        push: bool,
    ) -> Result<DirectApp> {
        let desktop = sc.session.desktop();
        desktop.keyring_store(passcode)?;
        let path = sc.settings_path();
        std::fs::create_dir_all(path.parent().ok_or_else(|| fail("settings path"))?)?;
        let mut settings = format!(
            "[phone]\nurl = \"{}\"\npoll_interval_ms = {poll_ms}\n",
            phone.url()
        );
        if push {
            let listen = configured::free_loopback_addr()?;
            let token = callpop_phone::settings::new_push_token();
            settings.push_str(&format!(
                "[push]\nenabled = true\ntoken = \"{token}\"\nlisten = \"{listen}\"\n"
            ));
            for line in callpop_phone::push::push_lines(listen, &token) {
                let event: PushEvent = line
                    .kind
                    .as_str()
                    .parse()
                    .map_err(|e| fail(format!("push event {}: {e:?}", line.kind.as_str())))?;
                phone.sim().set_action_url(event, Some(line.url));
            }
        }
        std::fs::write(&path, &settings)?;
        let before = phone.last_seq();
        let listen = push.then(|| settings_listen(&settings)).flatten();
        // `--tray`: as the login entry starts it (without it the main window opens).
        let child = Command::new(&sc.session.app_bin)
            .arg("--tray")
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
        if let Some(listen) = listen {
            // The listener starts with the app: the first ring must not race it.
            eventually(
                "the app's push listener",
                Duration::from_secs(10),
                || async { Ok(std::net::TcpStream::connect(listen).ok().map(|_| ())) },
            )
            .await?;
        }
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

/// The push listener's address in a settings file written by [`DirectApp::start`].
fn settings_listen(settings: &str) -> Option<std::net::SocketAddr> {
    settings
        .lines()
        .find_map(|l| l.strip_prefix("listen = "))
        .and_then(|v| v.trim_matches('"').parse().ok())
}

/// What each part of the benchmark runs on: its scenario folder, the recording notification
/// stub, a simulated phone and the app started as at login. Fields drop in this order: the
/// app ends before the phone and the notification server go away.
struct Rig {
    app: DirectApp,
    phone: Phone,
    _server: NotificationServer,
    desktop: Desktop,
    _scenario: Scenario,
}

impl Rig {
    async fn start(session: &Session, name: &str, o: &Options) -> Result<Rig> {
        let scenario = Scenario::new(session, name)?;
        let desktop = session.desktop();
        let server = desktop
            .notification_server(ServerKind::Stub, &scenario.dir)
            .await?;
        let passcode = unique_passcode("bench");
        let phone = if o.push {
            Phone::start_pushing_at_once(&passcode).await?
        } else {
            Phone::start(&passcode).await?
        };
        let app = DirectApp::start(&scenario, &phone, &passcode, o.poll_ms, o.push).await?;

        Ok(Rig {
            app,
            phone,
            _server: server,
            desktop,
            _scenario: scenario,
        })
    }
}

async fn latency(session: &Session, o: &Options) -> Result<serde_json::Value> {
    let Rig {
        app,
        phone,
        desktop,
        ..
    } = &Rig::start(session, "bench-latency", o).await?;
    sleep_ms(2000).await;
    let mut rng = Lcg(0x5eed);
    let mut samples = Vec::with_capacity(o.rings);
    let mut on_screen = Vec::with_capacity(o.rings);
    for i in 0..o.rings {
        // Start at a random point of the poll cycle.
        sleep_ms(rng.below(o.poll_ms)).await;
        let name = format!("Bench Caller {i}");
        let mark = desktop.notification_mark();
        // The call window, made by the same call event: the caller on screen (the ringing
        // band is drawn with the name, see `pop_call_window`), watched from its own thread
        // and X connection while the notification is waited for.
        let watcher = std::thread::spawn(|| -> Result<f64> {
            let screen = Screen::connect()?;
            let deadline = Instant::now() + Duration::from_secs(15);
            loop {
                if let Some(id) = screen.viewable_window("Call")? {
                    if screen.pixel(id, BAND.0, BAND.1)? == Some(RINGING) {
                        return Ok(unix_now());
                    }
                }
                ensure!(Instant::now() < deadline, "no call window showed the ring");
                std::thread::sleep(Duration::from_millis(1));
            }
        });
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
        let caller = watcher
            .join()
            .map_err(|_| fail("the screen watcher panicked"))??;
        let ms = (shown.t - t0) * 1000.0;
        samples.push(ms);
        let caller_ms = (caller - t0) * 1000.0;
        on_screen.push(caller_ms);
        eprintln!("ring {i:>2}: notification {ms:.0} ms, caller on screen {caller_ms:.0} ms");
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
    let mut report = summary(&samples);
    report["poll_ms"] = json!(o.poll_ms);
    report["push"] = json!(o.push);
    report["rings"] = json!(samples.len());
    report["caller_on_screen"] = summary(&on_screen);
    Ok(report)
}

/// Median, p95, extremes and the samples themselves, in milliseconds.
fn summary(samples: &[f64]) -> serde_json::Value {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    json!({
        "median_ms": percentile(&sorted, 50.0),
        "p95_ms": percentile(&sorted, 95.0),
        "min_ms": sorted.first(),
        "max_ms": sorted.last(),
        "samples_ms": samples,
    })
}

/// How long the call window takes to show a ringing call on screen: from the moment the
/// ringing notification crosses the bus (both come from the same call event, so the poll
/// interval drops out), and from the ring itself (with `--push`, where no poll is waited
/// for). Cold: no window for longer than callpop's grace time, so WebKit's processes have
/// ended and the memory a window used has been handed back. Warm: the next call right after
/// one.
async fn call_window(session: &Session, o: &Options) -> Result<serde_json::Value> {
    let Rig {
        app,
        phone,
        desktop,
        ..
    } = &Rig::start(session, "bench-call-window", o).await?;
    let pid = app.pid();
    let screen = Screen::connect()?;
    let screenshots = std::path::PathBuf::from(
        std::env::var_os("CALLPOP_E2E_SCREENSHOTS").unwrap_or_else(|| "/tmp".into()),
    );
    std::fs::create_dir_all(&screenshots)?;
    let mut cold = Pops::default();
    let mut warm = Pops::default();
    for i in 0..o.pops {
        if i > 0 {
            if let Err(e) = webkit_ended(pid).await {
                return Err(fail(format!("{e}; windows: {:?}", screen.windows())));
            }
            // The memory is handed back right after the network process is ended.
            sleep_ms(1000).await;
        }
        let snapshot = (i == 1).then(|| screenshots.join("bench-call-window-first-frame-cold.png"));
        let pop = pop_call_window(&screen, desktop, phone, 2 * i, snapshot).await?;
        eprintln!(
            "call window {i:>2}: cold: caller {:.0} ms after the notification, {:.0} ms after the ring; page {:.0} ms after the ring",
            pop.after_notification, pop.after_ring, pop.page_after_ring
        );
        // The very first window of a fresh app is neither: it is what `tray only from start`
        // pays once. Cold is measured from the second round on.
        if i > 0 {
            cold.add(&pop);
        }
        let snapshot = (i == 1).then(|| screenshots.join("bench-call-window-first-frame-warm.png"));
        let pop = pop_call_window(&screen, desktop, phone, 2 * i + 1, snapshot).await?;
        eprintln!(
            "call window {i:>2}: warm: caller {:.0} ms after the notification, {:.0} ms after the ring; page {:.0} ms after the ring",
            pop.after_notification, pop.after_ring, pop.page_after_ring
        );
        warm.add(&pop);
    }
    ensure!(alive(pid), "the app died during the benchmark");
    Ok(json!({ "push": o.push, "cold": cold.summary(), "warm": warm.summary() }))
}

/// One call window's times, in milliseconds: until the caller is on screen (the ringing
/// band, drawn by the app's card or the page, whichever is first), from the notification and
/// from the ring; and until the page itself is on screen with its buttons.
struct Pop {
    after_notification: f64,
    after_ring: f64,
    page_after_ring: f64,
}

#[derive(Default)]
struct Pops {
    after_notification: Vec<f64>,
    after_ring: Vec<f64>,
    page_after_ring: Vec<f64>,
}

impl Pops {
    fn add(&mut self, pop: &Pop) {
        self.after_notification.push(pop.after_notification);
        self.after_ring.push(pop.after_ring);
        self.page_after_ring.push(pop.page_after_ring);
    }

    fn summary(&self) -> serde_json::Value {
        json!({
            "caller_after_notification": summary(&self.after_notification),
            "caller_after_ring": summary(&self.after_ring),
            "page_after_ring": summary(&self.page_after_ring),
        })
    }
}

/// Rings line 1, measures ring → caller on screen, notification → caller on screen and
/// ring → page with its buttons on screen, then lets the caller hang up and waits for the
/// window to close. With `snapshot`, saves the window's first frame with the caller there.
async fn pop_call_window(
    screen: &Screen,
    desktop: &Desktop,
    phone: &Phone,
    i: usize,
    mut snapshot: Option<std::path::PathBuf>,
) -> Result<Pop> {
    let name = format!("Window Caller {i}");
    let mark = desktop.notification_mark();
    let rang = unix_now();
    phone
        .sim()
        .ring(Some(1), &format!("+1416555{:04}", 2000 + i), &name)?;
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut window = None;
    let mut caller = None;
    let page = loop {
        if window.is_none() {
            window = screen.viewable_window("Call")?;
        }
        if let Some(id) = window {
            if caller.is_none() && screen.pixel(id, BAND.0, BAND.1)? == Some(RINGING) {
                caller = Some(unix_now());
                if let Some(path) = snapshot.take() {
                    screen.save_png(id, &path)?;
                }
            }
            if screen.pixel(id, ANSWER.0, ANSWER.1)? == Some(GREEN) {
                break unix_now();
            }
        }
        ensure!(
            Instant::now() < deadline,
            "the call window never showed the ringing call with its buttons"
        );
        sleep_ms(1).await;
    };
    let painted = caller.unwrap_or(page);
    let shown = desktop
        .wait_notification(
            mark,
            "the ringing notification",
            Duration::from_secs(5),
            |n| n.is_notify() && n.summary == name,
        )
        .await?;
    phone.sim().remote_hangup(1)?;
    eventually(
        "the call window to close",
        Duration::from_secs(10),
        || async { Ok(desktop.visible_windows("^Call$").is_empty().then_some(())) },
    )
    .await?;
    Ok(Pop {
        after_notification: (painted - shown.t) * 1000.0,
        after_ring: (painted - rang) * 1000.0,
        page_after_ring: (page - rang) * 1000.0,
    })
}

/// Waits until no WebKit process is left under the app (callpop ends them once no window
/// has been open for its grace time).
async fn webkit_ended(pid: u32) -> Result<()> {
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
    .await
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
    let Rig { app, desktop, .. } = &Rig::start(session, "bench-footprint", o).await?;
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
    webkit_ended(pid).await?;
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
    let runs = |part: &str| o.only.as_deref().is_none_or(|only| only == part);
    if runs("latency") {
        report["latency"] = latency(&session, &o).await?;
    }
    if runs("footprint") {
        report["footprint"] = json!(footprints(&session, &o).await?);
    }
    if runs("window") {
        report["call_window"] = call_window(&session, &o).await?;
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
