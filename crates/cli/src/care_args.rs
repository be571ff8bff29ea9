//! The command line of helpers, the organisation, assignments, visits and the schedule (issue 4).

use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `shouwang helper …`
#[derive(Debug, Subcommand)]
pub enum HelperCommand {
    /// File a helper 互助员 with the township (备案).
    Add(HelperFields),
    /// Every helper with their number of elders.
    List,
    /// One helper: details, their elders, measured walks.
    Show {
        /// The helper's id.
        id: String,
    },
    /// Change a helper's details (only the options given).
    Set {
        /// The helper's id.
        id: String,
        #[command(flatten)]
        fields: HelperFields,
        /// A walk measured on foot: `ELDER_ID=MINUTES` (repeatable; an empty value removes it).
        #[arg(long = "walk")]
        walks: Vec<String>,
    },
    /// Replace a helper who does not serve: their elders move to NEW with the history kept.
    Replace {
        /// The helper replaced.
        old: String,
        /// The helper taking over.
        new: String,
        /// Why (e.g. 外出务工，不能履职).
        #[arg(long, default_value = "更换互助员")]
        reason: String,
    },
    /// Walking reach: minutes from each helper to each elder (one elder, or every remote elder).
    Reach {
        /// One elder's id (default: the list of remote elders).
        elder: Option<String>,
    },
}

/// A helper's fields as options.
#[derive(Debug, Args)]
pub struct HelperFields {
    /// 姓名
    #[arg(long)]
    pub name: Option<String>,
    /// 联系电话
    #[arg(long)]
    pub phone: Option<String>,
    /// Home position `LAT,LON` (WGS-84).
    #[arg(long)]
    pub home: Option<String>,
    /// When they can serve, e.g. 每天上午.
    #[arg(long)]
    pub availability: Option<String>,
    /// Date filed with the township 备案 (YYYY-MM-DD).
    #[arg(long)]
    pub filed_on: Option<String>,
}

/// `shouwang org …`
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// The village's organisation: leading group, township brigade, village team.
    Show,
    /// Set it from a JSON object (file or standard input): `{"district": {"name", "members": [{"name", "title", "phone"}]}, "township": …, "village": …}`.
    Set {
        /// A JSON file (default: standard input).
        file: Option<PathBuf>,
    },
}

/// `shouwang assign …`
#[derive(Debug, Args)]
pub struct AssignArgs {
    /// The elder's id (with HELPER: assign by hand).
    pub elder: Option<String>,
    /// The helper's id.
    pub helper: Option<String>,
    /// Suggest an assignment by walking reach, balancing the helpers' loads (the default without ELDER).
    #[arg(long)]
    pub suggest: bool,
    /// Apply the suggestion.
    #[arg(long)]
    pub apply: bool,
    /// Suggest afresh for every elder instead of keeping existing assignments.
    #[arg(long)]
    pub all: bool,
    /// Why (recorded in the elder's helper history).
    #[arg(long, default_value = "村委会分配")]
    pub reason: String,
}

/// `shouwang visit …`
#[derive(Debug, Subcommand)]
pub enum VisitCommand {
    /// Log a visit 一访四查: from JSON (`--file`, or `-` for standard input) and/or options.
    Log(VisitFields),
    /// Correct a submitted visit: a new entry that amends it (the original stays in the history).
    Amend {
        /// The visit corrected.
        id: String,
        #[command(flatten)]
        fields: VisitFields,
    },
    /// One visit entry.
    Show {
        /// The visit's id.
        id: String,
    },
    /// Visits, newest first (an amended visit once, as its latest amendment); `--history` for one
    /// elder's every entry.
    List {
        /// One elder.
        #[arg(long)]
        elder: Option<String>,
        /// One helper.
        #[arg(long)]
        helper: Option<String>,
        /// From this date (YYYY-MM-DD).
        #[arg(long)]
        since: Option<String>,
        /// Every entry of the elder, originals and amendments alike.
        #[arg(long, requires = "elder")]
        history: bool,
    },
    /// Drafts kept on this device: save (JSON on standard input or a file), show, list, discard.
    Draft {
        #[command(subcommand)]
        command: DraftCommand,
    },
}

/// `shouwang visit draft …`
#[derive(Debug, Subcommand)]
pub enum DraftCommand {
    /// Save the draft of a visit for an elder (any JSON the form holds).
    Save {
        /// The elder's id.
        elder: String,
        /// A JSON file (default: standard input).
        file: Option<PathBuf>,
    },
    /// Show the draft for an elder.
    Show {
        /// The elder's id.
        elder: String,
    },
    /// Every draft on this device.
    List,
    /// Throw a draft away.
    Discard {
        /// The elder's id.
        elder: String,
    },
}

/// A visit as options (each overrides the JSON).
#[derive(Debug, Args)]
pub struct VisitFields {
    /// The elder visited (for `log`; `amend` takes it from the original).
    pub elder: Option<String>,
    /// The visit as JSON: a file, or `-` for standard input.
    #[arg(long)]
    pub file: Option<String>,
    /// The helper who visited (default: the elder's current helper).
    #[arg(long)]
    pub helper: Option<String>,
    /// door 上门, phone 电话 or video 视频.
    #[arg(long)]
    pub mode: Option<String>,
    /// When (RFC 3339, or `YYYY-MM-DD HH:MM` China time; default now).
    #[arg(long)]
    pub at: Option<String>,
    /// Minutes.
    #[arg(long)]
    pub duration: Option<u32>,
    /// Checks found fine, comma-separated: food,clothing,housing,medical (吃,穿,住,医); `all` for the four.
    #[arg(long)]
    pub fine: Option<String>,
    /// A check with a concern: `CHECK=NOTE`, e.g. `medical=血压高` (repeatable).
    #[arg(long)]
    pub concern: Vec<String>,
    /// A service given (repeatable or comma-separated): 五帮 and Bazhou's five, code or Chinese.
    #[arg(long)]
    pub service: Vec<String>,
    /// Anything to follow up.
    #[arg(long)]
    pub follow_up: Option<String>,
    /// Where the device was: `LAT,LON` or `LAT,LON,ACCURACY_M`.
    #[arg(long)]
    pub position: Option<String>,
    /// Open a case 个案 at 发现 from the visit's concerns (refused when every check is fine).
    #[arg(long)]
    pub open_case: bool,
}

/// `shouwang due …`
#[derive(Debug, Args)]
pub struct DueArgs {
    /// One helper's elders.
    #[arg(long)]
    pub helper: Option<String>,
    /// The helper's list for today, ordered as a walking round (needs `--helper`).
    #[arg(long, requires = "helper")]
    pub today: bool,
    /// Only elders overdue or due today.
    #[arg(long)]
    pub overdue: bool,
    /// The date (YYYY-MM-DD; default today).
    #[arg(long)]
    pub date: Option<String>,
}

/// `shouwang family …`
#[derive(Debug, Subcommand)]
pub enum FamilyCommand {
    /// Log a call from the family (seed 002: supporters keep in touch).
    Call {
        /// The elder's id.
        elder: String,
        /// Who called.
        #[arg(long)]
        caller: String,
        /// Their relation, e.g. 儿子.
        #[arg(long, default_value = "")]
        relation: String,
        /// What was said.
        #[arg(long, default_value = "")]
        note: String,
        /// When (RFC 3339 or `YYYY-MM-DD HH:MM` China time; default now).
        #[arg(long)]
        at: Option<String>,
    },
    /// The family's calls to an elder.
    Calls {
        /// The elder's id.
        elder: String,
    },
}

/// `shouwang case …`
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Open a case at 发现 for an elder (from a visit's concern with `--visit`).
    Open {
        /// The elder's id.
        elder: String,
        /// What happened.
        #[arg(long)]
        summary: String,
        /// Who discovered it (default: the elder's helper).
        #[arg(long)]
        by: Option<String>,
        /// When it was discovered (RFC 3339 or `YYYY-MM-DD HH:MM` China time; default now).
        #[arg(long)]
        at: Option<String>,
        /// The visit whose concern opens the case.
        #[arg(long)]
        visit: Option<String>,
    },
    /// Record the next stage 报告 → 转介 → 救助 (default: the stage after the current one).
    Advance {
        /// The case's id.
        id: String,
        /// reported 报告, referred 转介 or assisted 救助.
        #[arg(long)]
        stage: Option<String>,
        /// Who owns the stage.
        #[arg(long)]
        by: String,
        /// When (default now).
        #[arg(long)]
        at: Option<String>,
        /// What was done.
        #[arg(long, default_value = "")]
        note: String,
        /// Why a stage is skipped (required to skip one).
        #[arg(long, default_value = "")]
        skip_reason: String,
    },
    /// Close a case with its outcome.
    Close {
        /// The case's id.
        id: String,
        /// resolved 已解决, hospitalised 已住院, enrolled 已纳入救助, with_family 家属接走, deceased 老人去世,
        /// not_needed 无需救助.
        #[arg(long)]
        outcome: String,
        /// Who closes it.
        #[arg(long)]
        by: String,
        /// When (default now).
        #[arg(long)]
        at: Option<String>,
        /// A remark.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// One case with its stages.
    Show {
        /// The case's id.
        id: String,
    },
    /// The committee's list of cases: open first, flagged first.
    List {
        /// Only open cases.
        #[arg(long)]
        open: bool,
        /// Only cases waiting at a stage longer than the policy allows.
        #[arg(long)]
        flagged: bool,
        /// One elder's.
        #[arg(long)]
        elder: Option<String>,
    },
    /// Emergencies and cases per month (for the monthly progress report).
    Months {
        /// First month: any date in it (YYYY-MM-DD; default: January of this year).
        #[arg(long)]
        from: Option<String>,
        /// Last month: any date in it (default: this month).
        #[arg(long)]
        to: Option<String>,
    },
}

/// `shouwang emergency …`
#[derive(Debug, Args)]
pub struct EmergencyArgs {
    /// The elder's id.
    pub elder: String,
    /// Who was called, comma-separated: family 家属, 120, doctor 村医, 110, 119, committee 村委会, neighbour 邻居.
    #[arg(long)]
    pub called: String,
    /// What happened.
    #[arg(long)]
    pub note: String,
    /// Who handled it (default: the elder's helper).
    #[arg(long)]
    pub by: Option<String>,
    /// When it happened (default now).
    #[arg(long)]
    pub at: Option<String>,
    /// When the calls were made (default: when it happened).
    #[arg(long)]
    pub called_at: Option<String>,
}
