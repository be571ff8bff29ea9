//! What crosses HTTP between a Shouwang device and the relay: transport types, limits and the wire
//! encoding. These are not domain types: the relay never sees an elder's record, only opaque automerge
//! changes addressed to a document (`<elder id>/<kind>`) in a space (one village).
//!
//! - [`Role`], [`DocRef`], [`Change`] and [`space`]: what a device is and what it sends;
//! - [`envelope`]: the sealed envelope every change travels in (the relay checks its shape only);
//! - [`change_hash`]: an automerge change's hash from its bytes, checking its chunk header and checksum;
//! - [`PushRequest`] / [`PushResponse`], [`PullResponse`], [`SpacesResponse`], [`RedeemRequest`] /
//!   [`RedeemResponse`]: the bodies of the relay's `/v1` routes;
//! - [`limits`]: the bounds both sides enforce;
//! - [`encode`] / [`decode`]: postcard compressed with zstd and the shipped [`dictionary`], behind a
//!   version byte ([`Format`]), content type [`CONTENT_TYPE`].
//!
//! The protocol itself (a sync round, cursors, the epoch, scopes) is described in `PROTOCOL.md` beside
//! this crate.
//!
//! ```
//! use shouwang_protocol::envelope::{sample, What};
//! use shouwang_protocol::{decode, encode, Change, DocRef, PushRequest};
//!
//! let change = Change {
//!     doc: DocRef { elder: "0123456789abcdef0123456789abcdef".into(), kind: "card".into() },
//!     bytes: sample(What::Change, &[1, 2, 3]),
//! };
//! change.validate().unwrap();
//! assert_eq!(change.hash().unwrap().len(), 64);
//! let body = encode(&PushRequest { changes: vec![change.clone()] });
//! let back: PushRequest = decode(&body).unwrap();
//! assert_eq!(back.changes, vec![change]);
//! ```

mod change;
pub mod dictionary;
pub mod envelope;
pub mod limits;
mod messages;
pub mod office;
mod role;
pub mod space;
mod wire;

pub use change::{batch_digest, change_chunk, change_hash, Change, DocRef, InvalidField, ELDER_KINDS, KINDS};
pub use messages::{
    routes_digest, DeviceInfo, DevicesResponse, EnrolmentRequest, EnrolmentRequestV1, FamilyCodeRequest,
    FamilyCodeResponse, HelperRoutes, PullResponse, PushRequest, PushResponse, RedeemRequest,
    RedeemRequestV1, RedeemResponse, RedeemResponseV1, RoutesAck, RoutesRequest, SpacesResponse, SyncRequest,
    SyncResponse,
};
pub use role::Role;
pub use wire::{
    decode, encode, encode_as, Format, WireError, CONTENT_TYPE, FORMAT_HEADER, MAX_DECODED_BYTES,
};
