//! Integration tests of the simulated Asterisk Manager Interface, over real TCP (and HTTP for
//! the control API), one binary for a fast build.

mod actions;
mod capture;
mod client;
mod control;
mod faults;
mod fidelity;
mod login;
mod scenarios;
#[path = "../support/mod.rs"]
mod support;
