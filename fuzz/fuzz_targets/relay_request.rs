//! The relay's request decoding: every body a device may send (push, sync, redeem, family code) through
//! `shouwang_protocol::decode` as the relay's `body()` does, then what the relay checks of each change
//! (`validate`, the hash from the bytes). Whatever decodes must encode again to the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shouwang_protocol::{
    decode, encode_as, Change, FamilyCodeRequest, Format, PushRequest, RedeemRequest, SyncRequest,
};

fn check_changes(changes: &[Change]) {
    for change in changes {
        if change.validate().is_ok() {
            let _ = change.hash();
        }
    }
}

fn round_trip<T>(data: &[u8]) -> Option<T>
where
    T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
{
    let message: T = decode(data).ok()?;
    let format = Format::of(data).unwrap_or(Format::CURRENT);
    let again: T = decode(&encode_as(format, &message)).expect("what decoded encodes and decodes again");
    assert_eq!(again, message);
    Some(message)
}

fuzz_target!(|data: &[u8]| {
    if let Some(push) = round_trip::<PushRequest>(data) {
        check_changes(&push.changes);
    }
    if let Some(sync) = round_trip::<SyncRequest>(data) {
        check_changes(&sync.changes);
    }
    let _ = round_trip::<RedeemRequest>(data);
    let _ = round_trip::<FamilyCodeRequest>(data);
});
