//! `shouwang case …`: cases 个案 of the chain 发现 → 报告 → 转介 → 救助 opened, advanced and closed;
//! shown and listed in `list`.

mod list;

use crate::context::Ctx;
use crate::error::Result;
use crate::output;
use crate::parse::{self, elder_id};
use clap::Subcommand;
use shouwang_core::case::{Closing, Opening, Outcome, Stage};
use shouwang_core::store::{Advance, CaseSaved};

/// `shouwang case …`
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Open a case at 发现 for an elder (from a visit's concern with `--visit`).
    Open {
        /// The elder's id.
        elder: String,
        /// What happened.
        #[arg(long)]
        summary: String,
        /// Who discovered it (default: the elder's helper).
        #[arg(long)]
        by: Option<String>,
        /// When it was discovered (RFC 3339 or `YYYY-MM-DD HH:MM` China time; default now).
        #[arg(long)]
        at: Option<String>,
        /// The visit whose concern opens the case.
        #[arg(long)]
        visit: Option<String>,
    },
    /// Record the next stage 报告 → 转介 → 救助 (default: the stage after the current one).
    Advance {
        /// The case's id.
        id: String,
        /// reported 报告, referred 转介 or assisted 救助.
        #[arg(long)]
        stage: Option<String>,
        /// Who owns the stage.
        #[arg(long)]
        by: String,
        /// When (default now).
        #[arg(long)]
        at: Option<String>,
        /// What was done.
        #[arg(long, default_value = "")]
        note: String,
        /// Why a stage is skipped (required to skip one).
        #[arg(long, default_value = "")]
        skip_reason: String,
    },
    /// Close a case with its outcome.
    Close {
        /// The case's id.
        id: String,
        /// resolved 已解决, hospitalised 已住院, enrolled 已纳入救助, with_family 家属接走, deceased 老人去世,
        /// not_needed 无需救助.
        #[arg(long)]
        outcome: String,
        /// Who closes it.
        #[arg(long)]
        by: String,
        /// When (default now).
        #[arg(long)]
        at: Option<String>,
        /// A remark.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// One case with its stages.
    Show {
        /// The case's id.
        id: String,
    },
    /// The committee's list of cases: open first, flagged first.
    List {
        /// Only open cases.
        #[arg(long)]
        open: bool,
        /// Only cases waiting at a stage longer than the policy allows.
        #[arg(long)]
        flagged: bool,
        /// One elder's.
        #[arg(long)]
        elder: Option<String>,
    },
    /// Emergencies and cases per month (for the monthly progress report).
    Months {
        /// First month: any date in it (YYYY-MM-DD; default: January of this year).
        #[arg(long)]
        from: Option<String>,
        /// Last month: any date in it (default: this month).
        #[arg(long)]
        to: Option<String>,
    },
}

/// Prints a saved case: its id, or the whole answer with `--json`.
fn saved(ctx: &Ctx, s: &CaseSaved, what: &str) {
    if ctx.json {
        return output::json(s);
    }
    println!("{what}: {}", s.case);
}

/// Runs `case …`.
pub fn run(ctx: &Ctx, cmd: CaseCommand) -> Result<()> {
    match cmd {
        CaseCommand::Open { elder, summary, by, at, visit } => {
            let elder = elder_id(&elder)?;
            let at = parse::time_opt("at", at.as_deref())?.unwrap_or(ctx.now);
            let mut store = ctx.open()?;
            let by = store.acting_for(&elder, by)?;
            let s = store.open_case(&elder, Opening { at, by, summary, visit, emergency: None }, ctx.now)?;
            saved(ctx, &s, "已立案（发现）/ case opened at 发现");
        }
        CaseCommand::Advance { id, stage, by, at, note, skip_reason } => {
            let mut store = ctx.open()?;
            let stage =
                stage.map(|s| parse::choice("stage", &s, Stage::parse, Stage::codes())).transpose()?;
            let at = parse::time_opt("at", at.as_deref())?;
            let s = store.advance_case_to(&id, Advance { stage, by, at, note, skip_reason }, ctx.now)?;
            let stage = stage.unwrap_or(store.case(&id)?.current().0);
            saved(ctx, &s, &format!("已推进到「{}」/ moved to {}", stage.zh(), stage.code()));
        }
        CaseCommand::Close { id, outcome, by, at, note } => {
            let outcome = parse::choice("outcome", &outcome, Outcome::parse, Outcome::codes())?;
            let at = parse::time_opt("at", at.as_deref())?.unwrap_or(ctx.now);
            let s = ctx.open()?.close_case(&id, Closing { at, by, outcome, note }, ctx.now)?;
            saved(ctx, &s, &format!("已结案：{} / closed: {}", outcome.zh(), outcome.code()));
        }
        CaseCommand::Show { id } => list::show(ctx, &id)?,
        CaseCommand::List { open, flagged, elder } => list::list(ctx, open, flagged, elder)?,
        CaseCommand::Months { from, to } => list::months(ctx, from, to)?,
    }
    Ok(())
}
