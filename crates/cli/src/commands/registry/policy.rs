//! `policy list` and `policy show`: the built-in policy profiles.

use crate::context::Ctx;
use crate::error::Result;
use crate::output;
use clap::Subcommand;
use shouwang_core::policy::Policy;
use shouwang_core::store::Error;

/// `shouwang policy …`
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// The built-in profiles.
    List,
    /// One profile in full.
    Show {
        /// Its name.
        name: String,
    },
}

/// Runs `policy …`.
pub fn run(ctx: &Ctx, cmd: PolicyCommand) -> Result<()> {
    match cmd {
        PolicyCommand::List => {
            let all = Policy::all_builtin();
            if ctx.json {
                output::json(&all);
            } else {
                let rows: Vec<Vec<String>> = all
                    .iter()
                    .map(|p| {
                        vec![
                            p.id.clone(),
                            p.name.clone(),
                            format!("{} 个月", p.absence_months),
                            format!("{:?}", p.age_cutoff),
                            format!("{} 天", p.visit_interval_days),
                        ]
                    })
                    .collect();
                output::table(&["profile", "名称", "外出时限", "年龄截止 / age cutoff", "探访周期"], &rows);
            }
        }
        PolicyCommand::Show { name } => {
            let p = Policy::builtin(&name).ok_or(Error::UnknownPolicy(name))?;
            if ctx.json {
                output::json(&p);
            } else {
                print!("{}", toml::to_string_pretty(&p).unwrap_or_default());
            }
        }
    }
    Ok(())
}
