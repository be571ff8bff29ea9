//! The relay over real TCP: enrolment, scopes, push and pull, the binary's commands.
//!
//! One test binary per crate (each module one story); linking one binary instead of many keeps the
//! build's disk and time small.

mod binary;
mod common;
mod devices;
mod enrolments;
mod moving;
mod office;
mod sealed;
mod sync;
