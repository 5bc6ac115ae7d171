//! The first-run checklist of a Grandstream phone against the simulated phone with each
//! setup mistake on and off: Action URI off, this computer missing from the allowed list,
//! the on-screen pop-up, click-to-dial off. Each item turns red only when the phone's answer
//! shows it, green only when it proves it, and stays "check it on the phone" when only a call
//! would tell; the test never makes the phone dial or press keys.

use callpop_phone::backend::checklist::{Finding, ItemStatus, SetupChecklist, SetupItemId};
use callpop_phone::backend::grandstream::{ClientConfig, CtiClient, Grandstream};
use callpop_phone::backend::Backend;
use callpop_phone::{Credentials, PhoneError, Secret};
use callpop_phone_sim::{PhoneSim, SimAuth, SimConfig};
use std::time::Duration;

const PASSCODE: &str = "first-Run-5";

async fn sim() -> PhoneSim {
    PhoneSim::start(SimConfig {
        auth: SimAuth::Passcode(PASSCODE.to_owned()),
        ..SimConfig::default()
    })
    .await
    .expect("sim starts")
}

/// The phone as a person types it on first run: a bare `IP:port`, no scheme.
fn phone_for(sim: &PhoneSim) -> Grandstream {
    let bare = sim.addr().to_string();
    let config = ClientConfig::new(&bare, Credentials::Passcode(Secret::new(PASSCODE)))
        .expect("a bare IP:port is an address")
        .with_timeouts(Duration::from_millis(500), Duration::from_millis(800));
    Grandstream::new(CtiClient::new(config).expect("client"))
}

async fn check(phone: &Grandstream) -> (Result<(), PhoneError>, SetupChecklist) {
    let checked = phone.check_setup().await;
    let list = checked.checklist.expect("a Grandstream has a checklist");
    (checked.result.map(|_| ()), list)
}

fn found(list: &SetupChecklist, id: SetupItemId) -> (ItemStatus, Finding) {
    let item = list.item(id).expect("item present");
    (item.status, item.finding)
}

use Finding::*;
use ItemStatus::{Failing, Unknown};
use SetupItemId::*;
const OK: ItemStatus = ItemStatus::Ok;

/// What no test may do to a real phone.
fn assert_no_side_effects(sim: &PhoneSim) {
    let acting: Vec<_> = sim
        .requests()
        .into_iter()
        .filter_map(|r| r.function)
        .filter(|f| {
            matches!(
                f.as_str(),
                "api-make_call" | "api-send_key" | "api-phone_operation" | "api-sys_operation"
            )
        })
        .collect();
    assert!(acting.is_empty(), "the test acted on the phone: {acting:?}");
}

#[tokio::test]
async fn a_well_set_up_phone_ticks_what_can_be_proven() {
    let sim = sim().await;
    let (result, list) = check(&phone_for(&sim)).await;
    result.expect("connected");
    assert_eq!(list.computer_ip.as_deref(), Some("127.0.0.1"));
    assert_eq!(found(&list, ActionUri), (OK, Answered));
    assert_eq!(found(&list, AllowedIp), (OK, Answered));
    // Not provable without acting: said so, never ticked.
    assert_eq!(found(&list, PopupOff), (Unknown, CannotCheck));
    assert_eq!(found(&list, ClickToDial), (Unknown, CannotCheck));
    assert_eq!(found(&list, ActionUrl), (Unknown, TestAlerts));
    assert_no_side_effects(&sim);
}

#[tokio::test]
async fn action_uri_off_is_red_until_switched_on() {
    let sim = sim().await;
    let phone = phone_for(&sim);
    sim.set_remote_control(false);
    let (result, list) = check(&phone).await;
    assert_eq!(result, Err(PhoneError::RemoteControlDenied));
    assert_eq!(found(&list, ActionUri), (Failing, Refused));
    // The phone's 403 does not say which of the two: both show it.
    assert_eq!(found(&list, AllowedIp), (Failing, Refused));
    assert_eq!(found(&list, PopupOff), (Unknown, NotReached));

    sim.set_remote_control(true);
    let (result, list) = check(&phone).await;
    result.expect("connected once switched on");
    assert_eq!(found(&list, ActionUri), (OK, Answered));
    assert_eq!(found(&list, AllowedIp), (OK, Answered));
    assert_no_side_effects(&sim);
}

#[tokio::test]
async fn the_address_shown_is_the_one_the_allowed_list_needs() {
    let sim = sim().await;
    let phone = phone_for(&sim);
    sim.set_allowed_ips("192.0.2.77").expect("list");
    let (result, list) = check(&phone).await;
    assert_eq!(result, Err(PhoneError::RemoteControlDenied));
    assert_eq!(found(&list, AllowedIp), (Failing, Refused));

    // Doing exactly what the checklist says: add the address it shows.
    let shown = list.computer_ip.expect("this computer's address is known");
    sim.set_allowed_ips(&format!("192.0.2.77,{shown}"))
        .expect("list");
    let (result, list) = check(&phone).await;
    result.expect("allowed now");
    assert_eq!(found(&list, AllowedIp), (OK, Answered));
    assert_eq!(found(&list, ActionUri), (OK, Answered));
}

#[tokio::test]
async fn a_phone_asking_on_its_screen_shows_the_pop_up_red() {
    let sim = sim().await;
    let phone = phone_for(&sim);
    sim.set_popup(true);
    let (result, list) = check(&phone).await;
    assert!(
        matches!(result, Err(PhoneError::Timeout { .. })),
        "{result:?}"
    );
    assert!(sim.state().asking, "the phone asks on its screen");
    assert_eq!(found(&list, PopupOff), (Failing, Waiting));
    // The phone took the request: Action URI and its list let it through.
    assert_eq!(found(&list, ActionUri), (OK, Held));
    assert_eq!(found(&list, AllowedIp), (OK, Held));

    // Switched off on the phone's page: the next test goes through, and the pop-up item is
    // back to "check it on the phone" (a read cannot prove that actions will not ask).
    sim.set_popup(false);
    let (result, list) = check(&phone).await;
    result.expect("connected");
    assert_eq!(found(&list, PopupOff), (Unknown, CannotCheck));
    assert_no_side_effects(&sim);
}

#[tokio::test]
async fn click_to_dial_off_is_never_tested_by_dialing() {
    let sim = sim().await;
    sim.set_make_call(false);
    let (result, list) = check(&phone_for(&sim)).await;
    result.expect("connected");
    assert_eq!(found(&list, ClickToDial), (Unknown, CannotCheck));
    assert_no_side_effects(&sim);
}

#[tokio::test]
async fn a_phone_that_is_gone_proves_nothing() {
    let sim = sim().await;
    let phone = phone_for(&sim);
    sim.shutdown().await;
    let (result, list) = check(&phone).await;
    assert!(result.is_err());
    assert_eq!(list.computer_ip.as_deref(), Some("127.0.0.1"));
    for id in [ActionUri, AllowedIp, PopupOff] {
        assert_eq!(found(&list, id), (Unknown, NotReached), "{id:?}");
    }
}

// ---- Yealink: the allowed list and the "Allow remote control?" question ---------------------

mod yealink {
    use super::*;
    use callpop_phone::backend::yealink::{ActionUriClient, Yealink, YealinkConfig};
    use callpop_phone_sim::yealink::{YealinkSim, YealinkSimConfig};

    async fn phone(config: YealinkSimConfig) -> (YealinkSim, Yealink) {
        let sim = YealinkSim::start(config).await.expect("sim");
        let bare = sim.url().trim_start_matches("http://").to_owned();
        let config = YealinkConfig::new(&bare, "admin", Secret::new("admin"))
            .expect("a bare IP:port is an address")
            .with_timeouts(Duration::from_millis(300), Duration::from_millis(600));
        let phone = Yealink::new(ActionUriClient::new(config).expect("client"));
        (sim, phone)
    }

    #[tokio::test]
    async fn a_computer_not_allowed_is_red_until_its_address_is_listed() {
        let (sim, phone) = phone(YealinkSimConfig {
            action_uri_limit_ip: "192.0.2.77".into(),
            ..YealinkSimConfig::default()
        })
        .await;
        let (result, list) = check_any(&phone).await;
        assert!(result.is_err());
        assert_eq!(found(&list, AllowedIp), (Failing, Refused));
        assert_eq!(found(&list, PopupOff), (Unknown, NotReached));
        assert_eq!(found(&list, ActionUrl), (Unknown, TestAlerts));
        assert!(
            list.item(ActionUri).is_none(),
            "a Yealink has no such switch"
        );

        let shown = list.computer_ip.expect("this computer's address");
        sim.set_action_uri_limit_ip(&format!("192.0.2.77,{shown}"));
        let (result, list) = check_any(&phone).await;
        result.expect("allowed now");
        assert_eq!(found(&list, AllowedIp), (OK, Answered));
        assert_eq!(found(&list, PopupOff), (OK, Answered));
        sim.shutdown().await;
    }

    #[tokio::test]
    async fn the_question_on_the_phone_is_red_until_answered() {
        let (sim, phone) = phone(YealinkSimConfig {
            show_action_uri_option: true,
            ..YealinkSimConfig::default()
        })
        .await;
        let (result, list) = check_any(&phone).await;
        assert!(result.is_err());
        assert_eq!(found(&list, PopupOff), (Failing, Waiting));
        assert_eq!(found(&list, AllowedIp), (OK, Held));
        sim.confirm_remote_control(None);
        let (result, list) = check_any(&phone).await;
        result.expect("allowed on the phone");
        assert_eq!(found(&list, PopupOff), (OK, Answered));
        sim.shutdown().await;
    }

    async fn check_any(phone: &Yealink) -> (Result<(), PhoneError>, SetupChecklist) {
        let checked = phone.check_setup().await;
        let list = checked.checklist.expect("a Yealink has a checklist");
        (checked.result.map(|_| ()), list)
    }
}
