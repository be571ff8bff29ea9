//! The case use cases the app and the CLI share, one core call each: an emergency logged in one
//! transaction with the shared defaults, who to call, the next stage by default, a case from a visit.

use chrono::{DateTime, Duration, Utc};
use shouwang_core::case::{Outcome, Party, Stage};
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::elder::ElderId;
use shouwang_core::helper::Helper;
use shouwang_core::org::{Member, Org};
use shouwang_core::store::{Advance, CaseFilter, EmergencyReport, Error, Store};
use shouwang_core::visit::{Check, Checks, Mode, Visit};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

/// A village of two elders, the first served by 陈桂兰.
fn village() -> (tempfile::TempDir, Store, Vec<ElderId>) {
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-11-01T09:00:00+08:00");
    let v = DemoVillage::bazhou();
    let mut store =
        Store::init(dir.path().join("v.sqlite"), v.unit.clone(), "斑竹村", "sichuan", now).unwrap();
    let elders: Vec<ElderId> =
        demo_village(&v, 2, 3).into_iter().map(|e| store.add_elder(e, now).unwrap().id).collect();
    let chen = store.add_helper(Helper::named("陈桂兰"), now).unwrap();
    store.assign(&elders[0], &chen, "就近", now).unwrap();
    (dir, store, elders)
}

fn report(called: Vec<Party>) -> EmergencyReport {
    EmergencyReport {
        called,
        called_at: None,
        at: None,
        summary: "摔倒，意识清醒".into(),
        by: None,
        outcome: None,
        outcome_note: String::new(),
    }
}

#[test]
fn an_emergency_is_one_write_with_the_times_defaulting_to_each_other_and_the_helper_acting() {
    let (_dir, mut store, elders) = village();
    let now = at("2026-11-20T10:00:00+08:00");
    // Only the first call's time given: the emergency began then; by: the elder's helper.
    let first = EmergencyReport {
        called_at: Some(at("2026-11-20T09:40:00+08:00")),
        ..report(vec![Party::Ambulance])
    };
    let saved = store.log_emergency(&elders[0], first, now).unwrap();
    let case = store.case(&saved.case).unwrap();
    assert_eq!(case.opened.at, at("2026-11-20T09:40:00+08:00"));
    assert_eq!(case.opened.by, "陈桂兰");
    assert!(case.closed.is_none());
    // Only the emergency's time given: the calls were made then.
    let second = EmergencyReport { at: Some(at("2026-11-20T09:50:00+08:00")), ..report(vec![Party::Family]) };
    let id = store.log_emergency(&elders[0], second, now).unwrap().case;
    let case = store.case(&id).unwrap();
    assert_eq!(case.opened.emergency.unwrap().called_at, at("2026-11-20T09:50:00+08:00"));
    // With the outcome: opened and closed in one write, dated now.
    let over = EmergencyReport {
        outcome: Some(Outcome::Hospitalised),
        ..report(vec![Party::Ambulance, Party::Family])
    };
    let id = store.log_emergency(&elders[0], over, now).unwrap().case;
    let case = store.case(&id).unwrap();
    assert_eq!(case.closed.as_ref().map(|c| (c.outcome, c.at)), Some((Outcome::Hospitalised, now)));

    // An elder with no helper needs `by`; no party called and no summary are both named at once, and
    // nothing is written.
    let before = store.cases(&CaseFilter::default(), now).unwrap().len();
    match store.log_emergency(&elders[1], report(vec![Party::Ambulance]), now) {
        Err(Error::Field { field, .. }) => assert_eq!(field, "by"),
        other => panic!("{other:?}"),
    }
    let bad = EmergencyReport { summary: " ".into(), by: Some("王主任".into()), ..report(vec![]) };
    match store.log_emergency(&elders[1], bad, now) {
        Err(Error::Invalid(v)) => {
            let fields: Vec<&str> = v.iter().map(|v| v.field.as_str()).collect();
            assert_eq!(fields, ["summary", "called"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.cases(&CaseFilter::default(), now).unwrap().len(), before);
}

#[test]
fn the_contacts_name_the_village_doctor_from_the_organisation() {
    let (_dir, mut store, elders) = village();
    let now = at("2026-11-20T10:00:00+08:00");
    let mut org = Org::default();
    org.village.members.push(Member {
        id: String::new(),
        name: "王组长".into(),
        title: "组长".into(),
        phone: None,
    });
    org.village.members.push(Member {
        id: String::new(),
        name: "刘大夫".into(),
        title: "乡村医生".into(),
        phone: Some("13908271234".into()),
    });
    store.set_org(org, now).unwrap();
    let contacts = store.emergency_contacts(&elders[0]).unwrap();
    assert_eq!(contacts.doctor.map(|d| d.name), Some("刘大夫".into()));
    assert_eq!(contacts.helper_name.as_deref(), Some("陈桂兰"));
    assert!(!serde_json::to_string(&contacts.card).unwrap().contains("id_number"));
}

#[test]
fn a_case_moves_to_its_next_stage_by_default_and_stops_at_the_last() {
    let (_dir, mut store, elders) = village();
    let t0 = at("2026-11-10T08:00:00+08:00");
    let case = store
        .log_emergency(&elders[0], EmergencyReport { at: Some(t0), ..report(vec![Party::Doctor]) }, t0)
        .unwrap()
        .case;
    let step = |by: &str, hours: i64| Advance {
        stage: None,
        by: by.into(),
        at: Some(t0 + Duration::hours(hours)),
        note: String::new(),
        skip_reason: String::new(),
    };
    for (i, want) in [Stage::Reported, Stage::Referred, Stage::Assisted].into_iter().enumerate() {
        store.advance_case_to(&case, step("李主任", i as i64 + 1), t0 + Duration::hours(4)).unwrap();
        assert_eq!(store.case(&case).unwrap().current().0, want);
    }
    match store.advance_case_to(&case, step("李主任", 5), t0 + Duration::hours(6)) {
        Err(Error::Field { field, .. }) => assert_eq!(field, "stage"),
        other => panic!("{other:?}"),
    }
    // The list says how long an open case waited and what the policy allows for its next stage.
    let fresh = store
        .log_emergency(&elders[0], EmergencyReport { at: Some(t0), ..report(vec![Party::Family]) }, t0)
        .unwrap();
    let later = t0 + Duration::days(3) + Duration::hours(1);
    let row =
        store.cases(&CaseFilter::default(), later).unwrap().into_iter().find(|r| r.id == fresh.case).unwrap();
    assert_eq!((row.days_waited, row.limit_days, row.flagged), (Some(3), Some(1), true));
}

#[test]
fn a_visit_with_concerns_opens_a_case_in_its_helpers_name_and_a_fine_one_is_refused() {
    let (_dir, mut store, elders) = village();
    let now = at("2026-11-20T10:00:00+08:00");
    let chen = store.assignment(&elders[0]).unwrap().helper.unwrap();
    let mut checks = Checks::all_fine();
    let visit = |checks: Checks| Visit {
        id: String::new(),
        elder: elders[0].clone(),
        helper: chen.to_string(),
        mode: Mode::Phone,
        at: now - Duration::hours(2),
        duration_minutes: 20,
        checks,
        services: vec![],
        follow_up: String::new(),
        position: None,
        amends: None,
        home_distance_m: None,
        recorded_at: None,
    };
    let fine = store.log_visit(visit(checks.clone()), now).unwrap();
    match store.open_case_from_visit(&fine.id, now) {
        Err(Error::Field { field, .. }) => assert_eq!(field, "open_case"),
        other => panic!("{other:?}"),
    }
    // Logged with 立案 ticked while every check is fine: refused before anything is written.
    let visits_before = store.visit_history(&elders[0]).unwrap().len();
    let outbox_before = store.outbox_len().unwrap();
    match store.log_visit_opening_case(visit(Checks::all_fine()), now) {
        Err(Error::Field { field, .. }) => assert_eq!(field, "open_case"),
        other => panic!("{other:?}"),
    }
    assert_eq!(store.visit_history(&elders[0]).unwrap().len(), visits_before);
    assert_eq!(store.outbox_len().unwrap(), outbox_before, "nothing was written");
    checks.medical = Check::concern("血压高");
    checks.housing = Check::concern("屋顶漏雨");
    let mut ticked = visit(checks.clone());
    ticked.at = now - Duration::minutes(30);
    let (_, opened) = store.log_visit_opening_case(ticked, now).unwrap();
    assert_eq!(store.case(&opened.case).unwrap().opened.summary, "住：屋顶漏雨；医：血压高");
    let mut worried = visit(checks);
    worried.at = now - Duration::hours(1);
    let seen = store.log_visit(worried, now).unwrap();
    let id = store.open_case_from_visit(&seen.id, now).unwrap().case;
    let case = store.case(&id).unwrap();
    assert_eq!((case.opened.by.as_str(), case.opened.visit.as_deref()), ("陈桂兰", Some(seen.id.as_str())));
    assert_eq!(case.opened.summary, "住：屋顶漏雨；医：血压高");
}
