//! Counting a unit's elders into a layout's columns, per sub-unit, and running the checks.

use super::{CheckKind, Layout, LayoutError, Population};
use crate::division::UnitCode;
use crate::elder::Elder;
use crate::policy::{eligibility, Policy};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Values the office enters by hand for columns marked `entered` (column number → value), for the
/// total row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Entered(pub BTreeMap<u32, u64>);

/// One row: a sub-unit, or the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    /// The sub-unit's 12-digit code (the unit's own code on the total row).
    pub unit: String,
    /// Its name where known (the total row: 合计).
    pub name: String,
    /// One value per column, in order; `None` for an entered column left blank.
    pub values: Vec<Option<u64>>,
}

/// One group of a check: its columns, their values and its sum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupSum {
    /// Column numbers.
    pub columns: Vec<u32>,
    /// Each column's value, in the same order.
    pub values: Vec<u64>,
    /// Their sum.
    pub sum: u64,
}

/// A check run on one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    /// The check's name, e.g. 表间勾稽关系.
    pub name: String,
    /// As the form writes it, e.g. `1 = 2+3 = 4+5`.
    pub expression: String,
    /// The row's unit code (the unit itself for the total row).
    pub unit: String,
    /// Whether this is the total row.
    pub total: bool,
    /// Whether it holds.
    pub passed: bool,
    /// Each group's columns, values and sum.
    pub groups: Vec<GroupSum>,
}

impl CheckResult {
    /// What failed, in Chinese: each group with its values and sum.
    pub fn zh(&self) -> String {
        let status = if self.passed { "通过" } else { "不成立" };
        format!("{}（{}）{}：{}", self.name, self.expression, status, self.detail())
    }

    /// What failed, in English.
    pub fn en(&self) -> String {
        let status = if self.passed { "holds" } else { "FAILS" };
        format!("{} ({}) {}: {}", self.name, self.expression, status, self.detail())
    }

    fn detail(&self) -> String {
        self.groups
            .iter()
            .map(|g| {
                let cols: Vec<String> = g.columns.iter().map(|c| format!("[{c}]")).collect();
                let vals: Vec<String> = g.values.iter().map(u64::to_string).collect();
                if g.columns.len() == 1 {
                    format!("{}={}", cols[0], g.sum)
                } else {
                    format!("{}={}={}", cols.join("+"), vals.join("+"), g.sum)
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A computed summary table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The layout's id.
    pub layout: String,
    /// The title.
    pub title: String,
    /// The unit the table is for.
    pub unit: String,
    /// The unit's name where known.
    pub unit_name: String,
    /// The date of the table (填报时间).
    pub date: NaiveDate,
    /// The policy's cutoff date the ages and absences are counted at.
    pub cutoff: NaiveDate,
    /// Each column's headings, top level first.
    pub headings: Vec<Vec<String>>,
    /// One row per sub-unit that has elders, by code.
    pub rows: Vec<SummaryRow>,
    /// The total row (合计).
    pub total: SummaryRow,
    /// Every check on the total row, then every check on each sub-unit row.
    pub checks: Vec<CheckResult>,
    /// Elders of the unit counted.
    pub counted: usize,
    /// Active elders of the unit not counted (not left behind under the policy at the cutoff).
    pub not_counted: usize,
}

impl Summary {
    /// The checks that fail, on any row.
    pub fn failures(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| !c.passed)
    }

    /// Whether every check holds on every row.
    pub fn passes(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }
}

/// Whole months the children have been away at `cutoff`: from the form's `migration.away_since`,
/// else from the most recent departure among the supporters marked away (as eligibility counts it).
pub fn months_away(elder: &Elder, cutoff: NaiveDate) -> Option<i32> {
    if let Some(since) = elder.migration.as_ref().and_then(|m| m.away_since) {
        return Some(since.months_until(cutoff));
    }
    elder.supporters.iter().filter(|s| s.away).filter_map(|s| s.away_since).max().map(|since| {
        let ym = crate::elder::YearMonth::of(since);
        let mut m = ym.months_until(cutoff);
        if chrono::Datelike::day(&cutoff) < chrono::Datelike::day(&since) {
            m -= 1;
        }
        m
    })
}

/// Digits identifying a unit at its level, and those of the level below.
fn digits(unit: &UnitCode) -> (usize, usize) {
    use crate::division::UnitLevel::*;
    match unit.level() {
        Province => (2, 4),
        Prefecture => (4, 6),
        County => (6, 9),
        Township => (9, 12),
        Village => (12, 12),
    }
}

/// Computes the table of `layout` for `unit` on `date`: every active elder whose unit lies within
/// `unit` and who belongs to the layout's population under `policy` at its cutoff date, counted per
/// sub-unit (the level below `unit`; a village has one row), with the total and every check run on
/// every row. Entered columns take their value from `entered` on the total row.
pub fn compute(
    layout: &Layout,
    policy: &Policy,
    elders: &[Elder],
    unit: &UnitCode,
    date: NaiveDate,
    entered: &Entered,
) -> Result<Summary, LayoutError> {
    for no in entered.0.keys() {
        let ok = layout.columns.get((*no as usize).wrapping_sub(1)).is_some_and(|c| c.entered);
        if !ok {
            let entered_cols: Vec<String> =
                layout.columns.iter().filter(|c| c.entered).map(|c| c.no.to_string()).collect();
            return Err(LayoutError::Invalid {
                field: format!("entered.{no}"),
                zh: format!("第 {no} 列不是填报列；可填报的列：{}", entered_cols.join(", ")),
                en: format!(
                    "column {no} is not entered by hand; entered columns: {}",
                    entered_cols.join(", ")
                ),
            });
        }
    }
    let cutoff = policy.cutoff_date(date);
    let (_, sub_digits) = digits(unit);
    let n = layout.columns.len();
    let mut per_unit: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut counted = 0;
    let mut not_counted = 0;
    for elder in elders.iter().filter(|e| e.is_active() && unit.contains(&e.unit)) {
        let counts = match layout.population {
            Population::Registered => true,
            Population::LeftBehind => eligibility(elder, policy, date).is_left_behind(),
        };
        if !counts {
            not_counted += 1;
            continue;
        }
        counted += 1;
        let code = elder.unit.as_str();
        let sub = format!("{}{}", &code[..sub_digits], "0".repeat(12 - sub_digits));
        let row = per_unit.entry(sub).or_insert_with(|| vec![0; n]);
        for (i, column) in layout.columns.iter().enumerate() {
            if !column.entered && column.when.matches(elder, cutoff) {
                row[i] += 1;
            }
        }
    }
    let to_row = |unit: String, name: String, counts: &[u64], entered: Option<&Entered>| SummaryRow {
        unit,
        name,
        values: layout
            .columns
            .iter()
            .zip(counts)
            .map(|(c, v)| if c.entered { entered.and_then(|e| e.0.get(&c.no).copied()) } else { Some(*v) })
            .collect(),
    };
    let mut total_counts = vec![0; n];
    let rows: Vec<SummaryRow> = per_unit
        .iter()
        .map(|(code, counts)| {
            for (t, v) in total_counts.iter_mut().zip(counts) {
                *t += v;
            }
            to_row(code.clone(), unit_name(code), counts, None)
        })
        .collect();
    let total = to_row(unit.to_string(), "合计".into(), &total_counts, Some(entered));
    let mut checks = run_checks(layout, &total, true);
    for row in &rows {
        checks.extend(run_checks(layout, row, false));
    }
    Ok(Summary {
        layout: layout.id.clone(),
        title: layout.title.clone(),
        unit: unit.to_string(),
        unit_name: unit_name(unit.as_str()),
        date,
        cutoff,
        headings: layout.columns.iter().map(|c| c.heading.clone()).collect(),
        rows,
        total,
        checks,
        counted,
        not_counted,
    })
}

/// The GB/T 2260 name of a unit down to county level; empty below (the caller may name it).
fn unit_name(code: &str) -> String {
    let significant = code.trim_end_matches('0').len();
    if significant <= 6 {
        crate::division::full_name(&code[..6]).unwrap_or_default()
    } else {
        String::new()
    }
}

/// Runs every check on one row. A check touching an entered column left blank is not run on it.
fn run_checks(layout: &Layout, row: &SummaryRow, total: bool) -> Vec<CheckResult> {
    layout
        .checks
        .iter()
        .filter_map(|check| {
            let mut groups = Vec::new();
            for cols in &check.groups {
                let values: Option<Vec<u64>> = cols.iter().map(|c| row.values[*c as usize - 1]).collect();
                let values = values?;
                groups.push(GroupSum { columns: cols.clone(), sum: values.iter().sum(), values });
            }
            let first = groups[0].sum;
            let passed = match check.kind {
                CheckKind::Equal => groups.iter().all(|g| g.sum == first),
                CheckKind::NotLess => groups.iter().all(|g| g.sum <= first),
            };
            Some(CheckResult {
                name: check.name.clone(),
                expression: check.expression(),
                unit: row.unit.clone(),
                total,
                passed,
                groups,
            })
        })
        .collect()
}
