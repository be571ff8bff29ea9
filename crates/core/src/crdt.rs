//! The mapping between a record's JSON form and an automerge map, written so that concurrent edits
//! merge field by field.
//!
//! [`reconcile`] writes only what differs: a changed scalar is one `put`, an unchanged field is not
//! touched, so two devices editing different fields of one elder both keep their edit. Arrays follow
//! what they hold: arrays of scalars are sets (multi-select boxes) — an element is added or removed,
//! never the whole list rewritten, so concurrent ticks on two devices are both kept; arrays of objects
//! with an `"id"` are matched by id (children, supporters), each element reconciled in place; any other
//! array is replaced when it differs. `null` and absent keys are deleted. [`read`] is the inverse.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value as AmValue, ROOT};
use serde_json::{Map, Number, Value};

/// Result of the mapping functions.
pub type Result<T> = std::result::Result<T, automerge::AutomergeError>;

/// Makes the root map of `doc` hold exactly `new`, writing only the differences.
pub fn reconcile(doc: &mut AutoCommit, new: &Map<String, Value>) -> Result<()> {
    reconcile_map(doc, &ROOT, new)
}

/// The root map of `doc` as JSON. Where concurrent writes conflict, the value automerge picks on every
/// device alike.
pub fn read(doc: &AutoCommit) -> Map<String, Value> {
    read_map(doc, &ROOT)
}

/// Top-level keys of `doc` that two devices wrote concurrently with different values, with every distinct
/// value written. (The same value written twice is no clash.) The committee's review list is made from
/// this.
pub fn conflicts(doc: &AutoCommit) -> Vec<(String, Vec<Value>)> {
    let mut out = Vec::new();
    for key in doc.keys(&ROOT) {
        let all = doc.get_all(&ROOT, key.as_str()).unwrap_or_default();
        if all.len() > 1 {
            let mut values: Vec<Value> = Vec::new();
            for (v, id) in &all {
                let value = value_of(doc, v, id);
                if !values.contains(&value) {
                    values.push(value);
                }
            }
            if values.len() > 1 {
                out.push((key, values));
            }
        }
    }
    out
}

fn reconcile_map(doc: &mut AutoCommit, obj: &ObjId, new: &Map<String, Value>) -> Result<()> {
    let stale: Vec<String> = doc.keys(obj).filter(|k| new.get(k).is_none_or(Value::is_null)).collect();
    for key in stale {
        doc.delete(obj, key.as_str())?;
    }
    for (key, value) in new {
        if value.is_null() {
            continue;
        }
        let existing = doc.get(obj, key.as_str())?.map(|(v, id)| (v.into_owned(), id));
        match value {
            Value::Object(fields) => {
                let child = match existing {
                    Some((AmValue::Object(ObjType::Map), id)) => id,
                    _ => doc.put_object(obj, key.as_str(), ObjType::Map)?,
                };
                reconcile_map(doc, &child, fields)?;
            }
            Value::Array(items) => {
                let child = match existing {
                    Some((AmValue::Object(ObjType::List), id)) => id,
                    _ => doc.put_object(obj, key.as_str(), ObjType::List)?,
                };
                reconcile_list(doc, &child, items)?;
            }
            scalar => {
                let new_scalar = to_scalar(scalar);
                let same = matches!(&existing, Some((AmValue::Scalar(old), _)) if **old == new_scalar);
                if !same {
                    doc.put(obj, key.as_str(), new_scalar)?;
                }
            }
        }
    }
    Ok(())
}

fn reconcile_list(doc: &mut AutoCommit, list: &ObjId, new: &[Value]) -> Result<()> {
    let current = read_list(doc, list);
    if new.iter().all(is_scalar) && current.iter().all(is_scalar) {
        // A set: remove what went, append what came.
        for i in (0..current.len()).rev() {
            if !new.contains(&current[i]) {
                doc.delete(list, i)?;
            }
        }
        let kept: Vec<&Value> = current.iter().filter(|v| new.contains(v)).collect();
        let mut len = kept.len();
        for item in new {
            if !kept.contains(&item) {
                doc.insert(list, len, to_scalar(item))?;
                len += 1;
            }
        }
        return Ok(());
    }
    let keyed = |items: &[Value]| items.iter().all(|v| id_of(v).is_some());
    if keyed(new) && keyed(&current) {
        for i in (0..current.len()).rev() {
            if !new.iter().any(|n| id_of(n) == id_of(&current[i])) {
                doc.delete(list, i)?;
            }
        }
        let mut ids: Vec<String> = read_list(doc, list).iter().filter_map(id_of).map(str::to_owned).collect();
        for item in new {
            let id = id_of(item).expect("keyed items have ids");
            let fields = item.as_object().expect("keyed items are objects");
            let element = match ids.iter().position(|c| c == id) {
                Some(i) => doc.get(list, i)?.map(|(_, obj)| obj).expect("element exists"),
                None => {
                    ids.push(id.to_owned());
                    doc.insert_object(list, ids.len() - 1, ObjType::Map)?
                }
            };
            reconcile_map(doc, &element, fields)?;
        }
        return Ok(());
    }
    if current != new {
        for i in (0..current.len()).rev() {
            doc.delete(list, i)?;
        }
        for (i, item) in new.iter().enumerate() {
            insert_value(doc, list, i, item)?;
        }
    }
    Ok(())
}

fn insert_value(doc: &mut AutoCommit, list: &ObjId, at: usize, item: &Value) -> Result<()> {
    match item {
        Value::Object(fields) => {
            let child = doc.insert_object(list, at, ObjType::Map)?;
            reconcile_map(doc, &child, fields)
        }
        Value::Array(items) => {
            let child = doc.insert_object(list, at, ObjType::List)?;
            reconcile_list(doc, &child, items)
        }
        scalar => doc.insert(list, at, to_scalar(scalar)),
    }
}

fn id_of(v: &Value) -> Option<&str> {
    v.as_object()?.get("id")?.as_str()
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Object(_) | Value::Array(_))
}

fn to_scalar(v: &Value) -> ScalarValue {
    match v {
        Value::Bool(b) => ScalarValue::Boolean(*b),
        Value::String(s) => ScalarValue::Str(s.as_str().into()),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => ScalarValue::Int(i),
            (None, Some(u)) => ScalarValue::Uint(u),
            _ => ScalarValue::F64(n.as_f64().unwrap_or(0.0)),
        },
        Value::Null | Value::Object(_) | Value::Array(_) => ScalarValue::Null,
    }
}

fn from_scalar(s: &ScalarValue) -> Value {
    match s {
        ScalarValue::Str(s) => Value::String(s.to_string()),
        ScalarValue::Int(i) | ScalarValue::Timestamp(i) => Value::Number((*i).into()),
        ScalarValue::Uint(u) => Value::Number((*u).into()),
        ScalarValue::F64(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
        ScalarValue::Boolean(b) => Value::Bool(*b),
        ScalarValue::Counter(c) => Value::Number(i64::from(c).into()),
        ScalarValue::Bytes(_) | ScalarValue::Unknown { .. } | ScalarValue::Null => Value::Null,
    }
}

fn value_of(doc: &AutoCommit, v: &AmValue<'_>, id: &ObjId) -> Value {
    match v {
        AmValue::Scalar(s) => from_scalar(s),
        AmValue::Object(ObjType::Map | ObjType::Table) => Value::Object(read_map(doc, id)),
        AmValue::Object(ObjType::List) => Value::Array(read_list(doc, id)),
        AmValue::Object(ObjType::Text) => Value::String(doc.text(id).unwrap_or_default()),
    }
}

fn read_map(doc: &AutoCommit, obj: &ObjId) -> Map<String, Value> {
    let mut out = Map::new();
    for key in doc.keys(obj) {
        if let Ok(Some((v, id))) = doc.get(obj, key.as_str()) {
            let value = value_of(doc, &v, &id);
            if !value.is_null() {
                out.insert(key, value);
            }
        }
    }
    out
}

fn read_list(doc: &AutoCommit, list: &ObjId) -> Vec<Value> {
    (0..doc.length(list))
        .filter_map(|i| doc.get(list, i).ok().flatten())
        .map(|(v, id)| value_of(doc, &v, &id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc_with(v: Value) -> AutoCommit {
        let mut doc = AutoCommit::new();
        reconcile(&mut doc, v.as_object().unwrap()).unwrap();
        doc.commit();
        doc
    }

    fn edit(doc: &mut AutoCommit, f: impl FnOnce(&mut Map<String, Value>)) {
        let mut m = read(doc);
        f(&mut m);
        reconcile(doc, &m).unwrap();
        doc.commit();
    }

    #[test]
    fn reading_back_gives_what_was_written() {
        let v = json!({"name": "王秀英", "age": 81, "home": {"lat": 31.86, "lon": 106.77},
                       "tags": ["a", "b"], "kids": [{"id": "k1", "birth_year": 1975}], "ok": true});
        assert_eq!(Value::Object(read(&doc_with(v.clone()))), v);
    }

    #[test]
    fn edits_to_different_fields_on_two_devices_are_both_kept() {
        let mut a = doc_with(json!({"name": "王秀英", "address": "3组", "phone": "13800000000"}));
        let mut b = a.fork();
        edit(&mut a, |m| {
            m.insert("address".into(), json!("5组"));
        });
        edit(&mut b, |m| {
            m.insert("phone".into(), json!("13900000000"));
        });
        a.merge(&mut b).unwrap();
        assert_eq!(read(&a)["address"], "5组");
        assert_eq!(read(&a)["phone"], "13900000000");
        assert!(conflicts(&a).is_empty());
    }

    #[test]
    fn a_set_keeps_ticks_made_on_two_devices() {
        let mut a = doc_with(json!({"income": ["farming"]}));
        let mut b = a.fork();
        edit(&mut a, |m| {
            m.insert("income".into(), json!(["farming", "migrant_work"]));
        });
        edit(&mut b, |m| {
            m.insert("income".into(), json!(["government_aid"]));
        });
        a.merge(&mut b).unwrap();
        let mut income: Vec<String> = serde_json::from_value(read(&a)["income"].clone()).unwrap();
        income.sort();
        assert_eq!(income, ["government_aid", "migrant_work"]);
    }

    #[test]
    fn children_merge_by_id() {
        let mut a = doc_with(json!({"kids": [{"id": "k1", "birth_year": 1975}]}));
        let mut b = a.fork();
        edit(&mut a, |m| {
            m["kids"][0]["name"] = json!("李强");
        });
        edit(&mut b, |m| {
            m["kids"].as_array_mut().unwrap().push(json!({"id": "k2", "birth_year": 1979}));
        });
        a.merge(&mut b).unwrap();
        let kids = read(&a)["kids"].clone();
        assert_eq!(
            kids,
            json!([{"id": "k1", "birth_year": 1975, "name": "李强"}, {"id": "k2", "birth_year": 1979}])
        );
    }

    #[test]
    fn concurrent_writes_to_one_field_converge_and_are_reported() {
        let mut a = doc_with(json!({"care": "cared_for"}));
        let mut b = a.fork();
        edit(&mut a, |m| {
            m.insert("care".into(), json!("not_cared_for"));
        });
        edit(&mut b, |m| {
            m.remove("care");
            m.insert("care".into(), json!("cared_for_by_neighbour"));
        });
        let mut a2 = a.fork();
        let mut b2 = b.fork();
        a.merge(&mut b).unwrap();
        b2.merge(&mut a2).unwrap();
        assert_eq!(read(&a), read(&b2));
        assert_eq!(conflicts(&a).len(), 1);
    }

    #[test]
    fn the_same_value_written_on_two_devices_is_no_clash() {
        let mut a = doc_with(json!({"name": "王秀英"}));
        let mut b = AutoCommit::new();
        reconcile(&mut b, json!({"name": "王秀英", "phone": "1"}).as_object().unwrap()).unwrap();
        b.commit();
        a.merge(&mut b).unwrap();
        assert!(conflicts(&a).is_empty());
    }

    #[test]
    fn an_unchanged_record_writes_nothing() {
        let mut doc =
            doc_with(json!({"name": "王秀英", "kids": [{"id": "k1", "birth_year": 1975}], "t": ["x"]}));
        let before = doc.get_heads();
        let same = read(&doc);
        reconcile(&mut doc, &same).unwrap();
        assert!(doc.commit().is_none());
        assert_eq!(doc.get_heads(), before);
    }
}
