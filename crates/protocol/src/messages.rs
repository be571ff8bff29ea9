//! The bodies of the relay's `/v1` routes. Every response carries the relay's `epoch`: a random id
//! created with its store and changed when the store is restored from a backup, so that a device whose
//! cursor is from another epoch knows to push everything again and pull from zero.

use crate::office::OfficeKey;
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
    /// The role of the device that first pushed each change, in the order of `changes`, as the relay
    /// knows it from that device's token: a receiving device refuses, field by field, what that role
    /// may not write.
    pub pushers: Vec<Role>,
    /// The routing the pulling device depends on: for a helper's tablet the version of its helper's
    /// routing list (changed when an elder is routed to it or away; then it asks
    /// `GET /v1/spaces/{space}/routes`), for a committee device a digest of the space's whole routing
    /// table (it sends its own when they differ), 0 for the others.
    pub routes: u64,
}

/// `POST /v1/spaces/{space}/sync`: a push and a pull in one round trip. The relay reads the page after
/// `after` first (bounded by the space's head at that moment), then stores `changes` as a push would,
/// and answers once they are durably stored. With no changes it is a pull and needs only read rights.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRequest {
    /// The changes to store, at most
    /// [`MAX_CHANGES_PER_PUSH`](crate::limits::MAX_CHANGES_PER_PUSH); may be empty.
    pub changes: Vec<Change>,
    /// The device's cursor for the space.
    pub after: u64,
    /// The page's size, as a pull's `limit` (default and cap the same).
    pub limit: u32,
}

/// The answer to a [`SyncRequest`]: what a push and a pull would have answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResponse {
    /// The push's answer: positions kept in the request's `changes`.
    pub push: PushResponse,
    /// [`batch_digest`](crate::batch_digest) of the request's changes: the device acknowledges `kept`
    /// only if it matches the digest of the changes it sent, so an answer delivered to the wrong request
    /// (a stale copy from a broken proxy) never drops an unsent change from its outbox.
    pub digest: [u8; 8],
    /// The page after the request's `after`, read before the push was stored.
    pub pull: PullResponse,
}

/// `GET /v1/spaces`: the spaces the device may read that hold at least one change, each with its
/// head (highest sequence number). A township device lists them to pull only the villages that moved; a
/// village device reads its one space and has no need to ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpacesResponse {
    /// The relay's epoch.
    pub epoch: String,
    /// `(space, head)` in code order.
    pub spaces: Vec<(String, u64)>,
}

/// `POST /v1/enrol`: redeem a one-time enrolment code for a device token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemRequest {
    /// The code printed by `shouwang-relay enroll`.
    pub code: String,
    /// A name for the device, shown in `shouwang-relay devices list`.
    pub device_name: String,
    /// An office device holding the village's root: its office key, which the relay keeps for the
    /// village if it holds none yet (the village's first office enrols it), and which verifies every
    /// erasure after ([`crate::office`]). Last, so an older relay ignores it.
    pub office_key: Option<OfficeKey>,
}

/// [`RedeemRequest`] as devices sent it before the office key: what the relay falls back to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemRequestV1 {
    /// The code.
    pub code: String,
    /// The device's name.
    pub device_name: String,
}

impl From<RedeemRequestV1> for RedeemRequest {
    fn from(v: RedeemRequestV1) -> RedeemRequest {
        RedeemRequest { code: v.code, device_name: v.device_name, office_key: None }
    }
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
    /// For a helper's tablet, the helper it belongs to (32 hex digits), when the code named one. Last, so
    /// a device built before it reads a newer relay's answer (postcard ignores trailing bytes); a newer
    /// device reads an older relay's answer as [`RedeemResponseV1`].
    pub helper: Option<String>,
    /// For a committee device, the village's office key the relay holds now (its own, if it was the
    /// first to enrol): a device finding another there knows the village was enrolled by a device
    /// without the office's keys.
    pub office_key: Option<OfficeKey>,
}

/// [`RedeemResponse`] as relays before the helper binding answered: what a newer device falls back to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedeemResponseV1 {
    /// The device's secret token.
    pub token: String,
    /// The device's id.
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

impl From<RedeemResponseV1> for RedeemResponse {
    fn from(v: RedeemResponseV1) -> RedeemResponse {
        let RedeemResponseV1 { token, device_id, role, scope, elder, epoch } = v;
        RedeemResponse { token, device_id, role, scope, elder, epoch, helper: None, office_key: None }
    }
}

/// `PUT /v1/spaces/{space}/routes`: the committee's routing table for its village, whole: for each helper
/// (the subject id of their `helper` document) the subjects (elders) whose documents their tablet
/// receives. Pseudonymous ids only; the relay learns nothing else of an elder. Signed with the
/// village's office key: a committee token alone (a stolen code) cannot reroute the village.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutesRequest {
    /// `(helper, subjects)`, each helper once.
    pub routes: Vec<(String, Vec<String>)>,
    /// Ed25519 signature by the office key the relay holds over
    /// [`office::routes_message`](crate::office::routes_message) of the table's digest.
    pub signature: Vec<u8>,
}

impl RoutesRequest {
    /// The digest of the table this request carries ([`routes_digest`]).
    pub fn digest(&self) -> u64 {
        routes_digest(
            self.routes
                .iter()
                .flat_map(|(h, subjects)| subjects.iter().map(move |s| (h.as_str(), s.as_str()))),
        )
    }
}

/// The answer to a [`RoutesRequest`], once stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutesAck {
    /// The relay's epoch.
    pub epoch: String,
    /// The digest of the space's routing table now ([`routes_digest`]), as pulls report it.
    pub digest: u64,
}

/// `GET /v1/spaces/{space}/routes`: a helper's tablet asks which subjects are routed to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelperRoutes {
    /// The relay's epoch.
    pub epoch: String,
    /// The version of its routing list (as pulls report it in `routes`).
    pub version: u64,
    /// Each subject routed to it, with the version at which it was (last) routed: a tablet that saw an
    /// earlier version fetches that subject's history (`GET …/changes?subject=S&upto=N`).
    pub subjects: Vec<(String, u64)>,
}

/// The digest of a routing table that pulls report to a committee device: the first 8 bytes of the
/// SHA-256 of its `(helper, subject)` pairs, sorted, each as `helper/subject\n`, as a little-endian
/// number. Two tables with the same pairs have the same digest, in whatever order they were given.
pub fn routes_digest<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> u64 {
    use sha2::{Digest, Sha256};
    let mut sorted: Vec<(&str, &str)> = pairs.into_iter().collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut sha = Sha256::new();
    for (helper, subject) in sorted {
        sha.update(helper.as_bytes());
        sha.update(b"/");
        sha.update(subject.as_bytes());
        sha.update(b"\n");
    }
    let full: [u8; 32] = sha.finalize().into();
    u64::from_le_bytes(full[..8].try_into().expect("8 bytes"))
}

/// `POST /v1/enrolments`: a committee device asks for a one-time code that enrols a family device for
/// one elder of its village (printed as the contact card's QR code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyCodeRequest {
    /// The elder's id (32 lowercase hex digits).
    pub elder: String,
}

/// `POST /v1/enrolments`: a committee device asks for a one-time code for a device of its own village:
/// a helper's tablet bound to one of its helpers, or a family phone for one elder. The older bodies,
/// [`EnrolmentRequestV1`] (without `label`) and [`FamilyCodeRequest`], are still accepted at the same
/// route; none decodes as another (this one and V1 start with the role's index, 0 to 3, and this one
/// needs its last field; the family body starts with the length of a 32-digit id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentRequest {
    /// [`Role::Helper`] or [`Role::Family`]; the relay refuses the others.
    pub role: Role,
    /// The elder of a family phone (32 lowercase hex digits).
    pub elder: Option<String>,
    /// The helper of a helper's tablet (32 lowercase hex digits).
    pub helper: Option<String>,
    /// The key id (32 lowercase hex digits) the committee puts into the key bundle it hands the new
    /// device with the code: kept on the code, copied to the device when it redeems it, and listed by
    /// `GET /v1/devices`, so the committee knows which device holds which key after a rotation.
    pub label: Option<String>,
}

/// [`EnrolmentRequest`] as devices sent it before the key label: what the relay falls back to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentRequestV1 {
    /// The role.
    pub role: Role,
    /// A family phone's elder.
    pub elder: Option<String>,
    /// A helper tablet's helper.
    pub helper: Option<String>,
}

impl From<EnrolmentRequestV1> for EnrolmentRequest {
    fn from(v: EnrolmentRequestV1) -> EnrolmentRequest {
        let EnrolmentRequestV1 { role, elder, helper } = v;
        EnrolmentRequest { role, elder, helper, label: None }
    }
}

/// One device of a village, as `GET /v1/devices` lists it for the village's committee (never its
/// token, nor its token's hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// The device's id.
    pub id: String,
    /// The name it gave when it enrolled.
    pub name: String,
    /// Its role.
    pub role: Role,
    /// The key id of its enrolment (32 hex), if its code named one.
    pub label: Option<String>,
    /// When it enrolled (Unix seconds).
    pub created_at: i64,
    /// When it was last seen, to the minute (Unix seconds).
    pub last_seen: Option<i64>,
    /// When it was revoked (Unix seconds), if it was.
    pub revoked_at: Option<i64>,
    /// A family phone's elder.
    pub elder: Option<String>,
    /// A helper tablet's helper.
    pub helper: Option<String>,
}

/// `GET /v1/devices`: the devices enrolled for the committee's village, revoked ones too, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicesResponse {
    /// The relay's epoch.
    pub epoch: String,
    /// The devices.
    pub devices: Vec<DeviceInfo>,
}

/// The code asked for: redeemed once at `POST /v1/enrol`, it enrols a family device for that elder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyCodeResponse {
    /// The one-time code.
    pub code: String,
    /// Until when it may be redeemed (Unix seconds).
    pub expires_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode, encode};

    #[test]
    fn old_and_new_enrolment_bodies_never_decode_as_each_other() {
        let old = encode(&FamilyCodeRequest { elder: "a".repeat(32) });
        assert!(decode::<EnrolmentRequest>(&old).is_err());
        let new = EnrolmentRequest {
            role: Role::Helper,
            elder: None,
            helper: Some("b".repeat(32)),
            label: Some("c".repeat(32)),
        };
        assert_eq!(decode::<EnrolmentRequest>(&encode(&new)).unwrap(), new);
        // A device built before the label sends the first body: it does not read as the new one, and
        // the relay reads it as V1, without a label.
        let v1 = EnrolmentRequestV1 { role: Role::Family, elder: Some("a".repeat(32)), helper: None };
        assert!(decode::<EnrolmentRequest>(&encode(&v1)).is_err());
        let read: EnrolmentRequest = decode::<EnrolmentRequestV1>(&encode(&v1)).unwrap().into();
        assert_eq!(read.label, None);
    }

    #[test]
    fn a_redeem_answer_with_a_helper_reads_on_old_devices_and_old_answers_on_new_ones() {
        let new = RedeemResponse {
            token: "t".into(),
            device_id: "d".into(),
            role: Role::Helper,
            scope: "511902106202".into(),
            elder: None,
            epoch: "e".into(),
            helper: Some("b".repeat(32)),
            office_key: None,
        };
        let old: RedeemResponseV1 = decode(&encode(&new)).unwrap();
        assert_eq!(old.device_id, "d");
        let back = encode(&old);
        assert!(decode::<RedeemResponse>(&back).is_err());
        let read: RedeemResponse = decode::<RedeemResponseV1>(&back).unwrap().into();
        assert_eq!(read, RedeemResponse { helper: None, ..new });
    }

    #[test]
    fn a_redeem_request_without_an_office_key_still_reads() {
        let old = RedeemRequestV1 { code: "c".into(), device_name: "n".into() };
        let bytes = encode(&old);
        assert!(decode::<RedeemRequest>(&bytes).is_err());
        let read: RedeemRequest = decode::<RedeemRequestV1>(&bytes).unwrap().into();
        assert_eq!(read.office_key, None);
        let new = RedeemRequest {
            code: "c".into(),
            device_name: "n".into(),
            office_key: Some(OfficeKey { generation: 1, key: vec![3; 32] }),
        };
        assert_eq!(decode::<RedeemRequest>(&encode(&new)).unwrap(), new);
    }

    #[test]
    fn a_routing_digest_depends_on_the_pairs_not_their_order() {
        let a = routes_digest([("h1", "e1"), ("h2", "e2")]);
        assert_eq!(a, routes_digest([("h2", "e2"), ("h1", "e1"), ("h1", "e1")]));
        assert_ne!(a, routes_digest([("h1", "e2"), ("h2", "e1")]));
        assert_ne!(routes_digest([]), a);
    }
}
