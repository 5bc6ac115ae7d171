//! Q.850 hangup causes and the text Asterisk prints for them (`Cause-txt:`), from
//! `ast_cause2str` in Asterisk's `main/channel.c`.

/// Normal Clearing: a party hung up after talking.
pub const NORMAL_CLEARING: u32 = 16;
/// User busy: the phone answered `486 Busy Here`.
pub const USER_BUSY: u32 = 17;
/// User alerting, no answer: an originate's ring timed out.
pub const NO_ANSWER: u32 = 19;
/// Call Rejected: the phone answered `603 Decline`.
pub const CALL_REJECTED: u32 = 21;
/// Answered elsewhere: another phone of a ring group took the call.
pub const ANSWERED_ELSEWHERE: u32 = 26;
/// Interworking, unspecified: what a cancelled INVITE (`487`) maps to.
pub const INTERWORKING: u32 = 127;

const CAUSES: &[(u32, &str)] = &[
    (1, "Unallocated (unassigned) number"),
    (2, "No route to specified transmit network"),
    (3, "No route to destination"),
    (5, "Misdialed trunk prefix"),
    (6, "Channel unacceptable"),
    (
        7,
        "Call awarded and being delivered in an established channel",
    ),
    (8, "Pre-empted"),
    (14, "Number ported elsewhere"),
    (16, "Normal Clearing"),
    (17, "User busy"),
    (18, "No user responding"),
    (19, "User alerting, no answer"),
    (20, "Subscriber absent"),
    (21, "Call Rejected"),
    (22, "Number changed"),
    (23, "Redirected to new destination"),
    (26, "Answered elsewhere"),
    (27, "Destination out of order"),
    (28, "Invalid number format"),
    (29, "Facility rejected"),
    (30, "Response to STATus ENQuiry"),
    (31, "Normal, unspecified"),
    (34, "Circuit/channel congestion"),
    (38, "Network out of order"),
    (41, "Temporary failure"),
    (42, "Switching equipment congestion"),
    (43, "Access information discarded"),
    (44, "Requested channel not available"),
    (50, "Facility not subscribed"),
    (52, "Outgoing call barred"),
    (54, "Incoming call barred"),
    (57, "Bearer capability not authorized"),
    (58, "Bearer capability not available"),
    (65, "Bearer capability not implemented"),
    (66, "Channel not implemented"),
    (69, "Facility not implemented"),
    (81, "Invalid call reference value"),
    (88, "Incompatible destination"),
    (95, "Invalid message unspecified"),
    (96, "Mandatory information element is missing"),
    (97, "Message type nonexist."),
    (98, "Wrong message"),
    (99, "Info. element nonexist or not implemented"),
    (100, "Invalid information element contents"),
    (101, "Message not compatible with call state"),
    (102, "Recover on timer expiry"),
    (103, "Mandatory IE length error"),
    (111, "Protocol error, unspecified"),
    (127, "Interworking, unspecified"),
];

/// `Cause-txt` for `cause`; `Unknown` for codes Asterisk has no text for.
pub fn cause_text(cause: u32) -> &'static str {
    CAUSES
        .iter()
        .find(|(code, _)| *code == cause)
        .map_or("Unknown", |(_, text)| text)
}

/// The `DialStatus` app_dial reports when a dialled leg hangs up with `cause`
/// (`ast_hangup_cause_to_dial_status`).
pub(crate) fn dial_status(cause: u32) -> &'static str {
    match cause {
        USER_BUSY => "BUSY",
        34 => "CONGESTION",
        3 | 20 => "CHANUNAVAIL",
        _ => "NOANSWER",
    }
}

/// The `Reason:` of a failed `OriginateResponse` (`pbx_dial_reason`): 5 busy, 8 congestion,
/// 3 rang without answer, 0 other failure.
pub(crate) fn originate_reason(cause: u32) -> u32 {
    match cause {
        USER_BUSY => 5,
        CALL_REJECTED | 38 | 27 | 41 | 42 | 34 => 8,
        ANSWERED_ELSEWHERE | NO_ANSWER => 3,
        _ => 0,
    }
}

/// The SIP response a phone sends to refuse a call with `cause`, reported as `TechCause`.
pub(crate) fn sip_code(cause: u32) -> Option<u32> {
    match cause {
        USER_BUSY => Some(486),
        CALL_REJECTED => Some(603),
        NO_ANSWER => Some(480),
        1 => Some(404),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts() {
        assert_eq!(cause_text(16), "Normal Clearing");
        assert_eq!(cause_text(26), "Answered elsewhere");
        assert_eq!(cause_text(127), "Interworking, unspecified");
        assert_eq!(cause_text(0), "Unknown");
        assert_eq!(dial_status(17), "BUSY");
        assert_eq!(dial_status(21), "NOANSWER");
        assert_eq!(originate_reason(17), 5);
        assert_eq!(originate_reason(19), 3);
    }
}
