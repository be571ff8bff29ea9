//! Regional policy profiles: who counts as a left-behind elder (留守老年人) where, and the service
//! defaults that go with it.
//!
//! The seeds define the left-behind elder alike (rural household registration, 60 or older, children
//! away, no supporter at hand able to support) but differ in the absence threshold (half a year or a
//! year), the date the age is counted at, and whom else they serve. Those differences are data: a
//! [`Policy`] is read from a TOML file in `schema/policies/`, and the five profiles of the seeds are
//! built in ([`Policy::builtin`]). [`eligibility`] applies a profile to an [`Elder`](crate::elder::Elder)
//! and gives every reason the elder does not count, not just the first.
//!
//! ```
//! use chrono::NaiveDate;
//! use shouwang_core::elder::Elder;
//! use shouwang_core::policy::{eligibility, Policy};
//!
//! let guangdong = Policy::builtin("guangdong").unwrap();
//! let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
//! assert_eq!(guangdong.cutoff_date(today), NaiveDate::from_ymd_opt(2026, 9, 30).unwrap());
//!
//! let elder: Elder = serde_json::from_str(r#"{
//!     "unit": "511902106202", "name": "王秀英", "sex": "female", "birth_date": "1966-09-30",
//!     "children": [{"birth_year": 1990}], "migration": {"away_since": "2025-09"}
//! }"#).unwrap();
//! let result = eligibility(&elder, &guangdong, today);
//! assert!(result.eligible, "60 on 30 September, children away 12 months by then");
//! assert_eq!(result.age_at_cutoff, 60);
//! ```

mod eligibility;

pub use eligibility::{eligibility, Basis, Eligibility, Reason};

use crate::elder::Category;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// One region's rules, as read from `schema/policies/<id>.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Stable lowercase key, e.g. `liaoning`; the file's name.
    pub id: String,
    /// The region's name in Chinese, e.g. 辽宁省.
    pub name: String,
    /// The seed file and document number the rules come from.
    pub source: String,
    /// Minimum age in whole years (周岁) at the cutoff date.
    pub min_age: u32,
    /// Months the children (or other supporters) must have been away by the cutoff date.
    pub absence_months: u32,
    /// Away from where: names the place in the reasons.
    pub absence_scope: AbsenceScope,
    /// The date the age (and the absence) is counted at.
    pub age_cutoff: AgeCutoff,
    /// Default days between visits (30: monthly).
    pub visit_interval_days: u32,
    /// Days between visits for an elder assessed at high risk.
    pub high_risk_visit_interval_days: u32,
    /// A helper serves the elders within this many minutes' walk of home (Bazhou: 15).
    pub walk_minutes: u32,
    /// Walking pace in metres a minute used to turn minutes into distance.
    pub walk_speed_m_per_min: f64,
    /// Path length over straight-line distance (1 or more).
    pub detour_factor: f64,
    /// Groups served even when not left behind (Bazhou's 服务对象); empty elsewhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_serves: Vec<Category>,
    /// Days allowed to reach each stage of a case 发现 → 报告 → 转介 → 救助 (`[case_stage_days]`).
    #[serde(default)]
    pub case_stage_days: crate::case::StageLimits,
}

/// Away from where the children must be for the elder to count as left behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbsenceScope {
    /// Out of the county (县域; Guangdong adds 不设区的地市).
    County,
    /// Out of the place of household registration (户籍地).
    HouseholdPlace,
}

impl AbsenceScope {
    /// The place in Chinese, as the seeds name it.
    pub fn zh(self) -> &'static str {
        match self {
            AbsenceScope::County => "县域",
            AbsenceScope::HouseholdPlace => "户籍地",
        }
    }

    /// The place in English.
    pub fn en(self) -> &'static str {
        match self {
            AbsenceScope::County => "the county",
            AbsenceScope::HouseholdPlace => "the place of household registration",
        }
    }
}

/// How the date the age is counted at (年龄计算截止时间) follows from the assessment date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum AgeCutoff {
    /// Always this date, whatever the assessment date (Liaoning: the 2017 survey's 2017-12-31).
    FixedDate {
        /// The cutoff, written `"YYYY-MM-DD"`.
        date: NaiveDate,
    },
    /// This month and day of the assessment date's year, even when it is still ahead (Guangdong:
    /// 当年9月30日). 29 February falls back to the 28th in other years.
    MonthDay {
        /// Month, 1 to 12.
        month: u32,
        /// Day of the month.
        day: u32,
    },
    /// The assessment date itself.
    AssessmentDate,
}

/// Why a policy file was rejected, naming the field where it can.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// Not valid TOML, an unknown or missing field, or a value of the wrong type.
    #[error("policy file{}: {message}", field.as_ref().map(|f| format!(", field `{f}`")).unwrap_or_default())]
    Parse {
        /// The field at fault, when the parser tells.
        field: Option<String>,
        /// The parser's message.
        message: String,
    },
    /// A value of the right type that makes no sense.
    #[error("policy field `{field}`: {message}")]
    Invalid {
        /// The field at fault.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

impl PolicyError {
    /// Stable snake_case kind, for the UI and for logs.
    pub fn code(&self) -> &'static str {
        match self {
            PolicyError::Parse { .. } => "policy_parse",
            PolicyError::Invalid { .. } => "policy_invalid",
        }
    }

    /// The field at fault, if known.
    pub fn field(&self) -> Option<&str> {
        match self {
            PolicyError::Parse { field, .. } => field.as_deref(),
            PolicyError::Invalid { field, .. } => Some(field),
        }
    }
}

/// The profiles of the five seeds, embedded at build time.
const BUILTIN: [(&str, &str); 5] = [
    ("liaoning", include_str!("../../../../schema/policies/liaoning.toml")),
    ("shandong", include_str!("../../../../schema/policies/shandong.toml")),
    ("hunan", include_str!("../../../../schema/policies/hunan.toml")),
    ("guangdong", include_str!("../../../../schema/policies/guangdong.toml")),
    ("sichuan", include_str!("../../../../schema/policies/sichuan.toml")),
];

impl Policy {
    /// A built-in profile by its id (`liaoning`, `shandong`, `hunan`, `guangdong`, `sichuan`) or its
    /// Chinese name (辽宁省, …).
    pub fn builtin(id: &str) -> Option<Policy> {
        let id = id.trim();
        builtins().iter().find(|p| p.id.eq_ignore_ascii_case(id) || p.name == id).cloned()
    }

    /// The built-in profile of the place `unit` lies in: the one whose area (its name, e.g.
    /// 四川省巴中市巴州区) is the longest that holds the unit's county, else the one of its province
    /// (a Sichuan village outside Bazhou takes Bazhou's); `None` for a province with no profile.
    pub fn for_unit(unit: &crate::division::UnitCode) -> Option<Policy> {
        let place = crate::division::full_name(&unit.as_str()[..6])?;
        let province = crate::division::full_name(&format!("{}0000", &unit.as_str()[..2]))?;
        let holding = |p: &&Policy| place.starts_with(p.name.as_str());
        let best = builtins().iter().filter(holding).max_by_key(|p| p.name.chars().count());
        best.or_else(|| builtins().iter().find(|p| p.name.starts_with(province.as_str()))).cloned()
    }

    /// Every built-in profile, in the seeds' order.
    pub fn all_builtin() -> Vec<Policy> {
        builtins().to_vec()
    }

    /// Reads and checks a profile written in TOML (the format of `schema/policies/*.toml`).
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let policy: Policy = toml::from_str(text).map_err(|e| parse_error(text, &e))?;
        policy.check()?;
        Ok(policy)
    }

    /// The date the age and the absence are counted at, for an assessment on `assessment_date`.
    pub fn cutoff_date(&self, assessment_date: NaiveDate) -> NaiveDate {
        match self.age_cutoff {
            AgeCutoff::FixedDate { date } => date,
            AgeCutoff::MonthDay { month, day } => {
                // The last real day up to `day` (29 February becomes the 28th in other years).
                let year = assessment_date.year();
                (1..=day.min(31))
                    .rev()
                    .find_map(|d| NaiveDate::from_ymd_opt(year, month, d))
                    .unwrap_or(assessment_date)
            }
            AgeCutoff::AssessmentDate => assessment_date,
        }
    }

    /// The date of the survey round current on `today`: the latest cutoff on or before it (a
    /// 30 September cutoff: on 2026-12-07 it is 2026-09-30, on 2026-08-01 it is 2025-09-30); a fixed
    /// cutoff is its date; a policy counting at the assessment counts on `today`.
    pub fn round_date(&self, today: NaiveDate) -> NaiveDate {
        let this_year = self.cutoff_date(today);
        if this_year <= today || !matches!(self.age_cutoff, AgeCutoff::MonthDay { .. }) {
            return this_year;
        }
        today.with_year(today.year() - 1).map(|last| self.cutoff_date(last)).unwrap_or(this_year)
    }

    /// Straight-line radius in metres a helper reaches in [`walk_minutes`](Policy::walk_minutes):
    /// minutes × pace ÷ detour factor (Bazhou: 15 × 70 ÷ 1.3 ≈ 808 m).
    pub fn walk_radius_m(&self) -> f64 {
        f64::from(self.walk_minutes) * self.walk_speed_m_per_min / self.detour_factor
    }

    /// Checks the values the types cannot.
    fn check(&self) -> Result<(), PolicyError> {
        let invalid = |field: &'static str, message: &str| {
            Err(PolicyError::Invalid { field, message: message.to_owned() })
        };
        if self.id.is_empty()
            || !self.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return invalid("id", "use lowercase ASCII letters, digits and _, e.g. liaoning");
        }
        if self.name.trim().is_empty() {
            return invalid("name", "the region's name is required, e.g. 辽宁省");
        }
        if !(1..=150).contains(&self.min_age) {
            return invalid("min_age", "must be between 1 and 150 years");
        }
        if !(1..=240).contains(&self.absence_months) {
            return invalid("absence_months", "must be between 1 and 240 months");
        }
        if let AgeCutoff::MonthDay { month, day } = self.age_cutoff {
            // 2000 is a leap year, so 29 February is accepted.
            if NaiveDate::from_ymd_opt(2000, month, day).is_none() {
                return invalid("age_cutoff", "month and day are not a day of the year");
            }
        }
        if self.visit_interval_days == 0 {
            return invalid("visit_interval_days", "must be at least 1 day");
        }
        if self.high_risk_visit_interval_days == 0
            || self.high_risk_visit_interval_days > self.visit_interval_days
        {
            return invalid(
                "high_risk_visit_interval_days",
                "must be at least 1 day and no longer than visit_interval_days",
            );
        }
        if self.walk_minutes == 0 {
            return invalid("walk_minutes", "must be at least 1 minute");
        }
        if !(self.walk_speed_m_per_min.is_finite() && self.walk_speed_m_per_min > 0.0) {
            return invalid("walk_speed_m_per_min", "must be a positive number of metres a minute");
        }
        if !(self.detour_factor.is_finite() && self.detour_factor >= 1.0) {
            return invalid(
                "detour_factor",
                "must be 1 or more (paths are never shorter than a straight line)",
            );
        }
        let days = self.case_stage_days;
        if [days.reported, days.referred, days.assisted].iter().any(|d| !(1..=365).contains(d)) {
            return invalid("case_stage_days", "each stage must be allowed 1 to 365 days");
        }
        for (i, category) in self.also_serves.iter().enumerate() {
            if self.also_serves[..i].contains(category) {
                return invalid("also_serves", &format!("{category} is listed twice"));
            }
        }
        Ok(())
    }
}

/// The built-in profiles, parsed once.
fn builtins() -> &'static [Policy] {
    static POLICIES: OnceLock<Vec<Policy>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        BUILTIN
            .iter()
            .map(|(file, text)| {
                Policy::from_toml(text)
                    .unwrap_or_else(|e| panic!("built-in policy {file}.toml is broken: {e}"))
            })
            .collect()
    })
}

/// Turns a TOML error into [`PolicyError::Parse`], naming the field from serde's message
/// (“missing field `x`”, “unknown field `x`”) or else from the key on the line the error points at.
fn parse_error(text: &str, error: &toml::de::Error) -> PolicyError {
    let message = error.message().trim().to_owned();
    let quoted = message
        .split('`')
        .nth(1)
        .filter(|_| message.starts_with("missing field") || message.starts_with("unknown field"))
        .map(str::to_owned);
    let on_line = || {
        let start = error.span()?.start.min(text.len());
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line = text[line_start..].lines().next()?;
        let key = line.split_once('=')?.0.trim().trim_matches('"');
        (!key.is_empty() && !key.starts_with('#')).then(|| key.to_owned())
    };
    PolicyError::Parse { field: quoted.or_else(on_line), message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_round_current_on_a_day_is_the_latest_cutoff_on_or_before_it() {
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let guangdong = Policy::builtin("guangdong").unwrap();
        assert_eq!(guangdong.round_date(ymd(2026, 12, 7)), ymd(2026, 9, 30));
        assert_eq!(guangdong.round_date(ymd(2026, 9, 30)), ymd(2026, 9, 30));
        assert_eq!(guangdong.round_date(ymd(2026, 8, 1)), ymd(2025, 9, 30));
        let sichuan = Policy::builtin("sichuan").unwrap();
        assert_eq!(sichuan.round_date(ymd(2026, 12, 7)), ymd(2026, 12, 7), "counted at the assessment");
    }

    #[test]
    fn a_unit_takes_the_profile_of_its_county_else_its_province() {
        let of = |code: &str| Policy::for_unit(&code.parse().unwrap()).map(|p| p.id);
        assert_eq!(of("511902106202").as_deref(), Some("sichuan"), "巴州区梁永镇斑竹村");
        assert_eq!(of("510104000000").as_deref(), Some("sichuan"), "成都市锦江区: Sichuan, outside Bazhou");
        assert_eq!(of("370303000000").as_deref(), Some("shandong"), "淄博市张店区");
        assert_eq!(of("370102000000").as_deref(), Some("shandong"), "济南市历下区: Shandong's only profile");
        assert_eq!(of("440103000000").as_deref(), Some("guangdong"));
        assert_eq!(of("210102000000").as_deref(), Some("liaoning"));
        assert_eq!(of("430102000000").as_deref(), Some("hunan"));
        assert_eq!(of("110101000000"), None, "北京: no profile");
    }

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_five_seed_profiles_are_built_in_with_their_thresholds() {
        let table = [
            ("liaoning", "辽宁省", 12, AbsenceScope::HouseholdPlace, 0),
            ("shandong", "山东省淄博市张店区", 6, AbsenceScope::County, 0),
            ("hunan", "湖南省", 6, AbsenceScope::County, 0),
            ("guangdong", "广东省", 12, AbsenceScope::County, 0),
            ("sichuan", "四川省巴中市巴州区", 6, AbsenceScope::HouseholdPlace, 7),
        ];
        let all = Policy::all_builtin();
        assert_eq!(all.len(), table.len());
        for (policy, (id, name, months, scope, also)) in all.iter().zip(table) {
            assert_eq!(policy.id, id);
            assert_eq!(policy.name, name, "{id}");
            assert_eq!(policy.min_age, 60, "{id}");
            assert_eq!(policy.absence_months, months, "{id}");
            assert_eq!(policy.absence_scope, scope, "{id}");
            assert_eq!(policy.also_serves.len(), also, "{id}");
            assert_eq!(policy.visit_interval_days, 30, "{id}");
            assert_eq!(policy.high_risk_visit_interval_days, 7, "{id}");
            assert_eq!(
                (policy.walk_minutes, policy.walk_speed_m_per_min, policy.detour_factor),
                (15, 70.0, 1.3)
            );
            assert_eq!(Policy::builtin(id).as_ref(), Some(policy));
            assert_eq!(Policy::builtin(name).as_ref(), Some(policy));
        }
        assert_eq!(Policy::builtin("beijing"), None);
        let radius = Policy::builtin("sichuan").unwrap().walk_radius_m();
        assert!((radius - 807.69).abs() < 0.01, "{radius}");
    }

    #[test]
    fn each_cutoff_rule_gives_its_date() {
        let cases = [
            ("liaoning", ymd(2026, 3, 1), ymd(2017, 12, 31)),
            ("liaoning", ymd(2017, 1, 1), ymd(2017, 12, 31)),
            ("guangdong", ymd(2026, 3, 1), ymd(2026, 9, 30)),
            ("guangdong", ymd(2026, 9, 30), ymd(2026, 9, 30)),
            ("guangdong", ymd(2026, 12, 31), ymd(2026, 9, 30)),
            ("shandong", ymd(2026, 3, 1), ymd(2026, 3, 1)),
            ("hunan", ymd(2026, 3, 1), ymd(2026, 3, 1)),
            ("sichuan", ymd(2026, 3, 1), ymd(2026, 3, 1)),
        ];
        for (id, date, cutoff) in cases {
            assert_eq!(Policy::builtin(id).unwrap().cutoff_date(date), cutoff, "{id} on {date}");
        }
        let mut leap = Policy::builtin("guangdong").unwrap();
        leap.age_cutoff = AgeCutoff::MonthDay { month: 2, day: 29 };
        assert_eq!(leap.cutoff_date(ymd(2024, 5, 1)), ymd(2024, 2, 29));
        assert_eq!(leap.cutoff_date(ymd(2026, 5, 1)), ymd(2026, 2, 28));
    }

    #[test]
    fn a_bad_file_names_the_field() {
        let good = BUILTIN[0].1;
        let cases = [
            (good.replace("min_age = 60", "min_age = 60\nmin_agee = 1"), "min_agee", "policy_parse"),
            (good.replace("min_age = 60", ""), "min_age", "policy_parse"),
            (good.replace("min_age = 60", "min_age = \"sixty\""), "min_age", "policy_parse"),
            (good.replace("date = \"2017-12-31\"", "date = \"2017-13-31\""), "age_cutoff", "policy_parse"),
            (good.replace("\"fixed_date\"", "\"yearly\""), "age_cutoff", "policy_parse"),
            (good.replace("absence_months = 12", "absence_months = 0"), "absence_months", "policy_invalid"),
            (good.replace("detour_factor = 1.3", "detour_factor = 0.5"), "detour_factor", "policy_invalid"),
            (
                good.replace(
                    "{ rule = \"fixed_date\", date = \"2017-12-31\" }",
                    "{ rule = \"month_day\", month = 2, day = 30 }",
                ),
                "age_cutoff",
                "policy_invalid",
            ),
            (
                good.replace(
                    "walk_minutes = 15",
                    "walk_minutes = 15\nalso_serves = [\"独居\", \"living_alone\"]",
                ),
                "also_serves",
                "policy_invalid",
            ),
        ];
        for (text, field, code) in cases {
            let error = Policy::from_toml(&text).unwrap_err();
            assert_eq!((error.field(), error.code()), (Some(field), code), "{error}");
        }
    }

    #[test]
    fn a_profile_round_trips_through_toml() {
        for policy in Policy::all_builtin() {
            let text = toml::to_string(&policy).unwrap();
            assert_eq!(Policy::from_toml(&text).unwrap(), policy, "{text}");
        }
    }
}
