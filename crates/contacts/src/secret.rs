//! Passwords and tokens for the remote sources, kept out of settings files, logs and errors.
//!
//! The settings structs never hold a secret: the app reads them from the OS keyring under the
//! account name each source reports ([`crate::SourceSettings::secret_account`]) and hands them
//! to [`crate::Directory::open`] in a [`Secrets`] map.

use std::collections::HashMap;
use std::fmt;

/// A password or bearer token. `Debug` and `Display` never show its content.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, only for putting it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Secrets by keyring account name ([`crate::SourceSettings::secret_account`]).
#[derive(Clone, Debug, Default)]
pub struct Secrets(HashMap<String, Secret>);

impl Secrets {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, account: impl Into<String>, secret: Secret) {
        self.0.insert(account.into(), secret);
    }

    pub fn get(&self, account: &str) -> Option<&Secret> {
        self.0.get(account).filter(|s| !s.is_empty())
    }
}

impl<A: Into<String>> FromIterator<(A, Secret)> for Secrets {
    fn from_iter<T: IntoIterator<Item = (A, Secret)>>(iter: T) -> Self {
        Self(iter.into_iter().map(|(a, s)| (a.into(), s)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print_their_content() {
        let secret = Secret::new("hunter2");
        let secrets: Secrets = [("ldap:cn=x@ldap://h", secret.clone())]
            .into_iter()
            .collect();
        assert!(!format!("{secret:?} {secret} {secrets:?}").contains("hunter2"));
        assert_eq!(
            secrets.get("ldap:cn=x@ldap://h").map(Secret::expose),
            Some("hunter2")
        );
    }

    #[test]
    fn an_empty_secret_counts_as_missing() {
        let secrets: Secrets = [("a", Secret::new(""))].into_iter().collect();
        assert!(secrets.get("a").is_none());
    }
}
