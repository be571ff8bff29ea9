//! What each role may write, field by field: the rule every receiving device applies to a change before
//! it applies it, from the role of the device that pushed it (the relay reports it with every pulled
//! change, from that device's token).
//!
//! The relay refuses a push by kind ([`shouwang_protocol::Role::writable_kinds`], the same table as
//! [`DocKind::written_by`] here, kind for kind); within a kind, a change may still touch a field the
//! pushing role's screens never write — a helper's tablet whose local role was flipped rewriting an
//! elder's name on the card it may write the visit date to. [`forbidden`] compares the document with
//! the change applied to a copy and names every field it changed that the role may not write; the caller then holds
//! the change (quarantine `forbidden`) for the committee's review list instead of applying it.
//!
//! | role | card | family | visits, cases, audit | every other kind |
//! |---|---|---|---|---|
//! | committee | all | all | all | all |
//! | helper | `last_visit` | `calls` | all | nothing |
//! | family | nothing | `calls`; `supporters[].{phone, whereabouts, away, away_since, reported_on}` | nothing | nothing |
//! | township | nothing | nothing | nothing | nothing |
//!
//! Paths name a key of the document's root (`last_visit`), an element of a list of records matched by
//! its `id` (`supporters[]`, any one) and a field of one (`supporters[].phone`); a rule allows a path
//! and everything under it.

use crate::crdt;
use crate::doc::DocKind;
use crate::role::Role;
use automerge::AutoCommit;
use serde_json::{Map, Value};

/// What a role may write of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    /// Every field.
    All,
    /// Only these paths (and what is under them).
    Fields(&'static [&'static str]),
    /// Nothing: the relay refuses the kind from this role.
    Nothing,
}

impl DocKind {
    /// What `role` may write of documents of this kind.
    pub fn written_by(self, role: Role) -> Writes {
        match (role, self) {
            (Role::Committee, _) => Writes::All,
            (Role::Helper, DocKind::Visits | DocKind::Cases | DocKind::Audit) => Writes::All,
            (Role::Helper, DocKind::Card) => Writes::Fields(&[crate::doc::LAST_VISIT]),
            (Role::Helper, DocKind::Family) => Writes::Fields(&["calls"]),
            (Role::Family, DocKind::Family) => Writes::Fields(&[
                "calls",
                "supporters[].phone",
                "supporters[].whereabouts",
                "supporters[].away",
                "supporters[].away_since",
                "supporters[].reported_on",
            ]),
            _ => Writes::Nothing,
        }
    }
}

/// Whether `path` is allowed by one of `rules` (the rule itself or anything under it).
fn allowed(path: &str, rules: &[&str]) -> bool {
    rules.iter().any(|rule| {
        path == *rule
            || path.strip_prefix(rule).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    })
}

/// The paths at which two JSON values differ: keys of objects one by one, lists of records with an `id`
/// record by record (`name[]` for one added or removed, `name[].field` for a field of one kept), any
/// other value whole.
pub fn changed_paths(path: &str, before: &Value, after: &Value, out: &mut Vec<String>) {
    if before == after {
        return;
    }
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => changed_in(path, a, b, out),
        (Value::Array(a), Value::Array(b)) if keyed(a) && keyed(b) => {
            let id = |v: &Value| v.get("id").cloned();
            let element = format!("{path}[]");
            for x in a {
                match b.iter().find(|y| id(y) == id(x)) {
                    Some(y) => changed_paths(&element, x, y, out),
                    None => out.push(element.clone()),
                }
            }
            if b.iter().any(|y| !a.iter().any(|x| id(x) == id(y))) {
                out.push(element);
            }
        }
        _ => out.push(path.to_string()),
    }
}

fn keyed(list: &[Value]) -> bool {
    list.iter().all(|v| v.get("id").is_some_and(Value::is_string))
}

fn changed_in(prefix: &str, a: &Map<String, Value>, b: &Map<String, Value>, out: &mut Vec<String>) {
    let join = |key: &str| if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") };
    for (key, value) in a {
        changed_paths(&join(key), value, b.get(key).unwrap_or(&Value::Null), out);
    }
    for (key, value) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
        changed_paths(&join(key), &Value::Null, value, out);
    }
}

/// What a change from `role` did to a document of `kind` that the role may not write: `before` is the
/// document as stored, `after` with the change applied. Empty when the change may be applied. Counts
/// both the values read and the fields left in conflict, so a concurrent write that loses the
/// document's tie-break is caught too.
pub fn forbidden(kind: DocKind, role: Role, before: &AutoCommit, after: &AutoCommit) -> Vec<String> {
    let rules = match kind.written_by(role) {
        Writes::All => return Vec::new(),
        Writes::Nothing => return vec![String::new()],
        Writes::Fields(rules) => rules,
    };
    let mut paths = Vec::new();
    changed_in("", &crdt::read(before), &crdt::read(after), &mut paths);
    let had: Vec<String> = crdt::conflicts(before).into_iter().map(|(k, _)| k).collect();
    paths.extend(crdt::conflicts(after).into_iter().map(|(k, _)| k).filter(|k| !had.contains(k)));
    paths.retain(|p| !allowed(p, rules));
    paths.sort();
    paths.dedup();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(content: Value) -> AutoCommit {
        let mut doc = AutoCommit::new();
        crdt::reconcile(&mut doc, content.as_object().unwrap()).unwrap();
        doc.commit();
        doc
    }

    fn after(before: &AutoCommit, content: Value) -> AutoCommit {
        let mut doc = before.clone();
        crdt::reconcile(&mut doc, content.as_object().unwrap()).unwrap();
        doc.commit();
        doc
    }

    #[test]
    fn a_helper_may_write_the_visit_date_on_a_card_and_not_the_name() {
        let card = doc(json!({"name": "王秀英", "address": "3组", "last_visit": "2026-11-01"}));
        let visit = after(&card, json!({"name": "王秀英", "address": "3组", "last_visit": "2026-11-20"}));
        assert!(forbidden(DocKind::Card, Role::Helper, &card, &visit).is_empty());
        let forged = after(&card, json!({"name": "王秀兰", "address": "3组", "last_visit": "2026-11-20"}));
        assert_eq!(forbidden(DocKind::Card, Role::Helper, &card, &forged), ["name"]);
        assert!(forbidden(DocKind::Card, Role::Committee, &card, &forged).is_empty());
        assert_eq!(forbidden(DocKind::Card, Role::Family, &card, &visit), [""], "a family writes no card");
    }

    #[test]
    fn a_family_may_report_its_whereabouts_and_phone_not_rename_itself_or_add_people() {
        let family = doc(json!({"supporters": [
            {"id": "s1", "name": "王强", "relation": "儿子", "phone": "13800000001", "whereabouts": "东莞"}
        ]}));
        let moved = after(
            &family,
            json!({"supporters": [
                {"id": "s1", "name": "王强", "relation": "儿子", "phone": "13900000002", "whereabouts": "深圳",
                 "reported_on": "2026-11-20"}
            ]}),
        );
        assert!(forbidden(DocKind::Family, Role::Family, &family, &moved).is_empty());
        let renamed = after(
            &family,
            json!({"supporters": [
                {"id": "s1", "name": "王小强", "relation": "儿子", "phone": "13800000001", "whereabouts": "东莞"},
                {"id": "s2", "name": "李四", "relation": "女儿"}
            ]}),
        );
        assert_eq!(
            forbidden(DocKind::Family, Role::Family, &family, &renamed),
            ["supporters[]", "supporters[].name"]
        );
        let by_helper = forbidden(DocKind::Family, Role::Helper, &family, &moved);
        assert_eq!(by_helper, ["supporters[].phone", "supporters[].reported_on", "supporters[].whereabouts"]);
    }

    #[test]
    fn the_kinds_each_role_writes_are_the_relays() {
        for role in Role::ALL {
            let wire = shouwang_protocol::Role::parse(role.code()).unwrap();
            let here: Vec<&str> = DocKind::ALL
                .iter()
                .filter(|k| k.written_by(*role) != Writes::Nothing)
                .map(|k| k.code())
                .collect();
            assert_eq!(here, wire.writable_kinds(), "{role}");
        }
    }

    #[test]
    fn rules_allow_a_path_and_what_is_under_it_only() {
        assert!(allowed("calls[]", &["calls"]));
        assert!(allowed("calls[].note", &["calls"]));
        assert!(!allowed("callsign", &["calls"]));
        assert!(allowed("supporters[].phone", &["supporters[].phone"]));
        assert!(!allowed("supporters[].name", &["supporters[].phone"]));
    }
}
