//! Elder identifiers.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// An elder's identifier: 32 lowercase hex digits.
///
/// Derived from the resident ID number where there is one, keyed with the village's id key
/// ([`ElderId::keyed`]): the same person registered on two devices of one village before either synced
/// becomes one elder whose documents merge, the same person in two villages two elders, and the relay,
/// which sees ids and never the key, holds nothing a guessed ID number can be checked against.
/// Otherwise random.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ElderId(String);

impl ElderId {
    /// The identifier of the person holding this (normalised, 18-character) ID number in the village
    /// whose id key is `id_key`: the first 128 bits of `HMAC-SHA256(id_key, "shouwang/elder/v2\0" ‖
    /// number)`.
    pub fn keyed(id_key: &[u8; 32], id_number: &str) -> ElderId {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(id_key).expect("HMAC takes any key");
        mac.update(b"shouwang/elder/v2\0");
        mac.update(id_number.as_bytes());
        ElderId(hex::encode(&mac.finalize().into_bytes()[..16]))
    }

    /// A fresh random identifier, for an elder registered without an ID number.
    pub fn random() -> ElderId {
        ElderId(crate::ids::new_id())
    }

    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ElderId {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        if s.len() == 32 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            Ok(ElderId(s))
        } else {
            Err(format!("an elder id is 32 lowercase hex digits, got {s:?}"))
        }
    }
}

impl std::str::FromStr for ElderId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ElderId::try_from(s.trim().to_ascii_lowercase())
    }
}

impl From<ElderId> for String {
    fn from(id: ElderId) -> String {
        id.0
    }
}

impl std::fmt::Display for ElderId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_number_is_one_elder_in_a_village_and_two_in_two_villages() {
        let number = "51190219450312002X";
        let (village, other) = ([1u8; 32], [2u8; 32]);
        assert_eq!(ElderId::keyed(&village, number), ElderId::keyed(&village, number));
        assert_ne!(ElderId::keyed(&village, number), ElderId::keyed(&other, number));
        assert_ne!(ElderId::keyed(&village, number), ElderId::keyed(&village, "511902194503120038"));
        // Not the unkeyed hash of the number, with or without the prefix earlier builds used.
        use sha2::Digest;
        for prefix in [&b""[..], b"shouwang/elder/v1\0", b"shouwang/elder/v2\0"] {
            let plain = Sha256::new().chain_update(prefix).chain_update(number).finalize();
            assert_ne!(ElderId::keyed(&village, number).as_str(), hex::encode(&plain[..16]));
        }
    }
}
