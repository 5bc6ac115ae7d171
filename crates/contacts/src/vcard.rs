//! vCard 2.1, 3.0 and 4.0, read leniently: only names, companies and phone numbers.
//!
//! Real files are messy: phones and Outlook write 2.1 with `QUOTED-PRINTABLE` soft line
//! breaks and `CHARSET=ISO-8859-1`, bare type parameters (`TEL;WORK;VOICE:`) and Apple group
//! prefixes (`item1.TEL`); 3.0 folds lines and escapes commas and semicolons; 4.0 writes
//! numbers as `tel:` URIs (`TEL;VALUE=uri;TYPE="work,voice":tel:+1-555-0100`). Several cards
//! follow each other in one file. Nothing in a file can make this panic: a line that cannot
//! be understood is skipped, a card without a name is dropped.

use crate::model::{ParsedContact, ParsedPhone};
use crate::text_decode::{decode_file, decode_with_charset};

/// Reads every card in `bytes` that has a name (FN, else N, else ORG, NICKNAME or EMAIL).
pub fn parse_vcards(bytes: &[u8]) -> Vec<ParsedContact> {
    let owned;
    let bytes = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        owned = decode_file(bytes).into_bytes();
        &owned[..]
    } else {
        bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)
    };
    let lines = physical_lines(bytes);

    let mut cards = Vec::new();
    // Every card counts, named or not, so `card N` is the card's position in the file.
    let mut position = 0usize;
    let mut current: Option<CardBuilder> = None;
    // Cards nested inside a card (vCard 2.1 AGENT) are skipped whole.
    let mut nested_depth = 0usize;
    let mut index = 0;
    while index < lines.len() {
        let version_21 = current.as_ref().is_some_and(|c| c.version_21);
        let (logical, next) = logical_line(&lines, index, version_21);
        index = next;
        let Some(line) = ContentLine::parse(&logical) else {
            continue;
        };
        match line.name.as_str() {
            "BEGIN" if line.value_is("VCARD") => {
                if current.is_some() {
                    nested_depth += 1;
                } else {
                    current = Some(CardBuilder::default());
                }
            }
            "END" if line.value_is("VCARD") => {
                if nested_depth > 0 {
                    nested_depth -= 1;
                } else if let Some(card) = current.take() {
                    position += 1;
                    cards.extend(card.finish(position));
                }
            }
            _ if nested_depth > 0 => {}
            _ => {
                if let Some(card) = current.as_mut() {
                    card.add(&line);
                }
            }
        }
    }
    // A last card without END:VCARD still counts.
    if let Some(card) = current.take() {
        cards.extend(card.finish(position + 1));
    }
    cards
}

fn physical_lines(bytes: &[u8]) -> Vec<&[u8]> {
    let separator = if bytes.contains(&b'\n') { b'\n' } else { b'\r' };
    bytes
        .split(|&b| b == separator)
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .collect()
}

/// Joins folded lines (a line starting with a space or tab continues the previous one) and
/// quoted-printable soft line breaks (a QP value ending in `=` continues on the next line).
/// vCard 2.1 keeps the folding whitespace; 3.0 and 4.0 drop one character of it.
fn logical_line(lines: &[&[u8]], start: usize, version_21: bool) -> (Vec<u8>, usize) {
    let mut logical = lines[start].to_vec();
    let mut next = start + 1;
    let quoted_printable = is_quoted_printable(&logical);
    while next < lines.len() {
        let following = lines[next];
        if quoted_printable && logical.ends_with(b"=") && !is_end_line(following) {
            logical.pop();
            logical.extend_from_slice(following);
        } else if matches!(following.first(), Some(b' ' | b'\t')) {
            let continuation = if version_21 {
                following
            } else {
                &following[1..]
            };
            logical.extend_from_slice(continuation);
        } else {
            break;
        }
        next += 1;
    }
    (logical, next)
}

fn is_end_line(line: &[u8]) -> bool {
    line.len() >= 9 && line[..9].eq_ignore_ascii_case(b"END:VCARD")
}

fn is_quoted_printable(line: &[u8]) -> bool {
    let head = &line[..head_end(line).unwrap_or(line.len())];
    head.windows(16)
        .any(|w| w.eq_ignore_ascii_case(b"QUOTED-PRINTABLE"))
}

/// Where the property name and parameters end: the first `:` outside double quotes.
fn head_end(line: &[u8]) -> Option<usize> {
    let mut quoted = false;
    for (i, &b) in line.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b':' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

/// `[group.]NAME;PARAM=VALUE;...:value`, with the value still encoded.
struct ContentLine {
    name: String,
    params: Vec<(String, Vec<String>)>,
    raw_value: Vec<u8>,
}

impl ContentLine {
    fn parse(line: &[u8]) -> Option<Self> {
        let colon = head_end(line)?;
        let head = String::from_utf8_lossy(&line[..colon]);
        let raw_value = line[colon + 1..].to_vec();
        let mut parts = split_params(&head).into_iter();
        let full_name = parts.next()?;
        let name = full_name
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_uppercase();
        if name.is_empty() {
            return None;
        }
        let params = parts
            .map(|param| match param.split_once('=') {
                Some((key, values)) => {
                    (key.trim().to_ascii_uppercase(), split_param_values(values))
                }
                // vCard 2.1 writes bare parameters: TEL;WORK;VOICE, ;QUOTED-PRINTABLE, ;BASE64.
                None => {
                    let bare = param.trim().to_ascii_uppercase();
                    let key = match bare.as_str() {
                        "QUOTED-PRINTABLE" | "BASE64" | "B" | "8BIT" | "7BIT" => "ENCODING",
                        _ => "TYPE",
                    };
                    (key.to_owned(), vec![bare])
                }
            })
            .collect();
        Some(Self {
            name,
            params,
            raw_value,
        })
    }

    fn param_values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.params
            .iter()
            .filter(move |(k, _)| k == key)
            .flat_map(|(_, values)| values.iter().map(String::as_str))
    }

    fn value_is(&self, expected: &str) -> bool {
        String::from_utf8_lossy(&self.raw_value)
            .trim()
            .eq_ignore_ascii_case(expected)
    }

    /// The value as text after transfer decoding and charset; `None` for binary values
    /// (photos, sounds), which are never needed here.
    fn text_value(&self) -> Option<String> {
        let mut bytes = self.raw_value.clone();
        for encoding in self.param_values("ENCODING") {
            match encoding.to_ascii_uppercase().as_str() {
                "QUOTED-PRINTABLE" => bytes = decode_quoted_printable(&bytes),
                "B" | "BASE64" => return None,
                _ => {}
            }
        }
        let charset = self.param_values("CHARSET").next();
        Some(decode_with_charset(&bytes, charset))
    }
}

/// Splits `NAME;A=1;B="x;y"` on semicolons outside quotes.
fn split_params(head: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in head.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => {
                parts.push(&head[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&head[start..]);
    parts
}

/// `work,voice` or `"work,voice"` into `["WORK", "VOICE"]`-style values (case kept).
fn split_param_values(values: &str) -> Vec<String> {
    values
        .split(',')
        .map(|v| v.trim().trim_matches('"').trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

fn decode_quoted_printable(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Undoes vCard text escaping: `\,` `\;` `\:` `\\`, and `\n` as a space (names are shown on
/// one line).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push(' '),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Splits a structured value (N, ORG) on unescaped semicolons, unescaping each component.
fn split_structured(text: &str) -> Vec<String> {
    let mut components = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => current.push(' '),
                Some(other) => current.push(other),
                None => {}
            },
            ';' => components.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    components.push(current);
    components
}

fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn non_empty(text: String) -> Option<String> {
    let text = tidy(&text);
    (!text.is_empty()).then_some(text)
}

#[derive(Default)]
struct CardBuilder {
    version_21: bool,
    formatted_name: Option<String>,
    structured_name: Option<String>,
    organization: Option<String>,
    nickname: Option<String>,
    email: Option<String>,
    uid: Option<String>,
    phones: Vec<ParsedPhone>,
}

impl CardBuilder {
    fn add(&mut self, line: &ContentLine) {
        if line.name == "VERSION" {
            self.version_21 = line.value_is("2.1");
            return;
        }
        let wanted = matches!(
            line.name.as_str(),
            "FN" | "N" | "ORG" | "TEL" | "UID" | "NICKNAME" | "EMAIL"
        );
        if !wanted {
            return;
        }
        let Some(value) = line.text_value() else {
            return;
        };
        match line.name.as_str() {
            "FN" => set_once(&mut self.formatted_name, non_empty(unescape(&value))),
            "N" => set_once(&mut self.structured_name, name_from_n(&value)),
            "ORG" => set_once(
                &mut self.organization,
                non_empty(
                    split_structured(&value)
                        .iter()
                        .map(|c| tidy(c))
                        .filter(|c| !c.is_empty())
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ),
            "NICKNAME" => set_once(&mut self.nickname, non_empty(unescape(&value))),
            "EMAIL" => set_once(&mut self.email, non_empty(unescape(&value))),
            "UID" => set_once(&mut self.uid, non_empty(unescape(&value))),
            "TEL" => {
                if let Some(raw) = tel_number(&value) {
                    let kind = phone_kind(line.param_values("TYPE"));
                    self.phones.push(ParsedPhone { raw, kind });
                }
            }
            _ => {}
        }
    }

    fn finish(self, position: usize) -> Option<ParsedContact> {
        let name = self
            .formatted_name
            .or(self.structured_name)
            .or_else(|| self.organization.clone())
            .or(self.nickname)
            .or(self.email)?;
        Some(ParsedContact {
            reference: self.uid.unwrap_or_else(|| format!("card {position}")),
            name,
            organization: self.organization,
            phones: self.phones,
        })
    }
}

fn set_once(slot: &mut Option<String>, value: Option<String>) {
    if slot.is_none() {
        *slot = value;
    }
}

/// `Family;Given;Additional;Prefix;Suffix` shown as `Prefix Given Additional Family Suffix`.
fn name_from_n(value: &str) -> Option<String> {
    let parts: Vec<String> = split_structured(value)
        .into_iter()
        // Unescaped commas separate several values of one component (3.0/4.0).
        .map(|p| tidy(&p.replace(',', " ")))
        .collect();
    let get = |i: usize| parts.get(i).map(String::as_str).unwrap_or("");
    let ordered = [get(3), get(1), get(2), get(0), get(4)];
    non_empty(
        ordered
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// The number from a TEL value: plain text, or a `tel:` URI (vCard 4.0) with its
/// percent-escapes undone. The `;ext=` part stays: the number rules understand it.
fn tel_number(value: &str) -> Option<String> {
    let value = unescape(value.trim());
    let number = match value.get(..4) {
        Some(scheme) if scheme.eq_ignore_ascii_case("tel:") => {
            percent_encoding::percent_decode_str(&value[4..])
                .decode_utf8_lossy()
                .into_owned()
        }
        _ => value,
    };
    non_empty(number)
}

/// The kind that tells most about a number: a work fax is a fax, a work mobile a mobile.
fn phone_kind<'a>(types: impl Iterator<Item = &'a str>) -> Option<String> {
    let types: Vec<String> = types.map(str::to_ascii_lowercase).collect();
    let has = |t: &str| types.iter().any(|x| x == t);
    let kind = if has("fax") {
        "fax"
    } else if has("pager") {
        "pager"
    } else if has("cell") || has("mobile") || has("iphone") {
        "cell"
    } else if has("work") {
        "work"
    } else if has("home") {
        "home"
    } else if has("main") {
        "main"
    } else if has("other") {
        "other"
    } else {
        return None;
    };
    Some(kind.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> ParsedContact {
        let cards = parse_vcards(text.as_bytes());
        assert_eq!(cards.len(), 1, "{cards:?}");
        cards.into_iter().next().expect("one card")
    }

    fn numbers(card: &ParsedContact) -> Vec<(&str, Option<&str>)> {
        card.phones
            .iter()
            .map(|p| (p.raw.as_str(), p.kind.as_deref()))
            .collect()
    }

    #[test]
    fn vcard_21_with_quoted_printable_latin1_and_bare_types() {
        let bytes: Vec<u8> = [
            &b"BEGIN:VCARD\r\nVERSION:2.1\r\n"[..],
            b"N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FC=\r\nrgen\r\n",
            b"FN;CHARSET=ISO-8859-1:J\xfcrgen M\xfcller\r\n",
            b"ORG;QUOTED-PRINTABLE;CHARSET=UTF-8:B=C3=A4ckerei Schmidt;Verkauf\r\n",
            b"TEL;WORK;VOICE:+49 30 123456\r\n",
            b"TEL;CELL:0171 9876543\r\n",
            b"TEL;WORK;FAX:+49 30 123457\r\n",
            b"END:VCARD\r\n",
        ]
        .concat();
        let cards = parse_vcards(&bytes);
        assert_eq!(cards.len(), 1);
        let card = &cards[0];
        assert_eq!(card.name, "Jürgen Müller");
        assert_eq!(
            card.organization.as_deref(),
            Some("Bäckerei Schmidt, Verkauf")
        );
        assert_eq!(
            numbers(card),
            [
                ("+49 30 123456", Some("work")),
                ("0171 9876543", Some("cell")),
                ("+49 30 123457", Some("fax"))
            ]
        );
        assert_eq!(card.reference, "card 1");
    }

    #[test]
    fn quoted_printable_name_only_in_n_spanning_soft_breaks() {
        let card = one(concat!(
            "BEGIN:VCARD\nVERSION:2.1\n",
            "N;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=C3=96zt=C3=BCrk;Ay=\n=C5=9Fe;;;\n",
            "TEL;HOME:030 5550100\n",
            "END:VCARD\n"
        ));
        assert_eq!(card.name, "Ayşe Öztürk");
        assert_eq!(numbers(&card), [("030 5550100", Some("home"))]);
    }

    #[test]
    fn vcard_30_folding_escapes_groups_and_types() {
        let card = one(concat!(
            "BEGIN:VCARD\r\n",
            "VERSION:3.0\r\n",
            "UID:1234-abcd\r\n",
            "FN:Doe\\, Jane \\; Partner\r\n",
            "N:Doe;Jane;;Dr.;\r\n",
            "ORG:ACME\\, Inc.\r\n",
            "item1.TEL;type=WORK;type=pref:+1 (416) 555-\r\n",
            " 0123\r\n",
            "TEL;TYPE=CELL,VOICE:+1 416 555 0199\r\n",
            "PHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\n",
            " BBBB\r\n",
            "END:VCARD\r\n"
        ));
        assert_eq!(card.name, "Doe, Jane ; Partner");
        assert_eq!(card.organization.as_deref(), Some("ACME, Inc."));
        assert_eq!(card.reference, "1234-abcd");
        assert_eq!(
            numbers(&card),
            [
                ("+1 (416) 555-0123", Some("work")),
                ("+1 416 555 0199", Some("cell"))
            ]
        );
    }

    #[test]
    fn vcard_40_tel_uris_and_quoted_type_lists() {
        let card = one(concat!(
            "BEGIN:VCARD\nVERSION:4.0\n",
            "FN:Simon Perreault\n",
            "TEL;VALUE=uri;PREF=1;TYPE=\"voice,home\":tel:+1-555-555-5555;ext=5555\n",
            "TEL;VALUE=uri;TYPE=\"work,cell\":tel:%2B33%201%2023%2045%2067%2089\n",
            "END:VCARD\n"
        ));
        assert_eq!(
            numbers(&card),
            [
                ("+1-555-555-5555;ext=5555", Some("home")),
                ("+33 1 23 45 67 89", Some("cell"))
            ]
        );
    }

    #[test]
    fn names_fall_back_from_fn_to_n_to_org() {
        let cards = parse_vcards(
            concat!(
                "BEGIN:VCARD\nVERSION:3.0\nN:Mustermann;Erika;;;\nTEL:1\nEND:VCARD\n",
                "BEGIN:VCARD\nVERSION:3.0\nFN:\nORG:Stadtwerke;Störungsdienst\nTEL:2\nEND:VCARD\n",
                "BEGIN:VCARD\nVERSION:3.0\nTEL:3\nEND:VCARD\n",
                "BEGIN:VCARD\nVERSION:3.0\nEMAIL:info@example.com\nTEL:4\nEND:VCARD\n",
            )
            .as_bytes(),
        );
        let names: Vec<&str> = cards.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Erika Mustermann",
                "Stadtwerke, Störungsdienst",
                "info@example.com"
            ]
        );
        // The nameless third card is dropped but still counted in the positions.
        assert_eq!(cards[2].reference, "card 4");
    }

    #[test]
    fn nested_agent_cards_and_missing_end_do_not_confuse_the_outer_card() {
        let cards = parse_vcards(
            concat!(
                "BEGIN:VCARD\nVERSION:2.1\nFN:Boss\nAGENT:\nBEGIN:VCARD\nFN:Assistant\n",
                "TEL:999\nEND:VCARD\nTEL:100\nEND:VCARD\n",
                "BEGIN:VCARD\nVERSION:3.0\nFN:Unterminated\nTEL:200\n"
            )
            .as_bytes(),
        );
        let summary: Vec<(&str, Vec<&str>)> = cards
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.phones.iter().map(|p| p.raw.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [("Boss", vec!["100"]), ("Unterminated", vec!["200"])]
        );
    }

    #[test]
    fn utf16_files_with_bom_are_read() {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë\r\nTEL:+44 20 7946 0000\r\nEND:VCARD\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(parse_vcards(&bytes)[0].name, "Zoë");
    }
}
