//! The form over core's `Elder` and back, through their shared JSON names: the form's values are laid
//! over the stored record (a field left empty clears it; fields the form does not carry stay as
//! stored), and a stored record is shown with the form's keys only.

use super::ElderForm;
use crate::error::{AppError, AppResult, ErrorKind};
use serde_json::{Map, Value};
use shouwang_core::elder::Elder;
use shouwang_core::validate::{Rule, Violation};

/// The form's values over `base` (the stored record when editing): a field left empty clears it.
/// Fields the form does not carry stay as stored.
pub fn form_to_elder(form: &ElderForm, base: Option<&Elder>, registry_unit: &str) -> AppResult<Elder> {
    let mut record: Map<String, Value> = match base.map(serde_json::to_value) {
        Some(Ok(Value::Object(m))) => m,
        _ => Map::new(),
    };
    let Ok(Value::Object(fields)) = serde_json::to_value(form) else {
        return Err(AppError::failed(None, "表单无法读取 / the form could not be read"));
    };
    for (key, value) in fields {
        if key == "id" || key == "status" {
            continue;
        }
        let empty = match &value {
            Value::Null => true,
            Value::String(s) => s.trim().is_empty() && key != "name",
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => {
                o.values().all(|v| v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()))
            }
            _ => false,
        };
        if empty {
            record.remove(&key);
        } else {
            record.insert(key, value);
        }
    }
    if !record.contains_key("unit") {
        record.insert("unit".into(), Value::String(registry_unit.to_string()));
    }
    // Core's record cannot be built without these: answered as core's own rule, under each field.
    let missing: Vec<Violation> = ["sex", "birth_date"]
        .into_iter()
        .filter(|f| !record.contains_key(*f))
        .map(|f| Violation { field: f.into(), rule: Rule::Required })
        .collect();
    if !missing.is_empty() {
        return Err(AppError::invalid(&missing));
    }
    serde_path_to_error::deserialize::<_, Elder>(Value::Object(record)).map_err(|e| {
        AppError::field(&e.path().to_string(), "format", "格式不正确", "not in the expected form")
    })
}

/// The stored record as the form shows it.
pub fn elder_to_form(elder: &Elder) -> AppResult<ElderForm> {
    let value = serde_json::to_value(elder).map_err(|e| AppError::failed(None, e))?;
    let mut form: ElderForm = serde_json::from_value(strip_unknown(value)).map_err(|e| {
        AppError::new(
            ErrorKind::Failed,
            None,
            format!("记录无法显示：{e}"),
            format!("the record cannot be shown: {e}"),
        )
    })?;
    form.id = elder.id.as_ref().map(ToString::to_string);
    Ok(form)
}

/// The keys of the record the form shows.
const FORM: &[&str] = &[
    "unit",
    "name",
    "sex",
    "birth_date",
    "ethnicity",
    "id_number",
    "hukou",
    "household_place",
    "address",
    "phone",
    "health",
    "disability",
    "illness",
    "education",
    "spouse",
    "children",
    "migration",
    "income_sources",
    "care",
    "needs",
    "difficulties",
    "supporters",
    "categories",
    "status",
    "sign_off",
];

/// The keys of a supporter the form shows.
const SUPPORTER: &[&str] =
    &["id", "name", "relation", "sex", "phone", "address", "main", "whereabouts", "away"];

/// Drops the keys the form does not show (home, service, archive…), keeping the rest.
fn strip_unknown(value: Value) -> Value {
    match value {
        Value::Object(mut m) => {
            m.retain(|k, _| FORM.contains(&k.as_str()));
            if let Some(Value::Array(list)) = m.get_mut("supporters") {
                for s in list.iter_mut().filter_map(Value::as_object_mut) {
                    s.retain(|k, _| SUPPORTER.contains(&k.as_str()));
                }
            }
            Value::Object(m)
        }
        other => other,
    }
}
