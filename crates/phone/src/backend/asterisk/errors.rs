//! What goes wrong on a manager connection, in words a desk worker (or the PBX admin they
//! forward it to) can act on.
//!
//! Asterisk's own messages are terse (`Permission denied`, `No such channel`); where one has
//! a known fix it gets the fix appended. Nothing here ever carries the secret: excerpts of
//! what the PBX sent go through [`crate::error::excerpt`] with the secret scrubbed.

use super::wire::WireError;
use crate::error::{excerpt, PhoneError};
use std::time::Duration;

/// What the manager account needs in `manager.conf`, said wherever a permission is missing.
pub(crate) const PERMISSIONS: &str = "In manager.conf give callpop's account \
     read = call and write = call,originate,reporting, then reload the manager module.";

/// The connection broke while reading.
pub(crate) fn wire(address: &str, error: WireError, secret: &str) -> PhoneError {
    match error {
        WireError::Closed => PhoneError::Unreachable {
            host: address.to_owned(),
            reason: "the PBX closed the manager connection".to_owned(),
        },
        WireError::Truncated => PhoneError::Unreachable {
            host: address.to_owned(),
            reason: "the PBX closed the manager connection in the middle of a message".to_owned(),
        },
        WireError::Io(reason) => PhoneError::Unreachable {
            host: address.to_owned(),
            reason: crate::error::scrub(&reason, secret),
        },
        WireError::Garbage(raw) => PhoneError::UnexpectedAnswer {
            host: address.to_owned(),
            function: "the Asterisk manager interface".to_owned(),
            excerpt: excerpt(&raw, Some(secret)),
        },
        WireError::TooLarge => PhoneError::UnexpectedAnswer {
            host: address.to_owned(),
            function: "the Asterisk manager interface".to_owned(),
            excerpt: "a line or message far longer than any Asterisk sends".to_owned(),
        },
    }
}

/// No answer in time.
pub(crate) fn timeout(address: &str, after: Duration) -> PhoneError {
    PhoneError::Timeout {
        host: address.to_owned(),
        after,
    }
}

/// The PBX stopped answering on an open connection (a frozen VM, a cable pulled somewhere
/// between): the keepalive found out.
pub(crate) fn silent(address: &str, after: Duration) -> PhoneError {
    PhoneError::Unreachable {
        host: address.to_owned(),
        reason: format!(
            "the PBX stopped answering on the manager connection (no reply to a keepalive \
             within {} s); callpop reconnects by itself",
            after.as_secs_f64().max(0.1)
        ),
    }
}

/// An action while no connection is up.
pub(crate) fn not_connected(address: &str) -> PhoneError {
    PhoneError::Unreachable {
        host: address.to_owned(),
        reason: "callpop is not connected to the PBX's manager interface right now (it \
                 reconnects by itself); try again in a moment"
            .to_owned(),
    }
}

/// Asterisk answered `Response: Error` to an action: its message, with the fix when one is
/// known for the message, else `otherwise` (what to check for this action).
pub(crate) fn refused(action: &str, message: &str, otherwise: &str, secret: &str) -> PhoneError {
    let message = crate::error::scrub(message.trim(), secret);
    let message: String = message.chars().take(200).collect();
    let lower = message.to_ascii_lowercase();
    let advice = if lower.contains("permission denied") {
        PERMISSIONS
    } else if lower.contains("no such channel") || lower.contains("does not exist") {
        "The call has probably just ended."
    } else {
        otherwise
    };
    let reason = if message.is_empty() {
        format!("Asterisk gave no reason. {advice}")
    } else {
        format!("Asterisk says \"{message}\". {advice}")
    };
    PhoneError::CommandRefused {
        action: action.to_owned(),
        reason: Some(reason),
    }
}

/// A message that should not have come (a response of the wrong kind).
pub(crate) fn unexpected(address: &str, function: &str, raw: &str, secret: &str) -> PhoneError {
    PhoneError::UnexpectedAnswer {
        host: address.to_owned(),
        function: function.to_owned(),
        excerpt: excerpt(raw, Some(secret)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_carry_the_fix_and_never_the_secret() {
        let e = refused("dial 123", "Permission denied", "Check X.", "s3cret");
        assert!(e.to_string().contains("write = call,originate"), "{e}");
        let e = refused("log in", "bad secret s3cret", "Check X.", "s3cret");
        assert!(!e.to_string().contains("s3cret"), "{e}");
        assert!(e.to_string().contains("Check X."), "{e}");
        let e = wire(
            "pbx:5038",
            WireError::Garbage("Key: s3cret \u{1b}[2J".into()),
            "s3cret",
        );
        let text = e.to_string();
        assert!(
            !text.contains("s3cret") && !text.contains('\u{1b}'),
            "{text}"
        );
    }
}
