//! The office's reports: the summary table 附件2 with its cross-column checks 勾稽关系, and the monthly
//! progress report; which one to open or export.

use super::files::FileKind;
use serde::{Deserialize, Serialize};
use shouwang_core::report;
use ts_rs::TS;

/// A column the office enters by hand (e.g. Guangdong's 17: all rural people aged 60+).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EnteredValue {
    /// The column's number.
    pub column: u32,
    /// Its value on the total row.
    pub value: u64,
}

/// Which summary table: layout, unit and date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SummaryQuery {
    /// The layout (`guangdong`, `liaoning`); empty: the one of the registry's policy, else the first.
    pub layout: Option<String>,
    /// A 12-digit unit within the registry; empty: the registry's own unit.
    pub unit: Option<String>,
    /// The table's date 填报时间, `YYYY-MM-DD`; empty: today.
    pub date: Option<String>,
    /// Count ages and absences at this date instead of the policy's cutoff (a new survey's date).
    pub cutoff: Option<String>,
    /// The columns entered by hand.
    pub entered: Vec<EnteredValue>,
}

/// One row of the table: a sub-unit, or the total 合计.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SummaryLine {
    /// 12-digit code.
    pub unit: String,
    /// Its name where known.
    pub name: String,
    /// One value per column; `null` for an entered column left blank.
    pub values: Vec<Option<u64>>,
}

impl From<&report::SummaryRow> for SummaryLine {
    fn from(r: &report::SummaryRow) -> SummaryLine {
        SummaryLine { unit: r.unit.clone(), name: r.name.clone(), values: r.values.clone() }
    }
}

/// One cross-column check 勾稽关系 on one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CheckLine {
    /// Its name.
    pub name: String,
    /// As the form writes it, e.g. `1 = 2+3 = 4+5`.
    pub expression: String,
    /// The row's unit.
    pub unit: String,
    /// The total row.
    pub total: bool,
    /// Whether it holds.
    pub passed: bool,
    /// The check with each group's values and sum, in Chinese.
    pub message: String,
    /// The same in English.
    pub en: String,
}

impl From<&report::CheckResult> for CheckLine {
    fn from(c: &report::CheckResult) -> CheckLine {
        CheckLine {
            name: c.name.clone(),
            expression: c.expression.clone(),
            unit: c.unit.clone(),
            total: c.total,
            passed: c.passed,
            message: c.zh(),
            en: c.en(),
        }
    }
}

/// A computed summary table 附件2, with what the form prints around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SummaryTable {
    /// The layout's id.
    pub layout: String,
    /// Every layout the app ships.
    pub layouts: Vec<String>,
    /// The title.
    pub title: String,
    /// The unit line's label, e.g. 地市（盖章）：.
    pub unit_label: String,
    /// The date line's label, e.g. 填报时间：.
    pub date_label: String,
    /// The first column's heading.
    pub sub_unit_heading: String,
    /// The unit.
    pub unit: String,
    /// Its name.
    pub unit_name: String,
    /// 填报时间.
    pub date: String,
    /// The date ages and absences are counted at.
    pub cutoff: String,
    /// Each column's headings, top level first; adjacent columns sharing a heading are merged under it.
    pub headings: Vec<Vec<String>>,
    /// The numbers of the columns entered by hand.
    pub entered_columns: Vec<u32>,
    /// One row per sub-unit.
    pub rows: Vec<SummaryLine>,
    /// 合计.
    pub total: SummaryLine,
    /// Every check on the total row, then on each sub-unit's row.
    pub checks: Vec<CheckLine>,
    /// Whether every check holds.
    pub passes: bool,
    /// Elders counted.
    pub counted: u32,
    /// Active elders not counted (not left behind under the policy at the cutoff).
    pub not_counted: u32,
    /// The sign-off lines under the table.
    pub sign_off: Vec<String>,
    /// The notes under the table.
    pub notes: Vec<String>,
}

/// Which table to export, and as what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SummaryExport {
    /// The table.
    pub query: SummaryQuery,
    /// XLSX laid out like the form, CSV or JSON.
    pub format: FileKind,
}

/// Which month (`YYYY-MM`; empty: this month).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ProgressQuery {
    /// The month.
    pub month: Option<String>,
}

/// One row of the monthly progress report.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProgressLine {
    /// `village`, `township` or `total`.
    pub level: String,
    /// 12-digit code (empty on the total).
    pub unit: String,
    /// The unit's name where known.
    pub name: String,
    /// Elders served.
    pub elders: u32,
    /// Visits this month.
    pub visits: u32,
    /// Elders visited at least once this month.
    pub visited: u32,
    /// 月探访率, percent.
    pub coverage_percent: f64,
    /// Elders overdue on the report date.
    pub overdue: u32,
    /// Active helpers.
    pub active_helpers: u32,
    /// Emergencies 助急 this month.
    pub emergencies: u32,
    /// Cases open at the end of the month (or today).
    pub open_cases: u32,
}

/// The monthly progress report.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProgressReport {
    /// `YYYY-MM`.
    pub month: String,
    /// The date the overdue counts are taken on.
    pub on: String,
    /// Villages, townships, then the total.
    pub rows: Vec<ProgressLine>,
}

/// Which month to export, and as what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProgressExport {
    /// The month.
    pub query: ProgressQuery,
    /// XLSX, CSV or JSON.
    pub format: FileKind,
}
