//! The monthly progress report as the UI shows it (core's `Store::monthly_progress` computes it).

use crate::dto::{ProgressLine, ProgressReport};
use chrono::NaiveDate;
use shouwang_core::progress;

/// The report as the UI shows it.
pub fn progress_view(
    p: &progress::Progress,
    on: NaiveDate,
    registry: &shouwang_core::store::Registry,
) -> ProgressReport {
    let line = |level: &str, r: &progress::Row| ProgressLine {
        level: level.into(),
        unit: if level == "total" { String::new() } else { r.unit.clone() },
        name: if r.unit == registry.unit.as_str() { registry.name.clone() } else { String::new() },
        elders: r.elders,
        visits: r.visits,
        visited: r.visited,
        coverage_percent: r.coverage_percent(),
        overdue: r.overdue,
        active_helpers: r.active_helpers,
        emergencies: r.emergencies,
        open_cases: r.open_cases,
    };
    let rows = p
        .villages
        .iter()
        .map(|r| line("village", r))
        .chain(p.townships.iter().map(|r| line("township", r)))
        .chain(std::iter::once(line("total", &p.total)))
        .collect();
    ProgressReport { month: p.month.clone(), on: on.to_string(), rows }
}
