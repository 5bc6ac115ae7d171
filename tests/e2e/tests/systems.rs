//! callpop with each phone system a desk worker may have, through the real app: a settings
//! file with that one phone, its password in the keyring (account `phone`), and the system's
//! simulator from `callpop-phone-sim` in this process (Asterisk's manager interface, XiVO's
//! xuc server, a Yealink phone). Each test checks what the person sees (notification, call
//! window, main window) and what the PBX or phone was asked to do.
//!
//! Run with `tests/e2e/run.sh` (or `tests/e2e/run.sh sys_`); outside the e2e session these
//! tests pass at once with a "skipped" note.

use callpop_e2e::configured::{self, free_loopback_addr, settings_with};
use callpop_e2e::{
    ensure, eventually, fail, session_or_skip, sleep_ms, App, Notification, Result, Scenario,
    ServerKind, Window, SOON,
};
use callpop_phone_sim::ami::{AmiSim, AmiSimConfig, CallId, CallPhase};
use callpop_phone_sim::xuc::{CallState, UserData, XucSim, XucSimConfig};
use callpop_phone_sim::yealink::{
    YealinkCallState, YealinkEvent, YealinkKey, YealinkSim, YealinkSimConfig,
};
use serde_json::json;
use std::time::Duration;

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// Waits for the ringing notification naming `caller` and checks it says "Incoming call".
async fn ringing_notification(sc: &Scenario, mark: usize, caller: &str) -> Result<Notification> {
    let desktop = sc.session.desktop();
    let shown = desktop
        .wait_notification(
            mark,
            &format!("the notification for {caller}"),
            secs(10),
            |n| n.is_notify() && n.summary == caller,
        )
        .await?;
    ensure!(
        shown.body.starts_with("Incoming call"),
        "notification body {:?}",
        shown.body
    );
    Ok(shown)
}

/// Waits until the call window shows `caller` in phase `phase`.
async fn call_window_shows(app: &App, caller: &str, phase: &str) -> Result<()> {
    app.switch_to(Window::Call).await?;
    app.wait_text(
        "#caller-name",
        &format!("{caller} in the call window"),
        |t| t == caller,
    )
    .await?;
    wait_phase(app, phase).await
}

/// Waits until the call window's call is in `phase` (`ringing`, `connected`, `held`, `ended`).
async fn wait_phase(app: &App, phase: &str) -> Result<()> {
    eventually(
        &format!("the call window to show the call {phase}"),
        SOON,
        || async {
            let now = app.attr("#call", "data-phase").await?;
            if now.as_deref() == Some(phase) {
                Ok(Some(()))
            } else {
                Err(fail(format!("phase {now:?}")))
            }
        },
    )
    .await
}

/// The live channel of the desk phone `device` in `call`.
fn desk_channel(pbx: &AmiSim, call: CallId, device: &str) -> Result<String> {
    pbx.channels()
        .into_iter()
        .find(|c| c.call == call && c.device == device)
        .map(|c| c.name)
        .ok_or_else(|| fail(format!("no channel of {device} in {:?}", pbx.channels())))
}

/// Asterisk: the PBX tells callpop of the desk phone's calls; callpop can reject, hang up,
/// transfer and dial, but never answer, hold or mute (the PBX cannot make the phone do that).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sys_asterisk() -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, "sys-asterisk")?;
    let desktop = session.desktop();
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let pbx = AmiSim::start(AmiSimConfig::default()).await?;
    let desk = "PJSIP/100";
    sc.write_settings(&settings_with(
        vec![configured::asterisk(
            "phone",
            "",
            pbx.addr(),
            "callpop",
            desk,
            "internal",
        )],
        free_loopback_addr()?,
    ))?;
    desktop.keyring_save("phone", "s3cret")?;
    let app = App::start_configured(&sc, &[], &[]).await?;
    let label = app.text("#conn-label").await?;
    ensure!(label == "Connected", "header says {label:?}");
    app.screenshot_window("connected").await?;

    // A call from the trunk rings the desk phone.
    let mark = desktop.notification_mark();
    let first = pbx.ring("+14165550123", "Ann Lee", desk)?;
    let ringing = ringing_notification(&sc, mark, "Ann Lee").await?;
    call_window_shows(&app, "Ann Lee", "ringing").await?;
    let offered = app.actions_in("#call-actions").await?;
    ensure!(
        offered.contains(&"reject".to_owned()),
        "the call window must offer Reject: {offered:?}"
    );
    for never in ["answer", "hold", "mute"] {
        ensure!(
            !offered.iter().any(|a| a == never),
            "Asterisk cannot {never} a desk phone, yet the window offers {offered:?}"
        );
    }
    // (The notification's own buttons: see `sys_asterisk_notification_buttons`.)
    let _ = ringing;
    app.screenshot_screen(Some("ringing"), Window::Call).await?;
    app.screenshot_window("ringing").await?;

    let phone_channel = desk_channel(&pbx, first, desk)?;
    let before = pbx.actions().len();
    app.click("#call-actions [data-action=reject]").await?;
    let hangup = eventually("the PBX to get a Hangup", SOON, || async {
        Ok(pbx
            .actions()
            .into_iter()
            .skip(before)
            .find(|a| a.is("Hangup")))
    })
    .await?;
    ensure!(
        hangup.header("Channel") == Some(phone_channel.as_str())
            && hangup.header("Cause") == Some("21"),
        "expected Hangup of {phone_channel} with cause 21 (rejected), got {:?}",
        hangup.headers
    );
    eventually("the call to end on the PBX", SOON, || async {
        Ok(pbx
            .call(first)
            .is_some_and(|c| c.phase == CallPhase::Ended)
            .then_some(()))
    })
    .await?;
    eventually("the call window to say it was rejected", SOON, || async {
        Ok((app.attr("#call", "data-outcome").await?.as_deref() == Some("rejected")).then_some(()))
    })
    .await?;
    let said = app.text("#call-state").await?;
    ensure!(said == "Rejected", "the call window says {said:?}");
    app.screenshot_window("rejected").await?;
    app.wait_closed(Window::Call, SOON).await?;
    sleep_ms(1000).await;
    let missed: Vec<Notification> = desktop
        .notifications_since(mark)
        .into_iter()
        .filter(|n| n.is_notify() && n.summary.starts_with("Missed call"))
        .collect();
    ensure!(
        missed.is_empty(),
        "a call the user rejected is no missed call: {missed:#?}"
    );
    app.switch_to(Window::Main).await?;
    ensure!(
        app.attr("#missed-badge", "data-count").await?.as_deref() == Some("0"),
        "a rejected call must not count as a missed call to deal with"
    );
    let page = app
        .invoke(
            "list_calls",
            json!({"query": {"text": "", "filter": "all"}, "after": null, "limit": 10}),
        )
        .await?;
    let state = page["calls"][0]["state"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    ensure!(
        state == "rejected",
        "the history keeps the call as {state:?}, not rejected"
    );

    // A call answered at the desk phone, then transferred from the call window.
    let mark = desktop.notification_mark();
    let second = pbx.ring("+14165550199", "Bob Stone", desk)?;
    ringing_notification(&sc, mark, "Bob Stone").await?;
    call_window_shows(&app, "Bob Stone", "ringing").await?;
    pbx.answer(second)?;
    wait_phase(&app, "connected").await?;
    let offered = app.actions_in("#call-actions").await?;
    ensure!(
        offered.contains(&"show_transfer".to_owned()) && offered.contains(&"hang_up".to_owned()),
        "a connected Asterisk call offers Transfer and Hang up: {offered:?}"
    );
    let caller_channel = pbx
        .channels()
        .into_iter()
        .find(|c| c.call == second && c.device != desk)
        .map(|c| c.name)
        .ok_or_else(|| fail(format!("no caller channel in {:?}", pbx.channels())))?;
    app.click("#call-actions [data-action=show_transfer]")
        .await?;
    app.type_into("#call-actions [data-field=transfer_to]", "203")
        .await?;
    app.screenshot_window("transfer").await?;
    let before = pbx.actions().len();
    app.click("#call-actions button[data-action=transfer]")
        .await?;
    let redirect = eventually("the PBX to get a Redirect", SOON, || async {
        Ok(pbx
            .actions()
            .into_iter()
            .skip(before)
            .find(|a| a.is("Redirect")))
    })
    .await?;
    ensure!(
        redirect.header("Channel") == Some(caller_channel.as_str())
            && redirect.header("Exten") == Some("203"),
        "expected the caller's channel {caller_channel} redirected to 203, got {:?}",
        redirect.headers
    );
    app.wait_closed(Window::Call, secs(15)).await?;

    // Click-to-dial from the main window: the PBX rings the desk phone first.
    app.switch_to(Window::Main).await?;
    app.type_into("#number", "201").await?;
    let before = pbx.actions().len();
    app.click("#btn-call").await?;
    let originate = eventually("the PBX to get an Originate", SOON, || async {
        Ok(pbx
            .actions()
            .into_iter()
            .skip(before)
            .find(|a| a.is("Originate")))
    })
    .await?;
    ensure!(
        originate.header("Channel") == Some(desk) && originate.header("Exten") == Some("201"),
        "expected an Originate from {desk} to 201, got {:?}",
        originate.headers
    );
    // The PBX rings the desk phone first; the main window shows the call being placed.
    let dialled = eventually("the PBX to ring the desk phone", SOON, || async {
        Ok(pbx
            .calls()
            .into_iter()
            .find(|c| c.direction == "originate" && c.phase == CallPhase::Originating))
    })
    .await?;
    app.wait_for(
        "#calls li.call-card",
        "the call being placed in the main window",
    )
    .await?;
    let problem = app.text("#dial-preview").await?;
    ensure!(
        !problem.contains("refused"),
        "the main window reports a failed dial: {problem:?}"
    );
    app.screenshot_screen(None, Window::Main).await?;
    let desk_leg = desk_channel(&pbx, dialled.id, desk)?;
    let before = pbx.actions().len();
    app.click("#btn-hangup").await?;
    let hangup = eventually("the PBX to get a Hangup", SOON, || async {
        Ok(pbx
            .actions()
            .into_iter()
            .skip(before)
            .find(|a| a.is("Hangup")))
    })
    .await?;
    ensure!(
        hangup.header("Channel") == Some(desk_leg.as_str()),
        "Hang up must end the desk phone's leg {desk_leg}: {:?}",
        hangup.headers
    );
    app.quit().await;
    pbx.shutdown().await;
    Ok(())
}

/// Asterisk: the ringing notification offers only what the PBX can do (Reject), like the
/// call window; an Answer button there could only fail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sys_asterisk_notification_buttons() -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, "sys-asterisk-notification")?;
    let desktop = session.desktop();
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let pbx = AmiSim::start(AmiSimConfig::default()).await?;
    let desk = "PJSIP/100";
    sc.write_settings(&settings_with(
        vec![configured::asterisk(
            "phone",
            "",
            pbx.addr(),
            "callpop",
            desk,
            "internal",
        )],
        free_loopback_addr()?,
    ))?;
    desktop.keyring_save("phone", "s3cret")?;
    let app = App::start_configured(&sc, &[], &[]).await?;
    let mark = desktop.notification_mark();
    let call = pbx.ring("+14165550123", "Ann Lee", desk)?;
    let ringing = ringing_notification(&sc, mark, "Ann Lee").await?;
    ensure!(
        ringing
            .actions
            .windows(2)
            .any(|w| w == ["reject", "Reject"]),
        "the notification must offer Reject: {:?}",
        ringing.actions
    );
    ensure!(
        !ringing.actions.iter().any(|a| a == "answer"),
        "the notification offers Answer, which Asterisk cannot do: {:?}",
        ringing.actions
    );
    pbx.give_up(call)?;
    app.quit().await;
    pbx.shutdown().await;
    Ok(())
}

/// XiVO: what the PBX attaches to a call (its queue, a ticket number) shows in the call
/// window; Answer, Hold, Resume and Hang up act on the call through xuc; Do Not Disturb
/// follows the main window's switch.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sys_xivo() -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, "sys-xivo")?;
    let desktop = session.desktop();
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let pbx = XucSim::start(XucSimConfig::default()).await?;
    sc.write_settings(&settings_with(
        vec![configured::xivo("phone", "", &pbx.url(), "alice")],
        free_loopback_addr()?,
    ))?;
    desktop.keyring_save("phone", "alice")?;
    let app = App::start_configured(&sc, &[], &[]).await?;

    let mark = desktop.notification_mark();
    let mut data = UserData::new();
    data.insert("USR_ticket".into(), "4711".into());
    let call = pbx.ring_from_queue("alice", "sales", "+14165550123", "Ann Lee", data)?;
    ringing_notification(&sc, mark, "Ann Lee").await?;
    call_window_shows(&app, "Ann Lee", "ringing").await?;
    let queue = app.text("#call [data-info=Queue] dd").await?;
    let ticket = app.text("#call [data-info=Ticket] dd").await?;
    ensure!(
        queue == "sales" && ticket == "4711",
        "the call window shows queue {queue:?} and ticket {ticket:?}"
    );
    app.screenshot_screen(Some("ringing"), Window::Call).await?;
    app.screenshot_window("ringing").await?;

    let state = |want: CallState| {
        let pbx = &pbx;
        async move {
            eventually(&format!("the XiVO call to be {want}"), SOON, || async {
                let now = pbx.call(call).map(|c| c.state);
                if now == Some(want) {
                    Ok(Some(()))
                } else {
                    Err(fail(format!("it is {now:?}")))
                }
            })
            .await
        }
    };
    app.click("#call-actions [data-action=answer]").await?;
    state(CallState::Established).await?;
    wait_phase(&app, "connected").await?;
    app.click("#call-actions [data-action=hold]").await?;
    state(CallState::OnHold).await?;
    wait_phase(&app, "held").await?;
    app.screenshot_window("held").await?;
    app.click("#call-actions [data-action=resume]").await?;
    state(CallState::Established).await?;
    wait_phase(&app, "connected").await?;
    app.click("#call-actions [data-action=hang_up]").await?;
    eventually("the XiVO call to end", SOON, || async {
        Ok(pbx.call(call).is_none().then_some(()))
    })
    .await?;
    app.wait_closed(Window::Call, SOON).await?;
    let commands: Vec<String> = pbx
        .sessions()
        .iter()
        .flat_map(|s| s.commands.iter().filter_map(|c| c.command.clone()))
        .collect();
    eprintln!("[{}] xuc commands: {commands:?}", sc.name);

    // Do Not Disturb from the main window's switch.
    app.switch_to(Window::Main).await?;
    let dnd = |on: bool| {
        let pbx = &pbx;
        async move {
            eventually(&format!("DND {on} at the PBX"), SOON, || async {
                let now = pbx
                    .users()
                    .iter()
                    .find(|u| u.login == "alice")
                    .map(|u| u.dnd);
                Ok((now == Some(on)).then_some(()))
            })
            .await
        }
    };
    let switch = "[data-action=set_dnd][data-phone=phone]";
    app.wait_for(&format!("{switch}[data-state=off]"), "the DND switch, off")
        .await?;
    app.click(switch).await?;
    dnd(true).await?;
    app.wait_for(&format!("{switch}[data-state=on]"), "the DND switch, on")
        .await?;
    ensure!(
        app.is_shown("#conn-dnd").await?,
        "the header must say Do Not Disturb is on"
    );
    app.screenshot_window("dnd").await?;
    app.click(switch).await?;
    dnd(false).await?;
    app.wait_for(
        &format!("{switch}[data-state=off]"),
        "the DND switch, off again",
    )
    .await?;
    app.quit().await;
    pbx.shutdown().await;
    Ok(())
}

/// Yealink: the phone pushes its Action URLs to the app's listener (it cannot be asked what
/// rings), and callpop steers it with Action URI keys that name the call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sys_yealink() -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, "sys-yealink")?;
    let desktop = session.desktop();
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let phone = YealinkSim::start(YealinkSimConfig {
        push_delay: Duration::from_millis(100),
        ..YealinkSimConfig::default()
    })
    .await?;
    let listen = free_loopback_addr()?;
    let profile = configured::yealink("phone", "", &phone.url(), "admin");
    let token = configured::push_token(&profile)?;
    // The Action URLs the settings window lists for this phone, pasted into its web page.
    for line in callpop_phone::backend::yealink::action_url_lines(listen, &token) {
        let event: YealinkEvent = line
            .parameter
            .parse()
            .map_err(|e| fail(format!("{}: {e:?}", line.parameter)))?;
        phone.set_action_url(event, Some(line.url.clone()));
    }
    sc.write_settings(&settings_with(vec![profile], listen))?;
    desktop.keyring_save("phone", "admin")?;
    let app = App::start_configured(&sc, &[], &[]).await?;

    let mark = desktop.notification_mark();
    let call_id = phone.ring("+14165550123", "Ann Lee", 0)?;
    ringing_notification(&sc, mark, "Ann Lee").await?;
    call_window_shows(&app, "Ann Lee", "ringing").await?;
    ensure!(
        phone
            .pushes()
            .iter()
            .any(|p| p.url.contains(&format!("/{token}/in"))),
        "the popup must come from the phone's push: {:?}",
        phone.pushes()
    );
    app.screenshot_screen(Some("ringing"), Window::Call).await?;

    let keys_sent = |phone: &YealinkSim| -> Vec<YealinkKey> {
        phone.requests().into_iter().flat_map(|r| r.keys).collect()
    };
    app.click("#call-actions [data-action=answer]").await?;
    eventually("the phone to get ASW:<call id>", SOON, || async {
        Ok(keys_sent(&phone)
            .contains(&YealinkKey::Answer(call_id.clone()))
            .then_some(()))
    })
    .await?;
    eventually("the phone's call to be connected", SOON, || async {
        Ok(phone
            .calls()
            .iter()
            .any(|c| c.call_id == call_id && c.state == YealinkCallState::Connected)
            .then_some(()))
    })
    .await?;
    wait_phase(&app, "connected").await?;
    app.screenshot_window("connected").await?;
    app.click("#call-actions [data-action=hang_up]").await?;
    eventually("the phone's call to end", SOON, || async {
        Ok(phone.calls().is_empty().then_some(()))
    })
    .await?;
    app.wait_closed(Window::Call, SOON).await?;
    let keys = keys_sent(&phone);
    ensure!(
        keys.contains(&YealinkKey::CancelCall(call_id.clone()))
            || keys.contains(&YealinkKey::CallEnd),
        "Hang up must end this call at the phone: keys {keys:?}"
    );
    app.quit().await;
    phone.shutdown().await;
    Ok(())
}
