//! The device's side of sync, as the store sees it: what to send, what the relay acknowledged, and
//! applying what the relay sent — each step one transaction, so a sync killed at any point resumes
//! where it stopped and never loses or doubles a change. The HTTP lives in `shouwang-sync`.
//!
//! Rules this module keeps (each has a test in `tests/`):
//! - a change leaves the outbox only when the relay acknowledged it ([`Store::acknowledge`]);
//! - the pull cursor advances in the same transaction that applies the pulled changes
//!   ([`Store::apply_remote`]);
//! - a relay restored from a backup has a new epoch: the device then queues every change of every
//!   document again and pulls from zero ([`Store::observe_epoch`]);
//! - a change that cannot be applied is quarantined with its reason, and retried when what it waited
//!   for arrives; it never blocks the changes after it.

use super::documents::{self, heads_text};
use super::{erase, keys, projection, Error, Result, Store};
use crate::doc::{DocId, DocKind};
use crate::elder::ElderId;
use automerge::{ActorId, AutoCommit, Change};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};
use shouwang_protocol::envelope::{self, What};
use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;

mod spaces;
pub use spaces::SpaceCursor;

/// How this device is enrolled, and where its sync stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncState {
    /// The relay's base URL.
    pub relay: String,
    /// Bearer token (never printed).
    #[serde(skip)]
    pub token: String,
    /// This device's id at the relay.
    pub device_id: String,
    /// Role code.
    pub role: String,
    /// Unit code of the device's scope.
    pub scope: String,
    /// Family devices: their elder.
    pub elder: Option<String>,
    /// The relay epoch the cursor belongs to.
    pub epoch: String,
    /// Last relay sequence number applied (a village device; a device enrolled for a township keeps one
    /// per village, [`Store::space_cursors`]).
    pub cursor: u64,
    /// When everything was last acknowledged and pulled (RFC 3339).
    pub last_success: Option<String>,
    /// When a sync was last tried.
    pub last_attempt: Option<String>,
    /// What went wrong last time, if it did.
    pub last_error: Option<String>,
    /// A helper's tablet: the helper it belongs to (32 hex digits), when its code named one.
    pub helper: Option<String>,
}

/// A change made on this device, waiting for the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingChange {
    /// Order in the outbox.
    pub seq: i64,
    /// The document it changes.
    pub doc: DocId,
    /// Its key in the outbox (the automerge change's hash, or an already sealed envelope's SHA-256):
    /// what [`Store::acknowledge`] takes.
    pub hash: String,
    /// The sealed envelope, as it goes on the wire (empty when `held`).
    pub bytes: Vec<u8>,
    /// Why it cannot be sent yet (`no_key`: this device holds no key that seals its document).
    pub held: Option<&'static str>,
}

/// A change sent by the relay. Its hash is not sent: it is computed from the bytes when applying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingChange {
    /// The document it changes.
    pub doc: DocId,
    /// The sealed envelope.
    pub bytes: Vec<u8>,
}

/// What applying a page of changes did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Applied {
    /// Changes new to this device.
    pub applied: usize,
    /// Changes it already had (its own, or sent twice).
    pub duplicates: usize,
    /// Changes put in quarantine.
    pub quarantined: usize,
    /// Quarantined changes that could now be applied.
    pub released: usize,
    /// Changes held because this device holds no key that opens them (of those quarantined).
    pub held: usize,
    /// Keys received (an elder's key, a new generation) and erasures applied.
    pub keys: usize,
}

/// One entry of the committee's review list: something two devices disagree on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewItem {
    /// The elder concerned.
    pub elder: ElderId,
    /// Their name, as this device shows it.
    pub name: String,
    /// The field; `id_number` for two records with one ID number; `visits.<id>` for a submitted visit
    /// another device rewrote (the value is the visit as first submitted).
    pub field: String,
    /// Every value written.
    pub values: Vec<serde_json::Value>,
}

/// A quarantined change, for `sync status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quarantined {
    /// Its hash; for bytes that are not a change at all, the SHA-256 of the bytes.
    pub hash: String,
    /// The document it was for.
    pub doc: String,
    /// Why it is held.
    pub reason: String,
    /// When it arrived.
    pub received_at: String,
}

impl Store {
    /// How this device is enrolled, if it is.
    pub fn sync_state(&self) -> Result<Option<SyncState>> {
        let row = self
            .conn
            .query_row(
                "SELECT relay, token, device_id, role, scope, elder, epoch, cursor, last_success, last_attempt,
                     last_error, helper
                 FROM sync_state WHERE id = 1",
                [],
                |r| {
                    Ok(SyncState {
                        relay: r.get(0)?,
                        token: r.get(1)?,
                        device_id: r.get(2)?,
                        role: r.get(3)?,
                        scope: r.get(4)?,
                        elder: r.get(5)?,
                        epoch: r.get(6)?,
                        cursor: r.get::<_, i64>(7)? as u64,
                        last_success: r.get(8)?,
                        last_attempt: r.get(9)?,
                        last_error: r.get(10)?,
                        helper: r.get(11)?,
                    })
                },
            )
            .optional()?;
        Ok(row)
    }

    /// Records an enrolment. The outbox is kept: local edits are never dropped by a new enrolment.
    /// Enrolling with another relay (or epoch) starts the pull from zero and queues every change again;
    /// any enrolment clears the per-village cursors ([`Store::space_cursors`]).
    pub fn set_enrolment(&mut self, state: &SyncState, now: DateTime<Utc>) -> Result<()> {
        let space = self.key_space();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let previous: Option<(String, String)> = tx
            .query_row("SELECT relay, epoch FROM sync_state WHERE id = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let same_relay =
            previous.as_ref().is_some_and(|(relay, epoch)| *relay == state.relay && *epoch == state.epoch);
        tx.execute(
            "INSERT OR REPLACE INTO sync_state (id, relay, token, device_id, role, scope, elder, epoch, cursor,
                 helper)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params![
                state.relay,
                state.token,
                state.device_id,
                state.role,
                state.scope,
                state.elder,
                state.epoch,
                if same_relay { state.cursor as i64 } else { 0 },
                state.helper,
            ],
        )?;
        if previous.is_some() && !same_relay {
            requeue_all(&tx, &space, &now.to_rfc3339())?;
        }
        // A new enrolment may cover other villages: every village is pulled again from zero.
        spaces::clear(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Changes waiting for the relay after outbox position `after` (0: from the start), oldest first,
    /// at most `max_changes` and about `max_bytes`, each sealed with the newest key generation this
    /// device holds for its document (the outbox keeps them in the clear: the file is encrypted at
    /// rest). Sealing is deterministic, so a batch formed again after a lost answer is the same bytes.
    pub fn outbox_batch(
        &self,
        after: i64,
        max_changes: usize,
        max_bytes: usize,
    ) -> Result<Vec<OutgoingChange>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, doc_id, hash, change, what FROM outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map([after, max_changes as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Vec<u8>>(3)?,
                r.get::<_, u8>(4)?,
            ))
        })?;
        let space = self.key_space();
        let mut out = Vec::new();
        let mut bytes = 0;
        for row in rows {
            let (seq, doc, hash, change, what) = row?;
            if !out.is_empty() && bytes + change.len() > max_bytes {
                break;
            }
            bytes += change.len();
            let doc: DocId = doc.parse().map_err(|reason| Error::Corrupt { doc: doc.clone(), reason })?;
            let (sealed, held) = if what == What::Change.code() {
                match keys::seal_for(&self.conn, &space, What::Change, &doc, &change)? {
                    Some(sealed) => (sealed, None),
                    None => (Vec::new(), Some("no_key")),
                }
            } else {
                (change, None)
            };
            out.push(OutgoingChange { seq, doc, hash, bytes: sealed, held });
        }
        Ok(out)
    }

    /// Changes and bytes waiting in the outbox.
    pub fn outbox_totals(&self) -> Result<(u64, u64)> {
        let (n, bytes): (i64, i64) = self.conn.query_row(
            "SELECT count(*), coalesce(sum(length(change)), 0) FROM outbox",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((n as u64, bytes as u64))
    }

    /// The relay has stored these changes: they leave the outbox. Hashes not in the outbox are ignored.
    pub fn acknowledge(&mut self, hashes: &[String]) -> Result<usize> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut removed = 0;
        {
            let mut stmt = tx.prepare_cached("DELETE FROM outbox WHERE hash = ?1")?;
            for hash in hashes {
                removed += stmt.execute([hash])?;
            }
        }
        tx.commit()?;
        Ok(removed)
    }

    /// Compares the relay's epoch with the one the cursor belongs to. A new epoch means the relay was
    /// restored from a backup and may lack changes it once acknowledged: every change of every document
    /// is queued again and the pull starts from zero. Returns whether the epoch changed.
    pub fn observe_epoch(&mut self, epoch: &str, now: DateTime<Utc>) -> Result<bool> {
        let space = self.key_space();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: Option<String> =
            tx.query_row("SELECT epoch FROM sync_state WHERE id = 1", [], |r| r.get(0)).optional()?;
        let changed = current.as_deref().is_some_and(|c| c != epoch);
        if changed {
            requeue_all(&tx, &space, &now.to_rfc3339())?;
            tx.execute("UPDATE sync_state SET epoch = ?1, cursor = 0 WHERE id = 1", [epoch])?;
            spaces::clear(&tx)?;
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Applies a page of changes from the relay and moves the cursor to `next`, in one transaction.
    pub fn apply_remote(
        &mut self,
        changes: &[IncomingChange],
        next: u64,
        now: DateTime<Utc>,
    ) -> Result<Applied> {
        self.apply_page(None, changes, next, now)
    }

    /// Applies a page of one village's changes and moves that village's cursor (of
    /// [`Store::space_cursors`]) to `next`, in one transaction: how a township device pulls each village.
    pub fn apply_remote_in(
        &mut self,
        space: &str,
        changes: &[IncomingChange],
        next: u64,
        now: DateTime<Utc>,
    ) -> Result<Applied> {
        self.apply_page(Some(space), changes, next, now)
    }

    /// Applies a page and moves the device's cursor, or `space`'s, to `next`.
    fn apply_page(
        &mut self,
        space: Option<&str>,
        changes: &[IncomingChange],
        next: u64,
        now: DateTime<Utc>,
    ) -> Result<Applied> {
        let actor = ActorId::from(hex::decode(&self.registry.actor).unwrap_or_default());
        let stamp = now.to_rfc3339();
        let key_space = space.map(str::to_string).unwrap_or_else(|| self.key_space());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut report = Applied::default();
        let envelopes: Vec<(&DocId, &[u8])> = changes.iter().map(|c| (&c.doc, c.bytes.as_slice())).collect();
        apply_envelopes(&tx, &key_space, &envelopes, &actor, &stamp, &mut report)?;
        if report.keys > 0 {
            release_held_in(&tx, &actor, &stamp, &mut report)?;
        }
        match space {
            None => {
                tx.execute("UPDATE sync_state SET cursor = max(cursor, ?1) WHERE id = 1", [next as i64])?;
            }
            Some(space) => spaces::advance(&tx, space, next)?,
        }
        tx.commit()?;
        Ok(report)
    }

    /// Before a push: gives every elder whose `sensitive` document is queued their own key `k_E` if they
    /// have none yet (an office device, holding the village's root), and queues that key, sealed with the
    /// office key, to the elder's `keyring` document so the other office devices can open it. Returns
    /// the keys created.
    pub fn prepare_outbox(&mut self, now: DateTime<Utc>) -> Result<usize> {
        let space = self.key_space();
        let stamp = now.to_rfc3339();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !keys::holds_root(&tx, &space)? {
            return Ok(0);
        }
        let suffix = format!("/{}", DocKind::Sensitive.code());
        let waiting: Vec<String> = tx
            .prepare(
                "SELECT DISTINCT substr(doc_id, 1, 32) FROM outbox
                 WHERE what = 0 AND substr(doc_id, 33) = ?1
                   AND substr(doc_id, 1, 32) NOT IN (SELECT elder_id FROM elder_keys)
                 ORDER BY 1",
            )?
            .query_map([&suffix], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for elder in &waiting {
            let elder: ElderId =
                elder.parse().map_err(|reason| Error::Corrupt { doc: elder.clone(), reason })?;
            let k = crate::keys::Key::random();
            tx.execute(
                "INSERT INTO elder_keys (elder_id, key, created_at) VALUES (?1, ?2, ?3)",
                (elder.as_str(), k.bytes().as_slice(), &stamp),
            )?;
            grant(&tx, &space, &elder, &k, &stamp)?;
        }
        tx.commit()?;
        Ok(waiting.len())
    }

    /// Opens and applies the changes held for want of a key (after a bundle was imported); returns how
    /// many were released.
    pub fn release_held(&mut self, now: DateTime<Utc>) -> Result<usize> {
        let actor = ActorId::from(hex::decode(&self.registry.actor).unwrap_or_default());
        let stamp = now.to_rfc3339();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut report = Applied::default();
        let released = release_held_in(&tx, &actor, &stamp, &mut report)?;
        tx.commit()?;
        Ok(released)
    }

    /// How many changes are held for want of a key (`sync status`).
    pub fn held_count(&self) -> Result<u64> {
        let n: i64 =
            self.conn
                .query_row("SELECT count(*) FROM quarantine WHERE reason = 'no_key'", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Records the outcome of a sync attempt: success only when every change was acknowledged and
    /// everything pulled.
    pub fn record_sync(&mut self, error: Option<&str>, now: DateTime<Utc>) -> Result<()> {
        let stamp = now.to_rfc3339();
        match error {
            None => self.conn.execute(
                "UPDATE sync_state SET last_attempt = ?1, last_success = ?1, last_error = NULL WHERE id = 1",
                [&stamp],
            )?,
            Some(e) => self.conn.execute(
                "UPDATE sync_state SET last_attempt = ?1, last_error = ?2 WHERE id = 1",
                (&stamp, e),
            )?,
        };
        Ok(())
    }

    /// Changes held back, with their reasons.
    pub fn quarantined(&self) -> Result<Vec<Quarantined>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT hash, doc_id, reason, received_at FROM quarantine ORDER BY received_at, hash",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Quarantined { hash: r.get(0)?, doc: r.get(1)?, reason: r.get(2)?, received_at: r.get(3)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What the committee must look at: fields two devices wrote concurrently, and one ID number
    /// held by two records.
    pub fn review_list(&self) -> Result<Vec<ReviewItem>> {
        let mut items = Vec::new();
        let flagged: Vec<(String, String)> = self
            .conn
            .prepare_cached("SELECT elder_id, name FROM elders WHERE conflicts > 0 ORDER BY name, elder_id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, name) in flagged {
            let elder: ElderId = id.parse().map_err(|reason| Error::Corrupt { doc: id.clone(), reason })?;
            for (field, values) in self.conflicts(&elder)? {
                items.push(ReviewItem { elder: elder.clone(), name: name.clone(), field, values });
            }
        }
        let shared: Vec<(String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT e.elder_id, e.name, e.id_number FROM elders e
                 WHERE e.id_number IN (SELECT id_number FROM elders WHERE id_number IS NOT NULL
                                       GROUP BY id_number HAVING count(*) > 1)
                 ORDER BY e.id_number, e.elder_id",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, name, number) in shared {
            let elder: ElderId = id.parse().map_err(|reason| Error::Corrupt { doc: id.clone(), reason })?;
            items.push(ReviewItem { elder, name, field: "id_number".into(), values: vec![number.into()] });
        }
        // A submitted visit is immutable; an entry another device rewrote is shown as first submitted
        // and put before the committee here.
        for (visit, elder, original) in self.visit_rewrites()? {
            let name: Option<String> = self
                .conn
                .prepare_cached("SELECT name FROM elders WHERE elder_id = ?1")?
                .query_row([elder.to_string()], |r| r.get(0))
                .optional()?;
            items.push(ReviewItem {
                elder,
                name: name.unwrap_or_default(),
                field: format!("visits.{visit}"),
                values: vec![original],
            });
        }
        Ok(items)
    }
}

/// Opens and applies envelopes of `space` inside the caller's transaction: keys and erasures first (so
/// a change sealed with a key arriving in the same page opens), then the changes. A change this device
/// holds no key for is held sealed (`no_key`); one of an erased elder is dropped.
fn apply_envelopes(
    tx: &rusqlite::Transaction<'_>,
    space: &str,
    envelopes: &[(&DocId, &[u8])],
    actor: &ActorId,
    stamp: &str,
    report: &mut Applied,
) -> Result<()> {
    let mut opened: Vec<IncomingChange> = Vec::new();
    let mut changes: Vec<(&DocId, &[u8], u32)> = Vec::new();
    for &(doc, bytes) in envelopes {
        let Ok(header) = envelope::parse(bytes) else {
            report.quarantined += 1;
            quarantine(
                tx,
                &doc.to_string(),
                &hex::encode(Sha256::digest(bytes)),
                bytes,
                "not_sealed",
                stamp,
            )?;
            continue;
        };
        if header.what == What::Change {
            changes.push((doc, bytes, header.generation));
            continue;
        }
        let found = keys::keys_for(tx, space, header.what, doc, Some(header.generation))?;
        let plain = found
            .iter()
            .find_map(|(_, _, key)| crate::keys::open(key, space, &keys::doc_ref(doc), bytes).ok());
        let Some((_, plain)) = plain else {
            if header.what == What::KeyPackage {
                // Sealed for another device (each device key has its own package): not this one's.
                report.duplicates += 1;
            } else {
                hold(tx, space, doc, bytes, stamp, report)?;
            }
            continue;
        };
        match header.what {
            What::KeyPackage => {
                report.keys += keys::accept_package(tx, space, &plain, stamp)?;
            }
            What::ElderKey => {
                if plain.len() == 32 && !erase::is_erased(tx, doc.elder.as_str())? {
                    let added = tx
                        .prepare_cached(
                            "INSERT OR IGNORE INTO elder_keys (elder_id, key, created_at) VALUES (?1, ?2, ?3)",
                        )?
                        .execute((doc.elder.as_str(), &plain, stamp))?;
                    if added > 0 {
                        report.keys += 1;
                    } else {
                        report.duplicates += 1;
                    }
                } else {
                    report.duplicates += 1;
                }
            }
            What::Erasure => {
                let (at, reason) = erase::read_erasure(&plain);
                erase::erase_local(tx, &doc.elder, &at, &reason)?;
                report.keys += 1;
            }
            What::Change => unreachable!("changes are opened below"),
        }
    }
    for (doc, bytes, generation) in changes {
        if erase::is_erased(tx, doc.elder.as_str())? {
            report.duplicates += 1;
            continue;
        }
        let found = keys::keys_for(tx, space, What::Change, doc, Some(generation))?;
        if found.is_empty() {
            hold(tx, space, doc, bytes, stamp, report)?;
            continue;
        }
        let plain = found
            .iter()
            .find_map(|(_, _, key)| crate::keys::open(key, space, &keys::doc_ref(doc), bytes).ok());
        match plain {
            Some((_, plain)) => opened.push(IncomingChange { doc: doc.clone(), bytes: plain }),
            None => {
                report.quarantined += 1;
                quarantine(
                    tx,
                    &doc.to_string(),
                    &hex::encode(Sha256::digest(bytes)),
                    bytes,
                    "unopenable",
                    stamp,
                )?;
            }
        }
    }
    apply_plain(tx, &opened, actor, stamp, report)
}

/// Keeps an envelope this device has no key for, sealed, until a key arrives.
fn hold(
    tx: &rusqlite::Transaction<'_>,
    space: &str,
    doc: &DocId,
    bytes: &[u8],
    stamp: &str,
    report: &mut Applied,
) -> Result<()> {
    report.quarantined += 1;
    report.held += 1;
    tx.prepare_cached(
        "INSERT INTO quarantine (hash, doc_id, change, reason, received_at, space) VALUES (?1, ?2, ?3, 'no_key', ?4, ?5)
         ON CONFLICT (hash) DO UPDATE SET reason = excluded.reason, space = excluded.space",
    )?
    .execute((hex::encode(Sha256::digest(bytes)), doc.to_string(), bytes, stamp, space))?;
    Ok(())
}

/// Tries again every change held for want of a key, inside the caller's transaction.
fn release_held_in(
    tx: &rusqlite::Transaction<'_>,
    actor: &ActorId,
    stamp: &str,
    report: &mut Applied,
) -> Result<usize> {
    let held: Vec<(String, String, Vec<u8>, String)> = tx
        .prepare("SELECT hash, doc_id, change, coalesce(space, '') FROM quarantine WHERE reason = 'no_key' ORDER BY received_at, hash")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if held.is_empty() {
        return Ok(0);
    }
    tx.execute("DELETE FROM quarantine WHERE reason = 'no_key'", [])?;
    let mut by_space: BTreeMap<String, Vec<(DocId, Vec<u8>)>> = BTreeMap::new();
    for (hash, doc, bytes, space) in held {
        match doc.parse::<DocId>() {
            Ok(doc) => by_space.entry(space).or_default().push((doc, bytes)),
            Err(_) => {
                quarantine(tx, &doc, &hash, &bytes, "rejected", stamp)?;
            }
        }
    }
    let mut again = Applied::default();
    for (space, items) in &by_space {
        let envelopes: Vec<(&DocId, &[u8])> = items.iter().map(|(d, b)| (d, b.as_slice())).collect();
        apply_envelopes(tx, space, &envelopes, actor, stamp, &mut again)?;
    }
    let total: usize = by_space.values().map(Vec::len).sum();
    let released = total.saturating_sub(again.quarantined);
    report.released += released;
    report.applied += again.applied;
    report.duplicates += again.duplicates;
    report.keys += again.keys;
    Ok(released)
}

/// Applies opened automerge changes inside the caller's transaction, grouped by subject, quarantining
/// what cannot be applied, and refreshes the projection of what changed.
fn apply_plain(
    tx: &rusqlite::Transaction<'_>,
    changes: &[IncomingChange],
    actor: &ActorId,
    stamp: &str,
    report: &mut Applied,
) -> Result<()> {
    let mut by_elder: BTreeMap<ElderId, Vec<&IncomingChange>> = BTreeMap::new();
    for change in changes {
        by_elder.entry(change.doc.elder.clone()).or_default().push(change);
    }
    let mut touched: Vec<DocId> = Vec::new();
    for (elder, incoming) in by_elder {
        let mut kinds: Vec<DocKind> = incoming.iter().map(|c| c.doc.kind).collect();
        kinds.sort();
        kinds.dedup();
        let mut docs = documents::load_kinds(tx, &elder, &kinds, actor)?;
        let mut changed = false;
        // The changes of this page applied so far, in order: what a reloaded document replays.
        let mut applied: Vec<&IncomingChange> = Vec::new();
        for c in &incoming {
            let at = docs.iter().position(|l| l.kind == c.doc.kind).expect("every kind is loaded");
            let applying =
                std::panic::catch_unwind(AssertUnwindSafe(|| apply_one(&mut docs[at].doc, &c.bytes)));
            let (hash, outcome) = match applying {
                Ok(done) => done,
                Err(_) => {
                    // automerge panicked on a crafted change (found by fuzzing): the document in
                    // memory may be half changed, so load it again, replay what this page already
                    // applied to it — only what applied: a change that panicked earlier in the page
                    // would panic again (found by fuzzing too) — and keep the change in quarantine.
                    docs[at] = reload(tx, &elder, c.doc.kind, actor, &applied)?;
                    (hex::encode(Sha256::digest(&c.bytes)), Outcome::Refused("rejected"))
                }
            };
            match outcome {
                Outcome::Applied => {
                    report.applied += 1;
                    changed = true;
                    applied.push(c);
                }
                Outcome::Duplicate => report.duplicates += 1,
                Outcome::Refused(reason) => {
                    report.quarantined += 1;
                    quarantine(tx, &c.doc.to_string(), &hash, &c.bytes, reason, stamp)?;
                }
            }
        }
        if changed {
            let before: Vec<Vec<automerge::ChangeHash>> = docs.iter().map(|l| l.before.clone()).collect();
            for at in store_docs(tx, &elder, &mut docs)? {
                // One of the page's changes leaves this document unloadable: apply them again one at
                // a time, keeping each only while the document still loads, and quarantine the rest.
                let kind = docs[at].kind;
                let mut fresh = reload(tx, &elder, kind, actor, &[])?;
                for c in applied.iter().filter(|c| c.doc.kind == kind) {
                    let mut trial = fresh.doc.clone();
                    let tried =
                        std::panic::catch_unwind(AssertUnwindSafe(|| apply_one(&mut trial, &c.bytes)));
                    match tried {
                        Ok((_, Outcome::Applied)) if loads_again(&trial.save()) => fresh.doc = trial,
                        _ => {
                            report.applied -= 1;
                            report.quarantined += 1;
                            let hash = Change::from_bytes(c.bytes.clone())
                                .map(|ch| ch.hash().to_string())
                                .unwrap_or_else(|_| hex::encode(Sha256::digest(&c.bytes)));
                            quarantine(tx, &c.doc.to_string(), &hash, &c.bytes, "unloadable", stamp)?;
                        }
                    }
                }
                docs[at] = fresh;
                let left = store_docs(tx, &elder, std::slice::from_mut(&mut docs[at]))?;
                if !left.is_empty() {
                    return Err(Error::Corrupt {
                        doc: DocId { elder: elder.clone(), kind }.to_string(),
                        reason: "the stored document with this page's loadable changes does not load".into(),
                    });
                }
            }
            for (loaded, before) in docs.iter_mut().zip(&before) {
                if &loaded.doc.get_heads() != before {
                    touched.push(DocId { elder: elder.clone(), kind: loaded.kind });
                }
            }
        }
    }
    report.released += release_quarantine(tx, actor, &mut touched)?;
    // Refresh the projection per subject, for the kinds that changed (an elder's row from record
    // kinds only: a helper's or an organisation's subject never makes an elder row).
    let mut by_subject: BTreeMap<ElderId, Vec<DocKind>> = BTreeMap::new();
    for doc in touched {
        let kinds = by_subject.entry(doc.elder).or_default();
        if !kinds.contains(&doc.kind) {
            kinds.push(doc.kind);
        }
    }
    for (subject, kinds) in &by_subject {
        projection::refresh(tx, subject, kinds, actor)?;
    }
    Ok(())
}

/// Document `kind` of `elder` as stored, with the changes of `applied` that belong to it applied again
/// in their order. They applied once to the same state, so they apply again; should automerge still
/// panic, the page is refused as a whole (its transaction rolls back, nothing is lost).
fn reload(
    tx: &rusqlite::Transaction<'_>,
    elder: &ElderId,
    kind: DocKind,
    actor: &ActorId,
    applied: &[&IncomingChange],
) -> Result<documents::Loaded> {
    let mut fresh = documents::load_kinds(tx, elder, &[kind], actor)?.pop().expect("the kind is loaded");
    for earlier in applied.iter().filter(|e| e.doc.kind == kind) {
        std::panic::catch_unwind(AssertUnwindSafe(|| apply_one(&mut fresh.doc, &earlier.bytes))).map_err(
            |_| Error::Corrupt {
                doc: earlier.doc.to_string(),
                reason: "a change that applied panicked when applied again".into(),
            },
        )?;
    }
    Ok(fresh)
}

enum Outcome {
    Applied,
    Duplicate,
    Refused(&'static str),
}

/// Applies one change; returns its hash (the key it is quarantined under) and what became of it. Bytes
/// automerge cannot decode (which includes a damaged checksum) have no change hash: their key is the
/// SHA-256 of the bytes.
fn apply_one(doc: &mut automerge::AutoCommit, bytes: &[u8]) -> (String, Outcome) {
    let Ok(change) = Change::from_bytes(bytes.to_vec()) else {
        return (hex::encode(Sha256::digest(bytes)), Outcome::Refused("undecodable"));
    };
    let hash = change.hash();
    let outcome = if doc.get_change_by_hash(&hash).is_some() {
        Outcome::Duplicate
    } else if Change::from(change.decode()).hash() != hash {
        // Bytes that decode but are not the canonical encoding of their own operations: automerge
        // would apply them, but a saved document re-encodes them, gets another hash and no longer
        // loads ("mismatching heads"). No honest device writes such a change; found by fuzzing.
        Outcome::Refused("not_canonical")
    } else if change.deps().iter().any(|dep| doc.get_change_by_hash(dep).is_none()) {
        // A change whose dependencies are not here yet would sit in automerge's memory queue and be
        // lost on save: hold it in quarantine instead and retry when they arrive.
        Outcome::Refused("missing_dependencies")
    } else {
        match doc.apply_changes([change]) {
            Ok(()) => Outcome::Applied,
            Err(_) => Outcome::Refused("rejected"),
        }
    };
    (hash.to_string(), outcome)
}

fn quarantine(
    tx: &rusqlite::Transaction<'_>,
    doc: &str,
    hash: &str,
    bytes: &[u8],
    reason: &str,
    stamp: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO quarantine (hash, doc_id, change, reason, received_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (hash) DO UPDATE SET reason = excluded.reason",
    )?
    .execute((hash, doc, bytes, reason, stamp))?;
    Ok(())
}

/// Retries changes that waited for their dependencies, until no more can be applied.
fn release_quarantine(
    tx: &rusqlite::Transaction<'_>,
    actor: &ActorId,
    touched: &mut Vec<DocId>,
) -> Result<usize> {
    let mut released = 0;
    loop {
        let waiting: Vec<(String, String, Vec<u8>)> = tx
            .prepare_cached("SELECT hash, doc_id, change FROM quarantine WHERE reason = 'missing_dependencies' ORDER BY received_at")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut progress = false;
        for (hash, doc_id, bytes) in waiting {
            let Ok(doc) = doc_id.parse::<DocId>() else { continue };
            let mut docs = [documents::load_one(tx, &doc.elder, doc.kind, actor)?];
            // A change that panics automerge once its dependencies are here stays in quarantine,
            // refused; the document loaded for it is dropped unsaved.
            let outcome =
                std::panic::catch_unwind(AssertUnwindSafe(|| apply_one(&mut docs[0].doc, &bytes).1))
                    .unwrap_or(Outcome::Refused("rejected"));
            match outcome {
                Outcome::Refused("rejected") => {
                    tx.execute("UPDATE quarantine SET reason = 'rejected' WHERE hash = ?1", [&hash])?;
                }
                Outcome::Applied | Outcome::Duplicate
                    if !store_docs(tx, &doc.elder, &mut docs)?.is_empty() =>
                {
                    tx.execute("UPDATE quarantine SET reason = 'unloadable' WHERE hash = ?1", [&hash])?;
                }
                Outcome::Applied | Outcome::Duplicate => {
                    tx.execute("DELETE FROM quarantine WHERE hash = ?1", [&hash])?;
                    if !touched.contains(&doc) {
                        touched.push(doc.clone());
                    }
                    released += 1;
                    progress = true;
                }
                Outcome::Refused(_) => {}
            }
        }
        if !progress {
            return Ok(released);
        }
    }
}

/// Saves documents changed by applied remote changes (no outbox entries: they came from elsewhere);
/// returns the positions of those not saved because their saved form does not load again.
fn store_docs(
    tx: &rusqlite::Transaction<'_>,
    elder: &ElderId,
    docs: &mut [documents::Loaded],
) -> Result<Vec<usize>> {
    let mut unloadable = Vec::new();
    for (i, loaded) in docs.iter_mut().enumerate() {
        let heads = loaded.doc.get_heads();
        if heads == loaded.before {
            continue;
        }
        let data = loaded.doc.save();
        if !loads_again(&data) {
            unloadable.push(i);
            continue;
        }
        let updated = documents::latest_change_time(&mut loaded.doc);
        tx.prepare_cached(
            "INSERT INTO documents (doc_id, elder_id, kind, data, heads, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (doc_id) DO UPDATE SET data = excluded.data, heads = excluded.heads, updated_at = excluded.updated_at",
        )?
        .execute((
            DocId { elder: elder.clone(), kind: loaded.kind }.to_string(),
            elder.as_str(),
            loaded.kind.code(),
            data,
            heads_text(&heads),
            updated,
        ))?;
        loaded.before = heads;
    }
    Ok(unloadable)
}

/// Whether a saved document loads again. What came from elsewhere is stored only if it does: a change
/// automerge applies but whose saved document it cannot read back ("missing ops", found by fuzzing)
/// would make every later read of the document fail.
fn loads_again(data: &[u8]) -> bool {
    AutoCommit::load(data).is_ok()
}

/// Queues an elder's key `k_E`, sealed with the newest office key, to the elder's `keyring` document.
fn grant(
    tx: &rusqlite::Transaction<'_>,
    space: &str,
    elder: &ElderId,
    k: &crate::keys::Key,
    stamp: &str,
) -> Result<()> {
    let doc = DocId { elder: elder.clone(), kind: DocKind::Keyring };
    if let Some(sealed) = keys::seal_for(tx, space, What::ElderKey, &doc, k.bytes())? {
        keys::queue_sealed(tx, &doc, What::ElderKey, &sealed, stamp)?;
    }
    Ok(())
}

/// Queues every change of every document again (after a relay restore, or a new relay); an office
/// device also queues again every elder's key and every erasure it holds, so a relay restored from a
/// backup drops an erased elder again.
fn requeue_all(tx: &rusqlite::Transaction<'_>, space: &str, stamp: &str) -> Result<()> {
    if keys::holds_root(tx, space)? {
        let held: Vec<(String, Vec<u8>)> = tx
            .prepare("SELECT elder_id, key FROM elder_keys ORDER BY elder_id, key")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (elder, k) in held {
            if let (Ok(elder), Some(k)) = (elder.parse::<ElderId>(), crate::keys::Key::from_slice(&k)) {
                grant(tx, space, &elder, &k, stamp)?;
            }
        }
        let erased: Vec<(String, String, String)> = tx
            .prepare("SELECT elder_id, erased_at, reason FROM erasures ORDER BY elder_id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (elder, at, reason) in erased {
            let Ok(elder) = elder.parse::<ElderId>() else { continue };
            let doc = DocId { elder, kind: DocKind::Keyring };
            if let Some(sealed) =
                keys::seal_for(tx, space, What::Erasure, &doc, &erase::erasure_bytes(&at, &reason))?
            {
                keys::queue_sealed(tx, &doc, What::Erasure, &sealed, stamp)?;
            }
        }
    }
    let docs: Vec<(String, Vec<u8>)> = tx
        .prepare("SELECT doc_id, data FROM documents ORDER BY doc_id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO outbox (doc_id, hash, change, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (hash) DO NOTHING",
    )?;
    for (doc_id, data) in docs {
        let mut doc = automerge::AutoCommit::load(&data)
            .map_err(|e| Error::Corrupt { doc: doc_id.clone(), reason: e.to_string() })?;
        for change in doc.get_changes(&[]) {
            insert.execute((&doc_id, change.hash().to_string(), change.raw_bytes(), stamp))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
