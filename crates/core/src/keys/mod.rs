//! End-to-end keys: what seals each document before it leaves the device, and how keys travel.
//!
//! Per space (a village's 12-digit code) there is an `id_key` (stable forever, carried in every bundle
//! but a family phone's: elder ids are keyed with it, [`crate::elder::ElderId::keyed`]) and key
//! generations `n = 1, 2, …`, each a random `root` and the
//! deployment's cipher ([`Alg`]). Everything else is derived with HKDF-SHA256:
//!
//! | key | derived as | held by | seals |
//! |---|---|---|---|
//! | `root_n` | random | committee, township | — |
//! | `village_n` | `HKDF(root_n, "shouwang/v1/village")` | helper (and up) | profile, assignment, visits, cases, helper, org, audit |
//! | `office_n` | `HKDF(root_n, "shouwang/v1/office")` | committee, township | risk, agreement, keyring |
//! | `card_n(E)` | `HKDF(village_n, "shouwang/v1/card" ‖ E)` | a family phone: its elder's only | card, family |
//! | `k_E` | random, per elder | committee, township | the elder's `sensitive` document |
//! | `sign_n` | Ed25519 seed `HKDF(root_n, "shouwang/v1/office-sign")` | committee, township | signs erasures ([`seal_signed`]); its public half, the office key, is held by the relay and in every helper's and family's bundle ([`Level::Verify`]) |
//! | `d` | random, per issued device | the device and the committee that issued it | key packages |
//!
//! Keys reach a device only in a key bundle ([`KeyBundle`], text `SWK1.…` in the enrolment QR code) or
//! in a key package from the committee device that issued its bundle; never through the relay in a
//! form it can open.

mod bundle;
mod seal;

pub use bundle::{BundleError, GenerationKey, KeyBundle, Level};
pub use seal::{open, seal, seal_signed, MAX_PLAINTEXT};
pub use shouwang_protocol::envelope::{Alg, What};

use crate::doc::DocKind;
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

/// A 32-byte secret key, wiped from memory when dropped. Its `Debug` never shows the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Key(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(…)")
    }
}

impl Key {
    /// A fresh random key (from [`crate::ids::fill`]).
    pub fn random() -> Key {
        let mut bytes = [0u8; 32];
        crate::ids::fill(&mut bytes);
        Key::from_bytes(bytes)
    }

    /// A key from its bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(Zeroizing::new(bytes))
    }

    /// A key from a slice of 32 bytes (as stored), or `None`.
    pub fn from_slice(bytes: &[u8]) -> Option<Key> {
        <[u8; 32]>::try_from(bytes).ok().map(Key::from_bytes)
    }

    /// The key's bytes.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// The label an issued device key is listed under (密钥管理): whose device it is, e.g. 陈桂兰的平板
/// for a helper's tablet, 王秀英的家属手机 for a family phone.
pub fn device_label(role: crate::role::Role, whose: &str) -> String {
    match role {
        crate::role::Role::Helper => format!("{whose}的平板"),
        crate::role::Role::Family => format!("{whose}的家属手机"),
        _ => whose.to_string(),
    }
}

/// `HKDF-SHA256(ikm = key, info = parts concatenated)`, 32 bytes.
pub fn derive(key: &Key, info: &[&[u8]]) -> Key {
    let hk = Hkdf::<Sha256>::new(None, key.bytes());
    let info: Vec<u8> = info.concat();
    let mut out = Zeroizing::new([0u8; 32]);
    hk.expand(&info, out.as_mut()).expect("32 bytes is a valid HKDF length");
    Key(out)
}

/// The village key of a generation's root.
pub fn village_key(root: &Key) -> Key {
    derive(root, &[b"shouwang/v1/village"])
}

/// The office key of a generation's root.
pub fn office_key(root: &Key) -> Key {
    derive(root, &[b"shouwang/v1/office"])
}

/// The seed of the office signing key of a generation's root: its public half is the village's office
/// key for that generation ([`office_public_key`]).
pub fn office_signing_seed(root: &Key) -> Key {
    derive(root, &[b"shouwang/v1/office-sign"])
}

/// The office key (Ed25519 public key, 32 bytes) of a generation's root.
pub fn office_public_key(root: &Key) -> Key {
    let public = shouwang_protocol::office::public_key(office_signing_seed(root).bytes());
    Key::from_slice(&public).expect("an Ed25519 public key is 32 bytes")
}

/// The card key of elder `elder` (32 hex digits) from a generation's village key.
pub fn card_key(village: &Key, elder: &str) -> Key {
    derive(village, &[b"shouwang/v1/card", elder.as_bytes()])
}

/// Which key seals a document kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealer {
    /// The elder's card key (card, family).
    Card,
    /// The village key.
    Village,
    /// The office key.
    Office,
    /// The elder's own key `k_E` (the sensitive document).
    Elder,
    /// The receiving device's key (key packages).
    Device,
}

impl Sealer {
    /// The key that seals documents of `kind`.
    pub fn of(kind: DocKind) -> Sealer {
        match kind {
            DocKind::Card | DocKind::Family => Sealer::Card,
            DocKind::Profile
            | DocKind::Assignment
            | DocKind::Visits
            | DocKind::Cases
            | DocKind::Helper
            | DocKind::Org
            | DocKind::Audit => Sealer::Village,
            DocKind::Risk | DocKind::Agreement | DocKind::Keyring => Sealer::Office,
            DocKind::Sensitive => Sealer::Elder,
            DocKind::Keys => Sealer::Device,
        }
    }
}

/// Why an envelope did not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    /// The bytes are not a sealed envelope.
    #[error("bytes: not a sealed envelope")]
    NotAnEnvelope,
    /// The key, the space or the document is not the one it was sealed for, or the bytes were changed.
    #[error("bytes: the envelope does not open with this key here")]
    WrongKey,
    /// It opened but its compressed content is damaged.
    #[error("bytes: the envelope's content is damaged")]
    Damaged,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_derived_key_is_its_own() {
        let root = Key::random();
        let village = village_key(&root);
        let office = office_key(&root);
        assert_ne!(village, office);
        assert_ne!(card_key(&village, &"a".repeat(32)), card_key(&village, &"b".repeat(32)));
        assert_eq!(village, village_key(&root), "derivation is stable");
        assert_eq!(format!("{village:?}"), "Key(…)");
    }
}
