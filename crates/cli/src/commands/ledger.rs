//! `shouwang import` and `shouwang export`: the ledger (信息台账) in and out of Excel and CSV.

use crate::context::Ctx;
use crate::error::{field, Result};
use crate::output;
use clap::Args;
use shouwang_core::ledger::{self, Action, ImportContext};
use shouwang_core::policy::Policy;
use shouwang_core::store::Error;
use std::path::PathBuf;

/// `shouwang import …`
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file.
    file: PathBuf,
    /// Check every row and report; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// The worksheet (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// The survey round's date (YYYY-MM-DD) the ledger's 外出务工年限 and ages are the situation of,
    /// for rows without a 填报日期; default: the policy's latest cutoff (广东 30 September).
    #[arg(long)]
    as_of: Option<String>,
}

/// `shouwang export …`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The file to write.
    file: PathBuf,
}

/// `shouwang import FILE [--dry-run] [--sheet NAME] [--as-of YYYY-MM-DD]`.
pub fn import(ctx: &Ctx, a: ImportArgs) -> Result<()> {
    let dry_run = a.dry_run;
    let mut store = ctx.open()?;
    let registry = store.registry().clone();
    let policy =
        Policy::builtin(&registry.policy).ok_or_else(|| Error::UnknownPolicy(registry.policy.clone()))?;
    let sheet = ledger::read_file(&a.file, a.sheet.as_deref())?;
    let mut ictx = ImportContext::new(registry.unit.clone(), policy, ctx.today());
    ictx.as_of = a.as_of.as_deref().map(|d| crate::parse::date("as-of", Some(d), ctx.today())).transpose()?;
    let plan = ledger::plan(&sheet, &store, &ictx)?;
    let applied = if dry_run { None } else { Some(ledger::apply(&plan, &mut store, ctx.now)?) };
    if ctx.json {
        output::json(&serde_json::json!({
            "dry_run": dry_run,
            "rows": plan.rows.len(),
            "ok": plan.ok(),
            "with_warnings": plan.with_warnings(),
            "existing": plan.existing(),
            "refused": plan.refused(),
            "imported": applied.as_ref().map(|a| a.added.len()),
            "ignored_headings": plan.ignored_headings,
            "plan": plan.rows,
        }));
        return refused_rows(plan.refused(), dry_run);
    }
    println!(
        "{}：共 {} 行；可导入 {}（其中有提示 {}）；已登记跳过 {}；拒绝 {}",
        if dry_run { "试导入（未写入）" } else { "导入" },
        plan.rows.len(),
        plan.ok() + plan.with_warnings(),
        plan.with_warnings(),
        plan.existing(),
        plan.refused()
    );
    println!(
        "{}: {} rows; {} to import ({} with warnings); {} already registered, skipped; {} refused",
        if dry_run { "dry run (nothing written)" } else { "import" },
        plan.rows.len(),
        plan.ok() + plan.with_warnings(),
        plan.with_warnings(),
        plan.existing(),
        plan.refused()
    );
    if !plan.ignored_headings.is_empty() {
        println!("未识别的列（已忽略）/ unknown columns (ignored): {}", plan.ignored_headings.join(", "));
    }
    for row in plan.rows.iter().filter(|r| !r.problems.is_empty()) {
        let what = match row.action {
            Action::Refuse => "拒绝 / refused",
            Action::Add => "导入，有提示 / imported with warnings",
            Action::Existing { .. } => "已登记 / already registered",
        };
        println!("第 {} 行 row {} {}：{what}", row.row, row.row, row.name);
        for p in &row.problems {
            let tag = if p.warning { "提示" } else { "错误" };
            println!("  {tag} [{}] {}: {}", p.column, p.rule, p.zh);
            println!("       [{}] {}: {}", p.column, p.rule, p.en);
        }
    }
    if let Some(a) = applied {
        println!("已导入 {} 位老人 / imported {} elders", a.added.len(), a.added.len());
    }
    refused_rows(plan.refused(), dry_run)
}

/// A run with refused rows exits 2 (after the good rows were imported), so a script can tell.
fn refused_rows(refused: usize, dry_run: bool) -> Result<()> {
    if refused == 0 {
        return Ok(());
    }
    let (zh_done, en_done) = if dry_run {
        ("未写入任何记录", "nothing was written")
    } else {
        ("其余行已导入", "the other rows were imported")
    };
    Err(field(
        "file",
        format!("有 {refused} 行被拒绝（见上），{zh_done}"),
        format!("{refused} rows were refused (listed above); {en_done}"),
    )
    .into())
}

/// `shouwang export FILE`: every active elder of the registry, with the ledger's headings.
pub fn export(ctx: &Ctx, a: ExportArgs) -> Result<()> {
    let file = &a.file;
    let store = ctx.open()?;
    let elders = store.ledger_elders(ctx.now)?;
    ledger::export(&elders, ctx.today(), file)?;
    let n = elders.iter().filter(|e| e.is_active()).count();
    if ctx.json {
        output::json(&serde_json::json!({ "file": file, "elders": n }));
    } else {
        println!("已导出 {n} 位老人到 {} / exported {n} elders to {}", file.display(), file.display());
    }
    Ok(())
}
