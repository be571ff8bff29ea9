//! The summary table 附件2: its layout, unit and date chosen, computed by core's `report` over every
//! elder under the unit, laid out as the UI draws it. (The lead moves this computation into core.)

use crate::dto::{CheckLine, SummaryLine, SummaryQuery, SummaryTable};
use crate::error::{AppError, AppResult};
use crate::parse;
use shouwang_core::division::UnitCode;
use shouwang_core::policy::{AgeCutoff, Policy};
use shouwang_core::report::{self, Entered, Layout};
use shouwang_core::store::Store;

/// The layout asked for, else the one for `policy`, else the first shipped.
pub fn choose_layout(asked: Option<&str>, policy: &str) -> AppResult<Layout> {
    let id = match asked.map(str::trim).filter(|a| !a.is_empty()) {
        Some(id) => id.to_string(),
        None => Layout::builtin_names()
            .into_iter()
            .find(|n| Layout::builtin(n).is_ok_and(|l| l.policy == policy))
            .or_else(|| Layout::builtin_names().into_iter().next())
            .unwrap_or("guangdong")
            .to_string(),
    };
    Ok(Layout::builtin(&id)?)
}

/// A unit within the registry (empty: the registry's own), answered under `unit`.
pub fn unit_within(store: &Store, unit: Option<&str>) -> AppResult<UnitCode> {
    let registry = &store.registry().unit;
    let Some(text) = unit.map(str::trim).filter(|u| !u.is_empty()) else { return Ok(registry.clone()) };
    let unit = parse::unit(text)?;
    if registry.contains(&unit) {
        Ok(unit)
    } else {
        Err(AppError::field(
            "unit",
            "format",
            format!("单位 {unit} 不在本登记册（{registry}）范围内"),
            format!("unit {unit} lies outside this registry ({registry})"),
        ))
    }
}

/// Computes the table on the store (the caller holds the lock).
pub fn compute_summary(
    store: &Store,
    q: &SummaryQuery,
    today: chrono::NaiveDate,
) -> AppResult<(report::Summary, Layout)> {
    let registry = store.registry().clone();
    let layout = choose_layout(q.layout.as_deref(), &registry.policy)?;
    let mut policy = Policy::builtin(&layout.policy).ok_or_else(|| {
        AppError::field(
            "layout",
            "format",
            format!("报表格式所用的政策配置 {} 不存在", layout.policy),
            format!("the layout's policy profile {} does not exist", layout.policy),
        )
    })?;
    let unit = unit_within(store, q.unit.as_deref())?;
    let date = parse::date_opt("date", q.date.as_deref())?.unwrap_or(today);
    if q.cutoff.as_deref().is_some_and(|c| !c.trim().is_empty()) {
        let date = parse::date_opt("cutoff", q.cutoff.as_deref())?.unwrap_or(date);
        policy.age_cutoff = AgeCutoff::FixedDate { date };
    }
    let entered = Entered(q.entered.iter().map(|e| (e.column, e.value)).collect());
    let elders = store.elders_under(&unit)?;
    let mut table = report::compute(&layout, &policy, &elders, &unit, date, &entered)?;
    for row in &mut table.rows {
        if row.unit == registry.unit.as_str() && row.name.is_empty() {
            row.name = registry.name.clone();
        }
    }
    if table.unit == registry.unit.as_str() && table.unit_name.is_empty() {
        table.unit_name = registry.name.clone();
    }
    Ok((table, layout))
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
