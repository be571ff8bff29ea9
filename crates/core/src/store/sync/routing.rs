//! Routing: which elders' documents a helper's tablet receives (issue 14, least data).
//!
//! The committee's device computes its village's routing table from the assignments it holds — for
//! each helper, the active elders assigned to them — and gives it to the relay whenever the relay's
//! table (a digest, reported with every pull) differs ([`Store::routing_table`]). The relay then hands
//! a helper's tablet, of the kinds about an elder, only those routed to its helper. The tablet keeps
//! the list it has caught up with ([`Store::routing_version`], [`Store::routed_subjects`]); when the
//! relay reports another version it reads its list, fetches the history of each elder routed to it
//! since (`apply_history`), and then forgets what it holds of the elders routed away
//! ([`Store::set_routing`]) — documents and projection rows, never a change still waiting in its
//! outbox (a visit logged before the elder was reassigned goes out first and is forgotten after).
//!
//! Subjects are pseudonymous ids (keyed elder ids, random helper ids): the relay learns who is served
//! by whom, never who they are.

use super::super::{Error, Result, Store};
use crate::elder::ElderId;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use std::collections::BTreeMap;

use shouwang_protocol::ELDER_KINDS;

impl Store {
    /// The routing table of this (committee) store's village: each helper's id with the ids of the
    /// active elders assigned to them, both in id order.
    pub fn routing_table(&self) -> Result<Vec<(String, Vec<String>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.helper_id, a.elder_id FROM elder_helpers a JOIN elders e ON e.elder_id = a.elder_id
             WHERE a.helper_id IS NOT NULL AND e.status = 'active' ORDER BY a.helper_id, a.elder_id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut table: Vec<(String, Vec<String>)> = Vec::new();
        for row in rows {
            let (helper, elder) = row?;
            match table.last_mut() {
                Some((h, elders)) if *h == helper => elders.push(elder),
                _ => table.push((helper, vec![elder])),
            }
        }
        Ok(table)
    }

    /// The digest of [`Store::routing_table`], as the relay reports its own.
    pub fn routing_digest(&self) -> Result<u64> {
        let table = self.routing_table()?;
        Ok(shouwang_protocol::routes_digest(
            table.iter().flat_map(|(h, elders)| elders.iter().map(move |e| (h.as_str(), e.as_str()))),
        ))
    }

    /// The version of its helper's routing list this tablet has caught up with (0: none yet).
    pub fn routing_version(&self) -> Result<u64> {
        let v: Option<i64> = self
            .conn
            .query_row("SELECT version FROM routing_state WHERE id = 1", [], |r| r.get(0))
            .optional()?;
        Ok(v.unwrap_or(0) as u64)
    }

    /// The subjects routed to this tablet, each with the version it was routed at.
    pub fn routed_subjects(&self) -> Result<BTreeMap<String, u64>> {
        let rows = self
            .conn
            .prepare("SELECT subject, since FROM routed_subjects ORDER BY subject")?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Of a routing list the relay gives, the subjects whose history this tablet must fetch: those
    /// routed to it after the version it caught up with, or that it does not hold as routed.
    pub fn subjects_to_fetch(&self, subjects: &[(String, u64)]) -> Result<Vec<String>> {
        let version = self.routing_version()?;
        let known = self.routed_subjects()?;
        Ok(subjects
            .iter()
            .filter(|(subject, since)| *since > version || !known.contains_key(subject))
            .map(|(subject, _)| subject.clone())
            .collect())
    }

    /// Records the routing list this tablet caught up with (after fetching the history of what is new)
    /// and forgets what it holds of every elder no longer routed to it, unless its outbox still holds a
    /// change of theirs (then at a later call). Returns how many elders were forgotten.
    pub fn set_routing(&mut self, version: u64, subjects: &[(String, u64)]) -> Result<usize> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("DELETE FROM routed_subjects", [])?;
        {
            let mut insert = tx.prepare("INSERT INTO routed_subjects (subject, since) VALUES (?1, ?2)")?;
            for (subject, since) in subjects {
                insert.execute((subject, *since as i64))?;
            }
        }
        tx.execute(
            "INSERT INTO routing_state (id, version) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET version = excluded.version",
            [version as i64],
        )?;
        let kinds = ELDER_KINDS.map(|k| format!("'{k}'")).join(", ");
        let away: Vec<String> = tx
            .prepare(&format!(
                "SELECT DISTINCT elder_id FROM documents d WHERE kind IN ({kinds})
                   AND elder_id NOT IN (SELECT subject FROM routed_subjects)
                   AND NOT EXISTS (SELECT 1 FROM outbox o WHERE substr(o.doc_id, 1, 32) = d.elder_id)
                 ORDER BY elder_id"
            ))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for elder in &away {
            let elder: ElderId =
                elder.parse().map_err(|reason| Error::Corrupt { doc: elder.clone(), reason })?;
            forget(&tx, &elder)?;
        }
        tx.commit()?;
        Ok(away.len())
    }
}

/// Deletes what this device holds of an elder routed away from it: their documents, projection rows,
/// drafts and held changes. Not an erasure: nothing is recorded and nothing sent; should they be
/// routed here again, their history is fetched again.
fn forget(tx: &Connection, elder: &ElderId) -> Result<()> {
    let tables: Vec<String> = tx
        .prepare(
            "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
             WHERE m.type = 'table' AND c.name = 'elder_id' AND m.name NOT LIKE 'audit%'
               AND m.name NOT IN ('erasures', 'elder_keys') ORDER BY m.name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in &tables {
        tx.execute(&format!("DELETE FROM \"{table}\" WHERE elder_id = ?1"), [elder.as_str()])?;
    }
    tx.execute("DELETE FROM quarantine WHERE doc_id LIKE ?1", [format!("{elder}/%")])?;
    Ok(())
}
