//! Stories of the field simulation: a village's year of offline work with faults on real stores, the
//! real sync engine and a real relay process (`village_year`), and convergence of any interleaving of
//! edits and syncs among three devices (`convergence`, property tests).
//!
//! `village_year` needs the relay binary of the same profile: `cargo build -p shouwang-relay` first.

mod convergence;
mod village_year;
