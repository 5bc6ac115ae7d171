//! The first-run checklist of a Yealink phone (see [`crate::backend::checklist`]).
//!
//! - A read that succeeds proves this computer is in `features.action_uri_limit_ip` and
//!   that the phone does not hold callpop's requests behind "Allow remote control?" (a
//!   Yealink asks once per computer, and then remembers the answer).
//! - A plain 403 proves the computer is not allowed.
//! - No answer after connecting means the phone holds the request for its question.
//! - Action URL, the only way a Yealink reports calls, is proven by "Test call alerts".

use super::client::{ActionUriClient, Refusal};
use crate::backend::checklist::{
    checklist, computer_ip_for, Finding, ItemStatus, SetupChecklist, SetupItemId,
};
use crate::error::PhoneError;

/// The checklist after a test whose outcome was `result`, the client's latest refusal telling
/// which switch a refusal was about.
pub(crate) async fn checklist_after<T>(
    client: &ActionUriClient,
    result: &Result<T, PhoneError>,
) -> SetupChecklist {
    let computer_ip = computer_ip_for(client.base_url().as_str()).await;
    let (allowed, prompt) = findings(result.is_ok(), client.last_refusal());
    checklist(
        computer_ip,
        [
            (SetupItemId::AllowedIp, allowed.0, allowed.1),
            (SetupItemId::PopupOff, prompt.0, prompt.1),
            (
                SetupItemId::ActionUrl,
                ItemStatus::Unknown,
                Finding::TestAlerts,
            ),
        ],
    )
}

type Found = (ItemStatus, Finding);

fn findings(ok: bool, refusal: Option<Refusal>) -> (Found, Found) {
    let unknown = (ItemStatus::Unknown, Finding::NotReached);
    if ok {
        let answered = (ItemStatus::Ok, Finding::Answered);
        return (answered, answered);
    }
    match refusal {
        Some(Refusal::NotAllowed) => ((ItemStatus::Failing, Finding::Refused), unknown),
        Some(Refusal::NoAnswer) => (
            (ItemStatus::Ok, Finding::Held),
            (ItemStatus::Failing, Finding::Waiting),
        ),
        None => (unknown, unknown),
    }
}
