//! The commands the UI invokes, one file per domain, as in Tauri's app template. Each is a few lines:
//! take the store ([`crate::state::AppState::open`]), read the UI's input ([`crate::parse`]), call
//! core, convert the answer ([`crate::dto`]; errors through [`crate::error`]), and wake the sync loop
//! after a write. Who may do what is core's (`shouwang_core::view::Operation`): the shell has no role
//! gate of its own.

pub mod agreements;
pub mod app;
pub mod assignment;
pub mod cards;
pub mod cases;
pub mod devices;
pub mod family;
pub mod files;
pub mod helpers;
pub mod ledger;
pub mod lock;
pub mod privacy;
pub mod registry;
pub mod reports;
pub mod risk;
pub mod sync;
pub mod visits;
