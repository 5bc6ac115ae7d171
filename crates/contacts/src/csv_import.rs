//! Contacts from CSV exports: Outlook, Google Contacts, spreadsheets and plain
//! `name,number` lists.
//!
//! The delimiter (`,` `;` or tab) is taken from the first line, the encoding from the BOM or
//! the bytes (see [`crate::text_decode`]). Columns are recognised by their headers in
//! English, German, French and Spanish exports (`Business Phone`, `Mobiltelefon`,
//! `Phone 1 - Value` with its `Phone 1 - Type`, …). A file without a header row is read row
//! by row: cells that look like phone numbers are numbers, the first other cell is the name.
//! Nothing in a file can make this panic.

use crate::model::{ParsedContact, ParsedPhone};
use crate::text_decode::decode_file;

/// Reads every row that has a name and at least one number.
pub fn parse_csv(bytes: &[u8]) -> Vec<ParsedContact> {
    let text = decode_file(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let delimiter = detect_delimiter(text.lines().next().unwrap_or(""));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());

    let mut rows = reader
        .records()
        .filter_map(Result::ok)
        .enumerate()
        .map(|(i, record)| (i + 1, record));
    let Some((first_row, first)) = rows
        .by_ref()
        .find(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
    else {
        return Vec::new();
    };
    let header: Vec<String> = first.iter().map(normalize_header).collect();
    let columns = Columns::classify(&header);

    let mut contacts = Vec::new();
    match columns {
        Some(columns) => {
            for (row, record) in rows {
                let cells: Vec<&str> = record.iter().collect();
                if let Some(contact) = columns.contact(&cells, row) {
                    contacts.push(contact);
                }
            }
        }
        None => {
            let first_cells: Vec<&str> = first.iter().collect();
            contacts.extend(headerless_contact(&first_cells, first_row));
            for (row, record) in rows {
                let cells: Vec<&str> = record.iter().collect();
                contacts.extend(headerless_contact(&cells, row));
            }
        }
    }
    contacts
}

/// The delimiter occurring most often outside quotes in the first line; `,` when none does.
fn detect_delimiter(first_line: &str) -> u8 {
    let mut counts = [(b'\t', 0usize), (b';', 0), (b',', 0)];
    let mut quoted = false;
    for b in first_line.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (delimiter, count) in counts.iter_mut() {
                if *delimiter == b {
                    *count += 1;
                }
            }
        }
    }
    counts
        .iter()
        .filter(|(_, count)| *count > 0)
        .max_by_key(|(_, count)| *count)
        .map(|(delimiter, _)| *delimiter)
        .unwrap_or(b',')
}

fn normalize_header(cell: &str) -> String {
    cell.trim()
        .trim_matches(|c: char| c == '"' || c == '\u{feff}')
        .trim()
        .to_lowercase()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NamePart {
    Full,
    Given,
    Middle,
    Family,
    Organization,
}

fn name_part(header: &str) -> Option<NamePart> {
    const FULL: &[&str] = &[
        "name",
        "full name",
        "fullname",
        "display name",
        "displayname",
        "contact",
        "contact name",
        "anzeigename",
        "vollständiger name",
        "kontakt",
        "nom",
        "nom complet",
        "nombre",
        "nombre completo",
    ];
    const GIVEN: &[&str] = &[
        "first name",
        "firstname",
        "given name",
        "givenname",
        "vorname",
        "prénom",
        "prenom",
        "nombre de pila",
    ];
    const MIDDLE: &[&str] = &[
        "middle name",
        "additional name",
        "weitere vornamen",
        "zweiter vorname",
        "deuxième prénom",
        "segundo nombre",
    ];
    const FAMILY: &[&str] = &[
        "last name",
        "lastname",
        "family name",
        "familyname",
        "surname",
        "nachname",
        "nom de famille",
        "apellidos",
        "apellido",
    ];
    const ORGANIZATION: &[&str] = &[
        "company",
        "company name",
        "organization",
        "organisation",
        "organization name",
        "organization 1 - name",
        "firma",
        "unternehmen",
        "société",
        "empresa",
    ];
    let table = [
        (FULL, NamePart::Full),
        (GIVEN, NamePart::Given),
        (MIDDLE, NamePart::Middle),
        (FAMILY, NamePart::Family),
        (ORGANIZATION, NamePart::Organization),
    ];
    table
        .iter()
        .find(|(names, _)| names.contains(&header))
        .map(|(_, part)| *part)
}

/// Whether a header names a phone number column, and which kind of number.
fn phone_header(header: &str) -> Option<Option<&'static str>> {
    const NOT_A_NUMBER: &[&str] = &[
        "type", "label", "mail", "account", "customer", "kunden", "order", "street", "postal",
        "zip", "house", "tax", "vat", "ust", "typ", "art",
    ];
    const PHONE: &[&str] = &[
        "phone",
        "tel",
        "mobile",
        "cell",
        "fax",
        "pager",
        "handy",
        "mobil",
        "rufnummer",
        "portable",
        "móvil",
        "number",
        "nummer",
        "numéro",
        "teléfono",
    ];
    let words: Vec<&str> = header
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.iter().any(|w| NOT_A_NUMBER.contains(w)) {
        return None;
    }
    if !PHONE.iter().any(|p| header.contains(p)) {
        return None;
    }
    Some(kind_from_words(header))
}

/// Maps words from a header or a type cell (`Mobile`, `Geschäftlich`, `Work Fax`) to a kind.
fn kind_from_words(text: &str) -> Option<&'static str> {
    let text = text.to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
    if has(&["fax"]) {
        Some("fax")
    } else if has(&["pager"]) {
        Some("pager")
    } else if has(&["mobile", "mobil", "cell", "handy", "portable", "móvil"]) {
        Some("cell")
    } else if has(&[
        "business",
        "work",
        "geschäft",
        "office",
        "büro",
        "company",
        "firma",
        "travail",
    ]) {
        Some("work")
    } else if has(&["home", "privat", "private", "domicile"]) {
        Some("home")
    } else if has(&["main", "haupt"]) {
        Some("main")
    } else if has(&["other", "weitere", "autre"]) {
        Some("other")
    } else {
        None
    }
}

struct PhoneColumn {
    index: usize,
    kind: Option<&'static str>,
    /// Google's `Phone 1 - Type` next to `Phone 1 - Value`.
    type_column: Option<usize>,
}

struct Columns {
    names: Vec<(usize, NamePart)>,
    phones: Vec<PhoneColumn>,
}

impl Columns {
    /// The header's meaning, or `None` when the first row is not a header (no column is
    /// recognised both as a name and as a number).
    fn classify(header: &[String]) -> Option<Self> {
        let mut names = Vec::new();
        let mut phones = Vec::new();
        for (index, cell) in header.iter().enumerate() {
            if let Some(part) = name_part(cell) {
                names.push((index, part));
            } else if let Some(kind) = phone_header(cell) {
                let type_column = cell.strip_suffix("value").and_then(|stem| {
                    header.iter().position(|h| {
                        h.strip_prefix(stem)
                            .is_some_and(|rest| rest == "type" || rest == "label")
                    })
                });
                phones.push(PhoneColumn {
                    index,
                    kind,
                    type_column,
                });
            }
        }
        (!names.is_empty() && !phones.is_empty()).then_some(Self { names, phones })
    }

    fn contact(&self, cells: &[&str], row: usize) -> Option<ParsedContact> {
        let cell = |i: usize| cells.get(i).map(|c| c.trim()).unwrap_or("");
        let part = |wanted: NamePart| {
            self.names
                .iter()
                .filter(|(_, p)| *p == wanted)
                .map(|(i, _)| cell(*i))
                .find(|v| !v.is_empty())
                .unwrap_or("")
        };
        let organization = part(NamePart::Organization);
        let composed = [NamePart::Given, NamePart::Middle, NamePart::Family]
            .map(part)
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let name = [part(NamePart::Full), composed.as_str(), organization]
            .into_iter()
            .find(|n| !n.is_empty())?;

        let mut phones = Vec::new();
        for column in &self.phones {
            let kind = column
                .type_column
                .and_then(|t| kind_from_words(cell(t)))
                .or(column.kind);
            // Google joins several numbers of one kind with " ::: ".
            for raw in cell(column.index).split(":::").flat_map(str::lines) {
                let raw = raw.trim();
                if raw.chars().any(|c| c.is_ascii_digit()) {
                    phones.push(ParsedPhone {
                        raw: raw.to_owned(),
                        kind: kind.map(str::to_owned),
                    });
                }
            }
        }
        if phones.is_empty() {
            return None;
        }
        Some(ParsedContact {
            reference: format!("row {row}"),
            name: tidy(name),
            organization: (!organization.is_empty()).then(|| tidy(organization)),
            phones,
        })
    }
}

/// A row of a file without a header: numbers are the cells that look like numbers, the name
/// is the first other cell.
fn headerless_contact(cells: &[&str], row: usize) -> Option<ParsedContact> {
    let mut name = None;
    let mut phones = Vec::new();
    for cell in cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        if looks_like_phone_number(cell) {
            phones.push(ParsedPhone {
                raw: cell.to_owned(),
                kind: None,
            });
        } else if name.is_none() {
            name = Some(tidy(cell));
        }
    }
    let name = name.filter(|n| !n.is_empty())?;
    (!phones.is_empty()).then(|| ParsedContact {
        reference: format!("row {row}"),
        name,
        organization: None,
        phones,
    })
}

fn looks_like_phone_number(cell: &str) -> bool {
    let cell = cell
        .strip_prefix("tel:")
        .or_else(|| cell.strip_prefix("TEL:"))
        .unwrap_or(cell);
    let digits = cell.chars().filter(char::is_ascii_digit).count();
    digits >= 3
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-./\u{a0}".contains(c))
}

fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    type Numbers = Vec<(String, Option<String>)>;

    fn summary(contacts: &[ParsedContact]) -> Vec<(String, Numbers)> {
        contacts
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    c.phones
                        .iter()
                        .map(|p| (p.raw.clone(), p.kind.clone()))
                        .collect(),
                )
            })
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_owned()
    }

    #[test]
    fn outlook_export_with_bom_and_name_parts() {
        let text = "\u{feff}\"First Name\",\"Middle Name\",\"Last Name\",\"Company\",\"Business Phone\",\"Business Fax\",\"Mobile Phone\",\"E-mail Address\"\r\n\
                    \"Jane\",\"\",\"Customer\",\"ACME GmbH\",\"+49 30 123456\",\"+49 30 123457\",\"0171 9876543\",\"jane@acme.example\"\r\n\
                    \"\",\"\",\"\",\"Stadtwerke\",\"030 5550100\",\"\",\"\",\"\"\r\n";
        let contacts = parse_csv(text.as_bytes());
        assert_eq!(
            summary(&contacts),
            [
                (
                    s("Jane Customer"),
                    vec![
                        (s("+49 30 123456"), Some(s("work"))),
                        (s("+49 30 123457"), Some(s("fax"))),
                        (s("0171 9876543"), Some(s("cell")))
                    ]
                ),
                (s("Stadtwerke"), vec![(s("030 5550100"), Some(s("work")))])
            ]
        );
        assert_eq!(contacts[0].organization.as_deref(), Some("ACME GmbH"));
        assert_eq!(contacts[0].reference, "row 2");
    }

    #[test]
    fn google_contacts_export_with_type_columns_and_multi_values() {
        let text = "Name,Given Name,Family Name,Organization 1 - Name,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value\n\
                    Ayşe Öztürk,Ayşe,Öztürk,,Mobile,+90 532 555 0101 ::: +90 532 555 0102,Work,+90 212 555 0100\n";
        let contacts = parse_csv(text.as_bytes());
        assert_eq!(
            summary(&contacts),
            [(
                s("Ayşe Öztürk"),
                vec![
                    (s("+90 532 555 0101"), Some(s("cell"))),
                    (s("+90 532 555 0102"), Some(s("cell"))),
                    (s("+90 212 555 0100"), Some(s("work")))
                ]
            )]
        );
    }

    #[test]
    fn german_semicolon_export_in_windows_1252() {
        let text = "Nachname;Vorname;Firma;Telefon geschäftlich;Mobiltelefon\r\nMüller;Jürgen;Bäcker;030 123456;\r\n";
        let bytes: Vec<u8> = text
            .chars()
            .map(|c| u8::try_from(u32::from(c)).expect("latin1"))
            .collect();
        let contacts = parse_csv(&bytes);
        assert_eq!(
            summary(&contacts),
            [(s("Jürgen Müller"), vec![(s("030 123456"), Some(s("work")))])]
        );
    }

    #[test]
    fn simple_lists_with_or_without_header_and_tabs() {
        for text in [
            "name,number\nJane,+49 30 123456\nBob,089 5550100\n",
            "Jane,+49 30 123456\nBob,089 5550100\n",
            "Jane\t+49 30 123456\nBob\t089 5550100\n",
            "+49 30 123456;Jane\n089 5550100;Bob\n",
        ] {
            let contacts = parse_csv(text.as_bytes());
            let names: Vec<&str> = contacts.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names, ["Jane", "Bob"], "{text:?}");
            assert_eq!(contacts[1].phones[0].raw, "089 5550100");
        }
    }

    #[test]
    fn columns_that_only_sound_like_numbers_are_not_phones() {
        let text = "Name,Customer Number,Phone\nJane,4711,030 123456\n";
        let contacts = parse_csv(text.as_bytes());
        assert_eq!(
            summary(&contacts),
            [(s("Jane"), vec![(s("030 123456"), None)])]
        );
    }

    #[test]
    fn rows_without_name_or_number_are_skipped() {
        let text = "Name,Phone\n,030 123456\nJane,\nBob,none\n";
        assert!(parse_csv(text.as_bytes()).is_empty());
        assert!(parse_csv(b"").is_empty());
    }
}
