//! Stored risk assessments 风险等级评估: each elder's `risk` document holds the history, one id-keyed
//! entry per assessment (append-only: a follow-up is added under the entry's own `follow_ups`, never
//! rewriting what was assessed); the current level is also written to the elder's `assignment`
//! document as `risk_level`, which helpers read and the visit schedule uses. The `risk_assessments`
//! projection serves the high-risk list and the list of elders not assessed this year.

use super::documents::{self, Loaded};
use super::error::field;
use super::helpers::project_assignment;
use super::{Result, Store};
use crate::crdt;
use crate::doc::DocKind;
use crate::elder::ElderId;
use crate::risk::{self, ConcernCheck, Level, RiskRules, VisitSignals};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Longest intervention or follow-up note, in characters.
pub const MAX_NOTE: usize = 500;

/// One follow-up of an intervention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    /// Its id.
    #[serde(skip)]
    pub id: String,
    /// When it was done.
    pub on: NaiveDate,
    /// What was done and found.
    pub note: String,
    /// Who did it.
    pub by: String,
}

/// One stored assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskEntry {
    /// Its id (32 hex digits).
    #[serde(skip)]
    pub id: String,
    /// The elder assessed.
    #[serde(skip)]
    pub elder: Option<ElderId>,
    /// The assessment: level, score, every reason, rules, date.
    #[serde(flatten)]
    pub assessment: risk::Assessment,
    /// Who assessed.
    pub assessor: String,
    /// The intervention chosen (for a high-risk elder), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervention: Option<String>,
    /// Follow-ups of the intervention, oldest first (stored keyed by id).
    #[serde(skip)]
    pub follow_ups: Vec<FollowUp>,
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
}

/// One elder as the risk lists show them (from the projection).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskRow {
    /// The elder.
    pub elder: ElderId,
    /// Their name.
    pub name: String,
    /// The latest assessment's id (none: never assessed).
    pub assessment: Option<String>,
    /// Its date.
    pub date: Option<NaiveDate>,
    /// Its level code.
    pub level: Option<String>,
    /// Its score.
    pub score: Option<i64>,
    /// The intervention chosen.
    pub intervention: Option<String>,
    /// Follow-ups recorded.
    pub follow_ups: i64,
    /// The latest follow-up's date.
    pub last_follow_up: Option<NaiveDate>,
}

/// Which elders the risk list shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct RiskFilter {
    /// Only those whose latest assessment is 高风险.
    pub high: bool,
    /// Only those not assessed in the calendar year of `today`.
    pub unassessed: bool,
}

use crate::ids::new_id;

fn note(name: &str, text: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_NOTE {
        return Err(field(
            name,
            format!("{name} 必填，且不超过 {MAX_NOTE} 个字"),
            format!("{name} is required and at most {MAX_NOTE} characters"),
        ));
    }
    Ok(text.to_string())
}

/// The entries of a `risk` document, oldest first. An entry another build wrote in a form this one
/// cannot read stays in the document and out of the lists.
fn entries(doc: &automerge::AutoCommit, elder: &ElderId) -> Vec<RiskEntry> {
    let mut out: Vec<RiskEntry> = crdt::read(doc)
        .into_iter()
        .filter_map(|(id, value)| {
            let mut follow_ups: Vec<FollowUp> = value
                .get("follow_ups")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(fid, f)| {
                            let mut f: FollowUp = serde_json::from_value(f.clone()).ok()?;
                            f.id = fid.clone();
                            Some(f)
                        })
                        .collect()
                })
                .unwrap_or_default();
            follow_ups.sort_by(|a, b| (a.on, &a.id).cmp(&(b.on, &b.id)));
            let mut e: RiskEntry = serde_json::from_value(value).ok()?;
            e.id = id;
            e.elder = Some(elder.clone());
            e.follow_ups = follow_ups;
            Some(e)
        })
        .collect();
    out.sort_by(|a, b| {
        (a.assessment.date, &a.recorded_at, &a.id).cmp(&(b.assessment.date, &b.recorded_at, &b.id))
    });
    out
}

/// Projects an elder's `risk` document into `risk_assessments`.
pub(super) fn project_risk(conn: &Connection, elder: &ElderId, loaded: &Loaded) -> Result<()> {
    conn.prepare_cached("DELETE FROM risk_assessments WHERE elder_id = ?1")?.execute([elder.as_str()])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO risk_assessments (assessment_id, elder_id, date, level, score, rules, assessor,
             intervention, follow_ups, last_follow_up, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    for e in entries(&loaded.doc, elder) {
        insert.execute(rusqlite::params![
            e.id,
            elder.as_str(),
            e.assessment.date.to_string(),
            e.assessment.level.code(),
            i64::from(e.assessment.score),
            e.assessment.rules,
            e.assessor,
            e.intervention,
            e.follow_ups.len() as i64,
            e.follow_ups.last().map(|f| f.on.to_string()),
            e.recorded_at,
        ])?;
    }
    Ok(())
}

/// Writes the level of the latest entry into the elder's `assignment` document (when it differs).
fn write_level(
    conn: &Connection,
    elder: &ElderId,
    latest: Level,
    actor: &automerge::ActorId,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut loaded = documents::load_one(conn, elder, DocKind::Assignment, actor)?;
    let mut content: Map<String, Value> = crdt::read(&loaded.doc);
    if content.get("risk_level").and_then(Value::as_str) == Some(latest.code()) {
        return Ok(());
    }
    content.insert("risk_level".into(), Value::String(latest.code().into()));
    documents::save(conn, elder, &mut loaded, &content, now)?;
    project_assignment(conn, elder, &loaded)
}

impl Store {
    /// The registry's risk rules (`schema/risk/<policy>.toml`, else the default).
    pub fn risk_rules(&self) -> RiskRules {
        RiskRules::builtin(&self.registry.policy).expect("the default rules are built in")
    }

    /// What the visit log says about an elder over the `window_days` days up to `today` (China time):
    /// visits made, concerns per check, emergencies raised.
    pub fn visit_signals(&self, elder: &ElderId, today: NaiveDate, window_days: u32) -> Result<VisitSignals> {
        self.require(crate::view::Operation::Risk)?;
        let from = today - Days::new(u64::from(window_days));
        let since = crate::time::start_of_day(from.succ_opt().unwrap_or(from))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        let mut signals = VisitSignals { window_days, ..Default::default() };
        // Entries that amend another visit correct it: the visit is counted once, as amended.
        let (visits, food, clothing, housing, medical): (i64, i64, i64, i64, i64) = self.conn.query_row(
            "SELECT count(*), coalesce(sum(food = 'concern'), 0), coalesce(sum(clothing = 'concern'), 0),
                 coalesce(sum(housing = 'concern'), 0), coalesce(sum(medical = 'concern'), 0)
             FROM visits v WHERE v.elder_id = ?1 AND v.at >= ?2
                 AND NOT EXISTS (SELECT 1 FROM visits a WHERE a.amends = v.visit_id)
                 AND (v.amends IS NULL OR v.recorded_at = (SELECT max(b.recorded_at) FROM visits b
                     WHERE b.amends = v.amends))",
            (elder.as_str(), &since),
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        signals.visits = visits as u32;
        for (check, n) in [
            (ConcernCheck::Food, food),
            (ConcernCheck::Clothing, clothing),
            (ConcernCheck::Housing, housing),
            (ConcernCheck::Medical, medical),
        ] {
            if n > 0 {
                signals.concerns.insert(check, n as u32);
            }
        }
        let emergencies: i64 = self.conn.query_row(
            "SELECT count(*) FROM cases WHERE elder_id = ?1 AND emergency = 1 AND opened_at >= ?2",
            (elder.as_str(), &since),
            |r| r.get(0),
        )?;
        signals.emergencies = emergencies as u32;
        Ok(signals)
    }

    /// The level `elder` would get on `today` with every reason, from the registry's rules and the
    /// visits of the rules' window, as [`Store::assess_risk`] would keep it. Nothing is stored.
    /// Office only.
    pub fn risk_preview(&self, elder: &ElderId, today: NaiveDate) -> Result<risk::Assessment> {
        self.require(crate::view::Operation::Risk)?;
        let rules = self.risk_rules();
        let signals = self.visit_signals(elder, today, rules.visit_window_days)?;
        let record = self.elder(elder)?;
        Ok(risk::assess(&record, &signals, &rules, today))
    }

    /// Assesses an active elder on `today` with the registry's rules and what visits found over the
    /// rules' window, stores the assessment in the elder's history and the latest level in the
    /// elder's `assignment` (`risk_level`), in one transaction.
    pub fn assess_risk(
        &mut self,
        elder: &ElderId,
        assessor: &str,
        intervention: Option<&str>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<RiskEntry> {
        self.require(crate::view::Operation::Risk)?;
        let assessor = note("assessor", assessor)?;
        let intervention = intervention.map(|i| note("intervention", i)).transpose()?;
        if self.require_elder(elder)? != "active" {
            return Err(super::error::archived(elder));
        }
        let assessment = self.risk_preview(elder, today)?;
        let mut entry = RiskEntry {
            id: new_id(),
            elder: Some(elder.clone()),
            assessment,
            assessor,
            intervention,
            follow_ups: Vec::new(),
            recorded_at: now.to_rfc3339(),
        };
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut loaded = documents::load_one(&tx, elder, DocKind::Risk, &actor)?;
        let mut content = crdt::read(&loaded.doc);
        content.insert(entry.id.clone(), serde_json::to_value(&entry).expect("an assessment serialises"));
        documents::save(&tx, elder, &mut loaded, &content, now)?;
        project_risk(&tx, elder, &loaded)?;
        let all = entries(&loaded.doc, elder);
        let latest = all.last().expect("just written").assessment.level;
        write_level(&tx, elder, latest, &actor, now)?;
        tx.commit()?;
        entry.follow_ups.clear();
        Ok(entry)
    }

    /// Assesses every active elder (the yearly round); returns the entries in elder order.
    pub fn assess_all_risk(
        &mut self,
        assessor: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<RiskEntry>> {
        self.require(crate::view::Operation::Risk)?;
        let ids: Vec<String> = self
            .conn
            .prepare("SELECT elder_id FROM elders WHERE status = 'active' ORDER BY elder_id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let id: ElderId =
                id.parse().map_err(|reason| super::Error::Corrupt { doc: id.clone(), reason })?;
            out.push(self.assess_risk(&id, assessor, None, today, now)?);
        }
        Ok(out)
    }

    /// Records a follow-up of an assessment's intervention; returns the follow-up's id.
    pub fn follow_up_risk(
        &mut self,
        elder: &ElderId,
        assessment: &str,
        on: NaiveDate,
        text: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<String> {
        self.require(crate::view::Operation::Risk)?;
        let text = note("note", text)?;
        let by = note("by", by)?;
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut loaded = documents::load_one(&tx, elder, DocKind::Risk, &actor)?;
        let mut content = crdt::read(&loaded.doc);
        let Some(Value::Object(entry)) = content.get_mut(assessment) else {
            return Err(field(
                "assessment",
                format!("该老人没有编号为 {assessment} 的风险评估"),
                format!("the elder has no risk assessment with id {assessment}"),
            ));
        };
        let id = new_id();
        let follow_ups = entry.entry("follow_ups").or_insert_with(|| Value::Object(Map::new()));
        if !follow_ups.is_object() {
            *follow_ups = Value::Object(Map::new());
        }
        let f = FollowUp { id: String::new(), on, note: text, by };
        follow_ups
            .as_object_mut()
            .expect("made an object")
            .insert(id.clone(), serde_json::to_value(&f).expect("a follow-up serialises"));
        documents::save(&tx, elder, &mut loaded, &content, now)?;
        project_risk(&tx, elder, &loaded)?;
        tx.commit()?;
        Ok(id)
    }

    /// An elder's assessments, oldest first, each with its follow-ups.
    pub fn risk_history(&self, elder: &ElderId) -> Result<Vec<RiskEntry>> {
        self.require(crate::view::Operation::Risk)?;
        self.require_elder(elder)?;
        let loaded = documents::load_one(&self.conn, elder, DocKind::Risk, &self.actor())?;
        Ok(entries(&loaded.doc, elder))
    }

    /// Active elders with their latest assessment: all of them, the high-risk list (with intervention
    /// and follow-up) or those not assessed in the calendar year of `today`.
    pub fn risk_list(&self, filter: RiskFilter, today: NaiveDate) -> Result<Vec<RiskRow>> {
        self.require(crate::view::Operation::Risk)?;
        let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).expect("1 January").to_string();
        let mut stmt = self.conn.prepare(
            "SELECT e.elder_id, e.name, r.assessment_id, r.date, r.level, r.score, r.intervention,
                 coalesce(r.follow_ups, 0), r.last_follow_up
             FROM elders e
             LEFT JOIN risk_assessments r ON r.assessment_id = (
                 SELECT assessment_id FROM risk_assessments x WHERE x.elder_id = e.elder_id
                 ORDER BY x.date DESC, x.recorded_at DESC, x.assessment_id DESC LIMIT 1)
             WHERE e.status = 'active'
                 AND (?1 = 0 OR r.level = 'high')
                 AND (?2 = 0 OR r.date IS NULL OR r.date < ?3)
             ORDER BY r.level = 'high' DESC, e.name, e.elder_id",
        )?;
        let rows = stmt.query_map((filter.high, filter.unassessed, &year_start), |r| {
            let date = |i: usize| -> rusqlite::Result<Option<NaiveDate>> {
                Ok(r.get::<_, Option<String>>(i)?.and_then(|d| d.parse().ok()))
            };
            Ok(RiskRow {
                elder: super::sql::id_column(r, 0)?,
                name: r.get(1)?,
                assessment: r.get(2)?,
                date: date(3)?,
                level: r.get(4)?,
                score: r.get(5)?,
                intervention: r.get(6)?,
                follow_ups: r.get(7)?,
                last_follow_up: date(8)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{demo_services, demo_village, sample_elder, DemoVillage};
    use crate::elder::{Care, Category};
    use crate::visit::{Check, Checks, Mode, Service, Visit};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    /// A village with helpers, assignments and three months of visits, and one more elder who is
    /// disabled and cared for by nobody.
    fn village(dir: &std::path::Path, now: DateTime<Utc>) -> (Store, Vec<ElderId>, ElderId) {
        let v = DemoVillage::bazhou();
        let mut store = Store::init(dir.join("v.sqlite"), v.unit.clone(), "斑竹村", "sichuan", now).unwrap();
        let elders = demo_village(&v, 12, 7);
        let mut saved = Vec::new();
        for e in &elders {
            saved.push(store.add_elder(e.clone(), now).unwrap().id);
        }
        let elders: Vec<_> = saved.iter().map(|id| store.elder(id).unwrap()).collect();
        demo_services(&mut store, &v, &elders, 7, now).unwrap();
        let mut alone = sample_elder();
        alone.unit = v.unit.clone();
        alone.care = Some(Care::NotCaredFor);
        alone.categories.insert(Category::Disabled);
        let alone = store.add_elder(alone, now).unwrap().id;
        (store, saved, alone)
    }

    #[test]
    fn an_assessment_is_kept_in_the_history_and_its_level_reaches_the_helpers() {
        let dir = tempfile::tempdir().unwrap();
        let now = at("2026-11-23T09:00:00+08:00");
        let today = crate::time::local_date(now);
        let (mut store, elders, alone) = village(dir.path(), now);

        // The helper finds a medical concern twice this week: the assessment counts both.
        let elder = &elders[0];
        let before = store.visit_signals(elder, today, 90).unwrap();
        let helper = store.assignment(elder).unwrap().helper.unwrap();
        for day in ["2026-11-20T10:00:00+08:00", "2026-11-22T10:00:00+08:00"] {
            let mut checks = Checks::all_fine();
            checks.medical = Check::concern("血压高，未按时吃药");
            let visit = Visit {
                id: String::new(),
                elder: elder.clone(),
                helper: helper.to_string(),
                mode: Mode::Phone,
                at: at(day),
                duration_minutes: 10,
                checks,
                services: vec![Service::Patrol],
                follow_up: "告知子女".into(),
                position: None,
                amends: None,
                home_distance_m: None,
                recorded_at: None,
            };
            store.log_visit(visit, at(day)).unwrap();
        }
        let after = store.visit_signals(elder, today, 90).unwrap();
        let medical = |s: &VisitSignals| s.concerns.get(&ConcernCheck::Medical).copied().unwrap_or(0);
        assert_eq!(medical(&after), medical(&before) + 2);
        assert_eq!(after.visits, before.visits + 2);
        let entry = store.assess_risk(elder, "赵明", None, today, now).unwrap();
        let rules: Vec<&str> = entry.assessment.reasons.iter().map(|r| r.rule.as_str()).collect();
        assert!(rules.contains(&"medical_concern") && rules.contains(&"visit_concerns"), "{rules:?}");
        assert!(entry.assessment.visits_considered);

        // The disabled elder nobody cares for is high risk: the intervention is chosen and followed up.
        let high =
            store.assess_risk(&alone, "赵明", Some("联系子女安排照料人，每周探访两次"), today, now).unwrap();
        assert_eq!(high.assessment.level, Level::High);
        assert_eq!(store.assignment(&alone).unwrap().risk_level.as_deref(), Some("high"));
        assert!(crate::store::is_high_risk(store.assignment(&alone).unwrap().risk_level.as_deref().unwrap()));
        store.follow_up_risk(&alone, &high.id, today, "子女已请邻居每日照看", "赵明", now).unwrap();
        let list = store.risk_list(RiskFilter { high: true, unassessed: false }, today).unwrap();
        assert_eq!(list.len(), 1, "{list:?}");
        assert_eq!(list[0].elder, alone);
        assert_eq!(list[0].intervention.as_deref(), Some("联系子女安排照料人，每周探访两次"));
        assert_eq!((list[0].follow_ups, list[0].last_follow_up), (1, Some(today)));
        let history = store.risk_history(&alone).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].follow_ups[0].note, "子女已请邻居每日照看");

        // Everyone else is still to be assessed this year; next year, everyone is.
        let unassessed = store.risk_list(RiskFilter { high: false, unassessed: true }, today).unwrap();
        assert_eq!(unassessed.len(), elders.len() - 1);
        assert!(unassessed.iter().all(|r| r.elder != alone && r.elder != *elder));
        let next_year = NaiveDate::from_ymd_opt(2027, 1, 2).unwrap();
        let unassessed = store.risk_list(RiskFilter { high: false, unassessed: true }, next_year).unwrap();
        assert_eq!(unassessed.len(), elders.len() + 1);

        // A second assessment adds to the history; the documents alone rebuild the same lists.
        store.assess_all_risk("赵明", today, now).unwrap();
        assert_eq!(store.risk_history(&alone).unwrap().len(), 2);
        let dump = store.projection_dump().unwrap();
        store.rebuild().unwrap();
        assert_eq!(store.projection_dump().unwrap(), dump);
    }

    #[test]
    fn a_refused_assessment_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let now = at("2026-11-23T09:00:00+08:00");
        let (mut store, elders, _) = village(dir.path(), now);
        let outbox = store.outbox_len().unwrap();
        let err = store.assess_risk(&elders[0], " ", None, now.date_naive(), now).unwrap_err();
        assert!(err.to_string().contains("assessor"), "{err}");
        let err = store.follow_up_risk(&elders[0], "0123", now.date_naive(), "x", "赵明", now).unwrap_err();
        assert!(err.to_string().contains("assessment"), "{err}");
        assert_eq!(store.outbox_len().unwrap(), outbox);
        assert!(store.risk_history(&elders[0]).unwrap().is_empty());
    }
}
