//! A simulated Asterisk 22 Manager Interface (AMI): the PBX-side event source callpop's
//! Asterisk backend talks to, for its tests, benchmarks, end-to-end tests and demo mode.
//!
//! It reproduces what a real Asterisk 22 sends and answers, as captured in
//! `shared/reference/ami-captures/`: the banner `Asterisk Call Manager/11.0.0`, `Key: Value`
//! framing with a blank line after each message, `ActionID` echoed right after `Response`,
//! plain and MD5 (`Challenge`) logins with the 1 s pause and disconnect after a failure,
//! `Events:` masks and `Action: Filter`, list responses (`EventList: start` ... `Complete`,
//! `ListItems`), and each call's events with the fields and order Asterisk uses
//! (`Newchannel`, `DialBegin`, `Newstate`, `BridgeEnter`, `Hold`, `Hangup` with `Cause-txt`,
//! `OriginateResponse`, `DeviceStateChange`, and the `dialplan` class `VarSet`/`Newexten`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), callpop_phone_sim::ami::AmiSimError> {
//! use callpop_phone_sim::ami::{AmiSim, AmiSimConfig, Party};
//!
//! let sim = AmiSim::start(AmiSimConfig::default()).await?;
//! // A client connects to sim.addr() and logs in as callpop / s3cret.
//! let call = sim.ring("+4930123456", "Jane Customer", "PJSIP/100")?;
//! sim.answer(call)?;
//! sim.hold(call)?;
//! sim.unhold(call)?;
//! sim.hangup(call, Party::Remote)?;
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Scenarios are driven from the test side ([`AmiSim`]'s methods) or from another process
//! through the HTTP control API ([`control`]). Fault modes ([`AmiFault`], and
//! [`AmiSim::drop_connections`], [`AmiSim::send_garbage`], [`AmiSim::send_truncated`],
//! [`AmiSim::restart`]) test a client's robustness; [`AmiSim::actions`] records what clients
//! sent, with secrets hidden.

mod actions;
mod calls;
mod causes;
mod config;
pub mod control;
mod demo;
mod error;
mod event;
mod faults;
mod filter;
mod model;
mod originate;
mod pbx;
mod perms;
mod record;
mod session;
mod shared;
mod sim;
mod wire;

pub use causes::{
    cause_text, ANSWERED_ELSEWHERE, CALL_REJECTED, INTERWORKING, NORMAL_CLEARING, NO_ANSWER,
    USER_BUSY,
};
pub use config::{AmiEndpoint, AmiSimConfig, AmiUser, AMI_VERSION};
pub use error::AmiSimError;
pub use faults::AmiFault;
pub use model::{CallId, CallInfo, CallPhase, ChannelInfo, Party};
pub use record::{RecordedAction, HIDDEN, MAX_ACTIONS};
pub use shared::AmiSessionInfo;
pub use sim::AmiSim;
