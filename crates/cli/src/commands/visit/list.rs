//! `visit show` and `visit list`: one entry, the list newest first, or one elder's every entry.

use crate::context::Ctx;
use crate::error::Result;
use crate::output::{self, local};
use crate::parse::{self, elder_id, helper_id};
use shouwang_core::store::VisitFilter;
use shouwang_core::visit::{CheckItem, Mode, Service, Verdict, Visit};

/// Runs `visit show ID`.
pub fn show(ctx: &Ctx, id: &str) -> Result<()> {
    let v = ctx.open()?.visit(id)?;
    if ctx.json {
        output::json(&v);
    } else {
        print_visit(&v);
    }
    Ok(())
}

/// Runs `visit list`.
pub fn list(
    ctx: &Ctx,
    elder: Option<String>,
    helper: Option<String>,
    since: Option<String>,
    history: bool,
) -> Result<()> {
    let store = ctx.open()?;
    if history {
        let elder = elder_id(elder.as_deref().unwrap_or_default())?;
        let all = store.visit_history(&elder)?;
        if ctx.json {
            output::json(&all);
        } else {
            for v in &all {
                print_visit(v);
                println!();
            }
            println!("共 {} 条记录（含补正）/ {} entries, amendments included", all.len(), all.len());
        }
        return Ok(());
    }
    let since = since
        .map(|s| parse::date("since", Some(&s), ctx.today()))
        .transpose()?
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| t.and_local_timezone(shouwang_core::time::china()).single())
        .map(|t| t.to_utc());
    let filter = VisitFilter {
        elder: elder.as_deref().map(elder_id).transpose()?,
        helper: helper.as_deref().map(helper_id).transpose()?,
        since,
        until: None,
    };
    let rows = store.visits(&filter)?;
    if ctx.json {
        output::json(&rows);
        return Ok(());
    }
    let verdict = |c: &str| match Verdict::parse(c) {
        Some(Verdict::Fine) => "✓",
        Some(Verdict::Concern) => "✗",
        None => "?",
    };
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                local(&r.at),
                r.elder_name.clone().unwrap_or_default(),
                r.helper_name.clone().unwrap_or_default(),
                Mode::parse(&r.mode).map_or(r.mode.clone(), |m| m.zh().into()),
                r.checks.iter().map(|c| verdict(c)).collect::<Vec<_>>().join(""),
                r.services
                    .iter()
                    .filter_map(|s| Service::parse(s))
                    .map(Service::zh)
                    .collect::<Vec<_>>()
                    .join("、"),
                if r.amends.is_some() { "补正 amended" } else { "" }.into(),
                r.id.clone(),
            ]
        })
        .collect();
    output::table(&["时间", "老人", "互助员", "方式", "吃穿住医", "服务", "", "编号 id"], &table);
    println!("共 {} 次探访 / {} visits", rows.len(), rows.len());
    Ok(())
}

fn print_visit(v: &Visit) {
    println!(
        "探访 / visit {}{}",
        v.id,
        v.amends.as_ref().map(|a| format!("（补正 {a} / amends {a}）")).unwrap_or_default()
    );
    println!("  老人 elder: {}", v.elder);
    println!("  互助员 helper: {}", v.helper);
    println!("  时间 at: {}", v.at.with_timezone(&shouwang_core::time::china()).format("%Y-%m-%d %H:%M"));
    println!("  方式 mode: {} {}  时长 {} 分钟 / min", v.mode.zh(), v.mode.code(), v.duration_minutes);
    for &item in CheckItem::ALL {
        let c = v.checks.get(item);
        let verdict = c.verdict.map_or("—", |x| x.zh());
        println!("  {} {}: {verdict} {}", item.zh(), item.code(), c.note);
    }
    let services: Vec<&str> = v.services.iter().map(|s| s.zh()).collect();
    println!("  服务 services: {}", services.join("、"));
    if !v.follow_up.is_empty() {
        println!("  跟进 follow-up: {}", v.follow_up);
    }
    if let Some(d) = v.home_distance_m {
        println!("  距住址 from home: {d:.0} m");
    }
}
