//! The office's monthly progress report (seed 004) is one core call, the app's and the CLI's: the
//! figures below are counted by hand from what the story records, not read from the code.

use chrono::{DateTime, NaiveDate, Utc};
use shouwang_core::case::Party;
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::elder::{ElderId, Status};
use shouwang_core::helper::Helper;
use shouwang_core::store::{EmergencyReport, Store};
use shouwang_core::visit::{Checks, Mode, Service, Visit};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn phone_visit(elder: &ElderId, helper: &str, when: &str) -> Visit {
    Visit {
        id: String::new(),
        elder: elder.clone(),
        helper: helper.into(),
        mode: Mode::Phone,
        at: at(when),
        duration_minutes: 10,
        checks: Checks::all_fine(),
        services: vec![Service::Patrol],
        follow_up: String::new(),
        position: None,
        amends: None,
        home_distance_m: None,
        recorded_at: None,
    }
}

#[test]
fn novembers_progress_counts_the_month_the_schedule_and_the_cases_as_the_office_would_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let registered = at("2026-11-01T09:00:00+08:00");
    let later = at("2026-12-05T09:00:00+08:00");
    let v = DemoVillage::bazhou();
    let mut store =
        Store::init(dir.path().join("v.sqlite"), v.unit.clone(), "斑竹村", "sichuan", registered).unwrap();
    let mut people = demo_village(&v, 6, 11);
    // Elder 5 is registered in December (填报日期 2026-12-02): not on November's report.
    people[5].sign_off.date = Some(day("2026-12-02"));
    let elders: Vec<ElderId> = people
        .into_iter()
        .enumerate()
        .map(|(i, e)| store.add_elder(e, if i == 5 { later } else { registered }).unwrap().id)
        .collect();
    let chen = store.add_helper(Helper::named("陈桂兰"), registered).unwrap();
    for e in &elders {
        store.assign(e, &chen, "就近", registered).unwrap();
    }
    let h = chen.to_string();
    // Elder 0: two visits in November (one on the last evening, China time), one in October.
    store.log_visit(phone_visit(&elders[0], &h, "2026-10-31T23:30:00+08:00"), later).unwrap();
    store.log_visit(phone_visit(&elders[0], &h, "2026-11-05T10:00:00+08:00"), later).unwrap();
    store.log_visit(phone_visit(&elders[0], &h, "2026-11-30T23:30:00+08:00"), later).unwrap();
    // Elder 1: visited on 21 October, 40 days before November's end: overdue then, whatever the
    // visit of 3 December says about December.
    store.log_visit(phone_visit(&elders[1], &h, "2026-10-21T10:00:00+08:00"), later).unwrap();
    store.log_visit(phone_visit(&elders[1], &h, "2026-12-03T10:00:00+08:00"), later).unwrap();
    // Elder 2: never visited — overdue, as the schedule says — and an emergency in November, still open.
    let emergency = EmergencyReport {
        called: vec![Party::Family],
        called_at: None,
        at: Some(at("2026-11-18T07:00:00+08:00")),
        summary: "夜里摔倒".into(),
        by: None,
        outcome: None,
        outcome_note: String::new(),
    };
    store.log_emergency(&elders[2], emergency, at("2026-11-18T08:00:00+08:00")).unwrap();
    // Elder 3: moved away on 2 November: not on the registry at the month's end.
    store.archive_elder(&elders[3], Status::MovedAway, "随子女迁居", day("2026-11-02"), later).unwrap();
    // Elder 4: died on 1 December: still on November's report, never visited, so overdue.
    store.archive_elder(&elders[4], Status::Deceased, "于12月1日去世", day("2026-12-01"), later).unwrap();

    // Asked on 2026-12-07 for November: taken on November's last day.
    let (report, on) = store.monthly_progress(day("2026-11-15"), day("2026-12-07")).unwrap();
    // The same figure as the schedule of that day (`due`).
    let due = store.schedule(on).unwrap();
    let overdue_on_the_day =
        due.iter().filter(|d| d.status == shouwang_core::schedule::Status::Overdue).count();
    assert_eq!(on, day("2026-11-30"));
    assert_eq!(report.month, "2026-11");
    let total = &report.total;
    assert_eq!(total.elders, 4, "elders 0, 1, 2 and 4 (died after the month)");
    assert_eq!(total.visits, 2, "elder 0's two November visits");
    assert_eq!(total.visited, 1);
    assert_eq!(total.overdue, 3, "elder 1 (40 days), elders 2 and 4 (never visited)");
    assert_eq!(total.overdue as usize, overdue_on_the_day);
    assert_eq!(total.active_helpers, 1);
    assert_eq!(total.emergencies, 1);
    assert_eq!(total.open_cases, 1);
    assert_eq!(report.villages.len(), 1);
    assert_eq!(report.villages[0].unit, v.unit.as_str());
}
