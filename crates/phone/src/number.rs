//! From what people paste to what the desk phone dials.
//!
//! Numbers reach callpop in every shape: `+49 (0)30 123-45` from an e-mail signature,
//! `(555) 010-0199` from a web page, `tel:` and `sip:` links, a whole sentence with two numbers
//! in it, or an extension like `203`. Tools that get this wrong are a steady source of
//! complaints: a stripped `+`, a leftover `(0)`, zeros removed naively, a missing outside-line
//! `0`/`9`. So this module:
//!
//! * finds the *first* phone number in the text, ignoring prose around it,
//! * removes formatting only (spaces of every kind, dashes, dots, brackets, URI syntax),
//!   never a `+` and never a zero unless the numbering plan says it is a trunk prefix,
//! * lets libphonenumber's data (the `phonenumber` crate) decide what the number is,
//! * and builds the dial string from explicit [`DialingRules`], so the settings page can show
//!   exactly what will be dialled ([`preview`]).
//!
//! Internal numbers and feature codes (`203`, `*97`, `#31#`, `*72 5551234`) never get an
//! outside-line or international prefix: they are dialled as typed.

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

/// Only this much of a selection is searched: a number is near the start of what people
/// select, and a whole pasted document must not stall the hotkey.
const MAX_SCAN_CHARS: usize = 4096;

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

/// Turns pasted or selected text into what the phone dials.
///
/// Takes the first phone number in `text`. In prose the first *valid outside* number wins
/// over short digit groups before it (room numbers, dates, order numbers are everywhere in
/// prose); a short internal number is only taken from prose when there is nothing better.
pub fn normalize(text: &str, rules: &DialingRules) -> Result<DialTarget, NumberError> {
    resolve(text, rules).map(|resolved| resolved.target)
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

fn resolve(text: &str, rules: &DialingRules) -> Result<Resolved, NumberError> {
    let desk = Desk::new(rules)?;
    let folded = fold(text);
    let trimmed = folded.trim();
    if trimmed.is_empty() {
        return Err(NumberError::Empty);
    }
    let found = scan(trimmed);
    let no_number = || NumberError::NoNumber {
        excerpt: excerpt(text),
    };
    if found.is_empty() {
        return Err(no_number());
    }

    // The whole selection is one number (perhaps with a label or brackets around it): its
    // verdict is final, including a short extension or an error that says what is wrong.
    let alone = found.len() == 1 && is_only_number(trimmed, &found[0]);
    if alone {
        return build_found(&found[0], &desk);
    }

    let mut results = Vec::with_capacity(found.len());
    for item in &found {
        let result = build_found(item, &desk);
        if let Ok(resolved) = &result {
            if !resolved.target.internal {
                return result;
            }
        }
        results.push((item, result));
    }
    // No outside number: an internal one from a link or with a feature code or of at least
    // three digits ("call extension 203"), but not "room 12".
    for (item, result) in &results {
        if let Ok(resolved) = result {
            let strong = item.from_uri
                || resolved.target.dial.contains(['*', '#'])
                || resolved.target.dial.len() >= 3;
            if strong {
                return Ok(Resolved {
                    target: resolved.target.clone(),
                    parts: resolved.parts.clone(),
                    raw: resolved.raw.clone(),
                });
            }
        }
    }
    // Report what is wrong with the most phone-like candidate.
    results
        .into_iter()
        .filter_map(|(item, result)| result.err().map(|err| (item, err)))
        .find(|(item, err)| item.digit_count >= 7 || matches!(err, NumberError::NotANumber { .. }))
        .map_or_else(|| Err(no_number()), |(_, err)| Err(err))
}

/// Whether the text is just this number, perhaps with a short label (`Tel.:`, `Mobile`) or
/// quotes and brackets around it.
fn is_only_number(text: &str, found: &Found) -> bool {
    let before: String = text.chars().take(found.start).collect();
    let after: String = text.chars().skip(found.end).collect();
    let words = before
        .split(|c: char| !c.is_alphanumeric())
        .chain(after.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .count();
    words <= 1
}

/// Builds the dial target for a piece of text; when it is not a valid number, tries whether
/// it is two numbers written one after the other (`030 1234567 030 7654321`) and takes the
/// first.
fn build_found(found: &Found, desk: &Desk<'_>) -> Result<Resolved, NumberError> {
    let candidate = found.parsed.as_ref().map_err(Clone::clone)?;
    let whole = build(candidate, desk, &found.raw);
    if found.from_uri || candidate.body.contains(['*', '#']) {
        return whole;
    }
    let chars: Vec<char> = found.raw.chars().collect();
    let outside = |piece: &[char]| {
        read_number(piece, 0)
            .and_then(|item| build(item.parsed.as_ref().ok()?, desk, &item.raw).ok())
            .filter(|resolved| !resolved.target.internal)
    };
    let cuts = || (1..chars.len()).filter(|&k| is_space(chars[k]));
    match whole {
        // Numbering plans with variable lengths (Germany, Austria) can take two numbers run
        // together as one long valid number. A second group that starts the way only a whole
        // number starts (trunk 0, +) and is valid on its own gives that away.
        Ok(resolved) => {
            for cut in cuts() {
                let rest = &chars[cut + 1..];
                let starts_number = rest.first().is_some_and(|&c| matches!(c, '0' | '+' | '('));
                if starts_number && outside(rest).is_some() {
                    if let Some(first) = outside(&chars[..cut]) {
                        return Ok(first);
                    }
                }
            }
            Ok(resolved)
        }
        // Cut at the first space that leaves a valid number before it; the rest must look like
        // a whole number too (7 digits or more), so that a typo never shortens one number
        // into another valid one.
        Err(error) => {
            for cut in cuts() {
                let rest_digits = chars[cut..].iter().filter(|c| c.is_ascii_digit()).count();
                if rest_digits >= 7 {
                    if let Some(first) = outside(&chars[..cut]) {
                        return Ok(first);
                    }
                }
            }
            Err(error)
        }
    }
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
}

/// Normalizes characters that look like digits or number punctuation but are not ASCII
/// (full-width `０３０`, Arabic-Indic digits, full-width `＋`), and drops invisible
/// formatting characters that chat and office programs wrap around numbers (bidi marks,
/// zero-width spaces, soft hyphens).
fn fold(text: &str) -> String {
    /// First code point of each Unicode block of decimal digits handled here.
    const DIGIT_ZEROS: [u32; 7] = [0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0xFF10, 0x1D7CE];
    text.chars()
        .take(MAX_SCAN_CHARS)
        .filter_map(|c| {
            let code = u32::from(c);
            if let Some(zero) = DIGIT_ZEROS
                .iter()
                .find(|&&zero| (zero..zero + 10).contains(&code))
            {
                return char::from_digit(code - zero, 10);
            }
            match c {
                '\u{00AD}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}' => None,
                '\u{FF0B}' => Some('+'),
                '\u{FF0A}' => Some('*'),
                '\u{FF03}' => Some('#'),
                '\u{FF08}' => Some('('),
                '\u{FF09}' => Some(')'),
                _ => Some(c),
            }
        })
        .collect()
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
fn scan(text: &str) -> Vec<Found> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() && found.len() < MAX_CANDIDATES {
        let at_boundary = i == 0 || !chars[i - 1].is_alphanumeric();
        if at_boundary {
            if let Some(item) = read_uri(&chars, i).or_else(|| read_number(&chars, i)) {
                i = item.end.max(i + 1);
                found.push(item);
                continue;
            }
        }
        i += 1;
    }
    found
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
fn read_uri(chars: &[char], start: usize) -> Option<Found> {
    let scheme = SCHEMES
        .iter()
        .find(|s| starts_with_ignore_case(chars, start, s))?;
    let is_sip = scheme.starts_with("sip");
    let body_start = start + scheme.len();
    let end = (body_start..chars.len())
        .find(|&k| chars[k].is_whitespace() || matches!(chars[k], '<' | '>' | '"' | '\'' | '`'))
        .unwrap_or(chars.len());
    let token: String = chars[body_start..end].iter().collect();
    let raw: String = chars[start..end].iter().collect();
    let decoded = percent_encoding::percent_decode_str(&token).decode_utf8_lossy();
    let decoded = fold(decoded.trim_start_matches('/'));

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
    Some(Found {
        start,
        end,
        raw,
        digit_count,
        from_uri: true,
        parsed,
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
/// a second `+`.
fn read_number(chars: &[char], start: usize) -> Option<Found> {
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
                if run < 2 || followed_by_letter {
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
    if digit_count == 0 {
        return None;
    }
    let mut end = last_significant;
    if let Some((extension, ext_end)) = read_extension(chars, end) {
        candidate.extension = Some(extension);
        end = ext_end;
    }
    candidate.raw = chars[start..last_significant].iter().collect();
    Some(Found {
        start,
        end,
        raw: candidate.raw.clone(),
        digit_count,
        from_uri: false,
        parsed: Ok(candidate),
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
/// hold line breaks or control characters.
fn excerpt(text: &str) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut truncated = false;
    for word in text.split(|c: char| c.is_whitespace() || c.is_control()) {
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
        let found = scan("call me at +1 (416) 555-0123 or 555-0199");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].raw, "+1 (416) 555-0123");
        assert_eq!(found[1].raw, "555-0199");

        let found = scan("555-0123, ext. 12 please");
        assert_eq!(found.len(), 1);
        let candidate = found[0].parsed.as_ref().expect("parsed");
        assert_eq!(candidate.extension.as_deref(), Some("12"));
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
