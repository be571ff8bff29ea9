//! The `shouwang` command as county IT staff run it, on real store files.
//!
//! One test binary per crate (each module one story); linking one binary instead of many keeps the
//! build's disk and time small.
//!
//! Registries are encrypted at rest (issue 7): every story's runner gives the binary [`PASSPHRASE`]
//! through SHOUWANG_PASSPHRASE, so `init` and `demo` create encrypted registries and every command
//! opens them with it.

mod at_rest;
mod cli;
mod office;
mod print;
mod privacy_office;
mod visits;

/// The passphrase every story's registry is created and opened with.
pub(crate) const PASSPHRASE: &str = "斑竹村 stories passphrase";
