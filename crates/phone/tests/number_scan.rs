//! The scanner must never dial something other than the number the person sees in the text.
//!
//! Findings from a hostile review: dates and times joined to a number next to them
//! (`[2025-06-15 14:02] call 416-555-0123` dialled +1 202-506-1514), a number cut by the scan
//! limit dialled shortened, and digit runs that are not phone numbers at all (web addresses,
//! IP addresses, prices, IBANs, versions) or that are disguised (direction overrides, digits
//! from different scripts). Each case here is a concrete text and what must (not) be dialled.

use callpop_phone::number::{normalize, DialingRules, NumberError, MAX_SCAN_CHARS};

fn rules(country: &str, outside: &str, international: &str) -> DialingRules {
    DialingRules {
        country: country.to_owned(),
        outside_line_prefix: outside.to_owned(),
        international_prefix: international.to_owned(),
    }
}

fn us() -> DialingRules {
    rules("US", "", "")
}

fn de() -> DialingRules {
    rules("DE", "0", "")
}

/// The E.164 form that would be dialled, or a short description of the error.
fn e164(text: &str, rules: &DialingRules) -> Result<String, String> {
    match normalize(text, rules) {
        Ok(target) => target.e164.ok_or(format!("internal {}", target.dial)),
        Err(err) => Err(err.to_string()),
    }
}

/// Collects every row whose result differs, so one run shows all wrong dials at once.
fn check(rows: &[(&str, &DialingRules, &str)]) {
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|(text, rules, want)| {
            let got = e164(text, rules);
            (got.as_deref() != Ok(*want))
                .then(|| format!("{}: {text:?}: want {want}, got {got:?}", rules.country))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows dial the wrong thing:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

/// Rows that must not dial anything at all.
fn check_nothing_dialled(rows: &[(&str, &DialingRules)]) {
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|(text, rules)| {
            normalize(text, rules).ok().map(|t| {
                format!(
                    "{}: {text:?} dials {:?} ({:?})",
                    rules.country, t.dial, t.e164
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows dial something:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

const TORONTO: &str = "+14165550123";
const BERLIN: &str = "+49301234567";

#[test]
fn dates_and_times_never_lend_digits_to_a_number() {
    let us = us();
    let de = de();
    check(&[
        // The finding itself: dialled +1 202-506-1514 (2025-06-15 14).
        (
            "[2025-06-15 14:02] Ann: call me at 416-555-0123",
            &us,
            TORONTO,
        ),
        ("2025-06-15 416-555-0123", &us, TORONTO),
        ("416-555-0123 2025-06-15", &us, TORONTO),
        ("2025-06-15T14:02:00Z 416-555-0123", &us, TORONTO),
        ("2025-06-15T14:02:00+02:00 416-555-0123", &us, TORONTO),
        ("2025-06-15T14:02:00.123-0500 416-555-0123", &us, TORONTO),
        ("2025-06-15 14:02:33 416-555-0123", &us, TORONTO),
        ("14:02 416-555-0123", &us, TORONTO),
        ("14:02:33 416-555-0123", &us, TORONTO),
        ("2:02 PM 416-555-0123", &us, TORONTO),
        ("2:02pm 416-555-0123", &us, TORONTO),
        ("15.06.2025 416-555-0123", &us, TORONTO),
        ("15/06/2025 416-555-0123", &us, TORONTO),
        ("06/15/2025 416-555-0123", &us, TORONTO),
        ("6/15/25 416-555-0123", &us, TORONTO),
        ("15-06-2025 416-555-0123", &us, TORONTO),
        ("[15.06.25 14:02] 416-555-0123", &us, TORONTO),
        ("[15/06/2025, 14:02:33] Ann: 416-555-0123", &us, TORONTO),
        ("416-555-0123 on 06/15/2025 at 2:02 PM", &us, TORONTO),
        ("416-555-0123 15.06.2025", &us, TORONTO),
        ("416-555-0123 14:02", &us, TORONTO),
        ("416 555 0123 2025-06-15", &us, TORONTO),
        // A German desk, where numbers have variable length: 14:02 + 030 1234567 was read
        // as 0203 01234567 (Duisburg).
        ("14:02 030 1234567", &de, BERLIN),
        ("[15.06.25 14:02] 030 1234567", &de, BERLIN),
        ("15.06.2025 030 1234567", &de, BERLIN),
        ("am 15.06. 030 1234567", &de, BERLIN),
        ("um 14.30 Uhr 030 1234567", &de, BERLIN),
        ("030 1234567 15.06.2025", &de, BERLIN),
        ("030 1234567 14:02", &de, BERLIN),
        ("2025-06-15 +49 30 1234567", &de, BERLIN),
    ]);
}

#[test]
fn a_date_or_time_alone_is_not_a_number() {
    let us = us();
    let de = de();
    check_nothing_dialled(&[
        ("2025-06-15", &us),
        ("2025-06-15T14:02:00Z", &us),
        ("14:02", &us),
        ("14:02:33", &us),
        ("2:02 PM", &us),
        ("15.06.2025", &de),
        ("15/06/2025", &us),
        ("06/15/2025", &us),
        ("[15.06.25 14:02]", &de),
        ("Sent 15.06.2025 14:02", &de),
    ]);
}

#[test]
fn numbers_that_look_a_little_like_dates_still_dial() {
    let us = us();
    let de = de();
    let fr = rules("FR", "0", "");
    check(&[
        ("030 123-45", &de, "+493012345"),
        ("+49 (0)30 123-45", &de, "+493012345"),
        ("01.23.45.67.89", &fr, "+33123456789"),
        ("01.02.03.04.05", &fr, "+33102030405"),
        ("06.12.34.56.78", &fr, "+33612345678"),
        ("416.555.0123", &us, TORONTO),
        ("1.416.555.0123", &us, TORONTO),
        ("416/555-0123", &us, TORONTO),
        ("030/1234567", &de, BERLIN),
        ("Tel. 030/123 45 67", &de, BERLIN),
        ("Tel.:+49 30 1234567", &de, BERLIN),
        ("Tel:030 1234567", &de, BERLIN),
        ("2025: 416-555-0123", &us, TORONTO),
    ]);
    // Not valid in the numbering plan, but read as one number (not as a date or two pieces).
    let err = normalize("(555) 010-0199", &us).expect_err("555 is not an area code");
    assert!(
        err.to_string().contains("(555) 010-0199"),
        "the whole number is quoted: {err}"
    );
}

/// Digit groups before a number (a year, a room, a time written with a dot) must not be
/// joined to it; the number itself is dialled, or nothing.
#[test]
fn digit_groups_before_a_number_are_not_joined_to_it() {
    let de = de();
    let us = us();
    check(&[
        // Read as 0202 5030 (Wuppertal) before.
        ("Seit 2025 030 1234567", &de, BERLIN),
        ("Zimmer 12 030 1234567", &de, BERLIN),
        ("um 14.30 030 1234567", &de, BERLIN),
        ("Room 12 (416) 555-0123", &us, TORONTO),
        ("I owe $12 212 555 0199", &us, "+12125550199"),
    ]);
    // A country code is never thrown away to make the rest valid: this is not a German
    // mobile number.
    check_nothing_dialled(&[("+1 0171 1234567", &de), ("001 0171 1234567", &de)]);
}

#[test]
fn a_number_cut_by_the_scan_limit_is_never_dialled() {
    let us = us();
    let number = "+1 416 555 0123";
    // Every cut position through the number, and a few before and after it.
    for cut_at in 0..=number.len() + 6 {
        let padding = MAX_SCAN_CHARS - cut_at;
        let mut prose = "word ".repeat(padding / 5);
        while prose.len() < padding {
            prose.push(' ');
        }
        let text = format!("{prose}{number} and more text after it");
        match normalize(&text, &us) {
            Ok(target) => assert_eq!(
                target.e164.as_deref(),
                Some(TORONTO),
                "cut {cut_at} chars into the number dials {target:?}"
            ),
            // Ending right at the cut, or with a space there, the number might go on.
            Err(err) => assert!(
                cut_at <= number.len() + 1,
                "a number before the cut must be found (cut at {cut_at}): {err}"
            ),
        }
    }
    // The cut leaves `… 0301 234567` of `+49 30 1234567 0301 234567 8`, a valid number on its
    // own; nor is a shorter valid number ever made of the part before the cut.
    let de = de();
    for number in ["030 1234567 89", "+49 30 12345678", "0171 1234567"] {
        for cut_at in 1..number.len() {
            let padding = MAX_SCAN_CHARS - cut_at;
            let text = format!("{}{number}", "x".repeat(padding - 1) + " ");
            if let Ok(target) = normalize(&text, &de) {
                panic!("{number:?} cut after {cut_at} chars dials {target:?}");
            }
        }
    }
    // Invisible characters count as characters of the selection; a number that fits is found.
    let text = format!("{}{number}", "\u{200B}".repeat(MAX_SCAN_CHARS - 40));
    assert_eq!(e164(&text, &us).as_deref(), Ok(TORONTO));
}

#[test]
fn digit_runs_that_are_not_phone_numbers_are_not_dialled() {
    let us = us();
    let de = de();
    check_nothing_dialled(&[
        ("https://shop.example/item/4165550123", &us),
        (
            "see https://shop.example/item?id=4165550123 for details",
            &us,
        ),
        ("www.example.com/4165550123", &us),
        ("mail ann.4165550123@example.com", &us),
        ("192.168.1.50", &us),
        ("Server 212.55.50.199", &us),
        ("PBX at 10.0.0.5:5060", &us),
        ("v1.2.3.4", &us),
        ("Version 2.4.1", &us),
        ("$1,234.56", &us),
        ("Total: $4,165,550,123", &us),
        ("1.234,56 €", &de),
        ("Betrag 40.123,45 EUR", &de),
        ("IBAN DE89 3704 0044 0532 0130 00", &de),
        ("IBAN DE89 3704 0044 0532 0130 00", &us),
        ("DE89370400440532013000", &de),
        ("4111 1111 1111 1111", &us),
        ("4111 1111 1111 1111", &de),
        ("Order #4165550123 shipped", &us),
        ("Invoice INV-4165550123", &us),
        ("ticket ABC-4165550123", &us),
        ("id 4165550123abc", &us),
        ("ISBN 978-3-16-148410-0", &de),
    ]);
}

#[test]
fn a_phone_number_next_to_other_digits_is_still_found() {
    let us = us();
    let de = de();
    check(&[
        ("Order 12345, call 416-555-0123", &us, TORONTO),
        ("Total $1,234.56 - questions? 416-555-0123", &us, TORONTO),
        (
            "See https://shop.example/item/12345 or call 416-555-0123",
            &us,
            TORONTO,
        ),
        ("v1.2.3 released; support 416-555-0123", &us, TORONTO),
        ("PBX 10.0.0.5, Zentrale 030 1234567", &de, BERLIN),
        (
            "IBAN DE89 3704 0044 0532 0130 00, Tel. 030 1234567",
            &de,
            BERLIN,
        ),
        (
            "Meeting in room 1234 at 14:02, call 416-555-0123",
            &us,
            TORONTO,
        ),
    ]);
}

#[test]
fn disguised_numbers_are_refused() {
    let us = us();
    // RIGHT-TO-LEFT OVERRIDE shows "3210-555-614" as "416-555-0123".
    let spoofed = "call \u{202E}3210-555-614\u{202C} now";
    assert!(
        normalize(spoofed, &us).is_err(),
        "{:?}",
        normalize(spoofed, &us)
    );
    // A RIGHT-TO-LEFT MARK before space-separated groups shows them in reverse order.
    assert!(normalize("\u{200F}0123 555 416", &us).is_err());
    assert!(normalize("416\u{200F} 555 0123", &us).is_err());
    // Bengali four (৪) looks like an 8 among Latin digits; Arabic-Indic and Persian digits
    // differ exactly in the 4, 5 and 6.
    assert!(normalize("৪১৬-৫৫৫-০১২৩", &us).is_ok(), "one script is fine");
    assert!(normalize("416-555-01২3", &us).is_err());
    assert!(normalize("٤١٦۵٥٥٠١٢٣", &us).is_err());
    // Letters that look like digits are not vanity letters.
    assert!(normalize("416-555-OIOO", &us).is_err());
    // Left-to-right marks and embeddings change nothing for digits and stay accepted.
    check(&[
        ("\u{202A}+1 416 555 0123\u{202C}", &us, TORONTO),
        ("\u{200E}+1 416 555 0123", &us, TORONTO),
        ("+1 416\u{200B} 555 0123", &us, TORONTO),
        ("1-800-FLOWERS", &us, "+18003569377"),
    ]);
}

#[test]
fn the_refusal_says_what_to_do() {
    let err = normalize("call \u{202E}3210-555-614", &us()).expect_err("disguised");
    assert!(matches!(err, NumberError::Disguised { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("type"), "{message}");
    assert!(
        !message.contains('\u{202E}'),
        "no control characters quoted: {message:?}"
    );
}
