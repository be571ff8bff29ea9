//! Cases 个案 of the chain 发现 → 报告 → 转介 → 救助 (seed 002: “做到发现、报告、转介、救助工作有效衔接”) and
//! the emergencies 助急 that open them (seed 004: “联系其家人或亲属、呼叫 120、联系村医”).
//!
//! A case belongs to one elder and lives in the elder's `cases` document, keyed by case id. Its stages
//! are entries keyed by their own id, appended and never rewritten, so two devices that record a stage
//! at the same time both keep theirs. Stages advance in order; skipping one needs a reason. A case is
//! closed with an [`Outcome`]; until then it stays on the committee's list, and a stage that waits
//! longer than the policy's [`StageLimits`] allow is flagged.
//!
//! ```
//! use shouwang_core::case::{Stage, StageLimits};
//! let limits = StageLimits::default();
//! assert_eq!(Stage::Discovered.next(), Some(Stage::Reported));
//! assert_eq!(limits.days_to(Stage::Reported), Some(1));
//! assert_eq!(Stage::parse("转介"), Some(Stage::Referred));
//! ```

use crate::elder::choice;
use crate::validate::{Rule, Violation, MAX_NAME, MAX_TEXT};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

choice! {
    /// The stages of the chain, in order.
    Stage {
        /// 发现: someone noticed the trouble (a helper at a visit, a neighbour, an emergency).
        Discovered = "discovered" / "发现",
        /// 报告: reported to the village committee / township.
        Reported = "reported" / "报告",
        /// 转介: referred to whoever can help (township, doctor, civil affairs, family).
        Referred = "referred" / "转介",
        /// 救助: assistance given.
        Assisted = "assisted" / "救助",
    }
}

impl Stage {
    /// Position in the chain, from 0.
    pub fn index(self) -> usize {
        Stage::ALL.iter().position(|s| *s == self).expect("a stage of the chain")
    }

    /// The stage after this one.
    pub fn next(self) -> Option<Stage> {
        Stage::ALL.get(self.index() + 1).copied()
    }

    /// The stages a case at this one may still be advanced to, in order, each with whether it skips
    /// one (a skip needs its reason, [`StageError`]).
    pub fn later(self) -> Vec<(Stage, bool)> {
        Stage::ALL.iter().skip(self.index() + 1).map(|s| (*s, s.index() > self.index() + 1)).collect()
    }
}

choice! {
    /// Who was called in an emergency 助急.
    Party {
        /// 家属: the family or relatives.
        Family = "family" / "家属",
        /// 120: the ambulance.
        Ambulance = "120" / "急救120",
        /// 村医: the village doctor.
        Doctor = "doctor" / "村医",
        /// 110: the police.
        Police = "110" / "报警110",
        /// 119: the fire brigade.
        Fire = "119" / "消防119",
        /// 村委会: the village committee.
        Committee = "committee" / "村委会",
        /// 邻居: neighbours.
        Neighbour = "neighbour" / "邻居",
    }
}

choice! {
    /// How a case ended.
    Outcome {
        /// 已解决: the trouble is over.
        Resolved = "resolved" / "已解决",
        /// 已住院: in hospital.
        Hospitalised = "hospitalised" / "已住院",
        /// 已纳入救助: taken into an assistance scheme (低保, 临时救助, 医疗救助).
        Enrolled = "enrolled" / "已纳入救助",
        /// 家属接走: the family took the elder in.
        WithFamily = "with_family" / "家属接走",
        /// 老人去世
        Deceased = "deceased" / "老人去世",
        /// 无需救助: on a closer look, nothing was needed.
        NotNeeded = "not_needed" / "无需救助",
    }
}

/// Days allowed to reach each stage from the one before (a policy setting, `[case_stage_days]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageLimits {
    /// 发现 → 报告.
    pub reported: u32,
    /// 报告 → 转介.
    pub referred: u32,
    /// 转介 → 救助.
    pub assisted: u32,
}

impl Default for StageLimits {
    /// Report within a day, refer within three days, assist within seven.
    fn default() -> Self {
        StageLimits { reported: 1, referred: 3, assisted: 7 }
    }
}

impl StageLimits {
    /// Days allowed to reach `stage` from the one before it (`None` for the first stage).
    pub fn days_to(&self, stage: Stage) -> Option<u32> {
        match stage {
            Stage::Discovered => None,
            Stage::Reported => Some(self.reported),
            Stage::Referred => Some(self.referred),
            Stage::Assisted => Some(self.assisted),
        }
    }

    /// Whether a case that reached `stage` at `since` and is still open waits too long at `now` for the
    /// next stage. A case at the last stage waits only for closing and is never flagged.
    pub fn overdue(&self, stage: Stage, since: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        match stage.next().and_then(|n| self.days_to(n)) {
            Some(days) => now - since > Duration::days(days.into()),
            None => false,
        }
    }
}

/// An emergency 助急: what happened, who was called.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Emergency {
    /// Who was called, in the order they were called.
    pub called: Vec<Party>,
    /// When the calls were made (the emergency's time when not said).
    pub called_at: DateTime<Utc>,
}

/// What opening a case records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opening {
    /// When the trouble was discovered.
    pub at: DateTime<Utc>,
    /// Who discovered it (a name, or a helper's id).
    pub by: String,
    /// What happened.
    pub summary: String,
    /// The visit whose concern opened the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<String>,
    /// The emergency that opened the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency: Option<Emergency>,
}

/// One stage reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageEntry {
    /// The entry's key (assigned when empty).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// The stage reached.
    pub stage: Stage,
    /// When.
    pub at: DateTime<Utc>,
    /// Who owns the stage (a name, or a helper's id).
    pub by: String,
    /// What was done.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Why a stage was skipped to reach this one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub skip_reason: String,
    /// When it was logged (set by the store).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_at: Option<DateTime<Utc>>,
}

/// How a case was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Closing {
    /// When.
    pub at: DateTime<Utc>,
    /// Who closed it.
    pub by: String,
    /// How it ended.
    pub outcome: Outcome,
    /// A remark.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// A case as its document holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    /// 32 hex digits.
    pub id: String,
    /// The elder.
    pub elder: crate::elder::ElderId,
    /// How it was opened (its 发现).
    pub opened: Opening,
    /// Every stage entry after 发现, in time order (two devices may have recorded the same stage).
    pub stages: Vec<StageEntry>,
    /// How it was closed, once it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closing>,
}

impl Case {
    /// The furthest stage reached and when it was first reached.
    pub fn current(&self) -> (Stage, DateTime<Utc>) {
        let mut at = (Stage::Discovered, self.opened.at);
        for s in &self.stages {
            if s.stage > at.0 || (s.stage == at.0 && s.at < at.1) {
                at = (s.stage, s.at);
            }
        }
        at
    }
}

fn text(out: &mut Vec<Violation>, field: &str, value: &mut String, max: usize, required: bool) {
    *value = value.trim().to_string();
    let len = value.chars().count();
    if required && len == 0 {
        out.push(Violation { field: field.into(), rule: Rule::Required });
    }
    if len > max {
        out.push(Violation { field: field.into(), rule: Rule::TooLong { max, len } });
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        out.push(Violation { field: field.into(), rule: Rule::ControlCharacters });
    }
}

fn not_future(out: &mut Vec<Violation>, field: &str, at: DateTime<Utc>, now: DateTime<Utc>) {
    if at > now + Duration::minutes(crate::time::CLOCK_SKEW_MINUTES) {
        let date = at.with_timezone(&crate::time::china()).format("%Y-%m-%d %H:%M").to_string();
        out.push(Violation { field: field.into(), rule: Rule::FutureDate { date } });
    }
}

fn done(out: Vec<Violation>) -> Result<(), Vec<Violation>> {
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

/// Normalises and checks an opening: who and what are required, times not in the future, an
/// emergency names at least one party called and each only once, and its calls come no earlier than
/// the emergency.
pub fn check_opening(o: &mut Opening, now: DateTime<Utc>) -> Result<(), Vec<Violation>> {
    let mut out = Vec::new();
    text(&mut out, "by", &mut o.by, MAX_NAME, true);
    text(&mut out, "summary", &mut o.summary, MAX_TEXT, true);
    not_future(&mut out, "at", o.at, now);
    if let Some(e) = &mut o.emergency {
        if e.called.is_empty() {
            out.push(Violation { field: "called".into(), rule: Rule::Required });
        }
        let mut seen = Vec::new();
        e.called.retain(|p| {
            let new = !seen.contains(p);
            seen.push(*p);
            new
        });
        not_future(&mut out, "called_at", e.called_at, now);
        if e.called_at < o.at {
            out.push(Violation {
                field: "called_at".into(),
                rule: Rule::OutOfRange {
                    min: o.at.timestamp(),
                    max: now.timestamp(),
                    value: e.called_at.timestamp(),
                },
            });
        }
    }
    done(out)
}

/// Normalises and checks a stage entry on its own (its place in the chain is the store's to check).
pub fn check_stage(s: &mut StageEntry, now: DateTime<Utc>) -> Result<(), Vec<Violation>> {
    let mut out = Vec::new();
    text(&mut out, "by", &mut s.by, MAX_NAME, true);
    text(&mut out, "note", &mut s.note, MAX_TEXT, false);
    text(&mut out, "skip_reason", &mut s.skip_reason, MAX_TEXT, false);
    not_future(&mut out, "at", s.at, now);
    if s.id.is_empty() {
        s.id = crate::ids::new_id();
    }
    done(out)
}

/// Normalises and checks a closing on its own.
pub fn check_closing(c: &mut Closing, now: DateTime<Utc>) -> Result<(), Vec<Violation>> {
    let mut out = Vec::new();
    text(&mut out, "by", &mut c.by, MAX_NAME, true);
    text(&mut out, "note", &mut c.note, MAX_TEXT, false);
    not_future(&mut out, "at", c.at, now);
    done(out)
}

/// Why a stage cannot follow the case's current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageError {
    /// The case is already at or past this stage.
    NotForward {
        /// Where the case stands.
        current: Stage,
    },
    /// A stage was skipped and no reason given.
    Skipped {
        /// The stage skipped.
        missing: Stage,
    },
    /// The stage is dated before the one it follows.
    BeforeCurrent {
        /// Where the case stands.
        current: Stage,
    },
}

impl StageError {
    /// The message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            StageError::NotForward { current } => {
                format!("个案已到「{}」环节，只能推进到下一环节", current.zh())
            }
            StageError::Skipped { missing } => {
                format!("跳过了「{}」环节；跳过须说明理由（--skip-reason）", missing.zh())
            }
            StageError::BeforeCurrent { current } => {
                format!("时间早于「{}」环节的时间", current.zh())
            }
        }
    }

    /// The message in English.
    pub fn en(&self) -> String {
        match self {
            StageError::NotForward { current } => {
                format!("the case is already at {current}: a stage can only move it forward")
            }
            StageError::Skipped { missing } => {
                format!("stage {missing} is skipped: give the reason (--skip-reason)")
            }
            StageError::BeforeCurrent { current } => {
                format!("the time is before the {current} stage's")
            }
        }
    }

    /// The field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            StageError::NotForward { .. } => "stage",
            StageError::Skipped { .. } => "skip_reason",
            StageError::BeforeCurrent { .. } => "at",
        }
    }
}

/// Checks that `entry` may follow the case's current stage: it moves forward, skips a stage only with
/// a reason, and is not dated before the current stage.
pub fn check_order(case: &Case, entry: &StageEntry) -> Result<(), StageError> {
    let (current, since) = case.current();
    if entry.stage <= current {
        return Err(StageError::NotForward { current });
    }
    if entry.stage.index() > current.index() + 1 && entry.skip_reason.is_empty() {
        return Err(StageError::Skipped { missing: current.next().expect("a stage follows") });
    }
    if entry.at < since {
        return Err(StageError::BeforeCurrent { current });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T08:00:00+08:00").unwrap().to_utc() + Duration::hours(h)
    }

    fn case() -> Case {
        Case {
            id: crate::ids::new_id(),
            elder: "0123456789abcdef0123456789abcdef".parse().unwrap(),
            opened: Opening {
                at: t(0),
                by: "王芳".into(),
                summary: "摔倒".into(),
                visit: None,
                emergency: None,
            },
            stages: Vec::new(),
            closed: None,
        }
    }

    fn entry(stage: Stage, h: i64) -> StageEntry {
        StageEntry {
            id: String::new(),
            stage,
            at: t(h),
            by: "村委会".into(),
            note: String::new(),
            skip_reason: String::new(),
            recorded_at: None,
        }
    }

    #[test]
    fn a_case_may_go_on_to_any_later_stage_and_only_the_next_skips_nothing() {
        use Stage::*;
        assert_eq!(Discovered.later(), [(Reported, false), (Referred, true), (Assisted, true)]);
        assert_eq!(Referred.later(), [(Assisted, false)]);
        assert!(Assisted.later().is_empty());
    }

    #[test]
    fn stages_advance_in_order_and_a_skip_needs_a_reason() {
        let mut c = case();
        assert_eq!(
            check_order(&c, &entry(Stage::Discovered, 1)),
            Err(StageError::NotForward { current: Stage::Discovered })
        );
        let mut skip = entry(Stage::Referred, 2);
        assert_eq!(check_order(&c, &skip), Err(StageError::Skipped { missing: Stage::Reported }));
        skip.skip_reason = "村医当场转介卫生院".into();
        assert!(check_order(&c, &skip).is_ok());
        c.stages.push(entry(Stage::Reported, 3));
        assert_eq!(c.current(), (Stage::Reported, t(3)));
        assert!(matches!(check_order(&c, &entry(Stage::Referred, 2)), Err(StageError::BeforeCurrent { .. })));
    }

    #[test]
    fn a_case_waiting_at_a_stage_beyond_the_limit_is_overdue() {
        let limits = StageLimits::default();
        assert!(!limits.overdue(Stage::Discovered, t(0), t(23)));
        assert!(limits.overdue(Stage::Discovered, t(0), t(25)));
        assert!(!limits.overdue(Stage::Reported, t(0), t(71)));
        assert!(limits.overdue(Stage::Reported, t(0), t(73)));
        assert!(!limits.overdue(Stage::Assisted, t(0), t(10_000)));
    }

    #[test]
    fn an_emergency_names_who_was_called_and_is_not_in_the_future() {
        let mut o = case().opened;
        o.emergency = Some(Emergency { called: vec![], called_at: t(-1) });
        o.at = t(5);
        let errors = check_opening(&mut o, t(1)).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["at", "called", "called_at"]);
        let mut ok = case().opened;
        ok.emergency =
            Some(Emergency { called: vec![Party::Family, Party::Ambulance, Party::Family], called_at: t(0) });
        check_opening(&mut ok, t(1)).unwrap();
        assert_eq!(ok.emergency.unwrap().called, [Party::Family, Party::Ambulance]);
        assert_eq!(Party::parse("120"), Some(Party::Ambulance));
        assert_eq!(Party::parse("村医"), Some(Party::Doctor));
    }
}
