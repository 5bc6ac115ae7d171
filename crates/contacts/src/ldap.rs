//! LDAP and Active Directory, asked while the phone rings.
//!
//! Directories store numbers as people typed them (`+49 30 123456`, `030/123456`,
//! `+49 (30) 123-456`), and only some servers ignore spaces and dashes when comparing
//! (OpenLDAP's telephoneNumber matching does, Active Directory's plain strings do not). So
//! callpop searches for the caller's last 8 digits in order with anything between them
//! (`*3*0*1*2*3*4*5*6*`) over the configured attributes, and then checks every returned
//! number *locally* with the number rules: a substring hit is only a candidate, it becomes a
//! match when the numbers really match ([`crate::PhoneKey::matches`]). A short number (an
//! extension) must end the attribute value.
//!
//! Filter values are escaped (RFC 4515) even though they are digits, so nothing the phone
//! reports can change the filter. Connecting, binding and searching together are bounded by
//! the configured timeout; one connection per lookup, since calls are minutes apart and
//! directory servers drop idle connections.

use std::sync::Arc;
use std::time::Duration;

use callpop_phone::number::DialingRules;
use ldap3::{ldap_escape, LdapConnAsync, LdapConnSettings, Scope, SearchEntry, SearchOptions};

use crate::error::ContactsError;
use crate::model::CallerMatch;
use crate::number_key::{PhoneKey, TAIL_DIGITS};
use crate::secret::Secret;
use crate::settings::LdapSettings;

/// Result code of a search that hit the size limit: the entries returned so far are used.
const SIZE_LIMIT_EXCEEDED: u32 = 4;

/// An entry the directory returned for the number's digits, before the local check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LdapCandidate {
    pub dn: String,
    pub name: Option<String>,
    pub organization: Option<String>,
    /// (attribute, value) of every phone attribute of the entry.
    pub numbers: Vec<(String, String)>,
}

/// Looks numbers up in one directory.
pub struct LdapLookup {
    settings: LdapSettings,
    password: Option<Secret>,
    tls: Arc<rustls::ClientConfig>,
}

impl LdapLookup {
    pub fn new(settings: LdapSettings, password: Option<Secret>) -> Result<Self, ContactsError> {
        let url = settings.url.trim();
        if !(url.starts_with("ldap://") || url.starts_with("ldaps://")) {
            return Err(ContactsError::BadAddress {
                what: "the LDAP server",
                value: url.to_owned(),
                reason: "it must start with ldap:// or ldaps://".to_owned(),
            });
        }
        if !settings.bind_dn.trim().is_empty() && password.is_none() {
            // An empty password would make a simple bind anonymous (RFC 4513): refuse it
            // rather than search with fewer rights than configured.
            return Err(ContactsError::MissingSecret {
                source_label: "ldap".to_owned(),
            });
        }
        Ok(Self {
            settings,
            password,
            tls: Arc::new(crate::http::tls_config()?),
        })
    }

    /// The entry whose number really is `number`, if any.
    pub async fn lookup(
        &self,
        number: &str,
        rules: &DialingRules,
    ) -> Result<Option<CallerMatch>, ContactsError> {
        let Some(caller) = PhoneKey::of(number, rules) else {
            return Ok(None);
        };
        let candidates = self.candidates_for(&caller).await?;
        Ok(best_match(&caller, candidates, rules))
    }

    /// What the directory returns for the number's digits, unchecked (for the settings
    /// page's test button, which shows why a number did or did not match).
    pub async fn candidates(
        &self,
        number: &str,
        rules: &DialingRules,
    ) -> Result<Vec<LdapCandidate>, ContactsError> {
        match PhoneKey::of(number, rules) {
            Some(caller) => self.candidates_for(&caller).await,
            None => Ok(Vec::new()),
        }
    }

    async fn candidates_for(&self, caller: &PhoneKey) -> Result<Vec<LdapCandidate>, ContactsError> {
        let timeout = self.settings.timeout();
        match tokio::time::timeout(timeout, self.search(caller, timeout)).await {
            Ok(result) => result,
            Err(_) => Err(ContactsError::TimedOut {
                source_label: "ldap".to_owned(),
                seconds: timeout.as_secs_f64(),
            }),
        }
    }

    async fn search(
        &self,
        caller: &PhoneKey,
        timeout: Duration,
    ) -> Result<Vec<LdapCandidate>, ContactsError> {
        let s = &self.settings;
        let conn_settings = LdapConnSettings::new()
            .set_conn_timeout(timeout)
            .set_config(self.tls.clone())
            .set_starttls(s.starttls);
        let (conn, mut ldap) = LdapConnAsync::with_settings(conn_settings, s.url.trim())
            .await
            .map_err(ldap_error)?;
        ldap3::drive!(conn);
        ldap.with_timeout(timeout);
        if let Some(password) = &self.password {
            ldap.simple_bind(s.bind_dn.trim(), password.expose())
                .await
                .map_err(ldap_error)?
                .success()
                .map_err(|e| bind_error(&e))?;
        }
        let filter = number_filter(&caller.tail, &s.phone_attributes, &s.extra_filter);
        let mut attributes: Vec<&str> = s
            .phone_attributes
            .iter()
            .chain(&s.name_attributes)
            .chain(&s.organization_attributes)
            .map(String::as_str)
            .collect();
        attributes.extend(["givenName", "sn"]);
        let result = ldap
            .with_timeout(timeout)
            .with_search_options(SearchOptions::new().sizelimit(s.size_limit.max(1)))
            .search(s.base_dn.trim(), Scope::Subtree, &filter, attributes)
            .await
            .map_err(ldap_error)?;
        let ldap3::SearchResult(entries, outcome) = result;
        if outcome.rc != 0 && outcome.rc != SIZE_LIMIT_EXCEEDED {
            return Err(ContactsError::Ldap {
                reason: format!(
                    "the search in “{}” failed: {} (code {})",
                    s.base_dn.trim(),
                    if outcome.text.is_empty() {
                        "no reason given"
                    } else {
                        outcome.text.as_str()
                    },
                    outcome.rc
                ),
            });
        }
        let _ = ldap.unbind().await;
        Ok(entries
            .into_iter()
            .map(SearchEntry::construct)
            .map(|entry| self.candidate(entry))
            .collect())
    }

    fn candidate(&self, entry: SearchEntry) -> LdapCandidate {
        let s = &self.settings;
        // Attribute names come back spelled as the server likes; compare without case.
        let first_value = |names: &[String]| {
            names.iter().find_map(|name| {
                entry
                    .attrs
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .and_then(|(_, values)| values.iter().find(|v| !v.trim().is_empty()))
                    .map(|v| v.trim().to_owned())
            })
        };
        let composed = {
            let given = first_value(&["givenName".to_owned()]);
            let family = first_value(&["sn".to_owned()]);
            match (given, family) {
                (Some(g), Some(f)) => Some(format!("{g} {f}")),
                (g, f) => g.or(f),
            }
        };
        let mut numbers = Vec::new();
        for attribute in &s.phone_attributes {
            for (k, values) in &entry.attrs {
                if k.eq_ignore_ascii_case(attribute) {
                    numbers.extend(values.iter().map(|v| (attribute.clone(), v.clone())));
                }
            }
        }
        LdapCandidate {
            name: first_value(&s.name_attributes).or(composed),
            organization: first_value(&s.organization_attributes),
            dn: entry.dn,
            numbers,
        }
    }
}

/// The first candidate (by DN, so the answer does not depend on server order) with a number
/// that really matches the caller; exact E.164 matches before matches on the last digits.
fn best_match(
    caller: &PhoneKey,
    mut candidates: Vec<LdapCandidate>,
    rules: &DialingRules,
) -> Option<CallerMatch> {
    candidates.sort_by(|a, b| a.dn.cmp(&b.dn));
    let mut best: Option<(bool, CallerMatch)> = None;
    for candidate in candidates {
        for (attribute, value) in &candidate.numbers {
            let Some(key) = PhoneKey::of(value, rules) else {
                continue;
            };
            if !key.matches(caller) {
                continue;
            }
            let exact = key.e164.is_some() && key.e164 == caller.e164;
            if best
                .as_ref()
                .is_some_and(|(was_exact, _)| *was_exact || !exact)
            {
                continue;
            }
            let name = candidate
                .name
                .clone()
                .or_else(|| candidate.organization.clone())
                .unwrap_or_else(|| candidate.dn.clone());
            best = Some((
                exact,
                CallerMatch {
                    name,
                    organization: candidate.organization.clone(),
                    source: "ldap".to_owned(),
                    reference: candidate.dn.clone(),
                    matched_number: value.clone(),
                    phone_kind: phone_kind(attribute),
                    link: None,
                },
            ));
        }
    }
    best.map(|(_, m)| m)
}

fn phone_kind(attribute: &str) -> Option<String> {
    let kind = match attribute.to_ascii_lowercase().as_str() {
        "mobile" | "othermobile" => "cell",
        "homephone" | "otherhomephone" => "home",
        "facsimiletelephonenumber" | "otherfacsimiletelephonenumber" => "fax",
        "pager" | "otherpager" => "pager",
        "telephonenumber" | "othertelephone" | "ipphone" | "otheripphone" => "work",
        _ => return None,
    };
    Some(kind.to_owned())
}

/// `(|(telephoneNumber=*3*0*1*2*3*4*5*6*)(mobile=…))`, ANDed with the extra filter. Every
/// digit goes through RFC 4515 escaping.
pub(crate) fn number_filter(tail: &str, attributes: &[String], extra_filter: &str) -> String {
    let digits: Vec<String> = tail
        .chars()
        .filter(char::is_ascii_digit)
        .map(|d| ldap_escape(d.to_string()).into_owned())
        .collect();
    let pattern = if digits.len() >= TAIL_DIGITS {
        format!("*{}*", digits.join("*"))
    } else {
        // Extensions: the value must end in these digits.
        format!("*{}", digits.join("*"))
    };
    let alternatives: String = attributes
        .iter()
        .filter(|a| is_attribute_name(a))
        .map(|a| format!("({}={pattern})", a.trim()))
        .collect();
    let numbers = format!("(|{alternatives})");
    let extra = extra_filter.trim();
    if extra.is_empty() {
        numbers
    } else if extra.starts_with('(') {
        format!("(&{extra}{numbers})")
    } else {
        format!("(&({extra}){numbers})")
    }
}

/// Attribute descriptions are letters, digits, hyphens and `;options`: anything else in the
/// settings would break the filter.
fn is_attribute_name(name: &str) -> bool {
    let name = name.trim();
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ';' || c == '.')
}

fn ldap_error(err: ldap3::LdapError) -> ContactsError {
    let reason = match &err {
        ldap3::LdapError::Timeout { .. } => "the server did not answer in time".to_owned(),
        ldap3::LdapError::Io { source } => format!("cannot reach the server: {source}"),
        ldap3::LdapError::UrlParsing { source } => format!("the address is not valid: {source}"),
        _ => err.to_string(),
    };
    ContactsError::Ldap { reason }
}

fn bind_error(err: &ldap3::LdapError) -> ContactsError {
    match err {
        ldap3::LdapError::LdapResult { result } if result.rc == 49 => ContactsError::Ldap {
            reason: "the directory refused the bind DN or password (invalid credentials). Check them in Settings → Contacts".to_owned(),
        },
        other => ContactsError::Ldap {
            reason: format!("binding failed: {other}"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn filter_searches_the_digits_in_order_over_every_attribute() {
        assert_eq!(
            number_filter("30123456", &attrs(&["telephoneNumber", "mobile"]), ""),
            "(|(telephoneNumber=*3*0*1*2*3*4*5*6*)(mobile=*3*0*1*2*3*4*5*6*))"
        );
        assert_eq!(
            number_filter("203", &attrs(&["ipPhone"]), "objectClass=person"),
            "(&(objectClass=person)(|(ipPhone=*2*0*3)))"
        );
        assert_eq!(
            number_filter("203", &attrs(&["ipPhone"]), "(objectCategory=person)"),
            "(&(objectCategory=person)(|(ipPhone=*2*0*3)))"
        );
    }

    #[test]
    fn nothing_but_digits_and_sane_attribute_names_reach_the_filter() {
        let filter = number_filter("1*)(uid=*2", &attrs(&["mobile", "x)(uid=*", ""]), "");
        assert_eq!(filter, "(|(mobile=*1*2))");
        assert_eq!(ldap_escape("a*b(c)\\\0"), "a\\2ab\\28c\\29\\5c\\00");
    }

    #[test]
    fn only_candidates_whose_numbers_really_match_are_taken() {
        let de = DialingRules {
            country: "DE".into(),
            ..DialingRules::default()
        };
        let caller = PhoneKey::of("030123456", &de).expect("key");
        let candidate = |dn: &str, number: &str| LdapCandidate {
            dn: dn.into(),
            name: Some(dn.into()),
            organization: None,
            numbers: vec![("telephoneNumber".into(), number.into())],
        };
        // Both contain the digits 3,0,1,2,3,4,5,6 in order; only one is the number.
        let found = best_match(
            &caller,
            vec![
                candidate("cn=a", "+49 40 301234567"),
                candidate("cn=b", "+49 (30) 123-456"),
            ],
            &de,
        )
        .expect("match");
        assert_eq!(found.reference, "cn=b");
        assert_eq!(found.phone_kind.as_deref(), Some("work"));
        assert!(best_match(&caller, vec![candidate("cn=a", "+49 40 301234567")], &de).is_none());
    }
}
