//! Visits, drafts, the schedule and family calls. A visit is written once into the elder's append-only
//! `visits` document (a correction is a new entry that amends the original) in the same transaction as
//! its `visits` projection row; a draft is a local row that never syncs.

use super::documents::{self, Loaded};
use super::error::{archived, field};
use super::sql::id_column;
use super::{Error, Result, Store};
use crate::crdt;
use crate::doc::DocKind;
use crate::elder::{ElderId, Position};
use crate::family::{validate_call, Call};
use crate::helper::HelperId;
use crate::schedule::{self, ElderDue, Interval};
use crate::view::Operation;
use crate::visit::{self, Visit, Warning};
use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, ReadDoc, Value as AmValue, ValueRef, ROOT};
use chrono::{DateTime, NaiveDate, Timelike, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// What logging a visit reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VisitSaved {
    /// The visit's id.
    pub id: String,
    /// The elder visited.
    pub elder: ElderId,
    /// The helper who visited.
    pub helper: HelperId,
    /// The original this visit amends.
    pub amends: Option<String>,
    /// Things worth a second look (the visit was saved all the same).
    pub warnings: Vec<Warning>,
    /// Automerge changes made.
    pub changes: usize,
}

/// One visit as lists show it (from the projection).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VisitRow {
    /// The visit (for an amended visit: its latest amendment).
    pub id: String,
    /// The elder.
    pub elder: ElderId,
    /// Their name.
    pub elder_name: Option<String>,
    /// The helper.
    pub helper: String,
    /// Their name.
    pub helper_name: Option<String>,
    /// When (RFC 3339).
    pub at: String,
    /// Mode code.
    pub mode: String,
    /// Verdict codes of 吃, 穿, 住, 医.
    pub checks: [String; 4],
    /// Checks with a concern.
    pub concerns: i64,
    /// Service codes.
    pub services: Vec<String>,
    /// Minutes.
    pub duration_minutes: i64,
    /// Metres from the elder's home, where known.
    pub home_distance_m: Option<f64>,
    /// The original this entry amends.
    pub amends: Option<String>,
    /// When it was logged.
    pub recorded_at: String,
}

/// Which visits to list.
#[derive(Debug, Clone, Default)]
pub struct VisitFilter {
    /// One elder's.
    pub elder: Option<ElderId>,
    /// One helper's.
    pub helper: Option<HelperId>,
    /// At or after.
    pub since: Option<DateTime<Utc>>,
    /// Before.
    pub until: Option<DateTime<Utc>>,
}

fn corrupt(doc: &str, e: impl ToString) -> Error {
    Error::Corrupt { doc: doc.to_string(), reason: e.to_string() }
}

/// Whether anything under `obj` was written by a change other than `created`, or written twice at once.
fn touched_after(doc: &AutoCommit, obj: &ObjId, ty: ObjType, created: ChangeHash) -> bool {
    let items: Vec<(Option<ObjType>, ObjId, bool)> = match ty {
        ObjType::Map | ObjType::Table => {
            doc.map_range(obj, ..).map(|i| (object_type(&i.value), i.id(), i.conflict)).collect()
        }
        ObjType::List | ObjType::Text => {
            doc.list_range(obj, ..).map(|i| (object_type(&i.value), i.id(), i.conflict)).collect()
        }
    };
    items.into_iter().any(|(child, id, conflict)| {
        conflict
            || doc.hash_for_opid(&id) != Some(created)
            || child.is_some_and(|t| touched_after(doc, &id, t, created))
    })
}

fn object_type(v: &ValueRef<'_>) -> Option<ObjType> {
    match v {
        ValueRef::Object(t) => Some(*t),
        ValueRef::Scalar(_) => None,
    }
}

/// The entries of an elder's visits document, each as first submitted, and whether a later change
/// (from another device: this one never rewrites an entry) rewrote it. A submitted visit is immutable,
/// so the original is what counts; the rewrite is kept in the document and listed for review.
pub(super) fn entries(doc: &AutoCommit) -> Vec<(String, Value, bool)> {
    let mut out = Vec::new();
    for (id, value) in crdt::read(doc) {
        let original = match doc.get(ROOT, id.as_str()) {
            Ok(Some((AmValue::Object(ty), obj))) => doc
                .hash_for_opid(&obj)
                .filter(|&created| touched_after(doc, &obj, ty, created))
                .and_then(|created| doc.clone().fork_at(&[created]).ok())
                .and_then(|first| crdt::read(&first).remove(&id)),
            _ => None,
        };
        match original {
            Some(original) => out.push((id, original, true)),
            None => out.push((id, value, false)),
        }
    }
    out
}

/// Projects an elder's visits document into `visits` (every entry, amendments included, each as first
/// submitted) and `visit_rewrites` (entries another device rewrote).
pub(super) fn project_visits(conn: &Connection, elder: &ElderId, loaded: &Loaded) -> Result<()> {
    conn.prepare_cached("DELETE FROM visits WHERE elder_id = ?1")?.execute([elder.as_str()])?;
    conn.prepare_cached("DELETE FROM visit_rewrites WHERE elder_id = ?1")?.execute([elder.as_str()])?;
    let mut rewrite = conn.prepare_cached(
        "INSERT INTO visit_rewrites (visit_id, elder_id, original) VALUES (?1, ?2, ?3)
         ON CONFLICT (visit_id) DO NOTHING",
    )?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO visits (visit_id, elder_id, helper_id, at, mode, food, clothing, housing, medical, concerns,
             services, duration, lat, lon, distance_m, amends, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
         ON CONFLICT (visit_id) DO NOTHING",
    )?;
    for (id, value, rewritten) in entries(&loaded.doc) {
        if rewritten {
            rewrite.execute((id.as_str(), elder.as_str(), value.to_string()))?;
        }
        // An entry another device wrote in a form this build cannot read stays in the document and
        // out of the lists.
        let Some(v) = entry(&id, elder, value) else { continue };
        let verdict = |c: &visit::Check| c.verdict.map_or("", |v| v.code());
        let services: Vec<&str> = v.services.iter().map(|s| s.code()).collect();
        insert.execute(rusqlite::params![
            id,
            elder.as_str(),
            v.helper,
            stamp(v.at),
            v.mode.code(),
            verdict(&v.checks.food),
            verdict(&v.checks.clothing),
            verdict(&v.checks.housing),
            verdict(&v.checks.medical),
            v.checks.concerns() as i64,
            services.join(","),
            i64::from(v.duration_minutes),
            v.position.map(|p| p.lat),
            v.position.map(|p| p.lon),
            v.home_distance_m,
            v.amends,
            v.recorded_at.map(stamp).unwrap_or_default(),
        ])?;
    }
    Ok(())
}

/// The visit held under key `id` of an elder's visits document (entries carry neither their key nor
/// the elder: both are the document's address).
fn entry(id: &str, elder: &ElderId, mut value: Value) -> Option<Visit> {
    if let Value::Object(m) = &mut value {
        m.insert("id".into(), Value::String(id.to_string()));
        m.insert("elder".into(), Value::String(elder.to_string()));
    }
    serde_json::from_value(value).ok()
}

/// A time as stored: RFC 3339 in UTC to the second, so text order is time order.
fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Whether a risk level (as the risk assessment writes it) is high.
pub fn is_high_risk(level: &str) -> bool {
    matches!(level.trim(), "high" | "高" | "高风险")
}

impl Store {
    /// Logs a visit. Refuses (writing nothing) a visit that breaks a rule of [`visit::check`], a visit
    /// for an unknown or archived elder, by an unknown helper, with an id already used, or the same
    /// visit again (field `at`: this helper, this elder, this minute already logged); warns about a
    /// door visit logged far from the elder's home. Removes the elder's draft.
    pub fn log_visit(&mut self, mut v: Visit, now: DateTime<Utc>) -> Result<VisitSaved> {
        visit::check(&mut v, now).map_err(Error::Invalid)?;
        self.see_elder(&v.elder, Operation::Visits)?;
        v.at = v.at.with_nanosecond(0).unwrap_or(v.at);
        if self.require_elder(&v.elder)? != "active" {
            return Err(archived(&v.elder));
        }
        if v.helper.is_empty() {
            v.helper = self.assignment(&v.elder)?.helper.map(String::from).ok_or_else(|| {
                field(
                    "helper",
                    "该老人尚未分配互助员，请填写探访的互助员".into(),
                    "the elder has no helper assigned: say which helper visited".into(),
                )
            })?;
        }
        let helper: HelperId = v.helper.parse().map_err(|_| {
            field("helper", "互助员编号应为 32 位十六进制数字".into(), "a helper id is 32 hex digits".into())
        })?;
        let known: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM helpers WHERE helper_id = ?1)",
            [helper.as_str()],
            |r| r.get(0),
        )?;
        if !known {
            return Err(field(
                "helper",
                format!("没有编号为 {helper} 的互助员"),
                format!("no helper with id {helper}"),
            ));
        }
        if v.id.is_empty() {
            v.id = crate::ids::new_id();
        } else if !crate::ids::is_id(&v.id) {
            return Err(field(
                "id",
                "探访编号应为 32 位十六进制数字".into(),
                "a visit id is 32 hex digits".into(),
            ));
        }
        if let Some(original) = v.amends.clone() {
            let found: Option<(String, Option<String>)> = self
                .conn
                .query_row("SELECT elder_id, amends FROM visits WHERE visit_id = ?1", [&original], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            match found {
                Some((elder, root)) if elder == v.elder.as_str() => v.amends = Some(root.unwrap_or(original)),
                _ => {
                    return Err(field(
                        "amends",
                        format!("该老人没有编号为 {original} 的探访记录"),
                        format!("the elder has no visit with id {original}"),
                    ))
                }
            }
        }
        let home: Option<Position> = self.conn.query_row(
            "SELECT lat, lon FROM elders WHERE elder_id = ?1",
            [v.elder.as_str()],
            |r| {
                Ok(r.get::<_, Option<f64>>(0)?
                    .zip(r.get::<_, Option<f64>>(1)?)
                    .map(|(lat, lon)| Position { lat, lon }))
            },
        )?;
        let warnings = visit::warnings(&mut v, home, &self.policy());
        v.recorded_at = Some(now.with_nanosecond(0).unwrap_or(now));
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut loaded = documents::load_one(&tx, &v.elder, DocKind::Visits, &actor)?;
        let mut content = crdt::read(&loaded.doc);
        if content.contains_key(&v.id) {
            return Err(field(
                "id",
                format!("探访记录 {} 已提交，不能修改；请提交补正记录", v.id),
                format!("visit {} is already submitted and cannot change; log an amendment", v.id),
            ));
        }
        if v.amends.is_none() {
            // The same visit twice (a second tap on 保存, a paper log typed in again, a clock set a
            // month back logging over a past visit): the same helper, the same elder, the same minute.
            let minute = v.at.with_second(0).unwrap_or(v.at);
            let twin: Option<String> = tx
                .query_row(
                    "SELECT visit_id FROM visits
                     WHERE elder_id = ?1 AND helper_id = ?2 AND at >= ?3 AND at < ?4 LIMIT 1",
                    (
                        v.elder.as_str(),
                        helper.as_str(),
                        stamp(minute),
                        stamp(minute + chrono::Duration::minutes(1)),
                    ),
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(twin) = twin {
                let at = v.at.with_timezone(&crate::time::china()).format("%Y-%m-%d %H:%M");
                return Err(field(
                    "at",
                    format!("该互助员 {at} 对这位老人的探访已经记录过（{twin}），不重复记录；如需更正请修改原记录"),
                    format!("this helper's visit to the elder at {at} is already logged ({twin}): not logged twice; amend that entry to correct it"),
                ));
            }
        }
        let mut entry = serde_json::to_value(&v).expect("a visit serialises");
        if let Value::Object(m) = &mut entry {
            m.remove("id");
            m.remove("elder");
        }
        content.insert(v.id.clone(), entry);
        let mut changes = documents::save(&tx, &v.elder, &mut loaded, &content, now)?;
        project_visits(&tx, &v.elder, &loaded)?;
        changes += super::card::note_visit(&tx, &v.elder, crate::time::local_date(v.at), &actor, now)?;
        tx.execute("DELETE FROM visit_drafts WHERE elder_id = ?1", [v.elder.as_str()])?;
        tx.commit()?;
        Ok(VisitSaved { id: v.id, elder: v.elder, helper, amends: v.amends, warnings, changes })
    }

    /// Visit entries another device rewrote after they were submitted, for the committee's review:
    /// (visit id, elder, the entry as first submitted). Lists and the schedule use the original.
    pub fn visit_rewrites(&self) -> Result<Vec<(String, ElderId, Value)>> {
        let rows: Vec<(String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT visit_id, elder_id, original FROM visit_rewrites ORDER BY elder_id, visit_id",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(v, e, o)| {
                let elder = e.parse().map_err(|r| corrupt(&v, r))?;
                Ok((v.clone(), elder, serde_json::from_str(&o).map_err(|r| corrupt(&v, r))?))
            })
            .collect()
    }

    /// Logs `corrected` as an amendment of visit `original` (the original stays in the history).
    pub fn amend_visit(
        &mut self,
        original: &str,
        mut corrected: Visit,
        now: DateTime<Utc>,
    ) -> Result<VisitSaved> {
        corrected.id = String::new();
        corrected.amends = Some(original.to_string());
        self.log_visit(corrected, now)
    }

    /// One visit entry (original or amendment), read from the elder's document.
    pub fn visit(&self, id: &str) -> Result<Visit> {
        let elder: Option<String> = self
            .conn
            .query_row("SELECT elder_id FROM visits WHERE visit_id = ?1", [id], |r| r.get(0))
            .optional()?;
        let elder: ElderId = elder
            .ok_or_else(|| {
                field("visit", format!("没有编号为 {id} 的探访记录"), format!("no visit with id {id}"))
            })?
            .parse()
            .map_err(|e| corrupt(id, e))?;
        self.visit_history(&elder)?.into_iter().find(|v| v.id == id).ok_or_else(|| {
            field("visit", format!("没有编号为 {id} 的探访记录"), format!("no visit with id {id}"))
        })
    }

    /// Every visit entry of an elder, amendments and their originals alike, in time order.
    pub fn visit_history(&self, elder: &ElderId) -> Result<Vec<Visit>> {
        self.require_elder(elder)?;
        self.see_elder(elder, Operation::Visits)?;
        let loaded = documents::load_one(&self.conn, elder, DocKind::Visits, &self.actor())?;
        let mut out = Vec::new();
        for (id, value, _) in entries(&loaded.doc) {
            out.extend(entry(&id, elder, value));
        }
        out.sort_by(|a, b| {
            a.at.cmp(&b.at).then_with(|| a.recorded_at.cmp(&b.recorded_at)).then_with(|| a.id.cmp(&b.id))
        });
        Ok(out)
    }

    /// Visits as lists show them: an amended visit appears once, as its latest amendment; newest first.
    pub fn visits(&self, filter: &VisitFilter) -> Result<Vec<VisitRow>> {
        let mut sql = String::from(
            "SELECT v.visit_id, v.elder_id, e.name, v.helper_id, h.name, v.at, v.mode, v.food, v.clothing, v.housing,
                    v.medical, v.concerns, v.services, v.duration, v.distance_m, v.amends, v.recorded_at
             FROM visits v LEFT JOIN elders e ON e.elder_id = v.elder_id LEFT JOIN helpers h ON h.helper_id = v.helper_id
             WHERE 1 = 1",
        );
        sql.push_str(&self.visible_elders("v.elder_id"));
        let elder = filter.elder.as_ref().map(|e| e.to_string());
        if elder.is_some() {
            sql.push_str(" AND v.elder_id = ?1");
        }
        let mut stmt = self.conn.prepare(&sql)?;
        let map = |r: &rusqlite::Row<'_>| -> rusqlite::Result<VisitRow> {
            let services: String = r.get(12)?;
            Ok(VisitRow {
                id: r.get(0)?,
                elder: id_column(r, 1)?,
                elder_name: r.get(2)?,
                helper: r.get(3)?,
                helper_name: r.get(4)?,
                at: r.get(5)?,
                mode: r.get(6)?,
                checks: [r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?],
                concerns: r.get(11)?,
                services: services.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
                duration_minutes: r.get(13)?,
                home_distance_m: r.get(14)?,
                amends: r.get(15)?,
                recorded_at: r.get(16)?,
            })
        };
        let all: Vec<VisitRow> = match &elder {
            Some(e) => stmt.query_map([e], map)?.collect::<rusqlite::Result<_>>()?,
            None => stmt.query_map([], map)?.collect::<rusqlite::Result<_>>()?,
        };
        let mut rows = current(all);
        rows.retain(|r| {
            filter.helper.as_ref().is_none_or(|h| r.helper == h.as_str())
                && filter.since.is_none_or(|s| r.at >= stamp(s))
                && filter.until.is_none_or(|u| r.at < stamp(u))
        });
        rows.sort_by(|a, b| b.at.cmp(&a.at).then_with(|| a.id.cmp(&b.id)));
        Ok(rows)
    }

    /// The date (China time) of each elder's latest visit; amendments replace their original's time and
    /// are not visits of their own.
    fn last_visits(&self, until: NaiveDate) -> Result<HashMap<String, NaiveDate>> {
        let rows: Vec<(String, String, String, Option<String>, String)> = self
            .conn
            .prepare_cached("SELECT visit_id, elder_id, at, amends, recorded_at FROM visits")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
            .collect::<rusqlite::Result<_>>()?;
        // For each original: the time of its latest amendment, else its own.
        let mut latest: HashMap<&str, (&str, &str)> = HashMap::new();
        for (_, _, at, amends, recorded) in &rows {
            if let Some(root) = amends {
                let e = latest.entry(root.as_str()).or_insert((recorded.as_str(), at.as_str()));
                if recorded.as_str() > e.0 {
                    *e = (recorded.as_str(), at.as_str());
                }
            }
        }
        let mut out: HashMap<String, NaiveDate> = HashMap::new();
        for (id, elder, at, amends, _) in &rows {
            if amends.is_some() {
                continue;
            }
            let at = latest.get(id.as_str()).map_or(at.as_str(), |(_, a)| a);
            let Ok(t) = DateTime::parse_from_rfc3339(at) else { continue };
            let day = crate::time::local_date(t.to_utc());
            if day > until {
                continue;
            }
            let e = out.entry(elder.clone()).or_insert(day);
            *e = (*e).max(day);
        }
        Ok(out)
    }

    /// Every elder's place in the schedule on `today`: overdue first (never visited, then most
    /// overdue), then due today, then upcoming. On a past day it is that day's schedule: elders
    /// registered after it are not in it, those archived after it are, visits after it are not
    /// counted.
    pub fn schedule(&self, today: NaiveDate) -> Result<Vec<ElderDue>> {
        let interval = Interval::of(&self.policy());
        let last = self.last_visits(today)?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT e.elder_id, e.name, e.lat, e.lon, a.helper_id, a.risk_level FROM elders e
             LEFT JOIN elder_helpers a ON a.elder_id = e.elder_id
             WHERE (e.status = 'active' OR e.archived_on > ?1)
               AND (e.registered_on IS NULL OR e.registered_on <= ?1){}",
            self.visible_elders("e.elder_id")
        ))?;
        let rows = stmt.query_map([today.to_string()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<f64>>(2)?,
                r.get::<_, Option<f64>>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, name, lat, lon, helper, risk) = row?;
            let last_visit = last.get(&id).copied();
            let elder: ElderId = id.parse().map_err(|e| corrupt(&id, e))?;
            out.push(ElderDue::new(
                &interval,
                elder,
                name,
                helper.and_then(|h| h.parse().ok()),
                risk.as_deref().is_some_and(is_high_risk),
                last_visit,
                lat.zip(lon).map(|(lat, lon)| Position { lat, lon }),
                today,
            ));
        }
        schedule::sort_overdue_first(&mut out);
        Ok(out)
    }

    /// The schedule on `today` of `helper`'s elders (every elder the viewer sees when `None`).
    pub fn schedule_of(&self, helper: Option<&HelperId>, today: NaiveDate) -> Result<Vec<ElderDue>> {
        let due = self.schedule(today)?;
        Ok(due.into_iter().filter(|d| helper.is_none() || d.helper.as_ref() == helper).collect())
    }

    /// Today's round of `helper` (else the helper this tablet belongs to, else every elder the viewer
    /// sees): the elders due or overdue, ordered as a walking round from the helper's home (no home
    /// without a helper).
    pub fn round_of(&self, helper: Option<&HelperId>, today: NaiveDate) -> Result<Vec<ElderDue>> {
        match helper.cloned().or(self.viewer().helper) {
            Some(h) => self.today_round(&h, today),
            None => {
                let due = self.schedule(today)?.into_iter().filter(ElderDue::is_due).collect();
                Ok(schedule::walking_round(None, due))
            }
        }
    }

    /// A helper's list for today: their elders due today or overdue, as a walking round from home.
    pub fn today_round(&self, helper: &HelperId, today: NaiveDate) -> Result<Vec<ElderDue>> {
        let home = self.helper(helper)?.home;
        let due: Vec<ElderDue> = self
            .schedule(today)?
            .into_iter()
            .filter(|e| e.is_due() && e.helper.as_ref() == Some(helper))
            .collect();
        Ok(schedule::walking_round(home, due))
    }

    /// Saves the draft of a visit being filled in for `elder` (any JSON the form holds). Local only.
    pub fn save_visit_draft(&mut self, elder: &ElderId, draft: &Value, now: DateTime<Utc>) -> Result<()> {
        self.require_elder(elder)?;
        self.see_elder(elder, Operation::Visits)?;
        self.conn.execute(
            "INSERT INTO visit_drafts (elder_id, data, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (elder_id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
            (elder.as_str(), draft.to_string(), stamp(now)),
        )?;
        Ok(())
    }

    /// The draft for `elder`, if one is saved.
    pub fn visit_draft(&self, elder: &ElderId) -> Result<Option<Value>> {
        self.see_elder(elder, Operation::Visits)?;
        let text: Option<String> = self
            .conn
            .query_row("SELECT data FROM visit_drafts WHERE elder_id = ?1", [elder.as_str()], |r| r.get(0))
            .optional()?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| corrupt("visit_drafts", e))).transpose()
    }

    /// Every saved draft: elder and when it was last edited.
    pub fn visit_drafts(&self) -> Result<Vec<(ElderId, String)>> {
        let rows: Vec<(String, String)> = self
            .conn
            .prepare_cached("SELECT elder_id, updated_at FROM visit_drafts ORDER BY updated_at DESC")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter().map(|(e, t)| Ok((e.parse().map_err(|r| corrupt("visit_drafts", r))?, t))).collect()
    }

    /// Discards the draft for `elder`. Returns whether there was one.
    pub fn discard_visit_draft(&mut self, elder: &ElderId) -> Result<bool> {
        Ok(self.conn.execute("DELETE FROM visit_drafts WHERE elder_id = ?1", [elder.as_str()])? > 0)
    }

    /// Logs a family call into the elder's `family` document (the family's own device may do this).
    /// Returns the call's id.
    pub fn log_family_call(&mut self, elder: &ElderId, mut call: Call, now: DateTime<Utc>) -> Result<String> {
        validate_call(&mut call, now).map_err(Error::Invalid)?;
        self.see_elder(elder, Operation::FamilyCalls)?;
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM documents WHERE elder_id = ?1 AND kind IN ('card', 'family'))",
            [elder.as_str()],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(Error::NotFound(elder.clone()));
        }
        let mut loaded = documents::load_one(&tx, elder, DocKind::Family, &actor)?;
        let mut content = crdt::read(&loaded.doc);
        let mut calls: Vec<Value> = match content.remove("calls") {
            Some(Value::Array(a)) => a,
            _ => Vec::new(),
        };
        calls.push(serde_json::to_value(&call).expect("a call serialises"));
        content.insert("calls".into(), Value::Array(calls));
        documents::save(&tx, elder, &mut loaded, &content, now)?;
        // The elder's row dates from their record documents' latest change, the family's included, as a
        // rebuild computes it.
        super::elder_row::refresh(&tx, elder, &actor)?;
        tx.commit()?;
        Ok(call.id)
    }

    /// The family's calls to an elder, oldest first.
    pub fn family_calls(&self, elder: &ElderId) -> Result<Vec<Call>> {
        self.see_elder(elder, Operation::FamilyCalls)?;
        let loaded = documents::load_one(&self.conn, elder, DocKind::Family, &self.actor())?;
        let mut calls: Vec<Call> = match crdt::read(&loaded.doc).remove("calls") {
            Some(Value::Array(a)) => a.into_iter().filter_map(|c| serde_json::from_value(c).ok()).collect(),
            _ => Vec::new(),
        };
        calls.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id)));
        Ok(calls)
    }
}

/// The current visits: originals without amendments, and for each amended original its latest
/// amendment (by the time it was logged).
fn current(all: Vec<VisitRow>) -> Vec<VisitRow> {
    let mut latest: BTreeMap<String, (String, String)> = BTreeMap::new();
    for r in &all {
        if let Some(root) = &r.amends {
            let key = (r.recorded_at.clone(), r.id.clone());
            let e = latest.entry(root.clone()).or_insert_with(|| key.clone());
            if key > *e {
                *e = key;
            }
        }
    }
    all.into_iter()
        .filter(|r| match &r.amends {
            None => !latest.contains_key(&r.id),
            Some(root) => latest.get(root).is_some_and(|(_, id)| *id == r.id),
        })
        .collect()
}
