//! A family phone receives only its elder's card and family documents, yet says whether the elder was
//! visited this month: a logged visit writes its date, and nothing else of it, into the card document.

use chrono::{DateTime, NaiveDate, Utc};
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::doc::DocKind;
use shouwang_core::elder::ElderId;
use shouwang_core::helper::Helper;
use shouwang_core::role::Role;
use shouwang_core::store::{IncomingChange, Store, SyncState};
use shouwang_core::visit::{Check, Checks, Mode, Service, Visit};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn day(d: &str) -> NaiveDate {
    d.parse().unwrap()
}

fn visit(elder: &ElderId, when: &str, note: &str) -> Visit {
    let mut checks = Checks::all_fine();
    checks.medical = Check::concern(note);
    Visit {
        id: String::new(),
        elder: elder.clone(),
        helper: String::new(),
        mode: Mode::Door,
        at: at(when),
        duration_minutes: 25,
        checks,
        services: vec![Service::Patrol],
        follow_up: "下周复查血压".into(),
        position: None,
        amends: None,
        home_distance_m: None,
        recorded_at: None,
    }
}

/// The changes of `from`'s outbox a family phone of `elder` receives from the relay: card and family.
fn for_the_family(from: &Store, elder: &ElderId) -> Vec<IncomingChange> {
    from.outbox_batch(0, 100_000, usize::MAX)
        .unwrap()
        .into_iter()
        .filter(|c| c.doc.elder.as_str() == elder.as_str())
        .filter(|c| matches!(c.doc.kind, DocKind::Card | DocKind::Family))
        .map(|c| IncomingChange { doc: c.doc, bytes: c.bytes, by: Role::Committee })
        .collect()
}

#[test]
fn the_family_card_says_whether_the_elder_was_visited_this_month_and_nothing_of_the_visit() {
    let dir = tempfile::tempdir().unwrap();
    let village = DemoVillage::bazhou();
    let registered = at("2026-11-01T09:00:00+08:00");
    let mut office =
        Store::init(dir.path().join("v.sqlite"), village.unit.clone(), "斑竹村", "sichuan", registered)
            .unwrap();
    let elder = office.add_elder(demo_village(&village, 1, 3).remove(0), registered).unwrap().id;
    let helper = office.add_helper(Helper::named("陈桂兰"), registered).unwrap();
    office.assign(&elder, &helper, "村委会分配", registered).unwrap();
    assert_eq!(office.card(&elder).unwrap().last_visit, None, "never visited");

    // A visit late in the evening of 30 November, China time (14:30 UTC), is a November visit.
    office
        .log_visit(visit(&elder, "2026-11-30T22:30:00+08:00", "血压偏高"), at("2026-11-30T23:00:00+08:00"))
        .unwrap();
    let card = office.card(&elder).unwrap();
    assert_eq!(card.last_visit, Some(day("2026-11-30")));
    assert!(card.visited_this_month(day("2026-11-30")));
    assert!(!card.visited_this_month(day("2026-12-01")), "a new month starts unvisited");

    office
        .log_visit(visit(&elder, "2026-12-20T10:00:00+08:00", "血压偏高"), at("2026-12-20T11:00:00+08:00"))
        .unwrap();
    // A visit of 12 December logged late does not move the date back.
    office
        .log_visit(visit(&elder, "2026-12-12T10:00:00+08:00", "血压偏高"), at("2026-12-21T09:00:00+08:00"))
        .unwrap();
    assert_eq!(office.card(&elder).unwrap().last_visit, Some(day("2026-12-20")));
    assert!(office.review_list().unwrap().is_empty(), "a visit date is not a conflict to review");

    // The family phone: enrolled for this elder, it receives the card and family documents only.
    let phone_dir = tempfile::tempdir().unwrap();
    let mut phone =
        Store::init(phone_dir.path().join("f.sqlite"), village.unit.clone(), "斑竹村", "sichuan", registered)
            .unwrap();
    phone
        .set_enrolment(
            &SyncState {
                relay: "http://relay".into(),
                token: "t".into(),
                device_id: "f".into(),
                role: "family".into(),
                scope: village.unit.to_string(),
                elder: Some(elder.to_string()),
                epoch: "e".into(),
                cursor: 0,
                last_success: None,
                last_attempt: None,
                last_error: None,
                helper: None,
            },
            registered,
        )
        .unwrap();
    // The family's key bundle (the card's key only) comes with the enrolment code.
    let bundle = office.issue_key_bundle(Role::Family, Some(&elder), None, "女儿的手机", registered).unwrap();
    phone.import_key_bundle(&bundle.to_text(), registered).unwrap();
    let received = for_the_family(&office, &elder);
    phone.apply_remote(&received, 1, at("2026-12-21T10:00:00+08:00")).unwrap();
    let card = phone.card(&elder).unwrap();
    assert_eq!(card.last_visit, Some(day("2026-12-20")));
    assert!(card.visited_this_month(day("2026-12-23")));
    // Nothing of the visit's content reached the phone: not the concern, not the follow-up.
    let bytes: Vec<u8> = received.iter().flat_map(|c| c.bytes.clone()).collect();
    let text = String::from_utf8_lossy(&bytes);
    for secret in ["血压偏高", "下周复查血压", "陈桂兰"] {
        assert!(!text.contains(secret), "the family phone received {secret}");
    }
    assert!(!serde_json::to_string(&card).unwrap().contains("血压"));
}

#[test]
fn two_devices_logging_visits_offline_agree_on_the_later_date() {
    let village = DemoVillage::bazhou();
    let registered = at("2026-11-01T09:00:00+08:00");
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a =
        Store::init(dir_a.path().join("a.sqlite"), village.unit.clone(), "斑竹村", "sichuan", registered)
            .unwrap();
    let mut b =
        Store::init(dir_b.path().join("b.sqlite"), village.unit.clone(), "斑竹村", "sichuan", registered)
            .unwrap();
    let elder = a.add_elder(demo_village(&village, 1, 5).remove(0), registered).unwrap().id;
    let helper = a.add_helper(Helper::named("陈桂兰"), registered).unwrap();
    a.assign(&elder, &helper, "村委会分配", registered).unwrap();
    let everything = |from: &Store| -> Vec<IncomingChange> {
        from.outbox_batch(0, 100_000, usize::MAX)
            .unwrap()
            .into_iter()
            .map(|c| IncomingChange { doc: c.doc, bytes: c.bytes, by: Role::Committee })
            .collect()
    };
    // b is a second office desk: it holds the village's keys, issued by a.
    let bundle = a.issue_key_bundle(Role::Committee, None, None, "第二台电脑", registered).unwrap();
    b.import_key_bundle(&bundle.to_text(), registered).unwrap();
    a.prepare_outbox(registered).unwrap();
    b.apply_remote(&everything(&a), 1, registered).unwrap();
    let before_a = everything(&a).len();
    let before_b = everything(&b).len();

    // Offline, each logs a visit: a on the 5th, b on the 9th.
    a.log_visit(visit(&elder, "2026-11-05T10:00:00+08:00", "咳嗽"), at("2026-11-05T11:00:00+08:00")).unwrap();
    b.log_visit(visit(&elder, "2026-11-09T10:00:00+08:00", "咳嗽"), at("2026-11-09T11:00:00+08:00")).unwrap();
    let from_a: Vec<IncomingChange> = everything(&a).split_off(before_a);
    let from_b: Vec<IncomingChange> = everything(&b).split_off(before_b);
    a.apply_remote(&from_b, 2, at("2026-11-10T09:00:00+08:00")).unwrap();
    b.apply_remote(&from_a, 2, at("2026-11-10T09:00:00+08:00")).unwrap();
    for store in [&a, &b] {
        assert_eq!(store.card(&elder).unwrap().last_visit, Some(day("2026-11-09")));
        assert_eq!(store.conflicts(&elder).unwrap(), vec![], "not a conflict for the committee");
    }
}
