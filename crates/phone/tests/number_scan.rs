//! The scanner must never dial something other than the number the person sees in the text.
//!
//! Findings from a hostile review: dates and times joined to a number next to them
//! (`[2025-06-15 14:02] call 416-555-0123` dialled +1 202-506-1514), a number cut by the scan
//! limit dialled shortened, and digit runs that are not phone numbers at all (web addresses,
//! IP addresses, prices, IBANs, versions) or that are disguised (direction overrides, digits
//! from different scripts). Each case here is a concrete text and what must (not) be dialled.

use callpop_phone::number::{find_all, normalize, DialingRules, NumberError, MAX_SCAN_CHARS};

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
    // Quoting the text back must not turn the message itself around.
    for text in ["tel:\u{202E}3210-555-614", "no \u{202E}number\u{200F} here"] {
        let message = normalize(text, &us()).expect_err("refused").to_string();
        assert!(
            !message.contains(['\u{202E}', '\u{200F}']),
            "{text:?}: {message:?}"
        );
    }
}

/// What `find_all` lists, as E.164 forms or `internal <dial>`.
fn listed(text: &str, rules: &DialingRules) -> Result<Vec<String>, String> {
    find_all(text, rules)
        .map(|all| {
            all.into_iter()
                .map(|t| t.e164.unwrap_or(format!("internal {}", t.dial)))
                .collect()
        })
        .map_err(|err| err.to_string())
}

#[test]
fn find_all_lists_every_number_best_first() {
    let us = us();
    let de = de();
    let rows: &[(&str, &DialingRules, &[&str])] = &[
        // Outside numbers before internal ones; the same number written twice counts once.
        (
            "Order 12345, room 204: call 416-555-0123 or 416.555.0123, or 212 555 0199",
            &us,
            // An order number is no extension.
            &[TORONTO, "+12125550199", "internal 204"],
        ),
        (
            "Call 416-555-0123 or extension 203",
            &us,
            &[TORONTO, "internal 203"],
        ),
        // A fax number is listed, but after the number to talk to.
        (
            "Fax: +49 30 1234568, Tel.: +49 30 1234567",
            &de,
            &["+49301234567", "+49301234568"],
        ),
        (
            "T: 030 1234567 F: 030 1234568",
            &de,
            &[BERLIN, "+49301234568"],
        ),
        // At a German desk, a valid number written without the trunk 0 is more likely an
        // order or customer number than the phone number.
        (
            "Bestellung 40123456, Tel 030 1234567",
            &de,
            &[BERLIN, "+4940123456"],
        ),
        // Numbers labelled as tickets, orders or customer numbers come after phone numbers;
        // "No." and "Nr." alone say nothing ("Tel.-Nr.", "Phone No.").
        (
            "Ticket 4165550123 (opened 06/15/2025 2:02 PM) - callback 212-555-0199",
            &us,
            &["+12125550199", TORONTO],
        ),
        (
            "Order no. 416-555-0123, phone no. 212-555-0199",
            &us,
            &["+12125550199", TORONTO],
        ),
        (
            "Tel.-Nr. 030 1234567, Fax-Nr. 030 1234568",
            &de,
            &[BERLIN, "+49301234568"],
        ),
        // PINs and passcodes are never offered: dialling one would also leave it in the
        // phone system's call records.
        (
            "Meeting ID: 845 1234 5678 Passcode: 123456 Dial +1 646 558 8656",
            &us,
            &["+16465588656"],
        ),
        ("PIN 1234, call extension 203", &us, &["internal 203"]),
        ("Forwarding code *72, PIN 1234#", &us, &["internal *72"]),
        // Two numbers run together.
        ("030 1234567 030 7654321", &de, &[BERLIN, "+49307654321"]),
        (
            "+49 30 1234567, 0049 30 1234567, 030 1234567",
            &de,
            &[BERLIN],
        ),
        // Links count like written numbers.
        ("tel:+14165550123 or 416-555-0123", &us, &[TORONTO]),
        // Dates, times and amounts are never listed.
        (
            "[2025-06-15 14:02] $1,234.56 due, call 416-555-0123",
            &us,
            &[TORONTO],
        ),
    ];
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|(text, rules, want)| {
            let got = listed(text, rules);
            let want: Vec<String> = want.iter().map(|s| (*s).to_owned()).collect();
            (got.as_ref() != Ok(&want)).then(|| format!("{text:?}: want {want:?}, got {got:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn find_all_fails_as_normalize_fails() {
    let us = us();
    for text in [
        "",
        "hello",
        "2025-06-15",
        "555-0199",
        "sip:alice@pbx",
        "call \u{202E}3210",
        "PIN: 1234",
        "Passcode 123456",
    ] {
        assert_eq!(
            find_all(text, &us).map(|all| all.len()),
            normalize(text, &us).map(|_| 1),
            "{text:?}"
        );
    }
    assert!(
        normalize("PIN: 1234", &us).is_err(),
        "a PIN is never dialled"
    );
    let extension = find_all("212-555-0199 x12", &us).expect("valid");
    assert_eq!(extension.len(), 1);
    assert_eq!(extension[0].extension.as_deref(), Some("12"));
}

/// A number wrapped across two lines (hard-wrapped e-mail) must not be dialled in pieces:
/// `416-555-` is no extension and `030 12345` is someone else's number.
#[test]
fn a_number_wrapped_across_lines_is_not_dialled_in_pieces() {
    let us = us();
    let de = de();
    check_nothing_dialled(&[
        ("Call me at 416-555-\n0123 thanks", &us),
        ("Call me at 416 555\n0123 thanks", &us),
        ("Bitte 030 12345\n67 anrufen", &de),
        ("Bitte 030 12345\r\n67 anrufen", &de),
    ]);
    // Numbers on lines of their own, and extensions with their names, are still found.
    assert_eq!(
        listed("030 1234567\n030 7654321", &de),
        Ok(vec![BERLIN.to_owned(), "+49307654321".to_owned()])
    );
    assert_eq!(
        listed("Anna 203\nBob 204", &de),
        Ok(vec!["internal 203".to_owned(), "internal 204".to_owned()])
    );
    // One number on one line, a date on the next: the date is not a piece of it.
    check(&[("Call 416-555-0123\n2025-06-15", &us, TORONTO)]);
}

/// Characters that look like digits, pluses or part of a number but are not read as such
/// must not leave a different number behind.
#[test]
fn look_alike_characters_never_leave_another_number() {
    let us = us();
    let de = de();
    check_nothing_dialled(&[
        // A superscript or struck-through last digit: not part of what is dialled, so the
        // rest (a valid, different number at a German desk) must not be dialled either.
        ("030 123456⁷", &de),
        ("030 1234567\u{0336}", &de),
        ("030 12345\u{0336}67", &de),
        ("416-555-012³", &us),
        ("416-555-0l23", &us),
        // A number copied from a spreadsheet in scientific notation.
        ("4.16555E+09", &us),
        // Part of a number, a range of hours, a local number in groups: no extension.
        ("55-0123", &us),
        ("Open 9-17", &us),
        ("12-34-56", &de),
    ]);
    check(&[
        // Keycap digits (4️⃣1️⃣6️⃣…) and plus signs from other blocks are what they show.
        (
            "4\u{FE0F}\u{20E3}1\u{FE0F}\u{20E3}6\u{FE0F}\u{20E3} 555 0123",
            &us,
            TORONTO,
        ),
        ("\u{FE62}1 416 555 0123", &de, TORONTO),
        ("\u{2795}1 416 555 0123", &de, TORONTO),
    ]);
    // Extensions written as one group (in brackets too) are still dialled.
    for text in ["203", "(203)", "Bob (203)", "ext. 203"] {
        assert_eq!(
            normalize(text, &us).map(|t| t.dial).as_deref(),
            Ok("203"),
            "{text:?}"
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Numbers as people write them, with their E.164 form, and the desk they are dialled from.
    const WRITTEN: &[(&str, &str, &str)] = &[
        ("US", "416-555-0123", TORONTO),
        ("US", "(416) 555-0123", TORONTO),
        ("US", "+1 416 555 0123", TORONTO),
        ("US", "416.555.0123", TORONTO),
        ("US", "1-416-555-0123", TORONTO),
        ("US", "+44 20 7946 0018", "+442079460018"),
        ("DE", "030 1234567", BERLIN),
        ("DE", "+49 30 1234567", BERLIN),
        ("DE", "(030) 123 45 67", BERLIN),
        ("DE", "0049 30 1234567", BERLIN),
        ("DE", "+49 (0)30 1234567", BERLIN),
        ("DE", "030/1234567", BERLIN),
        ("DE", "0171 1234567", "+491711234567"),
        ("FR", "01 42 68 53 00", "+33142685300"),
        ("FR", "06.12.34.56.78", "+33612345678"),
        ("GB", "020 7946 0018", "+442079460018"),
        ("GB", "+44 (0)20 7946 0018", "+442079460018"),
    ];

    fn written() -> impl Strategy<Value = (DialingRules, &'static str, &'static str)> {
        proptest::sample::select(WRITTEN)
            .prop_map(|(country, text, e164)| (rules(country, "0", ""), text, e164))
    }

    /// Prose without digits: words, punctuation, line breaks.
    fn prose() -> impl Strategy<Value = String> {
        proptest::collection::vec("[a-zA-ZéüÄß]{1,9}[,.;:!?]?", 0..8)
            .prop_map(|words| words.join(" "))
    }

    /// What stands between a number and the text next to it.
    fn joiner() -> impl Strategy<Value = &'static str> {
        proptest::sample::select(&[" ", "  ", ", ", " - ", "\n", " | ", ": ", "\t"][..])
    }

    /// Dates and times in the shapes chat logs, e-mails and documents use.
    fn date_or_time() -> impl Strategy<Value = String> {
        (
            1990u32..2036,
            1u32..13,
            1u32..29,
            0u32..24,
            0u32..60,
            0u32..60,
            0usize..15,
        )
            .prop_map(|(y, m, d, h, min, s, shape)| {
                let yy = y % 100;
                let h12 = if h % 12 == 0 { 12 } else { h % 12 };
                let pm = if h < 12 { "AM" } else { "PM" };
                match shape {
                    0 => format!("{y}-{m:02}-{d:02}"),
                    1 => format!("{y}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}Z"),
                    2 => format!("{y}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}+02:00"),
                    3 => format!("{y}-{m:02}-{d:02} {h:02}:{min:02}"),
                    4 => format!("{d:02}.{m:02}.{y}"),
                    5 => format!("{d}.{m}.{yy:02}"),
                    6 => format!("{m:02}/{d:02}/{y}"),
                    7 => format!("{d:02}/{m:02}/{y}"),
                    8 => format!("{h}:{min:02}"),
                    9 => format!("{h:02}:{min:02}:{s:02}"),
                    10 => format!("{h12}:{min:02} {pm}"),
                    11 => format!("[{d:02}.{m:02}.{yy:02} {h:02}:{min:02}]"),
                    12 => format!("{d:02}.{m:02}."),
                    13 => format!("{d:02}-{m:02}-{y} {h:02}:{min:02}:{s:02}"),
                    _ => format!("[{m}/{d}/{yy:02}, {h12}:{min:02}:{s:02} {pm}]"),
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(192))]

        /// Whatever prose surrounds a valid number, that number and only it is found.
        #[test]
        fn prose_around_a_number((rules, number, e164) in written(), before in prose(),
                before_join in joiner(), after_join in joiner(), after in prose()) {
            // Words that make the number after them a secret, which is never offered.
            const SECRETS: [&str; 11] = [
                "pin", "passcode", "password", "passwort", "kennwort", "tan", "otp", "cvv", "cvc",
                "puk", "code",
            ];
            prop_assume!(!before.split(' ').any(|word| {
                SECRETS.contains(&word.trim_end_matches(|c: char| !c.is_alphabetic()).to_lowercase().as_str())
            }));
            let text = format!("{before}{before_join}{number}{after_join}{after}");
            let all = find_all(&text, &rules).map_err(|err| err.to_string());
            let want = vec![e164.to_owned()];
            prop_assert_eq!(
                all.map(|all| all.into_iter().filter_map(|t| t.e164).collect::<Vec<_>>()),
                Ok(want),
                "{:?}", text
            );
        }

        /// A date or time next to a number never contributes digits to what is dialled.
        #[test]
        fn dates_and_times_never_join((rules, number, e164) in written(), date in date_or_time(),
                join in joiner(), date_first in any::<bool>(), other in date_or_time()) {
            let text = if date_first {
                format!("{date}{join}{number}{join}{other}")
            } else {
                format!("{other}{join}{number}{join}{date}")
            };
            let got = normalize(&text, &rules).map(|t| t.e164).map_err(|err| err.to_string());
            prop_assert_eq!(got, Ok(Some(e164.to_owned())), "{:?}", text);
        }

        /// Wherever the scan limit cuts through or near a number, what is dialled is that
        /// whole number or nothing.
        #[test]
        fn the_scan_limit_never_shortens((rules, number, e164) in written(),
                cut_into in 0usize..24, filler in prose(), after in prose()) {
            let padding = MAX_SCAN_CHARS - cut_into;
            let mut text: String = filler.chars().cycle().take(padding.saturating_sub(1)).collect();
            if filler.is_empty() {
                text = "a".repeat(padding - 1);
            }
            text.push(' ');
            text.push_str(number);
            text.push(' ');
            text.push_str(&after);
            if let Ok(target) = normalize(&text, &rules) {
                prop_assert_eq!(target.e164.as_deref(), Some(e164), "cut {} chars in", cut_into);
            }
        }

        /// The app shows the first of `find_all` as what `normalize` dials.
        #[test]
        fn normalize_is_the_first_found(text in "\\PC{0,60}|[a-z +()./:,#*x0-9-]{0,40}") {
            for rules in [us(), de(), rules("GB", "9", ""), rules("FR", "0", "")] {
                let first = normalize(&text, &rules);
                let all = find_all(&text, &rules);
                match (&first, &all) {
                    (Ok(first), Ok(all)) => prop_assert_eq!(Some(first), all.first()),
                    (Err(a), Err(b)) => prop_assert_eq!(a, b),
                    _ => prop_assert!(false, "{:?}: {:?} vs {:?}", text, first, all),
                }
                if let Ok(all) = &all {
                    let mut e164s: Vec<_> = all.iter().filter_map(|t| t.e164.clone()).collect();
                    let count = e164s.len();
                    e164s.sort();
                    e164s.dedup();
                    prop_assert_eq!(e164s.len(), count, "each number once: {:?}", all);
                }
            }
        }
    }
}
