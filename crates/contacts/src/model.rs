//! A contact as the parsers produce it, and the answer a lookup gives.

use serde::{Deserialize, Serialize};

/// One person or company with the numbers they call from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedContact {
    /// What identifies the entry in its source: vCard UID (or `card N`), CSV `row N`,
    /// CardDAV href.
    pub reference: String,
    /// The name to show, never empty.
    pub name: String,
    pub organization: Option<String>,
    pub phones: Vec<ParsedPhone>,
}

/// A number as written in the contact, with its kind when the source says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParsedPhone {
    pub raw: String,
    /// `work`, `cell`, `home`, `fax`, … lowercased.
    pub kind: Option<String>,
}

/// Who is calling, as found in the user's contacts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallerMatch {
    /// The name to show in the call window.
    pub name: String,
    /// The caller's company, when the source has one.
    pub organization: Option<String>,
    /// Which source knew the caller, for the window and the history's `contact_source`:
    /// `vcard:office.vcf`, `csv:export.csv`, `carddav:<book>`, `ldap`, `crm`.
    pub source: String,
    /// The entry in that source, for the history's `contact_ref`: vCard UID (or `card N`),
    /// CSV `row N`, CardDAV href, LDAP DN, CRM record id (empty when the CRM sends none).
    pub reference: String,
    /// The contact's number that matched, as written there.
    pub matched_number: String,
    /// `work`, `cell`, `home`, … when the source says.
    pub phone_kind: Option<String>,
    /// A link to open the record (CRM only), always `http` or `https`.
    pub link: Option<String>,
}
