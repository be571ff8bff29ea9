//! The sealed envelope: what a [`Change`](crate::Change)'s bytes are on the wire and at the relay.
//!
//! Devices encrypt every change before it leaves them (end-to-end, issue 7); the relay stores and
//! forwards envelopes it cannot open. It can check only their shape, which this module describes:
//!
//! ```text
//! offset  size  field
//! 0       4     magic "SWS" 0x01
//! 4       1     alg          1 = XChaCha20-Poly1305 (24-byte nonce), 2 = SM4-GCM (12-byte nonce)
//! 5       1     what         0 = a document change, 1 = an elder's key, 2 = an erasure, 3 = a key package
//! 6       1     flags        bit 0: the plaintext was zstd-compressed (protocol dictionary) before sealing
//!                            bit 1: signed, the last 64 bytes are the office's signature
//! 7       4     generation   the key generation that sealed it, u32 little-endian
//! 11      n     nonce        n = 24 or 12, by alg
//! 11+n    ≥16   ciphertext   the AEAD's output, its 16-byte tag last
//! [end-64 64    signature    signed envelopes only: Ed25519 by the office signing key of `generation`
//!                            over `office::erasure_message(aad, ciphertext)`]
//! ```
//!
//! The associated data binds an envelope to its place: the header bytes, the space and the document
//! address ([`aad`]), so the relay cannot move a change to another document or village unnoticed.
//! The relay acts on `what` for one thing only: an erasure (`2`) addressed to an elder's `keyring`
//! document makes it drop what it holds of that elder — only when the envelope is signed
//! ([`FLAG_SIGNED`]) by the village's office key the relay holds ([`crate::office`]).

use crate::{DocRef, InvalidField};

/// The first four bytes of every envelope.
pub const MAGIC: [u8; 4] = *b"SWS\x01";

/// The AEAD's tag length (both algorithms).
pub const TAG_LEN: usize = 16;

/// The fixed part of the header before the nonce.
pub const FIXED_LEN: usize = 11;

/// Flag bit 0: the plaintext was zstd-compressed with the protocol dictionary before sealing.
pub const FLAG_COMPRESSED: u8 = 0b1;

/// Flag bit 1: the envelope ends with a 64-byte Ed25519 signature by the village's office signing key
/// ([`crate::office`]), over [`signed_parts`]' message. Every erasure carries one.
pub const FLAG_SIGNED: u8 = 0b10;

/// The cipher that sealed an envelope, recorded in every envelope (a deployment chooses one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alg {
    /// XChaCha20-Poly1305 (RFC 8439 with a 24-byte nonce): the default.
    XChaCha20Poly1305,
    /// SM4 in GCM mode (GB/T 32907 block cipher): for deployments that must use national algorithms
    /// (商用密码应用安全性评估, GB/T 39786).
    Sm4Gcm,
}

impl Alg {
    /// The algorithm's byte in the header.
    pub fn code(self) -> u8 {
        match self {
            Alg::XChaCha20Poly1305 => 1,
            Alg::Sm4Gcm => 2,
        }
    }

    /// The algorithm with this header byte.
    pub fn from_code(code: u8) -> Option<Alg> {
        match code {
            1 => Some(Alg::XChaCha20Poly1305),
            2 => Some(Alg::Sm4Gcm),
            _ => None,
        }
    }

    /// The nonce's length in bytes.
    pub fn nonce_len(self) -> usize {
        match self {
            Alg::XChaCha20Poly1305 => 24,
            Alg::Sm4Gcm => 12,
        }
    }

    /// The algorithm's name in configuration files and reports.
    pub fn name(self) -> &'static str {
        match self {
            Alg::XChaCha20Poly1305 => "xchacha20poly1305",
            Alg::Sm4Gcm => "sm4-gcm",
        }
    }

    /// The algorithm with this name.
    pub fn parse(name: &str) -> Option<Alg> {
        [Alg::XChaCha20Poly1305, Alg::Sm4Gcm].into_iter().find(|a| a.name() == name)
    }
}

/// What an envelope carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum What {
    /// An automerge change of the addressed document.
    Change,
    /// An elder's own key (the key that seals the elder's `sensitive` document), for the office.
    ElderKey,
    /// An erasure of the addressed elder: devices destroy the elder's key and records; the relay
    /// drops what it holds of the elder.
    Erasure,
    /// A new key generation, sealed for one device.
    KeyPackage,
}

impl What {
    /// The header byte.
    pub fn code(self) -> u8 {
        match self {
            What::Change => 0,
            What::ElderKey => 1,
            What::Erasure => 2,
            What::KeyPackage => 3,
        }
    }

    /// The kind with this header byte.
    pub fn from_code(code: u8) -> Option<What> {
        match code {
            0 => Some(What::Change),
            1 => Some(What::ElderKey),
            2 => Some(What::Erasure),
            3 => Some(What::KeyPackage),
            _ => None,
        }
    }
}

/// An envelope's parsed header; the ciphertext is `bytes[header_len..body_end]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The cipher.
    pub alg: Alg,
    /// What it carries.
    pub what: What,
    /// Flag bits ([`FLAG_COMPRESSED`]).
    pub flags: u8,
    /// The key generation that sealed it.
    pub generation: u32,
    /// The nonce.
    pub nonce: Vec<u8>,
    /// Where the ciphertext starts.
    pub header_len: usize,
    /// Where the ciphertext ends: the envelope's length, or for a signed envelope where its signature
    /// starts.
    pub body_end: usize,
}

fn bad(reason: &'static str) -> InvalidField {
    InvalidField { field: "bytes".into(), reason }
}

impl Header {
    /// The header's bytes (magic to nonce).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(FIXED_LEN + self.nonce.len());
        out.extend_from_slice(&MAGIC);
        out.push(self.alg.code());
        out.push(self.what.code());
        out.push(self.flags);
        out.extend_from_slice(&self.generation.to_le_bytes());
        out.extend_from_slice(&self.nonce);
        out
    }
}

/// Parses an envelope's header and checks its shape: the magic, a known algorithm and kind, no
/// unknown flag, a nonce of the algorithm's length and room for the tag. The error names the field
/// `bytes` and never echoes the value.
pub fn parse(bytes: &[u8]) -> Result<Header, InvalidField> {
    if bytes.len() < FIXED_LEN || bytes[..4] != MAGIC {
        return Err(bad("must be a sealed envelope (magic SWS1)"));
    }
    let alg = Alg::from_code(bytes[4]).ok_or_else(|| bad("names an unknown cipher"))?;
    let what = What::from_code(bytes[5]).ok_or_else(|| bad("carries an unknown kind of content"))?;
    let flags = bytes[6];
    if flags & !(FLAG_COMPRESSED | FLAG_SIGNED) != 0 {
        return Err(bad("has unknown flags"));
    }
    let generation = u32::from_le_bytes([bytes[7], bytes[8], bytes[9], bytes[10]]);
    let header_len = FIXED_LEN + alg.nonce_len();
    let signature_len = if flags & FLAG_SIGNED != 0 { crate::office::SIGNATURE_LEN } else { 0 };
    if bytes.len() < header_len + TAG_LEN + signature_len {
        return Err(bad("is too short for its nonce and tag"));
    }
    let nonce = bytes[FIXED_LEN..header_len].to_vec();
    Ok(Header { alg, what, flags, generation, nonce, header_len, body_end: bytes.len() - signature_len })
}

/// What the signature of a signed envelope signs ([`crate::office::erasure_message`] of its associated
/// data and ciphertext), and the signature; `None` for an envelope that is not signed or not an
/// envelope.
pub fn signed_parts<'a>(bytes: &'a [u8], space: &str, doc: &DocRef) -> Option<(Vec<u8>, &'a [u8])> {
    let header = parse(bytes).ok()?;
    if header.flags & FLAG_SIGNED == 0 {
        return None;
    }
    let aad = aad(&bytes[..header.header_len], space, doc);
    let message = crate::office::erasure_message(&aad, &bytes[header.header_len..header.body_end]);
    Some((message, &bytes[header.body_end..]))
}

/// Whether the envelope is signed by the office `key` (32 bytes, [`crate::office`]) for its place.
pub fn signed_by(bytes: &[u8], space: &str, doc: &DocRef, key: &[u8]) -> bool {
    signed_parts(bytes, space, doc)
        .is_some_and(|(message, signature)| crate::office::verify(key, &message, signature))
}

/// The associated data an envelope is sealed with: its header bytes, the space (village code) and the
/// document's address, each length-prefixed.
pub fn aad(header: &[u8], space: &str, doc: &DocRef) -> Vec<u8> {
    let mut out = Vec::with_capacity(header.len() + space.len() + doc.elder.len() + doc.kind.len() + 16);
    for part in [header, space.as_bytes(), doc.elder.as_bytes(), doc.kind.as_bytes()] {
        out.extend_from_slice(&(part.len() as u32).to_le_bytes());
        out.extend_from_slice(part);
    }
    out
}

/// A well-formed envelope around `body` (taken as the ciphertext) that no key opens: for the relay's
/// tests and tools, which never hold keys. The nonce is derived from the body, so equal bodies give
/// equal envelopes.
pub fn sample(what: What, body: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(body);
    let header = Header {
        alg: Alg::XChaCha20Poly1305,
        what,
        flags: 0,
        generation: 1,
        nonce: digest[..24].to_vec(),
        header_len: FIXED_LEN + 24,
        body_end: 0,
    };
    let mut out = header.to_bytes();
    out.extend_from_slice(body);
    out.extend_from_slice(&digest[..TAG_LEN]);
    out
}

/// [`sample`] signed ([`FLAG_SIGNED`]) with the office signing key of `seed` for `doc` in `space`: an
/// erasure as an office device signs it, for the relay's tests and tools (another seed: a forgery).
pub fn signed_sample(what: What, body: &[u8], space: &str, doc: &DocRef, seed: &[u8; 32]) -> Vec<u8> {
    let mut bytes = sample(what, body);
    bytes[6] |= FLAG_SIGNED;
    bytes.extend_from_slice(&[0; crate::office::SIGNATURE_LEN]);
    let (message, _) = signed_parts(&bytes, space, doc).expect("a signed envelope");
    bytes.truncate(bytes.len() - crate::office::SIGNATURE_LEN);
    bytes.extend_from_slice(&crate::office::sign(seed, &message));
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_parses_and_each_spoiled_part_is_refused() {
        let env = sample(What::Change, b"ciphertext");
        let header = parse(&env).unwrap();
        assert_eq!((header.alg, header.what, header.generation), (Alg::XChaCha20Poly1305, What::Change, 1));
        assert_eq!(header.header_len, 35);
        assert_eq!(header.to_bytes(), env[..35]);
        type Spoil = fn(&mut Vec<u8>);
        let spoils: [Spoil; 5] =
            [|e| e[0] = b'X', |e| e[4] = 9, |e| e[5] = 9, |e| e[6] = 0b10, |e| e.truncate(40)];
        for spoil in spoils {
            let mut e = env.clone();
            spoil(&mut e);
            assert_eq!(parse(&e).unwrap_err().field, "bytes");
        }
        // An automerge change in the clear is not an envelope: the relay refuses plaintext.
        assert!(parse(&crate::change_chunk(&[7; 100])).is_err());
    }

    #[test]
    fn a_signed_envelope_verifies_only_under_its_key_and_at_its_place() {
        let seed = [9u8; 32];
        let doc = DocRef { elder: "a".repeat(32), kind: "keyring".into() };
        let env = signed_sample(What::Erasure, b"sealed erasure", "511902106202", &doc, &seed);
        let key = crate::office::public_key(&seed);
        assert!(signed_by(&env, "511902106202", &doc, &key));
        assert_eq!(parse(&env).unwrap().body_end, env.len() - 64);
        assert!(!signed_by(&env, "511902106203", &doc, &key), "another village");
        let other = DocRef { elder: "b".repeat(32), kind: "keyring".into() };
        assert!(!signed_by(&env, "511902106202", &other, &key), "another elder");
        assert!(!signed_by(&env, "511902106202", &doc, &crate::office::public_key(&[8; 32])));
        let mut spoiled = env.clone();
        spoiled[40] ^= 1;
        assert!(!signed_by(&spoiled, "511902106202", &doc, &key), "a changed ciphertext");
        // Without the flag there is no signature to check.
        assert!(!signed_by(&sample(What::Erasure, b"x"), "511902106202", &doc, &key));
    }

    #[test]
    fn algorithms_and_kinds_round_trip() {
        for alg in [Alg::XChaCha20Poly1305, Alg::Sm4Gcm] {
            assert_eq!(Alg::from_code(alg.code()), Some(alg));
            assert_eq!(Alg::parse(alg.name()), Some(alg));
        }
        for what in [What::Change, What::ElderKey, What::Erasure, What::KeyPackage] {
            assert_eq!(What::from_code(what.code()), Some(what));
        }
    }

    #[test]
    fn the_associated_data_tells_documents_and_spaces_apart() {
        let doc = |kind: &str| DocRef { elder: "0".repeat(32), kind: kind.into() };
        let h = [1, 2, 3];
        assert_ne!(aad(&h, "511902106202", &doc("card")), aad(&h, "511902106202", &doc("family")));
        assert_ne!(aad(&h, "511902106202", &doc("card")), aad(&h, "511902106203", &doc("card")));
    }
}
