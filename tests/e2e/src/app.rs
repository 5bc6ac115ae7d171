//! The app under test, started the way WebDriver starts it: tauri-driver → WebKitWebDriver →
//! `desktop/app.sh` → the callpop binary (the wrapper only sends the app's stderr to a log
//! file, the one place its logs go). WebDriver attaches to the app's first webview; the other
//! windows (main, settings, call) are reached by their window handles.

use crate::procs::{alive, callpop_pids, descendants, signal};
use crate::{ensure, eventually, fail, Result, Scenario};
use fantoccini::wd::WindowHandle;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Default time to wait for something the user would see "at once".
pub const SOON: Duration = Duration::from_secs(10);

/// The app's windows, told apart by their page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    Main,
    Settings,
    Call,
}

impl Window {
    fn matches(self, url: &str) -> bool {
        let path = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest.split_once('/').map_or("", |(_, p)| p));
        let page = path.split(['?', '#']).next().unwrap_or_default();
        match self {
            Window::Main => page.is_empty() || page == "index.html",
            Window::Settings => page == "settings.html",
            Window::Call => page == "call.html",
        }
    }
}

static LAUNCHES: AtomicU32 = AtomicU32::new(0);

pub struct App {
    pub scenario: Scenario,
    client: Option<Client>,
    driver: Child,
    /// The app's process id.
    pub pid: u32,
    /// Everything the app wrote to stderr (its log).
    pub log: PathBuf,
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl App {
    /// Starts the app (`args` after the binary) with the scenario's folders. Whatever window
    /// the app opens first is where WebDriver starts.
    pub async fn launch(scenario: &Scenario, args: &[&str]) -> Result<App> {
        Self::launch_with(scenario, args, &[]).await
    }

    /// Like [`App::launch`], with extra environment variables for the app.
    pub async fn launch_with(
        scenario: &Scenario,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<App> {
        Self::start(scenario, args, env, None).await
    }

    /// Starts an app that opens no window by itself (`--tray`, or a `tel:` link to dial):
    /// WebDriver can only attach to a webview, so once the app's tray menu offers
    /// `tray_entry` (e.g. "Open callpop"), it is clicked as a person would, and WebDriver
    /// attaches to the window that opens.
    pub async fn launch_windowless(
        scenario: &Scenario,
        args: &[&str],
        env: &[(&str, &str)],
        tray_entry: &str,
    ) -> Result<App> {
        Self::start(scenario, args, env, Some(tray_entry)).await
    }

    async fn start(
        scenario: &Scenario,
        args: &[&str],
        env: &[(&str, &str)],
        tray_entry: Option<&str>,
    ) -> Result<App> {
        let mut attempt = 0;
        loop {
            let n = LAUNCHES.fetch_add(1, Ordering::Relaxed);
            let driver_log = scenario.log_path(&format!("driver{n}"));
            match Self::start_once(scenario, args, env, tray_entry, n).await {
                Ok(app) => return Ok(app),
                // The ports are picked free, then bound by the drivers a moment later: another
                // connection of the machine may take one in between. Fresh ports then.
                Err(e)
                    if attempt < 2
                        && std::fs::read_to_string(&driver_log)
                            .is_ok_and(|l| l.contains("Unable to listen")) =>
                {
                    attempt += 1;
                    eprintln!(
                        "[{}] a WebDriver port was taken meanwhile ({e}); starting again",
                        scenario.name
                    );
                }
                // tauri-driver accepted the connection and dropped the session request
                // before starting anything (seen once on a loaded machine, with an empty
                // driver log): the app never ran, so a second try tests the same thing.
                Err(e)
                    if attempt < 1
                        && e.to_string().contains("webdriver server did not respond") =>
                {
                    attempt += 1;
                    eprintln!("[{}] {e}; starting again", scenario.name);
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn start_once(
        scenario: &Scenario,
        args: &[&str],
        env: &[(&str, &str)],
        tray_entry: Option<&str>,
        n: u32,
    ) -> Result<App> {
        let session = &scenario.session;
        let log = scenario.log_path(&format!("app{n}"));
        let driver_log = scenario.log_path(&format!("driver{n}"));
        let port = free_port()?;
        let native_port = free_port()?;
        let mut cmd = Command::new(&session.tauri_driver);
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .envs(scenario.app_env())
        .env("CALLPOP_E2E_APP", &session.app_bin)
        .env("CALLPOP_E2E_APP_LOG", &log)
        // The app must find the passcode in the keyring, never in the environment.
        .env_remove("CALLPOP_PASSCODE")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&driver_log)?);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let driver = cmd.spawn().map_err(|e| {
            fail(format!(
                "cannot start {}: {e}",
                session.tauri_driver.display()
            ))
        })?;
        let mut app = App {
            scenario: scenario.clone(),
            client: None,
            driver,
            pid: 0,
            log,
        };
        let url = format!("http://127.0.0.1:{port}");
        eventually("tauri-driver to listen", SOON, || async {
            Ok(std::net::TcpStream::connect(("127.0.0.1", port))
                .ok()
                .map(|_| ()))
        })
        .await?;
        let wrapper = session.e2e_dir.join("desktop").join("app.sh");
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("wry"));
        caps.insert(
            "tauri:options".into(),
            json!({ "application": wrapper, "args": args }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let started = std::time::Instant::now();
        // The session is created once the app shows its first webview: wait for it in the
        // background, so a tray-only app can be asked to open a window meanwhile.
        let connecting = tokio::spawn(async move {
            tokio::time::timeout(
                Duration::from_secs(60),
                ClientBuilder::new(connector)
                    .capabilities(caps)
                    .connect(&url),
            )
            .await
        });
        let log_entry = format!("CALLPOP_E2E_APP_LOG={}", app.log.display());
        let find_pid = || {
            let log_entry = log_entry.clone();
            async move { Ok(find_pid_by_env(&log_entry)) }
        };
        if let Some(entry) = tray_entry {
            app.pid = eventually("the app process", Duration::from_secs(30), find_pid).await?;
            let desktop = scenario.session.desktop();
            eventually(
                &format!("the tray menu to offer {entry:?}"),
                Duration::from_secs(30),
                || async {
                    Ok(desktop
                        .tray_labels()
                        .ok()
                        .filter(|l| l.iter().any(|x| x == entry))
                        .map(|_| ()))
                },
            )
            .await?;
            desktop.tray_click(entry)?;
        }
        let client = connecting
            .await
            .map_err(|e| fail(format!("WebDriver connection task failed: {e}")))?
            .map_err(|_| fail("WebDriver session not created within 60 s"))?
            .map_err(|e| fail(format!("WebDriver session not created: {e}")))?;
        app.client = Some(client);
        if app.pid == 0 {
            app.pid = eventually("the app process", SOON, find_pid).await?;
        }
        eprintln!(
            "[{}] app started (pid {}, WebDriver session in {:.1} s), log {}",
            scenario.name,
            app.pid,
            started.elapsed().as_secs_f64(),
            app.log.display()
        );
        Ok(app)
    }

    pub fn client(&self) -> &Client {
        self.client.as_ref().expect("WebDriver session ended")
    }

    /// The app's stderr so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Open windows and their URLs (visits each; the current window changes).
    pub async fn windows(&self) -> Result<Vec<(WindowHandle, String)>> {
        let c = self.client();
        let mut out = Vec::new();
        for handle in c.windows().await? {
            if c.switch_to_window(handle.clone()).await.is_ok() {
                if let Ok(url) = c.current_url().await {
                    out.push((handle, url.to_string()));
                }
            }
        }
        Ok(out)
    }

    /// Whether `which` is open (changes the current window).
    pub async fn has_window(&self, which: Window) -> Result<bool> {
        Ok(self
            .windows()
            .await?
            .iter()
            .any(|(_, url)| which.matches(url)))
    }

    /// Makes `which` the window WebDriver talks to, waiting for it to appear.
    pub async fn switch_to(&self, which: Window) -> Result<()> {
        let c = self.client();
        eventually(&format!("the {which:?} window"), SOON, || async move {
            for (handle, url) in self.windows().await? {
                if which.matches(&url) {
                    c.switch_to_window(handle).await?;
                    // The page's script must have run (api listeners, first state).
                    let ready = c.execute("return document.readyState", vec![]).await?;
                    return Ok((ready == "complete").then_some(()));
                }
            }
            Ok(None)
        })
        .await
    }

    /// Waits until `which` is gone.
    pub async fn wait_closed(&self, which: Window, timeout: Duration) -> Result<()> {
        eventually(
            &format!("the {which:?} window to close"),
            timeout,
            || async move { Ok((!self.has_window(which).await?).then_some(())) },
        )
        .await
    }

    /// Text of the element at `css` in the current window as rendered (`innerText`); empty
    /// when the element is not shown. (WebKitWebDriver's own element text leaves out text in
    /// `overflow: hidden` boxes, such as caller names in the line list.)
    pub async fn text(&self, css: &str) -> Result<String> {
        let script = r#"
            const e = document.querySelector(arguments[0]);
            if (!e) return null;
            return e.getClientRects().length ? e.innerText : "";
        "#;
        match self.client().execute(script, vec![json!(css)]).await? {
            Value::String(text) => Ok(text),
            _ => Err(fail(format!("no element {css}"))),
        }
    }

    /// Waits until the text at `css` satisfies `pred`; returns it.
    pub async fn wait_text(
        &self,
        css: &str,
        what: &str,
        pred: impl Fn(&str) -> bool,
    ) -> Result<String> {
        let pred = &pred;
        eventually(&format!("{what} (in {css})"), SOON, || async move {
            let text = self.text(css).await?;
            if pred(&text) {
                Ok(Some(text))
            } else {
                Err(fail(format!("text is {text:?}")))
            }
        })
        .await
    }

    /// Runs `script` (a function body; `arguments[i]` are `args`) in the current window and
    /// returns what it returns.
    pub async fn eval(&self, script: &str, args: Vec<Value>) -> Result<Value> {
        Ok(self.client().execute(script, args).await?)
    }

    /// The attribute `name` of the first element at `css` (`None` when the element or the
    /// attribute is missing). Tests read states from data attributes, not English words.
    pub async fn attr(&self, css: &str, name: &str) -> Result<Option<String>> {
        let script = r#"
            const e = document.querySelector(arguments[0]);
            return e ? e.getAttribute(arguments[1]) : null;
        "#;
        Ok(self
            .eval(script, vec![json!(css), json!(name)])
            .await?
            .as_str()
            .map(str::to_owned))
    }

    /// How many elements match `css` in the current window.
    pub async fn count(&self, css: &str) -> Result<usize> {
        let n = self
            .eval(
                "return document.querySelectorAll(arguments[0]).length;",
                vec![json!(css)],
            )
            .await?;
        Ok(n.as_u64().unwrap_or(0) as usize)
    }

    /// The `data-action` of every button shown inside `scope` (e.g. `#call-actions`, or a
    /// call card `li.call-card[data-call="..."]`), in page order: what a person can press.
    pub async fn actions_in(&self, scope: &str) -> Result<Vec<String>> {
        let script = r#"
            const root = document.querySelector(arguments[0]);
            if (!root) return [];
            return Array.from(root.querySelectorAll("button[data-action]"))
              .filter((b) => b.getClientRects().length && !b.closest("[hidden]"))
              .map((b) => b.dataset.action);
        "#;
        let found = self.eval(script, vec![json!(scope)]).await?;
        Ok(found
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Waits until an element matches `css` in the current window.
    pub async fn wait_for(&self, css: &str, what: &str) -> Result<()> {
        eventually(&format!("{what} ({css})"), SOON, || async move {
            Ok((self.count(css).await? > 0).then_some(()))
        })
        .await
    }

    /// Whether the element is shown (not `hidden`, has a box).
    pub async fn is_shown(&self, css: &str) -> Result<bool> {
        Ok(self
            .client()
            .find(Locator::Css(css))
            .await?
            .is_displayed()
            .await?)
    }

    /// Clicks the element at `css` once it is there and enabled.
    pub async fn click(&self, css: &str) -> Result<()> {
        let c = self.client();
        let element = eventually(&format!("{css} to be clickable"), SOON, || async move {
            let e = c.find(Locator::Css(css)).await?;
            Ok((e.is_displayed().await? && e.is_enabled().await?).then_some(e))
        })
        .await?;
        // As a person does: bring it to the middle of the window first, clear of sticky bars.
        c.execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&element)?],
        )
        .await?;
        element.click().await?;
        Ok(())
    }

    /// The `data-call` of the main window's call card that names `who`.
    pub async fn call_card_of(&self, who: &str) -> Result<String> {
        eventually(&format!("the call card of {who}"), SOON, || async {
            let found = self
                .eval(
                    r##"
                    const card = Array.from(document.querySelectorAll("#calls li.call-card"))
                      .find((li) => li.querySelector(".call-card-name").textContent === arguments[0]);
                    return card ? card.dataset.call : null;
                    "##,
                    vec![json!(who)],
                )
                .await?;
            Ok(found.as_str().map(str::to_owned))
        })
        .await
    }

    /// Clicks an element that closes its own window (a Close button): the window may be
    /// gone before WebDriver can answer the click, which is success here.
    pub async fn click_closing(&self, css: &str) -> Result<()> {
        match self.click(css).await {
            Err(e)
                if e.downcast_ref::<fantoccini::error::CmdError>()
                    .is_some_and(|c| c.is_no_such_window()) =>
            {
                Ok(())
            }
            other => other,
        }
    }

    /// Clicks the button whose text is `label` inside `scope` (CSS).
    pub async fn click_button(&self, scope: &str, label: &str) -> Result<()> {
        let c = self.client();
        let button = eventually(
            &format!("a {label:?} button in {scope}"),
            SOON,
            || async move {
                for b in c.find_all(Locator::Css(&format!("{scope} button"))).await? {
                    if b.text().await?.trim() == label
                        && b.is_enabled().await?
                        && b.is_displayed().await?
                    {
                        return Ok(Some(b));
                    }
                }
                Ok(None)
            },
        )
        .await?;
        button.click().await?;
        Ok(())
    }

    /// Types into a field like a person: clears it first, then sends the keys.
    pub async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        let e = self
            .client()
            .wait()
            .at_most(SOON)
            .for_element(Locator::Css(css))
            .await?;
        e.clear().await?;
        e.send_keys(text).await?;
        Ok(())
    }

    /// Calls an app command from the current window (`window.__TAURI__.core.invoke`).
    pub async fn invoke(&self, command: &str, args: Value) -> Result<Value> {
        let script = r#"
            const [cmd, args, done] = arguments;
            window.__TAURI__.core.invoke(cmd, args).then(
              (value) => done({ ok: value === undefined ? null : value }),
              (error) => done({ err: error }));
        "#;
        let answer = self
            .client()
            .execute_async(script, vec![json!(command), args])
            .await?;
        match answer.get("err") {
            Some(err) => Err(fail(format!("{command} failed: {err}"))),
            None => Ok(answer.get("ok").cloned().unwrap_or(Value::Null)),
        }
    }

    /// Waits until the current window has painted a frame (two animation frames; at most
    /// 2 s), so a screenshot shows what the page holds now, not an older frame.
    pub async fn painted(&self) {
        let script = r#"
            const done = arguments[arguments.length - 1];
            const timer = setTimeout(done, 2000);
            requestAnimationFrame(() => requestAnimationFrame(() => { clearTimeout(timer); done(); }));
        "#;
        let _ = self.client().execute_async(script, vec![]).await;
    }

    /// Saves a screenshot of the current window as `<scenario>-window-<step>.png`: the
    /// window's pixels on the X screen, as a person sees them. (Not WebDriver's screenshot:
    /// WebKit's snapshot of the unfocused call window never completes when pages are drawn
    /// without GL, which is how callpop draws them.)
    pub async fn screenshot_window(&self, step: &str) -> Result<PathBuf> {
        self.painted().await;
        let url = self.client().current_url().await?.to_string();
        let title = [
            (Window::Main, "^callpop$"),
            (Window::Settings, "^callpop settings$"),
            (Window::Call, "^Call$"),
        ]
        .into_iter()
        .find(|(w, _)| w.matches(&url))
        .map(|(_, title)| title)
        .ok_or_else(|| fail(format!("no known window shows {url}")))?;
        let desktop = self.scenario.session.desktop();
        let id = desktop
            .visible_windows(title)
            .into_iter()
            .next()
            .ok_or_else(|| fail(format!("no visible window titled {title}")))?;
        let path = self
            .scenario
            .session
            .screenshots
            .join(format!("{}-window-{step}.png", self.scenario.name));
        let out = std::process::Command::new("import")
            .args(["-window", &id])
            .arg(&path)
            .output()?;
        ensure!(
            out.status.success(),
            "import -window {id} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!("[{}] screenshot {}", self.scenario.name, path.display());
        Ok(path)
    }

    /// A whole-screen screenshot (`<scenario>.png` or `<scenario>-<step>.png`) with every
    /// window's content current: without a window manager WebKit repaints a window only
    /// when it is brought forward, so each is visited first and `front` comes last.
    pub async fn screenshot_screen(&self, step: Option<&str>, front: Window) -> Result<PathBuf> {
        let windows = self.windows().await?;
        let c = self.client();
        for (handle, _) in windows.iter().filter(|(_, url)| !front.matches(url)) {
            if c.switch_to_window(handle.clone()).await.is_ok() {
                self.painted().await;
            }
        }
        if let Some((handle, _)) = windows.iter().find(|(_, url)| front.matches(url)) {
            c.switch_to_window(handle.clone()).await?;
            self.painted().await;
        }
        crate::sleep_ms(200).await;
        self.scenario.screenshot_screen(step)
    }

    /// Whether the app process is still running.
    pub fn running(&self) -> bool {
        alive(self.pid)
    }

    /// Waits for the app process to end by itself.
    pub async fn wait_exit(&self, timeout: Duration) -> Result<()> {
        eventually("the app to exit", timeout, || async {
            Ok((!self.running()).then_some(()))
        })
        .await
    }

    /// Ends the WebDriver session (which ends the app) and the drivers.
    pub async fn quit(mut self) {
        if let Some(client) = self.client.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
        }
        self.stop_processes();
    }

    fn stop_processes(&mut self) {
        let mut pids: Vec<u32> = descendants(self.driver.id());
        if self.pid != 0 && !pids.contains(&self.pid) {
            pids.push(self.pid);
        }
        for pid in &pids {
            signal(*pid, "TERM");
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        for _ in 0..30 {
            if pids.iter().all(|p| !alive(*p)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        for pid in &pids {
            signal(*pid, "KILL");
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        // A failed test still must not leave an app behind.
        self.stop_processes();
    }
}

fn find_pid_by_env(entry: &str) -> Option<u32> {
    callpop_pids(entry).into_iter().next()
}

/// Settings window flow of a first run: phone address, passcode, optional check interval,
/// Save; waits for "Saved.".
pub async fn fill_first_run(
    app: &App,
    url: &str,
    passcode: &str,
    poll_seconds: Option<&str>,
) -> Result<()> {
    app.switch_to(Window::Settings).await?;
    // Loaded: the passcode hint is filled from get_settings.
    app.wait_text("#passcode-hint", "the settings to load", |t| !t.is_empty())
        .await?;
    app.type_into("#phone-url", url).await?;
    app.type_into("#passcode", passcode).await?;
    if let Some(seconds) = poll_seconds {
        app.type_into("#poll-interval", seconds).await?;
    }
    app.click("#save").await?;
    let outcome = eventually("the settings to be saved", SOON, || async {
        let status = app.text("#save-status").await?;
        let error = app.text("#save-error").await?;
        Ok(if status == "Saved." {
            Some(Ok(()))
        } else if !error.is_empty() {
            Some(Err(error))
        } else {
            None
        })
    })
    .await?;
    outcome.map_err(|e| fail(format!("saving the settings failed: {e}")))?;
    Ok(())
}

impl App {
    /// A first run set up through the settings window (address, passcode, check interval),
    /// then the main window opened as a person would from the tray; WebDriver is left on the
    /// main window once it shows "Connected".
    pub async fn first_run_configured(
        scenario: &Scenario,
        phone_url: &str,
        passcode: &str,
        poll_seconds: &str,
    ) -> Result<App> {
        let app = App::launch(scenario, &[]).await?;
        ensure!(
            app.has_window(Window::Settings).await?,
            "a first run must open the settings window"
        );
        fill_first_run(&app, phone_url, passcode, Some(poll_seconds)).await?;
        app.open_main().await?;
        app.wait_text(
            "#conn-label",
            "the main window to show the phone connected",
            |t| t == "Connected",
        )
        .await?;
        Ok(app)
    }

    /// Opens the main window through the tray menu's "Open callpop" and switches to it.
    pub async fn open_main(&self) -> Result<()> {
        let desktop = self.scenario.session.desktop();
        eventually("the tray menu to offer \"Open callpop\"", SOON, || async {
            Ok(desktop
                .tray_labels()
                .ok()
                .filter(|l| l.iter().any(|x| x == "Open callpop"))
                .map(|_| ()))
        })
        .await?;
        desktop.tray_click("Open callpop")?;
        self.switch_to(Window::Main).await?;
        // No window manager places windows: put it beside the settings window, as a person
        // would drag it, so screenshots show both.
        let _ = self.client().set_window_position(560, 0).await;
        Ok(())
    }
}
