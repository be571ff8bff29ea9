//! Cell values: reading the spellings offices type, and writing them back the one way.

use chrono::{Datelike, NaiveDate};

/// A cell as read from a spreadsheet or a CSV file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A number (an Excel date serial arrives as one when the cell is not formatted as a date).
    Number(f64),
    /// A date cell.
    Date(NaiveDate),
}

impl Cell {
    /// The cell as text (numbers without a trailing `.0`).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }

    /// Whether the cell holds nothing.
    pub fn is_empty(&self) -> bool {
        self.text().is_empty()
    }
}

/// An Excel date serial (1900 date system) as a date.
pub fn excel_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(chrono::Days::new(serial.trunc() as u64))
}

/// Reads a date: a date cell, an Excel serial, `1945-03-02`, `1945/3/2`, `1945.3.2`, `19450302`,
/// `1945年3月2日`.
pub fn date(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(d) => Ok(Some(*d)),
        Cell::Number(n) if *n >= 1e7 => text_date(&format!("{}", *n as i64)).map(Some),
        Cell::Number(n) => excel_date(*n).map(Some).ok_or_else(|| format!("{n}")),
        Cell::Text(s) if s.trim().is_empty() => Ok(None),
        Cell::Text(s) => text_date(s.trim()).map(Some),
    }
}

fn text_date(s: &str) -> Result<NaiveDate, String> {
    let digits: Vec<&str> = s.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).collect();
    let ymd = match digits.as_slice() {
        [all] if all.len() == 8 => (all[..4].parse().ok(), all[4..6].parse().ok(), all[6..].parse().ok()),
        [y, m, d] => (y.parse().ok(), m.parse().ok(), d.parse().ok()),
        _ => (None, None, None),
    };
    match ymd {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| s.to_string()),
        _ => Err(s.to_string()),
    }
}

/// Reads a year and month: `2024-03`, `2024/3`, `2024年3月`, `202403`, `2024.3`, or a date.
pub fn year_month(cell: &Cell) -> Result<Option<crate::elder::YearMonth>, String> {
    let ym = |y: i32, m: u32| crate::elder::YearMonth { year: y, month: m };
    if let Cell::Date(d) = cell {
        return Ok(Some(ym(d.year(), d.month())));
    }
    let s = cell.text();
    if s.is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = s.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).collect();
    let (y, m) = match parts.as_slice() {
        [all] if all.len() == 6 => (all[..4].parse().ok(), all[4..].parse().ok()),
        [y, m] | [y, m, _] => (y.parse().ok(), m.parse().ok()),
        _ => (None, None),
    };
    match (y, m) {
        (Some(y), Some(m)) if (1..=12).contains(&m) && (1000..=9999).contains(&y) => Ok(Some(ym(y, m))),
        _ => Err(s),
    }
}

/// Reads a whole number, allowing a unit after it (`3个`, `2次`, `5年`).
pub fn number(cell: &Cell) -> Result<Option<i64>, String> {
    if let Cell::Number(n) = cell {
        return if n.fract() == 0.0 { Ok(Some(*n as i64)) } else { Err(n.to_string()) };
    }
    let s = cell.text();
    if s.is_empty() {
        return Ok(None);
    }
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = s[digits.len()..].trim();
    if digits.is_empty() || !matches!(rest, "" | "个" | "次" | "年" | "天" | "人" | "级") {
        return Err(s);
    }
    digits.parse().map(Some).map_err(|_| s)
}

/// Reads yes/no: 是/否, 有/无, √/×, Y/N, true/false, 1/0.
pub fn yes_no(cell: &Cell) -> Result<Option<bool>, String> {
    let s = cell.text();
    match s.to_lowercase().as_str() {
        "" => Ok(None),
        "是" | "有" | "√" | "y" | "yes" | "true" | "1" => Ok(Some(true)),
        "否" | "无" | "×" | "n" | "no" | "false" | "0" => Ok(Some(false)),
        _ => Err(s),
    }
}

/// Splits a multi-select cell on 、，,;；/ and white space.
pub fn multi(cell: &Cell) -> Vec<String> {
    cell.text()
        .split(['、', '，', ',', ';', '；', '/', ' ', '\u{3000}', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Chinese numerals for disability grades (一级 … 四级).
pub fn grade(s: &str) -> Option<u8> {
    let s = s.trim().trim_end_matches('级');
    match s {
        "一" | "1" => Some(1),
        "二" | "2" => Some(2),
        "三" | "3" => Some(3),
        "四" | "4" => Some(4),
        _ => None,
    }
}
