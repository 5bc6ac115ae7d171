//! One phone in the settings: which system it is and how to reach it.
//!
//! A profile holds everything about one phone except its password, which lives in the system
//! keyring under the profile's [`PhoneId`]. The phone system decides the rest
//! ([`PhoneSystem`], tagged `kind = "grandstream" | "asterisk" | "xivo" | "yealink"` in the
//! file), so each system asks only for what it needs.

use super::SettingsError;
use crate::address::parse_phone_url;
use crate::backend::BackendKind;
use crate::tls::CertFingerprint;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// Names one phone in the settings, the keyring and push routes. The first phone is
/// `phone` (which is also where callpop 0.1 kept its passcode); later ones `phone-2`...
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PhoneId(String);

impl PhoneId {
    /// The id of the first phone, kept from callpop's one-phone settings.
    pub const FIRST: &'static str = "phone";

    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    pub fn first() -> Self {
        Self(Self::FIRST.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Ids are short words: they appear in keyring entries, push routes and URLs.
    pub fn is_valid(&self) -> bool {
        !self.0.is_empty()
            && self.0.len() <= 32
            && self
                .0
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    }

    /// The first free id among `phone`, `phone-2`, `phone-3`...
    pub fn next_free<'a>(taken: impl Iterator<Item = &'a PhoneId> + Clone) -> Self {
        (1..)
            .map(|n| {
                if n == 1 {
                    Self::first()
                } else {
                    Self(format!("{}-{n}", Self::FIRST))
                }
            })
            .find(|candidate| !taken.clone().any(|t| t == candidate))
            .unwrap_or_else(Self::first)
    }
}

impl fmt::Display for PhoneId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhoneProfile {
    pub id: PhoneId,
    /// What people call it ("Front desk"); empty: callpop names it by its address.
    #[serde(default)]
    pub name: String,
    #[serde(flatten)]
    pub system: PhoneSystem,
}

impl PhoneProfile {
    pub fn kind(&self) -> BackendKind {
        self.system.kind()
    }

    /// The name shown in the tray, notifications and windows.
    pub fn display_name(&self) -> String {
        if !self.name.trim().is_empty() {
            return self.name.trim().to_owned();
        }
        // As typed, minus anything that may hold a password (`?passcode=`, `user:pw@`).
        let address = crate::address::shown_address(&self.system.address());
        if address.is_empty() {
            self.kind().display_name().to_owned()
        } else {
            address
        }
    }

    /// Whether enough is set to try connecting.
    pub fn is_configured(&self) -> bool {
        !self.system.address().is_empty()
    }

    /// The user name the password goes with, when the system has one (for asking the right
    /// question: "passcode" or "password for alice").
    pub fn login_user(&self) -> Option<String> {
        match &self.system {
            PhoneSystem::Grandstream(g) => match &g.login {
                Login::Passcode => None,
                Login::Session { username } => Some(username.clone()),
            },
            PhoneSystem::Asterisk(a) => Some(a.username.clone()),
            PhoneSystem::Xivo(x) => Some(x.username.clone()),
            PhoneSystem::Yealink(y) => Some(y.username.clone()),
        }
    }

    /// The push token, for systems whose phone pushes Action URLs and when push is on.
    pub fn push_token(&self) -> Option<&str> {
        match &self.system {
            PhoneSystem::Grandstream(g) if g.push => Some(&g.push_token),
            // A Yealink phone tells callpop of calls only by pushing.
            PhoneSystem::Yealink(y) => Some(&y.push_token),
            _ => None,
        }
    }

    pub(super) fn validate(&self) -> Result<(), SettingsError> {
        if !self.id.is_valid() {
            return Err(SettingsError::PhoneId {
                id: self.id.as_str().chars().take(40).collect(),
            });
        }
        self.system.validate()
    }

    pub(super) fn normalize(&mut self) {
        self.name = self.name.trim().to_owned();
        self.system.normalize();
    }

    /// Makes a push token where one is needed and missing; returns whether it did.
    pub(super) fn ensure_push_token(&mut self) -> bool {
        let slot = match &mut self.system {
            PhoneSystem::Grandstream(g) => &mut g.push_token,
            PhoneSystem::Yealink(y) => &mut y.push_token,
            _ => return false,
        };
        if !slot.is_empty() {
            return false;
        }
        *slot = super::new_push_token();
        true
    }
}

/// The phone system and what it needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum PhoneSystem {
    Grandstream(GrandstreamSettings),
    Asterisk(AsteriskSettings),
    Xivo(XivoSettings),
    Yealink(YealinkSettings),
}

impl PhoneSystem {
    pub fn kind(&self) -> BackendKind {
        match self {
            Self::Grandstream(_) => BackendKind::Grandstream,
            Self::Asterisk(_) => BackendKind::Asterisk,
            Self::Xivo(_) => BackendKind::Xivo,
            Self::Yealink(_) => BackendKind::Yealink,
        }
    }

    /// A new, empty profile of `kind` with its defaults.
    pub fn new(kind: BackendKind) -> Self {
        match kind {
            BackendKind::Grandstream => Self::Grandstream(GrandstreamSettings::default()),
            BackendKind::Asterisk => Self::Asterisk(AsteriskSettings::default()),
            BackendKind::Xivo => Self::Xivo(XivoSettings::default()),
            BackendKind::Yealink => Self::Yealink(YealinkSettings::default()),
        }
    }

    /// The address as the user typed it (empty when not set up yet).
    pub fn address(&self) -> String {
        match self {
            Self::Grandstream(g) => g.url.trim().to_owned(),
            Self::Asterisk(a) => a.host.trim().to_owned(),
            Self::Xivo(x) => x.url.trim().to_owned(),
            Self::Yealink(y) => y.url.trim().to_owned(),
        }
    }

    /// How often a polled system is read (event systems report on their own).
    pub fn poll_interval(&self) -> Duration {
        match self {
            Self::Grandstream(g) => Duration::from_millis(g.poll_interval_ms),
            Self::Yealink(y) => Duration::from_millis(y.poll_interval_ms),
            Self::Asterisk(_) | Self::Xivo(_) => Duration::from_secs(1),
        }
    }

    fn validate(&self) -> Result<(), SettingsError> {
        match self {
            Self::Grandstream(g) => g.validate(),
            Self::Asterisk(a) => a.validate(),
            Self::Xivo(x) => {
                if !x.url.trim().is_empty() {
                    parse_phone_url(&x.url)?;
                }
                check_pin(x.cert_sha256.as_deref())?;
                check_user(&x.username, !x.url.trim().is_empty())
            }
            Self::Yealink(y) => {
                if !y.url.trim().is_empty() {
                    parse_phone_url(&y.url)?;
                }
                check_pin(y.cert_sha256.as_deref())?;
                check_interval(y.poll_interval_ms)?;
                check_timeouts(y.connect_timeout_ms, y.request_timeout_ms)?;
                check_token(&y.push_token, false)?;
                check_user(&y.username, !y.url.trim().is_empty())
            }
        }
    }

    fn normalize(&mut self) {
        match self {
            Self::Grandstream(g) => {
                g.url = g.url.trim().to_owned();
                g.cert_sha256 = normalized_pin(g.cert_sha256.take());
                if let Login::Session { username } = &mut g.login {
                    *username = username.trim().to_owned();
                }
                g.push_token = g.push_token.trim().to_owned();
                // There is no account 0: it means "the phone's default", like none.
                g.dial_account = g.dial_account.filter(|n| *n > 0);
            }
            Self::Asterisk(a) => {
                a.host = a.host.trim().to_owned();
                a.username = a.username.trim().to_owned();
                a.device = a.device.trim().to_owned();
                a.context = a.context.trim().to_owned();
            }
            Self::Xivo(x) => {
                x.url = x.url.trim().to_owned();
                x.username = x.username.trim().to_owned();
                x.cert_sha256 = normalized_pin(x.cert_sha256.take());
            }
            Self::Yealink(y) => {
                y.url = y.url.trim().to_owned();
                y.username = y.username.trim().to_owned();
                y.cert_sha256 = normalized_pin(y.cert_sha256.take());
                y.push_token = y.push_token.trim().to_owned();
            }
        }
    }
}

/// A Grandstream phone (CTI HTTP API).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GrandstreamSettings {
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
    /// Receive the phone's Action URL pushes (instant screen-pop, rare polling).
    pub push: bool,
    /// Secret part of this phone's Action URLs; generated on first load.
    pub push_token: String,
    /// The account dials go out from unless one is chosen for the dial, numbered as the
    /// phone's screen and web page number them (1 is "Account 1"); absent: the phone's own
    /// default account. Files written before this existed have none, and keep dialing as
    /// they did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dial_account: Option<u32>,
}

impl Default for GrandstreamSettings {
    fn default() -> Self {
        Self {
            url: String::new(),
            login: Login::default(),
            cert_sha256: None,
            poll_interval_ms: 1000,
            connect_timeout_ms: 3000,
            request_timeout_ms: 5000,
            push: false,
            push_token: String::new(),
            dial_account: None,
        }
    }
}

impl GrandstreamSettings {
    /// [`GrandstreamSettings::dial_account`] as dialing sends it (0-based).
    pub fn dial_account_index(&self) -> Option<u32> {
        self.dial_account.and_then(|n| n.checked_sub(1))
    }

    pub fn poll_interval(&self) -> Duration {
        Duration::from_millis(self.poll_interval_ms)
    }

    /// The accepted certificate, if one is set. A blank value counts as none.
    pub fn cert_fingerprint(&self) -> Result<Option<CertFingerprint>, SettingsError> {
        check_pin(self.cert_sha256.as_deref())
    }

    fn validate(&self) -> Result<(), SettingsError> {
        if !self.url.trim().is_empty() {
            parse_phone_url(&self.url)?;
        }
        check_interval(self.poll_interval_ms)?;
        check_timeouts(self.connect_timeout_ms, self.request_timeout_ms)?;
        check_pin(self.cert_sha256.as_deref())?;
        if let Login::Session { username } = &self.login {
            if username.trim().is_empty() {
                return Err(SettingsError::Username);
            }
        }
        check_token(&self.push_token, self.push)
    }
}

/// How callpop logs in to a Grandstream phone. Deliberately holds no secret: the passcode or
/// password is kept in the system keyring and joined with this only in memory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "lowercase")]
pub enum Login {
    /// Classic CTI: the phone's passcode on every request.
    #[default]
    Passcode,
    /// Newer firmware: a web session as this user.
    Session { username: String },
}

/// An Asterisk PBX through its manager interface (AMI).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AsteriskSettings {
    /// The PBX's host name or address.
    pub host: String,
    /// The manager port, 5038 by default.
    pub port: u16,
    /// The manager account (`[callpop]` in manager.conf).
    pub username: String,
    /// Log in with an MD5 challenge (the secret never travels) instead of plain text.
    pub md5: bool,
    /// The desk phone's device, e.g. `PJSIP/201`: its calls are the ones callpop shows.
    pub device: String,
    /// The dialplan context click-to-dial calls go out through, e.g. `from-internal`.
    pub context: String,
    /// Ask the desk phone to pick up by itself when callpop dials (a SIP header most phones
    /// honour), so click-to-dial needs no key press.
    pub auto_answer: bool,
    pub connect_timeout_ms: u64,
}

impl Default for AsteriskSettings {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 5038,
            username: String::new(),
            md5: true,
            device: String::new(),
            context: "from-internal".to_owned(),
            auto_answer: false,
            connect_timeout_ms: 3000,
        }
    }
}

impl AsteriskSettings {
    fn validate(&self) -> Result<(), SettingsError> {
        if self.host.trim().is_empty() {
            return Ok(());
        }
        let host_ok = self
            .host
            .trim()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
        if !host_ok {
            return Err(SettingsError::Host {
                value: self.host.chars().take(60).collect(),
            });
        }
        if self.port == 0 {
            return Err(SettingsError::Port);
        }
        check_user(&self.username, true)?;
        let device = self.device.trim();
        let device_ok = device.contains('/')
            && !device.starts_with('/')
            && !device.ends_with('/')
            && device
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/-_.@".contains(c));
        if !device_ok {
            return Err(SettingsError::Device {
                value: device.chars().take(60).collect(),
            });
        }
        if self.context.trim().is_empty()
            || !self
                .context
                .trim()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
        {
            return Err(SettingsError::Context);
        }
        if !(500..=60_000).contains(&self.connect_timeout_ms) {
            return Err(SettingsError::ConnectTimeout {
                ms: self.connect_timeout_ms,
            });
        }
        Ok(())
    }
}

/// A XiVO PBX through its xuc server.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct XivoSettings {
    /// The xuc server, `https://xivo.example.com` (or with its port).
    pub url: String,
    /// The user's CTI login.
    pub username: String,
    /// SHA-256 of the server's accepted certificate, when it is not one the system trusts.
    pub cert_sha256: Option<String>,
}

/// A Yealink phone: Action URI to control it, Action URL pushes to learn of calls.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct YealinkSettings {
    pub url: String,
    /// The phone's web user (`admin` by default on Yealink).
    pub username: String,
    pub cert_sha256: Option<String>,
    /// How often callpop checks that the phone is still there (calls come by push).
    pub poll_interval_ms: u64,
    pub connect_timeout_ms: u64,
    pub request_timeout_ms: u64,
    /// Secret part of this phone's Action URLs; generated on first load.
    pub push_token: String,
    /// The account click-to-dial calls from, as the phone names it (`1001@pbx.example.com`,
    /// sent as `outgoing_uri=`); empty: the phone's default account.
    pub outgoing_uri: String,
}

impl Default for YealinkSettings {
    fn default() -> Self {
        Self {
            url: String::new(),
            username: "admin".to_owned(),
            cert_sha256: None,
            poll_interval_ms: 10_000,
            connect_timeout_ms: 3000,
            request_timeout_ms: 5000,
            push_token: String::new(),
            outgoing_uri: String::new(),
        }
    }
}

fn check_interval(ms: u64) -> Result<(), SettingsError> {
    if (250..=60_000).contains(&ms) {
        Ok(())
    } else {
        Err(SettingsError::PollInterval { ms })
    }
}

fn check_timeouts(connect_ms: u64, request_ms: u64) -> Result<(), SettingsError> {
    if !(500..=60_000).contains(&connect_ms) {
        return Err(SettingsError::ConnectTimeout { ms: connect_ms });
    }
    if !(1000..=120_000).contains(&request_ms) || request_ms < connect_ms {
        return Err(SettingsError::RequestTimeout { ms: request_ms });
    }
    Ok(())
}

fn check_pin(pin: Option<&str>) -> Result<Option<CertFingerprint>, SettingsError> {
    match pin.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|reason| SettingsError::CertFingerprint { reason }),
    }
}

fn normalized_pin(pin: Option<String>) -> Option<String> {
    match check_pin(pin.as_deref()) {
        Ok(Some(fingerprint)) => Some(fingerprint.to_string()),
        Ok(None) => None,
        // Left as it is for validation to report.
        Err(_) => pin,
    }
}

fn check_user(username: &str, required: bool) -> Result<(), SettingsError> {
    if required && username.trim().is_empty() {
        return Err(SettingsError::Username);
    }
    if username.chars().any(char::is_control) {
        return Err(SettingsError::Username);
    }
    Ok(())
}

/// Push tokens keep other machines on the network from injecting fake calls.
fn check_token(token: &str, required: bool) -> Result<(), SettingsError> {
    let ok = token.len() >= super::MIN_PUSH_TOKEN_LEN
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if (required || !token.is_empty()) && !ok {
        return Err(SettingsError::PushToken);
    }
    Ok(())
}
