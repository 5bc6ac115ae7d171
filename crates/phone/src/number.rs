//! From what people paste to what the desk phone dials.
//!
//! Numbers reach callpop in every shape: `+49 (0)30 123-45` from an e-mail signature,
//! `(555) 010-0199` from a web page, `tel:` and `sip:` links, a whole sentence with two numbers
//! in it, or an extension like `203`. Tools that get this wrong are a steady source of
//! complaints: a stripped `+`, a leftover `(0)`, zeros removed naively, a missing outside-line
//! `0`/`9`. So this module:
//!
//! * finds the phone numbers in the text, ignoring prose around them and the digits that are
//!   not phone numbers (dates, times, prices, web and IP addresses, IBANs), and ranks them
//!   ([`find_all`]; [`normalize`] takes the best),
//! * removes formatting only (spaces of every kind, dashes, dots, brackets, URI syntax),
//!   never a `+` and never a zero unless the numbering plan says it is a trunk prefix,
//! * lets libphonenumber's data (the `phonenumber` crate) decide what the number is,
//! * and builds the dial string from explicit [`DialingRules`], so the settings page can show
//!   exactly what will be dialled ([`preview`]).
//!
//! Internal numbers and feature codes (`203`, `*97`, `#31#`, `*72 5551234`) never get an
//! outside-line or international prefix: they are dialled as typed.
//!
//! The one rule above all: never dial something other than the number the person sees. So a
//! date or time never lends its digits to the number next to it, a number cut off by the scan
//! limit is dropped rather than dialled short, digits glued to a word (`INV-4165550123`,
//! `v1.2.3`) are not a number, and text that can show one number while holding another
//! (right-to-left overrides, digits mixed from different scripts) is refused.

use std::fmt::Write as _;

use phonenumber::country::Id;
use phonenumber::metadata::DATABASE;
use phonenumber::{Metadata, Mode, PhoneNumber};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Longest all-digit string still taken as an internal extension rather than an outside
/// number. Extensions are 2–6 digits on office PBXs; 7 digits is already a local number in
/// North America (which then needs its area code, see [`NumberError::MissingAreaCode`]).
/// Short public codes (911, 112, 999, 15) fall below this too and are dialled without an
/// outside-line prefix, which is what emergency-call rules for office phone systems require.
const MAX_INTERNAL_DIGITS: usize = 6;

/// Longest feature code (`*72 5551234`, `**21*0301234567#`) accepted.
const MAX_FEATURE_CODE: usize = 32;

/// E.164 caps a full international number at 15 digits.
const MAX_E164_DIGITS: usize = 15;

/// Only this many characters of a selection are searched: a number is near the start of what
/// people select, and a whole pasted document must not stall the hotkey. A number that runs
/// into this limit is not dialled at all, since its end may be missing.
pub const MAX_SCAN_CHARS: usize = 4096;

/// How many candidate numbers are looked at in prose before giving up.
const MAX_CANDIDATES: usize = 16;

/// Longest excerpt of the user's text quoted back in an error message.
const EXCERPT_CHARS: usize = 40;

/// How the desk reaches the outside world: the numbering plan it sits in and the prefixes its
/// phone system wants. Every field is explicit so the settings page can preview the result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DialingRules {
    /// ISO 3166 alpha-2 code of the country the desk is in, e.g. `US`, `DE`, `GB`.
    pub country: String,
    /// Dialled before every external number to get an outside line: `""`, `"0"` or `"9"`.
    pub outside_line_prefix: String,
    /// Prefix for calling abroad: `""` uses the desk country's own (`011` in North America,
    /// `00` in most other places); `"+"` when the phone system accepts `+` directly.
    pub international_prefix: String,
}

impl Default for DialingRules {
    fn default() -> Self {
        Self {
            country: "US".to_owned(),
            outside_line_prefix: String::new(),
            international_prefix: String::new(),
        }
    }
}

impl DialingRules {
    /// Checks the rules the way the settings page needs: a known country and prefixes a
    /// phone can actually dial.
    pub fn validate(&self) -> Result<(), NumberError> {
        Desk::new(self).map(|_| ())
    }
}

/// What the phone should dial, and how to show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DialTarget {
    /// Exactly what the phone dials: digits, `*`, `#`, possibly a leading `+`.
    pub dial: String,
    /// For people: `+1 416-555-0123`, or an internal number as typed.
    pub display: String,
    /// `+14165550123`; `None` for internal numbers and feature codes.
    pub e164: Option<String>,
    /// The number as dialled within its own country, digits only, including the trunk prefix
    /// where that country uses one: `4165550123`, `0301234567`.
    pub national: Option<String>,
    /// An extension or feature code, dialled as typed without any prefix.
    pub internal: bool,
    /// An extension written after the number (`x123`, `ext. 123`, `;ext=123`). It is not
    /// dialled — the main number is — but shown so the user can ask for it or key it in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
}

/// Why a text could not be turned into something to dial. The messages are shown to the
/// user as they are.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum NumberError {
    #[error("Nothing to dial: no text was selected")]
    Empty,
    #[error("No phone number found in “{excerpt}”")]
    NoNumber { excerpt: String },
    #[error("“{number}” is too short for a phone number: is a digit or the area code missing?")]
    TooShort { number: String },
    #[error("“{number}” has too many digits for a phone number")]
    TooLong { number: String },
    #[error("“{number}” needs its area code: the phone cannot dial a local number without it")]
    MissingAreaCode { number: String },
    #[error("“{number}” is not a valid phone number: check for a missing or extra digit")]
    Invalid { number: String },
    #[error("“{number}” does not start with a known country code")]
    UnknownCountryCode { number: String },
    #[error("“{address}” is a name, not a phone number: the desk phone can only dial numbers")]
    NotANumber { address: String },
    /// Invisible direction marks or digits mixed from different scripts: what is shown may
    /// not be what would be dialled.
    #[error(
        "“{excerpt}” may not be the number it looks like (hidden direction marks or digits from different scripts): type the number instead"
    )]
    Disguised { excerpt: String },
    #[error(
        "“{country}” is not a known country: enter the desk's country as two letters, such as US, DE, GB or FR"
    )]
    UnknownCountry { country: String },
    #[error(
        "The outside line prefix “{prefix}” can only be up to 4 digits (or * and #), like 0 or 9"
    )]
    BadOutsideLinePrefix { prefix: String },
    #[error(
        "The international prefix “{prefix}” must be empty (to use the country's own), + or up to 5 digits, like 00 or 011"
    )]
    BadInternationalPrefix { prefix: String },
}

impl NumberError {
    /// A stable name for the app's catalog (`number-<kind>`) and for scripts.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::NoNumber { .. } => "no_number",
            Self::TooShort { .. } => "too_short",
            Self::TooLong { .. } => "too_long",
            Self::MissingAreaCode { .. } => "missing_area_code",
            Self::Invalid { .. } => "invalid",
            Self::UnknownCountryCode { .. } => "unknown_country_code",
            Self::NotANumber { .. } => "not_a_number",
            Self::Disguised { .. } => "disguised",
            Self::UnknownCountry { .. } => "unknown_country",
            Self::BadOutsideLinePrefix { .. } => "bad_outside_line_prefix",
            Self::BadInternationalPrefix { .. } => "bad_international_prefix",
        }
    }

    /// The values the message quotes, by the names of its fields, so the app can say it in
    /// the user's language.
    pub fn params(&self) -> crate::error::Params {
        let (name, value) = match self {
            Self::Empty => return crate::error::Params::new(),
            Self::NoNumber { excerpt } | Self::Disguised { excerpt } => ("excerpt", excerpt),
            Self::TooShort { number }
            | Self::TooLong { number }
            | Self::MissingAreaCode { number }
            | Self::Invalid { number }
            | Self::UnknownCountryCode { number } => ("number", number),
            Self::NotANumber { address } => ("address", address),
            Self::UnknownCountry { country } => ("country", country),
            Self::BadOutsideLinePrefix { prefix } | Self::BadInternationalPrefix { prefix } => {
                ("prefix", prefix)
            }
        };
        crate::error::Params::from([(name, value.as_str().into())])
    }
}

/// Turns pasted or selected text into what the phone dials: the best of [`find_all`].
///
/// In prose a *valid outside* number wins over digit groups before it (room numbers, order
/// numbers, amounts are everywhere in prose; dates and times are never read as numbers); a
/// short internal number is only taken from prose when there is nothing better.
pub fn normalize(text: &str, rules: &DialingRules) -> Result<DialTarget, NumberError> {
    resolve(text, rules).map(|resolved| resolved.target)
}

/// Every distinct number in `text` that can be dialled, best first, so the app can say
/// "Dialing X" and list the others for the user to cancel and pick. The first is always what
/// [`normalize`] returns; the list is never empty (when nothing can be dialled, the error is
/// the one [`normalize`] gives).
///
/// Order: valid outside numbers, in text order, except that numbers after a fax label or a
/// reference label (`Order`, `Ticket`, `Customer`, `Rechnung Nr.`…) and, in countries where
/// people write the trunk `0`, numbers written without it or a `+` (which are more often
/// order or customer numbers than phone numbers) come after the others; then internal
/// numbers and feature codes, except those after a reference label. Numbers after `PIN`,
/// `Passcode`, `TAN` and the like are never listed. Two numbers with the same E.164 form count
/// once (the first as written), as do internal numbers with the same dial string. Only the
/// first [`MAX_SCAN_CHARS`] characters are searched, and at most 16 candidates.
pub fn find_all(text: &str, rules: &DialingRules) -> Result<Vec<DialTarget>, NumberError> {
    resolve_all(text, rules).map(|all| all.into_iter().map(|resolved| resolved.target).collect())
}

/// A one-line preview for the settings page: `+49 (0)30 123-45 → dials 0 0049 3012345`, with
/// the prefixes set apart by spaces so people can see where each comes from; or the error
/// message when nothing can be dialled.
pub fn preview(text: &str, rules: &DialingRules) -> String {
    match resolve(text, rules) {
        Ok(resolved) => {
            let mut line = format!("{} → dials {}", resolved.raw, resolved.parts.join(" "));
            if resolved.target.internal {
                line.push_str(" (internal, no outside line)");
            }
            if let Some(ext) = &resolved.target.extension {
                // Writing into a String cannot fail.
                let _ = write!(line, "; extension {ext} is not dialled");
            }
            line
        }
        Err(err) => err.to_string(),
    }
}

/// Pretty-prints a caller number reported by the phone: national format for numbers from
/// the desk's own country (how people there write them), international format for others,
/// internal numbers as they are. Anything not understood (`anonymous`, a SIP name, junk) is
/// returned trimmed and otherwise untouched: a caller ID must never be hidden or invented.
pub fn format_for_display(raw_caller_number: &str, rules: &DialingRules) -> String {
    let trimmed = raw_caller_number.trim();
    let Ok(desk) = Desk::new(rules) else {
        return trimmed.to_owned();
    };
    let Some(found) = scan(&fold(trimmed)).into_iter().next() else {
        return trimmed.to_owned();
    };
    if found.disguised {
        return trimmed.to_owned();
    }
    let Ok(candidate) = found.parsed else {
        return trimmed.to_owned();
    };
    match classify(&candidate, &desk) {
        Ok(Classified::External(number)) => {
            let mode = if number.code().value() == desk.meta.country_code() {
                Mode::National
            } else {
                Mode::International
            };
            formatted(&number, mode).unwrap_or_else(|| trimmed.to_owned())
        }
        _ => trimmed.to_owned(),
    }
}

/// Whether two texts hold the same phone number despite formatting: `+49 30 1234`,
/// `0049301234` and `030 1234` all match at a German desk. Used to find a caller in an
/// address book, so it leans towards matching: when either side cannot be fully understood
/// it compares the national digits, and failing that the last 7 or more digits.
pub fn same_number(a: &str, b: &str, rules: &DialingRules) -> bool {
    let Ok(desk) = Desk::new(rules) else {
        return false;
    };
    let strict_a = normalize(a, rules);
    let strict_b = normalize(b, rules);
    if let (Ok(x), Ok(y)) = (&strict_a, &strict_b) {
        return match (&x.e164, &y.e164) {
            // Both fully understood: the numbering plan has the last word.
            (Some(e1), Some(e2)) => e1 == e2,
            (None, None) => x.dial == y.dial,
            _ => false,
        };
    }
    let (Some(ka), Some(kb)) = (loose_key(a, &desk), loose_key(b, &desk)) else {
        return false;
    };
    if let (Some(ca), Some(cb)) = (ka.country_code, kb.country_code) {
        if ca != cb {
            return false;
        }
    }
    if ka.digits == kb.digits {
        return true;
    }
    let shortest = ka.digits.len().min(kb.digits.len());
    shortest >= 7
        && ka
            .digits
            .ends_with(&kb.digits[kb.digits.len() - shortest..])
}

/// How many trailing digits [`match_key`] keeps for a number the numbering plan does not
/// understand: enough to tell subscribers apart, few enough to ignore how the prefix before
/// them was written (`0`, `9`, a country code).
const MATCH_KEY_DIGITS: usize = 8;

/// The key that groups calls and finds contacts for a number as a phone or person wrote it:
/// the E.164 form when the numbering plan understands the number (`+14165550123`), else the
/// last 8 digits (fewer if it has fewer, e.g. an extension `203`), else None (no digits).
///
/// The E.164 form comes from [`normalize`], so `+1 (416) 555-0123`, `4165550123` and
/// `001 416 555 0123` share a key at a US desk, and `030 1234567` and `+49 30 1234567` at a
/// German one. The fallback reads only the digits of the number found in the text (the user
/// part of a `sip:` address, not its host), so `sip:203@10.0.0.5` gives `203`.
pub fn match_key(raw: &str, rules: &DialingRules) -> Option<String> {
    let digits_of = |text: &str| -> String { text.chars().filter(char::is_ascii_digit).collect() };
    let digits = match normalize(raw, rules) {
        Ok(target) => match target.e164 {
            Some(e164) => return Some(e164),
            None => digits_of(&target.dial),
        },
        Err(_) => scan(&fold(raw))
            .into_iter()
            .find_map(|found| found.parsed.ok())
            .map(|candidate| digits_of(&candidate.body))
            .unwrap_or_default(),
    };
    let skip = digits.len().saturating_sub(MATCH_KEY_DIGITS);
    (!digits.is_empty()).then(|| digits[skip..].to_owned())
}

// ---------------------------------------------------------------------------------------------
// The desk's numbering plan.

/// The validated rules with the metadata of the desk's country.
struct Desk<'r> {
    id: Id,
    meta: &'static Metadata,
    rules: &'r DialingRules,
}

impl<'r> Desk<'r> {
    fn new(rules: &'r DialingRules) -> Result<Self, NumberError> {
        let code = rules.country.trim().to_ascii_uppercase();
        let unknown = || NumberError::UnknownCountry {
            country: excerpt(&rules.country),
        };
        let id: Id = code.parse().map_err(|_| unknown())?;
        let meta = DATABASE.by_id(id.as_ref()).ok_or_else(unknown)?;

        let outside = rules.outside_line_prefix.trim();
        if outside.len() > 4
            || !outside
                .chars()
                .all(|c| c.is_ascii_digit() || c == '*' || c == '#')
        {
            return Err(NumberError::BadOutsideLinePrefix {
                prefix: excerpt(&rules.outside_line_prefix),
            });
        }
        let international = rules.international_prefix.trim();
        if !(international.is_empty()
            || international == "+"
            || (international.len() <= 5 && international.chars().all(|c| c.is_ascii_digit())))
        {
            return Err(NumberError::BadInternationalPrefix {
                prefix: excerpt(&rules.international_prefix),
            });
        }
        Ok(Self { id, meta, rules })
    }

    fn outside_line_prefix(&self) -> &str {
        self.rules.outside_line_prefix.trim()
    }

    /// What to dial before a country code: the configured prefix, or the desk country's
    /// preferred one from the numbering plan (`011`, `00`, `0011`; tone waits like `8~10`
    /// are dropped since the phone cannot wait for a tone).
    fn international_prefix(&self) -> String {
        let configured = self.rules.international_prefix.trim();
        if !configured.is_empty() {
            return configured.to_owned();
        }
        let digits_only = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
        if let Some(preferred) = self.meta.preferred_international_prefix() {
            let digits = digits_only(preferred);
            if !digits.is_empty() {
                return digits;
            }
        }
        match self.meta.international_prefix().map(|re| re.as_str()) {
            Some(pattern) if !pattern.is_empty() && pattern.chars().all(|c| c.is_ascii_digit()) => {
                pattern.to_owned()
            }
            _ => "00".to_owned(),
        }
    }

    /// Length of an international call prefix at the start of `digits`, if there is one:
    /// the configured prefix, the desk country's own (e.g. `011` in North America — but not
    /// in Britain, where `0117` is Bristol), or `00`, which people everywhere write in front
    /// of foreign numbers. A country code never starts with 0, which rules out `00` + `0…`.
    fn international_prefix_len(&self, digits: &str) -> Option<usize> {
        let accept = |len: usize| {
            let rest = &digits[len..];
            (!rest.is_empty() && !rest.starts_with('0')).then_some(len)
        };
        let configured = self.rules.international_prefix.trim();
        if !configured.is_empty() && configured != "+" && digits.starts_with(configured) {
            if let Some(len) = accept(configured.len()) {
                return Some(len);
            }
        }
        if let Some(found) = self
            .meta
            .international_prefix()
            .and_then(|re| re.find(digits))
        {
            if found.start() == 0 && found.end() > 0 {
                if let Some(len) = accept(found.end()) {
                    return Some(len);
                }
            }
        }
        if digits.starts_with("00") {
            return accept(2);
        }
        None
    }
}

/// The metadata that describes numbers with this country code: the main country where the
/// code is shared (the US for +1, the UK for +44).
fn main_meta_for_code(code: u16) -> Option<&'static Metadata> {
    let all = DATABASE.by_code(&code)?;
    all.iter()
        .find(|m| m.is_main_country_for_code())
        .or_else(|| all.first())
        .copied()
}

/// Lengths a national significant number can have in this country, sorted. Taken from the
/// number types, since the general description carries none in this metadata.
fn lengths(meta: &Metadata) -> Vec<u16> {
    let d = meta.descriptors();
    let mut all: Vec<u16> = [
        d.fixed_line(),
        d.mobile(),
        d.toll_free(),
        d.premium_rate(),
        d.shared_cost(),
        d.personal_number(),
        d.voip(),
        d.pager(),
        d.uan(),
        d.voicemail(),
    ]
    .into_iter()
    .flatten()
    .chain(std::iter::once(d.general()))
    .flat_map(|desc| desc.possible_length().iter().copied())
    .collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Lengths of numbers only diallable within their own area (a 7-digit US number).
fn local_lengths(meta: &Metadata) -> Vec<u16> {
    let d = meta.descriptors();
    [Some(d.general()), d.fixed_line(), d.mobile()]
        .into_iter()
        .flatten()
        .flat_map(|desc| desc.possible_local_length().iter().copied())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Resolving text into a dial target.

struct Resolved {
    target: DialTarget,
    /// The dial string in pieces (outside line, international prefix + country code,
    /// number) for the preview.
    parts: Vec<String>,
    /// The number as found in the text.
    raw: String,
}

/// The best number in the text: the first of [`resolve_all`].
fn resolve(text: &str, rules: &DialingRules) -> Result<Resolved, NumberError> {
    resolve_all(text, rules)?
        .into_iter()
        .next()
        .ok_or_else(|| NumberError::NoNumber {
            excerpt: excerpt(text),
        })
}

/// Everything diallable in the text, best first (see [`find_all`]), never empty on success.
fn resolve_all(text: &str, rules: &DialingRules) -> Result<Vec<Resolved>, NumberError> {
    let desk = Desk::new(rules)?;
    let folded = fold(text);
    let no_number = || NumberError::NoNumber {
        excerpt: excerpt(text),
    };
    if folded.chars.iter().all(|c| c.is_whitespace()) {
        return Err(if folded.cut {
            no_number()
        } else {
            NumberError::Empty
        });
    }
    let found = scan(&folded);
    // One disguised number makes the whole selection suspect: the number the person means
    // may be the disguised one, and dialling another would be just as wrong.
    if let Some(item) = found.iter().find(|item| item.disguised) {
        return Err(NumberError::Disguised {
            excerpt: excerpt(&item.raw),
        });
    }
    if found.is_empty() {
        return Err(no_number());
    }

    // The whole selection is one number (perhaps with a label or brackets around it): its
    // verdict is final, including a short extension or an error that says what is wrong. A
    // `#123` with words around it is how people number orders and tickets, though.
    if found.len() == 1 {
        let words = words_around(&folded.chars, &found[0]);
        let secret = is_secret(&folded.chars, &found[0]);
        if words <= 1 && !(found[0].hash_label && words > 0) && !secret {
            return build_found(&found[0], &desk);
        }
    }

    let results: Vec<_> = found.iter().map(|item| build_found(item, &desk)).collect();
    let in_pieces = wrapped_pieces(&folded.chars, &found, &results);
    let mut outside: Vec<(bool, Resolved)> = Vec::new();
    let mut internal = Vec::new();
    let mut errors = Vec::new();
    let usable = found
        .iter()
        .zip(results)
        .zip(in_pieces)
        .filter(|((item, _), in_pieces)| !item.hash_label && !in_pieces)
        .map(|(pair, _)| pair);
    for (item, result) in usable {
        if is_secret(&folded.chars, item) {
            continue;
        }
        // A feature code after "code" stays a feature code.
        let label = label_before(&folded.chars, item.start).filter(|&l| l != Label::Secret);
        match result {
            Ok(pieces) => {
                for resolved in pieces {
                    if !resolved.target.internal {
                        let second_choice = label.is_some()
                            || (!item.from_uri && !written_in_full(&resolved.raw, &desk));
                        outside.push((second_choice, resolved));
                        continue;
                    }
                    // An internal number from prose needs a link, a feature code or at least
                    // three digits ("call extension 203"), so "room 12" is not dialled, and
                    // no label saying it is something else.
                    let dial = &resolved.target.dial;
                    let strong = item.from_uri || dial.contains(['*', '#']) || dial.len() >= 3;
                    if strong && label.is_none() {
                        internal.push(resolved);
                    }
                }
            }
            Err(err) => errors.push((item, err)),
        }
    }
    // Stable: text order within each rank.
    outside.sort_by_key(|(second_choice, _)| *second_choice);
    let mut all: Vec<Resolved> = Vec::new();
    for resolved in outside
        .into_iter()
        .map(|(_, resolved)| resolved)
        .chain(internal)
    {
        let duplicate = all.iter().any(|seen| {
            seen.target.e164 == resolved.target.e164
                && (seen.target.e164.is_some() || seen.target.dial == resolved.target.dial)
        });
        if !duplicate {
            all.push(resolved);
        }
    }
    if !all.is_empty() {
        return Ok(all);
    }
    // Report what is wrong with the most phone-like candidate.
    errors
        .into_iter()
        .find(|(item, err)| item.digit_count >= 7 || matches!(err, NumberError::NotANumber { .. }))
        .map_or_else(|| Err(no_number()), |(_, err)| Err(err))
}

/// Which candidates may be pieces of one number wrapped across lines (`416-555-⏎0123`,
/// `030 12345⏎67`): two neighbours with only spaces, separators and a line break between
/// them, unless both are valid outside numbers on their own (one number per line). Such
/// pieces are not offered at all: the first may be someone else's number, the second an
/// extension that does not exist.
fn wrapped_pieces(
    chars: &[char],
    found: &[Found],
    results: &[Result<Vec<Resolved>, NumberError>],
) -> Vec<bool> {
    let outside_only = |result: &Result<Vec<Resolved>, NumberError>| {
        result
            .as_ref()
            .is_ok_and(|pieces| pieces.iter().all(|resolved| !resolved.target.internal))
    };
    let mut in_pieces = vec![false; found.len()];
    for k in 1..found.len() {
        let between = chars
            .get(found[k - 1].end..found[k].start)
            .unwrap_or_default();
        let wrapped = between.iter().any(|&c| is_line_break(c))
            && between
                .iter()
                .all(|&c| c.is_whitespace() || is_separator(c));
        if wrapped && !(outside_only(&results[k - 1]) && outside_only(&results[k])) {
            in_pieces[k - 1] = true;
            in_pieces[k] = true;
        }
    }
    in_pieces
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{000B}' | '\u{000C}' | '\u{0085}' | '\u{2028}' | '\u{2029}'
    )
}

/// How many words the text has besides this number: a label (`Tel.:`, `Mobile`) is fine for
/// a selection that is "just the number".
fn words_around(chars: &[char], found: &Found) -> usize {
    let is_word = |w: &&[char]| !w.is_empty();
    let not_alphanumeric = |c: &char| !c.is_alphanumeric();
    chars[..found.start.min(chars.len())]
        .split(not_alphanumeric)
        .filter(is_word)
        .count()
        + chars[found.end.min(chars.len())..]
            .split(not_alphanumeric)
            .filter(is_word)
            .count()
}

/// A PIN or passcode, not a feature code (`Code *72` is one to dial).
fn is_secret(chars: &[char], found: &Found) -> bool {
    label_before(chars, found.start) == Some(Label::Secret) && !found.raw.starts_with(['*', '#'])
}

/// What the word in front of a number says about it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Label {
    /// A fax number: a phone number, but not one to talk to.
    Fax,
    /// An order, ticket, customer or account number, which may happen to be valid.
    Reference,
    /// A PIN, passcode or password: never dialled, which would also leave it in the phone
    /// system's call records.
    Secret,
}

const FAX_LABELS: [&str; 5] = ["fax", "telefax", "telecopie", "télécopie", "f"];

const REFERENCE_LABELS: [&str; 24] = [
    "order",
    "ticket",
    "invoice",
    "ref",
    "reference",
    "id",
    "account",
    "acct",
    "customer",
    "case",
    "booking",
    "confirmation",
    "tracking",
    "iban",
    "rechnung",
    "bestellung",
    "auftrag",
    "kundennummer",
    "kunde",
    "vorgang",
    "referenz",
    "commande",
    "facture",
    "dossier",
];

const SECRET_LABELS: [&str; 11] = [
    "pin", "passcode", "password", "passwort", "kennwort", "tan", "otp", "cvv", "cvc", "puk",
    "code",
];

/// Words that only say "number" (`No.`, `Nr.`): the label is the word before them
/// (`Order no.`, `Tel.-Nr.`).
const NUMBER_WORDS: [&str; 6] = ["no", "nr", "number", "nummer", "num", "numéro"];

/// The label in front of `start`, if it is one of the known ones: the word before it past
/// spaces and `:`, `.`, `-`, `#`, or the word before a "number" word.
fn label_before(chars: &[char], start: usize) -> Option<Label> {
    let mut k = start.min(chars.len());
    for _ in 0..2 {
        let mut colon = false;
        while k > 0 && (is_space(chars[k - 1]) || matches!(chars[k - 1], ':' | '.' | '-' | '#')) {
            k -= 1;
            colon |= chars[k] == ':';
        }
        let word_end = k;
        while k > 0 && chars[k - 1].is_alphabetic() {
            k -= 1;
        }
        if k == word_end || (k > 0 && chars[k - 1].is_alphanumeric()) {
            return None;
        }
        let word: String = chars[k..word_end].iter().collect::<String>().to_lowercase();
        let word = word.as_str();
        if NUMBER_WORDS.contains(&word) {
            continue;
        }
        // A lone "F" only with its colon ("T: … F: …"); "code" only right before the number
        // ("Area code 416" is rare in a selection, "Code: 4711" is not).
        return if FAX_LABELS.contains(&word) && (word != "f" || colon) {
            Some(Label::Fax)
        } else if REFERENCE_LABELS.contains(&word) {
            Some(Label::Reference)
        } else if SECRET_LABELS.contains(&word) {
            Some(Label::Secret)
        } else {
            None
        };
    }
    None
}

/// Whether a number is written the way people write a phone number in full: with `+` or an
/// international prefix, or nationally with the trunk prefix where that is `0` (Germany,
/// France, the UK…). Elsewhere (North America writes no trunk `1`) every valid number counts.
/// A bare valid digit group at a German desk is more often an order or customer number.
fn written_in_full(raw: &str, desk: &Desk<'_>) -> bool {
    if raw.trim_start_matches(['(', ' ']).starts_with('+') {
        return true;
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    if desk.international_prefix_len(&digits).is_some() {
        return true;
    }
    match desk.meta.national_prefix() {
        Some(trunk) if trunk.starts_with('0') => digits.starts_with(trunk),
        _ => true,
    }
}

/// How many pieces of one run of digit groups are classified at most while looking for two
/// numbers run together, so that long runs cannot stall the hotkey.
const MAX_PIECES_TRIED: usize = 48;

/// The numbers one piece of text holds: usually one, two when two numbers are written one
/// after the other (`030 1234567 030 7654321`), or the number after leading digits that are
/// not part of it (`Zimmer 12 030 1234567`).
fn build_found(found: &Found, desk: &Desk<'_>) -> Result<Vec<Resolved>, NumberError> {
    let candidate = found.parsed.as_ref().map_err(Clone::clone)?;
    let whole = build(candidate, desk, &found.raw);
    if found.from_uri || candidate.body.contains(['*', '#']) {
        return whole.map(|resolved| vec![resolved]);
    }
    let chars: Vec<char> = found.raw.chars().collect();
    let mut budget = MAX_PIECES_TRIED;
    let mut pieces = split_run(&chars, whole, desk, &mut budget)?;
    // The extension was written after the last number.
    if let Some(last) = pieces.last_mut() {
        last.target.extension.clone_from(&candidate.extension);
    }
    Ok(pieces)
}

/// Whether a piece of a run starts the way only a whole number starts: `+`, a bracket, or a
/// `0` (trunk or international prefix).
fn starts_whole(piece: &[char]) -> bool {
    piece.first().is_some_and(|&c| matches!(c, '0' | '+' | '('))
}

/// A piece of a run read and classified on its own, while the budget lasts.
fn build_piece(
    piece: &[char],
    desk: &Desk<'_>,
    budget: &mut usize,
) -> Option<Result<Resolved, NumberError>> {
    *budget = budget.checked_sub(1)?;
    let found = read_number(piece, &[], 0)?.found;
    let candidate = found.parsed.as_ref().ok()?;
    Some(build(candidate, desk, &found.raw))
}

/// Splits a run of digit groups (`whole` is its verdict as one number) at spaces:
///
/// * Numbering plans with variable lengths (Germany, Austria) can take two numbers run
///   together as one long valid number. A second group that starts the way only a whole
///   number starts (trunk `0`, `+`, a bracket) and is valid on its own, after a valid first
///   part, gives that away.
/// * A run that is not valid as a whole may start with digits that are no part of the number
///   (a year, a room, a time written with a dot): the number is the rest, if that starts like a
///   whole number and is valid. The dropped part must not look like the start of a number
///   itself (`+1 0171 1234567` is not a German mobile number).
///
/// A run is never shortened at its end: that could turn a mistyped number into another valid
/// one.
fn split_run(
    chars: &[char],
    whole: Result<Resolved, NumberError>,
    desk: &Desk<'_>,
    budget: &mut usize,
) -> Result<Vec<Resolved>, NumberError> {
    let cuts: Vec<usize> = (1..chars.len()).filter(|&k| is_space(chars[k])).collect();
    // The numbers `piece` holds, if it is a valid outside number on its own.
    let outside_numbers =
        |piece: &[char], budget: &mut usize| match build_piece(piece, desk, budget) {
            Some(Ok(resolved)) if !resolved.target.internal => {
                split_run(piece, Ok(resolved), desk, budget).ok()
            }
            _ => None,
        };
    for &cut in &cuts {
        let rest = trim_spaces(&chars[cut..]);
        if !starts_whole(rest) {
            continue;
        }
        let first = match build_piece(&chars[..cut], desk, budget) {
            Some(Ok(resolved)) if !resolved.target.internal => resolved,
            _ => continue,
        };
        if let Some(more) = outside_numbers(rest, budget) {
            return Ok(std::iter::once(first).chain(more).collect());
        }
    }
    let error = match whole {
        Ok(resolved) => return Ok(vec![resolved]),
        Err(error) => error,
    };
    for &cut in &cuts {
        let lead = &chars[..cut];
        if starts_whole(lead) || lead.contains(&'+') {
            break;
        }
        let rest = trim_spaces(&chars[cut..]);
        if starts_whole(rest) {
            if let Some(numbers) = outside_numbers(rest, budget) {
                return Ok(numbers);
            }
        }
    }
    Err(error)
}

fn trim_spaces(chars: &[char]) -> &[char] {
    let skip = chars.iter().take_while(|&&c| is_space(c)).count();
    &chars[skip..]
}

/// Builds the dial target for one candidate.
fn build(candidate: &Candidate, desk: &Desk<'_>, raw: &str) -> Result<Resolved, NumberError> {
    match classify(candidate, desk)? {
        Classified::Internal(dial) => Ok(Resolved {
            parts: vec![dial.clone()],
            target: DialTarget {
                // As typed, but a link (`tel:203`, `sip:203@pbx`) shows just its number.
                display: if raw.contains(':') {
                    dial.clone()
                } else {
                    raw.to_owned()
                },
                dial,
                e164: None,
                national: None,
                internal: true,
                extension: candidate.extension.clone(),
            },
            raw: raw.to_owned(),
        }),
        Classified::External(number) => {
            let invalid = || NumberError::Invalid {
                number: excerpt(raw),
            };
            let e164 = formatted(&number, Mode::E164).ok_or_else(invalid)?;
            // Some plans (Germany) allow national numbers so long that with the country code
            // they exceed the 15 digits E.164 allows; no network routes those.
            if e164.len() > MAX_E164_DIGITS + 1 {
                return Err(NumberError::TooLong {
                    number: excerpt(raw),
                });
            }
            let display = formatted(&number, Mode::International).ok_or_else(invalid)?;
            let national: String = formatted(&number, Mode::National)
                .ok_or_else(invalid)?
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            if national.is_empty() {
                return Err(invalid());
            }
            let code = number.code().value();
            let mut parts = Vec::with_capacity(3);
            let outside = desk.outside_line_prefix();
            if !outside.is_empty() {
                parts.push(outside.to_owned());
            }
            if code == desk.meta.country_code() {
                // North America shares +1 between countries: from the US, Toronto is
                // 1-416-…, never 011-1-416-….
                let other_nanp_country =
                    code == 1 && number.country().id().is_some_and(|id| id != desk.id);
                if other_nanp_country {
                    parts.push("1".to_owned());
                }
                parts.push(national.clone());
            } else {
                parts.push(format!("{}{code}", desk.international_prefix()));
                parts.push(number.national().to_string());
            }
            Ok(Resolved {
                target: DialTarget {
                    dial: parts.concat(),
                    display,
                    e164: Some(e164),
                    national: Some(national),
                    internal: false,
                    extension: candidate.extension.clone(),
                },
                parts,
                raw: raw.to_owned(),
            })
        }
    }
}

/// Formats with libphonenumber. Its `Display` reports an unknown country code as a
/// formatting error, which `to_string()` would turn into a panic; writing into a String
/// returns it instead.
fn formatted(number: &PhoneNumber, mode: Mode) -> Option<String> {
    let mut out = String::new();
    write!(out, "{}", number.format().mode(mode)).ok()?;
    Some(out)
}

enum Classified {
    Internal(String),
    External(PhoneNumber),
}

/// Decides what a cleaned-up candidate is, checking outside numbers against the numbering
/// plan. Only `+` and ASCII digits reach libphonenumber, which keeps its parser away from the
/// odd inputs it is known to stumble on.
fn classify(candidate: &Candidate, desk: &Desk<'_>) -> Result<Classified, NumberError> {
    let raw = excerpt(&candidate.raw);
    let body = candidate.body.as_str();
    if body.contains(['*', '#']) {
        if body.starts_with('+') {
            return Err(NumberError::Invalid { number: raw });
        }
        if body.len() > MAX_FEATURE_CODE {
            return Err(NumberError::TooLong { number: raw });
        }
        return Ok(Classified::Internal(body.to_owned()));
    }
    if let Some(digits) = body.strip_prefix('+') {
        let zero = candidate.paren_zero_at.and_then(|at| at.checked_sub(1));
        return international(digits, zero, &raw);
    }
    if body.len() <= MAX_INTERNAL_DIGITS && !candidate.vanity {
        // A short number in groups is a piece of a number (`55-0123`), a range of hours or a
        // local number without its area code, not an extension.
        if candidate.grouped {
            return Err(NumberError::TooShort { number: raw });
        }
        return Ok(Classified::Internal(body.to_owned()));
    }
    if let Some(len) = desk.international_prefix_len(body) {
        let zero = candidate.paren_zero_at.and_then(|at| at.checked_sub(len));
        return international(&body[len..], zero, &raw);
    }
    if body.len() > MAX_E164_DIGITS + 2 {
        return Err(NumberError::TooLong { number: raw });
    }
    let number = parse(Some(desk.id), body, &raw)?;
    if number.is_valid() {
        return Ok(Classified::External(number));
    }
    // A North American 7-digit local number, or the like elsewhere.
    let length = u16::try_from(number.national().to_string().len()).unwrap_or(u16::MAX);
    let local_only =
        !lengths(desk.meta).contains(&length) && local_lengths(desk.meta).contains(&length);
    if local_only && number.code().value() == desk.meta.country_code() {
        return Err(NumberError::MissingAreaCode { number: raw });
    }
    Err(length_problem(&number, raw))
}

/// A number written with its country code (`+` or an international prefix already removed).
/// `paren_zero_at` is the index in `digits` of a zero written as `(0)`.
fn international(
    digits: &str,
    paren_zero_at: Option<usize>,
    raw: &str,
) -> Result<Classified, NumberError> {
    let mut digits = digits.to_owned();
    // "+49 (0)30 …": the bracketed zero is the trunk prefix, dialled only from inside the
    // country. Dropped only when it follows the country code and that country's trunk
    // prefix really is 0: in Italy the 0 belongs to the number.
    if let Some(at) = paren_zero_at.filter(|&at| at > 0 && at < digits.len()) {
        let trunk_is_zero = digits[..at]
            .parse::<u16>()
            .ok()
            .and_then(main_meta_for_code)
            .is_some_and(|meta| meta.national_prefix() == Some("0"));
        if trunk_is_zero {
            digits.remove(at);
        }
    }
    if digits.len() < 3 {
        return Err(NumberError::TooShort {
            number: raw.to_owned(),
        });
    }
    if digits.len() > MAX_E164_DIGITS {
        return Err(NumberError::TooLong {
            number: raw.to_owned(),
        });
    }
    // Parsed without the desk's country: given one, the parser strips *that* country's trunk
    // prefix from a foreign number (a German desk would turn +39 06… into +39 6…).
    let number = parse(None, &format!("+{digits}"), raw)?;
    if number.is_valid() {
        Ok(Classified::External(number))
    } else {
        Err(length_problem(&number, raw.to_owned()))
    }
}

fn parse(country: Option<Id>, cleaned: &str, raw: &str) -> Result<PhoneNumber, NumberError> {
    use phonenumber::ParseError as P;
    let number = || raw.to_owned();
    phonenumber::parse(country, cleaned).map_err(|err| match err {
        P::InvalidCountryCode => NumberError::UnknownCountryCode { number: number() },
        P::TooLong | P::MalformedInteger(_) => NumberError::TooLong { number: number() },
        P::NoNumber | P::TooShortAfterIdd | P::TooShortNsn => {
            NumberError::TooShort { number: number() }
        }
    })
}

/// Names the problem with a number the numbering plan rejects: too short, too long, or the
/// right length but not a number in use.
fn length_problem(number: &PhoneNumber, raw: String) -> NumberError {
    let length = number.national().to_string().len();
    let possible = main_meta_for_code(number.code().value())
        .map(lengths)
        .unwrap_or_default();
    match (possible.first(), possible.last()) {
        (Some(&min), _) if length < usize::from(min) => NumberError::TooShort { number: raw },
        (_, Some(&max)) if length > usize::from(max) => NumberError::TooLong { number: raw },
        _ => NumberError::Invalid { number: raw },
    }
}

/// Country code (when written) and the remaining digits, for [`same_number`]'s loose match.
struct LooseKey {
    country_code: Option<u16>,
    digits: String,
}

fn loose_key(text: &str, desk: &Desk<'_>) -> Option<LooseKey> {
    let candidate = scan(&fold(text))
        .into_iter()
        .find_map(|found| found.parsed.ok())?;
    let body = candidate.body;
    if body.contains(['*', '#']) {
        return None;
    }
    let (international, zero) = match body.strip_prefix('+') {
        Some(digits) => (
            Some(digits.to_owned()),
            candidate.paren_zero_at.and_then(|at| at.checked_sub(1)),
        ),
        None => match desk.international_prefix_len(&body) {
            Some(len) => (
                Some(body[len..].to_owned()),
                candidate.paren_zero_at.and_then(|at| at.checked_sub(len)),
            ),
            None => (None, None),
        },
    };
    if let Some(mut digits) = international {
        let (code, meta) = (1..=3).filter(|&len| len < digits.len()).find_map(|len| {
            let code = digits[..len].parse::<u16>().ok()?;
            main_meta_for_code(code).map(|meta| (code, meta))
        })?;
        let code_len = code.to_string().len();
        let trunk_is_zero = meta.national_prefix() == Some("0");
        if trunk_is_zero && zero == Some(code_len) {
            digits.remove(code_len);
        }
        return Some(LooseKey {
            country_code: Some(code),
            digits: digits[code_len..].to_owned(),
        });
    }
    // Written nationally: drop the desk country's trunk prefix, as the numbering plan would.
    let digits = match desk.meta.national_prefix() {
        Some(trunk)
            if !trunk.is_empty() && body.starts_with(trunk) && body.len() > trunk.len() + 3 =>
        {
            body[trunk.len()..].to_owned()
        }
        _ => body,
    };
    (!digits.is_empty()).then_some(LooseKey {
        country_code: None,
        digits,
    })
}

// ---------------------------------------------------------------------------------------------
// Finding numbers in text.

/// A number-like piece of the text.
struct Found {
    /// Char positions in the scanned text.
    start: usize,
    end: usize,
    /// The piece as written, for messages and for showing internal numbers as typed.
    raw: String,
    digit_count: usize,
    from_uri: bool,
    parsed: Result<Candidate, NumberError>,
    /// `#123`: in prose, how people number orders and tickets rather than a feature code.
    hash_label: bool,
    /// Shown differently from what it holds: after a right-to-left override or mark, or
    /// written with digits from more than one script.
    disguised: bool,
}

/// A number with its formatting removed.
#[derive(Clone, Debug, Default)]
struct Candidate {
    raw: String,
    /// `+` (only first) then digits, `*`, `#`.
    body: String,
    /// Index in `body` of a zero written as `(0)`.
    paren_zero_at: Option<usize>,
    extension: Option<String>,
    /// Letters were turned into digits (`1-800-FLOWERS`).
    vanity: bool,
    /// The digits are written in more than one group (`9-17`, `55-0123`), which no one does
    /// with an extension.
    grouped: bool,
}

/// The searched part of a selection, folded (see [`fold`]).
struct Folded {
    chars: Vec<char>,
    /// For each char, the script its digit was written in: 0 for ASCII digits and their
    /// look-alikes (full-width, mathematical) and for anything that is not a digit, else one
    /// more than the index in [`DIGIT_ZEROS`].
    scripts: Vec<u8>,
    /// The selection goes on after `chars`: it is longer than [`MAX_SCAN_CHARS`].
    cut: bool,
}

/// First code point of each Unicode block of decimal digits read as digits.
const DIGIT_ZEROS: [u32; 7] = [0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0xFF10, 0x1D7CE];

/// Digit blocks that look like ASCII digits (full-width, mathematical bold): mixing them
/// with ASCII digits shows the same number.
const LATIN_LOOKING_DIGITS: [u32; 2] = [0xFF10, 0x1D7CE];

/// Invisible characters that make what follows them display right to left: the right-to-left
/// mark, the Arabic letter mark, and the right-to-left embedding, override and isolate. A
/// number after them can show its digits or digit groups in another order than it holds them
/// (`\u{202E}3210-555-614` shows as `416-555-0123`).
fn is_rtl_control(c: char) -> bool {
    matches!(
        c,
        '\u{200F}' | '\u{061C}' | '\u{202B}' | '\u{202E}' | '\u{2067}'
    )
}

/// Takes the first [`MAX_SCAN_CHARS`] characters and normalizes those that look like digits
/// or number punctuation but are not ASCII (full-width `０３０`, Arabic-Indic digits,
/// full-width `＋`). Invisible formatting characters that chat and office programs wrap around
/// numbers (left-to-right marks and embeddings, zero-width spaces, soft hyphens, the frame of
/// keycap emoji) are dropped, since the number shows as if they were not there; the
/// right-to-left ones are kept, as stops the scanner sees (see [`is_rtl_control`]).
fn fold(text: &str) -> Folded {
    let mut chars = Vec::with_capacity(text.len().min(MAX_SCAN_CHARS));
    let mut scripts = Vec::with_capacity(chars.capacity());
    let mut rest = text.chars();
    for c in rest.by_ref().take(MAX_SCAN_CHARS) {
        let code = u32::from(c);
        if let Some(zero) = DIGIT_ZEROS
            .iter()
            .find(|&&zero| (zero..zero + 10).contains(&code))
        {
            if let Some(digit) = char::from_digit(code - zero, 10) {
                chars.push(digit);
                let script = DIGIT_ZEROS.iter().position(|z| z == zero).unwrap_or(0);
                scripts.push(if LATIN_LOOKING_DIGITS.contains(zero) {
                    0
                } else {
                    u8::try_from(script + 1).unwrap_or(u8::MAX)
                });
            }
            continue;
        }
        let folded = match c {
            c if is_rtl_control(c) => c,
            c if is_invisible_format(c) => continue,
            '\u{FF0B}' | '\u{FE62}' | '\u{207A}' | '\u{208A}' | '\u{2795}' => '+',
            '\u{FF0A}' => '*',
            '\u{FF03}' => '#',
            '\u{FF08}' => '(',
            '\u{FF09}' => ')',
            _ => c,
        };
        chars.push(folded);
        scripts.push(0);
    }
    Folded {
        chars,
        scripts,
        cut: rest.next().is_some(),
    }
}

/// Invisible characters that only steer how text is shown: soft hyphens, zero-width spaces and
/// joiners, direction marks, embeddings, overrides and isolates, the byte order mark, and the
/// emoji presentation selectors and keycap frame (4️⃣ is a 4).
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{FE0E}'
            | '\u{FE0F}'
            | '\u{20E3}'
    )
}

/// Whether the digits in this part of the text come from more than one script.
fn mixes_scripts(folded: &Folded, start: usize, end: usize) -> bool {
    let mut seen = None;
    for k in start..end.min(folded.chars.len()) {
        if folded.chars[k].is_ascii_digit() {
            match seen {
                None => seen = Some(folded.scripts[k]),
                Some(script) if script != folded.scripts[k] => return true,
                Some(_) => {}
            }
        }
    }
    false
}

/// Marks drawn over or under the character before them (strike-through, accents). A digit
/// with one (`7̶`) is not a plain digit, and the number it belongs to not plainly written.
fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Letters and digits that make a word: a number cannot start or end glued to one. Scripts
/// written without spaces between words (Chinese, Japanese, Thai…) are not counted, so
/// `電話03-1234-5678です` still holds a number.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        && !matches!(
            c,
            '\u{0E00}'..='\u{0EFF}'
                | '\u{1000}'..='\u{109F}'
                | '\u{1780}'..='\u{17FF}'
                | '\u{2E80}'..='\u{9FFF}'
                | '\u{F900}'..='\u{FAFF}'
                | '\u{FF66}'..='\u{FF9F}'
                | '\u{20000}'..='\u{3FFFF}'
        )
}

fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'
            ..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// Formatting inside a number: spaces, dashes, dots, slashes and brackets.
fn is_separator(c: char) -> bool {
    is_space(c)
        || is_dash(c)
        || matches!(
            c,
            '.' | '/' | '(' | ')' | '[' | ']' | '\u{FF0E}' | '\u{FF0F}'
        )
}

/// Digits on a phone keypad, for vanity numbers.
fn keypad_digit(letter: char) -> Option<char> {
    Some(match letter.to_ascii_uppercase() {
        'A'..='C' => '2',
        'D'..='F' => '3',
        'G'..='I' => '4',
        'J'..='L' => '5',
        'M'..='O' => '6',
        'P'..='S' => '7',
        'T'..='V' => '8',
        'W'..='Z' => '9',
        _ => return None,
    })
}

/// Finds up to [`MAX_CANDIDATES`] numbers and links in the text, in order.
///
/// Left out: digits that are something else ([`not_numbers`]), numbers glued to a word
/// (`4165550123abc`, `1-800-Flowers`), and, when the selection was cut at
/// [`MAX_SCAN_CHARS`], a number that runs into the cut (its end may be missing; dialling the
/// part before the cut could reach someone else).
fn scan(folded: &Folded) -> Vec<Found> {
    let chars = &folded.chars;
    let masked = not_numbers(chars);
    let first_rtl_control = chars
        .iter()
        .position(|&c| is_rtl_control(c))
        .unwrap_or(usize::MAX);
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() && found.len() < MAX_CANDIDATES {
        let at_boundary =
            i == 0 || !(is_word_char(chars[i - 1]) || is_combining_mark(chars[i - 1]));
        if at_boundary && !masked[i] {
            let read = read_uri(chars, i).or_else(|| read_number(chars, &masked, i));
            if let Some(read) = read {
                i = read.found.end.max(i + 1);
                let maybe_cut_short = folded.cut && read.touches_end;
                if !read.glued && !maybe_cut_short {
                    let mut item = read.found;
                    item.disguised =
                        first_rtl_control < item.end || mixes_scripts(folded, item.start, item.end);
                    found.push(item);
                }
                continue;
            }
        }
        i += 1;
    }
    found
}

/// What a reader found at one place in the text.
struct Read {
    found: Found,
    /// The reader ran into the end of the searched text.
    touches_end: bool,
    /// Letters follow the number directly: it is part of a word or code.
    glued: bool,
}

/// Marks the characters that belong to something written with digits that is not a phone
/// number, so that no number starts in or runs through them, and a date can never lend its
/// digits to the number next to it:
///
/// * web and e-mail addresses, and IBANs;
/// * runs of digit groups joined by `.`, `/`, `-`, `:` or `,` without spaces that are dates
///   (`2025-06-15`, `15.06.2025`, `06/15/2025`, `15.06.25`, `15.06.`), times and anything else
///   with a colon between digits (`14:02`, `14:02:33.5+02:00`, `10.0.0.5:5060`), IP addresses,
///   amounts (`1,234.56`, `$12`, `12 €`, `10%`), hours (`14.30 Uhr`, `2 pm`), or that are
///   glued to a word (`v1.2.3`, `INV-2025-0012`, `DE89`);
/// * short dotted runs (`2.4.1`, `1.5`) and short dates (`6/15`, `06/2025`) when nothing
///   joins them to other digits: no extension is written with dots, but such a run may be the
///   start of a real number (`01/12 34 56` in Vienna), which must then not be dialled without it.
fn not_numbers(chars: &[char]) -> Vec<bool> {
    let mut masked = vec![false; chars.len()];
    mask_addresses(chars, &mut masked);
    mask_ibans(chars, &mut masked);
    let mut i = 0;
    while i < chars.len() {
        let starts_run = chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit());
        if !starts_run {
            i += 1;
            continue;
        }
        let run = DigitRun::read(chars, i);
        let next = match run.not_a_number(chars) {
            Some(end) => {
                let end = end.min(chars.len());
                masked[i..end].iter_mut().for_each(|m| *m = true);
                end.max(run.end)
            }
            None => run.end,
        };
        i = next.max(i + 1);
    }
    masked
}

/// Masks whitespace-separated words that are web addresses (`https://…`, `www.…`) or e-mail
/// addresses: digits in them (`/item/4165550123`) are ids, not numbers to call. Dial links
/// (`sip:203@pbx`, `callto://…`) are left to the link reader.
fn mask_addresses(chars: &[char], masked: &mut [bool]) {
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect::<String>().to_lowercase();
        let bare = word.trim_start_matches(|c: char| !c.is_alphanumeric());
        if SCHEMES.iter().any(|scheme| bare.starts_with(scheme)) {
            continue;
        }
        let web = word.contains("://") || bare.starts_with("www.");
        let email = word.split_once('@').is_some_and(|(user, host)| {
            user.chars().last().is_some_and(char::is_alphanumeric)
                && host.chars().next().is_some_and(char::is_alphanumeric)
                && host.contains('.')
        });
        if web || email {
            masked[start..i].iter_mut().for_each(|m| *m = true);
        }
    }
}

/// Masks IBANs: two capital letters, two check digits, then 11 to 30 letters and digits,
/// usually in groups of four (`DE89 3704 0044 0532 0130 00`).
fn mask_ibans(chars: &[char], masked: &mut [bool]) {
    let upper_or_digit = |c: &char| c.is_ascii_uppercase() || c.is_ascii_digit();
    for i in 0..chars.len().saturating_sub(3) {
        let starts = (i == 0 || !is_word_char(chars[i - 1]))
            && chars[i].is_ascii_uppercase()
            && chars[i + 1].is_ascii_uppercase()
            && chars[i + 2].is_ascii_digit()
            && chars[i + 3].is_ascii_digit();
        if !starts {
            continue;
        }
        let mut end = i + 4;
        let mut count = 4;
        loop {
            let group_start = if chars.get(end) == Some(&' ') {
                end + 1
            } else {
                end
            };
            let group = chars
                .get(group_start..)
                .unwrap_or_default()
                .iter()
                .take(4)
                .take_while(|c| upper_or_digit(c))
                .count();
            if group == 0 || count + group > 34 {
                break;
            }
            end = group_start + group;
            count += group;
        }
        let ends_word = !chars.get(end).copied().is_some_and(is_word_char);
        if (15..=34).contains(&count) && ends_word {
            masked[i..end].iter_mut().for_each(|m| *m = true);
        }
    }
}

/// Words after a number that make it a time of day or an hour: `14.30 Uhr`, `2 pm`.
const HOUR_WORDS: [&str; 7] = ["uhr", "h", "am", "pm", "a.m.", "p.m.", "o'clock"];

/// Currency codes written after amounts.
const CURRENCY_CODES: [&str; 8] = ["eur", "usd", "gbp", "chf", "cad", "aud", "jpy", "inr"];

fn is_currency_symbol(c: char) -> bool {
    matches!(c, '$' | '¢' | '£' | '¤' | '¥' | '\u{20A0}'..='\u{20C0}')
}

/// Digit groups joined by single `.`, `/`, `-`, `:` or `,` (no spaces): `2025-06-15`,
/// `14:02:33`, `1,234.56`, `192.168.1.50`.
struct DigitRun {
    start: usize,
    end: usize,
    /// Each group's digits, as positions.
    groups: Vec<(usize, usize)>,
    /// The character between each pair of groups, dashes and full-width forms as ASCII.
    seps: Vec<char>,
}

impl DigitRun {
    fn read(chars: &[char], start: usize) -> Self {
        let glue = |c: char| match c {
            '.' | '\u{FF0E}' => Some('.'),
            '/' | '\u{FF0F}' => Some('/'),
            ':' | '\u{FF1A}' => Some(':'),
            ',' | '\u{FF0C}' => Some(','),
            c if is_dash(c) => Some('-'),
            _ => None,
        };
        let mut groups = Vec::new();
        let mut seps = Vec::new();
        let mut k = start;
        loop {
            let group_start = k;
            while chars.get(k).is_some_and(char::is_ascii_digit) {
                k += 1;
            }
            groups.push((group_start, k));
            let joined = chars.get(k).copied().and_then(glue);
            match joined {
                Some(sep) if chars.get(k + 1).is_some_and(char::is_ascii_digit) => {
                    seps.push(sep);
                    k += 1;
                }
                _ => break,
            }
        }
        Self {
            start,
            end: k,
            groups,
            seps,
        }
    }

    fn len(&self, group: usize) -> usize {
        let (start, end) = self.groups[group];
        end - start
    }

    /// The group's value; groups too long to matter as a date part count as `u32::MAX`.
    fn value(&self, chars: &[char], group: usize) -> u32 {
        let (start, end) = self.groups[group];
        if end - start > 9 {
            return u32::MAX;
        }
        chars[start..end]
            .iter()
            .fold(0, |value, c| value * 10 + c.to_digit(10).unwrap_or(0))
    }

    fn digits(&self) -> usize {
        (0..self.groups.len()).map(|g| self.len(g)).sum()
    }

    /// Where the text that is not a phone number ends, if this run is such text.
    fn not_a_number(&self, chars: &[char]) -> Option<usize> {
        let n = self.groups.len();
        let before = |back: usize| self.start.checked_sub(back).map(|k| chars[k]);
        let value = |g: usize| self.value(chars, g);
        let all_seps = |sep: char| !self.seps.is_empty() && self.seps.iter().all(|&s| s == sep);
        let year = |g: usize| self.len(g) == 4 && (1900..=2099).contains(&value(g));
        let day_month = |a: u32, b: u32| {
            ((1..=31).contains(&a) && (1..=12).contains(&b))
                || ((1..=12).contains(&a) && (1..=31).contains(&b))
        };
        let short = |g: usize| self.len(g) <= 2;

        // A colon between digits: times (with seconds, fractions and a UTC offset), ratios,
        // ports. No phone number is written with one.
        if self.seps.contains(&':') {
            return Some(utc_offset_end(chars, self.end));
        }
        // Whether other digit groups are written next to this run, with a space between.
        let joined_before = before(1).is_some_and(is_space)
            && before(2).is_some_and(|c| c.is_ascii_digit() || c == ')');
        let joined_after = chars.get(self.end).copied().is_some_and(is_space)
            && chars
                .get(self.end + 1)
                .is_some_and(|&c| c.is_ascii_digit() || matches!(c, '(' | '+'));
        if let Some(end) = hour_word_end(chars, self.end) {
            if n <= 2 && short(0) && !joined_before {
                return Some(end);
            }
        }
        // Glued to a word: `v1.2.3`, `DE89`, `x123`, `INV-2025-0012`, `item/4165550123`.
        let glued_to_word = before(1).is_some_and(is_word_char)
            || (before(1).is_some_and(|c| is_dash(c) || matches!(c, '/' | '_'))
                && before(2).is_some_and(is_word_char));
        if glued_to_word {
            return Some(self.end);
        }
        // Money and shares: `$12`, `€ 12`, `12 €`, `12 EUR`, `10%`, or digits grouped in
        // thousands or with a decimal comma (`1,234.56`, `1.234,56`, `12,50`).
        let after_space = |k: usize| {
            if chars.get(k).copied().is_some_and(is_space) {
                k + 1
            } else {
                k
            }
        };
        let currency_before = before(1).is_some_and(is_currency_symbol)
            || (before(1).is_some_and(is_space) && before(2).is_some_and(is_currency_symbol));
        let next = after_space(self.end);
        let currency_after = chars.get(next).copied().is_some_and(is_currency_symbol)
            || chars.get(self.end) == Some(&'%')
            || CURRENCY_CODES
                .iter()
                .any(|code| whole_word_at(chars, next, code));
        let comma_grouped = self
            .seps
            .iter()
            .enumerate()
            .any(|(k, &sep)| sep == ',' && self.len(k) < 4 && self.len(k + 1) < 4);
        if currency_before || currency_after || comma_grouped {
            return Some(self.end);
        }
        if before(1) == Some('+') {
            return None;
        }
        // IPv4 addresses, with a prefix length: `192.168.1.50`, `10.0.0.0/8`.
        let octet = |g: usize| {
            (1..=3).contains(&self.len(g))
                && value(g) <= 255
                && (self.len(g) == 1 || chars[self.groups[g].0] != '0')
        };
        let ip = (n == 4 || (n == 5 && self.seps[3] == '/'))
            && self.seps[..3].iter().all(|&s| s == '.')
            && (0..4).all(octet);
        if ip {
            return Some(self.end);
        }
        // Dates with a year: 2025-06-15, 15.06.2025, 06/15/2025, 15.06.25, 6/15/25.
        if n == 3 && (all_seps('-') || all_seps('.') || all_seps('/')) {
            let ymd = year(0)
                && short(1)
                && short(2)
                && (1..=12).contains(&value(1))
                && (1..=31).contains(&value(2));
            let dmy = short(0)
                && short(1)
                && day_month(value(0), value(1))
                && (year(2) || self.len(2) == 2);
            if ymd || dmy {
                return Some(self.end);
            }
        }
        // A German date without its year: `15.06.` (the dot after it tells).
        if n == 2
            && all_seps('.')
            && short(0)
            && short(1)
            && day_month(value(0), value(1))
            && chars.get(self.end) == Some(&'.')
            && !chars.get(self.end + 1).is_some_and(char::is_ascii_digit)
        {
            return Some(self.end + 1);
        }
        // Weaker signs, only for a run that stands alone.
        if joined_before || joined_after {
            return None;
        }
        let short_date = n == 2
            && (all_seps('/') || all_seps('.'))
            && short(0)
            && ((short(1) && day_month(value(0), value(1)))
                || ((1..=12).contains(&value(0)) && year(1)));
        let dotted_short = self.seps.contains(&'.') && self.digits() <= MAX_INTERNAL_DIGITS;
        (short_date || dotted_short).then_some(self.end)
    }
}

/// Whether `word` (lower case) is written at `at`, not followed by more letters.
fn whole_word_at(chars: &[char], at: usize, word: &str) -> bool {
    starts_with_ignore_case(chars, at, word)
        && !chars
            .get(at + word.chars().count())
            .copied()
            .is_some_and(char::is_alphabetic)
}

/// Where an hour word (`Uhr`, `pm`, see [`HOUR_WORDS`]) after a number ends, if there is one.
fn hour_word_end(chars: &[char], end: usize) -> Option<usize> {
    let at = if chars.get(end).copied().is_some_and(is_space) {
        end + 1
    } else {
        end
    };
    HOUR_WORDS
        .iter()
        .find(|word| whole_word_at(chars, at, word))
        .map(|word| at + word.chars().count())
}

/// Where a UTC offset written right after a time ends (`Z`, `+02:00`, `-0500`, `+02`), or
/// `end` when there is none.
fn utc_offset_end(chars: &[char], end: usize) -> usize {
    let digits_from = |k: usize| {
        chars
            .get(k..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    match chars.get(end) {
        Some('Z' | 'z') if !chars.get(end + 1).copied().is_some_and(is_word_char) => end + 1,
        Some(&sign) if sign == '+' || is_dash(sign) => {
            let hours = digits_from(end + 1);
            if hours == 4 {
                return end + 5;
            }
            if hours != 2 {
                return end;
            }
            let after_hours = end + 3;
            if chars.get(after_hours) == Some(&':') && digits_from(after_hours + 1) == 2 {
                after_hours + 3
            } else {
                after_hours
            }
        }
        _ => end,
    }
}

/// Schemes of links that carry a number.
const SCHEMES: [&str; 4] = ["tel:", "callto:", "sips:", "sip:"];

/// Whether `text` is a dial link (`tel:`, `callto:`, `sip:`, `sips:`, any case), as desktops
/// hand them to the app that handles those schemes.
pub fn is_dial_link(text: &str) -> bool {
    let lower = text.trim().to_ascii_lowercase();
    SCHEMES.iter().any(|scheme| lower.starts_with(scheme))
}

fn starts_with_ignore_case(chars: &[char], at: usize, word: &str) -> bool {
    let mut k = at;
    for w in word.chars() {
        match chars.get(k) {
            Some(c) if c.eq_ignore_ascii_case(&w) => k += 1,
            _ => return false,
        }
    }
    true
}

/// Reads a `tel:`, `callto:`, `sip:` or `sips:` link: `tel:+1-416-555-0123;ext=12`,
/// `sip:203@pbx.local`, `callto://+4930123456`, percent-encoding included.
fn read_uri(chars: &[char], start: usize) -> Option<Read> {
    let scheme = SCHEMES
        .iter()
        .find(|s| starts_with_ignore_case(chars, start, s))?;
    let is_sip = scheme.starts_with("sip");
    let body_start = start + scheme.len();
    let end = (body_start..chars.len())
        .find(|&k| chars[k].is_whitespace() || matches!(chars[k], '<' | '>' | '"' | '\'' | '`'))
        .unwrap_or(chars.len());
    let token: String = chars[body_start..end].iter().collect();
    // `Tel: 030 …` and `Tel:030 1234567` are labels in front of a number written with spaces
    // (a link has none): read the number, not a link to `030`.
    let label = token.is_empty()
        || (!is_sip
            && token.trim_start_matches('+').len() <= 5
            && token
                .trim_start_matches('+')
                .chars()
                .all(|c| c.is_ascii_digit())
            && chars.get(end).copied().is_some_and(is_space)
            && chars
                .get(end + 1)
                .is_some_and(|&c| c.is_ascii_digit() || c == '('));
    if label {
        return None;
    }
    let raw: String = chars[start..end].iter().collect();
    let decoded = percent_encoding::percent_decode_str(&token).decode_utf8_lossy();
    let decoded: String = fold(decoded.trim_start_matches('/'))
        .chars
        .into_iter()
        .collect();

    // The number is the user part of a SIP address, the whole of a tel: or callto: link;
    // `;parameters` and `?headers` follow it.
    let user = if is_sip {
        decoded.split('@').next().unwrap_or_default()
    } else {
        decoded.as_str()
    };
    let mut pieces = user.split(';');
    let number_part = pieces.next().unwrap_or_default();
    let number_part = number_part.split('?').next().unwrap_or_default();
    let mut extension = None;
    let mut context = None;
    for param in pieces.chain(
        decoded
            .split('@')
            .nth(1)
            .into_iter()
            .flat_map(|host| host.split(';').skip(1)),
    ) {
        let (key, value) = param.split_once('=').unwrap_or((param, ""));
        let value = value.split('?').next().unwrap_or_default();
        match key.trim().to_ascii_lowercase().as_str() {
            "ext" | "extension"
                if !value.is_empty() && value.chars().all(|c| c.is_ascii_digit()) =>
            {
                extension = Some(value.to_owned());
            }
            "phone-context" if value.starts_with('+') => context = Some(value.to_owned()),
            _ => {}
        }
    }

    let mut candidate = Candidate {
        raw: raw.clone(),
        extension,
        ..Candidate::default()
    };
    let mut digit_count = 0;
    let mut has_other = false;
    for c in number_part.chars() {
        match c {
            '0'..='9' => {
                digit_count += 1;
                candidate.body.push(c);
            }
            '+' if candidate.body.is_empty() => candidate.body.push('+'),
            '*' | '#' => candidate.body.push(c),
            c if is_separator(c) => {}
            _ => has_other = true,
        }
    }
    // tel:03-331-6005;phone-context=+64 is a national number of the context's country.
    if let Some(context) = context {
        if !candidate.body.starts_with('+') && !candidate.body.contains(['*', '#']) {
            let code: String = context.chars().filter(char::is_ascii_digit).collect();
            candidate.body = format!("+{code}{}", candidate.body);
        }
    }
    let parsed = if has_other || digit_count == 0 {
        Err(NumberError::NotANumber {
            address: excerpt(&raw),
        })
    } else {
        Ok(candidate)
    };
    Some(Read {
        found: Found {
            start,
            end,
            raw,
            digit_count,
            from_uri: true,
            parsed,
            hash_label: false,
            disguised: false,
        },
        touches_end: end == chars.len(),
        glued: false,
    })
}

/// Whether a number starts here: a digit, or `+`, `(`, `*`, `#` leading to one.
fn number_starts_at(chars: &[char], i: usize) -> bool {
    let next_is = |k: usize, f: &dyn Fn(char) -> bool| chars.get(k).copied().is_some_and(f);
    match chars[i] {
        '0'..='9' => true,
        '+' => {
            next_is(i + 1, &|c| c.is_ascii_digit() || c == '(')
                || (next_is(i + 1, &is_space) && next_is(i + 2, &|c| c.is_ascii_digit()))
        }
        '(' => next_is(i + 1, &|c| c.is_ascii_digit() || c == '+'),
        '*' | '#' => next_is(i + 1, &|c| c.is_ascii_digit() || c == '*' || c == '#'),
        _ => false,
    }
}

/// Reads a written number starting at `start`, with its formatting and an extension after
/// it. Stops at anything that cannot be part of a number: words, commas, line breaks, tabs,
/// a second `+`, and `masked` characters (dates, times… see [`not_numbers`]; positions past
/// its end count as not masked).
fn read_number(chars: &[char], masked: &[bool], start: usize) -> Option<Read> {
    if !number_starts_at(chars, start) {
        return None;
    }
    let mut candidate = Candidate::default();
    let mut digit_count = 0;
    let mut k = start;
    let mut last_significant = start;
    let mut separators_in_a_row = 0;
    if chars[k] == '+' {
        candidate.body.push('+');
        k += 1;
        last_significant = k;
    }
    while let Some(&c) = chars.get(k) {
        if masked.get(k).copied().unwrap_or(false) {
            break;
        }
        match c {
            '0'..='9' => {
                candidate.body.push(c);
                digit_count += 1;
                k += 1;
            }
            '*' | '#' => {
                candidate.body.push(c);
                k += 1;
            }
            // "(+49) 30 …"
            '+' if candidate.body.is_empty() => {
                candidate.body.push(c);
                k += 1;
            }
            // "(0)": the trunk prefix written inside an international number.
            '(' if chars.get(k + 1) == Some(&'0') && chars.get(k + 2) == Some(&')') => {
                candidate.paren_zero_at = Some(candidate.body.len());
                candidate.body.push('0');
                digit_count += 1;
                k += 3;
            }
            // Vanity letters, joined by a dash to a number: 1-800-FLOWERS.
            'A'..='Z' if digit_count >= 3 && k > 0 && is_dash(chars[k - 1]) => {
                let run = chars[k..]
                    .iter()
                    .take_while(|c| c.is_ascii_uppercase())
                    .count();
                let followed_by_letter = chars.get(k + run).is_some_and(|c| c.is_alphanumeric());
                // `416-555-OIOO` shows as 416-555-0100 but would dial 416-555-6466.
                let looks_like_digits = chars[k..k + run].iter().all(|&l| matches!(l, 'O' | 'I'));
                if run < 2 || followed_by_letter || looks_like_digits {
                    break;
                }
                candidate
                    .body
                    .extend(chars[k..k + run].iter().filter_map(|&l| keypad_digit(l)));
                candidate.vanity = true;
                digit_count += run;
                k += run;
            }
            c if is_separator(c) && separators_in_a_row < 3 => {
                separators_in_a_row += 1;
                k += 1;
                continue;
            }
            _ => break,
        }
        separators_in_a_row = 0;
        last_significant = k;
    }
    let ran_out = k >= chars.len();
    if digit_count == 0 {
        return None;
    }
    let mut end = last_significant;
    let extension = read_extension(chars, end);
    // Letters right after the number, or after a dash: `4165550123abc`, `1-800-Flowers`; or a
    // digit that is not read as one (`030 123456⁷`) or a mark over the last digit (`7̶`): the
    // number shown is not the one that would be dialled. An extension marker without its
    // digits (`416-555-0123x`) is not a word.
    let letter_at = |k: usize| {
        chars
            .get(k)
            .is_some_and(|&c| is_word_char(c) || is_combining_mark(c))
    };
    let bare_marker = EXTENSION_MARKERS
        .iter()
        .any(|marker| whole_word_at(chars, end, marker));
    let glued = extension.is_none()
        && !bare_marker
        && (letter_at(end) || (chars.get(end).copied().is_some_and(is_dash) && letter_at(end + 1)));
    if let Some((extension, ext_end)) = extension {
        candidate.extension = Some(extension);
        end = ext_end;
    }
    candidate.raw = chars[start..last_significant].iter().collect();
    candidate.grouped = candidate
        .raw
        .trim_matches(['(', ')'])
        .chars()
        .any(|c| !c.is_ascii_digit());
    let hash_label = candidate
        .body
        .strip_prefix('#')
        .is_some_and(|rest| !rest.contains(['*', '#']));
    Some(Read {
        found: Found {
            start,
            end,
            raw: candidate.raw.clone(),
            digit_count,
            from_uri: false,
            parsed: Ok(candidate),
            hash_label,
            disguised: false,
        },
        touches_end: ran_out || end >= chars.len(),
        glued,
    })
}

/// Extension markers written after a number, longest first.
const EXTENSION_MARKERS: [&str; 9] = [
    "extension",
    "durchwahl",
    "poste",
    "extn.",
    "extn",
    "ext.",
    "ext",
    ";ext=",
    "x",
];

/// Reads an extension after a number: `x123`, `ext. 123`, `, extension 123`, `;ext=123`.
fn read_extension(chars: &[char], from: usize) -> Option<(String, usize)> {
    let mut k = from;
    let mut skipped = 0;
    while chars.get(k).is_some_and(|&c| is_space(c) || c == ',') && skipped < 3 {
        k += 1;
        skipped += 1;
    }
    let marker = EXTENSION_MARKERS
        .iter()
        .find(|m| starts_with_ignore_case(chars, k, m))?;
    k += marker.chars().count();
    if chars.get(k).is_some_and(|c| c.is_alphabetic()) {
        return None;
    }
    while chars
        .get(k)
        .is_some_and(|&c| is_space(c) || matches!(c, '.' | ':' | '='))
    {
        k += 1;
    }
    let digits: String = chars[k.min(chars.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let followed_by_word = chars
        .get(k + digits.len())
        .is_some_and(|c| c.is_alphanumeric());
    if digits.is_empty() || digits.len() > 7 || followed_by_word {
        return None;
    }
    let end = k + digits.len();
    Some((digits, end))
}

/// A short, single-line, printable excerpt of user text for messages: selections can be long,
/// hold line breaks or control characters, and invisible direction overrides that would turn
/// the message around.
fn excerpt(text: &str) -> String {
    let visible: String = text.chars().filter(|&c| !is_invisible_format(c)).collect();
    let mut out = String::new();
    let mut count = 0;
    let mut truncated = false;
    for word in visible.split(|c: char| c.is_whitespace() || c.is_control()) {
        if word.is_empty() {
            continue;
        }
        for c in (!out.is_empty())
            .then_some(' ')
            .into_iter()
            .chain(word.chars())
        {
            if count == EXCERPT_CHARS {
                truncated = true;
                break;
            }
            out.push(c);
            count += 1;
        }
        if truncated {
            break;
        }
    }
    if truncated {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(country: &str, outside: &str, international: &str) -> DialingRules {
        DialingRules {
            country: country.to_owned(),
            outside_line_prefix: outside.to_owned(),
            international_prefix: international.to_owned(),
        }
    }

    #[test]
    fn scanner_finds_numbers_and_extensions() {
        let found = scan(&fold("call me at +1 (416) 555-0123 or 555-0199"));
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].raw, "+1 (416) 555-0123");
        assert_eq!(found[1].raw, "555-0199");

        let found = scan(&fold("555-0123, ext. 12 please"));
        assert_eq!(found.len(), 1);
        let candidate = found[0].parsed.as_ref().expect("parsed");
        assert_eq!(candidate.extension.as_deref(), Some("12"));
    }

    /// The masked part of `text`, as `^` under each masked char.
    fn mask_of(text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        not_numbers(&chars)
            .into_iter()
            .map(|masked| if masked { '^' } else { ' ' })
            .collect::<String>()
            .trim_end()
            .to_owned()
    }

    #[test]
    fn masks_cover_exactly_what_is_not_a_number() {
        for (text, mask) in [
            ("2025-06-15T14:02:00+02:00 416", "^^^^^^^^^^ ^^^^^^^^^^^^^^"),
            ("[15.06.25 14:02] 030", " ^^^^^^^^ ^^^^^"),
            ("am 15.06. 030 1234567", "   ^^^^^^"),
            ("$1,234.56 or 12 € or 10%", " ^^^^^^^^    ^^      ^^"),
            ("10.0.0.5:5060 v1.2.3", "^^^^^^^^^^^^^  ^^^^^"),
            ("14.30 Uhr 030", "^^^^^^^^^"),
            // Short runs stand alone, or they are read with the digits next to them.
            ("2.4.1", "^^^^^"),
            ("01/12 34 56", ""),
            ("030 123-45 01.23.45.67.89 416.555.0123", ""),
        ] {
            assert_eq!(mask_of(text), mask, "{text:?}");
        }
    }

    #[test]
    fn preview_shows_each_prefix() {
        assert_eq!(
            preview("+49 (0)30 123-45", &rules("AT", "0", "")),
            "+49 (0)30 123-45 → dials 0 0049 3012345"
        );
        assert_eq!(
            preview("203", &rules("US", "9", "")),
            "203 → dials 203 (internal, no outside line)"
        );
        assert_eq!(
            preview("  ", &rules("US", "", "")),
            "Nothing to dial: no text was selected"
        );
    }

    #[test]
    fn rules_are_validated() {
        assert!(rules("de", "0", "").validate().is_ok());
        assert!(matches!(
            rules("XX", "", "").validate(),
            Err(NumberError::UnknownCountry { .. })
        ));
        assert!(matches!(
            rules("US", "9a", "").validate(),
            Err(NumberError::BadOutsideLinePrefix { .. })
        ));
        assert!(matches!(
            rules("US", "", "+00").validate(),
            Err(NumberError::BadInternationalPrefix { .. })
        ));
    }

    #[test]
    fn display_of_callers() {
        let us = rules("US", "9", "");
        assert_eq!(format_for_display("2125550199", &us), "(212) 555-0199");
        assert_eq!(format_for_display("+4930123456", &us), "+49 30 123456");
        assert_eq!(format_for_display(" anonymous ", &us), "anonymous");
        assert_eq!(format_for_display("203", &us), "203");
        let de = rules("DE", "0", "");
        assert_eq!(format_for_display("004930123456", &de), "030 123456");
    }

    #[test]
    fn same_number_despite_formats() {
        let de = rules("DE", "0", "");
        assert!(same_number("+49 30 1234", "0049301234", &de));
        assert!(same_number("+49 30 1234", "030 1234", &de));
        assert!(same_number("+49 30 1234567", "030/123 45 67", &de));
        assert!(!same_number("+49 30 1234567", "+49 40 1234567", &de));
        assert!(!same_number("203", "204", &de));
        assert!(same_number("203", "203", &de));
        let us = rules("US", "", "");
        assert!(same_number("+1 (416) 555-0123", "14165550123", &us));
        assert!(!same_number("+1 416 555 0123", "+44 416 555 0123", &us));
        assert!(!same_number("", "", &us));
    }

    #[test]
    fn excerpts_are_short_and_single_line() {
        assert_eq!(excerpt("a\n\tb"), "a b");
        let long = "x".repeat(100);
        assert_eq!(excerpt(&long).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn links_to_internal_numbers_show_just_the_number() {
        let rules = DialingRules::default();
        for link in ["tel:203", "sip:203@pbx.local", "callto:203"] {
            let target = normalize(link, &rules).expect(link);
            assert_eq!(
                (target.dial.as_str(), target.display.as_str()),
                ("203", "203"),
                "{link}"
            );
        }
        assert_eq!(normalize("*97", &rules).expect("code").display, "*97");
    }

    #[test]
    fn dial_links_are_recognised_in_any_case() {
        for link in [
            "tel:+14165550123",
            "TEL:203",
            "callto://203",
            "sip:203@pbx",
            "sips:1@x",
        ] {
            assert!(is_dial_link(link), "{link}");
        }
        for arg in ["--demo", "203", "http://x", "", "telephone"] {
            assert!(!is_dial_link(arg), "{arg}");
        }
    }
}
