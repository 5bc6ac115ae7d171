//! The phone's accounts as callpop counts them.
//!
//! `api-get_accounts` numbers accounts as the phone's screen and web page do, from 1
//! (`"id":1` is "Account 1"), while `api-make_call`'s `account=` and line status' `acct` count
//! from 0 (see `phone-apis.md` §1). So the index dialing sends is `id - 1`. Should a firmware
//! ever list an account with `"id":0`, its list counts from 0 already and the ids are taken
//! as they are: an id of 0 cannot be a 1-based number.

use super::models::Account;
use crate::account::PhoneAccount;

/// The accounts from `api-get_accounts`, with both numberings, sorted by index.
pub(crate) fn from_phone(list: &[Account]) -> Vec<PhoneAccount> {
    let zero_based = list.iter().any(|a| a.id == 0);
    let mut accounts: Vec<PhoneAccount> = list
        .iter()
        .map(|a| {
            let index = if zero_based { a.id } else { a.id - 1 };
            PhoneAccount {
                index,
                number: index.saturating_add(1),
                name: crate::text::for_display(&a.name),
                user: crate::text::for_display(&a.sip_id),
                server: crate::text::for_display(&a.sip_server),
                registered: a.registered,
            }
        })
        .collect();
    accounts.sort_by_key(|a| a.index);
    accounts.dedup_by_key(|a| a.index);
    accounts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(id: u32, registered: bool) -> Account {
        Account {
            id,
            name: format!("Desk {id}"),
            sip_id: format!("100{id}"),
            sip_server: "pbx".into(),
            registered,
        }
    }

    #[test]
    fn the_phones_account_1_is_index_0() {
        let accounts = from_phone(&[listed(2, false), listed(1, true)]);
        assert_eq!(
            accounts
                .iter()
                .map(|a| (a.index, a.number, a.user.as_str(), a.registered))
                .collect::<Vec<_>>(),
            [(0, 1, "1001", true), (1, 2, "1002", false)]
        );
    }

    #[test]
    fn a_list_that_counts_from_0_is_taken_as_it_is() {
        let accounts = from_phone(&[listed(0, true), listed(1, true)]);
        assert_eq!(accounts.iter().map(|a| a.index).collect::<Vec<_>>(), [0, 1]);
        assert_eq!(accounts[1].number, 2);
    }
}
