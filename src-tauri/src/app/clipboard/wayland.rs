//! The selections on Wayland, tried in order for each of the two:
//!
//! 1. the data-control protocol (wl-clipboard-rs), which reads without a window of ours
//!    having the focus, where the compositor offers it (KDE, sway, wlroots; not GNOME);
//! 2. the `wl-paste` command (package wl-clipboard) when it is installed: it knows more
//!    tricks for other compositors;
//! 3. the X11 selections through XWayland, what worked before.
//!
//! A way that cannot read (no protocol, no command, an error) hands over to the next; one
//! that reads an empty selection is an answer. Nothing may hang the dial: each read has a
//! deadline, and a `wl-paste` still running then is killed.

use super::Kind;
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long one read may take: the app that owns the selection sends it, and may be stuck.
const DEADLINE: Duration = Duration::from_secs(1);

/// Primary selection and clipboard, in that order, with `x11` as the last resort.
pub fn texts(x11: &mut dyn FnMut(Kind) -> Option<String>) -> Vec<String> {
    read_in_order(&mut data_control, std::env::var_os("PATH").as_deref(), x11)
}

/// The order itself, with the first and last ways given (the tests replace them).
fn read_in_order(
    data_control: &mut dyn FnMut(Kind) -> Option<String>,
    path_var: Option<&OsStr>,
    x11: &mut dyn FnMut(Kind) -> Option<String>,
) -> Vec<String> {
    let wl_paste = path_var.and_then(|p| find_program("wl-paste", p));
    [Kind::Primary, Kind::Clipboard]
        .into_iter()
        .map(|kind| {
            data_control(kind)
                .or_else(|| wl_paste.as_deref().and_then(|p| run_wl_paste(p, kind)))
                .or_else(|| x11(kind))
                .unwrap_or_default()
        })
        .collect()
}

/// Reads through the compositor's data-control protocol; `None` when it has none (or no
/// compositor answers).
fn data_control(kind: Kind) -> Option<String> {
    use wl_clipboard_rs::paste::{get_contents, ClipboardType, Error, MimeType, Seat};
    let which = match kind {
        Kind::Primary => ClipboardType::Primary,
        Kind::Clipboard => ClipboardType::Regular,
    };
    within_deadline(
        move || match get_contents(which, Seat::Unspecified, MimeType::Text) {
            Ok((mut pipe, _mime)) => {
                let mut bytes = Vec::new();
                match pipe.read_to_end(&mut bytes) {
                    Ok(_) => Some(String::from_utf8_lossy(&bytes).into_owned()),
                    Err(e) => {
                        tracing::debug!("data-control read: {e}");
                        None
                    }
                }
            }
            // The protocol works; there is just nothing (or no text) there.
            Err(Error::ClipboardEmpty | Error::NoMimeType) => Some(String::new()),
            Err(e) => {
                tracing::debug!("data-control clipboard unavailable: {e}");
                None
            }
        },
    )
    .flatten()
}

/// Runs `wl-paste --no-newline [--primary]`; `None` when it fails or overstays the deadline
/// (then it is killed).
fn run_wl_paste(program: &Path, kind: Kind) -> Option<String> {
    let mut cmd = Command::new(program);
    cmd.arg("--no-newline");
    if kind == Kind::Primary {
        cmd.arg("--primary");
    }
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| tracing::debug!("{}: {e}", program.display()))
        .ok()?;
    // Read while it runs: a long text would fill the pipe and stall it otherwise.
    let (tx, rx) = mpsc::channel();
    if let Some(mut out) = child.stdout.take() {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = out.read_to_end(&mut bytes);
            let _ = tx.send(bytes);
        });
    }
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() < DEADLINE => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(None) | Err(_) => {
                tracing::warn!("wl-paste gave no answer within {DEADLINE:?}: stopped");
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    let bytes = rx.recv_timeout(Duration::from_millis(200)).ok()?;
    match status {
        Some(s) if s.success() => Some(String::from_utf8_lossy(&bytes).into_owned()),
        _ => None,
    }
}

/// Runs `read` on a thread of its own and gives up on it after the deadline (the thread
/// then ends on its own whenever the other side answers or goes away).
fn within_deadline<T: Send + 'static>(read: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(read());
    });
    rx.recv_timeout(DEADLINE).ok()
}

/// `name` in one of `path_var`'s folders, as the shell would find it.
fn find_program(name: &str, path_var: &OsStr) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    std::env::split_paths(path_var)
        .map(|dir| dir.join(name))
        .find(|p| {
            p.metadata()
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A folder with an executable `wl-paste` script of `body`.
    fn fake_wl_paste(body: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("wl-paste");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write script");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        dir
    }

    /// Prints what it was asked for, so the test sees `--primary` was passed right.
    const ECHOES_KIND: &str = r#"case "$*" in
  *--primary*) printf 'call 416-555-0123' ;;
  *) printf 'clipboard 555-0199' ;;
esac"#;

    fn none(_: Kind) -> Option<String> {
        None
    }

    #[test]
    fn wl_paste_is_used_when_data_control_cannot_read() {
        let dir = fake_wl_paste(ECHOES_KIND);
        let mut x11_asked = Vec::new();
        let texts = read_in_order(&mut none, Some(dir.path().as_os_str()), &mut |k| {
            x11_asked.push(k);
            Some("x11".into())
        });
        assert_eq!(texts, ["call 416-555-0123", "clipboard 555-0199"]);
        assert!(x11_asked.is_empty(), "XWayland asked too: {x11_asked:?}");
    }

    #[test]
    fn data_control_comes_first() {
        let dir = fake_wl_paste(ECHOES_KIND);
        let texts = read_in_order(
            &mut |k| Some(format!("data-control {k:?}")),
            Some(dir.path().as_os_str()),
            &mut |_| Some("x11".into()),
        );
        assert_eq!(texts, ["data-control Primary", "data-control Clipboard"]);
    }

    #[test]
    fn xwayland_is_the_last_resort() {
        let empty = tempfile::tempdir().expect("temp dir");
        let texts = read_in_order(&mut none, Some(empty.path().as_os_str()), &mut |k| {
            Some(format!("x11 {k:?}"))
        });
        assert_eq!(texts, ["x11 Primary", "x11 Clipboard"]);
        let texts = read_in_order(&mut none, None, &mut none);
        assert_eq!(texts, ["", ""]);
    }

    #[test]
    fn a_failing_wl_paste_hands_over_to_xwayland() {
        let dir = fake_wl_paste("echo 'Nothing is copied' >&2; exit 1");
        let texts = read_in_order(&mut none, Some(dir.path().as_os_str()), &mut |_| {
            Some("x11".into())
        });
        assert_eq!(texts, ["x11", "x11"]);
    }

    #[test]
    fn a_hanging_wl_paste_is_killed_at_the_deadline() {
        let dir = fake_wl_paste("printf partial; exec sleep 30");
        let started = Instant::now();
        let texts = read_in_order(&mut none, Some(dir.path().as_os_str()), &mut |_| {
            Some("x11".into())
        });
        let took = started.elapsed();
        assert_eq!(texts, ["x11", "x11"]);
        assert!(
            took < DEADLINE * 2 + Duration::from_secs(1),
            "two reads took {took:?}"
        );
    }

    #[test]
    fn a_long_text_does_not_stall_wl_paste() {
        let dir = fake_wl_paste("head -c 300000 /dev/zero | tr '\\0' 7");
        let texts = read_in_order(&mut none, Some(dir.path().as_os_str()), &mut none);
        assert_eq!(texts[1].len(), 300_000);
        assert!(texts[1].bytes().all(|b| b == b'7'));
    }

    #[test]
    fn programs_are_found_only_when_executable() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("wl-paste"), "not executable").expect("write");
        assert_eq!(find_program("wl-paste", dir.path().as_os_str()), None);
        let exec = fake_wl_paste("true");
        let path = std::env::join_paths([dir.path(), exec.path()]).expect("join");
        assert_eq!(
            find_program("wl-paste", &path),
            Some(exec.path().join("wl-paste"))
        );
    }
}

/// Reads from a real compositor: headless sway (wlroots, with data-control), its selections
/// set by `wl-copy`. Skipped, saying so, where sway or wl-copy is not installed
/// (`scripts/deps.sh test` installs both).
#[cfg(test)]
mod real_compositor {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::process::Child;

    const PRIMARY: &str = "Ann: call me at 416-555-0123";
    const CLIPBOARD: &str = "+1 (416) 555-0199";

    /// Headless sway on its own runtime folder, and the `wl-copy` processes serving its
    /// selections; all stopped when dropped.
    struct Sway {
        child: Child,
        copies: Vec<Child>,
        runtime: tempfile::TempDir,
        display: String,
    }

    impl Drop for Sway {
        fn drop(&mut self) {
            for child in self.copies.iter_mut().chain([&mut self.child]) {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    fn on_path(name: &str) -> bool {
        std::env::var_os("PATH").is_some_and(|p| find_program(name, &p).is_some())
    }

    fn start_sway() -> Sway {
        let runtime = tempfile::tempdir().expect("runtime dir");
        let config = runtime.path().join("sway.cfg");
        std::fs::write(&config, "output HEADLESS-1 resolution 640x480\n").expect("config");
        std::fs::set_permissions(runtime.path(), std::fs::Permissions::from_mode(0o700))
            .expect("chmod");
        // sway refuses to run as root: as root, it runs as `nobody` (setpriv execs it, so
        // the child killed at the end is sway itself), in a folder of its own.
        let as_root = unsafe { libc::geteuid() } == 0;
        let mut cmd = if as_root {
            let status = Command::new("chown")
                .args(["-R", "nobody"])
                .arg(runtime.path())
                .status()
                .expect("chown");
            assert!(status.success(), "chown failed");
            let mut c = Command::new("setpriv");
            c.args([
                "--reuid=nobody",
                "--regid=nogroup",
                "--clear-groups",
                "sway",
            ]);
            c
        } else {
            Command::new("sway")
        };
        let child = cmd
            .arg("-c")
            .arg(&config)
            .env("XDG_RUNTIME_DIR", runtime.path())
            .env("HOME", runtime.path())
            .env("WLR_BACKENDS", "headless")
            .env("WLR_LIBINPUT_NO_DEVICES", "1")
            .env("WLR_RENDERER", "pixman")
            .env_remove("WAYLAND_DISPLAY")
            .env_remove("DISPLAY")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start sway");
        let mut sway = Sway {
            child,
            copies: Vec::new(),
            runtime,
            display: String::new(),
        };
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            let found = std::fs::read_dir(sway.runtime.path())
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .find(|n| n.starts_with("wayland-") && !n.ends_with(".lock"));
            if let Some(name) = found {
                sway.display = name;
                return sway;
            }
            if let Ok(Some(status)) = sway.child.try_wait() {
                panic!("sway ended at start: {status}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("sway made no Wayland socket within 10 s");
    }

    fn wayland_env(cmd: &mut Command, sway: &Sway) {
        cmd.env("XDG_RUNTIME_DIR", sway.runtime.path())
            .env("WAYLAND_DISPLAY", &sway.display)
            .env_remove("DISPLAY");
    }

    /// Sets a selection with `wl-copy --foreground` (kept as a child, to be stopped at the
    /// end) and waits until `wl-paste` sees it.
    fn wl_copy(sway: &mut Sway, primary: bool, text: &str) {
        let flags: &[&str] = if primary { &["--primary"] } else { &[] };
        let mut cmd = Command::new("wl-copy");
        cmd.arg("--foreground").args(flags);
        wayland_env(&mut cmd, sway);
        let child = cmd
            .arg(text)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("wl-copy");
        sway.copies.push(child);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(5) {
            let mut paste = Command::new("wl-paste");
            paste.arg("--no-newline").args(flags);
            wayland_env(&mut paste, sway);
            if paste.output().is_ok_and(|o| o.stdout == text.as_bytes()) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("wl-copy {flags:?} did not set the selection within 5 s");
    }

    /// The reading is done in a child run of this test binary with the compositor in its
    /// environment (the data-control client finds the compositor through it, and this
    /// process's environment is shared by every test running at once).
    #[test]
    fn selections_are_read_from_a_real_compositor() {
        if !on_path("sway") || !on_path("wl-copy") {
            eprintln!("skipped: no sway or wl-copy here (scripts/deps.sh test installs them)");
            return;
        }
        let mut sway = start_sway();
        wl_copy(&mut sway, true, PRIMARY);
        wl_copy(&mut sway, false, CLIPBOARD);
        let exe = std::env::current_exe().expect("test binary");
        let mut cmd = Command::new(exe);
        cmd.args([
            "--exact",
            "app::clipboard::wayland::real_compositor::inside_the_compositor",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ]);
        wayland_env(&mut cmd, &sway);
        let out = cmd
            .env("CALLPOP_TEST_IN_COMPOSITOR", "1")
            .output()
            .expect("child run");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("1 passed"),
            "the read inside the compositor failed:\n{text}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Run only by the test above, in the compositor's environment.
    #[test]
    #[ignore = "run by selections_are_read_from_a_real_compositor"]
    fn inside_the_compositor() {
        assert!(
            std::env::var_os("CALLPOP_TEST_IN_COMPOSITOR").is_some(),
            "run by selections_are_read_from_a_real_compositor, not by hand"
        );
        // The data-control protocol itself, as the app reads first.
        assert_eq!(data_control(Kind::Primary).as_deref(), Some(PRIMARY));
        assert_eq!(data_control(Kind::Clipboard).as_deref(), Some(CLIPBOARD));
        // The real wl-paste, the second way.
        let path = std::env::var_os("PATH").expect("PATH");
        let wl_paste = find_program("wl-paste", &path).expect("wl-paste installed");
        assert_eq!(
            run_wl_paste(&wl_paste, Kind::Primary).as_deref(),
            Some(PRIMARY)
        );
        assert_eq!(
            run_wl_paste(&wl_paste, Kind::Clipboard).as_deref(),
            Some(CLIPBOARD)
        );
        // And the whole: XWayland is never asked when Wayland answers.
        let texts = texts(&mut |_| panic!("XWayland asked although Wayland answered"));
        assert_eq!(texts, [PRIMARY, CLIPBOARD]);
    }
}
