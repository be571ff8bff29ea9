//! Applies the numbered SQL migrations of `schema/migrations/` in order and records each.

use super::{Error, Result};
use rusqlite::Connection;

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The schema version this build writes (the number of the last migration).
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// The schema version from which elder ids are keyed with the village's id key
/// (`0010_change_identity.sql`).
pub const KEYED_IDS: i64 = 10;

/// Whether a database from before [`KEYED_IDS`] holds any elder's record: its elder ids are the
/// unkeyed hash of the ID number, which the relay could check a guess against. No deployment holds
/// real data under them, so such a registry is refused, not migrated ([`Error::UnkeyedIds`]).
fn holds_unkeyed_elders(conn: &Connection) -> Result<bool> {
    let kinds = crate::doc::DocKind::RECORD.iter().map(|k| format!("'{}'", k.code())).collect::<Vec<_>>();
    let sql = format!("SELECT EXISTS (SELECT 1 FROM documents WHERE kind IN ({}))", kinds.join(", "));
    Ok(conn.query_row(&sql, [], |r| r.get(0))?)
}

/// Brings the database up to [`latest`], each migration in its own transaction. A database from a
/// newer build is refused rather than touched.
pub fn migrate(conn: &mut Connection, now: &str) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > latest() {
        return Err(Error::TooNew { found: current, known: latest() });
    }
    if (1..KEYED_IDS).contains(&current) && holds_unkeyed_elders(conn)? {
        return Err(Error::UnkeyedIds);
    }
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = i as i64 + 1;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let now_at: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now_at >= version {
            continue;
        }
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            (version, name, now),
        )?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_applies_in_order_on_an_empty_database_and_is_recorded() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, "2026-11-23T00:00:00Z").unwrap();
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, latest());
        let recorded: i64 = conn.query_row("SELECT count(*) FROM migrations", [], |r| r.get(0)).unwrap();
        assert_eq!(recorded, latest());
        // Running again changes nothing.
        migrate(&mut conn, "2026-11-24T00:00:00Z").unwrap();
        let recorded: i64 = conn.query_row("SELECT count(*) FROM migrations", [], |r| r.get(0)).unwrap();
        assert_eq!(recorded, latest());
    }

    #[test]
    fn a_registry_with_records_from_before_keyed_ids_is_refused_and_an_empty_one_migrates() {
        for holds_records in [false, true] {
            let mut conn = Connection::open_in_memory().unwrap();
            for (i, (_, sql)) in MIGRATIONS.iter().enumerate().take(KEYED_IDS as usize - 1) {
                conn.execute_batch(sql).unwrap();
                conn.pragma_update(None, "user_version", i as i64 + 1).unwrap();
            }
            conn.execute_batch(
                "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
                 INSERT INTO outbox (doc_id, hash, change, created_at) VALUES ('a/helper', 'h', x'00', 'now');",
            )
            .unwrap();
            if holds_records {
                conn.execute(
                    "INSERT INTO documents (doc_id, elder_id, kind, data, heads, updated_at)
                     VALUES ('e/card', 'e', 'card', x'00', '', 'now')",
                    [],
                )
                .unwrap();
                let refused = migrate(&mut conn, "now").unwrap_err();
                assert!(matches!(refused, Error::UnkeyedIds), "{refused}");
                assert!(refused.to_string().contains("重新导入"), "{refused}");
                let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
                assert_eq!(version, KEYED_IDS - 1, "nothing was touched");
            } else {
                migrate(&mut conn, "now").unwrap();
                let kept: i64 = conn.query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)).unwrap();
                assert_eq!(kept, 1, "the outbox is carried over");
            }
        }
    }

    #[test]
    fn a_database_from_a_newer_build_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest() + 1).unwrap();
        assert!(matches!(migrate(&mut conn, "now"), Err(Error::TooNew { .. })));
    }
}
