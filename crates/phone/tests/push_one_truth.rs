//! Poll and push feed one tracker: against the simulated phone's real pushes, every call pops
//! up once whichever source sees it first, twice, late or never, and a ring nobody polled is
//! still one missed call.

use callpop_phone::backend::grandstream::{ClientConfig, CtiClient, Grandstream};
use callpop_phone::model::Direction;
mod support;

use callpop_phone::push::PushListener;
use callpop_phone::tracker::{CallEvent, CallEventKind};
use callpop_phone::{Action, Credentials, PushState, PushTiming, Secret, Session};
use callpop_phone_sim::{PhoneSim, PushEvent, SimAuth, SimConfig};
use std::time::Duration;
use support::{aim_pushes, collect, kinds, loopback_listener, online_and_waiting, ROUTE};
use tokio::sync::broadcast;
use tokio::time::timeout;

const PASSCODE: &str = "truthpass";
const TOKEN: &str = "oneTRUTHoneTRUTHoneTRUTH1";

struct Rig {
    sim: PhoneSim,
    phone: Session,
    events: broadcast::Receiver<CallEvent>,
    _listener: PushListener,
}

/// A simulated phone pushing to a listener the `Phone` is attached to. `interval` is the
/// normal polling interval; `push_delay` the phone's delay before each push.
async fn rig(interval: Duration, push_delay: Duration) -> Rig {
    let sim = PhoneSim::start(SimConfig {
        auth: SimAuth::Passcode(PASSCODE.into()),
        push_delay,
        ..SimConfig::default()
    })
    .await
    .expect("sim");
    let listener = loopback_listener(TOKEN).await;
    aim_pushes(&sim, listener.local_addr(), TOKEN);
    let config = ClientConfig::new(&sim.url(), Credentials::Passcode(Secret::new(PASSCODE)))
        .expect("config")
        .with_timeouts(Duration::from_millis(300), Duration::from_millis(500));
    let phone = Session::start(
        std::sync::Arc::new(Grandstream::new(CtiClient::new(config).expect("client"))),
        interval,
        None,
    );
    phone.attach_push(&listener, ROUTE);
    let events = phone.subscribe();
    online_and_waiting(&phone, Duration::from_secs(2)).await;
    Rig {
        sim,
        phone,
        events,
        _listener: listener,
    }
}

#[tokio::test]
async fn push_first_pops_at_once_even_with_slow_polling() {
    // Polling every 10 s: only the pushes can make this fast.
    let mut rig = rig(Duration::from_secs(10), Duration::ZERO).await;
    let rung = std::time::Instant::now();
    rig.sim
        .ring(Some(1), "+14165550123", "Ann Lee")
        .expect("ring");
    let ring = timeout(Duration::from_millis(500), rig.events.recv())
        .await
        .expect("popped up in time")
        .expect("open");
    assert!(rung.elapsed() < Duration::from_millis(500));
    assert_eq!(ring.event, CallEventKind::Ringing);
    assert_eq!(
        (ring.line, ring.number.as_str(), ring.name.as_str()),
        (1, "+14165550123", "Ann Lee")
    );
    rig.phone.act(None, Action::Answer).await.expect("answer");
    let connected = timeout(Duration::from_millis(500), rig.events.recv())
        .await
        .expect("connected in time")
        .expect("open");
    assert_eq!(
        (connected.event, &connected.call),
        (CallEventKind::Connected, &ring.call)
    );
    rig.sim.remote_hangup(1).expect("hang up");
    let rest = collect(&mut rig.events, Duration::from_millis(400)).await;
    assert_eq!(kinds(&rest), [CallEventKind::Ended]);
    assert_eq!(rest[0].call, ring.call);
    assert_eq!(rig.phone.current().push.state, PushState::Healthy);
    rig.phone.shutdown().await;
}

#[tokio::test]
async fn poll_first_then_late_pushes_add_nothing() {
    // The phone pushes 600 ms after each event; the poller looks every 50 ms and sees the
    // short ring start and end first.
    let mut rig = rig(Duration::from_millis(50), Duration::from_millis(600)).await;
    rig.sim
        .short_ring(Some(1), "203", "Bo", Duration::from_millis(250))
        .expect("ring");
    let events = collect(&mut rig.events, Duration::from_millis(1200)).await;
    assert_eq!(
        kinds(&events),
        [CallEventKind::Ringing, CallEventKind::Missed],
        "{events:?}"
    );
    assert_eq!(events[0].call, events[1].call);
    // Both pushes did arrive, after the end.
    let delivered = rig
        .sim
        .pushes()
        .iter()
        .filter(|p| p.call_id.contains('@'))
        .count();
    assert_eq!(delivered, 2);
    rig.phone.shutdown().await;
}

#[tokio::test]
async fn duplicated_pushes_pop_up_once() {
    let mut rig = rig(Duration::from_secs(10), Duration::ZERO).await;
    rig.sim.set_push_faults(0.0, 1.0, None);
    rig.sim.ring(Some(2), "555", "").expect("ring");
    tokio::time::sleep(Duration::from_millis(200)).await;
    rig.sim.remote_hangup(2).expect("hang up");
    let events = collect(&mut rig.events, Duration::from_millis(500)).await;
    assert_eq!(
        kinds(&events),
        [CallEventKind::Ringing, CallEventKind::Missed],
        "{events:?}"
    );
    assert_eq!(rig.sim.pushes().iter().filter(|p| p.duplicate).count(), 2);
    rig.phone.shutdown().await;
}

#[tokio::test]
async fn a_short_ring_nobody_polled_whose_ring_push_was_lost_is_one_missed_call() {
    // Slow polling and no incoming push: only the missed push tells of this call.
    let mut rig = rig(Duration::from_secs(10), Duration::ZERO).await;
    rig.sim.set_action_url(PushEvent::Incoming, None);
    rig.sim
        .short_ring(Some(3), "+15555550100", "Zoë", Duration::from_millis(300))
        .expect("ring");
    let events = collect(&mut rig.events, Duration::from_millis(800)).await;
    assert_eq!(kinds(&events), [CallEventKind::Missed], "{events:?}");
    let missed = &events[0];
    assert_eq!(
        (missed.number.as_str(), missed.name.as_str()),
        ("+15555550100", "Zoë")
    );
    assert_eq!((missed.line, missed.direction), (0, Direction::Incoming));
    rig.phone.shutdown().await;
}

#[tokio::test]
async fn a_ring_push_that_comes_after_the_ring_with_its_missed_push_lost_is_one_missed_call() {
    // The incoming push arrives 500 ms after a 200 ms ring, the missed push never: the poll
    // right after the incoming push finds the line idle, and so does a second look after the
    // grace time that an `established` push could have used.
    let mut rig = rig(Duration::from_secs(10), Duration::from_millis(500)).await;
    rig.phone.set_push_timing(PushTiming {
        reconcile: Duration::from_secs(30),
        grace: Duration::from_millis(400),
    });
    rig.sim.set_action_url(PushEvent::Missed, None);
    rig.sim
        .short_ring(Some(1), "204", "Cy", Duration::from_millis(200))
        .expect("ring");
    let events = collect(&mut rig.events, Duration::from_millis(1500)).await;
    assert_eq!(kinds(&events), [CallEventKind::Missed], "{events:?}");
    assert_eq!(events[0].name, "Cy");
    rig.phone.shutdown().await;
}

#[tokio::test]
async fn pushes_lost_entirely_leave_it_to_polling() {
    let mut rig = rig(Duration::from_millis(100), Duration::ZERO).await;
    rig.sim.set_push_faults(1.0, 0.0, None);
    rig.sim.ring(Some(1), "206", "").expect("ring");
    tokio::time::sleep(Duration::from_millis(300)).await;
    rig.sim.remote_hangup(1).expect("hang up");
    let events = collect(&mut rig.events, Duration::from_millis(500)).await;
    assert_eq!(
        kinds(&events),
        [CallEventKind::Ringing, CallEventKind::Missed],
        "{events:?}"
    );
    rig.phone.shutdown().await;
}
