//! Bytes from contact exports into text.
//!
//! Exports come in UTF-8 with or without a byte-order mark, UTF-16 (some Outlook versions),
//! or the Windows code page (older Outlook, phones writing vCard 2.1 with
//! `CHARSET=ISO-8859-1`). A name must never be lost over its encoding, so anything that is
//! not valid UTF-8 is read as Windows-1252, which covers ISO-8859-1 for every printable
//! character.

/// Decodes a whole file: BOM first, then UTF-8, then Windows-1252.
pub(crate) fn decode_file(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => decode_windows_1252(bytes),
    }
}

/// Decodes one vCard value in the charset its `CHARSET` parameter names; without one (or an
/// unknown one) UTF-8 when valid, else Windows-1252.
pub(crate) fn decode_with_charset(bytes: &[u8], charset: Option<&str>) -> String {
    let charset = charset.map(|c| c.trim().to_ascii_lowercase());
    match charset.as_deref() {
        Some("iso-8859-1" | "latin1" | "latin-1" | "iso8859-1" | "windows-1252" | "cp1252") => {
            decode_windows_1252(bytes)
        }
        _ => match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => decode_windows_1252(bytes),
        },
    }
}

fn decode_utf16(bytes: &[u8], to_unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes
        .chunks_exact(2)
        .map(|pair| to_unit([pair[0], pair[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Windows-1252: ISO-8859-1 plus printable characters in 0x80–0x9F.
fn decode_windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_common_export_encoding_reads_the_same_name() {
        let name = "Jürgen Müller";
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice(name.as_bytes());
        let latin1: Vec<u8> = name.chars().map(|c| c as u8).collect();
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in name.encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        for bytes in [name.as_bytes().to_vec(), with_bom, latin1, utf16] {
            assert_eq!(decode_file(&bytes), name);
        }
    }

    #[test]
    fn charset_parameters_are_honoured() {
        assert_eq!(decode_with_charset(&[0x4D, 0xFC], Some("ISO-8859-1")), "Mü");
        assert_eq!(decode_with_charset("Mü".as_bytes(), Some("UTF-8")), "Mü");
        assert_eq!(decode_with_charset(&[0x80], Some("x-unknown")), "€");
    }
}
