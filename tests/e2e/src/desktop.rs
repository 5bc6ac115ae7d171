//! What the desktop around the app sees and does: notifications (recorded off the bus by
//! `desktop/notifyd.py monitor`), the tray item and its menu (`desktop/tray.py`), the
//! keyring (`secret-tool`), the clipboard (`xclip`), the keyboard (`xdotool`) and the
//! desktop's GlobalShortcuts portal (`desktop/fake_portal.py`).

use crate::{ensure, eventually, fail, Result, Session};
use serde::Deserialize;
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const PYTHON: &str = "/usr/bin/python3";

/// One record of the notification log (see `desktop/notifyd.py`).
#[derive(Clone, Debug, Deserialize)]
pub struct Notification {
    pub kind: String,
    /// Unix time in seconds when the message crossed the bus.
    pub t: f64,
    #[serde(default)]
    pub id: Option<u32>,
    #[serde(default)]
    pub replaces_id: u32,
    #[serde(default)]
    pub app_name: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default)]
    pub urgency: Option<u8>,
    #[serde(default)]
    pub expire_timeout: i32,
    /// For `kind == "action"`.
    #[serde(default)]
    pub action: String,
}

impl Notification {
    pub fn is_notify(&self) -> bool {
        self.kind == "notify"
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerKind {
    /// `desktop/notifyd.py serve`: shows nothing, answers at once, can fire actions.
    Stub,
    /// The real dunst, drawing bubbles on the Xvfb screen.
    Dunst,
}

/// A notification server owning `org.freedesktop.Notifications` until dropped.
pub struct NotificationServer {
    child: Child,
    pub kind: ServerKind,
}

impl Drop for NotificationServer {
    fn drop(&mut self) {
        end_bus_service(&mut self.child, "org.freedesktop.Notifications");
    }
}

/// Ends a service started by the tests and lets the bus see its `name` go (up to 2.5 s)
/// before another one takes it.
fn end_bus_service(child: &mut Child, name: &str) {
    let _ = child.kill();
    let _ = child.wait();
    for _ in 0..50 {
        if !bus_has_owner(name) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The stand-in GlobalShortcuts portal (`desktop/fake_portal.py`), owning
/// `org.freedesktop.portal.Desktop` until dropped.
pub struct FakePortal {
    child: Child,
    log: PathBuf,
}

impl FakePortal {
    /// The calls the portal received so far (JSON records, see `fake_portal.py`).
    pub fn calls(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|r| r["kind"] != "ready")
            .collect()
    }

    /// The calls named `kind` (e.g. "BindShortcuts").
    pub fn calls_named(&self, kind: &str) -> Vec<Value> {
        self.calls()
            .into_iter()
            .filter(|r| r["kind"] == kind)
            .collect()
    }

    /// Reports a press of the bound shortcut `id`, as the desktop would (`Activated`).
    pub fn activate(&self, id: &str) -> Result<()> {
        run(Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.portal.Desktop",
                "/org/freedesktop/portal/desktop",
                "org.callpop.E2E.Activate",
            ])
            .arg(format!("string:{id}")))?;
        Ok(())
    }
}

impl FakePortal {
    /// The user gives shortcut `id` other keys in the desktop's settings (`ShortcutsChanged`),
    /// `trigger` in the XDG form, e.g. "CTRL+SHIFT+F9".
    pub fn set_trigger(&self, id: &str, trigger: &str) -> Result<()> {
        run(Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.portal.Desktop",
                "/org/freedesktop/portal/desktop",
                "org.callpop.E2E.SetTrigger",
            ])
            .arg(format!("string:{id}"))
            .arg(format!("string:{trigger}")))?;
        Ok(())
    }
}

impl Drop for FakePortal {
    fn drop(&mut self) {
        end_bus_service(&mut self.child, "org.freedesktop.portal.Desktop");
    }
}

/// Whether a name has an owner on the session bus.
pub fn bus_has_owner(name: &str) -> bool {
    Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
        ])
        .arg(format!("string:{name}"))
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
}

fn run(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| fail(format!("{cmd:?}: {e}")))?;
    if !out.status.success() {
        return Err(fail(format!(
            "{cmd:?} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[derive(Clone, Debug)]
pub struct Desktop {
    session: Session,
    notify_log: PathBuf,
}

impl Desktop {
    pub fn new(session: &Session) -> Desktop {
        Desktop {
            notify_log: std::env::var_os("CALLPOP_E2E_NOTIFY_LOG")
                .map(PathBuf::from)
                .unwrap_or_else(|| session.run_dir.join("notifications.jsonl")),
            session: session.clone(),
        }
    }

    fn script(&self, name: &str) -> PathBuf {
        self.session.e2e_dir.join("desktop").join(name)
    }

    // ---- notifications ----------------------------------------------------------------

    /// Starts a notification server. Start it before the app: the app asks the server's
    /// capabilities (buttons or not) once.
    pub async fn notification_server(
        &self,
        kind: ServerKind,
        config_dir: &std::path::Path,
    ) -> Result<NotificationServer> {
        ensure!(
            !bus_has_owner("org.freedesktop.Notifications"),
            "another notification server is still running"
        );
        let log = self.session.run_dir.join("logs").join(match kind {
            ServerKind::Stub => "notifyd-serve.log",
            ServerKind::Dunst => "dunst.log",
        });
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)?;
        let child = match kind {
            ServerKind::Stub => Command::new(PYTHON)
                .arg(self.script("notifyd.py"))
                .arg("serve")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(stderr)
                .spawn()?,
            ServerKind::Dunst => {
                let rc = config_dir.join("dunstrc");
                std::fs::create_dir_all(config_dir)?;
                std::fs::write(&rc, DUNSTRC)?;
                Command::new("dunst")
                    .arg("-config")
                    .arg(&rc)
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(stderr)
                    .spawn()?
            }
        };
        let server = NotificationServer { child, kind };
        eventually(
            "the notification server to own org.freedesktop.Notifications",
            Duration::from_secs(10),
            || async { Ok(bus_has_owner("org.freedesktop.Notifications").then_some(())) },
        )
        .await?;
        Ok(server)
    }

    /// All records so far.
    pub fn notifications(&self) -> Vec<Notification> {
        let text = std::fs::read_to_string(&self.notify_log).unwrap_or_default();
        text.lines()
            .filter_map(|l| serde_json::from_str::<Notification>(l).ok())
            .filter(|n| n.kind != "ready")
            .collect()
    }

    /// How many records there are now, to look only at later ones.
    pub fn notification_mark(&self) -> usize {
        self.notifications().len()
    }

    pub fn notifications_since(&self, mark: usize) -> Vec<Notification> {
        self.notifications().into_iter().skip(mark).collect()
    }

    /// Waits for a record after `mark` matching `pred`.
    pub async fn wait_notification(
        &self,
        mark: usize,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&Notification) -> bool,
    ) -> Result<Notification> {
        let pred = &pred;
        eventually(what, timeout, || async move {
            let since = self.notifications_since(mark);
            match since.iter().find(|n| pred(n)) {
                Some(n) => Ok(Some(n.clone())),
                None => Err(fail(format!(
                    "seen: {:?}",
                    since
                        .iter()
                        .map(|n| format!("{} {:?}", n.kind, n.summary))
                        .collect::<Vec<_>>()
                ))),
            }
        })
        .await
    }

    /// Makes the stub server report that the user clicked `action` on notification `id`.
    pub fn invoke_notification_action(&self, id: u32, action: &str) -> Result<()> {
        run(Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.Notifications",
                "/org/freedesktop/Notifications",
                "org.callpop.E2E.InvokeAction",
            ])
            .arg(format!("uint32:{id}"))
            .arg(format!("string:{action}")))?;
        Ok(())
    }

    // ---- portal -------------------------------------------------------------------------

    /// Starts the stand-in GlobalShortcuts portal, recording into `log`; with `decline` the
    /// "user" declines every shortcut in its dialog. Start it before the app.
    pub async fn fake_portal(&self, log: &std::path::Path, decline: bool) -> Result<FakePortal> {
        ensure!(
            !bus_has_owner("org.freedesktop.portal.Desktop"),
            "another portal is still running"
        );
        let stderr = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.session.run_dir.join("logs").join("fake-portal.log"))?;
        let mut cmd = Command::new(PYTHON);
        cmd.arg(self.script("fake_portal.py")).arg("serve").arg(log);
        if decline {
            cmd.arg("--decline");
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()?;
        let portal = FakePortal {
            child,
            log: log.to_owned(),
        };
        eventually(
            "the fake portal to own org.freedesktop.portal.Desktop",
            Duration::from_secs(10),
            || async { Ok(bus_has_owner("org.freedesktop.portal.Desktop").then_some(())) },
        )
        .await?;
        Ok(portal)
    }

    // ---- tray -------------------------------------------------------------------------

    /// Registrations the StatusNotifierWatcher stand-in received (JSON records).
    pub fn tray_registrations(&self) -> Vec<Value> {
        let path = std::env::var_os("CALLPOP_E2E_SNI_LOG")
            .map(PathBuf::from)
            .unwrap_or_else(|| self.session.run_dir.join("sni.jsonl"));
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// `{"item": {...StatusNotifierItem properties}, "menu": {...dbusmenu layout}}` of the
    /// live tray item.
    pub fn tray(&self) -> Result<Value> {
        let out = run(Command::new(PYTHON).arg(self.script("tray.py")).arg("show"))?;
        Ok(serde_json::from_str(&out)?)
    }

    /// The menu's visible labels, top to bottom (separators as "---").
    pub fn tray_labels(&self) -> Result<Vec<String>> {
        let tray = self.tray()?;
        Ok(menu_entries(&tray["menu"])
            .into_iter()
            .map(|(_, label, _)| label)
            .collect())
    }

    /// Clicks the menu entry labelled `label` (dbusmenu `Event(id, "clicked")`). The app
    /// rebuilds its menu when the call changes; an id that went stale between reading the
    /// menu and clicking is looked up again, as a person would reopen the menu.
    pub fn tray_click(&self, label: &str) -> Result<()> {
        let mut attempt = 0;
        loop {
            let tray = self.tray()?;
            let entries = menu_entries(&tray["menu"]);
            let (id, _, enabled) = entries
                .iter()
                .find(|(_, l, _)| l == label)
                .ok_or_else(|| fail(format!("no tray menu entry {label:?} in {entries:?}")))?;
            ensure!(*enabled, "the tray menu entry {label:?} is disabled");
            match run(Command::new(PYTHON)
                .arg(self.script("tray.py"))
                .arg("click")
                .arg(id.to_string()))
            {
                Err(e)
                    if attempt < 2 && e.to_string().contains("does not refer to a menu item") =>
                {
                    attempt += 1;
                    std::thread::sleep(Duration::from_millis(200));
                }
                other => return other.map(|_| ()),
            }
        }
    }

    // ---- windows ------------------------------------------------------------------------

    /// X ids of the visible windows whose title matches the regex `title`.
    pub fn visible_windows(&self, title: &str) -> Vec<String> {
        Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", title])
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

    /// Closes the visible windows titled `title` (a regex) as a window manager's close button
    /// would (WM_DELETE_WINDOW; the session has no window manager). Returns how many.
    pub fn close_windows(&self, title: &str) -> Result<usize> {
        let ids = self.visible_windows(title);
        if !ids.is_empty() {
            run(Command::new(PYTHON)
                .arg(self.script("xclose.py"))
                .args(&ids))?;
        }
        Ok(ids.len())
    }

    // ---- keyring ----------------------------------------------------------------------

    /// The password callpop keeps for `account` (a phone id: `phone`, `phone-2`...), as the
    /// Secret Service has it (service=callpop, username=ACCOUNT); `None` when there is none.
    pub fn keyring_lookup(&self, account: &str) -> Result<Option<String>> {
        let out = Command::new("secret-tool")
            .args(["lookup", "service", "callpop", "username", account])
            .stdin(Stdio::null())
            .output()?;
        if !out.status.success() {
            return Ok(None);
        }
        Ok(Some(String::from_utf8_lossy(&out.stdout).into_owned()))
    }

    /// Removes what callpop keeps for `account`.
    pub fn keyring_forget(&self, account: &str) -> Result<()> {
        let _ = Command::new("secret-tool")
            .args(["clear", "service", "callpop", "username", account])
            .stdin(Stdio::null())
            .status()?;
        Ok(())
    }

    /// Stores a password for `account` where callpop looks for it, as a user's earlier Save
    /// would have: with the attributes the app's keyring library writes (`target` and
    /// `application` too), so the app finds exactly this item, replaces it when it saves and
    /// removes it when the phone is removed.
    pub fn keyring_save(&self, account: &str, secret: &str) -> Result<()> {
        use std::io::Write as _;
        let mut child = Command::new("secret-tool")
            .args([
                "store",
                "--label=callpop phone password",
                "service",
                "callpop",
            ])
            .args(["username", account, "target", "default"])
            .args(["application", "rust-keyring"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()?;
        child
            .stdin
            .take()
            .ok_or_else(|| fail("no stdin"))?
            .write_all(secret.as_bytes())?;
        ensure!(child.wait()?.success(), "secret-tool store failed");
        Ok(())
    }

    /// The first phone's passcode (account `phone`).
    pub fn keyring_passcode(&self) -> Result<Option<String>> {
        self.keyring_lookup("phone")
    }

    /// Forgets the first phone's passcode (account `phone`).
    pub fn keyring_clear(&self) -> Result<()> {
        self.keyring_forget("phone")
    }

    /// Stores the first phone's passcode (account `phone`).
    pub fn keyring_store(&self, passcode: &str) -> Result<()> {
        self.keyring_save("phone", passcode)
    }

    // ---- clipboard and keyboard -------------------------------------------------------

    /// Puts `text` into an X selection ("clipboard" or "primary"), as copying or selecting
    /// text would. xclip keeps serving it in the background until another owner takes over.
    pub fn set_selection(&self, selection: &str, text: &str) -> Result<()> {
        use std::io::Write as _;
        let mut child = Command::new("xclip")
            .args(["-selection", selection, "-i"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        child
            .stdin
            .take()
            .ok_or_else(|| fail("no stdin"))?
            .write_all(text.as_bytes())?;
        ensure!(child.wait()?.success(), "xclip failed");
        // The background xclip takes the selection over from the previous owner a moment
        // after the parent returns.
        let mut back = String::new();
        for _ in 0..40 {
            back = run(Command::new("xclip").args(["-selection", selection, "-o"]))?;
            if back == text {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(fail(format!(
            "the {selection} selection holds {back:?}, not {text:?}"
        )))
    }

    /// Gives keyboard focus to the visible window titled `title` (a regex).
    pub fn focus_window(&self, title: &str) -> Result<()> {
        let id = self
            .visible_windows(title)
            .into_iter()
            .next()
            .ok_or_else(|| fail(format!("no visible window titled {title}")))?;
        run(Command::new("xdotool").args(["windowfocus", "--sync", &id]))?;
        Ok(())
    }

    /// Presses keys on the X server, e.g. `ctrl+alt+d`.
    pub fn press_keys(&self, keys: &str) -> Result<()> {
        run(Command::new("xdotool").args(["key", "--clearmodifiers", keys]))?;
        Ok(())
    }
}

/// (id, label, enabled) of each visible entry, depth first; separators as "---".
fn menu_entries(node: &Value) -> Vec<(i64, String, bool)> {
    let mut out = Vec::new();
    if let Some(children) = node["children"].as_array() {
        for child in children {
            if child["visible"] == Value::Bool(false) {
                continue;
            }
            let label = if child["type"] == "separator" {
                "---".to_owned()
            } else {
                child["label"].as_str().unwrap_or_default().to_owned()
            };
            out.push((
                child["id"].as_i64().unwrap_or(-1),
                label,
                child["enabled"].as_bool().unwrap_or(true),
            ));
            out.extend(menu_entries(child));
        }
    }
    out
}

/// dunst for the screen-pop screenshots: bubbles top right, critical ones stay.
const DUNSTRC: &str = r##"[global]
    monitor = 0
    follow = none
    width = 380
    height = 160
    origin = top-right
    offset = 12x12
    font = "DejaVu Sans 11"
    frame_width = 2
    frame_color = "#3b82f6"
    format = "<b>%s</b>\n%b"
    show_indicators = yes
    dmenu = /bin/false
    browser = /bin/false
    mouse_left_click = do_action, close_current
[urgency_low]
    timeout = 10
[urgency_normal]
    timeout = 30
[urgency_critical]
    background = "#1e293b"
    foreground = "#ffffff"
    timeout = 0
"##;
