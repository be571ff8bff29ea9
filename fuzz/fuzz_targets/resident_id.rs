//! The ID-number validator (GB 11643): any string is accepted or refused with a reason, never a panic;
//! an accepted number keeps its characters (upper-case `X`), agrees with its check digit, and its
//! masked form hides the birth date.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shouwang_core::resident_id::{check_digit, ResidentId};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(id) = ResidentId::parse(s) {
        let text = id.as_str();
        assert_eq!(text.len(), 18);
        assert_eq!(check_digit(&text[..17]), text.chars().last());
        let _ = (id.birth_date(), id.sex(), id.region(), id.kind());
        assert!(!id.masked().contains(&text[6..14]), "the masked number shows the birth date");
        assert_eq!(ResidentId::parse(text).as_ref().map(ResidentId::as_str), Ok(text));
    }
    if let Ok(id) = ResidentId::parse_legacy(s) {
        assert_eq!(id.as_str().len(), 18);
    }
    let _ = check_digit(s);
});
