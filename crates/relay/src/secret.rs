//! Secrets the relay hands out: device tokens, device ids and one-time enrolment codes, all from the
//! operating system's random source, and the SHA-256 hashes under which tokens and codes are stored.

use sha2::{Digest, Sha256};

/// The alphabet of enrolment codes: no 0/O, 1/I/L, so a code can be read aloud or typed from paper.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// How many characters an enrolment code has (31^10 ≈ 8·10^14 codes).
pub const CODE_LEN: usize = 10;

fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0; n];
    getrandom::fill(&mut buf).expect("the operating system's random source works");
    buf
}

/// `bytes` random bytes, as lowercase hex.
pub fn random_hex(bytes: usize) -> String {
    hex::encode(random_bytes(bytes))
}

/// A new one-time enrolment code.
pub fn new_code() -> String {
    let mut code = String::with_capacity(CODE_LEN);
    // Rejection sampling keeps every character equally likely.
    let limit = 256 - 256 % CODE_ALPHABET.len();
    while code.len() < CODE_LEN {
        for b in random_bytes(16) {
            if (b as usize) < limit && code.len() < CODE_LEN {
                code.push(CODE_ALPHABET[b as usize % CODE_ALPHABET.len()] as char);
            }
        }
    }
    code
}

/// A code as typed: uppercase, without spaces or dashes.
pub fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

/// SHA-256 of a secret, lowercase hex: how tokens and codes are stored.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_the_unambiguous_alphabet_and_normalise_as_typed() {
        let code = new_code();
        assert_eq!(code.len(), CODE_LEN);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{code}");
        assert_ne!(new_code(), code);
        assert_eq!(normalise_code("ab3d-ef 9hjk"), "AB3DEF9HJK");
        assert_eq!(hash("x").len(), 64);
    }
}
