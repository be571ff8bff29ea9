//! Files written for the user (exports into the download directory) and what they are written as.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a file is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// Excel, laid out like the printed form.
    Xlsx,
    /// CSV (UTF-8 with a byte-order mark, for Excel).
    Csv,
    /// JSON.
    Json,
}

impl FileKind {
    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Xlsx => "xlsx",
            FileKind::Csv => "csv",
            FileKind::Json => "json",
        }
    }
}

/// A file written for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedFile {
    /// Where it was written (the download directory, else the app data directory).
    pub path: String,
    /// Its file name.
    pub name: String,
}
