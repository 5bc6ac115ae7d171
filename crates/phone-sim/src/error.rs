//! Errors of the control side of the simulator.
//!
//! The CTI side never errors in Rust terms: like a real phone it answers every request, with
//! JSON failure bodies where appropriate. These errors are for whoever drives the simulator.

use std::net::SocketAddr;

use crate::state::LineState;

/// What can go wrong when starting or steering a simulated phone.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A [`crate::SimConfig`] value no real phone would have.
    #[error("invalid simulator configuration: {0}")]
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
    /// `PhoneSim::start` was polled outside a Tokio runtime.
    #[error("the phone simulator needs a Tokio runtime")]
    NoRuntime,
    /// Certificate generation or TLS setup failed.
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// A line number outside `1..=lines`.
    #[error("line {0} does not exist on this phone")]
    NoSuchLine(u32),
    /// Every line is busy, so a new call has nowhere to go.
    #[error("no idle line")]
    NoIdleLine,
    /// The line is not in a state that allows the requested action.
    #[error("cannot {action} line {line}: it is {state}")]
    WrongState {
        /// 1-based line number.
        line: u32,
        /// Its current state.
        state: LineState,
        /// What was attempted.
        action: &'static str,
    },
    /// An account index (0-based) outside the phone's accounts.
    #[error("account {0} does not exist on this phone (accounts count from 0)")]
    NoSuchAccount(u32),
    /// Do Not Disturb is on: like a real phone, incoming calls are refused without ringing.
    #[error("do not disturb is on")]
    DoNotDisturb,
}
