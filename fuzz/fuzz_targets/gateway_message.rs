//! The gateway's reading of a game server's SDK 5 WebSocket text frame (envelope, action,
//! the action's fields) and, when it reads, its answer against a fresh daemon state (one
//! fleet, the sender a ready process); also the connect query string, on the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use playfield::fuzzing::{self, Api};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = fuzzing::gateway_query(text);
    if fuzzing::gateway_message(text).is_ok() {
        let _ = Api::new().gateway_message(text);
    }
});
