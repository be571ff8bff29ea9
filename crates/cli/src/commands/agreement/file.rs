//! The agreement file of `agreement check|print|reminders|add`: read and checked, and reminders
//! printed.

use crate::error::{field, Result};
use shouwang_core::agreement::{self, Agreement};
use std::path::Path;

/// Prints reminders, `!` before the overdue ones.
pub fn print_reminders(list: &[agreement::Reminder], today: chrono::NaiveDate, indent: &str) {
    if list.is_empty() {
        println!("{indent}{today}：无提醒 / nothing due");
    }
    for r in list {
        println!("{indent}{} {}", if r.is_overdue() { "!" } else { "·" }, r.zh());
    }
}

/// A reminder as JSON, with its text in both languages.
pub fn reminder_json(r: &agreement::Reminder) -> serde_json::Value {
    let mut v = serde_json::to_value(r).expect("reminder serialises");
    v["zh"] = r.zh().into();
    v["en"] = r.en().into();
    v
}

/// Reads and checks an agreement file; every problem is printed and the first is returned as the error.
pub fn load(file: &Path) -> Result<Agreement> {
    let text = std::fs::read_to_string(file)?;
    let mut a: Agreement = serde_json::from_str(&text).map_err(|e| {
        field(
            "file",
            format!("协议文件不是有效的 JSON：{e}"),
            format!("the agreement file is not valid JSON: {e}"),
        )
    })?;
    if let Err(problems) = agreement::validate(&mut a) {
        for p in &problems {
            eprintln!("{p}");
        }
        let first = &problems[0];
        return Err(field(&first.field, first.rule.zh(), first.rule.en()).into());
    }
    Ok(a)
}
