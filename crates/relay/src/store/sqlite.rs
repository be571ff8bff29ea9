//! [`SqliteStore`]: the relay's store in one SQLite file (`relay.sqlite3` in the data directory), in WAL
//! mode with `synchronous=FULL`, so a push is on disk when it is answered (`NORMAL` would skip the sync at
//! commit; group commit, not a weaker setting, is what makes pushes cheap). One connection writes; token
//! look-ups and pulls use read-only connections, which WAL lets run during a commit. The schema is the numbered SQL
//! in `crates/relay/schema/`, versioned with `PRAGMA user_version`.

use super::dump::{from_hex, seq_i64, to_hex};
use super::{Counts, Device, Enrolment, Page, Push, PushOutcome, ReadFilter, Record, Store, StoreError};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use shouwang_protocol::office::OfficeKey;
use shouwang_protocol::{Change, DocRef, Role};
use std::collections::HashMap;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The schema's migrations, in order; the store's `user_version` is how many are applied.
const MIGRATIONS: [&str; 5] = [
    include_str!("../../schema/001_init.sql"),
    include_str!("../../schema/002_pushers.sql"),
    include_str!("../../schema/003_helpers.sql"),
    include_str!("../../schema/004_erasure_labels.sql"),
    include_str!("../../schema/005_identity_roles_routes.sql"),
];

/// The relay's store in SQLite: one connection writes, a few read-only ones serve token look-ups and
/// pulls (in WAL mode readers do not wait for the writer's commit and its sync to disk).
pub struct SqliteStore {
    conn: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    path: PathBuf,
    epoch: String,
}

/// A read-only connection, given back to the store's idle readers when dropped.
struct Reader<'a> {
    store: &'a SqliteStore,
    conn: Option<Connection>,
}

impl Deref for Reader<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("present until dropped")
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let mut idle = self.store.readers.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if idle.len() < SqliteStore::IDLE_READERS {
                idle.push(conn);
            }
        }
    }
}

impl SqliteStore {
    /// The name of the database file in the data directory.
    pub const FILE: &'static str = "relay.sqlite3";

    /// How many idle read-only connections are kept open (more are opened while many reads run at once).
    pub const IDLE_READERS: usize = 8;

    /// Opens (creating if needed) the store in `dir`, migrating it to the current schema.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(Self::FILE);
        let mut conn = Connection::open(&path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Deleted rows are overwritten with zeros, not left in free pages: an erasure leaves nothing of
        // the elder's envelopes in the file.
        conn.pragma_update(None, "secure_delete", "ON")?;
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
        Ok(SqliteStore { conn: Mutex::new(conn), readers: Mutex::new(Vec::new()), path, epoch })
    }

    /// The writing connection.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// An idle read-only connection, or a new one.
    fn reader(&self) -> Result<Reader<'_>, StoreError> {
        let idle = self.readers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => {
                let conn = Connection::open(&self.path)?;
                conn.pragma_update(None, "query_only", "ON")?;
                conn.busy_timeout(std::time::Duration::from_secs(5))?;
                conn
            }
        };
        Ok(Reader { store: self, conn: Some(conn) })
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

const DEVICE_COLUMNS: &str = "id, name, role, scope, elder, created_at, revoked_at, last_seen, helper, label";

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
        helper: row.get(8)?,
        label: row.get(9)?,
    })
}

/// Deletes every change of `subject` in `space` but the erasure envelope `hash` (at its `keyring`),
/// with their re-push records, and records the subject as erased (once: a later erasure of an erased
/// subject is dropped before it gets here).
fn erase(tx: &rusqlite::Transaction<'_>, space: &str, subject: &str, hash: &str) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM repushes WHERE space = ?1 AND seq IN
             (SELECT seq FROM changes WHERE space = ?1 AND elder = ?2 AND NOT (kind = 'keyring' AND hash = ?3))",
        params![space, subject, hash],
    )?;
    tx.execute(
        "DELETE FROM changes WHERE space = ?1 AND elder = ?2 AND NOT (kind = 'keyring' AND hash = ?3)",
        params![space, subject, hash],
    )?;
    tx.execute(
        "INSERT INTO erased (space, subject, hash) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![space, subject, hash],
    )?;
    Ok(())
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
            "INSERT INTO enrolments (code_hash, role, scope, elder, created_at, expires_at, helper, label)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                e.code_hash,
                e.role.code(),
                e.scope,
                e.elder,
                e.created_at,
                e.expires_at,
                e.helper,
                e.label
            ],
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
            "INSERT INTO devices (id, name, role, scope, elder, token_hash, created_at, helper, label)
             SELECT ?2, ?3, role, scope, elder, ?4, ?5, helper, label FROM enrolments WHERE code_hash = ?1",
            params![code_hash, id, name, token_hash, now],
        )?;
        tx.execute("UPDATE enrolments SET device_id = ?2 WHERE code_hash = ?1", params![code_hash, id])?;
        let device =
            tx.query_row(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?1"), [id], device)?;
        tx.commit()?;
        Ok(Some(device))
    }

    fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, StoreError> {
        let reader = self.reader()?;
        let mut stmt = reader.prepare_cached(&format!(
            "SELECT {DEVICE_COLUMNS} FROM devices WHERE token_hash = ?1 AND revoked_at IS NULL"
        ))?;
        Ok(stmt.query_row([token_hash], device).optional()?)
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

    fn push_many(&self, pushes: &[Push<'_>], now: i64) -> Result<Vec<PushOutcome>, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut heads: HashMap<&str, i64> = HashMap::new();
        let mut outcomes = Vec::with_capacity(pushes.len());
        let mut erased = false;
        {
            let mut read_head =
                tx.prepare_cached("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE space = ?1")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO changes (space, seq, hash, elder, kind, bytes, received_at, pusher, role)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (space, elder, kind, hash) DO NOTHING",
            )?;
            // A change the space already holds, pushed by another device than its first pusher.
            let mut repush = tx.prepare_cached(
                "INSERT INTO repushes (space, seq, device)
                 SELECT space, seq, ?3 FROM changes
                 WHERE space = ?1 AND elder = ?4 AND kind = ?5 AND hash = ?2 AND pusher IS NOT ?3
                 ON CONFLICT DO NOTHING",
            )?;
            let mut is_erased =
                tx.prepare_cached("SELECT 1 FROM erased WHERE space = ?1 AND subject = ?2")?;
            for push in pushes {
                let head = match heads.get_mut(push.space) {
                    Some(head) => head,
                    None => {
                        let head: i64 = read_head.query_row([push.space], |r| r.get(0))?;
                        heads.entry(push.space).or_insert(head)
                    }
                };
                let mut new = 0;
                for (hash, c) in push.changes {
                    // A subject erased here: acknowledged, never stored again (an offline device's
                    // outbox still holds its changes).
                    if is_erased.exists(params![push.space, c.doc.elder])? {
                        continue;
                    }
                    let n = insert.execute(params![
                        push.space,
                        *head + 1,
                        hash,
                        c.doc.elder,
                        c.doc.kind,
                        c.bytes,
                        now,
                        push.pusher,
                        push.role.map(Role::code)
                    ])?;
                    if n > 0 {
                        *head += 1;
                        new += 1;
                    } else if let Some(pusher) = push.pusher {
                        repush.execute(params![push.space, hash, pusher, c.doc.elder, c.doc.kind])?;
                    }
                    // The subject's other changes go in this transaction; later ones of the batch
                    // find it erased above.
                    if super::is_erasure(c) {
                        erase(&tx, push.space, &c.doc.elder, hash)?;
                        erased = true;
                    }
                }
                outcomes.push(PushOutcome { new, head: *head as u64 });
            }
        }
        tx.commit()?;
        if erased {
            // The log still holds the pages as they were before the erasure: copy it into the database
            // (whose deleted rows are zeroed) and truncate it to nothing.
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(outcomes)
    }

    fn pull(&self, space: &str, after: u64, limit: u32, filter: &ReadFilter) -> Result<Page, StoreError> {
        let conn = self.reader()?;
        let kinds = serde_json::to_string(filter.kinds).expect("a list of strings serialises");
        let elder_kinds = serde_json::to_string(&super::ELDER_KINDS).expect("a list of strings serialises");
        // The head is read first and bounds the page: a change committed while this page is read has a
        // higher number and is served next time, never skipped by the jump to the head below.
        let head: i64 =
            conn.query_row("SELECT COALESCE(MAX(seq), 0) FROM changes WHERE space = ?1", [space], |r| {
                r.get(0)
            })?;
        let bound = filter.upto.map_or(head, |upto| head.min(i64::try_from(upto).unwrap_or(i64::MAX)));
        // An erasure reaches everyone who reads the space; otherwise the kinds the role reads, and for a
        // helper's tablet of the kinds about an elder only the elders routed to its helper.
        let mut stmt = conn.prepare_cached(
            "SELECT seq, elder, kind, bytes, role FROM changes
             WHERE space = ?1 AND seq > ?2 AND seq <= ?6 AND (?3 IS NULL OR elder = ?3)
               AND (?10 IS NULL OR elder = ?10)
               AND (EXISTS (SELECT 1 FROM erased e
                            WHERE e.space = ?1 AND e.subject = changes.elder AND e.hash = changes.hash
                              AND changes.kind = 'keyring')
                    OR (kind IN (SELECT value FROM json_each(?4))
                        AND (?8 = 0 OR kind NOT IN (SELECT value FROM json_each(?11))
                             OR elder IN (SELECT subject FROM routes WHERE space = ?1 AND helper = ?9))))
               AND (?7 IS NULL OR ((pusher IS NULL OR pusher <> ?7) AND NOT EXISTS (
                   SELECT 1 FROM repushes r WHERE r.space = ?1 AND r.seq = changes.seq AND r.device = ?7)))
             ORDER BY seq LIMIT ?5",
        )?;
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let (routing, helper) = match &filter.routed_to {
            None => (0, String::new()),
            Some(helper) => (1, helper.clone().unwrap_or_default()),
        };
        let mut rows = stmt
            .query_map(
                params![
                    space,
                    after,
                    filter.elder,
                    kinds,
                    i64::from(limit) + 1,
                    bound,
                    filter.device,
                    routing,
                    helper,
                    filter.subject,
                    elder_kinds
                ],
                |r| {
                    let seq: i64 = r.get(0)?;
                    let change =
                        Change { doc: DocRef { elder: r.get(1)?, kind: r.get(2)? }, bytes: r.get(3)? };
                    let role: Option<String> = r.get(4)?;
                    Ok((seq as u64, change, role))
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let latest = (bound as u64).max(after as u64);
        let next = if more { rows.last().map_or(0, |(seq, _, _)| *seq) } else { latest };
        let mut changes = Vec::with_capacity(rows.len());
        let mut pushers = Vec::with_capacity(rows.len());
        for (seq, change, role) in rows {
            changes.push((seq, change));
            pushers.push(super::pusher_role(role.as_deref())?);
        }
        Ok(Page { changes, more, next, latest, pushers })
    }

    fn office_key(&self, space: &str) -> Result<Option<OfficeKey>, StoreError> {
        let conn = self.reader()?;
        let found = conn
            .prepare_cached("SELECT generation, key FROM office_keys WHERE space = ?1")?
            .query_row([space], |r| Ok(OfficeKey { generation: r.get(0)?, key: r.get(1)? }))
            .optional()?;
        Ok(found)
    }

    fn claim_office_key(&self, space: &str, key: &OfficeKey, now: i64) -> Result<OfficeKey, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO office_keys (space, generation, key, set_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (space) DO NOTHING",
            params![space, key.generation, key.key, now],
        )?;
        let held =
            tx.query_row("SELECT generation, key FROM office_keys WHERE space = ?1", [space], |r| {
                Ok(OfficeKey { generation: r.get(0)?, key: r.get(1)? })
            })?;
        tx.commit()?;
        Ok(held)
    }

    fn replace_office_key(
        &self,
        space: &str,
        old: &OfficeKey,
        new: &OfficeKey,
        now: i64,
    ) -> Result<bool, StoreError> {
        let n = self.conn().execute(
            "UPDATE office_keys SET generation = ?4, key = ?5, set_at = ?6
             WHERE space = ?1 AND generation = ?2 AND key = ?3",
            params![space, old.generation, old.key, new.generation, new.key, now],
        )?;
        Ok(n > 0)
    }

    fn reset_office_key(&self, space: &str) -> Result<bool, StoreError> {
        Ok(self.conn().execute("DELETE FROM office_keys WHERE space = ?1", [space])? > 0)
    }

    fn put_routes(&self, space: &str, routes: &[(String, Vec<String>)]) -> Result<u64, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let held: Vec<(String, String)> = tx
            .prepare("SELECT helper, subject FROM routes WHERE space = ?1")?
            .query_map([space], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let versions: HashMap<String, i64> = tx
            .prepare("SELECT helper, version FROM route_lists WHERE space = ?1")?
            .query_map([space], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let plan = super::RoutePlan::new(&held, routes);
        for (helper, added, removed) in &plan.lists {
            let version = versions.get(helper).copied().unwrap_or(0) + 1;
            tx.execute(
                "INSERT INTO route_lists (space, helper, version) VALUES (?1, ?2, ?3)
                 ON CONFLICT (space, helper) DO UPDATE SET version = excluded.version",
                params![space, helper, version],
            )?;
            let mut add = tx.prepare_cached(
                "INSERT INTO routes (space, helper, subject, since) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT DO UPDATE SET since = excluded.since",
            )?;
            for subject in added {
                add.execute(params![space, helper, subject, version])?;
            }
            let mut remove =
                tx.prepare_cached("DELETE FROM routes WHERE space = ?1 AND helper = ?2 AND subject = ?3")?;
            for subject in removed {
                remove.execute(params![space, helper, subject])?;
            }
        }
        tx.execute(
            "INSERT INTO route_tables (space, digest) VALUES (?1, ?2)
             ON CONFLICT (space) DO UPDATE SET digest = excluded.digest",
            params![space, plan.digest as i64],
        )?;
        tx.commit()?;
        Ok(plan.digest)
    }

    fn helper_routes(&self, space: &str, helper: &str) -> Result<(u64, Vec<(String, u64)>), StoreError> {
        let conn = self.reader()?;
        let tx = conn.unchecked_transaction()?;
        let version: i64 = tx
            .query_row(
                "SELECT version FROM route_lists WHERE space = ?1 AND helper = ?2",
                [space, helper],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0);
        let subjects = tx
            .prepare("SELECT subject, since FROM routes WHERE space = ?1 AND helper = ?2 ORDER BY subject")?
            .query_map([space, helper], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<Result<_, _>>()?;
        Ok((version as u64, subjects))
    }

    fn route_state(&self, space: &str, helper: Option<&str>) -> Result<u64, StoreError> {
        let conn = self.reader()?;
        let found: Option<i64> = match helper {
            Some(helper) => conn
                .prepare_cached("SELECT version FROM route_lists WHERE space = ?1 AND helper = ?2")?
                .query_row([space, helper], |r| r.get(0))
                .optional()?,
            None => conn
                .prepare_cached("SELECT digest FROM route_tables WHERE space = ?1")?
                .query_row([space], |r| r.get(0))
                .optional()?,
        };
        Ok(match (found, helper) {
            (Some(v), _) => v as u64,
            (None, Some(_)) => 0,
            (None, None) => shouwang_protocol::routes_digest([]),
        })
    }

    fn export(&self, out: &mut dyn FnMut(Record) -> Result<(), StoreError>) -> Result<Counts, StoreError> {
        let conn = self.reader()?;
        // One read transaction: in WAL mode a consistent snapshot while the relay goes on serving.
        let tx = conn.unchecked_transaction()?;
        let mut counts = Counts::default();
        let mut emit = |record: Record, counts: &mut Counts| {
            record.count(counts);
            out(record)
        };
        let mut stmt = tx.prepare("SELECT key, value FROM meta ORDER BY key")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            emit(Record::Meta { key: r.get(0)?, value: r.get(1)? }, &mut counts)?;
        }
        let mut stmt = tx.prepare(
            "SELECT id, name, role, scope, elder, token_hash, created_at, revoked_at, last_seen, helper, label
             FROM devices ORDER BY created_at, id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let record = Record::Device {
                id: r.get(0)?,
                name: r.get(1)?,
                role: r.get(2)?,
                scope: r.get(3)?,
                elder: r.get(4)?,
                token_hash: r.get(5)?,
                created_at: r.get(6)?,
                revoked_at: r.get(7)?,
                last_seen: r.get(8)?,
                helper: r.get(9)?,
                label: r.get(10)?,
            };
            emit(record, &mut counts)?;
        }
        let mut stmt = tx.prepare(
            "SELECT code_hash, role, scope, elder, helper, label, created_at, expires_at, redeemed_at, device_id
             FROM enrolments ORDER BY created_at, code_hash",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let record = Record::Enrolment {
                code_hash: r.get(0)?,
                role: r.get(1)?,
                scope: r.get(2)?,
                elder: r.get(3)?,
                helper: r.get(4)?,
                label: r.get(5)?,
                created_at: r.get(6)?,
                expires_at: r.get(7)?,
                redeemed_at: r.get(8)?,
                device_id: r.get(9)?,
            };
            emit(record, &mut counts)?;
        }
        let mut stmt = tx.prepare("SELECT space, MAX(seq) FROM changes GROUP BY space ORDER BY space")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            emit(Record::Space { space: r.get(0)?, head: r.get::<_, i64>(1)? as u64 }, &mut counts)?;
        }
        let mut stmt = tx.prepare(
            "SELECT space, seq, hash, elder, kind, bytes, received_at, pusher, role FROM changes ORDER BY space, seq",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let bytes: Vec<u8> = r.get(5)?;
            let record = Record::Change {
                space: r.get(0)?,
                seq: r.get::<_, i64>(1)? as u64,
                hash: r.get(2)?,
                elder: r.get(3)?,
                kind: r.get(4)?,
                bytes: to_hex(&bytes),
                received_at: r.get(6)?,
                pusher: r.get(7)?,
                role: r.get(8)?,
            };
            emit(record, &mut counts)?;
        }
        let mut stmt = tx.prepare("SELECT space, seq, device FROM repushes ORDER BY space, seq, device")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let record =
                Record::Repush { space: r.get(0)?, seq: r.get::<_, i64>(1)? as u64, device: r.get(2)? };
            emit(record, &mut counts)?;
        }
        let mut stmt = tx.prepare("SELECT space, subject, hash FROM erased ORDER BY space, subject")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            emit(Record::Erased { space: r.get(0)?, subject: r.get(1)?, hash: r.get(2)? }, &mut counts)?;
        }
        let mut stmt = tx.prepare("SELECT space, generation, key, set_at FROM office_keys ORDER BY space")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let key: Vec<u8> = r.get(2)?;
            let record = Record::OfficeKey {
                space: r.get(0)?,
                generation: r.get(1)?,
                key: to_hex(&key),
                set_at: r.get(3)?,
            };
            emit(record, &mut counts)?;
        }
        let mut stmt =
            tx.prepare("SELECT space, helper, subject, since FROM routes ORDER BY space, helper, subject")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let record = Record::Route {
                space: r.get(0)?,
                helper: r.get(1)?,
                subject: r.get(2)?,
                since: r.get::<_, i64>(3)? as u64,
            };
            emit(record, &mut counts)?;
        }
        let mut stmt = tx.prepare("SELECT space, helper, version FROM route_lists ORDER BY space, helper")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let record = Record::RouteList {
                space: r.get(0)?,
                helper: r.get(1)?,
                version: r.get::<_, i64>(2)? as u64,
            };
            emit(record, &mut counts)?;
        }
        let mut stmt = tx.prepare("SELECT space, digest FROM route_tables ORDER BY space")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            emit(Record::RouteTable { space: r.get(0)?, digest: r.get::<_, i64>(1)? as u64 }, &mut counts)?;
        }
        Ok(counts)
    }

    fn import(
        &self,
        records: &mut dyn Iterator<Item = Result<Record, StoreError>>,
    ) -> Result<Counts, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (table, what) in
            [("devices", "devices"), ("enrolments", "enrolment codes"), ("changes", "changes")]
        {
            let any: bool =
                tx.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {table})"), [], |r| r.get(0))?;
            if any {
                return Err(StoreError::NotEmpty(what));
            }
        }
        let mut counts = Counts::default();
        {
            let mut device = tx.prepare(
                "INSERT INTO devices (id, name, role, scope, elder, token_hash, created_at, revoked_at,
                     last_seen, helper, label) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?;
            let mut enrolment = tx.prepare(
                "INSERT INTO enrolments (code_hash, role, scope, elder, helper, label, created_at, expires_at,
                     redeemed_at, device_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            let mut change = tx.prepare(
                "INSERT INTO changes (space, seq, hash, elder, kind, bytes, received_at, pusher, role)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            let mut office_key = tx.prepare(
                "INSERT INTO office_keys (space, generation, key, set_at) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let mut route =
                tx.prepare("INSERT INTO routes (space, helper, subject, since) VALUES (?1, ?2, ?3, ?4)")?;
            let mut route_list =
                tx.prepare("INSERT INTO route_lists (space, helper, version) VALUES (?1, ?2, ?3)")?;
            let mut route_table = tx.prepare("INSERT INTO route_tables (space, digest) VALUES (?1, ?2)")?;
            let mut repush = tx.prepare("INSERT INTO repushes (space, seq, device) VALUES (?1, ?2, ?3)")?;
            let mut erased = tx.prepare("INSERT INTO erased (space, subject, hash) VALUES (?1, ?2, ?3)")?;
            for record in records {
                let record = record?;
                record.count(&mut counts);
                match record {
                    Record::Meta { key, value } => {
                        tx.execute(
                            "INSERT INTO meta (key, value) VALUES (?1, ?2)
                             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            params![key, value],
                        )?;
                    }
                    Record::Device {
                        id,
                        name,
                        role,
                        scope,
                        elder,
                        token_hash,
                        created_at,
                        revoked_at,
                        last_seen,
                        helper,
                        label,
                    } => {
                        device.execute(params![
                            id, name, role, scope, elder, token_hash, created_at, revoked_at, last_seen,
                            helper, label
                        ])?;
                    }
                    Record::Enrolment {
                        code_hash,
                        role,
                        scope,
                        elder,
                        helper,
                        label,
                        created_at,
                        expires_at,
                        redeemed_at,
                        device_id,
                    } => {
                        enrolment.execute(params![
                            code_hash,
                            role,
                            scope,
                            elder,
                            helper,
                            label,
                            created_at,
                            expires_at,
                            redeemed_at,
                            device_id
                        ])?;
                    }
                    // The SQLite store's head is its highest number: the changes carry it.
                    Record::Space { .. } => {}
                    Record::Change { space, seq, hash, elder, kind, bytes, received_at, pusher, role } => {
                        change.execute(params![
                            space,
                            seq_i64(seq)?,
                            hash,
                            elder,
                            kind,
                            from_hex(&bytes)?,
                            received_at,
                            pusher,
                            role
                        ])?;
                    }
                    Record::OfficeKey { space, generation, key, set_at } => {
                        office_key.execute(params![space, generation, from_hex(&key)?, set_at])?;
                    }
                    Record::Route { space, helper, subject, since } => {
                        route.execute(params![space, helper, subject, seq_i64(since)?])?;
                    }
                    Record::RouteList { space, helper, version } => {
                        route_list.execute(params![space, helper, seq_i64(version)?])?;
                    }
                    Record::RouteTable { space, digest } => {
                        route_table.execute(params![space, digest as i64])?;
                    }
                    Record::Repush { space, seq, device } => {
                        repush.execute(params![space, seq_i64(seq)?, device])?;
                    }
                    Record::Erased { space, subject, hash } => {
                        erased.execute(params![space, subject, hash])?;
                    }
                    Record::Header { .. } | Record::End { .. } => {}
                }
            }
        }
        tx.commit()?;
        Ok(counts)
    }

    fn spaces(&self, prefix: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let conn = self.reader()?;
        // A skip scan over the (space, seq) key: each step jumps to the next space in the range, and each
        // head is one look-up, so the cost grows with the villages listed, not with their changes.
        let mut stmt = conn.prepare_cached(
            "WITH RECURSIVE s (space) AS (
                 SELECT min(space) FROM changes WHERE space >= ?1 AND space < ?2
                 UNION ALL
                 SELECT (SELECT min(space) FROM changes WHERE space > s.space AND space < ?2)
                 FROM s WHERE s.space IS NOT NULL
             )
             SELECT space, (SELECT max(seq) FROM changes c WHERE c.space = s.space)
             FROM s WHERE space IS NOT NULL ORDER BY space",
        )?;
        let rows = stmt
            .query_map(params![prefix, super::upper_bound(prefix)], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(elder: char, kind: &str, n: u8) -> (String, Change) {
        let change = Change {
            doc: DocRef { elder: elder.to_string().repeat(32), kind: kind.into() },
            bytes: shouwang_protocol::envelope::sample(shouwang_protocol::envelope::What::Change, &[n]),
        };
        (change.hash().unwrap(), change)
    }

    const ALL: ReadFilter = ReadFilter::ALL;

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
        let cards = ReadFilter { kinds: &["card"], elder: Some("a".repeat(32)), ..ALL };
        assert_eq!(store.pull("511902106202", 0, 10, &cards).unwrap().changes.len(), 1);
        let none = ReadFilter { kinds: &["card"], elder: Some("b".repeat(32)), ..ALL };
        let page = store.pull("511902106202", 0, 10, &none).unwrap();
        assert_eq!((page.changes.len(), page.more, page.next), (0, false, 2), "skips to the head");
        let page = store.pull("511902106202", 0, 1, &ALL).unwrap();
        assert_eq!((page.changes.len(), page.more, page.next), (1, true, 1));
    }

    #[test]
    fn a_pull_leaves_out_what_the_device_pushed_first_or_again_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let space = "511902106202";
        let (one, two, three) = (change('a', "card", 1), change('a', "card", 2), change('a', "card", 3));
        let (x_first, y_first) = ([one.clone(), two.clone()], [two.clone(), three.clone()]);
        let pushes = [
            Push { space, changes: &x_first, pusher: Some("x"), role: None },
            Push { space, changes: &y_first, pusher: Some("y"), role: None },
        ];
        store.push_many(&pushes, 0).unwrap();
        // Later, y pushes again the change x brought first (after a restore, say).
        store.push_many(&[Push { space, changes: &x_first[..1], pusher: Some("y"), role: None }], 0).unwrap();
        let seen = |device: Option<&str>| {
            let filter = ReadFilter { device: device.map(str::to_owned), ..ALL };
            let page = store.pull(space, 0, 10, &filter).unwrap();
            (page.changes.into_iter().map(|(seq, _)| seq).collect::<Vec<_>>(), page.next)
        };
        assert_eq!(seen(Some("x")), (vec![3], 3), "x is sent only what y brought");
        assert_eq!(seen(Some("y")), (vec![], 3), "y pushed all three, two of them after x");
        assert_eq!(seen(Some("z")), (vec![1, 2, 3], 3));
        assert_eq!(seen(None), (vec![1, 2, 3], 3));
    }

    #[test]
    fn spaces_under_a_prefix_are_listed_with_their_heads() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        assert_eq!(store.spaces("511902106").unwrap(), []);
        let a = [change('a', "card", 1), change('a', "card", 2), change('a', "card", 3)];
        store.push("511902106203", &a, 0).unwrap();
        store.push("511902106202", &a[..2], 0).unwrap();
        store.push("511902107201", &a[..1], 0).unwrap();
        let township = [("511902106202".to_string(), 2), ("511902106203".to_string(), 3)];
        assert_eq!(store.spaces("511902106").unwrap(), township);
        assert_eq!(store.spaces("511902106203").unwrap(), [("511902106203".to_string(), 3)]);
        assert_eq!(store.spaces("511902").unwrap().len(), 3);
        assert_eq!(store.spaces("511903").unwrap(), []);
    }

    #[test]
    fn a_batch_numbers_as_its_pushes_would_one_by_one_and_a_failing_batch_stores_none() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let (a, b) = ("511902106202", "511902106203");
        let first = [change('a', "card", 1), change('a', "card", 2)];
        let second = [change('a', "card", 2), change('a', "card", 3)];
        let pushes = [
            Push { space: a, changes: &first, pusher: None, role: None },
            Push { space: b, changes: &first[..1], pusher: None, role: None },
            Push { space: a, changes: &second, pusher: None, role: None },
        ];
        let outcomes = store.push_many(&pushes, 0).unwrap();
        let expected = [(2, 2), (1, 1), (1, 3)].map(|(new, head)| PushOutcome { new, head });
        assert_eq!(outcomes, expected);

        // A database failure in any push of a batch rolls back all of them.
        Connection::open(dir.path().join(SqliteStore::FILE))
            .unwrap()
            .execute_batch(&format!(
                "CREATE TRIGGER refuse BEFORE INSERT ON changes WHEN NEW.elder = '{}'
                 BEGIN SELECT RAISE(ABORT, 'the disk refused'); END;",
                "f".repeat(32)
            ))
            .unwrap();
        let good = [change('a', "card", 4)];
        let refused = [change('f', "card", 5)];
        let pushes = [
            Push { space: b, changes: &good, pusher: None, role: None },
            Push { space: a, changes: &refused, pusher: None, role: None },
            Push { space: a, changes: &good, pusher: None, role: None },
        ];
        assert!(store.push_many(&pushes, 0).is_err());
        assert_eq!(store.pull(a, 0, 10, &ALL).unwrap().latest, 3, "nothing of the batch is stored");
        assert_eq!(store.pull(b, 0, 10, &ALL).unwrap().latest, 1);
    }
}
