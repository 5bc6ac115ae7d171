//! Two desk phones in one callpop (a receptionist answering for a colleague): two simulated
//! Grandstream phones, "Desk" and "Reception", each with its own password in the keyring.
//! Each call is named by its phone and acted on at that phone only; dialing goes to the
//! phone chosen; removing a phone in Settings takes its password out of the keyring.
//!
//! Run with `tests/e2e/run.sh multi_`; outside the e2e session it passes at once.

use callpop_e2e::configured::{self, free_loopback_addr, settings_with};
use callpop_e2e::{
    ensure, eventually, session_or_skip, sleep_ms, unique_passcode, App, Phone, Result, Scenario,
    ServerKind, Window, SOON,
};
use callpop_phone_sim::LineState;
use fantoccini::Locator;
use std::time::Duration;

/// Requests to `function` the phone received after `after`.
fn requests_after(phone: &Phone, function: &str, after: Option<u64>) -> usize {
    phone
        .requests_to(function)
        .iter()
        .filter(|r| after.is_none_or(|a| r.seq > a))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_two_phones() -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, "multi-two-phones")?;
    let desktop = session.desktop();
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let desk_pass = unique_passcode("desk");
    let reception_pass = unique_passcode("reception");
    let desk = Phone::start(&desk_pass).await?;
    let reception = Phone::start(&reception_pass).await?;
    sc.write_settings(&settings_with(
        vec![
            configured::grandstream("phone", "Desk", desk.url(), 250),
            configured::grandstream("phone-2", "Reception", reception.url(), 250),
        ],
        free_loopback_addr()?,
    ))?;
    desktop.keyring_save("phone", &desk_pass)?;
    desktop.keyring_save("phone-2", &reception_pass)?;
    let app = App::start_configured(&sc, &[], &[]).await?;

    for id in ["phone", "phone-2"] {
        app.wait_for(
            &format!("article.phone-block[data-phone='{id}'][data-state='online']"),
            &format!("phone {id} shown connected"),
        )
        .await?;
    }
    ensure!(
        app.attr("#connection", "data-phones").await?.as_deref() == Some("2"),
        "the header must count two phones"
    );
    app.screenshot_window("both-connected").await?;

    // A call on Reception: named so in the notification and the call window.
    let mark = desktop.notification_mark();
    let desk_before = desk.last_seq();
    reception.sim().ring(Some(1), "+14165550123", "Ann Lee")?;
    let shown = desktop
        .wait_notification(
            mark,
            "the ringing notification",
            Duration::from_secs(10),
            |n| n.is_notify() && n.summary == "Ann Lee",
        )
        .await?;
    ensure!(
        shown.body.contains("Reception") && !shown.body.contains("Desk"),
        "the notification must name the phone that rings: {:?}",
        shown.body
    );
    app.switch_to(Window::Call).await?;
    let band = app
        .wait_text("#call-state", "the call window's band", |t| {
            t.starts_with("Incoming call")
        })
        .await?;
    ensure!(
        band.contains("Reception"),
        "the call window must say which phone rings: {band:?}"
    );
    app.screenshot_screen(Some("reception-rings"), Window::Call)
        .await?;
    app.screenshot_window("reception-rings").await?;

    app.click("#call-actions [data-action='answer']").await?;
    reception.wait_line(1, LineState::Connected, SOON).await?;
    sleep_ms(500).await;
    ensure!(
        desk.line(1)?.state == LineState::Idle,
        "the Desk phone must not be touched"
    );
    for function in ["api-phone_operation", "api-send_key", "api-make_call"] {
        ensure!(
            requests_after(&desk, function, desk_before) == 0,
            "the Desk phone received {function} for a call on Reception"
        );
    }
    app.click("#call-actions [data-action='hang_up']").await?;
    reception.wait_line(1, LineState::Idle, SOON).await?;
    app.wait_closed(Window::Call, SOON).await?;

    // Dialing with the phone chooser on Reception.
    app.switch_to(Window::Main).await?;
    ensure!(
        app.is_shown("#dial-from").await?,
        "with two phones the main window asks which one to dial from"
    );
    app.client()
        .find(Locator::Css("#dial-phone"))
        .await?
        .select_by_value("phone-2")
        .await?;
    app.type_into("#number", "201").await?;
    let desk_before = desk.last_seq();
    let before = reception.last_seq();
    app.click("#btn-call").await?;
    reception.expect_dialed(before, "201", SOON).await?;
    reception.wait_line(1, LineState::Calling, SOON).await?;
    ensure!(
        requests_after(&desk, "api-make_call", desk_before) == 0,
        "the Desk phone dialled too"
    );
    app.wait_for(
        "#calls li.call-card[data-phone='phone-2'][data-phase='dialing']",
        "the call placed from Reception",
    )
    .await?;
    app.screenshot_window("dial-from-reception").await?;
    app.click("#calls li.call-card[data-phone='phone-2'] [data-action='hang_up']")
        .await?;
    reception.wait_line(1, LineState::Idle, SOON).await?;

    // Reception leaves: removed in Settings, its password leaves the keyring with it.
    app.click("#btn-settings").await?;
    app.switch_to(Window::Settings).await?;
    app.wait_for(
        "[data-action='remove-phone'][data-phone='phone-2']",
        "Reception's card in Settings",
    )
    .await?;
    app.click("[data-action='remove-phone'][data-phone='phone-2']")
        .await?;
    app.click(".confirm-box .btn-danger").await?;
    app.click("#save").await?;
    app.wait_text("#save-status", "\"Saved.\"", |t| t == "Saved.")
        .await?;
    eventually(
        "Reception's password to leave the keyring",
        SOON,
        || async { Ok(desktop.keyring_lookup("phone-2")?.is_none().then_some(())) },
    )
    .await?;
    ensure!(
        desktop.keyring_lookup("phone")?.as_deref() == Some(desk_pass.as_str()),
        "Desk's password must stay in the keyring"
    );
    let saved = sc.read_settings()?;
    let ids: Vec<&str> = saved.phones.iter().map(|p| p.id.as_str()).collect();
    ensure!(ids == ["phone"], "the settings file keeps phones {ids:?}");
    app.switch_to(Window::Main).await?;
    app.wait_text("#conn-label", "the main window with Desk only", |t| {
        t == "Connected"
    })
    .await?;
    // Reception is no longer watched.
    sleep_ms(500).await;
    let stopped_at = reception.last_seq();
    sleep_ms(1500).await;
    ensure!(
        reception.last_seq() == stopped_at,
        "callpop still reads the removed phone"
    );
    app.screenshot_screen(None, Window::Main).await?;
    app.quit().await;
    Ok(())
}
