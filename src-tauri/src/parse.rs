//! What the UI typed, read as core's types: ids of elders, helpers and cases, dates, months, times,
//! closed choices, amounts of money, unit codes. Each failure is answered under the field it came from,
//! in Chinese and English, like any broken rule; the rules themselves are core's.

use crate::error::{AppError, AppResult, ErrorKind};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use shouwang_core::division::UnitCode;
use shouwang_core::elder::ElderId;
use shouwang_core::helper::HelperId;
use shouwang_core::money::Fen;

/// An elder's id (32 hex digits); not one: `not_found` under `field`.
pub fn elder(field: &str, id: &str) -> AppResult<ElderId> {
    id.trim()
        .parse()
        .map_err(|_| AppError::new(ErrorKind::NotFound, Some(field), "老人编号不正确", "not an elder id"))
}

/// An elder's id when one is given (absent or empty: none).
pub fn elder_opt(field: &str, id: Option<&str>) -> AppResult<Option<ElderId>> {
    id.map(str::trim).filter(|e| !e.is_empty()).map(|e| elder(field, e)).transpose()
}

/// A helper's id (32 hex digits), answered under `field`.
pub fn helper(field: &str, id: &str) -> AppResult<HelperId> {
    id.trim().parse().map_err(|_| AppError::field(field, "format", "互助员编号不正确", "not a helper id"))
}

/// Text typed in, trimmed; empty: none.
pub fn text(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

/// A date typed as `YYYY-MM-DD` (required), answered under `field` when it is not one.
pub fn date(field: &str, text: &str) -> AppResult<NaiveDate> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::field(field, "required", "必填", "is required"));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        AppError::field(
            field,
            "date",
            format!("日期应写作 年-月-日，如 2026-12-01；收到“{text}”"),
            format!("a date is written YYYY-MM-DD, e.g. 2026-12-01; got {text:?}"),
        )
    })
}

/// A date when one is typed (absent or empty: none).
pub fn date_opt(field: &str, text: Option<&str>) -> AppResult<Option<NaiveDate>> {
    text.filter(|t| !t.trim().is_empty()).map(|t| date(field, t)).transpose()
}

/// The first day of a month typed as `YYYY-MM`; absent or empty: the month of `today`.
pub fn month(text: Option<&str>, today: NaiveDate) -> AppResult<NaiveDate> {
    match text.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(today.with_day(1).expect("a month has a first day")),
        Some(v) => NaiveDate::parse_from_str(&format!("{v}-01"), "%Y-%m-%d").map_err(|_| {
            AppError::field(
                "month",
                "format",
                format!("月份应写成 年-月，如 2026-11；收到“{v}”"),
                format!("a month is written YYYY-MM, e.g. 2026-11; got {v:?}"),
            )
        }),
    }
}

/// A time the UI sent (RFC 3339) when one is (absent or empty: none, core's default applies).
pub fn time(field: &str, text: Option<&str>) -> AppResult<Option<DateTime<Utc>>> {
    match text.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => DateTime::parse_from_rfc3339(v).map(|t| Some(t.to_utc())).map_err(|_| {
            AppError::field(
                field,
                "format",
                "时间格式不正确",
                "not a time (expected e.g. 2026-11-23T08:30:00+08:00)",
            )
        }),
    }
}

fn not_a_choice(field: &str, value: &str) -> AppError {
    AppError::field(
        field,
        "choice",
        format!("“{value}”不是可选的值"),
        format!("{value:?} is not one of the choices"),
    )
}

/// A closed choice read with core's `parse` (its code or its Chinese term), answered under `field`.
pub fn choice<T>(field: &str, value: &str, parse: fn(&str) -> Option<T>) -> AppResult<T> {
    parse(value).ok_or_else(|| not_a_choice(field, value))
}

/// A closed choice given as its serde code (`self_care`, `month`, `name`…), answered under `field`.
pub fn code<T: serde::de::DeserializeOwned>(field: &str, value: &str) -> AppResult<T> {
    serde_json::from_value(serde_json::Value::String(value.trim().to_string()))
        .map_err(|_| not_a_choice(field, value))
}

/// Yuan as typed (`300`, `300.5`, `¥300`), read by core's [`Fen::parse`], answered under `field`.
pub fn yuan(field: &str, text: &str) -> AppResult<Fen> {
    Fen::parse(text).map_err(|e| AppError::field(field, e.rule(), e.zh(), e.en()))
}

/// A 12-digit unit code, answered under `unit`.
pub fn unit(text: &str) -> AppResult<UnitCode> {
    Ok(text.trim().parse::<UnitCode>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_months_and_amounts_are_refused_under_their_field() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(date("on", " 2026-10-31 ").unwrap().to_string(), "2026-10-31");
        let err = date("start", "2026/13/01").unwrap_err();
        assert_eq!((err.kind, err.violations[0].field.as_str()), (ErrorKind::Invalid, "start"));
        assert!(err.message.contains("年-月-日"), "{}", err.message);
        assert_eq!(date("on", "").unwrap_err().message, "必填");
        assert_eq!(date_opt("on", Some(" ")).unwrap(), None);
        assert_eq!(month(None, day).unwrap().to_string(), "2026-11-01");
        assert_eq!(month(Some("2026-02"), day).unwrap().to_string(), "2026-02-01");
        assert_eq!(month(Some("11月"), day).unwrap_err().field.as_deref(), Some("month"));
        assert_eq!(yuan("amount", "300.5").unwrap(), Fen(30050));
        let err = yuan("amount", "三百").unwrap_err();
        assert_eq!((err.field.as_deref(), err.violations[0].rule.as_str()), (Some("amount"), "amount"));
        assert_eq!(time("at", None).unwrap(), None);
        assert_eq!(time("at", Some("tomorrow")).unwrap_err().field.as_deref(), Some("at"));
    }
}
