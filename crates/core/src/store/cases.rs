//! Cases 个案 and emergencies 助急: written into the elder's `cases` document (case id → opening, stage
//! entries keyed by id, closing) in the same transaction as their `cases` / `case_stages` rows.
//! Stage entries are only ever added, so entries two devices add at once are both kept.

use super::documents::{self, Loaded};
use super::error::{archived, field};
use super::{Error, Result, Store};
use crate::case::{self, Case, Closing, Opening, Stage, StageEntry};
use crate::crdt;
use crate::doc::DocKind;
use crate::elder::ElderId;
use crate::view::Operation;
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// One case as lists show it (from the projection).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseRow {
    /// The case.
    pub id: String,
    /// The elder.
    pub elder: String,
    /// Their name.
    pub elder_name: Option<String>,
    /// 发现: when.
    pub opened_at: String,
    /// 发现: who.
    pub opened_by: String,
    /// What happened.
    pub summary: String,
    /// Opened by an emergency 助急.
    pub emergency: bool,
    /// Parties called in the emergency (codes).
    pub called: Vec<String>,
    /// The visit that opened it.
    pub visit: Option<String>,
    /// The furthest stage reached (code).
    pub stage: String,
    /// When it was reached.
    pub stage_at: String,
    /// When it was closed.
    pub closed_at: Option<String>,
    /// How it ended (code).
    pub outcome: Option<String>,
    /// Open and waiting at its stage longer than the policy allows.
    pub flagged: bool,
    /// The stage it waits for, when open.
    pub waiting_for: Option<String>,
    /// Whole days it has waited at its stage (open cases only).
    pub days_waited: Option<u32>,
    /// Days the policy allows to reach the stage it waits for (open cases only).
    pub limit_days: Option<u32>,
}

/// Which cases to list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only open cases.
    pub open: bool,
    /// Only flagged cases (open and waiting too long).
    pub flagged: bool,
    /// One elder's.
    pub elder: Option<ElderId>,
}

/// What a write to a case reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseSaved {
    /// The case.
    pub case: String,
    /// The elder.
    pub elder: ElderId,
    /// The stage entry written, for `advance`.
    pub entry: Option<String>,
    /// Automerge changes made.
    pub changes: usize,
}

/// Emergencies and cases in one month (China time), for the monthly progress report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthCases {
    /// `YYYY-MM`.
    pub month: String,
    /// Emergencies 助急 in the month.
    pub emergencies: u32,
    /// Cases opened in the month (emergencies included).
    pub opened: u32,
    /// Cases closed in the month.
    pub closed: u32,
    /// Cases open at the month's end.
    pub open_at_end: u32,
}

/// A case for counting: the day opened, whether an emergency opened it, the day closed.
type Span = (NaiveDate, bool, Option<NaiveDate>);

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub(super) fn second(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(0).unwrap_or(t)
}

fn corrupt(doc: &str, e: impl ToString) -> Error {
    Error::Corrupt { doc: doc.to_string(), reason: e.to_string() }
}

/// The case held under key `id` of an elder's cases document; `None` for an entry this build cannot
/// read (it stays in the document and out of the lists).
fn read_case(id: &str, elder: &ElderId, value: &Value) -> Option<Case> {
    let opened: Opening = serde_json::from_value(value.get("opened")?.clone()).ok()?;
    let mut stages: Vec<StageEntry> = Vec::new();
    if let Some(Value::Object(entries)) = value.get("stages") {
        for (key, v) in entries {
            let mut v = v.clone();
            if let Value::Object(m) = &mut v {
                m.insert("id".into(), json!(key));
            }
            stages.extend(serde_json::from_value::<StageEntry>(v).ok());
        }
    }
    stages.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.stage.cmp(&b.stage)).then_with(|| a.id.cmp(&b.id)));
    let closed = value.get("closed").and_then(|c| serde_json::from_value(c.clone()).ok());
    Some(Case { id: id.to_string(), elder: elder.clone(), opened, stages, closed })
}

/// Projects an elder's cases document into `cases` and `case_stages`.
pub(super) fn project_cases(conn: &Connection, elder: &ElderId, loaded: &Loaded) -> Result<()> {
    conn.prepare_cached("DELETE FROM case_stages WHERE elder_id = ?1")?.execute([elder.as_str()])?;
    conn.prepare_cached("DELETE FROM cases WHERE elder_id = ?1")?.execute([elder.as_str()])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO cases (case_id, elder_id, opened_at, opened_by, summary, visit_id, emergency, called, stage,
             stage_at, closed_at, outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (case_id) DO NOTHING",
    )?;
    let mut insert_stage = conn.prepare_cached(
        "INSERT INTO case_stages (entry_id, case_id, elder_id, stage, at, owner, note, skip_reason, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (entry_id) DO NOTHING",
    )?;
    for (id, value) in crdt::read(&loaded.doc) {
        let Some(c) = read_case(&id, elder, &value) else { continue };
        let (stage, since) = c.current();
        let called: Vec<&str> =
            c.opened.emergency.iter().flat_map(|e| e.called.iter().map(|p| p.code())).collect();
        insert.execute(rusqlite::params![
            id,
            elder.as_str(),
            stamp(c.opened.at),
            c.opened.by,
            c.opened.summary,
            c.opened.visit,
            c.opened.emergency.is_some(),
            called.join(","),
            stage.code(),
            stamp(since),
            c.closed.as_ref().map(|x| stamp(x.at)),
            c.closed.as_ref().map(|x| x.outcome.code()),
        ])?;
        for s in &c.stages {
            insert_stage.execute(rusqlite::params![
                s.id,
                id,
                elder.as_str(),
                s.stage.code(),
                stamp(s.at),
                s.by,
                s.note,
                s.skip_reason,
                s.recorded_at.map(stamp).unwrap_or_default(),
            ])?;
        }
    }
    Ok(())
}

fn no_case(id: &str) -> Error {
    field("case", format!("没有编号为 {id} 的个案"), format!("no case with id {id}"))
}

impl Store {
    /// Opens a case at 发现 for an elder: from a concern found at a visit (`opening.visit`), from an
    /// emergency (`opening.emergency`), or on its own. Refuses (writing nothing) an opening that breaks
    /// a rule of [`case::check_opening`], an unknown or archived elder, and a visit that is not this
    /// elder's or found no concern.
    pub fn open_case(
        &mut self,
        elder: &ElderId,
        mut opening: Opening,
        now: DateTime<Utc>,
    ) -> Result<CaseSaved> {
        case::check_opening(&mut opening, now).map_err(Error::Invalid)?;
        opening.at = second(opening.at);
        if let Some(e) = &mut opening.emergency {
            e.called_at = second(e.called_at);
        }
        self.see_elder(elder, Operation::Visits)?;
        if self.require_elder(elder)? != "active" {
            return Err(archived(elder));
        }
        if let Some(visit) = &opening.visit {
            let found: Option<(String, i64)> = self
                .conn
                .query_row("SELECT elder_id, concerns FROM visits WHERE visit_id = ?1", [visit], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()?;
            match found {
                Some((e, concerns)) if e == elder.as_str() && concerns > 0 => {}
                Some((e, _)) if e == elder.as_str() => {
                    return Err(field(
                        "visit",
                        format!("探访记录 {visit} 的四查均正常，不能据此立案"),
                        format!("visit {visit} found no concern: it cannot open a case"),
                    ))
                }
                _ => {
                    return Err(field(
                        "visit",
                        format!("该老人没有编号为 {visit} 的探访记录"),
                        format!("the elder has no visit with id {visit}"),
                    ))
                }
            }
        }
        let id = crate::ids::new_id();
        let mut entry = Map::new();
        entry.insert("opened".into(), serde_json::to_value(&opening).expect("an opening serialises"));
        // The stages map is made with the case: were it made with the first stage, two devices adding
        // a first stage at once would each make a map under the same key and one map would be lost.
        entry.insert("stages".into(), json!({}));
        let changes = self.write_cases(elder, now, |content| {
            content.insert(id.clone(), Value::Object(entry));
            Ok(())
        })?;
        Ok(CaseSaved { case: id, elder: elder.clone(), entry: None, changes })
    }

    /// Records the next stage of an open case. Refuses a stage that breaks [`case::check_stage`] or
    /// [`case::check_order`] (backwards, a skip without a reason, dated before the current stage) and
    /// any stage of a closed case.
    pub fn advance_case(&mut self, id: &str, mut entry: StageEntry, now: DateTime<Utc>) -> Result<CaseSaved> {
        case::check_stage(&mut entry, now).map_err(Error::Invalid)?;
        entry.at = second(entry.at);
        entry.recorded_at = Some(second(now));
        let current = self.case(id)?;
        if current.closed.is_some() {
            return Err(closed(id));
        }
        case::check_order(&current, &entry).map_err(|e| field(e.field(), e.zh(), e.en()))?;
        let key = std::mem::take(&mut entry.id);
        let value = serde_json::to_value(&entry).expect("a stage serialises");
        let changes = self.write_cases(&current.elder, now, |content| {
            let case = content.get_mut(id).and_then(Value::as_object_mut).ok_or_else(|| no_case(id))?;
            let stages = case.entry("stages").or_insert_with(|| json!({}));
            if let Value::Object(stages) = stages {
                stages.insert(key.clone(), value);
            }
            Ok(())
        })?;
        Ok(CaseSaved { case: id.to_string(), elder: current.elder, entry: Some(key), changes })
    }

    /// Closes a case with its outcome. Refuses a closing that breaks [`case::check_closing`], one
    /// dated before the case's current stage, and a case already closed.
    pub fn close_case(&mut self, id: &str, mut closing: Closing, now: DateTime<Utc>) -> Result<CaseSaved> {
        case::check_closing(&mut closing, now).map_err(Error::Invalid)?;
        closing.at = second(closing.at);
        let current = self.case(id)?;
        if current.closed.is_some() {
            return Err(closed(id));
        }
        let (stage, since) = current.current();
        if closing.at < since {
            let e = case::StageError::BeforeCurrent { current: stage };
            return Err(field("at", e.zh(), e.en()));
        }
        let value = serde_json::to_value(&closing).expect("a closing serialises");
        let changes = self.write_cases(&current.elder, now, |content| {
            let case = content.get_mut(id).and_then(Value::as_object_mut).ok_or_else(|| no_case(id))?;
            case.insert("closed".into(), value);
            Ok(())
        })?;
        Ok(CaseSaved { case: id.to_string(), elder: current.elder, entry: None, changes })
    }

    /// Loads, edits and saves an elder's cases document with its projection, in one transaction.
    pub(super) fn write_cases(
        &mut self,
        elder: &ElderId,
        now: DateTime<Utc>,
        edit: impl FnOnce(&mut Map<String, Value>) -> Result<()>,
    ) -> Result<usize> {
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut loaded = documents::load_one(&tx, elder, DocKind::Cases, &actor)?;
        let mut content = crdt::read(&loaded.doc);
        edit(&mut content)?;
        let changes = documents::save(&tx, elder, &mut loaded, &content, now)?;
        project_cases(&tx, elder, &loaded)?;
        tx.commit()?;
        Ok(changes)
    }

    /// One case, read from its elder's document.
    pub fn case(&self, id: &str) -> Result<Case> {
        let elder: Option<String> = self
            .conn
            .query_row("SELECT elder_id FROM cases WHERE case_id = ?1", [id], |r| r.get(0))
            .optional()?;
        let elder: ElderId = elder.ok_or_else(|| no_case(id))?.parse().map_err(|e| corrupt(id, e))?;
        self.see_elder(&elder, Operation::Visits)?;
        let loaded = documents::load_one(&self.conn, &elder, DocKind::Cases, &self.actor())?;
        let content = crdt::read(&loaded.doc);
        content.get(id).and_then(|v| read_case(id, &elder, v)).ok_or_else(|| no_case(id))
    }

    /// One case with its line of the list (days waited, the stage's limit, flagged on `now`): what the
    /// case's page shows. Refused as [`Store::case`] is for an elder the viewer may not see.
    pub fn case_with_line(&self, id: &str, now: DateTime<Utc>) -> Result<(Case, CaseRow)> {
        let case = self.case(id)?;
        let filter = CaseFilter { elder: Some(case.elder.clone()), ..CaseFilter::default() };
        let row = self.cases(&filter, now)?.into_iter().find(|r| r.id == id);
        let row = row.ok_or_else(|| {
            field("case", format!("没有编号为 {id} 的个案"), format!("no case with id {id}"))
        })?;
        Ok((case, row))
    }

    /// Cases as the committee's list shows them: open ones first (flagged first, then longest
    /// waiting), then closed ones, newest first. `now` decides which are flagged.
    pub fn cases(&self, filter: &CaseFilter, now: DateTime<Utc>) -> Result<Vec<CaseRow>> {
        let limits = self.policy().case_stage_days;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.case_id, c.elder_id, e.name, c.opened_at, c.opened_by, c.summary, c.emergency, c.called,
                    c.visit_id, c.stage, c.stage_at, c.closed_at, c.outcome
             FROM cases c LEFT JOIN elders e ON e.elder_id = c.elder_id WHERE 1 = 1{}",
            self.visible_elders("c.elder_id")
        ))?;
        let rows = stmt.query_map([], |r| {
            let called: String = r.get(7)?;
            Ok(CaseRow {
                id: r.get(0)?,
                elder: r.get(1)?,
                elder_name: r.get(2)?,
                opened_at: r.get(3)?,
                opened_by: r.get(4)?,
                summary: r.get(5)?,
                emergency: r.get(6)?,
                called: called.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
                visit: r.get(8)?,
                stage: r.get(9)?,
                stage_at: r.get(10)?,
                closed_at: r.get(11)?,
                outcome: r.get(12)?,
                flagged: false,
                waiting_for: None,
                days_waited: None,
                limit_days: None,
            })
        })?;
        let mut out = Vec::new();
        for row in rows {
            let mut row = row?;
            if row.closed_at.is_none() {
                let stage = Stage::parse(&row.stage).ok_or_else(|| corrupt(&row.id, "unknown stage"))?;
                let since = DateTime::parse_from_rfc3339(&row.stage_at).map_err(|e| corrupt(&row.id, e))?;
                row.flagged = limits.overdue(stage, since.to_utc(), now);
                row.waiting_for = stage.next().map(|s| s.code().to_string());
                row.days_waited =
                    Some(u32::try_from((now - since.to_utc()).num_days().max(0)).unwrap_or(u32::MAX));
                row.limit_days = stage.next().and_then(|s| limits.days_to(s));
            }
            let keep = (!filter.open || row.closed_at.is_none())
                && (!filter.flagged || row.flagged)
                && filter.elder.as_ref().is_none_or(|e| row.elder == e.as_str());
            if keep {
                out.push(row);
            }
        }
        out.sort_by(|a, b| {
            (a.closed_at.is_some(), !a.flagged)
                .cmp(&(b.closed_at.is_some(), !b.flagged))
                .then_with(|| match a.closed_at.is_some() {
                    false => a.stage_at.cmp(&b.stage_at),
                    true => b.opened_at.cmp(&a.opened_at),
                })
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(out)
    }

    /// Per elder, for the month (China time) holding `day`: emergencies in the month and cases open at
    /// its end, elder id → (emergencies, open cases). Elders with neither are left out. What the monthly
    /// progress report counts per elder.
    pub fn cases_per_elder_in_month(&self, day: NaiveDate) -> Result<BTreeMap<String, (u32, u32)>> {
        let first = day.with_day(1).expect("a month's first day");
        let end = first.checked_add_months(chrono::Months::new(1)).expect("a later month");
        let rows: Vec<(String, String, bool, Option<String>)> = self
            .conn
            .prepare_cached(&format!(
                "SELECT elder_id, opened_at, emergency, closed_at FROM cases WHERE 1 = 1{}",
                self.visible_elders("elder_id")
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let day = |s: &str| -> Result<NaiveDate> {
            let t = DateTime::parse_from_rfc3339(s).map_err(|e| corrupt("cases", e))?;
            Ok(crate::time::local_date(t.to_utc()))
        };
        let mut out: BTreeMap<String, (u32, u32)> = BTreeMap::new();
        for (elder, opened, emergency, closed) in rows {
            let opened = day(&opened)?;
            let closed = closed.as_deref().map(day).transpose()?;
            let e = u32::from(emergency && opened >= first && opened < end);
            let open = u32::from(opened < end && closed.is_none_or(|d| d >= end));
            if e + open > 0 {
                let entry = out.entry(elder).or_default();
                entry.0 += e;
                entry.1 += open;
            }
        }
        Ok(out)
    }

    /// Emergencies and cases per month (China time) from `from`'s month to `to`'s month, for the
    /// monthly progress report: emergencies, cases opened, closed, and open at the month's end.
    pub fn case_counts_by_month(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<MonthCases>> {
        let rows: Vec<(String, bool, Option<String>)> = self
            .conn
            .prepare_cached(&format!(
                "SELECT opened_at, emergency, closed_at FROM cases WHERE 1 = 1{}",
                self.visible_elders("elder_id")
            ))?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let day = |s: &str| -> Result<NaiveDate> {
            let t = DateTime::parse_from_rfc3339(s).map_err(|e| corrupt("cases", e))?;
            Ok(crate::time::local_date(t.to_utc()))
        };
        let mut cases = Vec::with_capacity(rows.len());
        for (opened, emergency, closed) in &rows {
            cases.push((day(opened)?, *emergency, closed.as_deref().map(day).transpose()?));
        }
        let mut months: BTreeMap<(i32, u32), MonthCases> = BTreeMap::new();
        let mut m = (from.year(), from.month());
        while m <= (to.year(), to.month()) {
            let first = NaiveDate::from_ymd_opt(m.0, m.1, 1).expect("a month's first day");
            let next = if m.1 == 12 { (m.0 + 1, 1) } else { (m.0, m.1 + 1) };
            let end = NaiveDate::from_ymd_opt(next.0, next.1, 1).expect("a month's first day");
            let within = |d: NaiveDate| d >= first && d < end;
            let count = |f: &dyn Fn(&Span) -> bool| cases.iter().filter(|c| f(c)).count() as u32;
            months.insert(
                m,
                MonthCases {
                    month: first.format("%Y-%m").to_string(),
                    emergencies: count(&|c| c.1 && within(c.0)),
                    opened: count(&|c| within(c.0)),
                    closed: count(&|c| c.2.is_some_and(within)),
                    open_at_end: count(&|c| c.0 < end && c.2.is_none_or(|d| d >= end)),
                },
            );
            m = next;
        }
        Ok(months.into_values().collect())
    }
}

fn closed(id: &str) -> Error {
    field(
        "case",
        format!("个案 {id} 已结案，不能再推进或结案"),
        format!("case {id} is closed: it cannot advance or close again"),
    )
}
