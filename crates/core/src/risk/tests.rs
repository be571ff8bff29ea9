//! Stories of the risk assessment.

use super::*;
use crate::elder::{Care, Health, Spouse};
use std::collections::BTreeSet;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// A healthy 70-year-old couple, cared for by a son at hand, farming and with his income.
fn well_supported() -> Elder {
    let mut e = crate::demo::sample_elder();
    e.birth_date = NaiveDate::from_ymd_opt(1956, 5, 1).unwrap();
    e.health = Some(Health::Healthy);
    e.disability = None;
    e.illness.clear();
    e.spouse = Some(Spouse::BothLiving);
    e.care = Some(Care::CaredFor);
    e.categories = BTreeSet::from([Category::EmptyNest]);
    e.income_sources = BTreeSet::from([IncomeSource::MigrantWork, IncomeSource::Farming]);
    e.supporters.truncate(1);
    e.supporters[0].away = false;
    e.supporters[0].able = true;
    e.supporters[0].phone = Some("13812345678".into());
    e
}

#[test]
fn a_well_supported_healthy_elder_is_low_risk_with_no_reasons() {
    let rules = RiskRules::builtin("default").unwrap();
    let a = assess(&well_supported(), &VisitSignals::default(), &rules, today());
    assert_eq!(a.level, Level::Low, "{:?}", a.reasons);
    assert!(a.reasons.is_empty());
    assert!(!a.visits_considered);
}

#[test]
fn an_ill_widow_alone_on_aid_with_nobody_caring_is_high_risk_and_every_reason_is_shown() {
    let rules = RiskRules::builtin("default").unwrap();
    let mut e = well_supported();
    e.health = Some(Health::Ill);
    e.illness = "脑梗塞".into();
    e.spouse = Some(Spouse::OneLiving);
    e.categories = BTreeSet::from([Category::LivingAlone]);
    e.care = Some(Care::NotCaredFor);
    e.income_sources = BTreeSet::from([IncomeSource::GovernmentAid]);
    e.supporters[0].away = true;
    e.supporters[0].phone = None;
    let a = assess(&e, &VisitSignals::default(), &rules, today());
    assert_eq!(a.level, Level::High);
    let ids: Vec<&str> = a.reasons.iter().map(|r| r.rule.as_str()).collect();
    for expected in [
        "income_aid_only",
        "all_supporters_away",
        "no_reachable_supporter",
        "ill",
        "living_alone",
        "not_cared_for",
    ] {
        assert!(ids.contains(&expected), "{expected} missing from {ids:?}");
    }
    assert_eq!(a.score, a.reasons.iter().map(|r| r.points).sum::<i32>());
}

#[test]
fn visit_concerns_raise_the_level_and_an_emergency_forces_high() {
    let rules = RiskRules::builtin("default").unwrap();
    let e = well_supported();
    let mut signals = VisitSignals { window_days: 90, visits: 3, ..Default::default() };
    assert_eq!(assess(&e, &signals, &rules, today()).level, Level::Low);
    signals.concerns.insert(ConcernCheck::Medical, 2);
    let a = assess(&e, &signals, &rules, today());
    assert_eq!(a.level, Level::Medium, "{:?}", a.reasons);
    assert!(a.reasons.iter().any(|r| r.rule == "medical_concern"));
    signals.emergencies = 1;
    assert_eq!(assess(&e, &signals, &rules, today()).level, Level::High);
    let unvisited = VisitSignals { window_days: 90, ..Default::default() };
    assert!(assess(&e, &unvisited, &rules, today()).reasons.iter().any(|r| r.rule == "not_visited"));
}

#[test]
fn an_incapacitated_elder_with_nobody_caring_is_high_whatever_the_score() {
    let rules = RiskRules::builtin("default").unwrap();
    let mut e = well_supported();
    e.categories.insert(Category::Disabled);
    e.care = Some(Care::NotCaredFor);
    let a = assess(&e, &VisitSignals::default(), &rules, today());
    assert_eq!(a.level, Level::High);
    assert!(a
        .reasons
        .iter()
        .any(|r| r.rule == "incapacitated_uncared" && r.level_at_least == Some(Level::High)));
}

#[test]
fn a_rule_change_in_data_changes_the_level_without_code() {
    let e = {
        let mut e = well_supported();
        e.birth_date = NaiveDate::from_ymd_opt(1940, 1, 1).unwrap();
        e
    };
    let rules = RiskRules::builtin("default").unwrap();
    assert_eq!(assess(&e, &VisitSignals::default(), &rules, today()).level, Level::Low);
    let text = include_str!("../../../../schema/risk/default.toml").replace(
        "points = 1\nwhen = { factor = \"age\", min = 80 }",
        "points = 5\nwhen = { factor = \"age\", min = 80 }",
    );
    let stricter = RiskRules::from_toml(&text).unwrap();
    assert_eq!(assess(&e, &VisitSignals::default(), &stricter, today()).level, Level::Medium);
}

#[test]
fn a_rules_file_with_an_unknown_value_is_refused_naming_the_rule() {
    let text = include_str!("../../../../schema/risk/default.toml")
        .replace("values = [\"ill\"]", "values = [\"sick\"]");
    let err = RiskRules::from_toml(&text).unwrap_err();
    assert!(err.to_string().contains("(ill)"), "{err}");
}
