//! The ledger 信息台账 in and out: the file picked in the UI, the dry run's (or the import's) rows
//! and problems, the export's format.

use super::files::FileKind;
use serde::{Deserialize, Serialize};
use shouwang_core::ledger::{Action, ImportPlan};
use ts_rs::TS;

/// A ledger file picked in the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LedgerFile {
    /// Its name (`.xlsx` or `.csv` decides how it is read).
    pub name: String,
    /// Its bytes, base64.
    pub data: String,
    /// The sheet to read (XLSX); empty: the first.
    #[serde(default)]
    pub sheet: Option<String>,
}

/// One problem of a row: where, which rule, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportProblem {
    /// The spreadsheet row number, as Excel shows it.
    pub row: u32,
    /// The column heading as the file writes it.
    pub column: String,
    /// The record field.
    pub field: String,
    /// The rule's code.
    pub rule: String,
    /// In Chinese.
    pub message: String,
    /// In English.
    pub en: String,
    /// A warning: the row is imported all the same.
    pub warning: bool,
}

/// One data row and what the import does with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportLine {
    /// The spreadsheet row number.
    pub row: u32,
    /// The name in the row.
    pub name: String,
    /// `add` (a new elder), `existing` (already registered: skipped) or `refuse` (nothing written).
    pub action: String,
    /// Every problem, errors and warnings.
    pub problems: Vec<ImportProblem>,
}

/// What an import would do (the dry run) or did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportPreview {
    /// The file's name.
    pub file: String,
    /// Data rows.
    pub rows: u32,
    /// Rows to register (with or without warnings).
    pub add: u32,
    /// Of those, rows with warnings.
    pub with_warnings: u32,
    /// Rows already registered (skipped).
    pub existing: u32,
    /// Rows refused.
    pub refused: u32,
    /// Headings the file has that name no column (ignored).
    pub ignored_headings: Vec<String>,
    /// Every row.
    pub lines: Vec<ImportLine>,
    /// Elders registered: 0 in a dry run.
    pub imported: u32,
    /// Whether anything was written.
    pub written: bool,
}

/// A count as the UI receives it.
pub fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl ImportPreview {
    /// The plan of `file` as the UI shows it; `imported`: the rows registered (none in a dry run).
    pub fn of(file: &str, plan: &ImportPlan, imported: Option<usize>) -> ImportPreview {
        ImportPreview {
            file: file.to_string(),
            rows: count(plan.rows.len()),
            add: count(plan.ok() + plan.with_warnings()),
            with_warnings: count(plan.with_warnings()),
            existing: count(plan.existing()),
            refused: count(plan.refused()),
            ignored_headings: plan.ignored_headings.clone(),
            lines: plan
                .rows
                .iter()
                .map(|r| ImportLine {
                    row: count(r.row),
                    name: r.name.clone(),
                    action: match r.action {
                        Action::Add => "add",
                        Action::Existing { .. } => "existing",
                        Action::Refuse => "refuse",
                    }
                    .into(),
                    problems: r
                        .problems
                        .iter()
                        .map(|p| ImportProblem {
                            row: count(p.row),
                            column: p.column.clone(),
                            field: p.field.clone(),
                            rule: p.rule.clone(),
                            message: p.zh.clone(),
                            en: p.en.clone(),
                            warning: p.warning,
                        })
                        .collect(),
                })
                .collect(),
            imported: count(imported.unwrap_or(0)),
            written: imported.is_some_and(|n| n > 0),
        }
    }
}

/// As what to export the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LedgerExport {
    /// XLSX, CSV or JSON.
    pub format: FileKind,
}
