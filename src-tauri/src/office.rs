//! The village office's risk assessments 风险等级评估 and care agreements 委托照顾协议 (附件3 for
//! self-care elders, 附件4 for those needing help): the commands (committee and township only: both
//! hold health, income and ID numbers) and the shapes they take and return.
//!
//! Each command converts the UI's shapes to core's, calls core (`risk::assess` for the preview,
//! `Store::assess_risk`, `Store::add_agreement`, `agreement::validate`, `print::agreement_html`…) and
//! converts back; the rules, the levels, the reminders and their Chinese messages stay in core. Dates
//! cross as `YYYY-MM-DD` text and money as yuan text (`300`, `300.50`) so that a mistyped value is
//! answered under its field like any broken rule. [`risk`] holds the assessments, [`agreement`] the
//! agreements; this file the role check and the conversions both use.

pub mod agreement;
pub mod risk;

use crate::dto::AppRole;
use crate::error::{AppError, AppResult, ErrorKind, FieldError};
use chrono::{NaiveDate, Utc};
use serde::Serialize;
use shouwang_core::agreement::Problem;
use shouwang_core::elder::ElderId;

/// The roles that may see and record assessments and agreements.
pub const OFFICE_ROLES: &[AppRole] = &[AppRole::Committee, AppRole::Township];

/// `Ok` for the office's roles, `forbidden` (naming `what`) for helpers and families.
pub fn office_only(role: AppRole, what: &str) -> AppResult<()> {
    if OFFICE_ROLES.contains(&role) {
        Ok(())
    } else {
        Err(AppError::forbidden(what))
    }
}

fn today() -> NaiveDate {
    shouwang_core::time::local_date(Utc::now())
}

/// One broken rule under `field`, as the UI shows it.
fn field_error(field: &str, rule: &str, zh: String, en: String) -> AppError {
    AppError {
        kind: ErrorKind::Invalid,
        field: Some(field.to_string()),
        message: zh.clone(),
        en: en.clone(),
        violations: vec![FieldError {
            field: field.into(),
            rule: rule.into(),
            message: zh,
            en,
            warning: false,
        }],
    }
}

fn elder_id(id: &str) -> AppResult<ElderId> {
    id.parse()
        .map_err(|_| AppError::new(ErrorKind::NotFound, Some("elder"), "老人编号不正确", "not an elder id"))
}

/// A date typed as `YYYY-MM-DD`, answered under `field` when it is not one.
pub fn parse_date(field: &str, text: &str) -> AppResult<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        return Err(field_error(field, "required", "必填".into(), "is required".into()));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        field_error(
            field,
            "date",
            format!("日期应写作 年-月-日，如 2026-12-01；收到“{text}”"),
            format!("a date is written YYYY-MM-DD, e.g. 2026-12-01; got {text:?}"),
        )
    })
}

/// Yuan as typed (`300`, `300.5`, `300.50`, `¥300`) in fen, answered under `field` otherwise.
pub fn parse_yuan(field: &str, text: &str) -> AppResult<i64> {
    let bad = || {
        field_error(
            field,
            "amount",
            format!("金额应为元，最多两位小数，如 300 或 300.50；收到“{}”", text.trim()),
            format!(
                "an amount is in yuan with at most two decimals, e.g. 300 or 300.50; got {:?}",
                text.trim()
            ),
        )
    };
    let value = text.trim().trim_start_matches(['¥', '￥']).trim();
    if value.is_empty() {
        return Err(field_error(field, "required", "必填".into(), "is required".into()));
    }
    let (whole, frac) = value.split_once('.').unwrap_or((value, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().map_err(|_| bad())? };
    whole.checked_mul(100).and_then(|w| w.checked_add(frac)).ok_or_else(bad)
}

/// A snake_case code read as the serde code of `T` (a closed choice), answered under `field`.
fn code<T: serde::de::DeserializeOwned>(field: &str, value: &str) -> AppResult<T> {
    serde_json::from_value(serde_json::Value::String(value.trim().to_string())).map_err(|_| {
        field_error(
            field,
            "choice",
            format!("“{value}”不是可选的值"),
            format!("{value:?} is not one of the choices"),
        )
    })
}

/// The serde code of a closed choice (`self_care`, `month`, `delegator_calls`…).
fn code_of<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Every problem core found in an agreement, each under its field.
pub fn problems_to_error(problems: &[Problem]) -> AppError {
    let list: Vec<FieldError> = problems
        .iter()
        .map(|p| FieldError {
            field: p.field.clone(),
            rule: p.rule.code().into(),
            message: p.rule.zh(),
            en: p.rule.en(),
            warning: false,
        })
        .collect();
    AppError {
        kind: ErrorKind::Invalid,
        field: list.first().map(|v| v.field.clone()),
        message: list.first().map(|v| v.message.clone()).unwrap_or_else(|| "填写有误".into()),
        en: list.first().map(|v| v.en.clone()).unwrap_or_else(|| "invalid input".into()),
        violations: list,
    }
}

/// A core error about an early end (`"ending.end_on: 中文 / English"`) under the form's own field
/// (`end_on`, `reason`, `by`).
pub fn end_error(e: AppError) -> AppError {
    let Some(field) = e.field.as_deref().filter(|f| f.starts_with("ending")) else { return e };
    let field = field.strip_prefix("ending.").unwrap_or("end_on").to_string();
    let text = e.message.split_once(": ").map_or(e.message.as_str(), |(_, rest)| rest);
    let (zh, en) = text.split_once("/ ").unwrap_or((text, text));
    field_error(&field, "ending", zh.trim().to_string(), en.trim().to_string())
}

#[cfg(test)]
mod tests;
