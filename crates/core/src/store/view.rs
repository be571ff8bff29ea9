//! The store's side of role views ([`crate::view`]): which viewer is looking, and the three checks
//! every query that returns elders or their records goes through — an office-only operation
//! ([`Store::require`]), one elder ([`Store::see_elder`]) and a list ([`Store::visible_elders`]) —
//! plus the redaction of what a non-office viewer receives.

use super::query::ElderRow;
use super::{Result, Store};
use crate::elder::{Elder, ElderId};
use crate::helper::HelperId;
use crate::role::Role;
use crate::view::{Operation, Refused, Viewer};
use rusqlite::OptionalExtension;

impl Store {
    /// Who is looking at this store. Unless [`Store::set_viewer`] chose one, the device's enrolment
    /// decides (role, and the helper of a helper's tablet or the elder of a family phone, from
    /// `sync_state`), read afresh each time so an enrolment made while the store is open applies at
    /// once; a store never enrolled is an office's: the committee.
    pub fn viewer(&self) -> Viewer {
        match &self.viewer {
            Some(v) => v.clone(),
            None => self.enrolled_viewer(),
        }
    }

    fn enrolled_viewer(&self) -> Viewer {
        let device = self.registry.actor.clone();
        let row = self
            .conn
            .query_row("SELECT role, helper, elder FROM sync_state WHERE id = 1", [], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
            })
            .optional();
        let (role, helper, elder) = match row {
            Ok(Some(row)) => row,
            Ok(None) => return Viewer::committee(device),
            // Fail closed: an enrolment that cannot be read sees what a family without an elder sees.
            Err(_) => return Viewer { role: Role::Family, helper: None, elder: None, device },
        };
        // An enrolment naming a role this build does not know sees what a family sees: nothing but a card.
        let role = Role::parse(&role).unwrap_or(Role::Family);
        Viewer {
            role,
            helper: helper.and_then(|h| h.parse::<HelperId>().ok()),
            elder: elder.and_then(|e| e.parse::<ElderId>().ok()),
            device,
        }
    }

    /// Sets who is looking, for this open store only (nothing is written). Honest uses: an office
    /// desktop handing the screen to a helper or to a family (narrowing), and tests. A device enrolled
    /// as a helper or a family cannot widen its view: only its own enrolment's viewer is accepted
    /// there, else [`Refused`]. The viewer's `device` is always this store's actor.
    pub fn set_viewer(&mut self, mut viewer: Viewer) -> Result<()> {
        let enrolled = self.enrolled_viewer();
        viewer.device = self.registry.actor.clone();
        if !enrolled.is_office() && viewer != enrolled {
            return Err(enrolled.refuse(Operation::ReadElder).into());
        }
        self.viewer = Some(viewer);
        Ok(())
    }

    /// Goes back to the viewer of the device's enrolment.
    pub fn clear_viewer(&mut self) {
        self.viewer = None;
    }

    /// Refuses an operation only an office may perform.
    pub(super) fn require(&self, operation: Operation) -> Result<()> {
        Ok(self.viewer().require(operation)?)
    }

    /// Refuses `operation` on `elder` unless the viewer may see that elder: an office every elder, a
    /// helper those currently assigned to them, a family its own elder's card and calls only.
    pub(super) fn see_elder(&self, elder: &ElderId, operation: Operation) -> Result<()> {
        let viewer = self.viewer();
        viewer.require(operation)?;
        if viewer.is_office() {
            return Ok(());
        }
        let assigned = self.assigned_helper(elder)?;
        let sees = match operation {
            Operation::Card | Operation::FamilyCalls => viewer.sees_card(elder, assigned.as_ref()),
            _ => viewer.sees_assigned(assigned.as_ref()),
        };
        if sees {
            Ok(())
        } else {
            Err(Refused { role: viewer.role, operation }.into())
        }
    }

    fn assigned_helper(&self, elder: &ElderId) -> Result<Option<HelperId>> {
        let helper: Option<Option<String>> = self
            .conn
            .prepare_cached("SELECT helper_id FROM elder_helpers WHERE elder_id = ?1")?
            .query_row([elder.as_str()], |r| r.get(0))
            .optional()?;
        Ok(helper.flatten().and_then(|h| h.parse().ok()))
    }

    /// An SQL condition (starting with ` AND`) keeping only the elders whose id is in `column` that
    /// the viewer may list: nothing for an office, the helper's current elders for a helper, none for a
    /// family (its card is read on its own) or a helper's device that names no helper.
    pub(super) fn visible_elders(&self, column: &str) -> String {
        let viewer = self.viewer();
        if viewer.is_office() {
            return String::new();
        }
        match (viewer.role, &viewer.helper) {
            // A helper id is 32 hex digits (checked when parsed), so it is safe inline.
            (Role::Helper, Some(helper)) => format!(
                " AND {column} IN (SELECT elder_id FROM elder_helpers WHERE helper_id = '{}')",
                helper.as_str()
            ),
            _ => " AND 0".to_string(),
        }
    }

    /// Reduces a list row to what the viewer may see ([`Viewer::redact`]).
    pub(super) fn redact_row(&self, viewer: &Viewer, row: &mut ElderRow, id_masked: Option<String>) {
        if viewer.is_office() {
            return;
        }
        row.id_number = row.id_number.as_deref().map(crate::resident_id::mask).or(id_masked);
        row.health = None;
    }

    /// Reduces a record to what the viewer may see; the masked ID number comes from the `profile`
    /// document when the device holds no `sensitive` one.
    pub(super) fn redact_elder(&self, viewer: &Viewer, elder: &mut Elder) -> Result<()> {
        if viewer.is_office() {
            return Ok(());
        }
        let masked: Option<String> = self
            .conn
            .prepare_cached("SELECT id_masked FROM elders WHERE elder_id = ?1")?
            .query_row([elder.id.as_ref().map(ElderId::as_str).unwrap_or_default()], |r| r.get(0))
            .optional()?
            .flatten();
        viewer.redact(elder, masked);
        Ok(())
    }
}
