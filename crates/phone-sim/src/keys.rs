//! The keys of `api-send_key`: their names, and the player that presses them one by one.
//!
//! Parsing is all-or-nothing: a real phone answers `"unknown"` and presses nothing when one name
//! in the sequence is not a key, so a client learns about a typo before half a number is dialled.
//! Pressing is slow and sequential: the phone answers at once, then works through the keys about
//! one per 700 ms, and a second request waits behind the first. Clients that poll for the result
//! too early, or fire two requests at once, must see what they would see on a real phone.

use std::fmt;
use std::sync::Weak;
use std::time::Duration;

use tokio::sync::mpsc;

use crate::device::Device;

/// Highest multi-purpose key number accepted (a GXP2170 with extension modules has 48).
const MAX_MPK: u32 = 48;
/// Soft keys under the display; Grandstream documents `SOFT1` to `SOFT3`.
const MAX_SOFT: u32 = 3;

/// One physical key of the phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `0`..`9`.
    Digit(u8),
    /// `STAR` or a literal `*`.
    Star,
    /// `POUND` or a literal `#` (which clients must send percent-encoded as `%23`).
    Pound,
    /// `SEND`: dial the collected digits.
    Send,
    /// `OK`: like `SEND` when digits were collected.
    Ok,
    /// `OFFHOOK`: answer a ringing call.
    OffHook,
    /// `ONHOOK`: hang up the active call.
    OnHook,
    /// `MUTE`: mute the call, or toggle Do Not Disturb when idle.
    Mute,
    /// `LINEn` (1-based): select a line, answering or resuming its call.
    Line(u32),
    /// `SOFTn`: soft keys; accepted and ignored.
    Soft(u32),
    /// `VUP`; accepted and ignored.
    VolumeUp,
    /// `VDOWN`; accepted and ignored.
    VolumeDown,
    /// `UP`; accepted and ignored.
    Up,
    /// `DOWN`; accepted and ignored.
    Down,
    /// `LEFT`; accepted and ignored.
    Left,
    /// `RIGHT`; accepted and ignored.
    Right,
    /// `LOCK`; accepted and ignored.
    Lock,
    /// `UNLOCK`; accepted and ignored.
    Unlock,
    /// `SPEAKER`: answers a ringing call hands-free.
    Speaker,
    /// `HOLD`: toggles hold on the active call.
    Hold,
    /// `MPKn`: multi-purpose keys; accepted and ignored.
    Mpk(u32),
}

impl Key {
    /// Parses one key name as the phone spells it (case-insensitive). `lines` bounds `LINEn`:
    /// a line key the phone does not have is as unknown as a misspelt name.
    pub fn parse(name: &str, lines: u32) -> Option<Key> {
        let upper = name.trim().to_ascii_uppercase();
        let key = match upper.as_str() {
            "*" | "STAR" => Key::Star,
            "#" | "POUND" => Key::Pound,
            "SEND" => Key::Send,
            "OK" => Key::Ok,
            "OFFHOOK" => Key::OffHook,
            "ONHOOK" => Key::OnHook,
            "MUTE" => Key::Mute,
            "VUP" => Key::VolumeUp,
            "VDOWN" => Key::VolumeDown,
            "UP" => Key::Up,
            "DOWN" => Key::Down,
            "LEFT" => Key::Left,
            "RIGHT" => Key::Right,
            "LOCK" => Key::Lock,
            "UNLOCK" => Key::Unlock,
            "SPEAKER" => Key::Speaker,
            "HOLD" => Key::Hold,
            other => {
                if let [digit @ b'0'..=b'9'] = other.as_bytes() {
                    Key::Digit(digit - b'0')
                } else if let Some(n) = numbered(other, "LINE", lines) {
                    Key::Line(n)
                } else if let Some(n) = numbered(other, "SOFT", MAX_SOFT) {
                    Key::Soft(n)
                } else if let Some(n) = numbered(other, "MPK", MAX_MPK) {
                    Key::Mpk(n)
                } else {
                    return None;
                }
            }
        };
        Some(key)
    }

    /// Parses a `keys=` value (`K1:K2:...`). `None` if any part is unknown or the list is empty.
    pub fn parse_sequence(keys: &str, lines: u32) -> Option<Vec<Key>> {
        if keys.trim().is_empty() {
            return None;
        }
        keys.split(':')
            .map(|name| Key::parse(name, lines))
            .collect()
    }

    /// The character a dial-pad key adds to the dial buffer, if it is one.
    pub fn dial_char(self) -> Option<char> {
        match self {
            Key::Digit(d) => Some(char::from(b'0' + d)),
            Key::Star => Some('*'),
            Key::Pound => Some('#'),
            _ => None,
        }
    }
}

/// The keys of one `api-send_key` request, tagged with the reboot epoch they were queued in.
#[derive(Debug)]
pub(crate) struct KeyJob {
    pub(crate) epoch: u64,
    pub(crate) keys: Vec<Key>,
}

/// Presses queued keys, one every `interval`, until the device goes away. A reboot discards
/// the rest of the sequence being played and of any queued before it.
pub(crate) async fn play(
    device: Weak<Device>,
    mut jobs: mpsc::UnboundedReceiver<KeyJob>,
    interval: Duration,
) {
    while let Some(job) = jobs.recv().await {
        for key in job.keys {
            tokio::time::sleep(interval).await;
            let Some(device) = device.upgrade() else {
                return;
            };
            if !device.key_epoch_is_current(job.epoch) {
                break;
            }
            tracing::debug!(%key, "key pressed");
            device.press(key);
        }
    }
}

/// `PREFIXn` with `1 <= n <= max`, without leading zeros or signs.
fn numbered(name: &str, prefix: &str, max: u32) -> Option<u32> {
    let digits = name.strip_prefix(prefix)?;
    if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| (1..=max).contains(n))
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Digit(d) => write!(f, "{d}"),
            Key::Star => f.write_str("STAR"),
            Key::Pound => f.write_str("POUND"),
            Key::Send => f.write_str("SEND"),
            Key::Ok => f.write_str("OK"),
            Key::OffHook => f.write_str("OFFHOOK"),
            Key::OnHook => f.write_str("ONHOOK"),
            Key::Mute => f.write_str("MUTE"),
            Key::Line(n) => write!(f, "LINE{n}"),
            Key::Soft(n) => write!(f, "SOFT{n}"),
            Key::VolumeUp => f.write_str("VUP"),
            Key::VolumeDown => f.write_str("VDOWN"),
            Key::Up => f.write_str("UP"),
            Key::Down => f.write_str("DOWN"),
            Key::Left => f.write_str("LEFT"),
            Key::Right => f.write_str("RIGHT"),
            Key::Lock => f.write_str("LOCK"),
            Key::Unlock => f.write_str("UNLOCK"),
            Key::Speaker => f.write_str("SPEAKER"),
            Key::Hold => f.write_str("HOLD"),
            Key::Mpk(n) => write!(f, "MPK{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dial_sequences() {
        let keys = Key::parse_sequence("2:0:3:#:STAR:POUND:SEND", 4).expect("valid sequence");
        let dialled: String = keys.iter().filter_map(|k| k.dial_char()).collect();
        assert_eq!(dialled, "203#*#");
        assert_eq!(keys.last(), Some(&Key::Send));
    }

    #[test]
    fn line_keys_are_bounded_by_the_line_count() {
        assert_eq!(Key::parse("LINE4", 4), Some(Key::Line(4)));
        assert_eq!(Key::parse("line1", 4), Some(Key::Line(1)));
        assert_eq!(Key::parse("LINE5", 4), None);
        assert_eq!(Key::parse("LINE0", 4), None);
        assert_eq!(Key::parse("LINE01", 4), None);
    }

    #[test]
    fn one_unknown_name_rejects_the_whole_sequence() {
        assert_eq!(Key::parse_sequence("1:2:FOO", 4), None);
        assert_eq!(Key::parse_sequence("", 4), None);
        assert_eq!(Key::parse_sequence("1::2", 4), None);
        assert_eq!(Key::parse("12", 4), None);
        assert_eq!(Key::parse("SOFT4", 4), None);
    }

    #[test]
    fn display_round_trips() {
        for name in [
            "7", "STAR", "POUND", "LINE2", "SOFT3", "MPK12", "VUP", "HOLD",
        ] {
            let key = Key::parse(name, 4).expect("known key");
            assert_eq!(key.to_string(), name);
        }
    }
}
