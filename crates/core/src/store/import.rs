//! Imports of a ledger: looking up ID numbers already registered and registering many elders in one
//! transaction.

use super::elders::insert;
use super::{Error, Result, Saved, Store};
use crate::elder::{Elder, ElderId};
use crate::validate::Violation;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, TransactionBehavior};

impl Store {
    /// The elder registered with this (normalised, 18-character) ID number, if any.
    pub fn elder_by_id_number(&self, id_number: &str) -> Result<Option<ElderId>> {
        self.require(crate::view::Operation::FindByIdNumber)?;
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
        let viewer = self.viewer();
        viewer.require(crate::view::Operation::EditRegistry)?;
        let ctx = self.context(now, true);
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut saved = Vec::with_capacity(elders.len());
        for (i, elder) in elders.into_iter().enumerate() {
            let fields = super::audit::changed_sensitive_fields(None, &elder);
            let one = insert(&tx, elder, &ctx, &actor, now).map_err(|e| within(e, i))?;
            if !fields.is_empty() {
                let change = crate::audit::Action::Change;
                super::audit::append(&tx, &viewer, &actor, change, Some(&one.id), &fields, now)?;
            }
            saved.push(one);
        }
        tx.commit()?;
        Ok(saved)
    }
}

/// The error of the elder at position `i` of an import, its fields named `elders[i].…`.
fn within(err: Error, i: usize) -> Error {
    match err {
        Error::Invalid(violations) => Error::Invalid(
            violations
                .into_iter()
                .map(|v| Violation { field: format!("elders[{i}].{}", v.field), rule: v.rule })
                .collect(),
        ),
        Error::Field { field, zh, en } => Error::Field { field: format!("elders[{i}].{field}"), zh, en },
        other => other,
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
