//! Imports of a ledger: looking up ID numbers already registered and registering many elders in one
//! transaction.

use super::{documents, projection, Error, Result, Saved, Store};
use crate::elder::{Elder, ElderId};
use crate::validate::{validate_elder, Context, Rule, Violation};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior};

impl Store {
    /// The elder registered with this (normalised, 18-character) ID number, if any.
    pub fn elder_by_id_number(&self, id_number: &str) -> Result<Option<ElderId>> {
        let found: Option<String> = self
            .conn
            .query_row("SELECT elder_id FROM elders WHERE id_number = ?1 LIMIT 1", [id_number], |r| r.get(0))
            .optional()?;
        found.map(|id| id.parse().map_err(|reason| Error::Corrupt { doc: id.clone(), reason })).transpose()
    }

    /// Registers every elder of an import in ONE `BEGIN IMMEDIATE` transaction, each as
    /// [`Store::import_elder`] would (validated, 15-digit ID numbers converted, an ID number already
    /// registered refused). If any elder is refused, nothing at all is written and the error names
    /// the elder's position in `elders` (`elders[3].id_number`).
    pub fn import_elders(&mut self, elders: Vec<Elder>, now: DateTime<Utc>) -> Result<Vec<Saved>> {
        let ctx = Context {
            legacy_ids: true,
            ..Context::new(self.registry.unit.clone(), crate::time::local_date(now))
        };
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut saved = Vec::with_capacity(elders.len());
        for (i, mut elder) in elders.into_iter().enumerate() {
            let at = |v: Vec<Violation>| {
                Error::Invalid(
                    v.into_iter()
                        .map(|v| Violation { field: format!("elders[{i}].{}", v.field), rule: v.rule })
                        .collect(),
                )
            };
            let warnings = validate_elder(&mut elder, &ctx).map_err(at)?;
            let id = match &elder.id_number {
                Some(number) => ElderId::from_id_number(number),
                None => ElderId::random(),
            };
            if elder.id.as_ref().is_some_and(|given| *given != id) {
                return Err(Error::Field {
                    field: format!("elders[{i}].id"),
                    zh: "老人编号由系统生成，导入时不能指定".into(),
                    en: "an elder's id is assigned by the registry; leave it out when importing".into(),
                });
            }
            elder.id = Some(id.clone());
            let existing: Option<String> = tx
                .query_row(
                    "SELECT elder_id FROM documents WHERE elder_id = ?1
                     UNION ALL SELECT elder_id FROM elders WHERE id_number = ?2 LIMIT 1",
                    (id.as_str(), elder.id_number.as_deref()),
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(existing) = existing {
                let existing: ElderId =
                    existing.parse().map_err(|reason| Error::Corrupt { doc: existing.clone(), reason })?;
                return Err(at(vec![Violation {
                    field: "id_number".into(),
                    rule: Rule::DuplicateIdNumber { existing },
                }]));
            }
            let fresh = || uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
            for child in elder.children.iter_mut().filter(|c| c.id.is_empty()) {
                child.id = fresh();
            }
            for s in elder.supporters.iter_mut().filter(|s| s.id.is_empty()) {
                s.id = fresh();
            }
            let mut docs = documents::load(&tx, &id, &actor)?;
            let mut changes = 0;
            for (kind, content) in crate::doc::split(&elder) {
                let loaded = docs.iter_mut().find(|l| l.kind == kind).expect("every record kind is loaded");
                changes += documents::save(&tx, &id, loaded, &content, now)?;
            }
            projection::project(&tx, &id, &docs)?;
            saved.push(Saved { id, warnings, changes });
        }
        tx.commit()?;
        Ok(saved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_with_one_refused_elder_writes_nothing_and_names_its_position() {
        let dir = tempfile::tempdir().unwrap();
        let now = DateTime::parse_from_rfc3339("2026-11-23T09:00:00+08:00").unwrap().to_utc();
        let mut store = Store::init(
            dir.path().join("s.sqlite"),
            "511902106202".parse().unwrap(),
            "斑竹村",
            "sichuan",
            now,
        )
        .unwrap();
        let village = crate::demo::DemoVillage::bazhou();
        let mut elders = crate::demo::demo_village(&village, 4, 8);
        elders[2].id_number = elders[0].id_number.clone();
        elders[2].birth_date = elders[0].birth_date;
        elders[2].sex = elders[0].sex;
        let year = elders[0].children[0].birth_year;
        for c in &mut elders[2].children {
            c.birth_year = year;
        }
        let err = store.import_elders(elders.clone(), now).unwrap_err();
        let Error::Invalid(v) = err else { panic!("{err}") };
        assert_eq!(v[0].field, "elders[2].id_number");
        assert_eq!(v[0].rule.code(), "duplicate_id_number");
        assert_eq!((store.elders_under(&village.unit).unwrap().len(), store.outbox_len().unwrap()), (0, 0));
        elders.remove(2);
        let saved = store.import_elders(elders, now).unwrap();
        assert_eq!(saved.len(), 3);
        assert_eq!(store.elders_under(&village.unit).unwrap().len(), 3);
        let again = store.import_elders(vec![crate::demo::demo_village(&village, 1, 8).remove(0)], now);
        assert!(matches!(again, Err(Error::Invalid(_))), "already registered");
    }
}
