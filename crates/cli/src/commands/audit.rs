//! `shouwang audit list [--elder ID]` and `shouwang audit verify`: the audit log 审计日志 of every
//! device this office holds — who viewed or changed which sensitive field of which elder, when.

use crate::context::Ctx;
use crate::error::Result;
use crate::output;
use crate::parse::elder_id;
use clap::Subcommand;
use shouwang_core::store::Error;

/// `audit …`
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List the entries (this device's and those synced from the others), oldest first.
    List {
        /// Only the entries about this elder.
        #[arg(long)]
        elder: Option<String>,
    },
    /// Check every device's hash chain; exits with 1 and lists each break when one is broken.
    Verify,
}

/// Runs `audit …`.
pub fn run(ctx: &Ctx, cmd: AuditCommand) -> Result<()> {
    let store = ctx.open()?;
    match cmd {
        AuditCommand::List { elder } => {
            let elder = elder.as_deref().map(elder_id).transpose()?;
            let entries = store.audit_log(elder.as_ref())?;
            if ctx.json {
                output::json(&entries);
                return Ok(());
            }
            let rows: Vec<Vec<String>> = entries
                .iter()
                .map(|e| {
                    vec![
                        e.at.clone(),
                        e.device.chars().take(8).collect(),
                        e.seq.to_string(),
                        e.role.zh().to_string(),
                        e.action.zh().to_string(),
                        e.elder.as_ref().map_or("—".into(), ToString::to_string),
                        e.fields.join(","),
                    ]
                })
                .collect();
            output::table(
                &[
                    "时间 at",
                    "设备 device",
                    "序号 seq",
                    "角色 role",
                    "操作 action",
                    "老人 elder",
                    "字段 fields",
                ],
                &rows,
            );
            Ok(())
        }
        AuditCommand::Verify => {
            let breaks = store.verify_audit()?;
            if ctx.json {
                output::json(&serde_json::json!({ "ok": breaks.is_empty(), "breaks": breaks }));
            } else if breaks.is_empty() {
                println!("审计日志完整 / the audit log verifies: every chain is whole");
            } else {
                for b in &breaks {
                    println!("{b}");
                }
            }
            if breaks.is_empty() {
                Ok(())
            } else {
                Err(Error::Corrupt {
                    doc: "audit".into(),
                    reason: format!(
                        "审计日志有 {} 处断裂 / {} breaks in the audit log",
                        breaks.len(),
                        breaks.len()
                    ),
                }
                .into())
            }
        }
    }
}
