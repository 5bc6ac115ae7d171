//! Turning what the user typed in the search box into index queries.
//!
//! Two indexes answer a search:
//! - the word index (FTS5 `unicode61 remove_diacritics 2`) over number, phone name, contact
//!   name and note: case- and accent-blind in every script, so "zoe" finds "Zoë" and "витал"
//!   finds "Виталик". Each typed word must be the start of some word of the call.
//! - the digit index (FTS5 `trigram`) over the digits of the call's numbers with separators
//!   removed, so a run of digits is found anywhere inside a number however either was written:
//!   "5550123", "555-0123" and "555 01 23" all find "+1 (416) 555-0123".
//!
//! A query made only of digits and phone punctuation (`+ - ( ) . /` and spaces) is one number:
//! its digits are searched as one run. Otherwise each word is looked at on its own: a word of
//! digits and punctuation is a digit run, any other word a text word; all must match. A digit
//! run also matches as a word prefix, so "4711" finds a note "ticket 4711".
//!
//! "ё" is searched as "е" on both sides, so "Семен" and "Семён" find each other.
//!
//! Every word is quoted for FTS5, so nothing typed is ever read as query syntax (`AND`, `*`,
//! `"`, `:` are just text).

/// What a search asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct SearchTerms {
    /// Text words, each to match the start of a word in the word index.
    pub words: Vec<String>,
    /// Runs of digits, each to appear inside one of the call's numbers (or start a word).
    pub digit_runs: Vec<String>,
}

impl SearchTerms {
    /// The word-index query requiring every text word (`None` without text words).
    pub fn words_query(&self) -> Option<String> {
        (!self.words.is_empty()).then(|| {
            self.words
                .iter()
                .map(|w| prefix_phrase(w))
                .collect::<Vec<_>>()
                .join(" ")
        })
    }
}

pub(crate) fn parse(typed: &str) -> SearchTerms {
    let typed = fold_yo(typed);
    let typed = typed.as_str();
    let mut terms = SearchTerms::default();
    if is_phone_like(typed) {
        terms.digit_runs.push(digits_of(typed));
        return terms;
    }
    for word in typed.split_whitespace() {
        if is_phone_like(word) {
            terms.digit_runs.push(digits_of(word));
        } else if word.chars().any(char::is_alphanumeric) {
            terms.words.push(word.to_owned());
        }
    }
    terms
}

/// A word-index query for words starting with `word` (quoted: never query syntax).
pub(crate) fn prefix_phrase(word: &str) -> String {
    format!("{}*", exact_phrase(word))
}

/// An FTS5 string literal for `text`.
pub(crate) fn exact_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// "ё" as "е", as the word index stores it (see the `call_search` view in the schema).
fn fold_yo(text: &str) -> String {
    text.replace('ё', "е").replace('Ё', "Е")
}

fn is_phone_like(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace() || "+-()./".contains(c))
}

fn digits_of(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_typed_with_separators_is_one_digit_run() {
        let terms = parse(" +1 (416) 555-01.23 ");
        assert_eq!(terms.digit_runs, ["14165550123"]);
        assert!(terms.words.is_empty());
    }

    #[test]
    fn words_and_digit_runs_are_told_apart() {
        let terms = parse("Виталик 555-0123 o'brien");
        assert_eq!(terms.words, ["Виталик", "o'brien"]);
        assert_eq!(terms.digit_runs, ["5550123"]);
    }

    #[test]
    fn query_syntax_is_quoted_away() {
        let terms = parse("a\"b OR c* NEAR(");
        assert_eq!(
            terms.words_query().as_deref(),
            Some("\"a\"\"b\"* \"OR\"* \"c*\"* \"NEAR(\"*")
        );
    }

    #[test]
    fn punctuation_alone_searches_nothing() {
        assert_eq!(parse("  - ( * "), SearchTerms::default());
    }
}
