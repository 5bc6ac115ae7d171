//! The settings file: `settings.toml` in the user's config folder.
//!
//! Three promises shape this module:
//!
//! * **Never lose the user's settings.** A file that cannot be used is not overwritten: it is
//!   renamed aside (`settings.toml.broken-20250301-142501`), callpop starts with defaults and
//!   says what was wrong, with the line number. Saving writes a temporary file next to the
//!   real one and renames it over, so a crash or full disk never leaves half a file. A file
//!   from callpop 0.1 (one `[phone]`) is read as the first of the phones and saved in the new
//!   layout ([`migrate`]).
//! * **No secrets in the file.** Passwords live in the system keyring, one per phone. No field
//!   here could hold one, so a `passcode = …` line someone adds by hand is never loaded (and
//!   disappears on the next save); a password pasted into an address is refused. The file is
//!   still written readable by its owner only: it holds the push tokens.
//! * **Forward compatible.** Keys this version does not know are ignored, so a settings file
//!   from a newer callpop still loads; a known key with a wrong type is an error.

pub mod file;
mod migrate;
mod profile;

pub use crate::crm::{CrmSettings, CrmWhen};
pub use profile::{
    AsteriskSettings, GrandstreamSettings, Login, PhoneId, PhoneProfile, PhoneSystem, XivoSettings,
    YealinkSettings,
};

use std::fmt;
use std::fs;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use rand::distr::Alphanumeric;
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::crm::CrmError;
use crate::error::PhoneError;
use crate::number::{DialingRules, NumberError};
use file::{describe_toml_error, keep_aside, warn_about_secrets, write_atomically};

/// Name of the settings file inside callpop's config folder.
pub const FILE_NAME: &str = "settings.toml";

/// The layout this callpop writes: `[[phones]]` (version 1 had one `[phone]`).
pub const VERSION: u32 = 2;

/// Shortest push token accepted: the token is all that keeps other machines on the network
/// from injecting fake calls into the popup.
pub const MIN_PUSH_TOKEN_LEN: usize = 24;

/// Length of a generated push token (about 190 bits).
const GENERATED_TOKEN_LEN: usize = 32;

/// Most phones one callpop watches (a receptionist's console, not a call centre).
pub const MAX_PHONES: usize = 32;

/// Everything the user can set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The file layout ([`VERSION`]).
    pub version: u32,
    pub dialing: DialingRules,
    /// Global shortcut that dials the selected text, e.g. `Ctrl+Alt+D`.
    pub hotkey: String,
    pub crm: CrmSettings,
    pub push: PushSettings,
    pub start_at_login: bool,
    /// When no keyring is available, keep passwords in memory for this session instead of
    /// asking at every start. Off by default: the user should choose it knowingly, never get
    /// a silent fallback.
    pub keep_passcode_in_memory_without_keyring: bool,
    /// The phones callpop watches, the first one foremost (the tray and the hotkey use it).
    pub phones: Vec<PhoneProfile>,
    /// The language of callpop's words: `auto` (the system's, from `LC_ALL`, `LC_MESSAGES`
    /// or `LANG`), or a language code such as `en` or `ru`. A language this callpop does not
    /// speak (a file from a newer one) counts as `auto`.
    pub language: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            version: VERSION,
            dialing: DialingRules::default(),
            hotkey: "Ctrl+Alt+D".to_owned(),
            crm: CrmSettings::default(),
            push: PushSettings::default(),
            start_at_login: false,
            keep_passcode_in_memory_without_keyring: false,
            phones: Vec::new(),
            language: LANGUAGE_AUTO.to_owned(),
        }
    }
}

/// [`Settings::language`] when callpop follows the system's language.
pub const LANGUAGE_AUTO: &str = "auto";

/// `auto`, or what a language code looks like (`en`, `ru`, `fil`): checked so that a typo
/// is reported, while a language only a newer callpop speaks still loads.
fn is_language(value: &str) -> bool {
    value == LANGUAGE_AUTO
        || ((2..=3).contains(&value.len()) && value.chars().all(|c| c.is_ascii_lowercase()))
}

/// The one listener every phone pushes its Action URLs to (each phone with its own token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PushSettings {
    /// Address and port to listen on, e.g. `0.0.0.0:8787`.
    pub listen: String,
}

impl Default for PushSettings {
    fn default() -> Self {
        Self {
            listen: "0.0.0.0:8787".to_owned(),
        }
    }
}

/// What [`load`] found.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadOutcome {
    /// The settings to use: the file's, or defaults when it was missing or unusable.
    pub settings: Settings,
    /// Set when the file could not be used; show it to the user.
    pub problem: Option<SettingsProblem>,
    /// Something was filled in or converted that must be saved to stay the same next time (a
    /// newly generated push token, which the phone's configuration will refer to; the new
    /// layout of an old file).
    pub needs_save: bool,
}

/// A settings file that could not be used and was kept aside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsProblem {
    /// Where the unusable file now is. If it could not even be renamed, its original path.
    pub kept_aside_as: PathBuf,
    /// What was wrong, in plain words, with the line number when there is one.
    pub reason: String,
}

impl fmt::Display for SettingsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "The settings file could not be used ({}). It was kept as {} and callpop started with default settings.",
            self.reason,
            self.kept_aside_as.display()
        )
    }
}

/// Why settings cannot be saved or used. Shown on the settings page as is.
#[derive(Debug, Error)]
pub enum SettingsError {
    #[error(transparent)]
    PhoneAddress(#[from] PhoneError),
    #[error("The phone check interval must be between 250 ms and 60 seconds (it is {ms} ms)")]
    PollInterval { ms: u64 },
    #[error("The connection timeout must be between 0.5 and 60 seconds (it is {ms} ms)")]
    ConnectTimeout { ms: u64 },
    #[error("The request timeout must be between 1 and 120 seconds and not shorter than the connection timeout (it is {ms} ms)")]
    RequestTimeout { ms: u64 },
    #[error("The accepted certificate fingerprint is not valid: {reason}")]
    CertFingerprint { reason: String },
    #[error("The login needs a user name")]
    Username,
    #[error("The server name “{value}” is not usable: use a host name or an IP address, such as pbx.example.com or 10.0.0.2")]
    Host { value: String },
    #[error("The port must be a number from 1 to 65535")]
    Port,
    #[error("The device “{value}” is not usable: write it the way Asterisk names it, such as PJSIP/201 or SIP/201")]
    Device { value: String },
    #[error("The dialplan context must be a word such as from-internal")]
    Context,
    #[error("“{id}” cannot name a phone: use letters, digits, - and _")]
    PhoneId { id: String },
    #[error("{phone}: {problem}")]
    InPhone {
        /// The phone's name as the page shows it.
        phone: String,
        /// Its id, so the page can put the message next to the right fields.
        id: String,
        problem: Box<SettingsError>,
    },
    #[error("Two phones are named “{id}”")]
    DuplicatePhone { id: String },
    #[error("callpop watches at most {MAX_PHONES} phones")]
    TooManyPhones,
    #[error("The dial hotkey is empty: choose a key combination such as Ctrl+Alt+D")]
    Hotkey,
    #[error("The language “{value}” is not usable: choose auto, en or ru")]
    Language { value: String },
    #[error(transparent)]
    Dialing(#[from] NumberError),
    #[error(transparent)]
    Crm(#[from] CrmError),
    #[error("The push listener address “{value}” must be an IP address and a port, such as 0.0.0.0:8787")]
    PushListen { value: String },
    #[error("The push token must be at least {MIN_PUSH_TOKEN_LEN} characters of letters, digits, - and _")]
    PushToken,
    #[error("This settings file was written by a newer callpop (layout {found}); update callpop to use it")]
    NewerVersion { found: u32 },
    #[error("Could not save the settings to {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("Could not write the settings: {0}")]
    Encode(#[from] toml::ser::Error),
}

impl SettingsError {
    /// A stable name for the app's catalog (`settings-invalid-<kind>`) and for the page. The
    /// errors that carry another one (`phone_address`, `dialing`, `crm`, `in_phone`) are said
    /// with the words of the one they carry.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::PhoneAddress(_) => "phone_address",
            Self::PollInterval { .. } => "poll_interval",
            Self::ConnectTimeout { .. } => "connect_timeout",
            Self::RequestTimeout { .. } => "request_timeout",
            Self::CertFingerprint { .. } => "cert_fingerprint",
            Self::Username => "username",
            Self::Host { .. } => "host",
            Self::Port => "port",
            Self::Device { .. } => "device",
            Self::Context => "context",
            Self::PhoneId { .. } => "phone_id",
            Self::InPhone { .. } => "in_phone",
            Self::DuplicatePhone { .. } => "duplicate_phone",
            Self::TooManyPhones => "too_many_phones",
            Self::Hotkey => "hotkey",
            Self::Language { .. } => "language",
            Self::Dialing(_) => "dialing",
            Self::Crm(_) => "crm",
            Self::PushListen { .. } => "push_listen",
            Self::PushToken => "push_token",
            Self::NewerVersion { .. } => "newer_version",
            Self::Write { .. } => "write",
            Self::Encode(_) => "encode",
        }
    }

    /// The values the message shows, by name (see [`crate::error::Param`]). For the errors
    /// that carry another one, the values of the outer sentence only (`phone`, `id`).
    pub fn params(&self) -> crate::error::Params {
        use crate::error::{Param, Params};
        let text = |s: &str| Param::Text(s.to_owned());
        let mut p = Params::new();
        match self {
            Self::PollInterval { ms }
            | Self::ConnectTimeout { ms }
            | Self::RequestTimeout { ms } => {
                p.insert("ms", Param::from(*ms));
            }
            Self::CertFingerprint { reason } => {
                p.insert("reason", text(reason));
            }
            Self::Host { value }
            | Self::Device { value }
            | Self::PushListen { value }
            | Self::Language { value } => {
                p.insert("value", text(value));
            }
            Self::PhoneId { id } | Self::DuplicatePhone { id } => {
                p.insert("id", text(id));
            }
            Self::InPhone { phone, id, .. } => {
                p.insert("phone", text(phone));
                p.insert("id", text(id));
            }
            Self::TooManyPhones => {
                p.insert("max", Param::from(MAX_PHONES as u64));
            }
            Self::PushToken => {
                p.insert("min", Param::from(MIN_PUSH_TOKEN_LEN as u64));
            }
            Self::NewerVersion { found } => {
                p.insert("found", Param::from(*found));
            }
            Self::Write { path, source } => {
                p.insert("path", text(&path.display().to_string()));
                p.insert("reason", text(&source.to_string()));
            }
            Self::Encode(e) => {
                p.insert("reason", text(&e.to_string()));
            }
            Self::PhoneAddress(e) => return e.params(),
            Self::Dialing(e) => return e.params(),
            Self::Crm(e) => {
                p.insert("message", text(&e.to_string()));
            }
            Self::Username | Self::Port | Self::Context | Self::Hotkey => {}
        }
        p
    }
}

impl Settings {
    /// Checks everything a user can get wrong, in the order of the settings page.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if self.version > VERSION {
            return Err(SettingsError::NewerVersion {
                found: self.version,
            });
        }
        if self.phones.len() > MAX_PHONES {
            return Err(SettingsError::TooManyPhones);
        }
        for (i, phone) in self.phones.iter().enumerate() {
            phone.validate().map_err(|problem| SettingsError::InPhone {
                phone: phone.display_name(),
                id: phone.id.to_string(),
                problem: Box::new(problem),
            })?;
            if self.phones[..i].iter().any(|p| p.id == phone.id) {
                return Err(SettingsError::DuplicatePhone {
                    id: phone.id.to_string(),
                });
            }
        }
        self.dialing.validate()?;
        if self.hotkey.trim().is_empty() || self.hotkey.chars().any(char::is_control) {
            return Err(SettingsError::Hotkey);
        }
        if !is_language(&self.language) {
            return Err(SettingsError::Language {
                value: self.language.chars().take(20).collect(),
            });
        }
        self.crm.validate()?;
        if self.push.listen.trim().parse::<SocketAddr>().is_err() {
            return Err(SettingsError::PushListen {
                value: self.push.listen.chars().take(60).collect(),
            });
        }
        Ok(())
    }

    /// The phone with this id.
    pub fn phone(&self, id: &PhoneId) -> Option<&PhoneProfile> {
        self.phones.iter().find(|p| &p.id == id)
    }

    /// The first phone that is set up, which the tray and the hotkey use.
    pub fn primary(&self) -> Option<&PhoneProfile> {
        self.phones.iter().find(|p| p.is_configured())
    }

    /// Whether any phone is set up.
    pub fn has_phone(&self) -> bool {
        self.primary().is_some()
    }

    /// Puts values in their canonical form: fingerprints as upper-case colon-separated hex,
    /// the country in capitals, no stray spaces. Values that are not valid are left as they
    /// are for [`Settings::validate`] to report.
    pub fn normalize(&mut self) {
        for phone in &mut self.phones {
            phone.normalize();
        }
        let country = self.dialing.country.trim();
        self.dialing.country =
            if country.len() == 2 && country.chars().all(|c| c.is_ascii_alphabetic()) {
                country.to_ascii_uppercase()
            } else {
                country.to_owned()
            };
        self.dialing.outside_line_prefix = self.dialing.outside_line_prefix.trim().to_owned();
        self.dialing.international_prefix = self.dialing.international_prefix.trim().to_owned();
        self.hotkey = self.hotkey.trim().to_owned();
        self.language = self.language.trim().to_ascii_lowercase();
        self.crm.template = self.crm.template.trim().to_owned();
        self.push.listen = self.push.listen.trim().to_owned();
    }

    /// Generates push tokens where a phone needs one; returns whether it did, so the caller
    /// knows to save.
    pub fn ensure_push_tokens(&mut self) -> bool {
        let mut made = false;
        for phone in &mut self.phones {
            made |= phone.ensure_push_token();
        }
        made
    }

    /// Validates, then writes the file atomically: a temporary file in the same folder is
    /// written, flushed to disk and renamed over the old one. Readable by the owner only.
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        self.validate()?;
        let mut settings = self.clone();
        settings.normalize();
        settings.version = VERSION;
        let mut text = String::from(
            "# callpop settings. Passwords are not kept here: they are in the system keyring.\n\n",
        );
        text.push_str(&toml::to_string_pretty(&settings)?);
        write_atomically(path, text.as_bytes()).map_err(|source| SettingsError::Write {
            path: path.to_owned(),
            source,
        })
    }
}

/// A new random push token.
pub fn new_push_token() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(GENERATED_TOKEN_LEN)
        .map(char::from)
        .collect()
}

/// `$XDG_CONFIG_HOME/callpop/settings.toml` (and the platform's equivalent elsewhere).
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("callpop").join(FILE_NAME))
}

/// Reads the settings. Never fails: a missing file gives defaults; an unusable one is
/// renamed aside and reported, and defaults are used (see the module documentation).
pub fn load(path: &Path) -> LoadOutcome {
    let (mut settings, problem, migrated) = match read(path) {
        Ok(Some((settings, migrated))) => (settings, None, migrated),
        Ok(None) => (Settings::default(), None, false),
        Err(reason) => {
            let kept_aside_as = keep_aside(path);
            tracing::warn!(
                path = %path.display(),
                kept_aside_as = %kept_aside_as.display(),
                %reason,
                "settings file unusable; using defaults"
            );
            (
                Settings::default(),
                Some(SettingsProblem {
                    kept_aside_as,
                    reason,
                }),
                false,
            )
        }
    };
    let needs_save = settings.ensure_push_tokens() || migrated;
    LoadOutcome {
        settings,
        problem,
        needs_save,
    }
}

/// Reads the settings without ever renaming the file: for commands that only look (a broken
/// file is the app's to set aside and report, not a status query's).
pub fn peek(path: &Path) -> Result<Settings, String> {
    read(path).map(|found| found.map(|(settings, _)| settings).unwrap_or_default())
}

/// The file's settings (and whether they came in the old layout), `None` when there is no
/// file, or what is wrong with it.
fn read(path: &Path) -> Result<Option<(Settings, bool)>, String> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) if err.kind() == io::ErrorKind::InvalidData => {
            return Err("it is not a text file".to_owned())
        }
        Err(err) => return Err(format!("it could not be read: {err}")),
    };
    let table: toml::Table =
        toml::from_str(&text).map_err(|err| describe_toml_error(&text, &err))?;
    let (table, migrated) = migrate::to_current(table);
    let mut settings: Settings = if migrated {
        // Checked in the old shape first, so a wrong value is reported at its line.
        migrate::check_old(&text).map_err(|err| describe_toml_error(&text, &err))?;
        toml::Value::Table(table)
            .try_into()
            .map_err(|err| describe_toml_error(&text, &err))?
    } else {
        toml::from_str(&text).map_err(|err| describe_toml_error(&text, &err))?
    };
    warn_about_secrets(&text);
    settings.normalize();
    // A missing token is not a broken file: it is made by the caller, before the rules that
    // need it.
    let mut checked = settings.clone();
    checked.ensure_push_tokens();
    checked.validate().map_err(|err| err.to_string())?;
    Ok(Some((settings, migrated)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grandstream(url: &str) -> PhoneProfile {
        PhoneProfile {
            id: PhoneId::first(),
            name: String::new(),
            system: PhoneSystem::Grandstream(GrandstreamSettings {
                url: url.into(),
                ..GrandstreamSettings::default()
            }),
        }
    }

    fn gs(settings: &mut Settings) -> &mut GrandstreamSettings {
        match &mut settings.phones[0].system {
            PhoneSystem::Grandstream(g) => g,
            _ => panic!("not grandstream"),
        }
    }

    #[test]
    fn defaults_are_valid_and_tokens_are_made_where_needed() {
        let mut settings = Settings::default();
        assert!(settings.validate().is_ok());
        assert!(!settings.has_phone());
        settings.phones.push(grandstream("10.0.0.5"));
        assert!(settings.ensure_push_tokens());
        assert_eq!(gs(&mut settings).push_token.len(), GENERATED_TOKEN_LEN);
        assert!(!settings.ensure_push_tokens());
        assert!(settings.validate().is_ok());
        assert!(settings.has_phone());
    }

    #[test]
    fn the_language_is_auto_by_default_and_checked() {
        let mut settings = Settings::default();
        assert_eq!(settings.language, "auto");
        for ok in ["auto", "en", "ru", "de"] {
            settings.language = ok.into();
            assert!(settings.validate().is_ok(), "{ok}");
        }
        settings.language = " RU ".into();
        settings.normalize();
        assert_eq!(settings.language, "ru");
        settings.language = "russian!".into();
        let err = settings.validate().expect_err("not a language");
        assert_eq!(err.kind(), "language");
        assert_eq!(
            err.params()["value"],
            crate::error::Param::Text("russian!".into())
        );
        // A file without the key (every file before this one) follows the system.
        let old: Settings = toml::from_str("hotkey = \"Ctrl+Alt+D\"\n").expect("toml");
        assert_eq!(old.language, "auto");
    }

    #[test]
    fn fingerprint_is_normalized() {
        let mut settings = Settings::default();
        settings.phones.push(grandstream("10.0.0.5"));
        gs(&mut settings).cert_sha256 = Some("ab".repeat(32));
        settings.normalize();
        let expected = vec!["AB"; 32].join(":");
        assert_eq!(
            gs(&mut settings).cert_sha256.as_deref(),
            Some(expected.as_str())
        );
        gs(&mut settings).cert_sha256 = Some("ab:cd".into());
        assert!(matches!(
            settings.validate(),
            Err(SettingsError::InPhone { ref problem, .. })
                if matches!(**problem, SettingsError::CertFingerprint { .. })
        ));
        gs(&mut settings).cert_sha256 = Some("  ".into());
        settings.normalize();
        assert_eq!(gs(&mut settings).cert_sha256, None);
    }

    #[test]
    fn values_out_of_range() {
        let check = |edit: fn(&mut Settings)| {
            let mut s = Settings::default();
            s.phones.push(grandstream("10.0.0.5"));
            edit(&mut s);
            match s.validate().expect_err("invalid") {
                SettingsError::InPhone { problem, .. } => *problem,
                other => other,
            }
        };
        assert!(matches!(
            check(|s| gs(s).poll_interval_ms = 100),
            SettingsError::PollInterval { .. }
        ));
        assert!(matches!(
            check(|s| gs(s).poll_interval_ms = 61_000),
            SettingsError::PollInterval { .. }
        ));
        assert!(matches!(
            check(|s| gs(s).connect_timeout_ms = 0),
            SettingsError::ConnectTimeout { .. }
        ));
        assert!(matches!(
            check(|s| gs(s).request_timeout_ms = 2000),
            SettingsError::RequestTimeout { .. }
        ));
        assert!(matches!(
            check(|s| s.hotkey = " ".into()),
            SettingsError::Hotkey
        ));
        assert!(matches!(
            check(|s| s.dialing.country = "XX".into()),
            SettingsError::Dialing(_)
        ));
        assert!(matches!(
            check(|s| s.push.listen = "localhost".into()),
            SettingsError::PushListen { .. }
        ));
        assert!(matches!(
            check(|s| gs(s).push_token = "short".into()),
            SettingsError::PushToken
        ));
        assert!(matches!(
            check(|s| gs(s).push = true),
            SettingsError::PushToken
        ));
        assert!(matches!(
            check(|s| gs(s).url = "ftp://phone".into()),
            SettingsError::PhoneAddress(_)
        ));
        assert!(matches!(
            check(|s| gs(s).login = Login::Session {
                username: " ".into()
            }),
            SettingsError::Username
        ));
        assert!(matches!(
            check(|s| s.crm = CrmSettings {
                template: "crm.local".into(),
                when: CrmWhen::Answer
            }),
            SettingsError::Crm(_)
        ));
        assert!(matches!(
            check(|s| {
                let again = s.phones[0].clone();
                s.phones.push(again)
            }),
            SettingsError::DuplicatePhone { .. }
        ));
        assert!(matches!(
            check(|s| s.phones[0].id = PhoneId::new("a b")),
            SettingsError::PhoneId { .. }
        ));
        assert!(matches!(
            check(|s| s.version = 3),
            SettingsError::NewerVersion { found: 3 }
        ));
    }

    #[test]
    fn an_asterisk_profile_needs_a_device_callpop_can_name() {
        let mut settings = Settings::default();
        settings.phones.push(PhoneProfile {
            id: PhoneId::first(),
            name: "PBX".into(),
            system: PhoneSystem::Asterisk(AsteriskSettings {
                host: "pbx.example.com".into(),
                username: "callpop".into(),
                device: "PJSIP/201".into(),
                ..AsteriskSettings::default()
            }),
        });
        assert!(settings.validate().is_ok());
        if let PhoneSystem::Asterisk(a) = &mut settings.phones[0].system {
            a.device = "201".into();
        }
        let err = settings.validate().expect_err("refused");
        assert!(err.to_string().starts_with("PBX: The device"), "{err}");
    }

    #[test]
    fn next_free_ids() {
        let taken = [PhoneId::first(), PhoneId::new("phone-3")];
        assert_eq!(PhoneId::next_free(taken.iter()).as_str(), "phone-2");
        assert_eq!(PhoneId::next_free([].iter()).as_str(), "phone");
    }
}
