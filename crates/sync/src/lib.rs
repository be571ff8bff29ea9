//! The device's sync engine: push the outbox, pull after the cursor, apply — over HTTP through reqwest
//! with rustls, so the same code runs on Android without OpenSSL.
//!
//! The store ([`shouwang_core::store`]) does every step in its own transaction; this crate only moves
//! bytes. Rules it keeps: a change leaves the outbox only when the relay listed its position in `kept`; the
//! cursor advances with the applied page; a new relay epoch (restored from a backup) means push
//! everything again and pull from zero; "synced" is recorded only when nothing is left to send and
//! nothing left to pull. A sync cut at any byte resumes where it stopped.
//!
//! ```no_run
//! # async fn demo(store: &mut shouwang_core::store::Store) -> Result<(), shouwang_sync::SyncError> {
//! let report = shouwang_sync::sync(store, &mut |p| eprintln!("{p:?}"), chrono::Utc::now()).await?;
//! println!("sent {}, received {}", report.acknowledged, report.received.applied);
//! # Ok(()) }
//! ```

mod client;
mod engine;
mod error;

pub use client::Relay;
pub use engine::{enrol, sync, Phase, Progress, Report};
pub use error::SyncError;
