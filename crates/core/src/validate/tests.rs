//! Every rule, with a record that passes and one that breaks it.

use super::*;
use crate::demo::{demo_id_number, sample_elder, Rng};
use crate::elder::{Archive, Child, Disability, DisabilityKind, Migration, Position, Supporter};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn ctx() -> Context {
    Context::new("511902106202".parse().unwrap(), today())
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A valid record whose ID number matches the form.
fn valid() -> Elder {
    let mut e = sample_elder();
    e.id = None;
    e
}

fn errors(mut e: Elder) -> Vec<(String, &'static str)> {
    match validate_elder(&mut e, &ctx()) {
        Ok(_) => vec![],
        Err(v) => v.into_iter().filter(|v| !v.rule.is_warning()).map(|v| (v.field, v.rule.code())).collect(),
    }
}

fn warnings(mut e: Elder) -> Vec<(String, &'static str)> {
    validate_elder(&mut e, &ctx()).unwrap().into_iter().map(|v| (v.field, v.rule.code())).collect()
}

fn with_id(mut e: Elder, birth: &str, sex: Sex) -> Elder {
    e.birth_date = date(birth);
    e.sex = sex;
    e.id_number = Some(demo_id_number("511902", e.birth_date, sex, &mut Rng::new(9)));
    e.children.clear();
    e
}

#[test]
fn a_complete_valid_form_passes_without_warnings() {
    assert_eq!(warnings(valid()), vec![]);
}

#[test]
fn id_numbers_are_checked_and_normalised() {
    // The standard's own example, with a lowercase x: accepted and stored with X.
    let mut e = with_id(valid(), "1949-12-31", Sex::Female);
    e.id_number = Some(" 11010519491231002x ".into());
    validate_elder(&mut e, &ctx()).unwrap();
    assert_eq!(e.id_number.as_deref(), Some("11010519491231002X"));

    let cases: &[(&str, &str)] = &[
        ("11010519491231002", "id_length"),      // 17 characters
        ("110105194912310021", "id_checksum"),   // wrong check digit
        ("11010519490231002X", "id_birth_date"), // 31 February… written as 0231
        ("11010519491331002X", "id_birth_date"), // month 13
        ("1101051949123100AX", "id_characters"), // letters
    ];
    for (number, rule) in cases {
        let mut e = with_id(valid(), "1949-12-31", Sex::Female);
        e.id_number = Some(number.to_string());
        let found = errors(e);
        assert!(
            found.iter().any(|(f, r)| f == "id_number" && (r == rule || r.starts_with("id_"))),
            "{number}: {found:?}"
        );
        assert!(found.iter().all(|(f, _)| f == "id_number"), "{number}: {found:?}");
    }
}

#[test]
fn the_forms_birth_date_and_sex_must_agree_with_the_id_number() {
    let mut e = with_id(valid(), "1950-03-01", Sex::Female);
    e.birth_date = date("1950-03-02");
    assert_eq!(errors(e), vec![("birth_date".into(), "id_birth_date_mismatch")]);
    let mut e = with_id(valid(), "1950-03-01", Sex::Female);
    e.sex = Sex::Male;
    assert_eq!(errors(e), vec![("sex".into(), "id_sex_mismatch")]);
}

#[test]
fn residence_permits_and_legacy_numbers() {
    // 港澳台居民居住证: region 810000, checksum valid.
    let mut e = valid();
    e.id_number = Some(demo_id_number("810000", e.birth_date, e.sex, &mut Rng::new(1)));
    assert_eq!(errors(e), vec![]);

    // A 15-digit number is refused on the form but converted on import.
    let mut e = with_id(valid(), "1967-04-01", Sex::Male);
    e.id_number = Some("130503670401001".into());
    assert!(errors(e.clone()).iter().any(|(f, _)| f == "id_number"));
    let import = Context { legacy_ids: true, ..ctx() };
    let found = validate_elder(&mut e, &import).unwrap();
    assert_eq!(e.id_number.as_deref().map(str::len), Some(18));
    assert!(found.iter().any(|v| v.rule.code() == "legacy_id_converted"));
}

#[test]
fn an_unknown_region_is_a_warning_and_a_missing_number_too() {
    let mut e = valid();
    e.id_number = Some(demo_id_number("519999", e.birth_date, e.sex, &mut Rng::new(1)));
    assert_eq!(warnings(e), vec![("id_number".into(), "unknown_region")]);
    let mut e = valid();
    e.id_number = None;
    assert_eq!(warnings(e), vec![("id_number".into(), "missing_id_number")]);
}

#[test]
fn phones_are_mobile_or_landline_with_area_code() {
    let mut e = valid();
    e.phone = Some("139 1234 5678".into());
    e.supporters[0].phone = Some("(0827)5123456".into());
    validate_elder(&mut e, &ctx()).unwrap();
    assert_eq!(e.phone.as_deref(), Some("13912345678"));
    assert_eq!(e.supporters[0].phone.as_deref(), Some("0827-5123456"));
    for bad in ["1391234567", "12912345678", "5123456"] {
        let mut e = valid();
        let last = e.supporters.len() - 1;
        e.supporters[last].phone = Some(bad.into());
        let found = errors(e);
        assert_eq!(found.len(), 1, "{bad}: {found:?}");
        assert!(found[0].0.ends_with(".phone"), "{bad}: {found:?}");
    }
}

#[test]
fn no_dates_in_the_future() {
    let tomorrow = today().succ_opt().unwrap();
    let mut e = valid();
    e.sign_off.date = Some(tomorrow);
    assert_eq!(errors(e), vec![("sign_off.date".into(), "future_date")]);
    let mut e = valid();
    e.migration =
        Some(Migration { away_since: Some(YearMonth { year: 2027, month: 1 }), ..Migration::default() });
    assert_eq!(errors(e), vec![("migration.away_since".into(), "future_date")]);
    let mut e = valid();
    e.supporters[0].reported_on = Some(tomorrow);
    assert_eq!(errors(e), vec![("supporters[0].reported_on".into(), "future_date")]);
    let mut e = with_id(valid(), "1949-01-01", Sex::Male);
    e.children.clear();
    e.birth_date = tomorrow;
    assert!(errors(e).contains(&("birth_date".into(), "future_date")));
}

#[test]
fn childrens_birth_years_must_be_plausible() {
    let born = valid().birth_date.year();
    for (year, ok) in
        [(born + 12, true), (born + 11, false), (born + 40, true), (born + 66, false), (2027, false)]
    {
        let mut e = valid();
        e.children = vec![Child { id: "c1".into(), birth_year: year, name: String::new(), sex: None }];
        let found = errors(e);
        assert_eq!(found.is_empty(), ok, "{year}: {found:?}");
        if !ok {
            assert_eq!(found, vec![("children[0].birth_year".into(), "child_birth_year")]);
        }
    }
}

#[test]
fn free_text_is_trimmed_and_bounded() {
    let mut e = valid();
    e.name = "  王秀英 ".into();
    e.needs = format!("  {}  ", "需".repeat(MAX_TEXT));
    validate_elder(&mut e, &ctx()).unwrap();
    assert_eq!(e.name, "王秀英");
    let mut e = valid();
    e.needs = "需".repeat(MAX_TEXT + 1);
    assert_eq!(errors(e), vec![("needs".into(), "too_long")]);
    let mut e = valid();
    e.name = "   ".into();
    assert_eq!(errors(e), vec![("name".into(), "required")]);
    let mut e = valid();
    e.address = "3组\u{0007}".into();
    assert_eq!(errors(e), vec![("address".into(), "control_characters")]);
}

#[test]
fn structured_fields_have_their_ranges() {
    let mut e = valid();
    e.disability = Some(Disability { kind: DisabilityKind::Visual, grade: 5 });
    assert_eq!(errors(e), vec![("disability.grade".into(), "out_of_range")]);
    let mut e = valid();
    e.health = Some(Health::Disabled);
    e.disability = None;
    assert_eq!(errors(e), vec![("disability".into(), "required")]);
    let mut e = valid();
    e.home = Some(Position { lat: 91.0, lon: 106.8 });
    assert_eq!(errors(e), vec![("home.lat".into(), "out_of_range")]);
    let mut e = valid();
    e.migration = Some(Migration { reunions_per_year: Some(400), ..Migration::default() });
    assert_eq!(errors(e), vec![("migration.reunions_per_year".into(), "out_of_range")]);
}

#[test]
fn the_elder_must_belong_to_the_registrys_unit() {
    let mut e = valid();
    e.unit = "440304000000".parse().unwrap();
    assert_eq!(errors(e), vec![("unit".into(), "outside_registry")]);
    // A township registry accepts its villages.
    let mut e = valid();
    let township = Context::new("511902106000".parse().unwrap(), today());
    assert!(validate_elder(&mut e, &township).is_ok());
}

#[test]
fn archiving_needs_a_reason_and_a_matching_status() {
    let archive =
        |status, reason: &str| Some(Archive { status, reason: reason.into(), on: date("2026-10-01") });
    let mut e = valid();
    e.status = Status::Deceased;
    assert_eq!(errors(e.clone()), vec![("archive".into(), "archive_mismatch")]);
    e.archive = archive(Status::Deceased, "");
    assert_eq!(errors(e.clone()), vec![("archive.reason".into(), "required")]);
    e.archive = archive(Status::Deceased, "2026年10月1日病故");
    assert_eq!(errors(e.clone()), vec![]);
    e.archive = archive(Status::MovedAway, "迁往成都");
    assert_eq!(errors(e.clone()), vec![("archive".into(), "archive_mismatch")]);
    let mut e = valid();
    e.archive = archive(Status::MovedAway, "迁往成都");
    assert_eq!(errors(e), vec![("archive".into(), "archive_mismatch")]);
}

#[test]
fn children_and_supporters_keys_are_unique() {
    let mut e = valid();
    let first = e.supporters[0].clone();
    e.supporters.push(Supporter { name: "另一人".into(), ..first });
    let found = errors(e);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, "duplicate_key");
}

#[test]
fn every_violation_is_reported_at_once_with_both_messages() {
    let mut e = valid();
    e.name = String::new();
    e.phone = Some("123".into());
    e.sign_off.date = Some(date("2030-01-01"));
    let all = validate_elder(&mut e, &ctx()).unwrap_err();
    assert_eq!(all.len(), 3, "{all:?}");
    for v in &all {
        assert!(!v.rule.zh().is_empty() && !v.rule.en().is_empty());
        assert!(v.to_string().starts_with(&v.field));
    }
}
