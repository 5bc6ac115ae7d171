//! The settings' hotkey ("Ctrl+Alt+D") in the form the GlobalShortcuts portal takes as the
//! preferred trigger: the XDG "shortcuts" format, modifiers in capitals and the key as its
//! xkb keysym name ("CTRL+ALT+d").
//!
//! The desktop may show or assign another combination; this is only the suggestion.

/// Converts a hotkey written as in Settings (the same words the X11 hotkey understands:
/// `Ctrl`/`Control`, `Alt`/`Option`, `Shift`, `Super`/`Meta`/`Cmd`, `CmdOrCtrl`, and a key:
/// a letter, a digit, `F1`…`F24`, `KeyD`, `Digit1` or a named key such as `Space`).
/// `None` when a part is not understood.
pub fn to_xdg(hotkey: &str) -> Option<String> {
    let parts: Vec<&str> = hotkey.split('+').map(str::trim).collect();
    let (key, modifiers) = parts.split_last()?;
    let mut out: Vec<&str> = Vec::new();
    for m in modifiers {
        let name = modifier(m)?;
        if !out.contains(&name) {
            out.push(name);
        }
    }
    // The spec's order: the modifiers in a fixed order, so equal hotkeys read the same.
    out.sort_by_key(|m| ["SHIFT", "CTRL", "ALT", "LOGO"].iter().position(|o| o == m));
    let key = keysym(key)?;
    let mut text = out.join("+");
    if !text.is_empty() {
        text.push('+');
    }
    text.push_str(&key);
    Some(text)
}

fn modifier(word: &str) -> Option<&'static str> {
    Some(match word.to_ascii_lowercase().as_str() {
        "ctrl" | "control" | "cmdorctrl" | "commandorcontrol" | "cmdorcontrol"
        | "commandorctrl" => "CTRL",
        "alt" | "option" => "ALT",
        "shift" => "SHIFT",
        "super" | "meta" | "cmd" | "command" | "logo" | "win" => "LOGO",
        _ => return None,
    })
}

fn keysym(word: &str) -> Option<String> {
    let lower = word.to_ascii_lowercase();
    // `KeyD` and `Digit1`, as the X11 hotkey parser also accepts them.
    let bare = lower
        .strip_prefix("key")
        .filter(|rest| rest.len() == 1)
        .or_else(|| lower.strip_prefix("digit").filter(|rest| rest.len() == 1))
        .unwrap_or(&lower);
    let mut chars = bare.chars();
    if let (Some(c), None) = (chars.next(), chars.clone().next()) {
        if c.is_ascii_alphanumeric() {
            return Some(c.to_string());
        }
    }
    if let Some(n) = bare.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
        if (1..=24).contains(&n) {
            return Some(format!("F{n}"));
        }
    }
    let named = match bare {
        "space" => "space",
        "enter" | "return" => "Return",
        "tab" => "Tab",
        "escape" | "esc" => "Escape",
        "backspace" => "BackSpace",
        "delete" | "del" => "Delete",
        "insert" => "Insert",
        "home" => "Home",
        "end" => "End",
        "pageup" => "Page_Up",
        "pagedown" => "Page_Down",
        "up" | "arrowup" => "Up",
        "down" | "arrowdown" => "Down",
        "left" | "arrowleft" => "Left",
        "right" | "arrowright" => "Right",
        "pause" => "Pause",
        "printscreen" | "print" => "Print",
        _ => return None,
    };
    Some(named.to_owned())
}

#[cfg(test)]
mod tests {
    use super::to_xdg;

    #[test]
    fn the_default_hotkey() {
        assert_eq!(to_xdg("Ctrl+Alt+D").as_deref(), Some("CTRL+ALT+d"));
    }

    #[test]
    fn modifiers_in_any_spelling_and_order() {
        assert_eq!(to_xdg("alt+control+d").as_deref(), Some("CTRL+ALT+d"));
        assert_eq!(to_xdg("Super+Shift+P").as_deref(), Some("SHIFT+LOGO+p"));
        assert_eq!(to_xdg("CmdOrCtrl+Shift+1").as_deref(), Some("SHIFT+CTRL+1"));
        assert_eq!(to_xdg(" Ctrl + Alt + D ").as_deref(), Some("CTRL+ALT+d"));
        assert_eq!(to_xdg("Ctrl+Ctrl+D").as_deref(), Some("CTRL+d"));
    }

    #[test]
    fn key_names_become_keysyms() {
        assert_eq!(to_xdg("Ctrl+KeyD").as_deref(), Some("CTRL+d"));
        assert_eq!(to_xdg("Ctrl+Digit5").as_deref(), Some("CTRL+5"));
        assert_eq!(to_xdg("Ctrl+F12").as_deref(), Some("CTRL+F12"));
        assert_eq!(to_xdg("Ctrl+Alt+Space").as_deref(), Some("CTRL+ALT+space"));
        assert_eq!(to_xdg("Ctrl+PageDown").as_deref(), Some("CTRL+Page_Down"));
        assert_eq!(to_xdg("Ctrl+Enter").as_deref(), Some("CTRL+Return"));
        assert_eq!(to_xdg("F9").as_deref(), Some("F9"));
    }

    #[test]
    fn what_is_not_understood_is_none() {
        assert_eq!(to_xdg(""), None);
        assert_eq!(to_xdg("Ctrl+"), None);
        assert_eq!(to_xdg("Hyper+D"), None);
        assert_eq!(to_xdg("Ctrl+Alt+Dee"), None);
        assert_eq!(to_xdg("Ctrl+F25"), None);
    }
}
