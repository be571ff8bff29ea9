//! The local store: one SQLite file holding each elder's automerge documents, a projection that
//! serves every query, and the outbox of changes waiting for sync.
//!
//! Every write is one `BEGIN IMMEDIATE` transaction that updates the documents, their projection rows
//! and the outbox together; a write is reported saved only after its commit (WAL, `synchronous=FULL`).
//! Documents are loaded on demand, one elder at a time; lists read the projection only.
//! [`Store::rebuild`] recreates the projection from the documents and gives the same rows.
//!
//! ```
//! use shouwang_core::store::{Store, ElderFilter};
//! let dir = tempfile::tempdir().unwrap();
//! let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00").unwrap().to_utc();
//! let mut store = Store::init(dir.path().join("v.sqlite"), "511902106202".parse().unwrap(), "斑竹村", "sichuan", now).unwrap();
//! let saved = store.add_elder(shouwang_core::demo::sample_elder(), now).unwrap();
//! let rows = store.list(&ElderFilter::default(), now.date_naive()).unwrap();
//! assert_eq!(rows[0].id, saved.id);
//! ```

mod agreements;
mod audit;
mod card;
mod cases;
mod consent;
mod documents;
mod elder_row;
mod elders;
mod emergency;
mod erase;
mod error;
mod export;
mod helpers;
mod import;
mod keys;
mod migrate;
mod projection;
mod query;
mod report;
mod risk;
mod sql;
mod sync;
mod view;
mod visits;

pub use agreements::{AgreementReminders, AgreementRow};
pub use card::{Card, LAST_VISIT};
pub use cases::{CaseFilter, CaseRow, CaseSaved, MonthCases};
pub use elders::Saved;
pub use emergency::{concerns_summary, Advance, EmergencyContacts, EmergencyReport};
pub use error::{Error, Result};
pub use export::ElderExport;
pub use helpers::{Assignment, HelperRow, Moved, ReachInputs};
pub use keys::{Imported, KeySpace};
pub use migrate::latest as schema_version;
pub use query::{AgeBand, ElderFilter, ElderRow, Sort};
pub use report::SummaryRequest;
pub use risk::{FollowUp, RiskEntry, RiskFilter, RiskRow};
pub use sync::{Applied, IncomingChange, OutgoingChange, Quarantined, ReviewItem, SpaceCursor, SyncState};
pub use visits::{is_high_risk, VisitFilter, VisitRow, VisitSaved};

use crate::division::UnitCode;
use crate::vault::DbKey;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a registry is: the unit it serves, its name, the policy profile it follows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Registry {
    /// The unit (a village, or a township for a township office).
    pub unit: UnitCode,
    /// Its name.
    pub name: String,
    /// The policy profile (`schema/policies/<policy>.toml`).
    pub policy: String,
    /// This device's automerge actor id.
    pub actor: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

/// An open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    registry: Registry,
    /// Who is looking, when set by [`Store::set_viewer`]; otherwise the device's enrolment decides.
    viewer: Option<crate::view::Viewer>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).field("registry", &self.registry).finish()
    }
}

/// Opens the file; with a key, applies it first (SQLite3 Multiple Ciphers, ChaCha20-Poly1305 pages,
/// the raw 32-byte key: no key derivation inside SQLite) and proves it reads before anything else.
fn connect(path: &Path, key: Option<&DbKey>, now: DateTime<Utc>) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    if let Some(key) = key {
        let mut sql = zeroize::Zeroizing::new(String::from("PRAGMA cipher = 'chacha20'; PRAGMA key = '"));
        sql.push_str(&key.pragma_value());
        sql.push_str("';");
        conn.execute_batch(&sql)?;
    }
    // An encrypted file read without its key (or with another) fails here as "not a database".
    match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)) {
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::NotADatabase => {
            return Err(Error::Locked)
        }
        other => other?,
    };
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate::migrate(&mut conn, &now.to_rfc3339())?;
    Ok(conn)
}

fn read_registry(conn: &Connection) -> Result<Option<Registry>> {
    let row = conn
        .query_row("SELECT unit, name, policy, actor, created_at FROM registry WHERE id = 1", [], |r| {
            Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .optional()?;
    row.map(|(unit, name, policy, actor, created_at)| {
        let unit = unit.parse().map_err(|e: crate::division::UnitError| Error::Corrupt {
            doc: "registry".into(),
            reason: e.en(),
        })?;
        Ok(Registry { unit, name, policy, actor, created_at })
    })
    .transpose()
}

impl Store {
    /// Creates the registry of `unit` in a new (or empty) database file, following `policy`. The
    /// file is not encrypted: see [`Store::init_encrypted`].
    pub fn init(
        path: impl AsRef<Path>,
        unit: UnitCode,
        name: &str,
        policy: &str,
        now: DateTime<Utc>,
    ) -> Result<Store> {
        Store::init_with(path.as_ref(), None, unit, name, policy, now)
    }

    /// [`Store::init`] for a database encrypted at rest under `key` (from [`crate::vault`]): every
    /// page, of the file and of its write-ahead log, is sealed with ChaCha20-Poly1305.
    pub fn init_encrypted(
        path: impl AsRef<Path>,
        key: &DbKey,
        unit: UnitCode,
        name: &str,
        policy: &str,
        now: DateTime<Utc>,
    ) -> Result<Store> {
        Store::init_with(path.as_ref(), Some(key), unit, name, policy, now)
    }

    fn init_with(
        path: &Path,
        key: Option<&DbKey>,
        unit: UnitCode,
        name: &str,
        policy: &str,
        now: DateTime<Utc>,
    ) -> Result<Store> {
        if crate::policy::Policy::builtin(policy).is_none() {
            return Err(Error::UnknownPolicy(policy.to_string()));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > crate::validate::MAX_NAME {
            return Err(Error::Field {
                field: "name".into(),
                zh: format!("单位名称必填，且不超过 {} 个字", crate::validate::MAX_NAME),
                en: format!(
                    "the registry's name is required and at most {} characters",
                    crate::validate::MAX_NAME
                ),
            });
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let mut conn = connect(path, key, now)?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if let Some(existing) = read_registry(&tx)? {
            return Err(Error::AlreadyInitialised { unit: existing.unit.to_string() });
        }
        let actor = crate::ids::new_id();
        tx.execute(
            "INSERT INTO registry (id, unit, name, policy, actor, created_at) VALUES (1, ?1, ?2, ?3, ?4, ?5)",
            (unit.as_str(), name, policy, &actor, now.to_rfc3339()),
        )?;
        // A village's first store creates the village's keys (generation 1); others import a bundle.
        keys::create_for_unit(&tx, &unit, &now.to_rfc3339())?;
        tx.commit()?;
        Store::open_with(path, key, now)
    }

    /// Opens an existing registry, applying any migrations this build brings. An encrypted one
    /// answers [`Error::Locked`]: open it with [`Store::open_encrypted`].
    pub fn open(path: impl AsRef<Path>, now: DateTime<Utc>) -> Result<Store> {
        Store::open_with(path.as_ref(), None, now)
    }

    /// Opens a registry encrypted at rest under `key`; the wrong key (or a plaintext file) answers
    /// [`Error::Locked`] and reads nothing.
    pub fn open_encrypted(path: impl AsRef<Path>, key: &DbKey, now: DateTime<Utc>) -> Result<Store> {
        Store::open_with(path.as_ref(), Some(key), now)
    }

    /// Opens a registry, encrypted when `key` is given.
    pub fn open_with(path: &Path, key: Option<&DbKey>, now: DateTime<Utc>) -> Result<Store> {
        if !path.exists() {
            return Err(Error::NotInitialised);
        }
        let conn = connect(path, key, now)?;
        let registry = read_registry(&conn)?.ok_or(Error::NotInitialised)?;
        Ok(Store { conn, path: path.to_path_buf(), registry, viewer: None })
    }

    /// The registry this store holds.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Changes made here and not yet acknowledged by a relay.
    pub fn outbox_len(&self) -> Result<u64> {
        let n: i64 = self.conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// The database size on disk in bytes (main file and write-ahead log).
    pub fn size_on_disk(&self) -> u64 {
        let wal = PathBuf::from(format!("{}-wal", self.path.display()));
        [self.path.as_path(), wal.as_path()]
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum()
    }

    /// Re-encrypts every page under `key` (for a plaintext store: encrypts it), in place. Only for
    /// replacing the database key itself: a new passphrase rewraps the key instead
    /// ([`crate::vault::Vault::change`]).
    ///
    /// SQLite3 Multiple Ciphers rekeys outside WAL mode only: the store leaves WAL for the rekey (it
    /// needs no other connection open on the file) and returns to it.
    pub fn rekey(&mut self, key: &DbKey) -> Result<()> {
        self.checkpoint()?;
        self.conn.pragma_update(None, "journal_mode", "DELETE")?;
        let mut sql = zeroize::Zeroizing::new(String::from("PRAGMA cipher = 'chacha20'; PRAGMA rekey = '"));
        sql.push_str(&key.pragma_value());
        sql.push_str("';");
        let rekeyed = self.conn.execute_batch(&sql);
        self.conn.pragma_update(None, "journal_mode", "WAL")?;
        Ok(rekeyed?)
    }

    /// Folds the write-ahead log into the main file (used before measuring or copying it).
    pub fn checkpoint(&self) -> Result<()> {
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}
