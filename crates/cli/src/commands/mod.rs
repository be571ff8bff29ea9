//! The commands, one module per domain as the core is laid out; each owns its arguments (clap types)
//! next to its handlers, and each handler parses its arguments (`crate::parse`), makes one core call
//! and prints (`crate::output`). No command module uses another.

pub(crate) mod agreement;
pub(crate) mod audit;
pub(crate) mod card;
pub(crate) mod case;
pub(crate) mod consent;
pub(crate) mod due;
pub(crate) mod elder;
pub(crate) mod emergency;
pub(crate) mod family;
pub(crate) mod helper;
pub(crate) mod keys;
pub(crate) mod ledger;
pub(crate) mod org;
pub(crate) mod registry;
pub(crate) mod report;
pub(crate) mod risk;
pub(crate) mod sync;
pub(crate) mod visit;

use crate::args::{Cli, Command};
use crate::context::Ctx;
use crate::error::Result;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let ctx = Ctx::new(cli.db, cli.json, cli.passphrase_file.as_deref())?;
    match cli.command {
        Command::Init(args) => registry::create::init(&ctx, args),
        Command::Passphrase(cmd) => registry::passphrase::run(&ctx, cmd),
        Command::Elder(cmd) => elder::run(&ctx, cmd),
        Command::Demo(args) => registry::create::demo(&ctx, args),
        Command::Rebuild => registry::rebuild(&ctx),
        Command::Info => registry::info(&ctx),
        Command::Policy(cmd) => registry::policy::run(&ctx, cmd),
        Command::Enroll(args) => sync::enroll(&ctx, args),
        Command::Keys(cmd) => keys::run(&ctx, cmd),
        Command::Sync(args) => sync::run(&ctx, args),
        Command::Review => sync::review(&ctx),
        Command::Import(args) => ledger::import(&ctx, args),
        Command::Export(args) => ledger::export(&ctx, args),
        Command::Report(cmd) => report::run(&ctx, cmd),
        Command::Risk(cmd) => risk::run(&ctx, cmd),
        Command::Agreement(cmd) => agreement::run(&ctx, cmd),
        Command::Card(cmd) => card::run(&ctx, cmd),
        Command::Helper(cmd) => helper::run(&ctx, cmd),
        Command::Org(cmd) => org::run(&ctx, cmd),
        Command::Assign(args) => helper::assign::run(&ctx, args),
        Command::Visit(cmd) => visit::run(&ctx, cmd),
        Command::Due(args) => due::run(&ctx, args),
        Command::Family(cmd) => family::run(&ctx, cmd),
        Command::Case(cmd) => case::run(&ctx, cmd),
        Command::Emergency(args) => emergency::run(&ctx, args),
        Command::Audit(cmd) => audit::run(&ctx, cmd),
        Command::Consent(cmd) => consent::run(&ctx, cmd),
    }
}
