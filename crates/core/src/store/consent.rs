//! Consent records' store side ([`crate::consent`]): kept in the elder's `profile` document under
//! `consents` (consent id → consent), each record or withdrawal one transaction over the document, the
//! projection's `consent` column and an audit entry.

use super::{audit, documents, elder_row, Error, Result, Store};
use crate::audit::Action;
use crate::consent::{self, Consent, Withdrawal};
use crate::crdt;
use crate::doc::DocKind;
use crate::elder::ElderId;
use crate::view::Operation;
use chrono::{DateTime, Utc};
use rusqlite::TransactionBehavior;
use serde_json::{Map, Value};

use crate::consent::in_profile as read;

impl Store {
    /// The consents recorded for an elder, oldest first. An office, or the helper assigned to them.
    pub fn consents(&self, elder: &ElderId) -> Result<Vec<Consent>> {
        self.require_elder(elder)?;
        self.see_elder(elder, Operation::Consent)?;
        let loaded = documents::load_one(&self.conn, elder, DocKind::Profile, &self.actor())?;
        Ok(read(&crdt::read(&loaded.doc)))
    }

    /// Records a consent of `elder` (validated: [`consent::validate`]; nothing is written if it breaks
    /// a rule). An office only: consents live in the `profile` document, which only the committee writes
    /// (the helper who collects the signed form at the door brings it to the office). Appends a
    /// `consent` audit entry. Returns the consent with its id.
    pub fn record_consent(&mut self, elder: &ElderId, mut c: Consent, now: DateTime<Utc>) -> Result<Consent> {
        self.require_elder(elder)?;
        self.see_elder(elder, Operation::RecordConsent)?;
        consent::validate(&mut c, crate::time::local_date(now)).map_err(Error::Invalid)?;
        c.id = crate::ids::random_hex(6);
        self.write_consent(elder, &c, now)?;
        Ok(c)
    }

    /// Withdraws consent `id` of `elder` (PIPL 第15条). The record is kept with its withdrawal.
    pub fn withdraw_consent(
        &mut self,
        elder: &ElderId,
        id: &str,
        mut withdrawal: Withdrawal,
        now: DateTime<Utc>,
    ) -> Result<Consent> {
        self.require(Operation::RecordConsent)?;
        let mut c = self.consents(elder)?.into_iter().find(|c| c.id == id).ok_or_else(|| Error::Field {
            field: "consent".into(),
            zh: format!("该老人没有编号为 {id} 的知情同意记录"),
            en: format!("the elder has no consent with id {id}"),
        })?;
        consent::validate_withdrawal(&c, &mut withdrawal, crate::time::local_date(now))
            .map_err(Error::Invalid)?;
        c.withdrawn = Some(withdrawal);
        self.write_consent(elder, &c, now)?;
        Ok(c)
    }

    fn write_consent(&mut self, elder: &ElderId, c: &Consent, now: DateTime<Utc>) -> Result<()> {
        let viewer = self.viewer();
        let actor = self.actor();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut loaded = documents::load_one(&tx, elder, DocKind::Profile, &actor)?;
        let mut content = crdt::read(&loaded.doc);
        let mut all = match content.remove("consents") {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        };
        let mut value = serde_json::to_value(c).expect("a consent serialises");
        if let Value::Object(m) = &mut value {
            m.remove("id");
        }
        all.insert(c.id.clone(), value);
        content.insert("consents".into(), Value::Object(all));
        documents::save(&tx, elder, &mut loaded, &content, now)?;
        elder_row::refresh(&tx, elder, &actor)?;
        let field = format!("consents.{}", c.id);
        audit::append(&tx, &viewer, &actor, Action::Consent, Some(elder), &[field.as_str()], now)?;
        tx.commit()?;
        Ok(())
    }
}
