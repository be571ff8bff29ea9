//! `FIELD=VALUE` assignments of `elder set`, applied to a record through its JSON form so that every
//! field of the form, nested ones too, can be changed from a shell without a field-specific flag.
//!
//! A value is tried, in order, as plain text, as a JSON literal (numbers, `true`, `[…]`, `{…}`) and as a
//! comma-separated list, and the first reading the record accepts wins: `phone=13912345678` stays text,
//! `home={"lat":31.7,"lon":106.8}` is an object, `categories=独居,经济困难` a set. An empty value clears.

use serde_json::Value;
use shouwang_core::doc::DocKind;
use shouwang_core::elder::Elder;
use shouwang_core::store::Error;

/// Applies every assignment to `elder`, or none.
pub fn apply(elder: &mut Elder, assignments: &[String]) -> Result<(), Error> {
    let mut json = serde_json::to_value(&*elder).expect("an elder serialises");
    for assignment in assignments {
        let (path, raw) = assignment.split_once('=').ok_or_else(|| Error::Field {
            field: assignment.clone(),
            zh: "应写成 字段=值，例如 phone=13912345678".into(),
            en: "write FIELD=VALUE, e.g. phone=13912345678".into(),
        })?;
        let path = path.trim();
        let top = path.split(['.', '[']).next().unwrap_or_default();
        if top == "id" || DocKind::of_field(top).is_none() {
            return Err(Error::Field {
                field: path.into(),
                zh: "没有这个字段（字段名见 README）".into(),
                en: "no such field (the README lists them)".into(),
            });
        }
        json = assign(&json, path, raw)?;
    }
    *elder = serde_json::from_value(json).expect("checked by assign");
    Ok(())
}

fn candidates(raw: &str) -> Vec<Value> {
    if raw.trim().is_empty() {
        return vec![Value::Null];
    }
    let mut out = vec![Value::String(raw.to_string())];
    if let Ok(literal) = serde_json::from_str::<Value>(raw) {
        out.push(literal);
    }
    let list: Vec<Value> = raw
        .split([',', '，', '、'])
        .map(|s| Value::String(s.trim().to_string()))
        .filter(|v| v != "")
        .collect();
    out.push(Value::Array(list));
    out
}

fn assign(json: &Value, path: &str, raw: &str) -> Result<Value, Error> {
    let mut first_error = None;
    for candidate in candidates(raw) {
        let mut attempt = json.clone();
        let slot = slot(&mut attempt, path)?;
        *slot = candidate;
        match serde_json::from_value::<Elder>(strip_nulls(attempt.clone())) {
            Ok(_) => return Ok(strip_nulls(attempt)),
            Err(e) => {
                first_error.get_or_insert(e.to_string());
            }
        }
    }
    Err(Error::Field {
        field: path.into(),
        zh: format!("值 {raw:?} 不符合该字段的格式：{}", first_error.clone().unwrap_or_default()),
        en: format!("value {raw:?} does not fit this field: {}", first_error.unwrap_or_default()),
    })
}

/// The place `path` (`a.b`, `children[0].birth_year`) names, created as objects along the way.
fn slot<'a>(json: &'a mut Value, path: &str) -> Result<&'a mut Value, Error> {
    let bad = |zh: &str, en: &str| Error::Field { field: path.into(), zh: zh.into(), en: en.into() };
    let mut here = json;
    for part in path.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => {
                let i: usize = rest
                    .trim_end_matches(']')
                    .parse()
                    .map_err(|_| bad("下标应为数字", "an index is a number"))?;
                (name, Some(i))
            }
            None => (part, None),
        };
        if !here.is_object() {
            *here = Value::Object(Default::default());
        }
        here = here.as_object_mut().expect("made an object").entry(name).or_insert(Value::Null);
        if let Some(i) = index {
            let len = here.as_array().map_or(0, Vec::len);
            here = here
                .as_array_mut()
                .and_then(|a| a.get_mut(i))
                .ok_or_else(|| bad(&format!("只有 {len} 项"), &format!("there are only {len} entries")))?;
        }
    }
    Ok(here)
}

/// Nulls mean “cleared”: drop them so optional fields deserialise as absent.
fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k, strip_nulls(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shouwang_core::elder::{Category, Health};

    fn elder() -> Elder {
        shouwang_core::demo::sample_elder()
    }

    #[test]
    fn plain_values_lists_and_nested_fields() {
        let mut e = elder();
        let args = [
            "phone=13912345678",
            "health=ill",
            "categories=独居,经济困难",
            "migration.reunion_days=7",
            "children[0].name=李强",
        ];
        apply(&mut e, &args.map(String::from)).unwrap();
        assert_eq!(e.phone.as_deref(), Some("13912345678"));
        assert_eq!(e.health, Some(Health::Ill));
        assert_eq!(e.categories, [Category::LivingAlone, Category::Hardship].into());
        assert_eq!(e.migration.unwrap().reunion_days, Some(7));
        assert_eq!(e.children[0].name, "李强");
    }

    #[test]
    fn an_empty_value_clears_and_bad_input_names_the_field() {
        let mut e = elder();
        apply(&mut e, &["phone=".to_string()]).unwrap();
        assert_eq!(e.phone, None);
        let err = apply(&mut e, &["health=great".to_string()]).unwrap_err();
        assert!(matches!(err, Error::Field { ref field, .. } if field == "health"), "{err}");
        let err = apply(&mut e, &["favourite_colour=red".to_string()]).unwrap_err();
        assert!(matches!(err, Error::Field { ref field, .. } if field == "favourite_colour"));
    }
}
