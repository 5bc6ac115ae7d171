//! callpop's Debian package, used the way a person gets and uses it: installed with dpkg,
//! started from the menu's binary, registered as the handler of `tel:` links, started at
//! login from the entry Settings writes, and removed without a trace on the system.
//!
//! Run it with `tests/e2e/package.sh` (builds the package with `scripts/package.sh`, then runs
//! this test in the headless session of `tests/e2e/session.sh`). It installs the package into
//! the real system, so it runs only as root (CI's case) and refuses to touch a callpop that
//! is already installed. Outside the session, without a package or without root it passes
//! at once with a message saying why it did nothing.

use callpop_e2e::{
    bail, callpop_pids, comm, descendants, ensure, eventually, fail, session_or_skip, App, Phone,
    Result, Scenario, ServerKind, Session, SOON,
};
use callpop_phone_sim::LineState;
use serde_json::json;
use std::collections::BTreeSet;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The `.deb` to test, set by `tests/e2e/package.sh`.
const DEB_ENV: &str = "CALLPOP_PACKAGE_DEB";
const INSTALLED_BIN: &str = "/usr/bin/callpop";
const DESKTOP_ENTRY: &str = "/usr/share/applications/callpop.desktop";
const SCHEMES: [&str; 4] = ["tel", "callto", "sip", "sips"];

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// Runs a command to completion; its stdout, or an error quoting its stderr.
fn run(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| fail(format!("{cmd:?}: {e}")))?;
    if !out.status.success() {
        bail!(
            "{cmd:?} failed ({}): {}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim(),
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// dpkg, waiting while another dpkg or apt holds its lock (a shared machine, an unattended
/// upgrade) instead of failing on the first try.
async fn dpkg(args: &[&str]) -> Result<String> {
    let started = Instant::now();
    loop {
        let out = Command::new("dpkg")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null())
            .output()?;
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
        }
        if stderr.contains("lock") && started.elapsed() < secs(300) {
            callpop_e2e::sleep_ms(1000).await;
            continue;
        }
        bail!("dpkg {args:?} failed ({}): {}", out.status, stderr.trim());
    }
}

/// `dpkg-query` status of the callpop package ("install ok installed", or empty).
fn installed_status() -> String {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", "callpop"])
        .stderr(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

fn is_installed() -> bool {
    installed_status() == "install ok installed"
}

/// Removes the package when the test ends early, so a failed run leaves no callpop in the
/// system (the normal path removes it itself and checks what is left).
struct InstalledGuard {
    armed: bool,
}

impl Drop for InstalledGuard {
    fn drop(&mut self) {
        if self.armed && is_installed() {
            eprintln!("[package] removing the package after a failure");
            let _ = Command::new("dpkg")
                .args(["-r", "callpop"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .status();
        }
    }
}

/// `Key=value` of the `[Desktop Entry]` group of a desktop file.
fn desktop_key(text: &str, key: &str) -> Option<String> {
    let mut in_entry = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_entry = line == "[Desktop Entry]";
        } else if in_entry {
            if let Some((k, v)) = line.split_once('=') {
                if k.trim() == key {
                    return Some(v.trim().to_owned());
                }
            }
        }
    }
    None
}

/// Width and height from a PNG's header.
fn png_size(path: &Path) -> Result<(u32, u32)> {
    let bytes = std::fs::read(path)?;
    ensure!(
        bytes.len() > 24 && &bytes[1..4] == b"PNG",
        "{} is no PNG",
        path.display()
    );
    let be =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Ok((be(16), be(20)))
}

/// The same path across the merged /usr (`/lib/x` ↔ `/usr/lib/x`): dpkg knows each file
/// under the one name its package ships it as.
fn other_usr_name(path: &Path) -> Option<PathBuf> {
    let text = path.to_str()?;
    Some(PathBuf::from(match text.strip_prefix("/usr") {
        Some(rest) if rest.starts_with("/lib/") => rest.to_owned(),
        _ if text.starts_with("/lib/") => format!("/usr{text}"),
        _ => return None,
    }))
}

/// The Debian package a file belongs to (`dpkg -S`), as named or with links resolved.
fn package_of(path: &Path) -> Option<String> {
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut names = vec![path.to_path_buf(), real.clone()];
    names.extend(other_usr_name(path));
    names.extend(other_usr_name(&real));
    names.iter().find_map(|p| {
        Command::new("dpkg")
            .arg("-S")
            .arg(p)
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .next()
                    .and_then(|l| l.split_once(": "))
                    .map(|(pkg, _)| pkg.split(':').next().unwrap_or(pkg).to_owned())
            })
    })
}

/// Package names in a Depends field (alternatives included, versions and arch dropped).
fn depends_names(depends: &str) -> BTreeSet<String> {
    depends
        .split([',', '|'])
        .filter_map(|d| d.split_whitespace().next())
        .map(|d| d.split(':').next().unwrap_or(d).to_owned())
        .collect()
}

/// Where `ldd` found `soname`: `name => /path (addr)`, or `/path/name (addr)` for the dynamic
/// loader itself.
fn ldd_path<'a>(ldd: &'a str, soname: &str) -> Option<&'a str> {
    ldd.lines().find_map(|line| {
        let line = line.trim();
        match line.split_once("=>") {
            Some((name, rest)) if name.trim() == soname => rest.split_whitespace().next(),
            None => line
                .split_whitespace()
                .next()
                .filter(|p| p.starts_with('/') && p.ends_with(&format!("/{soname}"))),
            _ => None,
        }
    })
}

/// What `xdg-mime` says handles `x-scheme-handler/<scheme>` in this session.
fn default_handler(scheme: &str) -> Result<String> {
    Ok(run(Command::new("xdg-mime").args([
        "query",
        "default",
        &format!("x-scheme-handler/{scheme}"),
    ]))?
    .trim()
    .to_owned())
}

/// X ids of the visible windows of process `pid`.
fn visible_windows_of(pid: u32) -> Vec<String> {
    Command::new("xdotool")
        .args(["search", "--onlyvisible", "--pid", &pid.to_string()])
        .stdin(Stdio::null())
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The XDG autostart entry the desktop session reads at login (`$XDG_CONFIG_HOME/autostart`,
/// which is `$HOME/.config` in the session).
fn autostart_entry() -> PathBuf {
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .unwrap_or_else(|| PathBuf::from("/nonexistent"));
    config.join("autostart").join("callpop.desktop")
}

/// Makes WebDriver talk to one of the app's windows, opening the main window from the tray
/// when none is open (the page that called `save_settings` may have closed itself).
async fn with_a_window(app: &App) -> Result<()> {
    match app.windows().await?.into_iter().next() {
        Some((handle, _)) => app.client().switch_to_window(handle).await?,
        None => app.open_main().await?,
    }
    eventually("the page and its IPC to be ready", SOON, || async {
        let ready = app
            .client()
            .execute(
                "return document.readyState === 'complete' && !!(window.__TAURI__ && window.__TAURI__.core)",
                vec![],
            )
            .await?;
        Ok((ready == true).then_some(()))
    })
    .await
}

/// Turns "Start at login" on or off the way the settings page does: the current settings
/// from `get_settings`, sent back through `save_settings` with only that changed.
async fn set_start_at_login(app: &App, on: bool) -> Result<()> {
    with_a_window(app).await?;
    let view = app.invoke("get_settings", json!({})).await?;
    let mut settings = view["settings"].clone();
    ensure!(
        settings.is_object(),
        "get_settings gave no settings: {view}"
    );
    settings["start_at_login"] = json!(on);
    app.invoke("save_settings", json!({ "settings": settings }))
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "installs the package system-wide: tests/e2e/package.sh builds it and runs this as root"]
async fn deb_installs_starts_handles_links_starts_at_login_and_removes() -> Result<()> {
    let session = session_or_skip!();
    let Some(deb) = std::env::var_os(DEB_ENV).map(PathBuf::from) else {
        eprintln!(
            "callpop-e2e package: skipped (passes without running): no package to test; \
             tests/e2e/package.sh builds one and runs this test with {DEB_ENV} set."
        );
        return Ok(());
    };
    if std::fs::metadata("/proc/self")?.uid() != 0 {
        eprintln!(
            "callpop-e2e package: SKIPPED (passes without running): installing the package \
             with dpkg -i needs root. CI runs as root; run tests/e2e/package.sh as root to test it."
        );
        return Ok(());
    }
    ensure!(deb.is_file(), "{DEB_ENV}={} is no file", deb.display());
    ensure!(
        !is_installed(),
        "callpop is already installed on this machine ({}); this test would replace and then \
         remove it. Remove it first (dpkg -r callpop) or run the test elsewhere.",
        installed_status()
    );
    let field = |name: &str| -> Result<String> {
        Ok(run(Command::new("dpkg-deb").arg("-f").arg(&deb).arg(name))?
            .trim()
            .to_owned())
    };
    let version = field("Version")?;
    let depends = depends_names(&field("Depends")?);

    // ---- install ------------------------------------------------------------------------
    eprintln!("[package] dpkg -i {}", deb.display());
    let mut guard = InstalledGuard { armed: true };
    dpkg(&["-i", &deb.display().to_string()]).await?;
    ensure!(is_installed(), "after dpkg -i: {:?}", installed_status());

    // Every file the package lists is on disk, and the ones a desktop needs are among them.
    let listed: Vec<PathBuf> = dpkg(&["-L", "callpop"])
        .await?
        .lines()
        .map(PathBuf::from)
        .collect();
    for path in &listed {
        ensure!(
            path.exists(),
            "dpkg -L lists {} but it is not there",
            path.display()
        );
    }
    let listed_files: Vec<&PathBuf> = listed.iter().filter(|p| p.is_file()).collect();
    let must_have = |path: &str| -> Result<()> {
        ensure!(
            listed.iter().any(|p| p == Path::new(path)) && Path::new(path).is_file(),
            "the package must install {path}; it installed {listed_files:?}"
        );
        Ok(())
    };
    must_have(INSTALLED_BIN)?;
    ensure!(
        std::fs::metadata(INSTALLED_BIN)?.permissions().mode() & 0o111 == 0o111,
        "{INSTALLED_BIN} is not executable"
    );
    must_have(DESKTOP_ENTRY)?;
    must_have("/usr/share/doc/callpop/copyright")?;
    must_have("/usr/share/man/man1/callpop.1.gz")?;
    ensure!(
        listed_files
            .iter()
            .any(|p| p.starts_with("/usr/share/metainfo")
                && p.extension().is_some_and(|e| e == "xml")),
        "no AppStream metainfo in {listed_files:?}"
    );
    // The app icon at each size the repository has (icons/NxN.png, icons/icon.png), byte for
    // byte, in the hicolor theme, and the SVG as the scalable one.
    let icons_dir = session.e2e_dir.join("../../icons");
    let mut sizes = Vec::new();
    for entry in std::fs::read_dir(&icons_dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let is_app_icon = name == "icon.png"
            || (name.ends_with(".png") && name.starts_with(|c: char| c.is_ascii_digit()));
        if !is_app_icon {
            continue;
        }
        let (w, h) = png_size(&path)?;
        let installed = format!("/usr/share/icons/hicolor/{w}x{h}/apps/callpop.png");
        must_have(&installed)?;
        ensure!(
            std::fs::read(&installed)? == std::fs::read(&path)?,
            "{installed} differs from {}",
            path.display()
        );
        sizes.push(w);
    }
    ensure!(sizes.len() >= 3, "icons found in icons/: {sizes:?}");
    must_have("/usr/share/icons/hicolor/scalable/apps/callpop.svg")?;
    eprintln!("[package] files in place (icons at {sizes:?} px and scalable)");

    // The desktop entry: a link handler that hands the link to callpop as its argument.
    let entry = std::fs::read_to_string(DESKTOP_ENTRY)?;
    let exec = desktop_key(&entry, "Exec").unwrap_or_default();
    ensure!(
        exec == "callpop %u",
        "Exec must hand one link to callpop: {exec:?}"
    );
    let mime = desktop_key(&entry, "MimeType").unwrap_or_default();
    for scheme in SCHEMES {
        ensure!(
            mime.split(';')
                .any(|m| m == format!("x-scheme-handler/{scheme}")),
            "MimeType lacks {scheme}: {mime:?}"
        );
    }

    // Depends names the package of every library the binary links (DT_NEEDED).
    let needed = run(Command::new("objdump").args(["-p", INSTALLED_BIN]))?;
    let ldd = run(Command::new("ldd").arg(INSTALLED_BIN))?;
    ensure!(!ldd.contains("not found"), "unresolved libraries:\n{ldd}");
    for soname in needed
        .lines()
        .filter_map(|l| l.trim().strip_prefix("NEEDED"))
        .map(str::trim)
    {
        let path =
            ldd_path(&ldd, soname).ok_or_else(|| fail(format!("ldd does not resolve {soname}")))?;
        let pkg = package_of(Path::new(path))
            .ok_or_else(|| fail(format!("{path} ({soname}) is in no Debian package")))?;
        ensure!(
            depends.contains(&pkg),
            "the binary links {soname} from {pkg}, which Depends ({depends:?}) does not name"
        );
    }

    let said = run(Command::new(INSTALLED_BIN).arg("--version"))?;
    ensure!(
        said.trim() == format!("callpop {version}"),
        "callpop --version said {said:?}, the package is {version}"
    );

    // Registered as the handler of the schemes (dpkg's trigger ran update-desktop-database).
    for scheme in SCHEMES {
        let handler = default_handler(scheme)?;
        ensure!(
            handler == "callpop.desktop",
            "xdg-mime names {handler:?} as the handler of {scheme}: links, not callpop.desktop"
        );
    }
    eprintln!("[package] callpop.desktop handles {SCHEMES:?} links");

    // ---- the installed app runs ---------------------------------------------------------
    let installed = Session {
        app_bin: PathBuf::from(INSTALLED_BIN),
        ..session.clone()
    };
    let sc = Scenario::new(&installed, "package")?;
    let desktop = session.desktop();
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let passcode = callpop_e2e::unique_passcode("pkg");
    let phone = Phone::start(&passcode).await?;
    let autostart = autostart_entry();
    let _ = std::fs::remove_file(&autostart);

    // A first run: the settings window, from the installed binary with its embedded pages.
    let app = App::launch(&sc, &[]).await?;
    ensure!(
        std::fs::read_link(format!("/proc/{}/exe", app.pid))? == Path::new(INSTALLED_BIN),
        "the app under test is not {INSTALLED_BIN}"
    );
    let url = app.client().current_url().await?.to_string();
    ensure!(
        url.starts_with("tauri://") || url.starts_with("http://tauri.localhost"),
        "the page must come from the binary itself (custom protocol), not {url}"
    );
    let windows = eventually("a visible window of the app", SOON, || async {
        let ids = visible_windows_of(app.pid);
        Ok((!ids.is_empty()).then_some(ids))
    })
    .await?;
    // The desktop matches windows to the entry by StartupWMClass: it must be the class the
    // app's windows carry, or docks show a second, generic icon.
    if let Some(class) = desktop_key(&entry, "StartupWMClass") {
        let ids = run(Command::new("xdotool").args([
            "search",
            "--onlyvisible",
            "--class",
            &format!("^{class}$"),
        ]))
        .unwrap_or_default();
        ensure!(
            windows
                .iter()
                .any(|w| ids.split_whitespace().any(|i| i == w)),
            "StartupWMClass={class} matches none of the app's windows {windows:?}"
        );
    }
    // The page is there and drawn: its words come from the pages compiled into the binary.
    with_a_window(&app).await?;
    let words = app
        .client()
        .execute(
            "return document.body ? document.body.innerText : ''",
            vec![],
        )
        .await?;
    ensure!(
        words.as_str().is_some_and(|w| !w.trim().is_empty()),
        "the installed app's window shows no text: {words}"
    );
    app.painted().await;
    sc.screenshot_screen(Some("installed-first-run"))?;
    // The tray library callpop loads at run time (dlopen) is a declared dependency too.
    eventually("the tray item to register", SOON, || async {
        Ok(desktop
            .tray_labels()
            .ok()
            .filter(|l| l.iter().any(|x| x == "Quit"))
            .map(|_| ()))
    })
    .await?;
    let maps = std::fs::read_to_string(format!("/proc/{}/maps", app.pid))?;
    let tray_lib = maps
        .split_whitespace()
        .find(|w| w.contains("appindicator3.so"))
        .ok_or_else(|| fail("the running app has no appindicator library loaded"))?;
    let tray_pkg = package_of(Path::new(tray_lib))
        .ok_or_else(|| fail(format!("{tray_lib} is in no Debian package")))?;
    ensure!(
        depends.contains(&tray_pkg),
        "the tray needs {tray_pkg} ({tray_lib}), which Depends ({depends:?}) does not name"
    );

    // Set up the phone as the settings page does; "Start at login" on.
    with_a_window(&app).await?;
    let view = app.invoke("get_settings", json!({})).await?;
    let mut settings = view["settings"].clone();
    let mut profile = view["kinds"]
        .as_array()
        .and_then(|kinds| kinds.iter().find(|k| k["kind"] == "grandstream"))
        .map(|k| k["blank"].clone())
        .ok_or_else(|| fail(format!("get_settings offers no Grandstream phone: {view}")))?;
    profile["url"] = json!(phone.url());
    profile["name"] = json!("Desk");
    let phone_id = profile["id"].as_str().unwrap_or_default().to_owned();
    settings["phones"] = json!([profile]);
    ensure!(
        !autostart.exists(),
        "{} exists before Start at login was turned on",
        autostart.display()
    );
    settings["start_at_login"] = json!(true);
    app.invoke(
        "save_settings",
        json!({ "settings": settings, "passwords": { phone_id: passcode } }),
    )
    .await?;
    // The app watches the phone with the password it put into the keyring.
    phone
        .wait_request("api-get_line_status", None, SOON, |r| {
            r.param("passcode") == Some(passcode.as_str())
        })
        .await?;

    // ---- start at login: the entry ------------------------------------------------------
    let text = std::fs::read_to_string(&autostart).map_err(|e| {
        fail(format!(
            "Start at login on, but no autostart entry at {}: {e}",
            autostart.display()
        ))
    })?;
    eprintln!("[package] autostart entry:\n{text}");
    ensure!(
        desktop_key(&text, "Type").as_deref() == Some("Application"),
        "autostart entry is no application: {text}"
    );
    ensure!(
        desktop_key(&text, "Hidden").as_deref() != Some("true"),
        "autostart entry is hidden: {text}"
    );
    let autostart_exec = desktop_key(&text, "Exec").unwrap_or_default();
    let argv: Vec<&str> = autostart_exec.split_whitespace().collect();
    ensure!(
        argv.first() == Some(&INSTALLED_BIN) || argv.first() == Some(&"callpop"),
        "the autostart entry must start the installed callpop, not {autostart_exec:?}"
    );
    ensure!(
        argv.iter()
            .skip(1)
            .all(|a| a.starts_with("--") && !a.starts_with("--demo")),
        "the autostart entry must start the real app, not {autostart_exec:?}"
    );

    // ---- a tel: link, opened the way a browser or mail client opens it -------------------
    let mark = desktop.notification_mark();
    let before = phone.last_seq();
    run(Command::new("gio").args(["open", "tel:203"]))?;
    let shown = desktop
        .wait_notification(mark, "the \"Dialing 203\" notification", SOON, |n| {
            n.is_notify() && n.summary.starts_with("Dialing")
        })
        .await?;
    ensure!(
        shown.summary == "Dialing 203",
        "summary {:?}",
        shown.summary
    );
    phone.expect_dialed(before, "203", secs(10)).await?;
    // The far end hangs up: no call is left for the next start to show.
    phone.wait_line(1, LineState::Calling, SOON).await?;
    phone.sim().remote_hangup(1)?;
    phone.wait_line(1, LineState::Idle, SOON).await?;
    let ours = format!("{}={}", callpop_e2e::SESSION_ENV, session.run_dir.display());
    eventually("the link's callpop to hand over and exit", SOON, || async {
        let pids = callpop_pids(&ours);
        Ok((pids == vec![app.pid]).then_some(()))
    })
    .await?;
    eprintln!("[package] gio open tel:203 dialled 203 through the running app");

    // ---- start at login off and on again -------------------------------------------------
    set_start_at_login(&app, false).await?;
    ensure!(
        !autostart.exists(),
        "Start at login off, but {} is still there",
        autostart.display()
    );
    set_start_at_login(&app, true).await?;
    ensure!(
        autostart.exists(),
        "Start at login on again, but no {}",
        autostart.display()
    );
    app.quit().await;
    eventually("the app to end", SOON, || async {
        Ok(callpop_pids(&ours).is_empty().then_some(()))
    })
    .await?;

    // ---- login: the session starts the entry ---------------------------------------------
    // As a desktop session does (GLib's desktop entry launcher), with the user's settings.
    let before = phone.last_seq();
    let log = sc.log_path("autostarted");
    run(Command::new("gio")
        .arg("launch")
        .arg(&autostart)
        .envs(sc.app_env())
        .env_remove("CALLPOP_PASSCODE")
        .stdout(std::fs::File::create(&log)?)
        .stderr(std::fs::File::options().append(true).open(&log)?))?;
    let pid = eventually("callpop started from the autostart entry", SOON, || async {
        Ok(callpop_pids(&ours).first().copied())
    })
    .await?;
    let _stop = StopOnDrop(pid);
    ensure!(
        std::fs::read_link(format!("/proc/{pid}/exe"))? == Path::new(INSTALLED_BIN),
        "the autostart entry started {:?}",
        std::fs::read_link(format!("/proc/{pid}/exe"))
    );
    // It watches the phone with the password from the keyring...
    phone
        .wait_request("api-get_line_status", before, secs(20), |r| {
            r.param("passcode") == Some(passcode.as_str())
        })
        .await
        .map_err(|e| {
            fail(format!(
                "the autostarted callpop does not watch the phone: {e} (log {})",
                log.display()
            ))
        })?;
    eventually("the autostarted app's tray item", SOON, || async {
        Ok(desktop
            .tray_labels()
            .ok()
            .filter(|l| l.iter().any(|x| x == "Quit"))
            .map(|_| ()))
    })
    .await?;
    // ...from the tray only: no window, no web page process.
    let windows = visible_windows_of(pid);
    let web: Vec<u32> = descendants(pid)
        .into_iter()
        .filter(|p| comm(*p).is_some_and(|c| c.starts_with("WebKit")))
        .collect();
    sc.screenshot_screen(Some("autostarted"))?;
    ensure!(
        windows.is_empty() && web.is_empty(),
        "started at login callpop must stay in the tray, but shows windows {windows:?} \
         (WebKit processes {web:?}); log {}",
        log.display()
    );
    eprintln!("[package] the autostart entry started callpop in the tray, watching the phone");
    desktop.tray_click("Quit")?;
    eventually("callpop to quit from the tray", SOON, || async {
        Ok((!callpop_e2e::alive(pid)).then_some(()))
    })
    .await?;

    // ---- remove ---------------------------------------------------------------------------
    dpkg(&["-r", "callpop"]).await?;
    guard.armed = false;
    ensure!(!is_installed(), "after dpkg -r: {:?}", installed_status());
    let left: Vec<&&PathBuf> = listed_files.iter().filter(|p| p.exists()).collect();
    ensure!(left.is_empty(), "dpkg -r left files behind: {left:?}");
    for scheme in SCHEMES {
        let handler = default_handler(scheme).unwrap_or_default();
        ensure!(
            handler != "callpop.desktop",
            "{scheme}: links still go to callpop.desktop after removal"
        );
    }
    let cache =
        std::fs::read_to_string("/usr/share/applications/mimeinfo.cache").unwrap_or_default();
    ensure!(
        !cache.contains("callpop.desktop"),
        "mimeinfo.cache still names callpop.desktop after removal"
    );
    eprintln!("[package] dpkg -r removed every file and the link registration");
    Ok(())
}

/// Ends a callpop the test started outside WebDriver if the test fails before it quits.
struct StopOnDrop(u32);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        if callpop_e2e::alive(self.0) {
            callpop_e2e::signal(self.0, "TERM");
        }
    }
}
