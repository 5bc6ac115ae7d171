//! The Grandstream CTI HTTP API: client, answer interpretation, login and certificate pinning.

mod answer;
mod client;
mod config;
mod rejections;
mod tls;

pub use client::{CtiClient, DialMethod, FactoryResetConfirmation};
pub use config::{parse_phone_url, ClientConfig};
pub use rejections::RejectedLogins;
pub use tls::CertFingerprint;
