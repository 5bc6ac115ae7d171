//! Opening the CRM on a call ("screen pop"): a URL template filled in with the caller.
//!
//! Offices point callpop at their CRM's search or contact page, e.g.
//! `https://crm.example.com/search?phone={e164}`. CRMs store numbers in different shapes, so
//! the number is offered as shown, in E.164, as bare digits and in national form. Every value
//! is percent-encoded: a `+` left raw in a query string reads as a space, and a caller name
//! from the phone must never be able to change where the link points. Only `http` and
//! `https` links are ever produced, since the result is handed to the system's browser
//! opener, which would also run `file:` or custom-scheme links.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use url::Url;

use crate::number::{self, DialingRules};

/// When the CRM page opens. Off unless the user chooses: a browser tab per call is not
/// something to spring on anyone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CrmWhen {
    #[default]
    Off,
    /// As soon as the phone rings, to see who is calling before answering.
    Ring,
    /// Once the call is answered, so missed calls do not pile up tabs.
    Answer,
}

/// The CRM part of the settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CrmSettings {
    /// `https://crm.example.com/search?phone={e164}`; see [`PLACEHOLDERS`].
    pub template: String,
    pub when: CrmWhen,
}

impl CrmSettings {
    /// Checks the template when the screen pop is on; an unused template may stay unfinished.
    pub fn validate(&self) -> Result<(), CrmError> {
        match self.when {
            CrmWhen::Off => Ok(()),
            CrmWhen::Ring | CrmWhen::Answer => validate_template(&self.template),
        }
    }

    /// The page to open at this moment of a call, if the screen pop is set for it.
    pub fn url_for(&self, moment: CrmWhen, caller: &CrmCaller) -> Option<Result<String, CrmError>> {
        (self.when != CrmWhen::Off && self.when == moment).then(|| expand(&self.template, caller))
    }
}

/// Placeholders a template may use.
pub const PLACEHOLDERS: [&str; 5] = ["number", "e164", "digits", "national", "name"];

/// Who is calling, in the forms a template can ask for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrmCaller {
    /// The number as callpop shows it: `(212) 555-0199`, `+49 30 1234567`, `203`.
    pub number: String,
    /// The caller's name from the phone or address book; empty when unknown.
    pub name: String,
    /// `+12125550199`, when the number is a full outside number.
    pub e164: Option<String>,
    /// `2125550199`, `0301234567`: as dialled within the caller's own country.
    pub national: Option<String>,
}

impl CrmCaller {
    /// Derives every form from the number the phone reported, using the desk's rules.
    pub fn from_phone(raw_number: &str, name: &str, rules: &DialingRules) -> Self {
        let target = number::normalize(raw_number, rules).ok();
        Self {
            number: number::format_for_display(raw_number, rules),
            name: name.trim().to_owned(),
            e164: target.as_ref().and_then(|t| t.e164.clone()),
            national: target.and_then(|t| t.national),
        }
    }

    fn digits(&self) -> String {
        self.number.chars().filter(char::is_ascii_digit).collect()
    }

    /// The value of a placeholder. An internal or unrecognised number has no E.164 or
    /// national form; its digits stand in, so a CRM search still gets something to look for.
    fn value(&self, placeholder: Placeholder) -> String {
        match placeholder {
            Placeholder::Number => self.number.clone(),
            Placeholder::E164 => self.e164.clone().unwrap_or_else(|| self.digits()),
            Placeholder::Digits => self.digits(),
            Placeholder::National => self.national.clone().unwrap_or_else(|| self.digits()),
            Placeholder::Name => self.name.clone(),
        }
    }
}

/// Why a CRM template cannot be used. Shown on the settings page as is.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CrmError {
    #[error("The CRM address is empty: enter the web address to open, for example https://crm.example.com/search?phone={{e164}}")]
    Empty,
    #[error("The CRM address uses {{{name}}}, which callpop does not know: use {{number}}, {{e164}}, {{digits}}, {{national}} or {{name}}")]
    UnknownPlaceholder { name: String },
    #[error("The CRM address has a “{{” without its closing “}}”")]
    Unclosed,
    #[error("The CRM address has a “}}” without an opening “{{”")]
    UnopenedBrace,
    #[error("The CRM address must start with http:// or https://")]
    NotHttp,
    #[error("The CRM address is not a valid web address ({reason})")]
    NotAUrl { reason: String },
    #[error("The CRM address is too long (over {max} characters)")]
    TooLong { max: usize },
}

/// Longest template accepted; browsers and servers get unreliable beyond a few thousand.
const MAX_TEMPLATE: usize = 2000;

/// Everything except unreserved characters (RFC 3986) is encoded, so a value is safe in a
/// path segment, a query value and a fragment alike, and `+` becomes `%2B`.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placeholder {
    Number,
    E164,
    Digits,
    National,
    Name,
}

impl Placeholder {
    fn parse(name: &str) -> Option<Self> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "number" => Self::Number,
            "e164" => Self::E164,
            "digits" => Self::Digits,
            "national" => Self::National,
            "name" => Self::Name,
            _ => return None,
        })
    }
}

/// Fills in the template for this caller and checks the result is a web address.
/// `{{` and `}}` stand for literal braces.
pub fn expand(template: &str, caller: &CrmCaller) -> Result<String, CrmError> {
    let template = template.trim();
    if template.is_empty() {
        return Err(CrmError::Empty);
    }
    if template.chars().count() > MAX_TEMPLATE {
        return Err(CrmError::TooLong { max: MAX_TEMPLATE });
    }
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("{{") {
            out.push('{');
            rest = after;
        } else if let Some(after) = tail.strip_prefix("}}") {
            out.push('}');
            rest = after;
        } else if let Some(after) = tail.strip_prefix('{') {
            let close = after.find('}').ok_or(CrmError::Unclosed)?;
            let name = &after[..close];
            if name.contains('{') {
                return Err(CrmError::Unclosed);
            }
            let placeholder =
                Placeholder::parse(name).ok_or_else(|| CrmError::UnknownPlaceholder {
                    name: name.chars().take(40).collect(),
                })?;
            out.extend(utf8_percent_encode(&caller.value(placeholder), COMPONENT));
            rest = &after[close + 1..];
        } else {
            return Err(CrmError::UnopenedBrace);
        }
    }
    out.push_str(rest);

    let url = Url::parse(&out).map_err(|err| match err {
        url::ParseError::RelativeUrlWithoutBase => CrmError::NotHttp,
        other => CrmError::NotAUrl {
            reason: other.to_string(),
        },
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(CrmError::NotHttp);
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(CrmError::NotAUrl {
            reason: "it has no host name".to_owned(),
        });
    }
    Ok(url.into())
}

/// Checks a template for the settings page by filling it in with a sample caller.
pub fn validate_template(template: &str) -> Result<(), CrmError> {
    let sample = CrmCaller {
        number: "+1 212-555-0199".to_owned(),
        name: "Sample Caller".to_owned(),
        e164: Some("+12125550199".to_owned()),
        national: Some("2125550199".to_owned()),
    };
    expand(template, &sample).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller() -> CrmCaller {
        CrmCaller {
            number: "+49 30 1234567".to_owned(),
            name: "Müller & Söhne".to_owned(),
            e164: Some("+49301234567".to_owned()),
            national: Some("0301234567".to_owned()),
        }
    }

    #[test]
    fn every_placeholder_is_encoded_for_a_url() {
        let url = expand(
            "https://crm.example.com/search?e={e164}&n={number}&d={digits}&nat={national}&who={name}",
            &caller(),
        )
        .expect("valid");
        assert_eq!(
            url,
            "https://crm.example.com/search?e=%2B49301234567&n=%2B49%2030%201234567&d=49301234567&nat=0301234567&who=M%C3%BCller%20%26%20S%C3%B6hne"
        );
    }

    #[test]
    fn placeholders_in_the_path_and_case_insensitive() {
        let url = expand("http://crm.local/contacts/{E164}/view", &caller()).expect("valid");
        assert_eq!(url, "http://crm.local/contacts/%2B49301234567/view");
    }

    #[test]
    fn literal_braces() {
        let url = expand("https://crm.local/q?f={{x}}&p={digits}", &caller()).expect("valid");
        assert_eq!(url, "https://crm.local/q?f={x}&p=49301234567");
    }

    #[test]
    fn unknown_placeholder_is_named() {
        let err = expand("https://crm.local/?p={phone}", &caller()).expect_err("unknown");
        assert_eq!(
            err,
            CrmError::UnknownPlaceholder {
                name: "phone".into()
            }
        );
        assert!(err.to_string().contains("{phone}"), "{err}");
        assert!(err.to_string().contains("{e164}"), "{err}");
    }

    #[test]
    fn broken_templates() {
        assert_eq!(expand("", &caller()), Err(CrmError::Empty));
        assert_eq!(expand("   ", &caller()), Err(CrmError::Empty));
        assert_eq!(
            expand("https://crm.local/?p={e164", &caller()),
            Err(CrmError::Unclosed)
        );
        assert_eq!(
            expand("https://crm.local/?p=e164}", &caller()),
            Err(CrmError::UnopenedBrace)
        );
        assert_eq!(
            expand("crm.local/?p={e164}", &caller()),
            Err(CrmError::NotHttp)
        );
        assert_eq!(
            expand("file:///etc/passwd?{e164}", &caller()),
            Err(CrmError::NotHttp)
        );
        assert_eq!(
            expand("javascript:alert({name})", &caller()),
            Err(CrmError::NotHttp)
        );
        assert!(matches!(
            expand("https://exa mple.com/{e164}", &caller()),
            Err(CrmError::NotAUrl { .. })
        ));
        let long = format!("https://crm.local/?q={}", "a".repeat(MAX_TEMPLATE));
        assert!(matches!(
            expand(&long, &caller()),
            Err(CrmError::TooLong { .. })
        ));
    }

    #[test]
    fn a_caller_name_cannot_redirect_the_link() {
        let mut evil = caller();
        evil.name = "x@evil.example/#?".to_owned();
        let url = expand("https://crm.local/find?name={name}", &evil).expect("valid");
        let parsed = Url::parse(&url).expect("url");
        assert_eq!(parsed.host_str(), Some("crm.local"));
        assert_eq!(parsed.query(), Some("name=x%40evil.example%2F%23%3F"));
    }

    #[test]
    fn caller_from_what_the_phone_reports() {
        let rules = DialingRules {
            country: "DE".into(),
            outside_line_prefix: "0".into(),
            international_prefix: String::new(),
        };
        let c = CrmCaller::from_phone("004930 1234567", " Anna ", &rules);
        assert_eq!(c.number, "030 1234567");
        assert_eq!(c.name, "Anna");
        assert_eq!(c.e164.as_deref(), Some("+49301234567"));
        assert_eq!(c.national.as_deref(), Some("0301234567"));

        // An internal caller has no E.164 form: its digits stand in.
        let c = CrmCaller::from_phone("203", "", &rules);
        let url = expand("https://crm.local/?e={e164}&n={national}", &c).expect("valid");
        assert_eq!(url, "https://crm.local/?e=203&n=203");
    }

    #[test]
    fn settings_only_check_a_template_in_use() {
        let off = CrmSettings {
            template: "not yet".into(),
            when: CrmWhen::Off,
        };
        assert_eq!(off.validate(), Ok(()));
        let on = CrmSettings {
            when: CrmWhen::Ring,
            ..off.clone()
        };
        assert_eq!(on.validate(), Err(CrmError::NotHttp));
        assert!(off.url_for(CrmWhen::Ring, &caller()).is_none());

        let ring = CrmSettings {
            template: "https://crm.local/?p={e164}".into(),
            when: CrmWhen::Ring,
        };
        assert!(ring.url_for(CrmWhen::Answer, &caller()).is_none());
        assert_eq!(
            ring.url_for(CrmWhen::Ring, &caller()),
            Some(Ok("https://crm.local/?p=%2B49301234567".to_owned()))
        );
    }

    #[test]
    fn when_is_written_in_lowercase() {
        #[derive(Serialize, Deserialize)]
        struct Wrap {
            when: CrmWhen,
        }
        let text = toml::to_string(&Wrap {
            when: CrmWhen::Answer,
        })
        .expect("toml");
        assert_eq!(text.trim(), "when = \"answer\"");
        let back: Wrap = toml::from_str("when = \"ring\"").expect("parse");
        assert_eq!(back.when, CrmWhen::Ring);
        assert_eq!(CrmWhen::default(), CrmWhen::Off);
    }
}
