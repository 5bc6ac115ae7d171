//! The first-run checklist of a Grandstream phone (see [`crate::backend::checklist`]): what
//! "Test connection" proves about each switch of the phone's Remote Control page.
//!
//! - A CTI read that succeeds proves Action URI Support on and this computer allowed.
//! - HTTP 403 proves one of those two wrong, and the phone does not say which: both are shown
//!   failing, each saying so, until a test passes.
//! - A read that gets no answer while the phone's web server does answer (the model file
//!   needs no login and no Action URI) means the phone holds the request: it asks on its
//!   screen whether to allow remote control, which is the pop-up switch.
//! - The pop-up switch is otherwise not provable: the phone may ask only before actions, and
//!   a test must not act. Click-to-dial is proven only by dialing. Both say "check it on the
//!   phone" rather than showing a tick nobody earned.
//! - Call alerts (Action URL) are proven by "Test call alerts", not here.

use super::check::test_connection;
use super::cti::CtiClient;
use crate::backend::checklist::{
    checklist, computer_ip_for, Finding, ItemStatus, SetupCheck, SetupItemId,
};
use crate::error::PhoneError;

/// Test connection plus the checklist.
pub(crate) async fn check_setup(client: &CtiClient) -> SetupCheck {
    let computer_ip = computer_ip_for(client.base_url().as_str()).await;
    let result = test_connection(client).await;
    let waiting = match &result {
        Err(PhoneError::Timeout { .. }) => web_server_answers(client).await,
        _ => false,
    };
    let (remote, popup) = findings(&result, waiting);
    use ItemStatus::Unknown;
    use SetupItemId::*;
    let checklist = checklist(
        computer_ip,
        [
            (ActionUri, remote.0, remote.1),
            (AllowedIp, remote.0, remote.1),
            (PopupOff, popup.0, popup.1),
            (ClickToDial, Unknown, Finding::CannotCheck),
            (ActionUrl, Unknown, Finding::TestAlerts),
        ],
    );
    SetupCheck {
        result,
        checklist: Some(checklist),
    }
}

type Found = (ItemStatus, Finding);

/// What the test's outcome says about Action URI with its allowed list, and about the
/// pop-up. `waiting`: the read timed out while the web server answered.
fn findings<T>(result: &Result<T, PhoneError>, waiting: bool) -> (Found, Found) {
    use ItemStatus::{Failing, Unknown};
    let cannot = (Unknown, Finding::CannotCheck);
    let unknown = (Unknown, Finding::NotReached);
    let answered = (ItemStatus::Ok, Finding::Answered);
    match result {
        Ok(_) => (answered, cannot),
        Err(PhoneError::RemoteControlDenied) => ((Failing, Finding::Refused), unknown),
        // The phone took the request and holds it: Action URI and the list let it through.
        Err(PhoneError::Timeout { .. }) if waiting => {
            ((ItemStatus::Ok, Finding::Held), (Failing, Finding::Waiting))
        }
        Err(_) => (unknown, unknown),
    }
}

/// Whether the phone's web server answers at once (its model file needs no login and no
/// Action URI), i.e. the phone is there and only the CTI request is held.
async fn web_server_answers(client: &CtiClient) -> bool {
    !matches!(
        client.model().await,
        Err(PhoneError::Timeout { .. } | PhoneError::Unreachable { .. })
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn what_each_outcome_proves() {
        use ItemStatus::{Failing, Unknown};
        let ok: Result<(), PhoneError> = Ok(());
        assert_eq!(
            findings(&ok, false),
            (
                (ItemStatus::Ok, Finding::Answered),
                (Unknown, Finding::CannotCheck)
            )
        );
        let denied: Result<(), PhoneError> = Err(PhoneError::RemoteControlDenied);
        assert_eq!(findings(&denied, false).0, (Failing, Finding::Refused));
        let timeout: Result<(), PhoneError> = Err(PhoneError::Timeout {
            host: "10.0.0.5".into(),
            after: Duration::from_secs(5),
        });
        assert_eq!(findings(&timeout, true).1, (Failing, Finding::Waiting));
        // A phone that is simply gone proves nothing about its switches.
        assert_eq!(
            findings(&timeout, false),
            (
                (Unknown, Finding::NotReached),
                (Unknown, Finding::NotReached)
            )
        );
        let wrong: Result<(), PhoneError> = Err(PhoneError::PasscodeRejected { tries_left: None });
        assert_eq!(findings(&wrong, false).0, (Unknown, Finding::NotReached));
    }
}
