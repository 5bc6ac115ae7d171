//! Demo mode: a phone with a life of its own, so the app's demo shows popups without a PBX.
//!
//! About every 20 s (the first time after ~3 s) a random idle line rings with a random contact;
//! nobody answering within ~12 s makes it a missed call. Answered calls are hung up by the
//! remote after 30-60 s, and outgoing calls are answered after ~3 s of ringback (the latter
//! two are driven by [`crate::device::Device`]'s event reactions).

use std::sync::Weak;
use std::time::Duration;

use rand::seq::IndexedRandom;
use rand::Rng;

use crate::device::Device;
use crate::state::LineState;

/// Delay before the first demo call, so the app has connected by then.
const FIRST_CALL_AFTER: Duration = Duration::from_secs(3);
/// How long a demo caller lets the phone ring before giving up.
const RING_FOR: Duration = Duration::from_secs(12);

/// Callers of the demo: names in several scripts (and one withheld), numbers in E.164 from
/// ranges reserved for fiction (UK 020 7946 0xxx, US 555-01xx, FR 01 99 00, AU 0491 570) and
/// internal extensions.
pub const CONTACTS: &[(&str, &str)] = &[
    ("Zoë Müller", "+442079460958"),
    ("Jean-Luc Picard", "+33199001234"),
    ("Ana García", "+15555550123"),
    ("Søren Østergaard", "+442079460017"),
    ("Иван Петров", "+15555550187"),
    ("李雷", "+61491570156"),
    ("Ayşe Yılmaz", "+33199004321"),
    ("Reception", "200"),
    ("IT Helpdesk", "4711"),
    ("Dr. Björn Åkesson", "+61491570110"),
    ("", "+15555550199"),
    ("Mary O'Brien", "203"),
];

/// Rings the phone now and then until the device goes away.
pub(crate) async fn run(device: Weak<Device>) {
    tokio::time::sleep(FIRST_CALL_AFTER).await;
    loop {
        {
            let Some(device) = device.upgrade() else {
                return;
            };
            ring_someone(&device);
        }
        tokio::time::sleep(next_call_in()).await;
    }
}

/// One demo call on a random idle line, if there is one and Do Not Disturb is off.
fn ring_someone(device: &Device) {
    let idle: Vec<u32> = device
        .lines()
        .iter()
        .filter(|l| l.state == LineState::Idle)
        .map(|l| l.line)
        .collect();
    let mut rng = rand::rng();
    let (Some(&line), Some(&(name, number))) = (idle.choose(&mut rng), CONTACTS.choose(&mut rng))
    else {
        return;
    };
    match device.short_ring(Some(line), number, name, RING_FOR) {
        Ok(line) => tracing::info!(line, number, name, "demo call"),
        Err(e) => tracing::debug!("demo call skipped: {e}"),
    }
}

/// 15-25 s: about every 20 s, irregular enough to look real.
fn next_call_in() -> Duration {
    Duration::from_millis(rand::rng().random_range(15_000..=25_000))
}

/// How long the remote party stays in an answered demo call: 30-60 s.
pub(crate) fn call_length() -> Duration {
    Duration::from_millis(rand::rng().random_range(30_000..=60_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_look_real() {
        assert!(CONTACTS.iter().any(|(name, _)| !name.is_ascii()));
        assert!(CONTACTS.iter().any(|(_, n)| n.starts_with('+')));
        assert!(CONTACTS.iter().any(|(_, n)| n.len() <= 4));
        assert!(CONTACTS.iter().all(|(_, n)| n
            .trim_start_matches('+')
            .bytes()
            .all(|b| b.is_ascii_digit())));
    }

    #[test]
    fn timings_are_in_range() {
        for _ in 0..100 {
            let next = next_call_in();
            assert!((Duration::from_secs(15)..=Duration::from_secs(25)).contains(&next));
            let len = call_length();
            assert!((Duration::from_secs(30)..=Duration::from_secs(60)).contains(&len));
        }
    }
}
