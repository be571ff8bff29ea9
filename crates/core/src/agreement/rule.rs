//! The rules an agreement must satisfy: every party named, ID numbers (GB 11643) and phones valid, the
//! period ending after it starts and matching its years, hours within a day, a fee of zero or more.

use super::{Agreement, Hours};
use crate::phone::normalize_phone;
use crate::resident_id::ResidentId;
use crate::validate::{Rule, MAX_ADDRESS, MAX_LABEL, MAX_NAME, MAX_TEXT};
use chrono::{Months, NaiveDate};
use std::fmt;

/// A rule an agreement broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgreementRule {
    /// A rule shared with the registry (required, too long, ID number, phone, out of range).
    Common(Rule),
    /// The end date is not after the start date.
    EndNotAfterStart,
    /// The dates do not span the agreed number of years.
    YearsMismatch {
        /// 服务期限 in years.
        years: u32,
        /// The end date those years give (the day before the anniversary).
        expected: NaiveDate,
    },
    /// Daily hours outside 0–24 or ending before they start.
    HoursOutsideDay,
    /// A fee or payment below zero.
    NegativeAmount,
    /// A service the other template lists (附件3 vs 附件4).
    ServiceNotInTemplate,
    /// A payment or duty dated before the agreement starts.
    BeforeStart,
}

impl AgreementRule {
    /// A stable snake_case name.
    pub fn code(&self) -> &'static str {
        match self {
            AgreementRule::Common(r) => r.code(),
            AgreementRule::EndNotAfterStart => "end_not_after_start",
            AgreementRule::YearsMismatch { .. } => "years_mismatch",
            AgreementRule::HoursOutsideDay => "hours_outside_day",
            AgreementRule::NegativeAmount => "negative_amount",
            AgreementRule::ServiceNotInTemplate => "service_not_in_template",
            AgreementRule::BeforeStart => "before_start",
        }
    }

    /// The message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            AgreementRule::Common(r) => r.zh(),
            AgreementRule::EndNotAfterStart => "终止日期应晚于起始日期".into(),
            AgreementRule::YearsMismatch { years, expected } => {
                format!("服务期限为 {years} 年，终止日期应为 {expected}")
            }
            AgreementRule::HoursOutsideDay => "每日服务时间应在 0–24 时之内，且结束晚于开始".into(),
            AgreementRule::NegativeAmount => "金额不能为负数".into(),
            AgreementRule::ServiceNotInTemplate => "该服务项目不在本协议模板的服务清单中".into(),
            AgreementRule::BeforeStart => "日期早于协议起始日期".into(),
        }
    }

    /// The message in English.
    pub fn en(&self) -> String {
        match self {
            AgreementRule::Common(r) => r.en(),
            AgreementRule::EndNotAfterStart => "the end date must be after the start date".into(),
            AgreementRule::YearsMismatch { years, expected } => {
                format!("a period of {years} year(s) ends on {expected}")
            }
            AgreementRule::HoursOutsideDay => {
                "daily hours must lie within 0–24 and end after they start".into()
            }
            AgreementRule::NegativeAmount => "an amount cannot be negative".into(),
            AgreementRule::ServiceNotInTemplate => "this service is not in this template's list".into(),
            AgreementRule::BeforeStart => "dated before the agreement starts".into(),
        }
    }
}

/// A field of an agreement and the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field as a JSON path: `delegator.id_number`, `payments[2].amount_fen`.
    pub field: String,
    /// The rule.
    pub rule: AgreementRule,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} / {}", self.field, self.rule.zh(), self.rule.en())
    }
}

struct Checker(Vec<Problem>);

impl Checker {
    fn push(&mut self, field: impl Into<String>, rule: AgreementRule) {
        self.0.push(Problem { field: field.into(), rule });
    }

    fn text(&mut self, field: &str, value: &mut String, max: usize, required: bool) {
        *value = value.trim().to_string();
        let len = value.chars().count();
        if required && value.is_empty() {
            self.push(field, AgreementRule::Common(Rule::Required));
        } else if len > max {
            self.push(field, AgreementRule::Common(Rule::TooLong { max, len }));
        } else if value.chars().any(char::is_control) {
            self.push(field, AgreementRule::Common(Rule::ControlCharacters));
        }
    }

    fn id_number(&mut self, field: &str, value: &mut String) {
        *value = value.trim().to_string();
        if value.is_empty() {
            self.push(field, AgreementRule::Common(Rule::Required));
            return;
        }
        match ResidentId::parse(value) {
            Ok(id) => *value = id.as_str().to_string(),
            Err(e) => self.push(field, AgreementRule::Common(Rule::IdNumber(e))),
        }
    }

    fn phone(&mut self, field: &str, value: &mut String, required: bool) {
        *value = value.trim().to_string();
        if value.is_empty() {
            if required {
                self.push(field, AgreementRule::Common(Rule::Required));
            }
            return;
        }
        match normalize_phone(value) {
            Ok(p) => *value = p,
            Err(e) => self.push(field, AgreementRule::Common(Rule::Phone(e))),
        }
    }
}

/// Normalises `a` in place (trims text, canonical ID numbers and phones) and checks every rule,
/// returning all problems at once.
pub fn validate(a: &mut Agreement) -> Result<(), Vec<Problem>> {
    let mut c = Checker(Vec::new());
    let d = &mut a.delegator;
    c.text("delegator.name", &mut d.name, MAX_NAME, true);
    c.id_number("delegator.id_number", &mut d.id_number);
    c.text("delegator.relation", &mut d.relation, MAX_LABEL, true);
    c.text("delegator.address", &mut d.address, MAX_ADDRESS, true);
    c.phone("delegator.phone", &mut d.phone, true);
    let t = &mut a.trustee;
    c.text("trustee.name", &mut t.name, MAX_NAME, true);
    c.id_number("trustee.id_number", &mut t.id_number);
    c.text("trustee.address", &mut t.address, MAX_ADDRESS, true);
    c.phone("trustee.phone", &mut t.phone, true);
    c.text("elder.name", &mut a.elder.name, MAX_NAME, true);
    c.text("elder.address", &mut a.elder.address, MAX_ADDRESS, true);
    c.phone("elder.phone", &mut a.elder.phone, false);
    c.text("committee.village", &mut a.committee.village, MAX_NAME, true);
    c.text("committee.staff", &mut a.committee.staff, MAX_NAME, true);
    c.phone("committee.phone", &mut a.committee.phone, false);
    c.text("place", &mut a.place, MAX_ADDRESS, true);
    c.text("fee.method", &mut a.fee.method, MAX_LABEL, true);
    c.text("other_terms", &mut a.other_terms, MAX_TEXT, false);
    for (i, item) in a.extra_services.iter_mut().enumerate() {
        c.text(&format!("extra_services[{i}]"), item, MAX_LABEL * 2, true);
    }

    if !(1..=10).contains(&a.years) {
        c.push("years", AgreementRule::Common(Rule::OutOfRange { min: 1, max: 10, value: a.years.into() }));
    }
    if a.end <= a.start {
        c.push("end", AgreementRule::EndNotAfterStart);
    } else if (1..=10).contains(&a.years) {
        let expected = a
            .start
            .checked_add_months(Months::new(12 * a.years))
            .and_then(|d| d.pred_opt())
            .expect("dates within chrono's range");
        if a.end != expected {
            c.push("end", AgreementRule::YearsMismatch { years: a.years, expected });
        }
    }
    let hours_ok = match a.hours {
        Hours::Between { from, to } => from < to && to <= 24,
        Hours::PerDay { hours } => (1..=24).contains(&hours),
    };
    if !hours_ok {
        c.push("hours", AgreementRule::HoursOutsideDay);
    }
    if a.fee.amount_fen < 0 {
        c.push("fee.amount_fen", AgreementRule::NegativeAmount);
    }
    let listed = a.kind.services();
    for (i, s) in a.services.iter().enumerate() {
        if !listed.contains(s) {
            c.push(format!("services[{i}]"), AgreementRule::ServiceNotInTemplate);
        }
    }
    for (i, p) in a.payments.iter().enumerate() {
        if p.amount_fen < 0 {
            c.push(format!("payments[{i}].amount_fen"), AgreementRule::NegativeAmount);
        }
    }
    for (i, d) in a.done.iter().enumerate() {
        if d.on < a.start {
            c.push(format!("done[{i}].on"), AgreementRule::BeforeStart);
        }
    }
    if c.0.is_empty() {
        Ok(())
    } else {
        Err(c.0)
    }
}
