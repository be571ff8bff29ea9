//! The use cases around a case that the app and the CLI share, each one core call: an emergency 助急
//! logged (its case opened and, when the outcome is known, closed, in one transaction), the emergency
//! contacts of an elder, a case moved to its next stage by default, and a case opened from a visit's
//! concerns. The defaults and the refusals live here, once.

use super::{Error, Result, Store};
use crate::case::{self, Closing, Emergency, Opening, Outcome, Party, Stage, StageEntry};
use crate::elder::ElderId;
use crate::org::Member;
use crate::store::{Card, CaseSaved, VisitSaved};
use crate::view::Operation;
use crate::visit::{CheckItem, Verdict, Visit};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Map, Value};

/// An emergency 助急 as a helper or the office reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmergencyReport {
    /// Who was called, in order (at least one; each once).
    pub called: Vec<Party>,
    /// When the first call was made; default: when the emergency began, else now.
    pub called_at: Option<DateTime<Utc>>,
    /// When the emergency began; default: the first call, else now.
    pub at: Option<DateTime<Utc>>,
    /// What happened.
    pub summary: String,
    /// Who handled it; default: the elder's helper.
    pub by: Option<String>,
    /// How it ended, when it is over: the case is closed with it at once.
    pub outcome: Option<Outcome>,
    /// A remark on the outcome.
    pub outcome_note: String,
}

/// Who to call for an elder in an emergency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmergencyContacts {
    /// The elder's contact card (their phone, the supporters'), no ID number, no health.
    pub card: Card,
    /// The village doctor, from the village's organisation ([`crate::org::Org::village_doctor`]).
    pub doctor: Option<Member>,
    /// The elder's helper's name.
    pub helper_name: Option<String>,
}

/// A stage to record on a case: the next one unless named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advance {
    /// The stage; default: the one after the case's current stage.
    pub stage: Option<Stage>,
    /// Who owns it.
    pub by: String,
    /// When; default now.
    pub at: Option<DateTime<Utc>>,
    /// What was done.
    pub note: String,
    /// Why a stage is skipped to reach this one.
    pub skip_reason: String,
}

/// The summary of a visit's concerns, e.g. `医：血压高；住：屋顶漏雨`: what a case opened from the
/// visit says.
pub fn concerns_summary(v: &Visit) -> String {
    CheckItem::ALL
        .iter()
        .map(|&i| (i, v.checks.get(i)))
        .filter(|(_, c)| c.verdict == Some(Verdict::Concern))
        .map(|(i, c)| format!("{}：{}", i.zh(), c.note))
        .collect::<Vec<_>>()
        .join("；")
}

use super::error::field;

impl Store {
    /// Who acted for an elder: `by` as given, else the name of the elder's current helper (refused,
    /// field `by`, when the elder has none).
    pub fn acting_for(&self, elder: &ElderId, by: Option<String>) -> Result<String> {
        if let Some(by) = by.map(|b| b.trim().to_string()).filter(|b| !b.is_empty()) {
            return Ok(by);
        }
        match self.assignment(elder)?.helper {
            Some(h) => Ok(self.helper(&h)?.name),
            None => Err(field(
                "by",
                "该老人尚未分配互助员，请写明经办人".into(),
                "the elder has no helper assigned: say who acted".into(),
            )),
        }
    }

    /// Logs an emergency 助急: opens a case at 发现 with who was called and when, and, when the outcome
    /// is known, closes it with that outcome — in one transaction, so a refused closing writes nothing.
    /// A time not given is the other one given, else now; the closing is dated now (or the
    /// emergency's time, if later).
    pub fn log_emergency(
        &mut self,
        elder: &ElderId,
        r: EmergencyReport,
        now: DateTime<Utc>,
    ) -> Result<CaseSaved> {
        let at = r.at.or(r.called_at).unwrap_or(now);
        let called_at = r.called_at.or(r.at).unwrap_or(now);
        let by = self.acting_for(elder, r.by)?;
        let mut opening = Opening {
            at,
            by: by.clone(),
            summary: r.summary,
            visit: None,
            emergency: Some(Emergency { called: r.called, called_at }),
        };
        let mut problems = case::check_opening(&mut opening, now).err().unwrap_or_default();
        let mut closing = r.outcome.map(|outcome| Closing {
            at: now.max(at).max(called_at),
            by,
            outcome,
            note: r.outcome_note,
        });
        if let Some(c) = &mut closing {
            problems.extend(case::check_closing(c, now).err().unwrap_or_default());
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        self.see_elder(elder, Operation::Visits)?;
        if self.require_elder(elder)? != "active" {
            return Err(super::error::archived(elder));
        }
        opening.at = super::cases::second(opening.at);
        if let Some(e) = &mut opening.emergency {
            e.called_at = super::cases::second(e.called_at);
        }
        let id = crate::ids::new_id();
        let mut entry = Map::new();
        entry.insert("opened".into(), serde_json::to_value(&opening).expect("an opening serialises"));
        entry.insert("stages".into(), json!({}));
        if let Some(mut c) = closing {
            c.at = super::cases::second(c.at);
            entry.insert("closed".into(), serde_json::to_value(&c).expect("a closing serialises"));
        }
        let changes = self.write_cases(elder, now, |content| {
            content.insert(id.clone(), Value::Object(entry));
            Ok(())
        })?;
        Ok(CaseSaved { case: id, elder: elder.clone(), entry: None, changes })
    }

    /// Who to call for an elder: the card, the village doctor, the helper's name (devices that visit).
    pub fn emergency_contacts(&self, elder: &ElderId) -> Result<EmergencyContacts> {
        self.see_elder(elder, Operation::Visits)?;
        let card = self.card(elder)?;
        let doctor = self.org()?.village_doctor().cloned();
        let helper_name = match self.assignment(elder)?.helper {
            Some(h) => Some(self.helper(&h)?.name),
            None => None,
        };
        Ok(EmergencyContacts { card, doctor, helper_name })
    }

    /// Records a stage of a case: the one named, or by default the one after its current stage
    /// (refused at the last stage: close the case instead). Rules as [`Store::advance_case`].
    pub fn advance_case_to(&mut self, id: &str, a: Advance, now: DateTime<Utc>) -> Result<CaseSaved> {
        let stage = match a.stage {
            Some(s) => s,
            None => self.case(id)?.current().0.next().ok_or_else(|| {
                field(
                    "stage",
                    "个案已到「救助」环节，请结案".into(),
                    "the case is at its last stage (assisted): close it".into(),
                )
            })?,
        };
        let entry = StageEntry {
            id: String::new(),
            stage,
            at: a.at.unwrap_or(now),
            by: a.by,
            note: a.note,
            skip_reason: a.skip_reason,
            recorded_at: None,
        };
        self.advance_case(id, entry, now)
    }

    /// Logs `visit` and opens a case at 发现 from its concerns (the visit form's 立案): refused under
    /// `open_case` before anything is written when every check is fine.
    pub fn log_visit_opening_case(
        &mut self,
        visit: Visit,
        now: DateTime<Utc>,
    ) -> Result<(VisitSaved, CaseSaved)> {
        require_concern(&visit)?;
        let saved = self.log_visit(visit, now)?;
        let case = self.open_case_from_visit(&saved.id, now)?;
        Ok((saved, case))
    }

    /// Amends `original` with `visit` and opens a case from the amendment's concerns: refused under
    /// `open_case` before anything is written when every check is fine.
    pub fn amend_visit_opening_case(
        &mut self,
        original: &str,
        visit: Visit,
        now: DateTime<Utc>,
    ) -> Result<(VisitSaved, CaseSaved)> {
        require_concern(&visit)?;
        let saved = self.amend_visit(original, visit, now)?;
        let case = self.open_case_from_visit(&saved.id, now)?;
        Ok((saved, case))
    }

    /// Opens a case at 发现 from a visit's concerns: by the visit's helper, dated the visit, its
    /// summary the concerns (`医：血压高`). Refused (field `open_case`, nothing written) for a visit
    /// whose four checks are all fine.
    pub fn open_case_from_visit(&mut self, visit: &str, now: DateTime<Utc>) -> Result<CaseSaved> {
        let v = self.visit(visit)?;
        require_concern(&v)?;
        let helper: crate::helper::HelperId =
            v.helper.parse().map_err(|reason: String| Error::Corrupt { doc: visit.into(), reason })?;
        let by = self.helper(&helper)?.name;
        let opening = Opening {
            at: v.at,
            by,
            summary: concerns_summary(&v),
            visit: Some(visit.to_string()),
            emergency: None,
        };
        self.open_case(&v.elder, opening, now)
    }
}

/// Refuses a case from a visit whose four checks are all fine (field `open_case`).
fn require_concern(v: &Visit) -> Result<()> {
    if v.checks.concerns() == 0 {
        return Err(field(
            "open_case",
            "四查均正常，不能据此立案".into(),
            "every check is fine: the visit cannot open a case".into(),
        ));
    }
    Ok(())
}
