//! "Recent calls": the call history as a desk worker uses it, through the real app against a
//! simulated Grandstream phone. A missed call waits under To do (badge, tray entry), is
//! resolved by calling back from the list, keeps its note across windows, and the CSV export
//! holds the calls with a caller's formula-like name kept as text.
//!
//! Run with `tests/e2e/run.sh hist_`; outside the e2e session it passes at once.

use callpop_e2e::configured::{self, free_loopback_addr, settings_with};
use callpop_e2e::{
    ensure, eventually, fail, session_or_skip, unique_passcode, App, Desktop, Phone, Result,
    Scenario, ServerKind, Window, SOON,
};
use callpop_phone_sim::LineState;
use serde_json::json;
use std::time::Duration;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// Waits until the tray menu has (or, with `present` false, no longer has) `label`.
async fn tray_offers(desktop: &Desktop, label: &str, present: bool) -> Result<()> {
    let what = if present {
        format!("the tray menu to offer {label:?}")
    } else {
        format!("the tray menu to drop {label:?}")
    };
    eventually(&what, SOON, || async {
        let labels = desktop.tray_labels()?;
        Ok((labels.iter().any(|l| l == label) == present).then_some(()))
    })
    .await
}

/// The `data-id` of the Recent calls row whose caller is `who` (the list must show it).
async fn row_id(app: &App, who: &str) -> Result<String> {
    eventually(&format!("a recent call from {who}"), SOON, || async {
        let found = app
            .eval(
                r##"
                const row = Array.from(document.querySelectorAll("#history-list li.history-row"))
                  .find((li) => li.querySelector(".history-who").textContent === arguments[0]);
                return row ? row.dataset.id : null;
                "##,
                vec![json!(who)],
            )
            .await?;
        Ok(found.as_str().map(str::to_owned))
    })
    .await
}

/// Closes the main window the way its title bar's X does (the settings window stays open,
/// so WebKit and the WebDriver session live on), then waits until it is gone.
async fn close_main(app: &App, desktop: &Desktop) -> Result<()> {
    let closed = desktop.close_windows("^callpop$")?;
    ensure!(
        closed == 1,
        "expected one main window to close, closed {closed}"
    );
    app.wait_closed(Window::Main, SOON).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hist_missed_callback_note_export() -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, "hist-recent-calls")?;
    let desktop = session.desktop();
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let passcode = unique_passcode("hist");
    let phone = Phone::start(&passcode).await?;
    sc.write_settings(&settings_with(
        vec![configured::grandstream("phone", "", phone.url(), 250)],
        free_loopback_addr()?,
    ))?;
    desktop.keyring_save("phone", &passcode)?;
    let app = App::start_configured(&sc, &[], &[]).await?;

    // Bob calls and gives up before anyone answers.
    let mark = desktop.notification_mark();
    phone.sim().short_ring(
        Some(1),
        "+14165550199",
        "Bob Stone",
        Duration::from_millis(400),
    )?;
    desktop
        .wait_notification(mark, "the missed-call notification", secs(10), |n| {
            n.is_notify() && n.summary == "Missed call from Bob Stone"
        })
        .await?;
    app.switch_to(Window::Main).await?;
    app.wait_for("#missed-badge[data-count='1']", "the missed-call badge")
        .await?;
    tray_offers(&desktop, "1 missed call", true).await?;

    // The tray's "1 missed call" opens the main window on its To do list.
    app.invoke("open_window", json!({"name": "settings"}))
        .await?;
    app.switch_to(Window::Settings).await?;
    close_main(&app, &desktop).await?;
    desktop.tray_click("1 missed call")?;
    app.switch_to(Window::Main).await?;
    app.wait_for(
        "#tab-recent[aria-selected='true']",
        "the main window on Recent calls",
    )
    .await?;
    app.wait_for(
        "#history-filter [data-filter='unresolved'][aria-pressed='true']",
        "the To do filter",
    )
    .await?;
    let bob = row_id(&app, "Bob Stone").await?;
    let row = format!("#history-list li.history-row[data-id='{bob}']");
    ensure!(
        app.attr(&row, "data-state").await?.as_deref() == Some("missed")
            && app.attr(&row, "data-resolved").await?.as_deref() == Some("false"),
        "Bob's call must be a missed call to do"
    );
    let todo = app.text(&format!("{row} .history-resolution")).await?;
    ensure!(todo == "To do", "the row says {todo:?}");
    app.screenshot_window("todo").await?;

    // Call back from the list: the phone dials Bob, and the missed call is dealt with.
    let before = phone.last_seq();
    app.click(&format!("{row} [data-action='dial']")).await?;
    phone.expect_dialed(before, "14165550199", SOON).await?;
    phone.wait_line(1, LineState::Calling, SOON).await?;
    app.wait_for("#missed-badge[data-count='0']", "the badge to go")
        .await?;
    ensure!(
        !app.is_shown("#missed-badge").await?,
        "no badge once the missed call is called back"
    );
    tray_offers(&desktop, "1 missed call", false).await?;
    app.click("#btn-hangup").await?;
    phone.wait_line(1, LineState::Idle, SOON).await?;
    app.click("#history-filter [data-filter='all']").await?;
    app.wait_for(
        &format!("{row}[data-resolved='true']"),
        "Bob's call resolved in the list",
    )
    .await?;
    app.screenshot_window("called-back").await?;

    // A note on Bob's call.
    let note = "Wants a quote for 40 chairs";
    app.click(&format!("{row} [data-action='edit_note']"))
        .await?;
    app.type_into(&format!("{row} textarea.history-note-input"), note)
        .await?;
    app.click(&format!("{row} [data-action='save_note']"))
        .await?;
    app.wait_text(
        &format!("{row} .history-note"),
        "the note in the list",
        |t| t == note,
    )
    .await?;

    // It is still there once the main window was closed and opened again.
    close_main(&app, &desktop).await?;
    desktop.tray_click("Open callpop")?;
    app.switch_to(Window::Main).await?;
    app.click("#tab-recent").await?;
    let row = format!("#history-list li.history-row[data-id='{bob}']");
    app.wait_text(
        &format!("{row} .history-note"),
        "the note after reopening",
        |t| t == note,
    )
    .await?;
    app.screenshot_window("note").await?;

    // A caller whose name a spreadsheet would run as a formula.
    let mark = desktop.notification_mark();
    let formula = "=1+2 Mallory";
    phone
        .sim()
        .short_ring(Some(2), "+14165550177", formula, Duration::from_millis(400))?;
    desktop
        .wait_notification(mark, "the second missed call", secs(10), |n| {
            n.is_notify() && n.summary.starts_with("Missed call")
        })
        .await?;
    row_id(&app, formula).await?;
    app.click("#history-export").await?;
    let path = app
        .wait_text(
            "#history-exported .history-path",
            "the exported file's path",
            |t| t.ends_with(".csv"),
        )
        .await?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| fail(format!("cannot read the export {path}: {e}")))?;
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers()?.clone();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| fail(format!("no column {name} in {header:?}")))
    };
    let (outcome, number, name, how, note_at, direction) = (
        column("outcome")?,
        column("number")?,
        column("phone_name")?,
        column("resolved_how")?,
        column("note")?,
        column("direction")?,
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    eprintln!("[{}] export {path}:\n{text}", sc.name);
    let bob_row = rows
        .iter()
        .find(|r| &r[name] == "Bob Stone")
        .ok_or_else(|| fail("Bob's call is not in the export"))?;
    ensure!(
        &bob_row[outcome] == "missed"
            && &bob_row[how] == "callback"
            && &bob_row[note_at] == note
            && bob_row[number].ends_with("14165550199"),
        "Bob's row: {bob_row:?}"
    );
    ensure!(
        rows.iter()
            .any(|r| &r[direction] == "out" && r[number].ends_with("14165550199")),
        "the call back is not in the export: {rows:?}"
    );
    let mallory = rows
        .iter()
        .find(|r| r[number].ends_with("14165550177"))
        .ok_or_else(|| fail("the formula caller's call is not in the export"))?;
    ensure!(
        mallory[name] == format!("'{formula}"),
        "a name starting with = must be exported as text ('{formula}), not {:?}",
        &mallory[name]
    );
    ensure!(
        !rows
            .iter()
            .flat_map(|r| r.iter())
            .any(|cell| cell.starts_with(['=', '+', '-', '@'])),
        "no cell may start like a formula: {rows:?}"
    );
    app.screenshot_window("exported").await?;
    app.quit().await;
    Ok(())
}
