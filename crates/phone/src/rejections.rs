//! Logins a phone or PBX has rejected, remembered on disk by every callpop process.
//!
//! Phones lock their web access after five wrong passwords, for everyone. A client stops
//! sending once its login is rejected, but callpop makes many clients: "Test connection" in the
//! settings, the watcher after Save, a new one at every app start, one per command-line run.
//! Without a shared memory each of them would spend one of the phone's tries on a password
//! already known to be wrong. So a rejection is written down here, and every client checks it
//! before its first request: only a different password (or a different phone or user) is
//! tried. A login the phone accepts wipes what was remembered for that phone.
//!
//! Only rejections of the password itself are remembered. A lock-out is not: someone else may
//! have caused it, and callpop must not stay disabled after the lock ends.
//!
//! The file holds no password: each entry is a stretched, salted hash of (phone, user,
//! password). The salt is random per file. The entries are near-misses of the real password
//! (typos), so the hash is stretched to make guessing from a stolen file slow, and the file is
//! readable by its owner only.

use crate::error::PhoneError;
use crate::private_files::{create_private_dir, owner_only};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Name of the file in callpop's state folder.
pub const FILE_NAME: &str = "rejected-logins.json";
/// Rejected logins kept per phone and user: enough for every typo a person tries in a row.
const PER_TARGET: usize = 16;
/// Targets kept: old phones fall out.
const MAX_ENTRIES: usize = 256;
/// SHA-256 rounds per hash: a few milliseconds, paid once per client start.
const STRETCH_ROUNDS: u32 = 20_000;

/// Which login a rejection is about: the system, its address and the user.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LoginTarget {
    /// e.g. `grandstream http://10.0.0.5:80`, `asterisk pbx.example:5038`.
    pub phone: String,
    /// The user name; empty where the system has none (Grandstream passcode).
    pub user: String,
}

/// What the phone said, kept so a later client can repeat it without asking the phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Said {
    tries_left: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Entry {
    /// Hex of sha256(phone) (the file does not list the phones either).
    target: String,
    /// Hex of the stretched hash of (salt, phone, user, password).
    login: String,
    said: Said,
    /// Unix seconds, for the user's information and for dropping the oldest.
    at: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Stored {
    /// Random, hex; made with the file.
    salt: String,
    entries: Vec<Entry>,
}

/// Shared by every client of one process (`Arc<RejectedLogins>`); with a file, shared with
/// every other callpop process of the user too.
#[derive(Debug)]
pub struct RejectedLogins {
    /// `None`: this process only (tests, or no state folder).
    path: Option<PathBuf>,
    /// The memory when there is no file, and a copy of the file otherwise.
    memory: Mutex<Stored>,
}

impl Default for RejectedLogins {
    fn default() -> Self {
        Self::in_memory()
    }
}

impl RejectedLogins {
    /// A memory for this process only.
    pub fn in_memory() -> Self {
        Self {
            path: None,
            memory: Mutex::new(Stored {
                salt: new_salt(),
                entries: Vec::new(),
            }),
        }
    }

    /// A memory kept in `path` (created when first needed, mode 0600).
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self {
            path: Some(path.into()),
            memory: Mutex::new(Stored::default()),
        }
    }

    /// `$XDG_STATE_HOME/callpop/rejected-logins.json` (the platform's equivalent elsewhere),
    /// falling back to this process's memory when there is no such folder.
    pub fn default_location() -> Self {
        match dirs::state_dir()
            .or_else(dirs::data_local_dir)
            .map(|d| d.join("callpop").join(FILE_NAME))
        {
            Some(path) => Self::at(path),
            None => Self::in_memory(),
        }
    }

    /// What the phone said when it rejected exactly this login, if it did.
    pub fn check(&self, target: &LoginTarget, password: &str) -> Option<PhoneError> {
        self.with_stored(false, |stored| {
            let login = login_hash(&stored.salt, target, password);
            stored
                .entries
                .iter()
                .find(|e| e.login == login)
                .map(|e| PhoneError::PasscodeRejected {
                    tries_left: e.said.tries_left,
                })
        })
        .flatten()
    }

    /// Remembers that the phone rejected this login. Other errors (a lock-out included) are
    /// not remembered.
    pub fn record(&self, target: &LoginTarget, password: &str, error: &PhoneError) {
        let PhoneError::PasscodeRejected { tries_left } = error else {
            return;
        };
        let tries_left = *tries_left;
        self.with_stored(true, |stored| {
            let login = login_hash(&stored.salt, target, password);
            let target_key = target_hash(target);
            stored.entries.retain(|e| e.login != login);
            stored.entries.push(Entry {
                target: target_key.clone(),
                login,
                said: Said { tries_left },
                at: unix_now(),
            });
            let of_target: Vec<usize> = stored
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.target == target_key)
                .map(|(i, _)| i)
                .collect();
            if of_target.len() > PER_TARGET {
                let oldest = of_target[0];
                stored.entries.remove(oldest);
            }
            while stored.entries.len() > MAX_ENTRIES {
                stored.entries.remove(0);
            }
        });
    }

    /// The phone accepted a login: what was rejected before on it no longer matters (the user
    /// fixed it, or the phone's password changed).
    pub fn forget(&self, target: &LoginTarget) {
        let key = target_hash(target);
        self.with_stored(true, |stored| stored.entries.retain(|e| e.target != key));
    }

    /// Runs `f` on the current memory: read from the file first (another process may have
    /// written), written back after when `write`. File problems are logged, never fatal: at
    /// worst this process falls back to what it remembers itself.
    fn with_stored<T>(&self, write: bool, f: impl FnOnce(&mut Stored) -> T) -> Option<T> {
        let mut memory = self.memory.lock().ok()?;
        let Some(path) = &self.path else {
            return Some(f(&mut memory));
        };
        let locked = match lock_file(path) {
            Ok(file) => Some(file),
            Err(e) => {
                tracing::warn!(path = %path.display(), "rejected-login memory unavailable: {e}");
                None
            }
        };
        if locked.is_some() {
            match read_stored(path) {
                Ok(Some(stored)) => *memory = stored,
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(path = %path.display(), "rejected-login memory unreadable, starting afresh: {e}")
                }
            }
        }
        if memory.salt.is_empty() {
            memory.salt = new_salt();
        }
        let result = f(&mut memory);
        if write {
            if let Err(e) = write_stored(path, &memory) {
                tracing::warn!(path = %path.display(), "rejected-login memory not saved: {e}");
            }
        }
        drop(locked);
        Some(result)
    }
}

/// Opens (creating) the lock file beside `path` and takes an exclusive lock on it, so two
/// processes never interleave read-modify-write. Released when the file is dropped.
fn lock_file(path: &Path) -> io::Result<File> {
    let dir = path.parent().unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let lock_path = path.with_extension("lock");
    let file = open_private(&lock_path, false)?;
    file.lock()?;
    Ok(file)
}

/// The file's memory; `None` when there is no file yet.
fn read_stored(path: &Path) -> io::Result<Option<Stored>> {
    let mut text = Vec::new();
    match File::open(path) {
        Ok(mut file) => file.read_to_end(&mut text)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    serde_json::from_slice(&text)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

fn write_stored(path: &Path, stored: &Stored) -> io::Result<()> {
    let text = serde_json::to_vec_pretty(stored).map_err(io::Error::other)?;
    let temp = path.with_extension("json.tmp");
    {
        let mut file = open_private(&temp, true)?;
        file.write_all(&text)?;
        file.sync_all()?;
    }
    fs::rename(&temp, path)
}

fn open_private(path: &Path, truncate: bool) -> io::Result<File> {
    owner_only(
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(truncate),
    )
    .open(path)
}

fn new_salt() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

fn target_hash(target: &LoginTarget) -> String {
    let mut h = Sha256::new();
    h.update(b"callpop-login-target\0");
    h.update(target.phone.as_bytes());
    hex::encode(h.finalize())
}

fn login_hash(salt: &str, target: &LoginTarget, password: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"callpop-rejected-login\0");
    h.update(salt.as_bytes());
    h.update([0]);
    h.update(target.phone.as_bytes());
    h.update([0]);
    h.update(target.user.as_bytes());
    h.update([0]);
    h.update(password.as_bytes());
    let mut digest: [u8; 32] = h.finalize().into();
    for _ in 0..STRETCH_ROUNDS {
        digest = Sha256::digest(digest).into();
    }
    hex::encode(digest)
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(phone: &str) -> LoginTarget {
        LoginTarget {
            phone: phone.into(),
            user: String::new(),
        }
    }

    #[test]
    fn every_rejected_password_is_remembered_until_one_is_accepted() {
        let memory = RejectedLogins::in_memory();
        let phone = target("grandstream http://10.0.0.5:80");
        let wrong = PhoneError::PasscodeRejected {
            tries_left: Some(3),
        };
        memory.record(&phone, "first", &wrong);
        memory.record(&phone, "second", &wrong);
        assert_eq!(memory.check(&phone, "first"), Some(wrong.clone()));
        assert!(memory.check(&phone, "second").is_some());
        assert!(memory.check(&phone, "right").is_none());
        assert!(memory.check(&target("other"), "first").is_none());
        memory.forget(&phone);
        assert!(memory.check(&phone, "first").is_none());
    }

    #[test]
    fn a_lock_out_is_not_remembered() {
        let memory = RejectedLogins::in_memory();
        let phone = target("p");
        memory.record(&phone, "pw", &PhoneError::LockedOut { minutes: Some(5) });
        assert!(memory.check(&phone, "pw").is_none());
    }
}
