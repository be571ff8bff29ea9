//! The command line, as clap parses it: the global options and the top-level commands. Each
//! command's own arguments live with its handler, in `commands/<domain>`.

use crate::commands::{
    agreement, audit, card, case, consent, due, elder, emergency, family, helper, keys, ledger, org,
    registry, report, risk, sync, visit,
};
use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// 守望 Shouwang — the registry of left-behind elders (农村留守老年人信息台账).
#[derive(Debug, Parser)]
#[command(name = "shouwang", version, about, long_about = None)]
pub struct Cli {
    /// The registry database (default: the platform data directory, e.g. ~/.local/share/shouwang/shouwang.sqlite).
    #[arg(long, global = true, env = "SHOUWANG_DB")]
    pub db: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    pub json: bool,
    /// A file whose first line is the registry's passphrase (or set SHOUWANG_PASSPHRASE). Needed by
    /// every command on an encrypted registry, and by `init` to create one.
    #[arg(long, global = true, value_name = "PATH")]
    pub passphrase_file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the registry of a unit (村/乡镇) under a policy profile.
    Init(registry::create::InitArgs),
    /// The passphrase of an encrypted registry: change it (the database key is rewrapped, not the file).
    #[command(subcommand)]
    Passphrase(registry::passphrase::PassphraseCommand),
    /// Elders: add, change, show, list, archive, check eligibility.
    #[command(subcommand)]
    Elder(elder::ElderCommand),
    /// Create (or add to) a realistic demo village.
    Demo(registry::create::DemoArgs),
    /// Recreate every projection row from the documents and report whether anything differed.
    Rebuild,
    /// The registry: unit, profile, counts, changes waiting for sync.
    Info,
    /// Policy profiles.
    #[command(subcommand)]
    Policy(registry::policy::PolicyCommand),
    /// Enrol this device with a relay using a one-time code from `shouwang-relay enroll`.
    Enroll(sync::EnrollArgs),
    /// End-to-end keys: issue a bundle for a device, import one, show, rotate, revoke.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Send this device's changes to the relay and receive everyone else's (`sync status`: where it stands).
    Sync(sync::SyncArgs),
    /// What two devices changed at once and the committee should look at.
    Review,
    /// Import a ledger 信息台账 (.xlsx or .csv, the form's Chinese headings): every row checked, valid rows registered.
    Import(ledger::ImportArgs),
    /// Export the registry as a ledger with the same headings (.xlsx, .csv or .json, from the extension).
    Export(ledger::ExportArgs),
    /// Summary tables 汇总表 (附件2) with their cross-column checks.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Risk-level assessment 风险等级评估.
    #[command(subcommand)]
    Risk(risk::RiskCommand),
    /// Care agreements 农村居家互助养老协议书 (附件3/附件4): check, print, reminders.
    #[command(subcommand)]
    Agreement(agreement::AgreementCommand),
    /// Contact cards 明白卡: print (A6 or A4 sheets of four) with a family enrolment QR code.
    #[command(subcommand)]
    Card(card::CardCommand),
    /// Helpers 互助员: file, list, show, change, replace, walking reach.
    #[command(subcommand)]
    Helper(helper::HelperCommand),
    /// The village's mutual-aid organisation (seed 004): show or set.
    #[command(subcommand)]
    Org(org::OrgCommand),
    /// Assign elders to helpers: `assign ELDER HELPER`, or `assign --suggest [--apply]` by walking reach.
    Assign(helper::assign::AssignArgs),
    /// Visits 一访四查: log, amend, show, list, drafts.
    #[command(subcommand)]
    Visit(visit::VisitCommand),
    /// Who is due or overdue for a visit; `--helper H --today`: a helper's round for today.
    Due(due::DueArgs),
    /// Family duties: calls from the family.
    #[command(subcommand)]
    Family(family::FamilyCommand),
    /// Cases 个案 of the chain 发现 → 报告 → 转介 → 救助: open, advance, close, show, list.
    #[command(subcommand)]
    Case(case::CaseCommand),
    /// An emergency 助急: who was called (family, 120, village doctor); opens a case.
    Emergency(emergency::EmergencyArgs),
    /// The audit log 审计日志: who viewed or changed which sensitive field of which elder (office).
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Consents 知情同意 per elder: record, withdraw, list.
    #[command(subcommand)]
    Consent(consent::ConsentCommand),
}
