//! callpop-contacts: the caller's name from the user's contacts.
//!
//! When a call rings, the app shows it at once and asks [`Directory::lookup`] who is
//! calling; the name arrives as an update within the deadline (500 ms by default) or not at
//! all. Names come from, in the priority order the user sets:
//!
//! * contact files — vCard 2.1/3.0/4.0 and CSV exports (Outlook, Google, `name,number`),
//!   re-read when they change ([`parse_vcards`], [`parse_csv`]);
//! * CardDAV address books, synced into a local SQLite cache ([`carddav`]);
//! * LDAP / Active Directory, searched while the phone rings ([`ldap`]);
//! * a CRM lookup URL answering JSON ([`crm`]).
//!
//! Files and CardDAV are matched in the local cache (`contacts.sqlite3` in the data
//! directory) by index, so a lookup in 50,000 contacts takes microseconds; LDAP and CRM
//! answers are cached per number, "not known" for a shorter time. Numbers match when their
//! E.164 forms are equal, or, when either side cannot be understood, their last 8 digits
//! ([`PhoneKey`]).
//!
//! Settings ([`ContactsSettings`]) hold no secrets: the app reads passwords and tokens from
//! the OS keyring under [`SourceSettings::secret_account`] and passes them in as
//! [`Secrets`].

pub mod carddav;
mod carddav_xml;
pub mod crm;
mod csv_import;
mod directory;
mod error;
mod files;
mod http;
pub mod ldap;
mod model;
mod number_key;
mod remote_cache;
mod secret;
mod settings;
mod store;
mod text_decode;
mod vcard;

pub use csv_import::parse_csv;
pub use directory::{
    default_store_path, Directory, SourceStatus, SourceSync, SyncOutcome, STORE_FILE_NAME,
};
pub use error::ContactsError;
pub use files::read_contacts_file;
pub use model::{CallerMatch, ParsedContact, ParsedPhone};
pub use number_key::PhoneKey;
pub use secret::{Secret, Secrets};
pub use settings::{
    CardDavSettings, ContactsSettings, CrmAuth, CrmSettings, FileFormat, FileSourceSettings,
    LdapSettings, SourceSettings,
};
pub use vcard::parse_vcards;
