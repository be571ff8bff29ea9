//! The command line's error: a store error or a sync error, each knowing whether the input was at fault.

use shouwang_core::store;
use shouwang_sync::SyncError;

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

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Store(store::Error::Io(e))
    }
}
