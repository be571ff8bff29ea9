//! Core stories on a real store file: helpers, visits, schedules, cases.
//!
//! One test binary per crate (each module one story); linking one binary instead of many keeps the
//! build's disk and time small.

mod at_rest;
mod audit;
mod cases;
mod consent;
mod emergencies;
mod family_visited;
mod helpers_and_visits;
mod import_cycles;
mod monthly_progress;
mod role_views;
