//! The office's paperwork (committee and township only): the summary table 汇总表 (附件2) with its
//! cross-column checks 勾稽关系, the monthly progress report, the ledger 信息台账 in and out of Excel
//! (a dry run first, then the import), and the contact cards 明白卡 as printable HTML. Each command
//! converts the UI's shapes to core's, calls core (`report`, `progress`, `ledger`, `card`, `print`) and
//! converts back; files are written by core into the user's download directory.

use crate::dto::AppRole;
use crate::error::{AppError, AppResult, ErrorKind};
use crate::state::{self, AppState};
use base64::Engine as _;
use chrono::{Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use shouwang_core::card::{split_services, CardElder, ContactCard, Enrolment};
use shouwang_core::division::UnitCode;
use shouwang_core::elder::ElderId;
use shouwang_core::ledger::{self, Action, ImportContext, ImportPlan, LedgerError};
use shouwang_core::policy::{AgeCutoff, Policy};
use shouwang_core::progress::{self, ElderMonth, HelperMonth};
use shouwang_core::report::{self, export, Entered, Layout, LayoutError};
use shouwang_core::store::{Store, VisitFilter};
use std::path::{Path, PathBuf};
use tauri::{AppHandle, Manager, Runtime, State};
use ts_rs::TS;

const OFFICE: &[AppRole] = &[AppRole::Committee, AppRole::Township];

/// Which roles may do the paperwork: the committee and the township office.
pub fn require_office(role: AppRole, what: &str) -> AppResult<()> {
    if OFFICE.contains(&role) {
        Ok(())
    } else {
        Err(AppError::forbidden(what))
    }
}

fn today() -> NaiveDate {
    shouwang_core::time::local_date(Utc::now())
}

fn invalid(field: &str, zh: impl Into<String>, en: impl Into<String>) -> AppError {
    let (zh, en) = (zh.into(), en.into());
    let mut e = AppError::new(ErrorKind::Invalid, Some(field), zh.clone(), en.clone());
    e.violations.push(crate::error::FieldError {
        field: field.into(),
        rule: "format".into(),
        message: zh,
        en,
        warning: false,
    });
    e
}

/// Splits core's `中文 / English` messages.
fn both(text: &str) -> (String, String) {
    text.split_once(" / ").map(|(a, b)| (a.to_string(), b.to_string())).unwrap_or((text.into(), text.into()))
}

fn layout_error(e: LayoutError) -> AppError {
    let field = match &e {
        LayoutError::Invalid { field, .. } => field.clone(),
        _ => "layout".into(),
    };
    let (zh, en) = both(&e.to_string());
    invalid(&field, zh, en)
}

fn ledger_error(e: LedgerError) -> AppError {
    let (zh, en) = both(&e.to_string());
    match e {
        LedgerError::Io(_) | LedgerError::Export(_) => AppError::new(ErrorKind::Failed, Some("file"), zh, en),
        _ => invalid("file", zh, en),
    }
}

fn write_error(e: impl std::fmt::Display) -> AppError {
    let (zh, en) = both(&e.to_string());
    AppError::new(ErrorKind::Failed, Some("file"), zh, en)
}

/// A date written `YYYY-MM-DD`; empty: `default`.
pub fn parse_date(field: &str, value: Option<&str>, default: NaiveDate) -> AppResult<NaiveDate> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(default),
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
            invalid(
                field,
                format!("日期应写成 年-月-日，如 2026-10-31；收到“{v}”"),
                format!("a date is written YYYY-MM-DD, e.g. 2026-10-31; got {v:?}"),
            )
        }),
    }
}

/// The first day of a month written `YYYY-MM`; empty: the month of `today`.
pub fn parse_month(value: Option<&str>, today: NaiveDate) -> AppResult<NaiveDate> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(today.with_day(1).expect("a month has a first day")),
        Some(v) => NaiveDate::parse_from_str(&format!("{v}-01"), "%Y-%m-%d").map_err(|_| {
            invalid(
                "month",
                format!("月份应写成 年-月，如 2026-11；收到“{v}”"),
                format!("a month is written YYYY-MM, e.g. 2026-11; got {v:?}"),
            )
        }),
    }
}

/// What a file is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// Excel, laid out like the printed form.
    Xlsx,
    /// CSV (UTF-8 with a byte-order mark, for Excel).
    Csv,
    /// JSON.
    Json,
}

impl FileKind {
    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Xlsx => "xlsx",
            FileKind::Csv => "csv",
            FileKind::Json => "json",
        }
    }
}

/// A file written for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedFile {
    /// Where it was written (the download directory, else the app data directory).
    pub path: String,
    /// Its file name.
    pub name: String,
}

/// Where exported files go when a test (or an embedding) decides it; otherwise `SHOUWANG_EXPORT_DIR`,
/// the user's download directory, the app data directory.
pub struct ExportDir(pub PathBuf);

/// The directory exported files go to (created if missing).
pub fn export_dir<R: Runtime>(app: &AppHandle<R>) -> AppResult<PathBuf> {
    let dir = if let Some(dir) = app.try_state::<ExportDir>() {
        dir.0.clone()
    } else if let Some(dir) = std::env::var_os("SHOUWANG_EXPORT_DIR").filter(|d| !d.is_empty()) {
        PathBuf::from(dir)
    } else {
        match app.path().download_dir().or_else(|_| app.path().app_data_dir()) {
            Ok(dir) => dir,
            Err(e) => {
                return Err(AppError::new(
                    ErrorKind::Failed,
                    Some("file"),
                    format!("找不到可写入的下载目录：{e}"),
                    format!("no download directory to write to: {e}"),
                ))
            }
        }
    };
    std::fs::create_dir_all(&dir).map_err(|e| {
        AppError::new(
            ErrorKind::Failed,
            Some("file"),
            format!("无法创建目录 {}：{e}", dir.display()),
            format!("cannot create the directory {}: {e}", dir.display()),
        )
    })?;
    Ok(dir)
}

/// Characters a file name cannot hold on Windows, Android or Linux.
fn safe_name(text: &str) -> String {
    text.chars().map(|c| if r#"/\:*?"<>|"#.contains(c) || c.is_control() { '_' } else { c }).collect()
}

/// `dir/<stem>.<ext>`, or `dir/<stem>-2.<ext>`… when that file exists: an earlier export is kept.
pub fn free_path(dir: &Path, stem: &str, ext: &str) -> PathBuf {
    let stem = safe_name(stem);
    let first = dir.join(format!("{stem}.{ext}"));
    if !first.exists() {
        return first;
    }
    (2..).map(|n| dir.join(format!("{stem}-{n}.{ext}"))).find(|p| !p.exists()).expect("some free name")
}

/// What the UI is told about a written file.
pub fn saved(path: &Path) -> SavedFile {
    SavedFile {
        path: path.display().to_string(),
        name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
    }
}

// -- summary table 附件2 --

/// A column the office enters by hand (e.g. Guangdong's 17: all rural people aged 60+).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EnteredValue {
    /// The column's number.
    pub column: u32,
    /// Its value on the total row.
    pub value: u64,
}

/// Which summary table: layout, unit and date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SummaryQuery {
    /// The layout (`guangdong`, `liaoning`); empty: the one of the registry's policy, else the first.
    pub layout: Option<String>,
    /// A 12-digit unit within the registry; empty: the registry's own unit.
    pub unit: Option<String>,
    /// The table's date 填报时间, `YYYY-MM-DD`; empty: today.
    pub date: Option<String>,
    /// Count ages and absences at this date instead of the policy's cutoff (a new survey's date).
    pub cutoff: Option<String>,
    /// The columns entered by hand.
    pub entered: Vec<EnteredValue>,
}

/// One row of the table: a sub-unit, or the total 合计.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SummaryLine {
    /// 12-digit code.
    pub unit: String,
    /// Its name where known.
    pub name: String,
    /// One value per column; `null` for an entered column left blank.
    pub values: Vec<Option<u64>>,
}

impl From<&report::SummaryRow> for SummaryLine {
    fn from(r: &report::SummaryRow) -> SummaryLine {
        SummaryLine { unit: r.unit.clone(), name: r.name.clone(), values: r.values.clone() }
    }
}

/// One cross-column check 勾稽关系 on one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct CheckLine {
    /// Its name.
    pub name: String,
    /// As the form writes it, e.g. `1 = 2+3 = 4+5`.
    pub expression: String,
    /// The row's unit.
    pub unit: String,
    /// The total row.
    pub total: bool,
    /// Whether it holds.
    pub passed: bool,
    /// The check with each group's values and sum, in Chinese.
    pub message: String,
    /// The same in English.
    pub en: String,
}

impl From<&report::CheckResult> for CheckLine {
    fn from(c: &report::CheckResult) -> CheckLine {
        CheckLine {
            name: c.name.clone(),
            expression: c.expression.clone(),
            unit: c.unit.clone(),
            total: c.total,
            passed: c.passed,
            message: c.zh(),
            en: c.en(),
        }
    }
}

/// A computed summary table 附件2, with what the form prints around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SummaryTable {
    /// The layout's id.
    pub layout: String,
    /// Every layout the app ships.
    pub layouts: Vec<String>,
    /// The title.
    pub title: String,
    /// The unit line's label, e.g. 地市（盖章）：.
    pub unit_label: String,
    /// The date line's label, e.g. 填报时间：.
    pub date_label: String,
    /// The first column's heading.
    pub sub_unit_heading: String,
    /// The unit.
    pub unit: String,
    /// Its name.
    pub unit_name: String,
    /// 填报时间.
    pub date: String,
    /// The date ages and absences are counted at.
    pub cutoff: String,
    /// Each column's headings, top level first; adjacent columns sharing a heading are merged under it.
    pub headings: Vec<Vec<String>>,
    /// The numbers of the columns entered by hand.
    pub entered_columns: Vec<u32>,
    /// One row per sub-unit.
    pub rows: Vec<SummaryLine>,
    /// 合计.
    pub total: SummaryLine,
    /// Every check on the total row, then on each sub-unit's row.
    pub checks: Vec<CheckLine>,
    /// Whether every check holds.
    pub passes: bool,
    /// Elders counted.
    pub counted: u32,
    /// Active elders not counted (not left behind under the policy at the cutoff).
    pub not_counted: u32,
    /// The sign-off lines under the table.
    pub sign_off: Vec<String>,
    /// The notes under the table.
    pub notes: Vec<String>,
}

/// The layout asked for, else the one for `policy`, else the first shipped.
pub fn choose_layout(asked: Option<&str>, policy: &str) -> AppResult<Layout> {
    let id = match asked.map(str::trim).filter(|a| !a.is_empty()) {
        Some(id) => id.to_string(),
        None => Layout::builtin_names()
            .into_iter()
            .find(|n| Layout::builtin(n).is_ok_and(|l| l.policy == policy))
            .or_else(|| Layout::builtin_names().into_iter().next())
            .unwrap_or("guangdong")
            .to_string(),
    };
    Layout::builtin(&id).map_err(layout_error)
}

fn unit_within(store: &Store, unit: Option<&str>) -> AppResult<UnitCode> {
    let registry = &store.registry().unit;
    let Some(text) = unit.map(str::trim).filter(|u| !u.is_empty()) else { return Ok(registry.clone()) };
    let unit: UnitCode = text.parse().map_err(|e: shouwang_core::division::UnitError| {
        AppError::new(ErrorKind::Invalid, Some("unit"), e.zh(), e.en())
    })?;
    if registry.contains(&unit) {
        Ok(unit)
    } else {
        Err(invalid(
            "unit",
            format!("单位 {unit} 不在本登记册（{registry}）范围内"),
            format!("unit {unit} lies outside this registry ({registry})"),
        ))
    }
}

/// Computes the table on the store (the caller holds the lock).
fn compute_summary(store: &Store, q: &SummaryQuery) -> AppResult<(report::Summary, Layout)> {
    let registry = store.registry().clone();
    let layout = choose_layout(q.layout.as_deref(), &registry.policy)?;
    let mut policy = Policy::builtin(&layout.policy).ok_or_else(|| {
        invalid(
            "layout",
            format!("报表格式所用的政策配置 {} 不存在", layout.policy),
            format!("the layout's policy profile {} does not exist", layout.policy),
        )
    })?;
    let unit = unit_within(store, q.unit.as_deref())?;
    let date = parse_date("date", q.date.as_deref(), today())?;
    if q.cutoff.as_deref().is_some_and(|c| !c.trim().is_empty()) {
        let date = parse_date("cutoff", q.cutoff.as_deref(), date)?;
        policy.age_cutoff = AgeCutoff::FixedDate { date };
    }
    let entered = Entered(q.entered.iter().map(|e| (e.column, e.value)).collect());
    let elders = store.elders_under(&unit)?;
    let mut table =
        report::compute(&layout, &policy, &elders, &unit, date, &entered).map_err(layout_error)?;
    for row in &mut table.rows {
        if row.unit == registry.unit.as_str() && row.name.is_empty() {
            row.name = registry.name.clone();
        }
    }
    if table.unit == registry.unit.as_str() && table.unit_name.is_empty() {
        table.unit_name = registry.name.clone();
    }
    Ok((table, layout))
}

/// The table as the UI draws it.
pub fn summary_view(table: &report::Summary, layout: &Layout) -> SummaryTable {
    SummaryTable {
        layout: layout.id.clone(),
        layouts: Layout::builtin_names().into_iter().map(str::to_string).collect(),
        title: table.title.clone(),
        unit_label: layout.unit_label.clone(),
        date_label: layout.date_label.clone(),
        sub_unit_heading: layout.sub_unit_heading.clone(),
        unit: table.unit.clone(),
        unit_name: table.unit_name.clone(),
        date: table.date.to_string(),
        cutoff: table.cutoff.to_string(),
        headings: table.headings.clone(),
        entered_columns: layout.columns.iter().filter(|c| c.entered).map(|c| c.no).collect(),
        rows: table.rows.iter().map(SummaryLine::from).collect(),
        total: SummaryLine::from(&table.total),
        checks: table.checks.iter().map(CheckLine::from).collect(),
        passes: table.passes(),
        counted: u32::try_from(table.counted).unwrap_or(u32::MAX),
        not_counted: u32::try_from(table.not_counted).unwrap_or(u32::MAX),
        sign_off: layout.sign_off.clone(),
        notes: layout.notes.clone(),
    }
}

/// The summary table 附件2 of a unit on a date, with every check (committee, township).
#[tauri::command]
pub async fn summary_table(state: State<'_, AppState>, args: SummaryQuery) -> AppResult<SummaryTable> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require_office(state::role(store)?, "查看汇总表")?;
    let (table, layout) = compute_summary(store, &args)?;
    Ok(summary_view(&table, &layout))
}

/// Which table to export, and as what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SummaryExport {
    /// The table.
    pub query: SummaryQuery,
    /// XLSX laid out like the form, CSV or JSON.
    pub format: FileKind,
}

/// Writes the summary table into the download directory (core lays it out); returns where.
#[tauri::command]
pub async fn export_summary<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    args: SummaryExport,
) -> AppResult<SavedFile> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require_office(state::role(store)?, "导出汇总表")?;
    let (table, layout) = compute_summary(store, &args.query)?;
    drop(guard);
    let stem = format!("附件2汇总表-{}{}-{}", table.unit_name, table.unit, table.date);
    let path = free_path(&export_dir(&app)?, &stem, args.format.extension());
    export::write(&table, &layout, &path).map_err(write_error)?;
    Ok(saved(&path))
}

// -- monthly progress --

/// Which month (`YYYY-MM`; empty: this month).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct ProgressQuery {
    /// The month.
    pub month: Option<String>,
}

/// One row of the monthly progress report.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProgressLine {
    /// `village`, `township` or `total`.
    pub level: String,
    /// 12-digit code (empty on the total).
    pub unit: String,
    /// The unit's name where known.
    pub name: String,
    /// Elders served.
    pub elders: u32,
    /// Visits this month.
    pub visits: u32,
    /// Elders visited at least once this month.
    pub visited: u32,
    /// 月探访率, percent.
    pub coverage_percent: f64,
    /// Elders overdue on the report date.
    pub overdue: u32,
    /// Active helpers.
    pub active_helpers: u32,
    /// Emergencies 助急 this month.
    pub emergencies: u32,
    /// Cases open at the end of the month (or today).
    pub open_cases: u32,
}

/// The monthly progress report.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProgressReport {
    /// `YYYY-MM`.
    pub month: String,
    /// The date the overdue counts are taken on.
    pub on: String,
    /// Villages, townships, then the total.
    pub rows: Vec<ProgressLine>,
}

/// Gathers each elder's and helper's month from the store and adds them up with core.
fn compute_progress(store: &Store, month: Option<&str>) -> AppResult<(progress::Progress, NaiveDate)> {
    let start = parse_month(month, today())?;
    let next = start.checked_add_months(chrono::Months::new(1)).expect("a later month");
    let on = today().min(next.pred_opt().expect("a day before"));
    let china = shouwang_core::time::china();
    let at = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0).expect("midnight").and_local_timezone(china).single().map(|t| t.to_utc())
    };
    let unit = store.registry().unit.clone();
    let mut elders: std::collections::BTreeMap<String, ElderMonth> = store
        .elders_under(&unit)?
        .iter()
        .filter(|e| e.is_active())
        .filter_map(|e| Some((e.id.as_ref()?.to_string(), ElderMonth::new(&e.unit))))
        .collect();
    let filter = VisitFilter { since: at(start), until: at(next), ..VisitFilter::default() };
    for v in store.visits(&filter)? {
        if let Some(e) = elders.get_mut(v.elder.as_str()) {
            e.visits += 1;
        }
    }
    for due in store.schedule(on)? {
        if let Some(e) = elders.get_mut(due.elder.as_str()) {
            // Never visited counts as overdue, as the schedule says.
            e.overdue = due.status == shouwang_core::schedule::Status::Overdue;
        }
    }
    for (elder, (emergencies, open)) in store.cases_per_elder_in_month(start)? {
        if let Some(e) = elders.get_mut(&elder) {
            e.emergencies = emergencies;
            e.open_cases = open;
        }
    }
    let helpers: Vec<HelperMonth> = store
        .helpers()?
        .into_iter()
        .map(|h| HelperMonth { village: unit.clone(), active: h.status == "active" })
        .collect();
    let elders: Vec<ElderMonth> = elders.into_values().collect();
    Ok((progress::compute(&start.format("%Y-%m").to_string(), &elders, &helpers), on))
}

/// The report as the UI shows it.
pub fn progress_view(
    p: &progress::Progress,
    on: NaiveDate,
    registry: &shouwang_core::store::Registry,
) -> ProgressReport {
    let line = |level: &str, r: &progress::Row| ProgressLine {
        level: level.into(),
        unit: if level == "total" { String::new() } else { r.unit.clone() },
        name: if r.unit == registry.unit.as_str() { registry.name.clone() } else { String::new() },
        elders: r.elders,
        visits: r.visits,
        visited: r.visited,
        coverage_percent: r.coverage_percent(),
        overdue: r.overdue,
        active_helpers: r.active_helpers,
        emergencies: r.emergencies,
        open_cases: r.open_cases,
    };
    let rows = p
        .villages
        .iter()
        .map(|r| line("village", r))
        .chain(p.townships.iter().map(|r| line("township", r)))
        .chain(std::iter::once(line("total", &p.total)))
        .collect();
    ProgressReport { month: p.month.clone(), on: on.to_string(), rows }
}

/// The monthly progress report per village and township (committee, township).
#[tauri::command]
pub async fn monthly_progress(state: State<'_, AppState>, args: ProgressQuery) -> AppResult<ProgressReport> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require_office(state::role(store)?, "查看月度推进情况")?;
    let (report, on) = compute_progress(store, args.month.as_deref())?;
    Ok(progress_view(&report, on, store.registry()))
}

/// Which month to export, and as what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProgressExport {
    /// The month.
    pub query: ProgressQuery,
    /// XLSX, CSV or JSON.
    pub format: FileKind,
}

/// Writes the monthly progress report into the download directory; returns where.
#[tauri::command]
pub async fn export_progress<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    args: ProgressExport,
) -> AppResult<SavedFile> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require_office(state::role(store)?, "导出月度推进情况")?;
    let (report, _) = compute_progress(store, args.query.month.as_deref())?;
    let registry = store.registry().clone();
    drop(guard);
    let bytes = match args.format {
        FileKind::Xlsx => progress::to_xlsx(&report).map_err(write_error)?,
        FileKind::Csv => progress::to_csv(&report).into_bytes(),
        FileKind::Json => serde_json::to_vec_pretty(&progress::to_json(&report)).map_err(write_error)?,
    };
    let stem = format!("月度推进情况-{}{}-{}", registry.name, registry.unit, report.month);
    let path = free_path(&export_dir(&app)?, &stem, args.format.extension());
    std::fs::write(&path, bytes).map_err(|e| write_error(export::ExportError::Io(e)))?;
    Ok(saved(&path))
}

// -- the ledger 信息台账 in and out --

/// A ledger file picked in the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LedgerFile {
    /// Its name (`.xlsx` or `.csv` decides how it is read).
    pub name: String,
    /// Its bytes, base64.
    pub data: String,
    /// The sheet to read (XLSX); empty: the first.
    #[serde(default)]
    pub sheet: Option<String>,
}

/// One problem of a row: where, which rule, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportProblem {
    /// The spreadsheet row number, as Excel shows it.
    pub row: u32,
    /// The column heading as the file writes it.
    pub column: String,
    /// The record field.
    pub field: String,
    /// The rule's code.
    pub rule: String,
    /// In Chinese.
    pub message: String,
    /// In English.
    pub en: String,
    /// A warning: the row is imported all the same.
    pub warning: bool,
}

/// One data row and what the import does with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportLine {
    /// The spreadsheet row number.
    pub row: u32,
    /// The name in the row.
    pub name: String,
    /// `add` (a new elder), `existing` (already registered: skipped) or `refuse` (nothing written).
    pub action: String,
    /// Every problem, errors and warnings.
    pub problems: Vec<ImportProblem>,
}

/// What an import would do (the dry run) or did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ImportPreview {
    /// The file's name.
    pub file: String,
    /// Data rows.
    pub rows: u32,
    /// Rows to register (with or without warnings).
    pub add: u32,
    /// Of those, rows with warnings.
    pub with_warnings: u32,
    /// Rows already registered (skipped).
    pub existing: u32,
    /// Rows refused.
    pub refused: u32,
    /// Headings the file has that name no column (ignored).
    pub ignored_headings: Vec<String>,
    /// Every row.
    pub lines: Vec<ImportLine>,
    /// Elders registered: 0 in a dry run.
    pub imported: u32,
    /// Whether anything was written.
    pub written: bool,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The plan as the UI shows it.
pub fn preview_of(file: &str, plan: &ImportPlan, imported: Option<usize>) -> ImportPreview {
    ImportPreview {
        file: file.to_string(),
        rows: count(plan.rows.len()),
        add: count(plan.ok() + plan.with_warnings()),
        with_warnings: count(plan.with_warnings()),
        existing: count(plan.existing()),
        refused: count(plan.refused()),
        ignored_headings: plan.ignored_headings.clone(),
        lines: plan
            .rows
            .iter()
            .map(|r| ImportLine {
                row: count(r.row),
                name: r.name.clone(),
                action: match r.action {
                    Action::Add => "add",
                    Action::Existing { .. } => "existing",
                    Action::Refuse => "refuse",
                }
                .into(),
                problems: r
                    .problems
                    .iter()
                    .map(|p| ImportProblem {
                        row: count(p.row),
                        column: p.column.clone(),
                        field: p.field.clone(),
                        rule: p.rule.clone(),
                        message: p.zh.clone(),
                        en: p.en.clone(),
                        warning: p.warning,
                    })
                    .collect(),
            })
            .collect(),
        imported: count(imported.unwrap_or(0)),
        written: imported.is_some_and(|n| n > 0),
    }
}

/// Reads the picked file with core: `.xlsx` or `.csv` by its name.
pub fn read_ledger(file: &LedgerFile) -> AppResult<ledger::Sheet> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(file.data.trim()).map_err(|_| {
        invalid("file", "文件内容无法读取（不是 base64）", "the file's content is not base64")
    })?;
    let ext = Path::new(&file.name).extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let sheet = file.sheet.as_deref().filter(|s| !s.trim().is_empty());
    let read = match ext.as_str() {
        "xlsx" => ledger::read_xlsx(&bytes, sheet),
        "csv" => ledger::read_csv(&bytes),
        _ => Err(LedgerError::Format(file.name.clone())),
    };
    read.map_err(ledger_error)
}

fn plan_on(store: &Store, file: &LedgerFile) -> AppResult<ImportPlan> {
    let registry = store.registry().clone();
    let policy = Policy::builtin(&registry.policy).ok_or_else(|| {
        AppError::new(
            ErrorKind::Failed,
            Some("policy"),
            format!("本登记册的政策配置 {} 不存在", registry.policy),
            format!("this registry's policy profile {} does not exist", registry.policy),
        )
    })?;
    let sheet = read_ledger(file)?;
    let ctx = ImportContext { unit: registry.unit, policy, today: today() };
    ledger::plan(&sheet, store, &ctx).map_err(ledger_error)
}

/// The dry run of a ledger import: every row that would be added or skipped and every refused row
/// with its row number, column heading, field and rule. Writes nothing.
#[tauri::command]
pub async fn preview_import(state: State<'_, AppState>, args: LedgerFile) -> AppResult<ImportPreview> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require_office(state::role(store)?, "导入台账")?;
    let plan = plan_on(store, &args)?;
    Ok(preview_of(&args.name, &plan, None))
}

/// Imports the ledger: the rows core accepts are registered in one transaction; a refused row writes
/// nothing. Wakes the sync loop.
#[tauri::command]
pub async fn import_ledger(state: State<'_, AppState>, args: LedgerFile) -> AppResult<ImportPreview> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require_office(state::role(store)?, "导入台账")?;
    let plan = plan_on(store, &args)?;
    let applied = ledger::apply(&plan, store, Utc::now())?;
    drop(guard);
    if !applied.added.is_empty() {
        state.sync_soon();
    }
    Ok(preview_of(&args.name, &plan, Some(applied.added.len())))
}

/// As what to export the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LedgerExport {
    /// XLSX, CSV or JSON.
    pub format: FileKind,
}

/// Writes every active elder of the registry, with the ledger's headings, into the download
/// directory; returns where.
#[tauri::command]
pub async fn export_ledger<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    args: LedgerExport,
) -> AppResult<SavedFile> {
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require_office(state::role(store)?, "导出台账")?;
    let registry = store.registry().clone();
    let elders = store.elders_under(&registry.unit)?;
    drop(guard);
    let stem = format!("信息台账-{}{}-{}", registry.name, registry.unit, today());
    let path = free_path(&export_dir(&app)?, &stem, args.format.extension());
    ledger::export(&elders, today(), &path).map_err(ledger_error)?;
    Ok(saved(&path))
}

// -- contact cards 明白卡 --

/// How cards go on paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CardPaper {
    /// One A6 card a page.
    A6,
    /// Four cards to an A4 sheet, with cut marks.
    A4,
}

/// Which cards to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CardQuery {
    /// Elder ids, in print order.
    pub elders: Vec<String>,
    /// A6 or A4 sheets.
    pub paper: CardPaper,
    /// The area in the heading (e.g. 巴州区); empty: the registry's county.
    #[serde(default)]
    pub area: Option<String>,
}

/// The printable cards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PrintedCards {
    /// A whole printable HTML page (core's layout), shown in a frame and printed from it.
    pub html: String,
    /// Cards.
    pub cards: u32,
    /// Cards carrying a QR code with a family enrolment code from the relay.
    pub with_code: u32,
    /// Why cards have no QR code (offline, not enrolled, refused), in Chinese; `null` when all have one.
    pub no_code: Option<String>,
    /// The same in English.
    pub no_code_en: Option<String>,
}

fn elder_id(id: &str) -> AppResult<ElderId> {
    id.parse()
        .map_err(|_| AppError::new(ErrorKind::NotFound, Some("elders"), "老人编号不正确", "not an elder id"))
}

/// The area a registry's cards are headed with: its county's name (巴州区).
pub fn default_area(unit: &UnitCode) -> String {
    shouwang_core::division::region_name(&unit.as_str()[..6]).map(|r| r.name.to_string()).unwrap_or_default()
}

/// Why no card has a code, in both languages.
fn no_code_reason(e: &AppError, done: usize, total: usize) -> (String, String) {
    let missing = total - done;
    match e.kind {
        ErrorKind::Offline => (
            format!("无法连接中继服务器，{missing} 张卡片未印二维码（家属可稍后凭村委会发的登记码登记）"),
            format!("the relay cannot be reached: {missing} cards printed without a QR code (families can enrol later with a code from the committee)"),
        ),
        _ => (
            format!("{missing} 张卡片未印二维码：{}", e.message),
            format!("{missing} cards printed without a QR code: {}", e.en),
        ),
    }
}

/// The contact cards of the chosen elders as printable HTML (A6, or A4 sheets of four). When this
/// device is enrolled with a relay that answers, each card's QR code carries a fresh one-time family
/// enrolment code for that elder (`POST /v1/enrolments`); otherwise the cards have no QR code and
/// `no_code` says why. A card holds no ID number and no health data (core builds it from the
/// organisation, the helper and the elder's name and address only).
#[tauri::command]
pub async fn print_cards(state: State<'_, AppState>, args: CardQuery) -> AppResult<PrintedCards> {
    if args.elders.is_empty() {
        return Err(invalid("elders", "请至少选择一位老人", "choose at least one elder"));
    }
    let mut guard = state.store.lock().await;
    let store = state::open(&mut guard)?;
    require_office(state::role(store)?, "打印明白卡")?;
    let enrolment = store.sync_state()?;
    let area = args
        .area
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| default_area(&store.registry().unit));
    let org = store.org()?;
    let mut cards = Vec::new();
    for raw in &args.elders {
        let id = elder_id(raw)?;
        let elder = store.elder(&id)?;
        let helper = match store.assignment(&id)?.helper {
            Some(h) => Some(store.helper(&h)?),
            None => None,
        };
        let services = elder.service.as_ref().map(|s| split_services(&s.content)).unwrap_or_default();
        cards
            .push((id, ContactCard::build(&area, &org, &CardElder::from(&elder), helper.as_ref(), services)));
    }
    drop(guard);

    let total = cards.len();
    let mut done = 0;
    let mut reason: Option<(String, String)> = None;
    match enrolment {
        None => {
            reason = Some((
                "本设备尚未登记到中继服务器，卡片未印二维码（家属可稍后凭村委会发的登记码登记）".into(),
                "this device is not enrolled with a relay: cards printed without a QR code (families can enrol later with a code from the committee)".into(),
            ))
        }
        Some(s) => match shouwang_sync::Relay::new(&s.relay, Some(s.token.clone())) {
            Err(e) => reason = Some(no_code_reason(&e.into(), 0, total)),
            Ok(client) => {
                for (id, card) in cards.iter_mut() {
                    let request = shouwang_protocol::FamilyCodeRequest { elder: id.to_string() };
                    match client.family_code(&request).await {
                        Ok(answer) => {
                            *card = card.clone().with_enrolment(Enrolment::new(&s.relay, &answer.code));
                            done += 1;
                        }
                        Err(e) => {
                            reason = Some(no_code_reason(&e.into(), done, total));
                            break;
                        }
                    }
                }
            }
        },
    }
    let cards: Vec<ContactCard> = cards.into_iter().map(|(_, c)| c).collect();
    let layout = match args.paper {
        CardPaper::A6 => shouwang_core::print::Layout::A6,
        CardPaper::A4 => shouwang_core::print::Layout::A4Sheet,
    };
    let html = shouwang_core::print::card_html(&cards, layout).map_err(write_error)?;
    Ok(PrintedCards {
        html,
        cards: count(total),
        with_code: count(done),
        no_code_en: reason.as_ref().map(|r| r.1.clone()),
        no_code: reason.map(|r| r.0),
    })
}

#[cfg(test)]
mod tests;
