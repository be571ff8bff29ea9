//! `keys bundle|import|show|rotate|revoke`: the end-to-end keys of this device
//! (`shouwang_core::keys`). Bundles are printed for the enrolment QR code and never logged.

use crate::context::Ctx;
use crate::error::Result;
use crate::output;
use crate::parse::{self, elder_id};
use clap::Subcommand;

/// `shouwang keys …`
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Issue a key bundle for a new device (committee): print its text for the enrolment QR code.
    Bundle {
        /// helper, family, committee or township.
        #[arg(long)]
        role: String,
        /// A family phone: its elder's id.
        #[arg(long)]
        elder: Option<String>,
        /// A helper's tablet: the helper's id.
        #[arg(long)]
        helper: Option<String>,
        /// A name for the device in `keys show`.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Import a key bundle (`SWK1.…`) issued by the village's committee.
    Import {
        /// The bundle's text.
        bundle: String,
    },
    /// The keys this device holds: ciphers, generations, key ids (never a secret).
    Show,
    /// Start a new key generation (committee, after revoking a device): every other issued device gets it.
    Rotate,
    /// Revoke a device key this store issued (then rotate).
    Revoke {
        /// The key id (`keys show`).
        key_id: String,
    },
}

/// Runs `keys …`.
pub fn run(ctx: &Ctx, cmd: KeysCommand) -> Result<()> {
    let mut store = ctx.open()?;
    match cmd {
        KeysCommand::Bundle { role, elder, helper, label } => {
            let role = parse::role(&role)?;
            let elder = elder.as_deref().map(elder_id).transpose()?;
            let bundle = store.issue_key_bundle(role, elder.as_ref(), helper.as_deref(), &label, ctx.now)?;
            if ctx.json {
                output::json(&serde_json::json!({ "key_id": bundle.key_id, "bundle": bundle.to_text() }));
            } else {
                println!("{}", bundle.to_text());
                eprintln!(
                    "密钥编号 / key id {}：请只通过二维码交给该设备 / hand it to that device by QR code only",
                    bundle.key_id
                );
            }
        }
        KeysCommand::Import { bundle } => {
            let imported = store.import_key_bundle(&bundle, ctx.now)?;
            if ctx.json {
                output::json(&imported);
            } else {
                println!(
                    "已导入密钥 / keys imported: {} ({}), {} 代 / generations, {} 条暂存变更已解开 / held changes opened",
                    imported.space, imported.role, imported.generations, imported.released
                );
            }
        }
        KeysCommand::Show => {
            let spaces = store.keys_summary()?;
            if ctx.json {
                output::json(&spaces);
                return Ok(());
            }
            for s in spaces {
                println!("村 / space {} 算法 / cipher {} 角色 / role {}", s.space, s.alg, s.role);
                println!("  身份密钥 / id key     {}", if s.id_key { "有 / held" } else { "无 / none" });
                println!("  本机密钥 / device key {}", s.device_key_id.as_deref().unwrap_or("—"));
                for (n, level) in &s.generations {
                    println!("  第 {n} 代 / generation {n}: {level}");
                }
                for (key_id, role, label, revoked) in &s.issued {
                    let state = if *revoked { "已吊销 / revoked" } else { "有效 / valid" };
                    println!("  已签发 / issued {key_id} {role} {label} {state}");
                }
            }
        }
        KeysCommand::Rotate => {
            let n = store.rotate_keys(ctx.now)?;
            if ctx.json {
                output::json(&serde_json::json!({ "generation": n }));
            } else {
                println!("已启用第 {n} 代密钥，同步后各设备获得 / generation {n} started; devices get it as they sync");
            }
        }
        KeysCommand::Revoke { key_id } => {
            store.revoke_device_key(&key_id, ctx.now)?;
            if ctx.json {
                output::json(&serde_json::json!({ "revoked": key_id }));
            } else {
                println!("已吊销 / revoked {key_id}；请再运行 keys rotate / now run `keys rotate`");
            }
        }
    }
    Ok(())
}
