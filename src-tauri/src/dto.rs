//! The shapes commands take and return, and the events the app emits: each derives `TS` so
//! `ui/src/bindings/index.ts` is generated from here (see `bindings.rs`). Conversions from core types
//! are field copies; the rules stay in core.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use shouwang_core::store::{ElderRow, Registry, SyncState};
use ts_rs::TS;

/// Which screens a device shows. An un-enrolled local registry acts as the committee's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AppRole {
    /// 村委会: registry, form, review, enrolment.
    Committee,
    /// 互助员: my elders.
    Helper,
    /// 乡镇: the registries under the township (same screens as the committee for now).
    Township,
    /// 家属: the contact card of their elder, nothing else.
    Family,
}

impl AppRole {
    /// The role of a device from its enrolment (none: a local registry, the committee's).
    pub fn of(state: Option<&SyncState>) -> AppRole {
        match state.map(|s| s.role.as_str()) {
            Some("helper") => AppRole::Helper,
            Some("township") => AppRole::Township,
            Some("family") => AppRole::Family,
            _ => AppRole::Committee,
        }
    }
}

/// The registry this device holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RegistryInfo {
    /// 12-digit unit code.
    pub unit: String,
    /// The unit's name, e.g. 斑竹村.
    pub name: String,
    /// Policy profile, e.g. `sichuan`.
    pub policy: String,
}

impl From<&Registry> for RegistryInfo {
    fn from(r: &Registry) -> RegistryInfo {
        RegistryInfo { unit: r.unit.to_string(), name: r.name.clone(), policy: r.policy.clone() }
    }
}

/// Where sync stands: what the sync indicator shows. Also the payload of the `sync-status` event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct SyncView {
    /// Enrolled with a relay.
    pub enrolled: bool,
    /// The relay's URL.
    pub relay: Option<String>,
    /// Changes made here and not yet acknowledged by the relay.
    pub pending: u32,
    /// When everything was last sent and received (RFC 3339).
    pub last_success: Option<String>,
    /// When a sync was last tried.
    pub last_attempt: Option<String>,
    /// What went wrong last time.
    pub last_error: Option<String>,
    /// A sync is running now.
    pub syncing: bool,
    /// Family devices: their elder's id.
    pub elder: Option<String>,
}

/// Progress of a running sync: the payload of the `sync-progress` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SyncProgress {
    /// `push` (sending) or `pull` (receiving).
    pub phase: String,
    /// Changes done in this phase.
    pub changes_done: u32,
    /// Changes in this phase (an upper bound for a pull).
    pub changes_total: u32,
    /// Bytes moved in this phase.
    pub bytes_done: u32,
}

impl From<&shouwang_sync::Progress> for SyncProgress {
    fn from(p: &shouwang_sync::Progress) -> SyncProgress {
        let n = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        SyncProgress {
            phase: match p.phase {
                shouwang_sync::Phase::Push => "push".into(),
                shouwang_sync::Phase::Pull => "pull".into(),
            },
            changes_done: n(p.changes_done),
            changes_total: n(p.changes_total),
            bytes_done: n(p.bytes_done),
        }
    }
}

/// What the app shows first: whether a registry is open, and the device's role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct AppStatus {
    /// The database file.
    pub db_path: String,
    /// The registry, once created or enrolled; `None` shows the first-run screen.
    pub registry: Option<RegistryInfo>,
    /// Which screens exist.
    pub role: AppRole,
    /// The sync indicator.
    pub sync: SyncView,
    /// An encrypted registry is here but closed: the lock screen asks for the PIN.
    pub locked: bool,
    /// The registry is encrypted at rest under a PIN.
    pub encrypted: bool,
}

/// `create_registry`: a new local registry (the committee's).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct CreateRegistryArgs {
    /// 12-digit unit code of the village (统计用区划代码).
    pub unit: String,
    /// Its name.
    pub name: String,
    /// Policy profile: `liaoning`, `shandong`, `hunan`, `guangdong`, `sichuan`.
    pub policy: String,
    /// The PIN (6 digits or more) or passphrase the registry's key is wrapped under.
    pub pin: String,
}

/// `enrol`: redeem a relay's one-time code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct EnrolArgs {
    /// The relay's URL, e.g. `http://192.168.1.10:8787`.
    pub relay: String,
    /// The one-time code.
    pub code: String,
    /// This device's name at the relay, e.g. 村委会办公室.
    pub device_name: String,
    /// First run only: the unit code printed with the code (the registry is created for it).
    pub unit: Option<String>,
    /// First run only: the policy profile.
    pub policy: Option<String>,
    /// First run only: the PIN (6 digits or more) or passphrase the new registry's key is wrapped under.
    pub pin: Option<String>,
    /// The key bundle of the QR code (`SWK1.…`, its `keys=`): the village's keys for this device,
    /// imported before the code is redeemed. Without it the device reads nothing others wrote.
    pub keys: Option<String>,
}

/// `list_elders`: the registry list's search, filters and order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct ListQuery {
    /// Part of the name (or of the ID number).
    pub text: Option<String>,
    /// Status code: `active` (default), `moved_away`, `deceased`, `all`.
    pub status: Option<String>,
    /// Group code, e.g. `advanced_age` 高龄, `living_alone` 独居.
    pub category: Option<String>,
    /// Age band: `60-69`, `70-79`, `60-79`, `80+`.
    pub age: Option<String>,
    /// Order: `name`, `age`, `address`, `updated`.
    pub sort: Option<String>,
    /// At most this many rows.
    pub limit: Option<u32>,
}

/// One line of the registry list (or of a helper's list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ElderLine {
    /// Elder id.
    pub id: String,
    /// 姓名
    pub name: String,
    /// `male` / `female`.
    pub sex: String,
    /// Age today.
    pub age: i32,
    /// 现居住地址
    pub address: String,
    /// Phone.
    pub phone: Option<String>,
    /// 身体情况 code.
    pub health: Option<String>,
    /// Group codes.
    pub categories: Vec<String>,
    /// Status code.
    pub status: String,
    /// Fields two devices disagree on.
    pub conflicts: u32,
    /// When the next visit is due (`YYYY-MM-DD`), once visit schedules reach this list.
    pub due: Option<String>,
}

impl From<ElderRow> for ElderLine {
    fn from(r: ElderRow) -> ElderLine {
        ElderLine {
            id: r.id.to_string(),
            name: r.name,
            sex: r.sex,
            age: r.age,
            address: r.address,
            phone: r.phone,
            health: r.health,
            categories: r.categories,
            status: r.status,
            conflicts: u32::try_from(r.conflicts).unwrap_or(0),
            due: None,
        }
    }
}

/// 残疾类别及等级.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisabilityForm {
    /// `visual` `hearing` `speech` `physical` `intellectual` `mental` `multiple`.
    pub kind: String,
    /// 1 (most severe) to 4.
    pub grade: u8,
}

/// One child (子女情况).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct ChildForm {
    /// Key (kept so edits merge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// 出生年份
    pub birth_year: i32,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `male` / `female`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
}

/// 子女外出务工情况 (months written `YYYY-MM`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct MigrationForm {
    /// Away since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_since: Option<String>,
    /// 最近一次回家探望时间
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_home_visit: Option<String>,
    /// 每年团聚次数
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reunions_per_year: Option<u32>,
    /// 平均天数
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reunion_days: Option<u32>,
}

/// 主要赡养人或扶养人 and other supporters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct SupporterForm {
    /// Key (kept so edits merge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// 姓名
    pub name: String,
    /// Relation, e.g. 儿子.
    #[serde(default)]
    pub relation: String,
    /// `male` / `female`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    /// Mobile phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// 主要赡养人.
    #[serde(default)]
    pub main: bool,
    /// 去向, e.g. 广东省东莞市.
    #[serde(default)]
    pub whereabouts: String,
    /// Away from the county.
    #[serde(default)]
    pub away: bool,
}

/// 填报单位、填表人、复核人、单位负责人、填报日期.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct SignOffForm {
    /// 填报单位
    #[serde(default)]
    pub filing_unit: String,
    /// 填表人
    #[serde(default)]
    pub filler: String,
    /// 复核人
    #[serde(default)]
    pub reviewer: String,
    /// 单位负责人
    #[serde(default)]
    pub unit_head: String,
    /// 填报日期 `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// The registration form 附件1 as the UI fills it in: the fields of core's `Elder` that the form
/// shows, with the same names and codes. Fields the form does not show (home position, service terms,
/// archive) are kept from the stored record on an edit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct ElderForm {
    /// Set when editing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// 村（居）委会 code; empty: the registry's own unit.
    #[serde(default)]
    pub unit: String,
    /// 姓名
    #[serde(default)]
    pub name: String,
    /// `male` / `female`.
    #[serde(default)]
    pub sex: String,
    /// 出生日期 `YYYY-MM-DD`.
    #[serde(default)]
    pub birth_date: String,
    /// 民族
    #[serde(default)]
    pub ethnicity: String,
    /// 身份证号码
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    /// `rural` / `urban`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hukou: Option<String>,
    /// 户籍所在地
    #[serde(default)]
    pub household_place: String,
    /// 现居住地址
    #[serde(default)]
    pub address: String,
    /// 联系电话
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// `healthy` / `disabled` / `ill`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<String>,
    /// 残疾类别及等级
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disability: Option<DisabilityForm>,
    /// 患病类型
    #[serde(default)]
    pub illness: String,
    /// `illiterate` / `primary` / `junior` / `senior_or_above`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<String>,
    /// `both_living` / `one_living`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spouse: Option<String>,
    /// 子女情况
    #[serde(default)]
    pub children: Vec<ChildForm>,
    /// 子女外出务工情况
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration: Option<MigrationForm>,
    /// 家庭经济来源 codes.
    #[serde(default)]
    pub income_sources: Vec<String>,
    /// `cared_for` / `not_cared_for`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub care: Option<String>,
    /// 养老需求
    #[serde(default)]
    pub needs: String,
    /// 存在困难问题
    #[serde(default)]
    pub difficulties: String,
    /// 主要赡养人或扶养人
    #[serde(default)]
    pub supporters: Vec<SupporterForm>,
    /// Group codes (高龄 is also derived from the age).
    #[serde(default)]
    pub categories: Vec<String>,
    /// Status code (read only here; archiving is its own step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Sign-off.
    #[serde(default)]
    pub sign_off: SignOffForm,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedElder {
    /// The elder's id.
    pub id: String,
    /// Warnings the record was saved with.
    pub warnings: Vec<crate::error::FieldError>,
}

/// One entry of the committee's review list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ReviewEntry {
    /// The elder.
    pub elder: String,
    /// Their name.
    pub name: String,
    /// The field two devices disagree on.
    pub field: String,
    /// Every value written, as JSON text.
    pub values: Vec<String>,
    /// For a change held because the role that pushed it may not write the field (a helper's tablet
    /// rewriting a card's name): that role, as the UI names it (`互助员`); the change was not applied.
    pub held_from: Option<String>,
}

/// A change held back because it could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct QuarantineEntry {
    /// The document it was for.
    pub doc: String,
    /// Why it is held.
    pub reason: String,
    /// When it arrived.
    pub received_at: String,
}

/// The review screen: conflicts and quarantine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Review {
    /// Fields two devices wrote differently.
    pub conflicts: Vec<ReviewEntry>,
    /// Changes held back.
    pub quarantine: Vec<QuarantineEntry>,
}

/// A supporter as the family's card shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CardSupporter {
    /// 姓名
    pub name: String,
    /// Relation.
    pub relation: String,
    /// Phone.
    pub phone: Option<String>,
    /// 去向
    pub whereabouts: String,
    /// 主要赡养人.
    pub main: bool,
}

/// The contact card 明白卡 a family device shows (no ID number, no health data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CardView {
    /// Elder id.
    pub id: String,
    /// 姓名
    pub name: String,
    /// `male` / `female`.
    pub sex: Option<String>,
    /// 现居住地址
    pub address: String,
    /// The elder's phone.
    pub phone: Option<String>,
    /// Supporters.
    pub supporters: Vec<CardSupporter>,
}

impl From<shouwang_core::store::Card> for CardView {
    fn from(c: shouwang_core::store::Card) -> CardView {
        CardView {
            id: c.id.to_string(),
            name: c.name,
            sex: c
                .sex
                .map(|s| if s == shouwang_core::sex::Sex::Male { "male" } else { "female" }.to_string()),
            address: c.address,
            phone: c.phone,
            supporters: c
                .supporters
                .into_iter()
                .map(|s| CardSupporter {
                    name: s.name,
                    relation: s.relation,
                    phone: s.phone,
                    whereabouts: s.whereabouts,
                    main: s.main,
                })
                .collect(),
        }
    }
}

/// `elder_id` argument.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct ElderRef {
    /// Elder id (32 hex digits).
    pub id: String,
}

/// Whose schedule: a helper's id, or every elder on the device when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
pub struct RoundQuery {
    /// Helper id (32 hex digits).
    pub helper: Option<String>,
}

/// One elder in the visit schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DueLine {
    /// Elder id.
    pub id: String,
    /// 姓名
    pub name: String,
    /// Their current helper's id.
    pub helper: Option<String>,
    /// Assessed at high risk (visited more often).
    pub high_risk: bool,
    /// Date of the latest visit (`YYYY-MM-DD`, China time).
    pub last_visit: Option<String>,
    /// When the next visit is due; absent when never visited.
    pub due_on: Option<String>,
    /// `overdue`, `due` (today) or `upcoming`.
    pub status: String,
    /// Days past the due date.
    pub days_overdue: Option<i32>,
}

impl From<shouwang_core::schedule::ElderDue> for DueLine {
    fn from(d: shouwang_core::schedule::ElderDue) -> DueLine {
        let status = d.status.code().to_string();
        DueLine {
            id: d.elder.to_string(),
            name: d.name,
            helper: d.helper.map(|h| h.to_string()),
            high_risk: d.high_risk,
            last_visit: d.last_visit.map(|x| x.to_string()),
            due_on: d.due_on.map(|x| x.to_string()),
            status,
            days_overdue: d.days_overdue.map(|n| i32::try_from(n).unwrap_or(i32::MAX)),
        }
    }
}

/// One of the four checks as the form holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CheckForm {
    /// A concern was found (the note then says what); fine otherwise.
    pub concern: bool,
    /// What the concern is.
    pub note: String,
}

/// 一访四查 as the form holds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChecksForm {
    /// 吃
    pub food: CheckForm,
    /// 穿
    pub clothing: CheckForm,
    /// 住
    pub housing: CheckForm,
    /// 医
    pub medical: CheckForm,
}

/// A visit as the form holds it (also what a draft keeps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VisitForm {
    /// The elder visited.
    pub elder: String,
    /// `door`, `phone` or `video`.
    pub mode: String,
    /// 一访四查.
    pub checks: ChecksForm,
    /// Service codes.
    pub services: Vec<String>,
    /// Minutes.
    pub duration_minutes: u32,
    /// Anything to follow up.
    pub follow_up: String,
}

/// A visit logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LoggedVisit {
    /// The visit's id.
    pub id: String,
    /// Things worth a second look (the visit was saved all the same).
    pub warnings: Vec<FieldError>,
}

/// One visit of an elder's history.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct VisitLine {
    /// The visit's id.
    pub id: String,
    /// When (RFC 3339).
    pub at: String,
    /// Helper id.
    pub helper: String,
    /// `door`, `phone` or `video`.
    pub mode: String,
    /// 一访四查.
    pub checks: ChecksForm,
    /// Service codes.
    pub services: Vec<String>,
    /// Minutes.
    pub duration_minutes: u32,
    /// Anything to follow up.
    pub follow_up: String,
    /// The visit this one corrects.
    pub amends: Option<String>,
}

impl From<shouwang_core::visit::Visit> for VisitLine {
    fn from(v: shouwang_core::visit::Visit) -> VisitLine {
        use shouwang_core::visit::{Check, Verdict};
        let check =
            |c: &Check| CheckForm { concern: c.verdict == Some(Verdict::Concern), note: c.note.clone() };
        VisitLine {
            id: v.id,
            at: v.at.to_rfc3339(),
            helper: v.helper,
            mode: v.mode.code().to_string(),
            checks: ChecksForm {
                food: check(&v.checks.food),
                clothing: check(&v.checks.clothing),
                housing: check(&v.checks.housing),
                medical: check(&v.checks.medical),
            },
            services: v.services.iter().map(|s| s.code().to_string()).collect(),
            duration_minutes: v.duration_minutes,
            follow_up: v.follow_up,
            amends: v.amends,
        }
    }
}
