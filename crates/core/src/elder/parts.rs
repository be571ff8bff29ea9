//! The blocks of the registration form that hold more than one value.

use super::{DisabilityKind, Status};
use crate::sex::Sex;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A month of a year, as the form asks for “最近一次回家探望时间（ 年 月）”. Written `2024-03`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct YearMonth {
    /// Year, e.g. 2024.
    pub year: i32,
    /// Month, 1 to 12.
    pub month: u32,
}

impl YearMonth {
    /// The month that contains `date`.
    pub fn of(date: NaiveDate) -> YearMonth {
        use chrono::Datelike;
        YearMonth { year: date.year(), month: date.month() }
    }

    /// Whole months from `self` to the month of `date` (negative if `date` is earlier).
    pub fn months_until(self, date: NaiveDate) -> i32 {
        let to = YearMonth::of(date);
        (to.year - self.year) * 12 + to.month as i32 - self.month as i32
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a valid year-month")
    }
}

impl TryFrom<String> for YearMonth {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl std::str::FromStr for YearMonth {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("a year and month is written YYYY-MM, e.g. 2024-03; got {s:?}");
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || !(1000..=9999).contains(&year) {
            return Err(bad());
        }
        Ok(YearMonth { year, month })
    }
}

impl From<YearMonth> for String {
    fn from(ym: YearMonth) -> String {
        ym.to_string()
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A point in WGS-84, as a phone's GPS reports it. Converted to GCJ-02 only for display on a Chinese map.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// Latitude in degrees, −90 to 90.
    pub lat: f64,
    /// Longitude in degrees, −180 to 180.
    pub lon: f64,
}

/// 残疾类别及等级.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disability {
    /// 残疾类别
    pub kind: DisabilityKind,
    /// 等级: 1 (一级, most severe) to 4.
    pub grade: u8,
}

/// One child, as “子女数量 … 出生日期分别为（ ）年” records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Child {
    /// Stable key so edits on two devices merge per child; assigned when missing.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// 出生年份
    pub birth_year: i32,
    /// Name, where the committee knows it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Sex, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
}

/// 子女外出务工情况.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Migration {
    /// Since when the children have been away (the form's 外出务工年限 is counted from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_since: Option<YearMonth>,
    /// 最近一次回家探望时间
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_home_visit: Option<YearMonth>,
    /// 每年团聚次数 (averaged over the last five years)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reunions_per_year: Option<u32>,
    /// 平均天数 per reunion
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reunion_days: Option<u32>,
}

/// A supporter (赡养人或扶养人): a child or other relative responsible for the elder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Supporter {
    /// Stable key so edits on two devices merge per supporter; assigned when missing.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    /// 姓名
    pub name: String,
    /// Relation to the elder, e.g. 儿子, 女儿, 侄子.
    #[serde(default)]
    pub relation: String,
    /// 性别
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// 联系电话（手机）
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// 联系地址
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,
    /// 是否主要赡养人 (GD's main supporter block).
    #[serde(default)]
    pub main: bool,
    /// 去向 (HN: supporters who leave report where they went), e.g. 广东省东莞市.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub whereabouts: String,
    /// Whether they are away from the county (县域) — what makes the elder left behind.
    #[serde(default)]
    pub away: bool,
    /// Since when they have been away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_since: Option<NaiveDate>,
    /// When the whereabouts were last reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_on: Option<NaiveDate>,
    /// False for a supporter at hand who cannot support (没有赡养能力), e.g. ill or disabled themselves.
    #[serde(default = "yes")]
    pub able: bool,
}

fn yes() -> bool {
    true
}

/// Why and when an elder left the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Archive {
    /// Moved away or deceased, as the status says.
    pub status: Status,
    /// The reason in words (迁往…, 于…去世).
    pub reason: String,
    /// The date it took effect.
    pub on: NaiveDate,
}

/// 填报单位、填表人、复核人、单位负责人、填报日期: the form's sign-off lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    /// 填报单位
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub filing_unit: String,
    /// 填表人
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub filler: String,
    /// 复核人
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reviewer: String,
    /// 单位负责人
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit_head: String,
    /// 填报日期
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
}

/// 助老员、受助时间、受助内容 (Bazhou 附件5). The helper network itself arrives with the visits work.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// 助老员 (the helper's name as written on the form)
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub helper: String,
    /// 受助时间: from
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// 受助时间: until
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
    /// 受助内容
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub content: String,
}
