//! The office's figures: every elder under a unit (bulk reads for exports), the summary table 附件2
//! and the monthly progress report, each one call that adapters (the app, the CLI) make with the
//! same inputs, so that they give the same numbers.

use super::{Error, Result, Store};
use crate::audit::Action;
use crate::division::UnitCode;
use crate::doc::DocKind;
use crate::elder::{Elder, ElderId};
use crate::policy::{AgeCutoff, Policy};
use crate::progress::{self, ElderMonth, HelperMonth, Progress};
use crate::report::{self, Entered, Layout, Summary};
use crate::schedule::Status;
use crate::time::start_of_day;
use crate::view::Operation;
use chrono::{DateTime, Months, NaiveDate, Utc};
use std::collections::BTreeMap;

/// What the office asks a summary table for. Empty fields take the defaults of
/// [`Store::summary`].
#[derive(Debug, Clone, Default)]
pub struct SummaryRequest {
    /// The layout by name; `None`: the first shipped for the registry's policy.
    pub layout: Option<String>,
    /// The unit (within the registry's); `None`: the registry's own.
    pub unit: Option<UnitCode>,
    /// The table's date 填报日期; `None`: today.
    pub date: Option<NaiveDate>,
    /// A fixed age cutoff replacing the policy's; `None`: the policy's.
    pub cutoff: Option<NaiveDate>,
    /// The figures entered by hand, by column number.
    pub entered: Entered,
}

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

    /// `unit` if it lies within the registry's unit (refused under `unit` otherwise); `None`: the
    /// registry's own.
    pub fn unit_within(&self, unit: Option<&UnitCode>) -> Result<UnitCode> {
        let registry = &self.registry().unit;
        match unit {
            None => Ok(registry.clone()),
            Some(unit) if registry.contains(unit) => Ok(unit.clone()),
            Some(unit) => Err(Error::Field {
                field: "unit".into(),
                zh: format!("单位 {unit} 不在本登记册（{registry}）范围内"),
                en: format!("unit {unit} lies outside this registry ({registry})"),
            }),
        }
    }

    /// The summary table 附件2 as `request` asks for it, on `today` unless it names a date: the layout
    /// chosen ([`Layout::chosen`]), its policy with the cutoff asked for, every elder under the unit
    /// counted by [`report::compute`], the registry's own rows named after it. Office only.
    pub fn summary(&self, request: &SummaryRequest, today: NaiveDate) -> Result<(Summary, Layout)> {
        self.require(Operation::Reports)?;
        let registry = self.registry().clone();
        let layout = Layout::chosen(request.layout.as_deref(), &registry.policy)?;
        let mut policy = Policy::builtin(&layout.policy).ok_or_else(|| Error::Field {
            field: "layout".into(),
            zh: format!("报表格式所用的政策配置 {} 不存在", layout.policy),
            en: format!("the layout's policy profile {} does not exist", layout.policy),
        })?;
        let unit = self.unit_within(request.unit.as_ref())?;
        let date = request.date.unwrap_or(today);
        if let Some(cutoff) = request.cutoff {
            policy.age_cutoff = AgeCutoff::FixedDate { date: cutoff };
        }
        let elders = self.elders_under(&unit)?;
        let mut table = report::compute(&layout, &policy, &elders, &unit, date, &request.entered)?;
        for row in &mut table.rows {
            if row.unit == registry.unit.as_str() && row.name.is_empty() {
                row.name = registry.name.clone();
            }
        }
        if table.unit == registry.unit.as_str() && table.unit_name.is_empty() {
            table.unit_name = registry.name.clone();
        }
        Ok((table, layout))
    }

    /// The monthly progress report 月度推进情况 of the month holding `month`, taken on `today` or the
    /// month's last day if that is earlier (the date returned beside it): every elder on the registry
    /// at the month's end ([`Elder::served_on`]: registered by then, not archived) with their visits
    /// in the month, whether the schedule has them overdue on that date
    /// (never visited counts as overdue, as the schedule says), their emergencies in the month and
    /// cases open at its end, and the helpers filed. Office only.
    pub fn monthly_progress(&self, month: NaiveDate, today: NaiveDate) -> Result<(Progress, NaiveDate)> {
        use chrono::Datelike;
        self.require(Operation::Reports)?;
        let start = month.with_day(1).expect("every month has a first day");
        let next = start.checked_add_months(Months::new(1)).expect("a later month");
        let last = next.pred_opt().expect("a day before");
        let on = today.min(last);
        let unit = self.registry().unit.clone();
        let mut elders: BTreeMap<String, ElderMonth> = self
            .elders_under(&unit)?
            .iter()
            .filter(|e| e.served_on(last))
            .filter_map(|e| Some((e.id.as_ref()?.to_string(), ElderMonth::new(&e.unit))))
            .collect();
        let filter = super::VisitFilter {
            since: Some(start_of_day(start)),
            until: Some(start_of_day(next)),
            ..super::VisitFilter::default()
        };
        for v in self.visits(&filter)? {
            if let Some(e) = elders.get_mut(v.elder.as_str()) {
                e.visits += 1;
            }
        }
        for due in self.schedule(on)? {
            if let Some(e) = elders.get_mut(due.elder.as_str()) {
                e.overdue = due.status == Status::Overdue;
            }
        }
        for (elder, (emergencies, open)) in self.cases_per_elder_in_month(start)? {
            if let Some(e) = elders.get_mut(&elder) {
                e.emergencies = emergencies;
                e.open_cases = open;
            }
        }
        let helpers: Vec<HelperMonth> = self
            .helpers()?
            .into_iter()
            .map(|h| HelperMonth { village: unit.clone(), active: h.status == "active" })
            .collect();
        let elders: Vec<ElderMonth> = elders.into_values().collect();
        Ok((progress::compute(&start.format("%Y-%m").to_string(), &elders, &helpers), on))
    }
}
