//! The Grandstream CTI HTTP API: client, answer interpretation and login.

mod answer;
mod client;
mod config;

pub use client::{CtiClient, FactoryResetConfirmation};
pub use config::ClientConfig;
