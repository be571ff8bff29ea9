//! `emergency`: an emergency 助急 logged, who was called and when; it opens a case at 发现.

use crate::context::Ctx;
use crate::error::Result;
use crate::output;
use crate::parse::{self, elder_id};
use clap::Args;
use shouwang_core::case::Party;
use shouwang_core::store::EmergencyReport;

/// `shouwang emergency …`
#[derive(Debug, Args)]
pub struct EmergencyArgs {
    /// The elder's id.
    pub elder: String,
    /// Who was called, comma-separated: family 家属, 120, doctor 村医, 110, 119, committee 村委会, neighbour 邻居.
    #[arg(long)]
    pub called: String,
    /// What happened.
    #[arg(long)]
    pub note: String,
    /// Who handled it (default: the elder's helper).
    #[arg(long)]
    pub by: Option<String>,
    /// When it happened (default now).
    #[arg(long)]
    pub at: Option<String>,
    /// When the calls were made (default: when it happened).
    #[arg(long)]
    pub called_at: Option<String>,
}

/// Runs `emergency ELDER --called … --note …`.
pub fn run(ctx: &Ctx, a: EmergencyArgs) -> Result<()> {
    let elder = elder_id(&a.elder)?;
    let called = parse::choices("called", &a.called, Party::parse, Party::codes)?;
    let at = parse::time_opt("at", a.at.as_deref())?;
    let called_at = parse::time_opt("called_at", a.called_at.as_deref())?;
    let report = EmergencyReport {
        called,
        called_at,
        at,
        summary: a.note,
        by: a.by,
        outcome: None,
        outcome_note: String::new(),
    };
    let s = ctx.open()?.log_emergency(&elder, report, ctx.now)?;
    if ctx.json {
        output::json(&s);
    } else {
        println!("已登记助急并立案（发现）/ emergency logged, case opened at 发现: {}", s.case);
    }
    Ok(())
}
