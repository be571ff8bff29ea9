//! Export of everything held on one elder (PIPL 第45条 查阅复制权): one JSON document, for the office.

use super::{Card, Error, Result, RiskEntry, Store};
use crate::agreement::Agreement;
use crate::audit::{Action, Entry};
use crate::case::Case;
use crate::consent::Consent;
use crate::elder::{Elder, ElderId};
use crate::family::Call;
use crate::view::Operation;
use crate::visit::Visit;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Everything this store holds on one elder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ElderExport {
    /// The elder.
    pub elder: ElderId,
    /// When the export was made (RFC 3339).
    pub exported_at: String,
    /// The registration record (附件1), every field.
    pub record: Elder,
    /// The contact card 明白卡.
    pub card: Option<Card>,
    /// The assignment: current helper, history, service terms, risk level.
    pub assignment: super::Assignment,
    /// The family's calls.
    pub family_calls: Vec<Call>,
    /// Every visit entry, amendments included.
    pub visits: Vec<Visit>,
    /// Every case.
    pub cases: Vec<Case>,
    /// Every risk assessment with its follow-ups.
    pub risk_assessments: Vec<RiskEntry>,
    /// Every care agreement.
    pub agreements: Vec<Agreement>,
    /// Every consent, withdrawn ones included.
    pub consents: Vec<Consent>,
    /// The audit entries about this elder, of every device this store holds, this export's included.
    pub audit: Vec<Entry>,
}

impl Store {
    /// Everything held on `elder`, as one document (office only). The export itself is logged as an
    /// `export` audit entry naming every kind of record it holds, before the audit entries are read, so
    /// the document shows its own entry.
    pub fn export_elder(&self, elder: &ElderId, now: DateTime<Utc>) -> Result<ElderExport> {
        self.require(Operation::ExportElder)?;
        self.require_elder(elder)?;
        let record = self.read_elder(elder)?;
        let card = match self.card(elder) {
            Ok(card) => Some(card),
            Err(Error::NotFound(_)) => None,
            Err(e) => return Err(e),
        };
        let case_ids: Vec<String> = self
            .conn
            .prepare_cached("SELECT case_id FROM cases WHERE elder_id = ?1 ORDER BY opened_at, case_id")?
            .query_map([elder.as_str()], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let cases = case_ids.iter().map(|id| self.case(id)).collect::<Result<Vec<_>>>()?;
        let agreements = self
            .agreements(Some(elder))?
            .iter()
            .map(|row| self.agreement(&row.id))
            .collect::<Result<Vec<_>>>()?;
        let mut out = ElderExport {
            elder: elder.clone(),
            exported_at: now.to_rfc3339(),
            record,
            card,
            assignment: self.assignment(elder)?,
            family_calls: self.family_calls(elder)?,
            visits: self.visit_history(elder)?,
            cases,
            risk_assessments: self.risk_history(elder)?,
            agreements,
            consents: self.consents(elder)?,
            audit: Vec::new(),
        };
        let mut fields = vec!["record", "card", "assignment", "family_calls", "visits", "cases"];
        fields.extend(["risk_assessments", "agreements", "consents", "audit"]);
        self.audit_now(Action::Export, Some(elder), &fields, now)?;
        out.audit = self.audit_log(Some(elder))?;
        Ok(out)
    }
}
