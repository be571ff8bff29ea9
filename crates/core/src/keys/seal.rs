//! Sealing and opening envelopes ([`shouwang_protocol::envelope`]).
//!
//! The nonce is derived, not drawn (SIV-style): `HMAC-SHA256(HKDF(key, "shouwang/v1/nonce"),
//! aad-without-nonce ‖ plaintext)`, cut to the algorithm's nonce length. The same change sealed twice
//! with the same key is the same envelope, so a retried push is recognised by the relay's dedup by
//! hash; two different plaintexts never share a nonce unless HMAC collides. The AEAD key is derived
//! per algorithm (`HKDF(key, "shouwang/v1/aead/<alg>")`; SM4 takes its first 16 bytes).
//!
//! The plaintext is compressed with zstd and the protocol's dictionary before sealing when that makes
//! it smaller ([`FLAG_COMPRESSED`]): ciphertext does not compress, so the wire's own zstd no longer
//! helps. A compressed plaintext is `u32 LE original length ‖ zstd frame`; opening refuses a length
//! over [`MAX_PLAINTEXT`].

use super::{derive, Key, OpenError};
use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use shouwang_protocol::envelope::{self, Alg, Header, What, FIXED_LEN, FLAG_COMPRESSED, FLAG_SIGNED};
use shouwang_protocol::DocRef;
use std::cell::RefCell;

/// The largest plaintext an envelope may open to (the relay's body limit).
pub const MAX_PLAINTEXT: usize = shouwang_protocol::limits::MAX_BODY_BYTES;

type Sm4Gcm = aes_gcm::AesGcm<sm4::Sm4, U12>;

thread_local! {
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

fn compress(plaintext: &[u8]) -> Option<Vec<u8>> {
    COMPRESSOR.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = zstd::bulk::Compressor::with_dictionary(3, shouwang_protocol::dictionary::V1).ok();
        }
        let frame = c.as_mut()?.compress(plaintext).ok()?;
        let mut out = Vec::with_capacity(4 + frame.len());
        out.extend_from_slice(&(plaintext.len() as u32).to_le_bytes());
        out.extend_from_slice(&frame);
        (out.len() < plaintext.len()).then_some(out)
    })
}

fn decompress(body: &[u8]) -> Result<Vec<u8>, OpenError> {
    let (len, frame) = body.split_first_chunk::<4>().ok_or(OpenError::Damaged)?;
    let len = u32::from_le_bytes(*len) as usize;
    if len > MAX_PLAINTEXT {
        return Err(OpenError::Damaged);
    }
    DECOMPRESSOR.with(|d| {
        let mut d = d.borrow_mut();
        if d.is_none() {
            *d = zstd::bulk::Decompressor::with_dictionary(shouwang_protocol::dictionary::V1).ok();
        }
        let out =
            d.as_mut().ok_or(OpenError::Damaged)?.decompress(frame, len).map_err(|_| OpenError::Damaged)?;
        if out.len() != len {
            return Err(OpenError::Damaged);
        }
        Ok(out)
    })
}

fn aead_key(key: &Key, alg: Alg) -> Key {
    derive(key, &[b"shouwang/v1/aead/", alg.name().as_bytes()])
}

fn nonce(key: &Key, alg: Alg, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let nonce_key = derive(key, &[b"shouwang/v1/nonce"]);
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(nonce_key.bytes()).expect("HMAC takes any key");
    mac.update(&(aad.len() as u64).to_le_bytes());
    mac.update(aad);
    mac.update(plaintext);
    mac.finalize().into_bytes()[..alg.nonce_len()].to_vec()
}

/// Seals `plaintext` for document `doc` of `space` with `key` under `alg`, recording `what` and the key
/// `generation` in the header. Deterministic: equal inputs give equal envelopes.
pub fn seal(
    alg: Alg,
    key: &Key,
    what: What,
    generation: u32,
    space: &str,
    doc: &DocRef,
    plaintext: &[u8],
) -> Vec<u8> {
    seal_with(alg, key, what, generation, space, doc, plaintext, None)
}

/// [`seal`], then signed with the office signing key of `seed` ([`super::office_signing_seed`]): the
/// header says so ([`FLAG_SIGNED`]) and the envelope ends with the signature, which the relay and every
/// device verify with the village's office key ([`shouwang_protocol::office`]). How erasures leave an
/// office device.
#[allow(clippy::too_many_arguments)]
pub fn seal_signed(
    alg: Alg,
    key: &Key,
    what: What,
    generation: u32,
    space: &str,
    doc: &DocRef,
    plaintext: &[u8],
    seed: &Key,
) -> Vec<u8> {
    seal_with(alg, key, what, generation, space, doc, plaintext, Some(seed))
}

#[allow(clippy::too_many_arguments)]
fn seal_with(
    alg: Alg,
    key: &Key,
    what: What,
    generation: u32,
    space: &str,
    doc: &DocRef,
    plaintext: &[u8],
    signer: Option<&Key>,
) -> Vec<u8> {
    let (flags, body) = match compress(plaintext) {
        Some(packed) => (FLAG_COMPRESSED, packed),
        None => (0, plaintext.to_vec()),
    };
    let flags = if signer.is_some() { flags | FLAG_SIGNED } else { flags };
    let mut header =
        Header { alg, what, flags, generation, nonce: Vec::new(), header_len: FIXED_LEN, body_end: 0 };
    let without_nonce = envelope::aad(&header.to_bytes(), space, doc);
    header.nonce = nonce(key, alg, &without_nonce, &body);
    header.header_len = FIXED_LEN + header.nonce.len();
    let head = header.to_bytes();
    let aad = envelope::aad(&head, space, doc);
    let k = aead_key(key, alg);
    let payload = Payload { msg: &body, aad: &aad };
    let sealed = match alg {
        Alg::XChaCha20Poly1305 => chacha20poly1305::XChaCha20Poly1305::new(k.bytes().into())
            .encrypt(chacha20poly1305::XNonce::from_slice(&header.nonce), payload),
        Alg::Sm4Gcm => Sm4Gcm::new_from_slice(&k.bytes()[..16])
            .expect("SM4 takes 16 bytes")
            .encrypt(aes_gcm::Nonce::<U12>::from_slice(&header.nonce), payload),
    }
    .expect("sealing a bounded plaintext cannot fail");
    let mut out = head;
    out.extend_from_slice(&sealed);
    if let Some(seed) = signer {
        let message = shouwang_protocol::office::erasure_message(&aad, &sealed);
        out.extend_from_slice(&shouwang_protocol::office::sign(seed.bytes(), &message));
    }
    out
}

/// Opens an envelope sealed for `doc` of `space` with `key`: its header and plaintext (decompressed).
/// Fails when the bytes are not an envelope, or the key, the space or the document is not the one it
/// was sealed for (the tag does not verify).
pub fn open(key: &Key, space: &str, doc: &DocRef, bytes: &[u8]) -> Result<(Header, Vec<u8>), OpenError> {
    let header = envelope::parse(bytes).map_err(|_| OpenError::NotAnEnvelope)?;
    let aad = envelope::aad(&bytes[..header.header_len], space, doc);
    let k = aead_key(key, header.alg);
    let payload = Payload { msg: &bytes[header.header_len..header.body_end], aad: &aad };
    let body = match header.alg {
        Alg::XChaCha20Poly1305 => chacha20poly1305::XChaCha20Poly1305::new(k.bytes().into())
            .decrypt(chacha20poly1305::XNonce::from_slice(&header.nonce), payload),
        Alg::Sm4Gcm => Sm4Gcm::new_from_slice(&k.bytes()[..16])
            .expect("SM4 takes 16 bytes")
            .decrypt(aes_gcm::Nonce::<U12>::from_slice(&header.nonce), payload),
    }
    .map_err(|_| OpenError::WrongKey)?;
    let plaintext = if header.flags & FLAG_COMPRESSED != 0 { decompress(&body)? } else { body };
    Ok((header, plaintext))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(kind: &str) -> DocRef {
        DocRef { elder: "ab".repeat(16), kind: kind.into() }
    }

    #[test]
    fn an_envelope_opens_only_with_its_key_space_and_document() {
        let text = "姓名 张秀英 电话 13800001111".repeat(5);
        for alg in [Alg::XChaCha20Poly1305, Alg::Sm4Gcm] {
            let key = Key::random();
            let env = seal(alg, &key, What::Change, 3, "511902106202", &doc("card"), text.as_bytes());
            let header = envelope::parse(&env).unwrap();
            assert_eq!((header.alg, header.generation), (alg, 3));
            assert!(!env.windows(6).any(|w| w == "张秀英".as_bytes()), "the name is not readable");
            let (_, plain) = open(&key, "511902106202", &doc("card"), &env).unwrap();
            assert_eq!(plain, text.as_bytes());
            assert_eq!(open(&Key::random(), "511902106202", &doc("card"), &env), Err(OpenError::WrongKey));
            assert_eq!(open(&key, "511902106203", &doc("card"), &env), Err(OpenError::WrongKey));
            assert_eq!(open(&key, "511902106202", &doc("family"), &env), Err(OpenError::WrongKey));
            let mut spoiled = env.clone();
            *spoiled.last_mut().unwrap() ^= 1;
            assert_eq!(open(&key, "511902106202", &doc("card"), &spoiled), Err(OpenError::WrongKey));
            // Deterministic: a retried push is the same envelope; another plaintext another nonce.
            assert_eq!(env, seal(alg, &key, What::Change, 3, "511902106202", &doc("card"), text.as_bytes()));
            let other = seal(alg, &key, What::Change, 3, "511902106202", &doc("card"), b"x");
            assert_ne!(envelope::parse(&other).unwrap().nonce, header.nonce);
        }
    }

    #[test]
    fn a_signed_envelope_opens_as_any_other_and_carries_the_office_signature() {
        let (key, seed) = (Key::random(), Key::random());
        let env = seal_signed(
            Alg::XChaCha20Poly1305,
            &key,
            What::Erasure,
            2,
            "511902106202",
            &doc("keyring"),
            "2026-11-23\n本人申请".as_bytes(),
            &seed,
        );
        let office = shouwang_protocol::office::public_key(seed.bytes());
        assert!(envelope::signed_by(&env, "511902106202", &doc("keyring"), &office));
        assert!(!envelope::signed_by(&env, "511902106202", &doc("card"), &office));
        let (header, plain) = open(&key, "511902106202", &doc("keyring"), &env).unwrap();
        assert_eq!(
            (header.flags & FLAG_SIGNED, plain.as_slice()),
            (FLAG_SIGNED, "2026-11-23\n本人申请".as_bytes())
        );
    }

    #[test]
    fn compression_is_used_only_when_it_helps() {
        let key = Key::random();
        let repetitive = vec![b'a'; 400];
        let env = seal(Alg::XChaCha20Poly1305, &key, What::Change, 1, "s", &doc("visits"), &repetitive);
        assert_eq!(envelope::parse(&env).unwrap().flags, FLAG_COMPRESSED);
        assert!(env.len() < 200);
        let tiny = seal(Alg::XChaCha20Poly1305, &key, What::Change, 1, "s", &doc("visits"), b"\x01\x02");
        assert_eq!(envelope::parse(&tiny).unwrap().flags, 0);
        assert_eq!(open(&key, "s", &doc("visits"), &env).unwrap().1, repetitive);
    }
}
