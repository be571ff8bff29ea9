//! `org show` and `org set`: the village's mutual-aid organisation (seed 004).

use crate::context::Ctx;
use crate::error::Result;
use crate::{output, parse};
use clap::Subcommand;
use shouwang_core::org::Org;
use std::path::PathBuf;

/// `shouwang org …`
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// The village's organisation: leading group, township brigade, village team.
    Show,
    /// Set it from a JSON object (file or standard input): `{"district": {"name", "members": [{"name", "title", "phone"}]}, "township": …, "village": …}`.
    Set {
        /// A JSON file (default: standard input).
        file: Option<PathBuf>,
    },
}

/// Runs `org …`.
pub fn run(ctx: &Ctx, cmd: OrgCommand) -> Result<()> {
    match cmd {
        OrgCommand::Show => {
            let org = ctx.open()?.org()?;
            if ctx.json {
                output::json(&org);
                return Ok(());
            }
            for (_, zh, body) in org.levels() {
                println!(
                    "{zh}{}",
                    if body.name.is_empty() { String::new() } else { format!("：{}", body.name) }
                );
                for m in &body.members {
                    println!("  {} {} {}", m.name, m.title, m.phone.as_deref().unwrap_or(""));
                }
            }
            Ok(())
        }
        OrgCommand::Set { file } => {
            let org: Org = parse::json_input(file.as_deref(), "组织体系", "an organisation")?;
            let changes = ctx.open()?.set_org(org, ctx.now)?;
            if ctx.json {
                output::json(&serde_json::json!({ "changes": changes }));
            } else {
                println!("已保存组织体系 / organisation saved ({changes} changes)");
            }
            Ok(())
        }
    }
}
