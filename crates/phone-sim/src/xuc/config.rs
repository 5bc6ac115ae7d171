//! How a simulated xuc server is set up: its users and every delay a test may want to shorten.

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use serde::Serialize;

use super::demo::XucDemo;
use super::error::XucSimError;

/// A XiVO user who may log in to the CTI: a login, a password and the line (DN) of the desk
/// phone associated with the user.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct XucUser {
    /// XiVO user id (`userId` in `UserConfigUpdate`, `XIVO_USERID` in `userData`).
    pub user_id: u32,
    /// CTI login (`login` in `POST /xuc/api/2.0/auth/login`).
    pub login: String,
    /// CTI password, compared in full; it is never recorded, logged or shown in `Debug`.
    #[serde(skip)]
    pub password: String,
    /// Directory number of the user's line, the `DN` of every `PhoneEvent` (e.g. `1000`).
    pub dn: String,
    /// First name (`firstName`).
    pub first_name: String,
    /// Last name (`lastName`).
    pub last_name: String,
}

impl XucUser {
    /// A user with `user_id`, `login`, `password`, line `dn` and display `name`, split at its
    /// first space into first and last name.
    pub fn new(user_id: u32, login: &str, password: &str, dn: &str, name: &str) -> XucUser {
        let (first, last) = name.split_once(' ').unwrap_or((name, ""));
        XucUser {
            user_id,
            login: login.to_owned(),
            password: password.to_owned(),
            dn: dn.to_owned(),
            first_name: first.to_owned(),
            last_name: last.to_owned(),
        }
    }

    /// `firstName lastName`, as xuc's `fullName`.
    pub fn full_name(&self) -> String {
        match (self.first_name.is_empty(), self.last_name.is_empty()) {
            (_, true) => self.first_name.clone(),
            (true, false) => self.last_name.clone(),
            (false, false) => format!("{} {}", self.first_name, self.last_name),
        }
    }
}

impl std::fmt::Debug for XucUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XucUser")
            .field("user_id", &self.user_id)
            .field("login", &self.login)
            .field("password", &"<hidden>")
            .field("dn", &self.dn)
            .field("first_name", &self.first_name)
            .field("last_name", &self.last_name)
            .finish()
    }
}

/// Everything an [`super::XucSim`] is started with.
#[derive(Debug, Clone)]
pub struct XucSimConfig {
    /// Address to listen on (HTTP and websocket share it); port 0 picks a free port.
    pub bind: SocketAddr,
    /// Users who may log in. Logins and DNs must be unique.
    pub users: Vec<XucUser>,
    /// How long a token from `auth/login` (or `auth/check`) stays valid. The login answer
    /// reports it in seconds as `TTL`. Expiry does not close websockets already open.
    pub token_ttl: Duration,
    /// A websocket that receives nothing (no ping, no command) for this long is closed by the
    /// server. xuc's own client pings every 5 s.
    pub idle_timeout: Duration,
    /// After a `dial`, the far end answers (EventEstablished) after this delay; `None` leaves
    /// outgoing calls ringing until [`super::XucSim::remote_answer`] is called.
    pub remote_answer_after: Option<Duration>,
    /// With "forward on no answer" enabled, an unanswered incoming call is forwarded (the
    /// user's phone sees EventReleased) after this long.
    pub no_answer_forward_after: Duration,
    /// Demo mode: demo callers ring users who have the CTI open, and answered calls end by
    /// themselves (see [`XucDemo`]). `None` (the default): calls happen only when asked for.
    pub demo: Option<XucDemo>,
}

impl Default for XucSimConfig {
    fn default() -> Self {
        XucSimConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            users: default_users(),
            token_ttl: Duration::from_secs(3600),
            idle_timeout: Duration::from_secs(30),
            remote_answer_after: Some(Duration::from_secs(2)),
            no_answer_forward_after: Duration::from_secs(20),
            demo: None,
        }
    }
}

/// The two users of a default simulator: `alice` (line 1000) and `bob` (line 1001), each with
/// their login as password. Demo and test credentials only.
pub fn default_users() -> Vec<XucUser> {
    vec![
        XucUser::new(1, "alice", "alice", "1000", "Alice Johnson"),
        XucUser::new(2, "bob", "bob", "1001", "Bob Martin"),
    ]
}

impl XucSimConfig {
    /// Rejects configurations no XiVO would have: no users, duplicate logins or DNs, empty
    /// fields, zero timeouts.
    pub fn validate(&self) -> Result<(), XucSimError> {
        let bad = |m: String| Err(XucSimError::InvalidConfig(m));
        if self.users.is_empty() {
            return bad("at least one user is needed".to_owned());
        }
        let mut logins = HashSet::new();
        let mut dns = HashSet::new();
        for user in &self.users {
            if user.login.trim().is_empty() || user.dn.trim().is_empty() {
                return bad(format!(
                    "user {} needs a login and a line number",
                    user.user_id
                ));
            }
            if !logins.insert(user.login.as_str()) {
                return bad(format!("login {:?} is used twice", user.login));
            }
            if !dns.insert(user.dn.as_str()) {
                return bad(format!("line number {:?} is used twice", user.dn));
            }
        }
        if self.token_ttl.is_zero() || self.idle_timeout.is_zero() {
            return bad("token_ttl and idle_timeout must be above zero".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid_and_hides_passwords() {
        let config = XucSimConfig::default();
        assert!(config.validate().is_ok());
        let shown = format!("{config:?}");
        assert!(shown.contains("alice"));
        assert!(!shown.contains("password: \"alice\""));
        assert!(shown.contains("<hidden>"));
    }

    #[test]
    fn rejects_duplicates() {
        let mut config = XucSimConfig::default();
        config.users[1].dn = "1000".to_owned();
        assert!(config.validate().is_err());
        let mut config = XucSimConfig::default();
        config.users[1].login = "alice".to_owned();
        assert!(config.validate().is_err());
        let config = XucSimConfig {
            users: Vec::new(),
            ..XucSimConfig::default()
        };
        assert!(config.validate().is_err());
    }

    #[test]
    fn names_split_at_the_first_space() {
        let user = XucUser::new(3, "zoe", "pw", "1002", "Zoë Müller Schmidt");
        assert_eq!(user.first_name, "Zoë");
        assert_eq!(user.last_name, "Müller Schmidt");
        assert_eq!(user.full_name(), "Zoë Müller Schmidt");
        assert_eq!(
            XucUser::new(4, "x", "y", "9", "Reception").full_name(),
            "Reception"
        );
    }
}
