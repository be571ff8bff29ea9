//! The summary table 附件2: the office's question parsed for core's `Store::summary`, and core's
//! table laid out as the UI draws it.

use crate::dto::{CheckLine, SummaryLine, SummaryQuery, SummaryTable};
use crate::error::AppResult;
use crate::parse;
use shouwang_core::report::{self, Entered, Layout};
use shouwang_core::store::SummaryRequest;

/// The office's question as core takes it: each field parsed under its name.
pub fn request(q: &SummaryQuery) -> AppResult<SummaryRequest> {
    let unit = q.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(parse::unit).transpose()?;
    Ok(SummaryRequest {
        layout: q.layout.clone(),
        unit,
        date: parse::date_opt("date", q.date.as_deref())?,
        cutoff: parse::date_opt("cutoff", q.cutoff.as_deref())?,
        entered: Entered(q.entered.iter().map(|e| (e.column, e.value)).collect()),
    })
}

/// The table as the UI draws it.
pub fn summary_view(table: &report::Summary, layout: &Layout) -> SummaryTable {
    SummaryTable {
        layout: layout.id.clone(),
        layouts: Layout::builtin_names().into_iter().map(str::to_string).collect(),
        title: table.title.clone(),
        unit_label: layout.unit_label.clone(),
        date_label: layout.date_label.clone(),
        sub_unit_heading: layout.sub_unit_heading.clone(),
        unit: table.unit.clone(),
        unit_name: table.unit_name.clone(),
        date: table.date.to_string(),
        cutoff: table.cutoff.to_string(),
        headings: table.headings.clone(),
        entered_columns: layout.columns.iter().filter(|c| c.entered).map(|c| c.no).collect(),
        rows: table.rows.iter().map(SummaryLine::from).collect(),
        total: SummaryLine::from(&table.total),
        checks: table.checks.iter().map(CheckLine::from).collect(),
        passes: table.passes(),
        counted: u32::try_from(table.counted).unwrap_or(u32::MAX),
        not_counted: u32::try_from(table.not_counted).unwrap_or(u32::MAX),
        sign_off: layout.sign_off.clone(),
        notes: layout.notes.clone(),
    }
}
