//! Cross-crate tests of Shouwang: real store files and real processes. The test programs live in
//! `tests/` (the crash test kills `crash-writer`, a writer of elders, at random moments) and the helper
//! binaries in `src/bin/`.

pub mod device;
pub mod postgres;
pub mod proxy;
pub mod relay;
