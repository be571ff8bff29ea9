//! The `shouwang` command as county IT staff run it, on real store files.
//!
//! One test binary per crate (each module one story); linking one binary instead of many keeps the
//! build's disk and time small.

mod cli;
mod office;
mod print;
mod visits;
