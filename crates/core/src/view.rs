//! Role views: who is looking, and what they may see.
//!
//! The document split ([`crate::doc`]) decides what reaches a device; this module decides what the
//! store answers on it. A [`Viewer`] is the role of the device's enrolment (a committee for an office
//! store that was never enrolled), the helper a helper's tablet belongs to and the device's actor id.
//! The store holds one ([`crate::store::Store::viewer`]) and every query that returns elders or their
//! records goes through it:
//!
//! | viewer | elders | fields | office-only operations ([`Operation`]) |
//! |---|---|---|---|
//! | committee, township | the whole registry | every field | allowed |
//! | helper | those currently assigned to them (`assignment.helper`) | what a visit needs: ID number masked `4403**********123X`, no health, disability, illness or income | refused with [`Refused`] |
//! | family | their one elder's card | the card | refused |
//!
//! Lists for a viewer who may see nothing of them are empty; reading one record of an elder the viewer
//! may not see, or an office-only operation, is refused with [`Refused`], naming the role and the
//! operation in Chinese and English.

use crate::elder::{Elder, ElderId};
use crate::helper::HelperId;
use crate::role::Role;
use serde::Serialize;

crate::elder::choice! {
    /// What a viewer asks the store to do, where the role decides whether it may.
    Operation {
        /// Read an elder's whole record.
        ReadElder = "read_elder" / "查看老人信息",
        /// Register, edit, archive or import elders (the registry is the committee's).
        EditRegistry = "edit_registry" / "修改登记信息",
        /// Search by ID number.
        FindByIdNumber = "find_by_id_number" / "按身份证号查找",
        /// Risk assessments 风险等级评估 (they score income and health).
        Risk = "risk" / "风险评估",
        /// Care agreements 委托照顾协议 (they hold the family's ID numbers).
        Agreements = "agreements" / "照顾协议",
        /// Summary tables, progress reports and every other figure over the whole registry.
        Reports = "reports" / "统计报表",
        /// The ledger 信息台账 exported to Excel or CSV.
        LedgerExport = "ledger_export" / "导出台账",
        /// Assignments of helpers to elders, walking reach.
        AssignHelpers = "assign_helpers" / "分派互助员",
        /// The helpers' register: file a helper 备案, change their details, list them with their loads,
        /// and the village's organisation.
        FileHelpers = "file_helpers" / "管理互助员",
        /// Fields two devices wrote concurrently (the committee's review).
        ReviewConflicts = "review_conflicts" / "处理冲突",
        /// Visits, cases and the schedule of an elder.
        Visits = "visits" / "探访记录",
        /// The family's calls of an elder.
        FamilyCalls = "family_calls" / "家属来电",
        /// The contact card 明白卡 of an elder.
        Card = "card" / "明白卡",
        /// Consent records of an elder: read them.
        Consent = "consent" / "知情同意",
        /// Record or withdraw a consent: the office's, since consents live in the elder's `profile`
        /// document, which only the committee writes (a helper brings the signed form to the office).
        RecordConsent = "record_consent" / "登记知情同意",
        /// The audit log 审计日志: read or verify it.
        Audit = "audit" / "审计日志",
        /// Export everything held on one elder (PIPL 查阅复制权).
        ExportElder = "export_elder" / "导出个人信息",
        /// Erase an elder on request: a committee device holding the village's root key.
        EraseElder = "erase_elder" / "删除老人信息（须持本村根密钥）",
        /// Issue, rotate or revoke the village's keys, list the devices' keys: a committee device
        /// holding the village's root key.
        VillageKeys = "village_keys" / "管理本村密钥（须持本村根密钥）",
    }
}

/// Who is looking at the store: the role of the device, the helper a helper's tablet belongs to, the
/// family's elder, and the device (its automerge actor id, the `device` of audit entries).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Viewer {
    /// The role of the device's enrolment; a committee for a store never enrolled.
    pub role: Role,
    /// A helper's tablet: the helper it belongs to. A helper viewer without one sees no elder.
    pub helper: Option<HelperId>,
    /// A family phone: its one elder. A family viewer without one sees nothing.
    pub elder: Option<ElderId>,
    /// The device: this store's automerge actor id (32 hex digits).
    pub device: String,
}

/// An operation the viewer's role may not perform, or an elder it may not see. Nothing was read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} / {}", self.zh(), self.en())]
pub struct Refused {
    /// The viewer's role.
    pub role: Role,
    /// What it asked for.
    pub operation: Operation,
}

impl Refused {
    /// The refusal in Chinese, as the app shows it.
    pub fn zh(&self) -> String {
        format!("{}设备无权进行「{}」", self.role.zh(), self.operation.zh())
    }

    /// The refusal in English.
    pub fn en(&self) -> String {
        format!("a {} device may not {}", self.role.code(), self.operation.en())
    }
}

impl Operation {
    /// The operation in English, as a verb phrase.
    pub fn en(self) -> &'static str {
        match self {
            Operation::ReadElder => "read this elder's record",
            Operation::EditRegistry => "register or edit elders",
            Operation::FindByIdNumber => "search by ID number",
            Operation::Risk => "read or write risk assessments",
            Operation::Agreements => "read or write care agreements",
            Operation::Reports => "compute reports over the registry",
            Operation::LedgerExport => "export the ledger",
            Operation::AssignHelpers => "assign helpers",
            Operation::FileHelpers => "file, change or list helpers, or change the organisation",
            Operation::ReviewConflicts => "review conflicting fields",
            Operation::Visits => "read this elder's visits or cases",
            Operation::FamilyCalls => "read or log this elder's family calls",
            Operation::Card => "read this elder's card",
            Operation::Consent => "read this elder's consent",
            Operation::RecordConsent => "record or withdraw this elder's consent",
            Operation::Audit => "read the audit log",
            Operation::ExportElder => "export an elder's data",
            Operation::EraseElder => "erase an elder (with the village's root key)",
            Operation::VillageKeys => "manage the village's keys (with the village's root key)",
        }
    }

    /// Whether only an office (committee, township) may perform it, whoever the elder is.
    pub fn office_only(self) -> bool {
        matches!(
            self,
            Operation::EditRegistry
                | Operation::FindByIdNumber
                | Operation::Risk
                | Operation::Agreements
                | Operation::Reports
                | Operation::LedgerExport
                | Operation::AssignHelpers
                | Operation::FileHelpers
                | Operation::ReviewConflicts
                | Operation::Audit
                | Operation::ExportElder
                | Operation::RecordConsent
                | Operation::EraseElder
                | Operation::VillageKeys
        )
    }
}

impl Viewer {
    /// A committee member at the office desktop of `device`: sees the whole village.
    pub fn committee(device: impl Into<String>) -> Viewer {
        Viewer { role: Role::Committee, helper: None, elder: None, device: device.into() }
    }

    /// The tablet of `helper`.
    pub fn helper(helper: HelperId, device: impl Into<String>) -> Viewer {
        Viewer { role: Role::Helper, helper: Some(helper), elder: None, device: device.into() }
    }

    /// The phone of a family of `elder`.
    pub fn family(elder: ElderId, device: impl Into<String>) -> Viewer {
        Viewer { role: Role::Family, helper: None, elder: Some(elder), device: device.into() }
    }

    /// A committee or township office: sees every field of every elder of its unit.
    pub fn is_office(&self) -> bool {
        matches!(self.role, Role::Committee | Role::Township)
    }

    /// Refuses an operation only an office may perform.
    pub fn require(&self, operation: Operation) -> Result<(), Refused> {
        if self.is_office() || !operation.office_only() {
            Ok(())
        } else {
            Err(self.refuse(operation))
        }
    }

    /// The refusal of `operation` for this viewer.
    pub fn refuse(&self, operation: Operation) -> Refused {
        Refused { role: self.role, operation }
    }

    /// Whether the viewer may see an elder currently assigned to `assigned` (`None`: nobody).
    /// A family viewer sees its own elder's card and calls only; see [`Viewer::sees_card`].
    pub fn sees_assigned(&self, assigned: Option<&HelperId>) -> bool {
        match self.role {
            Role::Committee | Role::Township => true,
            Role::Helper => self.helper.is_some() && self.helper.as_ref() == assigned,
            Role::Family => false,
        }
    }

    /// Whether the viewer may see the card (and the family's calls) of `elder`, assigned to `assigned`.
    pub fn sees_card(&self, elder: &ElderId, assigned: Option<&HelperId>) -> bool {
        match self.role {
            Role::Family => self.elder.as_ref() == Some(elder),
            _ => self.sees_assigned(assigned),
        }
    }

    /// Reduces a record to what this viewer may see: for anyone but an office, the ID number becomes
    /// its masked form (`id_masked`, written by the committee into the `profile` document, or the
    /// number itself masked) and health, disability, illness and income are removed.
    pub fn redact(&self, elder: &mut Elder, id_masked: Option<String>) {
        if self.is_office() {
            return;
        }
        elder.id_number = elder.id_number.as_deref().map(crate::resident_id::mask).or(id_masked);
        elder.health = None;
        elder.disability = None;
        elder.illness.clear();
        elder.income_sources.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_helper_is_refused_the_office_operations_in_both_languages() {
        let helper = Viewer::helper(HelperId::random(), "ab".repeat(16));
        let refused = helper.require(Operation::Risk).unwrap_err();
        let text = refused.to_string();
        assert!(text.contains("互助员") && text.contains("风险评估"), "{text}");
        assert!(text.contains("a helper device may not read or write risk assessments"), "{text}");
        assert!(helper.require(Operation::Visits).is_ok());
        assert!(Viewer::committee("x").require(Operation::Risk).is_ok());
    }

    #[test]
    fn a_helper_sees_only_their_own_elders_and_a_family_only_its_card() {
        let mine = HelperId::random();
        let other = HelperId::random();
        let helper = Viewer::helper(mine.clone(), "d");
        assert!(helper.sees_assigned(Some(&mine)));
        assert!(!helper.sees_assigned(Some(&other)));
        assert!(!helper.sees_assigned(None));
        let elder = ElderId::random();
        let family = Viewer::family(elder.clone(), "d");
        assert!(family.sees_card(&elder, None));
        assert!(!family.sees_card(&ElderId::random(), None));
        assert!(!family.sees_assigned(Some(&mine)));
    }

    #[test]
    fn a_redacted_record_keeps_no_id_number_health_or_income() {
        let mut elder = crate::demo::sample_elder();
        let number = elder.id_number.clone().unwrap();
        Viewer::helper(HelperId::random(), "d").redact(&mut elder, None);
        let json = serde_json::to_string(&elder).unwrap();
        assert!(!json.contains(&number), "{json}");
        assert_eq!(elder.id_number.as_deref(), Some(crate::resident_id::mask(&number).as_str()));
        assert!(elder.health.is_none() && elder.income_sources.is_empty() && elder.illness.is_empty());
    }
}
