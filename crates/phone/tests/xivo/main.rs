//! The XiVO backend against the simulated xuc server, over real HTTP and websockets on
//! loopback, through a real [`callpop_phone::Session`] where it matters. One binary for a
//! fast build.

mod calls;
mod common;
mod link;
mod login;
mod secrets;
mod tls;
mod transfers;
