//! Every argument parser the commands share: ids of elders and helpers, dates `YYYY-MM-DD`, months
//! `YYYY-MM`, times (RFC 3339 or `YYYY-MM-DD HH:MM` China time), closed choices (a code or its Chinese
//! term, through each choice type's `parse` and `codes`), amounts in yuan, unit codes, positions and
//! JSON input. Each refusal names the option, in Chinese and English, as the core's own refusals do.

use crate::error::{bad_json, field};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use shouwang_core::division::{UnitCode, UnitError};
use shouwang_core::elder::{ElderId, Position};
use shouwang_core::helper::HelperId;
use shouwang_core::keys::Alg;
use shouwang_core::money::Fen;
use shouwang_core::role::Role;
use shouwang_core::store::Error;
use shouwang_core::vault::Passphrase;
use std::io::Read;
use std::path::Path;

/// An argument read, or the store's refusal naming it (so it can be returned from a store closure
/// as well as from a command).
pub type Parsed<T> = std::result::Result<T, Error>;

/// An elder's id (the field `id`).
pub fn elder_id(raw: &str) -> Parsed<ElderId> {
    elder_id_as("id", raw)
}

/// An elder's id given as `option`.
pub fn elder_id_as(option: &str, raw: &str) -> Parsed<ElderId> {
    raw.parse().map_err(|_| {
        field(
            option,
            format!("老人编号应为 32 位十六进制字符（见 elder list）；收到 {raw:?}"),
            format!("an elder id is 32 hex digits (see `elder list`); got {raw:?}"),
        )
    })
}

/// A helper's id (the field `helper`).
pub fn helper_id(raw: &str) -> Parsed<HelperId> {
    raw.parse().map_err(|_| {
        field(
            "helper",
            format!("互助员编号应为 32 位十六进制字符（见 helper list）；收到 {raw:?}"),
            format!("a helper id is 32 hex digits (see `helper list`); got {raw:?}"),
        )
    })
}

/// A date `YYYY-MM-DD`, or `default` when none is given.
pub fn date(option: &str, value: Option<&str>, default: NaiveDate) -> Parsed<NaiveDate> {
    let Some(v) = value else { return Ok(default) };
    v.trim().parse().map_err(|_| {
        field(
            option,
            format!("日期应写成 YYYY-MM-DD，如 2026-11-23；收到 {v:?}"),
            format!("a date is written YYYY-MM-DD, e.g. 2026-11-23; got {v:?}"),
        )
    })
}

/// A month `YYYY-MM` as its first day; default: the month of `today`.
pub fn month(option: &str, value: Option<&str>, today: NaiveDate) -> Parsed<NaiveDate> {
    let Some(v) = value else { return Ok(today.with_day(1).expect("day 1")) };
    NaiveDate::parse_from_str(&format!("{}-01", v.trim()), "%Y-%m-%d").map_err(|_| {
        field(
            option,
            format!("月份应写成 YYYY-MM，如 2026-11；收到 {v:?}"),
            format!("a month is written YYYY-MM, e.g. 2026-11; got {v:?}"),
        )
    })
}

/// A time: RFC 3339, or `YYYY-MM-DD HH:MM` in China time.
pub fn time(option: &str, raw: &str) -> Parsed<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw.trim()) {
        return Ok(t.to_utc());
    }
    NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%d %H:%M")
        .ok()
        .and_then(|t| t.and_local_timezone(shouwang_core::time::china()).single())
        .map(|t| t.to_utc())
        .ok_or_else(|| {
            field(
                option,
                format!("时间应写成 2026-11-23 09:30（北京时间）或 RFC 3339；收到 {raw:?}"),
                format!("a time is written 2026-11-23 09:30 (China time) or RFC 3339; got {raw:?}"),
            )
        })
}

/// A time if one is given.
pub fn time_opt(option: &str, raw: Option<&str>) -> Parsed<Option<DateTime<Utc>>> {
    raw.map(|t| time(option, t)).transpose()
}

/// A closed choice (English code or Chinese term, as the type's `parse` reads it), naming the option
/// and the `codes` to choose from.
pub fn choice<T>(option: &str, value: &str, parse: impl Fn(&str) -> Option<T>, codes: String) -> Parsed<T> {
    parse(value).ok_or_else(|| {
        field(
            option,
            format!("{value:?} 不是可选值；可选：{codes}"),
            format!("{value:?} is not one of: {codes}"),
        )
    })
}

/// Choices separated by commas (`,`, `，`) or `、`, each read as [`choice`].
pub fn choices<T>(
    option: &str,
    raw: &str,
    parse: impl Fn(&str) -> Option<T>,
    codes: impl Fn() -> String,
) -> Parsed<Vec<T>> {
    raw.split([',', '，', '、'])
        .filter(|s| !s.trim().is_empty())
        .map(|s| choice(option, s, &parse, codes()))
        .collect()
}

/// A choice read as the serde code of `T` (`no_fault`), naming the option and the `codes`.
pub fn code<T: serde::de::DeserializeOwned>(option: &str, value: &str, codes: &str) -> Parsed<T> {
    serde_json::from_value(serde_json::Value::String(value.trim().to_string())).map_err(|_| {
        field(
            option,
            format!("{value:?} 不是可选值；可选：{codes}"),
            format!("{value:?} is not one of: {codes}"),
        )
    })
}

/// An amount in yuan (`300`, `300.50`, `¥300.5`), read by the core's one reading of money.
pub fn amount(option: &str, raw: &str) -> Parsed<Fen> {
    Fen::parse(raw).map_err(|e| field(option, e.zh(), e.en()))
}

/// A 12-digit statistical division code of a unit.
pub fn unit(option: &str, raw: &str) -> Parsed<UnitCode> {
    raw.parse().map_err(|e: UnitError| field(option, e.zh(), e.en()))
}

/// `LAT,LON` (WGS-84), and an optional third number (an accuracy in metres).
pub fn position(option: &str, raw: &str) -> Parsed<(Position, Option<f64>)> {
    let parts: Vec<Option<f64>> = raw.split(',').map(|p| p.trim().parse::<f64>().ok()).collect();
    match parts[..] {
        [Some(lat), Some(lon)] => Ok((Position { lat, lon }, None)),
        [Some(lat), Some(lon), Some(acc)] => Ok((Position { lat, lon }, Some(acc))),
        _ => Err(field(
            option,
            format!("位置应写成 纬度,经度（WGS-84），如 31.7462,106.8321；收到 {raw:?}"),
            format!("a position is LAT,LON (WGS-84), e.g. 31.7462,106.8321; got {raw:?}"),
        )),
    }
}

/// A device's role: helper, family, committee or township.
pub fn role(raw: &str) -> Parsed<Role> {
    Role::parse(raw).ok_or_else(|| {
        field(
            "role",
            "角色应为 helper、family、committee 或 township",
            "the role is one of helper, family, committee, township",
        )
    })
}

/// The cipher that seals changes end to end: xchacha20poly1305 or sm4-gcm.
pub fn cipher(raw: &str) -> Parsed<Alg> {
    Alg::parse(raw.trim()).ok_or_else(|| {
        field(
            "cipher",
            "加密算法应为 xchacha20poly1305 或 sm4-gcm",
            "the cipher is xchacha20poly1305 or sm4-gcm",
        )
    })
}

/// The passphrase on the first line of a file.
pub fn passphrase_file(option: &str, file: &Path) -> Parsed<Passphrase> {
    Passphrase::read_file(file).map_err(|e| {
        field(
            option,
            format!("无法读取口令文件 {}：{e}", file.display()),
            format!("cannot read the passphrase file {}: {e}", file.display()),
        )
    })
}

/// JSON from a file, or from standard input when none is given (or `-`); `what_zh`, `what_en` name
/// what it should be.
pub fn json_input<T: serde::de::DeserializeOwned>(
    file: Option<&Path>,
    what_zh: &str,
    what_en: &str,
) -> Parsed<T> {
    let text = match file.filter(|f| f.as_os_str() != "-") {
        Some(f) => std::fs::read_to_string(f)?,
        None => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s)?;
            s
        }
    };
    serde_json::from_str(&text).map_err(|e| {
        bad_json(&e, format!("JSON 不符合{what_zh}格式：{e}"), format!("the JSON is not {what_en}: {e}"))
    })
}
