//! The device's sync engine: push the outbox, pull after the cursor, apply — over HTTP through reqwest
//! with rustls, so the same code runs on Android without OpenSSL.
//!
//! The store ([`shouwang_core::store`]) does every step in its own transaction; this crate only moves
//! bytes. Rules it keeps: a change leaves the outbox only when the relay listed its position in `kept`; the
//! cursor advances with the applied page; a new relay epoch (restored from a backup) means push
//! everything again and pull from zero; "synced" is recorded only when nothing is left to send and
//! nothing left to pull. A sync cut at any byte resumes where it stopped. A device enrolled for a
//! township reads many villages: it lists them (`GET /v1/spaces`) and pulls each one whose head is past
//! its own cursor for that village ([`Store::space_cursors`](shouwang_core::store::Store::space_cursors)).
//! A village device starts with one round trip (`POST /v1/spaces/{space}/sync`): its first batch and
//! the page after its cursor together; it acknowledges that batch only if the answer's digest matches
//! the changes it sent. Further batches and pages use the push and pull routes. The relay never sends a
//! device the changes it pushed itself.
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
pub use engine::{enrol, enrol_with_keys, sync, Phase, Progress, Report};
pub use error::SyncError;
