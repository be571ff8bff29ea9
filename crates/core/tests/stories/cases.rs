//! The stories of emergencies 助急 and cases 发现 → 报告 → 转介 → 救助 (issue 4), told against the store.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use shouwang_core::case::{Closing, Emergency, Opening, Outcome, Party, Stage, StageEntry};
use shouwang_core::demo::{demo_village, DemoVillage};
use shouwang_core::elder::{ElderId, Status};
use shouwang_core::helper::Helper;
use shouwang_core::store::{CaseFilter, Error, Store};
use shouwang_core::visit::{Check, Checks, Mode, Visit};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn village(n: usize) -> (tempfile::TempDir, Store, Vec<ElderId>) {
    let dir = tempfile::tempdir().unwrap();
    let now = at("2026-11-01T09:00:00+08:00");
    let v = DemoVillage::bazhou();
    let mut store =
        Store::init(dir.path().join("v.sqlite"), v.unit.clone(), "斑竹村", "sichuan", now).unwrap();
    let elders = demo_village(&v, n, 11).into_iter().map(|e| store.add_elder(e, now).unwrap().id).collect();
    (dir, store, elders)
}

fn stage(stage: Stage, when: DateTime<Utc>, by: &str) -> StageEntry {
    StageEntry {
        id: String::new(),
        stage,
        at: when,
        by: by.into(),
        note: String::new(),
        skip_reason: String::new(),
        recorded_at: None,
    }
}

fn fall(when: DateTime<Utc>) -> Opening {
    Opening {
        at: when,
        by: "陈桂兰".into(),
        summary: "老人在院里摔倒，起不来".into(),
        visit: None,
        emergency: Some(Emergency {
            called: vec![Party::Family, Party::Ambulance, Party::Doctor],
            called_at: when,
        }),
    }
}

#[test]
fn an_emergency_opens_a_case_that_walks_the_chain_and_leaves_the_list_when_closed() {
    let (_dir, mut store, elders) = village(3);
    let t0 = at("2026-11-10T07:30:00+08:00");
    let opened = store.open_case(&elders[0], fall(t0), t0).unwrap();
    let case = store.case(&opened.case).unwrap();
    assert_eq!(case.current(), (Stage::Discovered, t0));
    let called = &case.opened.emergency.as_ref().unwrap().called;
    assert_eq!(called, &[Party::Family, Party::Ambulance, Party::Doctor]);

    let steps = [
        (Stage::Reported, 2, "村委会 李主任"),
        (Stage::Referred, 20, "乡镇民政办"),
        (Stage::Assisted, 48, "卫生院"),
    ];
    for (s, hours, by) in steps {
        let when = t0 + Duration::hours(hours);
        store.advance_case(&opened.case, stage(s, when, by), when).unwrap();
        let open = store.cases(&CaseFilter { open: true, ..Default::default() }, when).unwrap();
        assert_eq!(open.len(), 1, "open cases stay on the committee's list");
        assert_eq!(open[0].stage, s.code());
        assert!(!open[0].flagged, "every stage came in time");
    }
    let t1 = t0 + Duration::days(3);
    let closing =
        Closing { at: t1, by: "李主任".into(), outcome: Outcome::Hospitalised, note: String::new() };
    store.close_case(&opened.case, closing.clone(), t1).unwrap();
    assert!(store.cases(&CaseFilter { open: true, ..Default::default() }, t1).unwrap().is_empty());
    let all = store.cases(&CaseFilter::default(), t1).unwrap();
    assert_eq!(all[0].outcome.as_deref(), Some("hospitalised"));
    // A closed case takes no more stages and no second closing.
    let again = store.close_case(&opened.case, closing, t1);
    assert!(matches!(again, Err(Error::Field { ref field, .. }) if field == "case"), "{again:?}");

    let months =
        store.case_counts_by_month(NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(), t1.date_naive()).unwrap();
    assert_eq!(months.len(), 2);
    assert_eq!((months[0].emergencies, months[0].opened), (0, 0));
    assert_eq!(
        (months[1].month.as_str(), months[1].emergencies, months[1].closed, months[1].open_at_end),
        ("2026-11", 1, 1, 0)
    );
    let per_elder = store.cases_per_elder_in_month(t1.date_naive()).unwrap();
    assert_eq!(per_elder.get(elders[0].as_str()), Some(&(1, 0)), "one emergency, closed within the month");
    let october = store.cases_per_elder_in_month(NaiveDate::from_ymd_opt(2026, 10, 5).unwrap()).unwrap();
    assert!(october.is_empty());
}

#[test]
fn a_case_left_at_the_report_stage_too_long_is_flagged() {
    let (_dir, mut store, elders) = village(2);
    let t0 = at("2026-11-10T09:00:00+08:00");
    let c = store.open_case(&elders[1], fall(t0), t0).unwrap().case;
    store
        .advance_case(&c, stage(Stage::Reported, t0 + Duration::hours(3), "村委会"), t0 + Duration::hours(3))
        .unwrap();
    // Sichuan allows three days from 报告 to 转介.
    let limits = store.policy().case_stage_days;
    assert_eq!((limits.reported, limits.referred, limits.assisted), (1, 3, 7));
    let flagged = |now| store.cases(&CaseFilter { flagged: true, ..Default::default() }, now).unwrap();
    assert!(flagged(t0 + Duration::days(3)).is_empty());
    let late = flagged(t0 + Duration::days(4));
    assert_eq!(late.len(), 1);
    assert_eq!((late[0].stage.as_str(), late[0].waiting_for.as_deref()), ("reported", Some("referred")));
}

#[test]
fn stages_advance_in_order_and_bad_input_is_refused_with_nothing_written() {
    let (_dir, mut store, elders) = village(2);
    let t0 = at("2026-11-10T09:00:00+08:00");
    let c = store.open_case(&elders[0], fall(t0), t0).unwrap().case;
    store.archive_elder(&elders[1], Status::MovedAway, "随子女迁往成都", t0.date_naive(), t0).unwrap();
    let before = store.outbox_len().unwrap();
    let dump = store.projection_dump().unwrap();
    // Skipping 报告 without a reason.
    let skip = store.advance_case(&c, stage(Stage::Referred, t0, "村委会"), t0);
    assert!(
        matches!(skip, Err(Error::Field { ref field, ref zh, .. }) if field == "skip_reason" && zh.contains("报告"))
    );
    // Going back to 发现.
    let back = store.advance_case(&c, stage(Stage::Discovered, t0, "村委会"), t0);
    assert!(matches!(back, Err(Error::Field { ref field, .. }) if field == "stage"));
    // A stage in the future and without an owner.
    let mut future = stage(Stage::Reported, t0 + Duration::days(2), " ");
    future.note = "x".into();
    let Err(Error::Invalid(errors)) = store.advance_case(&c, future, t0) else { panic!("refused") };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["by", "at"]);
    // An emergency with nobody called; a case for an archived elder.
    let mut nobody = fall(t0);
    nobody.emergency.as_mut().unwrap().called.clear();
    let Err(Error::Invalid(errors)) = store.open_case(&elders[1], nobody, t0) else { panic!("refused") };
    assert_eq!(errors[0].field, "called");
    assert!(errors[0].rule.en().contains("required"), "{}", errors[0].rule.en());
    assert!(store.open_case(&elders[1], fall(t0), t0).is_err(), "the elder moved away");
    assert_eq!(store.outbox_len().unwrap(), before, "nothing written");
    assert_eq!(store.projection_dump().unwrap(), dump);
    // A skip with its reason goes through.
    let mut skip = stage(Stage::Referred, t0 + Duration::hours(1), "村医");
    skip.skip_reason = "村医当场送卫生院".into();
    store.advance_case(&c, skip, t0 + Duration::hours(1)).unwrap();
    assert_eq!(store.case(&c).unwrap().current().0, Stage::Referred);
}

#[test]
fn a_visit_with_a_concern_opens_a_case_and_a_fine_one_cannot() {
    let (_dir, mut store, elders) = village(1);
    let t0 = at("2026-11-10T09:00:00+08:00");
    let helper = store.add_helper(Helper::named("陈桂兰"), t0).unwrap();
    let mut visit = Visit {
        id: String::new(),
        elder: elders[0].clone(),
        helper: helper.to_string(),
        mode: Mode::Phone,
        at: t0,
        duration_minutes: 10,
        checks: Checks::all_fine(),
        services: vec![],
        follow_up: String::new(),
        position: None,
        amends: None,
        home_distance_m: None,
        recorded_at: None,
    };
    let fine = store.log_visit(visit.clone(), t0).unwrap().id;
    visit.checks.medical = Check::concern("血压 180，头晕");
    visit.at = t0 - chrono::Duration::minutes(5);
    let concern = store.log_visit(visit, t0).unwrap().id;
    let opening = |v: &str| Opening {
        at: t0,
        by: "陈桂兰".into(),
        summary: "医：血压 180，头晕".into(),
        visit: Some(v.into()),
        emergency: None,
    };
    let refused = store.open_case(&elders[0], opening(&fine), t0);
    assert!(matches!(refused, Err(Error::Field { ref field, .. }) if field == "visit"));
    let c = store.open_case(&elders[0], opening(&concern), t0).unwrap().case;
    let rows = store.cases(&CaseFilter::default(), t0).unwrap();
    assert_eq!(
        (rows[0].id.as_str(), rows[0].visit.as_deref(), rows[0].emergency),
        (c.as_str(), Some(concern.as_str()), false)
    );
}

#[test]
fn a_rebuild_gives_back_the_case_rows() {
    let (_dir, mut store, elders) = village(2);
    let t0 = at("2026-11-10T09:00:00+08:00");
    let registry = store.projection_dump().unwrap().len();
    let c = store.open_case(&elders[0], fall(t0), t0).unwrap().case;
    store.advance_case(&c, stage(Stage::Reported, t0, "村委会"), t0).unwrap();
    store.open_case(&elders[1], fall(t0), t0).unwrap();
    let before = store.projection_dump().unwrap();
    assert_eq!(before.len(), registry + 3, "two cases and one stage entry");
    store.rebuild().unwrap();
    assert_eq!(store.projection_dump().unwrap(), before);
}

#[test]
fn a_visit_rewritten_by_another_device_keeps_its_original_and_is_listed_for_review() {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ReadDoc, ROOT};
    use shouwang_core::doc::{DocId, DocKind};
    use shouwang_core::store::IncomingChange;

    let (dir, mut store, elders) = village(1);
    let t0 = at("2026-11-10T09:00:00+08:00");
    let helper = store.add_helper(Helper::named("陈桂兰"), t0).unwrap();
    let visit = Visit {
        id: String::new(),
        elder: elders[0].clone(),
        helper: helper.to_string(),
        mode: Mode::Door,
        at: t0,
        duration_minutes: 30,
        checks: Checks::all_fine(),
        services: vec![],
        follow_up: String::new(),
        position: None,
        amends: None,
        home_distance_m: None,
        recorded_at: None,
    };
    let id = store.log_visit(visit, t0).unwrap().id;
    // Another device (a tampered build) rewrites the submitted visit: medical becomes a concern.
    let doc_id = DocId { elder: elders[0].clone(), kind: DocKind::Visits };
    let conn = rusqlite::Connection::open(dir.path().join("v.sqlite")).unwrap();
    let bytes: Vec<u8> = conn
        .query_row("SELECT data FROM documents WHERE doc_id = ?1", [doc_id.to_string()], |r| r.get(0))
        .unwrap();
    drop(conn);
    let mut other = AutoCommit::load(&bytes).unwrap();
    other.set_actor(automerge::ActorId::from(vec![7u8; 16]));
    let before = other.get_heads();
    let (_, entry) = other.get(ROOT, id.as_str()).unwrap().unwrap();
    let (_, checks) = other.get(&entry, "checks").unwrap().unwrap();
    let (_, medical) = other.get(&checks, "medical").unwrap().unwrap();
    other.put(&medical, "verdict", "concern").unwrap();
    other.put(&medical, "note", "改过的记录").unwrap();
    other.commit();
    let changes: Vec<IncomingChange> = other
        .get_changes(&before)
        .into_iter()
        .map(|c| IncomingChange {
            doc: doc_id.clone(),
            bytes: store.seal_change(&doc_id, c.raw_bytes()).unwrap(),
            by: shouwang_core::role::Role::Helper,
        })
        .collect();
    store.apply_remote(&changes, 1, t0).unwrap();

    let shown = store.visit(&id).unwrap();
    assert_eq!(shown.checks.medical, Check::fine(), "the original stays what counts");
    let rewrites = store.visit_rewrites().unwrap();
    assert_eq!(rewrites.len(), 1);
    assert_eq!((rewrites[0].0.as_str(), &rewrites[0].1), (id.as_str(), &elders[0]));
    assert_eq!(rewrites[0].2["checks"]["medical"]["verdict"], "fine");
    let review = store.review_list().unwrap();
    let item = review.iter().find(|i| i.field == format!("visits.{id}")).expect("on the review list");
    assert_eq!(item.elder, elders[0]);
    assert_eq!(item.values[0]["checks"]["medical"]["verdict"], "fine");
    let dump = store.projection_dump().unwrap();
    store.rebuild().unwrap();
    assert_eq!(store.projection_dump().unwrap(), dump, "a rebuild finds the rewrite again");
}
