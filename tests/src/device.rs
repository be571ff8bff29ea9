//! [`Device`]: one tablet or phone of the village — a real store file in a directory of its own,
//! enrolled with a relay and synced by the real engine — and [`Snapshot`], everything a device holds,
//! for checking that devices which met agree on every record.
//!
//! ```no_run
//! use shouwang_tests::device::{sync_until_quiet, Device};
//! use shouwang_tests::relay::{Backend, RelayProcess};
//! let relay = RelayProcess::start(Backend::Sqlite);
//! let mut a = Device::new("a");
//! a.enrol(&relay.url(), &relay.enroll("committee", "511902106202", None));
//! let mut b = Device::new("b");
//! b.enrol(&relay.url(), &relay.enroll("committee", "511902106202", None));
//! sync_until_quiet(&mut [&mut a, &mut b]);
//! assert_eq!(a.snapshot(), b.snapshot());
//! ```

use chrono::{DateTime, Utc};
use shouwang_core::elder::{Elder, ElderId, Status};
use shouwang_core::store::{ElderFilter, Store};
use shouwang_sync::{Report, SyncError};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The village every device serves (斑竹村, 511902106202).
pub const VILLAGE: &str = "511902106202";

/// The one clock of the tests: every device writes and applies at this instant, so what a device
/// stamps on a record does not depend on when the test ran.
pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00").expect("a date").to_utc()
}

/// A device with its own store file.
pub struct Device {
    /// A name for messages.
    pub name: String,
    dir: tempfile::TempDir,
    /// The store; tests may use it directly.
    pub store: Store,
    runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device").field("name", &self.name).field("dir", &self.dir.path()).finish()
    }
}

/// Everything one device holds: every elder's whole record (archived ones too), the projection and
/// the heads of every document.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Elder id → the record as JSON, or the error reading it.
    pub elders: BTreeMap<String, serde_json::Value>,
    /// [`Store::projection_dump`].
    pub projection: Vec<String>,
    /// Document id → its heads.
    pub heads: BTreeMap<String, String>,
}

impl Device {
    /// A new store of the village in a fresh directory.
    pub fn new(name: &str) -> Device {
        Device::of_unit(name, VILLAGE, "斑竹村")
    }

    /// A new store of another unit (`unit` a 12-digit code: another village, or a township whose office
    /// reads every village under it) in a fresh directory.
    pub fn of_unit(name: &str, unit: &str, unit_name: &str) -> Device {
        let dir = tempfile::tempdir().expect("a directory");
        let store = Store::init(
            dir.path().join("store.sqlite"),
            unit.parse().expect("a code"),
            unit_name,
            "sichuan",
            now(),
        )
        .expect("a new store");
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        Device { name: name.into(), dir, store, runtime }
    }

    /// The store file.
    pub fn path(&self) -> PathBuf {
        self.store.path().to_path_buf()
    }

    /// The device's directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Enrols with the relay at `url` using a one-time `code`.
    pub fn enrol(&mut self, url: &str, code: &str) {
        let name = self.name.clone();
        self.runtime
            .block_on(shouwang_sync::enrol(&mut self.store, url, code, &name, now()))
            .unwrap_or_else(|e| panic!("{} cannot enrol: {e}", self.name));
    }

    /// Enrols as a thief does with a stolen code on a store of their own: the store made its own village
    /// keys, so the relay (which holds the real office's key) answers that the office key differs; the
    /// device is enrolled all the same, its token usable. Any other failure panics.
    pub fn enrol_stolen(&mut self, url: &str, code: &str) {
        let name = self.name.clone();
        match self.runtime.block_on(shouwang_sync::enrol(&mut self.store, url, code, &name, now())) {
            Ok(_) => {}
            Err(SyncError::Refused { kind, .. }) if kind == "office_key_mismatch" => {}
            Err(e) => panic!("{} cannot enrol: {e}", self.name),
        }
    }

    /// Imports a key bundle that `issuer` (a committee device holding the village's root) issues for a
    /// device of `role` (a family phone: for `elder`): how a device gets its keys, by QR code, never
    /// through the relay.
    pub fn keys_from(&mut self, issuer: &mut Device, role: &str, elder: Option<&str>) {
        let role = shouwang_core::role::Role::parse(role).expect("a role");
        let elder: Option<ElderId> = elder.map(|e| e.parse().expect("an elder id"));
        let bundle = issuer
            .store
            .issue_key_bundle(role, elder.as_ref(), None, &self.name, now())
            .unwrap_or_else(|e| panic!("{} cannot issue keys: {e}", issuer.name));
        self.store
            .import_key_bundle(&bundle.to_text(), now())
            .unwrap_or_else(|e| panic!("{} cannot import keys: {e}", self.name));
    }

    /// A helper's tablet: imports the helper keys `issuer` issues for `helper` and enrols with a code of
    /// the relay's that names the helper, so the relay routes it that helper's elders.
    pub fn enrol_helper(&mut self, relay: &crate::relay::RelayProcess, issuer: &mut Device, helper: &str) {
        let bundle = issuer
            .store
            .issue_key_bundle(shouwang_core::role::Role::Helper, None, Some(helper), &self.name, now())
            .unwrap_or_else(|e| panic!("{} cannot issue keys: {e}", issuer.name));
        self.store
            .import_key_bundle(&bundle.to_text(), now())
            .unwrap_or_else(|e| panic!("{} cannot import keys: {e}", self.name));
        self.enrol(&relay.url(), &relay.enroll_helper(crate::device::VILLAGE, helper));
    }

    /// The helper with the most elders on this (office) device: the one a test gives a tablet.
    pub fn busiest_helper(&self) -> shouwang_core::store::HelperRow {
        let mut helpers = self.store.helpers().expect("the helpers");
        helpers.sort_by_key(|h| std::cmp::Reverse(h.elders));
        helpers.into_iter().next().expect("a helper")
    }

    /// The bytes of this device's store file and its write-ahead log, for searching what it holds.
    pub fn file_bytes(&self) -> Vec<u8> {
        let mut bytes = std::fs::read(self.path()).expect("the store file");
        if let Ok(wal) = std::fs::read(format!("{}-wal", self.path().display())) {
            bytes.extend(wal);
        }
        bytes
    }

    /// Imports `issuer`'s keys for `role` (see [`Device::keys_from`]), then enrols with a one-time code.
    pub fn enrol_keyed(
        &mut self,
        url: &str,
        code: &str,
        issuer: &mut Device,
        role: &str,
        elder: Option<&str>,
    ) {
        self.keys_from(issuer, role, elder);
        self.enrol(url, code);
    }

    /// One sync: push the outbox, pull everything new.
    pub fn sync(&mut self) -> Result<Report, SyncError> {
        self.runtime.block_on(shouwang_sync::sync(&mut self.store, &mut |_| {}, now()))
    }

    /// Pushes the first batch of the outbox straight to `space` with this device's token, skipping the
    /// engine's own check of what the role may send: how a test sees the relay enforce scopes itself.
    pub fn push_directly(&mut self, space: &str) -> Result<shouwang_protocol::PushResponse, SyncError> {
        let state = self.store.sync_state()?.ok_or(SyncError::NotEnrolled)?;
        let changes = self
            .store
            .outbox_batch(0, 100, usize::MAX)?
            .into_iter()
            .map(|c| shouwang_protocol::Change {
                doc: shouwang_protocol::DocRef {
                    elder: c.doc.elder.to_string(),
                    kind: c.doc.kind.code().into(),
                },
                bytes: c.bytes,
            })
            .collect();
        let relay = shouwang_sync::Relay::new(&state.relay, Some(state.token))?;
        let request = shouwang_protocol::PushRequest { changes };
        Ok(self.runtime.block_on(relay.push(space, &request))?.0)
    }

    /// Pushes `changes` straight to `space` with this device's token, as an attacker holding the token
    /// would (not through the engine or the store): the relay's answer, its status and JSON error
    /// body (`null` on success).
    pub fn push_raw(
        &mut self,
        space: &str,
        changes: Vec<shouwang_protocol::Change>,
    ) -> (u16, serde_json::Value) {
        let state = self.store.sync_state().expect("the sync state").expect("enrolled");
        let body = shouwang_protocol::encode(&shouwang_protocol::PushRequest { changes });
        let url = format!("{}/v1/spaces/{space}/changes", state.relay);
        self.runtime.block_on(async {
            let response = reqwest::Client::new()
                .post(url)
                .bearer_auth(&state.token)
                .header("content-type", shouwang_protocol::CONTENT_TYPE)
                .body(body)
                .send()
                .await
                .expect("the relay answers");
            let status = response.status().as_u16();
            let bytes = response.bytes().await.expect("a body");
            (status, serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null))
        })
    }

    /// Registers an elder; returns their id.
    pub fn add(&mut self, elder: Elder) -> ElderId {
        self.store.add_elder(elder, now()).unwrap_or_else(|e| panic!("{} cannot add: {e}", self.name)).id
    }

    /// Edits an elder's record.
    pub fn edit(&mut self, id: &ElderId, edit: impl FnOnce(&mut Elder)) {
        self.store
            .update_elder(id, now(), |e| {
                edit(e);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{} cannot edit {id}: {e}", self.name));
    }

    /// Archives an elder as moved away.
    pub fn archive(&mut self, id: &ElderId, reason: &str) {
        let on = shouwang_core::time::local_date(now());
        self.store
            .archive_elder(id, Status::MovedAway, reason, on, now())
            .unwrap_or_else(|e| panic!("{} cannot archive {id}: {e}", self.name));
    }

    /// One elder's record.
    pub fn elder(&self, id: &ElderId) -> Elder {
        self.store.elder(id).unwrap_or_else(|e| panic!("{} has no elder {id}: {e}", self.name))
    }

    /// Everything this device holds.
    pub fn snapshot(&self) -> Snapshot {
        let filter = ElderFilter { any_status: true, ..ElderFilter::default() };
        let today = shouwang_core::time::local_date(now());
        let rows = self.store.list(&filter, today).expect("the list");
        let elders = rows
            .iter()
            .map(|row| {
                let record = match self.store.elder(&row.id) {
                    Ok(elder) => serde_json::to_value(&elder).expect("a record serialises"),
                    Err(e) => serde_json::Value::String(format!("error: {e}")),
                };
                (row.id.to_string(), record)
            })
            .collect();
        let conn = rusqlite::Connection::open(self.store.path()).expect("a second connection");
        let mut stmt = conn.prepare("SELECT doc_id, heads FROM documents ORDER BY doc_id").expect("a query");
        let heads = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("documents")
            .collect::<rusqlite::Result<_>>()
            .expect("documents");
        Snapshot { elders, projection: self.store.projection_dump().expect("the projection"), heads }
    }

    /// `(elder id, kind)` of every document stored.
    pub fn documents(&self) -> Vec<(String, String)> {
        let conn = rusqlite::Connection::open(self.store.path()).expect("a second connection");
        let mut stmt =
            conn.prepare("SELECT elder_id, kind FROM documents ORDER BY elder_id, kind").expect("a query");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("documents")
            .collect::<rusqlite::Result<_>>()
            .expect("documents")
    }
}

/// Whether a sync moved nothing: nothing sent, nothing new received, no epoch change.
pub fn is_quiet(report: &Report) -> bool {
    report.sent == 0
        && report.received.applied == 0
        && report.received.released == 0
        && !report.epoch_changed
        && !report.routes_sent
        && !report.routed_list
}

/// Syncs every device in turn, round after round, until a whole round moves nothing. Returns the
/// number of rounds; panics on a sync error or after 12 rounds.
pub fn sync_until_quiet(devices: &mut [&mut Device]) -> usize {
    for round in 1..=12 {
        let mut quiet = true;
        for device in devices.iter_mut() {
            let report = device.sync().unwrap_or_else(|e| panic!("{} cannot sync: {e}", device.name));
            quiet &= is_quiet(&report);
        }
        if quiet {
            return round;
        }
    }
    panic!("the devices did not become quiet in 12 rounds");
}

/// Asserts every device holds the same snapshot as the first, and returns it.
pub fn assert_same(devices: &[&Device]) -> Snapshot {
    let first = devices[0].snapshot();
    for other in &devices[1..] {
        let snap = other.snapshot();
        if snap != first {
            let differing: Vec<&String> = first
                .elders
                .keys()
                .chain(snap.elders.keys())
                .filter(|k| first.elders.get(*k) != snap.elders.get(*k))
                .take(5)
                .collect();
            panic!(
                "{} and {} differ: {} vs {} elders, {} vs {} documents, elders differing (first 5): {differing:?}, \
                 projection equal: {}, heads equal: {}",
                devices[0].name,
                other.name,
                first.elders.len(),
                snap.elders.len(),
                first.heads.len(),
                snap.heads.len(),
                first.projection == snap.projection,
                first.heads == snap.heads
            );
        }
    }
    first
}
