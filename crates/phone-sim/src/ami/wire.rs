//! The AMI wire format: `Key: Value\r\n` lines, a blank line ends a message.
//!
//! Reading follows Asterisk's `get_input`: lines end with `\n` (a preceding `\r` is dropped),
//! overlong lines are cut, at most [`MAX_HEADERS`] headers count. Header names are looked up
//! case-insensitively and the value starts after the colon and any blanks, as
//! `astman_get_header` does.

use std::fmt::Write as _;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};

/// Asterisk's `AST_MAX_MANHEADERS`: later headers of a message are ignored.
pub(crate) const MAX_HEADERS: usize = 128;
/// Asterisk reads lines into a 1025-byte buffer; longer lines are cut.
const MAX_LINE: usize = 1024;
/// Upper bound on a message's raw size, so a client sending endless headers cannot exhaust
/// memory.
const MAX_MESSAGE_BYTES: usize = 256 * 1024;

/// One message a client sent: its headers in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Message {
    headers: Vec<(String, String)>,
}

impl Message {
    /// A message from `(name, value)` pairs (tests and internal use).
    #[cfg(test)]
    pub(crate) fn from_pairs(pairs: &[(&str, &str)]) -> Message {
        Message {
            headers: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    /// The first value of `name` (case-insensitive), or `""` when absent, like
    /// `astman_get_header`.
    pub(crate) fn get(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }

    /// The first non-empty value of `name` (Asterisk's `GET_HEADER_SKIP_EMPTY`, used for
    /// `Action`).
    pub(crate) fn get_non_empty(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(name) && !v.is_empty())
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`, in order (`Variable:` may repeat).
    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All headers in order.
    pub(crate) fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    fn push_line(&mut self, line: &str) {
        if self.headers.len() >= MAX_HEADERS {
            return;
        }
        // Asterisk keeps lines without a colon but no lookup can ever match them.
        if let Some((name, value)) = line.split_once(':') {
            let value = value.trim_start_matches([' ', '\t']);
            self.headers.push((name.to_owned(), value.to_owned()));
        }
    }
}

/// What the reader produced.
#[derive(Debug)]
pub(crate) enum Read {
    /// A complete message (ended by a blank line).
    Message(Message),
    /// The client closed the connection (a partial message is dropped, as in Asterisk).
    Closed,
}

/// Reads messages from a client, one at a time.
///
/// `next` is cancel-safe (it is raced against outgoing events): a partly read line or
/// message stays in the reader and the next call continues it.
pub(crate) struct MessageReader<R> {
    inner: BufReader<R>,
    line: Vec<u8>,
    partial: Message,
    size: usize,
}

impl<R: AsyncRead + Unpin> MessageReader<R> {
    /// Wraps the read half of a connection.
    pub(crate) fn new(read: R) -> MessageReader<R> {
        MessageReader {
            inner: BufReader::new(read),
            line: Vec::with_capacity(256),
            partial: Message::default(),
            size: 0,
        }
    }

    /// The next complete message, or `Closed` at end of stream or on a read error.
    pub(crate) async fn next(&mut self) -> Read {
        loop {
            match self.inner.read_until(b'\n', &mut self.line).await {
                Ok(0) | Err(_) => return Read::Closed,
                Ok(_) => {}
            }
            if self.line.last() != Some(&b'\n') {
                // End of stream in the middle of a line.
                return Read::Closed;
            }
            let mut line = std::mem::take(&mut self.line);
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if line.is_empty() {
                self.size = 0;
                if self.partial.headers.is_empty() {
                    // Stray blank lines between messages are ignored.
                    continue;
                }
                return Read::Message(std::mem::take(&mut self.partial));
            }
            self.size += line.len();
            if self.size > MAX_MESSAGE_BYTES {
                // Keep reading until the blank line but stop storing headers.
                continue;
            }
            line.truncate(MAX_LINE);
            self.partial.push_line(&String::from_utf8_lossy(&line));
        }
    }
}

/// Builds one outgoing message (`Response: ...` or `Event: ...`) in wire form.
#[derive(Debug, Default, Clone)]
pub(crate) struct Out {
    text: String,
}

impl Out {
    /// A `Response:` with the `ActionID` echoed right after it, as Asterisk orders them.
    pub(crate) fn response(kind: &str, action_id: &str) -> Out {
        let mut out = Out::default().field("Response", kind);
        if !action_id.is_empty() {
            out = out.field("ActionID", action_id);
        }
        out
    }

    /// `Response: Success` with `Message:`.
    pub(crate) fn ack(action_id: &str, message: &str) -> Out {
        Out::response("Success", action_id).field("Message", message)
    }

    /// `Response: Error` with `Message:`.
    pub(crate) fn error(action_id: &str, message: &str) -> Out {
        Out::response("Error", action_id).field("Message", message)
    }

    /// A list response: `Response: Success`, `ActionID`, `EventList: start`, `Message`.
    pub(crate) fn list_start(action_id: &str, message: &str) -> Out {
        Out::response("Success", action_id)
            .field("EventList", "start")
            .field("Message", message)
    }

    /// The event that completes a list: `EventList: Complete`, `ListItems: N`.
    pub(crate) fn list_complete(event: &str, action_id: &str, items: usize) -> Out {
        Out::event_with_id(event, action_id)
            .field("EventList", "Complete")
            .field("ListItems", &items.to_string())
    }

    /// An `Event:` line followed by `ActionID` (events answering an action, without
    /// `Privilege`).
    pub(crate) fn event_with_id(event: &str, action_id: &str) -> Out {
        let mut out = Out::default().field("Event", event);
        if !action_id.is_empty() {
            out = out.field("ActionID", action_id);
        }
        out
    }

    /// Appends `name: value`.
    pub(crate) fn field(mut self, name: &str, value: &str) -> Out {
        self.push(name, value);
        self
    }

    /// Appends `name: value` in place.
    pub(crate) fn push(&mut self, name: &str, value: &str) {
        // A value with a line break would break the framing; Asterisk never sends one.
        let value = value.replace(['\r', '\n'], " ");
        let _ = write!(self.text, "{name}: {value}\r\n");
    }

    /// Appends already formatted `Key: Value\r\n` lines.
    pub(crate) fn push_raw(&mut self, lines: &str) {
        self.text.push_str(lines);
    }

    /// The message with its terminating blank line.
    pub(crate) fn finish(mut self) -> String {
        self.text.push_str("\r\n");
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_all(input: &[u8]) -> Vec<Message> {
        let mut reader = MessageReader::new(input);
        let mut out = Vec::new();
        while let Read::Message(m) = reader.next().await {
            out.push(m);
        }
        out
    }

    #[tokio::test]
    async fn frames_messages_on_blank_lines() {
        let messages = read_all(
            b"Action: Login\r\nUsername: a\r\nSecret:  s p \r\n\r\n\r\nAction: Ping\nActionID: 7\n\nAction: Half",
        )
        .await;
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].get("action"), "Login");
        assert_eq!(messages[0].get("SECRET"), "s p ");
        assert_eq!(messages[1].get("ActionID"), "7");
        assert_eq!(messages[1].get("Missing"), "");
    }

    #[tokio::test]
    async fn caps_headers_and_lines() {
        let mut input = String::from("Action: X\r\n");
        for i in 0..200 {
            input.push_str(&format!("H{i}: v\r\n"));
        }
        input.push_str(&format!("Long: {}\r\n\r\n", "x".repeat(5000)));
        let messages = read_all(input.as_bytes()).await;
        assert_eq!(messages[0].headers().len(), MAX_HEADERS);
        assert_eq!(messages[0].get("Long"), "");
    }

    #[test]
    fn builds_responses_in_asterisk_order() {
        let text = Out::ack("l1", "Authentication accepted").finish();
        assert_eq!(
            text,
            "Response: Success\r\nActionID: l1\r\nMessage: Authentication accepted\r\n\r\n"
        );
        let text = Out::error("", "Permission denied").finish();
        assert_eq!(
            text,
            "Response: Error\r\nMessage: Permission denied\r\n\r\n"
        );
    }
}
