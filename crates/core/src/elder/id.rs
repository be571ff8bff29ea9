//! Elder identifiers.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// An elder's identifier: 32 lowercase hex digits.
///
/// Derived from the resident ID number where there is one, so the same person registered on two
/// devices before either synced becomes one elder whose documents merge. Otherwise random.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ElderId(String);

impl ElderId {
    /// The identifier of the person holding this (normalised, 18-character) ID number.
    pub fn from_id_number(id_number: &str) -> ElderId {
        let digest =
            Sha256::new().chain_update(b"shouwang/elder/v1\0").chain_update(id_number.as_bytes()).finalize();
        ElderId(hex::encode(&digest[..16]))
    }

    /// A fresh random identifier, for an elder registered without an ID number.
    pub fn random() -> ElderId {
        ElderId(uuid::Uuid::new_v4().simple().to_string())
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
