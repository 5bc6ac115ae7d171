//! How a simulated Yealink phone is set up: its identity, web login, remote-control settings
//! and every delay a test may want to shorten.
//!
//! The defaults are a T54W whose administrator has already allowed remote control from any
//! address and switched the on-screen "Allow remote control?" prompt off, so
//! `YealinkSimConfig::default()` is a phone a client can drive at once. Tests of the refusals
//! turn those settings back to what a factory-fresh phone has.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::error::YealinkSimError;

/// Most calls a Yealink desk phone holds at once (T5x: up to 10 on its line keys).
pub const MAX_CALLS: u32 = 10;
/// Most SIP accounts accepted (T54W: 16).
pub const MAX_YEALINK_ACCOUNTS: usize = 16;
/// Registrar of the default accounts.
pub const YEALINK_SIP_SERVER: &str = "pbx.example.com";

/// One SIP account of the phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YealinkAccount {
    /// SIP user (the extension), `$active_user`.
    pub user: String,
    /// Registrar, `$active_host`.
    pub server: String,
    /// Display name, `$display_local`.
    pub display_name: String,
    /// Label shown on the line key.
    pub label: String,
}

impl YealinkAccount {
    /// `user@server`, the form `outgoing_uri=` names an account by (and `$active_url`).
    pub fn uri(&self) -> String {
        format!("{}@{}", self.user, self.server)
    }

    /// Whether `outgoing_uri` (as a client sends it: `1001@pbx`, `sip:1001@pbx` or `1001`)
    /// names this account.
    pub fn is_named_by(&self, outgoing_uri: &str) -> bool {
        let text = outgoing_uri.trim();
        let lower = text.to_ascii_lowercase();
        let text = ["sips:", "sip:"]
            .iter()
            .find(|scheme| lower.starts_with(*scheme))
            .map_or(text, |scheme| &text[scheme.len()..]);
        match text.split_once('@') {
            Some((user, host)) => user == self.user && host.eq_ignore_ascii_case(&self.server),
            None => text == self.user,
        }
    }
}

/// How `$remote` is filled in. The guides call it "the SIP URI of the remote party"; what
/// firmware really sends varies, so a client must cope with both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemoteFormat {
    /// `sip:+15555550100@pbx.example.com`.
    #[default]
    SipUri,
    /// `+15555550100`.
    Number,
}

/// Everything a [`super::YealinkSim`] is started with.
#[derive(Clone)]
pub struct YealinkSimConfig {
    /// Address to listen on; port 0 picks a free port.
    pub bind: SocketAddr,
    /// Serve HTTPS with a self-signed certificate instead of plain HTTP.
    pub tls: bool,
    /// Model, as `phonecfg=get` and `$model` report it (`T54W`).
    pub model: String,
    /// Firmware version (`$firmware`).
    pub firmware: String,
    /// MAC address as Yealink writes it in `$mac`: 12 hex digits, no separators.
    pub mac: String,
    /// Web user name (HTTP Basic auth).
    pub username: String,
    /// Web password; compared in full, never recorded, logged or shown in `Debug`.
    pub password: String,
    /// SIP accounts, 1..=[`MAX_YEALINK_ACCOUNTS`].
    pub accounts: Vec<YealinkAccount>,
    /// Calls the phone holds at once, 1..=[`MAX_CALLS`]; each sits on one line key `L1..`.
    pub max_calls: u32,
    /// `features.action_uri.enable`: off, every Action URI request answers 403.
    pub action_uri_enabled: bool,
    /// `features.action_uri_limit_ip`: who may send Action URI requests. Comma-separated
    /// addresses, `*` for a whole octet (`10.10.*.*`), or `any`. Blank allows nobody, as on
    /// a factory-fresh phone.
    pub action_uri_limit_ip: String,
    /// `features.show_action_uri_option`: the phone asks "Allow remote control?" on its
    /// screen the first time an address sends a request, and holds the request until someone
    /// answers there (see [`super::YealinkSim::confirm_remote_control`]).
    pub show_action_uri_option: bool,
    /// Wrong passwords in a row that lock the web login.
    pub max_login_failures: u32,
    /// How long the web login stays locked after that.
    pub lock_for: Duration,
    /// Delay between an event and its Action URL push (real phones: about a second).
    pub push_delay: Duration,
    /// How `$remote` is filled in.
    pub remote_format: RemoteFormat,
    /// First `$call_id` handed out; later calls count up from it.
    pub first_call_id: u64,
}

impl std::fmt::Debug for YealinkSimConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YealinkSimConfig")
            .field("bind", &self.bind)
            .field("tls", &self.tls)
            .field("model", &self.model)
            .field("username", &self.username)
            .field("password", &"<hidden>")
            .field("accounts", &self.accounts)
            .field("action_uri_limit_ip", &self.action_uri_limit_ip)
            .field("show_action_uri_option", &self.show_action_uri_option)
            .finish_non_exhaustive()
    }
}

impl Default for YealinkSimConfig {
    fn default() -> Self {
        YealinkSimConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tls: false,
            model: "T54W".to_owned(),
            firmware: "96.86.0.70".to_owned(),
            mac: "001565a1b2c3".to_owned(),
            username: "admin".to_owned(),
            password: "admin".to_owned(),
            accounts: default_accounts(),
            max_calls: 4,
            action_uri_enabled: true,
            action_uri_limit_ip: "any".to_owned(),
            show_action_uri_option: false,
            max_login_failures: 5,
            lock_for: Duration::from_secs(5 * 60),
            push_delay: Duration::from_secs(1),
            remote_format: RemoteFormat::SipUri,
            first_call_id: 33093,
        }
    }
}

/// Two accounts, extensions 1001 and 1002 on [`YEALINK_SIP_SERVER`].
pub fn default_accounts() -> Vec<YealinkAccount> {
    ["1001", "1002"]
        .into_iter()
        .map(|user| YealinkAccount {
            user: user.to_owned(),
            server: YEALINK_SIP_SERVER.to_owned(),
            display_name: format!("Desk {user}"),
            label: user.to_owned(),
        })
        .collect()
}

impl YealinkSimConfig {
    /// Rejects settings no Yealink has, so a typo in a test fails at start.
    pub fn validate(&self) -> Result<(), YealinkSimError> {
        let bad = |m: &str| Err(YealinkSimError::InvalidConfig(m.to_owned()));
        if self.accounts.is_empty() || self.accounts.len() > MAX_YEALINK_ACCOUNTS {
            return bad("between 1 and 16 accounts are needed");
        }
        if self
            .accounts
            .iter()
            .any(|a| a.user.trim().is_empty() || a.server.trim().is_empty())
        {
            return bad("every account needs a user and a server");
        }
        if !(1..=MAX_CALLS).contains(&self.max_calls) {
            return bad("max_calls must be between 1 and 10");
        }
        if self.model.trim().is_empty() || self.username.trim().is_empty() {
            return bad("model and username must not be empty");
        }
        if self.max_login_failures == 0 {
            return bad("max_login_failures must be at least 1");
        }
        if self.username.contains(':') {
            return bad("a Basic auth user name cannot contain ':'");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_hides_the_password() {
        let config = YealinkSimConfig {
            password: "s3cret-pw".into(),
            ..YealinkSimConfig::default()
        };
        assert!(config.validate().is_ok());
        assert!(!format!("{config:?}").contains("s3cret-pw"));
    }

    #[test]
    fn accounts_are_named_by_uri_or_user() {
        let account = &default_accounts()[0];
        assert!(account.is_named_by("1001@pbx.example.com"));
        assert!(account.is_named_by("sip:1001@PBX.example.com"));
        assert!(account.is_named_by("1001"));
        assert!(!account.is_named_by("1002@pbx.example.com"));
        assert!(!account.is_named_by("1001@elsewhere"));
    }

    #[test]
    fn rejects_impossible_phones() {
        for config in [
            YealinkSimConfig {
                accounts: Vec::new(),
                ..YealinkSimConfig::default()
            },
            YealinkSimConfig {
                max_calls: 0,
                ..YealinkSimConfig::default()
            },
            YealinkSimConfig {
                max_login_failures: 0,
                ..YealinkSimConfig::default()
            },
        ] {
            assert!(config.validate().is_err());
        }
    }
}
