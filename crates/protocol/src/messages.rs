//! The bodies of the relay's `/v1` routes. Every response carries the relay's `epoch`: a random id
//! created with its store and changed when the store is restored from a backup, so that a device whose
//! cursor is from another epoch knows to push everything again and pull from zero.

use crate::{Change, Role};
use serde::{Deserialize, Serialize};

/// `POST /v1/spaces/{space}/changes`: changes to store, at most
/// [`MAX_CHANGES_PER_PUSH`](crate::limits::MAX_CHANGES_PER_PUSH).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRequest {
    /// The changes, each addressed to a document of the space.
    pub changes: Vec<Change>,
}

/// The answer to a push, sent only once the changes are durably stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// The relay's epoch.
    pub epoch: String,
    /// The positions in the request's `changes` of those now stored, whether new or already there, in
    /// ascending order: the device may drop exactly those from its outbox.
    pub kept: Vec<u32>,
    /// The space's highest sequence number after this push.
    pub cursor: u64,
}

/// `GET /v1/spaces/{space}/changes?after=N&limit=M`: the changes after a cursor the device may read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    /// The relay's epoch.
    pub epoch: String,
    /// The changes with their sequence numbers, in order.
    pub changes: Vec<(u64, Change)>,
    /// The cursor to pass as `after` next time.
    pub next: u64,
    /// Whether more changes wait after `next`.
    pub more: bool,
    /// The space's head sequence number when the page was read; `latest - after` bounds what is left
    /// to pull, for progress bars.
    pub latest: u64,
}

/// `POST /v1/enrol`: redeem a one-time enrolment code for a device token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemRequest {
    /// The code printed by `shouwang-relay enroll`.
    pub code: String,
    /// A name for the device, shown in `shouwang-relay devices list`.
    pub device_name: String,
}

/// The answer to a redeemed code: the token to send as `Authorization: Bearer <token>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemResponse {
    /// The device's secret token; the relay keeps only its hash.
    pub token: String,
    /// The device's id, as `devices list` shows it.
    pub device_id: String,
    /// What the device may do.
    pub role: Role,
    /// The village or township code it is enrolled for.
    pub scope: String,
    /// For a family device, its one elder.
    pub elder: Option<String>,
    /// The relay's epoch.
    pub epoch: String,
}
