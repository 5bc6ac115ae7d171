//! Errors of the control side of the xuc simulator.
//!
//! The CTI side answers like xuc does (JSON error bodies, `Error` messages, ignored commands);
//! these errors are for whoever steers the simulator, in tests or through `/control/`.

use std::net::SocketAddr;

use super::model::{CallId, CallState};

/// What can go wrong when starting or steering a simulated xuc server.
#[derive(Debug, thiserror::Error)]
pub enum XucSimError {
    /// A [`super::XucSimConfig`] value no XiVO would have.
    #[error("invalid xuc simulator configuration: {0}")]
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
    /// `XucSim::start` was called outside a Tokio runtime.
    #[error("the xuc simulator needs a Tokio runtime")]
    NoRuntime,
    /// No configured user has this login.
    #[error("no user with login {0:?}")]
    NoSuchUser(String),
    /// No call in progress has this id (it never existed or has ended).
    #[error("no call {0} in progress")]
    NoSuchCall(CallId),
    /// The call is not in a state that allows the requested action.
    #[error("cannot {action} call {call}: it is {state}")]
    WrongState {
        /// The call.
        call: CallId,
        /// Its current state.
        state: CallState,
        /// What was attempted.
        action: &'static str,
    },
    /// The user has Do Not Disturb on: the call does not ring.
    #[error("{0} has do not disturb on")]
    DoNotDisturb(String),
    /// The user forwards the call (unconditionally, or on busy while busy): it does not ring.
    #[error("{user} forwards the call to {destination}")]
    Forwarded {
        /// Login of the user called.
        user: String,
        /// Forward destination.
        destination: String,
    },
    /// The user's phone is unavailable (`PhoneStatusUpdate` INDISPONIBLE).
    #[error("the phone of {0} is unavailable")]
    PhoneUnavailable(String),
}
