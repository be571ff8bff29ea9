//! What every command needs ([`Ctx`]): the registry's file, `--json`, the time of this invocation and
//! the passphrase; and opening the registry, with its key when a key file lies beside it.

use crate::error::{field, Result};
use crate::parse;
use chrono::{DateTime, NaiveDate, Utc};
use shouwang_core::store::Store;
use shouwang_core::vault::{self, Passphrase, Vault};
use std::path::{Path, PathBuf};

/// What every command needs.
pub struct Ctx {
    /// The database file.
    pub db: PathBuf,
    /// `--json`.
    pub json: bool,
    /// The time of this invocation.
    pub now: DateTime<Utc>,
    /// The registry's passphrase (`--passphrase-file` or SHOUWANG_PASSPHRASE), if given.
    pub passphrase: Option<Passphrase>,
}

impl Ctx {
    /// The context of the global options: `--db` (default: the platform data directory), `--json`,
    /// `--passphrase-file` (else the SHOUWANG_PASSPHRASE variable).
    pub fn new(db: Option<PathBuf>, json: bool, passphrase_file: Option<&Path>) -> Result<Ctx> {
        let passphrase = match passphrase_file {
            Some(file) => Some(parse::passphrase_file("passphrase-file", file)?),
            None => std::env::var("SHOUWANG_PASSPHRASE").ok().map(Passphrase::new),
        };
        Ok(Ctx { db: db.unwrap_or_else(default_db), json, now: Utc::now(), passphrase })
    }

    /// Opens the registry: with its key when a key file lies beside it, else as a plaintext file.
    pub fn open(&self) -> Result<Store> {
        let key_file = vault::key_path(&self.db);
        if !key_file.exists() {
            return Ok(Store::open(&self.db, self.now)?);
        }
        let key = Vault::unlock(&key_file, self.passphrase()?.as_str())?;
        Ok(Store::open_encrypted(&self.db, &key, self.now)?)
    }

    /// The passphrase given, or the refusal that says how to give it.
    pub fn passphrase(&self) -> Result<&Passphrase> {
        Ok(self.passphrase.as_ref().ok_or_else(|| {
            field(
                "passphrase",
                "数据库已加密：请提供口令（--passphrase-file 口令文件，或环境变量 SHOUWANG_PASSPHRASE）",
                "the database is encrypted: give the passphrase via --passphrase-file PATH or SHOUWANG_PASSPHRASE",
            )
        })?)
    }

    /// Today in China.
    pub fn today(&self) -> NaiveDate {
        shouwang_core::time::local_date(self.now)
    }
}

fn default_db() -> PathBuf {
    directories::ProjectDirs::from("cn", "shouwang", "shouwang")
        .map(|d| d.data_dir().join("shouwang.sqlite"))
        .unwrap_or_else(|| PathBuf::from("shouwang.sqlite"))
}
