//! The phone core's messages in the user's language. The core says what happened as a kind
//! and the values of its sentence (its English `Display` is for logs); the catalog has one
//! message per kind: `error-<kind>` (PhoneError; `refusal-<kind>` for the sentence of a
//! refusal, see [`PhoneError::message_id`]), `number-<kind>` (NumberError),
//! `settings-invalid-<kind>` (SettingsError), `push-<code>` (push health).

use super::{tr, tr_params};
use callpop_phone::number::NumberError;
use callpop_phone::settings::{SettingsError, SettingsProblem};
use callpop_phone::{PhoneError, PushHealth};

/// What went wrong with a phone, as `error-<kind>` (or `refusal-<kind>`) says it.
pub fn phone_error(e: &PhoneError) -> String {
    tr_params(&e.message_id(), &e.params())
}

/// Why a text cannot be dialled, as `number-<kind>` says it.
pub fn number_error(e: &NumberError) -> String {
    tr_params(&format!("number-{}", e.kind()), &e.params())
}

/// Why settings cannot be used or saved. Errors that carry another one are said in that
/// one's words (a phone's with the phone's name first).
pub fn settings_error(e: &SettingsError) -> String {
    match e {
        SettingsError::PhoneAddress(e) => phone_error(e),
        SettingsError::Dialing(e) => number_error(e),
        // The CRM template's checks speak English only for now (crates/phone/src/crm.rs).
        SettingsError::Crm(e) => e.to_string(),
        SettingsError::InPhone { phone, problem, .. } => tr(
            "settings-invalid-in_phone",
            &[
                ("phone", phone.as_str().into()),
                ("problem", settings_error(problem).into()),
            ],
        ),
        other => tr_params(
            &format!("settings-invalid-{}", other.kind()),
            &other.params(),
        ),
    }
}

/// A settings file that could not be used and was kept aside.
pub fn settings_problem(p: &SettingsProblem) -> String {
    tr(
        "problem-settings-file",
        &[
            ("reason", p.reason.as_str().into()),
            ("path", p.kept_aside_as.display().to_string().into()),
        ],
    )
}

/// The sentence about a phone's pushes; empty when push is off.
pub fn push_health(p: &PushHealth) -> String {
    if p.code.is_empty() {
        return String::new();
    }
    tr_params(&format!("push-{}", p.code), &p.params)
}
