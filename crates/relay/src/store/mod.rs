//! The relay's storage: the [`Store`] trait and its two implementations, [`SqliteStore`] (one file in
//! a data directory, `serve --data DIR`) and [`PostgresStore`] (a PostgreSQL database that several relay
//! processes may share, `serve --database postgres://…`).
//!
//! The trait is small on purpose and both stores behave alike; every method is blocking and the HTTP
//! layer calls it from `spawn_blocking`, or, for pushes, from the group-commit writer
//! ([`crate::commit`]), which stores every push queued while a commit was in flight in one transaction. A store keeps changes as opaque bytes and never decodes them.

pub mod dump;
mod postgres;
mod sqlite;

pub use dump::Record;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// The smallest string after every code starting with the digits `prefix`: `prefix` followed by `:`,
/// the character after `9` in SQLite's binary order. `space >= prefix AND space < upper_bound(prefix)` is
/// then a range the `(space, seq)` key answers directly.
fn upper_bound(prefix: &str) -> String {
    format!("{prefix}:")
}

use serde::Serialize;
use shouwang_protocol::office::OfficeKey;
use shouwang_protocol::{Change, Role};

/// Whether a stored change is an erasure the relay acts on: an erasure envelope addressed to an
/// elder's `keyring` document (the HTTP layer lets only committee devices push one, signed by the
/// village's office key).
pub fn is_erasure(change: &Change) -> bool {
    change.doc.kind == "keyring"
        && shouwang_protocol::envelope::parse(&change.bytes)
            .is_ok_and(|h| h.what == shouwang_protocol::envelope::What::Erasure)
}

/// Why the store failed. The detail is for the relay's logs, never for a client.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The PostgreSQL database refused or failed, or could not be reached.
    #[error("postgres: {0}")]
    Postgres(#[from] ::postgres::Error),
    /// The data directory could not be created.
    #[error("data directory: {0}")]
    Io(#[from] std::io::Error),
    /// The database was written by a newer relay.
    #[error("the store is at schema version {found}, newer than this relay's {supported}")]
    TooNew {
        /// The version found.
        found: i64,
        /// The newest this build knows.
        supported: i64,
    },
    /// A row holds something this relay did not write.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// An import into a store that already holds devices, codes or changes.
    #[error("the store is not empty ({0}); import only into a new store")]
    NotEmpty(&'static str),
    /// A dump could not be read or is incomplete.
    #[error("dump: {0}")]
    Dump(String),
}

/// An enrolled device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    /// Its id, random hex.
    pub id: String,
    /// The name it gave when it redeemed its code.
    pub name: String,
    /// What it may do.
    pub role: Role,
    /// The village or township code it is enrolled for.
    pub scope: String,
    /// For a family device, its one elder.
    pub elder: Option<String>,
    /// When it redeemed its code, unix seconds.
    pub created_at: i64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
    /// When it was last seen, to the minute.
    pub last_seen: Option<i64>,
    /// For a helper's tablet, the helper it belongs to, if its code named one.
    pub helper: Option<String>,
    /// The key id (32 hex) its committee put in the key bundle of its enrolment, if the code named one.
    pub label: Option<String>,
}

/// A one-time enrolment code, as stored: only the code's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// SHA-256 hex of the normalised code.
    pub code_hash: String,
    /// The role the device will have.
    pub role: Role,
    /// The code it will be enrolled for.
    pub scope: String,
    /// For a family device, its elder.
    pub elder: Option<String>,
    /// For a helper's tablet, its helper (optional).
    pub helper: Option<String>,
    /// The key id (32 hex) of the key bundle the device is given with the code, copied to the device.
    pub label: Option<String>,
    /// When the code was made, unix seconds.
    pub created_at: i64,
    /// When it stops being redeemable.
    pub expires_at: i64,
}

/// What a pull may return: the kinds a role reads and, for a family device, one elder; for a helper's
/// tablet only the elders routed to its helper. An erasure the space keeps reaches every device that
/// reads the space (a family phone: its elder's only), whatever kinds its role reads and whatever the
/// routing: every device holding something of the elder must destroy it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFilter {
    /// The document kinds to return.
    pub kinds: &'static [&'static str],
    /// Only this elder's documents, if set.
    pub elder: Option<String>,
    /// Leave out the changes this device pushed itself (first or again): it has them already.
    pub device: Option<String>,
    /// Only the subjects routed to this helper for the kinds whose subject is an elder
    /// ([`ELDER_KINDS`]); `Some(None)`: a helper's tablet bound to no helper, which receives no
    /// elder's documents. `None`: no routing (an office).
    pub routed_to: Option<Option<String>>,
    /// Only this subject's changes (a tablet fetching the history of an elder newly routed to it).
    pub subject: Option<String>,
    /// Only changes numbered at most this (with `subject`: up to the tablet's cursor).
    pub upto: Option<u64>,
}

impl ReadFilter {
    /// Every change of the space, for tools and tests.
    pub const ALL: ReadFilter = ReadFilter {
        kinds: &shouwang_protocol::KINDS,
        elder: None,
        device: None,
        routed_to: None,
        subject: None,
        upto: None,
    };
}

pub use shouwang_protocol::ELDER_KINDS;

/// The result of a push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushOutcome {
    /// How many of the changes were new.
    pub new: usize,
    /// The space's highest sequence number afterwards.
    pub head: u64,
}

/// One push of a group commit: the changes a request brought to a space, each with its hash.
#[derive(Debug, Clone, Copy)]
pub struct Push<'a> {
    /// The village's space.
    pub space: &'a str,
    /// The changes, each with its hash (hex, computed by the caller from the bytes).
    pub changes: &'a [(String, Change)],
    /// The device that pushed them, recorded with each so that its pulls leave them out.
    pub pusher: Option<&'a str>,
    /// Its role, recorded with each change it brings first and reported with it by every pull.
    pub role: Option<Role>,
}

/// One page of a pull.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The changes, in sequence order.
    pub changes: Vec<(u64, Change)>,
    /// Whether more matching changes follow.
    pub more: bool,
    /// The cursor to continue from: the last change returned if more follow, else the space's head, so a
    /// device whose filter skips most changes (a family phone) does not rescan them next time.
    pub next: u64,
    /// The space's head when the page was read: how far a device has to go (for progress).
    pub latest: u64,
    /// The role of each change's first pusher, in the order of `changes` (the committee's for a change
    /// pushed by the operator's tools, which no device pushed).
    pub pushers: Vec<Role>,
}

/// How many rows of each table an import wrote (or an export read).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Counts {
    /// Devices.
    pub devices: u64,
    /// Enrolment codes.
    pub enrolments: u64,
    /// Spaces (their counters).
    pub spaces: u64,
    /// Changes.
    pub changes: u64,
    /// Re-push records.
    pub repushes: u64,
    /// Erased subjects.
    pub erased: u64,
    /// Office keys.
    #[serde(default)]
    pub office_keys: u64,
    /// Routing rows (routes, list versions, table digests).
    #[serde(default)]
    pub routes: u64,
}

/// Durable storage of devices, enrolment codes and changes.
///
/// **Erasure.** A push holding an erasure envelope ([`What::Erasure`](shouwang_protocol::envelope::What))
/// addressed to `<E>/keyring` deletes, in the transaction that stores it, every other change of subject
/// `E` in that space (all kinds, with their re-push records) and records `E` as erased; changes to an
/// erased subject pushed later are acknowledged and not stored. Sequence numbers are then no longer
/// contiguous: the erased changes leave gaps. Nothing relies on contiguity: a pull is "the changes
/// after N, up to the head read first", and numbers still only grow, in commit order.
pub trait Store: Send + Sync + 'static {
    /// The store's epoch: random, made with the store.
    fn epoch(&self) -> String;
    /// Gives the store a new epoch and returns it: run after restoring it from a backup, so devices
    /// push again what the backup lacks. Takes effect for the next process that opens the store.
    fn renew_epoch(&self) -> Result<String, StoreError>;
    /// Records a new enrolment code.
    fn add_enrolment(&self, enrolment: &Enrolment) -> Result<(), StoreError>;
    /// Redeems a code once, atomically: if it is known, unredeemed and unexpired, creates the device
    /// (id, name and token hash given) with the code's role, scope and elder.
    fn redeem(
        &self,
        code_hash: &str,
        id: &str,
        name: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<Device>, StoreError>;
    /// The unrevoked device with this token hash.
    fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, StoreError>;
    /// Records that a device was seen.
    fn touch(&self, device_id: &str, now: i64) -> Result<(), StoreError>;
    /// Every device, revoked ones too, oldest first.
    fn devices(&self) -> Result<Vec<Device>, StoreError>;
    /// Revokes a device; `false` if there is no such unrevoked device.
    fn revoke(&self, device_id: &str, now: i64) -> Result<bool, StoreError>;
    /// Stores several pushes in one durable transaction (one commit, one sync to disk) before returning:
    /// in order, with the outcome each would have had pushed alone after the ones before it (each hash
    /// once per space; numbers contiguous per space). An error stores none of them.
    fn push_many(&self, pushes: &[Push<'_>], now: i64) -> Result<Vec<PushOutcome>, StoreError>;
    /// Stores changes in a space, each given with its hash (hex, computed by the caller from the bytes),
    /// each hash once, durably (synced) before returning: [`Store::push_many`] with one push, from no
    /// device in particular.
    fn push(&self, space: &str, changes: &[(String, Change)], now: i64) -> Result<PushOutcome, StoreError> {
        let outcomes = self.push_many(&[Push { space, changes, pusher: None, role: None }], now)?;
        outcomes.into_iter().next().ok_or_else(|| StoreError::Corrupt("a push without an outcome".into()))
    }
    /// The spaces whose code starts with `prefix` and that hold at least one change, each with its head
    /// (highest sequence number), in code order: what a township device lists before pulling.
    fn spaces(&self, prefix: &str) -> Result<Vec<(String, u64)>, StoreError>;
    /// The changes after `after` that pass `filter`, at most `limit`.
    fn pull(&self, space: &str, after: u64, limit: u32, filter: &ReadFilter) -> Result<Page, StoreError>;
    /// The village's office key, if an office device has enrolled.
    fn office_key(&self, space: &str) -> Result<Option<OfficeKey>, StoreError>;
    /// Keeps `key` as the village's office key if it has none yet; returns the one it holds after.
    fn claim_office_key(&self, space: &str, key: &OfficeKey, now: i64) -> Result<OfficeKey, StoreError>;
    /// Replaces the village's office key `old` by `new` (the caller checked `new` is signed by `old`);
    /// `false`, changing nothing, if the key held is not `old` any more.
    fn replace_office_key(
        &self,
        space: &str,
        old: &OfficeKey,
        new: &OfficeKey,
        now: i64,
    ) -> Result<bool, StoreError>;
    /// Forgets the village's office key (`shouwang-relay office-key reset`, by the operator, when a
    /// device without the office's keys enrolled first): the next office device to enrol sets it.
    fn reset_office_key(&self, space: &str) -> Result<bool, StoreError>;
    /// Replaces the village's whole routing table, in one transaction: each helper's list whose subjects
    /// changed gets a new version, each subject newly routed that version as its `since`. Returns the
    /// table's digest ([`shouwang_protocol::routes_digest`]).
    fn put_routes(&self, space: &str, routes: &[(String, Vec<String>)]) -> Result<u64, StoreError>;
    /// One helper's routing list: its version and each subject with its `since` (version 0, empty, for
    /// a helper with none).
    fn helper_routes(&self, space: &str, helper: &str) -> Result<(u64, Vec<(String, u64)>), StoreError>;
    /// What pulls report of the routing: a helper's list version, or (`helper` None) the digest of the
    /// space's table (that of an empty table if it has none).
    fn route_state(&self, space: &str, helper: Option<&str>) -> Result<u64, StoreError>;
    /// Writes the whole store, one [`Record`] at a time, from one consistent snapshot: the epoch, devices,
    /// enrolment codes, space counters, changes with their numbers, re-pushes, erasures (see [`dump`]).
    /// Memory stays bounded: rows are streamed to `out` as they are read.
    fn export(&self, out: &mut dyn FnMut(Record) -> Result<(), StoreError>) -> Result<Counts, StoreError>;
    /// Reads a whole export into this store in one transaction, refusing a store that holds any device,
    /// code or change ([`StoreError::NotEmpty`]) and a dump that ends early ([`StoreError::Dump`]); either
    /// way it writes nothing. Takes the dump's epoch, so devices keep their tokens and cursors.
    fn import(
        &self,
        records: &mut dyn Iterator<Item = Result<Record, StoreError>>,
    ) -> Result<Counts, StoreError>;
}

/// The role reported for a stored change: its first pusher's, or the committee's for a change no
/// device pushed (the operator's tools).
fn pusher_role(code: Option<&str>) -> Result<Role, StoreError> {
    match code {
        None => Ok(Role::Committee),
        Some(code) => Role::parse(code).ok_or_else(|| StoreError::Corrupt(format!("unknown role {code:?}"))),
    }
}

/// What replacing a routing table changes, computed the same way for both stores: for each helper whose
/// list changes, the subjects added and removed, and the new table's digest.
#[derive(Debug, Default, PartialEq, Eq)]
struct RoutePlan {
    /// `(helper, added, removed)`, in helper order.
    lists: Vec<(String, Vec<String>, Vec<String>)>,
    /// The new table's digest.
    digest: u64,
}

impl RoutePlan {
    fn new(held: &[(String, String)], wanted: &[(String, Vec<String>)]) -> RoutePlan {
        use std::collections::{BTreeMap, BTreeSet};
        let mut before: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (helper, subject) in held {
            before.entry(helper).or_default().insert(subject);
        }
        let mut after: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (helper, subjects) in wanted {
            after.entry(helper).or_default().extend(subjects.iter().map(String::as_str));
        }
        let helpers: BTreeSet<&str> = before.keys().chain(after.keys()).copied().collect();
        let empty = BTreeSet::new();
        let mut lists = Vec::new();
        for helper in helpers {
            let (old, new) = (before.get(helper).unwrap_or(&empty), after.get(helper).unwrap_or(&empty));
            let added: Vec<String> = new.difference(old).map(|s| s.to_string()).collect();
            let removed: Vec<String> = old.difference(new).map(|s| s.to_string()).collect();
            if !added.is_empty() || !removed.is_empty() {
                lists.push((helper.to_string(), added, removed));
            }
        }
        let digest = shouwang_protocol::routes_digest(
            after.iter().flat_map(|(helper, subjects)| subjects.iter().map(move |s| (*helper, *s))),
        );
        RoutePlan { lists, digest }
    }
}

#[cfg(test)]
mod route_tests {
    use super::*;

    #[test]
    fn a_new_table_changes_only_the_lists_whose_subjects_differ() {
        let held = [("h1", "e1"), ("h1", "e2"), ("h2", "e3")].map(|(h, s)| (h.to_string(), s.to_string()));
        let wanted = vec![
            ("h1".to_string(), vec!["e2".to_string(), "e1".to_string()]),
            ("h3".to_string(), vec!["e3".to_string()]),
        ];
        let plan = RoutePlan::new(&held, &wanted);
        assert_eq!(
            plan.lists,
            [
                ("h2".to_string(), vec![], vec!["e3".to_string()]),
                ("h3".to_string(), vec!["e3".to_string()], vec![]),
            ],
            "h1 keeps its version: its subjects are the same"
        );
        assert_eq!(plan.digest, shouwang_protocol::routes_digest([("h3", "e3"), ("h1", "e1"), ("h1", "e2")]));
    }
}
