//! [`DocRef`] and [`Change`]: one opaque automerge change addressed to one document, and the format
//! checks the relay can make without decoding it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The document kinds an elder's record is split into (see `shouwang_core::doc`).
pub const KINDS: [&str; 5] = ["card", "family", "profile", "sensitive", "assignment"];

/// A field that failed validation, named as it is on the wire (`changes[3].hash`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InvalidField {
    /// The field's path in the request.
    pub field: String,
    /// Why it was refused, in English, without echoing the value.
    pub reason: &'static str,
}

impl InvalidField {
    /// The same error with its field path prefixed (`hash` → `changes[3].hash`).
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = format!("{prefix}.{}", self.field);
        self
    }
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The address of one document: an elder id (32 lowercase hex digits) and a kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocRef {
    /// The elder's id: 32 lowercase hex digits.
    pub elder: String,
    /// One of [`KINDS`].
    pub kind: String,
}

impl DocRef {
    /// Checks the elder id's format and the kind.
    pub fn validate(&self) -> Result<(), InvalidField> {
        if !is_lower_hex(&self.elder, 32) {
            return Err(InvalidField { field: "elder".into(), reason: "must be 32 lowercase hex digits" });
        }
        if !KINDS.contains(&self.kind.as_str()) {
            return Err(InvalidField {
                field: "kind".into(),
                reason: "must be one of card, family, profile, sensitive, assignment",
            });
        }
        Ok(())
    }
}

impl fmt::Display for DocRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.elder, self.kind)
    }
}

/// One automerge change, as raw bytes, with its hash (64 lowercase hex digits) and its document.
///
/// The relay checks formats only: whether `hash` is the change's real hash cannot be checked without
/// decoding automerge, which the relay never does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The document the change belongs to.
    pub doc: DocRef,
    /// The change's hash, hex.
    pub hash: String,
    /// The change itself, opaque.
    pub bytes: Vec<u8>,
}

impl Change {
    /// Checks the document reference, the hash's format and that the bytes are not empty.
    pub fn validate(&self) -> Result<(), InvalidField> {
        self.doc.validate().map_err(|e| e.within("doc"))?;
        if !is_lower_hex(&self.hash, 64) {
            return Err(InvalidField { field: "hash".into(), reason: "must be 64 lowercase hex digits" });
        }
        if self.bytes.is_empty() {
            return Err(InvalidField { field: "bytes".into(), reason: "must not be empty" });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change() -> Change {
        Change {
            doc: DocRef { elder: "0123456789abcdef0123456789abcdef".into(), kind: "family".into() },
            hash: "0f".repeat(32),
            bytes: vec![0x85],
        }
    }

    #[test]
    fn each_malformed_part_of_a_change_is_named() {
        type Spoil = fn(&mut Change);
        let cases: [(Spoil, &str); 7] = [
            (|c| c.doc.elder = "0123".into(), "doc.elder"),
            (|c| c.doc.elder = "0123456789ABCDEF0123456789ABCDEF".into(), "doc.elder"),
            (|c| c.doc.kind = "health".into(), "doc.kind"),
            (|c| c.hash = "xyz".into(), "hash"),
            (|c| c.hash = "0F".repeat(32), "hash"),
            (|c| c.hash = "0f".repeat(31), "hash"),
            (|c| c.bytes.clear(), "bytes"),
        ];
        assert_eq!(change().validate(), Ok(()));
        for (spoil, field) in cases {
            let mut c = change();
            spoil(&mut c);
            assert_eq!(c.validate().unwrap_err().field, field);
        }
    }

    #[test]
    fn a_doc_ref_displays_as_its_address() {
        assert_eq!(change().doc.to_string(), "0123456789abcdef0123456789abcdef/family");
    }
}
