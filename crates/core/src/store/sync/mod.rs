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
use crate::role::Role;
use crate::write_rules::{self, Writes};
use automerge::{ActorId, AutoCommit, Change};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};
use shouwang_protocol::envelope::{self, What};
use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;

mod routing;
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
    /// Its key in the outbox with `doc` (the automerge change's hash, or an already sealed envelope's
    /// SHA-256): what [`Store::acknowledge`] takes, with the document.
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
    /// The role of the device that pushed it, as the relay reports it: what it may not write is held
    /// for the committee's review, not applied ([`crate::write_rules`]).
    pub by: Role,
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
    /// Changes held because they touch what the pushing device's role may not write (of those
    /// quarantined): on the committee's review list.
    pub forbidden: usize,
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
    /// For a change held because its pusher's role may not write it: that role. The field is then
    /// where it wrote (`card.name`), and the values what it would have made of the document.
    pub held_from: Option<Role>,
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
        // A new enrolment is a new chance for what the relay refused before.
        tx.execute("UPDATE outbox SET held = NULL WHERE held IS NOT NULL", [])?;
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
            "SELECT seq, doc_id, hash, change, what, held FROM outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map([after, max_changes as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Vec<u8>>(3)?,
                r.get::<_, u8>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let space = self.key_space();
        let mut out = Vec::new();
        let mut bytes = 0;
        for row in rows {
            let (seq, doc, hash, change, what, refused) = row?;
            if !out.is_empty() && bytes + change.len() > max_bytes {
                break;
            }
            bytes += change.len();
            let doc: DocId = doc.parse().map_err(|reason| Error::Corrupt { doc: doc.clone(), reason })?;
            let sealed = if refused.is_some() {
                None
            } else if what == What::Change.code() {
                keys::seal_for(&self.conn, &space, What::Change, &doc, &change)?
            } else if what == What::Erasure.code() {
                // Signed with the newest generation's office key when the batch is formed, so an
                // erasure queued before a rotation goes out under the key the relay holds after it.
                keys::seal_erasure(&self.conn, &space, &doc, &change)?
            } else {
                Some(change)
            };
            let (sealed, held) = match (sealed, refused) {
                (_, Some(_)) => (Vec::new(), Some("refused")),
                (Some(sealed), None) => (sealed, None),
                (None, None) => (Vec::new(), Some("no_key")),
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

    /// The relay has stored these changes, each named by its document and its hash (two documents may
    /// hold byte-identical changes: each is its own): they leave the outbox. Changes not in the outbox
    /// are ignored.
    pub fn acknowledge(&mut self, changes: &[(DocId, String)]) -> Result<usize> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut removed = 0;
        {
            let mut stmt = tx.prepare_cached("DELETE FROM outbox WHERE doc_id = ?1 AND hash = ?2")?;
            for (doc, hash) in changes {
                removed += stmt.execute((doc.to_string(), hash))?;
            }
        }
        tx.commit()?;
        Ok(removed)
    }

    /// The relay refused one change of a push for a reason its next sync would not mend (an erasure signed
    /// with an office key the relay no longer holds, a kind this device's role may not write): the change
    /// stays in the outbox, held (`reason`, shown by `sync status`), and the rest of the outbox goes on.
    /// Held changes are tried again when keys arrive ([`Store::release_held`]) or on a new enrolment.
    pub fn hold_outgoing(&mut self, doc: &DocId, hash: &str, reason: &str) -> Result<bool> {
        let n = self.conn.execute(
            "UPDATE outbox SET held = ?3 WHERE doc_id = ?1 AND hash = ?2",
            (doc.to_string(), hash, reason),
        )?;
        Ok(n > 0)
    }

    /// The changes of the outbox the relay refused, with why: (document, reason).
    pub fn refused_outgoing(&self) -> Result<Vec<(String, String)>> {
        Ok(self
            .conn
            .prepare("SELECT doc_id, held FROM outbox WHERE held IS NOT NULL ORDER BY seq")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
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
        self.apply_page(Advance::Device(next), changes, now)
    }

    /// Applies changes fetched outside the page order, in one transaction, without moving any cursor:
    /// the history of an elder newly routed to this helper's tablet, up to its cursor.
    pub fn apply_history(&mut self, changes: &[IncomingChange], now: DateTime<Utc>) -> Result<Applied> {
        self.apply_page(Advance::Nothing, changes, now)
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
        self.apply_page(Advance::Space(space, next), changes, now)
    }

    /// Applies a page and moves the cursor it came after, in one transaction.
    fn apply_page(
        &mut self,
        advance: Advance<'_>,
        changes: &[IncomingChange],
        now: DateTime<Utc>,
    ) -> Result<Applied> {
        let actor = ActorId::from(hex::decode(&self.registry.actor).unwrap_or_default());
        let stamp = now.to_rfc3339();
        let key_space = match advance {
            Advance::Space(space, _) => space.to_string(),
            Advance::Device(_) | Advance::Nothing => self.key_space(),
        };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut report = Applied::default();
        let envelopes: Vec<Envelope<'_>> =
            changes.iter().map(|c| Envelope { doc: &c.doc, bytes: &c.bytes, by: c.by }).collect();
        apply_envelopes(&tx, &key_space, &envelopes, &actor, &stamp, &mut report)?;
        if report.keys > 0 {
            release_held_in(&tx, &actor, &stamp, &mut report)?;
            // New keys may sign what the relay refused before.
            tx.execute("UPDATE outbox SET held = NULL WHERE held IS NOT NULL", [])?;
        }
        match advance {
            Advance::Device(next) => {
                tx.execute("UPDATE sync_state SET cursor = max(cursor, ?1) WHERE id = 1", [next as i64])?;
            }
            Advance::Space(space, next) => spaces::advance(&tx, space, next)?,
            Advance::Nothing => {}
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
        tx.execute("UPDATE outbox SET held = NULL WHERE held IS NOT NULL", [])?;
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
        self.require(crate::view::Operation::ReviewConflicts)?;
        let mut items = Vec::new();
        let flagged: Vec<(String, String)> = self
            .conn
            .prepare_cached("SELECT elder_id, name FROM elders WHERE conflicts > 0 ORDER BY name, elder_id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, name) in flagged {
            let elder: ElderId = id.parse().map_err(|reason| Error::Corrupt { doc: id.clone(), reason })?;
            for (field, values) in self.conflicts(&elder)? {
                items.push(ReviewItem {
                    elder: elder.clone(),
                    name: name.clone(),
                    field,
                    values,
                    held_from: None,
                });
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
            items.push(ReviewItem {
                elder,
                name,
                field: "id_number".into(),
                values: vec![number.into()],
                held_from: None,
            });
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
                held_from: None,
            });
        }
        // A change another device's role may not write (a forged helper change to a card's name): held,
        // never applied, each of its fields listed with the value it would have written.
        let held: Vec<(String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT q.doc_id, coalesce(q.by_role, ''), coalesce(q.detail, '') FROM quarantine q
                 WHERE q.reason = 'forbidden' ORDER BY q.received_at, q.doc_id, q.hash",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (doc, role, detail) in held {
            let Ok(doc) = doc.parse::<DocId>() else { continue };
            let name: Option<String> = self
                .conn
                .prepare_cached("SELECT name FROM elders WHERE elder_id = ?1")?
                .query_row([doc.elder.as_str()], |r| r.get(0))
                .optional()?;
            let fields: Vec<(String, serde_json::Value)> = serde_json::from_str(&detail).unwrap_or_default();
            for (path, value) in fields {
                items.push(ReviewItem {
                    elder: doc.elder.clone(),
                    name: name.clone().unwrap_or_default(),
                    field: if path.is_empty() {
                        doc.kind.code().to_string()
                    } else {
                        format!("{}.{path}", doc.kind.code())
                    },
                    values: vec![value],
                    held_from: Role::parse(&role),
                });
            }
        }
        Ok(items)
    }
}

/// Which cursor applying a page moves.
#[derive(Clone, Copy)]
enum Advance<'a> {
    /// The device's own (a village device).
    Device(u64),
    /// One village's (a township device).
    Space(&'a str, u64),
    /// None: changes fetched outside the page order.
    Nothing,
}

/// One envelope to apply: its document, its bytes and the role of the device that pushed it.
#[derive(Clone, Copy)]
struct Envelope<'a> {
    doc: &'a DocId,
    bytes: &'a [u8],
    by: Role,
}

/// Opens and applies envelopes of `space` inside the caller's transaction: keys and erasures first (so
/// a change sealed with a key arriving in the same page opens), then the changes. A change this device
/// holds no key for is held sealed (`no_key`); one of an erased elder is dropped. Keys and erasures
/// count only from a committee device, and an erasure only signed by the village's office key of its
/// generation (`unsigned_erasure` otherwise: quarantined, nothing erased).
fn apply_envelopes(
    tx: &rusqlite::Transaction<'_>,
    space: &str,
    envelopes: &[Envelope<'_>],
    actor: &ActorId,
    stamp: &str,
    report: &mut Applied,
) -> Result<()> {
    let mut opened: Vec<IncomingChange> = Vec::new();
    let mut changes: Vec<(Envelope<'_>, u32)> = Vec::new();
    for &env @ Envelope { doc, bytes, by } in envelopes {
        let Ok(header) = envelope::parse(bytes) else {
            report.quarantined += 1;
            let hash = hex::encode(Sha256::digest(bytes));
            quarantine(tx, &doc.to_string(), &hash, bytes, "not_sealed", stamp, by, None)?;
            continue;
        };
        if header.what == What::Change {
            changes.push((env, header.generation));
            continue;
        }
        if by != Role::Committee {
            // The relay takes keys and erasures from a committee only; a device never trusts that alone.
            report.quarantined += 1;
            report.forbidden += 1;
            let hash = hex::encode(Sha256::digest(bytes));
            quarantine(tx, &doc.to_string(), &hash, bytes, "forbidden", stamp, by, Some(r#"[["", null]]"#))?;
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
                hold(tx, space, env, stamp, report)?;
            }
            continue;
        };
        if header.what == What::Erasure {
            match keys::office_key(tx, space, header.generation)? {
                None => {
                    hold(tx, space, env, stamp, report)?;
                    continue;
                }
                Some(office) if !envelope::signed_by(bytes, space, &keys::doc_ref(doc), office.bytes()) => {
                    report.quarantined += 1;
                    let hash = hex::encode(Sha256::digest(bytes));
                    quarantine(tx, &doc.to_string(), &hash, bytes, "unsigned_erasure", stamp, by, None)?;
                    continue;
                }
                Some(_) => {}
            }
        }
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
    for (env, generation) in changes {
        let Envelope { doc, bytes, by } = env;
        if erase::is_erased(tx, doc.elder.as_str())? {
            report.duplicates += 1;
            continue;
        }
        let found = keys::keys_for(tx, space, What::Change, doc, Some(generation))?;
        if found.is_empty() {
            hold(tx, space, env, stamp, report)?;
            continue;
        }
        let plain = found
            .iter()
            .find_map(|(_, _, key)| crate::keys::open(key, space, &keys::doc_ref(doc), bytes).ok());
        match plain {
            Some((_, plain)) => opened.push(IncomingChange { doc: doc.clone(), bytes: plain, by }),
            None => {
                report.quarantined += 1;
                let hash = hex::encode(Sha256::digest(bytes));
                quarantine(tx, &doc.to_string(), &hash, bytes, "unopenable", stamp, by, None)?;
            }
        }
    }
    apply_plain(tx, &opened, actor, stamp, report)
}

/// Keeps an envelope this device has no key for, sealed, until a key arrives.
fn hold(
    tx: &rusqlite::Transaction<'_>,
    space: &str,
    env: Envelope<'_>,
    stamp: &str,
    report: &mut Applied,
) -> Result<()> {
    report.quarantined += 1;
    report.held += 1;
    tx.prepare_cached(
        "INSERT INTO quarantine (hash, doc_id, change, reason, received_at, space, by_role)
         VALUES (?1, ?2, ?3, 'no_key', ?4, ?5, ?6)
         ON CONFLICT (doc_id, hash) DO UPDATE SET reason = excluded.reason, space = excluded.space",
    )?
    .execute((
        hex::encode(Sha256::digest(env.bytes)),
        env.doc.to_string(),
        env.bytes,
        stamp,
        space,
        env.by.code(),
    ))?;
    Ok(())
}

/// The role a held change was pushed by (one held before roles were recorded: the committee's).
fn held_role(code: &str) -> Role {
    Role::parse(code).unwrap_or(Role::Committee)
}

/// Tries again every change held for want of a key, inside the caller's transaction.
fn release_held_in(
    tx: &rusqlite::Transaction<'_>,
    actor: &ActorId,
    stamp: &str,
    report: &mut Applied,
) -> Result<usize> {
    let held: Vec<(String, String, Vec<u8>, String, String)> = tx
        .prepare(
            "SELECT hash, doc_id, change, coalesce(space, ''), coalesce(by_role, '') FROM quarantine
             WHERE reason = 'no_key' ORDER BY received_at, hash",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if held.is_empty() {
        return Ok(0);
    }
    tx.execute("DELETE FROM quarantine WHERE reason = 'no_key'", [])?;
    let mut by_space: BTreeMap<String, Vec<(DocId, Vec<u8>, Role)>> = BTreeMap::new();
    for (hash, doc, bytes, space, by) in held {
        match doc.parse::<DocId>() {
            Ok(doc) => by_space.entry(space).or_default().push((doc, bytes, held_role(&by))),
            Err(_) => {
                quarantine(tx, &doc, &hash, &bytes, "rejected", stamp, held_role(&by), None)?;
            }
        }
    }
    let mut again = Applied::default();
    for (space, items) in &by_space {
        let envelopes: Vec<Envelope<'_>> =
            items.iter().map(|(doc, bytes, by)| Envelope { doc, bytes, by: *by }).collect();
        apply_envelopes(tx, space, &envelopes, actor, stamp, &mut again)?;
    }
    let total: usize = by_space.values().map(Vec::len).sum();
    let released = total.saturating_sub(again.quarantined);
    report.released += released;
    report.applied += again.applied;
    report.duplicates += again.duplicates;
    report.keys += again.keys;
    report.forbidden += again.forbidden;
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
            let kind = c.doc.kind;
            let applying = std::panic::catch_unwind(AssertUnwindSafe(|| {
                apply_checked(&mut docs[at].doc, kind, &c.bytes, c.by)
            }));
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
                    quarantine(tx, &c.doc.to_string(), &hash, &c.bytes, reason, stamp, c.by, None)?;
                }
                Outcome::Forbidden(detail) => {
                    report.quarantined += 1;
                    report.forbidden += 1;
                    quarantine(
                        tx,
                        &c.doc.to_string(),
                        &hash,
                        &c.bytes,
                        "forbidden",
                        stamp,
                        c.by,
                        Some(&detail),
                    )?;
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
                            quarantine(
                                tx,
                                &c.doc.to_string(),
                                &hash,
                                &c.bytes,
                                "unloadable",
                                stamp,
                                c.by,
                                None,
                            )?;
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
    /// It touches what its pusher's role may not write: held for review with what it would have
    /// written (JSON `[[path, value], …]`).
    Forbidden(String),
}

/// Applies one change as [`apply_one`] does, unless it touches what `by` may not write of `kind`
/// ([`crate::write_rules`]): then the document is left as it was and the change is `Forbidden`, with the
/// fields and the values it would have written. A role that writes all of a kind costs nothing more;
/// one that writes some fields is checked on a copy of the document.
fn apply_checked(doc: &mut AutoCommit, kind: DocKind, bytes: &[u8], by: Role) -> (String, Outcome) {
    match kind.written_by(by) {
        Writes::All => apply_one(doc, bytes),
        Writes::Nothing => {
            let hash = Change::from_bytes(bytes.to_vec())
                .map(|c| c.hash().to_string())
                .unwrap_or_else(|_| hex::encode(Sha256::digest(bytes)));
            (hash, Outcome::Forbidden(serde_json::json!([["", null]]).to_string()))
        }
        Writes::Fields(_) => {
            let mut trial = doc.clone();
            let (hash, outcome) = apply_one(&mut trial, bytes);
            if !matches!(outcome, Outcome::Applied) {
                return (hash, outcome);
            }
            let paths = write_rules::forbidden(kind, by, doc, &trial);
            if paths.is_empty() {
                *doc = trial;
                return (hash, Outcome::Applied);
            }
            let after = crate::crdt::read(&trial);
            let detail: Vec<serde_json::Value> = paths
                .iter()
                .map(|path| {
                    let key = path.split(['.', '[']).next().unwrap_or_default();
                    serde_json::json!([path, after.get(key).cloned().unwrap_or(serde_json::Value::Null)])
                })
                .collect();
            (hash, Outcome::Forbidden(serde_json::Value::Array(detail).to_string()))
        }
    }
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

/// Keeps a change that cannot be applied (yet), with why, who pushed it and (`forbidden`) what it
/// would have written.
#[allow(clippy::too_many_arguments)]
fn quarantine(
    tx: &rusqlite::Transaction<'_>,
    doc: &str,
    hash: &str,
    bytes: &[u8],
    reason: &str,
    stamp: &str,
    by: Role,
    detail: Option<&str>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO quarantine (hash, doc_id, change, reason, received_at, by_role, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (doc_id, hash) DO UPDATE SET reason = excluded.reason, detail = excluded.detail",
    )?
    .execute((hash, doc, bytes, reason, stamp, by.code(), detail))?;
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
        let waiting: Vec<(String, String, Vec<u8>, String)> = tx
            .prepare_cached(
                "SELECT hash, doc_id, change, coalesce(by_role, '') FROM quarantine
                 WHERE reason = 'missing_dependencies' ORDER BY received_at",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut progress = false;
        for (hash, doc_id, bytes, by) in waiting {
            let Ok(doc) = doc_id.parse::<DocId>() else { continue };
            let mut docs = [documents::load_one(tx, &doc.elder, doc.kind, actor)?];
            // A change that panics automerge once its dependencies are here stays in quarantine,
            // refused; the document loaded for it is dropped unsaved.
            let kind = doc.kind;
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                apply_checked(&mut docs[0].doc, kind, &bytes, held_role(&by)).1
            }))
            .unwrap_or(Outcome::Refused("rejected"));
            match outcome {
                Outcome::Forbidden(detail) => {
                    tx.execute(
                        "UPDATE quarantine SET reason = 'forbidden', detail = ?3 WHERE doc_id = ?1 AND hash = ?2",
                        [&doc_id, &hash, &detail],
                    )?;
                }
                Outcome::Refused("rejected") => {
                    tx.execute(
                        "UPDATE quarantine SET reason = 'rejected' WHERE doc_id = ?1 AND hash = ?2",
                        [&doc_id, &hash],
                    )?;
                }
                Outcome::Applied | Outcome::Duplicate
                    if !store_docs(tx, &doc.elder, &mut docs)?.is_empty() =>
                {
                    tx.execute(
                        "UPDATE quarantine SET reason = 'unloadable' WHERE doc_id = ?1 AND hash = ?2",
                        [&doc_id, &hash],
                    )?;
                }
                Outcome::Applied | Outcome::Duplicate => {
                    tx.execute("DELETE FROM quarantine WHERE doc_id = ?1 AND hash = ?2", [&doc_id, &hash])?;
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
            erase::queue_erasure(tx, &elder, &at, &reason, stamp)?;
        }
    }
    let docs: Vec<(String, Vec<u8>)> = tx
        .prepare("SELECT doc_id, data FROM documents ORDER BY doc_id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO outbox (doc_id, hash, change, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (doc_id, hash) DO UPDATE SET held = NULL",
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
