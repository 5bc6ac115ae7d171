//! The harness of callpop's end-to-end tests: the real app, driven like a person uses it, in a
//! headless desktop session made by `tests/e2e/session.sh` (Xvfb, one D-Bus session bus,
//! GNOME Keyring, a notification server, a StatusNotifierWatcher stand-in).
//!
//! - [`Session`]: what the session script set up; `None` outside it, so a plain
//!   `cargo test --workspace` skips these tests with a message (see [`session_or_skip!`]).
//! - [`Scenario`]: a test's own config, data and cache folders and log files.
//! - [`App`]: the app started through tauri-driver and WebKitWebDriver, its windows, buttons
//!   and screenshots.
//! - [`Desktop`]: what the desktop sees: notifications, the tray item and its menu, the
//!   keyring, the clipboard and keyboard.
//! - [`Phone`]: the simulated desk phone (`callpop-phone-sim`), in this process.
//! - [`configured`]: a settings file with the phones of a scenario, written before the app
//!   starts (any phone system), so a test can begin where a person who set callpop up
//!   earlier begins: the app starts with its main window on the phones.

mod app;
pub mod configured;
mod desktop;
mod phone;
mod procs;
pub mod screen;
mod wait;

pub use app::{fill_first_run, SOON};
pub use app::{App, Window};
pub use desktop::{
    bus_has_owner, Desktop, FakePortal, Notification, NotificationServer, ServerKind,
};
pub use phone::Phone;
pub use procs::{alive, callpop_pids, comm, cpu_ticks, descendants, pss_kib, signal};
pub use screen::Screen;
pub use wait::{eventually, sleep_ms};

use std::path::{Path, PathBuf};

/// Any failure in a test, with a message that says what was expected.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error from a message.
pub fn fail(message: impl Into<String>) -> Error {
    message.into().into()
}

/// Returns early from a test with `Err(fail(format!(...)))`.
#[macro_export]
macro_rules! bail {
    ($($arg:tt)*) => { return Err($crate::fail(format!($($arg)*))) };
}

/// Fails the test with a message unless `cond` holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($arg:tt)*) => { if !$cond { $crate::bail!($($arg)*); } };
}

/// The session made by `tests/e2e/session.sh` and the paths `tests/e2e/run.sh` passes on.
#[derive(Clone, Debug)]
pub struct Session {
    /// The per-run folder: HOME, XDG dirs, logs, everything the run writes.
    pub run_dir: PathBuf,
    /// The callpop binary under test.
    pub app_bin: PathBuf,
    pub tauri_driver: PathBuf,
    /// Where screenshots go (`<target>/e2e-screenshots`).
    pub screenshots: PathBuf,
    /// tests/e2e in the repository.
    pub e2e_dir: PathBuf,
}

/// Set by `tests/e2e/session.sh`; the tests run only when it is there.
pub const SESSION_ENV: &str = "CALLPOP_E2E_SESSION";

impl Session {
    /// The session, or `None` when not running inside `tests/e2e/session.sh`.
    pub fn get() -> Option<Session> {
        let run_dir = PathBuf::from(std::env::var_os(SESSION_ENV)?);
        let var = |name: &str| std::env::var_os(name).map(PathBuf::from);
        // From run.sh at run time: a path baked in at compile time would point at whichever
        // checkout built this binary, which a shared build cache may reuse for another.
        let e2e_dir = std::env::var_os("CALLPOP_E2E_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        let target = var("CALLPOP_E2E_TARGET_DIR").unwrap_or_else(|| e2e_dir.join("../../target"));
        Some(Session {
            app_bin: var("CALLPOP_E2E_APP").unwrap_or_else(|| target.join("debug/callpop")),
            tauri_driver: var("CALLPOP_E2E_TAURI_DRIVER")
                .unwrap_or_else(|| PathBuf::from("tauri-driver")),
            screenshots: var("CALLPOP_E2E_SCREENSHOTS")
                .unwrap_or_else(|| target.join("e2e-screenshots")),
            run_dir,
            e2e_dir,
        })
    }

    pub fn desktop(&self) -> Desktop {
        Desktop::new(self)
    }
}

/// Skips the test (passing, with a message on stderr) outside the e2e session.
#[macro_export]
macro_rules! session_or_skip {
    () => {
        match $crate::Session::get() {
            Some(session) => session,
            None => {
                $crate::note_skipped();
                return Ok(());
            }
        }
    };
}

/// Says once per test binary, past libtest's output capture, why these tests did nothing.
pub fn note_skipped() {
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "callpop-e2e: end-to-end tests skipped (they pass without running): they need the headless desktop session. Run tests/e2e/run.sh (scripts/test.sh does)."
        );
    });
}

/// One test's corner of the session: its own XDG config, data, cache and state folders (so
/// one test's settings, call history or remembered rejected logins never reach another), its
/// logs and its screenshots.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub session: Session,
    pub dir: PathBuf,
    pub config_home: PathBuf,
    pub data_home: PathBuf,
    pub cache_home: PathBuf,
    /// `XDG_STATE_HOME`: where the app remembers the logins a phone rejected.
    pub state_home: PathBuf,
}

impl Scenario {
    pub fn new(session: &Session, name: &str) -> Result<Scenario> {
        let dir = session.run_dir.join("scenarios").join(name);
        let scenario = Scenario {
            name: name.to_owned(),
            session: session.clone(),
            config_home: dir.join("config"),
            data_home: dir.join("data"),
            cache_home: dir.join("cache"),
            state_home: dir.join("state"),
            dir,
        };
        for d in [
            &scenario.config_home,
            &scenario.data_home,
            &scenario.cache_home,
            &scenario.state_home,
        ] {
            std::fs::create_dir_all(d)?;
        }
        std::fs::create_dir_all(&session.screenshots)?;
        std::fs::create_dir_all(session.run_dir.join("logs"))?;
        eprintln!("[{name}] scenario folder {}", scenario.dir.display());
        Ok(scenario)
    }

    /// `$XDG_CONFIG_HOME/callpop/settings.toml` as the app sees it.
    pub fn settings_path(&self) -> PathBuf {
        self.config_home.join("callpop").join("settings.toml")
    }

    /// The environment the app runs with in this scenario.
    pub fn app_env(&self) -> Vec<(String, String)> {
        let s = |p: &Path| p.display().to_string();
        vec![
            ("XDG_CONFIG_HOME".into(), s(&self.config_home)),
            ("XDG_DATA_HOME".into(), s(&self.data_home)),
            ("XDG_CACHE_HOME".into(), s(&self.cache_home)),
            ("XDG_STATE_HOME".into(), s(&self.state_home)),
            // The session is X11 (Xvfb), whatever the machine running the tests logged into;
            // a test of the Wayland paths says XDG_SESSION_TYPE=wayland itself.
            ("XDG_SESSION_TYPE".into(), "x11".into()),
        ]
    }

    pub fn log_path(&self, what: &str) -> PathBuf {
        self.session
            .run_dir
            .join("logs")
            .join(format!("{}-{what}.log", self.name))
    }

    /// `<screenshots>/<scenario>.png` (or `<scenario>-<step>.png`): the whole screen, as a
    /// person sees it (windows, notifications), through ImageMagick's `import`.
    pub fn screenshot_screen(&self, step: Option<&str>) -> Result<PathBuf> {
        let name = match step {
            Some(step) => format!("{}-{step}.png", self.name),
            None => format!("{}.png", self.name),
        };
        let path = self.session.screenshots.join(name);
        let out = std::process::Command::new("import")
            .args(["-window", "root"])
            .arg(&path)
            .output()?;
        ensure!(
            out.status.success(),
            "import -window root failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!("[{}] screenshot {}", self.name, path.display());
        Ok(path)
    }
}

/// A passcode distinctive enough to grep for.
pub fn unique_passcode(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{tag}-Pw{nanos:09}-q7Z")
}

/// Files under `root` whose bytes contain `needle` (symlinks not followed, unreadable files
/// skipped, sockets and devices ignored).
pub fn files_containing(root: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                if let Ok(bytes) = std::fs::read(&path) {
                    if bytes.windows(needle.len()).any(|w| w == needle) {
                        found.push(path);
                    }
                }
            }
        }
    }
    found
}
