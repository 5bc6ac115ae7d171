//! What people paste, and what the desk phone must dial, under a few real office setups.
//!
//! Each row is an input as found in e-mails, web pages, CRMs and chat, with the exact dial
//! string and E.164 form expected (or the error), so a change in number handling shows up
//! here as a concrete wrong dial.

use callpop_phone::number::{match_key, normalize, DialingRules, NumberError};

fn rules(country: &str, outside: &str, international: &str) -> DialingRules {
    DialingRules {
        country: country.to_owned(),
        outside_line_prefix: outside.to_owned(),
        international_prefix: international.to_owned(),
    }
}

/// Which office a row is dialled from.
#[derive(Clone, Copy, Debug)]
enum Desk {
    /// US, no outside-line prefix (direct SIP trunk).
    Us,
    /// US, 9 for an outside line.
    Us9,
    /// US, the phone system takes `+` for international calls.
    UsPlus,
    /// Germany, 0 for an outside line.
    De0,
    /// United Kingdom, 9 for an outside line.
    Gb9,
    /// France, 0 for an outside line.
    Fr0,
}

impl Desk {
    fn rules(self) -> DialingRules {
        match self {
            Desk::Us => rules("US", "", ""),
            Desk::Us9 => rules("US", "9", ""),
            Desk::UsPlus => rules("US", "", "+"),
            Desk::De0 => rules("DE", "0", ""),
            Desk::Gb9 => rules("GB", "9", ""),
            Desk::Fr0 => rules("FR", "0", ""),
        }
    }
}

#[derive(Debug)]
enum Want {
    /// An outside number: dial string and E.164.
    Outside(&'static str, &'static str),
    /// An internal number or feature code: dial string.
    Internal(&'static str),
    /// An error, by kind.
    Error(&'static str),
}

fn kind(err: &NumberError) -> &'static str {
    match err {
        NumberError::Empty => "empty",
        NumberError::NoNumber { .. } => "no number",
        NumberError::TooShort { .. } => "too short",
        NumberError::TooLong { .. } => "too long",
        NumberError::MissingAreaCode { .. } => "missing area code",
        NumberError::Invalid { .. } => "invalid",
        NumberError::UnknownCountryCode { .. } => "unknown country code",
        NumberError::NotANumber { .. } => "not a number",
        NumberError::Disguised { .. } => "disguised",
        NumberError::UnknownCountry { .. } => "unknown country",
        NumberError::BadOutsideLinePrefix { .. } => "bad outside line prefix",
        NumberError::BadInternationalPrefix { .. } => "bad international prefix",
    }
}

use Desk::*;
use Want::*;

#[rustfmt::skip]
const TABLE: &[(Desk, &str, Want)] = &[
    // --- US desk, direct trunk -------------------------------------------------------------
    (Us, "(212) 555-0199", Outside("2125550199", "+12125550199")),
    (Us, "212.555.0199", Outside("2125550199", "+12125550199")),
    (Us, "1-212-555-0199", Outside("2125550199", "+12125550199")),
    (Us, "+1 212 555 0199", Outside("2125550199", "+12125550199")),
    // Toronto from the US: same +1, another country: 1 + ten digits, never 011.
    (Us, "+1 (416) 555-0123", Outside("14165550123", "+14165550123")),
    (Us, "call me at +1 (416) 555-0123 or 555-0199", Outside("14165550123", "+14165550123")),
    (Us, "tel:+1-212-555-0199;ext=12", Outside("2125550199", "+12125550199")),
    (Us, "tel:%2B1-212-555-0199", Outside("2125550199", "+12125550199")),
    (Us, "callto:+12125550199", Outside("2125550199", "+12125550199")),
    (Us, "callto://+12125550199", Outside("2125550199", "+12125550199")),
    (Us, "<sips:+12125550199@sip.example.com;transport=tls>", Outside("2125550199", "+12125550199")),
    (Us, "212-555-0199 x123", Outside("2125550199", "+12125550199")),
    (Us, "212-555-0199, ext. 123", Outside("2125550199", "+12125550199")),
    (Us, "1-800-FLOWERS", Outside("8003569377", "+18003569377")),
    // Full-width digits and minus signs, as Japanese and Chinese input methods produce.
    (Us, "２１２－５５５－０１９９", Outside("2125550199", "+12125550199")),
    // No-break space and non-breaking hyphen from a word processor.
    (Us, "212\u{a0}555\u{2011}0199", Outside("2125550199", "+12125550199")),
    // Bidi marks that chat programs wrap around numbers.
    (Us, "\u{202a}+1 212 555 0199\u{202c}", Outside("2125550199", "+12125550199")),
    (Us, "📞 +1 212 555 0199 ✅", Outside("2125550199", "+12125550199")),
    (Us, "+44 20 7946 0018", Outside("011442079460018", "+442079460018")),
    (Us, "0044 20 7946 0018", Outside("011442079460018", "+442079460018")),
    (Us, "011 44 20 7946 0018", Outside("011442079460018", "+442079460018")),
    (Us, "+49 (0)30 1234567", Outside("01149301234567", "+49301234567")),
    (Us, "555-0199", Error("missing area code")),
    (Us, "203", Internal("203")),
    (Us, "Please call extension 203 today", Internal("203")),
    (Us, "911", Internal("911")),
    (Us, "*97", Internal("*97")),
    (Us, "#31#", Internal("#31#")),
    (Us, "*72 212 555 0199", Internal("*722125550199")),
    (Us, "sip:203@pbx.local", Internal("203")),
    (Us, "sip:alice@pbx.local", Error("not a number")),
    (Us, "", Error("empty")),
    (Us, "  \n\t ", Error("empty")),
    (Us, "hello world", Error("no number")),
    (Us, "+", Error("no number")),
    (Us, "📞", Error("no number")),
    (Us, "+1 212 555", Error("too short")),
    (Us, "+999 123 456 789", Error("unknown country code")),
    // --- US desk, 9 for an outside line -----------------------------------------------------
    (Us9, "(212) 555-0199", Outside("92125550199", "+12125550199")),
    (Us9, "+1 416 555 0123", Outside("914165550123", "+14165550123")),
    (Us9, "+44 20 7946 0018", Outside("9011442079460018", "+442079460018")),
    (Us9, "203", Internal("203")),
    (Us9, "911", Internal("911")),
    // --- US desk, the phone system takes + -------------------------------------------------
    (UsPlus, "+49 30 1234567", Outside("+49301234567", "+49301234567")),
    (UsPlus, "00 49 30 1234567", Outside("+49301234567", "+49301234567")),
    (UsPlus, "212 555 0199", Outside("2125550199", "+12125550199")),
    // --- German desk, 0 for an outside line -------------------------------------------------
    (De0, "+49 (0)30 123-45", Outside("003012345", "+493012345")),
    (De0, "030 1234567", Outside("00301234567", "+49301234567")),
    (De0, "030/1234567", Outside("00301234567", "+49301234567")),
    (De0, "(030) 123 45 67", Outside("00301234567", "+49301234567")),
    (De0, "0049 30 1234567", Outside("00301234567", "+49301234567")),
    (De0, "+49 171 1234567", Outside("001711234567", "+491711234567")),
    (De0, "+49 30 1234567 Durchwahl 12", Outside("00301234567", "+49301234567")),
    (De0, "Tel.: +49 30 1234567, Fax: +49 30 1234568", Outside("00301234567", "+49301234567")),
    (De0, "030 1234567 030 7654321", Outside("00301234567", "+49301234567")),
    (De0, "+43 1 234 5678", Outside("0004312345678", "+4312345678")),
    // Italy: the 0 belongs to the number, also when written as (0).
    (De0, "+39 06 1234 5678", Outside("000390612345678", "+390612345678")),
    (De0, "+39 (0)6 1234 5678", Outside("000390612345678", "+390612345678")),
    (De0, "+1 (416) 555-0123", Outside("00014165550123", "+14165550123")),
    (De0, "(+49) 30 1234567", Outside("00301234567", "+49301234567")),
    (De0, "+49 30 1234567 (Zentrale)", Outside("00301234567", "+49301234567")),
    (De0, "sip:+49301234567@sip.example.de;user=phone", Outside("00301234567", "+49301234567")),
    (De0, "112", Internal("112")),
    (De0, "12", Internal("12")),
    (De0, "+49 30", Error("too short")),
    // --- UK desk, 9 for an outside line -----------------------------------------------------
    (Gb9, "020 7946 0018", Outside("902079460018", "+442079460018")),
    (Gb9, "+44 (0)20 7946 0018", Outside("902079460018", "+442079460018")),
    (Gb9, "+44 (0) 20 7946 0018", Outside("902079460018", "+442079460018")),
    // Bristol: 0117 is an area code here, not the North American 011.
    (Gb9, "0117 496 0123", Outside("901174960123", "+441174960123")),
    (Gb9, "07911 123456", Outside("907911123456", "+447911123456")),
    (Gb9, "+44 7911 123456", Outside("907911123456", "+447911123456")),
    (Gb9, "+1 212 555 0199", Outside("90012125550199", "+12125550199")),
    (Gb9, "999", Internal("999")),
    // --- French desk, 0 for an outside line -------------------------------------------------
    (Fr0, "01 42 68 53 00", Outside("00142685300", "+33142685300")),
    (Fr0, "+33 (0)1 42 68 53 00", Outside("00142685300", "+33142685300")),
    (Fr0, "06.12.34.56.78", Outside("00612345678", "+33612345678")),
    (Fr0, "0033 6 12 34 56 78", Outside("00612345678", "+33612345678")),
    (Fr0, "tel:01-42-68-53-00;phone-context=+33", Outside("00142685300", "+33142685300")),
    (Fr0, "+49 30 1234567", Outside("00049301234567", "+49301234567")),
    (Fr0, "+33 1 42", Error("too short")),
];

#[test]
fn table() {
    assert!(TABLE.len() >= 40);
    let mut failures = Vec::new();
    for (desk, input, want) in TABLE {
        let got = normalize(input, &desk.rules());
        let ok = match (want, &got) {
            (Outside(dial, e164), Ok(t)) => {
                !t.internal && t.dial == *dial && t.e164.as_deref() == Some(*e164)
            }
            (Internal(dial), Ok(t)) => t.internal && t.dial == *dial && t.e164.is_none(),
            (Error(k), Err(e)) => kind(e) == *k,
            _ => false,
        };
        if !ok {
            failures.push(format!("{desk:?} {input:?}: want {want:?}, got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn garbage_is_refused_with_a_short_message() {
    let us = rules("US", "", "");
    let garbage: String = "xy9!".repeat(50);
    let err = normalize(&garbage, &us).expect_err("no number in garbage");
    assert_eq!(kind(&err), "no number");
    assert!(err.to_string().chars().count() < 80, "{err}");

    let digits = "7".repeat(200);
    assert_eq!(
        kind(&normalize(&digits, &us).expect_err("too long")),
        "too long"
    );

    let err = normalize("hello\nworld", &us).expect_err("no number");
    assert_eq!(err.to_string(), "No phone number found in “hello world”");
}

#[test]
fn extensions_are_kept_aside_not_dialled() {
    let us = rules("US", "9", "");
    for input in [
        "212-555-0199 x123",
        "212-555-0199 ext. 123",
        "212-555-0199, extension 123",
        "tel:+1-212-555-0199;ext=123",
        "212-555-0199;ext=123",
    ] {
        let t = normalize(input, &us).expect(input);
        assert_eq!(t.dial, "92125550199", "{input}");
        assert_eq!(t.extension.as_deref(), Some("123"), "{input}");
    }
}

#[test]
fn display_and_national_forms() {
    let t = normalize("+1 (416) 555-0123", &rules("US", "", "")).expect("valid");
    assert_eq!(t.display, "+1 416-555-0123");
    assert_eq!(t.national.as_deref(), Some("4165550123"));

    let t = normalize("+49 30 1234567", &rules("DE", "0", "")).expect("valid");
    assert_eq!(t.national.as_deref(), Some("0301234567"));
    assert_eq!(t.display, "+49 30 1234567");

    let t = normalize("*72 5551234", &rules("US", "", "")).expect("feature code");
    assert_eq!(t.display, "*72 5551234");
    assert_eq!(t.dial, "*725551234");
    assert!(t.internal && t.national.is_none());
}

#[test]
fn a_plus_is_never_dropped() {
    // A German number written with + at a US desk must go abroad, not be read as 49-30-….
    let t = normalize("+4930 1234567", &rules("US", "", "")).expect("valid");
    assert_eq!(t.e164.as_deref(), Some("+49301234567"));
}

/// History and contacts group numbers by this key, so every way of writing one number must
/// give the same key, and different numbers different keys.
#[test]
fn match_key_is_the_same_for_every_way_of_writing_a_number() {
    let us = rules("US", "9", "011");
    for written in [
        "+1 (416) 555-0123",
        "4165550123",
        "416-555-0123",
        "1 416 555 0123",
        "001 416 555 0123",
        "011 1 416 555 0123",
        "tel:+14165550123",
        "sip:+14165550123@sip.example.com",
    ] {
        assert_eq!(
            match_key(written, &us).as_deref(),
            Some("+14165550123"),
            "{written}"
        );
    }
    assert_eq!(
        match_key("+1 416 555 0124", &us).as_deref(),
        Some("+14165550124")
    );
    let de = rules("DE", "0", "");
    for written in [
        "030 1234567",
        "+49 (0)30 123 45 67",
        "0049301234567",
        "030/1234567",
    ] {
        assert_eq!(
            match_key(written, &de).as_deref(),
            Some("+49301234567"),
            "{written}"
        );
    }
}

#[test]
fn match_key_falls_back_to_the_last_digits() {
    let us = rules("US", "", "");
    assert_eq!(match_key("203", &us).as_deref(), Some("203"));
    assert_eq!(match_key(" 203 ", &us).as_deref(), Some("203"));
    assert_eq!(match_key("sip:203@10.0.0.5", &us).as_deref(), Some("203"));
    // Not understood by the numbering plan (7 digits without the area code): digits only.
    assert_eq!(match_key("555-0199", &us).as_deref(), Some("5550199"));
    // Too long for any plan: the last 8 digits.
    assert_eq!(
        match_key("+999 1234 5678 9012", &us).as_deref(),
        Some("56789012")
    );
    for nothing in [
        "anonymous",
        "",
        "  ",
        "Unknown caller",
        "sip:alice@pbx.local",
    ] {
        assert_eq!(match_key(nothing, &us), None, "{nothing:?}");
    }
    // Rules the settings page would refuse still give a usable key.
    let broken = rules("XX", "", "");
    assert_eq!(
        match_key("+1 416 555 0123", &broken).as_deref(),
        Some("65550123")
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Selections are arbitrary text; whatever comes in, the answer is a dial target or a
        /// message, and a dial target only holds what a phone can dial.
        #[test]
        fn any_text(text in "\\PC{0,80}") {
            for desk in [Us, Us9, UsPlus, De0, Gb9, Fr0] {
                if let Ok(t) = normalize(&text, &desk.rules()) {
                    prop_assert!(!t.dial.is_empty());
                    prop_assert!(t.dial.chars().enumerate().all(|(i, c)| c.is_ascii_digit()
                        || c == '*' || c == '#' || (c == '+' && i <= 1)));
                }
            }
        }

        /// Digit strings in every shape people write them, which is what reaches the
        /// numbering-plan parser.
        #[test]
        fn number_like(text in "[+]?[0-9 ()./-]{0,30}(x[0-9]{1,4})?") {
            for desk in [Us, De0, Gb9, Fr0] {
                if let Ok(t) = normalize(&text, &desk.rules()) {
                    if let Some(e164) = &t.e164 {
                        prop_assert!(e164.starts_with('+'));
                        prop_assert!(e164.len() <= 16);
                    }
                }
                let _ = callpop_phone::number::preview(&text, &desk.rules());
                let _ = callpop_phone::number::format_for_display(&text, &desk.rules());
                let _ = callpop_phone::number::same_number(&text, "+1 212 555 0199", &desk.rules());
            }
        }
    }
}
