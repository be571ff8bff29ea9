//! Cross-crate stories: real store files, a real relay process, PostgreSQL, crashes and faults.
//!
//! One test binary per crate (each module one story); linking one binary instead of many keeps the
//! build's disk and time small.

mod crash;
mod family_card;
mod nothing_lost_nothing_forged;
mod privacy_relay;
mod relay_postgres;
mod sync_devices;
mod sync_faults;
mod visits_sync;
