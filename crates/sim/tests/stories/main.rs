//! Stories of the field simulation: a village's year of offline work with faults on real stores, the
//! real sync engine and a real relay process (`village_year`), and convergence of any interleaving of
//! edits and syncs among three devices (`convergence`, property tests), and every input the fuzzers keep
//! replayed through the fuzz targets' bodies (`fuzz_replay`).
//!
//! `village_year` needs the relay binary of the same profile: `cargo build -p shouwang-relay` first.

mod convergence;
mod fuzz_replay;
mod village_year;
