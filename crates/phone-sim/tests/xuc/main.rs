//! Integration tests of the xuc simulator over real HTTP and websockets on loopback, one
//! binary for a fast build.

mod auth;
mod calls;
mod common;
mod control;
mod demo;
mod faults;
mod session;
mod settings;
#[path = "../support/mod.rs"]
mod support;
mod transfers;

#[test]
fn handles_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<callpop_phone_sim::xuc::XucSim>();
}
