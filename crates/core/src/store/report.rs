//! Bulk reads for summary tables and exports: every elder under a unit.

use super::{Error, Result, Store};
use crate::audit::Action;
use crate::division::UnitCode;
use crate::doc::DocKind;
use crate::elder::{Elder, ElderId};
use crate::view::Operation;
use chrono::{DateTime, Utc};

impl Store {
    /// The ids of every elder (any status) whose village lies within `unit`, by id. Office only
    /// (reports, the ledger's export).
    pub fn elder_ids_under(&self, unit: &UnitCode) -> Result<Vec<ElderId>> {
        self.require(Operation::Reports)?;
        let prefix = unit.as_str().trim_end_matches('0');
        let mut stmt = self.conn.prepare_cached(
            "SELECT elder_id, unit FROM elders WHERE substr(unit, 1, ?1) = ?2 ORDER BY elder_id",
        )?;
        let rows = stmt.query_map((prefix.len() as i64, prefix), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut ids = Vec::new();
        for row in rows {
            let (id, code) = row?;
            let within = code.parse::<UnitCode>().map(|c| unit.contains(&c)).unwrap_or(false);
            if within {
                ids.push(id.parse().map_err(|reason| Error::Corrupt { doc: id.clone(), reason })?);
            }
        }
        Ok(ids)
    }

    /// Every elder (any status) whose village lies within `unit`, each read whole from its documents.
    /// Office only.
    pub fn elders_under(&self, unit: &UnitCode) -> Result<Vec<Elder>> {
        self.elder_ids_under(unit)?.iter().map(|id| self.read_elder(id)).collect()
    }

    /// Every elder of the registry's village (any status) for the ledger's export 导出台账: office
    /// only, and the export is recorded in the audit log (导出, no elder, the sensitive fields the
    /// ledger carries) before anything is returned.
    pub fn ledger_elders(&self, now: DateTime<Utc>) -> Result<Vec<Elder>> {
        self.require(Operation::LedgerExport)?;
        let elders = self.elders_under(&self.registry().unit)?;
        self.audit_now(Action::Export, None, DocKind::Sensitive.fields(), now)?;
        Ok(elders)
    }
}
