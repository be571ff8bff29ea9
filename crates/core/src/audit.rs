//! The audit log 审计日志: who viewed or changed which sensitive field of which elder, when, from which
//! device (PIPL 第55条 records of processing).
//!
//! An [`Entry`] names fields, never their values. Entries of one device form a chain: each carries the
//! hash of the one before (`prev`) and its own `hash` = SHA-256(`prev` ‖ [`Entry::canonical`]), so an
//! edited entry no longer matches its hash, and a deleted one leaves a gap in `seq` and a `prev` that
//! names an entry that is not there. [`verify`] walks a chain and reports every [`Break`].
//!
//! The store writes each entry into its `audit_log` table (append-only: no API updates or deletes
//! it, and SQLite triggers refuse both) and, in the same transaction, into the device's own automerge
//! documents of kind `audit` ([`page_subject`]), keyed by `seq` and never edited, so entries reach the
//! committee through the ordinary outbox. A device's log is cut into pages of [`PAGE`] entries, one
//! document each, so that appending costs the same at the millionth entry as at the first (a store
//! written before pages keeps its first document, whatever it holds, as page 0). What a chain cannot show: the *last* entries of a device
//! removed together (nothing after them names them) — the committee sees them missing only against a
//! copy it already synced.

use crate::doc::SubjectId;
use crate::elder::ElderId;
use crate::role::Role;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

crate::elder::choice! {
    /// What was done with the fields an entry names.
    Action {
        /// Sensitive fields were shown (an office reading an elder's record).
        View = "view" / "查看",
        /// Sensitive fields were written.
        Change = "change" / "修改",
        /// Everything held on an elder was exported (PIPL 查阅复制权).
        Export = "export" / "导出",
        /// The elder's data was erased.
        Erase = "erase" / "删除",
        /// A consent was recorded or withdrawn.
        Consent = "consent" / "知情同意",
    }
}

/// The `prev` of a device's first entry: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of a device's audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Position in the device's log: 1, 2, 3… without gaps.
    pub seq: u64,
    /// When (RFC 3339, as the device's clock said).
    pub at: String,
    /// The device: its automerge actor id (32 hex digits).
    pub device: String,
    /// The role the device was acting in.
    pub role: Role,
    /// What was done.
    pub action: Action,
    /// Whose data.
    pub elder: Option<ElderId>,
    /// The fields, by name (never their values), sorted.
    pub fields: Vec<String>,
    /// The hash of the entry before (64 zeros for the first).
    pub prev: String,
    /// SHA-256(`prev` ‖ canonical entry), hex.
    pub hash: String,
}

impl Entry {
    /// Makes the entry after `prev` (`None` for a device's first), with its hash.
    #[allow(clippy::too_many_arguments)]
    pub fn next(
        prev: Option<(u64, &str)>,
        at: String,
        device: String,
        role: Role,
        action: Action,
        elder: Option<ElderId>,
        fields: &[&str],
    ) -> Entry {
        let (seq, prev) = match prev {
            Some((seq, hash)) => (seq + 1, hash.to_string()),
            None => (1, GENESIS.to_string()),
        };
        let mut fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        fields.sort();
        fields.dedup();
        let mut entry = Entry { seq, at, device, role, action, elder, fields, prev, hash: String::new() };
        entry.hash = entry.computed_hash();
        entry
    }

    /// The entry as hashed: its fields but `prev` and `hash`, in a fixed order, as compact JSON
    /// (field names sorted).
    pub fn canonical(&self) -> String {
        let mut fields = self.fields.clone();
        fields.sort();
        serde_json::json!([
            self.seq,
            self.at,
            self.device,
            self.role.code(),
            self.action.code(),
            self.elder.as_ref().map(ElderId::as_str),
            fields,
        ])
        .to_string()
    }

    /// SHA-256(`prev` ‖ canonical entry), hex: what `hash` must be.
    pub fn computed_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.prev.as_bytes());
        h.update(self.canonical().as_bytes());
        hex::encode(h.finalize())
    }
}

crate::elder::choice! {
    /// How a chain is broken.
    BreakKind {
        /// The entry's content no longer gives its hash: it was edited.
        Edited = "edited" / "条目被修改",
        /// Entries before this one are missing (a gap in `seq`): they were deleted.
        Missing = "missing" / "条目缺失",
        /// The entry does not name the hash of the entry before it.
        Unlinked = "unlinked" / "链接断开",
        /// The device's synced document and its local log disagree about this entry.
        Differs = "differs" / "副本不一致",
        /// The entry cannot be read at all.
        Unreadable = "unreadable" / "无法读取",
    }
}

/// One break of a device's chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Break {
    /// The device whose log is broken.
    pub device: String,
    /// Where: the entry's `seq`.
    pub seq: u64,
    /// What is wrong.
    pub what: BreakKind,
    /// Where it was found: `local` (this device's table) or `document` (a synced `audit` document).
    pub source: String,
}

impl BreakKind {
    /// What is wrong, in English, as the audit screen says it.
    pub fn en(self) -> &'static str {
        match self {
            BreakKind::Edited => "the entry was edited",
            BreakKind::Missing => "entries before it are missing (deleted)",
            BreakKind::Unlinked => "it does not link to the entry before it",
            BreakKind::Differs => "the synced copy and the local log disagree",
            BreakKind::Unreadable => "the entry cannot be read",
        }
    }
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "设备 {} 第 {} 条：{} / device {} entry {}: {} ({})",
            self.device,
            self.seq,
            self.what.zh(),
            self.device,
            self.seq,
            self.what.code(),
            self.source
        )
    }
}

/// Checks one device's chain, entries in `seq` order: each hash is recomputed, each `prev` must be the
/// hash before it, and `seq` must run 1, 2, 3… Every break is reported, not only the first.
pub fn verify(device: &str, source: &str, entries: &[Entry]) -> Vec<Break> {
    let mut breaks = Vec::new();
    let mut brk =
        |seq, what| breaks.push(Break { device: device.to_string(), seq, what, source: source.to_string() });
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS.to_string();
    for e in entries {
        if e.seq != expected_seq {
            brk(e.seq, BreakKind::Missing);
        } else if e.prev != prev_hash {
            brk(e.seq, BreakKind::Unlinked);
        }
        if e.computed_hash() != e.hash || e.device != device {
            brk(e.seq, BreakKind::Edited);
        }
        expected_seq = e.seq + 1;
        prev_hash = e.hash.clone();
    }
    breaks
}

/// How many entries one `audit` document holds: entry `seq` is in page `(seq - 1) / PAGE`.
pub const PAGE: u64 = 256;

/// The page of a device's log that holds entry `seq`.
pub fn page_of(seq: u64) -> u64 {
    seq.saturating_sub(1) / PAGE
}

/// The subject of a device's first `audit` document (page 0): SHA-256("shouwang/audit/v1\0" ‖ actor
/// id), first 128 bits as 32 hex digits (the relay sees no actor id).
pub fn subject(device: &str) -> SubjectId {
    page_subject(device, 0)
}

/// The subject of page `page` of a device's log: page 0 is [`subject`]; a later page adds
/// "\0" ‖ its number to what is hashed.
pub fn page_subject(device: &str, page: u64) -> SubjectId {
    let mut h = Sha256::new();
    h.update(b"shouwang/audit/v1\0");
    h.update(device.as_bytes());
    if page > 0 {
        h.update(b"\0");
        h.update(page.to_string().as_bytes());
    }
    hex::encode(&h.finalize()[..16]).parse().expect("32 lowercase hex digits are an id")
}

/// Whether `subject` is where entry `seq` of `device` may be kept: its page's document, or page 0
/// (which, in a store written before pages, holds every entry).
pub fn kept_in(subject: &SubjectId, device: &str, seq: u64) -> bool {
    *subject == self::subject(device) || *subject == page_subject(device, page_of(seq))
}

/// The key of an entry in the `audit` document: its `seq`, zero-padded so keys sort in order.
pub fn key(seq: u64) -> String {
    format!("{seq:012}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: u64) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for i in 0..n {
            let prev = out.last().map(|e| (e.seq, e.hash.as_str()));
            out.push(Entry::next(
                prev,
                format!("2026-11-24T0{i}:00:00+00:00"),
                "ab".repeat(16),
                Role::Committee,
                Action::View,
                Some(ElderId::random()),
                &["id_number", "health"],
            ));
        }
        out
    }

    #[test]
    fn a_clean_chain_verifies_and_each_kind_of_tampering_is_named() {
        let device = "ab".repeat(16);
        let clean = chain(4);
        assert!(verify(&device, "local", &clean).is_empty());

        let mut edited = clean.clone();
        edited[1].fields = vec!["health".into()];
        assert_eq!(
            verify(&device, "local", &edited),
            vec![Break { device: device.clone(), seq: 2, what: BreakKind::Edited, source: "local".into() }]
        );

        let mut deleted = clean.clone();
        deleted.remove(2);
        let breaks = verify(&device, "local", &deleted);
        assert_eq!(breaks.len(), 1);
        assert_eq!((breaks[0].seq, breaks[0].what), (4, BreakKind::Missing));
    }

    #[test]
    fn fields_are_names_in_order_and_the_subject_is_not_the_actor() {
        let e = &chain(1)[0];
        assert_eq!(e.fields, ["health", "id_number"]);
        assert_eq!(e.prev, GENESIS);
        assert_ne!(subject(&e.device).as_str(), e.device);
    }

    #[test]
    fn a_log_is_cut_into_pages_of_256_and_each_page_has_its_own_subject() {
        let device = "ab".repeat(16);
        assert_eq!((page_of(1), page_of(256), page_of(257), page_of(513)), (0, 0, 1, 2));
        assert_eq!(page_subject(&device, 0), subject(&device));
        assert_ne!(page_subject(&device, 1), subject(&device));
        assert_ne!(page_subject(&device, 1), page_subject(&device, 2));
        assert!(kept_in(&page_subject(&device, 1), &device, 300));
        assert!(kept_in(&subject(&device), &device, 300), "page 0 of an older store holds every entry");
        assert!(!kept_in(&page_subject(&device, 2), &device, 300));
        assert!(!kept_in(&page_subject(&"cd".repeat(16), 1), &device, 300));
    }
}
