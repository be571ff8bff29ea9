//! The wire encoding: postcard (compact serde) compressed with zstd and a shipped dictionary.
//!
//! A body is one [`Format`]: a version byte, then a zstd frame. [`Format::Dictionary1`] (byte `0x01`)
//! is compressed with [`crate::dictionary::V1`]; a body that starts with zstd's own magic number
//! (`28 b5 2f fd`) is the first format, plain zstd without a dictionary, which [`decode`] still reads
//! so that bodies from older builds stay decodable. [`encode`] writes [`Format::CURRENT`].
//!
//! The `zstd` crate builds the C zstd library with `cc`; the Android NDK's clang handles it, so the
//! device's sync engine can use the same encoding.

use crate::dictionary;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::Read;

/// The content type of every encoded request and response body.
pub const CONTENT_TYPE: &str = "application/x-shouwang+postcard+zstd";

/// The most bytes [`decode`] will decompress (64 MiB): a larger body is refused, not inflated.
pub const MAX_DECODED_BYTES: u64 = 64 * 1024 * 1024;

/// zstd's magic number, the first bytes of a [`Format::Plain`] body.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// The encodings a body may be in; [`decode`] reads them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A bare zstd frame (level 3, no dictionary): the first format, without a version byte.
    Plain,
    /// Version byte `0x01`, then a zstd frame compressed with dictionary v1 (its id left out).
    Dictionary1,
}

impl Format {
    /// What [`encode`] writes.
    pub const CURRENT: Format = Format::Dictionary1;

    /// The format's number, as a request without a body names it in [`FORMAT_HEADER`]: `0` for
    /// [`Format::Plain`], else its version byte.
    pub fn number(self) -> u8 {
        match self {
            Format::Plain => 0,
            Format::Dictionary1 => 0x01,
        }
    }

    /// The format numbered `n`, if this build knows it.
    pub fn from_number(n: u8) -> Option<Format> {
        match n {
            0 => Some(Format::Plain),
            0x01 => Some(Format::Dictionary1),
            _ => None,
        }
    }

    /// The format a body is in, from its first bytes; the relay answers a request in its body's format.
    pub fn of(body: &[u8]) -> Result<Format, WireError> {
        match body.first() {
            Some(0x01) => Ok(Format::Dictionary1),
            Some(&first) if first != ZSTD_MAGIC[0] => Err(WireError::UnknownFormat(first)),
            _ => Ok(Format::Plain),
        }
    }
}

/// The request header naming, by [`Format::number`], the format a request without a body (a pull, a
/// listing) wants its answer in. Without it the relay answers in [`Format::CURRENT`].
pub const FORMAT_HEADER: &str = "x-shouwang-format";

/// Why a body could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// Not a zstd frame, or a damaged one.
    #[error("not a zstd-compressed body: {0}")]
    Compression(#[from] std::io::Error),
    /// Decompresses to more than [`MAX_DECODED_BYTES`].
    #[error("decompresses to more than {MAX_DECODED_BYTES} bytes")]
    TooLarge,
    /// Decompressed, but not the expected message.
    #[error("not the expected message: {0}")]
    Message(#[from] postcard::Error),
    /// Starts with a version byte this build does not know (a newer build's body).
    #[error("unknown body format {0:#04x}")]
    UnknownFormat(u8),
}

/// Encodes a message for the wire in [`Format::CURRENT`].
pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    encode_as(Format::CURRENT, message)
}

/// Encodes a message in a given format (benchmarks compare them; peers always use [`encode`]).
pub fn encode_as<T: Serialize>(format: Format, message: &T) -> Vec<u8> {
    let plain = postcard::to_stdvec(message).expect("postcard serialises every protocol type");
    match format {
        Format::Plain => {
            zstd::bulk::compress(&plain, dictionary::LEVEL).expect("zstd compresses from memory to memory")
        }
        Format::Dictionary1 => {
            let mut zstd = zstd::bulk::Compressor::with_prepared_dictionary(dictionary::v1_encoder())
                .expect("a zstd context");
            zstd.set_parameter(zstd::zstd_safe::CParameter::DictIdFlag(false)).expect("a known parameter");
            let frame = zstd.compress(&plain).expect("zstd compresses from memory to memory");
            let mut body = Vec::with_capacity(frame.len() + 1);
            body.push(0x01);
            body.extend_from_slice(&frame);
            body
        }
    }
}

/// Decodes a message from the wire, in any [`Format`], refusing bodies that decompress beyond
/// [`MAX_DECODED_BYTES`].
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, WireError> {
    let mut plain = Vec::new();
    match Format::of(body)? {
        Format::Dictionary1 => {
            zstd::stream::read::Decoder::with_prepared_dictionary(&body[1..], dictionary::v1_decoder())?
                .take(MAX_DECODED_BYTES + 1)
                .read_to_end(&mut plain)?
        }
        Format::Plain => {
            zstd::stream::read::Decoder::new(body)?.take(MAX_DECODED_BYTES + 1).read_to_end(&mut plain)?
        }
    };
    if plain.len() as u64 > MAX_DECODED_BYTES {
        return Err(WireError::TooLarge);
    }
    Ok(postcard::from_bytes(&plain)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Change, DocRef, PullResponse, PushRequest, Role};

    fn pull() -> PullResponse {
        let change = Change {
            doc: DocRef { elder: "ab".repeat(16), kind: "profile".into() },
            bytes: crate::change_chunk(&[7; 300]),
        };
        PullResponse {
            epoch: "e".into(),
            changes: vec![(4, change)],
            next: 4,
            more: false,
            latest: 4,
            pushers: vec![Role::Helper],
            routes: 0,
        }
    }

    #[test]
    fn messages_round_trip_in_every_format() {
        for format in [Format::Plain, Format::Dictionary1] {
            assert_eq!(decode::<PullResponse>(&encode_as(format, &pull())).unwrap(), pull(), "{format:?}");
        }
        assert_eq!(encode(&pull())[0], 0x01);
    }

    #[test]
    fn a_body_from_the_first_format_is_still_read() {
        let plain = zstd::bulk::compress(&postcard::to_stdvec(&pull()).unwrap(), 3).unwrap();
        assert_eq!(plain[..4], ZSTD_MAGIC);
        assert_eq!(decode::<PullResponse>(&plain).unwrap(), pull());
    }

    #[test]
    fn garbage_the_wrong_message_and_an_unknown_version_are_refused() {
        assert!(matches!(decode::<PushRequest>(b"not zstd"), Err(WireError::UnknownFormat(b'n'))));
        assert!(matches!(decode::<PushRequest>(&[0x28, 1, 2, 3]), Err(WireError::Compression(_))));
        assert!(matches!(decode::<PushRequest>(&[0x01, 1, 2, 3]), Err(WireError::Compression(_))));
        let wrong = zstd::bulk::compress(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 3).unwrap();
        assert!(matches!(decode::<PushRequest>(&wrong), Err(WireError::Message(_))));
    }

    #[test]
    fn a_body_names_its_format_and_each_format_has_a_number() {
        for format in [Format::Plain, Format::Dictionary1] {
            assert_eq!(Format::of(&encode_as(format, &pull())).unwrap(), format);
            assert_eq!(Format::from_number(format.number()), Some(format));
        }
        assert!(matches!(Format::of(b"x"), Err(WireError::UnknownFormat(b'x'))));
        assert_eq!(Format::from_number(2), None);
    }

    #[test]
    fn a_zip_bomb_is_refused_without_inflating_it() {
        let bomb = zstd::bulk::compress(&vec![0u8; (MAX_DECODED_BYTES + 1) as usize], 1).unwrap();
        assert!(bomb.len() < 64 * 1024, "the bomb is small: {}", bomb.len());
        assert!(matches!(decode::<PushRequest>(&bomb), Err(WireError::TooLarge)));
    }

    #[test]
    fn the_shipped_dictionary_helps_a_small_body() {
        let small = PushRequest { changes: pull().changes.into_iter().map(|(_, c)| c).collect() };
        assert!(!dictionary::V1.is_empty(), "dict/v1.zstd-dict is missing");
        assert!(encode_as(Format::Dictionary1, &small).len() < encode_as(Format::Plain, &small).len());
    }
}
