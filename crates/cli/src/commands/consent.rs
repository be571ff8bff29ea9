//! `shouwang consent add|withdraw|list`: an elder's consents 知情同意 (PIPL 第29条), who gave them, how,
//! when, for what, and their withdrawal.

use crate::context::Ctx;
use crate::error::Result;
use crate::output;
use crate::parse::{self, elder_id, Parsed};
use clap::Subcommand;
use shouwang_core::consent::{Consent, Giver, Method, Purpose, Withdrawal};

/// `consent …`
#[derive(Debug, Subcommand)]
pub enum ConsentCommand {
    /// Record a consent.
    Add {
        /// The elder's id.
        elder: String,
        /// elder (本人) or relative (亲属).
        #[arg(long, default_value = "elder")]
        by: String,
        /// The relative's name (with `--by relative`).
        #[arg(long)]
        name: Option<String>,
        /// The relative's relation to the elder, e.g. 长子 (with `--by relative`).
        #[arg(long)]
        relation: Option<String>,
        /// signature (书面签字), thumbprint (按手印), oral_recorded (口头并录音), electronic (电子确认).
        #[arg(long)]
        method: String,
        /// Purposes, comma-separated: visits, risk_assessment, family_card, township_statistics (or their
        /// Chinese terms).
        #[arg(long, value_delimiter = ',', required = true)]
        purposes: Vec<String>,
        /// The day it was given (YYYY-MM-DD; default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// Withdraw a consent (the record is kept with its withdrawal).
    Withdraw {
        /// The elder's id.
        elder: String,
        /// The consent's id (see `consent list`).
        consent: String,
        /// Who withdrew it.
        #[arg(long)]
        by: String,
        /// The day (YYYY-MM-DD; default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// List an elder's consents.
    List {
        /// The elder's id.
        elder: String,
    },
}

/// Runs `consent …`.
pub fn run(ctx: &Ctx, cmd: ConsentCommand) -> Result<()> {
    let mut store = ctx.open()?;
    match cmd {
        ConsentCommand::Add { elder, by, name, relation, method, purposes, on } => {
            let elder = elder_id(&elder)?;
            let given_by = parse::choice("by", &by, Giver::parse, Giver::codes())?;
            let method = parse::choice("method", &method, Method::parse, Method::codes())?;
            let purposes = purposes
                .iter()
                .map(|p| parse::choice("purposes", p, Purpose::parse, Purpose::codes()))
                .collect::<Parsed<_>>()?;
            let c = Consent {
                id: String::new(),
                given_by,
                relative_name: name,
                relation,
                method,
                on: parse::date("on", on.as_deref(), ctx.today())?,
                purposes,
                withdrawn: None,
            };
            let saved = store.record_consent(&elder, c, ctx.now)?;
            if ctx.json {
                output::json(&saved);
            } else {
                println!("已记录知情同意 {} / consent {} recorded", saved.id, saved.id);
            }
            Ok(())
        }
        ConsentCommand::Withdraw { elder, consent, by, on } => {
            let elder = elder_id(&elder)?;
            let w = Withdrawal { on: parse::date("on", on.as_deref(), ctx.today())?, by };
            let c = store.withdraw_consent(&elder, &consent, w, ctx.now)?;
            if ctx.json {
                output::json(&c);
            } else {
                println!("已撤回知情同意 {} / consent {} withdrawn", c.id, c.id);
            }
            Ok(())
        }
        ConsentCommand::List { elder } => {
            let elder = elder_id(&elder)?;
            let list = store.consents(&elder)?;
            if ctx.json {
                output::json(&list);
                return Ok(());
            }
            if list.is_empty() {
                println!("未签同意 / no consent recorded");
                return Ok(());
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|c| {
                    let who = match (&c.relative_name, &c.relation) {
                        (Some(n), Some(r)) => format!("{n}（{r}）"),
                        _ => c.given_by.zh().to_string(),
                    };
                    let purposes: Vec<&str> = c.purposes.iter().map(|p| p.zh()).collect();
                    let withdrawn =
                        c.withdrawn.as_ref().map_or("—".to_string(), |w| format!("{} {}", w.on, w.by));
                    vec![
                        c.id.clone(),
                        c.on.to_string(),
                        who,
                        c.method.zh().into(),
                        purposes.join("、"),
                        withdrawn,
                    ]
                })
                .collect();
            output::table(
                &["编号 id", "日期 on", "同意人 by", "方式 method", "用途 purposes", "撤回 withdrawn"],
                &rows,
            );
            Ok(())
        }
    }
}
