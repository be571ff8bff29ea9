//! `passphrase change`: the key of an encrypted registry rewrapped under a new passphrase (the
//! database itself is unchanged).

use crate::context::Ctx;
use crate::error::{field, Result};
use crate::{output, parse};
use clap::Subcommand;
use shouwang_core::vault::{self, Passphrase, Vault};
use std::path::PathBuf;

/// `shouwang passphrase …`
#[derive(Debug, Subcommand)]
pub enum PassphraseCommand {
    /// Change the passphrase: the current one as for any command, the new one from a file or
    /// SHOUWANG_NEW_PASSPHRASE.
    Change {
        /// A file whose first line is the new passphrase.
        #[arg(long, value_name = "PATH")]
        new_passphrase_file: Option<PathBuf>,
    },
}

/// Runs `passphrase …`.
pub fn run(ctx: &Ctx, cmd: PassphraseCommand) -> Result<()> {
    let PassphraseCommand::Change { new_passphrase_file } = cmd;
    let key_file = vault::key_path(&ctx.db);
    if !key_file.exists() {
        return Err(field(
            "db",
            format!("台账 {} 未加密（没有密钥文件），无口令可改", ctx.db.display()),
            format!(
                "the registry {} is not encrypted (no key file): there is no passphrase to change",
                ctx.db.display()
            ),
        )
        .into());
    }
    let old = ctx.passphrase()?;
    let new = match new_passphrase_file {
        Some(file) => Some(parse::passphrase_file("new-passphrase-file", &file)?),
        None => std::env::var("SHOUWANG_NEW_PASSPHRASE").ok().map(Passphrase::new),
    };
    let new = new.ok_or_else(|| {
        field(
            "new-passphrase-file",
            "请用 --new-passphrase-file 口令文件 或环境变量 SHOUWANG_NEW_PASSPHRASE 提供新口令",
            "give the new passphrase via --new-passphrase-file PATH or SHOUWANG_NEW_PASSPHRASE",
        )
    })?;
    Vault::change(&key_file, old.as_str(), new.as_str())?;
    if ctx.json {
        output::json(&serde_json::json!({ "changed": true, "key_file": key_file }));
    } else {
        println!(
            "口令已更改（数据库未重新加密）/ passphrase changed (the database key was rewrapped; the database is unchanged): {}",
            key_file.display()
        );
    }
    Ok(())
}
