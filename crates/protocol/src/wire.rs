//! The wire encoding: postcard (compact serde) compressed with zstd.
//!
//! The `zstd` crate builds the C zstd library with `cc`; the Android NDK's clang handles it, so the
//! device's sync engine can use the same encoding.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::io::Read;

/// The content type of every encoded request and response body.
pub const CONTENT_TYPE: &str = "application/x-shouwang+postcard+zstd";

/// The most bytes [`decode`] will decompress (64 MiB): a larger body is refused, not inflated.
pub const MAX_DECODED_BYTES: u64 = 64 * 1024 * 1024;

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
}

/// Encodes a message for the wire.
pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    let plain = postcard::to_stdvec(message).expect("postcard serialises every protocol type");
    zstd::bulk::compress(&plain, 3).expect("zstd compresses from memory to memory")
}

/// Decodes a message from the wire, refusing bodies that decompress beyond [`MAX_DECODED_BYTES`].
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, WireError> {
    let mut plain = Vec::new();
    zstd::stream::read::Decoder::new(body)?.take(MAX_DECODED_BYTES + 1).read_to_end(&mut plain)?;
    if plain.len() as u64 > MAX_DECODED_BYTES {
        return Err(WireError::TooLarge);
    }
    Ok(postcard::from_bytes(&plain)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Change, DocRef, PullResponse, PushRequest};

    #[test]
    fn messages_round_trip() {
        let change = Change {
            doc: DocRef { elder: "ab".repeat(16), kind: "profile".into() },
            hash: "cd".repeat(32),
            bytes: vec![7; 300],
        };
        let pull =
            PullResponse { epoch: "e".into(), changes: vec![(4, change)], next: 4, more: false, latest: 4 };
        assert_eq!(decode::<PullResponse>(&encode(&pull)).unwrap(), pull);
    }

    #[test]
    fn garbage_and_the_wrong_message_are_refused() {
        assert!(matches!(decode::<PushRequest>(b"not zstd"), Err(WireError::Compression(_))));
        let wrong = zstd::bulk::compress(&[0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 3).unwrap();
        assert!(matches!(decode::<PushRequest>(&wrong), Err(WireError::Message(_))));
    }

    #[test]
    fn a_zip_bomb_is_refused_without_inflating_it() {
        let bomb = zstd::bulk::compress(&vec![0u8; (MAX_DECODED_BYTES + 1) as usize], 1).unwrap();
        assert!(bomb.len() < 64 * 1024, "the bomb is small: {}", bomb.len());
        assert!(matches!(decode::<PushRequest>(&bomb), Err(WireError::TooLarge)));
    }
}
