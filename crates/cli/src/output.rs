//! Printing results for people (Chinese labels first) and for scripts (`--json`).

use crate::error::CliError;
use serde::Serialize;
use shouwang_core::store::Error;

/// Prints `value` as pretty JSON on standard output.
pub fn json<T: Serialize>(value: &T) {
    println!("{}", serde_json::to_string_pretty(value).expect("serialisable"));
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
