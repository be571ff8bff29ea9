//! The field simulation: a county's year of offline work replayed on the real parts — a store file per
//! device ([`shouwang_core::store::Store`]), the real sync engine ([`shouwang_sync`]) and a real
//! `shouwang-relay` process on loopback — with the faults of the field: devices offline for days to
//! weeks, clocks skewed by hours to months, tablets lost and their helpers re-enrolled on new ones, the
//! relay killed (between syncs and in the middle of one) and restarted, and moved mid-year from SQLite
//! to PostgreSQL by export and import ([`Config::move_relay_to`]).
//!
//! What it owns:
//! - [`Config`]: the county's size and the seed; the same seed replays the same year.
//! - [`faults`]: the [`faults::Schedule`] drawn from the seed, and the kinds of [`faults::Fault`].
//! - [`county`]: the model — villages, a committee device and helper devices each, elders, helpers,
//!   the daily work (visits, cases and their stages, risk assessments, agreements, record edits).
//! - [`check`]: the invariants, checked at random checkpoints and at the end: every acknowledged record
//!   on every device in its scope, no duplicates, the devices of a village equal in their projections,
//!   due lists identical.
//! - [`Report`]: the counts (records created, syncs, faults by kind, records lost, duplicates).
//!
//! Only **acknowledged** records count: a record whose changes the relay acknowledged. What a lost
//! tablet had not synced is gone by definition and reported apart (`unsynced_on_lost_tablets`).
//!
//! ```no_run
//! let report = shouwang_sim::run(&shouwang_sim::Config::village_year(7), &mut |line| eprintln!("{line}"))?;
//! assert_eq!(report.records_lost, 0);
//! assert_eq!(report.duplicates, 0);
//! # Ok::<(), shouwang_sim::SimError>(())
//! ```

pub mod check;
pub mod county;
pub mod device;
pub mod faults;
pub mod relay;
mod report;

pub use county::run;
pub use report::Report;

use chrono::NaiveDate;

/// The size of the simulated county and its seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The seed of every random choice.
    pub seed: u64,
    /// Villages (each a relay space with one committee device).
    pub villages: usize,
    /// Helpers in the county (each with a tablet), spread over the villages.
    pub helpers: usize,
    /// Elders in the county, spread over the villages.
    pub elders: usize,
    /// Days simulated.
    pub days: u32,
    /// The first day (China date).
    pub start: NaiveDate,
    /// Checkpoints at random days before the end (the end is always checked).
    pub checkpoints: usize,
    /// A PostgreSQL URL for the relay's store instead of SQLite in its data directory.
    pub relay_database: Option<String>,
    /// An empty PostgreSQL database the relay is moved to mid-year (export from its SQLite store,
    /// import, serve from PostgreSQL on), counted as the fault `relay_moved`.
    pub move_relay_to: Option<String>,
}

impl Config {
    /// One village of 60 elders and 3 helpers for a year: the size CI runs.
    pub fn village_year(seed: u64) -> Config {
        Config { villages: 1, helpers: 3, elders: 60, ..Config::county(seed) }
    }

    /// The full county of the field: 20 villages, 100 helpers, 6,000 elders, a year.
    pub fn county(seed: u64) -> Config {
        Config {
            seed,
            villages: 20,
            helpers: 100,
            elders: 6000,
            days: 365,
            start: NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date"),
            checkpoints: 4,
            relay_database: None,
            move_relay_to: None,
        }
    }
}

/// Why the simulation could not run (a broken invariant is not an error: it is in the [`Report`]).
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The relay process could not be started or administered.
    #[error("relay: {0}")]
    Relay(String),
    /// A store could not be created or read.
    #[error("store of {device}: {source}")]
    Store {
        /// The device.
        device: String,
        /// What went wrong.
        source: Box<shouwang_core::store::Error>,
    },
    /// A device could not enrol.
    #[error("enrolment of {device}: {source}")]
    Enrol {
        /// The device.
        device: String,
        /// What went wrong.
        source: Box<shouwang_sync::SyncError>,
    },
    /// A device's store file could not be read for the checks.
    #[error("reading {device}: {source}")]
    Read {
        /// The device.
        device: String,
        /// What went wrong.
        source: rusqlite::Error,
    },
    /// The configuration cannot be simulated.
    #[error("config: {0}")]
    Config(String),
    /// A temporary directory could not be made.
    #[error("temporary directory: {0}")]
    Io(#[from] std::io::Error),
}
