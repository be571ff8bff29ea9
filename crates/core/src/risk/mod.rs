//! Risk-level assessment 风险等级评估 (seeds 000 and 002): rules as data (`schema/risk/*.toml`) that
//! score an elder's income, support, health, living situation, age, care and the concerns of recent
//! visits into a level — 低风险, 中风险, 高风险 — with every reason shown.
//!
//! [`assess`] is a pure function: the elder, what recent visits found ([`VisitSignals`]), the rules and
//! today. The store keeps each elder's assessments (`Store::assess_risk`, `Store::risk_history`) and
//! fills the signals from the visit log over the rules' `visit_window_days`.
//!
//! ```
//! use shouwang_core::risk::{assess, Level, RiskRules, VisitSignals};
//! let rules = RiskRules::builtin("default").unwrap();
//! let mut elder = shouwang_core::demo::sample_elder();
//! elder.health = Some(shouwang_core::elder::Health::Healthy);
//! let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
//! let a = assess(&elder, &VisitSignals::default(), &rules, today);
//! assert!(a.reasons.iter().all(|r| !r.zh.is_empty() && !r.en.is_empty()));
//! assert!(matches!(a.level, Level::Low | Level::Medium | Level::High));
//! ```

use crate::elder::{Category, Elder, IncomeSource};
use crate::report::Predicate;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A risk level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 低风险
    Low,
    /// 中风险
    Medium,
    /// 高风险
    High,
}

impl Level {
    /// The Chinese term.
    pub fn zh(self) -> &'static str {
        match self {
            Level::Low => "低风险",
            Level::Medium => "中风险",
            Level::High => "高风险",
        }
    }

    /// The stable code (`low`, `medium`, `high`).
    pub fn code(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
        }
    }
}

/// One of the four checks of a visit (一访四查).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConcernCheck {
    /// 吃
    Food,
    /// 穿
    Clothing,
    /// 住
    Housing,
    /// 医
    Medical,
}

/// What recent visits found, as counts over the last `window_days` days. Filled from the visit log;
/// `window_days == 0` means no visit data is available and the visit rules are not applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitSignals {
    /// The window the counts cover, in days (0: no data).
    pub window_days: u32,
    /// Visits made in the window.
    pub visits: u32,
    /// Concerns noted per check in the window.
    #[serde(default)]
    pub concerns: BTreeMap<ConcernCheck, u32>,
    /// Emergencies raised in the window.
    #[serde(default)]
    pub emergencies: u32,
}

/// A set of rules, as read from `schema/risk/<id>.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskRules {
    /// The file's name.
    pub id: String,
    /// Score from which the level is 中风险.
    pub medium: i32,
    /// Score from which the level is 高风险.
    pub high: i32,
    /// How many days of visits (before the assessment date) the visit rules look at.
    #[serde(default = "default_window")]
    pub visit_window_days: u32,
    /// The rules.
    #[serde(rename = "rule")]
    pub rules: Vec<RiskRule>,
}

fn default_window() -> u32 {
    90
}

/// One rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskRule {
    /// Stable key, shown with the reason.
    pub id: String,
    /// The reason in Chinese.
    pub zh: String,
    /// The reason in English.
    pub en: String,
    /// Points added when it holds.
    #[serde(default)]
    pub points: i32,
    /// The level is at least this when it holds, whatever the score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level_at_least: Option<Level>,
    /// When it holds.
    pub when: Condition,
}

/// A rule's condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "factor", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// A field of the record has one of the values (as in a report column).
    Field {
        /// The field, e.g. `health`.
        field: String,
        /// Its codes or Chinese terms.
        values: Vec<String>,
    },
    /// The elder is in one of the groups (高龄 also from the age today).
    Category {
        /// Group codes or terms.
        values: Vec<String>,
    },
    /// Every income source recorded is one of these (and there is at least one).
    IncomeOnly {
        /// Income source codes or terms.
        values: Vec<String>,
    },
    /// No income source recorded.
    IncomeNone,
    /// Supporters are recorded and every one is away.
    AllSupportersAway,
    /// No supporter recorded as able to support.
    NoAbleSupporter,
    /// No supporter with a phone number.
    NoReachableSupporter,
    /// Age today within the bounds.
    Age {
        /// Youngest.
        #[serde(default)]
        min: Option<i32>,
        /// Oldest.
        #[serde(default)]
        max: Option<i32>,
    },
    /// At least `min` concerns in the window, for one check or (no check) all together.
    Concerns {
        /// The check, or every check.
        #[serde(default)]
        check: Option<ConcernCheck>,
        /// Fewest concerns.
        min: u32,
    },
    /// Visit data is available and there was no visit in the window.
    NotVisited,
    /// At least `min` emergencies in the window.
    Emergencies {
        /// Fewest.
        min: u32,
    },
    /// Every condition holds.
    All {
        /// The conditions.
        of: Vec<Condition>,
    },
}

/// One reason in an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The rule's id.
    pub rule: String,
    /// In Chinese.
    pub zh: String,
    /// In English.
    pub en: String,
    /// Points it added.
    pub points: i32,
    /// The level it forces, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_at_least: Option<Level>,
}

/// The result of [`assess`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    /// The level.
    pub level: Level,
    /// The sum of the points.
    pub score: i32,
    /// Every rule that held, in the rules' order.
    pub reasons: Vec<Reason>,
    /// The rules' id.
    pub rules: String,
    /// The date assessed.
    pub date: NaiveDate,
    /// Whether visit data was taken into account.
    pub visits_considered: bool,
}

/// Why a rules file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RiskRulesError {
    /// Not valid TOML, or an unknown, missing or mistyped field.
    #[error("风险规则文件有误 / risk rules file: {0}")]
    Parse(String),
    /// Thresholds or values that make no sense.
    #[error("风险规则 {field}：{zh} / risk rules {field}: {en}")]
    Invalid {
        /// Where.
        field: String,
        /// In Chinese.
        zh: String,
        /// In English.
        en: String,
    },
}

const BUILTIN: &[(&str, &str)] = &[("default", include_str!("../../../../schema/risk/default.toml"))];

impl RiskRules {
    /// Rules shipped with the build; a policy without its own file uses `default`.
    pub fn builtin(id: &str) -> Option<RiskRules> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == id)
            .or_else(|| BUILTIN.iter().find(|(n, _)| *n == "default"))
            .map(|(_, text)| RiskRules::from_toml(text).expect("built-in risk rules are valid"))
    }

    /// Reads and checks a rules file.
    pub fn from_toml(text: &str) -> Result<RiskRules, RiskRulesError> {
        let rules: RiskRules = toml::from_str(text).map_err(|e| RiskRulesError::Parse(e.to_string()))?;
        if rules.medium > rules.high || rules.medium <= 0 {
            return Err(RiskRulesError::Invalid {
                field: "medium".into(),
                zh: "中风险分数线应大于 0 且不高于高风险分数线".into(),
                en: "medium must be above 0 and not above high".into(),
            });
        }
        for (i, rule) in rules.rules.iter().enumerate() {
            check_condition(&rule.when).map_err(|(zh, en)| RiskRulesError::Invalid {
                field: format!("rule[{i}] ({})", rule.id),
                zh,
                en,
            })?;
        }
        Ok(rules)
    }
}

fn check_condition(c: &Condition) -> Result<(), (String, String)> {
    let bad =
        |what: &str, v: &str| Err((format!("{what} 没有取值 {v:?}"), format!("{what} has no value {v:?}")));
    match c {
        Condition::Field { field, values } => {
            for v in values {
                match crate::report::field_knows(field, v) {
                    Ok(true) => {}
                    Ok(false) => return bad(field, v),
                    Err(e) => return Err((e.to_string(), e.to_string())),
                }
            }
            Ok(())
        }
        Condition::Category { values } => match values.iter().find(|v| Category::parse(v).is_none()) {
            Some(v) => bad("categories", v),
            None => Ok(()),
        },
        Condition::IncomeOnly { values } => match values.iter().find(|v| IncomeSource::parse(v).is_none()) {
            Some(v) => bad("income_sources", v),
            None => Ok(()),
        },
        Condition::All { of } => of.iter().try_for_each(check_condition),
        _ => Ok(()),
    }
}

fn holds(c: &Condition, elder: &Elder, signals: &VisitSignals, today: NaiveDate) -> bool {
    let visits_known = signals.window_days > 0;
    match c {
        Condition::Field { field, values } => {
            Predicate { field: Some(field.clone()), values: values.clone(), ..Predicate::default() }
                .matches(elder, today)
        }
        Condition::Category { values } => {
            values.iter().filter_map(|v| Category::parse(v)).any(|cat| elder.in_category(cat, today))
        }
        Condition::IncomeOnly { values } => {
            let allowed: Vec<IncomeSource> = values.iter().filter_map(|v| IncomeSource::parse(v)).collect();
            !elder.income_sources.is_empty() && elder.income_sources.iter().all(|s| allowed.contains(s))
        }
        Condition::IncomeNone => elder.income_sources.is_empty(),
        Condition::AllSupportersAway => {
            !elder.supporters.is_empty() && elder.supporters.iter().all(|s| s.away)
        }
        Condition::NoAbleSupporter => !elder.supporters.iter().any(|s| s.able),
        Condition::NoReachableSupporter => {
            !elder.supporters.iter().any(|s| s.phone.as_deref().is_some_and(|p| !p.trim().is_empty()))
        }
        Condition::Age { min, max } => {
            let age = elder.age_on(today);
            min.is_none_or(|m| age >= m) && max.is_none_or(|m| age <= m)
        }
        Condition::Concerns { check, min } => {
            visits_known && {
                let n: u32 = match check {
                    Some(c) => signals.concerns.get(c).copied().unwrap_or(0),
                    None => signals.concerns.values().sum(),
                };
                n >= *min
            }
        }
        Condition::NotVisited => visits_known && signals.visits == 0,
        Condition::Emergencies { min } => visits_known && signals.emergencies >= *min,
        Condition::All { of } => of.iter().all(|c| holds(c, elder, signals, today)),
    }
}

/// Assesses one elder on `today`: every rule that holds adds its points and its reason; the level is
/// read from the score against the thresholds, lifted by any rule's `level_at_least`.
pub fn assess(elder: &Elder, signals: &VisitSignals, rules: &RiskRules, today: NaiveDate) -> Assessment {
    let mut score = 0;
    let mut floor = Level::Low;
    let mut reasons = Vec::new();
    for rule in &rules.rules {
        if holds(&rule.when, elder, signals, today) {
            score += rule.points;
            if let Some(l) = rule.level_at_least {
                floor = floor.max(l);
            }
            reasons.push(Reason {
                rule: rule.id.clone(),
                zh: rule.zh.clone(),
                en: rule.en.clone(),
                points: rule.points,
                level_at_least: rule.level_at_least,
            });
        }
    }
    let by_score = if score >= rules.high {
        Level::High
    } else if score >= rules.medium {
        Level::Medium
    } else {
        Level::Low
    };
    Assessment {
        level: by_score.max(floor),
        score,
        reasons,
        rules: rules.id.clone(),
        date: today,
        visits_considered: signals.window_days > 0,
    }
}

#[cfg(test)]
mod tests;
