//! The captures of a real Asterisk 22 (`shared/reference/ami-captures/`, copied beside this
//! file) and ways to compare the simulator's output with them: event order, field names and
//! order, and every value that does not depend on time or on random ids.

use std::collections::HashMap;

use super::client::Msg;

/// What the server sent and what the client sent, in order.
pub struct Capture {
    pub server: Vec<Msg>,
    pub client: Vec<Msg>,
}

pub fn load(name: &str) -> Capture {
    let path = format!("{}/tests/ami/captures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("capture readable");
    let mut server = Vec::new();
    let mut client = Vec::new();
    let mut blocks = text.split("### t=").filter(|b| !b.is_empty());
    // Each block: "SECONDS <<\n" or "SECONDS >>\n", then CRLF text.
    for block in blocks.by_ref() {
        let (header, body) = block.split_once('\n').expect("block header");
        let to_client = header.trim_end().ends_with("<<");
        let body = body
            .strip_prefix("Asterisk Call Manager/11.0.0\r\n")
            .unwrap_or(body);
        for raw in body.split("\r\n\r\n").filter(|m| !m.trim().is_empty()) {
            let msg = Msg::parse(&format!("{raw}\r\n\r\n"));
            if to_client {
                server.push(msg);
            } else {
                client.push(msg);
            }
        }
    }
    Capture { server, client }
}

/// Values that differ from run to run even on a real Asterisk.
fn volatile(msg: &Msg, key: &str) -> bool {
    match key {
        "Timestamp" | "Uptime" | "LastReload" | "Duration" | "Seconds" => true,
        "Value" => {
            let var = msg.get("Variable");
            var.contains("TIME") || var.contains("PVTCALLID") || var.starts_with("RTPAUDIOQOS")
        }
        // The text of the DID's NoOp is dialplan configuration.
        "AppData" => msg.get("Application") == "NoOp",
        // DialState may carry the dialled channel's state from just before its Newstate:
        // captures 03 (Ringing), 07 and 09 (Down) differ on this.
        "DestChannelState" | "DestChannelStateDesc" => msg.event() == "DialState",
        _ => false,
    }
}

/// Replaces channel suffixes, unique ids and bridge ids by labels in order of first
/// appearance, so two streams with the same structure normalize alike.
#[derive(Default)]
pub struct Labels {
    map: HashMap<String, String>,
    counts: HashMap<&'static str, usize>,
}

impl Labels {
    fn label(&mut self, kind: &'static str, value: &str) -> String {
        if let Some(l) = self.map.get(value) {
            return l.clone();
        }
        let n = self.counts.entry(kind).or_default();
        *n += 1;
        let l = format!("<{kind}{n}>");
        self.map.insert(value.to_owned(), l.clone());
        l
    }

    pub fn value(&mut self, key: &str, value: &str) -> String {
        if let Some((device, suffix)) = value.rsplit_once('-') {
            if value.starts_with("PJSIP/") && suffix.len() == 8 {
                let l = self.label("C", value);
                return format!("{device}-{l}");
            }
        }
        match key {
            "Uniqueid" | "Linkedid" | "DestUniqueid" | "DestLinkedid" => {
                if value.is_empty() || value == "<unknown>" {
                    value.to_owned()
                } else {
                    self.label("U", value)
                }
            }
            "BridgeUniqueid" | "BridgeId" | "BridgeID" if !value.is_empty() => {
                self.label("B", value)
            }
            _ => value.to_owned(),
        }
    }
}

/// A message with labels and volatile values blanked.
pub fn normalize(msg: &Msg, labels: &mut Labels) -> Vec<(String, String)> {
    msg.headers
        .iter()
        .map(|(k, v)| {
            let v = if volatile(msg, k) {
                "*".to_owned()
            } else {
                labels.value(k, v)
            };
            (k.clone(), v)
        })
        .collect()
}

/// The two streams are the same message for message: names, field order and values.
pub fn assert_same_stream(captured: &[Msg], simulated: &[Msg]) {
    let (mut lc, mut ls) = (Labels::default(), Labels::default());
    let left: Vec<_> = captured.iter().map(|m| normalize(m, &mut lc)).collect();
    let right: Vec<_> = simulated.iter().map(|m| normalize(m, &mut ls)).collect();
    let title = |m: &Vec<(String, String)>| {
        m.iter()
            .take(1)
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<String>()
    };
    for (i, (l, r)) in left.iter().zip(&right).enumerate() {
        assert_eq!(
            l,
            r,
            "message {i} differs (captured {} vs simulated {})",
            title(l),
            title(r)
        );
    }
    assert_eq!(
        left.len(),
        right.len(),
        "captured {} messages, simulated {}: {:?}",
        left.len(),
        right.len(),
        if left.len() > right.len() {
            left[right.len()..].iter().map(title).collect::<Vec<_>>()
        } else {
            right[left.len()..].iter().map(title).collect::<Vec<_>>()
        }
    );
}

/// The event name, channel without its number, and the detail that tells steps apart.
pub fn key(msg: &Msg) -> String {
    let device = |name: &str| name.rsplit_once('-').map_or(name, |(d, _)| d).to_owned();
    let detail = match msg.event() {
        "Newstate" => msg.get("ChannelStateDesc").to_owned(),
        "DialBegin" | "DialEnd" => format!(
            "{} {}",
            device(msg.get("DestChannel")),
            msg.get("DialStatus")
        ),
        "DialState" => device(msg.get("DestChannel")),
        "Hangup" | "HangupRequest" | "SoftHangupRequest" => msg.get("Cause").to_owned(),
        "VarSet" => msg.get("Variable").to_owned(),
        "DeviceStateChange" => format!("{} {}", msg.get("Device"), msg.get("State")),
        "BridgeEnter" | "BridgeLeave" => msg.get("BridgeNumChannels").to_owned(),
        "OriginateResponse" => format!("{} {}", msg.get("Response"), msg.get("Reason")),
        "Newexten" => msg.get("Application").to_owned(),
        _ => String::new(),
    };
    format!("{} {} {}", msg.event(), device(msg.get("Channel")), detail)
}

/// The same events, in any order (real Asterisk itself varies the order of events on
/// different channels between runs: compare captures 03, 07 and 09).
pub fn assert_same_events(captured: &[&Msg], simulated: &[&Msg]) {
    let mut left: Vec<String> = captured.iter().map(|m| key(m)).collect();
    let mut right: Vec<String> = simulated.iter().map(|m| key(m)).collect();
    left.sort();
    right.sort();
    assert_eq!(left, right);
}

/// For every captured event, a simulated event with the same key has the same fields in the
/// same order, and the same values apart from ids and times.
pub fn assert_same_fields(captured: &[&Msg], simulated: &[&Msg]) {
    for c in captured {
        let k = key(c);
        let s = simulated
            .iter()
            .find(|s| key(s) == k)
            .unwrap_or_else(|| panic!("no simulated {k}"));
        assert_eq!(c.names(), s.names(), "fields of {k}");
        let strip = |m: &Msg| -> Vec<(String, String)> {
            let mut labels = Labels::default();
            normalize(m, &mut labels)
                .into_iter()
                .map(|(k, v)| {
                    let v = match v.split_once("-<C") {
                        Some((device, _)) => device.to_owned(),
                        None if v.starts_with("<U") || v.starts_with("<B") => "<id>".into(),
                        None => v,
                    };
                    (k, v)
                })
                .collect()
        };
        assert_eq!(strip(c), strip(s), "values of {k}");
    }
}
