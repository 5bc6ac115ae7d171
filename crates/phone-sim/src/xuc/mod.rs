//! A simulated XiVO **xuc** CTI server: what callpop's XiVO backend talks to instead of a PBX.
//!
//! With XiVO (and XiVO-based Wazo) PBXs, a desk worker's phone is controlled through xuc: an
//! HTTP login yields a token, a websocket opened with it carries commands (`dial`, `answer`,
//! `hold`, transfers, DND, forwards, ...) one way and `PhoneEvent`s the other. This module
//! serves that protocol on one port, with a small user and call model behind it, fault
//! injection, and a record of what clients sent.
//!
//! ```no_run
//! # async fn demo() -> Result<(), callpop_phone_sim::xuc::XucSimError> {
//! use callpop_phone_sim::xuc::{UserData, XucSim, XucSimConfig};
//!
//! let sim = XucSim::start(XucSimConfig::default()).await?;
//! // POST {url}/xuc/api/2.0/auth/login {"login":"alice","password":"alice"} -> token,
//! // then ws://.../xuc/api/2.0/cti?token=... receives LoggedOn, UserConfigUpdate, ...
//! let call = sim.ring("alice", "0427466347", "Bruce Wail", UserData::new())?;
//! sim.answer_at_phone(call)?;
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Protocol served
//!
//! - `POST /xuc/api/2.0/auth/login`, `GET /xuc/api/2.0/auth/check` (`Authorization: Bearer`):
//!   see `auth.rs` for shapes and status codes.
//! - `GET /xuc/api/2.0/cti?token=...`, the websocket. On opening: `LoggedOn`, a full
//!   `UserConfigUpdate`, `PhoneStatusUpdate`. Then `PhoneEvent`s as calls change, a partial
//!   `UserConfigUpdate` after `dnd` / forwards, `PhoneStatusUpdate` when the phone's status
//!   changes, `PhoneHintStatusEvent` for subscribed numbers, `CurrentCallsPhoneEvents` on
//!   request, `Error` for what cannot be understood, and a reply to each ping.
//! - `/control/{action}`: steering for other processes (see the table in `control.rs`, also
//!   in this crate's docs of [`XucSim`]'s methods, which it mirrors).
//!
//! # Sources
//!
//! Field names follow seed `003` (the XiVO "Phone API" page) exactly; the authentication API
//! follows XiVO's "Rest API" page; command names and arguments, the ping and the status codes
//! come from xuc's browser library `cti.js`. What no document confirmed is marked UNCONFIRMED
//! where it is implemented (`messages.rs`, `auth.rs`, `session.rs`): a client must not depend
//! on those details.
//!
//! # Not simulated
//!
//! Agents, queues (beyond `queueName` on a ringing call), conferences, directory, call
//! history, WebRTC, voicemail events, calls between two simulated users (every `otherDN` is
//! an outside party), `username` in events, SSO/CAS login, TLS (plain `http`/`ws` only).

mod auth;
mod calls;
mod commands;
mod config;
mod control;
mod demo;
mod error;
mod faults;
mod messages;
mod model;
mod record;
mod server;
mod session;
mod sim;
mod world;

pub use config::{default_users, XucSimConfig, XucUser};
pub use demo::XucDemo;
pub use error::XucSimError;
pub use faults::{LoginRefusal, MALFORMED_MESSAGE};
pub use model::{
    CallDirection, CallId, CallState, Forward, ForwardKind, PhoneStatus, UserData, XucCall,
    XucUserState,
};
pub use record::{
    AuthEndpoint, AuthOutcome, CommandOutcome, XucAuthRecord, XucCommandRecord, XucSessionRecord,
    MAX_XUC_RECORDS,
};
pub use sim::XucSim;
