//! `sync-client DB`: opens the store at `DB` and runs one sync with the relay it is enrolled with,
//! for the fault tests (`tests/tests/stories/sync_faults.rs`), which kill it at random moments.
//!
//! It prints `START` when the store is open and the sync begins, then one line, and exits 0 after a
//! completed sync:
//!
//! ```text
//! OK sent=<n> acknowledged=<n> applied=<n>
//! ```
//!
//! or, when the sync stopped with an error, exits 1 after printing
//! `ERROR store|retryable|other <message>` (a failing store — a full disk — is `store`).

use anyhow::bail;
use chrono::{DateTime, Utc};
use shouwang_core::store::Store;
use shouwang_sync::SyncError;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [db] = args.as_slice() else { bail!("usage: sync-client DB") };
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00")?.to_utc();
    let mut store = Store::open(db, now)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    println!("START");
    std::io::Write::flush(&mut std::io::stdout())?;
    match runtime.block_on(shouwang_sync::sync(&mut store, &mut |_| {}, now)) {
        Ok(report) => {
            println!(
                "OK sent={} acknowledged={} applied={}",
                report.sent, report.acknowledged, report.received.applied
            );
            Ok(())
        }
        Err(e) => {
            let kind = match &e {
                SyncError::Store(_) => "store",
                e if e.is_retryable() => "retryable",
                _ => "other",
            };
            println!("ERROR {kind} {e}");
            std::process::exit(1);
        }
    }
}
