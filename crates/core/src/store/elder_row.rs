//! An elder's projection row: one `elders` row (and its `elder_categories`) per elder, derived only
//! from the elder's record documents, so that a rebuild gives the same rows as the writes did.

use super::documents::{self, Loaded};
use super::Result;
use crate::doc::{DocKind, SubjectId};
use crate::elder::{Elder, ElderId};
use automerge::ActorId;
use rusqlite::Connection;

/// Loads an elder's record documents and writes their row again (after a write to one of them).
pub(super) fn refresh(conn: &Connection, subject: &SubjectId, actor: &ActorId) -> Result<()> {
    let docs = documents::load(conn, subject, actor)?;
    project(conn, subject, &docs)
}

/// Writes the projection rows of one elder from their loaded documents.
///
/// A device that may not read every document of an elder (a family phone holds only the card and the
/// supporters) cannot make the full record: such an elder has no projection row there.
pub(super) fn project(conn: &Connection, id: &ElderId, docs: &[Loaded]) -> Result<()> {
    let Ok(elder) = documents::join(id, docs) else {
        conn.prepare_cached("DELETE FROM elders WHERE elder_id = ?1")?.execute([id.as_str()])?;
        return Ok(());
    };
    let conflicts = documents::conflicts(docs);
    let profile = docs.iter().find(|l| l.kind == DocKind::Profile).map(|l| crate::crdt::read(&l.doc));
    let id_masked = profile.as_ref().and_then(|p| p.get("id_masked")).and_then(|v| v.as_str());
    let consent = profile
        .as_ref()
        .and_then(|p| crate::consent::state(&crate::consent::in_profile(p)))
        .map(|s| s.code());
    write(conn, id, &elder, conflicts, (id_masked, consent))
}

fn write(
    conn: &Connection,
    id: &ElderId,
    e: &Elder,
    conflicts: usize,
    (id_masked, consent): (Option<&str>, Option<&str>),
) -> Result<()> {
    let updated_at: String = conn.query_row(
        "SELECT coalesce(max(updated_at), '') FROM documents
         WHERE elder_id = ?1 AND kind IN ('card', 'family', 'profile', 'sensitive', 'assignment')",
        [id.as_str()],
        |r| r.get(0),
    )?;
    let income: Vec<&str> = e.income_sources.iter().map(|s| s.code()).collect();
    conn.prepare_cached(
        "INSERT INTO elders (elder_id, unit, name, sex, birth_date, ethnicity, id_number, hukou, address, phone,
             lat, lon, health, education, spouse, care, children, supporters, away_since, income, status,
             archived_on, conflicts, updated_at, id_masked, consent, registered_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
             ?22, ?23, ?24, ?25, ?26, ?27)
         ON CONFLICT (elder_id) DO UPDATE SET unit = excluded.unit, name = excluded.name, sex = excluded.sex,
             birth_date = excluded.birth_date, ethnicity = excluded.ethnicity, id_number = excluded.id_number,
             hukou = excluded.hukou, address = excluded.address, phone = excluded.phone, lat = excluded.lat,
             lon = excluded.lon, health = excluded.health, education = excluded.education,
             spouse = excluded.spouse, care = excluded.care, children = excluded.children,
             supporters = excluded.supporters, away_since = excluded.away_since, income = excluded.income,
             status = excluded.status, archived_on = excluded.archived_on, conflicts = excluded.conflicts,
             updated_at = excluded.updated_at, id_masked = excluded.id_masked, consent = excluded.consent,
             registered_on = excluded.registered_on",
    )?
    .execute(rusqlite::params![
        id.as_str(),
        e.unit.as_str(),
        e.name,
        e.sex.code(),
        e.birth_date.to_string(),
        e.ethnicity,
        e.id_number,
        e.hukou.code(),
        e.address,
        e.phone,
        e.home.map(|p| p.lat),
        e.home.map(|p| p.lon),
        e.health.map(|h| h.code()),
        e.education.map(|x| x.code()),
        e.spouse.map(|x| x.code()),
        e.care.map(|x| x.code()),
        e.children.len() as i64,
        e.supporters.len() as i64,
        e.migration.as_ref().and_then(|m| m.away_since).map(|m| m.to_string()),
        income.join(","),
        e.status.code(),
        e.archive.as_ref().map(|a| a.on.to_string()),
        conflicts as i64,
        updated_at,
        id_masked,
        consent,
        e.sign_off.date.map(|d| d.to_string()),
    ])?;
    conn.prepare_cached("DELETE FROM elder_categories WHERE elder_id = ?1")?.execute([id.as_str()])?;
    let mut insert =
        conn.prepare_cached("INSERT INTO elder_categories (elder_id, category) VALUES (?1, ?2)")?;
    for category in &e.categories {
        insert.execute((id.as_str(), category.code()))?;
    }
    Ok(())
}
