//! Summary tables 汇总表 (附件2, seeds 000 and 003): counts over the registry for a unit and a date,
//! with the cross-column checks 勾稽关系 that must hold before a table is sent upward.
//!
//! A table's layout is data ([`Layout`], read from `schema/reports/<id>.toml`): its title, headings,
//! sign-off lines and notes, each column defined by a [`Predicate`] over the elder record, and its
//! checks. A new province adds a layout, not code. [`compute`] counts a unit's elders per sub-unit and
//! runs every check on every row; [`export`] writes the table as the printed form (XLSX), CSV or JSON.
//!
//! ```
//! use shouwang_core::report::{compute, Layout, Entered};
//! let layout = Layout::builtin("guangdong").unwrap();
//! let policy = shouwang_core::policy::Policy::builtin("guangdong").unwrap();
//! let village = shouwang_core::demo::DemoVillage::bazhou();
//! let elders = shouwang_core::demo::demo_village(&village, 30, 3);
//! let table = compute(&layout, &policy, &elders, &village.unit, village.today, &Entered::default()).unwrap();
//! assert!(table.checks.iter().all(|c| c.passed), "demo data is consistent");
//! assert_eq!(table.total.values[0], Some(table.counted as u64));
//! ```

mod compute;
pub mod export;

pub use compute::{compute, months_away, CheckResult, Entered, GroupSum, Summary, SummaryRow};

use crate::elder::Elder;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A summary table's layout, as read from `schema/reports/<id>.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// Stable key, the file's name (`guangdong`, `liaoning`).
    pub id: String,
    /// The policy profile whose cutoff date and definition the table counts by.
    pub policy: String,
    /// The title printed above the table.
    pub title: String,
    /// The unit line's label, e.g. 地市（盖章）.
    pub unit_label: String,
    /// The date line's label, e.g. 填报时间.
    pub date_label: String,
    /// The heading of the first column, naming the sub-unit of each row.
    pub sub_unit_heading: String,
    /// Which elders the table counts.
    pub population: Population,
    /// The sign-off lines printed under the table.
    pub sign_off: Vec<String>,
    /// The notes printed under the sign-off lines.
    #[serde(default)]
    pub notes: Vec<String>,
    /// The columns, numbered 1.. in order.
    #[serde(rename = "column")]
    pub columns: Vec<Column>,
    /// The cross-column checks.
    #[serde(rename = "check", default)]
    pub checks: Vec<Check>,
}

/// Which elders a table counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Population {
    /// Active elders who are left behind under the layout's policy at its cutoff date.
    LeftBehind,
    /// Every active elder of the registry.
    Registered,
}

/// One column of the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    /// The number printed under the headings (1, 2, …).
    pub no: u32,
    /// The headings from the top level down, e.g. `["夫妻情况", "双方健在"]`; adjacent columns sharing
    /// a top heading are merged under it.
    pub heading: Vec<String>,
    /// Which of the counted elders this column counts; absent: all of them.
    #[serde(default)]
    pub when: Predicate,
    /// Entered by the office rather than derived from the registry (e.g. all rural elders aged 60+).
    #[serde(default)]
    pub entered: bool,
}

/// A condition over one elder record; every member given must hold. An empty predicate holds for all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Predicate {
    /// A field of the record: `health`, `spouse`, `education`, `care`, `sex`, `hukou`, `status`,
    /// `income_sources` or `categories` (sets match when they hold any of `values`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The codes (or Chinese terms) of `field` that match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Youngest age (周岁) at the policy's cutoff date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_min: Option<i32>,
    /// Oldest age at the cutoff date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_max: Option<i32>,
    /// Fewest children recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children_min: Option<usize>,
    /// Most children recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub children_max: Option<usize>,
    /// Fewest whole months the children have been away at the cutoff date ([`months_away`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_months_min: Option<i32>,
    /// Most whole months away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub away_months_max: Option<i32>,
    /// Fewest whole months since the last home visit (最近一次回家探望) at the cutoff date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_home_visit_months_min: Option<i32>,
    /// Most whole months since the last home visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_home_visit_months_max: Option<i32>,
}

/// A cross-column check 勾稽关系.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Its name, shown when it fails.
    pub name: String,
    /// How the groups compare.
    pub kind: CheckKind,
    /// Groups of column numbers; each group's sum is compared.
    pub groups: Vec<Vec<u32>>,
}

/// How a check's group sums compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// Every group has the same sum (`1 = 2+3 = …`).
    Equal,
    /// The first group's sum is at least each other group's.
    NotLess,
}

impl Check {
    /// The check written as the form writes it, e.g. `1 = 2+3 = 4+5`.
    pub fn expression(&self) -> String {
        let op = match self.kind {
            CheckKind::Equal => " = ",
            CheckKind::NotLess => " ≥ ",
        };
        self.groups
            .iter()
            .map(|g| g.iter().map(u32::to_string).collect::<Vec<_>>().join("+"))
            .collect::<Vec<_>>()
            .join(op)
    }
}

/// Why a layout was refused, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    /// Not valid TOML or an unknown, missing or mistyped field.
    #[error("报表格式文件有误 / report layout file: {0}")]
    Parse(String),
    /// Values of the right type that make no sense.
    #[error("报表格式 {field}：{zh} / report layout {field}: {en}")]
    Invalid {
        /// Where.
        field: String,
        /// What, in Chinese.
        zh: String,
        /// What, in English.
        en: String,
    },
    /// No built-in layout of this name.
    #[error("没有名为 {0} 的报表格式（可选：guangdong, liaoning）/ no report layout named {0:?} (known: guangdong, liaoning)")]
    Unknown(String),
}

const BUILTIN: &[(&str, &str)] = &[
    ("guangdong", include_str!("../../../../schema/reports/guangdong.toml")),
    ("liaoning", include_str!("../../../../schema/reports/liaoning.toml")),
];

impl Layout {
    /// A layout shipped with the build (`guangdong`, `liaoning`).
    pub fn builtin(id: &str) -> Result<Layout, LayoutError> {
        let (_, text) =
            BUILTIN.iter().find(|(name, _)| *name == id).ok_or_else(|| LayoutError::Unknown(id.into()))?;
        Layout::from_toml(text)
    }

    /// The layout `asked` for (by name), else the first shipped for `policy`, else the first shipped:
    /// what a summary uses when the office picks none.
    pub fn chosen(asked: Option<&str>, policy: &str) -> Result<Layout, LayoutError> {
        match asked.map(str::trim).filter(|a| !a.is_empty()) {
            Some(id) => Layout::builtin(id),
            None => {
                let names = Layout::builtin_names();
                let id = names
                    .iter()
                    .find(|n| Layout::builtin(n).is_ok_and(|l| l.policy == policy))
                    .or(names.first())
                    .ok_or_else(|| LayoutError::Unknown(policy.into()))?;
                Layout::builtin(id)
            }
        }
    }

    /// The names of the built-in layouts.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(n, _)| *n).collect()
    }

    /// Reads and checks a layout: columns numbered 1.. in order, every predicate's field and values
    /// known, every check naming existing columns.
    pub fn from_toml(text: &str) -> Result<Layout, LayoutError> {
        let layout: Layout = toml::from_str(text).map_err(|e| LayoutError::Parse(e.to_string()))?;
        layout.validate()?;
        Ok(layout)
    }

    fn validate(&self) -> Result<(), LayoutError> {
        let invalid = |field: String, zh: String, en: String| Err(LayoutError::Invalid { field, zh, en });
        for (i, c) in self.columns.iter().enumerate() {
            if c.no as usize != i + 1 {
                return invalid(
                    format!("column[{i}].no"),
                    format!("列号应为 {}，实为 {}", i + 1, c.no),
                    format!("columns are numbered 1.. in order: expected {}, found {}", i + 1, c.no),
                );
            }
            if c.heading.is_empty() || c.heading.iter().any(|h| h.trim().is_empty()) {
                return invalid(
                    format!("column[{i}].heading"),
                    "表头不能为空".into(),
                    "a heading cannot be empty".into(),
                );
            }
            if let Some(field) = &c.when.field {
                for v in &c.when.values {
                    if !field_knows(field, v)? {
                        return invalid(
                            format!("column[{i}].when.values"),
                            format!("{field} 没有取值 {v:?}"),
                            format!("{field} has no value {v:?}"),
                        );
                    }
                }
                if c.when.values.is_empty() {
                    return invalid(
                        format!("column[{i}].when.values"),
                        "指定了字段就要列出取值".into(),
                        "a field needs the values that match".into(),
                    );
                }
            }
        }
        for (i, check) in self.checks.iter().enumerate() {
            if check.groups.len() < 2 {
                return invalid(
                    format!("check[{i}].groups"),
                    "至少要比较两组".into(),
                    "a check compares at least two groups".into(),
                );
            }
            for no in check.groups.iter().flatten() {
                if *no == 0 || *no as usize > self.columns.len() {
                    return invalid(
                        format!("check[{i}].groups"),
                        format!("没有第 {no} 列"),
                        format!("there is no column {no}"),
                    );
                }
            }
        }
        Ok(())
    }
}

/// Whether `field` has the value `value` (code or Chinese term); an unknown field is an error.
pub(crate) fn field_knows(field: &str, value: &str) -> Result<bool, LayoutError> {
    use crate::elder::*;
    Ok(match field {
        "health" => Health::parse(value).is_some(),
        "spouse" => Spouse::parse(value).is_some(),
        "education" => Education::parse(value).is_some(),
        "care" => Care::parse(value).is_some(),
        "hukou" => Hukou::parse(value).is_some(),
        "status" => Status::parse(value).is_some(),
        "income_sources" => IncomeSource::parse(value).is_some(),
        "categories" => Category::parse(value).is_some(),
        "sex" => crate::sex::Sex::parse(value).is_some(),
        other => {
            return Err(LayoutError::Invalid {
                field: "when.field".into(),
                zh: format!("没有字段 {other:?}"),
                en: format!(
                    "no field {other:?} (known: health, spouse, education, care, hukou, status, income_sources, categories, sex)"
                ),
            })
        }
    })
}

impl Predicate {
    /// Whether the elder matches, with ages and months counted at `cutoff`.
    pub fn matches(&self, elder: &Elder, cutoff: NaiveDate) -> bool {
        use crate::elder::*;
        if let Some(field) = &self.field {
            let any =
                |code: Option<&str>| code.is_some_and(|c| self.values.iter().any(|v| same(v, c, field)));
            let hit = match field.as_str() {
                "health" => any(elder.health.map(Health::code)),
                "spouse" => any(elder.spouse.map(Spouse::code)),
                "education" => any(elder.education.map(Education::code)),
                "care" => any(elder.care.map(Care::code)),
                "hukou" => any(Some(elder.hukou.code())),
                "status" => any(Some(elder.status.code())),
                "sex" => any(Some(elder.sex.code())),
                "income_sources" => elder.income_sources.iter().any(|s| any(Some(s.code()))),
                "categories" => {
                    let mut set: BTreeSet<Category> = elder.categories.clone();
                    if elder.in_category(Category::AdvancedAge, cutoff) {
                        set.insert(Category::AdvancedAge);
                    }
                    set.iter().any(|c| any(Some(c.code())))
                }
                _ => false,
            };
            if !hit {
                return false;
            }
        }
        let within = |v: Option<i32>, min: Option<i32>, max: Option<i32>| {
            if min.is_none() && max.is_none() {
                return true;
            }
            v.is_some_and(|v| min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m))
        };
        let age = elder.age_on(cutoff);
        let children = elder.children.len();
        within(Some(age), self.age_min, self.age_max)
            && self.children_min.is_none_or(|m| children >= m)
            && self.children_max.is_none_or(|m| children <= m)
            && within(months_away(elder, cutoff), self.away_months_min, self.away_months_max)
            && within(
                elder.migration.as_ref().and_then(|m| m.last_home_visit).map(|ym| ym.months_until(cutoff)),
                self.last_home_visit_months_min,
                self.last_home_visit_months_max,
            )
    }
}

/// Whether a layout value (code or Chinese term) names the code `code` of `field`.
fn same(value: &str, code: &str, field: &str) -> bool {
    use crate::elder::*;
    let value = value.trim();
    if value == code {
        return true;
    }
    let parsed = match field {
        "health" => Health::parse(value).map(Health::code),
        "spouse" => Spouse::parse(value).map(Spouse::code),
        "education" => Education::parse(value).map(Education::code),
        "care" => Care::parse(value).map(Care::code),
        "hukou" => Hukou::parse(value).map(Hukou::code),
        "status" => Status::parse(value).map(Status::code),
        "income_sources" => IncomeSource::parse(value).map(IncomeSource::code),
        "categories" => Category::parse(value).map(Category::code),
        "sex" => crate::sex::Sex::parse(value).map(crate::sex::Sex::code),
        _ => None,
    };
    parsed == Some(code)
}

#[cfg(test)]
mod tests;
