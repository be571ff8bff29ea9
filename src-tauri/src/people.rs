//! The people screens' commands: helpers 互助员 (filed 备案, replaced 更换), their assignment by walking
//! reach (the plot of homes with each helper's 15-minute circle, a balanced plan from core), cases of
//! the chain 发现 → 报告 → 转介 → 救助 and emergencies 助急. Each command checks the device's role,
//! converts the UI's shapes to core's, calls one core function and converts back: the walk, the plan,
//! the stage limits and every rule stay in `shouwang-core` (`reach`, `helper`, `case`, `store`).

use crate::dto::{AppRole, CardView, ElderRef};
use crate::error::{AppError, AppResult, ErrorKind};
use crate::state::{self, AppState};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shouwang_core::case::{Closing, Emergency, Opening, Outcome, Party, Stage, StageEntry};
use shouwang_core::elder::{ElderId, Position};
use shouwang_core::helper::{Helper, HelperId};
use shouwang_core::reach::{self, Walk};
use shouwang_core::store::{CaseFilter, CaseRow, ElderFilter, HelperRow, Moved, Store};
use std::collections::BTreeMap;
use tauri::State;
use ts_rs::TS;

const OFFICE: &[AppRole] = &[AppRole::Committee, AppRole::Township];
const READERS: &[AppRole] = &[AppRole::Helper, AppRole::Committee, AppRole::Township];
const RESPONDERS: &[AppRole] = &[AppRole::Helper, AppRole::Committee];

fn require(role: AppRole, allowed: &[AppRole], what: &str) -> AppResult<()> {
    if allowed.contains(&role) {
        Ok(())
    } else {
        Err(AppError::forbidden(what))
    }
}

fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> AppError {
    let (zh, en) = (zh.into(), en.into());
    let mut e = AppError::new(ErrorKind::Invalid, Some(field), zh.clone(), en.clone());
    e.violations.push(crate::error::FieldError {
        field: field.into(),
        rule: "format".into(),
        message: zh,
        en,
        warning: false,
    });
    e
}

fn helper_id(field: &str, id: &str) -> AppResult<HelperId> {
    id.parse().map_err(|_| invalid(field, "互助员编号不正确", "not a helper id"))
}

fn elder_id(id: &str) -> AppResult<ElderId> {
    id.parse()
        .map_err(|_| AppError::new(ErrorKind::NotFound, Some("elder"), "老人编号不正确", "not an elder id"))
}

fn choice<T>(field: &str, value: &str, parse: fn(&str) -> Option<T>) -> AppResult<T> {
    parse(value).ok_or_else(|| {
        invalid(field, format!("“{value}”不是可选的值"), format!("{value:?} is not one of the choices"))
    })
}

/// A time the UI sent (RFC 3339), or `now` when absent or empty.
fn time(field: &str, value: Option<&str>, now: DateTime<Utc>) -> AppResult<DateTime<Utc>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(now),
        Some(v) => DateTime::parse_from_rfc3339(v).map(|t| t.to_utc()).map_err(|_| {
            invalid(field, "时间格式不正确", "not a time (expected e.g. 2026-11-23T08:30:00+08:00)")
        }),
    }
}

fn today(now: DateTime<Utc>) -> chrono::NaiveDate {
    shouwang_core::time::local_date(now)
}

fn text(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

// ---------------------------------------------------------------- shapes

/// A home position (WGS-84 degrees).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct HomePoint {
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

impl From<Position> for HomePoint {
    fn from(p: Position) -> HomePoint {
        HomePoint { lat: p.lat, lon: p.lon }
    }
}

/// One helper in the helpers list.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct HelperLine {
    /// Helper id.
    pub id: String,
    /// 姓名
    pub name: String,
    /// 联系电话
    pub phone: Option<String>,
    /// Home, when recorded: the centre of the 15-minute walk.
    pub home: Option<HomePoint>,
    /// When they can serve.
    pub availability: String,
    /// 备案 date (`YYYY-MM-DD`), once filed with the township.
    pub filed_on: Option<String>,
    /// Filed 备案.
    pub filed: bool,
    /// `active` 在岗 or `replaced` 已更换.
    pub status: String,
    /// Who replaced them.
    pub replaced_by: Option<String>,
    /// Name of who replaced them.
    pub replaced_by_name: Option<String>,
    /// Elders currently assigned (their load).
    pub elders: u32,
}

fn helper_line(row: HelperRow, names: &BTreeMap<String, String>) -> HelperLine {
    HelperLine {
        id: row.id.to_string(),
        name: row.name,
        phone: row.phone,
        home: row.home.map(HomePoint::from),
        availability: row.availability,
        filed: row.filed_on.is_some(),
        filed_on: row.filed_on,
        status: row.status,
        replaced_by_name: row.replaced_by.as_ref().and_then(|r| names.get(r).cloned()),
        replaced_by: row.replaced_by,
        elders: u32::try_from(row.elders).unwrap_or(u32::MAX),
    }
}

/// A helper as the add/edit form holds them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct HelperForm {
    /// Absent when adding.
    pub id: Option<String>,
    /// 姓名
    pub name: String,
    /// 联系电话
    pub phone: Option<String>,
    /// Home position.
    pub home: Option<HomePoint>,
    /// When they can serve.
    pub availability: Option<String>,
    /// 备案 date `YYYY-MM-DD`.
    pub filed_on: Option<String>,
}

/// Core's helper from the form, over the stored one when editing (status, walks kept).
pub fn form_to_helper(form: &HelperForm, base: Option<Helper>) -> AppResult<Helper> {
    let mut h = base.unwrap_or_else(|| Helper::named(""));
    h.name = form.name.clone();
    h.phone = text(&form.phone);
    h.home = form.home.map(|p| Position { lat: p.lat, lon: p.lon });
    h.availability = form.availability.clone().unwrap_or_default();
    h.filed_on = match text(&form.filed_on) {
        None => None,
        Some(d) => Some(
            d.parse()
                .map_err(|_| invalid("filed_on", "日期格式应为 年-月-日", "a date is written YYYY-MM-DD"))?,
        ),
    };
    Ok(h)
}

/// What `save_helper` returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedHelper {
    /// The helper's id.
    pub id: String,
}

/// `replace_helper`: every elder of `old` moves to `new`, the history kept.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct ReplaceArgs {
    /// The helper who no longer serves.
    pub old: String,
    /// Who takes over.
    pub new: String,
    /// Why (e.g. 外出务工, 不能履行职责).
    pub reason: String,
}

/// One elder whose helper changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct MovedLine {
    /// Elder id.
    pub elder: String,
    /// Their name.
    pub elder_name: String,
    /// Their helper before.
    pub from: Option<String>,
    /// Their helper now.
    pub to: String,
}

/// `assign`: one elder to one helper, by hand.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct AssignArgs {
    /// Elder id.
    pub elder: String,
    /// Helper id.
    pub helper: String,
    /// Why (e.g. 就近, 家属要求).
    pub reason: String,
}

/// The policy's walk, as core reads it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct WalkView {
    /// A helper serves elders within this many minutes on foot.
    pub limit_minutes: f64,
    /// Metres a minute.
    pub speed_m_per_min: f64,
    /// Path length over straight-line distance.
    pub detour_factor: f64,
    /// The straight-line radius the walk covers, in metres.
    pub reach_m: f64,
}

impl From<Walk> for WalkView {
    fn from(w: Walk) -> WalkView {
        WalkView {
            limit_minutes: w.limit_minutes,
            speed_m_per_min: w.speed_m_per_min,
            detour_factor: w.detour_factor,
            reach_m: w.straight_line_reach_m(),
        }
    }
}

/// A helper on the plot.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapHelper {
    /// Helper id.
    pub id: String,
    /// 姓名
    pub name: String,
    /// Metres east of the plot's origin (absent: no home recorded).
    pub x: Option<f64>,
    /// Metres north of the plot's origin.
    pub y: Option<f64>,
    /// Radius of the 15-minute reach circle in metres.
    pub reach_m: f64,
    /// Elders currently assigned.
    pub elders: u32,
}

/// A helper within walking reach of an elder.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct InReach {
    /// Helper id.
    pub helper: String,
    /// Minutes on foot.
    pub minutes: f64,
    /// Measured on foot rather than estimated.
    pub measured: bool,
}

/// An elder on the plot.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MapElder {
    /// Elder id.
    pub id: String,
    /// 姓名
    pub name: String,
    /// 现居住地址
    pub address: String,
    /// Their phone.
    pub phone: Option<String>,
    /// Metres east of the origin (absent: no home recorded).
    pub x: Option<f64>,
    /// Metres north of the origin.
    pub y: Option<f64>,
    /// The current helper.
    pub helper: Option<String>,
    /// Minutes on foot from the current helper's home, when known.
    pub minutes: Option<f64>,
    /// No helper reaches them on foot: phone and video visits.
    pub remote: bool,
    /// Helpers who reach them, nearest first.
    pub reachable: Vec<InReach>,
}

/// Everything the assignment plot needs: homes projected to metres on a local plane around the
/// village (east `x`, north `y`), each helper's reach radius, the current assignments, the remote.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReachMap {
    /// The policy's walk.
    pub walk: WalkView,
    /// The plot's origin (the centre of the homes), WGS-84.
    pub origin: Option<HomePoint>,
    /// Active helpers.
    pub helpers: Vec<MapHelper>,
    /// Active elders.
    pub elders: Vec<MapElder>,
}

/// Metres east and north of `origin`, measured with core's distance along each axis.
fn project(origin: Position, p: Position) -> (f64, f64) {
    let east = reach::distance_m(origin, Position { lat: origin.lat, lon: p.lon });
    let north = reach::distance_m(origin, Position { lat: p.lat, lon: origin.lon });
    let round = |v: f64| (v * 10.0).round() / 10.0;
    (round(east.copysign(p.lon - origin.lon)), round(north.copysign(p.lat - origin.lat)))
}

/// `suggest_assignment` / `apply_assignment`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct PlanArgs {
    /// Elders already assigned keep their helper.
    pub keep_existing: bool,
    /// For `apply_assignment`: the proposals the user reviewed (elder → helper); refused when the
    /// plan changed since.
    pub reviewed: Option<Vec<PlanPick>>,
}

/// One reviewed pick: an elder and the helper proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanPick {
    /// Elder id.
    pub elder: String,
    /// Helper id.
    pub helper: String,
}

/// One elder in a suggested assignment.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProposalLine {
    /// Elder id.
    pub elder: String,
    /// Their name.
    pub elder_name: String,
    /// The helper proposed (or kept).
    pub helper: String,
    /// Their name.
    pub helper_name: String,
    /// Minutes on foot, where known.
    pub minutes: Option<f64>,
    /// The current assignment, kept.
    pub kept: bool,
    /// The helper before, when the plan moves the elder.
    pub from: Option<String>,
    /// Their name.
    pub from_name: Option<String>,
    /// The plan changes this elder's helper.
    pub moves: bool,
}

/// An elder no helper reaches on foot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RemoteLine {
    /// Elder id.
    pub elder: String,
    /// Their name.
    pub name: String,
    /// Their phone (for phone visits).
    pub phone: Option<String>,
    /// Their current helper, if assigned by hand.
    pub helper: Option<String>,
}

/// Elders per helper under a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LoadLine {
    /// Helper id.
    pub helper: String,
    /// Their name.
    pub name: String,
    /// Elders now.
    pub before: u32,
    /// Elders under the plan.
    pub after: u32,
}

/// A suggested assignment as the review screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PlanView {
    /// Elder → helper, by elder.
    pub proposals: Vec<ProposalLine>,
    /// Elders no helper reaches.
    pub remote: Vec<RemoteLine>,
    /// Load per helper.
    pub loads: Vec<LoadLine>,
    /// How many elders the plan moves.
    pub moves: u32,
}

/// An elder's assignment and its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AssignmentView {
    /// The current helper.
    pub helper: Option<String>,
    /// Their name.
    pub helper_name: Option<String>,
    /// Every stint, newest first.
    pub history: Vec<StintLine>,
}

/// One helper's time serving an elder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StintLine {
    /// Helper id.
    pub helper: String,
    /// Their name.
    pub helper_name: String,
    /// First day (`YYYY-MM-DD`).
    pub from: String,
    /// Last day, while open absent.
    pub to: Option<String>,
    /// Why.
    pub reason: String,
}

/// `list_cases`: which cases.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct CaseQuery {
    /// Only open cases.
    pub open: Option<bool>,
    /// Only cases waiting longer than the policy allows.
    pub flagged: Option<bool>,
    /// One elder's.
    pub elder: Option<String>,
}

/// One case in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CaseLine {
    /// Case id.
    pub id: String,
    /// Elder id.
    pub elder: String,
    /// Their name.
    pub elder_name: Option<String>,
    /// 发现: when (RFC 3339).
    pub opened_at: String,
    /// 发现: who.
    pub opened_by: String,
    /// What happened.
    pub summary: String,
    /// Opened by an emergency 助急.
    pub emergency: bool,
    /// Parties called (codes: `family`, `120`, `doctor`…).
    pub called: Vec<String>,
    /// Furthest stage reached (code).
    pub stage: String,
    /// When it was reached.
    pub stage_at: String,
    /// Closed: when.
    pub closed_at: Option<String>,
    /// Closed: how (code).
    pub outcome: Option<String>,
    /// Open and waiting at its stage longer than the policy allows.
    pub flagged: bool,
    /// The stage it waits for, when open.
    pub waiting_for: Option<String>,
    /// Whole days it has waited at its stage (open cases).
    pub days_waited: Option<u32>,
    /// Days the policy allows to reach the next stage.
    pub limit_days: Option<u32>,
}

fn case_line(row: CaseRow, store: &Store, now: DateTime<Utc>) -> CaseLine {
    let limits = store.policy().case_stage_days;
    let open = row.closed_at.is_none();
    let days_waited = DateTime::parse_from_rfc3339(&row.stage_at)
        .ok()
        .filter(|_| open)
        .map(|since| u32::try_from((now - since.to_utc()).num_days().max(0)).unwrap_or(u32::MAX));
    let limit_days = row.waiting_for.as_deref().and_then(Stage::parse).and_then(|s| limits.days_to(s));
    CaseLine {
        id: row.id,
        elder: row.elder,
        elder_name: row.elder_name,
        opened_at: row.opened_at,
        opened_by: row.opened_by,
        summary: row.summary,
        emergency: row.emergency,
        called: row.called,
        stage: row.stage,
        stage_at: row.stage_at,
        closed_at: row.closed_at,
        outcome: row.outcome,
        flagged: row.flagged,
        waiting_for: row.waiting_for,
        days_waited,
        limit_days,
    }
}

/// `get_case` and friends: a case id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct CaseRef {
    /// Case id.
    pub id: String,
}

/// One step of the chain as the detail shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StepLine {
    /// Entry id (`opened` for 发现).
    pub id: String,
    /// Stage code.
    pub stage: String,
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub by: String,
    /// What was done.
    pub note: String,
    /// Why a stage was skipped to reach this one.
    pub skip_reason: String,
}

/// A case with its chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CaseView {
    /// The list line (stage, flag, days waited).
    pub line: CaseLine,
    /// 发现 and every stage entry after it, in time order.
    pub steps: Vec<StepLine>,
    /// When the emergency's calls were made.
    pub called_at: Option<String>,
    /// The visit that opened it.
    pub visit: Option<String>,
    /// Closed: who.
    pub closed_by: Option<String>,
    /// Closed: remark.
    pub closed_note: Option<String>,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// `open_case`: a case at 发现.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct OpenCaseArgs {
    /// Elder id.
    pub elder: String,
    /// What happened.
    pub summary: String,
    /// Who discovered it.
    pub by: String,
    /// When (default now).
    pub at: Option<String>,
}

/// `advance_case`: the next stage.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct AdvanceArgs {
    /// Case id.
    pub id: String,
    /// Stage code (default: the next one).
    pub stage: Option<String>,
    /// Who owns the stage.
    pub by: String,
    /// What was done.
    pub note: Option<String>,
    /// Why a stage is skipped.
    pub skip_reason: Option<String>,
    /// When (default now).
    pub at: Option<String>,
}

/// `close_case`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct CloseArgs {
    /// Case id.
    pub id: String,
    /// Outcome code (`resolved`, `hospitalised`, `enrolled`, `with_family`, `deceased`, `not_needed`).
    pub outcome: String,
    /// Who closes it.
    pub by: String,
    /// A remark.
    pub note: Option<String>,
    /// When (default now).
    pub at: Option<String>,
}

/// What a write to a case returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CaseDone {
    /// Case id.
    pub case: String,
    /// Elder id.
    pub elder: String,
    /// Closed with an outcome as well.
    pub closed: bool,
}

/// `log_emergency`: an emergency 助急 with the calls made, in order; opens a case at 发现 and, when
/// the outcome is known, closes it with that outcome.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct EmergencyArgs {
    /// Elder id.
    pub elder: String,
    /// Parties called, in order (`family`, `120`, `doctor`, `110`, `119`, `committee`, `neighbour`).
    pub called: Vec<String>,
    /// When the first call was made (default now).
    pub called_at: Option<String>,
    /// When the emergency began (default: the first call).
    pub at: Option<String>,
    /// What happened.
    pub summary: String,
    /// Who handled it (default: the elder's helper).
    pub by: Option<String>,
    /// Outcome code when it is over.
    pub outcome: Option<String>,
    /// A remark on the outcome.
    pub outcome_note: Option<String>,
}

/// Who to call in an emergency: the elder's card (their phone, the supporters') and the village
/// doctor from the village's organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EmergencyContacts {
    /// The contact card (no ID number, no health data).
    pub card: CardView,
    /// The village doctor (a member of the organisation titled 村医 / …医…), when listed.
    pub doctor: Option<OrgContact>,
    /// The elder's helper's name.
    pub helper_name: Option<String>,
}

/// A member of the village's organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OrgContact {
    /// 姓名
    pub name: String,
    /// Title.
    pub title: String,
    /// Phone.
    pub phone: Option<String>,
}

// ---------------------------------------------------------------- lookups

fn helper_names(store: &Store) -> AppResult<BTreeMap<String, String>> {
    Ok(store.helpers()?.into_iter().map(|h| (h.id.to_string(), h.name)).collect())
}

/// Elder id → (name, address, phone).
type ElderNames = BTreeMap<String, (String, String, Option<String>)>;

/// Every elder (archived too) by id: (name, address, phone).
fn elder_names(store: &Store, now: DateTime<Utc>) -> AppResult<ElderNames> {
    let filter = ElderFilter { any_status: true, ..ElderFilter::default() };
    Ok(store
        .list(&filter, today(now))?
        .into_iter()
        .map(|r| (r.id.to_string(), (r.name, r.address, r.phone)))
        .collect())
}

fn moved_lines(moved: Vec<Moved>, store: &Store, now: DateTime<Utc>) -> AppResult<Vec<MovedLine>> {
    let names = elder_names(store, now)?;
    Ok(moved
        .into_iter()
        .map(|m| MovedLine {
            elder_name: names.get(m.elder.as_str()).map(|n| n.0.clone()).unwrap_or_default(),
            elder: m.elder.to_string(),
            from: m.from.map(|h| h.to_string()),
            to: m.to.to_string(),
        })
        .collect())
}

/// Builds the plot from core's reach inputs.
pub fn reach_map_of(store: &Store, now: DateTime<Utc>) -> AppResult<ReachMap> {
    let walk = store.walk();
    let (elders, helpers, current) = store.reach_inputs()?;
    let homes: Vec<Position> =
        elders.iter().filter_map(|e| e.home).chain(helpers.iter().filter_map(|h| h.home)).collect();
    let origin = (!homes.is_empty()).then(|| {
        let n = homes.len() as f64;
        Position {
            lat: homes.iter().map(|p| p.lat).sum::<f64>() / n,
            lon: homes.iter().map(|p| p.lon).sum::<f64>() / n,
        }
    });
    let at = |p: Option<Position>| match (origin, p) {
        (Some(o), Some(p)) => {
            let (x, y) = project(o, p);
            (Some(x), Some(y))
        }
        _ => (None, None),
    };
    let rows: BTreeMap<String, HelperRow> =
        store.helpers()?.into_iter().map(|h| (h.id.to_string(), h)).collect();
    let names = elder_names(store, now)?;
    let map_helpers = helpers
        .iter()
        .map(|h| {
            let (x, y) = at(h.home);
            let row = rows.get(h.id.as_str());
            MapHelper {
                id: h.id.to_string(),
                name: row.map(|r| r.name.clone()).unwrap_or_default(),
                x,
                y,
                reach_m: walk.straight_line_reach_m(),
                elders: row.map(|r| u32::try_from(r.elders).unwrap_or(u32::MAX)).unwrap_or(0),
            }
        })
        .collect();
    let map_elders = elders
        .iter()
        .map(|e| {
            let (x, y) = at(e.home);
            let reach = reach::reachable(&walk, e, &helpers);
            let helper = current.get(&e.id);
            let minutes = helper
                .and_then(|h| helpers.iter().find(|x| x.id == *h))
                .and_then(|h| reach::minutes(&walk, h, e))
                .map(|m| m.minutes);
            let (name, address, phone) = names.get(e.id.as_str()).cloned().unwrap_or_default();
            MapElder {
                id: e.id.to_string(),
                name,
                address,
                phone,
                x,
                y,
                helper: helper.map(ToString::to_string),
                minutes,
                remote: reach.is_empty(),
                reachable: reach
                    .into_iter()
                    .map(|m| InReach {
                        helper: m.helper.to_string(),
                        minutes: m.minutes,
                        measured: m.measured,
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(ReachMap {
        walk: walk.into(),
        origin: origin.map(HomePoint::from),
        helpers: map_helpers,
        elders: map_elders,
    })
}

fn plan_view(store: &Store, keep_existing: bool, now: DateTime<Utc>) -> AppResult<PlanView> {
    let plan = store.suggest_assignment(keep_existing)?;
    let (_, _, current) = store.reach_inputs()?;
    let helpers = helper_names(store)?;
    let elders = elder_names(store, now)?;
    let name_of = |id: &str| helpers.get(id).cloned().unwrap_or_default();
    let proposals: Vec<ProposalLine> = plan
        .proposals
        .iter()
        .map(|p| {
            let from = current.get(&p.elder).map(ToString::to_string);
            let moves = from.as_deref() != Some(p.helper.as_str());
            ProposalLine {
                elder: p.elder.to_string(),
                elder_name: elders.get(p.elder.as_str()).map(|n| n.0.clone()).unwrap_or_default(),
                helper: p.helper.to_string(),
                helper_name: name_of(p.helper.as_str()),
                minutes: p.minutes,
                kept: p.kept,
                from_name: from.as_deref().map(name_of),
                from,
                moves,
            }
        })
        .collect();
    let mut before: BTreeMap<String, u32> = BTreeMap::new();
    for h in current.values() {
        *before.entry(h.to_string()).or_default() += 1;
    }
    let loads = plan
        .loads
        .iter()
        .map(|(h, n)| LoadLine {
            helper: h.to_string(),
            name: name_of(h.as_str()),
            before: before.get(h.as_str()).copied().unwrap_or(0),
            after: u32::try_from(*n).unwrap_or(u32::MAX),
        })
        .collect();
    let remote = plan
        .remote
        .iter()
        .map(|e| {
            let (name, _, phone) = elders.get(e.as_str()).cloned().unwrap_or_default();
            RemoteLine { elder: e.to_string(), name, phone, helper: current.get(e).map(ToString::to_string) }
        })
        .collect();
    let moves = u32::try_from(proposals.iter().filter(|p| p.moves).count()).unwrap_or(u32::MAX);
    Ok(PlanView { proposals, remote, loads, moves })
}

fn case_view(store: &Store, id: &str, now: DateTime<Utc>) -> AppResult<CaseView> {
    let case = store.case(id)?;
    let row = store
        .cases(&CaseFilter { elder: Some(case.elder.clone()), ..CaseFilter::default() }, now)?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or_else(|| AppError::new(ErrorKind::NotFound, Some("case"), "没有这个个案", "no such case"))?;
    let mut steps = vec![StepLine {
        id: "opened".into(),
        stage: Stage::Discovered.code().into(),
        at: stamp(case.opened.at),
        by: case.opened.by.clone(),
        note: case.opened.summary.clone(),
        skip_reason: String::new(),
    }];
    steps.extend(case.stages.iter().map(|s| StepLine {
        id: s.id.clone(),
        stage: s.stage.code().into(),
        at: stamp(s.at),
        by: s.by.clone(),
        note: s.note.clone(),
        skip_reason: s.skip_reason.clone(),
    }));
    Ok(CaseView {
        line: case_line(row, store, now),
        steps,
        called_at: case.opened.emergency.as_ref().map(|e| stamp(e.called_at)),
        visit: case.opened.visit.clone(),
        closed_by: case.closed.as_ref().map(|c| c.by.clone()),
        closed_note: case.closed.as_ref().map(|c| c.note.clone()),
    })
}

/// Who acted, when the UI did not say: the elder's current helper.
fn by_or_helper(store: &Store, elder: &ElderId, by: Option<String>) -> AppResult<String> {
    if let Some(by) = by.map(|b| b.trim().to_string()).filter(|b| !b.is_empty()) {
        return Ok(by);
    }
    match store.assignment(elder)?.helper {
        Some(h) => Ok(store.helper(&h)?.name),
        None => {
            Err(invalid("by", "该老人尚未分配互助员，请写明经办人", "the elder has no helper: say who acted"))
        }
    }
}

// ---------------------------------------------------------------- commands

/// Every helper, active first: phone, availability, 备案, elders served.
#[tauri::command]
pub async fn list_helpers(state: State<'_, AppState>) -> AppResult<Vec<HelperLine>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "查看互助员")?;
    let names = helper_names(store)?;
    Ok(store.helpers()?.into_iter().map(|h| helper_line(h, &names)).collect())
}

/// One helper as the form shows them.
#[tauri::command]
pub async fn get_helper(state: State<'_, AppState>, args: ElderRef) -> AppResult<HelperForm> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "查看互助员")?;
    let h = store.helper(&helper_id("id", &args.id)?)?;
    Ok(HelperForm {
        id: Some(args.id),
        name: h.name,
        phone: h.phone,
        home: h.home.map(HomePoint::from),
        availability: Some(h.availability),
        filed_on: h.filed_on.map(|d| d.to_string()),
    })
}

/// Files a new helper or saves an edit; core's rules answer under their fields, nothing written.
#[tauri::command]
pub async fn save_helper(state: State<'_, AppState>, args: HelperForm) -> AppResult<SavedHelper> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "登记互助员")?;
    let now = Utc::now();
    let id = match text(&args.id) {
        None => store.add_helper(form_to_helper(&args, None)?, now)?,
        Some(id) => {
            let id = helper_id("id", &id)?;
            let edited = form_to_helper(&args, Some(store.helper(&id)?))?;
            store.update_helper(&id, now, |h| {
                *h = edited;
                Ok(())
            })?;
            id
        }
    };
    drop(guard);
    state.sync_soon();
    Ok(SavedHelper { id: id.to_string() })
}

/// Replaces a helper: their elders move to the new one with the history kept.
#[tauri::command]
pub async fn replace_helper(state: State<'_, AppState>, args: ReplaceArgs) -> AppResult<Vec<MovedLine>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "更换互助员")?;
    let now = Utc::now();
    let moved = store.replace_helper(
        &helper_id("old", &args.old)?,
        &helper_id("new", &args.new)?,
        &args.reason,
        now,
    )?;
    let lines = moved_lines(moved, store, now)?;
    drop(guard);
    state.sync_soon();
    Ok(lines)
}

/// The assignment plot: homes on a local plane in metres, reach circles, assignments, remote elders.
#[tauri::command]
pub async fn reach_map(state: State<'_, AppState>) -> AppResult<ReachMap> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "查看互助员分配")?;
    reach_map_of(store, Utc::now())
}

/// A balanced assignment by walking reach, for review (nothing written).
#[tauri::command]
pub async fn suggest_assignment(state: State<'_, AppState>, args: PlanArgs) -> AppResult<PlanView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "查看互助员分配")?;
    plan_view(store, args.keep_existing, Utc::now())
}

/// Applies the reviewed plan in one transaction; refused (nothing written) when the plan core makes
/// now differs from the one reviewed.
#[tauri::command]
pub async fn apply_assignment(state: State<'_, AppState>, args: PlanArgs) -> AppResult<Vec<MovedLine>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "分配互助员")?;
    let now = Utc::now();
    let plan = store.suggest_assignment(args.keep_existing)?;
    if let Some(reviewed) = &args.reviewed {
        let fresh: Vec<PlanPick> = plan
            .proposals
            .iter()
            .map(|p| PlanPick { elder: p.elder.to_string(), helper: p.helper.to_string() })
            .collect();
        if *reviewed != fresh {
            return Err(invalid(
                "reviewed",
                "分配方案在审阅后已有变化，请重新生成后再确认",
                "the plan changed since it was reviewed: suggest it again",
            ));
        }
    }
    let moved = store.apply_plan(&plan, now)?;
    let lines = moved_lines(moved, store, now)?;
    drop(guard);
    state.sync_soon();
    Ok(lines)
}

/// Assigns one elder to one helper by hand (a remote elder too); the history keeps the previous one.
#[tauri::command]
pub async fn assign(state: State<'_, AppState>, args: AssignArgs) -> AppResult<Option<MovedLine>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "分配互助员")?;
    let now = Utc::now();
    let moved =
        store.assign(&elder_id(&args.elder)?, &helper_id("helper", &args.helper)?, &args.reason, now)?;
    let line = moved_lines(moved.into_iter().collect(), store, now)?.pop();
    drop(guard);
    state.sync_soon();
    Ok(line)
}

/// An elder's helper and who served them before, newest first.
#[tauri::command]
pub async fn elder_assignment(state: State<'_, AppState>, args: ElderRef) -> AppResult<AssignmentView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "查看互助员分配")?;
    let a = store.assignment(&elder_id(&args.id)?)?;
    let names = helper_names(store)?;
    let name = |h: &HelperId| names.get(h.as_str()).cloned().unwrap_or_default();
    Ok(AssignmentView {
        helper_name: a.helper.as_ref().map(name),
        helper: a.helper.as_ref().map(ToString::to_string),
        history: a
            .history
            .iter()
            .rev()
            .map(|s| StintLine {
                helper: s.helper.to_string(),
                helper_name: name(&s.helper),
                from: s.from.to_string(),
                to: s.to.map(|d| d.to_string()),
                reason: s.reason.clone(),
            })
            .collect(),
    })
}

/// Cases, open first (flagged first), with days waited against the policy's limit.
#[tauri::command]
pub async fn list_cases(state: State<'_, AppState>, args: CaseQuery) -> AppResult<Vec<CaseLine>> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, READERS, "查看个案")?;
    let now = Utc::now();
    let filter = CaseFilter {
        open: args.open.unwrap_or(false),
        flagged: args.flagged.unwrap_or(false),
        elder: text(&args.elder).as_deref().map(elder_id).transpose()?,
    };
    Ok(store.cases(&filter, now)?.into_iter().map(|r| case_line(r, store, now)).collect())
}

/// One case with its chain 发现 → 报告 → 转介 → 救助.
#[tauri::command]
pub async fn get_case(state: State<'_, AppState>, args: CaseRef) -> AppResult<CaseView> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, READERS, "查看个案")?;
    case_view(store, &args.id, Utc::now())
}

/// Opens a case at 发现.
#[tauri::command]
pub async fn open_case(state: State<'_, AppState>, args: OpenCaseArgs) -> AppResult<CaseDone> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "立案")?;
    let now = Utc::now();
    let opening = Opening {
        at: time("at", args.at.as_deref(), now)?,
        by: args.by,
        summary: args.summary,
        visit: None,
        emergency: None,
    };
    let saved = store.open_case(&elder_id(&args.elder)?, opening, now)?;
    drop(guard);
    state.sync_soon();
    Ok(CaseDone { case: saved.case, elder: saved.elder.to_string(), closed: false })
}

/// Records the next stage of a case (core refuses going back, a skip without a reason…).
#[tauri::command]
pub async fn advance_case(state: State<'_, AppState>, args: AdvanceArgs) -> AppResult<CaseDone> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "推进个案")?;
    let now = Utc::now();
    let stage = match text(&args.stage) {
        Some(s) => choice("stage", &s, Stage::parse)?,
        None => store.case(&args.id)?.current().0.next().ok_or_else(|| {
            invalid(
                "stage",
                "个案已到「救助」环节，请结案",
                "the case is at its last stage (assisted): close it",
            )
        })?,
    };
    let entry = StageEntry {
        id: String::new(),
        stage,
        at: time("at", args.at.as_deref(), now)?,
        by: args.by,
        note: args.note.unwrap_or_default(),
        skip_reason: args.skip_reason.unwrap_or_default(),
        recorded_at: None,
    };
    let saved = store.advance_case(&args.id, entry, now)?;
    drop(guard);
    state.sync_soon();
    Ok(CaseDone { case: saved.case, elder: saved.elder.to_string(), closed: false })
}

/// Closes a case with its outcome.
#[tauri::command]
pub async fn close_case(state: State<'_, AppState>, args: CloseArgs) -> AppResult<CaseDone> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, OFFICE, "结案")?;
    let now = Utc::now();
    let closing = Closing {
        at: time("at", args.at.as_deref(), now)?,
        by: args.by,
        outcome: choice("outcome", &args.outcome, Outcome::parse)?,
        note: args.note.unwrap_or_default(),
    };
    let saved = store.close_case(&args.id, closing, now)?;
    drop(guard);
    state.sync_soon();
    Ok(CaseDone { case: saved.case, elder: saved.elder.to_string(), closed: true })
}

/// Who to call for an elder in an emergency (helper and committee devices).
#[tauri::command]
pub async fn emergency_contacts(state: State<'_, AppState>, args: ElderRef) -> AppResult<EmergencyContacts> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, RESPONDERS, "助急")?;
    let elder = elder_id(&args.id)?;
    let card = store.card(&elder)?.into();
    let org = store.org()?;
    let doctor = org.levels().into_iter().flat_map(|(_, _, body)| body.members.iter()).find_map(|m| {
        m.title.contains('医').then(|| OrgContact {
            name: m.name.clone(),
            title: m.title.clone(),
            phone: m.phone.clone(),
        })
    });
    let helper_name = match store.assignment(&elder)?.helper {
        Some(h) => Some(store.helper(&h)?.name),
        None => None,
    };
    Ok(EmergencyContacts { card, doctor, helper_name })
}

/// Logs an emergency 助急: who was called and when (a case opened at 发现); with an outcome, the case
/// is closed with it at once. A bad party or outcome is refused before anything is written.
#[tauri::command]
pub async fn log_emergency(state: State<'_, AppState>, args: EmergencyArgs) -> AppResult<CaseDone> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require(state::role(store)?, RESPONDERS, "登记助急")?;
    let now = Utc::now();
    let elder = elder_id(&args.elder)?;
    let called =
        args.called.iter().map(|c| choice("called", c, Party::parse)).collect::<AppResult<Vec<Party>>>()?;
    let outcome = text(&args.outcome).map(|o| choice("outcome", &o, Outcome::parse)).transpose()?;
    let called_at = time("called_at", args.called_at.as_deref(), now)?;
    let at = match args.at.as_deref() {
        Some(_) => time("at", args.at.as_deref(), now)?,
        None => called_at,
    };
    let by = by_or_helper(store, &elder, args.by)?;
    let opening = Opening {
        at,
        by: by.clone(),
        summary: args.summary,
        visit: None,
        emergency: Some(Emergency { called, called_at }),
    };
    let saved = store.open_case(&elder, opening, now)?;
    let closed = match outcome {
        Some(outcome) => {
            let closing = Closing {
                at: now.max(at).max(called_at),
                by,
                outcome,
                note: args.outcome_note.unwrap_or_default(),
            };
            store.close_case(&saved.case, closing, now)?;
            true
        }
        None => false,
    };
    drop(guard);
    state.sync_soon();
    Ok(CaseDone { case: saved.case, elder: saved.elder.to_string(), closed })
}

#[cfg(test)]
mod tests {
    //! The people commands through Tauri's IPC on the mock runtime.

    use crate::state::AppState;
    use serde_json::{json, Value};
    use shouwang_core::demo::{demo_village, DemoVillage};
    use shouwang_core::elder::Position;
    use shouwang_core::helper::Helper;
    use shouwang_core::store::{Store, SyncState};
    use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
    use tauri::{App, WebviewWindow, WebviewWindowBuilder};

    struct Device {
        _dir: tempfile::TempDir,
        _app: App<MockRuntime>,
        window: WebviewWindow<MockRuntime>,
    }

    fn device(prepare: impl FnOnce(&std::path::Path)) -> Device {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.sqlite");
        prepare(&path);
        let app = crate::setup(mock_builder())
            .manage(AppState::new(path.clone()))
            .build(mock_context(noop_assets()))
            .unwrap();
        let window = WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();
        Device { _dir: dir, _app: app, window }
    }

    impl Device {
        fn call(&self, cmd: &str, args: Option<Value>) -> Result<Value, Value> {
            let body = match args {
                Some(a) => json!({ "args": a }),
                None => json!({}),
            };
            crate::tests::invoke(&self.window, cmd, body)
        }

        fn ok(&self, cmd: &str, args: Value) -> Value {
            self.call(cmd, Some(args)).unwrap_or_else(|e| panic!("{cmd}: {e}"))
        }
    }

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }

    /// A village of `n` demo elders living around two helpers 600 m apart; the first elder lives on
    /// the far hill, 3 km away, beyond both helpers' walk.
    fn village(path: &std::path::Path, n: usize) -> Vec<String> {
        let mut store =
            Store::init(path, "511902106202".parse().unwrap(), "斑竹村", "sichuan", now()).unwrap();
        let mut ids = Vec::new();
        for (i, mut e) in demo_village(&DemoVillage::bazhou(), n, 11).into_iter().enumerate() {
            let lat = match i {
                0 => 31.88,
                _ => 31.85 + (i % 2) as f64 * 0.0054 + (i as f64) * 0.0002 - 0.0012,
            };
            e.home = Some(Position { lat, lon: 106.75 + (i % 3) as f64 * 0.0008 });
            ids.push(store.add_elder(e, now()).unwrap().id.to_string());
        }
        for (name, lat) in [("李春梅", 31.85), ("王德福", 31.8554)] {
            let mut h = Helper::named(name);
            h.home = Some(Position { lat, lon: 106.75 });
            h.phone = Some("13812345678".into());
            store.add_helper(h, now()).unwrap();
        }
        ids
    }

    fn enrol_as(path: &std::path::Path, role: &str) {
        enrol_for(path, role, None)
    }

    /// Enrols the device as `role`; a helper's tablet is bound to `helper` (core shows it that
    /// helper's elders only).
    fn enrol_for(path: &std::path::Path, role: &str, helper: Option<String>) {
        let mut store = Store::open(path, now()).unwrap();
        let state = SyncState {
            relay: "http://127.0.0.1:9".into(),
            token: "t".into(),
            device_id: "d1".into(),
            role: role.into(),
            scope: "511902106202".into(),
            elder: None,
            helper,
            epoch: "e".into(),
            cursor: 0,
            last_success: None,
            last_attempt: None,
            last_error: None,
        };
        store.set_enrolment(&state, now()).unwrap();
    }

    #[test]
    fn a_projected_home_is_metres_east_and_north_of_the_origin() {
        let o = Position { lat: 31.85, lon: 106.75 };
        let (x, y) = super::project(o, Position { lat: 31.855, lon: 106.75 });
        assert_eq!(x, 0.0);
        assert!((y - 556.0).abs() < 1.0, "0.005° north is about 556 m: {y}");
        let (x, y) = super::project(o, Position { lat: 31.85, lon: 106.745 });
        assert!(x < -470.0 && x > -475.0, "0.005° west at 31.85° N is about 472 m: {x}");
        assert_eq!(y, 0.0);
    }

    #[test]
    fn the_committee_sees_reach_circles_applies_a_balanced_plan_and_the_far_elder_is_remote() {
        let mut ids = Vec::new();
        let d = device(|p| ids = village(p, 14));
        let map = d.ok("reach_map", Value::Null);
        let helpers = map["helpers"].as_array().unwrap();
        assert_eq!(helpers.len(), 2, "{map}");
        let reach = map["walk"]["reach_m"].as_f64().unwrap();
        assert!((reach - 807.7).abs() < 0.1, "15 minutes at 70 m/min with detour 1.3, from core");
        assert!(helpers.iter().all(|h| h["reach_m"].as_f64() == Some(reach) && h["x"].is_number()));
        let far = map["elders"].as_array().unwrap().iter().find(|e| e["id"] == ids[0].as_str()).unwrap();
        assert_eq!(far["remote"], true);
        assert!(far["y"].as_f64().unwrap() > 2000.0, "3 km north of the others: {far}");

        let plan = d.ok("suggest_assignment", json!({ "keep_existing": true }));
        assert_eq!(plan["remote"][0]["elder"], ids[0].as_str());
        let picks: Vec<Value> = plan["proposals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| json!({ "elder": p["elder"], "helper": p["helper"] }))
            .collect();
        assert_eq!(picks.len(), 13, "every elder in reach is placed");
        assert_eq!(plan["moves"], 13);
        let loads: Vec<u64> =
            plan["loads"].as_array().unwrap().iter().map(|l| l["after"].as_u64().unwrap()).collect();
        assert_eq!(loads.iter().sum::<u64>(), 13);
        assert!(loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1, "balanced: {loads:?}");

        // A stale review is refused and writes nothing.
        let mut stale = picks.clone();
        stale.pop();
        let err = d
            .call("apply_assignment", Some(json!({ "keep_existing": true, "reviewed": stale })))
            .unwrap_err();
        assert_eq!((err["kind"].as_str(), err["field"].as_str()), (Some("invalid"), Some("reviewed")));
        assert_eq!(d.ok("suggest_assignment", json!({ "keep_existing": true }))["moves"], 13);

        let moved = d.ok("apply_assignment", json!({ "keep_existing": true, "reviewed": picks }));
        assert_eq!(moved.as_array().unwrap().len(), 13);
        assert!(moved[0]["elder_name"].as_str().is_some_and(|n| !n.is_empty()));
        let listed: u64 = d
            .ok("list_helpers", Value::Null)
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["elders"].as_u64().unwrap())
            .sum();
        assert_eq!(listed, 13);
        let map = d.ok("reach_map", Value::Null);
        let assigned = map["elders"].as_array().unwrap().iter().filter(|e| e["helper"].is_string()).count();
        assert_eq!(assigned, 13, "the remote elder waits for a manual assignment");
        assert_eq!(d.ok("suggest_assignment", json!({ "keep_existing": true }))["moves"], 0);

        // The remote elder by hand, then the history after the helper is replaced.
        let first = map["helpers"][0]["id"].as_str().unwrap().to_string();
        let second = map["helpers"][1]["id"].as_str().unwrap().to_string();
        let one = d.ok("assign", json!({ "elder": ids[0], "helper": first, "reason": "电话巡访" }));
        assert_eq!(one["to"], first.as_str());
        let moved = d.ok("replace_helper", json!({ "old": first, "new": second, "reason": "外出务工" }));
        assert!(moved.as_array().unwrap().iter().any(|m| m["elder"] == ids[0].as_str()));
        let history = d.ok("elder_assignment", json!({ "id": ids[0] }));
        assert_eq!(history["helper"], second.as_str());
        assert_eq!(history["history"][1]["helper"], first.as_str());
        assert!(history["history"][1]["to"].is_string(), "the old stint is closed, kept");
        let lines = d.ok("list_helpers", Value::Null);
        let old = lines.as_array().unwrap().iter().find(|h| h["id"] == first.as_str()).unwrap();
        assert_eq!((old["status"].as_str(), old["elders"].as_u64()), (Some("replaced"), Some(0)));
    }

    #[test]
    fn a_bad_helper_is_answered_under_its_fields_and_nothing_is_filed() {
        let d = device(|p| drop(village(p, 2)));
        let before = d.ok("list_helpers", Value::Null).as_array().unwrap().len();
        let err = d
            .call(
                "save_helper",
                Some(json!({ "name": "", "phone": "123", "home": { "lat": 95.0, "lon": 106.7 } })),
            )
            .unwrap_err();
        assert_eq!(err["kind"], "invalid");
        let fields: Vec<&str> =
            err["violations"].as_array().unwrap().iter().map(|v| v["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["name", "phone", "home.lat"]);
        assert_eq!(err["violations"][0]["message"], "必填");
        let err =
            d.call("save_helper", Some(json!({ "name": "李春梅", "filed_on": "23/11/2026" }))).unwrap_err();
        assert_eq!(err["field"], "filed_on");
        assert_eq!(d.ok("list_helpers", Value::Null).as_array().unwrap().len(), before);

        let saved = d.ok(
            "save_helper",
            json!({ "name": " 李春梅 ", "phone": "138 1234 5678", "filed_on": "2026-11-01",
                    "home": { "lat": 31.85, "lon": 106.75 }, "availability": "每天上午" }),
        );
        let id = saved["id"].as_str().unwrap();
        let line = d.ok("list_helpers", Value::Null);
        let line = line.as_array().unwrap().iter().find(|h| h["id"] == id).unwrap().clone();
        assert_eq!(line["name"], "李春梅");
        assert_eq!(line["phone"], "13812345678");
        assert_eq!((line["filed"].as_bool(), line["elders"].as_u64()), (Some(true), Some(0)));
        let mut form = d.ok("get_helper", json!({ "id": id }));
        form["availability"] = json!("农忙除外");
        d.ok("save_helper", form);
        assert_eq!(d.ok("get_helper", json!({ "id": id }))["availability"], "农忙除外");
    }

    #[test]
    fn a_case_moves_along_the_chain_and_a_skip_needs_its_reason() {
        let mut ids = Vec::new();
        let d = device(|p| ids = village(p, 2));
        let opened = d.ok("open_case", json!({ "elder": ids[1], "summary": "屋顶漏雨", "by": "王芳" }));
        let case = opened["case"].as_str().unwrap().to_string();
        let list = d.ok("list_cases", json!({}));
        assert_eq!(list[0]["stage"], "discovered");
        assert_eq!(list[0]["waiting_for"], "reported");
        assert_eq!((list[0]["days_waited"].as_u64(), list[0]["limit_days"].as_u64()), (Some(0), Some(1)));
        assert_eq!(list[0]["flagged"], false);

        let err = d
            .call("advance_case", Some(json!({ "id": case, "stage": "referred", "by": "李主任" })))
            .unwrap_err();
        assert_eq!(err["field"], "skip_reason");
        d.ok("advance_case", json!({ "id": case, "by": "李主任", "note": "报乡镇民政办" }));
        let view = d.ok("get_case", json!({ "id": case }));
        let stages: Vec<&str> =
            view["steps"].as_array().unwrap().iter().map(|s| s["stage"].as_str().unwrap()).collect();
        assert_eq!(stages, ["discovered", "reported"]);
        assert_eq!(view["line"]["limit_days"], 3);

        let err = d
            .call("close_case", Some(json!({ "id": case, "outcome": "fixed", "by": "李主任" })))
            .unwrap_err();
        assert_eq!(err["field"], "outcome");
        d.ok("close_case", json!({ "id": case, "outcome": "resolved", "by": "李主任", "note": "已修缮" }));
        let view = d.ok("get_case", json!({ "id": case }));
        assert_eq!(view["line"]["outcome"], "resolved");
        assert_eq!(view["line"]["days_waited"], Value::Null);
        assert_eq!(view["closed_note"], "已修缮");
    }

    #[test]
    fn a_helper_logs_an_emergency_call_and_it_opens_a_case_but_may_not_manage_helpers() {
        let mut ids = Vec::new();
        let d = device(|p| {
            ids = village(p, 3);
            let mut store = Store::open(p, now()).unwrap();
            let helper = store.helpers().unwrap()[0].id.clone();
            store.assign(&ids[1].parse().unwrap(), &helper, "就近", now()).unwrap();
            drop(store);
            enrol_for(p, "helper", Some(helper.to_string()));
        });
        let contacts = d.ok("emergency_contacts", json!({ "id": ids[1] }));
        assert!(contacts["card"]["supporters"].is_array());
        assert!(contacts["helper_name"].is_string());
        assert!(!contacts.to_string().contains("id_number"));

        let err = d
            .call("log_emergency", Some(json!({ "elder": ids[1], "called": ["112"], "summary": "摔倒" })))
            .unwrap_err();
        assert_eq!(err["field"], "called");
        assert!(d.ok("list_cases", json!({ "elder": ids[1] })).as_array().unwrap().is_empty());

        let done = d.ok(
            "log_emergency",
            json!({ "elder": ids[1], "called": ["120", "family"], "summary": "摔倒，意识清醒",
                    "outcome": "hospitalised" }),
        );
        assert_eq!(done["closed"], true);
        let cases = d.ok("list_cases", json!({ "elder": ids[1] }));
        assert_eq!(cases[0]["emergency"], true);
        assert_eq!(cases[0]["called"], json!(["120", "family"]));
        assert_eq!(cases[0]["outcome"], "hospitalised");
        assert_eq!(cases[0]["opened_by"], contacts["helper_name"], "by defaults to the elder's helper");

        for (cmd, args) in [
            ("list_helpers", Value::Null),
            ("reach_map", Value::Null),
            ("suggest_assignment", json!({ "keep_existing": true })),
            ("save_helper", json!({ "name": "某人" })),
            ("open_case", json!({ "elder": ids[1], "summary": "x", "by": "y" })),
            ("advance_case", json!({ "id": done["case"], "by": "y" })),
        ] {
            assert_eq!(d.call(cmd, Some(args)).unwrap_err()["kind"], "forbidden", "{cmd}");
        }
    }

    #[test]
    fn a_family_device_reaches_none_of_the_people_commands() {
        let d = device(|p| {
            drop(village(p, 1));
            enrol_as(p, "family");
        });
        for cmd in ["list_helpers", "list_cases", "log_emergency", "emergency_contacts", "reach_map"] {
            let args = match cmd {
                "log_emergency" => json!({ "elder": "0".repeat(32), "called": ["120"], "summary": "x" }),
                "emergency_contacts" => json!({ "id": "0".repeat(32) }),
                _ => json!({}),
            };
            assert_eq!(d.call(cmd, Some(args)).unwrap_err()["kind"], "forbidden", "{cmd}");
        }
    }
}
