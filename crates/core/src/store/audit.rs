//! The audit log's store side ([`crate::audit`]): entries appended in the transaction of what they
//! record, into the `audit_log` table and the device's `audit` document of the entry's page together
//! (so an append reads and writes one page, whatever the log's length); listing the entries of every
//! device this store holds; verifying every chain.

use super::documents;
use super::{Error, Result, Store};
use crate::audit::{self, Action, Break, BreakKind, Entry};
use crate::crdt;
use crate::doc::DocKind;
use crate::elder::{Elder, ElderId};
use crate::view::{Operation, Viewer};
use automerge::ActorId;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde_json::Value;
use std::collections::BTreeMap;

/// The sensitive fields of the record (the `sensitive` document's) an audit entry names.
pub(super) fn sensitive_fields(elder: &Elder) -> Vec<&'static str> {
    let Ok(Value::Object(all)) = serde_json::to_value(elder) else { return Vec::new() };
    DocKind::Sensitive
        .fields()
        .iter()
        .copied()
        .filter(|f| all.get(*f).is_some_and(|v| !(v.is_null() || v == "" || v == &Value::Array(Vec::new()))))
        .collect()
}

/// The sensitive fields whose values differ between two versions of a record.
pub(super) fn changed_sensitive_fields(before: Option<&Elder>, after: &Elder) -> Vec<&'static str> {
    let json = |e: &Elder| serde_json::to_value(e).unwrap_or(Value::Null);
    let after = json(after);
    let before = before.map(json).unwrap_or(Value::Null);
    DocKind::Sensitive
        .fields()
        .iter()
        .copied()
        .filter(|f| {
            let empty = |v: Option<&Value>| {
                v.is_none_or(|v| v.is_null() || v == "" || v == &Value::Array(Vec::new()))
            };
            let (a, b) = (before.get(*f), after.get(*f));
            !(empty(a) && empty(b)) && a != b
        })
        .collect()
}

/// Appends an entry to this device's log, inside the caller's transaction: the `audit_log` row and
/// the entry in the device's `audit` document (its change goes to the outbox). Returns the entry.
pub(super) fn append(
    conn: &Connection,
    viewer: &Viewer,
    actor: &ActorId,
    action: Action,
    elder: Option<&ElderId>,
    fields: &[&str],
    now: DateTime<Utc>,
) -> Result<Entry> {
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let entry = Entry::next(
        last.as_ref().map(|(seq, hash)| (*seq as u64, hash.as_str())),
        now.to_rfc3339(),
        viewer.device.clone(),
        viewer.role,
        action,
        elder.cloned(),
        fields,
    );
    conn.prepare_cached(
        "INSERT INTO audit_log (seq, at, device, role, action, elder, fields, prev, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(rusqlite::params![
        entry.seq as i64,
        entry.at,
        entry.device,
        entry.role.code(),
        entry.action.code(),
        entry.elder.as_ref().map(ElderId::as_str),
        serde_json::to_string(&entry.fields).expect("names serialise"),
        entry.prev,
        entry.hash,
    ])?;
    let subject = audit::page_subject(&viewer.device, audit::page_of(entry.seq));
    let mut loaded = documents::load_one(conn, &subject, DocKind::Audit, actor)?;
    let mut content = crdt::read(&loaded.doc);
    let mut value = serde_json::to_value(&entry).expect("an entry serialises");
    if let Value::Object(m) = &mut value {
        // The key is the seq; an absent elder is left out rather than stored as null.
        m.retain(|_, v| !v.is_null());
    }
    content.insert(audit::key(entry.seq), value);
    documents::save(conn, &subject, &mut loaded, &content, now)?;
    Ok(entry)
}

fn local_entries(conn: &Connection, elder: Option<&ElderId>) -> Result<Vec<std::result::Result<Entry, u64>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, at, device, role, action, elder, fields, prev, hash FROM audit_log
         WHERE ?1 IS NULL OR elder = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([elder.map(ElderId::as_str)], |r| {
        let seq: i64 = r.get(0)?;
        let role: String = r.get(3)?;
        let action: String = r.get(4)?;
        let elder: Option<String> = r.get(5)?;
        let fields: String = r.get(6)?;
        let entry = (|| {
            Some(Entry {
                seq: seq as u64,
                at: r.get(1).ok()?,
                device: r.get(2).ok()?,
                role: crate::role::Role::parse(&role)?,
                action: Action::parse(&action)?,
                elder: match elder {
                    Some(e) => Some(e.parse().ok()?),
                    None => None,
                },
                fields: serde_json::from_str(&fields).ok()?,
                prev: r.get(7).ok()?,
                hash: r.get(8).ok()?,
            })
        })();
        Ok(entry.ok_or(seq as u64))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One synced `audit` document: its subject and its entries by seq (an unreadable entry is its seq).
type SyncedDoc = (ElderId, Vec<std::result::Result<Entry, u64>>);

/// Every `audit` document this store holds, every page of every device.
fn synced_entries(conn: &Connection, actor: &ActorId) -> Result<Vec<SyncedDoc>> {
    let subjects: Vec<String> = conn
        .prepare_cached("SELECT elder_id FROM documents WHERE kind = 'audit' ORDER BY elder_id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for raw in subjects {
        let subject: ElderId = raw.parse().map_err(|reason| Error::Corrupt { doc: raw.clone(), reason })?;
        let loaded = documents::load_one(conn, &subject, DocKind::Audit, actor)?;
        let entries = crdt::read(&loaded.doc)
            .into_iter()
            .map(|(key, value)| {
                let seq = key.parse::<u64>().unwrap_or(0);
                serde_json::from_value::<Entry>(value).map_err(|_| seq)
            })
            .collect();
        out.push((subject, entries));
    }
    Ok(out)
}

impl Store {
    /// Appends one entry in its own transaction (a read that shows sensitive fields).
    pub(super) fn audit_now(
        &self,
        action: Action,
        elder: Option<&ElderId>,
        fields: &[&str],
        now: DateTime<Utc>,
    ) -> Result<Entry> {
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let entry = append(&tx, &self.viewer(), &self.actor(), action, elder, fields, now)?;
        tx.commit()?;
        Ok(entry)
    }

    /// The audit entries this store holds, of every device (this one's log and the `audit` documents
    /// synced from the others), optionally about one elder only, in time order. Office only.
    pub fn audit_log(&self, elder: Option<&ElderId>) -> Result<Vec<Entry>> {
        self.require(Operation::Audit)?;
        let mut all: BTreeMap<(String, u64), Entry> = BTreeMap::new();
        for entry in local_entries(&self.conn, elder)?.into_iter().flatten() {
            all.insert((entry.device.clone(), entry.seq), entry);
        }
        for (_, doc) in synced_entries(&self.conn, &self.actor())? {
            for entry in doc.into_iter().flatten() {
                if elder.is_none() || entry.elder.as_ref() == elder {
                    all.entry((entry.device.clone(), entry.seq)).or_insert(entry);
                }
            }
        }
        let mut entries: Vec<Entry> = all.into_values().collect();
        entries.sort_by(|a, b| a.at.cmp(&b.at).then(a.device.cmp(&b.device)).then(a.seq.cmp(&b.seq)));
        Ok(entries)
    }

    /// Checks every device's chain this store holds — this device's `audit_log` table, and every
    /// synced `audit` document — and this device's document against its table. Returns every break
    /// (empty: the log is whole). Office only.
    pub fn verify_audit(&self) -> Result<Vec<Break>> {
        self.require(Operation::Audit)?;
        let me = self.registry.actor.clone();
        let mut breaks = Vec::new();
        let unreadable = |device: &str, source: &str, seq| Break {
            device: device.to_string(),
            seq,
            what: BreakKind::Unreadable,
            source: source.to_string(),
        };
        let local = local_entries(&self.conn, None)?;
        let mut local_ok = Vec::new();
        for e in &local {
            match e {
                Ok(e) => local_ok.push(e.clone()),
                Err(seq) => breaks.push(unreadable(&me, "local", *seq)),
            }
        }
        breaks.extend(audit::verify(&me, "local", &local_ok));
        // The synced pages, joined per device: an entry must sit in its device's page, and two
        // pages holding the same entry must hold it alike.
        let mut devices: BTreeMap<String, BTreeMap<u64, Entry>> = BTreeMap::new();
        let document_break = |device: &str, seq, what| Break {
            device: device.to_string(),
            seq,
            what,
            source: "document".into(),
        };
        for (subject, doc) in synced_entries(&self.conn, &self.actor())? {
            let mut device = None;
            for e in doc {
                match e {
                    Ok(e) => {
                        // A document carries one device's entries; the first names it.
                        let device = device.get_or_insert_with(|| e.device.clone()).clone();
                        if e.device != device || !audit::kept_in(&subject, &device, e.seq) {
                            breaks.push(document_break(&device, e.seq, BreakKind::Edited));
                        }
                        let chain = devices.entry(device.clone()).or_default();
                        match chain.get(&e.seq) {
                            Some(held) if held != &e => {
                                breaks.push(document_break(&device, e.seq, BreakKind::Differs))
                            }
                            Some(_) => {}
                            None => {
                                chain.insert(e.seq, e);
                            }
                        }
                    }
                    Err(seq) => breaks.push(unreadable(device.as_deref().unwrap_or("?"), "document", seq)),
                }
            }
        }
        let local_by_seq: std::collections::HashMap<u64, &Entry> =
            local_ok.iter().map(|e| (e.seq, e)).collect();
        for (device, chain) in devices {
            let chain: Vec<Entry> = chain.into_values().collect();
            breaks.extend(audit::verify(&device, "document", &chain));
            if device == me {
                for e in &chain {
                    if local_by_seq.get(&e.seq).is_some_and(|l| *l != e) {
                        breaks.push(document_break(&device, e.seq, BreakKind::Differs));
                    }
                }
            }
        }
        breaks.sort_by(|a, b| a.device.cmp(&b.device).then(a.seq.cmp(&b.seq)));
        breaks.dedup();
        Ok(breaks)
    }
}
