//! `shouwang visit …`: visits 一访四查 logged and amended (`fields`: the options), shown and listed
//! (`list`), and drafts (`draft`).

mod draft;
mod fields;
mod list;

use crate::context::Ctx;
use crate::error::Result;
use crate::output;
use clap::Subcommand;
use draft::DraftCommand;
use fields::VisitFields;
use serde_json::{json, Value};
use shouwang_core::store::VisitSaved;

/// `shouwang visit …`
#[derive(Debug, Subcommand)]
pub enum VisitCommand {
    /// Log a visit 一访四查: from JSON (`--file`, or `-` for standard input) and/or options.
    Log(VisitFields),
    /// Correct a submitted visit: a new entry that amends it (the original stays in the history).
    Amend {
        /// The visit corrected.
        id: String,
        #[command(flatten)]
        fields: VisitFields,
    },
    /// One visit entry.
    Show {
        /// The visit's id.
        id: String,
    },
    /// Visits, newest first (an amended visit once, as its latest amendment); `--history` for one
    /// elder's every entry.
    List {
        /// One elder.
        #[arg(long)]
        elder: Option<String>,
        /// One helper.
        #[arg(long)]
        helper: Option<String>,
        /// From this date (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Every entry of the elder, originals and amendments alike.
        #[arg(long, requires = "elder")]
        history: bool,
    },
    /// Drafts kept on this device: save (JSON on standard input or a file), show, list, discard.
    Draft {
        #[command(subcommand)]
        command: DraftCommand,
    },
}

fn report(ctx: &Ctx, saved: &VisitSaved, case: Option<&str>, what: &str) {
    if ctx.json {
        let warnings: Vec<Value> = saved
            .warnings
            .iter()
            .map(|w| json!({ "rule": w.code(), "detail": w, "zh": w.zh(), "en": w.en() }))
            .collect();
        return output::json(&json!({
            "id": saved.id, "elder": saved.elder, "helper": saved.helper, "amends": saved.amends,
            "warnings": warnings, "changes": saved.changes, "case": case,
        }));
    }
    println!("{what}: {}", saved.id);
    if let Some(case) = case {
        println!("已立案（发现）/ case opened at 发现: {case}");
    }
    for w in &saved.warnings {
        println!("  提示 / warning: {} / {}", w.zh(), w.en());
    }
}

/// Runs `visit …`.
pub fn run(ctx: &Ctx, cmd: VisitCommand) -> Result<()> {
    match cmd {
        VisitCommand::Log(f) => {
            let visit = fields::build(ctx, fields::base(&f)?, &f)?;
            let mut store = ctx.open()?;
            let (saved, case) = if f.open_case {
                let (saved, case) = store.log_visit_opening_case(visit, ctx.now)?;
                (saved, Some(case))
            } else {
                (store.log_visit(visit, ctx.now)?, None)
            };
            report(ctx, &saved, case.as_ref().map(|c| c.case.as_str()), "已登记探访 / visit logged");
            Ok(())
        }
        VisitCommand::Amend { id, fields: mut f } => {
            let mut store = ctx.open()?;
            let map = fields::amending(&store.visit(&id)?, fields::base(&f)?);
            f.elder = None;
            let visit = fields::build(ctx, map, &f)?;
            let (saved, case) = if f.open_case {
                let (saved, case) = store.amend_visit_opening_case(&id, visit, ctx.now)?;
                (saved, Some(case))
            } else {
                (store.amend_visit(&id, visit, ctx.now)?, None)
            };
            let what = "已补正（原记录保留）/ amendment logged, original kept";
            report(ctx, &saved, case.as_ref().map(|c| c.case.as_str()), what);
            Ok(())
        }
        VisitCommand::Show { id } => list::show(ctx, &id),
        VisitCommand::List { elder, helper, since, history } => {
            list::list(ctx, elder, helper, since, history)
        }
        VisitCommand::Draft { command } => draft::run(ctx, command),
    }
}
