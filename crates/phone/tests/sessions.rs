//! Several phones as one set: one bus of stamped events, restarts that keep calls, removals
//! that end them, one push listener that tells the phones apart.

mod support;

use callpop_phone::settings::{
    GrandstreamSettings, PhoneId, PhoneProfile, PhoneSystem, PushSettings,
};
use callpop_phone::tracker::{CallEventKind, Outcome};
use callpop_phone::{Connection, PhoneEvent, PushState, RejectedLogins, Secret, Sessions};
use callpop_phone_sim::{PhoneSim, SimAuth, SimConfig};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;
use tokio::time::timeout;

const PASSCODE: &str = "sessionspass";

async fn sim() -> PhoneSim {
    PhoneSim::start(SimConfig {
        auth: SimAuth::Passcode(PASSCODE.into()),
        ..SimConfig::default()
    })
    .await
    .expect("sim")
}

fn profile(id: &str, url: &str) -> PhoneProfile {
    PhoneProfile {
        id: PhoneId::new(id),
        name: format!("Phone {id}"),
        system: PhoneSystem::Grandstream(GrandstreamSettings {
            url: url.into(),
            poll_interval_ms: 250,
            ..GrandstreamSettings::default()
        }),
    }
}

fn no_push() -> PushSettings {
    PushSettings {
        listen: "127.0.0.1:0".into(),
    }
}

async fn next(rx: &mut broadcast::Receiver<PhoneEvent>) -> PhoneEvent {
    timeout(Duration::from_secs(3), rx.recv())
        .await
        .expect("an event in time")
        .expect("bus open")
}

async fn online(sessions: &Sessions, id: &str) {
    let session = sessions.session(&PhoneId::new(id)).expect("watched");
    let mut state = session.state();
    timeout(Duration::from_secs(3), async {
        while state.borrow_and_update().connection != Connection::Online {
            state.changed().await.expect("alive");
        }
    })
    .await
    .expect("online in time");
}

#[tokio::test]
async fn two_phones_one_bus_each_event_names_its_phone() {
    let (a, b) = (sim().await, sim().await);
    let sessions = Sessions::new(Arc::new(RejectedLogins::in_memory()));
    let phones = [profile("desk", &a.url()), profile("reception", &b.url())];
    sessions
        .apply(&phones, &no_push(), |_| Some(Secret::new(PASSCODE)))
        .await;
    online(&sessions, "desk").await;
    online(&sessions, "reception").await;
    let mut bus = sessions.subscribe();
    b.ring(Some(1), "203", "Bob").expect("ring");
    let event = next(&mut bus).await;
    assert_eq!(
        (
            event.phone.as_str(),
            event.event.event,
            event.event.number.as_str()
        ),
        ("reception", CallEventKind::Ringing, "203")
    );
    assert!(event.at_ms > 1_600_000_000_000, "stamped with the time");
    a.ring(Some(2), "204", "").expect("ring");
    let event = next(&mut bus).await;
    assert_eq!((event.phone.as_str(), event.event.line), ("desk", 2));
    // The call is found on its phone.
    let found = sessions.find_call(&event.event.call).expect("found");
    assert_eq!(found.profile.id.as_str(), "desk");
    sessions.shutdown().await;
}

#[tokio::test]
async fn changed_settings_keep_the_call_and_a_removed_phone_ends_its_calls() {
    let sim = sim().await;
    let sessions = Sessions::new(Arc::new(RejectedLogins::in_memory()));
    let mut phone = profile("desk", &sim.url());
    sessions
        .apply(&[phone.clone()], &no_push(), |_| {
            Some(Secret::new(PASSCODE))
        })
        .await;
    online(&sessions, "desk").await;
    let mut bus = sessions.subscribe();
    sim.ring(Some(1), "203", "").expect("ring");
    let ring = next(&mut bus).await;
    assert_eq!(ring.event.event, CallEventKind::Ringing);

    // Save with another poll interval: the session restarts, the ringing call is not
    // announced again (no second popup).
    if let PhoneSystem::Grandstream(g) = &mut phone.system {
        g.poll_interval_ms = 300;
    }
    sessions
        .apply(&[phone.clone()], &no_push(), |_| {
            Some(Secret::new(PASSCODE))
        })
        .await;
    online(&sessions, "desk").await;
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(bus.try_recv().is_err(), "nothing new after the restart");
    let session = sessions.session(&PhoneId::new("desk")).expect("watched");
    assert_eq!(session.current().calls[0].call, ring.event.call);

    // The phone is removed from the settings: its call ends as lost, not as missed.
    sessions.apply(&[], &no_push(), |_| None).await;
    let end = next(&mut bus).await;
    assert_eq!(
        (end.event.event, end.event.outcome),
        (CallEventKind::Ended, Some(Outcome::Lost))
    );
    assert!(sessions.watched().is_empty());
}

#[tokio::test]
async fn a_phone_without_a_password_is_not_started_and_says_why() {
    let sim = sim().await;
    let sessions = Sessions::new(Arc::new(RejectedLogins::in_memory()));
    sessions
        .apply(&[profile("desk", &sim.url())], &no_push(), |_| None)
        .await;
    assert!(sessions.watched().is_empty());
    let idle = sessions.not_watched();
    assert_eq!(idle.len(), 1);
    assert!(matches!(
        idle[0].1,
        callpop_phone::sessions::NotWatched::NoSecret
    ));
    assert!(sim.requests().is_empty(), "nothing sent without a password");
}

#[tokio::test]
async fn one_listener_routes_each_phones_pushes_to_it() {
    let (a, b) = (sim().await, sim().await);
    let sessions = Sessions::new(Arc::new(RejectedLogins::in_memory()));
    let mut phones = [profile("desk", &a.url()), profile("reception", &b.url())];
    for (phone, token) in phones.iter_mut().zip([
        "deskdeskdeskdeskdeskdeskdesk0001",
        "receptionreceptionreception00002",
    ]) {
        if let PhoneSystem::Grandstream(g) = &mut phone.system {
            g.push = true;
            g.push_token = token.into();
        }
    }
    sessions
        .apply(&phones, &no_push(), |_| Some(Secret::new(PASSCODE)))
        .await;
    let listener = sessions.listener().expect("one listener");
    let addr = listener.local_addr();
    for (sim, token) in [
        (&a, "deskdeskdeskdeskdeskdeskdesk0001"),
        (&b, "receptionreceptionreception00002"),
    ] {
        support::aim_pushes(sim, addr, token);
    }
    online(&sessions, "desk").await;
    online(&sessions, "reception").await;
    let mut bus = sessions.subscribe();
    b.ring(Some(1), "+15555550100", "Pushed Name")
        .expect("ring");
    let event = next(&mut bus).await;
    assert_eq!(event.phone.as_str(), "reception");
    // The push reached the reception phone's session only.
    let reception = sessions
        .session(&PhoneId::new("reception"))
        .expect("watched");
    let desk = sessions.session(&PhoneId::new("desk")).expect("watched");
    timeout(Duration::from_secs(3), async {
        while reception.current().push.state != PushState::Healthy {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("reception's pushes arrive");
    assert_eq!(desk.current().push.state, PushState::Waiting);
    sessions.shutdown().await;
}
