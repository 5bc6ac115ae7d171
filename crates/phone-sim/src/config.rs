//! How a simulated phone is set up: everything a test, benchmark or demo may want to vary.
//!
//! The defaults mirror a factory-fresh GXP2170 with CTI enabled, so `SimConfig::default()` is
//! what a client should expect from a typical real phone.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::SimError;

/// Highest line count accepted: real Grandstream models have between 2 and 16 line keys.
pub const MAX_LINES: u32 = 16;
/// Highest SIP account count accepted (GXP2170: 6, GXP2160: 6, GRP2616: 16).
pub const MAX_ACCOUNTS: u32 = 16;

/// Firmware version the simulated phone reports (login answer, `$program_version`).
pub const FIRMWARE_VERSION: &str = "1.0.3.35";
/// MAC address the simulated phone reports; `00:0B:82` is Grandstream's OUI.
pub const MAC_ADDRESS: &str = "00:0B:82:12:34:56";

/// SIP server every simulated account registers with.
pub const SIP_SERVER: &str = "pbx.example.com";

/// A SIP account, serialized exactly as one element of `api-get_accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimAccount {
    /// 1-based account number (the wire's `acct` fields are 0-based indexes).
    pub id: u32,
    /// Registrar.
    pub sip_server: String,
    /// SIP user / extension.
    pub sip_id: String,
    /// Display name.
    pub name: String,
    /// 1 when registered (see `PhoneSim::set_account_registered`).
    pub reg: u8,
}

/// How CTI requests prove they may control the phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimAuth {
    /// Older and most current firmware: the web password travels as `passcode=` on every request.
    Passcode(String),
    /// Newer firmware (WP8x6, GXP2170 1.0.11.x): a login through `/cgi-bin/access` and
    /// `/cgi-bin/dologin` yields a `sid` cookie that every request must carry.
    Session {
        /// Web account name, usually `admin` or `user`.
        username: String,
        /// Web password in clear text; the client only ever sends salted hashes of it.
        password: String,
    },
}

impl Default for SimAuth {
    fn default() -> Self {
        SimAuth::Passcode("admin".to_owned())
    }
}

/// Everything a [`crate::PhoneSim`] is started with.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Address to listen on; port 0 picks a free port (read it back with `PhoneSim::addr`).
    pub bind: SocketAddr,
    /// Number of line keys, 1..=[`MAX_LINES`]. Clients must never assume a fixed count.
    pub lines: u32,
    /// Number of SIP accounts, 1..=[`MAX_ACCOUNTS`].
    pub accounts: u32,
    /// Model name reported by `model.define.js` and pushes (`$product`).
    pub model: String,
    /// Authentication scheme.
    pub auth: SimAuth,
    /// Serve HTTPS with a self-signed certificate generated at start instead of plain HTTP.
    pub tls: bool,
    /// P-value 1561 "Click-To-Dial Feature": when off, `api-make_call` answers an error.
    pub make_call_enabled: bool,
    /// "Action URI Support": when off, every `api-*` request answers 403.
    pub remote_control_enabled: bool,
    /// Delay between two keys of one `api-send_key` request (real phones: about 700 ms).
    pub key_interval: Duration,
    /// How long the phone stays locked after five failed logins, in minutes.
    pub lock_minutes: u32,
    /// Outgoing calls are answered by the remote party after this long; `None` leaves them
    /// ringing until the control API answers. Demo mode uses 3 s when this is `None`.
    pub auto_answer_outgoing_after: Option<Duration>,
    /// Start the demo task: a random line rings about every 20 s, unanswered calls become
    /// missed after ~12 s, answered ones are hung up by the remote after 30-60 s.
    pub demo: bool,
    /// Delay between a call event and its Action URL push (real phones: about a second).
    pub push_delay: Duration,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            lines: 4,
            accounts: 2,
            model: "GXP2170".to_owned(),
            auth: SimAuth::default(),
            tls: false,
            make_call_enabled: true,
            remote_control_enabled: true,
            key_interval: Duration::from_millis(700),
            lock_minutes: 5,
            auto_answer_outgoing_after: None,
            demo: false,
            push_delay: Duration::from_secs(1),
        }
    }
}

impl SimConfig {
    /// Rejects settings no real phone has, so a typo in a test fails loudly at start instead of
    /// producing a phone that behaves oddly later.
    pub fn validate(&self) -> Result<(), SimError> {
        if !(1..=MAX_LINES).contains(&self.lines) {
            return Err(SimError::InvalidConfig(format!(
                "lines must be between 1 and {MAX_LINES}, got {}",
                self.lines
            )));
        }
        if !(1..=MAX_ACCOUNTS).contains(&self.accounts) {
            return Err(SimError::InvalidConfig(format!(
                "accounts must be between 1 and {MAX_ACCOUNTS}, got {}",
                self.accounts
            )));
        }
        if self.model.trim().is_empty() {
            return Err(SimError::InvalidConfig(
                "model must not be empty".to_owned(),
            ));
        }
        if let SimAuth::Session { username, .. } = &self.auth {
            if username.is_empty() {
                return Err(SimError::InvalidConfig(
                    "session username must not be empty".to_owned(),
                ));
            }
        }
        Ok(())
    }

    /// The account at 0-based `index`: extensions 1001, 1002, ... named "Desk 1001", ...
    pub fn account(&self, index: u32) -> Option<SimAccount> {
        (index < self.accounts).then(|| {
            let extension = 1001 + index;
            SimAccount {
                id: index + 1,
                sip_server: SIP_SERVER.to_owned(),
                sip_id: extension.to_string(),
                name: format!("Desk {extension}"),
                reg: 1,
            }
        })
    }

    /// The delay after which outgoing calls are answered, taking demo mode's default into
    /// account: a demo without it would leave every outgoing call in ringback forever.
    pub(crate) fn effective_auto_answer(&self) -> Option<Duration> {
        self.auto_answer_outgoing_after
            .or(self.demo.then_some(Duration::from_secs(3)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid() {
        assert!(SimConfig::default().validate().is_ok());
    }

    #[test]
    fn rejects_zero_lines_and_empty_model() {
        let cfg = SimConfig {
            lines: 0,
            ..SimConfig::default()
        };
        assert!(cfg.validate().is_err());
        let cfg = SimConfig {
            model: " ".into(),
            ..SimConfig::default()
        };
        assert!(cfg.validate().is_err());
    }

    #[test]
    fn demo_answers_outgoing_calls() {
        let cfg = SimConfig {
            demo: true,
            ..SimConfig::default()
        };
        assert_eq!(cfg.effective_auto_answer(), Some(Duration::from_secs(3)));
        assert_eq!(SimConfig::default().effective_auto_answer(), None);
    }
}
