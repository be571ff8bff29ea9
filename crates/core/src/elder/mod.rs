//! The elder (留守老年人) as the registration form 附件1 records them (seed 000), with the Guangdong
//! supporter block (seed 003) and the Bazhou form's service fields (附件5, seed 004).
//!
//! [`Elder`] is the whole record as the village committee sees it. It is stored split across a few
//! documents by who may read them (see [`crate::doc`]); this type is what the split is made from and what
//! a full read gives back.
//!
//! ```
//! use shouwang_core::elder::{Elder, Health};
//! let elder: Elder = serde_json::from_str(r#"{
//!     "unit": "511902106202", "name": "王秀英", "sex": "female", "birth_date": "1950-03-01",
//!     "address": "梁永镇斑竹村3组", "health": "健康"
//! }"#).unwrap();
//! assert_eq!(elder.health, Some(Health::Healthy));
//! ```

mod choice;
mod id;
mod parts;

pub(crate) use choice::choice;
pub use choice::{Care, Category, DisabilityKind, Education, Health, Hukou, IncomeSource, Spouse, Status};
pub use id::ElderId;
pub use parts::{Archive, Child, Disability, Migration, Position, Service, SignOff, Supporter, YearMonth};

use crate::division::UnitCode;
use crate::sex::Sex;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One elder's whole record: the registration form and what the committee keeps beside it.
///
/// Optional fields are those a paper form is often returned without; validation
/// ([`crate::validate::validate_elder`]) says which are required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Elder {
    /// Assigned by the store; derived from the ID number where there is one, so that two devices
    /// registering the same person create the same elder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ElderId>,
    /// 12-digit statistical division code of the village (村委会) the elder belongs to.
    pub unit: UnitCode,

    // 基本情况
    /// 姓名
    pub name: String,
    /// 性别 (encoded in the ID number; must agree with it)
    pub sex: Sex,
    /// 出生日期 (encoded in the ID number; must agree with it)
    pub birth_date: NaiveDate,
    /// 民族, e.g. 汉族
    #[serde(default)]
    pub ethnicity: String,
    /// 身份证号码 (18 characters; stored normalised). Sensitive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    /// 户籍性质; rural unless stated.
    #[serde(default = "rural")]
    pub hukou: Hukou,
    /// 户籍所在地
    #[serde(default)]
    pub household_place: String,
    /// 现居住地址
    #[serde(default)]
    pub address: String,
    /// The elder's own phone (联系电话, 附件5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Home position, WGS-84 as phones report it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home: Option<Position>,

    // 身体情况 — sensitive
    /// 身体情况
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<Health>,
    /// 残疾类别及等级
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disability: Option<Disability>,
    /// 患病类型
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub illness: String,
    /// 文化程度
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<Education>,

    // 家庭情况
    /// 夫妻情况
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spouse: Option<Spouse>,
    /// 子女情况: one entry per child, with the birth year the form asks for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Child>,
    /// 子女外出务工情况
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration: Option<Migration>,
    /// 家庭经济来源情况 (multi-select). Sensitive.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub income_sources: BTreeSet<IncomeSource>,
    /// 照料情况
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub care: Option<Care>,
    /// 养老需求
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub needs: String,
    /// 存在困难问题
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub difficulties: String,
    /// 主要赡养人或扶养人 (GD) and every other supporter, with where they are (HN).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supporters: Vec<Supporter>,

    /// Groups for lists and reports (高龄, 失能, 独居, …).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub categories: BTreeSet<Category>,
    /// Active, moved away or deceased.
    #[serde(default = "active")]
    pub status: Status,
    /// Why and when the elder was archived (required unless active).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<Archive>,
    /// 填报单位、填表人、复核人、单位负责人、填报日期
    #[serde(default)]
    pub sign_off: SignOff,
    /// 助老员、受助时间、受助内容 (Bazhou 附件5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<Service>,
}

fn rural() -> Hukou {
    Hukou::Rural
}

fn active() -> Status {
    Status::Active
}

/// 高龄: the age (周岁) from which an elder is in the group whatever the record says.
pub const ADVANCED_AGE: i32 = 80;

impl Elder {
    /// Age in whole years on `date` (周岁).
    pub fn age_on(&self, date: NaiveDate) -> i32 {
        age_on(self.birth_date, date)
    }

    /// Whether a group applies, with 高龄 also derived from the birth date on `date`.
    pub fn in_category(&self, category: Category, date: NaiveDate) -> bool {
        self.categories.contains(&category)
            || (category == Category::AdvancedAge && self.age_on(date) >= ADVANCED_AGE)
    }

    /// 重点对象: an economically hard-up family with an elder who is 高龄 or 失能.
    pub fn is_priority(&self, date: NaiveDate) -> bool {
        (self.in_category(Category::Hardship, date) || self.in_category(Category::Destitute, date))
            && (self.in_category(Category::AdvancedAge, date) || self.in_category(Category::Disabled, date))
    }

    /// Whether the elder is still served (not moved away or deceased).
    pub fn is_active(&self) -> bool {
        self.status == Status::Active
    }

    /// Whether the elder was on the registry on `day`: registered by then (the form's 填报日期; a
    /// record without one counts from the start) and not yet moved away or deceased (an archive
    /// takes effect on its date). What a past month's report counts at the month's end.
    pub fn served_on(&self, day: NaiveDate) -> bool {
        let registered = self.sign_off.date.is_none_or(|d| d <= day);
        let archived = match &self.archive {
            Some(a) => a.on <= day,
            None => !self.is_active(),
        };
        registered && !archived
    }
}

/// Age in whole years (周岁) of someone born on `birth` at `date`.
pub fn age_on(birth: NaiveDate, date: NaiveDate) -> i32 {
    let mut age = date.year() - birth.year();
    if (date.month(), date.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn age_counts_whole_years_and_turns_on_the_birthday() {
        let born = NaiveDate::from_ymd_opt(1957, 10, 1).unwrap();
        assert_eq!(age_on(born, NaiveDate::from_ymd_opt(2017, 9, 30).unwrap()), 59);
        assert_eq!(age_on(born, NaiveDate::from_ymd_opt(2017, 10, 1).unwrap()), 60);
        let leap = NaiveDate::from_ymd_opt(1956, 2, 29).unwrap();
        assert_eq!(age_on(leap, NaiveDate::from_ymd_opt(2016, 2, 28).unwrap()), 59);
        assert_eq!(age_on(leap, NaiveDate::from_ymd_opt(2016, 2, 29).unwrap()), 60);
    }
}
