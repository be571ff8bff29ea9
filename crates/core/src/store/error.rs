//! The store's error type.

use crate::elder::ElderId;
use crate::validate::Violation;

/// What can go wrong reading or writing the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The record broke one or more rules; nothing was written.
    #[error("invalid record: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<Violation>),
    /// A field given by name does not exist or its value has the wrong form; nothing was written.
    #[error("{field}: {zh} / {en}")]
    Field {
        /// The field as given.
        field: String,
        /// What was wrong, in Chinese.
        zh: String,
        /// What was wrong, in English.
        en: String,
    },
    /// No elder with this id in the registry.
    #[error("没有编号为 {0} 的老人 / no elder with id {0}")]
    NotFound(ElderId),
    /// The database has no registry yet.
    #[error("数据库尚未初始化，请先运行 shouwang init / the database has no registry yet; run `shouwang init` first")]
    NotInitialised,
    /// The database is encrypted and no key, or the wrong key, was given (or the file is not a
    /// Shouwang database at all); nothing was read.
    #[error("数据库已加密：请提供正确的口令（或文件不是守望数据库）/ the database is encrypted: give the right passphrase (or the file is not a Shouwang database)")]
    Locked,
    /// `init` on a database that already has a registry.
    #[error("数据库已初始化（单位 {unit}）/ the database already holds the registry of {unit}")]
    AlreadyInitialised {
        /// The unit it serves.
        unit: String,
    },
    /// A policy profile name that is not known.
    #[error("没有名为 {0} 的政策配置 / no policy profile named {0:?} (known: liaoning, shandong, hunan, guangdong, sichuan)")]
    UnknownPolicy(String),
    /// The file was written by a newer version of Shouwang.
    #[error("数据库由更新版本写入（结构版本 {found}，本程序支持 {known}），请升级 / the database was written by a newer version (schema {found}; this build knows {known}); upgrade")]
    TooNew {
        /// The file's schema version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// The file was written by a build from before keyed elder ids and holds records: refused, not
    /// migrated (no deployment holds real data under the old ids).
    #[error("登记册由旧版本创建（老人编号未用村密钥加密）：请用旧版本导出台账，新建登记册后重新导入 / the registry was made by a build before keyed elder ids: export its ledger with that build, create a new registry and import it")]
    UnkeyedIds,
    /// A stored document cannot be read.
    #[error("document {doc} is damaged: {reason}")]
    Corrupt {
        /// The document.
        doc: String,
        /// Why.
        reason: String,
    },
    /// The viewer's role may not do this, or may not see this elder ([`crate::view`]); nothing was read.
    #[error(transparent)]
    Refused(#[from] crate::view::Refused),
    /// SQLite failed (disk full, file locked, I/O error…).
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file system failed (a directory could not be created…).
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    /// Automerge refused an operation.
    #[error("document: {0}")]
    Automerge(#[from] automerge::AutomergeError),
}

impl Error {
    /// Whether the caller's input was at fault (the CLI exits with 2), rather than the system.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            Error::Invalid(_)
                | Error::Field { .. }
                | Error::NotFound(_)
                | Error::AlreadyInitialised { .. }
                | Error::UnknownPolicy(_)
        )
    }
}

impl From<crate::report::LayoutError> for Error {
    /// A report layout that cannot be used (unknown, unreadable, a column entered that is not an
    /// entered one): the field it names, else `layout`.
    fn from(e: crate::report::LayoutError) -> Error {
        if let crate::report::LayoutError::Invalid { field, zh, en } = e {
            return Error::Field { field, zh, en };
        }
        let text = e.to_string();
        let (zh, en) = text.split_once(" / ").unwrap_or((&text, &text));
        Error::Field { field: "layout".into(), zh: zh.into(), en: en.into() }
    }
}

/// Result of store operations.
pub type Result<T> = std::result::Result<T, Error>;

/// A field's error: what was wrong with it, in Chinese and English.
pub(super) fn field(field: &str, zh: String, en: String) -> Error {
    Error::Field { field: field.into(), zh, en }
}

/// The refusal of a write for an archived elder (moved away or deceased).
pub(super) fn archived(elder: &ElderId) -> Error {
    field(
        "elder",
        format!("老人 {elder} 已注销（迁出或死亡），不能登记探访或分配互助员"),
        format!("elder {elder} is archived (moved away or deceased): no visits or helpers can be recorded"),
    )
}
