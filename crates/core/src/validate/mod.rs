//! The rules a registry record must satisfy before it is stored.
//!
//! [`validate_elder`] normalises a record (trims text, writes ID and phone numbers in their canonical
//! form) and checks every rule, collecting *all* violations so a form or an import row can show them at
//! once. Each [`Violation`] names the field (a JSON path such as `children[1].birth_year`) and the
//! [`Rule`], with a message in Chinese and in English. Warnings (an ID number whose region code is not
//! in GB/T 2260, a missing ID number) are reported but do not stop the write.
//!
//! ```
//! use shouwang_core::validate::{validate_elder, Context};
//! let mut elder = shouwang_core::demo::sample_elder();
//! elder.id_number = Some("11010519491231002x".into()); // the standard's example, lowercase x
//! let ctx = Context::new("511902106202".parse().unwrap(), chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
//! let errors = validate_elder(&mut elder, &ctx).unwrap_err();
//! // The number is valid, but the form's birth date and sex must agree with it.
//! assert!(errors.iter().any(|v| v.field == "birth_date" && v.rule.code() == "id_birth_date_mismatch"));
//! ```

use crate::division::{self, UnitCode};
use crate::elder::{Elder, ElderId, Health, Status, YearMonth};
use crate::phone::{normalize_phone, PhoneError};
use crate::resident_id::{IdError, ResidentId};
use crate::sex::Sex;
use chrono::{Datelike, NaiveDate};
use std::fmt;

/// Longest name accepted (minority names written in full can be long).
pub const MAX_NAME: usize = 50;
/// Longest address accepted.
pub const MAX_ADDRESS: usize = 200;
/// Longest free-text answer (needs, difficulties, reasons).
pub const MAX_TEXT: usize = 1000;
/// Longest short label (ethnicity, relation, illness type).
pub const MAX_LABEL: usize = 50;

/// What the rules are checked against.
#[derive(Debug, Clone)]
pub struct Context {
    /// The registry's unit: every elder must belong to it or a unit below it.
    pub registry_unit: UnitCode,
    /// Today, for “no dates in the future”.
    pub today: NaiveDate,
    /// Accept a 15-digit pre-1999 ID number and convert it (imports of old ledgers).
    pub legacy_ids: bool,
}

impl Context {
    /// Rules for a registry of `registry_unit` on `today`, 18-digit ID numbers only.
    pub fn new(registry_unit: UnitCode, today: NaiveDate) -> Context {
        Context { registry_unit, today, legacy_ids: false }
    }
}

/// A rule a record broke, or a warning about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// The field must be filled in.
    Required,
    /// Text longer than allowed.
    TooLong {
        /// Characters allowed.
        max: usize,
        /// Characters given.
        len: usize,
    },
    /// Text containing control characters.
    ControlCharacters,
    /// The ID number itself is malformed.
    IdNumber(IdError),
    /// The form's birth date disagrees with the one in the ID number.
    IdBirthDateMismatch {
        /// From the ID number.
        id: NaiveDate,
        /// From the form.
        form: NaiveDate,
    },
    /// The form's sex disagrees with the one in the ID number.
    IdSexMismatch {
        /// From the ID number.
        id: Sex,
        /// From the form.
        form: Sex,
    },
    /// Another elder in this registry already has this ID number.
    DuplicateIdNumber {
        /// The elder who has it.
        existing: ElderId,
    },
    /// Not a mobile number or a landline with area code.
    Phone(PhoneError),
    /// The elder's village is not in this registry's unit.
    OutsideRegistry {
        /// The registry's unit.
        registry: String,
    },
    /// A date after today.
    FutureDate {
        /// The date given.
        date: String,
    },
    /// A birth date before 1890.
    TooEarly {
        /// The date given.
        date: NaiveDate,
    },
    /// A child's birth year that cannot be right for this parent.
    ChildBirthYear {
        /// The year given.
        year: i32,
        /// Earliest plausible year.
        earliest: i32,
        /// Latest plausible year.
        latest: i32,
    },
    /// A number outside its range.
    OutOfRange {
        /// Smallest allowed.
        min: i64,
        /// Largest allowed.
        max: i64,
        /// Given.
        value: i64,
    },
    /// A moved-away or deceased elder needs the archive block (reason and date), an active one must
    /// not have it, and the two statuses must agree.
    ArchiveMismatch,
    /// Two children or supporters with the same key.
    DuplicateKey {
        /// The key.
        key: String,
    },
    /// A date before the earliest it may be (a consent withdrawn before it was given).
    DateBefore {
        /// The date given.
        date: NaiveDate,
        /// The earliest allowed.
        earliest: NaiveDate,
    },
    /// A consent that was already withdrawn.
    AlreadyWithdrawn,
    /// Warning: the ID number's region code is not in GB/T 2260 (old codes remain valid).
    UnknownRegion {
        /// The six digits.
        region: String,
    },
    /// Warning: no ID number; duplicates cannot be detected and the elder cannot be merged across
    /// devices.
    MissingIdNumber,
    /// Warning: a 15-digit number was converted to 18 digits.
    LegacyIdConverted {
        /// What was given.
        from: String,
    },
}

impl Rule {
    /// A stable snake_case name of the rule, for scripts and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Rule::Required => "required",
            Rule::TooLong { .. } => "too_long",
            Rule::ControlCharacters => "control_characters",
            Rule::IdNumber(e) => e.code(),
            Rule::IdBirthDateMismatch { .. } => "id_birth_date_mismatch",
            Rule::IdSexMismatch { .. } => "id_sex_mismatch",
            Rule::DuplicateIdNumber { .. } => "duplicate_id_number",
            Rule::Phone(e) => e.code(),
            Rule::OutsideRegistry { .. } => "outside_registry",
            Rule::FutureDate { .. } => "future_date",
            Rule::TooEarly { .. } => "too_early",
            Rule::ChildBirthYear { .. } => "child_birth_year",
            Rule::OutOfRange { .. } => "out_of_range",
            Rule::ArchiveMismatch => "archive_mismatch",
            Rule::DuplicateKey { .. } => "duplicate_key",
            Rule::DateBefore { .. } => "date_before",
            Rule::AlreadyWithdrawn => "already_withdrawn",
            Rule::UnknownRegion { .. } => "unknown_region",
            Rule::MissingIdNumber => "missing_id_number",
            Rule::LegacyIdConverted { .. } => "legacy_id_converted",
        }
    }

    /// Whether this is only a warning.
    pub fn is_warning(&self) -> bool {
        matches!(self, Rule::UnknownRegion { .. } | Rule::MissingIdNumber | Rule::LegacyIdConverted { .. })
    }

    /// The message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Rule::Required => "必填".into(),
            Rule::TooLong { max, len } => format!("不能超过 {max} 个字（现有 {len} 个）"),
            Rule::ControlCharacters => "含有不可见的控制字符".into(),
            Rule::IdNumber(e) => e.zh(),
            Rule::IdBirthDateMismatch { id, form } => {
                format!("与身份证号码不符：号码中的出生日期为 {id}，表中填写 {form}")
            }
            Rule::IdSexMismatch { id, form } => {
                format!("与身份证号码不符：号码中的性别为{}，表中填写{}", id.zh(), form.zh())
            }
            Rule::DuplicateIdNumber { existing } => {
                format!("该身份证号码已登记（老人编号 {existing}），不能重复登记")
            }
            Rule::Phone(e) => e.zh(),
            Rule::OutsideRegistry { registry } => format!("不属于本台账的单位 {registry}"),
            Rule::FutureDate { date } => format!("日期 {date} 晚于今天"),
            Rule::TooEarly { date } => format!("出生日期 {date} 早于 1890 年，请核对"),
            Rule::ChildBirthYear { year, earliest, latest } => {
                format!("子女出生年份 {year} 不合理，应在 {earliest} 至 {latest} 年之间")
            }
            Rule::OutOfRange { min, max, value } => format!("数值 {value} 超出范围（{min}–{max}）"),
            Rule::ArchiveMismatch => {
                "迁出或死亡须填写注销原因和日期，且与状态一致；在册老人不应有注销信息".into()
            }
            Rule::DuplicateKey { key } => format!("编号 {key} 重复"),
            Rule::DateBefore { date, earliest } => format!("日期 {date} 早于 {earliest}"),
            Rule::AlreadyWithdrawn => "该同意已撤回，不能再次撤回".into(),
            Rule::UnknownRegion { region } => {
                format!("行政区划代码 {region} 不在 GB/T 2260 中，请核对（旧代码仍有效）")
            }
            Rule::MissingIdNumber => "未填写身份证号码，无法查重".into(),
            Rule::LegacyIdConverted { from } => format!("15 位身份证号码 {from} 已升为 18 位"),
        }
    }

    /// The message in English.
    pub fn en(&self) -> String {
        match self {
            Rule::Required => "is required".into(),
            Rule::TooLong { max, len } => format!("must be at most {max} characters (has {len})"),
            Rule::ControlCharacters => "contains control characters".into(),
            Rule::IdNumber(e) => e.en(),
            Rule::IdBirthDateMismatch { id, form } => {
                format!("disagrees with the ID number: the number encodes {id}, the form says {form}")
            }
            Rule::IdSexMismatch { id, form } => {
                format!("disagrees with the ID number: the number encodes {id:?}, the form says {form:?}")
            }
            Rule::DuplicateIdNumber { existing } => {
                format!("this ID number is already registered (elder {existing}); an elder is registered once")
            }
            Rule::Phone(e) => e.en(),
            Rule::OutsideRegistry { registry } => format!("is not within this registry's unit {registry}"),
            Rule::FutureDate { date } => format!("date {date} is in the future"),
            Rule::TooEarly { date } => format!("birth date {date} is before 1890; check it"),
            Rule::ChildBirthYear { year, earliest, latest } => {
                format!("child's birth year {year} is implausible; expected {earliest} to {latest}")
            }
            Rule::OutOfRange { min, max, value } => format!("{value} is outside {min}–{max}"),
            Rule::ArchiveMismatch => {
                "a moved-away or deceased elder needs an archive reason and date matching the status; an active one has none".into()
            }
            Rule::DuplicateKey { key } => format!("key {key} appears twice"),
            Rule::DateBefore { date, earliest } => format!("date {date} is before {earliest}"),
            Rule::AlreadyWithdrawn => "this consent was already withdrawn".into(),
            Rule::UnknownRegion { region } => {
                format!("region code {region} is not in GB/T 2260; check it (old codes stay valid)")
            }
            Rule::MissingIdNumber => "no ID number: duplicates cannot be detected".into(),
            Rule::LegacyIdConverted { from } => format!("15-digit ID number {from} converted to 18 digits"),
        }
    }
}

/// One broken rule (or warning), naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The field, as a JSON path: `id_number`, `children[1].birth_year`, `supporters[0].phone`.
    pub field: String,
    /// What was wrong.
    pub rule: Rule,
}

impl Violation {
    fn new(field: impl Into<String>, rule: Rule) -> Violation {
        Violation { field: field.into(), rule }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} / {}", self.field, self.rule.zh(), self.rule.en())
    }
}

/// Normalises `elder` in place and checks every rule. `Ok` carries the warnings; `Err` every
/// violation (warnings included, after the errors).
pub fn validate_elder(elder: &mut Elder, ctx: &Context) -> Result<Vec<Violation>, Vec<Violation>> {
    let mut c = Checker { ctx, found: Vec::new() };
    c.check(elder);
    let (mut errors, warnings): (Vec<_>, Vec<_>) = c.found.into_iter().partition(|v| !v.rule.is_warning());
    if errors.is_empty() {
        Ok(warnings)
    } else {
        errors.extend(warnings);
        Err(errors)
    }
}

struct Checker<'a> {
    ctx: &'a Context,
    found: Vec<Violation>,
}

impl Checker<'_> {
    fn push(&mut self, field: impl Into<String>, rule: Rule) {
        self.found.push(Violation::new(field, rule));
    }

    fn check(&mut self, e: &mut Elder) {
        if !self.ctx.registry_unit.contains(&e.unit) {
            self.push("unit", Rule::OutsideRegistry { registry: self.ctx.registry_unit.to_string() });
        }
        self.text("name", &mut e.name, MAX_NAME, true);
        self.text("ethnicity", &mut e.ethnicity, MAX_LABEL, false);
        self.text("household_place", &mut e.household_place, MAX_ADDRESS, false);
        self.text("address", &mut e.address, MAX_ADDRESS, false);
        self.text("illness", &mut e.illness, MAX_LABEL, false);
        self.text("needs", &mut e.needs, MAX_TEXT, false);
        self.text("difficulties", &mut e.difficulties, MAX_TEXT, false);
        self.past("birth_date", e.birth_date);
        if e.birth_date.year() < 1890 {
            self.push("birth_date", Rule::TooEarly { date: e.birth_date });
        }
        self.id_number(e);
        self.phone("phone", &mut e.phone);
        if let Some(home) = e.home {
            self.range("home.lat", home.lat, -90.0, 90.0);
            self.range("home.lon", home.lon, -180.0, 180.0);
        }
        if let Some(d) = &e.disability {
            self.int("disability.grade", d.grade.into(), 1, 4);
        }
        if e.health == Some(Health::Disabled) && e.disability.is_none() {
            self.push("disability", Rule::Required);
        }
        self.children(e);
        if let Some(m) = &e.migration {
            self.month("migration.away_since", m.away_since);
            self.month("migration.last_home_visit", m.last_home_visit);
            if let Some(n) = m.reunions_per_year {
                self.int("migration.reunions_per_year", n.into(), 0, 365);
            }
            if let Some(n) = m.reunion_days {
                self.int("migration.reunion_days", n.into(), 0, 366);
            }
        }
        self.supporters(e);
        self.archive(e);
        let sign = &mut e.sign_off;
        for (field, value) in [
            ("sign_off.filing_unit", &mut sign.filing_unit),
            ("sign_off.filler", &mut sign.filler),
            ("sign_off.reviewer", &mut sign.reviewer),
            ("sign_off.unit_head", &mut sign.unit_head),
        ] {
            self.text(field, value, MAX_NAME, false);
        }
        if let Some(d) = sign.date {
            self.past("sign_off.date", d);
        }
        if let Some(s) = &mut e.service {
            self.text("service.helper", &mut s.helper, MAX_NAME, false);
            self.text("service.content", &mut s.content, MAX_TEXT, false);
        }
    }

    fn text(&mut self, field: &str, value: &mut String, max: usize, required: bool) {
        let trimmed = value.trim();
        if trimmed.len() != value.len() {
            *value = trimmed.to_string();
        }
        let len = value.chars().count();
        if required && len == 0 {
            self.push(field, Rule::Required);
        }
        if len > max {
            self.push(field, Rule::TooLong { max, len });
        }
        if value.chars().any(|c| c.is_control() && c != '\n') {
            self.push(field, Rule::ControlCharacters);
        }
    }

    fn past(&mut self, field: &str, date: NaiveDate) {
        if date > self.ctx.today {
            self.push(field, Rule::FutureDate { date: date.to_string() });
        }
    }

    fn month(&mut self, field: &str, month: Option<YearMonth>) {
        if let Some(m) = month {
            if m > YearMonth::of(self.ctx.today) {
                self.push(field, Rule::FutureDate { date: m.to_string() });
            }
        }
    }

    fn int(&mut self, field: &str, value: i64, min: i64, max: i64) {
        if !(min..=max).contains(&value) {
            self.push(field, Rule::OutOfRange { min, max, value });
        }
    }

    fn range(&mut self, field: &str, value: f64, min: f64, max: f64) {
        if !(min..=max).contains(&value) {
            self.push(field, Rule::OutOfRange { min: min as i64, max: max as i64, value: value as i64 });
        }
    }

    fn phone(&mut self, field: &str, phone: &mut Option<String>) {
        match phone.as_deref().map(str::trim) {
            None => {}
            Some("") => *phone = None,
            Some(given) => match normalize_phone(given) {
                Ok(normal) => *phone = Some(normal),
                Err(err) => self.push(field, Rule::Phone(err)),
            },
        }
    }

    fn id_number(&mut self, e: &mut Elder) {
        let given = match e.id_number.as_deref().map(str::trim) {
            None | Some("") => {
                e.id_number = None;
                self.push("id_number", Rule::MissingIdNumber);
                return;
            }
            Some(given) => given.to_string(),
        };
        let parsed =
            if self.ctx.legacy_ids { ResidentId::parse_legacy(&given) } else { ResidentId::parse(&given) };
        let id = match parsed {
            Ok(id) => id,
            Err(err) => return self.push("id_number", Rule::IdNumber(err)),
        };
        if given.len() == 15 {
            self.push("id_number", Rule::LegacyIdConverted { from: given });
        }
        if id.birth_date() != e.birth_date {
            self.push("birth_date", Rule::IdBirthDateMismatch { id: id.birth_date(), form: e.birth_date });
        }
        if id.sex() != e.sex {
            self.push("sex", Rule::IdSexMismatch { id: id.sex(), form: e.sex });
        }
        if id.birth_date() > self.ctx.today {
            self.push("id_number", Rule::FutureDate { date: id.birth_date().to_string() });
        }
        if !division::is_known_region(id.region()) {
            self.push("id_number", Rule::UnknownRegion { region: id.region().to_string() });
        }
        e.id_number = Some(id.as_str().to_string());
    }

    fn children(&mut self, e: &mut Elder) {
        let born = e.birth_date.year();
        let (earliest, latest) = (born + 12, (born + 65).min(self.ctx.today.year()));
        let mut keys = Vec::new();
        for (i, child) in e.children.iter_mut().enumerate() {
            let field = format!("children[{i}]");
            if !(earliest..=latest).contains(&child.birth_year) {
                self.push(
                    format!("{field}.birth_year"),
                    Rule::ChildBirthYear { year: child.birth_year, earliest, latest },
                );
            }
            self.text(&format!("{field}.name"), &mut child.name, MAX_NAME, false);
            self.key(&format!("{field}.id"), &child.id, &mut keys);
        }
    }

    fn supporters(&mut self, e: &mut Elder) {
        let mut keys = Vec::new();
        for (i, s) in e.supporters.iter_mut().enumerate() {
            let field = format!("supporters[{i}]");
            self.text(&format!("{field}.name"), &mut s.name, MAX_NAME, true);
            self.text(&format!("{field}.relation"), &mut s.relation, MAX_LABEL, false);
            self.text(&format!("{field}.address"), &mut s.address, MAX_ADDRESS, false);
            self.text(&format!("{field}.whereabouts"), &mut s.whereabouts, MAX_ADDRESS, false);
            self.phone(&format!("{field}.phone"), &mut s.phone);
            if let Some(d) = s.away_since {
                self.past(&format!("{field}.away_since"), d);
            }
            if let Some(d) = s.reported_on {
                self.past(&format!("{field}.reported_on"), d);
            }
            self.key(&format!("{field}.id"), &s.id, &mut keys);
        }
    }

    fn key(&mut self, field: &str, key: &str, seen: &mut Vec<String>) {
        if key.is_empty() {
            return;
        }
        if seen.iter().any(|k| k == key) {
            self.push(field, Rule::DuplicateKey { key: key.to_string() });
        }
        seen.push(key.to_string());
    }

    fn archive(&mut self, e: &mut Elder) {
        match (&mut e.archive, e.status) {
            (None, Status::Active) => {}
            (Some(a), status) if status != Status::Active && a.status == status => {
                let on = a.on;
                self.text("archive.reason", &mut a.reason, MAX_TEXT, true);
                self.past("archive.on", on);
            }
            _ => self.push("archive", Rule::ArchiveMismatch),
        }
    }
}

#[cfg(test)]
mod tests;
