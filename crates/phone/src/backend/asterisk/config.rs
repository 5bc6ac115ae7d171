//! What the backend needs from [`AsteriskSettings`], checked once: where the PBX is, which
//! device is the desk worker's, and the timings.
//!
//! Settings files are validated on load, but `open` may be handed a profile that never went
//! through the settings (the command line, tests), and every value here ends up in an AMI
//! header: a line break in one would let it inject a header of its own. So everything is
//! checked again here, with messages that say which field to fix.

use crate::error::PhoneError;
use crate::settings::AsteriskSettings;
use std::time::Duration;

/// The desk phone's device, `PJSIP/201`: its channels (`PJSIP/201-0000000a`) are the calls
/// callpop shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Device {
    /// `PJSIP`; compared without regard to case, as Asterisk does for technologies.
    tech: String,
    /// `201`; compared exactly (endpoint names are case-sensitive).
    resource: String,
}

impl Device {
    /// Reads `PJSIP/201`; `None` when it is not a device name.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (tech, resource) = text.trim().split_once('/')?;
        let tech_ok = !tech.is_empty() && tech.chars().all(|c| c.is_ascii_alphanumeric());
        let resource_ok = !resource.is_empty()
            && resource
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.@".contains(c));
        (tech_ok && resource_ok).then(|| Self {
            tech: tech.to_owned(),
            resource: resource.to_owned(),
        })
    }

    /// Whether `channel` (`PJSIP/201-0000000a`) is one of this device's channels.
    pub(crate) fn owns(&self, channel: &str) -> bool {
        let Some((tech, rest)) = channel.split_once('/') else {
            return false;
        };
        tech.eq_ignore_ascii_case(&self.tech)
            && rest
                .strip_prefix(self.resource.as_str())
                .is_some_and(|suffix| suffix.starts_with('-'))
    }

    /// `Channel: PJSIP/201-` as a POSIX extended regex for `Action: Filter`: it lets through
    /// every event naming one of this device's channels (also as `DestChannel:`, which
    /// contains it), and nothing about the rest of the PBX. The technology matches in any case
    /// (ERE has no case-insensitive flag) and the resource's dots are escaped.
    pub(crate) fn filter_regex(&self) -> String {
        let mut out = String::from("Channel: ");
        for c in self.tech.chars() {
            if c.is_ascii_alphabetic() {
                out.push('[');
                out.push(c.to_ascii_uppercase());
                out.push(c.to_ascii_lowercase());
                out.push(']');
            } else {
                out.push(c);
            }
        }
        out.push('/');
        for c in self.resource.chars() {
            if c == '.' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('-');
        out
    }

    /// Whether the auto-answer header is set the PJSIP way.
    pub(crate) fn is_pjsip(&self) -> bool {
        self.tech.eq_ignore_ascii_case("PJSIP")
    }
}

impl std::fmt::Display for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.tech, self.resource)
    }
}

/// The checked settings.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    /// The host as typed, without IPv6 brackets.
    pub host: String,
    pub port: u16,
    pub username: String,
    pub md5: bool,
    pub device: Device,
    pub context: String,
    pub auto_answer: bool,
    pub connect_timeout: Duration,
}

impl Config {
    pub(crate) fn from_settings(settings: &AsteriskSettings) -> Result<Self, PhoneError> {
        let typed = settings.host.trim();
        let host = typed
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(typed);
        let shown: String = typed.chars().take(60).collect();
        if host.is_empty() {
            return Err(PhoneError::BadAddress(
                String::new(),
                "no PBX address is set. Enter the Asterisk server's name or address in Settings."
                    .to_owned(),
            ));
        }
        if !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-:".contains(c))
        {
            return Err(PhoneError::BadAddress(
                shown,
                "a PBX address is a host name or an IP address, without a scheme or a path. \
                 Correct it in Settings."
                    .to_owned(),
            ));
        }
        if settings.port == 0 {
            return Err(PhoneError::BadAddress(
                shown,
                "the manager port is 0. Asterisk's manager interface usually listens on 5038; \
                 correct it in Settings."
                    .to_owned(),
            ));
        }
        let username = settings.username.trim();
        if username.is_empty() || username.chars().any(char::is_control) {
            return Err(PhoneError::BadAddress(
                shown,
                "the manager user name is missing or contains control characters. Enter the \
                 account from manager.conf in Settings."
                    .to_owned(),
            ));
        }
        let device = Device::parse(&settings.device).ok_or_else(|| {
            PhoneError::BadAddress(
                shown.clone(),
                format!(
                    "\"{}\" is not a device name. Enter the desk phone's device in Settings, \
                     like PJSIP/201.",
                    settings.device.chars().take(40).collect::<String>()
                ),
            )
        })?;
        let context = settings.context.trim();
        let context_ok = !context.is_empty()
            && context
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c));
        if !context_ok {
            return Err(PhoneError::BadAddress(
                shown,
                "the dialplan context for outgoing calls is missing or not a context name. \
                 Enter it in Settings, like from-internal."
                    .to_owned(),
            ));
        }
        Ok(Self {
            host: host.to_owned(),
            port: settings.port,
            username: username.to_owned(),
            md5: settings.md5,
            device,
            context: context.to_owned(),
            auto_answer: settings.auto_answer,
            connect_timeout: Duration::from_millis(settings.connect_timeout_ms.max(100)),
        })
    }

    /// `pbx.example.com:5038` (`[fd00::1]:5038`), for messages and the rejected-login memory.
    pub(crate) fn address(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }

    /// `pbx.example.com (PJSIP/201)`.
    pub(crate) fn label(&self) -> String {
        format!("{} ({})", self.host, self.device)
    }
}

/// How long the backend waits for the PBX. The defaults suit a real PBX on the office
/// network; tests shorten them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AmiTiming {
    /// How often a `Ping` proves that the connection still carries events. A PBX that
    /// vanished without closing the connection (a pulled cable, a frozen VM) is noticed within
    /// this plus [`AmiTiming::answer_timeout`].
    pub keepalive: Duration,
    /// How long any request (login, `Ping`, an action) may go unanswered before the
    /// connection counts as broken.
    pub answer_timeout: Duration,
    /// How long click-to-dial waits for the PBX to say whether it could ring the desk phone
    /// (an `OriginateResponse`). Failures come within a second or two; a phone that simply
    /// rings answers later, and that is the desk worker's business.
    pub originate_wait: Duration,
}

impl Default for AmiTiming {
    fn default() -> Self {
        Self {
            keepalive: Duration::from_secs(20),
            answer_timeout: Duration::from_secs(10),
            originate_wait: Duration::from_secs(3),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_own_their_channels_only() {
        let d = Device::parse("PJSIP/201").expect("device");
        assert!(d.owns("PJSIP/201-0000000a"));
        assert!(d.owns("pjsip/201-0000000a"));
        assert!(!d.owns("PJSIP/2010-0000000a"));
        assert!(!d.owns("PJSIP/20-0000000a"));
        assert!(!d.owns("PJSIP/201"));
        assert!(!d.owns("SIP/201-0000000a"));
        assert!(!d.owns("garbage"));
        assert_eq!(d.filter_regex(), "Channel: [Pp][Jj][Ss][Ii][Pp]/201-");
        let dotted = Device::parse("PJSIP/alice.desk").expect("device");
        assert_eq!(
            dotted.filter_regex(),
            "Channel: [Pp][Jj][Ss][Ii][Pp]/alice\\.desk-"
        );
        for bad in [
            "201",
            "/201",
            "PJSIP/",
            "PJSIP/2 01",
            "PJSIP/201\r\nAction: X",
        ] {
            assert!(Device::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn settings_that_could_inject_headers_are_refused() {
        let good = AsteriskSettings {
            host: "pbx.example.com".into(),
            username: "callpop".into(),
            device: "PJSIP/201".into(),
            ..AsteriskSettings::default()
        };
        let config = Config::from_settings(&good).expect("valid");
        assert_eq!(config.address(), "pbx.example.com:5038");
        assert_eq!(config.label(), "pbx.example.com (PJSIP/201)");
        let v6 = AsteriskSettings {
            host: "[fd00::1]".into(),
            ..good.clone()
        };
        assert_eq!(
            Config::from_settings(&v6).expect("valid").address(),
            "[fd00::1]:5038"
        );
        for bad in [
            AsteriskSettings {
                context: "from-internal\r\nAction: Originate".into(),
                ..good.clone()
            },
            AsteriskSettings {
                username: "callpop\r\nEvents: on".into(),
                ..good.clone()
            },
            AsteriskSettings {
                host: "pbx\r\nAction: Logoff".into(),
                ..good.clone()
            },
            AsteriskSettings {
                device: "PJSIP/201\nX: y".into(),
                ..good.clone()
            },
            AsteriskSettings {
                host: String::new(),
                ..good.clone()
            },
        ] {
            let error = Config::from_settings(&bad).expect_err("refused");
            assert!(error.needs_user(), "{error}");
            assert!(error.to_string().contains("Settings"), "{error}");
        }
    }
}
