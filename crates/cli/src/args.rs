//! The command line, as clap parses it.

use clap::{Args, Parser, Subcommand};
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
    Init {
        /// Policy profile: liaoning, shandong, hunan, guangdong or sichuan.
        #[arg(long)]
        profile: String,
        /// 12-digit statistical division code of the unit, e.g. 511902106202.
        #[arg(long)]
        unit: String,
        /// The unit's name, e.g. 斑竹村.
        #[arg(long)]
        name: String,
        /// Create the registry without encryption at rest (anyone who copies the file reads it).
        #[arg(long)]
        unencrypted: bool,
        /// The cipher that seals changes end to end: xchacha20poly1305 (default) or sm4-gcm (GB/T 39786).
        #[arg(long)]
        cipher: Option<String>,
    },
    /// The passphrase of an encrypted registry: change it (the database key is rewrapped, not the file).
    #[command(subcommand)]
    Passphrase(PassphraseCommand),
    /// Elders: add, change, show, list, archive, check eligibility.
    #[command(subcommand)]
    Elder(ElderCommand),
    /// Create (or add to) a realistic demo village.
    Demo {
        /// How many elders.
        #[arg(long, default_value_t = 60)]
        elders: usize,
        /// Random seed: the same seed gives the same village.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Recreate every projection row from the documents and report whether anything differed.
    Rebuild,
    /// The registry: unit, profile, counts, changes waiting for sync.
    Info,
    /// Policy profiles.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Enrol this device with a relay using a one-time code from `shouwang-relay enroll`.
    Enroll {
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
    },
    /// End-to-end keys: issue a bundle for a device, import one, show, rotate, revoke.
    #[command(subcommand)]
    Keys(crate::commands::keys::KeysCommand),
    /// Send this device's changes to the relay and receive everyone else's (`sync status`: where it stands).
    Sync {
        #[command(subcommand)]
        command: Option<SyncCommand>,
    },
    /// What two devices changed at once and the committee should look at.
    Review,
    /// Import a ledger 信息台账 (.xlsx or .csv, the form's Chinese headings): every row checked, valid rows registered.
    Import {
        /// The file.
        file: PathBuf,
        /// Check every row and report; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The worksheet (default: the first).
        #[arg(long)]
        sheet: Option<String>,
    },
    /// Export the registry as a ledger with the same headings (.xlsx, .csv or .json, from the extension).
    Export {
        /// The file to write.
        file: PathBuf,
    },
    /// Summary tables 汇总表 (附件2) with their cross-column checks.
    #[command(subcommand)]
    Report(crate::commands::report::ReportCommand),
    /// Risk-level assessment 风险等级评估.
    #[command(subcommand)]
    Risk(crate::commands::risk::RiskCommand),
    /// Care agreements 农村居家互助养老协议书 (附件3/附件4): check, print, reminders.
    #[command(subcommand)]
    Agreement(crate::commands::agreement::AgreementCommand),
    /// Contact cards 明白卡: print (A6 or A4 sheets of four) with a family enrolment QR code.
    #[command(subcommand)]
    Card(crate::commands::card::CardCommand),
    /// Helpers 互助员: file, list, show, change, replace, walking reach.
    #[command(subcommand)]
    Helper(crate::care_args::HelperCommand),
    /// The village's mutual-aid organisation (seed 004): show or set.
    #[command(subcommand)]
    Org(crate::care_args::OrgCommand),
    /// Assign elders to helpers: `assign ELDER HELPER`, or `assign --suggest [--apply]` by walking reach.
    Assign(crate::care_args::AssignArgs),
    /// Visits 一访四查: log, amend, show, list, drafts.
    #[command(subcommand)]
    Visit(crate::care_args::VisitCommand),
    /// Who is due or overdue for a visit; `--helper H --today`: a helper's round for today.
    Due(crate::care_args::DueArgs),
    /// Family duties: calls from the family.
    #[command(subcommand)]
    Family(crate::care_args::FamilyCommand),
    /// Cases 个案 of the chain 发现 → 报告 → 转介 → 救助: open, advance, close, show, list.
    #[command(subcommand)]
    Case(crate::care_args::CaseCommand),
    /// An emergency 助急: who was called (family, 120, village doctor); opens a case.
    Emergency(crate::care_args::EmergencyArgs),
    /// The audit log 审计日志: who viewed or changed which sensitive field of which elder (office).
    #[command(subcommand)]
    Audit(crate::commands::audit::AuditCommand),
    /// Consents 知情同意 per elder: record, withdraw, list.
    #[command(subcommand)]
    Consent(crate::commands::consent::ConsentCommand),
}

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

/// `shouwang sync …`
#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Pending changes, last success, the relay, quarantined changes.
    Status,
}

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
    List(ListArgs),
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

/// Filters of `elder list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Part of the name or of the ID number.
    #[arg(long, short)]
    pub search: Option<String>,
    /// Group: advanced_age 高龄, disabled 失能, living_alone 独居, empty_nest 空巢, hardship 经济困难,
    /// destitute 特困, severe_disability 重度残疾, bereaved_one_child 计生特殊家庭.
    #[arg(long)]
    pub category: Option<String>,
    /// 重点对象 only: hardship family and 高龄 or 失能.
    #[arg(long)]
    pub priority: bool,
    /// healthy, disabled or ill.
    #[arg(long)]
    pub health: Option<String>,
    /// cared_for or not_cared_for.
    #[arg(long)]
    pub care: Option<String>,
    /// 60-69, 70-79, 60-79 or 80+.
    #[arg(long)]
    pub age: Option<String>,
    /// active (default), moved_away, deceased or all.
    #[arg(long)]
    pub status: Option<String>,
    /// name (default), age, address or updated.
    #[arg(long, default_value = "name")]
    pub sort: String,
    /// At most this many rows.
    #[arg(long)]
    pub limit: Option<u32>,
}

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
