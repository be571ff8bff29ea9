//! The visit log's shapes 一访四查: the schedule's lines, the visit form (also what a draft keeps), a
//! logged visit and an elder's history; the form's conversion to core's `Visit`.

use crate::error::{AppResult, FieldError};
use crate::parse;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shouwang_core::store::VisitSaved;
use shouwang_core::visit::{Check, Checks, Mode, Service, Verdict, Visit};
use ts_rs::TS;

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

impl VisitForm {
    /// The form's visit as core's, made now (the store fills in the helper from the assignment).
    pub fn to_visit(&self, now: DateTime<Utc>) -> AppResult<Visit> {
        let check = |c: &CheckForm| Check {
            verdict: Some(if c.concern { Verdict::Concern } else { Verdict::Fine }),
            note: c.note.clone(),
        };
        let services = self
            .services
            .iter()
            .map(|c| parse::choice("services", c, Service::parse))
            .collect::<AppResult<_>>()?;
        Ok(Visit {
            id: String::new(),
            elder: parse::elder("elder", &self.elder)?,
            helper: String::new(),
            mode: parse::choice("mode", &self.mode, Mode::parse)?,
            at: now,
            duration_minutes: self.duration_minutes,
            checks: Checks {
                food: check(&self.checks.food),
                clothing: check(&self.checks.clothing),
                housing: check(&self.checks.housing),
                medical: check(&self.checks.medical),
            },
            services,
            follow_up: self.follow_up.clone(),
            position: None,
            amends: None,
            home_distance_m: None,
            recorded_at: None,
        })
    }
}

/// A visit logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LoggedVisit {
    /// The visit's id.
    pub id: String,
    /// Things worth a second look (the visit was saved all the same).
    pub warnings: Vec<FieldError>,
}

impl From<VisitSaved> for LoggedVisit {
    fn from(saved: VisitSaved) -> LoggedVisit {
        LoggedVisit {
            id: saved.id,
            warnings: saved
                .warnings
                .iter()
                .map(|w| FieldError {
                    field: "position".into(),
                    rule: w.code().into(),
                    message: w.zh(),
                    en: w.en(),
                    warning: true,
                })
                .collect(),
        }
    }
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

impl From<Visit> for VisitLine {
    fn from(v: Visit) -> VisitLine {
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
