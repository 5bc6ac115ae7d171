//! Action URL pushes the way a Yealink sends them: its variables and what is recorded of each
//! push. The quirks (see `phone-apis.md`, section 2: values substituted **unencoded**, a
//! leading `+` kept, a variable without a value sent as its literal placeholder, about a
//! second after the event, one push at a time, loss, duplication and random extra delay as
//! faults) and the sending are shared by every simulated phone ([`crate::action_url`]).
//!
//! Yealink's variables: `$mac $ip $model $firmware $active_url $active_user $active_host
//! $local $remote $display_local $display_remote $call_id`. `$remote` is the other party's
//! SIP URI by default ([`super::RemoteFormat`]).

use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::config::{RemoteFormat, YealinkSimConfig};
use super::events::YealinkEvent;
use super::phone::{Emitted, YealinkCall};
use crate::action_url::{self, phone_ip, PushOutcome, PushVariables, RecordedPush, Stamp};
use crate::record::duration_ms;

/// Yealink's variables, longest first so that no name is mistaken for a shorter one
/// (`$display_remote` before `$remote`, `$active_url` before ...).
const VARIABLES: [&str; 12] = [
    "display_remote",
    "display_local",
    "active_user",
    "active_host",
    "active_url",
    "firmware",
    "call_id",
    "remote",
    "model",
    "local",
    "mac",
    "ip",
];

/// One push, recorded for assertions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YealinkPush {
    /// Order in which pushes were decided (lost ones included).
    pub seq: u64,
    /// The event that caused it.
    pub event: YealinkEvent,
    /// The URL after substitution, exactly as written into the request line.
    pub url: String,
    /// The call's `$call_id`; empty for events about the phone (DND, idle/busy).
    pub call_id: String,
    /// Whether this is the extra copy sent by the duplicate fault.
    pub duplicate: bool,
    /// Time since the simulator started when it was sent (or dropped).
    #[serde(rename = "elapsed_ms", with = "duration_ms")]
    pub elapsed: Duration,
    /// What became of it.
    pub outcome: PushOutcome,
}

/// The phone-wide values of the variables.
#[derive(Debug, Clone)]
pub(crate) struct Identity {
    ip: String,
    mac: String,
    model: String,
    firmware: String,
    remote_format: RemoteFormat,
    accounts: Vec<super::YealinkAccount>,
}

impl Identity {
    pub(crate) fn new(config: &YealinkSimConfig, bind_ip: IpAddr) -> Identity {
        Identity {
            ip: phone_ip(bind_ip),
            mac: config.mac.clone(),
            model: config.model.clone(),
            firmware: config.firmware.clone(),
            remote_format: config.remote_format,
            accounts: config.accounts.clone(),
        }
    }

    /// The value of `$name` for `call` (`None` for events about the phone); empty when the
    /// phone has none.
    fn value(&self, name: &str, call: Option<&YealinkCall>) -> String {
        let account = self.accounts.get(call.map_or(0, |c| c.account));
        let in_call = |f: &dyn Fn(&YealinkCall) -> String| call.map(f).unwrap_or_default();
        match name {
            "mac" => self.mac.clone(),
            "ip" => self.ip.clone(),
            "model" => self.model.clone(),
            "firmware" => self.firmware.clone(),
            "active_url" => call
                .and(account)
                .map(super::YealinkAccount::uri)
                .unwrap_or_default(),
            "active_user" => call
                .and(account)
                .map(|a| a.user.clone())
                .unwrap_or_default(),
            "active_host" => call
                .and(account)
                .map(|a| a.server.clone())
                .unwrap_or_default(),
            "local" => call
                .and(account)
                .map(|a| format!("sip:{}", a.uri()))
                .unwrap_or_default(),
            "display_local" => call
                .and(account)
                .map(|a| a.display_name.clone())
                .unwrap_or_default(),
            "remote" => in_call(&|c| match self.remote_format {
                RemoteFormat::SipUri if !c.number.is_empty() => {
                    let host = account.map_or("", |a| a.server.as_str());
                    format!("sip:{}@{host}", c.number)
                }
                _ => c.number.clone(),
            }),
            "display_remote" => in_call(&|c| c.name.clone()),
            "call_id" => in_call(&|c| c.call_id.clone()),
            _ => String::new(),
        }
    }
}

impl PushVariables for Identity {
    type Cause = Emitted;
    type Push = YealinkPush;

    fn event(cause: &Emitted) -> YealinkEvent {
        cause.event
    }

    fn url(&self, template: &str, cause: &Emitted) -> String {
        expand(template, self, cause.call.as_ref())
    }

    fn push(cause: &Emitted, stamp: Stamp) -> YealinkPush {
        YealinkPush {
            seq: stamp.seq,
            event: cause.event,
            url: stamp.url,
            call_id: cause
                .call
                .as_ref()
                .map(|c| c.call_id.clone())
                .unwrap_or_default(),
            duplicate: stamp.duplicate,
            elapsed: stamp.elapsed,
            outcome: PushOutcome::Lost,
        }
    }

    fn user_agent(&self) -> String {
        format!("Yealink SIP-{} {}", self.model, self.firmware)
    }
}

impl RecordedPush for YealinkPush {
    type Event = YealinkEvent;

    fn seq(&self) -> u64 {
        self.seq
    }

    fn event(&self) -> YealinkEvent {
        self.event
    }

    fn url(&self) -> &str {
        &self.url
    }

    fn settle(&mut self, elapsed: Duration, outcome: PushOutcome) {
        self.elapsed = elapsed;
        self.outcome = outcome;
    }
}

/// Substitutes Yealink's `$variables` (see [`action_url::expand`]).
pub(crate) fn expand(template: &str, identity: &Identity, call: Option<&YealinkCall>) -> String {
    action_url::expand(template, &VARIABLES, |name| identity.value(name, call))
}

/// A Yealink's pusher.
pub(crate) type Pusher = action_url::queue::Pusher<Identity>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yealink::phone::{YealinkCallState, YealinkDirection};

    fn call(name: &str) -> YealinkCall {
        YealinkCall {
            call_id: "33093".into(),
            line: 1,
            account: 0,
            direction: YealinkDirection::Incoming,
            number: "+15555550100".into(),
            name: name.into(),
            state: YealinkCallState::Ringing,
        }
    }

    fn identity(format: RemoteFormat) -> Identity {
        let config = YealinkSimConfig {
            remote_format: format,
            ..YealinkSimConfig::default()
        };
        Identity::new(&config, IpAddr::from([127, 0, 0, 1]))
    }

    #[test]
    fn substitutes_raw_values_and_leaves_placeholders() {
        let url = expand(
            "http://h/cp/t/in?n=$remote&d=$display_remote&c=$call_id&u=$active_user&m=$mac&x=$5",
            &identity(RemoteFormat::SipUri),
            Some(&call("John Doe")),
        );
        assert_eq!(
            url,
            "http://h/cp/t/in?n=sip:+15555550100@pbx.example.com&d=John Doe&c=33093&u=1001&m=001565a1b2c3&x=$5"
        );
        let url = expand(
            "?n=$remote&d=$display_remote",
            &identity(RemoteFormat::Number),
            Some(&call("")),
        );
        assert_eq!(url, "?n=+15555550100&d=$display_remote");
        let url = expand("?c=$call_id&ip=$ip", &identity(RemoteFormat::Number), None);
        assert_eq!(url, "?c=$call_id&ip=127.0.0.1");
    }

    #[test]
    fn blanks_control_characters() {
        let url = expand(
            "?d=$display_remote",
            &identity(RemoteFormat::Number),
            Some(&call("a\r\nX-Evil: 1")),
        );
        assert_eq!(url, "?d=a  X-Evil: 1");
    }
}
