//! `due`: who is due or overdue for a visit; `--helper H --today`: a helper's walking round.

use crate::context::Ctx;
use crate::error::Result;
use crate::output;
use crate::parse::{self, helper_id};
use clap::Args;
use shouwang_core::schedule::{ElderDue, Status};

/// `shouwang due …`
#[derive(Debug, Args)]
pub struct DueArgs {
    /// One helper's elders.
    #[arg(long)]
    pub helper: Option<String>,
    /// The helper's list for today, ordered as a walking round (needs `--helper`).
    #[arg(long, requires = "helper")]
    pub today: bool,
    /// Only elders overdue or due today.
    #[arg(long)]
    pub overdue: bool,
    /// The date (YYYY-MM-DD; default today).
    #[arg(long)]
    pub date: Option<String>,
}

/// Runs `due …`.
pub fn run(ctx: &Ctx, a: DueArgs) -> Result<()> {
    let store = ctx.open()?;
    let date = parse::date("date", a.date.as_deref(), ctx.today())?;
    let helper = a.helper.as_deref().map(helper_id).transpose()?;
    let list: Vec<ElderDue> = match (&helper, a.today) {
        (Some(h), true) => store.today_round(h, date)?,
        _ => store
            .schedule(date)?
            .into_iter()
            .filter(|e| helper.is_none() || e.helper == helper)
            .filter(|e| !a.overdue || e.is_due())
            .collect(),
    };
    if ctx.json {
        output::json(&list);
        return Ok(());
    }
    let table: Vec<Vec<String>> = list
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                (i + 1).to_string(),
                e.name.clone(),
                e.status.zh().to_string(),
                e.last_visit.map(|d| d.to_string()).unwrap_or("从未探访 never".into()),
                e.due_on.map(|d| d.to_string()).unwrap_or("—".into()),
                e.days_overdue.map(|d| d.to_string()).unwrap_or_default(),
                if e.high_risk { "高风险" } else { "" }.into(),
                e.elder.to_string(),
            ]
        })
        .collect();
    output::table(&["#", "姓名", "状态", "上次探访", "应访日期", "逾期天数", "", "编号 id"], &table);
    let overdue = list.iter().filter(|e| e.status == Status::Overdue).count();
    println!("共 {} 人，逾期 {overdue} 人 / {} elders, {overdue} overdue", list.len(), list.len());
    Ok(())
}
