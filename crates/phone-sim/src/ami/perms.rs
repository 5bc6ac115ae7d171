//! Event classes (`Privilege: call,all`) and the event masks of `Events:` and `read =`.
//!
//! Follows `manager.c`: `strings_to_mask` (all digits → that number, a false word → none, a
//! true word → all, else a comma list of class names) and delivery only when every class of an
//! event is in the session's mask (`(send_events & category) == category`).

/// `system`.
pub(crate) const SYSTEM: u32 = 1 << 0;
/// `call`.
pub(crate) const CALL: u32 = 1 << 1;
/// `dialplan`.
pub(crate) const DIALPLAN: u32 = 1 << 11;

/// Class names in Asterisk's order with their bits (`perms[]` in manager.c).
const CLASSES: &[(u32, &str)] = &[
    (SYSTEM, "system"),
    (CALL, "call"),
    (1 << 2, "log"),
    (1 << 3, "verbose"),
    (1 << 4, "command"),
    (1 << 5, "agent"),
    (1 << 6, "user"),
    (1 << 7, "config"),
    (1 << 8, "dtmf"),
    (1 << 9, "reporting"),
    (1 << 10, "cdr"),
    (DIALPLAN, "dialplan"),
    (1 << 12, "originate"),
    (1 << 13, "agi"),
    (1 << 15, "cc"),
    (1 << 16, "aoc"),
    (1 << 17, "test"),
    (1 << 18, "security"),
    (1 << 30, "message"),
];

/// Every class (`all`, `on`).
pub(crate) const ALL: u32 = i32::MAX as u32;

/// The `Privilege:` value of an event of class `class`: its names plus `all`.
pub(crate) fn privilege(class: u32) -> String {
    let mut names: Vec<&str> = CLASSES
        .iter()
        .filter(|(bit, _)| class & bit != 0)
        .map(|(_, name)| *name)
        .collect();
    names.push("all");
    names.join(",")
}

/// Asterisk's `strings_to_mask`: `None` for an empty string (which leaves the mask unchanged).
pub(crate) fn parse_mask(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return Some(text.parse::<u32>().unwrap_or(ALL) & ALL);
    }
    let word = text.to_ascii_lowercase();
    if matches!(word.as_str(), "no" | "false" | "n" | "f" | "0" | "off") {
        return Some(0);
    }
    if matches!(word.as_str(), "yes" | "true" | "y" | "t" | "1" | "on") {
        return Some(ALL);
    }
    let mut mask = 0;
    for token in text.split(',') {
        if token == "all" {
            mask |= ALL;
        }
        // Class names are compared case-sensitively, as `ast_instring` does.
        if let Some((bit, _)) = CLASSES.iter().find(|(_, name)| *name == token) {
            mask |= bit;
        }
    }
    Some(mask)
}

/// The class names in `mask`, for session listings (`call,system`, `all`, `none`).
pub(crate) fn describe(mask: u32) -> String {
    if mask == 0 {
        return "none".to_owned();
    }
    if mask & ALL == ALL {
        return "all".to_owned();
    }
    CLASSES
        .iter()
        .filter(|(bit, _)| mask & bit != 0)
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join(",")
}

/// Whether a session with mask `mask` receives an event of class `class`.
pub(crate) fn delivers(mask: u32, class: u32) -> bool {
    class != 0 && mask & class == class
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn privileges_read_like_asterisk() {
        assert_eq!(privilege(CALL), "call,all");
        assert_eq!(privilege(DIALPLAN), "dialplan,all");
        assert_eq!(privilege(SYSTEM), "system,all");
    }

    #[test]
    fn masks() {
        assert_eq!(parse_mask(""), None);
        assert_eq!(parse_mask("off"), Some(0));
        assert_eq!(parse_mask("On"), Some(ALL));
        assert_eq!(parse_mask("call"), Some(CALL));
        assert_eq!(parse_mask("call,system"), Some(CALL | SYSTEM));
        assert_eq!(parse_mask("Call"), Some(0));
        assert_eq!(parse_mask("2"), Some(CALL));
        assert!(delivers(CALL | SYSTEM, CALL));
        assert!(!delivers(CALL, DIALPLAN));
        assert!(!delivers(CALL, SYSTEM));
        assert_eq!(describe(CALL | SYSTEM), "system,call");
    }
}
