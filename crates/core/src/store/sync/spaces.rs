//! Per-village cursors for a device whose scope covers several villages (a township office): the relay
//! keeps one sequence per village (space), so the device keeps one cursor per space. The cursor of a space
//! moves in the transaction that applies its page ([`Store::apply_remote_in`]); an epoch change or a new
//! enrolment clears them all, so every village is pulled again from zero.

use super::super::{Result, Store};
use serde::Serialize;

/// Where the pull of one village stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpaceCursor {
    /// The village's 12-digit code.
    pub space: String,
    /// The last relay sequence number applied from it.
    pub cursor: u64,
    /// Its head when the relay last listed it: `head - cursor` changes are still to pull.
    pub head: u64,
}

/// Moves a space's cursor forward (never back) inside the caller's transaction.
pub(super) fn advance(tx: &rusqlite::Transaction<'_>, space: &str, next: u64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO space_cursors (space, cursor, head) VALUES (?1, ?2, ?2)
         ON CONFLICT (space) DO UPDATE SET cursor = max(cursor, excluded.cursor),
                                           head = max(head, excluded.cursor)",
    )?
    .execute((space, next as i64))?;
    Ok(())
}

/// Forgets every space's cursor (a new epoch, a new enrolment).
pub(super) fn clear(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    tx.execute("DELETE FROM space_cursors", [])?;
    Ok(())
}

impl Store {
    /// The cursor of every village this device has pulled from or seen listed, in code order.
    pub fn space_cursors(&self) -> Result<Vec<SpaceCursor>> {
        let mut stmt =
            self.conn.prepare_cached("SELECT space, cursor, head FROM space_cursors ORDER BY space")?;
        let rows = stmt.query_map([], |r| {
            Ok(SpaceCursor {
                space: r.get(0)?,
                cursor: r.get::<_, i64>(1)? as u64,
                head: r.get::<_, i64>(2)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records the heads the relay listed (`(space, head)`), for progress; cursors are left as they are.
    pub fn note_space_heads(&mut self, heads: &[(String, u64)]) -> Result<()> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO space_cursors (space, cursor, head) VALUES (?1, 0, ?2)
                 ON CONFLICT (space) DO UPDATE SET head = excluded.head",
            )?;
            for (space, head) in heads {
                stmt.execute((space, *head as i64))?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
