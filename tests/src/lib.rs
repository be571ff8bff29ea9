//! Cross-crate tests of Shouwang: real store files and real processes. The test programs live in
//! `tests/` (the crash test kills `crash-writer`, a writer of elders, at random moments) and the helper
//! binaries in `src/bin/`.

pub mod device;
pub mod postgres;
pub mod proxy;
pub mod relay;

/// Runs each story `fn name(backend: Backend)` twice, as `sqlite::name` and `postgres::name` (a fresh
/// database on the test process's PostgreSQL server, [`postgres::server`]). The calling module imports
/// `Backend`.
#[macro_export]
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $story() { super::$story(super::Backend::Sqlite) })*
        }
        mod postgres {
            $(#[test] fn $story() {
                let url = shouwang_tests::postgres::server().fresh_database(stringify!($story));
                super::$story(super::Backend::Postgres(url))
            })*
        }
    };
}
