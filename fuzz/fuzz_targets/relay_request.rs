//! The relay's request decoding: every body a device may send (push, sync, redeem, enrolment codes)
//! through `shouwang_protocol::decode` as the relay's `body()` does, then what the relay checks of each
//! change (its address, its envelope's header, the hash). Body: `shouwang_fuzz::targets::relay_request`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| shouwang_fuzz::targets::relay_request(data));
