//! The mutual-aid organisation of a village (seed 004, 四、(二) 构建体系): the district leading group
//! 区级领导小组, the township service brigade 乡镇互助养老服务大队 and the village service team
//! 村级互助养老服务小队, each with its members, their titles and phones. The contact card 明白卡 names
//! the village's liaison leader 联村领导 and the team member in charge of the household from here.
//!
//! One document per village, addressed `<org id>/org` where the id is derived from the village code
//! ([`org_id`]) so that two devices setting it up offline write the same document.

use crate::division::UnitCode;
use crate::doc::SubjectId;
use crate::validate::{Rule, Violation, MAX_LABEL, MAX_NAME};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The subject id of a village's organisation: the first 128 bits of
/// SHA-256("shouwang/org/v1\0" + the 12-digit village code), in hex.
pub fn org_id(village: &UnitCode) -> SubjectId {
    let digest = Sha256::new().chain_update(b"shouwang/org/v1\0").chain_update(village.as_str()).finalize();
    hex::encode(&digest[..16]).parse().expect("32 hex digits")
}

/// A member of one of the three levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Key so edits on two devices merge per member; assigned when missing.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// 姓名
    pub name: String,
    /// Title or role, e.g. 组长, 联村领导, 大队长, 联户人员.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// 联系电话
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// One level of the organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    /// Its name, e.g. 巴州区农村互助养老工作领导小组.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Its members.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Member>,
}

/// A village's organisation, from the district down to its team.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Org {
    /// 区级领导小组
    #[serde(default)]
    pub district: Body,
    /// 乡镇互助养老服务大队
    #[serde(default)]
    pub township: Body,
    /// 村级互助养老服务小队
    #[serde(default)]
    pub village: Body,
}

impl Org {
    /// The village doctor: the first member, village team first, whose title names a doctor (村医,
    /// 乡村医生, 卫生室医生…: any title holding 医). Who the emergency flow calls after the family.
    pub fn village_doctor(&self) -> Option<&Member> {
        let mut levels = self.levels();
        levels.reverse();
        levels.into_iter().flat_map(|(_, _, body)| body.members.iter()).find(|m| m.is_doctor())
    }

    /// The three levels with their JSON names and Chinese names.
    pub fn levels(&self) -> [(&'static str, &'static str, &Body); 3] {
        [
            ("district", "区级领导小组", &self.district),
            ("township", "乡镇互助养老服务大队", &self.township),
            ("village", "村级互助养老服务小队", &self.village),
        ]
    }
}

impl Member {
    /// Whether the member's title names a doctor (村医, 乡村医生, 卫生室医生).
    pub fn is_doctor(&self) -> bool {
        self.title.contains('医')
    }
}

/// Normalises the organisation (trims, canonical phones, member keys) and checks every rule.
pub fn validate_org(org: &mut Org) -> Result<(), Vec<Violation>> {
    let mut out = Vec::new();
    for (level, body) in
        [("district", &mut org.district), ("township", &mut org.township), ("village", &mut org.village)]
    {
        body.name = body.name.trim().to_string();
        if body.name.chars().count() > MAX_NAME * 2 {
            let len = body.name.chars().count();
            out.push(Violation {
                field: format!("{level}.name"),
                rule: Rule::TooLong { max: MAX_NAME * 2, len },
            });
        }
        let mut keys = Vec::new();
        for (i, m) in body.members.iter_mut().enumerate() {
            let field = |f: &str| format!("{level}.members[{i}].{f}");
            m.name = m.name.trim().to_string();
            m.title = m.title.trim().to_string();
            if m.name.is_empty() {
                out.push(Violation { field: field("name"), rule: Rule::Required });
            }
            for (f, v, max) in [("name", &m.name, MAX_NAME), ("title", &m.title, MAX_LABEL)] {
                let len = v.chars().count();
                if len > max {
                    out.push(Violation { field: field(f), rule: Rule::TooLong { max, len } });
                }
            }
            if let Some(phone) = &m.phone {
                match crate::phone::normalize_phone(phone) {
                    Ok(p) => m.phone = Some(p),
                    Err(e) => out.push(Violation { field: field("phone"), rule: Rule::Phone(e) }),
                }
            }
            if m.id.is_empty() {
                m.id = crate::ids::short_key();
            }
            if keys.contains(&m.id) {
                out.push(Violation { field: field("id"), rule: Rule::DuplicateKey { key: m.id.clone() } });
            }
            keys.push(m.id.clone());
        }
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_org_id_is_the_same_on_every_device_and_differs_by_village() {
        let a: UnitCode = "511902106202".parse().unwrap();
        let b: UnitCode = "511902106203".parse().unwrap();
        assert_eq!(org_id(&a), org_id(&a));
        assert_ne!(org_id(&a), org_id(&b));
        let digest = Sha256::digest(b"shouwang/org/v1\x00511902106202");
        assert_eq!(org_id(&a).as_str(), hex::encode(&digest[..16]));
    }

    #[test]
    fn a_member_needs_a_name_and_a_valid_phone() {
        let mut org = Org::default();
        org.village.members.push(Member {
            id: String::new(),
            name: " ".into(),
            title: "组长".into(),
            phone: Some("12".into()),
        });
        let fields: Vec<String> = validate_org(&mut org).unwrap_err().into_iter().map(|v| v.field).collect();
        assert_eq!(fields, ["village.members[0].name", "village.members[0].phone"]);
    }
}
