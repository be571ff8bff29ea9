//! `case show`, `case list` and `case months`: one case with its stages, the committee's list, the
//! counts per month.

use crate::context::Ctx;
use crate::error::Result;
use crate::output::{self, local, local_time};
use crate::parse::{self, elder_id};
use chrono::Datelike;
use shouwang_core::case::{Case, Outcome, Stage};
use shouwang_core::store::CaseFilter;

/// Runs `case show ID`.
pub fn show(ctx: &Ctx, id: &str) -> Result<()> {
    let c = ctx.open()?.case(id)?;
    if ctx.json {
        output::json(&c);
    } else {
        print_case(&c);
    }
    Ok(())
}

/// Runs `case list`.
pub fn list(ctx: &Ctx, open: bool, flagged: bool, elder: Option<String>) -> Result<()> {
    let filter = CaseFilter { open, flagged, elder: elder.as_deref().map(elder_id).transpose()? };
    let rows = ctx.open()?.cases(&filter, ctx.now)?;
    if ctx.json {
        output::json(&rows);
        return Ok(());
    }
    let zh = |code: &str| Stage::parse(code).map_or(code.to_string(), |s| s.zh().to_string());
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                if r.flagged { "⚠ 超时 overdue" } else { "" }.into(),
                r.elder_name.clone().unwrap_or_default(),
                local(&r.opened_at),
                if r.emergency { "助急" } else { "" }.into(),
                format!("{} {}", zh(&r.stage), local(&r.stage_at)),
                match &r.outcome {
                    Some(o) => Outcome::parse(o).map_or(o.clone(), |o| format!("结案 {}", o.zh())),
                    None => r.waiting_for.as_deref().map(|w| format!("待{}", zh(w))).unwrap_or_default(),
                },
                r.summary.chars().take(24).collect(),
                r.id.clone(),
            ]
        })
        .collect();
    output::table(&["", "老人", "发现", "", "当前环节", "状态", "情况", "编号 id"], &table);
    let open = rows.iter().filter(|r| r.closed_at.is_none()).count();
    let late = rows.iter().filter(|r| r.flagged).count();
    println!(
        "共 {} 件，未结 {open} 件，超时 {late} 件 / {} cases, {open} open, {late} overdue",
        rows.len(),
        rows.len()
    );
    Ok(())
}

/// Runs `case months`.
pub fn months(ctx: &Ctx, from: Option<String>, to: Option<String>) -> Result<()> {
    let today = ctx.today();
    let first = today.with_month(1).and_then(|d| d.with_day(1)).unwrap_or(today);
    let from = parse::date("from", from.as_deref(), first)?;
    let to = parse::date("to", to.as_deref(), today)?;
    let months = ctx.open()?.case_counts_by_month(from, to)?;
    if ctx.json {
        output::json(&months);
        return Ok(());
    }
    let table: Vec<Vec<String>> = months
        .iter()
        .map(|m| {
            vec![
                m.month.clone(),
                m.emergencies.to_string(),
                m.opened.to_string(),
                m.closed.to_string(),
                m.open_at_end.to_string(),
            ]
        })
        .collect();
    output::table(&["月份 month", "助急 emergencies", "立案 opened", "结案 closed", "月末未结 open"], &table);
    Ok(())
}

fn print_case(c: &Case) {
    let (stage, _) = c.current();
    println!("个案 / case {}  当前环节 {} {}", c.id, stage.zh(), stage.code());
    println!("  老人 elder: {}", c.elder);
    let t = local_time;
    println!("  发现 discovered: {}  {}  {}", t(c.opened.at), c.opened.by, c.opened.summary);
    if let Some(e) = &c.opened.emergency {
        let called: Vec<String> = e.called.iter().map(|p| format!("{} {}", p.zh(), p.code())).collect();
        println!("  助急 emergency: {} 联系 called {}", t(e.called_at), called.join("、"));
    }
    if let Some(v) = &c.opened.visit {
        println!("  探访 visit: {v}");
    }
    for s in &c.stages {
        println!("  {} {}: {}  {}  {}", s.stage.zh(), s.stage.code(), t(s.at), s.by, s.note);
        if !s.skip_reason.is_empty() {
            println!("    跳过理由 skip reason: {}", s.skip_reason);
        }
    }
    if let Some(x) = &c.closed {
        println!("  结案 closed: {}  {}  {} {}  {}", t(x.at), x.by, x.outcome.zh(), x.outcome.code(), x.note);
    }
}
