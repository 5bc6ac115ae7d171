//! What the history gives back: one [`CallRecord`] per call, as the windows show it.

use crate::event::{CallKey, Direction, Outcome};
use serde::{Deserialize, Serialize, Serializer};

/// A call's row id in the history. Stable for the life of the row; the UI passes it back to
/// mark calls seen or resolved, set a note, or delete.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CallId(pub i64);

impl std::fmt::Display for CallId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where a call stands. Serialized flat (`"ringing"`, `"active"`, `"missed"`, …), the word
/// stored in the `outcome` column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CallState {
    /// Not answered yet: an incoming call ringing, or an outgoing call dialing.
    Ringing,
    /// Connected (possibly on hold).
    Active,
    Ended(Outcome),
}

impl CallState {
    pub fn as_str(self) -> &'static str {
        match self {
            CallState::Ringing => "ringing",
            CallState::Active => "active",
            CallState::Ended(outcome) => outcome.as_str(),
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        match text {
            "ringing" => Some(CallState::Ringing),
            "active" => Some(CallState::Active),
            other => Outcome::parse(other).map(CallState::Ended),
        }
    }

    pub fn is_ended(self) -> bool {
        matches!(self, CallState::Ended(_))
    }
}

impl Serialize for CallState {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The contact a lookup found for the caller, stored as a snapshot: the history shows who it
/// was at the time even if the address book changes later.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactMatch {
    pub name: String,
    /// Where it came from: `vcard:office.vcf`, `carddav:…`, `ldap`, `crm`, …
    pub source: String,
    /// The entry's id there (vCard UID, LDAP DN, CRM id), to open it again.
    pub reference: Option<String>,
}

/// Why a missed call no longer needs attention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResolvedHow {
    /// The user placed a call to that number afterwards.
    Callback,
    /// A later call from (or with) that number was answered.
    AnsweredLater,
    /// The user marked it done.
    Manual,
}

impl ResolvedHow {
    pub fn as_str(self) -> &'static str {
        match self {
            ResolvedHow::Callback => "callback",
            ResolvedHow::AnsweredLater => "answered_later",
            ResolvedHow::Manual => "manual",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "callback" => ResolvedHow::Callback,
            "answered_later" => ResolvedHow::AnsweredLater,
            "manual" => ResolvedHow::Manual,
            _ => return None,
        })
    }
}

/// When and how a missed call was dealt with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Resolution {
    pub at_ms: i64,
    pub how: ResolvedHow,
    /// The call that resolved it. `None` when marked by hand, or when that call has since been
    /// deleted.
    pub by: Option<CallId>,
}

/// One call in the history. Times are unix milliseconds (UTC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CallRecord {
    pub id: CallId,
    pub key: CallKey,
    pub line: Option<u32>,
    pub direction: Direction,
    pub state: CallState,
    /// As the phone showed it; empty for anonymous callers.
    pub number: String,
    pub e164: Option<String>,
    pub match_key: Option<String>,
    /// The name the phone showed.
    pub name: String,
    /// Filled in when caller lookup answers (see [`crate::History::set_contact`]).
    pub contact: Option<ContactMatch>,
    /// First ring or dial; for a call first seen connected or ended, that first sighting.
    pub started_at_ms: i64,
    /// `None` when it was never connected here, or when it ended "answered" without callpop
    /// seeing the moment it was picked up.
    pub answered_at_ms: Option<i64>,
    pub ended_at_ms: Option<i64>,
    /// Time spent on hold, summed over every hold/resume. Holds still running count from
    /// `on_hold_since_ms`.
    pub held_ms: i64,
    pub on_hold_since_ms: Option<i64>,
    /// The newest event callpop applied to this call.
    pub last_event_at_ms: i64,
    /// callpop was not running when the call ended: it was closed at the next start, with
    /// `ended_at_ms` = the last moment callpop knew the call was still going, and an outcome
    /// guessed from what was known (see [`crate::History::close_unfinished`]).
    pub interrupted: bool,
    /// `false` for a missed call the user has not yet seen in the list.
    pub seen: bool,
    pub resolution: Option<Resolution>,
    pub note: String,
    /// When callpop wrote the row, and last changed it (wall clock of this computer).
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

impl CallRecord {
    /// A missed call nobody has dealt with yet: what the tray badge counts.
    pub fn needs_attention(&self) -> bool {
        self.state == CallState::Ended(Outcome::Missed) && self.resolution.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ui_sees_one_flat_word_per_state() {
        let words: Vec<String> = [
            CallState::Ringing,
            CallState::Active,
            CallState::Ended(Outcome::AnsweredElsewhere),
        ]
        .iter()
        .map(|s| serde_json::to_string(s).expect("json"))
        .collect();
        assert_eq!(
            words,
            ["\"ringing\"", "\"active\"", "\"answered_elsewhere\""]
        );
        for word in ["ringing", "active", "missed", "answered_elsewhere"] {
            assert_eq!(CallState::parse(word).map(CallState::as_str), Some(word));
        }
        assert_eq!(CallState::parse("lost"), None);
    }
}
