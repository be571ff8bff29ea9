//! Risk assessments 风险等级评估: a preview with every reason, a kept assessment with its follow-ups,
//! the lists (high-risk; not assessed this year).

use serde::{Deserialize, Serialize};
use shouwang_core::risk::Assessment;
use shouwang_core::store::{RiskEntry, RiskRow};
use ts_rs::TS;

/// One reason of an assessment: a rule that held, with its points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RiskReasonView {
    /// The rule's id.
    pub rule: String,
    /// The reason in Chinese.
    pub zh: String,
    /// The reason in English.
    pub en: String,
    /// Points it added.
    pub points: i32,
    /// The level it forces (`low`, `medium`, `high`), if any.
    pub level_at_least: Option<String>,
}

/// An assessment before it is kept: what the rules say today, with every reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RiskPreview {
    /// The elder assessed.
    pub elder: String,
    /// `low`, `medium` or `high`.
    pub level: String,
    /// 低风险 / 中风险 / 高风险.
    pub level_zh: String,
    /// The sum of the points.
    pub score: i32,
    /// Every rule that held, in the rules' order.
    pub reasons: Vec<RiskReasonView>,
    /// The rules' id (`default`, or the policy's).
    pub rules: String,
    /// The date assessed.
    pub date: String,
    /// Whether the visits of the rules' window were taken into account.
    pub visits_considered: bool,
}

impl RiskPreview {
    /// Core's assessment of `elder` as the screen shows it.
    pub fn of(elder: &str, a: &Assessment) -> RiskPreview {
        RiskPreview {
            elder: elder.to_string(),
            level: a.level.code().into(),
            level_zh: a.level.zh().into(),
            score: a.score,
            reasons: a
                .reasons
                .iter()
                .map(|r| RiskReasonView {
                    rule: r.rule.clone(),
                    zh: r.zh.clone(),
                    en: r.en.clone(),
                    points: r.points,
                    level_at_least: r.level_at_least.map(|l| l.code().to_string()),
                })
                .collect(),
            rules: a.rules.clone(),
            date: a.date.to_string(),
            visits_considered: a.visits_considered,
        }
    }
}

/// Keep an assessment: who assessed and the intervention chosen (for a high-risk elder).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct SaveRiskArgs {
    /// The elder's id.
    pub elder: String,
    /// Who assessed (the committee member's name).
    pub assessor: String,
    /// The intervention chosen, if any.
    pub intervention: Option<String>,
}

/// A follow-up of an intervention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RiskFollowUpView {
    /// Its id.
    pub id: String,
    /// When it was done.
    pub on: String,
    /// What was done and found.
    pub note: String,
    /// Who did it.
    pub by: String,
}

/// One kept assessment with its follow-ups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RiskEntryView {
    /// Its id.
    pub id: String,
    /// The assessment: level, score, reasons, rules, date.
    pub assessment: RiskPreview,
    /// Who assessed.
    pub assessor: String,
    /// The intervention chosen.
    pub intervention: Option<String>,
    /// Follow-ups, oldest first.
    pub follow_ups: Vec<RiskFollowUpView>,
}

impl From<&RiskEntry> for RiskEntryView {
    fn from(e: &RiskEntry) -> RiskEntryView {
        let elder = e.elder.as_ref().map(ToString::to_string).unwrap_or_default();
        RiskEntryView {
            id: e.id.clone(),
            assessment: RiskPreview::of(&elder, &e.assessment),
            assessor: e.assessor.clone(),
            intervention: e.intervention.clone(),
            follow_ups: e
                .follow_ups
                .iter()
                .map(|f| RiskFollowUpView {
                    id: f.id.clone(),
                    on: f.on.to_string(),
                    note: f.note.clone(),
                    by: f.by.clone(),
                })
                .collect(),
        }
    }
}

/// Which elders the risk list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, TS)]
pub struct RiskListQuery {
    /// Only the high-risk list (with intervention and follow-up).
    #[serde(default)]
    pub high: bool,
    /// Only those not assessed this calendar year.
    #[serde(default)]
    pub unassessed: bool,
}

/// One elder in the risk lists, with their latest assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RiskLine {
    /// The elder's id.
    pub elder: String,
    /// Their name.
    pub name: String,
    /// The latest assessment's id (none: never assessed).
    pub assessment: Option<String>,
    /// Its date.
    pub date: Option<String>,
    /// Its level (`low`, `medium`, `high`).
    pub level: Option<String>,
    /// Its score.
    pub score: Option<i64>,
    /// The intervention chosen.
    pub intervention: Option<String>,
    /// Follow-ups recorded.
    pub follow_ups: i64,
    /// The latest follow-up's date.
    pub last_follow_up: Option<String>,
}

impl From<RiskRow> for RiskLine {
    fn from(r: RiskRow) -> RiskLine {
        RiskLine {
            elder: r.elder.to_string(),
            name: r.name,
            assessment: r.assessment,
            date: r.date.map(|d| d.to_string()),
            level: r.level,
            score: r.score,
            intervention: r.intervention,
            follow_ups: r.follow_ups,
            last_follow_up: r.last_follow_up.map(|d| d.to_string()),
        }
    }
}

/// A follow-up of an assessment's intervention.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
pub struct RiskFollowUpArgs {
    /// The elder's id.
    pub elder: String,
    /// The assessment followed up.
    pub assessment: String,
    /// When (`YYYY-MM-DD`).
    pub on: String,
    /// What was done and found.
    pub note: String,
    /// Who did it.
    pub by: String,
}
