//! The SIP accounts of a phone: which ones it has, whether each is registered, and which one a
//! dial goes out from.
//!
//! Two numberings meet here, and mixing them up dials from the wrong account:
//! - **people** (the phone's screen and web page, callpop's settings, windows and `--account`)
//!   count accounts from 1: "Account 1" is the first;
//! - **the wire** (`api-make_call`'s `account=`, line status' `acct`) counts from 0.
//!
//! [`PhoneAccount::index`] is the wire's number and [`PhoneAccount::number`] the people's; they
//! never travel under the same name.

use crate::error::PhoneError;
use serde::Serialize;

/// One SIP account configured on the phone, as callpop last read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhoneAccount {
    /// 0-based, what dialing sends (`account=` of `api-make_call`).
    pub index: u32,
    /// 1-based, as the phone's screen and web page name it ("Account 2").
    pub number: u32,
    /// The account's name on the phone ("Front desk"); may be empty.
    pub name: String,
    /// Its SIP user, usually the extension ("1001"); may be empty.
    pub user: String,
    /// The registrar ("pbx.example.com"); may be empty.
    pub server: String,
    /// Whether it is registered with its server (only a registered account can call).
    pub registered: bool,
}

impl PhoneAccount {
    /// How people know it: "Front desk (1001)", "1001", else "Account 2".
    pub fn label(&self) -> String {
        match (self.name.trim(), self.user.trim()) {
            ("", "") => format!("Account {}", self.number),
            (name, "") => name.to_owned(),
            ("", user) => user.to_owned(),
            (name, user) if name == user => name.to_owned(),
            (name, user) => format!("{name} ({user})"),
        }
    }
}

/// Finds the account `wanted` names: its number as people count (`2` is "Account 2"), its
/// name or its SIP user (case-insensitive). `None`: no account answers to it.
pub fn find<'a>(accounts: &'a [PhoneAccount], wanted: &str) -> Option<&'a PhoneAccount> {
    let wanted = wanted.trim();
    if wanted.is_empty() {
        return None;
    }
    if let Ok(number) = wanted.parse::<u32>() {
        // A number is the account's number first (what the phone shows), else its SIP user
        // ("1002" is an extension far more often than an account slot).
        if let Some(found) = accounts.iter().find(|a| a.number == number) {
            return Some(found);
        }
    }
    accounts
        .iter()
        .find(|a| a.user.trim() == wanted)
        .or_else(|| {
            accounts
                .iter()
                .find(|a| a.name.trim().eq_ignore_ascii_case(wanted))
        })
}

/// Checks that a dial may go out from the account at 0-based `index`, given what the phone
/// says of its accounts now. Nothing must be sent otherwise: a phone asked to dial from an
/// account that does not exist or cannot register either fails the call silently or dials
/// from another account, and the person would call from the wrong number.
pub fn check_dial_from(accounts: &[PhoneAccount], index: u32) -> Result<(), PhoneError> {
    match accounts.iter().find(|a| a.index == index) {
        None => Err(PhoneError::AccountUnknown {
            account: index.saturating_add(1),
            count: u32::try_from(accounts.len()).unwrap_or(u32::MAX),
        }),
        Some(account) if !account.registered => Err(PhoneError::AccountUnregistered {
            account: account.number,
            name: account.label(),
        }),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(index: u32, name: &str, user: &str, registered: bool) -> PhoneAccount {
        PhoneAccount {
            index,
            number: index + 1,
            name: name.into(),
            user: user.into(),
            server: "pbx".into(),
            registered,
        }
    }

    #[test]
    fn accounts_are_found_by_number_user_or_name() {
        let accounts = [
            account(0, "Desk", "1001", true),
            account(1, "Sales line", "1002", false),
        ];
        assert_eq!(find(&accounts, "2").map(|a| a.index), Some(1));
        assert_eq!(find(&accounts, "1002").map(|a| a.index), Some(1));
        assert_eq!(find(&accounts, "sales LINE").map(|a| a.index), Some(1));
        assert_eq!(find(&accounts, " 1 ").map(|a| a.index), Some(0));
        assert!(find(&accounts, "3").is_none());
        assert!(find(&accounts, "").is_none());
    }

    #[test]
    fn only_a_registered_account_on_the_phone_may_dial() {
        let accounts = [
            account(0, "Desk", "1001", true),
            account(1, "Sales", "1002", false),
        ];
        assert_eq!(check_dial_from(&accounts, 0), Ok(()));
        assert_eq!(
            check_dial_from(&accounts, 1),
            Err(PhoneError::AccountUnregistered {
                account: 2,
                name: "Sales (1002)".into()
            })
        );
        // Said as people count: index 4 is "Account 5".
        assert_eq!(
            check_dial_from(&accounts, 4),
            Err(PhoneError::AccountUnknown {
                account: 5,
                count: 2
            })
        );
    }

    #[test]
    fn labels_use_what_the_phone_names() {
        assert_eq!(account(0, "Desk", "1001", true).label(), "Desk (1001)");
        assert_eq!(account(0, "", "1001", true).label(), "1001");
        assert_eq!(account(0, "1001", "1001", true).label(), "1001");
        assert_eq!(account(2, "", "", true).label(), "Account 3");
    }
}
