//! Cases 个案 along the chain 发现 → 报告 → 转介 → 救助 and emergencies 助急: the list, one case with its
//! steps, the arguments of each write, who to call.

use super::family::CardView;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shouwang_core::case::{Case, Stage};
use shouwang_core::org::Member;
use shouwang_core::store::{CaseRow, CaseSaved};
use ts_rs::TS;

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

impl From<CaseRow> for CaseLine {
    fn from(row: CaseRow) -> CaseLine {
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
            days_waited: row.days_waited,
            limit_days: row.limit_days,
        }
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
    /// The chain's stages in order (core's `Stage::ALL`).
    pub stages: Vec<String>,
    /// The stages it may still be advanced to, the next first, each saying whether it skips one.
    pub next: Vec<NextStage>,
    /// The outcomes a case closes with (core's `Outcome::ALL`).
    pub outcomes: Vec<String>,
}

/// A stage a case may be advanced to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct NextStage {
    /// The stage's code.
    pub stage: String,
    /// It skips a stage: the form asks for the reason.
    pub skips: bool,
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl CaseView {
    /// The case `case` with its list line `row`: 发现 first, then every stage entry.
    pub fn of(case: Case, row: CaseRow) -> CaseView {
        let current = case.stages.last().map_or(Stage::Discovered, |s| s.stage);
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
        CaseView {
            line: row.into(),
            steps,
            called_at: case.opened.emergency.as_ref().map(|e| stamp(e.called_at)),
            visit: case.opened.visit.clone(),
            closed_by: case.closed.as_ref().map(|c| c.by.clone()),
            closed_note: case.closed.as_ref().map(|c| c.note.clone()),
            stages: Stage::ALL.iter().map(|s| s.code().to_string()).collect(),
            next: current
                .later()
                .into_iter()
                .map(|(stage, skips)| NextStage { stage: stage.code().into(), skips })
                .collect(),
            outcomes: shouwang_core::case::Outcome::ALL.iter().map(|o| o.code().to_string()).collect(),
        }
    }
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

impl CaseDone {
    /// What core saved; `closed` when the write closed the case.
    pub fn of(saved: CaseSaved, closed: bool) -> CaseDone {
        CaseDone { case: saved.case, elder: saved.elder.to_string(), closed }
    }
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

impl From<shouwang_core::store::EmergencyContacts> for EmergencyContacts {
    fn from(c: shouwang_core::store::EmergencyContacts) -> EmergencyContacts {
        EmergencyContacts {
            card: c.card.into(),
            doctor: c.doctor.map(OrgContact::from),
            helper_name: c.helper_name,
        }
    }
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

impl From<Member> for OrgContact {
    fn from(m: Member) -> OrgContact {
        OrgContact { name: m.name, title: m.title, phone: m.phone }
    }
}
