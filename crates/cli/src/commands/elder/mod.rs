//! `shouwang elder …`: one elder at a time (add, set, show, export, erase, archive, check), and lists.

mod list;
mod set;
mod show;

use crate::context::Ctx;
use crate::error::{bad_json, Result};
use crate::output;
use crate::parse::{self, elder_id};
use clap::Subcommand;
use shouwang_core::elder::{Elder, ElderId, Status};
use shouwang_core::policy::{eligibility, Policy};
use shouwang_core::store::{Error, Saved};
use std::io::Read;

/// `shouwang elder …`
#[derive(Debug, Subcommand)]
pub enum ElderCommand {
    /// Register an elder from a JSON object on standard input (field names in the README).
    Add {
        /// Accept 15-digit pre-1999 ID numbers from old ledgers and convert them to 18 digits.
        #[arg(long)]
        legacy_ids: bool,
    },
    /// Change fields: `FIELD=VALUE`, e.g. `phone=13912345678 health=ill illness=高血压 categories=独居,经济困难`.
    Set {
        /// The elder's id.
        id: String,
        /// `FIELD=VALUE` pairs; an empty value clears the field; nested fields with dots (`migration.away_since=2020-03`).
        #[arg(required = true)]
        fields: Vec<String>,
    },
    /// Show one elder's whole record, laid out like the registration form.
    Show {
        /// The elder's id.
        id: String,
    },
    /// Export everything held on one elder as one JSON document (PIPL 查阅复制权; office; logged).
    ExportData {
        /// The elder's id.
        id: String,
        /// Write it to this file instead of standard output.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// List elders, filtered and sorted.
    List(list::ListArgs),
    /// Erase an elder on request (committee): their key is destroyed and every record deleted, here and
    /// on every office device as it syncs; the relay drops what it holds.
    Erase {
        /// The elder's id.
        id: String,
        /// Why (e.g. 本人申请删除); no personal data.
        #[arg(long)]
        reason: String,
    },
    /// Archive an elder who moved away or died (the record is kept).
    Archive {
        /// The elder's id.
        id: String,
        /// Why (迁往…, 于…病故).
        #[arg(long)]
        reason: String,
        /// moved_away (迁出) or deceased (死亡).
        #[arg(long, default_value = "moved_away")]
        status: String,
        /// When it took effect (YYYY-MM-DD; default today).
        #[arg(long)]
        on: Option<String>,
    },
    /// Whether the elder counts as left-behind under the registry's profile, and every reason if not.
    Check {
        /// The elder's id.
        id: String,
        /// Assessment date (YYYY-MM-DD; default today).
        #[arg(long)]
        date: Option<String>,
        /// Another profile than the registry's.
        #[arg(long)]
        profile: Option<String>,
    },
}

/// Runs `elder …`.
pub fn run(ctx: &Ctx, cmd: ElderCommand) -> Result<()> {
    match cmd {
        ElderCommand::Add { legacy_ids } => add(ctx, legacy_ids),
        ElderCommand::Set { id, fields } => {
            let id = elder_id(&id)?;
            let saved = ctx.open()?.update_elder(&id, ctx.now, |e| set::apply(e, &fields))?;
            report_saved(ctx, &saved, "已更新 / updated");
            Ok(())
        }
        ElderCommand::Show { id } => show::show(ctx, &elder_id(&id)?),
        ElderCommand::ExportData { id, out } => export_data(ctx, &elder_id(&id)?, out.as_deref()),
        ElderCommand::Erase { id, reason } => erase(ctx, &elder_id(&id)?, &reason),
        ElderCommand::List(args) => list::list(ctx, args),
        ElderCommand::Archive { id, reason, status, on } => {
            let id = elder_id(&id)?;
            let status = parse::choice("status", &status, Status::parse, "moved_away, deceased".into())?;
            let on = parse::date("on", on.as_deref(), ctx.today())?;
            let saved = ctx.open()?.archive_elder(&id, status, &reason, on, ctx.now)?;
            report_saved(
                ctx,
                &saved,
                &format!("已注销（{}），记录保留 / archived as {}, record kept", status.zh(), status.code()),
            );
            Ok(())
        }
        ElderCommand::Check { id, date, profile } => {
            check(ctx, &elder_id(&id)?, date.as_deref(), profile.as_deref())
        }
    }
}

fn add(ctx: &Ctx, legacy_ids: bool) -> Result<()> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let elder: Elder = serde_json::from_str(&input).map_err(|e| {
        bad_json(
            &e,
            format!("标准输入的 JSON 不符合登记表格式：{e}"),
            format!("the JSON on standard input is not a registration record: {e}"),
        )
    })?;
    let mut store = ctx.open()?;
    let saved =
        if legacy_ids { store.import_elder(elder, ctx.now)? } else { store.add_elder(elder, ctx.now)? };
    report_saved(ctx, &saved, "已登记 / registered");
    Ok(())
}

/// `elder erase ID --reason …` (committee): crypto-shredding of one elder, here and everywhere it syncs.
fn erase(ctx: &Ctx, id: &ElderId, reason: &str) -> Result<()> {
    ctx.open()?.erase_elder(id, reason, ctx.now)?;
    if ctx.json {
        output::json(&serde_json::json!({ "erased": id }));
    } else {
        println!("已删除 / erased {id}：密钥已销毁，同步后各设备同样删除 / key destroyed; devices erase it as they sync");
    }
    Ok(())
}

fn report_saved(ctx: &Ctx, saved: &Saved, what: &str) {
    if ctx.json {
        return output::json(saved);
    }
    println!("{what}: {}{}", saved.id, if saved.changes == 0 { "（无变化 / unchanged）" } else { "" });
    for w in &saved.warnings {
        println!("  提示 / warning {}: {} / {}", w.field, w.rule.zh(), w.rule.en());
    }
}

/// `elder export-data ID [--out FILE]`: everything held on one elder, one JSON document; the export
/// is logged in the audit log.
fn export_data(ctx: &Ctx, id: &ElderId, out: Option<&std::path::Path>) -> Result<()> {
    let export = ctx.open()?.export_elder(id, ctx.now)?;
    let text = serde_json::to_string_pretty(&export).expect("an export serialises");
    match out {
        Some(path) => {
            std::fs::write(path, text + "\n")?;
            if ctx.json {
                output::json(&serde_json::json!({ "elder": id, "out": path }));
            } else {
                println!("已导出到 {} / exported to {}", path.display(), path.display());
            }
        }
        None => println!("{text}"),
    }
    Ok(())
}

fn check(ctx: &Ctx, id: &ElderId, date: Option<&str>, profile: Option<&str>) -> Result<()> {
    let store = ctx.open()?;
    let date = parse::date("date", date, ctx.today())?;
    let name = profile.unwrap_or(&store.registry().policy).to_string();
    let policy = Policy::builtin(&name).ok_or(Error::UnknownPolicy(name))?;
    let elder = store.elder(id)?;
    let result = eligibility(&elder, &policy, date);
    if ctx.json {
        output::json(&result);
        return Ok(());
    }
    println!(
        "{}（{}，截止日 / cutoff {}，{} 周岁）",
        elder.name, policy.name, result.cutoff, result.age_at_cutoff
    );
    if result.is_left_behind() {
        println!("  属于农村留守老年人 / counts as a left-behind elder");
    } else if result.eligible {
        println!("  不属于留守老年人，但属于本地服务对象 / not left behind, but served under this profile:");
        let basis = serde_json::to_value(&result.basis).unwrap_or_default();
        for b in basis.as_array().into_iter().flatten() {
            println!("    {} / {}", b["zh"].as_str().unwrap_or(""), b["en"].as_str().unwrap_or(""));
        }
    } else {
        println!("  不属于农村留守老年人 / does not count as a left-behind elder:");
    }
    for reason in &result.reasons {
        println!("    - {} / {}", reason.zh(), reason.en());
    }
    Ok(())
}
