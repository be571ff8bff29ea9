//! `shouwang report progress [--month YYYY-MM] [--out X.xlsx|.csv|.json]`: the monthly progress report
//! (seed 004) from the store's elders, visits, helpers and cases.

use crate::context::Ctx;
use crate::error::{field, Result};
use crate::parse;
use chrono::NaiveDate;
use shouwang_core::progress::{self, ElderMonth, HelperMonth};
use shouwang_core::store::{CaseFilter, ElderFilter, VisitFilter};
use std::collections::BTreeMap;
use std::path::Path;

/// Runs `report progress`.
pub fn run(ctx: &Ctx, month: Option<&str>, out: Option<&Path>) -> Result<()> {
    let start = parse::month("month", month, ctx.today())?;
    let next = start.checked_add_months(chrono::Months::new(1)).expect("date in range");
    let last = next.pred_opt().expect("date in range");
    let on = ctx.today().min(last);
    let store = ctx.open()?;
    let china = shouwang_core::time::china();
    let at =
        |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_local_timezone(china).unwrap().to_utc();
    let mut elders: BTreeMap<String, ElderMonth> = BTreeMap::new();
    for row in store.list(&ElderFilter::default(), on)? {
        if row.status != "active" {
            continue;
        }
        let elder = store.elder(&row.id)?;
        elders.insert(row.id.to_string(), ElderMonth::new(&elder.unit));
    }
    let filter = VisitFilter { since: Some(at(start)), until: Some(at(next)), ..VisitFilter::default() };
    for v in store.visits(&filter)? {
        if let Some(e) = elders.get_mut(v.elder.as_str()) {
            e.visits += 1;
        }
    }
    for due in store.schedule(on)? {
        if let Some(e) = elders.get_mut(due.elder.as_str()) {
            e.overdue = due.days_overdue.is_some_and(|d| d > 0);
        }
    }
    for case in store.cases(&CaseFilter::default(), ctx.now)? {
        let Some(e) = elders.get_mut(&case.elder) else { continue };
        if case.closed_at.is_none() {
            e.open_cases += 1;
        }
        let opened = chrono::DateTime::parse_from_rfc3339(&case.opened_at)
            .map(|t| shouwang_core::time::local_date(t.to_utc()))
            .ok();
        if case.emergency && opened.is_some_and(|d| d >= start && d < next) {
            e.emergencies += 1;
        }
    }
    let unit = store.registry().unit.clone();
    let helpers: Vec<HelperMonth> = store
        .helpers()?
        .into_iter()
        .map(|h| HelperMonth { village: unit.clone(), active: h.status == "active" })
        .collect();
    let elders: Vec<ElderMonth> = elders.into_values().collect();
    let report = progress::compute(&start.format("%Y-%m").to_string(), &elders, &helpers);
    if let Some(out) = out {
        let ext = out.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
        let bytes = match ext.as_str() {
            "xlsx" => progress::to_xlsx(&report).map_err(|e| {
                field("out", format!("无法写出 XLSX：{e}"), format!("cannot write XLSX: {e}"))
            })?,
            "csv" => progress::to_csv(&report).into_bytes(),
            "json" => serde_json::to_vec_pretty(&progress::to_json(&report)).expect("json"),
            _ => {
                let (zh, en) = (
                    "输出文件应以 .xlsx、.csv 或 .json 结尾",
                    "the output file must end in .xlsx, .csv or .json",
                );
                return Err(field("out", zh, en).into());
            }
        };
        std::fs::write(out, bytes)?;
    }
    if ctx.json {
        println!("{}", serde_json::to_string_pretty(&progress::to_json(&report)).expect("json"));
    } else {
        println!("农村互助养老月度推进情况 {}", report.month);
        println!("{}", progress::HEADINGS.join("\t"));
        for line in progress::to_csv(&report).trim_start_matches('\u{feff}').lines().skip(1) {
            println!("{}", line.replace(',', "\t"));
        }
    }
    Ok(())
}
