//! `enroll`, `sync`, `sync status` and `review`: this device and the relay.

use crate::context::Ctx;
use crate::error::Result;
use crate::output;
use clap::{Args, Subcommand};
use shouwang_sync::{Phase, Progress, SyncError};
use std::io::{IsTerminal, Write};

/// `shouwang enroll …`
#[derive(Debug, Args)]
pub struct EnrollArgs {
    /// The relay's address, e.g. http://127.0.0.1:8787.
    #[arg(long)]
    relay: String,
    /// The one-time code.
    #[arg(long)]
    code: String,
    /// A name for this device in the relay's device list (default: the host name).
    #[arg(long)]
    name: Option<String>,
    /// The key bundle (`SWK1.…`) a committee device issued for this device (`keys bundle`).
    #[arg(long)]
    keys: Option<String>,
}

/// `shouwang sync [status]`
#[derive(Debug, Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    command: Option<SyncCommand>,
}

/// `shouwang sync …`
#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Pending changes, last success, the relay, quarantined changes.
    Status,
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build()?)
}

/// `enroll`: this device enrolled with a relay by a one-time code.
pub fn enroll(ctx: &Ctx, a: EnrollArgs) -> Result<()> {
    let mut store = ctx.open()?;
    let name = a.name.unwrap_or_else(host_name);
    let keys = a.keys.as_deref();
    let state = runtime()?
        .block_on(shouwang_sync::enrol_with_keys(&mut store, &a.relay, &a.code, keys, &name, ctx.now))?;
    if ctx.json {
        output::json(&state);
    } else {
        println!(
            "已登记到中继 / enrolled with {}: 设备 / device {} 角色 / role {} 范围 / scope {}",
            state.relay, state.device_id, state.role, state.scope
        );
    }
    Ok(())
}

fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "shouwang".into())
}

/// Runs `sync` or `sync status`.
pub fn run(ctx: &Ctx, a: SyncArgs) -> Result<()> {
    match a.command {
        Some(SyncCommand::Status) => status(ctx),
        None => sync(ctx),
    }
}

fn sync(ctx: &Ctx) -> Result<()> {
    let mut store = ctx.open()?;
    let bar = !ctx.json && std::io::stderr().is_terminal();
    let mut draw = |p: &Progress| {
        if bar {
            let label = match p.phase {
                Phase::Push => "上传 / push",
                Phase::Pull => "下载 / pull",
            };
            let total = p.changes_total.max(p.changes_done).max(1);
            let filled = (30 * p.changes_done / total) as usize;
            eprint!(
                "\r{label} [{}{}] {}/{} changes, {} KiB",
                "#".repeat(filled),
                " ".repeat(30 - filled),
                p.changes_done,
                total,
                p.bytes_done / 1024
            );
            let _ = std::io::stderr().flush();
        }
    };
    let result = runtime()?.block_on(shouwang_sync::sync(&mut store, &mut draw, ctx.now));
    if bar {
        eprintln!();
    }
    let report = result?;
    let (pending, _) = store.outbox_totals()?;
    if ctx.json {
        output::json(&serde_json::json!({ "report": report, "pending_changes": pending }));
    } else {
        println!(
            "已同步 / synced: 发送 {} 条（已确认 {}），接收 {} 条新变更（重复 {}，隔离 {}），{} KiB",
            report.sent,
            report.acknowledged,
            report.received.applied,
            report.received.duplicates,
            report.received.quarantined,
            report.wire_bytes / 1024
        );
        if report.epoch_changed {
            println!("中继已从备份恢复，已重新上传全部变更 / the relay was restored from a backup: everything was sent again");
        }
        if report.held > 0 {
            println!(
                "{} 条变更本设备无权上传，保留在本机 / changes this device may not send, kept here",
                report.held
            );
        }
        if report.received.forbidden > 0 {
            println!(
                "{} 条收到的变更超出其发送设备的权限，已拦下待村委会审核（shouwang review）/ changes beyond what \
                 their sender's role may write were held for the committee's review",
                report.received.forbidden
            );
        }
        if report.routed + report.forgotten > 0 {
            println!(
                "派单变化：新接收 {} 位老人的记录，移除 {} 位已改派他人的老人 / routing: {} elders' records \
                 fetched, {} elders routed away removed from this tablet",
                report.routed, report.forgotten, report.routed, report.forgotten
            );
        }
        for notice in &report.notices {
            println!("{notice}");
        }
    }
    Ok(())
}

fn status(ctx: &Ctx) -> Result<()> {
    let store = ctx.open()?;
    let state = store.sync_state()?.ok_or(SyncError::NotEnrolled)?;
    let (pending, bytes) = store.outbox_totals()?;
    let quarantined = store.quarantined()?;
    let villages = store.space_cursors()?;
    let held = store.held_count()?;
    if ctx.json {
        output::json(&serde_json::json!({
            "state": state, "pending_changes": pending, "pending_bytes": bytes, "quarantined": quarantined,
            "villages": villages, "held_no_key": held,
        }));
        return Ok(());
    }
    if held > 0 {
        println!("缺少密钥 / held, no key  {held} changes (导入密钥包后解开 / opened once a key bundle is imported)");
    }
    println!("中继 / relay          {}", state.relay);
    println!("设备 / device         {} ({}, {})", state.device_id, state.role, state.scope);
    println!("待上传 / pending      {pending} changes, {} KiB", bytes / 1024);
    if villages.is_empty() {
        println!("已接收至 / cursor     {}", state.cursor);
    } else {
        // A township device pulls each village under its code with a cursor of its own.
        let (done, total) = villages.iter().fold((0, 0), |(d, t), v| (d + v.cursor.min(v.head), t + v.head));
        println!("各村进度 / villages   {} villages, {done}/{total} changes received", villages.len());
        for v in &villages {
            println!("  {} {}/{}", v.space, v.cursor.min(v.head), v.head);
        }
    }
    println!("上次成功 / last sync  {}", state.last_success.as_deref().unwrap_or("—"));
    if let Some(err) = &state.last_error {
        println!("上次错误 / last error {err}");
    }
    for (doc, why) in store.refused_outgoing()? {
        println!("中继拒收 / refused by the relay  {doc} ({why})");
    }
    if !quarantined.is_empty() {
        println!("隔离的变更 / quarantined changes:");
        for q in quarantined {
            println!("  {} {} {} ({})", q.received_at, q.doc, q.hash, q.reason);
        }
    }
    Ok(())
}

/// `review`: what two devices changed at once, and changes held for the committee.
pub fn review(ctx: &Ctx) -> Result<()> {
    let items = ctx.open()?.review_list()?;
    if ctx.json {
        output::json(&items);
        return Ok(());
    }
    if items.is_empty() {
        println!("没有待核对的冲突 / nothing to review");
    }
    for item in items {
        let values: Vec<String> = item.values.iter().map(ToString::to_string).collect();
        match item.held_from {
            Some(role) => println!(
                "{} {} {}: {} — {}设备的改写已拦下，未生效 / held, not applied: written by a {} device",
                item.elder,
                item.name,
                item.field,
                values.join(" | "),
                role.zh(),
                role.code()
            ),
            None => println!("{} {} {}: {}", item.elder, item.name, item.field, values.join(" | ")),
        }
    }
    Ok(())
}
