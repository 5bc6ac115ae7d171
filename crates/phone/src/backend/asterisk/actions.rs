//! Call control through the manager interface: click-to-dial (`Originate`), reject and hang
//! up (`Hangup` of the desk phone's channel), blind transfer (`Redirect` of the other
//! party's channel).
//!
//! Each action has its own `ActionID` and waits for its `Response` within the answer
//! timeout; `Response: Error` becomes [`PhoneError::CommandRefused`] with Asterisk's message.

use super::config::Config;
use super::errors;
use super::link::{lock, Link};
use super::state::{Book, MyChannel, DIAL_LABEL};
use super::wire::{Action, Message};
use crate::backend::{ActionKind, DialMethod, Performed};
use crate::error::PhoneError;
use crate::refusal::Refusal;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// Q.850 causes for `Hangup`: a declined ring, and an ordinary end.
const CAUSE_CALL_REJECTED: u32 = 21;
const CAUSE_NORMAL_CLEARING: u32 = 16;
/// The longest dial string passed to the dialplan.
const MAX_DIAL: usize = 64;

/// What `Originate` needs beyond the link.
pub(crate) struct Dial<'a> {
    pub config: &'a Config,
    pub book: &'a Mutex<Book>,
    /// How long to wait for the PBX to say whether the desk phone could be rung.
    pub wait: Duration,
    /// A fresh `ChannelId`: the desk phone's channel gets it as its `Uniqueid` and the call
    /// as its `Linkedid`, so callpop knows the call for its own from its first event.
    pub channel_id: String,
    pub secret: &'a str,
}

/// A dial string fit for an `Exten:` header: digits, `+*#`, and the letters and marks some
/// dialplans use for names (`voicemail`, `100@office`). Anything else (spaces, commas, line
/// breaks) is refused rather than cleaned: a cleaned number is a different number.
/// `action` is what the number is for: [`ActionKind::Dial`] or [`ActionKind::Transfer`].
pub(crate) fn check_dial_string(number: &str, action: ActionKind) -> Result<(), PhoneError> {
    let ok = !number.is_empty()
        && number.len() <= MAX_DIAL
        && number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+*#-_.@".contains(c));
    if ok {
        return Ok(());
    }
    let shown: String = number
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_DIAL)
        .collect();
    Err(Refusal::AsteriskBadNumber {
        number: shown,
        action,
        max: MAX_DIAL as u32,
    }
    .into())
}

/// Click-to-dial: the PBX rings the desk phone, and once it is picked up (by the person, or
/// by itself with auto-answer) dials `number` in the configured context.
///
/// `Async: true`, so the PBX answers at once and reports the outcome later in an
/// `OriginateResponse` with this action's id. That outcome is awaited for a few seconds:
/// a desk phone that cannot be rung (unregistered, busy) fails within that and the desk
/// worker hears why; one that rings is fine, and the lines show the call from then on.
pub(crate) async fn dial(
    link: &Arc<Link>,
    dial: Dial<'_>,
    number: &str,
) -> Result<Performed, PhoneError> {
    check_dial_string(number, ActionKind::Dial)?;
    let config = dial.config;
    let action_words = format!("dial {number}");
    let id = link.next_id();
    let mut action = Action::new("Originate", &id)
        .field("Channel", &config.device.to_string())
        .field("Context", &config.context)
        .field("Exten", number)
        .field("Priority", "1")
        .field("CallerID", &format!("\"{DIAL_LABEL}{number}\" <{number}>"))
        .field("Async", "true")
        .field("ChannelId", &dial.channel_id);
    if config.auto_answer {
        match auto_answer_header(config) {
            Some(variable) => action = action.field("Variable", &variable),
            None => tracing::info!(
                device = %config.device,
                "auto-answer is only asked of PJSIP phones; this one must be picked up"
            ),
        }
    }
    lock(dial.book).expect_own(&dial.channel_id, number);
    let mut waiter = link.wait_for(&id)?;
    link.send(action).await?;
    let mut early = Vec::new();
    let response = waiter.response_keeping(&mut early).await?;
    if !is_success(&response) {
        let check = format!(
            "Check that the device {} and the context \"{}\" in Settings exist on the PBX.",
            config.device, config.context
        );
        return Err(errors::refused(
            &action_words,
            response.value("Message"),
            &check,
            dial.secret,
        ));
    }
    let deadline = Instant::now() + dial.wait;
    let mut early = early.into_iter();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let next = match early.next() {
            Some(message) => Some(message),
            None => waiter.next(left).await?,
        };
        let Some(message) = next else {
            // Still ringing the desk phone: that is the desk worker's to pick up.
            return Ok(Performed::Dialed {
                method: DialMethod::Pbx,
            });
        };
        if !message
            .value("Event")
            .eq_ignore_ascii_case("OriginateResponse")
        {
            continue;
        }
        if is_success(&message) {
            return Ok(Performed::Dialed {
                method: DialMethod::Pbx,
            });
        }
        return Err(PhoneError::CommandRefused {
            action: action_words,
            reason: Some(originate_failure(&message, config)),
        });
    }
}

/// The SIP header that makes a desk phone pick up by itself (`Call-Info` with
/// `answer-after=0`, which Yealink, Grandstream, Snom, Polycom and Cisco phones honour), set
/// on the originated channel the way capture 09 shows. The `;` is escaped: unescaped, the
/// dialplan would split the value there.
fn auto_answer_header(config: &Config) -> Option<String> {
    if !config.device.is_pjsip() {
        return None;
    }
    let host = if config.host.contains(':') {
        format!("[{}]", config.host)
    } else {
        config.host.clone()
    };
    Some(format!(
        "PJSIP_HEADER(add,Call-Info)=<sip:{host}>\\;answer-after=0"
    ))
}

/// Why an originate failed, from its `Reason` (Asterisk's `AST_CONTROL_*` codes).
fn originate_failure(message: &Message, config: &Config) -> String {
    let device = &config.device;
    match message.value("Reason").trim() {
        "1" => format!("the desk phone {device} hung up before the call was placed"),
        "3" => format!("nobody picked up the desk phone {device}; pick it up when it rings"),
        "5" => {
            format!("the desk phone {device} is busy; end the other call or dial from the phone")
        }
        "8" => format!(
            "the desk phone {device} declined or could not take the call; check that it is \
             not on Do Not Disturb"
        ),
        _ => format!(
            "Asterisk could not ring the desk phone {device}. Check that the phone is \
             registered and that the device and the context \"{}\" in Settings exist on the PBX",
            config.context
        ),
    }
}

/// Ends the desk phone's side of a call: declines a ringing call (`Cause: 21`, so the caller
/// hears a rejection rather than a normal hang-up), or hangs up anything else.
pub(crate) async fn hang_up(
    link: &Arc<Link>,
    channel: &MyChannel,
    reject: bool,
    secret: &str,
) -> Result<(), PhoneError> {
    let (cause, words) = if reject || channel.ringing_in {
        (CAUSE_CALL_REJECTED, "reject the call")
    } else {
        (CAUSE_NORMAL_CLEARING, "hang up")
    };
    let id = link.next_id();
    let action = Action::new("Hangup", &id)
        .field("Channel", &channel.name)
        .field("Cause", &cause.to_string());
    let answer = request(link, &id, action).await?;
    if is_success(&answer) {
        Ok(())
    } else {
        Err(errors::refused(
            words,
            answer.value("Message"),
            "End the call with the desk phone's keys.",
            secret,
        ))
    }
}

/// Blind transfer: the other party's channel leaves the call and continues in the dialplan
/// at `to`; the desk phone's channel is hung up by Asterisk.
///
/// Which channel is the other party is asked fresh (`CoreShowChannels`: the one sharing the
/// desk phone channel's bridge), since events may have missed a change; what events told
/// (`DialBegin`, `BridgeEnter`) and the call's `Linkedid` are the fallbacks.
pub(crate) async fn transfer(
    link: &Arc<Link>,
    config: &Config,
    channel: &MyChannel,
    to: &str,
    secret: &str,
) -> Result<(), PhoneError> {
    check_dial_string(to, ActionKind::Transfer)?;
    let peer = find_peer(link, config, channel, secret).await?;
    let id = link.next_id();
    let action = Action::new("Redirect", &id)
        .field("Channel", &peer)
        .field("Exten", to)
        .field("Context", &config.context)
        .field("Priority", "1");
    let answer = request(link, &id, action).await?;
    if is_success(&answer) {
        Ok(())
    } else {
        let check = format!(
            "Check that {to} can be dialled in the context \"{}\" set in Settings, or \
             transfer with the desk phone's keys.",
            config.context
        );
        Err(errors::refused(
            &format!("transfer the call to {to}"),
            answer.value("Message"),
            &check,
            secret,
        ))
    }
}

async fn find_peer(
    link: &Arc<Link>,
    config: &Config,
    channel: &MyChannel,
    secret: &str,
) -> Result<String, PhoneError> {
    let items = list_channels(link, secret).await?;
    let mine = items
        .iter()
        .find(|i| i.value("Uniqueid") == channel.uniqueid || i.value("Channel") == channel.name);
    let Some(mine) = mine else {
        return Err(Refusal::CallOverOnPbx.into());
    };
    let others = |keep: &dyn Fn(&Message) -> bool| -> Vec<String> {
        items
            .iter()
            .filter(|i| !config.device.owns(i.value("Channel")) && keep(i))
            .map(|i| i.value("Channel").to_owned())
            .collect()
    };
    let bridge = mine.value("BridgeId").trim();
    if !bridge.is_empty() {
        if let [only] = others(&|i: &Message| i.value("BridgeId").trim() == bridge).as_slice() {
            return Ok(only.clone());
        }
    }
    if let Some(peer) = &channel.peer {
        if items.iter().any(|i| i.value("Channel") == peer) {
            return Ok(peer.clone());
        }
    }
    if let [only] = others(&|i: &Message| i.value("Linkedid") == channel.linkedid).as_slice() {
        return Ok(only.clone());
    }
    Err(Refusal::OtherPartyUnknown.into())
}

/// Every channel of the PBX, now.
async fn list_channels(link: &Arc<Link>, secret: &str) -> Result<Vec<Message>, PhoneError> {
    let id = link.next_id();
    let mut waiter = link.wait_for(&id)?;
    link.send(Action::new("CoreShowChannels", &id)).await?;
    let response = waiter.response().await?;
    if !is_success(&response) {
        return Err(errors::refused(
            "list the calls in progress",
            response.value("Message"),
            "Transfer with the desk phone's keys.",
            secret,
        ));
    }
    let mut items = Vec::new();
    loop {
        let Some(message) = waiter.next(link.answer_timeout()).await? else {
            return Err(errors::timeout(link.address(), link.answer_timeout()));
        };
        if message.value("EventList").eq_ignore_ascii_case("Complete") {
            return Ok(items);
        }
        if message.event().is_some() {
            items.push(message);
        }
    }
}

/// Sends an action and returns its response.
async fn request(link: &Arc<Link>, id: &str, action: Action) -> Result<Message, PhoneError> {
    let mut waiter = link.wait_for(id)?;
    link.send(action).await?;
    waiter.response().await
}

fn is_success(message: &Message) -> bool {
    message.value("Response").eq_ignore_ascii_case("Success")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_dial_strings_reach_the_dialplan() {
        for good in [
            "0301234567",
            "+4930123456",
            "*97",
            "100@office",
            "voicemail",
        ] {
            assert!(check_dial_string(good, ActionKind::Dial).is_ok(), "{good}");
        }
        for bad in [
            "",
            "030 123",
            "123\r\nAction: Hangup",
            "1,2",
            &"1".repeat(65),
        ] {
            let error = check_dial_string(bad, ActionKind::Dial).expect_err("refused");
            assert!(!error.to_string().contains('\n'), "{error}");
            assert!(
                matches!(
                    &error,
                    PhoneError::Refused(Refusal::AsteriskBadNumber {
                        action: ActionKind::Dial,
                        max: 64,
                        ..
                    })
                ),
                "{error:?}"
            );
        }
    }
}
