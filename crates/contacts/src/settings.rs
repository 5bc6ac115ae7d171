//! What the user configures: the contact sources in priority order and the lookup limits.
//!
//! The app embeds [`ContactsSettings`] in its settings file. Nothing here is secret: passwords
//! and tokens live in the OS keyring under [`SourceSettings::secret_account`] and reach
//! [`crate::Directory::open`] as [`crate::Secrets`]. Every field has a default, so settings
//! written by an older version still load.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Caller lookup settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactsSettings {
    /// The sources in priority order: when several know the number, the one listed first
    /// wins. The settings page should propose files and CardDAV first (answered locally in
    /// well under a millisecond), then LDAP, then the CRM.
    pub sources: Vec<SourceSettings>,
    /// How long a ringing call waits at most for a name, in milliseconds. The call is shown
    /// at once regardless; this only bounds when the name can still arrive.
    pub lookup_deadline_ms: u64,
    /// How long a name found by LDAP or the CRM is reused for the same number (seconds).
    pub remote_cache_secs: u64,
    /// How long "not found" (or a failed query) from LDAP or the CRM is remembered, so a
    /// number ringing again does not hit the server again at once (seconds).
    pub negative_cache_secs: u64,
    /// How often contact files are checked for changes (seconds).
    pub file_check_secs: u64,
    /// How often CardDAV address books are synced (seconds).
    pub carddav_sync_secs: u64,
}

impl Default for ContactsSettings {
    fn default() -> Self {
        Self {
            sources: Vec::new(),
            lookup_deadline_ms: 500,
            remote_cache_secs: 600,
            negative_cache_secs: 60,
            file_check_secs: 10,
            carddav_sync_secs: 900,
        }
    }
}

impl ContactsSettings {
    pub fn lookup_deadline(&self) -> Duration {
        Duration::from_millis(self.lookup_deadline_ms.clamp(1, 10_000))
    }
}

/// One place names come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SourceSettings {
    /// A vCard (.vcf) or CSV file, re-read when it changes.
    File(FileSourceSettings),
    /// A CardDAV address book, synced into the local cache.
    #[serde(rename = "carddav")]
    CardDav(CardDavSettings),
    /// An LDAP directory or Active Directory, asked while the phone rings.
    Ldap(LdapSettings),
    /// A CRM's lookup URL answering JSON, asked while the phone rings.
    Crm(CrmSettings),
}

impl SourceSettings {
    pub fn enabled(&self) -> bool {
        match self {
            Self::File(s) => s.enabled,
            Self::CardDav(s) => s.enabled,
            Self::Ldap(s) => s.enabled,
            Self::Crm(s) => s.enabled,
        }
    }

    /// How results from this source are labelled in the call window and the history
    /// (`contact_source`): `vcard:office.vcf`, `csv:export.csv`, `carddav:Work`, `ldap`, `crm`.
    pub fn label(&self) -> String {
        match self {
            Self::File(s) => {
                let name = s
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| s.path.display().to_string());
                format!("{}:{name}", s.effective_format().label_prefix())
            }
            Self::CardDav(s) => format!("carddav:{}", s.book_name()),
            Self::Ldap(_) => "ldap".to_owned(),
            Self::Crm(_) => "crm".to_owned(),
        }
    }

    /// The keyring account under which the app keeps this source's password or token, or
    /// `None` when the source needs none. Stable as long as the address and user name stay
    /// the same, so a changed server asks for the password again.
    pub fn secret_account(&self) -> Option<String> {
        match self {
            Self::File(_) => None,
            Self::CardDav(s) => (!s.username.trim().is_empty()).then(|| {
                format!(
                    "callpop-contacts:carddav:{}@{}",
                    s.username.trim(),
                    s.url.trim()
                )
            }),
            Self::Ldap(s) => (!s.bind_dn.trim().is_empty()).then(|| {
                format!(
                    "callpop-contacts:ldap:{}@{}",
                    s.bind_dn.trim(),
                    s.url.trim()
                )
            }),
            Self::Crm(s) => match s.auth {
                CrmAuth::None => None,
                CrmAuth::Bearer => Some(format!(
                    "callpop-contacts:crm-token:{}",
                    s.url_template.trim()
                )),
                CrmAuth::Basic => Some(format!(
                    "callpop-contacts:crm:{}@{}",
                    s.username.trim(),
                    s.url_template.trim()
                )),
            },
        }
    }

    /// The key under which the local cache keeps this source's contacts and sync state.
    pub(crate) fn store_key(&self) -> String {
        match self {
            Self::File(s) => format!("file:{}", s.path.display()),
            Self::CardDav(s) => format!("carddav:{}|{}", s.url.trim(), s.username.trim()),
            Self::Ldap(s) => format!("ldap:{}|{}", s.url.trim(), s.base_dn.trim()),
            Self::Crm(s) => format!("crm:{}", s.url_template.trim()),
        }
    }
}

/// Which parser reads a contacts file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    /// By extension (`.vcf`/`.vcard` → vCard, anything else → CSV), or by content when the
    /// file starts with `BEGIN:VCARD`.
    #[default]
    Auto,
    #[serde(rename = "vcard")]
    VCard,
    Csv,
}

impl FileFormat {
    fn label_prefix(self) -> &'static str {
        match self {
            Self::VCard => "vcard",
            Self::Csv | Self::Auto => "csv",
        }
    }
}

/// A local vCard or CSV export (Outlook, Google Contacts, a phone, or a hand-made
/// `name,number` list).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FileSourceSettings {
    pub enabled: bool,
    pub path: PathBuf,
    pub format: FileFormat,
}

impl Default for FileSourceSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            path: PathBuf::new(),
            format: FileFormat::Auto,
        }
    }
}

impl FileSourceSettings {
    /// The format decided from the settings and the file name alone (content sniffing only
    /// overrides `Auto` + CSV when the file turns out to be a vCard).
    pub fn effective_format(&self) -> FileFormat {
        match self.format {
            FileFormat::Auto => format_by_extension(&self.path),
            other => other,
        }
    }
}

fn format_by_extension(path: &Path) -> FileFormat {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if ext == "vcf" || ext == "vcard" {
        FileFormat::VCard
    } else {
        FileFormat::Csv
    }
}

/// A CardDAV address book (Nextcloud, Radicale, Baïkal, SOGo, iCloud, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CardDavSettings {
    pub enabled: bool,
    /// The address book collection, e.g. `https://cloud.example.com/remote.php/dav/addressbooks/users/anna/contacts/`.
    /// [`crate::carddav::discover_address_books`] finds it from the server's address.
    pub url: String,
    /// User name for HTTP Basic authentication; empty for none.
    pub username: String,
    /// Shown as `carddav:<name>`; empty uses the last part of the URL.
    pub name: String,
    /// Limit for each request of a sync (seconds).
    pub timeout_secs: u64,
}

impl Default for CardDavSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            url: String::new(),
            username: String::new(),
            name: String::new(),
            timeout_secs: 30,
        }
    }
}

impl CardDavSettings {
    pub fn book_name(&self) -> String {
        if !self.name.trim().is_empty() {
            return self.name.trim().to_owned();
        }
        self.url
            .trim()
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .map(|s| {
                percent_encoding::percent_decode_str(s)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .unwrap_or_else(|| "addressbook".to_owned())
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs.clamp(1, 600))
    }
}

/// An LDAP directory or Active Directory, searched while the phone rings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LdapSettings {
    pub enabled: bool,
    /// `ldap://dc1.example.com` (port 389) or `ldaps://dc1.example.com` (port 636).
    pub url: String,
    /// Upgrade an `ldap://` connection with StartTLS before binding.
    pub starttls: bool,
    /// Where to search, e.g. `ou=people,dc=example,dc=com` or `DC=corp,DC=example,DC=com`.
    pub base_dn: String,
    /// Who to bind as (`cn=reader,dc=example,dc=com`, or `reader@corp.example.com` for AD);
    /// empty binds anonymously.
    pub bind_dn: String,
    /// Attributes holding phone numbers.
    pub phone_attributes: Vec<String>,
    /// Attributes tried in order for the name.
    pub name_attributes: Vec<String>,
    /// Attributes tried in order for the company.
    pub organization_attributes: Vec<String>,
    /// An extra filter ANDed with the number search, e.g. `(objectClass=person)`. Written by
    /// an administrator, used as it is.
    pub extra_filter: String,
    /// Limit for connecting, binding and searching together (milliseconds).
    pub timeout_ms: u64,
    /// At most this many entries are fetched per search.
    pub size_limit: i32,
}

impl Default for LdapSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            url: String::new(),
            starttls: false,
            base_dn: String::new(),
            bind_dn: String::new(),
            phone_attributes: [
                "telephoneNumber",
                "mobile",
                "homePhone",
                "ipPhone",
                "otherTelephone",
            ]
            .map(String::from)
            .to_vec(),
            name_attributes: ["displayName", "cn"].map(String::from).to_vec(),
            organization_attributes: ["company", "o"].map(String::from).to_vec(),
            extra_filter: String::new(),
            timeout_ms: 3000,
            size_limit: 25,
        }
    }
}

impl LdapSettings {
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms.clamp(50, 60_000))
    }
}

/// How the CRM lookup authenticates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrmAuth {
    #[default]
    None,
    /// `Authorization: Bearer <token>`, the token from the keyring.
    Bearer,
    /// HTTP Basic with [`CrmSettings::username`] and the password from the keyring.
    Basic,
}

/// A CRM lookup URL that answers JSON for a phone number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CrmSettings {
    pub enabled: bool,
    /// The URL with placeholders, each URL-encoded when filled in: `{e164}` (`+4930123456`),
    /// `{e164_digits}` (`4930123456`), `{national}` (`030123456`), `{number}` (as the phone
    /// showed it). Example: `https://crm.example.com/api/lookup?phone={e164}`. A number
    /// without an international form (an extension) is not looked up when the template
    /// needs `{e164}`, `{e164_digits}` or `{national}`.
    pub url_template: String,
    pub auth: CrmAuth,
    /// User name for [`CrmAuth::Basic`].
    pub username: String,
    /// JSON pointer (RFC 6901) to the caller's name in the answer, e.g. `/name` or
    /// `/results/0/displayName`.
    pub name_pointer: String,
    /// JSON pointer to the company; empty for none.
    pub organization_pointer: String,
    /// JSON pointer to a link to open the record in the CRM; empty for none.
    pub link_pointer: String,
    /// JSON pointer to the record's id, kept in the call history; empty for none.
    pub id_pointer: String,
    /// Limit for the whole request (milliseconds).
    pub timeout_ms: u64,
    /// Answers larger than this are not read.
    pub max_body_bytes: u64,
}

impl Default for CrmSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            url_template: String::new(),
            auth: CrmAuth::None,
            username: String::new(),
            name_pointer: "/name".to_owned(),
            organization_pointer: String::new(),
            link_pointer: String::new(),
            id_pointer: "/id".to_owned(),
            timeout_ms: 3000,
            max_body_bytes: 256 * 1024,
        }
    }
}

impl CrmSettings {
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms.clamp(50, 60_000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_old_files_load_with_defaults() {
        let json = r#"{"sources":[
            {"kind":"file","path":"/home/anna/office.vcf"},
            {"kind":"carddav","url":"https://dav.example/anna/work/","username":"anna"},
            {"kind":"ldap","url":"ldap://dc1","base_dn":"dc=example,dc=com"},
            {"kind":"crm","url_template":"https://crm/lookup?n={e164}","auth":"bearer"}]}"#;
        let settings: ContactsSettings = serde_json::from_str(json).expect("parses");
        assert_eq!(settings.lookup_deadline_ms, 500);
        let labels: Vec<String> = settings.sources.iter().map(SourceSettings::label).collect();
        assert_eq!(labels, ["vcard:office.vcf", "carddav:work", "ldap", "crm"]);
        assert!(settings.sources.iter().all(SourceSettings::enabled));
        let SourceSettings::Ldap(ldap) = &settings.sources[2] else {
            panic!("third source is LDAP")
        };
        assert!(ldap.phone_attributes.iter().any(|a| a == "ipPhone"));
        let again: ContactsSettings =
            serde_json::from_str(&serde_json::to_string(&settings).expect("serializes"))
                .expect("parses again");
        assert_eq!(again, settings);
    }

    #[test]
    fn only_sources_with_credentials_ask_for_a_secret() {
        let file = SourceSettings::File(FileSourceSettings::default());
        assert_eq!(file.secret_account(), None);
        let anonymous = SourceSettings::Ldap(LdapSettings::default());
        assert_eq!(anonymous.secret_account(), None);
        let dav = SourceSettings::CardDav(CardDavSettings {
            url: "https://dav.example/a/b/".into(),
            username: "anna".into(),
            ..Default::default()
        });
        assert_eq!(
            dav.secret_account().as_deref(),
            Some("callpop-contacts:carddav:anna@https://dav.example/a/b/")
        );
        let crm = SourceSettings::Crm(CrmSettings {
            auth: CrmAuth::Bearer,
            url_template: "https://crm/x?{e164}".into(),
            ..Default::default()
        });
        assert!(crm.secret_account().is_some());
    }

    #[test]
    fn file_labels_follow_the_format() {
        let csv = SourceSettings::File(FileSourceSettings {
            path: "/tmp/Export.CSV".into(),
            ..Default::default()
        });
        assert_eq!(csv.label(), "csv:Export.CSV");
        let forced = SourceSettings::File(FileSourceSettings {
            path: "/tmp/contacts.txt".into(),
            format: FileFormat::VCard,
            ..Default::default()
        });
        assert_eq!(forced.label(), "vcard:contacts.txt");
    }
}
