//! Printing results for people (Chinese labels first) and for scripts (`--json`): values, tables,
//! times in China, errors, and print files (PDF or HTML).

use crate::error::{field, CliError, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;
use shouwang_core::division::UnitCode;
use shouwang_core::print;
use shouwang_core::store::Error;
use std::path::Path;

/// Prints `value` as pretty JSON on standard output.
pub fn json<T: Serialize>(value: &T) {
    println!("{}", serde_json::to_string_pretty(value).expect("serialisable"));
}

/// A time in China, `YYYY-MM-DD HH:MM`.
pub fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&shouwang_core::time::china()).format("%Y-%m-%d %H:%M").to_string()
}

/// An RFC 3339 time (as the store's lists give it) in China, `YYYY-MM-DD HH:MM`; as given if it
/// does not read.
pub fn local(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339).map_or_else(|_| rfc3339.to_string(), |t| local_time(t.to_utc()))
}

/// The name of a unit's county in GB/T 2260.
pub fn unit_name(unit: &UnitCode) -> String {
    shouwang_core::division::full_name(unit.county_prefix())
        .unwrap_or_else(|| "GB/T 2260 未收录 / not in GB/T 2260".into())
}

/// Writes `pages` (PDF, with the CJK `font`) or `html` to `out`, by its extension.
pub fn write_print(
    out: &Path,
    font: &Path,
    pages: impl FnOnce() -> Result<Vec<print::Page>>,
    html: impl FnOnce() -> Result<String>,
) -> Result<()> {
    let ext = out.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let bytes = match ext.as_str() {
        "pdf" => {
            let font = print::Font::load(font)?;
            print::pdf(&pages()?, &font)?
        }
        "html" | "htm" => html()?.into_bytes(),
        _ => {
            let (zh, en) = ("输出文件应以 .pdf 或 .html 结尾", "the output file must end in .pdf or .html");
            return Err(field("out", zh, en).into());
        }
    };
    std::fs::write(out, bytes)?;
    Ok(())
}

/// Prints an error on standard error: every violation on its own line, naming the field, in Chinese
/// and English; as JSON with `--json`.
pub fn error(err: &CliError, as_json: bool) {
    let CliError::Store(err) = err else {
        if as_json {
            let kind = if err.is_invalid_input() { "invalid" } else { "failure" };
            eprintln!("{}", serde_json::json!({ "error": { "kind": kind, "message": err.to_string() } }));
        } else {
            eprintln!("错误 / error: {err}");
        }
        return;
    };
    if as_json {
        let body = match err {
            Error::Invalid(violations) => serde_json::json!({
                "kind": "invalid",
                "violations": violations.iter().map(|v| serde_json::json!({
                    "field": v.field, "rule": v.rule.code(), "zh": v.rule.zh(), "en": v.rule.en(),
                })).collect::<Vec<_>>(),
            }),
            Error::Field { field, zh, en } => {
                serde_json::json!({ "kind": "invalid", "violations": [{ "field": field, "rule": "field", "zh": zh, "en": en }] })
            }
            other => serde_json::json!({
                "kind": if other.is_invalid_input() { "invalid" } else { "failure" },
                "message": other.to_string(),
            }),
        };
        eprintln!("{}", serde_json::json!({ "error": body }));
        return;
    }
    match err {
        Error::Invalid(violations) => {
            eprintln!("错误：记录未通过校验，未保存 / error: the record is invalid; nothing was saved");
            for v in violations {
                let tag = if v.rule.is_warning() { "提示" } else { "错误" };
                eprintln!("  {tag} {}: {}", v.field, v.rule.zh());
                eprintln!("       {}: {}", v.field, v.rule.en());
            }
        }
        other => eprintln!("错误 / error: {other}"),
    }
}

/// Pads `s` to `width` display columns (CJK characters count two).
pub fn pad(s: &str, width: usize) -> String {
    let w = display_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// Display width of `s` in a terminal: wide (CJK) characters count two.
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// Prints a table: a header row and rows, columns padded to their widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(display_width(cell));
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| pad(c, *w)).collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(header.iter().map(|h| h.to_string()).collect());
    for row in rows {
        line(row.clone());
    }
}
