//! Errors of the control side of the Yealink simulator.
//!
//! The phone side never errors in Rust terms: like a real phone it answers every request
//! (mostly `200 OK`, whatever happened). These errors are for whoever steers the simulator, in
//! tests or through `/control/`.

use std::net::SocketAddr;

use super::phone::YealinkCallState;

/// What can go wrong when starting or steering a simulated Yealink phone.
#[derive(Debug, thiserror::Error)]
pub enum YealinkSimError {
    /// A [`super::YealinkSimConfig`] value no Yealink has.
    #[error("invalid Yealink simulator configuration: {0}")]
    InvalidConfig(String),
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Address that was asked for.
        addr: SocketAddr,
        /// Underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// `YealinkSim::start` was called outside a Tokio runtime.
    #[error("the Yealink simulator needs a Tokio runtime")]
    NoRuntime,
    /// Certificate generation or TLS setup failed.
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// No call in progress has this id (it never existed or has ended).
    #[error("no call {0} in progress")]
    NoSuchCall(String),
    /// The call is not in a state that allows the requested action.
    #[error("cannot {action} call {call}: it is {state}")]
    WrongState {
        /// The call's `$call_id`.
        call: String,
        /// Its current state.
        state: YealinkCallState,
        /// What was attempted.
        action: &'static str,
    },
    /// Every line key holds a call already.
    #[error("the phone already holds as many calls as it can")]
    AllLinesBusy,
    /// Do Not Disturb is on: like a real phone, the call is refused without ringing.
    #[error("do not disturb is on")]
    DoNotDisturb,
    /// No configured account matches.
    #[error("no account {0:?} on this phone")]
    NoSuchAccount(String),
    /// An empty number was dialled.
    #[error("there is no number to dial")]
    NoNumber,
}
