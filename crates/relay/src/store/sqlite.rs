//! [`SqliteStore`]: the relay's store in one SQLite file (`relay.sqlite3` in the data directory), in WAL
//! mode with `synchronous=FULL`, so a push is on disk when it is answered. The schema is the numbered SQL
//! in `crates/relay/schema/`, versioned with `PRAGMA user_version`.

use super::{Device, Enrolment, Page, PushOutcome, ReadFilter, Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use shouwang_protocol::{Change, DocRef, Role};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// The schema's migrations, in order; the store's `user_version` is how many are applied.
const MIGRATIONS: [&str; 1] = [include_str!("../../schema/001_init.sql")];

/// The relay's store in SQLite, behind one connection.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    epoch: String,
}

impl SqliteStore {
    /// The name of the database file in the data directory.
    pub const FILE: &'static str = "relay.sqlite3";

    /// Opens (creating if needed) the store in `dir`, migrating it to the current schema.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)?;
        let mut conn = Connection::open(dir.join(Self::FILE))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        let existing: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = 'epoch'", [], |r| r.get(0)).optional()?;
        let epoch = match existing {
            Some(epoch) => epoch,
            None => {
                let epoch = crate::secret::random_hex(16);
                conn.execute("INSERT INTO meta (key, value) VALUES ('epoch', ?1)", [&epoch])?;
                epoch
            }
        };
        Ok(SqliteStore { conn: Mutex::new(conn), epoch })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let supported = MIGRATIONS.len() as i64;
    if found > supported {
        return Err(StoreError::TooNew { found, supported });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

const DEVICE_COLUMNS: &str = "id, name, role, scope, elder, created_at, revoked_at, last_seen";

fn device(row: &rusqlite::Row<'_>) -> rusqlite::Result<Device> {
    let role: String = row.get(2)?;
    let role = Role::parse(&role).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, "unknown role".into())
    })?;
    Ok(Device {
        id: row.get(0)?,
        name: row.get(1)?,
        role,
        scope: row.get(3)?,
        elder: row.get(4)?,
        created_at: row.get(5)?,
        revoked_at: row.get(6)?,
        last_seen: row.get(7)?,
    })
}

impl Store for SqliteStore {
    fn epoch(&self) -> String {
        self.epoch.clone()
    }

    fn renew_epoch(&self) -> Result<String, StoreError> {
        let epoch = crate::secret::random_hex(16);
        self.conn().execute("UPDATE meta SET value = ?1 WHERE key = 'epoch'", [&epoch])?;
        Ok(epoch)
    }

    fn add_enrolment(&self, e: &Enrolment) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO enrolments (code_hash, role, scope, elder, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![e.code_hash, e.role.code(), e.scope, e.elder, e.created_at, e.expires_at],
        )?;
        Ok(())
    }

    fn redeem(
        &self,
        code_hash: &str,
        id: &str,
        name: &str,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<Device>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let claimed = tx.execute(
            "UPDATE enrolments SET redeemed_at = ?2
             WHERE code_hash = ?1 AND redeemed_at IS NULL AND expires_at > ?2",
            params![code_hash, now],
        )?;
        if claimed == 0 {
            return Ok(None);
        }
        tx.execute(
            "INSERT INTO devices (id, name, role, scope, elder, token_hash, created_at)
             SELECT ?2, ?3, role, scope, elder, ?4, ?5 FROM enrolments WHERE code_hash = ?1",
            params![code_hash, id, name, token_hash, now],
        )?;
        tx.execute("UPDATE enrolments SET device_id = ?2 WHERE code_hash = ?1", params![code_hash, id])?;
        let device =
            tx.query_row(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?1"), [id], device)?;
        tx.commit()?;
        Ok(Some(device))
    }

    fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE token_hash = ?1 AND revoked_at IS NULL"),
                [token_hash],
                device,
            )
            .optional()?)
    }

    fn touch(&self, device_id: &str, now: i64) -> Result<(), StoreError> {
        self.conn().execute("UPDATE devices SET last_seen = ?2 WHERE id = ?1", params![device_id, now])?;
        Ok(())
    }

    fn devices(&self) -> Result<Vec<Device>, StoreError> {
        let conn = self.conn();
        let mut stmt =
            conn.prepare(&format!("SELECT {DEVICE_COLUMNS} FROM devices ORDER BY created_at, id"))?;
        let rows = stmt.query_map([], device)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn revoke(&self, device_id: &str, now: i64) -> Result<bool, StoreError> {
        let n = self.conn().execute(
            "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![device_id, now],
        )?;
        Ok(n > 0)
    }

    fn push(&self, space: &str, changes: &[(String, Change)], now: i64) -> Result<PushOutcome, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut head: i64 =
            tx.query_row("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE space = ?1", [space], |r| {
                r.get(0)
            })?;
        let mut new = 0;
        {
            let mut insert = tx.prepare(
                "INSERT INTO changes (space, seq, hash, elder, kind, bytes, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (space, hash) DO NOTHING",
            )?;
            for (hash, c) in changes {
                let n =
                    insert.execute(params![space, head + 1, hash, c.doc.elder, c.doc.kind, c.bytes, now])?;
                if n > 0 {
                    head += 1;
                    new += 1;
                }
            }
        }
        tx.commit()?;
        Ok(PushOutcome { new, head: head as u64 })
    }

    fn pull(&self, space: &str, after: u64, limit: u32, filter: &ReadFilter) -> Result<Page, StoreError> {
        let conn = self.conn();
        let kinds = serde_json::to_string(filter.kinds).expect("a list of strings serialises");
        // The head is read first and bounds the page: a change committed while this page is read has a
        // higher number and is served next time, never skipped by the jump to the head below.
        let head: i64 =
            conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE space = ?1", [space], |r| {
                r.get(0)
            })?;
        let mut stmt = conn.prepare_cached(
            "SELECT seq, elder, kind, bytes FROM changes
             WHERE space = ?1 AND seq > ?2 AND seq <= ?6 AND (?3 IS NULL OR elder = ?3)
               AND kind IN (SELECT value FROM json_each(?4))
             ORDER BY seq LIMIT ?5",
        )?;
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let mut changes = stmt
            .query_map(params![space, after, filter.elder, kinds, i64::from(limit) + 1, head], |r| {
                let seq: i64 = r.get(0)?;
                let change = Change { doc: DocRef { elder: r.get(1)?, kind: r.get(2)? }, bytes: r.get(3)? };
                Ok((seq as u64, change))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let more = changes.len() > limit as usize;
        changes.truncate(limit as usize);
        let latest = (head as u64).max(after as u64);
        let next = if more { changes.last().map_or(0, |(seq, _)| *seq) } else { latest };
        Ok(Page { changes, more, next, latest })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(elder: char, kind: &str, n: u8) -> (String, Change) {
        let change = Change {
            doc: DocRef { elder: elder.to_string().repeat(32), kind: kind.into() },
            bytes: shouwang_protocol::change_chunk(&[n]),
        };
        (change.hash().unwrap(), change)
    }

    const ALL: ReadFilter = ReadFilter { kinds: &shouwang_protocol::KINDS, elder: None };

    #[test]
    fn the_schema_migrates_once_and_a_newer_store_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let first = SqliteStore::open(dir.path()).unwrap().epoch();
        assert_eq!(SqliteStore::open(dir.path()).unwrap().epoch(), first);
        let conn = Connection::open(dir.path().join(SqliteStore::FILE)).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(SqliteStore::open(dir.path()), Err(StoreError::TooNew { found: 99, .. })));
    }

    #[test]
    fn sequence_numbers_are_per_space_and_duplicates_are_kept_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let a = [change('a', "card", 1), change('a', "profile", 2), change('a', "card", 1)];
        assert_eq!(store.push("511902106202", &a, 0).unwrap(), PushOutcome { new: 2, head: 2 });
        assert_eq!(store.push("511902106203", &a[..1], 0).unwrap(), PushOutcome { new: 1, head: 1 });
        assert_eq!(store.push("511902106202", &a, 0).unwrap(), PushOutcome { new: 0, head: 2 });
        let page = store.pull("511902106202", 0, 10, &ALL).unwrap();
        assert_eq!(page.changes.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [1, 2]);
        let cards = ReadFilter { kinds: &["card"], elder: Some("a".repeat(32)) };
        assert_eq!(store.pull("511902106202", 0, 10, &cards).unwrap().changes.len(), 1);
        let none = ReadFilter { kinds: &["card"], elder: Some("b".repeat(32)) };
        let page = store.pull("511902106202", 0, 10, &none).unwrap();
        assert_eq!((page.changes.len(), page.more, page.next), (0, false, 2), "skips to the head");
        let page = store.pull("511902106202", 0, 1, &ALL).unwrap();
        assert_eq!((page.changes.len(), page.more, page.next), (1, true, 1));
    }
}
