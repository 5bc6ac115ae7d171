//! Several calls at once in the call window, on a 3-line and an 8-line Grandstream phone
//! (the simulator): two, then three calls ring; the window lists every one of them (its own
//! call on top, the others in rows with their line, state and buttons), and a click on one
//! row's button changes that row's line on the phone and no other: Answer on a second call
//! holds the first, Resume on a particular held call holds the call in progress and brings the
//! resumed call to the top, Hang up on a held call ends that call and the call in progress
//! goes on.
//!
//! Run with `tests/e2e/run.sh calls_`; outside the e2e session these pass at once.

use callpop_e2e::configured::{self, free_loopback_addr, settings_with};
use callpop_e2e::{
    ensure, eventually, fail, session_or_skip, unique_passcode, App, Phone, Result, Scenario,
    ServerKind, Window, SOON,
};
use callpop_phone_sim::LineState;
use serde_json::{json, Value};

const ANN: (&str, &str) = ("+14165550123", "Ann Lee");
const BOB: (&str, &str) = ("+14165550199", "Bob Stone");
const CAROL: (&str, &str) = ("+14165550142", "Carol Díaz");

use LineState::{Connected, OnHold, Ringing};

/// A Grandstream phone with `lines` lines, set up earlier (settings file, passcode in the
/// keyring), read every 250 ms.
async fn set_up_phone(sc: &Scenario, lines: u32) -> Result<Phone> {
    let passcode = unique_passcode(&sc.name);
    let phone = Phone::start_with_lines(&passcode, lines).await?;
    sc.write_settings(&settings_with(
        vec![configured::grandstream("phone", "", phone.url(), 250)],
        free_loopback_addr()?,
    ))?;
    sc.session.desktop().keyring_save("phone", &passcode)?;
    Ok(phone)
}

/// Waits until the phone shows exactly `busy` (every other line idle).
async fn expect_lines(phone: &Phone, busy: &[(u32, LineState)], after: &str) -> Result<()> {
    let want = |line: u32| {
        busy.iter()
            .find(|(l, _)| *l == line)
            .map_or(LineState::Idle, |(_, s)| *s)
    };
    eventually(
        &format!("the phone's lines after {after}"),
        SOON,
        || async {
            let lines = phone.sim().lines();
            if lines.iter().all(|l| l.state == want(l.line)) {
                Ok(Some(()))
            } else {
                let shown: Vec<String> = lines
                    .iter()
                    .filter(|l| l.state != LineState::Idle)
                    .map(|l| format!("line {} {}", l.line, l.state))
                    .collect();
                Err(fail(format!(
                    "the phone shows {shown:?}, expected {busy:?}"
                )))
            }
        },
    )
    .await
}

/// What the call window shows: its own call's line and phase, and each row's line and
/// phase (in page order).
async fn window_calls(app: &App) -> Result<(u32, String, Vec<(u32, String)>)> {
    let got = app
        .eval(
            r##"
            const root = document.querySelector("#call");
            const section = document.querySelector("#call-others");
            const rows = section && !section.hidden
              ? Array.from(section.querySelectorAll("li.call-row"))
                  .map((r) => [Number(r.dataset.line), r.dataset.phase])
              : [];
            return { line: Number(root.dataset.line || 0), phase: root.dataset.phase, rows };
            "##,
            vec![],
        )
        .await?;
    let line = got["line"].as_u64().unwrap_or(0) as u32;
    let phase = got["phase"].as_str().unwrap_or_default().to_owned();
    let rows = got["rows"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    (
                        r[0].as_u64().unwrap_or(0) as u32,
                        r[1].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Ok((line, phase, rows))
}

/// Waits until the call window shows its own call on `own` (line, phase) and exactly `rows`
/// below it, in line order.
async fn expect_window(app: &App, own: (u32, &str), rows: &[(u32, &str)]) -> Result<()> {
    let want_rows: Vec<(u32, String)> = rows.iter().map(|(l, p)| (*l, (*p).to_owned())).collect();
    eventually(
        &format!(
            "the call window to show line {} {} and rows {rows:?}",
            own.0, own.1
        ),
        SOON,
        || async {
            let (line, phase, shown) = window_calls(app).await?;
            if line == own.0 && phase == own.1 && shown == want_rows {
                Ok(Some(()))
            } else {
                Err(fail(format!(
                    "it shows line {line} {phase} and rows {shown:?}"
                )))
            }
        },
    )
    .await
}

fn row(line: u32) -> String {
    format!("#call-rows li.call-row[data-line='{line}']")
}

/// The labels of the buttons in line `line`'s row, and whether each is reachable by Tab.
async fn row_buttons(app: &App, line: u32) -> Result<Vec<(String, String, bool)>> {
    let got = app
        .eval(
            r##"
            const row = document.querySelector(arguments[0]);
            if (!row) return [];
            return Array.from(row.querySelectorAll("button[data-action]"))
              .filter((b) => b.getClientRects().length)
              .map((b) => [b.dataset.action, b.innerText.trim(), b.tabIndex >= 0 && !b.disabled]);
            "##,
            vec![json!(row(line))],
        )
        .await?;
    Ok(got
        .as_array()
        .map(|a| {
            a.iter()
                .map(|b| {
                    (
                        b[0].as_str().unwrap_or_default().to_owned(),
                        b[1].as_str().unwrap_or_default().to_owned(),
                        b[2].as_bool().unwrap_or(false),
                    )
                })
                .collect()
        })
        .unwrap_or_default())
}

/// Every row of the call window is inside the window, none cut off: the window grows (it
/// may take a moment) to show them all.
async fn all_rows_in_view(app: &App) -> Result<()> {
    eventually("the call window to show every row", SOON, || async {
        rows_in_view(app).await.map(Some)
    })
    .await
}

async fn rows_in_view(app: &App) -> Result<()> {
    let got: Value = app
        .eval(
            r##"
            const list = document.querySelector("#call-rows");
            const section = document.querySelector("#call-others");
            return { bottom: list.getBoundingClientRect().bottom, height: window.innerHeight,
                     scrolls: section.scrollHeight > section.clientHeight + 1 };
            "##,
            vec![],
        )
        .await?;
    ensure!(
        got["bottom"].as_f64().unwrap_or(f64::MAX) <= got["height"].as_f64().unwrap_or(0.0) + 1.0
            && got["scrolls"] == json!(false),
        "the call window does not show every row: {got}"
    );
    Ok(())
}

/// Two, then three calls on a phone with `lines` lines; their lines are 1, the last one and
/// `third`.
async fn several_calls(name: &str, lines: u32, third: u32) -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, name)?;
    let desktop = session.desktop();
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let phone = set_up_phone(&sc, lines).await?;
    let app = App::start_configured(&sc, &[], &[]).await?;
    let (a, b, c) = (1, lines, third);

    // One call, answered in the call window as before.
    phone.sim().ring(Some(a), ANN.0, ANN.1)?;
    app.switch_to(Window::Call).await?;
    expect_window(&app, (a, "ringing"), &[]).await?;
    app.click("#call-actions [data-action='answer']").await?;
    expect_lines(&phone, &[(a, Connected)], "Answer").await?;
    expect_window(&app, (a, "connected"), &[]).await?;

    // A second call rings: the window shows it on top, Ann's call in a row below.
    phone.sim().ring(Some(b), BOB.0, BOB.1)?;
    expect_window(&app, (b, "ringing"), &[(a, "connected")]).await?;
    let name = app.text(&format!("{} .call-row-name", row(a))).await?;
    ensure!(name == ANN.1, "line {a}'s row names {name:?}");
    let heading = app.text("#call-others-title").await?;
    ensure!(
        heading.to_lowercase() == "1 more call on this phone",
        "the rows' heading says {heading:?}"
    );
    app.screenshot_window("two-calls").await?;

    // A third call: all three listed, the newest on top, the others in line order.
    phone.sim().ring(Some(c), CAROL.0, CAROL.1)?;
    let mut rows = vec![(a, "connected"), (b, "ringing")];
    rows.sort();
    expect_window(&app, (c, "ringing"), &rows).await?;
    let heading = app.text("#call-others-title").await?;
    ensure!(
        heading.to_lowercase() == "2 more calls on this phone",
        "the rows' heading says {heading:?}"
    );
    let text = app.text(&row(b)).await?;
    ensure!(
        text.contains(BOB.1)
            && text.contains("(416) 555-0199")
            && text.contains(&format!("Line {b}")),
        "line {b}'s row says {text:?}"
    );
    let buttons = row_buttons(&app, b).await?;
    ensure!(
        buttons
            == [
                ("answer".into(), "Answer".into(), true),
                ("reject".into(), "Reject".into(), true)
            ],
        "line {b}'s row offers {buttons:?}"
    );
    let buttons = row_buttons(&app, a).await?;
    ensure!(
        buttons.iter().map(|b| b.0.as_str()).collect::<Vec<_>>() == ["hold", "mute", "hang_up"]
            && buttons.iter().all(|b| b.2 && !b.1.is_empty()),
        "line {a}'s row offers {buttons:?}"
    );
    all_rows_in_view(&app).await?;
    app.screenshot_window("three-calls").await?;

    // Answer on Bob's row: his line answers, Ann's call goes on hold, Carol's rings on.
    app.click(&format!("{} [data-action='answer']", row(b)))
        .await?;
    expect_lines(
        &phone,
        &[(a, OnHold), (b, Connected), (c, Ringing)],
        "Answer on line b's row",
    )
    .await?;
    let mut rows = vec![(a, "held"), (c, "ringing")];
    rows.sort();
    expect_window(&app, (b, "connected"), &rows).await?;
    let timer = app.text(&format!("{} .call-row-timer", row(a))).await?;
    ensure!(
        timer.len() == 5 && timer.contains(':'),
        "the held call's row shows no duration: {timer:?}"
    );
    all_rows_in_view(&app).await?;
    app.screenshot_window("three-calls-one-held").await?;

    // Resume on Ann's row: Ann talks, Bob goes on hold, Carol's rings on. Ann's call comes
    // to the top, where the window's own buttons and keys act on the call the user hears.
    app.click(&format!("{} [data-action='resume']", row(a)))
        .await?;
    expect_lines(
        &phone,
        &[(a, Connected), (b, OnHold), (c, Ringing)],
        "Resume on line a's row",
    )
    .await?;
    let mut rows = vec![(b, "held"), (c, "ringing")];
    rows.sort();
    expect_window(&app, (a, "connected"), &rows).await?;

    // Answer on Carol's row: Carol talks, Ann and Bob wait on hold.
    app.click(&format!("{} [data-action='answer']", row(c)))
        .await?;
    expect_lines(
        &phone,
        &[(a, OnHold), (b, OnHold), (c, Connected)],
        "Answer on line c's row",
    )
    .await?;
    let mut rows = vec![(a, "held"), (b, "held")];
    rows.sort();
    expect_window(&app, (c, "connected"), &rows).await?;
    app.screenshot_window("three-calls-two-held").await?;

    // Hang up on Bob's row (held, not the call the phone shows first): Bob's line ends,
    // Carol talks on, Ann stays on hold.
    app.click(&format!("{} [data-action='hang_up']", row(b)))
        .await?;
    expect_lines(
        &phone,
        &[(a, OnHold), (c, Connected)],
        "Hang up on line b's row",
    )
    .await?;
    expect_window(&app, (c, "connected"), &[(a, "held")]).await?;

    // Hang up on Ann's row: hers ends, Carol talks on; the window is back to one call.
    app.click(&format!("{} [data-action='hang_up']", row(a)))
        .await?;
    expect_lines(&phone, &[(c, Connected)], "Hang up on line a's row").await?;
    expect_window(&app, (c, "connected"), &[]).await?;
    let height = app.eval("return window.innerHeight;", vec![]).await?;
    ensure!(
        height.as_f64().is_some_and(|h| (h - 260.0).abs() <= 2.0),
        "with one call left the window is {height} px high, not its one-call 260"
    );

    // And Carol's own Hang up ends the last call: the window closes.
    app.click("#call-actions [data-action='hang_up']").await?;
    expect_lines(&phone, &[], "Hang up in the window").await?;
    app.wait_closed(Window::Call, SOON).await?;
    app.quit().await;
    Ok(())
}

/// In Russian: the rows' heading counts with the right plural form, the rows say line, state
/// and "muted" in Russian; the A key pressed in a row answers that row's call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_in_russian() -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, "calls-ru")?;
    let desktop = session.desktop();
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let phone = set_up_phone(&sc, 3).await?;
    let env = [("LANG", "ru_RU.UTF-8"), ("LC_ALL", ""), ("LC_MESSAGES", "")];
    let app = App::start_configured(&sc, &[], &env).await?;

    phone.sim().ring(Some(1), ANN.0, ANN.1)?;
    app.switch_to(Window::Call).await?;
    expect_window(&app, (1, "ringing"), &[]).await?;
    app.click("#call-actions [data-action='answer']").await?;
    expect_lines(&phone, &[(1, Connected)], "Answer").await?;
    app.click("#call-actions [data-action='mute']").await?;
    app.wait_for("#call-actions [data-action='unmute']", "Unmute")
        .await?;
    phone.sim().ring(Some(3), BOB.0, BOB.1)?;
    expect_window(&app, (3, "ringing"), &[(1, "connected")]).await?;
    let heading = app.text("#call-others-title").await?;
    ensure!(
        heading.to_lowercase() == "ещё 1 вызов на этом телефоне",
        "the rows' heading says {heading:?}"
    );
    phone.sim().ring(Some(2), CAROL.0, CAROL.1)?;
    expect_window(&app, (2, "ringing"), &[(1, "connected"), (3, "ringing")]).await?;
    let heading = app.text("#call-others-title").await?;
    ensure!(
        heading.to_lowercase() == "ещё 2 вызова на этом телефоне",
        "the rows' heading says {heading:?}"
    );
    let text = app.text(&row(1)).await?;
    ensure!(
        text.contains("Линия 1") && text.contains("Разговор") && text.contains("Микрофон выключен"),
        "line 1's row says {text:?}"
    );
    let buttons = row_buttons(&app, 3).await?;
    ensure!(
        buttons.iter().map(|b| b.1.as_str()).collect::<Vec<_>>() == ["Ответить", "Отклонить"],
        "line 3's row offers {buttons:?}"
    );
    let label = app.attr(&row(3), "aria-label").await?;
    ensure!(
        label.as_deref() == Some("Bob Stone, линия 3: Входящий вызов"),
        "line 3's row is announced as {label:?}"
    );
    all_rows_in_view(&app).await?;
    // The whole screen: xdotool does not find a window by a Cyrillic title.
    app.screenshot_screen(Some("three-calls"), Window::Call)
        .await?;

    // From the keyboard: in line 3's row (Tab reaches its buttons), the A key answers
    // line 3's call, not the window's own (line 2).
    app.client()
        .find(fantoccini::Locator::Css(&format!(
            "{} [data-action='reject']",
            row(3)
        )))
        .await?
        .send_keys("a")
        .await?;
    expect_lines(
        &phone,
        &[(1, OnHold), (2, Ringing), (3, Connected)],
        "the A key in line 3's row",
    )
    .await?;
    expect_window(&app, (3, "connected"), &[(1, "held"), (2, "ringing")]).await?;
    app.quit().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_on_a_3_line_phone() -> Result<()> {
    several_calls("calls-3-lines", 3, 2).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_on_an_8_line_phone() -> Result<()> {
    several_calls("calls-8-lines", 8, 5).await
}
