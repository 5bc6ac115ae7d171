//! A Grandstream-compatible desk phone, simulated over HTTP and HTTPS.
//!
//! Real phones are slow, scarce and unforgiving to test against: they lock you out after five
//! wrong passwords, press keys at 700 ms each, push events with unencoded spaces and sometimes
//! answer with HTML. This crate reproduces that behaviour (see
//! `shared/reference/phone-apis.md`, sections 1 and 2) so the CTI client, its benchmarks and
//! the desktop app's demo mode can run against something faithful without hardware.
//!
//! ```no_run
//! # async fn demo() -> Result<(), callpop_phone_sim::SimError> {
//! use callpop_phone_sim::{PhoneSim, SimConfig};
//!
//! let sim = PhoneSim::start(SimConfig::default()).await?;
//! // GET {url}/cgi-bin/api-get_line_status?passcode=admin now answers like a GXP2170.
//! sim.ring(None, "+15555550100", "Zoë Müller")?;
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! What it serves:
//! - the CTI functions under `/cgi-bin/api-*` (line and phone status, keys, call operations,
//!   reboot, click-to-dial, accounts) and `/json/configs/model.define.js`;
//! - passcode authentication with the `wrongN` countdown and lock-out, or session login
//!   (`access` / `dologin`, `sid` cookie, `Referer` check);
//! - HTTPS with a self-signed, rotatable certificate;
//! - fault injection (slow, HTML, 500, dropped connections, garbage JSON, any status);
//! - Action URL pushes with the real phones' quirks;
//! - an unauthenticated control API under `/control/` (see [`control`]) mirroring the methods
//!   of [`PhoneSim`], for other processes.

#![warn(missing_docs)]

mod action_url;
pub mod ami;
mod auth;
mod config;
pub mod control;
mod control_api;
mod demo;
mod device;
mod error;
mod events;
mod faults;
mod http;
mod keys;
mod params;
mod push;
mod record;
mod remote_access;
mod server;
mod sim;
mod state;
mod sync;
mod tasks;
mod tls;
pub mod xuc;
pub mod yealink;

pub use config::{
    SimAccount, SimAuth, SimConfig, FIRMWARE_VERSION, MAC_ADDRESS, MAX_ACCOUNTS, MAX_LINES,
    SIP_SERVER,
};
pub use demo::CONTACTS as DEMO_CONTACTS;
pub use error::SimError;
pub use events::{CallDirection, PushEvent, UnknownEvent};
pub use faults::Fault;
pub use keys::Key;
pub use params::Params;
pub use push::{PushOutcome, SentPush};
pub use record::{RecordedRequest, RequestKind, MAX_RECORDS};
pub use remote_access::PROMPT_TIMEOUT;
pub use sim::PhoneSim;
pub use state::{LineState, SimDial, SimLine, SimState};
pub use tls::fingerprint as der_fingerprint;
