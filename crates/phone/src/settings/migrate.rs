//! Reading a settings file from callpop 0.1, which watched one phone.
//!
//! Version 1 had a `[phone]` table (a Grandstream phone) and the push token in `[push]`.
//! Version 2 lists `[[phones]]`, each with its system (`kind`) and its own push token, so one
//! listener can tell the phones' pushes apart. The old phone becomes the first phone, with the
//! id `phone`: the keyring entry callpop 0.1 stored its passcode under is the one that id
//! uses, so nobody has to type the passcode again.

use super::profile::{GrandstreamSettings, PhoneId};
use super::Settings;
use serde::Deserialize;
use toml::{Table, Value};

/// The parts of a version 1 file that changed place, with their old types.
#[derive(Deserialize)]
struct Old {
    #[serde(default)]
    phone: Option<GrandstreamSettings>,
    #[serde(default)]
    push: Option<OldPush>,
    /// Everything that kept its place, checked as it is now.
    #[serde(flatten)]
    _rest: Settings,
}

#[derive(Deserialize)]
struct OldPush {
    #[serde(default, rename = "enabled")]
    _enabled: Option<bool>,
    #[serde(default, rename = "token")]
    _token: Option<String>,
}

/// Reads `text` in the version 1 shape, for errors with the line they are on.
pub(super) fn check_old(text: &str) -> Result<(), toml::de::Error> {
    let old: Old = toml::from_str(text)?;
    drop((old.phone, old.push));
    Ok(())
}

/// The table in the current layout, and whether it had to be converted (then it should be
/// saved, so the conversion happens once).
pub(super) fn to_current(mut table: Table) -> (Table, bool) {
    let version = table
        .get("version")
        .and_then(Value::as_integer)
        .unwrap_or(1);
    if version >= 2 || table.contains_key("phones") {
        return (table, false);
    }
    let mut push = match table.remove("push") {
        Some(Value::Table(push)) => push,
        _ => Table::new(),
    };
    let enabled = push.remove("enabled").and_then(|v| v.as_bool());
    let token = push.remove("token");
    let mut phones = Vec::new();
    if let Some(Value::Table(mut phone)) = table.remove("phone") {
        let configured = phone
            .get("url")
            .and_then(Value::as_str)
            .is_some_and(|url| !url.trim().is_empty());
        if configured {
            phone.insert("id".into(), Value::String(PhoneId::FIRST.into()));
            phone.insert("kind".into(), Value::String("grandstream".into()));
            if let Some(enabled) = enabled {
                phone.insert("push".into(), Value::Boolean(enabled));
            }
            if let Some(token) = token {
                phone.insert("push_token".into(), token);
            }
            phones.push(Value::Table(phone));
        }
    }
    table.insert("push".into(), Value::Table(push));
    table.insert("phones".into(), Value::Array(phones));
    table.insert("version".into(), Value::Integer(2));
    (table, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_1_phone_becomes_the_first_phone_with_its_push_token() {
        let old: Table = toml::from_str(
            r#"
            hotkey = "Ctrl+Alt+D"
            [phone]
            url = "http://10.0.0.5"
            poll_interval_ms = 750
            [phone.login]
            method = "passcode"
            [push]
            enabled = true
            listen = "0.0.0.0:8787"
            token = "abcdefghijklmnopqrstuvwxyz012345"
            "#,
        )
        .expect("toml");
        let (new, migrated) = to_current(old);
        assert!(migrated);
        let phones = new["phones"].as_array().expect("phones");
        assert_eq!(phones.len(), 1);
        assert_eq!(phones[0]["id"].as_str(), Some("phone"));
        assert_eq!(phones[0]["kind"].as_str(), Some("grandstream"));
        assert_eq!(phones[0]["push"].as_bool(), Some(true));
        assert_eq!(phones[0]["poll_interval_ms"].as_integer(), Some(750));
        assert_eq!(
            phones[0]["push_token"].as_str(),
            Some("abcdefghijklmnopqrstuvwxyz012345")
        );
        assert_eq!(new["push"]["listen"].as_str(), Some("0.0.0.0:8787"));
        assert!(new["push"].get("token").is_none());
        // Converted once: the new layout is left alone.
        assert!(!to_current(new).1);
    }

    #[test]
    fn an_unconfigured_version_1_phone_is_dropped() {
        let old: Table = toml::from_str("[phone]\nurl = \"\"\n").expect("toml");
        let (new, migrated) = to_current(old);
        assert!(migrated);
        assert_eq!(new["phones"].as_array().map(Vec::len), Some(0));
    }
}
