//! Helpers, the village's organisation and assignments: each write one transaction over the
//! documents, the outbox and the projection (`helpers`, `helper_walks`, `elder_helpers`).

use super::documents::{self, Loaded};
use super::{Error, Result, Store};
use crate::crdt;
use crate::doc::{DocKind, SubjectId};
use crate::elder::{ElderId, Position};
use crate::helper::{validate_helper, Helper, HelperId, HelperStatus, Stint, MAX_REASON};
use crate::org::{org_id, validate_org, Org};
use crate::reach::{self, ElderAt, HelperAt, Plan, Walk};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A helper as lists show them (from the projection).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HelperRow {
    /// The helper.
    pub id: HelperId,
    /// 姓名
    pub name: String,
    /// Phone.
    pub phone: Option<String>,
    /// Home position.
    pub home: Option<Position>,
    /// When they can serve.
    pub availability: String,
    /// 备案 date.
    pub filed_on: Option<String>,
    /// Status code (active, replaced).
    pub status: String,
    /// Who replaced them.
    pub replaced_by: Option<String>,
    /// Elders currently assigned.
    pub elders: usize,
}

/// What walking reach works on: active elders, active helpers, and the current assignments.
pub type ReachInputs = (Vec<ElderAt>, Vec<HelperAt>, BTreeMap<ElderId, HelperId>);

/// An elder's assignment: who serves them now, who did before, and their risk level.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Assignment {
    /// The current helper.
    pub helper: Option<HelperId>,
    /// Every stint, oldest first.
    pub history: Vec<Stint>,
    /// The risk level (风险等级) as the risk assessment wrote it, if assessed.
    pub risk_level: Option<String>,
}

/// What `assign` did for one elder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    /// The elder.
    pub elder: ElderId,
    /// Their helper before.
    pub from: Option<HelperId>,
    /// Their helper now.
    pub to: HelperId,
}

use super::error::{archived, field};
use super::sql::id_column;

fn unknown_helper(field_name: &str, id: &str) -> Error {
    field(field_name, format!("没有编号为 {id} 的互助员"), format!("no helper with id {id}"))
}

/// Writes one document's new content and returns the number of changes.
fn write_doc(
    conn: &Connection,
    subject: &SubjectId,
    loaded: &mut Loaded,
    content: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<usize> {
    documents::save(conn, subject, loaded, content, now)
}

fn to_map<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value).expect("serialises") {
        Value::Object(m) => m,
        _ => unreachable!("records serialise to objects"),
    }
}

fn helper_exists(conn: &Connection, id: &HelperId) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT status FROM helpers WHERE helper_id = ?1")?
        .query_row([id.as_str()], |r| r.get(0))
        .optional()?)
}

/// Projects one helper document into `helpers` and `helper_walks`.
pub(super) fn project_helper(conn: &Connection, subject: &SubjectId, loaded: &mut Loaded) -> Result<()> {
    conn.prepare_cached("DELETE FROM helper_walks WHERE helper_id = ?1")?.execute([subject.as_str()])?;
    let mut map = crdt::read(&loaded.doc);
    map.remove("id");
    let Ok(h) = serde_json::from_value::<Helper>(Value::Object(map)) else {
        conn.prepare_cached("DELETE FROM helpers WHERE helper_id = ?1")?.execute([subject.as_str()])?;
        return Ok(());
    };
    let updated_at = documents::latest_change_time(&mut loaded.doc);
    conn.prepare_cached(
        "INSERT INTO helpers (helper_id, name, phone, lat, lon, availability, filed_on, status, replaced_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (helper_id) DO UPDATE SET name = excluded.name, phone = excluded.phone, lat = excluded.lat,
             lon = excluded.lon, availability = excluded.availability, filed_on = excluded.filed_on,
             status = excluded.status, replaced_by = excluded.replaced_by, updated_at = excluded.updated_at",
    )?
    .execute(rusqlite::params![
        subject.as_str(),
        h.name,
        h.phone,
        h.home.map(|p| p.lat),
        h.home.map(|p| p.lon),
        h.availability,
        h.filed_on.map(|d| d.to_string()),
        h.status.code(),
        h.replaced_by.as_ref().map(HelperId::as_str),
        updated_at,
    ])?;
    let mut insert =
        conn.prepare_cached("INSERT INTO helper_walks (helper_id, elder_id, minutes) VALUES (?1, ?2, ?3)")?;
    for (elder, minutes) in &h.walks {
        insert.execute((subject.as_str(), elder.as_str(), minutes))?;
    }
    Ok(())
}

fn read_assignment(doc: &automerge::AutoCommit) -> Assignment {
    let map = crdt::read(&doc.clone());
    Assignment {
        helper: map.get("helper").and_then(Value::as_str).and_then(|s| s.parse().ok()),
        history: map
            .get("history")
            .and_then(|h| serde_json::from_value::<Vec<Stint>>(h.clone()).ok())
            .unwrap_or_default(),
        risk_level: map.get("risk_level").and_then(Value::as_str).map(str::to_owned),
    }
}

/// Projects an elder's assignment document into `elder_helpers`.
pub(super) fn project_assignment(conn: &Connection, elder: &ElderId, loaded: &Loaded) -> Result<()> {
    let a = read_assignment(&loaded.doc);
    let service = crdt::read(&loaded.doc).get("service").map(Value::to_string);
    if a.helper.is_none() && a.risk_level.is_none() && service.is_none() {
        conn.prepare_cached("DELETE FROM elder_helpers WHERE elder_id = ?1")?.execute([elder.as_str()])?;
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT INTO elder_helpers (elder_id, helper_id, risk_level, service) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (elder_id) DO UPDATE SET helper_id = excluded.helper_id, risk_level = excluded.risk_level,
             service = excluded.service",
    )?
    .execute(rusqlite::params![elder.as_str(), a.helper.as_ref().map(HelperId::as_str), a.risk_level, service])?;
    Ok(())
}

/// Moves one elder to `helper` inside a transaction: ends the open stint, starts a new one.
fn assign_in(
    conn: &Connection,
    actor: &automerge::ActorId,
    elder: &ElderId,
    helper: &HelperId,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Option<Moved>> {
    let today = crate::time::local_date(now);
    let mut loaded = documents::load_one(conn, elder, DocKind::Assignment, actor)?;
    let before = read_assignment(&loaded.doc);
    if before.helper.as_ref() == Some(helper) {
        return Ok(None);
    }
    let mut content = crdt::read(&loaded.doc);
    let mut history = before.history.clone();
    for stint in history.iter_mut().filter(|s| s.to.is_none()) {
        stint.to = Some(today);
    }
    history.push(Stint {
        id: crate::ids::short_key(),
        helper: helper.clone(),
        from: today,
        to: None,
        reason: reason.trim().to_string(),
    });
    content.insert("helper".into(), Value::String(helper.to_string()));
    content.insert("history".into(), serde_json::to_value(&history).expect("serialises"));
    write_doc(conn, elder, &mut loaded, &content, now)?;
    project_assignment(conn, elder, &loaded)?;
    Ok(Some(Moved { elder: elder.clone(), from: before.helper, to: helper.clone() }))
}

fn check_reason(reason: &str) -> Result<()> {
    let len = reason.trim().chars().count();
    if len > MAX_REASON {
        return Err(field(
            "reason",
            format!("原因不能超过 {MAX_REASON} 个字"),
            format!("the reason must be at most {MAX_REASON} characters"),
        ));
    }
    Ok(())
}

impl Store {
    /// Files a new helper. Returns their id.
    pub fn add_helper(&mut self, mut helper: Helper, now: DateTime<Utc>) -> Result<HelperId> {
        self.require(crate::view::Operation::FileHelpers)?;
        validate_helper(&mut helper, crate::time::local_date(now)).map_err(Error::Invalid)?;
        if helper.id.is_some() {
            return Err(field(
                "id",
                "互助员编号由系统生成，新增时不能指定".into(),
                "a helper's id is assigned by the registry; leave it out when adding".into(),
            ));
        }
        if helper.status != HelperStatus::Active {
            return Err(field("status", "新增的互助员应为在岗".into(), "a new helper is active".into()));
        }
        let id = HelperId::random();
        self.save_helper(&id, helper, now, true)?;
        Ok(id)
    }

    /// Files a helper with a given id (the demo and imports that carry ids).
    pub fn add_helper_with_id(
        &mut self,
        id: &HelperId,
        mut helper: Helper,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.require(crate::view::Operation::FileHelpers)?;
        validate_helper(&mut helper, crate::time::local_date(now)).map_err(Error::Invalid)?;
        self.save_helper(id, helper, now, true)
    }

    fn save_helper(
        &mut self,
        id: &HelperId,
        mut helper: Helper,
        now: DateTime<Utc>,
        new: bool,
    ) -> Result<()> {
        helper.id = None;
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if new && helper_exists(&tx, id)?.is_some() {
            return Err(field("id", format!("互助员 {id} 已存在"), format!("helper {id} already exists")));
        }
        let subject = id.subject();
        let mut loaded = documents::load_one(&tx, &subject, DocKind::Helper, &actor)?;
        write_doc(&tx, &subject, &mut loaded, &to_map(&helper), now)?;
        project_helper(&tx, &subject, &mut loaded)?;
        tx.commit()?;
        Ok(())
    }

    /// One helper, read from their document.
    pub fn helper(&self, id: &HelperId) -> Result<Helper> {
        let loaded = documents::load_one(&self.conn, &id.subject(), DocKind::Helper, &self.actor())?;
        if loaded.before.is_empty() {
            return Err(unknown_helper("helper", id.as_str()));
        }
        let mut map = crdt::read(&loaded.doc);
        map.remove("id");
        let mut h: Helper = serde_json::from_value(Value::Object(map))
            .map_err(|e| Error::Corrupt { doc: format!("{id}/helper"), reason: e.to_string() })?;
        h.id = Some(id.clone());
        Ok(h)
    }

    /// Changes a helper with `edit`, then validates and stores what changed. Returns the changes made.
    pub fn update_helper(
        &mut self,
        id: &HelperId,
        now: DateTime<Utc>,
        edit: impl FnOnce(&mut Helper) -> Result<()>,
    ) -> Result<usize> {
        self.require(crate::view::Operation::FileHelpers)?;
        let mut helper = self.helper(id)?;
        edit(&mut helper)?;
        validate_helper(&mut helper, crate::time::local_date(now)).map_err(Error::Invalid)?;
        helper.id = None;
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let subject = id.subject();
        let mut loaded = documents::load_one(&tx, &subject, DocKind::Helper, &actor)?;
        let changes = write_doc(&tx, &subject, &mut loaded, &to_map(&helper), now)?;
        project_helper(&tx, &subject, &mut loaded)?;
        tx.commit()?;
        Ok(changes)
    }

    /// Every helper, active first, by name.
    pub fn helpers(&self) -> Result<Vec<HelperRow>> {
        self.require(crate::view::Operation::FileHelpers)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.helper_id, h.name, h.phone, h.lat, h.lon, h.availability, h.filed_on, h.status, h.replaced_by,
                    (SELECT count(*) FROM elder_helpers a JOIN elders e ON e.elder_id = a.elder_id
                      WHERE a.helper_id = h.helper_id AND e.status = 'active')
             FROM helpers h ORDER BY h.status = 'active' DESC, h.name, h.helper_id",
        )?;
        let rows = stmt.query_map([], |r| {
            let lat: Option<f64> = r.get(3)?;
            let lon: Option<f64> = r.get(4)?;
            Ok(HelperRow {
                id: id_column(r, 0)?,
                name: r.get(1)?,
                phone: r.get(2)?,
                home: lat.zip(lon).map(|(lat, lon)| Position { lat, lon }),
                availability: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                filed_on: r.get(6)?,
                status: r.get(7)?,
                replaced_by: r.get(8)?,
                elders: r.get::<_, i64>(9)? as usize,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// An elder's assignment (current helper, history, risk level).
    pub fn assignment(&self, elder: &ElderId) -> Result<Assignment> {
        self.require_elder(elder)?;
        self.see_elder(elder, crate::view::Operation::Visits)?;
        let loaded = documents::load_one(&self.conn, elder, DocKind::Assignment, &self.actor())?;
        Ok(read_assignment(&loaded.doc))
    }

    /// The elders currently assigned to a helper (active elders only), by name.
    pub fn elders_of(&self, helper: &HelperId) -> Result<Vec<ElderId>> {
        let ids: Vec<String> = self
            .conn
            .prepare_cached(&format!(
                "SELECT a.elder_id FROM elder_helpers a JOIN elders e ON e.elder_id = a.elder_id
                 WHERE a.helper_id = ?1 AND e.status = 'active'{} ORDER BY e.name, e.elder_id",
                self.visible_elders("a.elder_id")
            ))?
            .query_map([helper.as_str()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| id.parse().map_err(|reason| Error::Corrupt { doc: id, reason })).collect()
    }

    pub(super) fn require_elder(&self, elder: &ElderId) -> Result<String> {
        self.conn
            .prepare_cached("SELECT status FROM elders WHERE elder_id = ?1")?
            .query_row([elder.as_str()], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::NotFound(elder.clone()))
    }

    /// Assigns an elder to a helper (the history keeps the previous one). Returns `None` when the
    /// elder already had this helper.
    pub fn assign(
        &mut self,
        elder: &ElderId,
        helper: &HelperId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Moved>> {
        self.require(crate::view::Operation::AssignHelpers)?;
        check_reason(reason)?;
        let status = self.require_elder(elder)?;
        if status != "active" {
            return Err(archived(elder));
        }
        match helper_exists(&self.conn, helper)? {
            None => return Err(unknown_helper("helper", helper.as_str())),
            Some(s) if s != "active" => {
                return Err(field(
                    "helper",
                    format!("互助员 {helper} 已被更换，不能再分配老人"),
                    format!("helper {helper} was replaced and cannot take elders"),
                ))
            }
            Some(_) => {}
        }
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let moved = assign_in(&tx, &actor, elder, helper, reason, now)?;
        tx.commit()?;
        Ok(moved)
    }

    /// Replaces a helper who does not serve (seed 004: 及时更换): every elder of `old` moves to `new`
    /// with the history kept, and `old` is marked replaced. One transaction. Returns the elders moved.
    pub fn replace_helper(
        &mut self,
        old: &HelperId,
        new: &HelperId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<Moved>> {
        self.require(crate::view::Operation::AssignHelpers)?;
        check_reason(reason)?;
        if old == new {
            return Err(field("new", "新旧互助员相同".into(), "the replacement is the same helper".into()));
        }
        if helper_exists(&self.conn, old)?.is_none() {
            return Err(unknown_helper("old", old.as_str()));
        }
        match helper_exists(&self.conn, new)? {
            None => return Err(unknown_helper("new", new.as_str())),
            Some(s) if s != "active" => {
                return Err(field(
                    "new",
                    format!("互助员 {new} 已被更换，不能接替"),
                    format!("helper {new} was replaced and cannot take over"),
                ))
            }
            Some(_) => {}
        }
        let elders: Vec<String> = self
            .conn
            .prepare("SELECT elder_id FROM elder_helpers WHERE helper_id = ?1 ORDER BY elder_id")?
            .query_map([old.as_str()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut helper = self.helper(old)?;
        helper.status = HelperStatus::Replaced;
        helper.replaced_by = Some(new.clone());
        helper.id = None;
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut moved = Vec::new();
        for raw in elders {
            let elder: ElderId = raw.parse().map_err(|reason| Error::Corrupt { doc: raw.clone(), reason })?;
            moved.extend(assign_in(&tx, &actor, &elder, new, reason, now)?);
        }
        let subject = old.subject();
        let mut loaded = documents::load_one(&tx, &subject, DocKind::Helper, &actor)?;
        write_doc(&tx, &subject, &mut loaded, &to_map(&helper), now)?;
        project_helper(&tx, &subject, &mut loaded)?;
        tx.commit()?;
        Ok(moved)
    }

    /// The walk settings of this registry's policy.
    pub fn walk(&self) -> Walk {
        Walk::of(&self.policy())
    }

    /// This registry's policy profile.
    pub fn policy(&self) -> crate::policy::Policy {
        crate::policy::Policy::builtin(&self.registry.policy).expect("the registry's policy is built in")
    }

    /// Active elders and active helpers as reach sees them, and the current assignments.
    pub fn reach_inputs(&self) -> Result<ReachInputs> {
        self.require(crate::view::Operation::AssignHelpers)?;
        let parse =
            |s: String| s.parse::<ElderId>().map_err(|reason| Error::Corrupt { doc: s.clone(), reason });
        let mut elders = Vec::new();
        let mut current = BTreeMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT e.elder_id, e.lat, e.lon, a.helper_id FROM elders e
             LEFT JOIN elder_helpers a ON a.elder_id = e.elder_id
             WHERE e.status = 'active' ORDER BY e.elder_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<f64>>(1)?,
                r.get::<_, Option<f64>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        for row in rows {
            let (id, lat, lon, helper) = row?;
            let id = parse(id)?;
            if let Some(h) = helper.and_then(|h| h.parse::<HelperId>().ok()) {
                current.insert(id.clone(), h);
            }
            elders.push(ElderAt { id, home: lat.zip(lon).map(|(lat, lon)| Position { lat, lon }) });
        }
        let mut helpers = Vec::new();
        for h in self.helpers()?.into_iter().filter(|h| h.status == "active") {
            let walks: BTreeMap<ElderId, f64> = self
                .conn
                .prepare_cached("SELECT elder_id, minutes FROM helper_walks WHERE helper_id = ?1")?
                .query_map([h.id.as_str()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?)))?
                .filter_map(|r| r.ok().and_then(|(e, m)| e.parse().ok().map(|e| (e, m))))
                .collect();
            helpers.push(HelperAt { id: h.id, home: h.home, walks });
        }
        Ok((elders, helpers, current))
    }

    /// Suggests an assignment by walking reach (see [`reach::suggest`]).
    pub fn suggest_assignment(&self, keep_existing: bool) -> Result<Plan> {
        let (elders, helpers, current) = self.reach_inputs()?;
        Ok(reach::suggest(&self.walk(), &elders, &helpers, &current, keep_existing))
    }

    /// Applies the plan core suggests now, as the office reviewed it: refused under `reviewed`
    /// (nothing written) when `reviewed` — the (elder, helper) pairs the office saw, in order — is
    /// not what core suggests now (a helper filed, a home moved since). `None`: apply what core
    /// suggests, unseen.
    pub fn apply_reviewed_plan(
        &mut self,
        keep_existing: bool,
        reviewed: Option<&[(String, String)]>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Moved>> {
        let plan = self.suggest_assignment(keep_existing)?;
        let fresh: Vec<(String, String)> =
            plan.proposals.iter().map(|p| (p.elder.to_string(), p.helper.to_string())).collect();
        if reviewed.is_some_and(|seen| seen != fresh.as_slice()) {
            return Err(Error::Field {
                field: "reviewed".into(),
                zh: "分配方案在审阅后已有变化，请重新生成后再确认".into(),
                en: "the plan changed since it was reviewed: suggest it again".into(),
            });
        }
        self.apply_plan(&plan, now)
    }

    /// Applies a suggested assignment in one transaction; returns the elders whose helper changed.
    pub fn apply_plan(&mut self, plan: &Plan, now: DateTime<Utc>) -> Result<Vec<Moved>> {
        self.require(crate::view::Operation::AssignHelpers)?;
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut moved = Vec::new();
        for p in plan.proposals.iter().filter(|p| !p.kept) {
            moved.extend(assign_in(
                &tx,
                &actor,
                &p.elder,
                &p.helper,
                "按步行范围分配 / assigned by walking reach",
                now,
            )?);
        }
        tx.commit()?;
        Ok(moved)
    }

    /// The village's organisation (empty when never set).
    pub fn org(&self) -> Result<Org> {
        let loaded =
            documents::load_one(&self.conn, &org_id(&self.registry.unit), DocKind::Org, &self.actor())?;
        serde_json::from_value(Value::Object(crdt::read(&loaded.doc))).map_err(|e| Error::Corrupt {
            doc: format!("{}/org", org_id(&self.registry.unit)),
            reason: e.to_string(),
        })
    }

    /// Sets the village's organisation. Returns the changes made.
    pub fn set_org(&mut self, mut org: Org, now: DateTime<Utc>) -> Result<usize> {
        self.require(crate::view::Operation::FileHelpers)?;
        validate_org(&mut org).map_err(Error::Invalid)?;
        let subject = org_id(&self.registry.unit);
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut loaded = documents::load_one(&tx, &subject, DocKind::Org, &actor)?;
        let changes = write_doc(&tx, &subject, &mut loaded, &to_map(&org), now)?;
        tx.commit()?;
        Ok(changes)
    }
}
