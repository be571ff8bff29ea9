//! The stories of issue 4 (helpers and visits), told against the store.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use shouwang_core::demo::{demo_services, demo_village, DemoVillage};
use shouwang_core::elder::{ElderId, Position, Status};
use shouwang_core::family::Call;
use shouwang_core::helper::{Helper, HelperId};
use shouwang_core::role::Role;
use shouwang_core::schedule::Status as Due;
use shouwang_core::store::{Error, Store, VisitFilter};
use shouwang_core::visit::{Check, Checks, Fix, Mode, Service, Visit};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn day(d: &str) -> NaiveDate {
    d.parse().unwrap()
}

struct Village {
    _dir: tempfile::TempDir,
    store: Store,
    elders: Vec<ElderId>,
    homes: Vec<Position>,
}

/// A village of `n` demo elders, registered on 1 November 2026.
fn village(n: usize) -> Village {
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-11-01T09:00:00+08:00");
    let v = DemoVillage::bazhou();
    let mut store =
        Store::init(dir.path().join("v.sqlite"), v.unit.clone(), "斑竹村", "sichuan", now).unwrap();
    let mut elders = Vec::new();
    let mut homes = Vec::new();
    for e in demo_village(&v, n, 11) {
        homes.push(e.home.unwrap());
        elders.push(store.add_elder(e, now).unwrap().id);
    }
    Village { _dir: dir, store, elders, homes }
}

fn helper_at(store: &mut Store, name: &str, home: Position, now: DateTime<Utc>) -> HelperId {
    let mut h = Helper::named(name);
    h.home = Some(home);
    h.phone = Some("13812345678".into());
    h.filed_on = Some(day("2026-10-15"));
    store.add_helper(h, now).unwrap()
}

fn door_visit(elder: &ElderId, helper: &HelperId, when: DateTime<Utc>, home: Position) -> Visit {
    Visit {
        id: String::new(),
        elder: elder.clone(),
        helper: helper.to_string(),
        mode: Mode::Door,
        at: when,
        duration_minutes: 30,
        checks: Checks::all_fine(),
        services: vec![Service::Patrol, Service::Tidying],
        follow_up: String::new(),
        position: Some(Fix { lat: home.lat + 0.0001, lon: home.lon, accuracy_m: Some(15.0) }),
        amends: None,
        home_distance_m: None,
        recorded_at: None,
    }
}

#[test]
fn a_helper_logs_a_month_of_visits_offline_and_the_due_list_clears() {
    let mut v = village(6);
    let now = at("2026-11-01T09:00:00+08:00");
    let chen = helper_at(&mut v.store, "陈桂兰", v.homes[0], now);
    for e in &v.elders {
        v.store.assign(e, &chen, "村委会分配", now).unwrap();
    }
    let first = v.store.today_round(&chen, day("2026-11-01")).unwrap();
    assert_eq!(first.len(), 6, "never visited: all due");
    assert!(first.iter().all(|e| e.status == Due::Overdue && e.due_on.is_none()));
    assert_eq!(first[0].elder, v.elders[0], "the round starts next door");
    let outbox = v.store.outbox_len().unwrap();
    // No signal all month: one elder a day, the rest of the village's changes wait in the outbox.
    for (i, elder) in v.elders.iter().enumerate() {
        let when = at("2026-11-02T10:00:00+08:00") + Duration::days(i as i64 * 4);
        let mut visit = door_visit(elder, &chen, when, v.homes[i]);
        if i == 3 {
            visit.mode = Mode::Phone;
            visit.position = None;
        }
        let saved = v.store.log_visit(visit, when + Duration::minutes(40)).unwrap();
        assert!(saved.warnings.is_empty(), "{saved:?}");
    }
    assert!(v.store.outbox_len().unwrap() > outbox);
    assert!(v.store.today_round(&chen, day("2026-11-28")).unwrap().is_empty(), "a phone visit counts too");
    assert!(v.store.schedule(day("2026-11-28")).unwrap().iter().all(|e| e.status == Due::Upcoming));
    // A month after the first visit it is due again.
    let again = v.store.today_round(&chen, day("2026-12-02")).unwrap();
    assert_eq!(again.iter().map(|e| e.elder.clone()).collect::<Vec<_>>(), [v.elders[0].clone()]);
    assert_eq!(again[0].status, Due::Due);
}

#[test]
fn an_elder_beyond_every_helpers_reach_is_listed_remote() {
    let mut v = village(12);
    let now = at("2026-11-01T09:00:00+08:00");
    // One helper beside the first elder: whoever lives further than ~800 m in a straight line is remote.
    let home = v.homes[0];
    helper_at(&mut v.store, "陈桂兰", home, now);
    let plan = v.store.suggest_assignment(true).unwrap();
    let walk = v.store.walk();
    for (id, h) in v.elders.iter().zip(&v.homes) {
        let far =
            shouwang_core::reach::distance_m(home, *h) * walk.detour_factor / walk.speed_m_per_min > 15.0;
        assert_eq!(plan.remote.contains(id), far, "{id}");
        assert_eq!(plan.proposals.iter().any(|p| p.elder == *id), !far);
    }
    assert!(!plan.remote.is_empty(), "the demo village spreads over 3 km");
    // A walk measured on foot brings a remote elder in reach.
    let remote = plan.remote[0].clone();
    let helper = v.store.helpers().unwrap()[0].id.clone();
    v.store
        .update_helper(&helper, now, |h| {
            h.walks.insert(remote.clone(), 14.0);
            Ok(())
        })
        .unwrap();
    assert!(!v.store.suggest_assignment(true).unwrap().remote.contains(&remote));
}

#[test]
fn replacing_a_helper_moves_the_elders_and_keeps_history() {
    let mut v = village(3);
    let now = at("2026-11-01T09:00:00+08:00");
    let old = helper_at(&mut v.store, "陈桂兰", v.homes[0], now);
    let new = helper_at(&mut v.store, "刘淑珍", v.homes[1], now);
    for e in &v.elders[..2] {
        v.store.assign(e, &old, "村委会分配", now).unwrap();
    }
    let visited = v
        .store
        .log_visit(
            door_visit(&v.elders[0], &old, at("2026-11-03T10:00:00+08:00"), v.homes[0]),
            at("2026-11-03T11:00:00+08:00"),
        )
        .unwrap();
    let later = at("2026-12-10T09:00:00+08:00");
    let moved = v.store.replace_helper(&old, &new, "外出务工，不能履职", later).unwrap();
    assert_eq!(moved.len(), 2);
    for e in &v.elders[..2] {
        let a = v.store.assignment(e).unwrap();
        assert_eq!(a.helper.as_ref(), Some(&new));
        assert_eq!(a.history.len(), 2);
        assert_eq!((a.history[0].helper.clone(), a.history[0].to), (old.clone(), Some(day("2026-12-10"))));
        assert_eq!((a.history[1].helper.clone(), a.history[1].to), (new.clone(), None));
    }
    assert!(v.store.assignment(&v.elders[2]).unwrap().helper.is_none(), "not the old helper's elder");
    let old_helper = v.store.helper(&old).unwrap();
    assert_eq!(old_helper.replaced_by.as_ref(), Some(&new));
    assert_eq!(v.store.visit(&visited.id).unwrap().helper, old.to_string(), "a visit keeps who made it");
    let rows = v.store.helpers().unwrap();
    assert_eq!((rows[0].name.as_str(), rows[0].elders), ("刘淑珍", 2));
    assert_eq!((rows[1].status.as_str(), rows[1].elders), ("replaced", 0));
    // A replaced helper takes no new elders.
    assert!(
        matches!(v.store.assign(&v.elders[2], &old, "", later), Err(Error::Field { field, .. }) if field == "helper")
    );
}

#[test]
fn an_amended_visit_keeps_its_original() {
    let mut v = village(1);
    let now = at("2026-11-01T09:00:00+08:00");
    let h = helper_at(&mut v.store, "陈桂兰", v.homes[0], now);
    v.store.assign(&v.elders[0], &h, "", now).unwrap();
    let first = door_visit(&v.elders[0], &h, at("2026-11-02T10:00:00+08:00"), v.homes[0]);
    let original = v.store.log_visit(first.clone(), at("2026-11-02T11:00:00+08:00")).unwrap();
    let mut corrected = first;
    corrected.checks.medical = Check::concern("忘记记录：血压高，已通知村医");
    let amendment =
        v.store.amend_visit(&original.id, corrected.clone(), at("2026-11-05T08:00:00+08:00")).unwrap();
    assert_eq!(amendment.amends.as_deref(), Some(original.id.as_str()));
    // An amendment of the amendment still points at the original.
    corrected.follow_up = "下周复查血压".into();
    let second = v.store.amend_visit(&amendment.id, corrected, at("2026-11-06T08:00:00+08:00")).unwrap();
    assert_eq!(second.amends.as_deref(), Some(original.id.as_str()));
    let history = v.store.visit_history(&v.elders[0]).unwrap();
    assert_eq!(history.len(), 3, "the original and both amendments");
    assert_eq!(
        history.iter().find(|x| x.id == original.id).unwrap().checks.medical,
        Check::fine(),
        "the original stays as it was"
    );
    let list = v.store.visits(&VisitFilter::default()).unwrap();
    assert_eq!(list.len(), 1, "one visit, shown as its latest amendment");
    assert_eq!((list[0].id.as_str(), list[0].concerns), (second.id.as_str(), 1));
    // Amendments are not new visits: due a month after the visit itself.
    let due = v.store.schedule(day("2026-12-03")).unwrap();
    assert_eq!((due[0].last_visit, due[0].status), (Some(day("2026-11-02")), Due::Overdue));
    // A submitted visit cannot be overwritten under its own id.
    let mut again = door_visit(&v.elders[0], &h, at("2026-11-02T10:00:00+08:00"), v.homes[0]);
    again.id = original.id.clone();
    assert!(
        matches!(v.store.log_visit(again, at("2026-11-07T08:00:00+08:00")), Err(Error::Field { field, .. }) if field == "id")
    );
}

#[test]
fn the_same_visit_saved_twice_is_logged_once() {
    // 陈桂兰 taps 保存 twice; later her tablet's clock, set a month back, offers the same minute again.
    let mut v = village(1);
    let now = at("2026-11-01T09:00:00+08:00");
    let h = helper_at(&mut v.store, "陈桂兰", v.homes[0], now);
    let visit = door_visit(&v.elders[0], &h, at("2026-11-02T10:00:00+08:00"), v.homes[0]);
    let first = v.store.log_visit(visit.clone(), at("2026-11-02T11:00:00+08:00")).unwrap();
    let outbox = v.store.outbox_len().unwrap();
    let mut tapped_again = visit.clone();
    tapped_again.at = at("2026-11-02T10:00:40+08:00");
    let again = v.store.log_visit(tapped_again, at("2026-11-02T11:00:05+08:00"));
    match again {
        Err(Error::Field { field, zh, en }) => {
            assert_eq!(field, "at");
            assert!(zh.contains("2026-11-02 10:00") && zh.contains("已经记录过"), "{zh}");
            assert!(en.contains(&first.id), "{en}");
        }
        other => panic!("the second save is refused: {other:?}"),
    }
    assert_eq!(v.store.visits(&VisitFilter::default()).unwrap().len(), 1);
    assert_eq!(v.store.outbox_len().unwrap(), outbox, "nothing written");
    // A visit a minute later, and an amendment of the first, are new entries.
    let mut later = visit.clone();
    later.at = at("2026-11-02T10:01:00+08:00");
    v.store.log_visit(later, at("2026-11-02T11:01:00+08:00")).unwrap();
    let mut corrected = visit;
    corrected.follow_up = "下周复查血压".into();
    v.store.amend_visit(&first.id, corrected, at("2026-11-03T08:00:00+08:00")).unwrap();
    assert_eq!(v.store.visit_history(&v.elders[0]).unwrap().len(), 3);
}

#[test]
fn a_door_visit_logged_five_kilometres_from_home_is_warned_about() {
    let mut v = village(1);
    let now = at("2026-11-01T09:00:00+08:00");
    let h = helper_at(&mut v.store, "陈桂兰", v.homes[0], now);
    let mut visit = door_visit(&v.elders[0], &h, at("2026-11-02T10:00:00+08:00"), v.homes[0]);
    visit.position = Some(Fix { lat: v.homes[0].lat + 0.045, lon: v.homes[0].lon, accuracy_m: Some(10.0) });
    let saved = v.store.log_visit(visit, at("2026-11-02T11:00:00+08:00")).unwrap();
    assert_eq!(saved.warnings.len(), 1);
    assert_eq!(saved.warnings[0].code(), "far_from_home");
    assert!(saved.warnings[0].en().contains("5.0 km"), "{}", saved.warnings[0].en());
    assert_eq!(v.store.visits(&VisitFilter::default()).unwrap().len(), 1, "saved all the same");
}

#[test]
fn bad_visits_are_refused_with_a_clear_error_and_nothing_written() {
    let mut v = village(2);
    let now = at("2026-11-01T09:00:00+08:00");
    let h = helper_at(&mut v.store, "陈桂兰", v.homes[0], now);
    v.store.archive_elder(&v.elders[1], Status::Deceased, "病故", day("2026-10-30"), now).unwrap();
    let outbox = v.store.outbox_len().unwrap();
    let later = at("2026-11-02T12:00:00+08:00");

    let archived = door_visit(&v.elders[1], &h, at("2026-11-02T10:00:00+08:00"), v.homes[1]);
    let e = v.store.log_visit(archived, later).unwrap_err();
    assert!(matches!(&e, Error::Field { field, .. } if field == "elder"), "{e}");
    assert!(e.to_string().contains("已注销") && e.to_string().contains("archived"));

    let mut no_verdict = door_visit(&v.elders[0], &h, at("2026-11-02T10:00:00+08:00"), v.homes[0]);
    no_verdict.checks.food = Check::default();
    let e = v.store.log_visit(no_verdict, later).unwrap_err();
    assert!(matches!(&e, Error::Invalid(errors) if errors[0].field == "checks.food.verdict"), "{e}");

    let future = door_visit(&v.elders[0], &h, at("2026-11-03T10:00:00+08:00"), v.homes[0]);
    let e = v.store.log_visit(future, later).unwrap_err();
    assert!(
        matches!(&e, Error::Invalid(errors) if errors[0].field == "at" && errors[0].rule.code() == "future_date")
    );

    let mut stranger = door_visit(&v.elders[0], &h, at("2026-11-02T10:00:00+08:00"), v.homes[0]);
    stranger.helper = "0".repeat(32);
    assert!(
        matches!(v.store.log_visit(stranger, later), Err(Error::Field { field, .. }) if field == "helper")
    );

    assert_eq!(v.store.outbox_len().unwrap(), outbox, "nothing written");
    assert!(v.store.visits(&VisitFilter::default()).unwrap().is_empty());
}

#[test]
fn a_draft_survives_the_app_being_killed_and_goes_on_submit() {
    let mut v = village(1);
    let now = at("2026-11-01T09:00:00+08:00");
    let h = helper_at(&mut v.store, "陈桂兰", v.homes[0], now);
    let path = v.store.path().to_path_buf();
    let draft = serde_json::json!({"mode": "door", "checks": {"food": {"verdict": "fine"}}});
    v.store.save_visit_draft(&v.elders[0], &draft, now).unwrap();
    drop(v.store);
    let mut store = Store::open(&path, now).unwrap();
    assert_eq!(store.visit_draft(&v.elders[0]).unwrap(), Some(draft));
    store.log_visit(door_visit(&v.elders[0], &h, now, v.homes[0]), now).unwrap();
    assert_eq!(store.visit_draft(&v.elders[0]).unwrap(), None);
}

#[test]
fn family_calls_are_logged_beside_the_supporters_and_survive_an_edit_of_the_record() {
    let mut v = village(1);
    let now = at("2026-11-01T09:00:00+08:00");
    let call = Call {
        id: String::new(),
        at: now,
        caller: "王建国".into(),
        relation: "儿子".into(),
        note: "下月回家".into(),
    };
    v.store.log_family_call(&v.elders[0], call, now).unwrap();
    v.store
        .update_elder(&v.elders[0], now, |e| {
            e.supporters[0].whereabouts = "广东省东莞市".into();
            Ok(())
        })
        .unwrap();
    let calls = v.store.family_calls(&v.elders[0]).unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].caller, "王建国");
    assert_eq!(v.store.elder(&v.elders[0]).unwrap().supporters[0].whereabouts, "广东省东莞市");
}

#[test]
fn the_demo_village_gets_helpers_visits_and_a_rebuild_reproduces_the_projection() {
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-11-20T18:00:00+08:00");
    let village = DemoVillage { today: day("2026-11-20"), ..DemoVillage::bazhou() };
    let mut store =
        Store::init(dir.path().join("v.sqlite"), village.unit.clone(), "斑竹村", "sichuan", now).unwrap();
    let elders = demo_village(&village, 40, 3);
    for e in elders.clone() {
        store.add_elder(e, now).unwrap();
    }
    let report = demo_services(&mut store, &village, &elders, 3, now).unwrap();
    assert!(report.helpers >= 3 && report.visits > 60 && report.remote > 0, "{report:?}");
    assert_eq!(report.assigned, 40);
    assert!(!store.org().unwrap().village.members.is_empty());
    let overdue = store.schedule(day("2026-11-20")).unwrap();
    assert!(overdue.iter().any(|e| e.status == Due::Overdue), "a few missed months");
    let before = store.projection_dump().unwrap();
    let visits = store.visits(&VisitFilter::default()).unwrap();
    assert_eq!(visits.len(), report.visits);
    // Elders beyond every helper's walk are visited by phone or video, the others at the door.
    let remote = store.suggest_assignment(true).unwrap().remote;
    assert_eq!(remote.len(), report.remote);
    for r in &visits {
        assert_eq!(r.mode != "door", remote.contains(&r.elder), "{r:?}");
    }
    assert_eq!(store.rebuild().unwrap(), 40);
    assert_eq!(store.projection_dump().unwrap(), before);
    // The same seed gives the same village on another desk of the village (holding its keys, so its
    // elders have the same ids).
    let dir2 = tempfile::tempdir().unwrap();
    let mut other =
        Store::init(dir2.path().join("v.sqlite"), village.unit.clone(), "斑竹村", "sichuan", now).unwrap();
    let bundle = store.issue_key_bundle(Role::Committee, None, None, "第二台电脑", now).unwrap();
    other.import_key_bundle(&bundle.to_text(), now).unwrap();
    for e in elders.clone() {
        other.add_elder(e, now).unwrap();
    }
    assert_eq!(demo_services(&mut other, &village, &elders, 3, now).unwrap(), report);
    assert_eq!(other.projection_dump().unwrap(), before);
}

#[test]
fn helpers_visits_and_the_organisation_arrive_on_another_device_and_project_alike() {
    use shouwang_core::store::IncomingChange;
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-11-20T18:00:00+08:00");
    let village = DemoVillage { today: day("2026-11-20"), ..DemoVillage::bazhou() };
    let mut office =
        Store::init(dir.path().join("a.sqlite"), village.unit.clone(), "斑竹村", "sichuan", now).unwrap();
    let elders = demo_village(&village, 15, 5);
    for e in elders.clone() {
        office.add_elder(e, now).unwrap();
    }
    demo_services(&mut office, &village, &elders, 5, now).unwrap();
    let mut tablet =
        Store::init(dir.path().join("b.sqlite"), village.unit.clone(), "斑竹村", "sichuan", now).unwrap();
    let bundle = office.issue_key_bundle(Role::Committee, None, None, "第二台电脑", now).unwrap();
    tablet.import_key_bundle(&bundle.to_text(), now).unwrap();
    office.prepare_outbox(now).unwrap();
    let changes: Vec<IncomingChange> = office
        .outbox_batch(0, usize::MAX >> 1, usize::MAX)
        .unwrap()
        .into_iter()
        .map(|c| IncomingChange { doc: c.doc, bytes: c.bytes, by: Role::Committee })
        .collect();
    let applied = tablet.apply_remote(&changes, 1, now).unwrap();
    // Every change applied, and every elder's own key (for the sensitive document) taken in.
    assert_eq!(applied.applied + applied.keys, changes.len());
    assert_eq!(tablet.projection_dump().unwrap(), office.projection_dump().unwrap());
    assert_eq!(
        tablet.list(&Default::default(), day("2026-11-20")).unwrap().len(),
        15,
        "no elder row from a helper"
    );
    assert_eq!(tablet.org().unwrap(), office.org().unwrap());
}
