//! What every simulated phone's Action URL pushes share; each phone adds only its variables
//! and what it records of a push.
//!
//! The point is to reproduce what makes real pushes hard to receive, so listeners get tested
//! against it:
//! - values are substituted **unencoded**, so display names put raw spaces (and raw UTF-8) into
//!   the request line; a normal HTTP client would encode them, so requests are written by hand
//!   on a raw TCP stream ([`raw`]);
//! - a leading `+` stays `+`;
//! - a variable without a value is sent as its literal placeholder (`$display_remote`);
//! - pushes leave about a second after the event, one at a time ([`queue`]);
//! - optionally, pushes are lost, duplicated or delayed at random (seedable for reproducible
//!   tests).

pub(crate) mod queue;
pub(crate) mod raw;

use std::fmt;
use std::hash::Hash;
use std::net::IpAddr;
use std::time::Duration;

pub use raw::PushOutcome;

/// One phone's push variables and record: the part of the machinery that differs by make.
pub(crate) trait PushVariables: fmt::Debug + Send + Sync + 'static {
    /// What happened on the phone that may cause a push.
    type Cause;
    /// A push as recorded for tests.
    type Push: RecordedPush;

    /// The event whose Action URL `cause` sends.
    fn event(cause: &Self::Cause) -> <Self::Push as RecordedPush>::Event;
    /// `template` with the values of `cause` substituted (see [`expand`]).
    fn url(&self, template: &str, cause: &Self::Cause) -> String;
    /// The record of one copy of the push for `cause`, before it is sent.
    fn push(cause: &Self::Cause, stamp: Stamp) -> Self::Push;
    /// `User-Agent` of the phone's HTTP client.
    fn user_agent(&self) -> String;
}

/// What the queue reads from and fills into a recorded push.
pub(crate) trait RecordedPush: fmt::Debug + Clone + Send + 'static {
    /// The phone's event names.
    type Event: fmt::Debug + fmt::Display + Copy + Eq + Hash + Send + 'static;

    /// Order in which pushes were decided.
    fn seq(&self) -> u64;
    fn event(&self) -> Self::Event;
    fn url(&self) -> &str;
    /// Sent (or tried): when, and what became of it.
    fn settle(&mut self, elapsed: Duration, outcome: PushOutcome);
}

/// What the queue decided about one copy of a push.
#[derive(Debug, Clone)]
pub(crate) struct Stamp {
    /// Order in which pushes were decided (lost ones included).
    pub(crate) seq: u64,
    /// The URL after substitution.
    pub(crate) url: String,
    /// Whether this is the extra copy sent by the duplicate fault.
    pub(crate) duplicate: bool,
    /// Time since the simulator started when the push was decided.
    pub(crate) elapsed: Duration,
}

/// The `$ip` of a phone bound to `bind_ip`: a wildcard bind is reported as loopback, the
/// address a local listener sees the pushes come from.
pub(crate) fn phone_ip(bind_ip: IpAddr) -> String {
    crate::server::reachable_ip(bind_ip).to_string()
}

/// Substitutes `$variables` the way phones do: raw values, placeholders left in place when
/// empty. `variables` are the phone's names, longest first so that no name is mistaken for a
/// shorter one; `value` gives each one's value. Control characters are blanked so that a
/// display name cannot inject header lines.
pub(crate) fn expand(template: &str, variables: &[&str], value: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        match variables.iter().find(|name| after.starts_with(**name)) {
            Some(name) => {
                let value = value(name);
                if value.is_empty() {
                    out.push('$');
                    out.push_str(name);
                } else {
                    out.extend(value.chars().map(|c| if c.is_control() { ' ' } else { c }));
                }
                rest = &after[name.len()..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
