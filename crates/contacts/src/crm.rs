//! A CRM's lookup URL: `GET https://crm.example.com/api/lookup?phone=%2B4930123456` answering
//! JSON such as `{"id": 17, "name": "Jane Customer", "url": "https://crm…/contacts/17"}`.
//!
//! The number is put into the URL template in the forms CRMs expect, URL-encoded. The answer
//! is read only up to a size limit and within the timeout; redirects are followed only on
//! the same host (the token must not travel elsewhere). `404`, `204`, a missing or empty
//! name mean "not known". A link is only kept when it is `http`/`https`, so a CRM answer
//! cannot make the desktop open `file:` or script URLs.

use callpop_phone::number::DialingRules;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::StatusCode;
use serde_json::Value;
use url::Url;

use crate::error::ContactsError;
use crate::http;
use crate::model::CallerMatch;
use crate::secret::Secret;
use crate::settings::{CrmAuth, CrmSettings};

/// Everything but RFC 3986 unreserved characters is encoded, so a `+` stays a plus and no
/// placeholder can add a query parameter or a path segment.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

const LABEL: &str = "crm";

/// Longest name or company kept from an answer.
const MAX_NAME_CHARS: usize = 200;

/// Looks numbers up in a CRM.
pub struct CrmLookup {
    settings: CrmSettings,
    secret: Option<Secret>,
    http: reqwest::Client,
}

impl CrmLookup {
    pub fn new(settings: CrmSettings, secret: Option<Secret>) -> Result<Self, ContactsError> {
        // The template must be a valid http(s) URL with placeholders filled in.
        let sample = fill_template(
            &settings.url_template,
            &NumberForms {
                e164: Some("+10000000000".to_owned()),
                national: Some("0000000000".to_owned()),
                raw: "0".to_owned(),
            },
        )
        .unwrap_or_default();
        crate::carddav::parse_http_url("the CRM lookup", &sample).map_err(|e| match e {
            ContactsError::BadAddress { reason, .. } => ContactsError::BadAddress {
                what: "the CRM lookup",
                value: settings.url_template.trim().to_owned(),
                reason,
            },
            other => other,
        })?;
        if settings.auth != CrmAuth::None && secret.is_none() {
            return Err(ContactsError::MissingSecret {
                source_label: LABEL.to_owned(),
            });
        }
        Ok(Self {
            http: http::client(settings.timeout())?,
            settings,
            secret,
        })
    }

    /// Asks the CRM who `number` is.
    pub async fn lookup(
        &self,
        number: &str,
        rules: &DialingRules,
    ) -> Result<Option<CallerMatch>, ContactsError> {
        let forms = NumberForms::of(number, rules);
        let Some(url) = fill_template(&self.settings.url_template, &forms) else {
            // The template needs an international form this number does not have.
            return Ok(None);
        };
        let url = Url::parse(&url).map_err(|e| ContactsError::BadAddress {
            what: "the CRM lookup",
            value: self.settings.url_template.clone(),
            reason: e.to_string(),
        })?;
        let timeout = self.settings.timeout();
        let mut request = self
            .http
            .get(url.clone())
            .header(reqwest::header::ACCEPT, "application/json");
        match (self.settings.auth, &self.secret) {
            (CrmAuth::Bearer, Some(token)) => request = request.bearer_auth(token.expose()),
            (CrmAuth::Basic, Some(password)) => {
                request = request.basic_auth(self.settings.username.trim(), Some(password.expose()))
            }
            _ => {}
        }
        let response = request
            .send()
            .await
            .map_err(|e| http::request_error(LABEL, timeout, e))?;
        let status = response.status();
        if status == StatusCode::NOT_FOUND || status == StatusCode::NO_CONTENT {
            return Ok(None);
        }
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Err(ContactsError::AuthRejected {
                source_label: LABEL.to_owned(),
                status: status.as_u16(),
            });
        }
        if status.is_redirection() {
            return Err(http::redirect_refused(LABEL, &response));
        }
        if !status.is_success() {
            return Err(ContactsError::HttpStatus {
                source_label: LABEL.to_owned(),
                what: "the lookup".to_owned(),
                status: status.as_u16(),
            });
        }
        let final_url = response.url().clone();
        let body =
            http::read_limited(LABEL, timeout, response, self.settings.max_body_bytes).await?;
        let json: Value =
            serde_json::from_slice(&body).map_err(|e| ContactsError::BadResponse {
                source_label: LABEL.to_owned(),
                reason: format!("not JSON ({e})"),
            })?;
        Ok(self.caller_from(&json, &final_url, number))
    }

    fn caller_from(&self, json: &Value, answered_by: &Url, number: &str) -> Option<CallerMatch> {
        let s = &self.settings;
        let name = text_at(json, &s.name_pointer)?;
        let link = text_at(json, &s.link_pointer)
            .and_then(|l| answered_by.join(&l).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .map(String::from);
        Some(CallerMatch {
            name,
            organization: text_at(json, &s.organization_pointer),
            source: LABEL.to_owned(),
            reference: text_at(json, &s.id_pointer).unwrap_or_default(),
            matched_number: number.trim().to_owned(),
            phone_kind: None,
            link,
        })
    }
}

/// A string (or number) at a JSON pointer, trimmed, never empty, at most 200 characters.
fn text_at(json: &Value, pointer: &str) -> Option<String> {
    let pointer = pointer.trim();
    if pointer.is_empty() {
        return None;
    }
    let pointer = if pointer.starts_with('/') {
        pointer.to_owned()
    } else {
        format!("/{pointer}")
    };
    let text = match json.pointer(&pointer)? {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let text: String = text
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    (!text.is_empty()).then_some(text)
}

/// The forms of a number a CRM may want.
struct NumberForms {
    e164: Option<String>,
    national: Option<String>,
    raw: String,
}

impl NumberForms {
    fn of(number: &str, rules: &DialingRules) -> Self {
        let target = callpop_phone::number::normalize(number, rules).ok();
        Self {
            e164: target.as_ref().and_then(|t| t.e164.clone()),
            national: target.and_then(|t| t.national),
            raw: number.trim().to_owned(),
        }
    }
}

/// The template with placeholders replaced by URL-encoded forms; `None` when it needs a form
/// the number lacks.
fn fill_template(template: &str, forms: &NumberForms) -> Option<String> {
    let encode = |s: &str| utf8_percent_encode(s, COMPONENT).to_string();
    let mut url = template.trim().to_owned();
    let e164_digits = forms
        .e164
        .as_deref()
        .map(|e| e.trim_start_matches('+').to_owned());
    let replacements: [(&str, Option<&str>); 4] = [
        ("{e164_digits}", e164_digits.as_deref()),
        ("{e164}", forms.e164.as_deref()),
        ("{national}", forms.national.as_deref()),
        ("{number}", Some(forms.raw.as_str())),
    ];
    for (placeholder, value) in replacements {
        if url.contains(placeholder) {
            url = url.replace(placeholder, &encode(value?));
        }
    }
    Some(url)
}

/// For tests and the settings page: the URL that would be requested for `number`.
pub fn lookup_url(template: &str, number: &str, rules: &DialingRules) -> Option<String> {
    fill_template(template, &NumberForms::of(number, rules))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn de() -> DialingRules {
        DialingRules {
            country: "DE".into(),
            ..DialingRules::default()
        }
    }

    #[test]
    fn placeholders_are_filled_url_encoded() {
        let template =
            "https://crm.example/lookup?e={e164}&d={e164_digits}&n={national}&raw={number}";
        assert_eq!(
            lookup_url(template, "030 123456", &de()).as_deref(),
            Some("https://crm.example/lookup?e=%2B4930123456&d=4930123456&n=030123456&raw=030%20123456")
        );
    }

    #[test]
    fn numbers_without_an_international_form_are_not_looked_up_when_needed() {
        assert_eq!(lookup_url("https://crm/x?e={e164}", "203", &de()), None);
        assert_eq!(
            lookup_url("https://crm/x?n={number}", "203", &de()).as_deref(),
            Some("https://crm/x?n=203")
        );
    }

    #[test]
    fn a_caller_id_cannot_inject_url_parts() {
        let url = lookup_url("https://crm/x?n={number}", "1&admin=1/../#", &de()).expect("url");
        assert_eq!(url, "https://crm/x?n=1%26admin%3D1%2F..%2F%23");
    }

    #[test]
    fn names_links_and_ids_come_from_the_configured_pointers() {
        let lookup = CrmLookup::new(
            CrmSettings {
                url_template: "https://crm.example/api?{e164}".into(),
                name_pointer: "/contact/displayName".into(),
                link_pointer: "contact/href".into(),
                id_pointer: "/contact/id".into(),
                organization_pointer: "/contact/company".into(),
                ..Default::default()
            },
            None,
        )
        .expect("valid");
        let answered_by = Url::parse("https://crm.example/api?x").expect("url");
        let json = serde_json::json!({"contact": {"displayName": " Jane\u{7} ", "href": "/c/17", "id": 17, "company": "ACME"}});
        let found = lookup
            .caller_from(&json, &answered_by, "030 123456")
            .expect("found");
        assert_eq!(found.name, "Jane");
        assert_eq!(found.link.as_deref(), Some("https://crm.example/c/17"));
        assert_eq!(found.reference, "17");
        assert_eq!(found.organization.as_deref(), Some("ACME"));

        let script =
            serde_json::json!({"contact": {"displayName": "X", "href": "javascript:alert(1)"}});
        assert_eq!(
            lookup
                .caller_from(&script, &answered_by, "1")
                .and_then(|m| m.link),
            None
        );
        let nameless = serde_json::json!({"contact": {"displayName": ""}});
        assert!(lookup.caller_from(&nameless, &answered_by, "1").is_none());
    }

    #[test]
    fn bad_templates_and_missing_tokens_are_refused() {
        assert!(CrmLookup::new(
            CrmSettings {
                url_template: "crm.example/{e164}".into(),
                ..Default::default()
            },
            None
        )
        .is_err());
        assert!(matches!(
            CrmLookup::new(
                CrmSettings {
                    url_template: "https://crm.example/{e164}".into(),
                    auth: CrmAuth::Bearer,
                    ..Default::default()
                },
                None
            ),
            Err(ContactsError::MissingSecret { .. })
        ));
    }
}
