//! The first-run checklist: what to switch on at the phone, and what "Test connection" proved
//! about each switch.
//!
//! A phone that refuses callpop says little ("403"), and a person setting it up needs to know
//! which of several switches on the phone's web page is still wrong. So "Test connection"
//! reports, besides its one sentence, one [`SetupItem`] per switch: proven right, proven
//! wrong, or not provable from here. The last is said plainly rather than guessed: a switch
//! that only a call or a key press could prove (click-to-dial) stays "check it on the phone",
//! because a settings test must never place a call or press keys.
//!
//! The items carry words the settings page turns into sentences in the user's language
//! ([`SetupItemId`], [`Finding`]) plus values to show ([`SetupChecklist::computer_ip`], the
//! address this computer reaches the phone from, which is what the phone's allowed list must
//! name).

use super::{BackendKind, ConnectionReport};
use crate::error::PhoneError;
use crate::push::{pc_address_for, phone_addresses};
use serde::Serialize;
use std::net::IpAddr;

/// A switch on the phone's web page that callpop needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SetupItemId {
    /// Grandstream: Network → Remote Control → "Action URI Support" = Enabled.
    ActionUri,
    /// The phone's Action URI allowed list names this computer (Grandstream "Action URI
    /// Allowed IP List", Yealink `features.action_uri_limit_ip`).
    AllowedIp,
    /// The phone does not ask on its own screen before obeying (Grandstream "Remote Control
    /// Pop up Window Support" = Disabled; Yealink: "Allow remote control?" answered once, or
    /// `features.show_action_uri_option = 0`).
    PopupOff,
    /// Grandstream P1561 "Click-To-Dial Feature" = Enabled.
    ClickToDial,
    /// The Action URL lines are pasted into the phone (call alerts; optional on Grandstream).
    ActionUrl,
}

/// What is known about one switch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Proven right by what the phone answered.
    Ok,
    /// Proven (or, where the phone's answer fits two switches, shown) to be wrong.
    Failing,
    /// Not proven either way: not tested yet, the phone was not reached, or it cannot be
    /// checked without a side effect.
    Unknown,
}

/// Why an item has its status: the settings page says it in words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// Test connection has not run yet.
    Untested,
    /// The phone carried out callpop's request.
    Answered,
    /// The phone took callpop's request and holds it (for its on-screen question): it got
    /// past Action URI and the allowed list.
    Held,
    /// The phone refused this computer (HTTP 403): Action URI is off or this computer is not
    /// in the allowed list; the phone does not say which.
    Refused,
    /// The phone's web server answers, but callpop's request got no answer: the phone is
    /// most likely asking on its screen whether to allow remote control.
    Waiting,
    /// The phone was not reached, or refused the login: nothing is known about this switch.
    NotReached,
    /// Only a call or a key press would prove it: check it on the phone.
    CannotCheck,
    /// Proven by "Test call alerts", not by Test connection.
    TestAlerts,
}

/// One line of the checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SetupItem {
    pub id: SetupItemId,
    pub status: ItemStatus,
    pub finding: Finding,
}

impl SetupItem {
    fn new(id: SetupItemId, status: ItemStatus, finding: Finding) -> Self {
        Self {
            id,
            status,
            finding,
        }
    }
}

/// The checklist of one phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SetupChecklist {
    /// The address this computer reaches the phone from (the one the phone sees, so the
    /// one its allowed list must name); `None` when there is no route to the phone.
    pub computer_ip: Option<String>,
    pub items: Vec<SetupItem>,
}

impl SetupChecklist {
    /// The status of `id`, if the checklist has that item.
    pub fn status(&self, id: SetupItemId) -> Option<ItemStatus> {
        self.item(id).map(|i| i.status)
    }

    pub fn item(&self, id: SetupItemId) -> Option<&SetupItem> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// What "Test connection" found, with the checklist when the system has one.
#[derive(Debug)]
pub struct SetupCheck {
    pub result: Result<ConnectionReport, PhoneError>,
    pub checklist: Option<SetupChecklist>,
}

/// The switches of a system, in the order of its web page. Empty for PBXs (their setup is a
/// configuration file, see [`super::setup_help`]).
pub fn setup_items(kind: BackendKind) -> &'static [SetupItemId] {
    use SetupItemId::*;
    match kind {
        BackendKind::Grandstream => &[ActionUri, AllowedIp, PopupOff, ClickToDial, ActionUrl],
        BackendKind::Yealink => &[AllowedIp, PopupOff, ActionUrl],
        BackendKind::Asterisk | BackendKind::Xivo => &[],
    }
}

/// The checklist before any test: every item untested, with this computer's address.
pub async fn untested(kind: BackendKind, phone_url: &str) -> Option<SetupChecklist> {
    let items = setup_items(kind);
    if items.is_empty() {
        return None;
    }
    Some(SetupChecklist {
        computer_ip: computer_ip_for(phone_url).await.map(|ip| ip.to_string()),
        items: items
            .iter()
            .map(|&id| SetupItem::new(id, ItemStatus::Unknown, Finding::Untested))
            .collect(),
    })
}

/// The address this computer uses to reach the phone at `phone_url`: the source address of
/// the route to it (asked of the system, not guessed from the interfaces), so the one the
/// phone sees. `None` when the address cannot be resolved or there is no route.
pub async fn computer_ip_for(phone_url: &str) -> Option<IpAddr> {
    let phone = *phone_addresses(phone_url).await.ok()?.first()?;
    pc_address_for(phone).ok().map(|ip| ip.to_canonical())
}

/// Builds a checklist from what each item was found to be.
pub(crate) fn checklist(
    computer_ip: Option<IpAddr>,
    items: impl IntoIterator<Item = (SetupItemId, ItemStatus, Finding)>,
) -> SetupChecklist {
    SetupChecklist {
        computer_ip: computer_ip.map(|ip| ip.to_string()),
        items: items
            .into_iter()
            .map(|(id, status, finding)| SetupItem::new(id, status, finding))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_loopback_phone_is_reached_from_loopback() {
        let ip = computer_ip_for("127.0.0.1:8080").await;
        assert_eq!(ip, Some(IpAddr::from([127, 0, 0, 1])));
        let list = untested(BackendKind::Grandstream, "http://127.0.0.1:8080")
            .await
            .expect("grandstream has a checklist");
        assert_eq!(list.computer_ip.as_deref(), Some("127.0.0.1"));
        assert!(list
            .items
            .iter()
            .all(|i| i.status == ItemStatus::Unknown && i.finding == Finding::Untested));
        assert!(untested(BackendKind::Asterisk, "pbx").await.is_none());
    }

    #[test]
    fn the_page_gets_words_not_sentences() {
        let list = checklist(
            Some(IpAddr::from([192, 168, 1, 20])),
            [(
                SetupItemId::AllowedIp,
                ItemStatus::Failing,
                Finding::Refused,
            )],
        );
        let json = serde_json::to_value(&list).expect("json");
        assert_eq!(
            json,
            serde_json::json!({
                "computer_ip": "192.168.1.20",
                "items": [{"id": "allowed_ip", "status": "failing", "finding": "refused"}]
            })
        );
    }
}
