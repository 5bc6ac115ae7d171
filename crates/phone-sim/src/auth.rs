//! Who may drive the phone: passcode checks, web sessions and the five-strikes lock-out.
//!
//! Both authentication schemes share one failure counter, as on a real phone: five wrong
//! passwords in a row lock every login for `lock_minutes`, and the answers count down
//! (`wrong4` ... `wrong0`) so a client can tell the user before it is too late.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::time::Instant;

use crate::config::SimAuth;

/// Consecutive failures that lock the phone.
pub const MAX_TRIES: u32 = 5;
/// A session unused for this long is forgotten, like the web UI's idle timeout.
const SESSION_IDLE: Duration = Duration::from_secs(30 * 60);
/// Sessions kept at once; the least recently used one is dropped beyond that.
const MAX_SESSIONS: usize = 32;
/// A login challenge must be answered within this time.
const NONCE_TTL: Duration = Duration::from_secs(120);
/// Outstanding challenges kept at once.
const MAX_NONCES: usize = 32;

/// Why a credential was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// Wrong credential; this many tries are left before the lock.
    Wrong(u32),
    /// Locked out; this many minutes (rounded up) remain.
    Locked(u32),
}

/// The failure counter and lock.
#[derive(Debug)]
struct LockOut {
    failures: u32,
    locked_until: Option<Instant>,
    lock_for: Duration,
}

impl LockOut {
    fn new(lock_minutes: u32) -> LockOut {
        LockOut {
            failures: 0,
            locked_until: None,
            lock_for: Duration::from_secs(u64::from(lock_minutes) * 60),
        }
    }

    /// `Err(Locked)` while the lock holds; clears an expired lock and its counter.
    fn check(&mut self, now: Instant) -> Result<(), Denied> {
        match self.locked_until {
            Some(until) if now < until => {
                let left = until.saturating_duration_since(now).as_secs().div_ceil(60);
                Err(Denied::Locked(
                    u32::try_from(left.max(1)).unwrap_or(u32::MAX),
                ))
            }
            Some(_) => {
                self.unlock();
                Ok(())
            }
            None => Ok(()),
        }
    }

    fn fail(&mut self, now: Instant) -> Denied {
        self.failures = (self.failures + 1).min(MAX_TRIES);
        let left = MAX_TRIES - self.failures;
        if left == 0 {
            self.locked_until = Some(now + self.lock_for);
        }
        Denied::Wrong(left)
    }

    fn unlock(&mut self) {
        self.failures = 0;
        self.locked_until = None;
    }

    fn is_locked(&self, now: Instant) -> bool {
        self.locked_until.is_some_and(|until| now < until)
    }
}

/// A successful session login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    /// New session id (64 hex digits).
    pub sid: String,
    /// `admin` for the admin account, `user` otherwise.
    pub role: &'static str,
}

#[derive(Debug)]
struct Sessions {
    username: String,
    password: String,
    nonces: VecDeque<(String, Instant)>,
    /// sid → last use.
    sids: HashMap<String, Instant>,
}

impl Sessions {
    fn prune(&mut self, now: Instant) {
        self.nonces
            .retain(|(_, issued)| now.saturating_duration_since(*issued) < NONCE_TTL);
        self.sids
            .retain(|_, used| now.saturating_duration_since(*used) < SESSION_IDLE);
    }
}

#[derive(Debug)]
enum Mode {
    Passcode(String),
    Session(Sessions),
}

/// Authentication state of one phone.
#[derive(Debug)]
pub struct Auth {
    mode: Mode,
    lockout: LockOut,
}

impl Auth {
    /// Fresh state for `scheme`, locking for `lock_minutes` after [`MAX_TRIES`] failures.
    pub fn new(scheme: &SimAuth, lock_minutes: u32) -> Auth {
        let mode = match scheme {
            SimAuth::Passcode(p) => Mode::Passcode(p.clone()),
            SimAuth::Session { username, password } => Mode::Session(Sessions {
                username: username.clone(),
                password: password.clone(),
                nonces: VecDeque::new(),
                sids: HashMap::new(),
            }),
        };
        Auth {
            mode,
            lockout: LockOut::new(lock_minutes),
        }
    }

    /// Whether the phone uses web sessions rather than a passcode.
    pub fn is_session_mode(&self) -> bool {
        matches!(self.mode, Mode::Session(_))
    }

    /// Checks a passcode request. Any of `candidates` may carry the password: `api-make_call`
    /// clients send it as `passcode` and as `password`. In session mode this always fails
    /// (callers route session-mode requests to [`Auth::check_session`] instead).
    pub fn check_passcode(
        &mut self,
        candidates: &[Option<&str>],
        now: Instant,
    ) -> Result<(), Denied> {
        self.lockout.check(now)?;
        let ok = match &self.mode {
            Mode::Passcode(expected) => candidates.iter().flatten().any(|c| *c == expected),
            Mode::Session(_) => false,
        };
        if ok {
            self.lockout.unlock();
            Ok(())
        } else {
            Err(self.lockout.fail(now))
        }
    }

    /// First login step: a fresh nonce. It is handed out whatever `access` says, so the answer
    /// does not reveal which user names exist; a wrong name fails at [`Auth::login`].
    pub fn challenge(&mut self, now: Instant) -> String {
        let nonce = random_hex::<16>();
        if let Mode::Session(s) = &mut self.mode {
            s.prune(now);
            if s.nonces.len() >= MAX_NONCES {
                s.nonces.pop_front();
            }
            s.nonces.push_back((nonce.clone(), now));
        }
        nonce
    }

    /// Second login step: `password_hash` must be `sha256_hex(password + nonce)` for a nonce
    /// handed out by [`Auth::challenge`] and not used yet.
    pub fn login(
        &mut self,
        username: &str,
        password_hash: &str,
        now: Instant,
    ) -> Result<Login, Denied> {
        self.lockout.check(now)?;
        let Mode::Session(s) = &mut self.mode else {
            return Err(self.lockout.fail(now));
        };
        s.prune(now);
        let hash = password_hash.trim().to_ascii_lowercase();
        let matched = (username == s.username)
            .then(|| {
                s.nonces
                    .iter()
                    .position(|(nonce, _)| sha256_hex(&format!("{}{nonce}", s.password)) == hash)
            })
            .flatten();
        let Some(pos) = matched else {
            return Err(self.lockout.fail(now));
        };
        s.nonces.remove(pos);
        if s.sids.len() >= MAX_SESSIONS {
            if let Some(oldest) = s
                .sids
                .iter()
                .min_by_key(|(_, used)| **used)
                .map(|(sid, _)| sid.clone())
            {
                s.sids.remove(&oldest);
            }
        }
        let sid = random_hex::<32>();
        s.sids.insert(sid.clone(), now);
        let role = if s.username == "admin" {
            "admin"
        } else {
            "user"
        };
        self.lockout.unlock();
        Ok(Login { sid, role })
    }

    /// Whether `sid` names a live session; using it keeps it alive.
    pub fn check_session(&mut self, sid: Option<&str>, now: Instant) -> bool {
        let (Mode::Session(s), Some(sid)) = (&mut self.mode, sid) else {
            return false;
        };
        s.prune(now);
        match s.sids.get_mut(sid) {
            Some(used) => {
                *used = now;
                true
            }
            None => false,
        }
    }

    /// Forgets every session, as a firmware timeout or a reboot would.
    pub fn expire_sessions(&mut self) {
        if let Mode::Session(s) = &mut self.mode {
            s.sids.clear();
            s.nonces.clear();
        }
    }

    /// Lifts a lock-out and resets the failure counter.
    pub fn unlock(&mut self) {
        self.lockout.unlock();
    }

    /// Whether logins are currently locked out.
    pub fn is_locked(&self, now: Instant) -> bool {
        self.lockout.is_locked(now)
    }
}

/// Lowercase hex SHA-256 of `text`, the digest the login protocol uses everywhere.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn random_hex<const N: usize>() -> String {
    hex::encode(rand::random::<[u8; N]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passcode_counts_down_then_locks() {
        let mut auth = Auth::new(&SimAuth::Passcode("secret".into()), 5);
        let now = Instant::now();
        assert_eq!(auth.check_passcode(&[Some("secret")], now), Ok(()));
        for left in (0..MAX_TRIES).rev() {
            assert_eq!(
                auth.check_passcode(&[Some("nope")], now),
                Err(Denied::Wrong(left))
            );
        }
        assert!(auth.is_locked(now));
        assert_eq!(
            auth.check_passcode(&[Some("secret")], now),
            Err(Denied::Locked(5))
        );
        // The lock expires on its own.
        let later = now + Duration::from_secs(5 * 60);
        assert_eq!(auth.check_passcode(&[Some("secret")], later), Ok(()));
    }

    #[test]
    fn a_correct_passcode_resets_the_counter() {
        let mut auth = Auth::new(&SimAuth::default(), 5);
        let now = Instant::now();
        assert_eq!(auth.check_passcode(&[None], now), Err(Denied::Wrong(4)));
        assert_eq!(auth.check_passcode(&[None, Some("admin")], now), Ok(()));
        assert_eq!(
            auth.check_passcode(&[Some("x")], now),
            Err(Denied::Wrong(4))
        );
        auth.unlock();
        assert_eq!(
            auth.check_passcode(&[Some("x")], now),
            Err(Denied::Wrong(4))
        );
    }

    #[test]
    fn session_login_round_trip() {
        let scheme = SimAuth::Session {
            username: "user".into(),
            password: "pw".into(),
        };
        let mut auth = Auth::new(&scheme, 5);
        let now = Instant::now();
        let nonce = auth.challenge(now);
        let login = auth
            .login("user", &sha256_hex(&format!("pw{nonce}")), now)
            .expect("valid login");
        assert_eq!(login.sid.len(), 64);
        assert_eq!(login.role, "user");
        assert!(auth.check_session(Some(&login.sid), now));
        assert!(!auth.check_session(Some("bogus"), now));
        // A nonce works once.
        assert_eq!(
            auth.login("user", &sha256_hex(&format!("pw{nonce}")), now),
            Err(Denied::Wrong(4))
        );
        auth.expire_sessions();
        assert!(!auth.check_session(Some(&login.sid), now));
        let idle = now + SESSION_IDLE;
        let nonce = auth.challenge(now);
        let login = auth
            .login("user", &sha256_hex(&format!("pw{nonce}")), now)
            .expect("valid login");
        assert!(!auth.check_session(Some(&login.sid), idle));
    }
}
