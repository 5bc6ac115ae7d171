//! What the app adds to the calls the phone core tracks: when each was connected (for the
//! timer), who it is according to the user's contacts, and its row in the call history.

use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// A caller found in the user's contacts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Contact {
    pub name: String,
    pub organization: Option<String>,
    /// Where the name came from ("vcard:office.vcf", "ldap", "crm").
    pub source: String,
    /// A page about the caller (a CRM lookup may give one).
    pub link: Option<String>,
}

/// By callpop call id.
#[derive(Clone, Debug, Default)]
pub struct CallExtras {
    pub connected_at: HashMap<String, u64>,
    pub contacts: HashMap<String, Contact>,
    /// The history row of each call, and its key.
    pub history_ids: HashMap<String, callpop_history::CallId>,
    pub history_keys: HashMap<String, callpop_history::CallKey>,
    /// Calls that were already shown before callpop restarted: no second popup for them.
    pub already_shown: HashSet<String>,
}

impl CallExtras {
    /// Forgets a call that is over (its history row stays).
    pub fn forget(&mut self, call: &str) {
        self.connected_at.remove(call);
        self.contacts.remove(call);
        self.history_ids.remove(call);
        self.history_keys.remove(call);
        self.already_shown.remove(call);
    }
}
