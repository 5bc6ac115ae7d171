//! The dial hotkey in a Wayland session: never silent.
//!
//! a. With the desktop's GlobalShortcuts portal, the hotkey from Settings is bound through
//!    it, the main window says which keys the desktop set, a press the desktop reports dials
//!    the number in the clipboard, no X11 key grab is made behind the desktop's back, and keys
//!    changed later in the desktop's settings are shown; another hotkey saved in Settings is
//!    bound anew in a new session.
//! b. Without such a portal (Debian 12, GNOME before 48) the main window says plainly that
//!    no keyboard shortcut can work there and names the tray's "Dial clipboard", which dials.
//! c. When the user declines the shortcut in the desktop's dialog, the main window says so.
//!
//! The session stays X11 (Xvfb): the app is told it runs under Wayland with
//! `XDG_SESSION_TYPE=wayland`, the portal is `desktop/fake_portal.py` on the session bus, and
//! the clipboard is read the way the Wayland path ends when neither the data-control protocol
//! nor `wl-paste` is there: through X (XWayland on a real desktop). On X11 the hotkey is a key
//! grab as before, covered by review.rs (`rev_f_hotkey_skips_the_date`) and scenarios.rs.
//!
//! Run with `tests/e2e/run.sh wl_`; outside the e2e session these pass at once.

use callpop_e2e::configured::{self, free_loopback_addr, settings_with};
use callpop_e2e::{
    ensure, eventually, fail, session_or_skip, sleep_ms, unique_passcode, App, Phone, Result,
    Scenario, ServerKind, SOON,
};
use callpop_phone::number::DialingRules;
use callpop_phone_sim::LineState;
use serde_json::json;
use std::time::Duration;

const WAYLAND: (&str, &str) = ("XDG_SESSION_TYPE", "wayland");

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// A Grandstream phone set up earlier, with `hotkey` as the dial hotkey.
async fn set_up_phone(sc: &Scenario, tag: &str, hotkey: &str) -> Result<Phone> {
    let passcode = unique_passcode(tag);
    let phone = Phone::start(&passcode).await?;
    let mut settings = settings_with(
        vec![configured::grandstream("phone", "", phone.url(), 250)],
        free_loopback_addr()?,
    );
    settings.hotkey = hotkey.to_owned();
    sc.write_settings(&settings)?;
    sc.session.desktop().keyring_save("phone", &passcode)?;
    Ok(phone)
}

/// What the phone is asked to dial for `number` under the default dialing rules.
fn dialed_form(number: &str) -> Result<String> {
    callpop_phone::number::normalize(number, &DialingRules::default())
        .map(|n| n.dial)
        .map_err(|e| fail(format!("the dialing rules refuse {number}: {e}")))
}

/// `make_call` requests after `after`.
fn dials_after(phone: &Phone, after: Option<u64>) -> Vec<String> {
    phone
        .requests_to("api-make_call")
        .iter()
        .filter(|r| after.is_none_or(|b| r.seq > b))
        .map(|r| r.param("phonenumber").unwrap_or_default().to_owned())
        .collect()
}

/// a. The portal binds the configured hotkey; its activation dials the clipboard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wl_a_hotkey_through_the_portal() -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, "wl-a-portal")?;
    let desktop = session.desktop();
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let portal = desktop
        .fake_portal(&sc.dir.join("portal.jsonl"), false)
        .await?;
    let phone = set_up_phone(&sc, "wl-a", "Ctrl+Alt+K").await?;
    let app = App::start_configured(&sc, &[], &[WAYLAND]).await?;

    let bound = eventually("the app to bind its shortcut", SOON, || async {
        Ok(portal.calls_named("BindShortcuts").into_iter().next())
    })
    .await?;
    eprintln!("[{}] BindShortcuts: {bound}", sc.name);
    let shortcuts = bound["shortcuts"]
        .as_array()
        .ok_or_else(|| fail(format!("no shortcuts in {bound}")))?;
    ensure!(
        shortcuts.len() == 1 && shortcuts[0]["id"] == "dial-selection",
        "one shortcut, dial-selection, expected: {bound}"
    );
    ensure!(
        shortcuts[0]["preferred_trigger"] == "CTRL+ALT+k",
        "the configured Ctrl+Alt+K must be suggested as CTRL+ALT+k: {bound}"
    );
    ensure!(
        shortcuts[0]["description"]
            .as_str()
            .is_some_and(|d| d.contains("Dial")),
        "the shortcut needs a description a person understands: {bound}"
    );
    ensure!(
        portal.calls_named("CreateSession").len() == 1,
        "one session expected: {:?}",
        portal.calls()
    );

    let notice = app
        .wait_text(
            "#app-notices",
            "the hotkey's keys in the main window",
            |t| t.contains("Ctrl+Alt+K") && t.contains("set through your desktop"),
        )
        .await?;
    eprintln!("[{}] main window: {notice:?}", sc.name);
    ensure!(
        app.text("#problems").await?.is_empty(),
        "no problem expected, the main window lists: {:?}",
        app.text("#problem-list").await?
    );
    app.screenshot_window("bound").await?;

    desktop.set_selection("primary", "see you at lunch")?;
    desktop.set_selection("clipboard", "416-555-0123")?;
    let wanted = dialed_form("416-555-0123")?;

    // No X11 grab behind the desktop's back: on Wayland it would never fire.
    let before = phone.last_seq();
    desktop.press_keys("ctrl+alt+k")?;
    sleep_ms(1500).await;
    let dialed = dials_after(&phone, before);
    ensure!(
        dialed.is_empty(),
        "the X11 key press dialed {dialed:?}: a key grab was made"
    );

    portal.activate("dial-selection")?;
    phone.expect_dialed(before, &wanted, secs(10)).await?;
    sleep_ms(1000).await;
    let dialed = dials_after(&phone, before);
    ensure!(
        dialed == [wanted.clone()],
        "one dial of {wanted:?} expected, the phone got {dialed:?}"
    );
    phone.wait_line(1, LineState::Calling, SOON).await?;
    app.click("#btn-hangup").await?;
    phone.wait_line(1, LineState::Idle, SOON).await?;

    // Other keys chosen in the desktop's settings: the main window follows.
    portal.set_trigger("dial-selection", "CTRL+SHIFT+F9")?;
    app.wait_text("#app-notices", "the desktop's new keys", |t| {
        t.contains("Ctrl+Shift+F9")
    })
    .await?;

    // Another hotkey saved in Settings: the old session is closed, the new keys are asked for.
    let view = app.invoke("get_settings", json!({})).await?;
    let mut settings = view["settings"].clone();
    ensure!(
        settings.is_object(),
        "get_settings gave no settings: {view}"
    );
    settings["hotkey"] = json!("Ctrl+Alt+J");
    app.invoke("save_settings", json!({ "settings": settings }))
        .await?;
    let rebound = eventually("the app to bind the new hotkey", SOON, || async {
        Ok(portal.calls_named("BindShortcuts").get(1).cloned())
    })
    .await?;
    ensure!(
        rebound["shortcuts"][0]["preferred_trigger"] == "CTRL+ALT+j",
        "the new hotkey must be suggested as CTRL+ALT+j: {rebound}"
    );
    let closed = portal.calls_named("Close");
    ensure!(
        closed.len() == 1 && closed[0]["session"] == bound["session"],
        "the first session must be closed before the new binding: {:?}",
        portal.calls()
    );
    ensure!(
        rebound["session"] != bound["session"],
        "the new binding needs a session of its own: {rebound}"
    );
    app.wait_text("#app-notices", "the new keys", |t| t.contains("Ctrl+Alt+J"))
        .await?;
    app.quit().await;
    Ok(())
}

/// b. No portal: a plain notice naming the tray item, and the tray item dials.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wl_b_no_portal_points_to_the_tray() -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, "wl-b-no-portal")?;
    let desktop = session.desktop();
    ensure!(
        !callpop_e2e::bus_has_owner("org.freedesktop.portal.Desktop"),
        "a portal runs on the session bus: this test needs none"
    );
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let phone = set_up_phone(&sc, "wl-b", "Ctrl+Alt+D").await?;
    let app = App::start_configured(&sc, &[], &[WAYLAND]).await?;

    let problem = app
        .wait_text("#problem-list", "the no-hotkey notice", |t| {
            t.contains("cannot use a keyboard shortcut") && t.contains("\"Dial clipboard\"")
        })
        .await?;
    eprintln!("[{}] main window: {problem:?}", sc.name);
    ensure!(
        app.text("#app-notices").await?.is_empty(),
        "nothing may claim the hotkey works: {:?}",
        app.text("#app-notices").await?
    );
    let hint = app.text("#hotkey-hint").await?;
    ensure!(
        !hint.contains("Ctrl+Alt+D"),
        "the footer still offers the hotkey that cannot work: {hint:?}"
    );
    app.screenshot_window("no-portal").await?;

    desktop.set_selection("primary", "no number here")?;
    desktop.set_selection("clipboard", "+1 416 555 0199")?;
    let wanted = dialed_form("+1 416 555 0199")?;
    let before = phone.last_seq();
    desktop.press_keys("ctrl+alt+d")?;
    sleep_ms(1500).await;
    let dialed = dials_after(&phone, before);
    ensure!(
        dialed.is_empty(),
        "the X11 key press dialed {dialed:?}: a key grab was made"
    );
    desktop.tray_click("Dial clipboard")?;
    phone.expect_dialed(before, &wanted, secs(10)).await?;
    phone.wait_line(1, LineState::Calling, SOON).await?;
    app.click("#btn-hangup").await?;
    phone.wait_line(1, LineState::Idle, SOON).await?;

    // The same from the notice itself, one click away.
    let before = phone.last_seq();
    app.click("#problem-list [data-kind='hotkey'] [data-action='dial-clipboard']")
        .await?;
    phone.expect_dialed(before, &wanted, secs(10)).await?;
    phone.wait_line(1, LineState::Calling, SOON).await?;
    app.click("#btn-hangup").await?;
    phone.wait_line(1, LineState::Idle, SOON).await?;
    app.quit().await;
    Ok(())
}

/// c. Declined in the desktop's dialog: said so, with the tray's way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wl_c_declined_shortcut_is_said() -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, "wl-c-declined")?;
    let desktop = session.desktop();
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let portal = desktop
        .fake_portal(&sc.dir.join("portal.jsonl"), true)
        .await?;
    let _phone = set_up_phone(&sc, "wl-c", "Ctrl+Alt+D").await?;
    let app = App::start_configured(&sc, &[], &[WAYLAND]).await?;
    let problem = app
        .wait_text("#problem-list", "the declined notice", |t| {
            t.contains("declined") && t.contains("\"Dial clipboard\"")
        })
        .await?;
    eprintln!("[{}] main window: {problem:?}", sc.name);
    ensure!(
        portal.calls_named("BindShortcuts").len() == 1,
        "asked once: {:?}",
        portal.calls()
    );
    ensure!(
        app.text("#app-notices").await?.is_empty(),
        "nothing may claim the hotkey works"
    );
    app.quit().await;
    Ok(())
}
