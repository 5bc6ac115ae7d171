//! The settings file: `settings.toml` in the user's config folder.
//!
//! Three promises shape this module:
//!
//! * **Never lose the user's settings.** A file that cannot be used is not overwritten: it is
//!   renamed aside (`settings.toml.broken-20250301-142501`), callpop starts with defaults and
//!   says what was wrong, with the line number. Saving writes a temporary file next to the
//!   real one and renames it over, so a crash or full disk never leaves half a file.
//! * **No secrets in the file.** The passcode lives in the system keyring. [`Settings`] has no
//!   field that could hold it, so a `passcode = …` line someone adds by hand is never loaded
//!   (and disappears on the next save); a passcode pasted into the phone address is refused.
//!   The file is still written readable by its owner only: it holds the push token.
//! * **Forward compatible.** Keys this version does not know are ignored, so a settings file
//!   from a newer callpop still loads; a known key with a wrong type is an error.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::distr::Alphanumeric;
use rand::Rng as _;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use url::Url;

use crate::crm::CrmError;
pub use crate::crm::{CrmSettings, CrmWhen};
use crate::cti::{parse_phone_url, CertFingerprint};
use crate::error::PhoneError;
use crate::number::{DialingRules, NumberError};

/// Name of the settings file inside callpop's config folder.
pub const FILE_NAME: &str = "settings.toml";

/// Shortest push token accepted: the token is all that keeps other machines on the network
/// from injecting fake calls into the popup.
pub const MIN_PUSH_TOKEN_LEN: usize = 24;

/// Length of a generated push token (about 190 bits).
const GENERATED_TOKEN_LEN: usize = 32;

/// Everything the user can set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub phone: PhoneSettings,
    pub dialing: DialingRules,
    /// Global shortcut that dials the selected text, e.g. `Ctrl+Alt+D`.
    pub hotkey: String,
    pub crm: CrmSettings,
    pub push: PushSettings,
    pub start_at_login: bool,
    /// When no keyring is available, keep the passcode in memory for this session instead of
    /// asking at every start. Off by default: the user should choose it knowingly, never get
    /// a silent fallback.
    pub keep_passcode_in_memory_without_keyring: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            phone: PhoneSettings::default(),
            dialing: DialingRules::default(),
            hotkey: "Ctrl+Alt+D".to_owned(),
            crm: CrmSettings::default(),
            push: PushSettings::default(),
            start_at_login: false,
            keep_passcode_in_memory_without_keyring: false,
        }
    }
}

/// How to reach the desk phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PhoneSettings {
    /// `http://10.0.0.5` or `https://phone.local:8443`; empty when not configured yet.
    pub url: String,
    pub login: Login,
    /// SHA-256 of the phone's accepted HTTPS certificate, `AB:CD:…`.
    pub cert_sha256: Option<String>,
    /// How often the phone is asked for its state.
    pub poll_interval_ms: u64,
    pub connect_timeout_ms: u64,
    /// Whole-request limit; Wi-Fi handsets in power save take seconds to answer.
    pub request_timeout_ms: u64,
}

impl Default for PhoneSettings {
    fn default() -> Self {
        Self {
            url: String::new(),
            login: Login::default(),
            cert_sha256: None,
            poll_interval_ms: 1000,
            connect_timeout_ms: 3000,
            request_timeout_ms: 5000,
        }
    }
}

impl PhoneSettings {
    pub fn poll_interval(&self) -> Duration {
        Duration::from_millis(self.poll_interval_ms)
    }

    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }
}

/// How callpop logs in to the phone. Deliberately holds no secret: the passcode or password
/// is kept in the system keyring and joined with this only in memory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "lowercase")]
pub enum Login {
    /// Classic CTI: the phone's passcode on every request.
    #[default]
    Passcode,
    /// Newer firmware: a web session as this user.
    Session { username: String },
}

/// The listener phones push call events to (Action URLs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PushSettings {
    pub enabled: bool,
    /// Address and port to listen on, e.g. `0.0.0.0:8787`.
    pub listen: String,
    /// Secret part of the Action URLs configured on the phone. Generated on first load.
    pub token: String,
}

impl Default for PushSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            listen: "0.0.0.0:8787".to_owned(),
            token: String::new(),
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
    /// Something was filled in that must be saved to stay the same next time (a newly
    /// generated push token, which the phone's configuration will refer to).
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
    #[error("The phone login needs a user name (usually “user” or “admin”)")]
    Username,
    #[error("The dial hotkey is empty: choose a key combination such as Ctrl+Alt+D")]
    Hotkey,
    #[error(transparent)]
    Dialing(#[from] NumberError),
    #[error(transparent)]
    Crm(#[from] CrmError),
    #[error("The push listener address “{value}” must be an IP address and a port, such as 0.0.0.0:8787")]
    PushListen { value: String },
    #[error("The push token must be at least {MIN_PUSH_TOKEN_LEN} characters of letters, digits, - and _")]
    PushToken,
    #[error("Could not save the settings to {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("Could not write the settings: {0}")]
    Encode(#[from] toml::ser::Error),
}

impl Settings {
    /// Checks everything a user can get wrong, in the order of the settings page.
    pub fn validate(&self) -> Result<(), SettingsError> {
        let phone = &self.phone;
        if !phone.url.trim().is_empty() {
            parse_phone_url(&phone.url)?;
        }
        if !(250..=60_000).contains(&phone.poll_interval_ms) {
            return Err(SettingsError::PollInterval {
                ms: phone.poll_interval_ms,
            });
        }
        if !(500..=60_000).contains(&phone.connect_timeout_ms) {
            return Err(SettingsError::ConnectTimeout {
                ms: phone.connect_timeout_ms,
            });
        }
        if !(1000..=120_000).contains(&phone.request_timeout_ms)
            || phone.request_timeout_ms < phone.connect_timeout_ms
        {
            return Err(SettingsError::RequestTimeout {
                ms: phone.request_timeout_ms,
            });
        }
        self.cert_fingerprint()?;
        if let Login::Session { username } = &phone.login {
            if username.trim().is_empty() {
                return Err(SettingsError::Username);
            }
        }
        self.dialing.validate()?;
        if self.hotkey.trim().is_empty() || self.hotkey.chars().any(char::is_control) {
            return Err(SettingsError::Hotkey);
        }
        self.crm.validate()?;
        if self.push.listen.trim().parse::<SocketAddr>().is_err() {
            return Err(SettingsError::PushListen {
                value: self.push.listen.chars().take(60).collect(),
            });
        }
        let token = &self.push.token;
        let token_ok = token.len() >= MIN_PUSH_TOKEN_LEN
            && token
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if (self.push.enabled || !token.is_empty()) && !token_ok {
            return Err(SettingsError::PushToken);
        }
        Ok(())
    }

    /// The accepted certificate, if one is set. A blank value counts as none.
    pub fn cert_fingerprint(&self) -> Result<Option<CertFingerprint>, SettingsError> {
        match self.phone.cert_sha256.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|reason| SettingsError::CertFingerprint { reason }),
        }
    }

    /// The phone's address, when one is set and usable. A bare `10.0.0.5` means `http://`.
    pub fn phone_url(&self) -> Option<Url> {
        let url = self.phone.url.trim();
        if url.is_empty() {
            return None;
        }
        parse_phone_url(url).ok()
    }

    /// Puts values in their canonical form: the fingerprint as upper-case colon-separated
    /// hex, the country in capitals, no stray spaces. Values that are not valid are left as
    /// they are for [`Settings::validate`] to report.
    pub fn normalize(&mut self) {
        self.phone.url = self.phone.url.trim().to_owned();
        self.phone.cert_sha256 = match self.cert_fingerprint() {
            Ok(Some(fingerprint)) => Some(fingerprint.to_string()),
            Ok(None) => None,
            Err(_) => self.phone.cert_sha256.take(),
        };
        if let Login::Session { username } = &mut self.phone.login {
            *username = username.trim().to_owned();
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
        self.crm.template = self.crm.template.trim().to_owned();
        self.push.listen = self.push.listen.trim().to_owned();
        self.push.token = self.push.token.trim().to_owned();
    }

    /// Generates a push token if there is none. Returns whether it did, so the caller knows
    /// to save.
    pub fn ensure_push_token(&mut self) -> bool {
        if !self.push.token.is_empty() {
            return false;
        }
        self.push.token = rand::rng()
            .sample_iter(Alphanumeric)
            .take(GENERATED_TOKEN_LEN)
            .map(char::from)
            .collect();
        true
    }

    /// Validates, then writes the file atomically: a temporary file in the same folder is
    /// written, flushed to disk and renamed over the old one. Readable by the owner only.
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        self.validate()?;
        let mut settings = self.clone();
        settings.normalize();
        let mut text = String::from(
            "# callpop settings. The phone passcode is not kept here: it is in the system keyring.\n\n",
        );
        text.push_str(&toml::to_string_pretty(&settings)?);
        write_atomically(path, text.as_bytes()).map_err(|source| SettingsError::Write {
            path: path.to_owned(),
            source,
        })
    }
}

/// `$XDG_CONFIG_HOME/callpop/settings.toml` (and the platform's equivalent elsewhere).
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("callpop").join(FILE_NAME))
}

/// Reads the settings. Never fails: a missing file gives defaults; an unusable one is
/// renamed aside and reported, and defaults are used (see the module documentation).
pub fn load(path: &Path) -> LoadOutcome {
    let (mut settings, problem) = match read(path) {
        Ok(Some(settings)) => (settings, None),
        Ok(None) => (Settings::default(), None),
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
            )
        }
    };
    let needs_save = settings.ensure_push_token();
    LoadOutcome {
        settings,
        problem,
        needs_save,
    }
}

/// The file's settings, `None` when there is no file, or what is wrong with it.
fn read(path: &Path) -> Result<Option<Settings>, String> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) if err.kind() == io::ErrorKind::InvalidData => {
            return Err("it is not a text file".to_owned())
        }
        Err(err) => return Err(format!("it could not be read: {err}")),
    };
    let mut settings: Settings =
        toml::from_str(&text).map_err(|err| describe_toml_error(&text, &err))?;
    warn_about_secrets(&text);
    settings.normalize();
    // A missing token is not a broken file: it is made below, before the rules that need it.
    let mut checked = settings.clone();
    checked.ensure_push_token();
    checked.validate().map_err(|err| err.to_string())?;
    Ok(Some(settings))
}

/// "line 4: expected a whole number, found a string": the parser's message with the line
/// number, without the parser's echo of the line itself (which could show a secret someone
/// typed into the file).
fn describe_toml_error(text: &str, err: &toml::de::Error) -> String {
    let message = err
        .message()
        .trim()
        .replace("u64", "a whole number")
        .replace("invalid type: ", "")
        .replace('\n', "; ");
    match err.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line = text.as_bytes()[..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}

/// Logs (without the value) when someone put a secret into the file by hand. It is not
/// loaded — no field can hold it — and the next save drops it.
fn warn_about_secrets(text: &str) {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return;
    };
    const SECRET_KEYS: [&str; 3] = ["passcode", "password", "secret"];
    let mut found = Vec::new();
    let mut stack: Vec<(String, &toml::Table)> = vec![(String::new(), &table)];
    while let Some((prefix, table)) = stack.pop() {
        for (key, value) in table {
            let name = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            if SECRET_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
                found.push(name.clone());
            }
            if let toml::Value::Table(inner) = value {
                stack.push((name, inner));
            }
        }
    }
    if !found.is_empty() {
        tracing::warn!(
            keys = ?found,
            "the settings file holds a secret; it is ignored (secrets belong in the system keyring) and will be removed on the next save"
        );
    }
}

/// Renames an unusable file to `<name>.broken-YYYYMMDD-HHMMSS` (UTC), adding `-2`, `-3`, …
/// if that exists. Returns where the file is now.
fn keep_aside(path: &Path) -> PathBuf {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| FILE_NAME.to_owned());
    let base = format!("{file_name}.broken-{}", utc_stamp(SystemTime::now()));
    let target = (1..1000)
        .map(|n| {
            let name = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            path.with_file_name(name)
        })
        .find(|candidate| !candidate.exists());
    match target {
        Some(target) => match fs::rename(path, &target) {
            Ok(()) => target,
            Err(err) => {
                tracing::warn!(path = %path.display(), error = %err, "could not rename the unusable settings file");
                path.to_owned()
            }
        },
        None => path.to_owned(),
    }
}

/// `YYYYMMDD-HHMMSS` in UTC, without a date library (days-to-civil by Howard Hinnant).
fn utc_stamp(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rest = secs % 86_400;
    let (hour, minute, second) = (rest / 3600, rest % 3600 / 60, rest % 60);

    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}-{hour:02}{minute:02}{second:02}")
}

/// Write to a temporary file beside `path`, flush it to disk, rename it over `path`, then
/// flush the folder so the rename itself survives a power cut.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    create_private_dir(&dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| FILE_NAME.to_owned());
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temp = dir.join(format!(".{file_name}.{}-{nanos}.tmp", std::process::id()));

    let result = (|| {
        let mut file = open_private(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        // Best effort: the write already failed, and that error is the one to report.
        let _ = fs::remove_file(&temp);
    }
    result?;
    sync_dir(&dir);
    Ok(())
}

#[cfg(unix)]
fn open_private(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_private(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt as _;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Err(err) = File::open(dir).and_then(|d| d.sync_all()) {
        tracing::debug!(dir = %dir.display(), error = %err, "could not flush the settings folder");
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_stamps() {
        assert_eq!(utc_stamp(UNIX_EPOCH), "19700101-000000");
        let t = UNIX_EPOCH + Duration::from_secs(1_740_839_101); // 2025-03-01 14:25:01 UTC
        assert_eq!(utc_stamp(t), "20250301-142501");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29 00:00:00 UTC
        assert_eq!(utc_stamp(leap), "20000229-000000");
    }

    #[test]
    fn defaults_are_valid() {
        let mut settings = Settings::default();
        assert!(settings.validate().is_ok());
        assert!(settings.ensure_push_token());
        assert_eq!(settings.push.token.len(), GENERATED_TOKEN_LEN);
        assert!(!settings.ensure_push_token());
        assert!(settings.validate().is_ok());
        assert_eq!(settings.phone_url(), None);
    }

    #[test]
    fn fingerprint_is_normalized() {
        let mut settings = Settings::default();
        let hex = "ab".repeat(32);
        settings.phone.cert_sha256 = Some(hex);
        settings.normalize();
        let expected = vec!["AB"; 32].join(":");
        assert_eq!(
            settings.phone.cert_sha256.as_deref(),
            Some(expected.as_str())
        );
        settings.phone.cert_sha256 = Some("ab:cd".into());
        assert!(matches!(
            settings.validate(),
            Err(SettingsError::CertFingerprint { .. })
        ));
        settings.phone.cert_sha256 = Some("  ".into());
        settings.normalize();
        assert_eq!(settings.phone.cert_sha256, None);
    }

    #[test]
    fn values_out_of_range() {
        let check = |edit: fn(&mut Settings)| {
            let mut s = Settings::default();
            edit(&mut s);
            s.validate().expect_err("invalid")
        };
        assert!(matches!(
            check(|s| s.phone.poll_interval_ms = 100),
            SettingsError::PollInterval { .. }
        ));
        assert!(matches!(
            check(|s| s.phone.poll_interval_ms = 61_000),
            SettingsError::PollInterval { .. }
        ));
        assert!(matches!(
            check(|s| s.phone.connect_timeout_ms = 0),
            SettingsError::ConnectTimeout { .. }
        ));
        assert!(matches!(
            check(|s| s.phone.request_timeout_ms = 2000),
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
            check(|s| s.push.token = "short".into()),
            SettingsError::PushToken
        ));
        assert!(matches!(
            check(|s| s.push.enabled = true),
            SettingsError::PushToken
        ));
        assert!(matches!(
            check(|s| s.phone.url = "ftp://phone".into()),
            SettingsError::PhoneAddress(_)
        ));
        assert!(matches!(
            check(|s| s.phone.login = Login::Session {
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
    }

    #[test]
    fn phone_url_accepts_a_bare_address() {
        let mut settings = Settings::default();
        settings.phone.url = " 10.0.0.5 ".into();
        assert!(settings.validate().is_ok());
        assert_eq!(
            settings.phone_url().map(String::from),
            Some("http://10.0.0.5/".to_owned())
        );
    }
}
