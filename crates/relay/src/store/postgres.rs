//! [`PostgresStore`]: the relay's store in a PostgreSQL database, so several relay processes can serve
//! one database as stateless replicas. It behaves as [`SqliteStore`](super::SqliteStore) does.
//!
//! The schema is the numbered SQL in `crates/relay/schema/postgres/`, versioned in a `schema_version`
//! table and applied under an advisory lock, so replicas starting together migrate once. Connections use
//! `NoTls`: the relay and its database share a host or a LAN (TLS to the database is future work), and
//! each session sets `synchronous_commit = on`, so a push is durable when it is answered.
//!
//! > **Architecture invariant:** a space's sequence numbers are taken from its row in `spaces`, locked
//! > by the push until it commits. Pushes to one space therefore commit in the order of their numbers,
//! > with no gaps between commits, and a pull bounded by the head it read first can never skip a change
//! > that commits later with a lower number. (An erasure later deletes an elder's older changes, leaving
//! > gaps behind the head; numbers never move back, and a cursor needs no more.) Pushes to different spaces lock different rows and do not wait. A
//! > group commit ([`Store::push_many`]) locks its spaces' rows in code order, so two replicas' batches
//! > never deadlock.

use super::dump::{from_hex, seq_i64, to_hex};
use super::{Counts, Device, Enrolment, Page, Push, PushOutcome, ReadFilter, Record, Store, StoreError};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, GenericClient, IsolationLevel, NoTls, Row};
use shouwang_protocol::office::OfficeKey;
use shouwang_protocol::{Change, DocRef, Role};
use std::collections::{BTreeMap, HashSet};
use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// The schema's migrations, in order; `schema_version` holds how many are applied.
const MIGRATIONS: [&str; 5] = [
    include_str!("../../schema/postgres/001_init.sql"),
    include_str!("../../schema/postgres/002_pushers.sql"),
    include_str!("../../schema/postgres/003_helpers.sql"),
    include_str!("../../schema/postgres/004_erasure_labels.sql"),
    include_str!("../../schema/postgres/005_identity_roles_routes.sql"),
];

/// The advisory lock key that serialises migrations across replicas ("SHOUWANG" in ASCII).
const MIGRATION_LOCK: i64 = 0x5348_4f55_5741_4e47;

/// The relay's store in PostgreSQL, behind a small pool of connections.
pub struct PostgresStore {
    config: postgres::Config,
    pool: Mutex<Pool>,
    returned: Condvar,
    epoch: String,
}

struct Pool {
    idle: Vec<Client>,
    open: usize,
}

impl PostgresStore {
    /// The most connections one relay process opens: one for the group-commit writer, the rest for
    /// token look-ups and pulls. Measured: 16 serve 100 devices pushing at once no faster than 8 (the
    /// load is CPU-bound once commits are grouped), and 8 leave room for a dozen replicas under
    /// PostgreSQL's default 100 connections.
    pub const CONNECTIONS: usize = 8;

    /// Connects to `url` (`postgres://user@host:port/db`), creating or migrating the schema and the
    /// epoch if missing. Blocking, like every method: the client runs its own small runtime, so call it
    /// outside an async runtime (or from `spawn_blocking`), and drop the store off async threads too.
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let mut config: postgres::Config = url.parse()?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        let mut client = connect(&config)?;
        migrate(&mut client)?;
        client.execute(
            "INSERT INTO meta (key, value) VALUES ('epoch', $1) ON CONFLICT (key) DO NOTHING",
            &[&crate::secret::random_hex(16)],
        )?;
        let epoch = client.query_one("SELECT value FROM meta WHERE key = 'epoch'", &[])?.get(0);
        Ok(PostgresStore {
            config,
            pool: Mutex::new(Pool { idle: vec![client], open: 1 }),
            returned: Condvar::new(),
            epoch,
        })
    }

    /// A connection from the pool, opening one if fewer than [`Self::CONNECTIONS`] are open, else
    /// waiting for one to be returned.
    fn client(&self) -> Result<Pooled<'_>, StoreError> {
        let mut pool = self.lock();
        loop {
            if let Some(client) = pool.idle.pop() {
                if client.is_closed() {
                    pool.open -= 1;
                    continue;
                }
                return Ok(Pooled { store: self, client: Some(client) });
            }
            if pool.open < Self::CONNECTIONS {
                pool.open += 1;
                drop(pool);
                return match connect(&self.config) {
                    Ok(client) => Ok(Pooled { store: self, client: Some(client) }),
                    Err(e) => {
                        self.lock().open -= 1;
                        self.returned.notify_one();
                        Err(e)
                    }
                };
            }
            pool = self.returned.wait(pool).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }

    fn lock(&self) -> MutexGuard<'_, Pool> {
        self.pool.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn connect(config: &postgres::Config) -> Result<Client, StoreError> {
    let mut client = config.connect(NoTls)?;
    client.batch_execute("SET synchronous_commit = on")?;
    Ok(client)
}

/// A pooled connection, given back when dropped unless it is closed. A transaction left open by an
/// error has been rolled back by the `Transaction`'s own drop before this runs.
struct Pooled<'a> {
    store: &'a PostgresStore,
    client: Option<Client>,
}

impl Deref for Pooled<'_> {
    type Target = Client;
    fn deref(&self) -> &Client {
        self.client.as_ref().expect("present until dropped")
    }
}

impl DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Client {
        self.client.as_mut().expect("present until dropped")
    }
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let mut pool = self.store.lock();
            if client.is_closed() {
                pool.open -= 1;
            } else {
                pool.idle.push(client);
            }
            self.store.returned.notify_one();
        }
    }
}

fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")?;
    let found: i64 =
        tx.query_opt("SELECT max(version) FROM schema_version", &[])?.and_then(|r| r.get(0)).unwrap_or(0);
    let supported = MIGRATIONS.len() as i64;
    if found > supported {
        return Err(StoreError::TooNew { found, supported });
    }
    for sql in MIGRATIONS.iter().skip(found as usize) {
        tx.batch_execute(sql)?;
    }
    if found < supported {
        tx.execute("DELETE FROM schema_version", &[])?;
        tx.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&supported])?;
    }
    tx.commit()?;
    Ok(())
}

const DEVICE_COLUMNS: &str = "id, name, role, scope, elder, created_at, revoked_at, last_seen, helper, label";

fn role(code: &str) -> Result<Role, StoreError> {
    Role::parse(code).ok_or_else(|| StoreError::Corrupt(format!("unknown role {code:?}")))
}

fn device(row: &Row) -> Result<Device, StoreError> {
    Ok(Device {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        role: role(row.try_get(2)?)?,
        scope: row.try_get(3)?,
        elder: row.try_get(4)?,
        created_at: row.try_get(5)?,
        revoked_at: row.try_get(6)?,
        last_seen: row.try_get(7)?,
        helper: row.try_get(8)?,
        label: row.try_get(9)?,
    })
}

/// The space's head, 0 if it has no changes yet.
/// A change new to its space, with the device that pushed it and that device's role.
type Fresh<'a> = (&'a (String, Change), Option<&'a str>, Option<&'a str>);

/// A change's identity in the space: its document's address and its hash.
type Identity<'a> = (&'a str, &'a str, &'a str);

fn identity(change: &(String, Change)) -> Identity<'_> {
    (change.1.doc.elder.as_str(), change.1.doc.kind.as_str(), change.0.as_str())
}

/// Records that each device pushed again these changes the space holds, unless it was their first
/// pusher.
fn record_repushes(
    tx: &mut postgres::Transaction<'_>,
    space: &str,
    again: &[(&str, Vec<Identity<'_>>)],
) -> Result<(), StoreError> {
    for (device, held) in again {
        let elders: Vec<&str> = held.iter().map(|(e, _, _)| *e).collect();
        let kinds: Vec<&str> = held.iter().map(|(_, k, _)| *k).collect();
        let hashes: Vec<&str> = held.iter().map(|(_, _, h)| *h).collect();
        tx.execute(
            "INSERT INTO repushes (space, seq, device)
             SELECT c.space, c.seq, $5 FROM changes c
             JOIN unnest($2::TEXT[], $3::TEXT[], $4::TEXT[]) AS t (elder, kind, hash)
               ON c.elder = t.elder AND c.kind = t.kind AND c.hash = t.hash
             WHERE c.space = $1 AND c.pusher IS DISTINCT FROM $5
             ON CONFLICT DO NOTHING",
            &[&space, &elders, &kinds, &hashes, device],
        )?;
    }
    Ok(())
}

/// For each `(subject, erasure hash)`: deletes every change of the subject in `space` but that erasure
/// envelope, with their re-push records, and records the subject as erased. The changes deleted all
/// have lower numbers than the erasure (later ones of the batch were dropped before numbering), so the
/// space's counter is untouched.
fn erase(
    tx: &mut postgres::Transaction<'_>,
    space: &str,
    erasures: &[(&str, &str)],
) -> Result<(), StoreError> {
    for (subject, hash) in erasures {
        tx.execute(
            "DELETE FROM repushes r USING changes c
             WHERE c.space = $1 AND c.elder = $2 AND NOT (c.kind = 'keyring' AND c.hash = $3)
               AND r.space = c.space AND r.seq = c.seq",
            &[&space, subject, hash],
        )?;
        tx.execute(
            "DELETE FROM changes WHERE space = $1 AND elder = $2 AND NOT (kind = 'keyring' AND hash = $3)",
            &[&space, subject, hash],
        )?;
        tx.execute(
            "INSERT INTO erased (space, subject, hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&space, subject, hash],
        )?;
    }
    Ok(())
}

/// Changes of an import, inserted a few thousand at a time (one statement each): bounded memory, and
/// far fewer round trips than one insert per change.
#[derive(Default)]
struct ChangeBatch {
    space: Vec<String>,
    seq: Vec<i64>,
    hash: Vec<String>,
    elder: Vec<String>,
    kind: Vec<String>,
    bytes: Vec<Vec<u8>>,
    received_at: Vec<i64>,
    pusher: Vec<Option<String>>,
    role: Vec<Option<String>>,
}

impl ChangeBatch {
    const ROWS: usize = 2000;

    fn flush(&mut self, tx: &mut postgres::Transaction<'_>) -> Result<(), StoreError> {
        if self.seq.is_empty() {
            return Ok(());
        }
        tx.execute(
            "INSERT INTO changes (space, seq, hash, elder, kind, bytes, received_at, pusher, role)
             SELECT * FROM unnest($1::TEXT[], $2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::BYTEA[],
                                  $7::BIGINT[], $8::TEXT[], $9::TEXT[])",
            &[
                &self.space,
                &self.seq,
                &self.hash,
                &self.elder,
                &self.kind,
                &self.bytes,
                &self.received_at,
                &self.pusher,
                &self.role,
            ],
        )?;
        *self = ChangeBatch::default();
        Ok(())
    }
}

fn head(client: &mut impl GenericClient, space: &str) -> Result<i64, StoreError> {
    Ok(client.query_opt("SELECT head FROM spaces WHERE space = $1", &[&space])?.map_or(0, |r| r.get(0)))
}

impl Store for PostgresStore {
    fn epoch(&self) -> String {
        self.epoch.clone()
    }

    fn renew_epoch(&self) -> Result<String, StoreError> {
        let epoch = crate::secret::random_hex(16);
        self.client()?.execute("UPDATE meta SET value = $1 WHERE key = 'epoch'", &[&epoch])?;
        Ok(epoch)
    }

    fn add_enrolment(&self, e: &Enrolment) -> Result<(), StoreError> {
        self.client()?.execute(
            "INSERT INTO enrolments (code_hash, role, scope, elder, created_at, expires_at, helper, label)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &e.code_hash,
                &e.role.code(),
                &e.scope,
                &e.elder,
                &e.created_at,
                &e.expires_at,
                &e.helper,
                &e.label,
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
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        // The row lock makes a second replica redeeming the same code wait, then find it redeemed.
        let Some(claimed) = tx.query_opt(
            "UPDATE enrolments SET redeemed_at = $2
             WHERE code_hash = $1 AND redeemed_at IS NULL AND expires_at > $2
             RETURNING role, scope, elder, helper, label",
            &[&code_hash, &now],
        )?
        else {
            return Ok(None);
        };
        let device = Device {
            id: id.to_string(),
            name: name.to_string(),
            role: role(claimed.try_get(0)?)?,
            scope: claimed.try_get(1)?,
            elder: claimed.try_get(2)?,
            created_at: now,
            revoked_at: None,
            last_seen: None,
            helper: claimed.try_get(3)?,
            label: claimed.try_get(4)?,
        };
        tx.execute(
            "INSERT INTO devices (id, name, role, scope, elder, token_hash, created_at, helper, label)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &device.id,
                &device.name,
                &device.role.code(),
                &device.scope,
                &device.elder,
                &token_hash,
                &now,
                &device.helper,
                &device.label,
            ],
        )?;
        tx.execute("UPDATE enrolments SET device_id = $2 WHERE code_hash = $1", &[&code_hash, &id])?;
        tx.commit()?;
        Ok(Some(device))
    }

    fn device_by_token(&self, token_hash: &str) -> Result<Option<Device>, StoreError> {
        let row = self.client()?.query_opt(
            &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE token_hash = $1 AND revoked_at IS NULL"),
            &[&token_hash],
        )?;
        row.as_ref().map(device).transpose()
    }

    fn touch(&self, device_id: &str, now: i64) -> Result<(), StoreError> {
        self.client()?.execute("UPDATE devices SET last_seen = $2 WHERE id = $1", &[&device_id, &now])?;
        Ok(())
    }

    fn devices(&self) -> Result<Vec<Device>, StoreError> {
        let rows = self
            .client()?
            .query(&format!("SELECT {DEVICE_COLUMNS} FROM devices ORDER BY created_at, id"), &[])?;
        rows.iter().map(device).collect()
    }

    fn revoke(&self, device_id: &str, now: i64) -> Result<bool, StoreError> {
        let n = self.client()?.execute(
            "UPDATE devices SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
            &[&device_id, &now],
        )?;
        Ok(n > 0)
    }

    fn push_many(&self, pushes: &[Push<'_>], now: i64) -> Result<Vec<PushOutcome>, StoreError> {
        // The batch's pushes by space, spaces in code order: every transaction locks the counter rows it
        // needs in that one order, so batches of replicas sharing spaces wait for each other, never
        // deadlock.
        let mut by_space: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, push) in pushes.iter().enumerate() {
            by_space.entry(push.space).or_default().push(i);
        }
        let mut outcomes = vec![PushOutcome { new: 0, head: 0 }; pushes.len()];
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        for (space, members) in &by_space {
            // Creates the space's counter row if needed and locks it until commit: a concurrent push to
            // this space, on any replica, waits here, so numbers are taken and committed in one order.
            let head: i64 = tx
                .query_one(
                    "INSERT INTO spaces (space, head) VALUES ($1, 0)
                     ON CONFLICT (space) DO UPDATE SET head = spaces.head RETURNING head",
                    &[space],
                )?
                .get(0);
            // Each change once (its document and hash): against what the space holds (under the lock no
            // one else adds to it), then within the batch, in the order the pushes arrived.
            let hashes: Vec<&str> =
                members.iter().flat_map(|&i| pushes[i].changes.iter().map(|(h, _)| h.as_str())).collect();
            let stored: HashSet<(String, String, String)> = tx
                .query(
                    "SELECT elder, kind, hash FROM changes WHERE space = $1 AND hash = ANY($2)",
                    &[space, &hashes],
                )?
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect();
            let mut seen: HashSet<Identity<'_>> =
                stored.iter().map(|(e, k, h)| (e.as_str(), k.as_str(), h.as_str())).collect();
            // Subjects erased here (or by an erasure earlier in this batch): their changes are
            // acknowledged and not stored.
            let subjects: Vec<&str> = members
                .iter()
                .flat_map(|&i| pushes[i].changes.iter().map(|(_, c)| c.doc.elder.as_str()))
                .collect();
            let mut erased: HashSet<String> = tx
                .query(
                    "SELECT subject FROM erased WHERE space = $1 AND subject = ANY($2)",
                    &[space, &subjects],
                )?
                .iter()
                .map(|r| r.get(0))
                .collect();
            let mut erasures: Vec<(&str, &str)> = Vec::new();
            // Each new change with its pusher and the pusher's role.
            let mut fresh: Vec<Fresh<'_>> = Vec::new();
            // The changes each device pushed that the space held already (or an earlier push of the batch
            // brought): recorded as re-pushed by it once the new changes are in.
            let mut again: Vec<(&str, Vec<Identity<'_>>)> = Vec::new();
            for &i in members {
                let mut new = 0;
                let mut held = Vec::new();
                for change in pushes[i].changes {
                    if erased.contains(&change.1.doc.elder) {
                        continue;
                    }
                    if super::is_erasure(&change.1) {
                        erased.insert(change.1.doc.elder.clone());
                        erasures.push((change.1.doc.elder.as_str(), change.0.as_str()));
                    }
                    if seen.insert(identity(change)) {
                        fresh.push((change, pushes[i].pusher, pushes[i].role.map(Role::code)));
                        new += 1;
                    } else {
                        held.push(identity(change));
                    }
                }
                if let (Some(pusher), false) = (pushes[i].pusher, held.is_empty()) {
                    again.push((pusher, held));
                }
                outcomes[i] = PushOutcome { new, head: (head + fresh.len() as i64) as u64 };
            }
            if fresh.is_empty() {
                record_repushes(&mut tx, space, &again)?;
                erase(&mut tx, space, &erasures)?;
                continue;
            }
            let seqs: Vec<i64> = (1..=fresh.len() as i64).map(|i| head + i).collect();
            let hashes: Vec<&str> = fresh.iter().map(|((h, _), _, _)| h.as_str()).collect();
            let elders: Vec<&str> = fresh.iter().map(|((_, c), _, _)| c.doc.elder.as_str()).collect();
            let kinds: Vec<&str> = fresh.iter().map(|((_, c), _, _)| c.doc.kind.as_str()).collect();
            let bytes: Vec<&[u8]> = fresh.iter().map(|((_, c), _, _)| c.bytes.as_slice()).collect();
            let pushers: Vec<Option<&str>> = fresh.iter().map(|(_, p, _)| *p).collect();
            let roles: Vec<Option<&str>> = fresh.iter().map(|(_, _, r)| *r).collect();
            let inserted = tx.execute(
                "INSERT INTO changes (space, seq, hash, elder, kind, bytes, received_at, pusher, role)
                 SELECT $1, t.seq, t.hash, t.elder, t.kind, t.bytes, $7, t.pusher, t.role
                 FROM unnest($2::BIGINT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::BYTEA[], $8::TEXT[], $9::TEXT[])
                      AS t (seq, hash, elder, kind, bytes, pusher, role)
                 ON CONFLICT (space, elder, kind, hash) DO NOTHING",
                &[space, &seqs, &hashes, &elders, &kinds, &bytes, &now, &pushers, &roles],
            )?;
            if inserted != fresh.len() as u64 {
                // Only a writer ignoring the counter row could cause this; numbers would have gaps.
                return Err(StoreError::Corrupt(format!(
                    "space {space}: a change was added outside its lock"
                )));
            }
            let head = head + fresh.len() as i64;
            tx.execute("UPDATE spaces SET head = $2 WHERE space = $1", &[space, &head])?;
            record_repushes(&mut tx, space, &again)?;
            erase(&mut tx, space, &erasures)?;
        }
        tx.commit()?;
        Ok(outcomes)
    }

    fn export(&self, out: &mut dyn FnMut(Record) -> Result<(), StoreError>) -> Result<Counts, StoreError> {
        let mut client = self.client()?;
        // One snapshot of the whole store, while the relay goes on serving.
        let mut tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let mut counts = Counts::default();
        let mut each = |tx: &mut postgres::Transaction<'_>,
                        sql: &str,
                        make: &dyn Fn(&Row) -> Result<Record, StoreError>|
         -> Result<(), StoreError> {
            // Rows are fetched from the server as they are read, not collected first.
            let mut rows = tx.query_raw(sql, std::iter::empty::<&str>())?;
            while let Some(row) = rows.next()? {
                let record = make(&row)?;
                record.count(&mut counts);
                out(record)?;
            }
            Ok(())
        };
        each(&mut tx, "SELECT key, value FROM meta ORDER BY key", &|r| {
            Ok(Record::Meta { key: r.try_get(0)?, value: r.try_get(1)? })
        })?;
        each(
            &mut tx,
            "SELECT id, name, role, scope, elder, token_hash, created_at, revoked_at, last_seen, helper, label
             FROM devices ORDER BY created_at, id",
            &|r| {
                Ok(Record::Device {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    role: r.try_get(2)?,
                    scope: r.try_get(3)?,
                    elder: r.try_get(4)?,
                    token_hash: r.try_get(5)?,
                    created_at: r.try_get(6)?,
                    revoked_at: r.try_get(7)?,
                    last_seen: r.try_get(8)?,
                    helper: r.try_get(9)?,
                    label: r.try_get(10)?,
                })
            },
        )?;
        each(
            &mut tx,
            "SELECT code_hash, role, scope, elder, helper, label, created_at, expires_at, redeemed_at, device_id
             FROM enrolments ORDER BY created_at, code_hash",
            &|r| {
                Ok(Record::Enrolment {
                    code_hash: r.try_get(0)?,
                    role: r.try_get(1)?,
                    scope: r.try_get(2)?,
                    elder: r.try_get(3)?,
                    helper: r.try_get(4)?,
                    label: r.try_get(5)?,
                    created_at: r.try_get(6)?,
                    expires_at: r.try_get(7)?,
                    redeemed_at: r.try_get(8)?,
                    device_id: r.try_get(9)?,
                })
            },
        )?;
        each(&mut tx, "SELECT space, head FROM spaces WHERE head > 0 ORDER BY space", &|r| {
            Ok(Record::Space { space: r.try_get(0)?, head: r.try_get::<_, i64>(1)? as u64 })
        })?;
        each(
            &mut tx,
            "SELECT space, seq, hash, elder, kind, bytes, received_at, pusher, role FROM changes ORDER BY space, seq",
            &|r| {
                Ok(Record::Change {
                    space: r.try_get(0)?,
                    seq: r.try_get::<_, i64>(1)? as u64,
                    hash: r.try_get(2)?,
                    elder: r.try_get(3)?,
                    kind: r.try_get(4)?,
                    bytes: to_hex(r.try_get::<_, &[u8]>(5)?),
                    received_at: r.try_get(6)?,
                    pusher: r.try_get(7)?,
                    role: r.try_get(8)?,
                })
            },
        )?;
        each(&mut tx, "SELECT space, seq, device FROM repushes ORDER BY space, seq, device", &|r| {
            Ok(Record::Repush {
                space: r.try_get(0)?,
                seq: r.try_get::<_, i64>(1)? as u64,
                device: r.try_get(2)?,
            })
        })?;
        each(&mut tx, "SELECT space, subject, hash FROM erased ORDER BY space, subject", &|r| {
            Ok(Record::Erased { space: r.try_get(0)?, subject: r.try_get(1)?, hash: r.try_get(2)? })
        })?;
        each(&mut tx, "SELECT space, generation, key, set_at FROM office_keys ORDER BY space", &|r| {
            Ok(Record::OfficeKey {
                space: r.try_get(0)?,
                generation: r.try_get::<_, i64>(1)? as u32,
                key: to_hex(r.try_get::<_, &[u8]>(2)?),
                set_at: r.try_get(3)?,
            })
        })?;
        each(
            &mut tx,
            "SELECT space, helper, subject, since FROM routes ORDER BY space, helper, subject",
            &|r| {
                Ok(Record::Route {
                    space: r.try_get(0)?,
                    helper: r.try_get(1)?,
                    subject: r.try_get(2)?,
                    since: r.try_get::<_, i64>(3)? as u64,
                })
            },
        )?;
        each(&mut tx, "SELECT space, helper, version FROM route_lists ORDER BY space, helper", &|r| {
            Ok(Record::RouteList {
                space: r.try_get(0)?,
                helper: r.try_get(1)?,
                version: r.try_get::<_, i64>(2)? as u64,
            })
        })?;
        each(&mut tx, "SELECT space, digest FROM route_tables ORDER BY space", &|r| {
            Ok(Record::RouteTable { space: r.try_get(0)?, digest: r.try_get::<_, i64>(1)? as u64 })
        })?;
        tx.commit()?;
        Ok(counts)
    }

    fn import(
        &self,
        records: &mut dyn Iterator<Item = Result<Record, StoreError>>,
    ) -> Result<Counts, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        // No relay may write while the store is filled.
        tx.batch_execute(
            "LOCK TABLE devices, enrolments, spaces, changes, repushes, erased, office_keys, routes, route_lists,
                 route_tables IN EXCLUSIVE MODE",
        )?;
        for (table, what) in
            [("devices", "devices"), ("enrolments", "enrolment codes"), ("changes", "changes")]
        {
            let any: bool = tx.query_one(&format!("SELECT EXISTS (SELECT 1 FROM {table})"), &[])?.get(0);
            if any {
                return Err(StoreError::NotEmpty(what));
            }
        }
        tx.execute("DELETE FROM spaces", &[])?;
        let mut counts = Counts::default();
        let mut batch = ChangeBatch::default();
        for record in records {
            let record = record?;
            record.count(&mut counts);
            match record {
                Record::Meta { key, value } => {
                    tx.execute(
                        "INSERT INTO meta (key, value) VALUES ($1, $2)
                         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        &[&key, &value],
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
                    tx.execute(
                        "INSERT INTO devices (id, name, role, scope, elder, token_hash, created_at, revoked_at,
                             last_seen, helper, label) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                        &[&id, &name, &role, &scope, &elder, &token_hash, &created_at, &revoked_at, &last_seen, &helper, &label],
                    )?;
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
                    tx.execute(
                        "INSERT INTO enrolments (code_hash, role, scope, elder, helper, label, created_at,
                             expires_at, redeemed_at, device_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                        &[&code_hash, &role, &scope, &elder, &helper, &label, &created_at, &expires_at, &redeemed_at, &device_id],
                    )?;
                }
                Record::Space { space, head } => {
                    tx.execute(
                        "INSERT INTO spaces (space, head) VALUES ($1, $2)",
                        &[&space, &seq_i64(head)?],
                    )?;
                }
                Record::Change { space, seq, hash, elder, kind, bytes, received_at, pusher, role } => {
                    batch.space.push(space);
                    batch.seq.push(seq_i64(seq)?);
                    batch.hash.push(hash);
                    batch.elder.push(elder);
                    batch.kind.push(kind);
                    batch.bytes.push(from_hex(&bytes)?);
                    batch.received_at.push(received_at);
                    batch.pusher.push(pusher);
                    batch.role.push(role);
                    if batch.seq.len() >= ChangeBatch::ROWS {
                        batch.flush(&mut tx)?;
                    }
                }
                Record::Repush { space, seq, device } => {
                    batch.flush(&mut tx)?;
                    tx.execute(
                        "INSERT INTO repushes (space, seq, device) VALUES ($1, $2, $3)",
                        &[&space, &seq_i64(seq)?, &device],
                    )?;
                }
                Record::Erased { space, subject, hash } => {
                    batch.flush(&mut tx)?;
                    tx.execute(
                        "INSERT INTO erased (space, subject, hash) VALUES ($1, $2, $3)",
                        &[&space, &subject, &hash],
                    )?;
                }
                Record::OfficeKey { space, generation, key, set_at } => {
                    tx.execute(
                        "INSERT INTO office_keys (space, generation, key, set_at) VALUES ($1, $2, $3, $4)",
                        &[&space, &i64::from(generation), &from_hex(&key)?, &set_at],
                    )?;
                }
                Record::Route { space, helper, subject, since } => {
                    tx.execute(
                        "INSERT INTO routes (space, helper, subject, since) VALUES ($1, $2, $3, $4)",
                        &[&space, &helper, &subject, &seq_i64(since)?],
                    )?;
                }
                Record::RouteList { space, helper, version } => {
                    tx.execute(
                        "INSERT INTO route_lists (space, helper, version) VALUES ($1, $2, $3)",
                        &[&space, &helper, &seq_i64(version)?],
                    )?;
                }
                Record::RouteTable { space, digest } => {
                    tx.execute(
                        "INSERT INTO route_tables (space, digest) VALUES ($1, $2)",
                        &[&space, &(digest as i64)],
                    )?;
                }
                Record::Header { .. } | Record::End { .. } => {}
            }
        }
        batch.flush(&mut tx)?;
        // A dump from a store without counters (SQLite writes them, from its highest numbers): every
        // space's counter is at least its highest number, so no number is given twice.
        tx.batch_execute(
            "INSERT INTO spaces (space, head) SELECT space, MAX(seq) FROM changes GROUP BY space
             ON CONFLICT (space) DO UPDATE SET head = GREATEST(spaces.head, excluded.head)",
        )?;
        tx.commit()?;
        Ok(counts)
    }

    fn spaces(&self, prefix: &str) -> Result<Vec<(String, u64)>, StoreError> {
        // The counter rows hold each space's head: one small row per village. `starts_with` rather than a
        // range, whose bounds would depend on the database's collation.
        let rows = self.client()?.query(
            "SELECT space, head FROM spaces WHERE starts_with(space, $1) AND head > 0 ORDER BY space",
            &[&prefix],
        )?;
        rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get::<_, i64>(1)? as u64))).collect()
    }

    fn pull(&self, space: &str, after: u64, limit: u32, filter: &ReadFilter) -> Result<Page, StoreError> {
        let mut client = self.client()?;
        // The head is read first and bounds the page: every change numbered up to it has committed (it
        // committed with the head), and one committed while this page is read has a higher number and is
        // served next time, never skipped by the jump to the head below.
        let head = head(&mut *client, space)?;
        let bound = filter.upto.map_or(head, |upto| head.min(i64::try_from(upto).unwrap_or(i64::MAX)));
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let (routing, helper) = match &filter.routed_to {
            None => (false, String::new()),
            Some(helper) => (true, helper.clone().unwrap_or_default()),
        };
        let elder_kinds: &[&str] = &super::ELDER_KINDS;
        // An erasure reaches everyone who reads the space; otherwise the kinds the role reads, and for a
        // helper's tablet of the kinds about an elder only the elders routed to its helper.
        let rows = client.query(
            "SELECT seq, elder, kind, bytes, role FROM changes
             WHERE space = $1 AND seq > $2 AND seq <= $3 AND ($4::TEXT IS NULL OR elder = $4)
               AND ($10::TEXT IS NULL OR elder = $10)
               AND (EXISTS (SELECT 1 FROM erased e
                            WHERE e.space = $1 AND e.subject = changes.elder AND e.hash = changes.hash
                              AND changes.kind = 'keyring')
                    OR (kind = ANY($5)
                        AND (NOT $8 OR NOT (kind = ANY($11))
                             OR elder IN (SELECT subject FROM routes WHERE space = $1 AND helper = $9))))
               AND ($7::TEXT IS NULL OR ((pusher IS NULL OR pusher <> $7) AND NOT EXISTS (
                   SELECT 1 FROM repushes r WHERE r.space = $1 AND r.seq = changes.seq AND r.device = $7)))
             ORDER BY seq LIMIT $6",
            &[
                &space,
                &after,
                &bound,
                &filter.elder,
                &filter.kinds,
                &(i64::from(limit) + 1),
                &filter.device,
                &routing,
                &helper,
                &filter.subject,
                &elder_kinds,
            ],
        )?;
        let mut changes = Vec::with_capacity(rows.len());
        let mut pushers = Vec::with_capacity(rows.len());
        for r in rows.iter().take(limit as usize) {
            let seq: i64 = r.try_get(0)?;
            let change =
                Change { doc: DocRef { elder: r.try_get(1)?, kind: r.try_get(2)? }, bytes: r.try_get(3)? };
            changes.push((seq as u64, change));
            pushers.push(super::pusher_role(r.try_get::<_, Option<&str>>(4)?)?);
        }
        let more = rows.len() > limit as usize;
        let latest = (bound as u64).max(after as u64);
        let next = if more { changes.last().map_or(0, |(seq, _)| *seq) } else { latest };
        Ok(Page { changes, more, next, latest, pushers })
    }

    fn office_key(&self, space: &str) -> Result<Option<OfficeKey>, StoreError> {
        let row = self
            .client()?
            .query_opt("SELECT generation, key FROM office_keys WHERE space = $1", &[&space])?;
        row.map(|r| Ok(OfficeKey { generation: r.try_get::<_, i64>(0)? as u32, key: r.try_get(1)? }))
            .transpose()
    }

    fn claim_office_key(&self, space: &str, key: &OfficeKey, now: i64) -> Result<OfficeKey, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        tx.execute(
            "INSERT INTO office_keys (space, generation, key, set_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (space) DO NOTHING",
            &[&space, &i64::from(key.generation), &key.key, &now],
        )?;
        let r = tx.query_one("SELECT generation, key FROM office_keys WHERE space = $1", &[&space])?;
        let held = OfficeKey { generation: r.try_get::<_, i64>(0)? as u32, key: r.try_get(1)? };
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
        let n = self.client()?.execute(
            "UPDATE office_keys SET generation = $4, key = $5, set_at = $6
             WHERE space = $1 AND generation = $2 AND key = $3",
            &[&space, &i64::from(old.generation), &old.key, &i64::from(new.generation), &new.key, &now],
        )?;
        Ok(n > 0)
    }

    fn reset_office_key(&self, space: &str) -> Result<bool, StoreError> {
        Ok(self.client()?.execute("DELETE FROM office_keys WHERE space = $1", &[&space])? > 0)
    }

    fn put_routes(&self, space: &str, routes: &[(String, Vec<String>)]) -> Result<u64, StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        // One committee's table at a time per space: the table row is locked until commit.
        tx.execute(
            "INSERT INTO route_tables (space, digest) VALUES ($1, 0) ON CONFLICT (space) DO NOTHING",
            &[&space],
        )?;
        tx.execute("SELECT 1 FROM route_tables WHERE space = $1 FOR UPDATE", &[&space])?;
        let held: Vec<(String, String)> = tx
            .query("SELECT helper, subject FROM routes WHERE space = $1", &[&space])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let versions: std::collections::HashMap<String, i64> = tx
            .query("SELECT helper, version FROM route_lists WHERE space = $1", &[&space])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let plan = super::RoutePlan::new(&held, routes);
        for (helper, added, removed) in &plan.lists {
            let version = versions.get(helper).copied().unwrap_or(0) + 1;
            tx.execute(
                "INSERT INTO route_lists (space, helper, version) VALUES ($1, $2, $3)
                 ON CONFLICT (space, helper) DO UPDATE SET version = excluded.version",
                &[&space, helper, &version],
            )?;
            tx.execute(
                "INSERT INTO routes (space, helper, subject, since) SELECT $1, $2, s, $4 FROM unnest($3::TEXT[]) AS s
                 ON CONFLICT (space, helper, subject) DO UPDATE SET since = excluded.since",
                &[&space, helper, added, &version],
            )?;
            tx.execute(
                "DELETE FROM routes WHERE space = $1 AND helper = $2 AND subject = ANY($3)",
                &[&space, helper, removed],
            )?;
        }
        tx.execute("UPDATE route_tables SET digest = $2 WHERE space = $1", &[&space, &(plan.digest as i64)])?;
        tx.commit()?;
        Ok(plan.digest)
    }

    fn helper_routes(&self, space: &str, helper: &str) -> Result<(u64, Vec<(String, u64)>), StoreError> {
        let mut client = self.client()?;
        let mut tx = client.build_transaction().isolation_level(IsolationLevel::RepeatableRead).start()?;
        let version: i64 = tx
            .query_opt(
                "SELECT version FROM route_lists WHERE space = $1 AND helper = $2",
                &[&space, &helper],
            )?
            .map_or(0, |r| r.get(0));
        let subjects = tx
            .query(
                "SELECT subject, since FROM routes WHERE space = $1 AND helper = $2 ORDER BY subject",
                &[&space, &helper],
            )?
            .iter()
            .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1) as u64))
            .collect();
        tx.commit()?;
        Ok((version as u64, subjects))
    }

    fn route_state(&self, space: &str, helper: Option<&str>) -> Result<u64, StoreError> {
        let mut client = self.client()?;
        let found: Option<i64> = match helper {
            Some(helper) => client
                .query_opt(
                    "SELECT version FROM route_lists WHERE space = $1 AND helper = $2",
                    &[&space, &helper],
                )?
                .map(|r| r.get(0)),
            None => client
                .query_opt("SELECT digest FROM route_tables WHERE space = $1", &[&space])?
                .map(|r| r.get(0)),
        };
        Ok(match (found, helper) {
            (Some(v), _) => v as u64,
            (None, Some(_)) => 0,
            (None, None) => shouwang_protocol::routes_digest([]),
        })
    }
}
