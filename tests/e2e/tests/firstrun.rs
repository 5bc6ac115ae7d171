//! First run with a phone that is not set up yet: the settings window shows the checklist of
//! what to switch on at the phone, with this computer's IP address as the phone sees it; the
//! phone's address is typed bare (`127.0.0.1:PORT`, as people type `192.168.1.50`); Test
//! connection turns each item red while the simulated phone has that mistake, and green once
//! it is fixed through the simulator's control API. Items only a call could prove stay
//! "check on the phone", and the phone is never made to dial or press a key.
//!
//! Run with `tests/e2e/run.sh --test firstrun`; outside the e2e session it passes at once.

use callpop_e2e::{
    ensure, eventually, fail, session_or_skip, unique_passcode, App, Phone, Result, Scenario,
    ServerKind, Window, SOON,
};
use callpop_phone::address::parse_phone_url;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One action of the simulator's control API (`GET /control/<action>?<query>`), as a script
/// would send it; fails unless it answers `{"ok":true}`.
async fn control(phone: &SocketAddr, action: &str, query: &str) -> Result<()> {
    let mut stream = tokio::net::TcpStream::connect(phone).await?;
    let request = format!(
        "GET /control/{action}?{query} HTTP/1.1\r\nHost: {phone}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    ensure!(
        answer.contains("\"ok\":true"),
        "control {action}?{query} answered {answer:?}"
    );
    Ok(())
}

/// The statuses of the checklist items, by item id.
async fn statuses(app: &App) -> Result<Value> {
    app.eval(
        r##"const out = {};
           for (const li of document.querySelectorAll("#setup-checklist .check-item")) {
             out[li.dataset.item] = li.dataset.status;
           }
           return out;"##,
        vec![],
    )
    .await
}

/// Presses Test connection and waits for the result and the items to read `want`.
async fn test_until(app: &App, want: Value, within: Duration) -> Result<Value> {
    app.click("#test-connection").await?;
    app.wait_text("#test-result", "the test result", |t| {
        !t.is_empty() && !t.contains("Contacting")
    })
    .await?;
    eventually(&format!("the checklist to read {want}"), within, || async {
        let now = statuses(app).await?;
        let matches = want
            .as_object()
            .is_some_and(|w| w.iter().all(|(id, status)| now.get(id) == Some(status)));
        if matches {
            Ok(Some(now))
        } else {
            Err(fail(format!("checklist {now}")))
        }
    })
    .await
}

/// A screenshot of the window with the checklist scrolled to its top.
async fn shoot(app: &App, step: &str) -> Result<()> {
    app.eval(
        "document.querySelector('#setup-checklist').scrollIntoView({block: 'start'});",
        vec![],
    )
    .await?;
    app.screenshot_window(step).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firstrun_checklist_red_then_green() -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, "firstrun-checklist")?;
    let desktop = session.desktop();
    desktop.keyring_clear()?;
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let passcode = unique_passcode("fr");
    let phone = Phone::start(&passcode).await?;
    let addr: SocketAddr = phone.url().trim_start_matches("http://").parse()?;
    // A phone fresh from its box, as far as callpop is concerned: Action URI off, another
    // computer in its allowed list, the on-screen question on, click-to-dial off.
    control(&addr, "remote-control", "enabled=false").await?;
    control(&addr, "allowed-ips", "list=192.0.2.77").await?;
    control(&addr, "popup", "enabled=true").await?;
    control(&addr, "make-call", "enabled=false").await?;

    let app = App::launch(&sc, &[]).await?;
    ensure!(
        app.has_window(Window::Settings).await?,
        "a first run must open the settings window"
    );
    app.switch_to(Window::Settings).await?;
    app.wait_text("#passcode-hint", "the settings to load", |t| !t.is_empty())
        .await?;

    // The form takes addresses exactly as the core does, a bare IP first among them.
    let typed = [
        "192.168.1.50",
        "192.168.1.50:8080",
        " 10.0.0.5 ",
        "phone.local",
        "https://192.168.1.50",
        "http://[fd00::5]:8080/",
        "192.168.1.50/cgi-bin",
        "",
        "192.168.1.50:99999",
        "ftp://192.168.1.50",
        "admin:pw@192.168.1.50",
        "192.168.1.50/cgi-bin/api-get_line_status?passcode=x",
        "http://192.168.1.50/?",
        "http://192.168.1.50/#a?b",
        "phone local",
    ];
    let verdicts = app
        .client()
        .execute_async(
            r#"const [inputs, done] = arguments;
               import("./js/settings/checks.js").then(
                 (m) => done(inputs.map((a) => m.addressProblem(a, "x") === "")),
                 (e) => done(String(e)));"#,
            vec![json!(typed)],
        )
        .await?;
    for (i, address) in typed.iter().enumerate() {
        let page = verdicts.get(i).and_then(Value::as_bool);
        let core = parse_phone_url(address).is_ok();
        ensure!(
            page == Some(core),
            "{address:?}: the page says {page:?}, the core says {core} ({verdicts})"
        );
    }
    ensure!(
        parse_phone_url("192.168.1.50").is_ok(),
        "a bare IP is an address"
    );

    // Shown first, before any test: the checklist, numbered, waiting for an address.
    app.wait_for("#setup-checklist .check-item", "the checklist")
        .await?;
    let bare = addr.to_string();
    app.type_into("#phone-url", &bare).await?;
    app.type_into("#passcode", &passcode).await?;
    // This computer's address, as the phone sees it (loopback reaches the phone here).
    let ip = app
        .wait_text("#computer-ip", "this computer's IP address", |t| {
            t == "127.0.0.1"
        })
        .await?;
    let untested = statuses(&app).await?;
    ensure!(
        untested
            == json!({"action_uri": "untested", "allowed_ip": "untested", "popup_off": "untested",
                      "click_to_dial": "untested", "action_url": "untested"}),
        "before the test: {untested}"
    );
    shoot(&app, "checklist-untested").await?;

    // Action URI off: the phone answers 403, which says one of the two is wrong.
    let red = json!({"action_uri": "failing", "allowed_ip": "failing"});
    test_until(&app, red.clone(), SOON).await?;
    ensure!(
        app.text("#phone-url-error")
            .await
            .unwrap_or_default()
            .is_empty(),
        "the bare address {bare} must be accepted by the form"
    );
    let note = app.text("#check-allowed_ip .check-note").await?;
    ensure!(note.contains(&ip), "the red item names {ip}: {note:?}");
    shoot(&app, "checklist-red").await?;

    // Action URI on, this computer still not listed: still refused.
    control(&addr, "remote-control", "enabled=true").await?;
    test_until(&app, red, SOON).await?;

    // The address the checklist shows goes into the list: the phone now asks on its screen.
    control(&addr, "allowed-ips", &format!("list=192.0.2.77,{ip}")).await?;
    test_until(
        &app,
        json!({"action_uri": "ok", "allowed_ip": "ok", "popup_off": "failing"}),
        Duration::from_secs(20),
    )
    .await?;
    shoot(&app, "checklist-popup").await?;

    // The pop-up switched off: connected; what a test cannot prove says so.
    control(&addr, "popup", "enabled=false").await?;
    let green = test_until(
        &app,
        json!({"action_uri": "ok", "allowed_ip": "ok", "popup_off": "unknown",
               "click_to_dial": "unknown", "action_url": "unknown"}),
        SOON,
    )
    .await?;
    let result = app.text("#test-result").await?;
    ensure!(
        result.contains("Connected to"),
        "test result {result:?} ({green})"
    );
    let dial_note = app.text("#check-click_to_dial .check-note").await?;
    ensure!(
        dial_note.contains("Can't check from here"),
        "click-to-dial says it cannot be checked: {dial_note:?}"
    );
    shoot(&app, "checklist-green").await?;

    for function in [
        "api-make_call",
        "api-send_key",
        "api-phone_operation",
        "api-sys_operation",
    ] {
        ensure!(
            phone.requests_to(function).is_empty(),
            "the checklist test sent {function} to the phone"
        );
    }
    app.quit().await;
    Ok(())
}

/// The same checklist in Russian: the refused items say what to do in Russian, naming this
/// computer's address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firstrun_checklist_in_russian() -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, "firstrun-checklist-ru")?;
    let desktop = session.desktop();
    desktop.keyring_clear()?;
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let passcode = unique_passcode("fr-ru");
    let phone = Phone::start(&passcode).await?;
    let addr: SocketAddr = phone.url().trim_start_matches("http://").parse()?;
    control(&addr, "remote-control", "enabled=false").await?;

    let app = App::launch_with(
        &sc,
        &[],
        &[("LANG", "ru_RU.UTF-8"), ("LC_ALL", ""), ("LC_MESSAGES", "")],
    )
    .await?;
    app.switch_to(Window::Settings).await?;
    app.wait_text("#passcode-hint", "the settings to load", |t| !t.is_empty())
        .await?;
    let title = app
        .wait_text("#setup-checklist .subhead", "the checklist's title", |t| {
            !t.is_empty()
        })
        .await?;
    ensure!(title == "Настройте телефон для callpop", "title {title:?}");
    app.type_into("#phone-url", &addr.to_string()).await?;
    app.type_into("#passcode", &passcode).await?;
    let ip = app
        .wait_text("#computer-ip", "this computer's IP address", |t| {
            t == "127.0.0.1"
        })
        .await?;
    test_until(
        &app,
        json!({"action_uri": "failing", "allowed_ip": "failing"}),
        SOON,
    )
    .await?;
    let note = app.text("#check-allowed_ip .check-note").await?;
    ensure!(
        note.starts_with("Телефон отказал") && note.contains(&ip),
        "allowed IP note: {note:?}"
    );
    let status = app.text("#check-allowed_ip .check-status").await?;
    ensure!(status == "Нужно исправить", "status word {status:?}");
    // The window's title is Russian too, so the whole screen is taken, settings in front.
    app.eval(
        "document.querySelector('#setup-checklist').scrollIntoView({block: 'start'});",
        vec![],
    )
    .await?;
    app.screenshot_screen(Some("checklist-red-ru"), Window::Settings)
        .await?;
    app.quit().await;
    Ok(())
}
