//! Excel in and out: the ledger (信息台账) as offices keep it — one row per elder, columns headed with
//! the registration form's own Chinese headings (附件1) in any order — read from XLSX or CSV and
//! written back with the same headings.
//!
//! An import is a plan first ([`plan`]): every row mapped to an [`Elder`], validated with the
//! registry's rules ([`crate::validate`]) and the policy's age and household rules, each problem
//! reported with the row number, the column heading and the rule in Chinese and English; ID numbers
//! already in the store are matched and skipped (so importing the same file twice changes nothing),
//! and duplicates within the file are refused. [`apply`] then writes only the rows the plan accepted.
//! The accepted headings and spellings are listed in the README ("The village office").

mod cells;
mod columns;

pub use cells::{excel_date, Cell};
pub use columns::{column_of, heading, normalise, Col, COLUMNS};

use crate::division::UnitCode;
use crate::elder::*;
use crate::policy::{eligibility, Policy, Reason as EligibilityReason};
use crate::report::export::{csv_cell, ExportError, FileFormat};
use crate::sex::Sex;
use crate::store::{Saved, Store};
use crate::validate::{validate_elder, Context};
use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A sheet as read: the heading row and the data rows with their spreadsheet row numbers (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The headings as written in the file.
    pub headings: Vec<String>,
    /// `(row number, cells)` for each non-empty row under the headings.
    pub rows: Vec<(usize, Vec<Cell>)>,
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The file could not be opened or read.
    #[error("无法读取文件 / cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    /// Not a readable XLSX workbook.
    #[error("无法读取 Excel 文件 / not a readable XLSX workbook: {0}")]
    Xlsx(String),
    /// Not readable CSV.
    #[error("无法读取 CSV 文件 / not readable CSV: {0}")]
    Csv(String),
    /// No sheet of that name.
    #[error(
        "工作簿中没有名为 {name} 的工作表（现有：{existing}）/ no sheet named {name:?} (sheets: {existing})"
    )]
    NoSheet {
        /// The name asked for.
        name: String,
        /// The sheets there are.
        existing: String,
    },
    /// No row of headings found.
    #[error("前 10 行中找不到表头（至少要有 姓名、出生日期 等三列）/ no heading row in the first 10 rows (need at least three known headings such as 姓名, 出生日期)")]
    NoHeadings,
    /// A required column is missing.
    #[error("缺少必需的列：{0} / required column missing: {0}")]
    MissingColumn(String),
    /// Not .xlsx or .csv.
    #[error("不支持的文件类型 {0:?}，应为 .xlsx 或 .csv / unsupported file type {0:?}: use .xlsx or .csv")]
    Format(String),
    /// Writing failed.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// This device's role may not import into the registry.
    #[error(transparent)]
    Refused(#[from] crate::view::Refused),
}

/// Reads a ledger file (`.xlsx` or `.csv`), the named sheet or the first.
pub fn read_file(path: &Path, sheet: Option<&str>) -> Result<Sheet, LedgerError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let bytes = std::fs::read(path)?;
    match ext.as_str() {
        "xlsx" => read_xlsx(&bytes, sheet),
        "csv" => read_csv(&bytes),
        _ => Err(LedgerError::Format(path.display().to_string())),
    }
}

/// Reads an XLSX workbook's sheet (by name, or the first).
pub fn read_xlsx(bytes: &[u8], sheet: Option<&str>) -> Result<Sheet, LedgerError> {
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes.to_vec())).map_err(|e| LedgerError::Xlsx(e.to_string()))?;
    let names = wb.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| LedgerError::NoSheet { name: s.into(), existing: names.join(", ") })?,
        None => names.first().cloned().ok_or_else(|| LedgerError::Xlsx("no sheet".into()))?,
    };
    let range = wb.worksheet_range(&name).map_err(|e| LedgerError::Xlsx(e.to_string()))?;
    let start_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let start_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    let grid: Vec<(usize, Vec<Cell>)> = range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![Cell::Empty; start_col];
            cells.extend(row.iter().map(|d| match d {
                Data::Empty | Data::Error(_) => Cell::Empty,
                Data::String(s) => Cell::Text(s.clone()),
                Data::Float(f) => Cell::Number(*f),
                Data::Int(i) => Cell::Number(*i as f64),
                Data::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.into()),
                Data::DateTime(dt) => excel_date(dt.as_f64()).map(Cell::Date).unwrap_or(Cell::Empty),
                Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
            }));
            (start_row + i + 1, cells)
        })
        .collect();
    into_sheet(grid)
}

/// Reads CSV: UTF-8 with or without a byte-order mark, or GB18030/GBK as Chinese Excel saves "CSV"
/// by default; comma-separated, quoted as Excel writes.
pub fn read_csv(bytes: &[u8]) -> Result<Sheet, LedgerError> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let decoded;
    let bytes = if std::str::from_utf8(bytes).is_ok() {
        bytes
    } else {
        let (text, _, malformed) = encoding_rs::GB18030.decode(bytes);
        if malformed {
            return Err(LedgerError::Csv("既不是 UTF-8 也不是 GBK 编码 / neither UTF-8 nor GBK text".into()));
        }
        decoded = text.into_owned();
        decoded.as_bytes()
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    let mut grid = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| LedgerError::Csv(e.to_string()))?;
        grid.push((
            i + 1,
            record
                .iter()
                .map(|s| if s.trim().is_empty() { Cell::Empty } else { Cell::Text(s.to_string()) })
                .collect(),
        ));
    }
    into_sheet(grid)
}

fn into_sheet(grid: Vec<(usize, Vec<Cell>)>) -> Result<Sheet, LedgerError> {
    let header_at = grid
        .iter()
        .take(10)
        .position(|(_, cells)| cells.iter().filter(|c| column_of(&c.text()).is_some()).count() >= 3)
        .ok_or(LedgerError::NoHeadings)?;
    let headings: Vec<String> = grid[header_at].1.iter().map(Cell::text).collect();
    let rows = grid
        .into_iter()
        .skip(header_at + 1)
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .collect();
    Ok(Sheet { headings, rows })
}

/// One problem with a row: where (row, column heading, field), which rule, in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The spreadsheet row number (1-based, as Excel shows it).
    pub row: usize,
    /// The column heading as the file writes it (or the form's heading when the column is absent).
    pub column: String,
    /// The record field.
    pub field: String,
    /// The rule's stable code.
    pub rule: String,
    /// In Chinese.
    pub zh: String,
    /// In English.
    pub en: String,
    /// A warning only: the row is imported all the same.
    pub warning: bool,
}

/// What the plan does with a row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum Action {
    /// A new elder, to be registered.
    Add,
    /// An elder with this ID number is already registered: nothing to do.
    Existing {
        /// The registered elder.
        id: ElderId,
    },
    /// Refused: see the problems.
    Refuse,
}

/// One row of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedRow {
    /// The spreadsheet row number.
    pub row: usize,
    /// The name in the row.
    pub name: String,
    /// What will be done.
    #[serde(flatten)]
    pub action: Action,
    /// Every problem, errors and warnings.
    pub problems: Vec<Problem>,
    /// The record to write (for `Add`).
    #[serde(skip)]
    pub elder: Option<Elder>,
}

/// What an import would do, row by row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportPlan {
    /// Every data row.
    pub rows: Vec<PlannedRow>,
    /// Headings in the file that name no column (ignored).
    pub ignored_headings: Vec<String>,
}

impl ImportPlan {
    /// Rows to add with no problem at all.
    pub fn ok(&self) -> usize {
        self.rows.iter().filter(|r| r.action == Action::Add && r.problems.is_empty()).count()
    }
    /// Rows to add with warnings.
    pub fn with_warnings(&self) -> usize {
        self.rows.iter().filter(|r| r.action == Action::Add && !r.problems.is_empty()).count()
    }
    /// Rows refused.
    pub fn refused(&self) -> usize {
        self.rows.iter().filter(|r| r.action == Action::Refuse).count()
    }
    /// Rows already registered.
    pub fn existing(&self) -> usize {
        self.rows.iter().filter(|r| matches!(r.action, Action::Existing { .. })).count()
    }
}

/// What [`plan`] checks rows against.
#[derive(Debug, Clone)]
pub struct ImportContext {
    /// The registry's unit: the default 单位代码 and the bound every elder must fall within.
    pub unit: UnitCode,
    /// The policy: the age (at its cutoff) and household rules a left-behind elder must meet.
    pub policy: Policy,
    /// Today: what the rows are checked against (no date after it).
    pub today: NaiveDate,
    /// The survey round's date 填报日期 the ledger's stated years and ages are the situation of,
    /// for rows without a 填报日期 of their own; `None`: the policy's latest cutoff
    /// ([`Policy::round_date`]).
    pub as_of: Option<NaiveDate>,
}

impl ImportContext {
    /// Checks rows for `unit` under `policy` on `today`, dated by each row's 填报日期 or the
    /// policy's latest cutoff.
    pub fn new(unit: UnitCode, policy: Policy, today: NaiveDate) -> ImportContext {
        ImportContext { unit, policy, today, as_of: None }
    }

    /// The day a row's 外出务工年限 is counted back from: the row's own
    /// 填报日期 when it has one, else the round's date given, else the policy's latest cutoff on or
    /// before today. "1 年" in a ledger filed on 2026-09-30 means away since 2025-09, whatever day
    /// the office imports it.
    pub fn reference(&self, filed: Option<NaiveDate>) -> NaiveDate {
        filed.or(self.as_of).unwrap_or_else(|| self.policy.round_date(self.today))
    }
}

/// Plans the import of `sheet` into `store`: maps, validates and matches every row; writes nothing.
pub fn plan(sheet: &Sheet, store: &Store, ctx: &ImportContext) -> Result<ImportPlan, LedgerError> {
    store.viewer().require(crate::view::Operation::EditRegistry)?;
    let mut map: BTreeMap<Col, usize> = BTreeMap::new();
    let mut ignored = Vec::new();
    for (i, h) in sheet.headings.iter().enumerate() {
        match column_of(h) {
            Some(col) => {
                map.entry(col).or_insert(i);
            }
            None if !h.trim().is_empty() && !matches!(normalise(h).as_str(), "序号" | "编号" | "备注") => {
                ignored.push(h.clone())
            }
            None => {}
        }
    }
    for required in [Col::Name, Col::BirthDate] {
        if !map.contains_key(&required) {
            return Err(LedgerError::MissingColumn(heading(required).into()));
        }
    }
    let headings: BTreeMap<Col, String> = map.iter().map(|(c, i)| (*c, sheet.headings[*i].clone())).collect();
    let vctx = Context { legacy_ids: true, ..Context::new(ctx.unit.clone(), ctx.today) };
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut rows = Vec::new();
    for (row_no, cells) in &sheet.rows {
        let get = |col: Col| map.get(&col).and_then(|i| cells.get(*i)).cloned().unwrap_or(Cell::Empty);
        let mut problems = Vec::new();
        let problem = |col: Col, field: &str, rule: &str, zh: String, en: String, warning: bool| Problem {
            row: *row_no,
            column: headings.get(&col).cloned().unwrap_or_else(|| heading(col).to_string()),
            field: field.into(),
            rule: rule.into(),
            zh,
            en,
            warning,
        };
        // The ID number's own errors first (length, characters, date, check digit, a second row with
        // it), so that a bad number is not explained by what is derived from it (性别, 出生日期).
        let raw_id = get(Col::IdNumber).text().trim().to_uppercase();
        if !raw_id.is_empty() {
            match crate::resident_id::ResidentId::parse_legacy(&raw_id) {
                Err(e) => problems.push(problem(Col::IdNumber, "id_number", e.code(), e.zh(), e.en(), false)),
                Ok(id) => match seen.get(id.as_str()) {
                    Some(first) => problems.push(problem(
                        Col::IdNumber,
                        "id_number",
                        "duplicate_in_file",
                        format!("与第 {first} 行的身份证号码重复"),
                        format!("the same ID number as row {first}"),
                        false,
                    )),
                    None => {
                        seen.insert(id.as_str().to_string(), *row_no);
                    }
                },
            }
        }
        let elder = to_elder(&get, ctx, &mut |col, field, rule, zh, en| {
            problems.push(problem(col, field, rule, zh, en, false))
        });
        let name = get(Col::Name).text();
        let Some(mut elder) = elder else {
            sort_problems(&mut problems);
            rows.push(PlannedRow { row: *row_no, name, action: Action::Refuse, problems, elder: None });
            continue;
        };
        let found = validate_elder(&mut elder, &vctx).unwrap_or_else(|all| all);
        for v in found {
            let col = columns::column_of_field(&v.field).unwrap_or(Col::Name);
            let (code, warning) = (v.rule.code(), v.rule.is_warning());
            // The ID number's error is already listed (the same rule under the same field).
            if !problems.iter().any(|p| p.field == v.field && p.rule == code) {
                problems.push(problem(col, &v.field, code, v.rule.zh(), v.rule.en(), warning));
            }
        }
        {
            let e = eligibility(&elder, &ctx.policy, ctx.today);
            for reason in &e.reasons {
                let (col, field, refuse) = match reason {
                    EligibilityReason::UnderAge { .. } => (Col::BirthDate, "birth_date", true),
                    EligibilityReason::NotRural { .. } => (Col::Hukou, "hukou", true),
                    EligibilityReason::NotActive { .. } => (Col::Name, "status", false),
                    _ => (Col::YearsAway, "migration", false),
                };
                if refuse || !e.eligible {
                    problems.push(problem(col, field, reason.code(), reason.zh(), reason.en(), !refuse));
                }
            }
        }
        sort_problems(&mut problems);
        let refused = problems.iter().any(|p| !p.warning);
        let action = if refused {
            Action::Refuse
        } else if let Some(number) = elder.id_number.clone() {
            match store.elder_by_id_number(&number).map_err(|e| LedgerError::Xlsx(e.to_string()))? {
                Some(id) => Action::Existing { id },
                None => Action::Add,
            }
        } else {
            Action::Add
        };
        let elder = (action == Action::Add).then_some(elder);
        rows.push(PlannedRow { row: *row_no, name, action, problems, elder });
    }
    Ok(ImportPlan { rows, ignored_headings: ignored })
}

/// A row's problems in the order an office fixes them: the ID number's own first, then refusals
/// before warnings, each group in the order found.
fn sort_problems(problems: &mut [Problem]) {
    problems.sort_by_key(|p| (p.field != "id_number", p.warning));
}

/// What [`apply`] did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Applied {
    /// Each row registered, with the elder's id.
    pub added: Vec<(usize, ElderId)>,
    /// Rows skipped because the ID number was already registered.
    pub existing: usize,
    /// Rows refused (nothing written for them).
    pub refused: usize,
}

/// Registers the rows the plan accepted, all in one transaction ([`Store::import_elders`]): a refused
/// row writes nothing, and if the store refuses any row at this point (another device registered the
/// same ID number since the plan), nothing is written at all.
pub fn apply(plan: &ImportPlan, store: &mut Store, now: DateTime<Utc>) -> crate::store::Result<Applied> {
    let rows: Vec<&PlannedRow> = plan.rows.iter().filter(|r| r.action == Action::Add).collect();
    let saved: Vec<Saved> =
        store.import_elders(rows.iter().filter_map(|r| r.elder.clone()).collect(), now)?;
    Ok(Applied {
        added: rows.iter().map(|r| r.row).zip(saved.into_iter().map(|s| s.id)).collect(),
        existing: plan.existing(),
        refused: plan.refused(),
    })
}

type Report<'a> = dyn FnMut(Col, &str, &str, String, String) + 'a;

fn unknown(report: &mut Report<'_>, col: Col, field: &str, value: &str, allowed: String) {
    report(
        col,
        field,
        "unknown_value",
        format!("“{value}”不是可选值；可选：{allowed}"),
        format!("{value:?} is not one of: {allowed}"),
    );
}

fn zh_list<T: Copy>(all: &[T], zh: impl Fn(T) -> &'static str) -> String {
    all.iter().map(|c| zh(*c)).collect::<Vec<_>>().join("、")
}

fn parse_education(s: &str) -> Option<Education> {
    Education::parse(s).or(match s {
        "高中或中专" | "高中" | "中专" | "中专及以上" | "大专" | "大专及以上" | "本科" | "大学"
        | "高中以上" => Some(Education::SeniorOrAbove),
        "半文盲" | "不识字" => Some(Education::Illiterate),
        _ => None,
    })
}

fn parse_income(s: &str) -> Option<IncomeSource> {
    IncomeSource::parse(s).or(match s {
        "子女打工收入" | "子女打工" | "打工收入" | "务工" | "务工收入" => {
            Some(IncomeSource::MigrantWork)
        }
        "种植" | "养殖" | "种养殖" | "种植业" | "养殖业" | "务农" => {
            Some(IncomeSource::Farming)
        }
        "低保" | "救助" | "政府救助金" | "特困供养" => Some(IncomeSource::GovernmentAid),
        "亲友救济" | "亲朋资助" => Some(IncomeSource::Relatives),
        _ => None,
    })
}

fn parse_spouse(s: &str) -> Option<Spouse> {
    Spouse::parse(s).or(match s {
        "健在" | "双方" => Some(Spouse::BothLiving),
        "一方" | "丧偶" | "离异" | "单身" => Some(Spouse::OneLiving),
        _ => None,
    })
}

fn parse_care(s: &str) -> Option<Care> {
    Care::parse(s).or(match s {
        "有" | "是" | "有人" => Some(Care::CaredFor),
        "无" | "否" | "无人" => Some(Care::NotCaredFor),
        _ => None,
    })
}

/// Reads 肢体残疾三级, 肢体 3级, 视力残疾 into a kind and (maybe) a grade.
fn parse_disability(s: &str) -> Option<(DisabilityKind, Option<u8>)> {
    let s = s.trim();
    DisabilityKind::ALL.iter().find_map(|k| {
        let zh = k.zh();
        let short = zh.trim_end_matches("残疾");
        let rest = s.strip_prefix(zh).or_else(|| s.strip_prefix(short))?;
        let rest = rest.trim();
        if rest.is_empty() {
            Some((*k, None))
        } else {
            cells::grade(rest).map(|g| (*k, Some(g)))
        }
    })
}

/// Maps one row to a record, reporting each cell that cannot be read. `None` when a required cell
/// is missing or unreadable.
fn to_elder(get: &dyn Fn(Col) -> Cell, ctx: &ImportContext, report: &mut Report<'_>) -> Option<Elder> {
    let mut ok = true;
    let text = |col: Col| get(col).text();
    let mut fail = |report: &mut Report<'_>, col: Col, field: &str, value: String, zh: &str, en: &str| {
        ok = false;
        report(
            col,
            field,
            "unreadable",
            format!("无法识别“{value}”：{zh}"),
            format!("cannot read {value:?}: {en}"),
        );
    };
    let name = text(Col::Name);
    if name.is_empty() {
        report(Col::Name, "name", "required", "必填".into(), "is required".into());
    }
    let id_number = Some(text(Col::IdNumber)).filter(|s| !s.is_empty());
    let from_id = id_number.as_deref().and_then(|n| crate::resident_id::ResidentId::parse(n).ok());
    let birth_date = match cells::date(&get(Col::BirthDate)) {
        Ok(Some(d)) => Some(d),
        Ok(None) => match &from_id {
            Some(id) => Some(id.birth_date()),
            None => {
                report(Col::BirthDate, "birth_date", "required", "必填".into(), "is required".into());
                None
            }
        },
        Err(v) => {
            fail(
                report,
                Col::BirthDate,
                "birth_date",
                v,
                "日期应写成 1945-03-02、1945/3/2、19450302 或 Excel 日期",
                "a date is written 1945-03-02, 1945/3/2, 19450302 or as an Excel date",
            );
            None
        }
    };
    let sex = match text(Col::Sex).as_str() {
        "" => from_id.as_ref().map(|id| id.sex()).or_else(|| {
            report(Col::Sex, "sex", "required", "必填".into(), "is required".into());
            None
        }),
        s => Sex::parse(s).or_else(|| {
            unknown(report, Col::Sex, "sex", s, "男、女".into());
            None
        }),
    };
    let unit = match text(Col::Unit).as_str() {
        "" => ctx.unit.clone(),
        s => match s.parse::<UnitCode>() {
            Ok(u) => u,
            Err(e) => {
                report(Col::Unit, "unit", e.code(), e.zh(), e.en());
                ctx.unit.clone()
            }
        },
    };
    let choice =
        |report: &mut Report<'_>, col: Col, field: &str, allowed: String, parse: &dyn Fn(&str) -> bool| {
            let s = text(col);
            if !s.is_empty() && !parse(&s) {
                unknown(report, col, field, &s, allowed);
            }
        };
    let hukou = match text(Col::Hukou).as_str() {
        "" => Hukou::Rural,
        "农村" | "农业" | "农业户口" => Hukou::Rural,
        "城镇" | "非农业" | "非农业户口" => Hukou::Urban,
        s => Hukou::parse(s).unwrap_or_else(|| {
            unknown(report, Col::Hukou, "hukou", s, zh_list(Hukou::ALL, Hukou::zh));
            Hukou::Rural
        }),
    };
    let health_s = text(Col::Health);
    let health = Health::parse(&health_s);
    choice(report, Col::Health, "health", zh_list(Health::ALL, Health::zh), &|s| Health::parse(s).is_some());
    let education = parse_education(&text(Col::Education));
    choice(
        report,
        Col::Education,
        "education",
        "文盲、小学、初中、高中及以上（高中或中专）".into(),
        &|s| parse_education(s).is_some(),
    );
    let spouse = parse_spouse(&text(Col::Spouse));
    choice(report, Col::Spouse, "spouse", zh_list(Spouse::ALL, Spouse::zh), &|s| parse_spouse(s).is_some());
    let care = parse_care(&text(Col::Care));
    choice(report, Col::Care, "care", zh_list(Care::ALL, Care::zh), &|s| parse_care(s).is_some());
    let mut income_sources = BTreeSet::new();
    for v in cells::multi(&get(Col::Income)) {
        match parse_income(&v) {
            Some(s) => {
                income_sources.insert(s);
            }
            None => unknown(
                report,
                Col::Income,
                "income_sources",
                &v,
                zh_list(IncomeSource::ALL, IncomeSource::zh),
            ),
        }
    }
    let mut categories = BTreeSet::new();
    for v in cells::multi(&get(Col::Categories)) {
        match Category::parse(&v) {
            Some(c) => {
                categories.insert(c);
            }
            None => unknown(report, Col::Categories, "categories", &v, zh_list(Category::ALL, Category::zh)),
        }
    }
    let disability = match text(Col::DisabilityKind).as_str() {
        "" => None,
        s => match parse_disability(s) {
            Some((kind, grade)) => {
                let grade = grade.or_else(|| cells::grade(&text(Col::DisabilityGrade)));
                match grade {
                    Some(grade) => Some(Disability { kind, grade }),
                    None => {
                        report(
                            Col::DisabilityGrade,
                            "disability.grade",
                            "required",
                            "填写残疾类别时须填写等级（一级至四级）".into(),
                            "a disability needs its grade (1 to 4)".into(),
                        );
                        None
                    }
                }
            }
            None => {
                unknown(
                    report,
                    Col::DisabilityKind,
                    "disability.kind",
                    s,
                    zh_list(DisabilityKind::ALL, DisabilityKind::zh),
                );
                None
            }
        },
    };
    let num = |report: &mut Report<'_>, col: Col, field: &str| match cells::number(&get(col)) {
        Ok(n) => n,
        Err(v) => {
            report(
                col,
                field,
                "unreadable",
                format!("无法识别“{v}”：应为整数"),
                format!("cannot read {v:?}: a whole number"),
            );
            None
        }
    };
    let children_count = num(report, Col::ChildrenCount, "children");
    let reunions = num(report, Col::ReunionsPerYear, "migration.reunions_per_year");
    let reunion_days = num(report, Col::ReunionDays, "migration.reunion_days");
    let years_away = num(report, Col::YearsAway, "migration.away_since");
    let mut children = Vec::new();
    for v in cells::multi(&get(Col::ChildrenBirthYears)) {
        let year: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
        match year.parse::<i32>() {
            Ok(y) if year.len() == 4 => {
                children.push(Child { id: String::new(), birth_year: y, name: String::new(), sex: None })
            }
            _ => report(
                Col::ChildrenBirthYears,
                "children",
                "unreadable",
                format!("无法识别“{v}”：应为四位年份，如 1975"),
                format!("cannot read {v:?}: a four-digit year such as 1975"),
            ),
        }
    }
    if let Some(n) = children_count {
        if !children.is_empty() && n as usize != children.len() {
            report(
                Col::ChildrenCount,
                "children",
                "children_count_mismatch",
                format!("子女数量 {n} 与所填出生年份个数 {} 不符", children.len()),
                format!("{n} children, but {} birth years", children.len()),
            );
        }
    }
    let ym = |report: &mut Report<'_>, col: Col, field: &str| match cells::year_month(&get(col)) {
        Ok(v) => v,
        Err(v) => {
            report(
                col,
                field,
                "unreadable",
                format!("无法识别“{v}”：应写成 2024-03 或 2024年3月"),
                format!("cannot read {v:?}: write 2024-03"),
            );
            None
        }
    };
    let sign_off_date = match cells::date(&get(Col::SignOffDate)) {
        Ok(d) => d,
        Err(v) => {
            fail(
                report,
                Col::SignOffDate,
                "sign_off.date",
                v,
                "日期应写成 2026-11-23",
                "a date is written 2026-11-23",
            );
            None
        }
    };
    let reference = ctx.reference(sign_off_date);
    let away_since = ym(report, Col::AwaySince, "migration.away_since").or_else(|| {
        years_away
            .and_then(|y| reference.checked_sub_months(Months::new(12 * y.max(0) as u32)))
            .map(YearMonth::of)
    });
    let last_home_visit = ym(report, Col::LastHomeVisit, "migration.last_home_visit");
    let migration =
        (away_since.is_some() || last_home_visit.is_some() || reunions.is_some() || reunion_days.is_some())
            .then(|| Migration {
                away_since,
                last_home_visit,
                reunions_per_year: reunions.map(|n| n.max(0) as u32),
                reunion_days: reunion_days.map(|n| n.max(0) as u32),
            });
    let supporter_name = text(Col::SupporterName);
    let mut supporters = Vec::new();
    if !supporter_name.is_empty() {
        let sex_s = text(Col::SupporterSex);
        let sex = Sex::parse(&sex_s);
        if !sex_s.is_empty() && sex.is_none() {
            unknown(report, Col::SupporterSex, "supporters[0].sex", &sex_s, "男、女".into());
        }
        let whereabouts = text(Col::SupporterWhereabouts);
        let away = match cells::yes_no(&get(Col::SupporterAway)) {
            Ok(Some(a)) => a,
            Ok(None) => migration.as_ref().is_some_and(|m| m.away_since.is_some()) || !whereabouts.is_empty(),
            Err(v) => {
                unknown(report, Col::SupporterAway, "supporters[0].away", &v, "是、否".into());
                false
            }
        };
        supporters.push(Supporter {
            id: String::new(),
            name: supporter_name,
            relation: text(Col::SupporterRelation),
            sex,
            phone: Some(text(Col::SupporterPhone)).filter(|s| !s.is_empty()),
            address: text(Col::SupporterAddress),
            main: true,
            whereabouts,
            away,
            away_since: None,
            reported_on: None,
            able: true,
        });
    }
    if !ok || name.is_empty() {
        return None;
    }
    Some(Elder {
        id: None,
        unit,
        name,
        sex: sex?,
        birth_date: birth_date?,
        ethnicity: text(Col::Ethnicity),
        id_number,
        hukou,
        household_place: text(Col::HouseholdPlace),
        address: text(Col::Address),
        phone: Some(text(Col::Phone)).filter(|s| !s.is_empty()),
        home: None,
        health,
        disability,
        illness: text(Col::Illness),
        education,
        spouse,
        children,
        migration,
        income_sources,
        care,
        needs: text(Col::Needs),
        difficulties: text(Col::Difficulties),
        supporters,
        categories,
        status: Status::Active,
        archive: None,
        sign_off: SignOff {
            filing_unit: text(Col::FilingUnit),
            filler: text(Col::Filler),
            reviewer: text(Col::Reviewer),
            unit_head: text(Col::UnitHead),
            date: sign_off_date,
        },
        service: None,
    })
}

/// One elder as a ledger row, in [`COLUMNS`] order. 外出务工年限 is counted at `today`.
pub fn to_row(elder: &Elder, today: NaiveDate) -> Vec<String> {
    let main = elder.supporters.iter().find(|s| s.main).or(elder.supporters.first());
    let join = |v: Vec<&str>| v.join("、");
    let grades = ["", "一级", "二级", "三级", "四级"];
    COLUMNS
        .iter()
        .map(|(col, _)| match col {
            Col::Unit => elder.unit.to_string(),
            Col::Name => elder.name.clone(),
            Col::Sex => elder.sex.zh().into(),
            Col::BirthDate => elder.birth_date.to_string(),
            Col::Ethnicity => elder.ethnicity.clone(),
            Col::IdNumber => elder.id_number.clone().unwrap_or_default(),
            Col::Hukou => elder.hukou.zh().into(),
            Col::HouseholdPlace => elder.household_place.clone(),
            Col::Address => elder.address.clone(),
            Col::Phone => elder.phone.clone().unwrap_or_default(),
            Col::Health => elder.health.map(|h| h.zh().to_string()).unwrap_or_default(),
            Col::DisabilityKind => {
                elder.disability.as_ref().map(|d| d.kind.zh().to_string()).unwrap_or_default()
            }
            Col::DisabilityGrade => elder
                .disability
                .as_ref()
                .map(|d| grades.get(d.grade as usize).copied().unwrap_or("").to_string())
                .unwrap_or_default(),
            Col::Illness => elder.illness.clone(),
            Col::Education => elder.education.map(|e| e.zh().to_string()).unwrap_or_default(),
            Col::Spouse => elder.spouse.map(|s| s.zh().to_string()).unwrap_or_default(),
            Col::ChildrenCount => {
                if elder.children.is_empty() {
                    String::new()
                } else {
                    elder.children.len().to_string()
                }
            }
            Col::ChildrenBirthYears => {
                elder.children.iter().map(|c| c.birth_year.to_string()).collect::<Vec<_>>().join("、")
            }
            Col::YearsAway => elder
                .migration
                .as_ref()
                .and_then(|m| m.away_since)
                .map(|s| (s.months_until(today) / 12).max(0).to_string())
                .unwrap_or_default(),
            Col::AwaySince => {
                elder.migration.as_ref().and_then(|m| m.away_since).map(|s| s.to_string()).unwrap_or_default()
            }
            Col::LastHomeVisit => elder
                .migration
                .as_ref()
                .and_then(|m| m.last_home_visit)
                .map(|s| s.to_string())
                .unwrap_or_default(),
            Col::ReunionsPerYear => elder
                .migration
                .as_ref()
                .and_then(|m| m.reunions_per_year)
                .map(|n| n.to_string())
                .unwrap_or_default(),
            Col::ReunionDays => elder
                .migration
                .as_ref()
                .and_then(|m| m.reunion_days)
                .map(|n| n.to_string())
                .unwrap_or_default(),
            Col::Income => join(elder.income_sources.iter().map(|s| s.zh()).collect()),
            Col::Care => elder.care.map(|c| c.zh().to_string()).unwrap_or_default(),
            Col::Needs => elder.needs.clone(),
            Col::Difficulties => elder.difficulties.clone(),
            Col::SupporterName => main.map(|s| s.name.clone()).unwrap_or_default(),
            Col::SupporterRelation => main.map(|s| s.relation.clone()).unwrap_or_default(),
            Col::SupporterSex => main.and_then(|s| s.sex).map(|s| s.zh().to_string()).unwrap_or_default(),
            Col::SupporterAddress => main.map(|s| s.address.clone()).unwrap_or_default(),
            Col::SupporterPhone => main.and_then(|s| s.phone.clone()).unwrap_or_default(),
            Col::SupporterWhereabouts => main.map(|s| s.whereabouts.clone()).unwrap_or_default(),
            Col::SupporterAway => {
                main.map(|s| if s.away { "是" } else { "否" }.to_string()).unwrap_or_default()
            }
            Col::Categories => join(elder.categories.iter().map(|c| c.zh()).collect()),
            Col::FilingUnit => elder.sign_off.filing_unit.clone(),
            Col::Filler => elder.sign_off.filler.clone(),
            Col::Reviewer => elder.sign_off.reviewer.clone(),
            Col::UnitHead => elder.sign_off.unit_head.clone(),
            Col::SignOffDate => elder.sign_off.date.map(|d| d.to_string()).unwrap_or_default(),
        })
        .collect()
}

/// The registry as a ledger, sorted by unit, name and ID number: CSV text with a byte-order mark.
pub fn export_csv(elders: &[Elder], today: NaiveDate) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&COLUMNS.iter().map(|(_, h)| *h).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for elder in sorted(elders) {
        out.push_str(&to_row(elder, today).iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// The registry as a ledger workbook: one sheet 信息台账, the headings bold, every cell as text (so ID
/// numbers keep all 18 characters).
pub fn export_xlsx(elders: &[Elder], today: NaiveDate) -> Result<Vec<u8>, ExportError> {
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("信息台账")?;
    let head = Format::new().set_bold().set_border(FormatBorder::Thin).set_text_wrap();
    let cell = Format::new().set_border(FormatBorder::Thin);
    for (c, (_, h)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &head)?;
        sheet.set_column_width(
            c as u16,
            if matches!(*h, "身份证号码" | "现居住地址" | "户籍所在地") { 22 } else { 11 },
        )?;
    }
    sheet.set_freeze_panes(1, 2)?;
    for (r, elder) in sorted(elders).into_iter().enumerate() {
        for (c, v) in to_row(elder, today).iter().enumerate() {
            sheet.write_string_with_format(r as u32 + 1, c as u16, v, &cell)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// Writes the ledger to `path` in the format its extension names (`.xlsx`, `.csv` or `.json`).
pub fn export(elders: &[Elder], today: NaiveDate, path: &Path) -> Result<(), LedgerError> {
    let bytes = match FileFormat::of(path)? {
        FileFormat::Xlsx => export_xlsx(elders, today)?,
        FileFormat::Csv => export_csv(elders, today).into_bytes(),
        FileFormat::Json => serde_json::to_vec_pretty(&sorted(elders)).expect("elders serialise"),
    };
    std::fs::write(path, bytes)?;
    Ok(())
}

fn sorted(elders: &[Elder]) -> Vec<&Elder> {
    let mut v: Vec<&Elder> = elders.iter().filter(|e| e.is_active()).collect();
    v.sort_by(|a, b| {
        (&a.unit, &a.name, &a.id_number, a.birth_date).cmp(&(&b.unit, &b.name, &b.id_number, b.birth_date))
    });
    v
}

/// A realistic ledger for tests and demos: the demo village's elders as CSV, as an office would type
/// it (Guangdong wordings for the headings: 主要赡养人或扶养人姓名, 家庭经济来源情况).
pub fn sample_ledger(n: usize, seed: u64) -> String {
    let village = crate::demo::DemoVillage::bazhou();
    let elders = crate::demo::demo_village(&village, n, seed);
    export_csv(&elders, village.today)
        .replacen("主要赡养人姓名", "主要赡养人或扶养人姓名", 1)
        .replacen("家庭经济来源,", "家庭经济来源情况,", 1)
        .replacen("联系电话,", "联系电话（手机）,", 1)
        .replace("高中及以上", "高中或中专")
}

#[cfg(test)]
mod tests;
