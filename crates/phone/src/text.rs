//! Text from phones, PBXs and pushes, made safe to show.
//!
//! A caller's name is chosen by whoever calls. Sent raw into a terminal it can carry escape
//! sequences (clear the screen, fake a line of output); in a notification or a window, Unicode
//! direction overrides can make `Evil` + U+202E + `moc.knab` read as `Evilbank.com`, or turn a number
//! around. Everything a person reads from outside goes through [`for_display`].

/// `text` with control characters shown as `\u{..}` escapes (visible, so nothing is hidden),
/// direction overrides and isolates removed, and outer whitespace trimmed.
pub fn for_display(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if is_direction_control(c) {
            continue;
        }
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Characters that change the direction text is shown in: embeddings, overrides, isolates
/// and marks. Names in Arabic or Hebrew are still shown right to left by their letters alone.
pub fn is_direction_control(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_drops_direction_overrides() {
        assert_eq!(for_display(" Ann\u{1b}[2J Lee "), "Ann\\u{1b}[2J Lee");
        assert_eq!(for_display("Evil\u{202E}moc.knab"), "Evilmoc.knab");
        assert_eq!(for_display("a\nb"), "a\\u{a}b");
        assert_eq!(for_display("Виталик"), "Виталик");
        assert_eq!(for_display("שלום"), "שלום");
    }
}
