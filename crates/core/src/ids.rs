//! The crate's ids of records (visits, cases, stages, helpers, agreements, assessments): 32 lowercase
//! hex digits, random; and the one source of randomness every id and key of the store draws from
//! ([`fill`]).
//!
//! **Fixtures only:** [`deterministic_for_fixtures`] makes that source a fixed stream for the rest of
//! the process (SHA-256 of a seed and a counter), so that a program recording the UI's test fixtures
//! from the real commands builds the same village, with the same ids and keys, every run. Keys drawn
//! then are predictable: no store a person uses may ever be made in such a process.

use sha2::{Digest, Sha256};
use std::sync::Mutex;

/// The fixed stream, when one was asked for: (seed, next counter).
static STREAM: Mutex<Option<(u64, u64)>> = Mutex::new(None);

/// Makes every id and key this process draws from now on a fixed stream from `seed` (fixtures only:
/// see the module doc).
pub fn deterministic_for_fixtures(seed: u64) {
    *STREAM.lock().unwrap_or_else(|p| p.into_inner()) = Some((seed, 0));
}

/// Fills `buf` with random bytes: the operating system's, or the fixed stream's.
pub fn fill(buf: &mut [u8]) {
    let mut stream = STREAM.lock().unwrap_or_else(|p| p.into_inner());
    match stream.as_mut() {
        None => getrandom::fill(buf).expect("the operating system's random source works"),
        Some((seed, counter)) => {
            for chunk in buf.chunks_mut(32) {
                let block = Sha256::new()
                    .chain_update(seed.to_le_bytes())
                    .chain_update(counter.to_le_bytes())
                    .finalize();
                *counter += 1;
                chunk.copy_from_slice(&block[..chunk.len()]);
            }
        }
    }
}

/// `n` random bytes as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    fill(&mut bytes);
    hex::encode(bytes)
}

/// Whether `s` is such an id: 32 lowercase hex digits.
pub fn is_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A fresh random id (32 hex digits).
pub fn new_id() -> String {
    random_hex(16)
}

/// A short key (8 hex digits) for an entry of a list inside one record (a child, a supporter, a
/// member of the organisation), where it needs only to differ from its neighbours.
pub fn short_key() -> String {
    random_hex(4)
}
