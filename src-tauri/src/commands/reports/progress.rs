//! The monthly progress report: each elder's and helper's month gathered from the store and added up
//! by core's `progress`, laid out as the UI shows it. (The lead moves this computation into core.)

use crate::dto::{ProgressLine, ProgressReport};
use crate::error::AppResult;
use crate::parse;
use chrono::NaiveDate;
use shouwang_core::progress::{self, ElderMonth, HelperMonth};
use shouwang_core::store::{Store, VisitFilter};

/// Each elder's and helper's month gathered from the store, added up with core; the date the
/// overdue counts are taken on.
pub fn compute_progress(
    store: &Store,
    month: Option<&str>,
    today: NaiveDate,
) -> AppResult<(progress::Progress, NaiveDate)> {
    let start = parse::month(month, today)?;
    let next = start.checked_add_months(chrono::Months::new(1)).expect("a later month");
    let on = today.min(next.pred_opt().expect("a day before"));
    let china = shouwang_core::time::china();
    let at = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0).expect("midnight").and_local_timezone(china).single().map(|t| t.to_utc())
    };
    let unit = store.registry().unit.clone();
    let mut elders: std::collections::BTreeMap<String, ElderMonth> = store
        .elders_under(&unit)?
        .iter()
        .filter(|e| e.is_active())
        .filter_map(|e| Some((e.id.as_ref()?.to_string(), ElderMonth::new(&e.unit))))
        .collect();
    let filter = VisitFilter { since: at(start), until: at(next), ..VisitFilter::default() };
    for v in store.visits(&filter)? {
        if let Some(e) = elders.get_mut(v.elder.as_str()) {
            e.visits += 1;
        }
    }
    for due in store.schedule(on)? {
        if let Some(e) = elders.get_mut(due.elder.as_str()) {
            // Never visited counts as overdue, as the schedule says.
            e.overdue = due.status == shouwang_core::schedule::Status::Overdue;
        }
    }
    for (elder, (emergencies, open)) in store.cases_per_elder_in_month(start)? {
        if let Some(e) = elders.get_mut(&elder) {
            e.emergencies = emergencies;
            e.open_cases = open;
        }
    }
    let helpers: Vec<HelperMonth> = store
        .helpers()?
        .into_iter()
        .map(|h| HelperMonth { village: unit.clone(), active: h.status == "active" })
        .collect();
    let elders: Vec<ElderMonth> = elders.into_values().collect();
    Ok((progress::compute(&start.format("%Y-%m").to_string(), &elders, &helpers), on))
}

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
