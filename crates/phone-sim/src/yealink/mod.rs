//! A simulated **Yealink** desk phone: Action URI to control it, Action URL pushes to learn
//! what it does (see `phone-apis.md`, sections 2 and 3).
//!
//! A Yealink cannot be asked what its lines show: a client learns of calls only from the
//! Action URLs the phone pushes, and steers it with `GET /servlet?key=...`. This module serves
//! that, with the web login and its lock-out, the allowed-address list, the on-screen "Allow
//! remote control?" prompt, fault injection, the real push quirks and a record of what
//! clients sent.
//!
//! ```no_run
//! # async fn demo() -> Result<(), callpop_phone_sim::yealink::YealinkSimError> {
//! use callpop_phone_sim::yealink::{YealinkEvent, YealinkSim, YealinkSimConfig};
//!
//! let sim = YealinkSim::start(YealinkSimConfig::default()).await?;
//! sim.set_action_url(
//!     YealinkEvent::IncomingCall,
//!     Some("http://127.0.0.1:8787/cp/TOKEN/in?n=$remote&d=$display_remote&c=$call_id".into()),
//! );
//! let call = sim.ring("+15555550100", "Zoë Müller", 0)?;
//! // GET {url}/servlet?key=ASW:{call} with Basic auth admin:admin answers it.
//! sim.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Action URI served
//!
//! `GET /servlet?...` (also `/cgi-bin/ConfigManApp.com` and `/cgi-bin/cgiServer.exx`), HTTP
//! Basic auth with the phone's web user. Checked in this order:
//! 1. injected faults (slow, dropped connection, HTML login page, 500, garbage, any status);
//! 2. the login: none or wrong → `401` + `WWW-Authenticate: Basic`; after
//!    `max_login_failures` wrong ones in a row the login is locked for `lock_for`: `403`
//!    with a page saying `Login locked ... Try again in N minutes` (or `seconds` under a
//!    minute), whatever the password;
//! 3. `features.action_uri.enable` and `features.action_uri_limit_ip`: otherwise `403` with
//!    a bare forbidden page;
//! 4. `features.show_action_uri_option`: the first request from an address shows "Allow
//!    remote control?" and is **held open** until someone answers on the phone
//!    ([`YealinkSim::confirm_remote_control`]: it goes ahead, and that address is not asked
//!    again; [`YealinkSim::decline_remote_control`]: `403`, and the next request asks again).
//!    The phone does not notice a client that gave up waiting: its request is carried out
//!    once someone confirms (a dial can happen late);
//! 5. the request itself, always answered `200 OK` whether a key fitted or not:
//!    - `key=K[;K...]`: `OK`, `ENTER`, `SPEAKER` (answer the newest ringing call, else dial
//!      what was typed), `X`/`CANCEL` (reject the newest ring, else end the call on
//!      screen), `CALLEND`, `F_HOLD`/`HOLD` (toggle hold of the call on screen), `MUTE`,
//!      `DNDOn`, `DNDOff`, `ASW:<call_id>`, `CANCEL:<call_id>` (reject or end that call),
//!      `HOLD:<call_id>`, `UNHOLD:<call_id>`, `L1..Lx`, `0-9`, `*`/`STAR`, `#`/`POUND`;
//!    - `key=number=NNN&outgoing_uri=URI`: call NNN from the account URI names (the first
//!      account without it; none when it names no account);
//!    - `phonecfg=get[&accounts=1][&dnd=1][&fw=1]`: `text/plain` `Key=Value` lines:
//!      `Model`, `Firmware`, `MAC`, `DND=0|1`, forwards, `AccountN=label|user|name|sip:uri|1`
//!      (UNCONFIRMED layout: the guides do not show it).
//!
//! The statuses and bodies of steps 2-4 are a model (UNCONFIRMED); a client must not depend
//! on more than "401 = login refused, 403 = not allowed (a page mentioning `lock` when the
//! login is locked), no answer = waiting for someone at the phone".
//!
//! # Action URL pushes
//!
//! Events ([`YealinkEvent`]): `incoming_call`, `outgoing_call`, `call_established`,
//! `call_terminated`, `missed_call`, `reject_incoming_call` (followed by `call_terminated`),
//! `hold`, `unhold`, `mute`, `unmute`, `dnd_on`, `dnd_off`, `idle_to_busy`, `busy_to_idle`.
//! Variables: `$mac $ip $model $firmware $active_url $active_user $active_host $local $remote
//! $display_local $display_remote $call_id`, substituted raw (spaces, `+`, UTF-8), a missing
//! value left as its placeholder. `$remote` is the SIP URI `sip:NUMBER@HOST` by default
//! ([`RemoteFormat`]). Pushes leave `push_delay` after the event, one at a time; loss,
//! duplication and extra delay are faults to switch on.
//!
//! # Control API
//!
//! **Unauthenticated by design**, for loopback tests and demos only. `/control/{action}` on
//! the phone's port, GET or POST, parameters in the query or a form body; answers JSON
//! `{"ok":true,...}`, or `{"ok":false,"error":"..."}` with 400 (bad parameters), 404
//! (unknown call, account or action) or 409 (the state forbids it).
//!
//! | action | parameters | effect |
//! |---|---|---|
//! | `ring` | `number`, `name`?, `account`? | incoming call; answers `call` |
//! | `answer` / `reject` / `hangup` | `call` | the person at the phone does it |
//! | `hold` / `resume` | `call` | at the phone |
//! | `dial` | `number`, `account`? | dialled at the phone; answers `call` |
//! | `remote-answer` | `call` | the far end answers an outgoing call |
//! | `remote-hangup` | `call` | the far end hangs up (a ring: missed) |
//! | `give-up` | `call` | the caller gives up ringing: missed |
//! | `dnd` | `enabled` | DND at the phone |
//! | `confirm-remote-control` / `decline-remote-control` | `ip`? | answers the prompt |
//! | `prompt` | `enabled` | `features.show_action_uri_option` |
//! | `allowed-ips` | `value` | `features.action_uri_limit_ip` |
//! | `action-uri` | `enabled` | `features.action_uri.enable` |
//! | `fault` | `mode`=none\|slow\|html\|500\|drop\|garbage\|status, `ms`, `code`, `count`? | faults |
//! | `lock` / `unlock` | | locks the web login now / lifts the lock |
//! | `rotate-cert` | | new HTTPS certificate; answers `fingerprint` |
//! | `calls` | | calls in progress |
//! | `state` | | phone, prompts, allowed addresses, switches, lock |
//! | `requests` / `clear-requests` | | recorded Action URI requests |
//! | `action-url` | `event`, `url`? | sets (without `url` clears) an Action URL |
//! | `push-faults` | `loss`?, `dup`?, `delay_ms`?, `seed`? | push unreliability |
//! | `pushes` / `clear-pushes` | | pushes sent |
//!
//! # Not simulated
//!
//! Transfers and conferences, forwarding, the web UI, SIP NOTIFY Action URI, Digest auth,
//! `phonecfg=set`, screenshots, reboots.

mod access;
mod config;
mod control;
mod error;
mod events;
mod http;
mod keys;
mod phone;
mod push;
mod record;
mod shared;
mod sim;

pub use access::LoginCheck;
pub use config::{
    default_accounts, RemoteFormat, YealinkAccount, YealinkSimConfig, MAX_CALLS,
    MAX_YEALINK_ACCOUNTS, YEALINK_SIP_SERVER,
};
pub use error::YealinkSimError;
pub use events::{UnknownYealinkEvent, YealinkEvent};
pub use keys::{parse_keys, YealinkKey};
pub use phone::{YealinkCall, YealinkCallState, YealinkDirection, YealinkPhoneState};
pub use push::YealinkPush;
pub use record::{YealinkOutcome, YealinkRequest, MAX_YEALINK_RECORDS};
pub use sim::YealinkSim;
