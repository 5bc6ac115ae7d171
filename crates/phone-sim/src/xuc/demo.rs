//! Demo mode: a PBX with a life of its own, so the app's XiVO demo shows popups without one.
//!
//! Now and then a demo caller ([`crate::DEMO_CONTACTS`]) rings a user who has the CTI open;
//! nobody answering within `ring_for` makes it a missed call. Answered calls, and outgoing
//! calls once the far end answered, are hung up by the other party after a while.

use std::sync::Arc;
use std::time::Duration;

use rand::seq::IndexedRandom;
use rand::Rng;

use super::calls::IncomingCall;
use super::model::{CallId, UserData};
use super::server::Core;
use super::world::{Timer, World};

/// Timings of demo mode; the defaults look like a real office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XucDemo {
    /// Delay before the first demo call, so the app has connected by then.
    pub first_call_after: Duration,
    /// Shortest gap between two demo calls.
    pub min_gap: Duration,
    /// Longest gap between two demo calls.
    pub max_gap: Duration,
    /// How long a demo caller lets the phone ring before giving up.
    pub ring_for: Duration,
    /// Shortest answered call before the other party hangs up.
    pub min_call: Duration,
    /// Longest answered call before the other party hangs up.
    pub max_call: Duration,
}

impl Default for XucDemo {
    fn default() -> Self {
        XucDemo {
            first_call_after: Duration::from_secs(3),
            min_gap: Duration::from_secs(15),
            max_gap: Duration::from_secs(25),
            ring_for: Duration::from_secs(12),
            min_call: Duration::from_secs(30),
            max_call: Duration::from_secs(60),
        }
    }
}

/// A random duration in `min..=max` (`min` when the range is empty).
fn between(min: Duration, max: Duration) -> Duration {
    if max <= min {
        return min;
    }
    rand::rng().random_range(min..=max)
}

/// Rings someone now and then until the simulator stops (the task is aborted).
pub(crate) async fn run(core: Arc<Core>, demo: XucDemo) {
    tokio::time::sleep(demo.first_call_after).await;
    loop {
        core.act(|w| ring_someone(w, &demo));
        tokio::time::sleep(between(demo.min_gap, demo.max_gap)).await;
    }
}

/// One demo call to a random user with an open session, if there is one.
fn ring_someone(world: &mut World, demo: &XucDemo) {
    let mut rng = rand::rng();
    let listening: Vec<String> = world
        .user_states()
        .into_iter()
        .filter(|u| u.sessions > 0)
        .map(|u| u.login)
        .collect();
    let (Some(login), Some(&(name, number))) = (
        listening.choose(&mut rng),
        crate::DEMO_CONTACTS.choose(&mut rng),
    ) else {
        return;
    };
    let incoming = IncomingCall {
        from_number: number,
        from_name: name,
        queue: None,
        user_data: UserData::new(),
    };
    match world.ring(login, incoming) {
        Ok(call) => {
            tracing::info!(login, number, name, "demo call");
            world.schedule(demo.ring_for, Timer::CallerGivesUp(call));
        }
        Err(e) => tracing::debug!("demo call skipped: {e}"),
    }
}

impl World {
    /// In demo mode, the other party of `call` (just established) hangs up after a while.
    pub(crate) fn demo_call_established(&mut self, call: CallId) {
        if let Some(demo) = &self.config.demo {
            let length = between(demo.min_call, demo.max_call);
            self.schedule(length, Timer::RemoteHangup(call));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_stay_in_range() {
        let (min, max) = (Duration::from_secs(15), Duration::from_secs(25));
        for _ in 0..100 {
            assert!((min..=max).contains(&between(min, max)));
        }
        assert_eq!(between(max, min), max);
    }
}
