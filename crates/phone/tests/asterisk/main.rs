//! The Asterisk backend against the simulated Asterisk 22 manager interface
//! (`callpop-phone-sim`'s AMI), over real TCP: logins, calls through a real `Session` and its
//! tracker, click-to-dial, call control, and a PBX that misbehaves. One binary, for one build.

mod calls;
mod common;
mod control;
mod dial;
mod faults;
mod login;
