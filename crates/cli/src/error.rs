//! The command line's error, and the one place where every other error becomes it: a store error
//! (the core's, with the field named and both languages) or a sync error, each knowing whether the
//! input was at fault (exit 2) or not (exit 1).

use shouwang_core::ledger::LedgerError;
use shouwang_core::print::PrintError;
use shouwang_core::report::export::ExportError;
use shouwang_core::report::LayoutError;
use shouwang_core::store::{self, Error};
use shouwang_core::vault;
use shouwang_sync::SyncError;

/// Result of a command.
pub type Result<T> = std::result::Result<T, CliError>;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The registry refused or failed.
    #[error(transparent)]
    Store(#[from] store::Error),
    /// Sync or enrolment failed.
    #[error(transparent)]
    Sync(#[from] SyncError),
}

impl CliError {
    /// Exit code 2 (invalid input, nothing written) rather than 1.
    pub fn is_invalid_input(&self) -> bool {
        match self {
            CliError::Store(e) => e.is_invalid_input(),
            CliError::Sync(SyncError::Store(e)) => e.is_invalid_input(),
            CliError::Sync(e) => e.is_invalid_input(),
        }
    }
}

/// A refusal of the input that names its field, in Chinese and English.
pub fn field(field: &str, zh: impl Into<String>, en: impl Into<String>) -> Error {
    Error::Field { field: field.into(), zh: zh.into(), en: en.into() }
}

/// JSON input that does not read: the field serde names (`unknown field `x``, `missing field
/// `x``), else `input`, with `zh` and `en` saying what the JSON should have been.
pub fn bad_json(e: &serde_json::Error, zh: String, en: String) -> Error {
    let message = e.to_string();
    let name = message.split('`').nth(1).filter(|_| message.contains("field")).unwrap_or("input");
    field(name, zh, en)
}

/// A core message written `中文 / English`, split into its two languages.
fn bilingual(text: String) -> (String, String) {
    match text.split_once(" / ") {
        Some((zh, en)) => (zh.to_string(), en.to_string()),
        None => (text.clone(), text),
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Store(Error::Io(e))
    }
}

/// A key-file error: the passphrase's own errors name their field; a damaged key file is corrupt.
impl From<vault::Error> for CliError {
    fn from(e: vault::Error) -> Self {
        CliError::Store(match e {
            vault::Error::Io(e) => Error::Io(e),
            vault::Error::Damaged { .. } | vault::Error::Unsupported(_) | vault::Error::Random(_) => {
                Error::Corrupt { doc: "key file".into(), reason: e.en() }
            }
            e => field(e.field().unwrap_or("key-file"), e.zh(), e.en()),
        })
    }
}

/// A ledger error: unreadable files and bad input are the field `file` (exit 2), I/O exits 1.
impl From<LedgerError> for CliError {
    fn from(e: LedgerError) -> Self {
        CliError::Store(match e {
            LedgerError::Io(io) => Error::Io(io),
            LedgerError::Export(ExportError::Io(io)) => Error::Io(io),
            LedgerError::Refused(r) => Error::Refused(r),
            other => {
                let (zh, en) = bilingual(other.to_string());
                field("file", zh, en)
            }
        })
    }
}

/// A report written to a file (`--out`): I/O exits 1, anything else is the field `out`.
impl From<ExportError> for CliError {
    fn from(e: ExportError) -> Self {
        CliError::Store(match e {
            ExportError::Io(io) => Error::Io(io),
            other => field("out", other.to_string(), other.to_string()),
        })
    }
}

/// A report layout that does not read or is unknown: the field it names, else `layout`.
impl From<LayoutError> for CliError {
    fn from(e: LayoutError) -> Self {
        let (zh, en) = bilingual(e.to_string());
        let name = match e {
            LayoutError::Invalid { field, .. } => field,
            _ => "layout".into(),
        };
        CliError::Store(Error::Field { field: name, zh, en })
    }
}

/// A print that cannot be made: the font, the QR code or the output file.
impl From<PrintError> for CliError {
    fn from(e: PrintError) -> Self {
        let name = match e {
            PrintError::FontFile { .. } | PrintError::FontFormat { .. } => "font",
            PrintError::Qr(_) => "code",
            PrintError::Pdf(_) => "out",
        };
        CliError::Store(field(name, format!("无法生成打印文件：{e}"), format!("cannot print: {e}")))
    }
}
