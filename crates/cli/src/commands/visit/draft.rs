//! `visit draft …`: drafts of visits kept on this device (never synced).

use crate::context::Ctx;
use crate::error::{field, Result};
use crate::output;
use crate::parse::{self, elder_id};
use clap::Subcommand;
use serde_json::{json, Value};
use std::path::PathBuf;

/// `shouwang visit draft …`
#[derive(Debug, Subcommand)]
pub enum DraftCommand {
    /// Save the draft of a visit for an elder (any JSON the form holds).
    Save {
        /// The elder's id.
        elder: String,
        /// A JSON file (default: standard input).
        file: Option<PathBuf>,
    },
    /// Show the draft for an elder.
    Show {
        /// The elder's id.
        elder: String,
    },
    /// Every draft on this device.
    List,
    /// Throw a draft away.
    Discard {
        /// The elder's id.
        elder: String,
    },
}

/// Runs `visit draft …`.
pub fn run(ctx: &Ctx, cmd: DraftCommand) -> Result<()> {
    let mut store = ctx.open()?;
    match cmd {
        DraftCommand::Save { elder, file } => {
            let elder = elder_id(&elder)?;
            let draft: Value = parse::json_input(file.as_deref(), "草稿", "a draft")?;
            store.save_visit_draft(&elder, &draft, ctx.now)?;
            if ctx.json {
                output::json(&json!({ "elder": elder, "saved": true }));
            } else {
                println!("草稿已保存在本机 / draft saved on this device: {elder}");
            }
        }
        DraftCommand::Show { elder } => {
            let elder = elder_id(&elder)?;
            match store.visit_draft(&elder)? {
                Some(d) => output::json(&d),
                None => {
                    let (zh, en) = (format!("老人 {elder} 没有草稿"), format!("no draft for elder {elder}"));
                    return Err(field("elder", zh, en).into());
                }
            }
        }
        DraftCommand::List => {
            let all = store.visit_drafts()?;
            if ctx.json {
                output::json(
                    &all.iter().map(|(e, t)| json!({ "elder": e, "updated_at": t })).collect::<Vec<_>>(),
                );
            } else {
                for (e, t) in &all {
                    println!("{e} {t}");
                }
                println!("共 {} 份草稿 / {} drafts", all.len(), all.len());
            }
        }
        DraftCommand::Discard { elder } => {
            let elder = elder_id(&elder)?;
            let had = store.discard_visit_draft(&elder)?;
            if ctx.json {
                output::json(&json!({ "elder": elder, "discarded": had }));
            } else {
                println!("{}", if had { "草稿已删除 / draft discarded" } else { "没有草稿 / no draft" });
            }
        }
    }
    Ok(())
}
