//! Per-session event filters of `Action: Filter` (Asterisk 22 `manager_add_filter`).
//!
//! Legacy filters (`Filter: <regex>`, `!` in front to exclude) match anywhere in the whole
//! event text, so `Channel: PJSIP/100-` also lets through a `DialBegin` whose
//! `DestChannel: PJSIP/100-...` contains it (capture 05). Advanced filters
//! (`MatchCriteria: action(exclude),name(Newexten),header(...),method(...)`) select by event
//! name, one header, and a match method. With only include filters nothing else passes; with
//! only exclude filters everything else passes; with both, an event must match an include and
//! no exclude. Regexes are POSIX extended in Asterisk; the `regex` crate accepts that syntax
//! for the patterns clients use (alternation, classes, anchors), with `.` matching newlines
//! and `^`/`$` anchoring the whole event, as without `REG_NEWLINE`.

use regex::{Regex, RegexBuilder};

use super::event::AmiEvent;

/// How a filter compares.
#[derive(Debug, Clone)]
enum Method {
    Regex(Regex),
    Exact(String),
    StartsWith(String),
    EndsWith(String),
    Contains(String),
    /// Matches anything (advanced filters that only select by name or header).
    None,
}

impl Method {
    fn matches(&self, text: &str) -> bool {
        match self {
            Method::Regex(re) => re.is_match(text),
            Method::Exact(s) => text == s,
            Method::StartsWith(s) => text.starts_with(s.as_str()),
            Method::EndsWith(s) => text.ends_with(s.as_str()),
            Method::Contains(s) => text.contains(s.as_str()),
            Method::None => true,
        }
    }
}

/// One filter.
#[derive(Debug, Clone)]
struct Filter {
    exclude: bool,
    event_name: Option<String>,
    /// `Header:` with its colon.
    header: Option<String>,
    method: Method,
}

impl Filter {
    fn matches(&self, event: &AmiEvent) -> bool {
        if let Some(name) = &self.event_name {
            if *name != event.name {
                return false;
            }
        }
        let Some(header) = &self.header else {
            return self.method.matches(&event.text);
        };
        event.text.split("\r\n").any(|line| {
            line.strip_prefix(header.as_str())
                .map(|rest| rest.trim_start_matches([' ', '\t']))
                .is_some_and(|value| !value.is_empty() && self.method.matches(value))
        })
    }
}

/// Why a filter was refused, as the text of Asterisk's error response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FilterError {
    Format,
    Compile,
}

impl FilterError {
    pub(crate) fn message(self) -> &'static str {
        match self {
            FilterError::Format => {
                "Filter was formatted incorrectly.  Check the syntax of the filter given."
            }
            FilterError::Compile => {
                "Filter did not compile.  Check the syntax of the filter given."
            }
        }
    }
}

/// A session's filters.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filters {
    include: Vec<Filter>,
    exclude: Vec<Filter>,
}

impl Filters {
    /// Adds a filter from `MatchCriteria` (may be empty) and `Filter`.
    pub(crate) fn add(&mut self, criteria: &str, pattern: &str) -> Result<(), FilterError> {
        let filter = parse(criteria, pattern)?;
        if filter.exclude {
            self.exclude.push(filter);
        } else {
            self.include.push(filter);
        }
        Ok(())
    }

    /// Number of filters in force.
    pub(crate) fn len(&self) -> usize {
        self.include.len() + self.exclude.len()
    }

    /// Whether `event` passes, by Asterisk's `should_send_event`.
    pub(crate) fn allows(&self, event: &AmiEvent) -> bool {
        let included = || self.include.iter().any(|f| f.matches(event));
        let excluded = || self.exclude.iter().any(|f| f.matches(event));
        match (self.include.is_empty(), self.exclude.is_empty()) {
            (true, true) => true,
            (false, true) => included(),
            (true, false) => !excluded(),
            (false, false) => included() && !excluded(),
        }
    }
}

fn regex(pattern: &str) -> Result<Method, FilterError> {
    RegexBuilder::new(pattern)
        .dot_matches_new_line(true)
        .build()
        .map(Method::Regex)
        .map_err(|_| FilterError::Compile)
}

fn parse(criteria: &str, pattern: &str) -> Result<Filter, FilterError> {
    let (mut exclude, pattern) = match pattern.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, pattern),
    };
    let criteria = criteria.trim();
    if criteria.is_empty() {
        // Legacy filter: a regex over the whole event, which must be given.
        if pattern.is_empty() {
            return Err(FilterError::Format);
        }
        return Ok(Filter {
            exclude,
            event_name: None,
            header: None,
            method: regex(pattern)?,
        });
    }
    let mut event_name = None;
    let mut header = None;
    let mut method_name: Option<&str> = None;
    let mut found = false;
    for option in criteria
        .split([',', ')', ' '])
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        let (key, value) = option.split_once('(').ok_or(FilterError::Format)?;
        let value = value.trim();
        if value.is_empty() {
            return Err(FilterError::Format);
        }
        match key {
            "action" => match value {
                "include" => exclude = false,
                "exclude" => exclude = true,
                _ => return Err(FilterError::Format),
            },
            "name" => event_name = Some(value.to_owned()),
            "header" => {
                let mut h = value.to_owned();
                if !h.ends_with(':') {
                    h.push(':');
                }
                header = Some(h);
            }
            "method" => method_name = Some(value),
            _ => return Err(FilterError::Format),
        }
        found = true;
    }
    if !found {
        return Err(FilterError::Format);
    }
    let method = match (method_name.unwrap_or("none"), pattern) {
        ("none", "") => Method::None,
        ("none", _) | (_, "") => return Err(FilterError::Format),
        ("regex", p) => regex(p)?,
        ("exact", p) => Method::Exact(p.to_owned()),
        ("starts_with", p) => Method::StartsWith(p.to_owned()),
        ("ends_with", p) => Method::EndsWith(p.to_owned()),
        ("contains", p) => Method::Contains(p.to_owned()),
        _ => return Err(FilterError::Format),
    };
    if event_name.is_none() && header.is_none() && matches!(method, Method::None) {
        return Err(FilterError::Format);
    }
    Ok(Filter {
        exclude,
        event_name,
        header,
        method,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ami::perms;

    fn event(name: &str, body: &str) -> AmiEvent {
        AmiEvent {
            name: name.to_owned(),
            class: perms::CALL,
            text: format!("Event: {name}\r\nPrivilege: call,all\r\n{body}\r\n"),
        }
    }

    #[test]
    fn capture_05_filters() {
        let mut f = Filters::default();
        f.add("action(exclude),name(Newexten)", "").expect("valid");
        f.add("", "Channel: PJSIP/100-").expect("valid");
        let dial = event(
            "DialBegin",
            "Channel: PJSIP/trunk-00000008\r\nDestChannel: PJSIP/100-00000009\r\n",
        );
        let trunk = event("Newchannel", "Channel: PJSIP/trunk-00000008\r\n");
        let exten = event("Newexten", "Channel: PJSIP/100-00000009\r\n");
        let mine = event("Newstate", "Channel: PJSIP/100-00000009\r\n");
        assert!(f.allows(&dial));
        assert!(!f.allows(&trunk));
        assert!(!f.allows(&exten));
        assert!(f.allows(&mine));
    }

    #[test]
    fn advanced_and_broken_filters() {
        let mut f = Filters::default();
        f.add("header(Channel),method(starts_with)", "PJSIP/201")
            .expect("valid");
        assert!(f.allows(&event("Hangup", "Channel: PJSIP/201-00000001\r\n")));
        assert!(!f.allows(&event("Hangup", "Channel: PJSIP/100-00000001\r\n")));
        assert_eq!(Filters::default().add("", ""), Err(FilterError::Format));
        assert_eq!(
            Filters::default().add("", "Event: (Hangup"),
            Err(FilterError::Compile)
        );
        assert_eq!(
            Filters::default().add("name(Hangup)", "x"),
            Err(FilterError::Format)
        );
        assert_eq!(
            Filters::default().add("colour(red)", ""),
            Err(FilterError::Format)
        );
        let mut only_exclude = Filters::default();
        only_exclude.add("", "!Event: VarSet").expect("valid");
        assert!(!only_exclude.allows(&event("VarSet", "")));
        assert!(only_exclude.allows(&event("Hangup", "")));
    }
}
