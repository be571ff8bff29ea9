//! The registration form 附件1 as the UI fills it in, and its conversion to and from core's `Elder`
//! ([`convert`]).

pub mod convert;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// 残疾类别及等级.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DisabilityForm {
    /// `visual` `hearing` `speech` `physical` `intellectual` `mental` `multiple`.
    pub kind: String,
    /// 1 (most severe) to 4.
    pub grade: u8,
}

/// One child (子女情况).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct ChildForm {
    /// Key (kept so edits merge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// 出生年份
    pub birth_year: i32,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `male` / `female`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
}

/// 子女外出务工情况 (months written `YYYY-MM`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct MigrationForm {
    /// Away since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_since: Option<String>,
    /// 最近一次回家探望时间
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_home_visit: Option<String>,
    /// 每年团聚次数
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reunions_per_year: Option<u32>,
    /// 平均天数
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reunion_days: Option<u32>,
}

/// 主要赡养人或扶养人 and other supporters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct SupporterForm {
    /// Key (kept so edits merge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// 姓名
    pub name: String,
    /// Relation, e.g. 儿子.
    #[serde(default)]
    pub relation: String,
    /// `male` / `female`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    /// Mobile phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Address.
    #[serde(default)]
    pub address: String,
    /// 主要赡养人.
    #[serde(default)]
    pub main: bool,
    /// 去向, e.g. 广东省东莞市.
    #[serde(default)]
    pub whereabouts: String,
    /// Away from the county.
    #[serde(default)]
    pub away: bool,
}

/// 填报单位、填表人、复核人、单位负责人、填报日期.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct SignOffForm {
    /// 填报单位
    #[serde(default)]
    pub filing_unit: String,
    /// 填表人
    #[serde(default)]
    pub filler: String,
    /// 复核人
    #[serde(default)]
    pub reviewer: String,
    /// 单位负责人
    #[serde(default)]
    pub unit_head: String,
    /// 填报日期 `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// The registration form 附件1 as the UI fills it in: the fields of core's `Elder` that the form
/// shows, with the same names and codes. Fields the form does not show (home position, service terms,
/// archive) are kept from the stored record on an edit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(optional_fields = nullable)]
pub struct ElderForm {
    /// Set when editing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// 村（居）委会 code; empty: the registry's own unit.
    #[serde(default)]
    pub unit: String,
    /// 姓名
    #[serde(default)]
    pub name: String,
    /// `male` / `female`.
    #[serde(default)]
    pub sex: String,
    /// 出生日期 `YYYY-MM-DD`.
    #[serde(default)]
    pub birth_date: String,
    /// 民族
    #[serde(default)]
    pub ethnicity: String,
    /// 身份证号码
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    /// `rural` / `urban`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hukou: Option<String>,
    /// 户籍所在地
    #[serde(default)]
    pub household_place: String,
    /// 现居住地址
    #[serde(default)]
    pub address: String,
    /// 联系电话
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// `healthy` / `disabled` / `ill`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<String>,
    /// 残疾类别及等级
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disability: Option<DisabilityForm>,
    /// 患病类型
    #[serde(default)]
    pub illness: String,
    /// `illiterate` / `primary` / `junior` / `senior_or_above`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<String>,
    /// `both_living` / `one_living`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spouse: Option<String>,
    /// 子女情况
    #[serde(default)]
    pub children: Vec<ChildForm>,
    /// 子女外出务工情况
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration: Option<MigrationForm>,
    /// 家庭经济来源 codes.
    #[serde(default)]
    pub income_sources: Vec<String>,
    /// `cared_for` / `not_cared_for`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub care: Option<String>,
    /// 养老需求
    #[serde(default)]
    pub needs: String,
    /// 存在困难问题
    #[serde(default)]
    pub difficulties: String,
    /// 主要赡养人或扶养人
    #[serde(default)]
    pub supporters: Vec<SupporterForm>,
    /// Group codes (高龄 is also derived from the age).
    #[serde(default)]
    pub categories: Vec<String>,
    /// Status code (read only here; archiving is its own step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Sign-off.
    #[serde(default)]
    pub sign_off: SignOffForm,
}
