//! Several calls at once on a Grandstream phone (the simulator, 3 and 8 lines), driven through
//! the session by call id as the windows do: answering a second call holds the first,
//! resuming one held call holds the call in progress and no other, hanging up any call (held
//! ones too) ends that call only. After every step the test checks every line of the phone,
//! and which requests reached it.

mod support;

use callpop_phone::backend::grandstream::{ClientConfig, CtiClient, Grandstream};
use callpop_phone::tracker::CallId;
use callpop_phone::{Action, Connection, Credentials, LineState, Secret, Session};
use callpop_phone_sim::{LineState as SimState, PhoneSim, SimAuth, SimConfig};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{sleep, Instant};

const PASSCODE: &str = "severalpass";
const WITHIN: Duration = Duration::from_secs(5);

struct Phone {
    sim: PhoneSim,
    session: Session,
    lines: u32,
}

async fn phone(lines: u32) -> Phone {
    let sim = PhoneSim::start(SimConfig {
        auth: SimAuth::Passcode(PASSCODE.into()),
        lines,
        key_interval: Duration::from_millis(20),
        ..SimConfig::default()
    })
    .await
    .expect("sim");
    let config = ClientConfig::new(&sim.url(), Credentials::Passcode(Secret::new(PASSCODE)))
        .expect("config");
    let backend = Grandstream::new(CtiClient::new(config).expect("client"));
    let session = Session::start(Arc::new(backend), Duration::from_millis(200), None);
    support::until(&session, WITHIN, |s| s.connection == Connection::Online).await;
    Phone {
        sim,
        session,
        lines,
    }
}

impl Phone {
    /// Rings `line`; returns the call's id once the session shows it ringing there.
    async fn ring(&self, line: u32, number: &str) -> CallId {
        self.sim.ring(Some(line), number, "").expect("line idle");
        let state = support::until(&self.session, WITHIN, |s| {
            s.calls.iter().any(|c| c.line == line && c.number == number)
        })
        .await;
        state
            .calls
            .iter()
            .find(|c| c.line == line)
            .map(|c| c.call.clone())
            .expect("the call")
    }

    /// Does `action` to `call` and returns the requests it sent to the phone (reads of the
    /// line status left out), once the phone and the session both show `expected`.
    async fn act(
        &self,
        call: &CallId,
        action: Action,
        expected: &[(u32, SimState)],
    ) -> Vec<String> {
        let before = self.last_request();
        self.session
            .act(Some(call), action.clone())
            .await
            .unwrap_or_else(|e| panic!("{action:?} on {call:?}: {e}"));
        self.expect(expected, &format!("{action:?} on {call:?}"))
            .await;
        self.sent_since(before)
    }

    /// The number of the last request the phone got (0 before any).
    fn last_request(&self) -> u64 {
        self.sim.requests().last().map(|r| r.seq).unwrap_or(0)
    }

    /// The keys and operations sent to the phone after request `before`.
    fn sent_since(&self, before: u64) -> Vec<String> {
        self.sim
            .requests()
            .into_iter()
            .filter(|r| r.seq > before)
            .filter_map(|r| match r.function.as_deref() {
                Some("api-send_key") => Some(format!("keys={}", r.param("keys").unwrap_or(""))),
                Some("api-phone_operation") => {
                    Some(format!("cmd={}", r.param("cmd").unwrap_or("")))
                }
                _ => None,
            })
            .collect()
    }

    /// Waits until the phone shows exactly `busy` (every other line idle), and the session
    /// has read it, so that the next action is planned on what the phone shows.
    async fn expect(&self, busy: &[(u32, SimState)], after: &str) {
        let want = |line: u32| {
            busy.iter()
                .find(|(l, _)| *l == line)
                .map_or(SimState::Idle, |(_, s)| *s)
        };
        let deadline = Instant::now() + WITHIN;
        loop {
            let lines = self.sim.lines();
            if lines.iter().all(|l| l.state == want(l.line)) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "after {after}: the phone shows {:?}, expected {busy:?}",
                lines
                    .iter()
                    .map(|l| (l.line, l.state))
                    .filter(|(_, s)| *s != SimState::Idle)
                    .collect::<Vec<_>>()
            );
            sleep(Duration::from_millis(20)).await;
        }
        let wire = |s: SimState| LineState::from_phone(s.as_str());
        support::until(&self.session, WITHIN, |s| {
            s.lines.len() == self.lines as usize
                && s.lines.iter().all(|l| l.state == wire(want(l.index)))
        })
        .await;
        // A line key may still be on its way (key presses are slow): nothing more may move.
        sleep(Duration::from_millis(100)).await;
        let lines = self.sim.lines();
        assert!(
            lines.iter().all(|l| l.state == want(l.line)),
            "after {after}: the phone moved on to {lines:?}"
        );
    }
}

use SimState::{Connected, OnHold};

/// Two calls: the second is answered while the first is held, the first resumed (the second
/// held), each hung up in turn.
async fn two_calls(lines: u32) {
    let p = phone(lines).await;
    let last = lines;
    let first = p.ring(1, "201").await;
    let sent = p.act(&first, Action::Answer, &[(1, Connected)]).await;
    assert_eq!(sent, ["cmd=acceptcall"]);

    let second = p.ring(last, "209").await;
    let sent = p
        .act(&second, Action::Answer, &[(1, OnHold), (last, Connected)])
        .await;
    assert_eq!(sent, [format!("keys=LINE{last}")], "its own line key");

    let sent = p
        .act(&first, Action::Resume, &[(1, Connected), (last, OnHold)])
        .await;
    assert_eq!(sent, ["keys=LINE1"]);

    // The held call hung up while talking on line 1: line 1 talks on afterwards.
    let sent = p.act(&second, Action::HangUp, &[(1, Connected)]).await;
    assert_eq!(
        sent,
        [
            format!("keys=LINE{last}"),
            "cmd=endcall".into(),
            "keys=LINE1".into()
        ]
    );
    let sent = p.act(&first, Action::HangUp, &[]).await;
    assert_eq!(sent, ["cmd=endcall"]);
}

/// Three calls: each answered while the others wait on hold, a particular held one resumed,
/// then every call hung up, held ones first, each on its own line.
/// Three calls answered in turn: on line 1, the last line, then line 2, which talks while the
/// other two are held. Returns them in that order.
async fn three_answered(lines: u32) -> (Phone, CallId, CallId, CallId) {
    let p = phone(lines).await;
    let last = lines;
    let a = p.ring(1, "201").await;
    p.act(&a, Action::Answer, &[(1, Connected)]).await;
    let b = p.ring(last, "209").await;
    p.act(&b, Action::Answer, &[(1, OnHold), (last, Connected)])
        .await;
    let c = p.ring(2, "202").await;
    let sent = p
        .act(
            &c,
            Action::Answer,
            &[(1, OnHold), (2, Connected), (last, OnHold)],
        )
        .await;
    assert_eq!(sent, ["keys=LINE2"]);
    (p, a, b, c)
}

async fn three_calls(lines: u32) {
    let last = lines;
    let (p, a, b, c) = three_answered(lines).await;

    // Resume line 1's call in particular: line 2's goes on hold, the last line's stays held.
    let sent = p
        .act(
            &a,
            Action::Resume,
            &[(1, Connected), (2, OnHold), (last, OnHold)],
        )
        .await;
    assert_eq!(sent, ["keys=LINE1"]);
    // And the last line's: line 1's goes on hold.
    let sent = p
        .act(
            &b,
            Action::Resume,
            &[(1, OnHold), (2, OnHold), (last, Connected)],
        )
        .await;
    assert_eq!(sent, [format!("keys=LINE{last}")]);

    // Hang up the held call on line 2 (not the one the phone shows first): line 2 only.
    let sent = p
        .act(&c, Action::HangUp, &[(1, OnHold), (last, Connected)])
        .await;
    assert_eq!(
        sent,
        [
            "keys=LINE2".to_owned(),
            "cmd=endcall".into(),
            format!("keys=LINE{last}")
        ]
    );
    // Hang up the held call on line 1 while the last line talks.
    let sent = p.act(&a, Action::HangUp, &[(last, Connected)]).await;
    assert_eq!(
        sent,
        [
            "keys=LINE1".to_owned(),
            "cmd=endcall".into(),
            format!("keys=LINE{last}")
        ]
    );
    let sent = p.act(&b, Action::HangUp, &[]).await;
    assert_eq!(sent, ["cmd=endcall"]);
}

/// With two calls held and none in progress, hanging up the second held one resumes nothing.
async fn held_calls_only(lines: u32) {
    let p = phone(lines).await;
    let last = lines;
    let a = p.ring(1, "201").await;
    p.act(&a, Action::Answer, &[(1, Connected)]).await;
    let b = p.ring(last, "209").await;
    p.act(&b, Action::Answer, &[(1, OnHold), (last, Connected)])
        .await;
    p.act(&b, Action::Hold, &[(1, OnHold), (last, OnHold)])
        .await;
    // The phone's focus is on the last line (held by holdcall): line 1's call is reached by
    // its line key, and nothing is resumed afterwards.
    let sent = p.act(&a, Action::HangUp, &[(last, OnHold)]).await;
    assert_eq!(sent, ["keys=LINE1", "cmd=endcall"]);
    let sent = p.act(&b, Action::HangUp, &[]).await;
    assert_eq!(sent, ["cmd=endcall"]);
}

/// A hang-up of a held call asked for twice at once (a double click, or a call window that
/// loads another call while the request runs, whose web view then sends it again) ends that
/// call only: a second "end call" would end the next call the phone shows.
async fn the_same_hang_up_twice_at_once(lines: u32) {
    let last = lines;
    let (p, a, _, _) = three_answered(lines).await;
    let before = p.last_request();
    let again = async {
        // While the first one's line key is on its way.
        sleep(Duration::from_millis(30)).await;
        p.session.act(Some(&a), Action::HangUp).await
    };
    let (first, second) = tokio::join!(p.session.act(Some(&a), Action::HangUp), again);
    assert!(first.is_ok() && second.is_ok(), "{first:?} / {second:?}");
    p.expect(&[(2, Connected), (last, OnHold)], "the same hang-up twice")
        .await;
    assert_eq!(
        p.sent_since(before),
        ["keys=LINE1", "cmd=endcall", "keys=LINE2"]
    );
}

#[tokio::test]
async fn the_same_hang_up_twice_at_once_on_a_3_line_phone() {
    the_same_hang_up_twice_at_once(3).await;
}

#[tokio::test]
async fn two_calls_on_a_3_line_phone() {
    two_calls(3).await;
}

#[tokio::test]
async fn two_calls_on_an_8_line_phone() {
    two_calls(8).await;
}

#[tokio::test]
async fn three_calls_on_a_3_line_phone() {
    three_calls(3).await;
}

#[tokio::test]
async fn three_calls_on_an_8_line_phone() {
    three_calls(8).await;
}

#[tokio::test]
async fn hanging_up_one_of_two_held_calls_on_a_3_line_phone() {
    held_calls_only(3).await;
}

#[tokio::test]
async fn hanging_up_one_of_two_held_calls_on_an_8_line_phone() {
    held_calls_only(8).await;
}
