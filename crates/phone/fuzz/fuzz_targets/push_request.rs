//! The Action URL request parser over arbitrary bytes: it must never panic, and whatever it
//! accepts must be clean (no control characters, trimmed, capped) and carry the right token.
#![no_main]

use callpop_phone::push::parse::{head_end, parse_push, request_target, MAX_HEAD};
use libfuzzer_sys::fuzz_target;

const TOKEN: &str = "fuzzTOKENfuzzTOKENfuzz123";

fuzz_target!(|data: &[u8]| {
    if let Some(end) = head_end(data) {
        assert!(end <= data.len());
    }
    let target = request_target(data);
    if let Ok(event) = parse_push(data, TOKEN) {
        let (_, target) = target.expect("a parsed push has a request line");
        assert!(target.contains(TOKEN));
        assert!(data
            .iter()
            .position(|b| *b == b'\n')
            .is_some_and(|n| n <= MAX_HEAD));
        for text in [&event.number, &event.name, &event.call_id, &event.local] {
            assert!(!text.chars().any(char::is_control), "{text:?}");
            assert_eq!(text.trim(), text.as_str());
            assert!(text.chars().count() <= 128);
        }
    }
});
