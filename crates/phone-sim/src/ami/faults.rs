//! Fault modes for client robustness tests: an Asterisk that hangs, logs in slowly, refuses
//! every login, or drops connections after a number of events. One-off faults (drop every
//! connection now, send garbage, send a truncated message, restart) are methods of
//! [`super::AmiSim`].

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A standing misbehaviour of the simulated Asterisk, in force until changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "kebab-case")]
pub enum AmiFault {
    /// Behave.
    #[default]
    None,
    /// Stop answering: connections stay open, but nothing is sent any more (no banner for
    /// new connections, no responses, no events); what clients send is read and recorded.
    Hang,
    /// Answer `Action: Login` only after this delay.
    SlowLogin {
        /// The delay, in milliseconds on the wire.
        #[serde(rename = "ms", with = "crate::record::duration_ms")]
        delay: Duration,
    },
    /// Refuse every login, even with the right secret (after the usual failure delay).
    RefuseLogin,
    /// Every session closes its connection after sending this many more events.
    DropAfterEvents {
        /// Events each session still sends.
        count: u32,
    },
}

impl AmiFault {
    /// Builds a fault from the control API's `mode`, `ms` and `count` parameters.
    pub fn from_control(mode: &str, ms: Option<u64>, count: Option<u32>) -> Result<Self, String> {
        Ok(match mode.trim().to_ascii_lowercase().as_str() {
            "none" | "off" | "" => AmiFault::None,
            "hang" => AmiFault::Hang,
            "slow-login" => AmiFault::SlowLogin {
                delay: Duration::from_millis(ms.ok_or("mode=slow-login needs ms=")?),
            },
            "refuse-login" => AmiFault::RefuseLogin,
            "drop-after-events" => AmiFault::DropAfterEvents {
                count: count.ok_or("mode=drop-after-events needs count=")?,
            },
            other => {
                return Err(format!(
                    "unknown fault mode {other:?}: use none, hang, slow-login, refuse-login \
                     or drop-after-events"
                ))
            }
        })
    }
}

/// The fault in force and a version, so sessions notice a newly set countdown.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    pub(crate) fault: AmiFault,
    pub(crate) version: u64,
}

/// Bytes that are no AMI message at all.
pub(crate) const GARBAGE: &[u8] =
    b"\x00\xff\xfe garbage \x1b[31m no colon here\r\n\xc3\x28\r\n:\r\n\r\n";

/// The first part of an event, cut off mid-line (the connection closes right after).
pub(crate) const TRUNCATED: &[u8] =
    b"Event: Newchannel\r\nPrivilege: call,all\r\nChannel: PJSIP/100-000";
