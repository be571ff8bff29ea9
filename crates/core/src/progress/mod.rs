//! The monthly progress report (seed 004: 各乡镇每月 25 号前将本月推进情况报区民政局): per village and
//! per township, the elders served, visits this month, the monthly visit rate 月探访率 (elders visited
//! at least once this month over elders served), elders overdue, active helpers, emergencies and open
//! cases, with a total. Pure: the store (or a test) gives one [`ElderMonth`] per elder served and one
//! [`HelperMonth`] per helper; [`compute`] adds them up, and [`to_csv`], [`to_json`], [`to_xlsx`] export.
//!
//! ```
//! use shouwang_core::progress::{compute, ElderMonth, HelperMonth};
//! let v = "511902106202".parse().unwrap();
//! let elders = vec![ElderMonth { visits: 2, ..ElderMonth::new(&v) }, ElderMonth::new(&v)];
//! let report = compute("2026-11", &elders, &[HelperMonth { village: v.clone(), active: true }]);
//! assert_eq!(report.total.coverage_percent(), 50.0);
//! ```

use crate::division::UnitCode;
use crate::visit::Visit;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

/// One elder served, in the month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElderMonth {
    /// The elder's village (12-digit code).
    pub village: UnitCode,
    /// Visits this month (amendments not counted twice).
    pub visits: u32,
    /// Whether a visit is overdue on the report date.
    pub overdue: bool,
    /// Emergencies raised this month (助急).
    pub emergencies: u32,
    /// Cases not closed on the report date.
    pub open_cases: u32,
}

impl ElderMonth {
    /// An elder of `village` with nothing this month.
    pub fn new(village: &UnitCode) -> ElderMonth {
        ElderMonth { village: village.clone(), visits: 0, overdue: false, emergencies: 0, open_cases: 0 }
    }

    /// Counts the visits of `log` in the month of `month_start` (China time), an amended visit once.
    pub fn count_visits(log: &[Visit], month_start: NaiveDate) -> u32 {
        let amended: std::collections::BTreeSet<&str> =
            log.iter().filter_map(|v| v.amends.as_deref()).collect();
        log.iter()
            .filter(|v| !amended.contains(v.id.as_str()))
            .filter(|v| {
                let d = crate::time::local_date(v.at);
                d.year() == month_start.year() && d.month() == month_start.month()
            })
            .count() as u32
    }
}

/// One helper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelperMonth {
    /// The helper's village.
    pub village: UnitCode,
    /// Active (filed and not replaced) on the report date.
    pub active: bool,
}

/// One row of the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Row {
    /// The unit's 12-digit code (a township's ends in 000).
    pub unit: String,
    /// 服务老人数
    pub elders: u32,
    /// 本月探访次数
    pub visits: u32,
    /// 本月已探访老人数
    pub visited: u32,
    /// 逾期未探访老人数
    pub overdue: u32,
    /// 在岗互助员数
    pub active_helpers: u32,
    /// 助急次数
    pub emergencies: u32,
    /// 未办结个案数
    pub open_cases: u32,
}

impl Row {
    /// 月探访率 in percent, one decimal (100 when there is no elder to visit).
    pub fn coverage_percent(&self) -> f64 {
        if self.elders == 0 {
            return 100.0;
        }
        (f64::from(self.visited) * 1000.0 / f64::from(self.elders)).round() / 10.0
    }

    fn add_elder(&mut self, e: &ElderMonth) {
        self.elders += 1;
        self.visits += e.visits;
        self.visited += u32::from(e.visits > 0);
        self.overdue += u32::from(e.overdue);
        self.emergencies += e.emergencies;
        self.open_cases += e.open_cases;
    }
}

/// The report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Progress {
    /// The month, YYYY-MM.
    pub month: String,
    /// Villages, by code.
    pub villages: Vec<Row>,
    /// Townships, by code.
    pub townships: Vec<Row>,
    /// Everything.
    pub total: Row,
}

/// The township code of a village: its first nine digits and 000.
pub fn township_of(village: &UnitCode) -> String {
    format!("{}000", &village.as_str()[..9])
}

/// Adds up the month.
pub fn compute(month: &str, elders: &[ElderMonth], helpers: &[HelperMonth]) -> Progress {
    let mut villages: BTreeMap<String, Row> = BTreeMap::new();
    let mut townships: BTreeMap<String, Row> = BTreeMap::new();
    let mut total = Row { unit: "合计".into(), ..Row::default() };
    for e in elders {
        let v = e.village.as_str().to_string();
        villages.entry(v.clone()).or_insert_with(|| Row { unit: v, ..Row::default() }).add_elder(e);
        let t = township_of(&e.village);
        townships.entry(t.clone()).or_insert_with(|| Row { unit: t, ..Row::default() }).add_elder(e);
        total.add_elder(e);
    }
    for h in helpers.iter().filter(|h| h.active) {
        let v = h.village.as_str().to_string();
        villages.entry(v.clone()).or_insert_with(|| Row { unit: v, ..Row::default() }).active_helpers += 1;
        let t = township_of(&h.village);
        townships.entry(t.clone()).or_insert_with(|| Row { unit: t, ..Row::default() }).active_helpers += 1;
        total.active_helpers += 1;
    }
    Progress {
        month: month.to_string(),
        villages: villages.into_values().collect(),
        townships: townships.into_values().collect(),
        total,
    }
}

/// The columns, in Chinese, as exported.
pub const HEADINGS: [&str; 10] = [
    "层级",
    "单位代码",
    "服务老人数",
    "本月探访次数",
    "本月已探访老人数",
    "月探访率(%)",
    "逾期未探访老人数",
    "在岗互助员数",
    "助急次数",
    "未办结个案数",
];

impl Progress {
    /// Every row with its level (村, 乡镇, 合计), villages first.
    pub fn rows(&self) -> Vec<(&'static str, &Row)> {
        self.villages
            .iter()
            .map(|r| ("村", r))
            .chain(self.townships.iter().map(|r| ("乡镇", r)))
            .chain(std::iter::once(("合计", &self.total)))
            .collect()
    }
}

fn cells(level: &str, r: &Row) -> [String; 10] {
    [
        level.to_string(),
        r.unit.clone(),
        r.elders.to_string(),
        r.visits.to_string(),
        r.visited.to_string(),
        format!("{:.1}", r.coverage_percent()),
        r.overdue.to_string(),
        r.active_helpers.to_string(),
        r.emergencies.to_string(),
        r.open_cases.to_string(),
    ]
}

/// CSV with the Chinese headings (UTF-8 with BOM, so Excel reads it).
pub fn to_csv(p: &Progress) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&HEADINGS.join(","));
    out.push('\n');
    for (level, r) in p.rows() {
        out.push_str(&cells(level, r).join(","));
        out.push('\n');
    }
    out
}

/// JSON: the month, the rows and each row's 月探访率.
pub fn to_json(p: &Progress) -> serde_json::Value {
    let row = |level: &str, r: &Row| {
        let mut v = serde_json::to_value(r).expect("plain struct");
        v["level"] = level.into();
        v["coverage_percent"] = r.coverage_percent().into();
        v
    };
    serde_json::json!({
        "month": p.month,
        "rows": p.rows().into_iter().map(|(l, r)| row(l, r)).collect::<Vec<_>>(),
    })
}

/// XLSX: a title row, the headings and one row per unit, numbers as numbers.
pub fn to_xlsx(p: &Progress) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("月度推进情况")?;
    sheet.write_string(0, 0, format!("农村互助养老月度推进情况（{}）", p.month))?;
    for (c, h) in HEADINGS.iter().enumerate() {
        sheet.write_string(1, c as u16, *h)?;
    }
    for (i, (level, r)) in p.rows().into_iter().enumerate() {
        let row = i as u32 + 2;
        sheet.write_string(row, 0, level)?;
        sheet.write_string(row, 1, &r.unit)?;
        let numbers = [
            f64::from(r.elders),
            f64::from(r.visits),
            f64::from(r.visited),
            r.coverage_percent(),
            f64::from(r.overdue),
            f64::from(r.active_helpers),
            f64::from(r.emergencies),
            f64::from(r.open_cases),
        ];
        for (c, n) in numbers.iter().enumerate() {
            sheet.write_number(row, c as u16 + 2, *n)?;
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests;
