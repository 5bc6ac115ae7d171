//! Choosing the SIP account to dial from, against the simulated Grandstream: the account the
//! person chose is the one the phone dials from, an account the phone does not have or that is
//! not registered is refused before anything is sent, and registration changes reach the
//! session's state on their own.

mod support;

use callpop_phone::backend::grandstream::{ClientConfig, CtiClient, Grandstream};
use callpop_phone::{Credentials, PhoneError, Refusal, Secret, Session};
use callpop_phone_sim::{PhoneSim, SimAuth, SimConfig};
use std::sync::Arc;
use std::time::Duration;
use support::until;

const PASSCODE: &str = "accountspass";

async fn sim(accounts: u32) -> PhoneSim {
    PhoneSim::start(SimConfig {
        auth: SimAuth::Passcode(PASSCODE.into()),
        accounts,
        ..SimConfig::default()
    })
    .await
    .expect("sim")
}

fn backend(sim: &PhoneSim) -> Grandstream {
    let config = ClientConfig::new(&sim.url(), Credentials::Passcode(Secret::new(PASSCODE)))
        .expect("config");
    Grandstream::new(CtiClient::new(config).expect("client"))
}

async fn online_with_accounts(session: &Session, count: usize) {
    until(session, Duration::from_secs(3), |s| {
        s.accounts.len() == count
    })
    .await;
}

/// The accounts the sim's outgoing calls went out from (0-based), oldest first.
fn dialled_from(sim: &PhoneSim) -> Vec<(String, u32)> {
    sim.state()
        .dials
        .into_iter()
        .map(|d| (d.number, d.account))
        .collect()
}

/// `api-make_call` requests the sim received.
fn make_calls(sim: &PhoneSim) -> usize {
    sim.requests()
        .iter()
        .filter(|r| r.path.contains("api-make_call"))
        .count()
}

#[tokio::test]
async fn the_session_knows_the_accounts_and_a_dial_goes_out_from_the_chosen_one() {
    let sim = sim(3).await;
    let session = Session::start(Arc::new(backend(&sim)), Duration::from_millis(200), None);
    online_with_accounts(&session, 3).await;
    let state = session.current();
    assert!(state.capabilities.choose_account);
    let first = &state.accounts[0];
    // The phone's "id":1 is Account 1, index 0 on the wire.
    assert_eq!(
        (
            first.index,
            first.number,
            first.user.as_str(),
            first.registered
        ),
        (0, 1, "1001", true)
    );
    session.dial_from("203", Some(2)).await.expect("dial");
    // No account chosen: the phone's default (index 0).
    until(&session, Duration::from_secs(3), |s| !s.calls.is_empty()).await;
    sim.remote_hangup(1).expect("hang up");
    until(&session, Duration::from_secs(3), |s| s.calls.is_empty()).await;
    session.dial("204").await.expect("dial");
    assert_eq!(
        dialled_from(&sim),
        [("203".to_owned(), 2), ("204".to_owned(), 0)]
    );
    session.shutdown().await;
}

#[tokio::test]
async fn the_settings_default_account_is_used_when_a_dial_names_none() {
    let sim = sim(2).await;
    let session = Session::start(
        Arc::new(backend(&sim).with_default_account(Some(1))),
        Duration::from_millis(200),
        None,
    );
    online_with_accounts(&session, 2).await;
    session.dial("203").await.expect("dial");
    assert_eq!(dialled_from(&sim), [("203".to_owned(), 1)]);
    session.shutdown().await;
}

#[tokio::test]
async fn an_unknown_or_unregistered_account_is_refused_without_dialling() {
    let sim = sim(2).await;
    let session = Session::start(Arc::new(backend(&sim)), Duration::from_millis(200), None);
    online_with_accounts(&session, 2).await;
    let unknown = session.dial_from("203", Some(5)).await;
    assert_eq!(
        unknown,
        Err(PhoneError::AccountUnknown {
            account: 6,
            count: 2
        })
    );
    sim.set_account_registered(1, false).expect("unregister");
    // Refused at once, although the session's list (read up to 30 s ago) still says
    // registered: the dial reads the phone's accounts first.
    let unregistered = session.dial_from("203", Some(1)).await;
    assert_eq!(
        unregistered,
        Err(PhoneError::AccountUnregistered {
            account: 2,
            name: "Desk 1002 (1002)".into()
        })
    );
    assert!(unregistered
        .expect_err("refused")
        .to_string()
        .contains("not registered"));
    assert_eq!(make_calls(&sim), 0, "nothing was dialled");
    assert!(dialled_from(&sim).is_empty());
    // The refusal made the session read the accounts again.
    let state = until(&session, Duration::from_secs(3), |s| {
        s.accounts.get(1).is_some_and(|a| !a.registered)
    })
    .await;
    assert!(state.accounts[0].registered);
    session.shutdown().await;
}

#[tokio::test]
async fn a_registration_change_shows_up_in_the_state() {
    let sim = sim(2).await;
    let session = Session::start(Arc::new(backend(&sim)), Duration::from_millis(100), None);
    session.set_accounts_interval(Duration::from_millis(300));
    online_with_accounts(&session, 2).await;
    sim.set_account_registered(0, false).expect("unregister");
    until(&session, Duration::from_secs(3), |s| {
        !s.accounts[0].registered
    })
    .await;
    sim.set_account_registered(0, true).expect("register");
    until(&session, Duration::from_secs(3), |s| {
        s.accounts[0].registered
    })
    .await;
    // Read rarely, not on every poll of the lines.
    let reads = sim
        .requests()
        .iter()
        .filter(|r| r.path.contains("api-get_accounts"))
        .count();
    let polls = sim
        .requests()
        .iter()
        .filter(|r| r.path.contains("api-get_line_status"))
        .count();
    assert!(reads * 2 < polls, "{reads} account reads for {polls} polls");
    session.shutdown().await;
}

#[tokio::test]
async fn without_click_to_dial_a_chosen_account_is_never_dialled_by_keys() {
    let sim = sim(2).await;
    sim.set_make_call(false);
    let session = Session::start(Arc::new(backend(&sim)), Duration::from_millis(200), None);
    online_with_accounts(&session, 2).await;
    let refused = session.dial_from("203", Some(1)).await;
    assert!(
        matches!(
            &refused,
            Err(PhoneError::Refused(Refusal::ClickToDialAccount { number, account: 2 }))
                if number == "203"
        ),
        "{refused:?}"
    );
    assert!(
        !sim.requests()
            .iter()
            .any(|r| r.path.contains("api-send_key")),
        "no keys pressed"
    );
    session.shutdown().await;
}
