//! The projection's dispatcher: which projection rows depend on which documents of a subject, for
//! what arrives from elsewhere (sync) and a rebuild. Each feature owns its rows (`elder_row` the
//! elder's, `visits`, `cases`, `helpers`, `agreements`, `risk` theirs) and a write refreshes its own;
//! only this module calls them all, and none of them calls it.

use super::documents;
use super::Result;
use crate::doc::{DocKind, SubjectId};
use automerge::ActorId;
use rusqlite::Connection;

/// Refreshes every projection row that depends on these documents of one subject: the elder's row
/// (record kinds), their current helper (`assignment`), their visits (`visits`), their cases
/// (`cases`), a helper's row
/// (`helper`). A helper's or an organisation's subject never makes an elder row.
pub(super) fn refresh(
    conn: &Connection,
    subject: &SubjectId,
    kinds: &[DocKind],
    actor: &ActorId,
) -> Result<()> {
    if kinds.iter().any(|k| DocKind::RECORD.contains(k)) {
        let docs = documents::load(conn, subject, actor)?;
        super::elder_row::project(conn, subject, &docs)?;
        if kinds.contains(&DocKind::Assignment) {
            let assignment = docs.iter().find(|l| l.kind == DocKind::Assignment).expect("a record kind");
            super::helpers::project_assignment(conn, subject, assignment)?;
        }
    }
    if kinds.contains(&DocKind::Visits) {
        let loaded = documents::load_one(conn, subject, DocKind::Visits, actor)?;
        super::visits::project_visits(conn, subject, &loaded)?;
    }
    if kinds.contains(&DocKind::Cases) {
        let loaded = documents::load_one(conn, subject, DocKind::Cases, actor)?;
        super::cases::project_cases(conn, subject, &loaded)?;
    }
    if kinds.contains(&DocKind::Agreement) {
        let loaded = documents::load_one(conn, subject, DocKind::Agreement, actor)?;
        super::agreements::project_agreements(conn, subject, &loaded)?;
    }
    if kinds.contains(&DocKind::Risk) {
        let loaded = documents::load_one(conn, subject, DocKind::Risk, actor)?;
        super::risk::project_risk(conn, subject, &loaded)?;
    }
    if kinds.contains(&DocKind::Helper) {
        let mut loaded = documents::load_one(conn, subject, DocKind::Helper, actor)?;
        super::helpers::project_helper(conn, subject, &mut loaded)?;
    }
    Ok(())
}
