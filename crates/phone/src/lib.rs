//! callpop-phone: everything callpop knows about desk phones, with no GUI.
//!
//! The desktop shell (`src-tauri`) and the command line are thin layers over this crate:
//! the CTI client talks to the phone, the call tracker turns what the phone reports into
//! call events, the poller keeps both running in the background, and the number rules turn
//! what people paste into what the phone dials.

pub mod connect;
pub mod credentials;
pub mod crm;
pub mod cti;
pub mod error;
pub mod models;
pub mod number;
pub mod phone;
pub mod poller;
pub mod push;
pub mod settings;
pub mod tracker;

pub use credentials::{Credentials, Secret};
pub use cti::{CertFingerprint, ClientConfig, CtiClient, DialMethod};
pub use error::PhoneError;
pub use models::{Line, LineState, PhoneOperation, PhoneStatus};
pub use phone::Phone;
pub use poller::{Connection, PhoneState, PollerHandle, PushHealth, PushState, PushTiming};
pub use push::{PushListener, PushedEvent};
pub use tracker::{CallEvent, CallEventKind, CallId, CallTracker};
