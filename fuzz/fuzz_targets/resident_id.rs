//! The ID-number validator (GB 11643): any string is accepted or refused with a reason, never a panic.
//! Body: `shouwang_fuzz::targets::resident_id`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| shouwang_fuzz::targets::resident_id(data));
