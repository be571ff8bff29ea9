//! Loading and saving one elder's automerge documents inside a transaction.

use super::{Error, Result};
use crate::crdt;
use crate::doc::{DocId, DocKind};
use crate::elder::{Elder, ElderId};
use automerge::{ActorId, AutoCommit, ChangeHash};
use rusqlite::Connection;
use serde_json::{Map, Value};

/// One document as loaded for an edit: what it held before, so the new changes can be found.
pub(super) struct Loaded {
    pub kind: DocKind,
    pub doc: AutoCommit,
    pub before: Vec<ChangeHash>,
}

/// The documents of `elder`'s registration record, in [`DocKind::RECORD`] order; kinds never written
/// come back empty.
pub(super) fn load(conn: &Connection, elder: &ElderId, actor: &ActorId) -> Result<Vec<Loaded>> {
    load_kinds(conn, elder, DocKind::RECORD, actor)
}

/// One document of a subject (empty when never written).
pub(super) fn load_one(
    conn: &Connection,
    subject: &ElderId,
    kind: DocKind,
    actor: &ActorId,
) -> Result<Loaded> {
    Ok(load_kinds(conn, subject, &[kind], actor)?.pop().expect("one kind asked, one loaded"))
}

/// The documents of these kinds of a subject, in the order asked; kinds never written come back empty.
pub(super) fn load_kinds(
    conn: &Connection,
    elder: &ElderId,
    kinds: &[DocKind],
    actor: &ActorId,
) -> Result<Vec<Loaded>> {
    let mut stmt = conn.prepare_cached("SELECT kind, data FROM documents WHERE elder_id = ?1")?;
    let mut stored: Vec<(String, Vec<u8>)> =
        stmt.query_map([elder.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    kinds
        .iter()
        .map(|&kind| {
            let mut doc = match stored.iter().position(|(k, _)| k == kind.code()) {
                Some(i) => {
                    let (_, data) = stored.swap_remove(i);
                    AutoCommit::load(&data).map_err(|e| Error::Corrupt {
                        doc: DocId { elder: elder.clone(), kind }.to_string(),
                        reason: e.to_string(),
                    })?
                }
                None => AutoCommit::new(),
            };
            doc.set_actor(actor.clone());
            let before = doc.get_heads();
            Ok(Loaded { kind, doc, before })
        })
        .collect()
}

/// The record held by loaded documents. Keys of a record document that are not fields of the form
/// (the assignment's current helper and history, the family's calls) are kept by their own operations
/// and are not part of the record.
pub(super) fn join(elder: &ElderId, docs: &[Loaded]) -> Result<Elder> {
    let parts = docs.iter().map(|l| {
        let mut part = crdt::read(&l.doc);
        part.retain(|k, _| l.kind.fields().contains(&k.as_str()));
        part
    });
    crate::doc::join(elder, parts)
        .map_err(|e| Error::Corrupt { doc: elder.to_string(), reason: e.to_string() })
}

/// Fields two devices wrote concurrently, across the elder's documents.
pub(super) fn conflicts(docs: &[Loaded]) -> usize {
    docs.iter().map(|l| record_conflicts(l).len()).sum()
}

/// The conflicts of one loaded document the committee reviews: every concurrently written key except
/// the card's date of the latest visit, whose latest value is the truth ([`crate::doc::LAST_VISIT`]).
pub(super) fn record_conflicts(l: &Loaded) -> Vec<(String, Vec<serde_json::Value>)> {
    let mut found = crdt::conflicts(&l.doc);
    if l.kind == DocKind::Card {
        found.retain(|(key, _)| key != crate::doc::LAST_VISIT);
    }
    found
}

/// Writes `content` into the document, commits it at `now`, and stores the document and its new
/// changes (into the outbox). Returns how many changes were made; a document left empty is not stored.
pub(super) fn save(
    conn: &Connection,
    elder: &ElderId,
    loaded: &mut Loaded,
    content: &Map<String, Value>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize> {
    crdt::reconcile(&mut loaded.doc, content)?;
    let commit = automerge::transaction::CommitOptions::default().with_time(now.timestamp_millis());
    if loaded.doc.commit_with(commit).is_none() {
        return Ok(0);
    }
    let doc_id = DocId { elder: elder.clone(), kind: loaded.kind }.to_string();
    let changes = loaded.doc.get_changes(&loaded.before);
    let stamp = now.to_rfc3339();
    let mut outbox = conn.prepare_cached(
        "INSERT INTO outbox (doc_id, hash, change, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (doc_id, hash) DO NOTHING",
    )?;
    for change in &changes {
        outbox.execute((&doc_id, change.hash().to_string(), change.raw_bytes(), &stamp))?;
    }
    let heads = heads_text(&loaded.doc.get_heads());
    let stamp = latest_change_time(&mut loaded.doc);
    conn.prepare_cached(
        "INSERT INTO documents (doc_id, elder_id, kind, data, heads, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (doc_id) DO UPDATE SET data = excluded.data, heads = excluded.heads, updated_at = excluded.updated_at",
    )?
    .execute((&doc_id, elder.as_str(), loaded.kind.code(), loaded.doc.save(), heads, &stamp))?;
    loaded.before = loaded.doc.get_heads();
    Ok(changes.len())
}

/// The time of the document's latest change (as its author's clock said), RFC 3339. Every device
/// holding the same changes computes the same value, so projections agree across devices.
pub(super) fn latest_change_time(doc: &mut AutoCommit) -> String {
    let millis = doc.get_changes(&[]).iter().map(|c| c.timestamp()).max().unwrap_or(0);
    chrono::DateTime::from_timestamp_millis(millis).unwrap_or_default().to_rfc3339()
}

/// Heads as stored: sorted hex hashes joined by commas.
pub(super) fn heads_text(heads: &[ChangeHash]) -> String {
    let mut hex: Vec<String> = heads.iter().map(ToString::to_string).collect();
    hex.sort();
    hex.join(",")
}
