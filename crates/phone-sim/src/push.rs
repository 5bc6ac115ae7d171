//! Action URL pushes the way a Grandstream sends them: its variables and what is recorded of
//! each push. The quirks they reproduce, and the sending, are shared by every simulated phone
//! ([`crate::action_url`]).

use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use crate::action_url::PushOutcome;
use crate::action_url::{self, phone_ip, PushVariables, RecordedPush, Stamp};
use crate::config::{SimAccount, SimConfig, FIRMWARE_VERSION, MAC_ADDRESS};
pub use crate::events::PushEvent;
use crate::events::{CallEvent, CallInfo};
use crate::record::duration_ms;

/// Hardware revision reported as `$hardware_version`.
const HARDWARE_VERSION: &str = "V1.6A";

/// Template variables, longest first so that no name is mistaken for a shorter one.
const VARIABLES: [&str; 17] = [
    "hardware_version",
    "program_version",
    "display_remote",
    "display_local",
    "calldirection",
    "active_user",
    "active_host",
    "phone_ip",
    "language",
    "duration",
    "call-id",
    "product",
    "remote",
    "local",
    "model",
    "mac",
    "ip",
];

/// One push, recorded for assertions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentPush {
    /// Order in which pushes were decided (lost ones included).
    pub seq: u64,
    /// Event that caused it.
    pub event: PushEvent,
    /// Target URL after substitution, exactly as written into the request line.
    pub url: String,
    /// 1-based line of the call.
    pub line: u32,
    /// The call's stable id (`$call-id`).
    pub call_id: String,
    /// Whether this is the extra copy sent by the duplicate fault.
    pub duplicate: bool,
    /// Time since the simulator started when the push was sent (or dropped).
    #[serde(rename = "elapsed_ms", with = "duration_ms")]
    pub elapsed: Duration,
    /// What happened to it.
    pub outcome: PushOutcome,
}

/// The phone-wide values of the template variables.
#[derive(Debug, Clone)]
pub(crate) struct PushIdentity {
    phone_ip: String,
    product: String,
    accounts: Vec<SimAccount>,
}

impl PushIdentity {
    pub(crate) fn new(config: &SimConfig, bind_ip: IpAddr) -> PushIdentity {
        PushIdentity {
            phone_ip: phone_ip(bind_ip),
            product: config.model.clone(),
            accounts: (0..config.accounts)
                .filter_map(|i| config.account(i))
                .collect(),
        }
    }

    /// The value of `$name` for `call`; empty when the phone has none.
    fn value(&self, name: &str, call: &CallInfo) -> String {
        let account = usize::try_from(call.account)
            .ok()
            .and_then(|i| self.accounts.get(i));
        match name {
            "phone_ip" | "ip" => self.phone_ip.clone(),
            "mac" => MAC_ADDRESS.to_owned(),
            "product" | "model" => self.product.clone(),
            "program_version" => FIRMWARE_VERSION.to_owned(),
            "hardware_version" => HARDWARE_VERSION.to_owned(),
            "language" => "English".to_owned(),
            "local" | "active_user" => account.map(|a| a.sip_id.clone()).unwrap_or_default(),
            "display_local" => account.map(|a| a.name.clone()).unwrap_or_default(),
            "active_host" => account.map(|a| a.sip_server.clone()).unwrap_or_default(),
            "remote" => call.remote_number.clone(),
            "display_remote" => call.remote_name.clone(),
            "call-id" => call.call_id.clone(),
            "duration" => call
                .duration
                .map(|d| d.as_secs().to_string())
                .unwrap_or_default(),
            "calldirection" => call.direction.as_str().to_owned(),
            _ => String::new(),
        }
    }
}

impl PushVariables for PushIdentity {
    type Cause = CallEvent;
    type Push = SentPush;

    fn event(cause: &CallEvent) -> PushEvent {
        cause.event
    }

    fn url(&self, template: &str, cause: &CallEvent) -> String {
        expand(template, self, &cause.call)
    }

    fn push(cause: &CallEvent, stamp: Stamp) -> SentPush {
        SentPush {
            seq: stamp.seq,
            event: cause.event,
            url: stamp.url,
            line: cause.line,
            call_id: cause.call.call_id.clone(),
            duplicate: stamp.duplicate,
            elapsed: stamp.elapsed,
            outcome: PushOutcome::Lost,
        }
    }

    fn user_agent(&self) -> String {
        format!("Grandstream {} {FIRMWARE_VERSION}", self.product)
    }
}

impl RecordedPush for SentPush {
    type Event = PushEvent;

    fn seq(&self) -> u64 {
        self.seq
    }

    fn event(&self) -> PushEvent {
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

/// Substitutes Grandstream's `$variables` (see [`action_url::expand`]).
pub(crate) fn expand(template: &str, identity: &PushIdentity, call: &CallInfo) -> String {
    action_url::expand(template, &VARIABLES, |name| identity.value(name, call))
}

/// A Grandstream's pusher.
pub(crate) type Pusher = action_url::queue::Pusher<PushIdentity>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::CallDirection;

    fn call() -> CallInfo {
        CallInfo {
            call_id: "abc-1@sim".into(),
            direction: CallDirection::Incoming,
            remote_number: "+15555550100".into(),
            remote_name: "John Doe".into(),
            account: 0,
            duration: None,
        }
    }

    fn identity() -> PushIdentity {
        PushIdentity::new(&SimConfig::default(), IpAddr::from([127, 0, 0, 1]))
    }

    #[test]
    fn substitutes_raw_values_and_placeholders() {
        let url = expand(
            "http://h/ev?name=$display_remote&num=$remote&id=$call-id&dir=$calldirection&d=$duration&l=$local&cost=$5",
            &identity(),
            &call(),
        );
        assert_eq!(
            url,
            "http://h/ev?name=John Doe&num=+15555550100&id=abc-1@sim&dir=incoming&d=$duration&l=1001&cost=$5"
        );
        let mut anonymous = call();
        anonymous.remote_name = String::new();
        anonymous.duration = Some(Duration::from_secs(42));
        let url = expand("x?n=$display_remote&d=$duration", &identity(), &anonymous);
        assert_eq!(url, "x?n=$display_remote&d=42");
    }

    #[test]
    fn blanks_control_characters() {
        let mut evil = call();
        evil.remote_name = "a\r\nX-Evil: 1".into();
        assert_eq!(
            expand("?n=$display_remote", &identity(), &evil),
            "?n=a  X-Evil: 1"
        );
    }
}
