//! Integration tests of the phone simulator over real HTTP(S), one binary for a fast build.

mod auth;
mod bin;
mod common;
mod control;
mod cti;
mod demo;
mod faults;
mod push;
mod tls;
