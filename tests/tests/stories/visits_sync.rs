//! A helper's tablet and the committee's desktop of 斑竹村 work offline and meet through a real
//! `shouwang-relay` process: helpers, assignments, visits and cases made on either converge; the
//! committee sees the helper's visit and the due list clears on both; a case advanced on both keeps both
//! stages; a family phone sees none of the visits or cases.

use chrono::Duration;
use shouwang_core::case::{Emergency, Opening, Party, Stage, StageEntry};
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::elder::ElderId;
use shouwang_core::helper::Helper;
use shouwang_core::schedule::Status as Due;
use shouwang_core::store::{CaseFilter, VisitFilter};
use shouwang_core::visit::{Check, Checks, Fix, Mode, Service, Visit};
use shouwang_tests::device::{assert_same, now, sync_until_quiet, Device, VILLAGE};
use shouwang_tests::relay::{Backend, RelayProcess};

fn door_visit(elder: &ElderId, helper: &str, hours_ago: i64, home: Fix) -> Visit {
    Visit {
        id: String::new(),
        elder: elder.clone(),
        helper: helper.into(),
        mode: Mode::Door,
        at: now() - Duration::hours(hours_ago),
        duration_minutes: 30,
        checks: Checks::all_fine(),
        services: vec![Service::Patrol],
        follow_up: String::new(),
        position: Some(home),
        amends: None,
        home_distance_m: None,
        recorded_at: None,
    }
}

fn stage(s: Stage, by: &str) -> StageEntry {
    StageEntry {
        id: String::new(),
        stage: s,
        at: now(),
        by: by.into(),
        note: String::new(),
        skip_reason: String::new(),
        recorded_at: None,
    }
}

#[test]
fn visits_cases_and_assignments_converge_between_a_helper_tablet_and_the_committee() {
    let relay = RelayProcess::start(Backend::Sqlite);
    let mut desk = Device::new("committee desktop");
    desk.enrol(&relay.url(), &relay.enroll("committee", VILLAGE, None));

    // The committee registers three elders, files the helper and assigns them all.
    let village = demo_village(&DemoVillage::bazhou(), 3, 77);
    let homes: Vec<Fix> = village
        .iter()
        .map(|e| e.home.map(|h| Fix { lat: h.lat, lon: h.lon, accuracy_m: Some(10.0) }).unwrap())
        .collect();
    let elders: Vec<ElderId> = village.into_iter().map(|e| desk.add(e)).collect();
    let mut chen = Helper::named("陈桂兰");
    chen.phone = Some("13812345678".into());
    let chen = desk.store.add_helper(chen, now()).unwrap();
    // Her tablet is enrolled with a code that names her: its lists are her elders.
    let mut tablet = Device::new("helper tablet");
    let code = relay.enroll_helper(VILLAGE, chen.as_str());
    tablet.enrol_keyed(&relay.url(), &code, &mut desk, "helper", None);
    for e in &elders {
        desk.store.assign(e, &chen, "村委会分配", now()).unwrap();
    }
    let mut family = Device::new("family phone");
    let code = relay.enroll("family", VILLAGE, Some(elders[0].as_str()));
    family.enrol_keyed(&relay.url(), &code, &mut desk, "family", Some(elders[0].as_str()));
    sync_until_quiet(&mut [&mut desk, &mut tablet, &mut family]);
    let today = shouwang_core::time::local_date(now());
    for d in [&desk, &tablet] {
        let round = d.store.today_round(&chen, today).unwrap();
        assert_eq!(round.len(), 3, "{}: never visited, all three due", d.name);
    }

    // Offline, the helper visits the three elders; at the third she finds a concern and an emergency.
    let chen_id = chen.to_string();
    for (i, e) in elders.iter().enumerate() {
        let mut v = door_visit(e, &chen_id, 3 - i as i64, homes[i]);
        if i == 2 {
            v.checks.medical = Check::concern("胸口疼，喘不上气");
        }
        tablet.store.log_visit(v, now()).unwrap();
    }
    let opening = Opening {
        at: now() - Duration::hours(1),
        by: "陈桂兰".into(),
        summary: "胸口疼，呼叫 120".into(),
        visit: None,
        emergency: Some(Emergency {
            called: vec![Party::Ambulance, Party::Family],
            called_at: now() - Duration::hours(1),
        }),
    };
    let case = tablet.store.open_case(&elders[2], opening, now()).unwrap().case;
    sync_until_quiet(&mut [&mut desk, &mut tablet, &mut family]);

    // The committee sees the helper's visits and the case; the due list clears on both.
    let seen = desk.store.visits(&VisitFilter { helper: Some(chen.clone()), ..Default::default() }).unwrap();
    assert_eq!(seen.len(), 3, "the committee sees the helper's visits");
    assert_eq!(seen.iter().map(|v| v.concerns).sum::<i64>(), 1);
    for d in [&desk, &tablet] {
        assert!(d.store.today_round(&chen, today).unwrap().is_empty(), "{}: the round is done", d.name);
        assert!(d.store.schedule(today).unwrap().iter().all(|e| e.status == Due::Upcoming), "{}", d.name);
        let open = d.store.cases(&CaseFilter { open: true, ..Default::default() }, now()).unwrap();
        assert_eq!(open.len(), 1, "{}: the emergency's case is open", d.name);
        assert_eq!(open[0].called, ["120", "family"]);
    }

    // Both advance the case to 报告 at once, offline: both stage entries are kept.
    desk.store.advance_case(&case, stage(Stage::Reported, "村委会 李主任"), now()).unwrap();
    tablet.store.advance_case(&case, stage(Stage::Reported, "陈桂兰"), now()).unwrap();
    // Meanwhile the committee moves the second elder to a second helper.
    let wang = desk.store.add_helper(Helper::named("王秀英"), now()).unwrap();
    desk.store.assign(&elders[1], &wang, "就近照顾", now()).unwrap();
    sync_until_quiet(&mut [&mut desk, &mut tablet, &mut family]);
    for d in [&desk, &tablet] {
        let c = d.store.case(&case).unwrap();
        let owners: Vec<&str> = c.stages.iter().map(|s| s.by.as_str()).collect();
        assert_eq!(c.stages.len(), 2, "{}: both 报告 entries are kept: {owners:?}", d.name);
        assert_eq!(c.current().0, Stage::Reported);
        assert_eq!(d.store.elders_of(&chen).unwrap().len(), 2, "{}", d.name);
    }
    assert_eq!(desk.store.assignment(&elders[1]).unwrap().helper, Some(wang.clone()));
    // Chen's tablet no longer opens the elder who moved to Wang: a helper sees only her own elders.
    assert!(tablet.store.assignment(&elders[1]).is_err(), "the moved elder is still on chen's tablet");
    // Least data: the tablet forgot what it held of the elder routed away (documents and rows), and
    // kept its two (with the visits it logged).
    let held = tablet.documents();
    assert!(held.iter().all(|(e, _)| e != elders[1].as_str()), "the moved elder's documents are gone");
    for e in [&elders[0], &elders[2]] {
        assert!(held.iter().any(|(x, k)| x == e.as_str() && k == "visits"), "{e}");
    }
    let conn = rusqlite::Connection::open(tablet.path()).unwrap();
    for table in ["elders", "visits", "elder_helpers"] {
        let rows: i64 = conn
            .query_row(
                &format!("SELECT count(*) FROM {table} WHERE elder_id = ?1"),
                [elders[1].as_str()],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(rows, 0, "{table} still has a row of the moved elder");
    }

    // The family phone holds its elder's card and supporters only: no visit, no case.
    let kinds: Vec<String> = family.documents().into_iter().map(|(_, k)| k).collect();
    assert_eq!(kinds, ["card", "family"], "the family phone got more than the card");
    assert!(family.store.visits(&VisitFilter::default()).unwrap().is_empty());
    assert!(family.store.cases(&CaseFilter::default(), now()).unwrap().is_empty());

    // A second committee device that joins later converges with the desktop on everything.
    let mut second = Device::new("committee tablet");
    second.enrol_keyed(&relay.url(), &relay.enroll("committee", VILLAGE, None), &mut desk, "committee", None);
    sync_until_quiet(&mut [&mut desk, &mut tablet, &mut second]);
    assert_same(&[&desk, &second]);
}
