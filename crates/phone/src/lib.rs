//! callpop-phone: everything callpop knows about desk phones, with no GUI.
//!
//! The desktop shell (`src-tauri`) and the command line are thin layers over this crate:
//! the CTI client talks to the phone, the call tracker turns what the phone reports into
//! call events, the poller keeps both running in the background, and the number rules turn
//! what people paste into what the phone dials.

pub mod number;
pub mod crm;
pub mod settings;
