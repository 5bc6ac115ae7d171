//! The phone's login, kept out of every printout.

use std::fmt;

/// A passcode or password. `Debug` and `Display` never show it; only [`Secret::expose`] does,
/// and only the code that puts it on the wire calls that.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(•••)")
    }
}

/// How callpop logs in to the phone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    /// Classic CTI: `passcode=` (the admin or user web password) on every request.
    Passcode(Secret),
    /// Newer firmware (WP8x6, late GXP21xx): a web session with a nonce login and a `sid`
    /// cookie. The `user` account is preferred: logging in as admin may kick the admin out of
    /// the phone's web page, since some firmware allows one session per account.
    Session { username: String, password: Secret },
}

impl Credentials {
    /// The secret part, for scrubbing it from anything the phone echoes back.
    pub fn secret(&self) -> &Secret {
        match self {
            Self::Passcode(s) => s,
            Self::Session { password, .. } => password,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let c = Credentials::Session {
            username: "user".into(),
            password: Secret::new("hunter2"),
        };
        let printed = format!("{c:?} {:?}", Credentials::Passcode(Secret::new("hunter2")));
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("user"));
    }
}
