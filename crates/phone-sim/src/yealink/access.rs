//! Who may drive the phone, checked in the order the phone checks: the web login (HTTP Basic
//! auth, with a lock-out after too many wrong passwords), then the Action URI switch and the
//! allowed addresses (`features.action_uri_limit_ip`), then the "Allow remote control?"
//! prompt on the phone's screen.
//!
//! The answers are a model (the guides do not show them): a wrong password is `401` with a
//! `WWW-Authenticate: Basic` challenge; a locked login is `403` with a page saying
//! "locked" and for how long; an address not allowed is `403` with a plain forbidden page.
//! A request waiting for the prompt is held open until the prompt is answered on the phone.

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

/// What the web login said about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoginCheck {
    /// No `Authorization` header (a browser's first try): challenged, not counted.
    Missing,
    /// Right user and password.
    Accepted,
    /// Wrong user or password: counted towards the lock-out.
    Wrong,
    /// The login is locked: refused whatever the password.
    Locked,
}

/// The failure counter and lock.
#[derive(Debug)]
pub(crate) struct Login {
    username: String,
    password: String,
    max_failures: u32,
    lock_for: Duration,
    failures: u32,
    locked_until: Option<Instant>,
}

impl Login {
    pub(crate) fn new(
        username: &str,
        password: &str,
        max_failures: u32,
        lock_for: Duration,
    ) -> Login {
        Login {
            username: username.to_owned(),
            password: password.to_owned(),
            max_failures,
            lock_for,
            failures: 0,
            locked_until: None,
        }
    }

    /// Checks the `Authorization` header's value, counting wrong passwords.
    pub(crate) fn check(&mut self, authorization: Option<&str>, now: Instant) -> LoginCheck {
        if self.locked_for(now).is_some() {
            return LoginCheck::Locked;
        }
        let Some(header) = authorization else {
            return LoginCheck::Missing;
        };
        let right = basic_credentials(header)
            .is_some_and(|(user, password)| user == self.username && password == self.password);
        if right {
            self.failures = 0;
            return LoginCheck::Accepted;
        }
        self.failures += 1;
        if self.failures >= self.max_failures {
            self.lock(now);
        }
        LoginCheck::Wrong
    }

    /// How long the lock still lasts; clears an expired one.
    pub(crate) fn locked_for(&mut self, now: Instant) -> Option<Duration> {
        match self.locked_until {
            Some(until) if now < until => Some(until - now),
            Some(_) => {
                self.unlock();
                None
            }
            None => None,
        }
    }

    /// Locks now, as if someone had just typed the last wrong password.
    pub(crate) fn lock(&mut self, now: Instant) {
        self.locked_until = Some(now + self.lock_for);
    }

    pub(crate) fn unlock(&mut self) {
        self.failures = 0;
        self.locked_until = None;
    }
}

/// User name and password of a `Basic` authorization value.
pub(crate) fn basic_credentials(header: &str) -> Option<(String, String)> {
    let (scheme, encoded) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(base64_decode(encoded.trim())?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Standard base64 with padding, as `Authorization: Basic` uses. `None` for anything else.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (i, chunk) in bytes.chunks(4).enumerate() {
        let last = i + 1 == bytes.len() / 4;
        let pad = chunk.iter().rev().take_while(|b| **b == b'=').count();
        if pad > 2 || (pad > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for (j, b) in chunk.iter().enumerate() {
            let v = if j >= 4 - pad { 0 } else { value(*b)? };
            n = (n << 6) | v;
        }
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&three[..3 - pad]);
    }
    Some(out)
}

/// `features.action_uri_limit_ip`: comma-separated addresses, `*` for a whole IPv4 octet,
/// or `any`. Blank allows nobody.
pub(crate) fn ip_allowed(limit: &str, ip: IpAddr) -> bool {
    let ip = ip.to_canonical();
    limit
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .any(|entry| {
            if entry.eq_ignore_ascii_case("any") {
                return true;
            }
            if let Ok(exact) = entry.parse::<IpAddr>() {
                return exact.to_canonical() == ip;
            }
            let IpAddr::V4(v4) = ip else {
                return false;
            };
            let parts: Vec<&str> = entry.split('.').collect();
            parts.len() == 4
                && parts
                    .iter()
                    .zip(v4.octets())
                    .all(|(part, octet)| *part == "*" || part.parse::<u8>() == Ok(octet))
        })
}

/// The "Allow remote control?" prompt: which addresses were allowed on the phone, which wait
/// for an answer, and which waiting requests were declined.
#[derive(Debug, Default)]
pub(crate) struct Prompt {
    pub(crate) enabled: bool,
    allowed: HashSet<IpAddr>,
    /// Address → the round of the prompt now on screen for it.
    pending: HashMap<IpAddr, u64>,
    /// Address → the last round declined.
    declined: HashMap<IpAddr, u64>,
    rounds: u64,
}

/// Where a request stands with the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PromptAnswer {
    /// Go ahead.
    Allowed,
    /// Wait: the prompt for this round is on screen.
    Waiting(u64),
    /// The person at the phone said no to this round.
    Declined,
}

impl Prompt {
    pub(crate) fn new(enabled: bool) -> Prompt {
        Prompt {
            enabled,
            ..Prompt::default()
        }
    }

    /// Where a request from `ip` stands; shows the prompt if it is not on screen yet.
    pub(crate) fn ask(&mut self, ip: IpAddr) -> PromptAnswer {
        if !self.enabled || self.allowed.contains(&ip) {
            return PromptAnswer::Allowed;
        }
        let round = match self.pending.get(&ip) {
            Some(round) => *round,
            None => {
                self.rounds += 1;
                self.pending.insert(ip, self.rounds);
                self.rounds
            }
        };
        PromptAnswer::Waiting(round)
    }

    /// Where a request waiting in `round` stands now.
    pub(crate) fn check(&self, ip: IpAddr, round: u64) -> PromptAnswer {
        if !self.enabled || self.allowed.contains(&ip) {
            PromptAnswer::Allowed
        } else if self.declined.get(&ip).is_some_and(|d| *d >= round) {
            PromptAnswer::Declined
        } else {
            PromptAnswer::Waiting(round)
        }
    }

    /// OK on the phone: `ip` (or, with `None`, every address on screen) may control it from
    /// now on. Returns the addresses allowed.
    pub(crate) fn confirm(&mut self, ip: Option<IpAddr>) -> Vec<IpAddr> {
        let ips: Vec<IpAddr> = match ip {
            Some(ip) => vec![ip],
            None => self.pending.keys().copied().collect(),
        };
        for ip in &ips {
            self.pending.remove(ip);
            self.allowed.insert(*ip);
        }
        ips
    }

    /// Cancel on the phone: the waiting requests of `ip` (or of every address on screen) are
    /// refused; the next request asks again. Returns the addresses declined.
    pub(crate) fn decline(&mut self, ip: Option<IpAddr>) -> Vec<IpAddr> {
        let ips: Vec<IpAddr> = match ip {
            Some(ip) => self
                .pending
                .contains_key(&ip)
                .then_some(ip)
                .into_iter()
                .collect(),
            None => self.pending.keys().copied().collect(),
        };
        for ip in &ips {
            if let Some(round) = self.pending.remove(ip) {
                self.declined.insert(*ip, round);
            }
        }
        ips
    }

    /// Addresses whose prompt is on screen.
    pub(crate) fn pending(&self) -> Vec<IpAddr> {
        let mut ips: Vec<IpAddr> = self.pending.keys().copied().collect();
        ips.sort();
        ips
    }

    /// Addresses allowed on the phone so far.
    pub(crate) fn allowed(&self) -> Vec<IpAddr> {
        let mut ips: Vec<IpAddr> = self.allowed.iter().copied().collect();
        ips.sort();
        ips
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(user: &str, password: &str) -> String {
        // Encoded by hand for the test: "admin:admin" and "admin:wrong".
        match (user, password) {
            ("admin", "admin") => "Basic YWRtaW46YWRtaW4=".to_owned(),
            _ => "Basic YWRtaW46d3Jvbmc=".to_owned(),
        }
    }

    #[test]
    fn decodes_basic_credentials() {
        assert_eq!(
            basic_credentials("Basic YWRtaW46YWRtaW4="),
            Some(("admin".into(), "admin".into()))
        );
        assert_eq!(
            basic_credentials("basic dTpwOnE="),
            Some(("u".into(), "p:q".into()))
        );
        assert_eq!(basic_credentials("Basic YWRtaW46YWRtaW4"), None);
        assert_eq!(basic_credentials("Bearer YWRtaW46YWRtaW4="), None);
        assert_eq!(basic_credentials("Basic !!!!"), None);
        assert_eq!(base64_decode("YQ=="), Some(b"a".to_vec()));
        assert_eq!(base64_decode("YWI="), Some(b"ab".to_vec()));
        assert_eq!(base64_decode("YQ==YQ=="), None);
    }

    #[test]
    fn wrong_passwords_lock_the_login_for_a_while() {
        let mut login = Login::new("admin", "admin", 3, Duration::from_secs(60));
        let now = Instant::now();
        assert_eq!(login.check(None, now), LoginCheck::Missing);
        assert_eq!(
            login.check(Some(&basic("admin", "x")), now),
            LoginCheck::Wrong
        );
        assert_eq!(
            login.check(Some(&basic("admin", "admin")), now),
            LoginCheck::Accepted
        );
        for _ in 0..3 {
            assert_eq!(
                login.check(Some(&basic("admin", "x")), now),
                LoginCheck::Wrong
            );
        }
        assert_eq!(
            login.check(Some(&basic("admin", "admin")), now),
            LoginCheck::Locked
        );
        let later = now + Duration::from_secs(60);
        assert_eq!(
            login.check(Some(&basic("admin", "admin")), later),
            LoginCheck::Accepted
        );
    }

    #[test]
    fn allow_lists() {
        let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
        assert!(ip_allowed("any", ip("10.1.2.3")));
        assert!(ip_allowed("10.1.4.3, 10.10.*.*", ip("10.10.7.9")));
        assert!(!ip_allowed("10.1.4.3,10.10.*.*", ip("10.11.7.9")));
        assert!(ip_allowed("127.0.0.1", ip("::ffff:127.0.0.1")));
        assert!(ip_allowed("::1", ip("::1")));
        assert!(!ip_allowed("", ip("127.0.0.1")));
        assert!(!ip_allowed("10.*", ip("10.0.0.1")));
    }

    #[test]
    fn the_prompt_asks_once_per_address_until_allowed() {
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let mut prompt = Prompt::new(true);
        let PromptAnswer::Waiting(round) = prompt.ask(a) else {
            panic!("must wait");
        };
        assert_eq!(prompt.ask(a), PromptAnswer::Waiting(round));
        assert_eq!(prompt.decline(None), vec![a]);
        assert_eq!(prompt.check(a, round), PromptAnswer::Declined);
        let PromptAnswer::Waiting(next) = prompt.ask(a) else {
            panic!("asks again");
        };
        assert!(next > round);
        assert_eq!(prompt.check(a, next), PromptAnswer::Waiting(next));
        assert_eq!(prompt.confirm(Some(a)), vec![a]);
        assert_eq!(prompt.check(a, next), PromptAnswer::Allowed);
        assert_eq!(prompt.ask(a), PromptAnswer::Allowed);
        assert!(matches!(prompt.ask(b), PromptAnswer::Waiting(_)));
        assert_eq!(prompt.pending(), vec![b]);
    }
}
