//! Errors of the AMI simulator's control side (starting it, steering calls).
//!
//! The AMI side itself never errors in Rust terms: like Asterisk it answers every action, with
//! `Response: Error` and Asterisk's own message where appropriate.

use std::net::SocketAddr;

use super::model::CallId;

/// What can go wrong when starting or steering the simulated Asterisk.
#[derive(Debug, thiserror::Error)]
pub enum AmiSimError {
    /// An [`super::AmiSimConfig`] value no real PBX would have.
    #[error("invalid AMI simulator configuration: {0}")]
    InvalidConfig(String),
    /// A listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Address that was asked for.
        addr: SocketAddr,
        /// Underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// `AmiSim::start` was polled outside a Tokio runtime.
    #[error("the AMI simulator needs a Tokio runtime")]
    NoRuntime,
    /// No call with this id (never existed, or forgotten after a restart).
    #[error("there is no {0}")]
    NoSuchCall(CallId),
    /// The endpoint (`PJSIP/100`, or just `100`) is not configured on this PBX.
    #[error("no endpoint {0:?} on this PBX (configured: {1})")]
    NoSuchEndpoint(String, String),
    /// The call is not in a state that allows the requested action.
    #[error("cannot {action} {call}: {reason}")]
    WrongState {
        /// The call.
        call: CallId,
        /// What was attempted.
        action: &'static str,
        /// Why it is not possible now.
        reason: String,
    },
}
