//! What a XiVO call carries for the person taking it: `userData` and the queue, as
//! [`Line::info`](crate::model::Line::info).
//!
//! `userData` mixes two kinds of data (seed `003`):
//! - `XIVO_*` variables the dialplan sets for itself (`XIVO_CONTEXT`, `XIVO_USERID`,
//!   `XIVO_EXTENPATTERN`, `XIVO_SRCNUM`...): ids and patterns that mean nothing to a desk
//!   worker, or repeat what the call window already shows (the caller's number). They are
//!   left out, with one exception: `XIVO_DSTNUM` on an incoming call, **the number the caller
//!   dialled**, when it is not the user's own line. Offices that answer several numbers (sales,
//!   support, a client's hotline) need exactly that to greet the caller right.
//! - `USR_*` variables, the CTI's contract for data meant for the client ("Only attached data
//!   beginning with USR_ are sent back to the client API"): a CRM id, a ticket, what an IVR
//!   collected. They are all kept, named without the prefix and readable: `USR_ticket_no`
//!   becomes "Ticket no", `USR_DATA1` "Data1".
//!
//! The queue that distributed the call (`queueName`) is kept as "Queue". Anything else
//! (`SIPCALLID` and whatever a newer xuc adds) is internal. Names and values are cleaned
//! (no control characters, trimmed, bounded), empty values dropped, and at most
//! [`MAX_FIELDS`] are kept: the call window is not a place for pages of data.

use super::messages::{CallDirection, PhoneEvent};
use std::collections::BTreeMap;

/// Most fields shown for one call.
pub(crate) const MAX_FIELDS: usize = 24;
/// Longest value shown.
const MAX_VALUE_CHARS: usize = 200;
/// Longest name shown.
const MAX_NAME_CHARS: usize = 48;

/// The name "Queue" goes by in the call's info.
pub const QUEUE: &str = "Queue";
/// The name of the number the caller dialled.
pub const NUMBER_DIALLED: &str = "Number dialled";

/// The fields of `event` worth showing, by readable name.
pub(crate) fn info_of(event: &PhoneEvent) -> BTreeMap<String, String> {
    let mut info = BTreeMap::new();
    for (key, value) in &event.user_data {
        let Some(name) = key.strip_prefix("USR_") else {
            continue;
        };
        let (Some(name), Some(value)) = (readable_name(name), clean_value(value)) else {
            continue;
        };
        if info.len() < MAX_FIELDS {
            info.insert(name, value);
        }
    }
    // The system's facts come last and win a clash with a USR_ field of the same name: they
    // are what the PBX knows, not what someone typed.
    if let Some(queue) = event.queue.as_deref().and_then(clean_value) {
        info.insert(QUEUE.to_owned(), queue);
    }
    let incoming = event.direction != Some(CallDirection::Outgoing);
    if let Some(dialled) = event
        .user_data
        .get("XIVO_DSTNUM")
        .and_then(|v| clean_value(v))
    {
        if incoming && dialled != event.dn.trim() {
            info.insert(NUMBER_DIALLED.to_owned(), dialled);
        }
    }
    info
}

/// `ticket_no` → "Ticket no", `DATA1` → "Data1", `customerName` → "CustomerName".
fn readable_name(raw: &str) -> Option<String> {
    let spaced: String = raw
        .chars()
        .map(|c| if c == '_' || c.is_control() { ' ' } else { c })
        .collect();
    let words = spaced.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.is_empty() {
        return None;
    }
    let shouted = !words.chars().any(char::is_lowercase);
    let words = if shouted { words.to_lowercase() } else { words };
    let mut chars = words.chars();
    let first = chars.next()?;
    let name: String = first
        .to_uppercase()
        .chain(chars)
        .take(MAX_NAME_CHARS)
        .collect();
    Some(name)
}

/// Trimmed, control characters turned into spaces, cut short; `None` when empty.
fn clean_value(raw: &str) -> Option<String> {
    let cleaned: String = raw
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() {
        return None;
    }
    let mut value: String = trimmed.chars().take(MAX_VALUE_CHARS).collect();
    if trimmed.chars().count() > MAX_VALUE_CHARS {
        value.push('…');
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::super::messages::EventType;
    use super::*;

    fn event(data: &[(&str, &str)], queue: Option<&str>) -> PhoneEvent {
        PhoneEvent {
            event: EventType::Ringing,
            dn: "1000".into(),
            other_dn: "0427466347".into(),
            other_name: String::new(),
            linked_id: "1.1".into(),
            unique_id: "1.2".into(),
            queue: queue.map(str::to_owned),
            direction: Some(CallDirection::Incoming),
            user_data: data
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn keeps_what_a_person_needs_and_drops_the_dialplan() {
        // The seed's example.
        let info = info_of(&event(
            &[
                ("XIVO_CONTEXT", "from-extern"),
                ("XIVO_USERID", "1"),
                ("USR_var1", "val1"),
                ("USR_var2", "val2"),
                ("XIVO_EXTENPATTERN", "_012305XXXX"),
                ("XIVO_SRCNUM", "0427466347"),
                ("XIVO_DST_FIRSTNAME", "Brucé"),
                ("XIVO_DSTNUM", "0123053012"),
                ("XIVO_DST_LASTNAME", "Wail"),
                ("SIPCALLID", "abc@10.0.0.1"),
            ],
            Some("bluesky"),
        ));
        let expected: BTreeMap<String, String> = [
            ("Var1", "val1"),
            ("Var2", "val2"),
            (QUEUE, "bluesky"),
            (NUMBER_DIALLED, "0123053012"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(info, expected);
    }

    #[test]
    fn the_users_own_line_is_not_news() {
        let info = info_of(&event(&[("XIVO_DSTNUM", "1000")], None));
        assert!(info.is_empty(), "{info:?}");
        let mut outgoing = event(&[("XIVO_DSTNUM", "0612")], None);
        outgoing.direction = Some(CallDirection::Outgoing);
        assert!(info_of(&outgoing).is_empty());
    }

    #[test]
    fn names_and_values_are_readable_and_bounded() {
        let long = "v".repeat(1000);
        let info = info_of(&event(
            &[
                ("USR_ticket_no", " T-7\n"),
                ("USR_DATA1", "hello"),
                ("USR_customerName", "Zoë"),
                ("USR_", "nameless"),
                ("USR_empty", "  "),
                ("USR_long", &long),
            ],
            None,
        ));
        assert_eq!(info.get("Ticket no").map(String::as_str), Some("T-7"));
        assert_eq!(info.get("Data1").map(String::as_str), Some("hello"));
        assert_eq!(info.get("CustomerName").map(String::as_str), Some("Zoë"));
        assert!(!info.contains_key("Empty"));
        assert_eq!(info.len(), 4);
        assert_eq!(
            info.get("Long").map(|v| v.chars().count()),
            Some(MAX_VALUE_CHARS + 1)
        );
        let many: Vec<(String, String)> = (0..100)
            .map(|i| (format!("USR_f{i:03}"), "x".to_owned()))
            .collect();
        let refs: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(info_of(&event(&refs, Some("q"))).len(), MAX_FIELDS + 1);
    }
}
