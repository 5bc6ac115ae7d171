//! callpop-contacts: the caller's name from the user's contacts.
//!
//! Work in progress.

pub mod carddav;
mod carddav_xml;
mod csv_import;
mod error;
mod files;
mod http;
mod model;
mod number_key;
mod secret;
mod settings;
mod store;
mod text_decode;
mod vcard;

pub use csv_import::parse_csv;
pub use error::ContactsError;
pub use files::read_contacts_file;
pub use model::{CallerMatch, ParsedContact, ParsedPhone};
pub use number_key::PhoneKey;
pub use secret::{Secret, Secrets};
pub use settings::*;
pub use vcard::parse_vcards;
