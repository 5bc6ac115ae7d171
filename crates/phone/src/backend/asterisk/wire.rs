//! The AMI wire format: `Key: Value` lines ending in CRLF, a blank line after each message,
//! and one banner line (`Asterisk Call Manager/11.0.0`) when the connection opens.
//!
//! Whatever arrives on the manager port is treated as hostile: lines and messages are bounded
//! (a peer sending endless bytes without a line break, or endless headers, gets an error, not
//! callpop's memory), and anything that is no AMI message (binary, a line without a colon) is
//! an error rather than something to guess at. The session then reconnects and resyncs, which
//! is always safe, where carrying on with a half-understood stream is not.

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// The longest line accepted. Asterisk's own lines are short (a caller name, a channel name);
/// a long `ChanVariable` stays well under this.
pub(crate) const MAX_LINE: usize = 8 * 1024;
/// The most headers in one message; a `CoreShowChannel` has about 20.
pub(crate) const MAX_HEADERS: usize = 256;
/// The most bytes in one message.
pub(crate) const MAX_MESSAGE: usize = 64 * 1024;

/// One message from the PBX: its headers in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Message {
    headers: Vec<(String, String)>,
}

impl Message {
    /// A message from pairs (tests and the state's unit tests).
    #[cfg(test)]
    pub(crate) fn from_pairs(pairs: &[(&str, &str)]) -> Self {
        Self {
            headers: pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    /// The first value of `name` (case-insensitive, as Asterisk looks headers up).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The value of `name`, or `""` when absent.
    pub(crate) fn value(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }

    /// `Newchannel`, `Hangup`... for events.
    pub(crate) fn event(&self) -> Option<&str> {
        self.get("Event")
    }

    /// `Success`, `Error`... for responses.
    pub(crate) fn response(&self) -> Option<&str> {
        self.get("Response")
    }

    pub(crate) fn action_id(&self) -> Option<&str> {
        self.get("ActionID").filter(|id| !id.is_empty())
    }

    /// The message as text, for error excerpts.
    pub(crate) fn text(&self) -> String {
        self.headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

/// Why reading stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum WireError {
    /// The PBX closed the connection between two messages.
    Closed,
    /// The connection closed in the middle of a message.
    Truncated,
    /// Something that is no AMI message; the excerpt is raw and must be cleaned before it is
    /// shown.
    Garbage(String),
    /// A line or message beyond the limits.
    TooLarge,
    /// The socket failed.
    Io(String),
}

/// Reads messages, one at a time, within the limits above.
///
/// [`MessageReader::next`] is cancel-safe: it is raced against timers and other work, and a
/// partly read line or message stays here for the next call to continue.
pub(crate) struct MessageReader<R> {
    inner: R,
    line: Vec<u8>,
    headers: Vec<(String, String)>,
    size: usize,
}

impl<R: AsyncBufRead + Unpin> MessageReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            line: Vec::with_capacity(256),
            headers: Vec::new(),
            size: 0,
        }
    }

    /// The banner line, without its line ending.
    pub(crate) async fn banner(&mut self) -> Result<String, WireError> {
        let line = self.read_line().await?;
        Ok(String::from_utf8_lossy(&line).into_owned())
    }

    /// The next complete message.
    pub(crate) async fn next(&mut self) -> Result<Message, WireError> {
        loop {
            let line = self.read_line().await?;
            if line.is_empty() {
                if self.headers.is_empty() {
                    // Blank lines between messages are harmless.
                    continue;
                }
                self.size = 0;
                return Ok(Message {
                    headers: std::mem::take(&mut self.headers),
                });
            }
            self.size += line.len();
            if self.size > MAX_MESSAGE || self.headers.len() >= MAX_HEADERS {
                return Err(WireError::TooLarge);
            }
            let header = parse_header(&line)
                .ok_or_else(|| WireError::Garbage(String::from_utf8_lossy(&line).into_owned()))?;
            self.headers.push(header);
        }
    }

    /// One line without its `\n` (and `\r`). Bytes are moved out of the buffer only together
    /// with the awaits that fetched them, so dropping this future loses nothing.
    async fn read_line(&mut self) -> Result<Vec<u8>, WireError> {
        loop {
            let available = self
                .inner
                .fill_buf()
                .await
                .map_err(|e| WireError::Io(e.to_string()))?;
            if available.is_empty() {
                return Err(if self.line.is_empty() && self.headers.is_empty() {
                    WireError::Closed
                } else {
                    WireError::Truncated
                });
            }
            let (chunk, end) = match available.iter().position(|b| *b == b'\n') {
                Some(at) => (&available[..at], Some(at + 1)),
                None => (available, None),
            };
            if self.line.len() + chunk.len() > MAX_LINE {
                return Err(WireError::TooLarge);
            }
            self.line.extend_from_slice(chunk);
            let used = end.unwrap_or(chunk.len());
            self.inner.consume(used);
            if end.is_some() {
                let mut line = std::mem::take(&mut self.line);
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(line);
            }
        }
    }
}

/// `Name: value`. The name must be printable ASCII without spaces (Asterisk's are
/// `Channel`, `Cause-txt`, `ChanVariable(...)`); the value is taken as UTF-8, with anything
/// invalid replaced (old trunks send Latin-1 caller names).
fn parse_header(line: &[u8]) -> Option<(String, String)> {
    let colon = line.iter().position(|b| *b == b':')?;
    let name = &line[..colon];
    if name.is_empty() || !name.iter().all(|b| b.is_ascii_graphic()) {
        return None;
    }
    let value = &line[colon + 1..];
    let start = value
        .iter()
        .position(|b| *b != b' ' && *b != b'\t')
        .unwrap_or(value.len());
    Some((
        String::from_utf8_lossy(name).into_owned(),
        String::from_utf8_lossy(&value[start..]).into_owned(),
    ))
}

/// One action in wire form.
///
/// Values never carry a line break: one would end the header early and let the rest become
/// a header (or an action) of its own. Callers check what they put in; as a last line of
/// defence, line breaks are replaced by spaces here.
#[derive(Clone)]
pub(crate) struct Action {
    name: &'static str,
    text: String,
}

impl Action {
    /// `Action: <name>` with its `ActionID`.
    pub(crate) fn new(name: &'static str, action_id: &str) -> Self {
        let mut action = Self {
            name,
            text: String::new(),
        };
        action.push("Action", name);
        action.push("ActionID", action_id);
        action
    }

    pub(crate) fn field(mut self, name: &str, value: &str) -> Self {
        self.push(name, value);
        self
    }

    fn push(&mut self, name: &str, value: &str) {
        let value = value.replace(['\r', '\n'], " ");
        self.text.push_str(name);
        self.text.push_str(": ");
        self.text.push_str(&value);
        self.text.push_str("\r\n");
    }

    /// `Ping`, `Originate`...: for messages and logs.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    /// The bytes to send, with the terminating blank line.
    pub(crate) fn into_bytes(mut self) -> Vec<u8> {
        self.text.push_str("\r\n");
        self.text.into_bytes()
    }
}

/// Never shows the values: a `Login` carries the secret.
impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Action")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_all(input: &[u8]) -> (Vec<Message>, WireError) {
        let mut reader = MessageReader::new(input);
        let mut out = Vec::new();
        loop {
            match reader.next().await {
                Ok(m) => out.push(m),
                Err(e) => return (out, e),
            }
        }
    }

    #[tokio::test]
    async fn frames_messages_like_asterisk_sends_them() {
        let (messages, end) = read_all(
            b"Response: Success\r\nActionID: l1\r\nMessage: Authentication accepted\r\n\r\n\r\n\
              Event: Hangup\nChannel: PJSIP/201-00000001\nCause-txt:  Normal Clearing\nAccountCode: \n\n",
        )
        .await;
        assert_eq!(end, WireError::Closed);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0].response(), Some("Success"));
        assert_eq!(messages[0].action_id(), Some("l1"));
        assert_eq!(messages[1].event(), Some("Hangup"));
        assert_eq!(messages[1].value("cause-TXT"), "Normal Clearing");
        assert_eq!(messages[1].get("AccountCode"), Some(""));
        assert_eq!(messages[1].get("Missing"), None);
    }

    #[tokio::test]
    async fn hostile_input_is_an_error_not_a_panic() {
        // The simulator's garbage: binary, no colon, an empty name.
        let (_, end) =
            read_all(b"\x00\xff\xfe garbage \x1b[31m no colon here\r\n\xc3\x28\r\n:\r\n\r\n").await;
        assert!(matches!(end, WireError::Garbage(_)), "{end:?}");
        let (_, end) = read_all(b": value\r\n\r\n").await;
        assert!(matches!(end, WireError::Garbage(_)));
        // Half an event, then the end.
        let (_, end) =
            read_all(b"Event: Newchannel\r\nPrivilege: call,all\r\nChannel: PJSIP/100-000").await;
        assert_eq!(end, WireError::Truncated);
        // An endless line, endless headers, an endless message.
        let endless = vec![b'x'; MAX_LINE + 10];
        assert_eq!(read_all(&endless).await.1, WireError::TooLarge);
        let many: Vec<u8> = (0..MAX_HEADERS + 1)
            .flat_map(|i| format!("H{i}: v\r\n").into_bytes())
            .collect();
        assert_eq!(read_all(&many).await.1, WireError::TooLarge);
        let big: Vec<u8> = (0..40)
            .flat_map(|i| format!("H{i}: {}\r\n", "v".repeat(4000)).into_bytes())
            .collect();
        assert_eq!(read_all(&big).await.1, WireError::TooLarge);
        // Invalid UTF-8 in a value is kept, replaced.
        let (messages, _) = read_all(b"Event: Newchannel\r\nCallerIDName: Jos\xe9\r\n\r\n").await;
        assert_eq!(messages[0].value("CallerIDName"), "Jos\u{fffd}");
    }

    #[test]
    fn actions_cannot_inject_headers() {
        let bytes = Action::new("Originate", "o1")
            .field("Exten", "123\r\nAction: Hangup")
            .into_bytes();
        let text = String::from_utf8(bytes).expect("utf-8");
        assert_eq!(
            text,
            "Action: Originate\r\nActionID: o1\r\nExten: 123  Action: Hangup\r\n\r\n"
        );
        let login = Action::new("Login", "l1").field("Secret", "hunter2");
        assert!(!format!("{login:?}").contains("hunter2"));
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_are_messages_or_an_error_never_a_panic(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..4096)
        ) {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime");
            let (messages, _end) = runtime.block_on(read_all(&bytes));
            for message in messages {
                proptest::prop_assert!(!message.headers.is_empty());
            }
        }
    }
}
