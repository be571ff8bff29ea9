//! Whether an elder counts as left behind (留守老年人) under a [`Policy`], every reason they do not, and
//! whether the profile serves them anyway (Bazhou's other groups).

use super::{AbsenceScope, Policy};
use crate::elder::{Category, Elder, Hukou, Status, Supporter, YearMonth};
use chrono::{Months, NaiveDate};
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;

/// What [`eligibility`] found. Serialises to JSON with each basis and reason as `{code, zh, en}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Eligibility {
    /// Whether the profile serves the elder: left behind, or in a group it also serves.
    pub eligible: bool,
    /// Why the elder counts; empty when not eligible.
    pub basis: Vec<Basis>,
    /// Every reason the elder is not a left-behind elder (kept when another basis makes them
    /// eligible, so the caller can show why they are not left behind).
    pub reasons: Vec<Reason>,
    /// The date the age and the absence were counted at.
    pub cutoff: NaiveDate,
    /// Age in whole years (周岁) at [`cutoff`](Eligibility::cutoff).
    pub age_at_cutoff: i32,
}

impl Eligibility {
    /// Whether the elder is a left-behind elder under the profile (not merely also served).
    pub fn is_left_behind(&self) -> bool {
        self.basis.contains(&Basis::LeftBehind)
    }
}

/// Why an elder is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// A left-behind elder (留守老年人) by the profile's definition.
    LeftBehind,
    /// In a group the profile serves besides left-behind elders ([`Policy::also_serves`]).
    AlsoServed(Category),
}

impl Basis {
    /// Stable snake_case code: `left_behind` or `also_served`.
    pub fn code(self) -> &'static str {
        match self {
            Basis::LeftBehind => "left_behind",
            Basis::AlsoServed(_) => "also_served",
        }
    }

    /// In Chinese, as a list shows it.
    pub fn zh(self) -> String {
        match self {
            Basis::LeftBehind => "留守老年人".to_owned(),
            Basis::AlsoServed(category) => format!("服务对象：{}", category.zh()),
        }
    }

    /// In English.
    pub fn en(self) -> String {
        match self {
            Basis::LeftBehind => "left-behind elder".to_owned(),
            Basis::AlsoServed(category) => format!("also served: {}", category.code()),
        }
    }
}

impl Serialize for Basis {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let category = match self {
            Basis::AlsoServed(category) => Some(category),
            Basis::LeftBehind => None,
        };
        let mut out = serializer.serialize_struct("Basis", 3 + usize::from(category.is_some()))?;
        out.serialize_field("code", self.code())?;
        if let Some(category) = category {
            out.serialize_field("category", category)?;
        }
        out.serialize_field("zh", &self.zh())?;
        out.serialize_field("en", &self.en())?;
        out.end()
    }
}

/// One reason an elder does not count as a left-behind elder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// Moved away or deceased.
    NotActive {
        /// The elder's status.
        status: Status,
    },
    /// Not a rural household registration (农村户籍).
    NotRural {
        /// The registration recorded.
        hukou: Hukou,
    },
    /// Younger than the minimum age at the cutoff date.
    UnderAge {
        /// Age in whole years at the cutoff.
        age: i32,
        /// The profile's minimum.
        min_age: u32,
        /// The cutoff date.
        cutoff: NaiveDate,
    },
    /// Neither a child, a supporter nor the children's migration is recorded.
    NoChildRecorded,
    /// Children or supporters are recorded, but none as away.
    NoneAway {
        /// Away from where, as the profile says.
        scope: AbsenceScope,
    },
    /// Away, but for less than the profile's threshold by the cutoff date.
    AbsenceTooShort {
        /// Whole months away by the cutoff (0 if they left after it).
        months: i32,
        /// The profile's threshold in months.
        required: u32,
    },
    /// Away, but since when is recorded neither for the children nor for any supporter away.
    AbsenceUnknown,
    /// A supporter who is at hand and able to support (身边有赡养人且有赡养能力).
    SupporterAtHand {
        /// Each such supporter as “name（relation）”.
        supporters: Vec<String>,
    },
}

impl Reason {
    /// Stable snake_case code, for the UI, filters and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::NotActive { .. } => "not_active",
            Reason::NotRural { .. } => "not_rural",
            Reason::UnderAge { .. } => "under_age",
            Reason::NoChildRecorded => "no_child_recorded",
            Reason::NoneAway { .. } => "none_away",
            Reason::AbsenceTooShort { .. } => "absence_too_short",
            Reason::AbsenceUnknown => "absence_unknown",
            Reason::SupporterAtHand { .. } => "supporter_at_hand",
        }
    }

    /// The reason in Chinese, for lists, forms and exports.
    pub fn zh(&self) -> String {
        match self {
            Reason::NotActive { status } => format!("已不在册（{}）", status.zh()),
            Reason::NotRural { hukou } => format!("非农村户籍（{}）", hukou.zh()),
            Reason::UnderAge { age, min_age, cutoff } => {
                format!("截至 {cutoff} 年满 {age} 周岁，不足 {min_age} 周岁")
            }
            Reason::NoChildRecorded => "未登记子女或赡养人".to_owned(),
            Reason::NoneAway { scope } => format!("没有子女或赡养人离开{}外出", scope.zh()),
            Reason::AbsenceTooShort { months, required } => {
                format!("子女外出 {months} 个月，不足 {required} 个月")
            }
            Reason::AbsenceUnknown => "未登记子女外出时间".to_owned(),
            Reason::SupporterAtHand { supporters } => {
                format!("身边有赡养人且有赡养能力：{}", supporters.join("、"))
            }
        }
    }

    /// The reason in English.
    pub fn en(&self) -> String {
        match self {
            Reason::NotActive { status } => {
                format!("no longer in the registry ({})", status.code())
            }
            Reason::NotRural { hukou } => {
                format!("not rural household registration ({})", hukou.code())
            }
            Reason::UnderAge { age, min_age, cutoff } => {
                format!("{age} at the cutoff {cutoff}, under {min_age}")
            }
            Reason::NoChildRecorded => "no child or supporter recorded".to_owned(),
            Reason::NoneAway { scope } => {
                format!("no child or supporter is away from {}", scope.en())
            }
            Reason::AbsenceTooShort { months, required } => {
                format!("children away {months} months < {required} months")
            }
            Reason::AbsenceUnknown => "absence not recorded: no date the children left".to_owned(),
            Reason::SupporterAtHand { supporters } => {
                format!("supporter at hand and able to support: {}", supporters.join(", "))
            }
        }
    }

    /// Whether the reason is about the family (children away, supporters at hand) rather than the
    /// elder's own standing: only such reasons leave room to serve the elder on another basis.
    fn is_about_family(&self) -> bool {
        !matches!(self, Reason::NotActive { .. } | Reason::NotRural { .. } | Reason::UnderAge { .. })
    }
}

impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("Reason", 3)?;
        out.serialize_field("code", self.code())?;
        out.serialize_field("zh", &self.zh())?;
        out.serialize_field("en", &self.en())?;
        out.end()
    }
}

/// Applies `policy` to `elder` for an assessment on `date`.
///
/// The elder is a left-behind elder when no [`Reason`] applies: active, rural household registration,
/// at least [`Policy::min_age`] at [`Policy::cutoff_date`], children (or supporters) away for at least
/// [`Policy::absence_months`] by the cutoff, and no supporter at hand who is able to support.
///
/// The absence is counted from `migration.away_since` (the form's field, by month); when it is missing,
/// from the most recent departure among the supporters marked away (`away_since`, by whole months).
///
/// An elder who is not left behind only for family reasons (nobody away, not long enough, a supporter
/// at hand), but is active, rural and old enough, is still eligible when in one of
/// [`Policy::also_serves`] on `date` (Bazhou); the reasons are kept.
pub fn eligibility(elder: &Elder, policy: &Policy, date: NaiveDate) -> Eligibility {
    let cutoff = policy.cutoff_date(date);
    let age = elder.age_on(cutoff);
    let mut reasons = Vec::new();
    if !elder.is_active() {
        reasons.push(Reason::NotActive { status: elder.status });
    }
    if elder.hukou != Hukou::Rural {
        reasons.push(Reason::NotRural { hukou: elder.hukou });
    }
    if age < i32::try_from(policy.min_age).unwrap_or(i32::MAX) {
        reasons.push(Reason::UnderAge { age, min_age: policy.min_age, cutoff });
    }
    reasons.extend(absence_reason(elder, policy, cutoff));
    let at_hand: Vec<String> = elder.supporters.iter().filter(|s| !s.away && s.able).map(label).collect();
    if !at_hand.is_empty() {
        reasons.push(Reason::SupporterAtHand { supporters: at_hand });
    }

    let basis = if reasons.is_empty() {
        vec![Basis::LeftBehind]
    } else if reasons.iter().all(Reason::is_about_family) {
        policy
            .also_serves
            .iter()
            .filter(|&&category| elder.in_category(category, date))
            .map(|&category| Basis::AlsoServed(category))
            .collect()
    } else {
        Vec::new()
    };
    Eligibility { eligible: !basis.is_empty(), basis, reasons, cutoff, age_at_cutoff: age }
}

/// Why the children's absence does not qualify, if it does not.
fn absence_reason(elder: &Elder, policy: &Policy, cutoff: NaiveDate) -> Option<Reason> {
    if elder.migration.is_none() && !elder.supporters.iter().any(|s| s.away) {
        return Some(if elder.children.is_empty() && elder.supporters.is_empty() {
            Reason::NoChildRecorded
        } else {
            Reason::NoneAway { scope: policy.absence_scope }
        });
    }
    let months = match elder.migration.as_ref().and_then(|m| m.away_since) {
        Some(since) => since.months_until(cutoff),
        None => {
            let last_left = elder.supporters.iter().filter(|s| s.away).filter_map(|s| s.away_since).max();
            match last_left {
                Some(left) => whole_months(left, cutoff),
                None => return Some(Reason::AbsenceUnknown),
            }
        }
    };
    let required = policy.absence_months;
    (months < i32::try_from(required).unwrap_or(i32::MAX))
        .then(|| Reason::AbsenceTooShort { months: months.max(0), required })
}

/// Whole months from `from` to `to`: 2025-09-30 to 2026-09-30 is 12, to 2026-09-29 is 11. A month
/// from the 31st ends on the last day of a shorter month.
fn whole_months(from: NaiveDate, to: NaiveDate) -> i32 {
    let months = YearMonth::of(from).months_until(to);
    let overshoots = u32::try_from(months)
        .ok()
        .and_then(|m| from.checked_add_months(Months::new(m)))
        .is_some_and(|end| end > to);
    if months > 0 && overshoots {
        months - 1
    } else {
        months
    }
}

/// A supporter as a reason names them: “name（relation）”.
fn label(supporter: &Supporter) -> String {
    if supporter.relation.trim().is_empty() {
        supporter.name.clone()
    } else {
        format!("{}（{}）", supporter.name, supporter.relation.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// An active, rural elder born on `born`, with `extra` fields merged into the record.
    fn elder(born: NaiveDate, extra: Value) -> Elder {
        let mut record = json!({
            "unit": "511902106202", "name": "王秀英", "sex": "female", "birth_date": born.to_string(),
        });
        let fields = record.as_object_mut().unwrap();
        fields.extend(extra.as_object().expect("extra fields are an object").clone());
        serde_json::from_value(record).expect("a valid elder")
    }

    /// Children away since `months` months before the month of `cutoff`.
    fn away_months_before(cutoff: NaiveDate, months: u32) -> Value {
        let since = YearMonth::of(cutoff.checked_sub_months(Months::new(months)).unwrap());
        json!({"children": [{"birth_year": 1985}], "migration": {"away_since": since.to_string()}})
    }

    fn codes(result: &Eligibility) -> Vec<&'static str> {
        result.reasons.iter().map(Reason::code).collect()
    }

    /// Each profile with an assessment date to try it on.
    fn profiles() -> Vec<(Policy, NaiveDate)> {
        let date = ymd(2026, 3, 15);
        Policy::all_builtin().into_iter().map(|p| (p, date)).collect()
    }

    #[test]
    fn exactly_the_minimum_age_at_the_cutoff_passes_and_a_day_younger_fails() {
        for (policy, date) in profiles() {
            let cutoff = policy.cutoff_date(date);
            let sixty = cutoff.checked_sub_months(Months::new(60 * 12)).unwrap();
            let family = away_months_before(cutoff, 24);

            let result = eligibility(&elder(sixty, family.clone()), &policy, date);
            assert!(result.eligible, "{}: {:?}", policy.id, result.reasons);
            assert_eq!((result.cutoff, result.age_at_cutoff), (cutoff, 60), "{}", policy.id);

            let result = eligibility(&elder(sixty.succ_opt().unwrap(), family), &policy, date);
            assert!(!result.eligible, "{}", policy.id);
            assert_eq!(result.age_at_cutoff, 59, "{}", policy.id);
            assert_eq!(result.reasons, [Reason::UnderAge { age: 59, min_age: 60, cutoff }], "{}", policy.id);
            assert_eq!(result.reasons[0].en(), format!("59 at the cutoff {cutoff}, under 60"));
            assert_eq!(result.reasons[0].zh(), format!("截至 {cutoff} 年满 59 周岁，不足 60 周岁"));
        }
    }

    #[test]
    fn absence_exactly_at_the_threshold_passes_and_a_month_short_fails() {
        let thresholds = [("liaoning", 12), ("shandong", 6), ("hunan", 6), ("guangdong", 12), ("sichuan", 6)];
        for ((policy, date), (id, months)) in profiles().into_iter().zip(thresholds) {
            assert_eq!((policy.id.as_str(), policy.absence_months), (id, months));
            let cutoff = policy.cutoff_date(date);
            let born = ymd(1940, 1, 1);

            let result = eligibility(&elder(born, away_months_before(cutoff, months)), &policy, date);
            assert!(result.eligible, "{id}: {:?}", result.reasons);

            let result = eligibility(&elder(born, away_months_before(cutoff, months - 1)), &policy, date);
            let short = Reason::AbsenceTooShort { months: months as i32 - 1, required: months };
            assert_eq!(result.reasons, std::slice::from_ref(&short), "{id}");
            assert!(!result.eligible || id == "sichuan", "{id}");
            assert_eq!(short.en(), format!("children away {} months < {months} months", months - 1));
            assert_eq!(short.zh(), format!("子女外出 {} 个月，不足 {months} 个月", months - 1));

            // From supporters' departure dates instead, to the day.
            let left = cutoff.checked_sub_months(Months::new(months)).unwrap();
            let son = |left: NaiveDate| {
                json!({"supporters": [
                    {"name": "王建国", "relation": "儿子", "away": true, "away_since": left.to_string()},
                ]})
            };
            assert!(eligibility(&elder(born, son(left)), &policy, date).reasons.is_empty(), "{id}");
            let result = eligibility(&elder(born, son(left.succ_opt().unwrap())), &policy, date);
            assert_eq!(result.reasons, [short], "{id}");
        }
    }

    #[test]
    fn the_most_recent_supporter_departure_counts() {
        let hunan = Policy::builtin("hunan").unwrap();
        let date = ymd(2026, 3, 15);
        let family = json!({"supporters": [
            {"name": "王建国", "away": true, "away_since": "2020-01-01"},
            {"name": "王建华", "away": true, "away_since": "2026-01-10"},
            {"name": "王建军", "away": true},
        ]});
        let result = eligibility(&elder(ymd(1950, 1, 1), family), &hunan, date);
        assert_eq!(result.reasons, [Reason::AbsenceTooShort { months: 2, required: 6 }]);
    }

    #[test]
    fn liaoning_counts_at_its_fixed_cutoff_whatever_the_date() {
        let liaoning = Policy::builtin("liaoning").unwrap();
        let cutoff = ymd(2017, 12, 31);
        for date in [ymd(2017, 6, 1), ymd(2018, 3, 1), ymd(2026, 3, 15), ymd(2035, 1, 1)] {
            assert_eq!(liaoning.cutoff_date(date), cutoff);
            let old_enough = elder(ymd(1957, 12, 31), away_months_before(cutoff, 12));
            let result = eligibility(&old_enough, &liaoning, date);
            assert!(result.eligible, "{date}: {:?}", result.reasons);
            assert_eq!((result.cutoff, result.age_at_cutoff), (cutoff, 60));

            let a_day_late = elder(ymd(1958, 1, 1), away_months_before(cutoff, 12));
            let result = eligibility(&a_day_late, &liaoning, date);
            assert_eq!(codes(&result), ["under_age"], "{date}");
        }
    }

    #[test]
    fn guangdong_counts_at_30_september_of_the_dates_year() {
        let guangdong = Policy::builtin("guangdong").unwrap();
        let cutoff = ymd(2026, 9, 30);
        for date in [ymd(2026, 1, 5), ymd(2026, 9, 30), ymd(2026, 12, 31)] {
            assert_eq!(guangdong.cutoff_date(date), cutoff);
            // 59 on 5 January, 60 by 30 September: counted.
            let result =
                eligibility(&elder(ymd(1966, 9, 30), away_months_before(cutoff, 12)), &guangdong, date);
            assert!(result.eligible, "{date}: {:?}", result.reasons);
            // 60 on 31 December, 59 on 30 September: not counted.
            let result =
                eligibility(&elder(ymd(1966, 10, 1), away_months_before(cutoff, 12)), &guangdong, date);
            assert_eq!(codes(&result), ["under_age"], "{date}");
        }
        assert_eq!(guangdong.cutoff_date(ymd(2027, 2, 1)), ymd(2027, 9, 30));
    }

    #[test]
    fn family_reasons_say_what_is_missing() {
        let date = ymd(2026, 3, 15);
        let born = ymd(1950, 5, 1);
        let cases = [
            (json!({}), Reason::NoChildRecorded),
            (json!({"children": [{"birth_year": 1975}]}), Reason::NoneAway { scope: AbsenceScope::County }),
            (
                json!({"supporters": [{"name": "王建国", "away": false, "able": false}]}),
                Reason::NoneAway { scope: AbsenceScope::County },
            ),
            (json!({"migration": {"last_home_visit": "2025-02"}}), Reason::AbsenceUnknown),
            (json!({"supporters": [{"name": "王建国", "away": true}]}), Reason::AbsenceUnknown),
            (
                json!({"migration": {"away_since": "2026-06"}}),
                Reason::AbsenceTooShort { months: 0, required: 6 },
            ),
        ];
        let hunan = Policy::builtin("hunan").unwrap();
        for (extra, reason) in cases {
            let result = eligibility(&elder(born, extra.clone()), &hunan, date);
            assert_eq!(result.reasons, [reason], "{extra}");
            assert!(!result.eligible);
        }
        assert_eq!(Reason::NoneAway { scope: AbsenceScope::County }.zh(), "没有子女或赡养人离开县域外出");
        assert_eq!(Reason::AbsenceUnknown.en(), "absence not recorded: no date the children left");
    }

    #[test]
    fn urban_household_registration_fails() {
        let date = ymd(2026, 3, 15);
        for (policy, _) in profiles() {
            let mut family = away_months_before(policy.cutoff_date(date), 24);
            family["hukou"] = json!("urban");
            let result = eligibility(&elder(ymd(1950, 5, 1), family), &policy, date);
            assert!(!result.eligible, "{}", policy.id);
            assert_eq!(result.reasons, [Reason::NotRural { hukou: Hukou::Urban }], "{}", policy.id);
            assert_eq!(result.reasons[0].zh(), "非农村户籍（城镇户籍）");
        }
    }

    #[test]
    fn a_supporter_at_hand_fails_only_when_able_to_support() {
        let hunan = Policy::builtin("hunan").unwrap();
        let date = ymd(2026, 3, 15);
        let with_supporter = |able: bool| {
            let mut family = away_months_before(date, 24);
            family["supporters"] = json!([
                {"name": "王建国", "relation": "儿子", "away": true, "away_since": "2020-01-01"},
                {"name": "李桂兰", "relation": "儿媳", "away": false, "able": able},
            ]);
            eligibility(&elder(ymd(1950, 5, 1), family), &hunan, date)
        };
        let result = with_supporter(true);
        assert!(!result.eligible);
        assert_eq!(result.reasons, [Reason::SupporterAtHand { supporters: vec!["李桂兰（儿媳）".into()] }]);
        assert_eq!(result.reasons[0].zh(), "身边有赡养人且有赡养能力：李桂兰（儿媳）");
        assert_eq!(result.reasons[0].en(), "supporter at hand and able to support: 李桂兰（儿媳）");

        let result = with_supporter(false);
        assert!(result.eligible, "{:?}", result.reasons);
        assert_eq!(result.basis, [Basis::LeftBehind]);
    }

    #[test]
    fn every_reason_is_reported_at_once() {
        let guangdong = Policy::builtin("guangdong").unwrap();
        let date = ymd(2026, 3, 15);
        let record = elder(
            ymd(1970, 1, 1),
            json!({
                "hukou": "城镇户籍",
                "status": "deceased",
                "archive": {"status": "deceased", "reason": "病故", "on": "2026-01-01"},
                "migration": {"away_since": "2026-01"},
                "supporters": [{"name": "王建国", "relation": "儿子"}, {"name": "王建华"}],
            }),
        );
        let result = eligibility(&record, &guangdong, date);
        assert!(!result.eligible);
        assert!(result.basis.is_empty());
        assert_eq!(
            result.reasons,
            [
                Reason::NotActive { status: Status::Deceased },
                Reason::NotRural { hukou: Hukou::Urban },
                Reason::UnderAge { age: 56, min_age: 60, cutoff: ymd(2026, 9, 30) },
                Reason::AbsenceTooShort { months: 8, required: 12 },
                Reason::SupporterAtHand {
                    supporters: vec!["王建国（儿子）".into(), "王建华".into()]
                },
            ]
        );
    }

    #[test]
    fn sichuan_also_serves_its_other_groups() {
        let sichuan = Policy::builtin("sichuan").unwrap();
        let hunan = Policy::builtin("hunan").unwrap();
        let date = ymd(2026, 3, 15);
        let alone = elder(ymd(1950, 5, 1), json!({"categories": ["独居"]}));

        let result = eligibility(&alone, &sichuan, date);
        assert!(result.eligible);
        assert!(!result.is_left_behind());
        assert_eq!(result.basis, [Basis::AlsoServed(Category::LivingAlone)]);
        assert_eq!(result.reasons, [Reason::NoChildRecorded], "why not left behind is kept");
        assert!(!eligibility(&alone, &hunan, date).eligible);

        // 高龄 is derived from the birth date.
        let result =
            eligibility(&elder(ymd(1944, 1, 1), json!({"children": [{"birth_year": 1970}]})), &sichuan, date);
        assert_eq!(result.basis, [Basis::AlsoServed(Category::AdvancedAge)]);

        // Another group does not make up for the elder's own standing.
        let young = elder(ymd(1970, 1, 1), json!({"categories": ["living_alone"]}));
        assert!(!eligibility(&young, &sichuan, date).eligible);
        let urban = elder(ymd(1950, 5, 1), json!({"categories": ["living_alone"], "hukou": "urban"}));
        assert!(!eligibility(&urban, &sichuan, date).eligible);
        let hardship = elder(ymd(1950, 5, 1), json!({"categories": ["hardship"]}));
        assert!(!eligibility(&hardship, &sichuan, date).eligible, "经济困难 alone is not a Bazhou group");
    }

    #[test]
    fn serialises_reasons_and_basis_as_code_zh_en() {
        let sichuan = Policy::builtin("sichuan").unwrap();
        let alone = elder(ymd(1950, 5, 1), json!({"categories": ["living_alone"]}));
        let value = serde_json::to_value(eligibility(&alone, &sichuan, ymd(2026, 3, 15))).unwrap();
        assert_eq!(
            value,
            json!({
                "eligible": true,
                "basis": [{"code": "also_served", "category": "living_alone", "zh": "服务对象：独居", "en": "also served: living_alone"}],
                "reasons": [{"code": "no_child_recorded", "zh": "未登记子女或赡养人", "en": "no child or supporter recorded"}],
                "cutoff": "2026-03-15",
                "age_at_cutoff": 75,
            })
        );
    }

    #[test]
    fn whole_months_count_to_the_day() {
        let cases = [
            (ymd(2025, 9, 30), ymd(2026, 9, 30), 12),
            (ymd(2025, 9, 30), ymd(2026, 9, 29), 11),
            (ymd(2025, 1, 31), ymd(2025, 2, 28), 1),
            (ymd(2025, 1, 31), ymd(2025, 2, 27), 0),
            (ymd(2026, 3, 20), ymd(2026, 3, 10), 0),
            (ymd(2026, 5, 1), ymd(2026, 3, 1), -2),
        ];
        for (from, to, months) in cases {
            assert_eq!(whole_months(from, to), months, "{from} to {to}");
        }
    }
}
