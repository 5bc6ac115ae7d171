//! The Action URL lines to paste into a Yealink's web page (Features > Action URL) or its
//! configuration file (`action_url.incoming_call = ...`).
//!
//! A Yealink tells callpop of calls only by these pushes, so every call event is covered,
//! plus `busy_to_idle` (which repairs a lost `call_terminated`) and `dnd_on`/`dnd_off` (which
//! show a Do Not Disturb change at once). Each URL has the `/cp/<token>/<event>?...` shape the
//! push listener parses, with Yealink's variable names: `$remote` (number, often as a SIP
//! URI), `$display_remote` (name), `$call_id` (ties one call's pushes together, and is what
//! `ASW:`/`CANCEL:`/`HOLD:` name the call by) and `$active_user` (the account). Each stays
//! well under the ~256 characters some phones silently drop.

use crate::model::HintKind;
use crate::push::parse::PATH_PREFIX;
use crate::push::PushError;
use serde::Serialize;
use std::fmt;
use std::net::SocketAddr;

/// Query part of the call events, with Yealink's variable names.
const CALL_VARIABLES: &str = "n=$remote&d=$display_remote&c=$call_id&u=$active_user";

/// One Action URL to set on the phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct YealinkActionUrl {
    /// What callpop reads from it.
    pub kind: HintKind,
    /// The field's name on the phone's web page (Features > Action URL).
    pub label: &'static str,
    /// The parameter in a configuration file (`action_url.incoming_call`).
    pub parameter: &'static str,
    pub url: String,
}

impl fmt::Display for YealinkActionUrl {
    /// `action_url.incoming_call = http://...`, the line of a configuration file.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.parameter, self.url)
    }
}

/// The phone's events: parameter, label on its web page, the word in callpop's URL, and
/// whether the event is about a call (and so carries the call's variables).
const EVENTS: [(&str, &str, &str, bool); 11] = [
    ("action_url.incoming_call", "Incoming Call", "in", true),
    ("action_url.outgoing_call", "Outgoing Call", "out", true),
    ("action_url.call_established", "Established", "est", true),
    ("action_url.call_terminated", "Terminated", "end", true),
    ("action_url.missed_call", "Missed Call", "miss", true),
    (
        "action_url.reject_incoming_call",
        "Reject Incoming Call",
        "rej",
        true,
    ),
    ("action_url.hold", "Hold", "hold", true),
    ("action_url.unhold", "UnHold", "unhold", true),
    (
        "action_url.busy_to_idle",
        "Busy To Idle",
        "busy_to_idle",
        false,
    ),
    ("action_url.dnd_on", "Open DND", "dnd_on", false),
    ("action_url.dnd_off", "Close DND", "dnd_off", false),
];

/// The Action URLs for a listener the phone reaches at `pc`, with `token` (the phone's push
/// token from its settings).
pub fn action_url_lines(pc: SocketAddr, token: &str) -> Vec<YealinkActionUrl> {
    EVENTS
        .into_iter()
        .map(|(parameter, label, word, about_a_call)| YealinkActionUrl {
            kind: HintKind::from_name(word),
            label,
            parameter,
            url: if about_a_call {
                format!("http://{pc}{PATH_PREFIX}{token}/{word}?{CALL_VARIABLES}")
            } else {
                format!("http://{pc}{PATH_PREFIX}{token}/{word}")
            },
        })
        .collect()
}

/// The Action URLs for a listener on `listen` (its address once bound), at the address the
/// phone at `phone_url` reaches this computer at (see [`crate::push::lines_for`]).
pub async fn action_urls_for(
    listen: SocketAddr,
    token: &str,
    phone_url: &str,
) -> Result<Vec<YealinkActionUrl>, PushError> {
    let pc = crate::push::listener_address_for(listen, phone_url).await?;
    Ok(action_url_lines(pc, token))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::push::parse::parse_target;

    #[test]
    fn lines_are_short_complete_and_parse_back() {
        let token = "x".repeat(64);
        let pc: SocketAddr = "[fd00:1234:5678:9abc:def0:1234:5678:9abc]:65535"
            .parse()
            .expect("addr");
        let lines = action_url_lines(pc, &token);
        assert_eq!(lines.len(), EVENTS.len());
        for line in &lines {
            assert!(
                line.url.len() < 256,
                "{} chars: {}",
                line.url.len(),
                line.url
            );
        }
        let lines = action_url_lines("192.168.1.20:8787".parse().expect("addr"), "TOKEN");
        assert_eq!(
            lines[0].to_string(),
            "action_url.incoming_call = http://192.168.1.20:8787/cp/TOKEN/in?n=$remote&d=$display_remote&c=$call_id&u=$active_user"
        );
        let kinds: Vec<HintKind> = lines.iter().map(|l| l.kind.clone()).collect();
        assert_eq!(
            kinds[..8],
            [
                HintKind::Incoming,
                HintKind::Outgoing,
                HintKind::Established,
                HintKind::Terminated,
                HintKind::Missed,
                HintKind::Rejected,
                HintKind::Hold,
                HintKind::Unhold
            ]
        );
        // What the phone sends for them, raw, parses back to the event and its details.
        let pushed = lines[0]
            .url
            .replace("$remote", "sip:+15555550100@pbx")
            .replace("$display_remote", "John Doe")
            .replace("$call_id", "33093");
        let target = pushed.trim_start_matches("http://192.168.1.20:8787");
        let hint = parse_target(target, "TOKEN").expect("parses");
        assert_eq!(hint.kind, HintKind::Incoming);
        assert_eq!(
            (
                hint.number.as_str(),
                hint.name.as_str(),
                hint.call_id.as_str(),
                hint.local.as_str()
            ),
            ("+15555550100", "John Doe", "33093", "")
        );
        let idle = parse_target("/cp/TOKEN/busy_to_idle", "TOKEN").expect("parses");
        assert_eq!(idle.kind, HintKind::Other("busytoidle".into()));
        let dnd = parse_target("/cp/TOKEN/dnd_on", "TOKEN").expect("parses");
        assert_eq!(dnd.kind, HintKind::Other("dndon".into()));
    }
}
