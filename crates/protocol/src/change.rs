//! [`DocRef`] and [`Change`]: one opaque automerge change addressed to one document, and the format
//! checks the relay can make without decoding it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;

/// The document kinds (see `shouwang_core::doc`): the five an elder's record is split into, the elder's
/// visit log and cases, the elder's risk assessments and care agreements, the two kinds whose subject
/// is not an elder (a helper and a village's mutual-aid organisation), and three that carry keys and
/// the audit trail: an elder's `keyring` (the elder's own key, or its erasure), `keys` (new key
/// generations sealed for one device) and a device's `audit` log.
pub const KINDS: [&str; 14] = [
    "card",
    "family",
    "profile",
    "sensitive",
    "assignment",
    "visits",
    "cases",
    "risk",
    "agreement",
    "helper",
    "org",
    "keyring",
    "keys",
    "audit",
];

/// The kinds whose subject is an elder: what the routing of a helper's tablet covers (the relay hands
/// it these of its routed elders only) and what a tablet forgets of an elder routed away.
pub const ELDER_KINDS: [&str; 10] = [
    "card",
    "family",
    "profile",
    "sensitive",
    "assignment",
    "visits",
    "cases",
    "risk",
    "agreement",
    "keyring",
];

/// A field that failed validation, named as it is on the wire (`changes[3].bytes`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InvalidField {
    /// The field's path in the request.
    pub field: String,
    /// Why it was refused, in English, without echoing the value.
    pub reason: &'static str,
}

impl InvalidField {
    /// The same error with its field path prefixed (`bytes` → `changes[3].bytes`).
    pub fn within(mut self, prefix: &str) -> Self {
        self.field = format!("{prefix}.{}", self.field);
        self
    }
}

fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The address of one document: a subject id (32 lowercase hex digits) and a kind.
///
/// The subject is an elder for the elder's kinds (`card` … `cases`), a helper for `helper` and a
/// village's organisation for `org`. The field keeps its first name, `elder`, so the postcard wire
/// format is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DocRef {
    /// The subject's id (an elder, a helper or an organisation): 32 lowercase hex digits.
    pub elder: String,
    /// One of [`KINDS`].
    pub kind: String,
}

impl DocRef {
    /// Checks the subject id's format and the kind.
    pub fn validate(&self) -> Result<(), InvalidField> {
        if !is_lower_hex(&self.elder, 32) {
            return Err(InvalidField { field: "elder".into(), reason: "must be 32 lowercase hex digits" });
        }
        if !KINDS.contains(&self.kind.as_str()) {
            return Err(InvalidField {
                field: "kind".into(),
                reason: "must be one of card, family, profile, sensitive, assignment, visits, cases, risk, \
                         agreement, helper, org, keyring, keys, audit",
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

/// The magic bytes every automerge chunk starts with.
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// The chunk type of an uncompressed change (`0` is a document, `2` a compressed change).
const CHANGE_CHUNK: u8 = 1;

fn bad_bytes(reason: &'static str) -> InvalidField {
    InvalidField { field: "bytes".into(), reason }
}

/// The hash of an automerge change, from its bytes alone, without decoding automerge.
///
/// A change is one chunk: the magic bytes `85 6f 4a 83`, a 4-byte checksum, the chunk type (`1`, a
/// change), the data's length as unsigned LEB128, then the data. Its hash is the SHA-256 of everything
/// after the checksum, and the checksum is that hash's first 4 bytes. This refuses anything else: another
/// chunk type (a compressed change or a whole document), a length that does not match the bytes, or a
/// checksum that does not match (a damaged change). The error names the field `bytes`.
pub fn change_hash(bytes: &[u8]) -> Result<[u8; 32], InvalidField> {
    if bytes.len() < 10 || bytes[..4] != MAGIC {
        return Err(bad_bytes("must be an automerge change chunk"));
    }
    if bytes[8] != CHANGE_CHUNK {
        return Err(bad_bytes("must be an uncompressed automerge change (chunk type 1)"));
    }
    let (len, leb) = leb128(&bytes[9..]).ok_or_else(|| bad_bytes("has a malformed chunk length"))?;
    if Some(bytes.len() as u64) != 9u64.checked_add(leb as u64).and_then(|h| h.checked_add(len)) {
        return Err(bad_bytes("has a chunk length that does not match its size"));
    }
    let hash: [u8; 32] = Sha256::digest(&bytes[8..]).into();
    if hash[..4] != bytes[4..8] {
        return Err(bad_bytes("has a checksum that does not match (damaged)"));
    }
    Ok(hash)
}

/// An unsigned LEB128 number at the start of `bytes` (at most 64 bits) and how many bytes it took.
fn leb128(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        let part = u64::from(b & 0x7f);
        if i == 9 && part > 1 {
            return None;
        }
        value |= part << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// Wraps `data` in a change chunk's header (magic, checksum, type 1, length), as automerge does: a
/// well-formed change for [`change_hash`] and the relay, for tests and tools that do not use automerge.
/// Automerge itself would refuse it unless `data` is a real change's body.
pub fn change_chunk(data: &[u8]) -> Vec<u8> {
    let mut body = vec![CHANGE_CHUNK];
    let mut len = data.len() as u64;
    loop {
        let b = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            body.push(b);
            break;
        }
        body.push(b | 0x80);
    }
    body.extend_from_slice(data);
    let hash = Sha256::digest(&body);
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&hash[..4]);
    bytes.extend_from_slice(&body);
    bytes
}

/// One change to one document, sealed on the device ([`envelope`](crate::envelope)): the relay sees the
/// address and an envelope it cannot open. Its hash is not sent: both sides compute it from the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The document the change belongs to.
    pub doc: DocRef,
    /// The sealed envelope (an automerge change, a key or an erasure inside), otherwise opaque.
    pub bytes: Vec<u8>,
}

impl Change {
    /// Checks the document reference and that the bytes are a well-formed sealed envelope.
    pub fn validate(&self) -> Result<(), InvalidField> {
        self.doc.validate().map_err(|e| e.within("doc"))?;
        crate::envelope::parse(&self.bytes)?;
        Ok(())
    }

    /// The envelope's hash (SHA-256 of its bytes) as 64 lowercase hex digits; fails as
    /// [`validate`](Self::validate) does on bytes that are not an envelope.
    pub fn hash(&self) -> Result<String, InvalidField> {
        crate::envelope::parse(&self.bytes)?;
        Ok(hex(&Sha256::digest(&self.bytes)))
    }
}

/// The first 8 bytes of the SHA-256 of a batch's change hashes (as [`Change::hash`] prints them), in
/// order, each followed by a newline: what binds a [`SyncResponse`](crate::SyncResponse) to its request.
pub fn batch_digest<S: AsRef<str>>(hashes: impl IntoIterator<Item = S>) -> [u8; 8] {
    let mut sha = Sha256::new();
    for hash in hashes {
        sha.update(hash.as_ref().as_bytes());
        sha.update(b"\n");
    }
    let full: [u8; 32] = sha.finalize().into();
    let mut digest = [0; 8];
    digest.copy_from_slice(&full[..8]);
    digest
}

/// Lowercase hex.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change() -> Change {
        Change {
            doc: DocRef { elder: "0123456789abcdef0123456789abcdef".into(), kind: "family".into() },
            bytes: crate::envelope::sample(crate::envelope::What::Change, &[7; 200]),
        }
    }

    #[test]
    fn each_malformed_part_of_a_change_is_named() {
        type Spoil = fn(&mut Change);
        let cases: [(Spoil, &str); 7] = [
            (|c| c.doc.elder = "0123".into(), "doc.elder"),
            (|c| c.doc.elder = "0123456789ABCDEF0123456789ABCDEF".into(), "doc.elder"),
            (|c| c.doc.kind = "health".into(), "doc.kind"),
            (|c| c.bytes.clear(), "bytes"),
            (|c| c.bytes[0] = 0x86, "bytes"),
            (|c| c.bytes[4] = 7, "bytes"),
            (|c| c.bytes.truncate(40), "bytes"),
        ];
        assert_eq!(change().validate(), Ok(()));
        for (spoil, field) in cases {
            let mut c = change();
            spoil(&mut c);
            assert_eq!(c.validate().unwrap_err().field, field);
            assert!(c.doc.validate().is_err() || c.hash().is_err());
        }
    }

    #[test]
    fn lengths_are_leb128() {
        assert_eq!(leb128(&[0x05]), Some((5, 1)));
        assert_eq!(leb128(&[0xc8, 0x01, 0xff]), Some((200, 2)));
        assert_eq!(leb128(&[0x80]), None);
        assert_eq!(leb128(&[0xff; 10]), None);
        for len in [0, 1, 127, 128, 300, 20_000] {
            let bytes = change_chunk(&vec![1; len]);
            assert!(change_hash(&bytes).is_ok(), "{len}");
        }
    }

    #[test]
    fn a_doc_ref_displays_as_its_address() {
        assert_eq!(change().doc.to_string(), "0123456789abcdef0123456789abcdef/family");
    }
}
