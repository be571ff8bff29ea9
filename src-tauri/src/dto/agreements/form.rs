//! The agreement form (附件3 / 附件4) as the template's blanks, and its conversion to core's
//! `Agreement` and back: dates as `YYYY-MM-DD`, the fee in yuan as typed ([`shouwang_core::money::Fen`]).

use crate::dto::code_of;
use crate::error::{AppError, AppResult, FieldError};
use crate::parse;
use serde::{Deserialize, Serialize};
use shouwang_core::agreement::{
    Agreement, CaredElder, Committee, Delegator, Every, Fee, Hours, Kind, Service, Trustee,
};
use shouwang_core::money::Fen;
use ts_rs::TS;

/// 甲方（委托人）.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DelegatorForm {
    /// 姓名
    pub name: String,
    /// 身份证号码
    pub id_number: String,
    /// 与被助养老人关系
    pub relation: String,
    /// 家庭住址
    pub address: String,
    /// 联系方式
    pub phone: String,
}

/// 乙方（受托人）.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TrusteeForm {
    /// 姓名
    pub name: String,
    /// 身份证号码
    pub id_number: String,
    /// 家庭住址
    pub address: String,
    /// 联系方式
    pub phone: String,
}

/// 被助养老人.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CaredElderForm {
    /// The elder's registry id.
    pub elder: String,
    /// 姓名
    pub name: String,
    /// 家庭住址
    pub address: String,
    /// 联系方式 (may be empty).
    pub phone: String,
}

/// 村民委员会（监督见证代表）.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CommitteeForm {
    /// The committee, e.g. 斑竹村.
    pub village: String,
    /// The staff member who witnesses and supervises.
    pub staff: String,
    /// Their phone.
    pub phone: String,
}

/// 每日提供助养服务时间: `between` (从 from 时至 to 时) or `per_day` (每天 hours 个小时).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HoursForm {
    /// `between` or `per_day`.
    pub mode: String,
    /// Starting hour (between).
    pub from: u8,
    /// Ending hour (between).
    pub to: u8,
    /// Hours a day (per_day).
    pub hours: u8,
}

/// 费用支付数额、支付方式、支付时间.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeeForm {
    /// Amount each period in yuan as typed (`300`, `300.50`).
    pub amount: String,
    /// `month`, `quarter`, `half_year`, `year` or `once`.
    pub every: String,
    /// 支付方式, e.g. 微信转账.
    pub method: String,
}

/// The agreement form (附件3 / 附件4): the template's blanks. Field names follow core's, so every
/// problem core finds (`trustee.id_number`, `end`, `fee.method`…) lands under its input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AgreementForm {
    /// `self_care` (附件3) or `assisted` (附件4).
    pub kind: String,
    /// 甲方（委托人）
    pub delegator: DelegatorForm,
    /// 乙方（受托人）
    pub trustee: TrusteeForm,
    /// 被助养老人
    pub elder: CaredElderForm,
    /// 村民委员会（监督见证代表）
    pub committee: CommitteeForm,
    /// 服务期限 in years.
    pub years: u32,
    /// Start (`YYYY-MM-DD`).
    pub start: String,
    /// End (`YYYY-MM-DD`): the day before the anniversary.
    pub end: String,
    /// 服务地点
    pub place: String,
    /// Daily hours.
    pub hours: HoursForm,
    /// Services ticked from the template's list (codes).
    pub services: Vec<String>,
    /// Services agreed beyond the list.
    pub extra_services: Vec<String>,
    /// The fee.
    pub fee: FeeForm,
    /// 其他约定
    pub other_terms: String,
    /// Signed on (`YYYY-MM-DD`), if signed.
    pub signed_on: Option<String>,
}

/// Keeps the first error's field errors in `errors`; the value, when it read.
fn keep<T>(errors: &mut Vec<FieldError>, read: AppResult<T>) -> Option<T> {
    read.map_err(|e| errors.extend(e.violations)).ok()
}

impl AgreementForm {
    /// Core's agreement from the form (no payments or duties yet); a mistyped date, amount or choice
    /// is answered under its field, every one at once.
    pub fn to_agreement(&self) -> AppResult<Agreement> {
        let f = self;
        let mut errors: Vec<FieldError> = Vec::new();
        let kind = keep(&mut errors, parse::code::<Kind>("kind", &f.kind));
        let start = keep(&mut errors, parse::date("start", &f.start));
        let end = keep(&mut errors, parse::date("end", &f.end));
        let signed_on = keep(&mut errors, parse::date_opt("signed_on", f.signed_on.as_deref())).flatten();
        let amount = keep(&mut errors, parse::yuan("fee.amount", &f.fee.amount));
        let every = keep(&mut errors, parse::code::<Every>("fee.every", &f.fee.every));
        let hours = match f.hours.mode.as_str() {
            "per_day" => Hours::PerDay { hours: f.hours.hours },
            _ => Hours::Between { from: f.hours.from, to: f.hours.to },
        };
        let services: Vec<Service> = (f.services.iter().enumerate())
            .filter_map(|(i, s)| keep(&mut errors, parse::code::<Service>(&format!("services[{i}]"), s)))
            .collect();
        let elder = parse::elder("elder.elder", &f.elder.elder).ok();
        if elder.is_none() {
            errors.push(FieldError {
                field: "elder.elder".into(),
                rule: "required".into(),
                message: "请选择台账中的被助养老人".into(),
                en: "choose the elder from the registry".into(),
                warning: false,
            });
        }
        let (Some(kind), Some(start), Some(end), Some(amount), Some(every), true) =
            (kind, start, end, amount, every, errors.is_empty())
        else {
            return Err(AppError::listing(errors));
        };
        Ok(Agreement {
            id: String::new(),
            kind,
            delegator: Delegator {
                name: f.delegator.name.clone(),
                id_number: f.delegator.id_number.clone(),
                relation: f.delegator.relation.clone(),
                address: f.delegator.address.clone(),
                phone: f.delegator.phone.clone(),
            },
            trustee: Trustee {
                name: f.trustee.name.clone(),
                id_number: f.trustee.id_number.clone(),
                address: f.trustee.address.clone(),
                phone: f.trustee.phone.clone(),
            },
            elder: CaredElder {
                elder,
                name: f.elder.name.clone(),
                address: f.elder.address.clone(),
                phone: f.elder.phone.clone(),
            },
            committee: Committee {
                village: f.committee.village.clone(),
                staff: f.committee.staff.clone(),
                phone: f.committee.phone.clone(),
            },
            years: f.years,
            start,
            end,
            place: f.place.clone(),
            hours,
            services,
            extra_services: f.extra_services.iter().filter(|s| !s.trim().is_empty()).cloned().collect(),
            fee: Fee { amount_fen: amount.0, every, method: f.fee.method.clone() },
            other_terms: f.other_terms.clone(),
            signed_on,
            renews: None,
            payments: Vec::new(),
            done: Vec::new(),
            ending: None,
        })
    }
}

impl From<&Agreement> for AgreementForm {
    /// The stored agreement as the form shows it.
    fn from(a: &Agreement) -> AgreementForm {
        let (mode, from, to, hours) = match a.hours {
            Hours::Between { from, to } => ("between", from, to, 0),
            Hours::PerDay { hours } => ("per_day", 0, 0, hours),
        };
        AgreementForm {
            kind: code_of(&a.kind),
            delegator: DelegatorForm {
                name: a.delegator.name.clone(),
                id_number: a.delegator.id_number.clone(),
                relation: a.delegator.relation.clone(),
                address: a.delegator.address.clone(),
                phone: a.delegator.phone.clone(),
            },
            trustee: TrusteeForm {
                name: a.trustee.name.clone(),
                id_number: a.trustee.id_number.clone(),
                address: a.trustee.address.clone(),
                phone: a.trustee.phone.clone(),
            },
            elder: CaredElderForm {
                elder: a.elder.elder.as_ref().map(ToString::to_string).unwrap_or_default(),
                name: a.elder.name.clone(),
                address: a.elder.address.clone(),
                phone: a.elder.phone.clone(),
            },
            committee: CommitteeForm {
                village: a.committee.village.clone(),
                staff: a.committee.staff.clone(),
                phone: a.committee.phone.clone(),
            },
            years: a.years,
            start: a.start.to_string(),
            end: a.end.to_string(),
            place: a.place.clone(),
            hours: HoursForm { mode: mode.into(), from, to, hours },
            services: a.services.iter().map(code_of).collect(),
            extra_services: a.extra_services.clone(),
            fee: FeeForm {
                amount: Fen(a.fee.amount_fen).to_string(),
                every: code_of(&a.fee.every),
                method: a.fee.method.clone(),
            },
            other_terms: a.other_terms.clone(),
            signed_on: a.signed_on.map(|d| d.to_string()),
        }
    }
}

/// Core's problems with the form's field names (`fee.amount_fen` is typed as `fee.amount`).
pub fn form_fields(mut e: AppError) -> AppError {
    let rename = |f: &str| if f == "fee.amount_fen" { "fee.amount".to_string() } else { f.to_string() };
    e.field = e.field.as_deref().map(rename);
    for v in &mut e.violations {
        v.field = rename(&v.field);
    }
    e
}

/// An error with a field under `prefix` (the new entry of a list, e.g. `payments[3].amount_fen`)
/// reported under the form's own field `to`, where the UI shows it.
pub fn under_field(mut e: AppError, prefix: &str, to: &str) -> AppError {
    if e.field.as_deref().is_some_and(|f| f.starts_with(prefix)) {
        e.field = Some(to.into());
        e.violations.iter_mut().for_each(|v| v.field = to.into());
    }
    e
}

/// A core error about an early end (`"ending.end_on: 中文 / English"`) under the form's own field
/// (`end_on`, `reason`, `by`).
pub fn end_error(e: AppError) -> AppError {
    let Some(field) = e.field.as_deref().filter(|f| f.starts_with("ending")) else { return e };
    let field = field.strip_prefix("ending.").unwrap_or("end_on").to_string();
    let text = e.message.split_once(": ").map_or(e.message.as_str(), |(_, rest)| rest);
    let (zh, en) = text.split_once("/ ").unwrap_or((text, text));
    AppError::field(&field, "ending", zh.trim(), en.trim())
}
