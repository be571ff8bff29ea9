//! `shouwang report summary`: the summary table 汇总表 (附件2) with its checks; `report progress` (in
//! `progress`): the monthly progress report.

mod progress;

use crate::context::Ctx;
use crate::error::{field, Result};
use crate::output;
use crate::parse;
use clap::Subcommand;
use shouwang_core::report::{export, Entered};
use shouwang_core::store::SummaryRequest;
use std::path::PathBuf;

/// `shouwang report …`
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The summary table 汇总表 (附件2) of a unit on a date, with every cross-column check 勾稽关系.
    Summary {
        /// Layout: guangdong (17 columns) or liaoning (27 columns).
        #[arg(long)]
        layout: String,
        /// 12-digit unit code: a village, township or county (default: the registry's unit).
        #[arg(long)]
        unit: Option<String>,
        /// The table's date, YYYY-MM-DD (default today); ages count at the policy's cutoff for it.
        #[arg(long)]
        date: Option<String>,
        /// Count ages and absences at this date instead of the policy's cutoff (e.g. a new survey's
        /// date under the Liaoning profile, whose cutoff is the 2017 survey's 2017-12-31).
        #[arg(long)]
        cutoff: Option<String>,
        /// A column the office enters by hand, `N=VALUE` (e.g. `17=1234`); repeatable.
        #[arg(long)]
        entered: Vec<String>,
        /// Also write the table to FILE (.xlsx laid out as the printed form, .csv or .json).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The monthly progress report (seed 004, due by the 25th): per village and township, elders
    /// served, visits, 月探访率, overdue, active helpers, emergencies, open cases.
    Progress {
        /// The month, YYYY-MM (default this month).
        #[arg(long)]
        month: Option<String>,
        /// Also write it to FILE (.xlsx, .csv or .json).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Runs `report …`.
pub fn run(ctx: &Ctx, cmd: ReportCommand) -> Result<()> {
    let (layout, unit, date, cutoff, entered, out) = match cmd {
        ReportCommand::Summary { layout, unit, date, cutoff, entered, out } => {
            (layout, unit, date, cutoff, entered, out)
        }
        ReportCommand::Progress { month, out } => {
            return progress::run(ctx, month.as_deref(), out.as_deref());
        }
    };
    let mut values = Entered::default();
    for e in &entered {
        let parsed =
            e.split_once('=').and_then(|(n, v)| Some((n.trim().parse().ok()?, v.trim().parse().ok()?)));
        let (n, v) = parsed.ok_or_else(|| {
            field(
                "entered",
                format!("应写成 列号=数值，如 17=1234；收到 {e:?}"),
                format!("write COLUMN=VALUE, e.g. 17=1234; got {e:?}"),
            )
        })?;
        values.0.insert(n, v);
    }
    let request = SummaryRequest {
        layout: Some(layout),
        unit: unit.map(|u| parse::unit("unit", &u)).transpose()?,
        date: date.map(|d| parse::date("date", Some(&d), ctx.today())).transpose()?,
        cutoff: cutoff.map(|c| parse::date("cutoff", Some(&c), ctx.today())).transpose()?,
        entered: values,
    };
    let (table, layout) = ctx.open()?.summary(&request, ctx.today())?;
    if let Some(path) = &out {
        export::write(&table, &layout, path)?;
    }
    if ctx.json {
        output::json(&serde_json::json!({ "summary": table, "passes": table.passes(), "out": out }));
        return Ok(());
    }
    let unit_label = if table.unit_name.is_empty() {
        table.unit.clone()
    } else {
        format!("{}（{}）", table.unit_name, table.unit)
    };
    println!("{}", table.title);
    println!("{}{}    {}{}", layout.unit_label, unit_label, layout.date_label, table.date);
    println!(
        "计入 {} 人（年龄计算截止 {}）；未计入（非留守）{} 人 / counted {} (ages at {}); not counted (not left behind) {}",
        table.counted, table.cutoff, table.not_counted, table.counted, table.cutoff, table.not_counted
    );
    let mut header = vec!["列".to_string(), "栏目 / heading".to_string()];
    header.extend(table.rows.iter().map(|r| if r.name.is_empty() { r.unit.clone() } else { r.name.clone() }));
    header.push("合计".into());
    let rows: Vec<Vec<String>> = table
        .headings
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mut line = vec![(i + 1).to_string(), h.join("·")];
            for r in table.rows.iter().chain(std::iter::once(&table.total)) {
                line.push(r.values[i].map(|v| v.to_string()).unwrap_or_else(|| "—".into()));
            }
            line
        })
        .collect();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    output::table(&header_refs, &rows);
    println!("勾稽关系 / checks:");
    for c in &table.checks {
        let row = if c.total { "合计 total".to_string() } else { c.unit.clone() };
        println!("  {} [{row}] {}", if c.passed { "✓" } else { "✗" }, c.zh());
        if !c.passed {
            println!("      {}", c.en());
        }
    }
    if table.checks.is_empty() {
        println!("  （无可运行的检查 / no check could run）");
    }
    if let Some(path) = out {
        println!("已写入 / written: {}", path.display());
    }
    Ok(())
}
