//! The shapes commands take and return, and the events the app emits, one file per domain: each
//! derives `TS` so `ui/src/bindings/index.ts` is generated from here (see `bindings.rs`). Conversions
//! from core types are field copies; the rules stay in core.

pub mod agreements;
pub mod app;
pub mod assignment;
pub mod cards;
pub mod cases;
pub mod devices;
pub mod elder;
pub mod family;
pub mod files;
pub mod helpers;
pub mod ledger;
pub mod lock;
pub mod privacy;
pub mod registry;
pub mod reports;
pub mod risk;
pub mod visits;

pub use agreements::form::*;
pub use agreements::*;
pub use app::*;
pub use assignment::*;
pub use cards::*;
pub use cases::*;
pub use devices::*;
pub use elder::convert::*;
pub use elder::*;
pub use family::*;
pub use files::*;
pub use helpers::*;
pub use ledger::*;
pub use lock::*;
pub use privacy::*;
pub use registry::*;
pub use reports::*;
pub use risk::*;
pub use visits::*;

/// The serde code of a closed choice (`self_care`, `month`, `delegator_calls`…).
pub fn code_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}
