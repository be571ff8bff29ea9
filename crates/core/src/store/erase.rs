//! Erasure on request by crypto-shredding (issue 7, part 6): the elder's own key `k_E` is destroyed
//! and every record of the elder deleted, here and on every office device as the erasure syncs; the
//! relay drops what it holds of the elder when it stores the erasure.

use super::keys::holds_root;
use super::{Error, Result, Store};
use crate::doc::{DocId, DocKind};
use crate::elder::ElderId;
use crate::keys::What;
use crate::view::Operation;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

/// Tables never touched by an erasure: the erasure record itself and the hash-chained audit trail
/// (which names ids, never personal data).
fn kept(table: &str) -> bool {
    table == "erasures" || table.starts_with("audit")
}

/// Deletes everything this store holds of `elder` (documents, projection rows, drafts, held and queued
/// changes), destroys its keys and records the erasure, inside the caller's transaction.
pub(super) fn erase_local(tx: &Connection, elder: &ElderId, erased_at: &str, reason: &str) -> Result<()> {
    let id = elder.as_str();
    // Overwrite the key bytes before the row goes, so a page the database reuses does not keep them.
    tx.execute("UPDATE elder_keys SET key = zeroblob(length(key)) WHERE elder_id = ?1", [id])?;
    let tables: Vec<String> = tx
        .prepare(
            "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
             WHERE m.type = 'table' AND c.name = 'elder_id' ORDER BY m.name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in tables.iter().filter(|t| !kept(t)) {
        tx.execute(&format!("DELETE FROM \"{table}\" WHERE elder_id = ?1"), [id])?;
    }
    let prefix = format!("{id}/%");
    tx.execute(
        "DELETE FROM outbox WHERE doc_id LIKE ?1 AND NOT (doc_id = ?2 AND what = 2)",
        (&prefix, format!("{id}/keyring")),
    )?;
    tx.execute("DELETE FROM quarantine WHERE doc_id LIKE ?1", [&prefix])?;
    tx.execute(
        "INSERT INTO erasures (elder_id, erased_at, reason) VALUES (?1, ?2, ?3) ON CONFLICT (elder_id) DO NOTHING",
        (id, erased_at, reason),
    )?;
    Ok(())
}

/// Queues the erasure of `elder` to its `keyring` document: kept in the clear in the outbox (the file is
/// encrypted at rest) and sealed with the elder's card key and signed with the office signing key of
/// the newest generation when a batch is formed ([`super::keys::seal_erasure`]), so the relay and every
/// device can verify it comes from a device holding the office's keys.
pub(super) fn queue_erasure(
    tx: &Connection,
    elder: &ElderId,
    erased_at: &str,
    reason: &str,
    stamp: &str,
) -> Result<()> {
    use sha2::{Digest, Sha256};
    let doc = DocId { elder: elder.clone(), kind: DocKind::Keyring };
    let content = erasure_bytes(erased_at, reason);
    tx.prepare_cached(
        "INSERT INTO outbox (doc_id, hash, change, created_at, what) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (doc_id, hash) DO UPDATE SET held = NULL",
    )?
    .execute(rusqlite::params![
        doc.to_string(),
        hex::encode(Sha256::digest(&content)),
        content,
        stamp,
        What::Erasure.code()
    ])?;
    Ok(())
}

/// Whether `elder` was erased here (their changes are then refused).
pub(super) fn is_erased(tx: &Connection, elder: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM erasures WHERE elder_id = ?1")?
        .query_row([elder], |_| Ok(()))
        .optional()?
        .is_some())
}

/// An erasure's sealed content: the date and the reason, one line each.
pub(super) fn erasure_bytes(erased_at: &str, reason: &str) -> Vec<u8> {
    format!("{erased_at}\n{reason}").into_bytes()
}

/// Reads an erasure's content.
pub(super) fn read_erasure(bytes: &[u8]) -> (String, String) {
    let text = String::from_utf8_lossy(bytes);
    let (at, reason) = text.split_once('\n').unwrap_or((&text, ""));
    (at.to_string(), reason.to_string())
}

impl Store {
    /// [`Store::erase_elder`] after the screen's confirmation: `typed_name` (what the committee member
    /// typed) must be the elder's name, or nothing is erased (`confirm_name`). A device that may not
    /// erase is refused before the name is compared.
    pub fn erase_elder_named(
        &mut self,
        elder: &ElderId,
        typed_name: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.require(Operation::EraseElder)?;
        if typed_name.trim() != self.read_elder(elder)?.name {
            return Err(Error::Field {
                field: "confirm_name".into(),
                zh: "输入的姓名与老人姓名不一致".into(),
                en: "the name typed does not match the elder's".into(),
            });
        }
        self.erase_elder(elder, reason, now)
    }

    /// Erases an elder on request (committee only): in one transaction destroys the elder's key `k_E`,
    /// deletes every document, projection row, draft, held and queued change of the elder, records the
    /// erasure (id, date, reason: no personal data) and queues an erasure to the elder's `keyring`
    /// document, which every office device applies as it syncs and on which the relay drops what it
    /// holds of the elder. `reason` is required (e.g. 本人申请删除).
    pub fn erase_elder(&mut self, elder: &ElderId, reason: &str, now: DateTime<Utc>) -> Result<()> {
        self.require(Operation::EraseElder)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(Error::Field {
                field: "reason".into(),
                zh: "删除须写明原因（不超过 200 字）".into(),
                en: "an erasure needs a reason (at most 200 characters)".into(),
            });
        }
        let space = self.key_space();
        let stamp = now.to_rfc3339();
        let refused = self.viewer().refuse(Operation::EraseElder);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if !holds_root(&tx, &space)? {
            return Err(Error::Refused(refused));
        }
        let known: i64 =
            tx.query_row("SELECT count(*) FROM documents WHERE elder_id = ?1", [elder.as_str()], |r| {
                r.get(0)
            })?;
        if known == 0 && !is_erased(&tx, elder.as_str())? {
            return Err(Error::NotFound(elder.clone()));
        }
        erase_local(&tx, elder, &stamp, reason)?;
        queue_erasure(&tx, elder, &stamp, reason, &stamp)?;
        tx.commit()?;
        Ok(())
    }

    /// The erasures done or received here: (elder id, when, reason).
    pub fn erasures(&self) -> Result<Vec<(String, String, String)>> {
        Ok(self
            .conn
            .prepare("SELECT elder_id, erased_at, reason FROM erasures ORDER BY erased_at, elder_id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// How many elder keys (`k_E`) this store holds for `elder` (0 after an erasure).
    pub fn elder_key_count(&self, elder: &ElderId) -> Result<usize> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM elder_keys WHERE elder_id = ?1",
            [elder.as_str()],
            |r| r.get(0),
        )?;
        Ok(n as usize)
    }
}
