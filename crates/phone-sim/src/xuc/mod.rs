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
//! - `/control/{action}`: steering for other processes, mirroring [`XucSim`]'s methods (see
//!   "Control API" below).
//!
//! # Wire shapes
//!
//! HTTP (`U` = UNCONFIRMED status code or error code, see below):
//! - login: 200 `{"login":"alice","token":"<32 hex>","TTL":3600}`; errors
//!   `{"error":"<code>","message":"..."}`: 401 `InvalidCredentials`, 400 `InvalidJson`,
//!   500 `UnhandledError` (statuses U).
//! - check: 200 as login, with a new token (U); 401 `AuthorizationHeaderNotFound`,
//!   `InvalidToken`, `TokenExpired` (U).
//! - websocket with a missing, unknown or expired token: the same 401 bodies, no upgrade (U).
//!
//! Websocket, every message `{"msgType":"<type>","ctiMessage":{...}}`:
//! - `LoggedOn` `{}` (body U); `LoggedOnError` `{"Error":"loggedOnFailed"}`, then close.
//! - `UserConfigUpdate` `{"userId","dndEnabled","naFwdEnabled","naFwdDestination",
//!   "uncFwdEnabled","uncFwdDestination","busyFwdEnabled","busyFwdDestination","firstName",
//!   "lastName","fullName","mobileNumber","agentId","lineIds","voiceMailId",
//!   "voiceMailEnabled"}`; in partial updates the identity fields and unchanged forward
//!   destinations are `null`.
//! - `PhoneStatusUpdate` `{"status":"AVAILABLE"|"RINGING"|"CALLING"|"ONHOLD"|
//!   "BUSY_AND_RINGING"|"INDISPONIBLE"}`.
//! - `PhoneEvent` `{"eventType","DN","otherDN","otherDName","linkedId","uniqueId",
//!   "queueName"?,"callDirection":"Incoming"|"Outgoing","userData":{...}}`.
//! - `CurrentCallsPhoneEvents` `{"events":[<PhoneEvent bodies>]}`.
//! - `PhoneHintStatusEvent` `{"number":"1000","status":0}`.
//! - `Error` `{"Error":"<text>"}` (body U); `Pong` `{}` after each ping (U).
//! - An idle socket is closed with code 1000, reason `idle timeout` (U); faults, restarts and
//!   shutdown drop the connection without a close frame.
//!
//! # Control API
//!
//! **Unauthenticated by design**, for loopback tests and demos only.
//!
//! Every action accepts GET and POST; parameters come from the query string, a form body or
//! a JSON object body (`{"user": "alice", "number": "0612", "user_data": {"USR_x": "1"}}`).
//! In query and form, user data is given as `data.KEY=VALUE` pairs. Answers are JSON:
//! `{"ok": true, ...}`, or `{"ok": false, "error": "..."}` with 400 for bad parameters, 404 for
//! an unknown user, call or action, 409 when the state forbids the action.
//!
//! | action | parameters | effect |
//! |---|---|---|
//! | `ring` | `user`, `number`, `name`?, `queue`?, user data | incoming call; answers `call`, `linked_id`, `unique_id` |
//! | `answer` | `call` | the user picks up at the phone |
//! | `dial` | `user`, `number` | the user dials at the phone; answers `call` |
//! | `remote-answer` | `call` | the far end answers an outgoing call |
//! | `hold` / `resume` | `call` | the user holds / resumes at the phone |
//! | `hangup` | `call` | the user hangs up at the phone |
//! | `remote-hangup` | `call` | the far end hangs up |
//! | `give-up` | `call` | the caller gives up before an answer |
//! | `dnd` | `user`, `enabled` | DND set at the phone |
//! | `phone-available` | `user`, `enabled` | the phone (un)registers: INDISPONIBLE |
//! | `calls` | | calls in progress (array of [`XucCall`]) |
//! | `users` | | users (array of [`XucUserState`]) |
//! | `state` | | `{"users", "calls", "open_sessions"}` |
//! | `refuse-logins` | `mode`=none\|credentials\|error | login refusal fault |
//! | `refuse-sessions` | `enabled` | websockets get `LoggedOnError` |
//! | `drop-sessions` | | every websocket drops now |
//! | `drop-after` | `count`? (absent: off) | websockets drop after `count` messages |
//! | `pings` | `enabled` | whether pings are answered |
//! | `send-raw` | `text` | text frame to every websocket; answers `sessions` |
//! | `malformed` | | a truncated JSON frame to every websocket; answers `sessions` |
//! | `expire-tokens` | | every token issued so far expires |
//! | `restart` | `ms`? | restart: sockets drop, calls and tokens vanish, port closed `ms` |
//! | `auth-records` | | authentication requests (array of [`XucAuthRecord`]) |
//! | `sessions` | | websocket sessions (array of [`XucSessionRecord`]) |
//! | `clear-records` | | forgets both |
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
