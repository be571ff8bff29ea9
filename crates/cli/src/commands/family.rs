//! `family call` and `family calls`: the family's calls to an elder (seed 002).

use crate::context::Ctx;
use crate::error::Result;
use crate::output::{self, local};
use crate::parse::{self, elder_id};
use clap::Subcommand;
use serde_json::json;
use shouwang_core::family::Call;

/// `shouwang family …`
#[derive(Debug, Subcommand)]
pub enum FamilyCommand {
    /// Log a call from the family (seed 002: supporters keep in touch).
    Call {
        /// The elder's id.
        elder: String,
        /// Who called.
        #[arg(long)]
        caller: String,
        /// Their relation, e.g. 儿子.
        #[arg(long, default_value = "")]
        relation: String,
        /// What was said.
        #[arg(long, default_value = "")]
        note: String,
        /// When (RFC 3339 or `YYYY-MM-DD HH:MM` China time; default now).
        #[arg(long)]
        at: Option<String>,
    },
    /// The family's calls to an elder.
    Calls {
        /// The elder's id.
        elder: String,
    },
}

/// Runs `family …`.
pub fn run(ctx: &Ctx, cmd: FamilyCommand) -> Result<()> {
    let mut store = ctx.open()?;
    match cmd {
        FamilyCommand::Call { elder, caller, relation, note, at } => {
            let elder = elder_id(&elder)?;
            let at = parse::time_opt("at", at.as_deref())?.unwrap_or(ctx.now);
            let id = store.log_family_call(
                &elder,
                Call { id: String::new(), at, caller, relation, note },
                ctx.now,
            )?;
            if ctx.json {
                output::json(&json!({ "id": id, "elder": elder }));
            } else {
                println!("已记录家属来电 / family call logged: {id}");
            }
        }
        FamilyCommand::Calls { elder } => {
            let calls = store.family_calls(&elder_id(&elder)?)?;
            if ctx.json {
                output::json(&calls);
            } else {
                for c in &calls {
                    println!("{} {}（{}）{}", local(&c.at.to_rfc3339()), c.caller, c.relation, c.note);
                }
                println!("共 {} 次 / {} calls", calls.len(), calls.len());
            }
        }
    }
    Ok(())
}
