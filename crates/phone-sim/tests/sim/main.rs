//! Integration tests of the phone simulator over real HTTP(S), one binary for a fast build.

mod auth;
mod bin;
mod common;
mod control;
mod cti;
mod demo;
mod faults;
mod push;
#[path = "../support/mod.rs"]
mod support;
mod tls;

#[test]
fn handles_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<callpop_phone_sim::PhoneSim>();
}
