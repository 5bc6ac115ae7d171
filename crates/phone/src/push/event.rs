//! What a phone pushed: one Action URL request, reduced to the call hint it carries.

use crate::model::CallHint;
use serde::Serialize;
use std::net::IpAddr;
use std::time::Instant;

/// A push as the listener received it: from the configured phone, with the right token.
#[derive(Clone, Debug, Serialize)]
pub struct ReceivedPush {
    pub event: CallHint,
    /// The sender, always one of the phone's addresses.
    pub from: IpAddr,
    /// The phone it is from ([`super::PushRoute::id`]), found by its token.
    pub route: String,
    /// When the request was complete (for latency measurements).
    #[serde(skip)]
    pub at: Instant,
}
