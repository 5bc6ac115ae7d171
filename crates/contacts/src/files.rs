//! Contact files (vCard, CSV): read into the cache when they change.
//!
//! A file is re-read when its modification time or size differs from what the cache saw
//! last; checking is one `stat`, so it can run every few seconds. Reading and storing happen
//! off the async runtime.

use std::path::Path;
use std::time::UNIX_EPOCH;

use callpop_phone::number::DialingRules;

use crate::csv_import::parse_csv;
use crate::error::ContactsError;
use crate::model::ParsedContact;
use crate::settings::{FileFormat, FileSourceSettings};
use crate::store::Store;
use crate::vcard::parse_vcards;

/// Contact files larger than this are refused: 50,000 contacts fit in 20 MB as vCard.
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// What identifies a version of a file without reading it.
pub(crate) fn file_stamp(path: &Path) -> Result<String, ContactsError> {
    let meta = std::fs::metadata(path).map_err(|e| unreadable(path, e))?;
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    Ok(format!("{modified}:{}", meta.len()))
}

/// Reads the file into the cache when it changed since the last import. Returns
/// `Some(contacts stored)` after an import, `None` when the file was unchanged.
pub(crate) fn refresh_file(
    store: &Store,
    source_key: &str,
    settings: &FileSourceSettings,
    rules: &DialingRules,
) -> Result<Option<usize>, ContactsError> {
    let path = settings.path.as_path();
    let stamp = file_stamp(path)?;
    if store.state(source_key)?.file_stamp.as_deref() == Some(stamp.as_str()) {
        return Ok(None);
    }
    let contacts = read_contacts_file(path, settings.format)?;
    let stored = store.replace_source(source_key, &contacts, rules, Some(&stamp))?;
    Ok(Some(stored))
}

/// Parses a contacts file in the given (or detected) format.
pub fn read_contacts_file(
    path: &Path,
    format: FileFormat,
) -> Result<Vec<ParsedContact>, ContactsError> {
    let len = std::fs::metadata(path)
        .map_err(|e| unreadable(path, e))?
        .len();
    if len > MAX_FILE_BYTES {
        return Err(ContactsError::FileFormat {
            path: path.to_path_buf(),
            reason: format!(
                "it is {} MB, more than the {} MB callpop reads",
                len / 1_000_000,
                MAX_FILE_BYTES / 1_000_000
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(path, e))?;
    let format = match format {
        FileFormat::Auto if looks_like_vcard(&bytes) => FileFormat::VCard,
        FileFormat::Auto => FileSourceSettings {
            path: path.to_path_buf(),
            ..Default::default()
        }
        .effective_format(),
        other => other,
    };
    let contacts = match format {
        FileFormat::VCard => parse_vcards(&bytes),
        FileFormat::Csv | FileFormat::Auto => parse_csv(&bytes),
    };
    if contacts.is_empty() && bytes.iter().any(|b| !b.is_ascii_whitespace()) {
        return Err(ContactsError::FileFormat {
            path: path.to_path_buf(),
            reason: match format {
                FileFormat::VCard => "it holds no card with a name and a phone number".to_owned(),
                _ => "no row has both a name and a phone number (is there a Name and a Phone column?)"
                    .to_owned(),
            },
        });
    }
    Ok(contacts)
}

fn looks_like_vcard(bytes: &[u8]) -> bool {
    let text = crate::text_decode::decode_file(&bytes[..bytes.len().min(4096)]);
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .get(..11)
        .is_some_and(|start| start.eq_ignore_ascii_case("BEGIN:VCARD"))
}

fn unreadable(path: &Path, err: std::io::Error) -> ContactsError {
    ContactsError::FileUnreadable {
        path: path.to_path_buf(),
        reason: match err.kind() {
            std::io::ErrorKind::NotFound => "it does not exist (moved or renamed?)".to_owned(),
            std::io::ErrorKind::PermissionDenied => "callpop is not allowed to read it".to_owned(),
            _ => err.to_string(),
        },
    }
}
