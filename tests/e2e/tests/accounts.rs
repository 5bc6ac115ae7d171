//! A desk phone with two SIP accounts (a person's own extension and a shared sales line): the
//! main window shows whether each is registered, the dial pad asks which account to call
//! from (preselected with the one in Settings), the call goes out from the account chosen,
//! and an account that lost its registration is refused before anything is dialled, then
//! shown as not registered and no longer offered.
//!
//! Run with `tests/e2e/run.sh acct_`; outside the e2e session it passes at once.

use callpop_e2e::configured::{self, free_loopback_addr, settings_with};
use callpop_e2e::{
    ensure, eventually, session_or_skip, unique_passcode, App, Phone, Result, Scenario, ServerKind,
    Window, SOON,
};
use callpop_phone::settings::PhoneSystem;
use callpop_phone_sim::LineState;
use fantoccini::Locator;
use serde_json::json;

/// The accounts (0-based) the phone's outgoing calls went out from, with their numbers.
fn dialled_from(phone: &Phone) -> Vec<(String, u32)> {
    phone
        .sim()
        .state()
        .dials
        .into_iter()
        .map(|d| (d.number, d.account))
        .collect()
}

/// Each account row of the main window: (index, registered) as the page marks them.
async fn account_rows(app: &App) -> Result<Vec<(String, String)>> {
    let rows = app
        .eval(
            r#"return [...document.querySelectorAll("ul.accounts li.account-row")]
                .map((li) => [li.dataset.account, li.dataset.registered]);"#,
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(rows)?)
}

/// Picks the account at `index` in the dial pad and types `number`, as a person does, and
/// waits until the page shows both (the preview follows the typing a moment later).
async fn pick_and_type(app: &App, index: &str, number: &str) -> Result<()> {
    app.client()
        .find(Locator::Css("#dial-account"))
        .await?
        .select_by_value(index)
        .await?;
    eventually("the account picked", SOON, || async {
        Ok((picked(app).await? == index).then_some(()))
    })
    .await?;
    app.type_into("#number", number).await?;
    app.wait_text("#dial-preview", "the number's preview", |t| {
        t.starts_with(&format!("{number} →"))
    })
    .await?;
    Ok(())
}

async fn picked(app: &App) -> Result<String> {
    let value = app
        .eval(
            "return document.querySelector('#dial-account').value;",
            vec![],
        )
        .await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acct_registration_and_dialing_from_a_chosen_account() -> Result<()> {
    let session = session_or_skip!();
    let sc = Scenario::new(&session, "acct-accounts")?;
    let desktop = session.desktop();
    let _server = desktop
        .notification_server(ServerKind::Stub, &sc.dir)
        .await?;
    let pass = unique_passcode("acct");
    // The simulated phone has two accounts: Desk 1001 and Desk 1002.
    let phone = Phone::start(&pass).await?;
    let mut profile = configured::grandstream("phone", "Desk", phone.url(), 250);
    if let PhoneSystem::Grandstream(g) = &mut profile.system {
        // Settings: dial from Account 2 unless the dial pad says otherwise.
        g.dial_account = Some(2);
    }
    sc.write_settings(&settings_with(vec![profile], free_loopback_addr()?))?;
    desktop.keyring_save("phone", &pass)?;
    let app = App::start_configured(&sc, &[], &[]).await?;

    // Both accounts, registered, next to the phone.
    eventually("both accounts shown registered", SOON, || async {
        let rows = account_rows(&app).await?;
        let want = [("0", "true"), ("1", "true")].map(|(a, r)| (a.to_owned(), r.to_owned()));
        Ok((rows == want).then_some(()))
    })
    .await?;
    let listed = app.text("ul.accounts").await?;
    ensure!(
        listed.contains("Account 1 · Desk 1001 (1001)")
            && listed.contains("Account 2 · Desk 1002 (1002)")
            && listed.matches("Registered").count() == 2,
        "the accounts as people read them: {listed:?}"
    );

    // The dial pad asks which account, with Settings' Account 2 preselected.
    ensure!(
        app.is_shown("#dial-account-row").await?,
        "a phone with two accounts offers the account picker"
    );
    ensure!(
        picked(&app).await? == "1",
        "Settings' default (Account 2 = index 1) must be preselected, not {:?}",
        picked(&app).await?
    );
    app.screenshot_window("two-accounts").await?;

    // Chosen: Account 1. The phone dials from index 0.
    pick_and_type(&app, "0", "201").await?;
    let before = phone.last_seq();
    app.click("#btn-call").await?;
    let call = phone.expect_dialed(before, "201", SOON).await?;
    ensure!(
        call.param("account") == Some("0"),
        "make_call must name account 0, not {:?}",
        call.param("account")
    );
    phone.wait_line(1, LineState::Calling, SOON).await?;
    ensure!(
        dialled_from(&phone) == [("201".to_owned(), 0)],
        "the phone dialled {:?}",
        dialled_from(&phone)
    );
    phone.sim().remote_hangup(1)?;
    phone.wait_line(1, LineState::Idle, SOON).await?;

    // Account 2 loses its registration; the window still shows what it last read, so a
    // person may pick it: the dial is refused, clearly, and nothing is dialled.
    phone.sim().set_account_registered(1, false)?;
    pick_and_type(&app, "1", "202").await?;
    let before = phone.last_seq();
    app.click("#btn-call").await?;
    let said = app
        .wait_text("#dial-preview", "the refusal under the number", |t| {
            t.contains("not registered")
        })
        .await?;
    ensure!(
        said.contains("Account 2 “Desk 1002 (1002)” is not registered"),
        "the refusal must name the account: {said:?}"
    );
    ensure!(
        phone
            .requests_to("api-make_call")
            .iter()
            .all(|r| before.is_some_and(|b| r.seq <= b)),
        "nothing may be dialled from an unregistered account"
    );
    ensure!(dialled_from(&phone).len() == 1, "no second call was placed");

    // The refusal made callpop read the accounts again: shown, and no longer offered.
    eventually("Account 2 shown not registered", SOON, || async {
        let rows = account_rows(&app).await?;
        let want = [("0", "true"), ("1", "false")].map(|(a, r)| (a.to_owned(), r.to_owned()));
        Ok((rows == want).then_some(()))
    })
    .await?;
    ensure!(
        app.text("ul.accounts li[data-account='1']")
            .await?
            .contains("Not registered"),
        "the unregistered account must say so"
    );
    let disabled = app
        .eval(
            "return document.querySelector(\"#dial-account option[value='1']\").disabled;",
            vec![],
        )
        .await?;
    ensure!(
        disabled == json!(true),
        "an unregistered account cannot be chosen"
    );
    ensure!(
        picked(&app).await? == "0",
        "the picker moves to the registered account"
    );
    app.screenshot_window("account-2-unregistered").await?;
    app.screenshot_screen(None, Window::Main).await?;

    // Settings offer the phone's accounts for the default, with Account 2 still chosen.
    app.click("#btn-settings").await?;
    app.switch_to(Window::Settings).await?;
    let select = "select[data-phone='phone'][data-field='dial_account']";
    app.wait_for(
        &format!("{select} option[value='1']"),
        "the phone's accounts in Settings",
    )
    .await?;
    let value = app
        .eval(
            "return document.querySelector(arguments[0]).value;",
            vec![json!(select)],
        )
        .await?;
    ensure!(
        value == json!("2"),
        "Settings show the default account: {value:?}"
    );
    app.client()
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
            vec![json!(select)],
        )
        .await?;
    app.screenshot_window("settings-default-account").await?;
    app.quit().await;
    Ok(())
}
