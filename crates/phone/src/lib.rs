//! callpop-phone: everything callpop knows about desk phones and phone systems, with no GUI.
//!
//! The desktop shell (`src-tauri`) and the command line are thin layers over this crate:
//! a [`backend`] talks to one phone system (Grandstream today; Asterisk, XiVO and Yealink
//! behind the same seam), the one call [`tracker`] turns what it reports into call events, a
//! [`session`] keeps both running in the background and carries out actions, and the
//! [`number`] rules turn what people paste into what the phone dials.

pub mod account;
pub mod address;
pub mod backend;
pub mod connect;
pub mod credentials;
pub mod crm;
pub mod error;
mod http_client;
mod login_latch;
pub mod model;
pub mod number;
mod private_files;
pub mod push;
pub mod refusal;
pub mod rejections;
pub mod session;
pub mod sessions;
pub mod settings;
pub mod text;
pub mod tls;
pub mod tracker;

pub use account::PhoneAccount;
pub use backend::{Action, ActionKind, Backend, BackendKind, Capabilities, DialMethod, Performed};
pub use credentials::{Credentials, Secret};
pub use error::PhoneError;
pub use model::{CallHint, Direction, HintKind, Line, LineState};
pub use push::{PushListener, ReceivedPush};
pub use refusal::Refusal;
pub use rejections::RejectedLogins;
pub use session::{Connection, PhoneState, PushHealth, PushState, PushTiming, Session};
pub use sessions::{PhoneEvent, Sessions, Watched};
pub use tls::CertFingerprint;
pub use tracker::{CallEvent, CallEventKind, CallId, CallTracker, Outcome};
