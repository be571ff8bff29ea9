//! How an elder's record is split into automerge documents by who may read them.
//!
//! A CRDT keeps its whole history: a field once written into a document a role can read can never be
//! withdrawn from that role. So an elder is not one document but several, each read by a fixed set of
//! roles, and the relay hands a device only the documents its role may read:
//!
//! | kind | holds | read by |
//! |---|---|---|
//! | `card` | name, sex, village, address, the elder's phone | family, helper, committee, township |
//! | `family` | supporters (children and other relatives: phone, whereabouts) | family, helper, committee, township |
//! | `profile` | birth date, household, education, children, migration, care, needs, groups, status, sign-off; `id_masked` (the ID number masked, derived); `consents` (知情同意, keyed by id, [`crate::consent`]) | helper, committee, township |
//! | `sensitive` | ID number, health, disability, illness, income sources | committee, township |
//! | `assignment` | service terms (附件5), current helper, helper history, risk level | helper, committee, township |
//! | `visits` | the visit log 一访四查: visit id → visit, append-only (corrections are amendments) | helper, committee, township |
//! | `cases` | cases of the chain 发现 → 报告 → 转介 → 救助 | helper, committee, township |
//! | `risk` | risk assessments 风险等级评估: assessment id → assessment, intervention, follow-ups (append-only) | committee, township |
//! | `agreement` | care agreements 附件3/附件4: agreement id → agreement, its payments and duties done by id | committee, township |
//!
//! Other kinds have a subject that is not always an elder:
//!
//! | kind | subject | holds | read by |
//! |---|---|---|---|
//! | `helper` | a helper (random id) | name, phone, home, availability, 备案 date, status, measured walks | helper, committee, township |
//! | `org` | a village ([`crate::org::org_id`]) | leading group, township brigade, village team (seed 004) | helper, committee, township |
//! | `keyring` | an elder | the elder's own key for `sensitive`, or its erasure | committee, township |
//! | `keys` | a device's key id, or a family's elder | new key generations sealed for one device | every role |
//! | `audit` | a page of a device's log ([`crate::audit::page_subject`]) | 256 entries of the device's audit log, entry `seq` → entry, never edited | committee, township |
//!
//! A document is addressed as `<subject id>/<kind>`: the subject is an elder for the first nine kinds.
//! The current risk level is also written to the `assignment` document's `risk_level`, which helpers read.
//! Only the first five ([`DocKind::RECORD`]) make up the registration record; visits and cases grow
//! with time and are loaded on their own.

use crate::elder::{Elder, ElderId};
use crate::role::Role;
use serde_json::{Map, Value};
use std::fmt;

crate::elder::choice! {
    /// The documents an elder's record is split into.
    DocKind {
        /// 明白卡: what a family may see.
        Card = "card" / "明白卡",
        /// The supporters, written by the committee and by each family.
        Family = "family" / "家庭",
        /// The rest of the registration form a helper needs.
        Profile = "profile" / "基本情况",
        /// ID number, health and income: committee only.
        Sensitive = "sensitive" / "敏感信息",
        /// Who serves the elder and how: service terms, the current helper and the history.
        Assignment = "assignment" / "服务",
        /// The visit log 一访四查 (append-only).
        Visits = "visits" / "探访记录",
        /// Cases of the chain 发现 → 报告 → 转介 → 救助.
        Cases = "cases" / "个案",
        /// Risk assessments 风险等级评估 (they score income and health: committee only).
        Risk = "risk" / "风险评估",
        /// Care agreements 委托照顾协议 (they hold the family's ID numbers: committee only).
        Agreement = "agreement" / "照顾协议",
        /// A helper 互助员 (subject: the helper).
        Helper = "helper" / "互助员",
        /// A village's mutual-aid organisation (subject: the village's organisation).
        Org = "org" / "组织体系",
        /// An elder's own key for the sensitive document, or its erasure (office only).
        Keyring = "keyring" / "密钥",
        /// New key generations sealed for one device (subject: the device's key id, or a family's elder).
        Keys = "keys" / "密钥包",
        /// A device's audit log 审计日志 (subject: derived from the device's actor; office only).
        Audit = "audit" / "审计日志",
    }
}

/// The card document's key holding the date (China local, `YYYY-MM-DD`) of the elder's latest visit:
/// written by the visit (the one thing of a visit a family phone sees), and the one card field a
/// helper's device writes. Two devices logging visits offline may write it concurrently: the later
/// date is the truth, read as the latest of every concurrent value, so it is never a conflict for the
/// committee's review.
pub const LAST_VISIT: &str = "last_visit";

/// A document's subject: an elder, a helper or an organisation, all 32 lowercase hex digits.
pub type SubjectId = ElderId;

impl DocKind {
    /// The kinds the registration record of an elder is split into.
    pub const RECORD: &'static [DocKind] =
        &[DocKind::Card, DocKind::Family, DocKind::Profile, DocKind::Sensitive, DocKind::Assignment];

    /// Whether the subject of this kind is an elder.
    pub fn is_elder_kind(self) -> bool {
        !matches!(self, DocKind::Helper | DocKind::Org | DocKind::Keys | DocKind::Audit)
    }

    /// The fields of [`Elder`] (as JSON keys) this document holds (none for the kinds outside the
    /// record).
    pub fn fields(self) -> &'static [&'static str] {
        match self {
            DocKind::Card => &["unit", "name", "sex", "address", "phone"],
            DocKind::Family => &["supporters"],
            DocKind::Profile => &[
                "birth_date",
                "ethnicity",
                "hukou",
                "household_place",
                "home",
                "education",
                "spouse",
                "children",
                "migration",
                "care",
                "needs",
                "difficulties",
                "categories",
                "status",
                "archive",
                "sign_off",
            ],
            DocKind::Sensitive => &["id_number", "health", "disability", "illness", "income_sources"],
            DocKind::Assignment => &["service"],
            DocKind::Visits
            | DocKind::Cases
            | DocKind::Risk
            | DocKind::Agreement
            | DocKind::Helper
            | DocKind::Org
            | DocKind::Keyring
            | DocKind::Keys
            | DocKind::Audit => &[],
        }
    }

    /// Keys of this document derived from the record when it is saved, not fields of the form:
    /// `profile.id_masked`, the ID number masked as a helper sees it (`4403**********123X`), written by
    /// the office that holds the number, since helper devices never receive the `sensitive` document.
    pub fn derived(self) -> &'static [&'static str] {
        match self {
            DocKind::Profile => &["id_masked"],
            _ => &[],
        }
    }

    /// The roles that may read this document.
    pub fn readers(self) -> &'static [Role] {
        match self {
            DocKind::Card | DocKind::Family => &[Role::Family, Role::Helper, Role::Committee, Role::Township],
            DocKind::Profile
            | DocKind::Assignment
            | DocKind::Visits
            | DocKind::Cases
            | DocKind::Helper
            | DocKind::Org => &[Role::Helper, Role::Committee, Role::Township],
            DocKind::Keys => &[Role::Family, Role::Helper, Role::Committee, Role::Township],
            DocKind::Sensitive | DocKind::Risk | DocKind::Agreement | DocKind::Keyring | DocKind::Audit => {
                &[Role::Committee, Role::Township]
            }
        }
    }

    /// The document that holds a field, if any does.
    pub fn of_field(field: &str) -> Option<DocKind> {
        DocKind::ALL.iter().copied().find(|k| k.fields().contains(&field))
    }
}

/// The address of one document: a subject and a kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId {
    /// Whose document: an elder, or for `helper` and `org` a helper or an organisation.
    pub elder: SubjectId,
    /// Which part of it.
    pub kind: DocKind,
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.elder, self.kind.code())
    }
}

impl std::str::FromStr for DocId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (elder, kind) = s.split_once('/').ok_or_else(|| format!("not a document id: {s:?}"))?;
        let kind = DocKind::parse(kind).ok_or_else(|| format!("unknown document kind in {s:?}"))?;
        Ok(DocId { elder: elder.parse()?, kind })
    }
}

/// Splits a record into the content of each document. Every kind of [`DocKind::RECORD`] is returned,
/// empty ones too, so that
/// a field cleared on the form is cleared in its document.
pub fn split(elder: &Elder) -> Vec<(DocKind, Map<String, Value>)> {
    let Value::Object(mut all) = serde_json::to_value(elder).expect("an elder serialises") else {
        unreachable!("an elder serialises to an object")
    };
    all.remove("id");
    DocKind::RECORD
        .iter()
        .map(|&kind| {
            let mut part: Map<String, Value> =
                kind.fields().iter().filter_map(|f| all.remove(*f).map(|v| (f.to_string(), v))).collect();
            if kind == DocKind::Profile {
                if let Some(number) = &elder.id_number {
                    part.insert("id_masked".into(), Value::String(crate::resident_id::mask(number)));
                }
            }
            (kind, part)
        })
        .collect()
}

/// Joins the documents of one elder back into the record.
pub fn join(
    id: &ElderId,
    parts: impl IntoIterator<Item = Map<String, Value>>,
) -> Result<Elder, serde_json::Error> {
    let mut all = Map::new();
    for part in parts {
        all.extend(part);
    }
    all.insert("id".into(), Value::String(id.to_string()));
    serde_json::from_value(Value::Object(all))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::sample_elder;

    #[test]
    fn every_field_of_the_form_lives_in_exactly_one_document() {
        let elder = sample_elder();
        let Value::Object(all) = serde_json::to_value(&elder).unwrap() else { panic!() };
        for key in all.keys().filter(|k| *k != "id") {
            let holders = DocKind::ALL.iter().filter(|k| k.fields().contains(&key.as_str())).count();
            assert_eq!(holders, 1, "field {key} is held by {holders} documents");
        }
    }

    #[test]
    fn split_and_join_give_back_the_record() {
        let elder = Elder { id: Some(ElderId::random()), ..sample_elder() };
        let parts = split(&elder).into_iter().map(|(kind, mut m)| {
            m.retain(|k, _| kind.fields().contains(&k.as_str()));
            m
        });
        assert_eq!(join(elder.id.as_ref().unwrap(), parts).unwrap(), elder);
    }

    #[test]
    fn the_profile_a_helper_reads_carries_the_id_number_masked_only() {
        let elder = sample_elder();
        let number = elder.id_number.clone().unwrap();
        let parts = split(&elder);
        let profile = &parts.iter().find(|(k, _)| *k == DocKind::Profile).unwrap().1;
        assert_eq!(profile["id_masked"], crate::resident_id::mask(&number));
        for (kind, part) in &parts {
            if kind.readers().contains(&Role::Helper) {
                assert!(!Value::Object(part.clone()).to_string().contains(&number), "{kind}");
            }
        }
    }

    #[test]
    fn visits_cases_helpers_and_the_organisation_are_never_for_a_family() {
        for kind in [DocKind::Visits, DocKind::Cases, DocKind::Helper, DocKind::Org] {
            assert!(!kind.readers().contains(&Role::Family), "{kind}");
            assert!(!DocKind::RECORD.contains(&kind));
        }
    }

    /// The relay knows kinds only by their codes (`shouwang_protocol`): its list and its read matrix
    /// must be this module's, kind for kind and role for role.
    #[test]
    fn the_relay_reads_the_kinds_and_the_read_matrix_of_this_module() {
        let codes: Vec<&str> = DocKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes, shouwang_protocol::KINDS);
        for role in shouwang_protocol::Role::ALL {
            let here: Vec<&str> = DocKind::ALL
                .iter()
                .filter(|k| k.readers().iter().any(|r| r.code() == role.code()))
                .map(|k| k.code())
                .collect();
            assert_eq!(here, role.readable_kinds(), "{role}");
        }
    }

    #[test]
    fn the_kinds_about_an_elder_are_the_relays_routed_kinds() {
        let here: Vec<&str> = DocKind::ALL.iter().filter(|k| k.is_elder_kind()).map(|k| k.code()).collect();
        assert_eq!(here, shouwang_protocol::ELDER_KINDS);
    }

    #[test]
    fn risk_assessments_and_agreements_are_for_the_office_only() {
        for kind in [DocKind::Risk, DocKind::Agreement] {
            assert_eq!(kind.readers(), &[Role::Committee, Role::Township], "{kind}");
            assert!(kind.is_elder_kind());
        }
    }

    #[test]
    fn a_family_device_can_read_no_id_number_or_health() {
        for field in ["id_number", "health", "disability", "illness", "income_sources", "birth_date"] {
            let kind = DocKind::of_field(field).unwrap();
            assert!(!kind.readers().contains(&Role::Family), "{field} is readable by family");
        }
    }
}
