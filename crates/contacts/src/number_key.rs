//! When a contact's number is the caller's number.
//!
//! The same number is written `+49 30 123456`, `0049 30 123456`, `030 123456` or
//! `+49 (0)30 12 34 56`. The phone crate's number rules turn each into a *match key*
//! ([`callpop_phone::number::match_key`], the key the call history groups calls by): the
//! E.164 form when the number is understood, else its last 8 digits. Two numbers match when
//! both have an E.164 form and those are equal, or, when either side has none, when their
//! last 8 digits are equal (all digits for shorter numbers such as extensions). Two
//! understood numbers that differ never match, even if their last digits agree: `+49 89
//! 30123456` is not `+49 30 123456`.

use callpop_phone::number::{match_key, DialingRules};

/// How many trailing digits identify a number that is not understood, as in `match_key`: 8
/// covers subscriber numbers with their area code's last digits in most plans while staying
/// clear of country/trunk prefixes people write differently.
pub(crate) const TAIL_DIGITS: usize = 8;

/// A number reduced to what matching compares.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PhoneKey {
    /// `+4930123456` when the number rules understood the number.
    pub e164: Option<String>,
    /// The last [`TAIL_DIGITS`] digits (of the E.164 form when there is one), or all digits
    /// of a shorter number.
    pub tail: String,
    /// The digits of the E.164 form reversed, or of the key's last digits for a number not
    /// understood: the cache finds numbers ending in `tail` with a prefix range over this
    /// column.
    pub digits_rev: String,
}

impl PhoneKey {
    /// The key of a number as written anywhere (a contact, a phone's caller ID); `None` for
    /// text without digits (`anonymous`, a SIP name).
    pub fn of(raw: &str, rules: &DialingRules) -> Option<Self> {
        let key = match_key(raw, rules)?;
        let digits = if key.starts_with('+') {
            digits_of(&key)
        } else {
            // Not understood: the key is already the last (up to 8) digits of the number.
            key.clone()
        };
        if digits.is_empty() {
            return None;
        }
        Some(Self {
            tail: last_digits(&digits, TAIL_DIGITS).to_owned(),
            digits_rev: digits.chars().rev().collect(),
            e164: key.starts_with('+').then_some(key),
        })
    }

    /// Rebuilds a key from what the cache stores.
    pub(crate) fn from_stored(e164: Option<String>, digits_rev: &str) -> Self {
        let tail_rev: String = digits_rev.chars().take(TAIL_DIGITS).collect();
        Self {
            e164,
            tail: tail_rev.chars().rev().collect(),
            digits_rev: digits_rev.to_owned(),
        }
    }

    /// Whether two keys stand for the same number (see the module documentation).
    pub fn matches(&self, other: &PhoneKey) -> bool {
        match (&self.e164, &other.e164) {
            (Some(a), Some(b)) => a == b,
            _ => self.tail == other.tail,
        }
    }

    /// The key as one string, the way the call history stores `match_key`.
    pub fn as_match_key(&self) -> &str {
        self.e164.as_deref().unwrap_or(&self.tail)
    }
}

pub(crate) fn digits_of(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

fn last_digits(digits: &str, n: usize) -> &str {
    // Digits are ASCII, so byte offsets are char offsets.
    &digits[digits.len().saturating_sub(n)..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn german_desk() -> DialingRules {
        DialingRules {
            country: "DE".into(),
            ..DialingRules::default()
        }
    }

    fn key(raw: &str) -> PhoneKey {
        PhoneKey::of(raw, &german_desk()).expect("has digits")
    }

    #[test]
    fn the_same_number_in_every_shape_matches() {
        let forms = [
            "+49 30 123456",
            "0049301234 56",
            "030 123456",
            "+49 (0)30 12 34 56",
            "tel:+49-30-123456",
        ];
        for a in forms {
            for b in forms {
                assert!(key(a).matches(&key(b)), "{a} vs {b}");
            }
        }
        assert_eq!(key("030 123456").as_match_key(), "+4930123456");
    }

    #[test]
    fn different_understood_numbers_never_match_on_their_tail() {
        assert!(!key("+49 89 30123456").matches(&key("+49 40 30123456")));
        assert!(!key("+49 30 123456").matches(&key("+49 30 1234567")));
    }

    #[test]
    fn unparsed_numbers_fall_back_to_the_last_eight_digits() {
        let internal = key("203");
        assert_eq!(internal.e164, None);
        assert!(internal.matches(&key("203")));
        assert!(!internal.matches(&key("1203")));
        // A short number never matches a long one that merely ends in it.
        assert!(!internal.matches(&key("+49 30 1234203")));
    }

    #[test]
    fn text_without_digits_has_no_key() {
        assert_eq!(PhoneKey::of("anonymous", &german_desk()), None);
        assert_eq!(PhoneKey::of("", &german_desk()), None);
    }

    #[test]
    fn stored_keys_rebuild_the_same_tail() {
        let original = key("+49 30 123456");
        let rebuilt = PhoneKey::from_stored(original.e164.clone(), &original.digits_rev);
        assert_eq!(rebuilt, original);
    }
}
