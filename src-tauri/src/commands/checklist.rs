//! The first-run checklist on the settings page: the switches to set at the phone, with this
//! computer's address to enter there, and what Test connection proved about each (see
//! `callpop_phone::backend::checklist`).

use super::error::{CommandError, CommandResult};
use callpop_phone::backend::checklist::{untested, SetupCheck, SetupChecklist};
use callpop_phone::backend::ConnectionReport;
use callpop_phone::settings::PhoneProfile;
use serde::Serialize;

/// Test connection's answer: the report, and the checklist for systems that have one.
#[derive(Serialize)]
pub struct TestView {
    #[serde(flatten)]
    report: ConnectionReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    checklist: Option<SetupChecklist>,
}

/// The report, or the error; either way with the checklist, which matters most when the
/// test failed (it says which switch).
pub(super) fn test_view(checked: SetupCheck) -> CommandResult<TestView> {
    match checked.result {
        Ok(report) => Ok(TestView {
            report,
            checklist: checked.checklist,
        }),
        Err(e) => Err(CommandError {
            checklist: checked.checklist.map(Box::new),
            ..CommandError::from(e)
        }),
    }
}

/// The checklist of a phone as typed, before any test: its switches, and the address this
/// computer reaches it from (none until an address is typed, or without a route to it).
#[tauri::command]
pub async fn setup_checklist(phone: PhoneProfile) -> Option<SetupChecklist> {
    untested(phone.kind(), &phone.system.address()).await
}
