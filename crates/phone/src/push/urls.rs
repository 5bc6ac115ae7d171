//! The Action URL lines to paste into the phone's web UI.
//!
//! Grandstream: Settings → Outbound Notification → Action URL (P-values in brackets). Each URL
//! is short (phones silently drop URLs over ~256 characters) and carries the variables callpop
//! uses: `$remote` (number), `$display_remote` (name), `$call-id` (ties one call's pushes
//! together) and `$calldirection`.

use super::parse::PATH_PREFIX;
use crate::model::HintKind;
use serde::Serialize;
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

/// Query part common to every line, with Grandstream's variable names.
const VARIABLES: &str = "n=$remote&d=$display_remote&c=$call-id&r=$calldirection";

/// One Action URL to set on the phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PushLine {
    pub kind: HintKind,
    /// The field's name in the phone's web UI.
    pub label: &'static str,
    /// Grandstream's P-value of the field, for provisioning files.
    pub p_value: u16,
    pub url: String,
}

impl fmt::Display for PushLine {
    /// `Incoming Call: http://...`, as shown for copying.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.label, self.url)
    }
}

/// The phone's fields for the seven call events: event, label in the web UI, P-value.
const FIELDS: [(HintKind, &str, u16); 7] = [
    (HintKind::Incoming, "Incoming Call", 8310),
    (HintKind::Outgoing, "Outgoing Call", 8311),
    (HintKind::Established, "Established Call", 8313),
    (HintKind::Terminated, "Terminated Call", 8314),
    (HintKind::Missed, "Missed Call", 8312),
    (HintKind::Hold, "Hold", 8324),
    (HintKind::Unhold, "Unhold", 8325),
];

/// The URLs for the seven call events, for a listener the phone reaches at `pc`.
pub fn push_lines(pc: SocketAddr, token: &str) -> Vec<PushLine> {
    FIELDS
        .into_iter()
        .map(|(kind, label, p_value)| PushLine {
            url: format!(
                "http://{pc}{PATH_PREFIX}{token}/{}?{VARIABLES}",
                kind.path_word()
            ),
            kind,
            label,
            p_value,
        })
        .collect()
}

/// This computer's address on the route to `phone`: the address the phone can send pushes to.
///
/// Connecting a UDP socket only picks the route and the local address; no packet is sent.
pub fn pc_address_for(phone: IpAddr) -> io::Result<IpAddr> {
    let any: IpAddr = match phone {
        IpAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
        IpAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
    };
    let socket = UdpSocket::bind((any, 0))?;
    socket.connect((phone, 9))?;
    Ok(socket.local_addr()?.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_short_and_complete() {
        let token = "x".repeat(64);
        let pc: SocketAddr = "[fd00:1234:5678:9abc:def0:1234:5678:9abc]:65535"
            .parse()
            .expect("addr");
        let lines = push_lines(pc, &token);
        assert_eq!(lines.len(), 7);
        for line in &lines {
            assert!(
                line.url.len() < 256,
                "{} chars: {}",
                line.url.len(),
                line.url
            );
        }
        let lines = push_lines("192.168.1.20:8787".parse().expect("addr"), "TOKEN");
        assert_eq!(
            lines[0].to_string(),
            "Incoming Call: http://192.168.1.20:8787/cp/TOKEN/in?n=$remote&d=$display_remote&c=$call-id&r=$calldirection"
        );
        let labels: Vec<&str> = lines.iter().map(|l| l.label).collect();
        assert_eq!(
            labels,
            [
                "Incoming Call",
                "Outgoing Call",
                "Established Call",
                "Terminated Call",
                "Missed Call",
                "Hold",
                "Unhold"
            ]
        );
    }

    #[test]
    fn pc_address_of_a_loopback_phone_is_loopback() {
        let ip = pc_address_for(IpAddr::V4(Ipv4Addr::LOCALHOST)).expect("route");
        assert!(ip.is_loopback(), "{ip}");
    }
}
