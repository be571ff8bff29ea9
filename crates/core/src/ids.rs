//! The crate's ids of records (visits, cases, stages, helpers, agreements, assessments): 32 lowercase
//! hex digits, random.

/// Whether `s` is such an id: 32 lowercase hex digits.
pub fn is_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A fresh random id (32 hex digits).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}
