//! One function per command; each opens the store, calls the core and prints.

pub(crate) mod agreement;
pub(crate) mod audit;
pub(crate) mod card;
mod care;
mod case;
pub(crate) mod consent;
mod elder;
pub(crate) mod keys;
mod ledger;
mod progress;
mod registry;
pub(crate) mod report;
pub(crate) mod risk;
mod sync;
mod visit;

use crate::args::{Cli, Command};
use crate::error::CliError;
use chrono::{DateTime, NaiveDate, Utc};
use shouwang_core::store::{Error, Store};

/// Result of a command.
pub type Result<T> = std::result::Result<T, CliError>;
use std::path::PathBuf;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let passphrase = registry::passphrase(cli.passphrase_file.as_deref())?;
    let ctx = Ctx { db: cli.db.unwrap_or_else(default_db), json: cli.json, now: Utc::now(), passphrase };
    match cli.command {
        Command::Init { profile, unit, name, unencrypted, cipher } => {
            registry::init(&ctx, &profile, &unit, &name, unencrypted)?;
            keys::set_cipher(&ctx, cipher.as_deref())
        }
        Command::Passphrase(cmd) => registry::passphrase_command(&ctx, cmd),
        Command::Elder(cmd) => elder::run(&ctx, cmd),
        Command::Demo { elders, seed } => registry::demo(&ctx, elders, seed),
        Command::Rebuild => registry::rebuild(&ctx),
        Command::Info => registry::info(&ctx),
        Command::Policy(cmd) => registry::policy(&ctx, cmd),
        Command::Enroll { relay, code, name, keys } => {
            sync::enroll(&ctx, &relay, &code, name.as_deref(), keys.as_deref())
        }
        Command::Keys(cmd) => keys::run(&ctx, cmd),
        Command::Sync { command } => sync::run(&ctx, command),
        Command::Review => sync::review(&ctx),
        Command::Import { file, dry_run, sheet } => ledger::import(&ctx, &file, dry_run, sheet.as_deref()),
        Command::Export { file } => ledger::export(&ctx, &file),
        Command::Report(cmd) => report::run(&ctx, cmd),
        Command::Risk(cmd) => risk::run(&ctx, cmd),
        Command::Agreement(cmd) => agreement::run(&ctx, cmd),
        Command::Card(cmd) => card::run(&ctx, cmd),
        Command::Helper(cmd) => care::helper(&ctx, cmd),
        Command::Org(cmd) => care::org(&ctx, cmd),
        Command::Assign(args) => care::assign(&ctx, args),
        Command::Visit(cmd) => visit::run(&ctx, cmd),
        Command::Due(args) => visit::due(&ctx, args),
        Command::Family(cmd) => visit::family(&ctx, cmd),
        Command::Case(cmd) => case::run(&ctx, cmd),
        Command::Emergency(args) => case::emergency(&ctx, args),
        Command::Audit(cmd) => audit::run(&ctx, cmd),
        Command::Consent(cmd) => consent::run(&ctx, cmd),
    }
}

/// What every command needs.
pub struct Ctx {
    /// The database file.
    pub db: PathBuf,
    /// `--json`.
    pub json: bool,
    /// The time of this invocation.
    pub now: DateTime<Utc>,
    /// The registry's passphrase (`--passphrase-file` or SHOUWANG_PASSPHRASE), if given.
    pub passphrase: Option<shouwang_core::vault::Passphrase>,
}

impl Ctx {
    fn open(&self) -> Result<Store> {
        registry::open(self)
    }

    fn today(&self) -> NaiveDate {
        shouwang_core::time::local_date(self.now)
    }
}

fn default_db() -> PathBuf {
    directories::ProjectDirs::from("cn", "shouwang", "shouwang")
        .map(|d| d.data_dir().join("shouwang.sqlite"))
        .unwrap_or_else(|| PathBuf::from("shouwang.sqlite"))
}

/// Parses a `YYYY-MM-DD` argument, naming the option when it is not one.
fn date_arg(option: &str, value: Option<&str>, default: NaiveDate) -> Result<NaiveDate> {
    match value {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| {
            CliError::Store(Error::Field {
                field: option.into(),
                zh: format!("日期应写成 YYYY-MM-DD，如 2026-11-23；收到 {v:?}"),
                en: format!("a date is written YYYY-MM-DD, e.g. 2026-11-23; got {v:?}"),
            })
        }),
    }
}

/// Parses a choice argument (English code or Chinese term), naming the option and the choices.
fn choice_arg<T>(option: &str, value: &str, parse: impl Fn(&str) -> Option<T>, codes: String) -> Result<T> {
    parse(value).ok_or_else(|| {
        CliError::Store(Error::Field {
            field: option.into(),
            zh: format!("{value:?} 不是可选值；可选：{codes}"),
            en: format!("{value:?} is not one of: {codes}"),
        })
    })
}
