//! The vCard and CSV parsers read whatever users point them at: no input may make them
//! panic, and what they return is always usable (a name, numbers with digits).

use callpop_contacts::{parse_csv, parse_vcards, ParsedContact};
use proptest::prelude::*;

/// Pieces real files are made of, so random input also reaches the deeper code paths
/// (parameters, quoted-printable, folding, escapes) instead of failing at the first line.
fn vcard_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("BEGIN:VCARD\r\n".to_owned()),
        Just("END:VCARD\r\n".to_owned()),
        Just("VERSION:2.1\r\n".to_owned()),
        Just("VERSION:4.0\n".to_owned()),
        Just("FN:Jane\\, Doe\r\n".to_owned()),
        Just("N:Doe;Jane;;;\r\n".to_owned()),
        Just("N;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:M=FCller;=\r\n".to_owned()),
        Just("TEL;WORK;VOICE:+49 30 123456\r\n".to_owned()),
        Just("TEL;VALUE=uri;TYPE=\"work,cell\":tel:%2B1-555\r\n".to_owned()),
        Just("item1.TEL;type=CELL:0171\r\n".to_owned()),
        Just(" folded\r\n".to_owned()),
        Just("=\r\n".to_owned()),
        Just("ORG:ACME;Sales\\;x\\\r\n".to_owned()),
        Just("PHOTO;ENCODING=b:AAAA\r\n".to_owned()),
        Just(";;;:::\"\"\r\n".to_owned()),
        "[ -~]{0,30}\r\n",
        "\\PC{0,20}",
    ]
}

fn csv_fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Name,Phone\n".to_owned()),
        Just("First Name;Last Name;Mobile Phone\r\n".to_owned()),
        Just("Phone 1 - Type,Phone 1 - Value\n".to_owned()),
        Just("\"Doe, Jane\",\"+49 30 123456 ::: 0171\"\n".to_owned()),
        Just("Jane\t030 123456\n".to_owned()),
        Just("\"unterminated,\n".to_owned()),
        Just("\u{feff}".to_owned()),
        Just(",,,,;;;\t\t\n".to_owned()),
        "[ -~]{0,30}\n",
        "\\PC{0,20}",
    ]
}

fn check(contacts: &[ParsedContact]) {
    for contact in contacts {
        assert!(!contact.name.trim().is_empty(), "{contact:?}");
        assert!(!contact.reference.is_empty(), "{contact:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn vcard_parser_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check(&parse_vcards(&bytes));
    }

    #[test]
    fn vcard_parser_never_panics_on_card_like_text(parts in proptest::collection::vec(vcard_fragment(), 0..40)) {
        let text = parts.concat();
        check(&parse_vcards(text.as_bytes()));
    }

    #[test]
    fn csv_parser_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check(&parse_csv(&bytes));
    }

    #[test]
    fn csv_parser_never_panics_on_export_like_text(parts in proptest::collection::vec(csv_fragment(), 0..40)) {
        let text = parts.concat();
        let contacts = parse_csv(text.as_bytes());
        check(&contacts);
        for contact in &contacts {
            assert!(contact.phones.iter().all(|p| p.raw.chars().any(|c| c.is_ascii_digit())));
        }
    }
}
