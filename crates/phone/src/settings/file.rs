//! The file machinery behind every callpop settings file: read leniently, never lose what the
//! user wrote (an unusable file is renamed aside, not overwritten), write atomically with
//! owner-only permissions, and never echo a line that might hold a secret.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::FILE_NAME;
use crate::private_files::{create_private_dir, owner_only};

/// "line 4: expected a whole number, found a string": the parser's message with the line
/// number, without the parser's echo of the line itself (which could show a secret someone
/// typed into the file).
pub fn describe_toml_error(text: &str, err: &toml::de::Error) -> String {
    let message = err
        .message()
        .trim()
        .replace("u64", "a whole number")
        .replace("invalid type: ", "")
        .replace('\n', "; ");
    match err.span() {
        Some(span) => {
            let start = span.start.min(text.len());
            let line = text.as_bytes()[..start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            format!("line {line}: {message}")
        }
        None => message,
    }
}

/// Logs (without the value) when someone put a secret into the file by hand. It is not
/// loaded — no field can hold it — and the next save drops it.
pub fn warn_about_secrets(text: &str) {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return;
    };
    const SECRET_KEYS: [&str; 3] = ["passcode", "password", "secret"];
    let mut found = Vec::new();
    let mut stack: Vec<(String, &toml::Table)> = vec![(String::new(), &table)];
    while let Some((prefix, table)) = stack.pop() {
        for (key, value) in table {
            let name = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            if SECRET_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
                found.push(name.clone());
            }
            if let toml::Value::Table(inner) = value {
                stack.push((name, inner));
            }
        }
    }
    if !found.is_empty() {
        tracing::warn!(
            keys = ?found,
            "the settings file holds a secret; it is ignored (secrets belong in the system keyring) and will be removed on the next save"
        );
    }
}

/// Renames an unusable file to `<name>.broken-YYYYMMDD-HHMMSS` (UTC), adding `-2`, `-3`, …
/// if that exists. Returns where the file is now.
pub fn keep_aside(path: &Path) -> PathBuf {
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| FILE_NAME.to_owned());
    let base = format!("{file_name}.broken-{}", utc_stamp(SystemTime::now()));
    let target = (1..1000)
        .map(|n| {
            let name = if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            path.with_file_name(name)
        })
        .find(|candidate| !candidate.exists());
    match target {
        Some(target) => match fs::rename(path, &target) {
            Ok(()) => target,
            Err(err) => {
                tracing::warn!(path = %path.display(), error = %err, "could not rename the unusable settings file");
                path.to_owned()
            }
        },
        None => path.to_owned(),
    }
}

/// `YYYYMMDD-HHMMSS` in UTC, without a date library (days-to-civil by Howard Hinnant).
pub fn utc_stamp(time: SystemTime) -> String {
    let secs = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rest = secs % 86_400;
    let (hour, minute, second) = (rest / 3600, rest % 3600 / 60, rest % 60);

    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}-{hour:02}{minute:02}{second:02}")
}

/// Write to a temporary file beside `path`, flush it to disk, rename it over `path`, then
/// flush the folder so the rename itself survives a power cut.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    create_private_dir(&dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| FILE_NAME.to_owned());
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temp = dir.join(format!(".{file_name}.{}-{nanos}.tmp", std::process::id()));

    let result = (|| {
        let mut file = open_private(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        // Best effort: the write already failed, and that error is the one to report.
        let _ = fs::remove_file(&temp);
    }
    result?;
    sync_dir(&dir);
    Ok(())
}

fn open_private(path: &Path) -> io::Result<File> {
    owner_only(OpenOptions::new().write(true).create_new(true)).open(path)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    if let Err(err) = File::open(dir).and_then(|d| d.sync_all()) {
        tracing::debug!(dir = %dir.display(), error = %err, "could not flush the settings folder");
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn utc_stamps() {
        assert_eq!(utc_stamp(UNIX_EPOCH), "19700101-000000");
        let t = UNIX_EPOCH + Duration::from_secs(1_740_839_101); // 2025-03-01 14:25:01 UTC
        assert_eq!(utc_stamp(t), "20250301-142501");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29 00:00:00 UTC
        assert_eq!(utc_stamp(leap), "20000229-000000");
    }
}
