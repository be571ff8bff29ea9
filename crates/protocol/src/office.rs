//! The office's signatures: what lets the relay, and every device, tell that an erasure comes from a
//! device holding the village's office keys, not merely from a committee token.
//!
//! Each key generation `n` of a village has an **office signing key**, an Ed25519 key whose 32-byte seed
//! is derived on office devices from the generation's root (`shouwang_core::keys::office_signing_seed`).
//! Its public half is the village's **office key** ([`OfficeKey`]):
//! - the relay learns it when the village's first office device enrols (the redeem request carries it),
//!   and replaces it only with an [`OfficeKeyChange`] signed by the key it holds;
//! - helpers' and families' devices receive it in their key bundle and in key packages, never from the
//!   relay.
//!
//! An erasure envelope carries a signature by the office signing key of its generation over
//! [`erasure_message`] (the envelope's header, space, document address and ciphertext): see
//! [`crate::envelope::FLAG_SIGNED`]. Without a valid one the relay answers 403 and deletes nothing, and a
//! device does not erase.
//!
//! ```
//! use shouwang_protocol::office::{public_key, sign, verify};
//! let seed = [7u8; 32];
//! let signature = sign(&seed, b"message");
//! assert!(verify(&public_key(&seed), b"message", &signature));
//! assert!(!verify(&public_key(&seed), b"another", &signature));
//! ```

use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};

/// The length of an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;

/// A village's office key for one generation: the public half of its office signing key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeKey {
    /// The key generation it belongs to.
    pub generation: u32,
    /// The Ed25519 public key (32 bytes).
    pub key: Vec<u8>,
}

/// `POST /v1/spaces/{space}/office-key`: the village's office key moves to a new generation (after a
/// rotation). Signed by the office signing key whose public half the relay holds now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeKeyChange {
    /// The new office key.
    pub new: OfficeKey,
    /// Signature over [`change_message`] by the key being replaced.
    pub signature: Vec<u8>,
}

/// The public key of a signing seed.
pub fn public_key(seed: &[u8; 32]) -> Vec<u8> {
    let pair = Ed25519KeyPair::from_seed_unchecked(seed).expect("any 32 bytes are an Ed25519 seed");
    pair.public_key().as_ref().to_vec()
}

/// Signs `message` with the key of `seed`.
pub fn sign(seed: &[u8; 32], message: &[u8]) -> Vec<u8> {
    let pair = Ed25519KeyPair::from_seed_unchecked(seed).expect("any 32 bytes are an Ed25519 seed");
    pair.sign(message).as_ref().to_vec()
}

/// Whether `signature` is the signature of `message` by the public `key`. A key or signature of the
/// wrong length is simply not valid.
pub fn verify(key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    key.len() == 32
        && signature.len() == SIGNATURE_LEN
        && UnparsedPublicKey::new(&ED25519, key).verify(message, signature).is_ok()
}

/// A key's fingerprint for people to compare: the first 8 bytes of its SHA-256 as 4 groups of 4 hex
/// digits (`3f2a-9c01-…`).
pub fn fingerprint(key: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(key);
    digest[..8].chunks(2).map(|c| format!("{:02x}{:02x}", c[0], c[1])).collect::<Vec<_>>().join("-")
}

/// What an [`OfficeKeyChange`] signs: the domain, the space and the new key.
pub fn change_message(space: &str, new: &OfficeKey) -> Vec<u8> {
    let mut out = b"shouwang/v1/office-key\0".to_vec();
    out.extend_from_slice(space.as_bytes());
    out.extend_from_slice(&new.generation.to_le_bytes());
    out.extend_from_slice(&new.key);
    out
}

/// What the signature of a routing table signs: the domain, the space and the table's digest
/// ([`crate::routes_digest`], little-endian).
pub fn routes_message(space: &str, digest: u64) -> Vec<u8> {
    let mut out = b"shouwang/v1/routes\0".to_vec();
    out.extend_from_slice(space.as_bytes());
    out.extend_from_slice(&digest.to_le_bytes());
    out
}

/// What an erasure's signature signs: the domain, then the envelope's associated data (header without
/// the signature, space, document address) and its ciphertext.
pub fn erasure_message(aad: &[u8], ciphertext: &[u8]) -> Vec<u8> {
    let mut out = b"shouwang/v1/erasure\0".to_vec();
    out.extend_from_slice(&(aad.len() as u32).to_le_bytes());
    out.extend_from_slice(aad);
    out.extend_from_slice(ciphertext);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_signed_by_one_key_does_not_verify_under_another_or_for_another_space() {
        let (old, new) = ([1u8; 32], [2u8; 32]);
        let next = OfficeKey { generation: 2, key: public_key(&new) };
        let signature = sign(&old, &change_message("511902106202", &next));
        assert!(verify(&public_key(&old), &change_message("511902106202", &next), &signature));
        assert!(!verify(&public_key(&new), &change_message("511902106202", &next), &signature));
        assert!(!verify(&public_key(&old), &change_message("511902106203", &next), &signature));
        assert!(!verify(&public_key(&old)[..31], &change_message("511902106202", &next), &signature));
        assert!(!verify(&public_key(&old), &change_message("511902106202", &next), &signature[..63]));
    }
}
