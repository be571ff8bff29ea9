//! The zstd dictionary shipped with every build, so that a body of a few small automerge changes
//! compresses against what such bodies usually hold (document kinds, hex hashes, automerge column
//! headers, the keys and common Chinese words of a record) instead of against nothing.
//!
//! The dictionary is data: `dict/v1.zstd-dict` beside this crate, made by
//! `cargo run -p shouwang-sync --release --example train-dictionary` from demo bodies that the
//! benchmark does not use. A dictionary is never changed in place: a new one gets a new version byte
//! ([`crate::Format`]) and the old one stays, so that every body ever sent stays decodable.

use std::sync::OnceLock;
use zstd::dict::{DecoderDictionary, EncoderDictionary};

/// The bytes of dictionary v1.
pub const V1: &[u8] = include_bytes!("../dict/v1.zstd-dict");

/// The zstd level bodies are compressed at.
pub(crate) const LEVEL: i32 = 3;

/// Dictionary v1, prepared once for compression at [`LEVEL`].
pub(crate) fn v1_encoder() -> &'static EncoderDictionary<'static> {
    static PREPARED: OnceLock<EncoderDictionary<'static>> = OnceLock::new();
    PREPARED.get_or_init(|| EncoderDictionary::copy(V1, LEVEL))
}

/// Dictionary v1, prepared once for decompression.
pub(crate) fn v1_decoder() -> &'static DecoderDictionary<'static> {
    static PREPARED: OnceLock<DecoderDictionary<'static>> = OnceLock::new();
    PREPARED.get_or_init(|| DecoderDictionary::copy(V1))
}
