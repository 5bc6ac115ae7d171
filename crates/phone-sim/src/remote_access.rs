//! The phone's Network → Remote Control page beyond the main switch: which computers may use
//! Action URI ("Action URI Allowed IP List") and whether the phone first asks on its own
//! screen ("Remote Control Pop up Window Support").
//!
//! Both are what a first-run setup most often gets wrong, so the simulator reproduces them for
//! the settings' checklist to be proven red and green: a computer not in the list is answered
//! 403 (like a disabled Action URI, which is all a real phone tells), and with the pop-up on
//! a request from a computer nobody has allowed yet waits for someone to press Allow on the
//! phone ([`RemoteAccess::allow_prompt`], the control API's `allow-prompt`), up to
//! [`PROMPT_TIMEOUT`], and is then refused.

use std::collections::HashSet;
use std::net::IpAddr;
use std::time::Duration;

/// How long the phone shows its question before it gives up and refuses the request.
pub const PROMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// What the Remote Control page says, and who was allowed on the phone's screen.
#[derive(Debug, Default)]
pub(crate) struct RemoteAccess {
    /// `None`: `any` (the factory default of the simulator, so existing tests keep working).
    allowed: Option<Vec<IpAddr>>,
    popup: bool,
    /// Computers someone allowed on the phone's screen.
    confirmed: HashSet<IpAddr>,
    /// Computers whose request waits for an answer on the phone's screen now.
    asking: HashSet<IpAddr>,
}

/// What a request from one computer may do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admission {
    Allowed,
    /// Not in the allowed list: 403.
    NotListed,
    /// The phone asks on its screen; the request waits.
    Ask,
}

impl RemoteAccess {
    /// Sets the allowed list from the page's text: `any` (or empty) for everyone, else IP
    /// addresses separated by commas or spaces.
    pub(crate) fn set_allowed(&mut self, list: &str) -> Result<(), String> {
        let words: Vec<&str> = list
            .split([',', ' ', ';'])
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() || words.iter().any(|w| w.eq_ignore_ascii_case("any")) {
            self.allowed = None;
            return Ok(());
        }
        let ips = words
            .iter()
            .map(|w| {
                w.parse::<IpAddr>()
                    .map(|ip| ip.to_canonical())
                    .map_err(|_| format!("{w:?} is not an IP address"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.allowed = Some(ips);
        Ok(())
    }

    /// The allowed list as the page shows it (`any` for everyone).
    pub(crate) fn allowed_text(&self) -> String {
        match &self.allowed {
            None => "any".to_owned(),
            Some(ips) => ips
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    pub(crate) fn set_popup(&mut self, on: bool) {
        self.popup = on;
        if !on {
            self.asking.clear();
        }
    }

    pub(crate) fn popup(&self) -> bool {
        self.popup
    }

    /// Whether the phone shows its question now.
    pub(crate) fn is_asking(&self) -> bool {
        !self.asking.is_empty()
    }

    /// Someone presses Allow on the phone: every computer asking now may go on.
    pub(crate) fn allow_prompt(&mut self) {
        let asking: Vec<IpAddr> = self.asking.drain().collect();
        self.confirmed.extend(asking);
    }

    /// The question ran out for `peer` without an answer.
    pub(crate) fn give_up(&mut self, peer: IpAddr) {
        self.asking.remove(&peer.to_canonical());
    }

    /// What a request from `peer` may do; an unconfirmed one starts the question.
    pub(crate) fn admit(&mut self, peer: IpAddr) -> Admission {
        let peer = peer.to_canonical();
        if let Some(list) = &self.allowed {
            if !list.contains(&peer) {
                return Admission::NotListed;
            }
        }
        if self.popup && !self.confirmed.contains(&peer) {
            self.asking.insert(peer);
            return Admission::Ask;
        }
        Admission::Allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn the_list_decides_first_then_the_question() {
        let mut access = RemoteAccess::default();
        assert_eq!(access.admit(ip("10.0.0.9")), Admission::Allowed);
        access.set_allowed("192.168.1.20, 10.0.0.5").expect("list");
        assert_eq!(access.admit(ip("10.0.0.9")), Admission::NotListed);
        assert_eq!(access.admit(ip("::ffff:10.0.0.5")), Admission::Allowed);
        access.set_popup(true);
        assert_eq!(access.admit(ip("10.0.0.5")), Admission::Ask);
        assert!(access.is_asking());
        access.allow_prompt();
        assert!(!access.is_asking());
        assert_eq!(access.admit(ip("10.0.0.5")), Admission::Allowed);
        access.set_allowed("any").expect("any");
        assert_eq!(access.allowed_text(), "any");
        assert!(access.set_allowed("10.0.0.300").is_err());
    }
}
