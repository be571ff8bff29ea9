//! The relay's store as a dump: `shouwang-relay export --out FILE` and `shouwang-relay import FILE`,
//! the same format whichever store wrote or reads it, so a relay moves from SQLite to PostgreSQL (or
//! back) with its devices, codes, epoch and every change under its number. Devices keep their tokens
//! (only hashes are stored, and copied) and their cursors (same epoch, same numbers): after the move they
//! sync on, pulling nothing again.
//!
//! The format is JSON lines, one [`Record`] per line, tagged by `t`, in this order: `header` (format
//! and version), `meta` (the epoch), `device`s, `enrolment`s, `space`s (each space's counter: its
//! head), `change`s (`bytes` as lowercase hex), `repush`es, `erased` subjects, and last `end` with
//! the counts of each. A dump without its `end`, or whose counts differ from what it held, is refused
//! whole. Both stores read and write it row by row ([`Store::export`], [`Store::import`]), so memory
//! stays bounded whatever the store's size. A dump holds sealed envelopes, token and code hashes:
//! nothing a device could not already show, but keep it as private as the database.

use super::{Counts, Store, StoreError};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};

/// The format's name in the header line.
pub const FORMAT: &str = "shouwang-relay-dump";

/// The format's version: 2 adds each change's pusher role, the villages' office keys and their
/// routing (issue 14). Version 1 dumps still import (no roles, no keys, no routes).
pub const VERSION: u32 = 2;

/// One line of a dump.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Record {
    /// The first line: what this is.
    Header {
        /// [`FORMAT`].
        format: String,
        /// [`VERSION`].
        version: u32,
    },
    /// A key of the store's `meta` table (`epoch`).
    Meta {
        /// The key.
        key: String,
        /// The value.
        value: String,
    },
    /// An enrolled device, with its token's hash.
    Device {
        /// Its id.
        id: String,
        /// Its name.
        name: String,
        /// Its role's code.
        role: String,
        /// Its scope.
        scope: String,
        /// A family device's elder.
        elder: Option<String>,
        /// SHA-256 hex of its token.
        token_hash: String,
        /// Unix seconds.
        created_at: i64,
        /// Unix seconds.
        revoked_at: Option<i64>,
        /// Unix seconds.
        last_seen: Option<i64>,
        /// A helper's tablet's helper.
        helper: Option<String>,
        /// The key id of its enrolment.
        label: Option<String>,
    },
    /// A one-time code, with its hash only.
    Enrolment {
        /// SHA-256 hex of the code.
        code_hash: String,
        /// The role's code.
        role: String,
        /// The scope.
        scope: String,
        /// A family code's elder.
        elder: Option<String>,
        /// A helper tablet's helper.
        helper: Option<String>,
        /// The key id.
        label: Option<String>,
        /// Unix seconds.
        created_at: i64,
        /// Unix seconds.
        expires_at: i64,
        /// Unix seconds.
        redeemed_at: Option<i64>,
        /// The device it enrolled.
        device_id: Option<String>,
    },
    /// A space's counter: its highest sequence number so far.
    Space {
        /// The village code.
        space: String,
        /// Its head.
        head: u64,
    },
    /// A stored change (a sealed envelope) with its number.
    Change {
        /// The village code.
        space: String,
        /// Its sequence number.
        seq: u64,
        /// SHA-256 hex of the bytes.
        hash: String,
        /// The subject id.
        elder: String,
        /// The document kind.
        kind: String,
        /// The envelope, lowercase hex.
        bytes: String,
        /// Unix seconds.
        received_at: i64,
        /// The device that pushed it first.
        pusher: Option<String>,
        /// That device's role.
        #[serde(default)]
        role: Option<String>,
    },
    /// Another device that pushed a change the space held.
    Repush {
        /// The village code.
        space: String,
        /// The change's number.
        seq: u64,
        /// The device.
        device: String,
    },
    /// A subject erased in a space, and the hash of the erasure envelope kept.
    Erased {
        /// The village code.
        space: String,
        /// The subject id.
        subject: String,
        /// The erasure envelope's hash.
        hash: String,
    },
    /// A village's office key.
    OfficeKey {
        /// The village code.
        space: String,
        /// Its generation.
        generation: u32,
        /// The Ed25519 public key, lowercase hex.
        key: String,
        /// Unix seconds.
        set_at: i64,
    },
    /// One subject routed to one helper's tablet.
    Route {
        /// The village code.
        space: String,
        /// The helper.
        helper: String,
        /// The subject.
        subject: String,
        /// The version of the helper's list at which it was routed.
        since: u64,
    },
    /// The version of one helper's routing list.
    RouteList {
        /// The village code.
        space: String,
        /// The helper.
        helper: String,
        /// Its version.
        version: u64,
    },
    /// The digest of a village's routing table.
    RouteTable {
        /// The village code.
        space: String,
        /// The digest, as pulls report it.
        digest: u64,
    },
    /// The last line: how many records of each table the dump holds.
    End {
        /// The counts.
        counts: Counts,
    },
}

impl Record {
    /// Counts this record in `counts`.
    pub fn count(&self, counts: &mut Counts) {
        match self {
            Record::Device { .. } => counts.devices += 1,
            Record::Enrolment { .. } => counts.enrolments += 1,
            Record::Space { .. } => counts.spaces += 1,
            Record::Change { .. } => counts.changes += 1,
            Record::Repush { .. } => counts.repushes += 1,
            Record::Erased { .. } => counts.erased += 1,
            Record::OfficeKey { .. } => counts.office_keys += 1,
            Record::Route { .. } | Record::RouteList { .. } | Record::RouteTable { .. } => counts.routes += 1,
            Record::Header { .. } | Record::Meta { .. } | Record::End { .. } => {}
        }
    }
}

/// Writes the store as a dump to `out`, header and end line included; returns the counts.
pub fn export(store: &dyn Store, out: &mut dyn Write) -> Result<Counts, StoreError> {
    let mut line = |record: &Record| -> Result<(), StoreError> {
        serde_json::to_writer(&mut *out, record).map_err(|e| StoreError::Dump(e.to_string()))?;
        out.write_all(b"\n")?;
        Ok(())
    };
    line(&Record::Header { format: FORMAT.into(), version: VERSION })?;
    let counts = store.export(&mut |record| line(&record))?;
    line(&Record::End { counts })?;
    out.flush()?;
    Ok(counts)
}

/// Reads a dump from `input` into an empty store, whole or not at all; returns the counts.
pub fn import(store: &dyn Store, input: impl BufRead) -> Result<Counts, StoreError> {
    let mut reader = Reader { lines: input.lines(), line: 0, seen: Counts::default(), done: false };
    match reader.read() {
        Some(Ok(Record::Header { format, version }))
            if format == FORMAT && (1..=VERSION).contains(&version) => {}
        Some(Err(e)) => return Err(e),
        _ => return Err(StoreError::Dump(format!("not a {FORMAT} version {VERSION} file"))),
    }
    store.import(&mut reader)
}

/// The records of a dump after its header. Once the end line is read it checks the counts, and it
/// yields an error instead of finishing if the dump has no end line or holds other counts than it
/// says: the check runs inside the store's transaction, so a cut dump imports nothing.
struct Reader<L: Iterator<Item = std::io::Result<String>>> {
    lines: L,
    line: usize,
    seen: Counts,
    done: bool,
}

impl<L: Iterator<Item = std::io::Result<String>>> Reader<L> {
    fn read(&mut self) -> Option<Result<Record, StoreError>> {
        let line = self.lines.next()?;
        self.line += 1;
        let n = self.line;
        Some(line.map_err(StoreError::from).and_then(|line| {
            serde_json::from_str::<Record>(&line).map_err(|e| StoreError::Dump(format!("line {n}: {e}")))
        }))
    }
}

impl<L: Iterator<Item = std::io::Result<String>>> Iterator for Reader<L> {
    type Item = Result<Record, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let n = self.line + 1;
        let fail = |done: &mut bool, e: StoreError| {
            *done = true;
            Some(Err(e))
        };
        match self.read() {
            None => fail(&mut self.done, StoreError::Dump("the dump ends early: no end line".into())),
            Some(Err(e)) => fail(&mut self.done, e),
            Some(Ok(Record::Header { .. })) => {
                fail(&mut self.done, StoreError::Dump(format!("line {n}: a second header")))
            }
            Some(Ok(Record::End { counts })) => {
                self.done = true;
                if counts != self.seen {
                    return Some(Err(StoreError::Dump(format!(
                        "the end line counts {counts:?}, the dump holds {:?}",
                        self.seen
                    ))));
                }
                self.read().map(|_| Err(StoreError::Dump(format!("line {}: records after the end", n + 1))))
            }
            Some(Ok(record)) => {
                record.count(&mut self.seen);
                Some(Ok(record))
            }
        }
    }
}

/// Lowercase hex of bytes, as `change` records hold them.
pub fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// The bytes of a `change` record's hex.
pub fn from_hex(text: &str) -> Result<Vec<u8>, StoreError> {
    hex::decode(text).map_err(|e| StoreError::Dump(format!("a change's bytes: {e}")))
}

/// The seq of a record as the stores keep it (a signed 64-bit integer).
pub fn seq_i64(seq: u64) -> Result<i64, StoreError> {
    i64::try_from(seq).map_err(|_| StoreError::Dump(format!("sequence number {seq} is out of range")))
}
